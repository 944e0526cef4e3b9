//! Reading RDB: a whole file ([`load_bytes`], Redis 7.0's `rdbLoadRio`) and one value
//! (`rdbLoadObject`), for every version (1 to 10) and encoding Redis 7.0 loads. A value
//! is built whole before it is handed over, so a corrupt file never leaves half a key.

use super::input::{Corrupt, Input, R};
use super::packed::{self, Item};
use super::{CRC64, RDB_VERSION, kind, op};
use crate::db::hash::Duplicate;
use crate::db::intset::IntSet;
use crate::db::zset::ZSet;
use crate::db::{EncLimits, Hash, List, Set, Value};
use bytes::Bytes;

/// What loading needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Loader {
    pub enc: EncLimits,
    /// `databases`: a file selecting a database past it is refused.
    pub databases: usize,
    /// Keys whose expiry is before this (Unix ms) are skipped, as a master does; None
    /// loads them all (an AOF preamble).
    pub now: Option<u64>,
}

/// One key read from a file.
#[derive(Debug)]
pub struct LoadedKey {
    pub db: usize,
    pub key: Bytes,
    pub value: Value,
    pub expire_at: Option<u64>,
    /// The idle seconds saved with it (LRU policies), if any.
    pub idle: Option<u64>,
    /// The LFU frequency saved with it (LFU policies), if any.
    pub freq: Option<u8>,
}

/// What a whole file held besides its keys.
#[derive(Debug, Default)]
pub struct Loaded {
    pub version: u16,
    pub aux: Vec<(Bytes, Bytes)>,
    /// Function libraries (FUNCTION2 payloads: their code), for whoever runs functions.
    pub functions: Vec<Bytes>,
    pub keys: u64,
    pub expired: u64,
    /// Empty collections skipped (Redis skips them with a warning too).
    pub empty: u64,
    /// Log lines for the caller: what was skipped and why.
    pub warnings: Vec<String>,
    /// The bytes the file took, checksum included: an AOF's commands may follow.
    pub size: u64,
}

/// Reads a whole RDB file from `data`, handing each key to `sink`, which may refuse it
/// (a duplicate key) with a reason. Stops at the first problem: the error names its offset.
pub fn load_bytes(
    data: &[u8],
    l: &Loader,
    mut sink: impl FnMut(LoadedKey) -> Result<(), String>,
) -> R<Loaded> {
    let mut r = Input::new(data);
    let magic = r.take(9)?;
    if &magic[..5] != b"REDIS" {
        return Err(Corrupt {
            offset: 0,
            what: "Wrong signature trying to load DB from file".into(),
        });
    }
    let version = std::str::from_utf8(&magic[5..])
        .ok()
        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u16>().ok())
        .filter(|v| (1..=RDB_VERSION).contains(v));
    let Some(version) = version else {
        return Err(Corrupt {
            offset: 5,
            what: format!(
                "Can't handle RDB format version {}",
                String::from_utf8_lossy(&magic[5..])
            ),
        });
    };
    let mut out = Loaded {
        version,
        ..Loaded::default()
    };
    let mut db = 0usize;
    let (mut expire, mut idle, mut freq) = (None, None, None);
    loop {
        let at = r.offset();
        let t = r.u8()?;
        match t {
            op::EXPIRETIME => {
                let secs = i32::from_le_bytes(r.array()?);
                expire = Some((i64::from(secs) * 1000).max(0) as u64);
            }
            op::EXPIRETIME_MS => {
                expire = Some(i64::from_le_bytes(r.array()?).max(0) as u64);
            }
            op::FREQ => freq = Some(r.u8()?),
            op::IDLE => idle = Some(r.len()?),
            op::EOF => break,
            op::SELECTDB => {
                let n = r.len()?;
                if n >= l.databases as u64 {
                    return Err(Corrupt {
                        offset: at,
                        what: format!(
                            "FATAL: Data file was created with a Redis server configured to handle more than {} databases",
                            l.databases
                        ),
                    });
                }
                db = n as usize;
            }
            op::RESIZEDB => {
                r.len()?;
                r.len()?;
            }
            op::AUX => {
                let k = r.bytes()?;
                let v = r.bytes()?;
                out.aux.push((k, v));
            }
            op::MODULE_AUX => {
                let id = r.len()?;
                return Err(Corrupt {
                    offset: at,
                    what: format!(
                        "The RDB file contains AUX module data I can't load: no matching module '{}'",
                        module_name(id)
                    ),
                });
            }
            op::FUNCTION_PRE_GA => {
                return Err(Corrupt {
                    offset: at,
                    what: "Pre-release function format not supported".into(),
                });
            }
            op::FUNCTION2 => {
                out.functions.push(r.bytes()?);
            }
            t => {
                let key = r.bytes()?;
                let value = value_at(&mut r, t, &l.enc)?;
                let (e, i, f) = (expire.take(), idle.take(), freq.take());
                let Some(value) = value else {
                    out.empty += 1;
                    if out.empty <= 10 {
                        out.warnings.push(format!(
                            "rdbLoadObject skipping empty key: {}",
                            String::from_utf8_lossy(&key)
                        ));
                    }
                    continue;
                };
                if let (Some(now), Some(at)) = (l.now, e)
                    && at < now
                {
                    out.expired += 1;
                    continue;
                }
                let loaded = LoadedKey {
                    db,
                    key,
                    value,
                    expire_at: e,
                    idle: i,
                    freq: f,
                };
                sink(loaded).map_err(|what| Corrupt { offset: at, what })?;
                out.keys += 1;
            }
        }
    }
    if version >= 5 {
        let end = r.offset() as usize;
        let stored = r.u64_le()?;
        if stored == 0 {
            out.warnings
                .push("RDB file was saved with checksum disabled: no check performed.".into());
        } else {
            let expected = CRC64.checksum(&data[..end]);
            if expected != stored {
                return Err(Corrupt {
                    offset: end as u64,
                    what: format!(
                        "Wrong RDB checksum expected: ({expected:016x}) got ({stored:016x})"
                    ),
                });
            }
        }
    }
    out.size = r.offset();
    Ok(out)
}

/// Reads the value of type `t` at the reader's position, reporting errors at the value's
/// start. `Ok(None)` for an empty collection.
fn value_at(r: &mut Input<'_>, t: u8, enc: &EncLimits) -> R<Option<Value>> {
    let at = r.offset();
    load_value(r, t, enc).map_err(|mut e| {
        if e.offset < at {
            e.offset = at;
        }
        e
    })
}

/// Redis's module type names: 9 characters of 6 bits above a 10-bit version.
fn module_name(id: u64) -> String {
    const CSET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = id >> 10;
    let mut name = [0u8; 9];
    for c in name.iter_mut().rev() {
        *c = CSET[(id & 63) as usize];
        id >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

/// Reads one value of type `t` (`rdbLoadObject`). `Ok(None)` for an empty collection,
/// which a file skips and RESTORE refuses.
/// Appends a packed list element to `l`: a string as is, an integer as its text.
fn push_item(l: &mut List, i: Item<'_>) {
    match i {
        Item::Int(v) => l.push_back(v.to_string().as_bytes()),
        Item::Str(s) => l.push_back(s),
    }
}

pub(super) fn load_value(r: &mut Input<'_>, t: u8, enc: &EncLimits) -> R<Option<Value>> {
    let v = match t {
        kind::STRING => Value::Str(r.bytes()?),
        kind::LIST => {
            let n = r.count(1)?;
            let mut l = List::with_fill(enc.list_fill);
            for _ in 0..n {
                l.push_back(&r.bytes()?);
            }
            Value::List(l)
        }
        kind::SET => {
            let n = r.count(1)?;
            // As Redis: the table from the start when the count is past the intset limit,
            // else an intset that converts at the first non-integer.
            let max = enc.set_intset_entries;
            let mut s = if n > max {
                Set::table(n)
            } else {
                Set::with_limit(max)
            };
            for _ in 0..n {
                if !s.insert_bytes(r.bytes()?) {
                    return r.fail("Duplicate set members detected");
                }
            }
            Value::Set(s)
        }
        kind::ZSET | kind::ZSET_2 => {
            let n = r.count(if t == kind::ZSET { 2 } else { 9 })?;
            // Built large, then converted if it fits, as Redis's loader does (the elements
            // come unordered, so a pack would be rebuilt on every insertion).
            let mut z = ZSet::new_large();
            z.set_limits(enc.zset_entries, enc.zset_value);
            for _ in 0..n {
                let m = r.bytes()?;
                let s = if t == kind::ZSET {
                    r.text_double()?
                } else {
                    r.binary_double()?
                };
                if s.is_nan() {
                    return r.fail("Zset with NAN score detected");
                }
                if !z.insert(m, s) {
                    return r.fail("Duplicate zset fields detected");
                }
            }
            z.fit_encoding();
            Value::ZSet(Box::new(z))
        }
        kind::HASH => {
            let n = r.count(2)?;
            let mut pairs = Vec::with_capacity(n);
            for _ in 0..n {
                pairs.push((r.bytes()?, r.bytes()?));
            }
            match Hash::load(pairs, true, enc) {
                Ok(h) => Value::Hash(h),
                Err(Duplicate) => return r.fail(DUPLICATE_FIELDS),
            }
        }
        kind::MODULE | kind::MODULE_2 => {
            let id = r.len()?;
            return r.fail(format!(
                "The RDB file contains module data I can't load: no matching module type '{}'",
                module_name(id)
            ));
        }
        kind::HASH_ZIPMAP => {
            let at = r.offset();
            let blob = r.string()?;
            let pairs = packed::zipmap(&blob).map_err(|e| blob_err(at, e))?;
            match Hash::load(pairs, true, enc) {
                Ok(h) => Value::Hash(h),
                Err(Duplicate) => return Err(blob_err(at, DUPLICATE_FIELDS.into())),
            }
        }
        kind::SET_INTSET => {
            let at = r.offset();
            let blob = r.string()?;
            let ints = packed::intset(&blob).map_err(|e| blob_err(at, e))?;
            // Redis keeps the saved width (the header's first byte; `intset` checked it).
            let mut s = IntSet::new();
            s.widen_to(usize::from(blob[0]));
            for v in ints {
                if !s.insert(v) {
                    return Err(blob_err(at, "Duplicate set members detected".into()));
                }
            }
            Value::Set(Set::from_intset(s, enc.set_intset_entries))
        }
        kind::LIST_ZIPLIST => {
            let at = r.offset();
            let blob = r.string()?;
            let items = packed::ziplist(&blob).map_err(|e| blob_err(at, e))?;
            let mut l = List::with_fill(enc.list_fill);
            items.iter().for_each(|&i| push_item(&mut l, i));
            Value::List(l)
        }
        kind::ZSET_ZIPLIST | kind::ZSET_LISTPACK | kind::HASH_ZIPLIST | kind::HASH_LISTPACK => {
            let at = r.offset();
            let blob = r.string()?;
            let items = if t == kind::ZSET_ZIPLIST || t == kind::HASH_ZIPLIST {
                packed::ziplist(&blob)
            } else {
                packed::listpack(&blob)
            }
            .map_err(|e| blob_err(at, e))?;
            if items.len() % 2 != 0 {
                return Err(blob_err(
                    at,
                    "odd number of elements in a packed pair list".into(),
                ));
            }
            if t == kind::HASH_ZIPLIST || t == kind::HASH_LISTPACK {
                // Taken as packed, so only the count decides (as Redis 7.0's loader).
                let pairs = items
                    .chunks_exact(2)
                    .map(|p| (p[0].to_bytes(), p[1].to_bytes()));
                match Hash::load(pairs, false, enc) {
                    Ok(h) => Value::Hash(h),
                    Err(Duplicate) => return Err(blob_err(at, DUPLICATE_FIELDS.into())),
                }
            } else {
                // Redis keeps a packed payload packed unless it holds more entries than
                // zset-max-listpack-entries: a member longer than the value limit stays.
                let mut z = ZSet::with_limits(enc.zset_entries, usize::MAX);
                for p in items.chunks_exact(2) {
                    let s = match p[1] {
                        Item::Int(v) => v as f64,
                        Item::Str(s) => match crate::util::number::parse_f64(s) {
                            Some(v) if !v.is_nan() => v,
                            _ => return Err(blob_err(at, "bad score in a sorted set".into())),
                        },
                    };
                    if !z.insert(p[0].to_bytes(), s) {
                        return Err(blob_err(at, "Duplicate zset fields detected".into()));
                    }
                }
                z.set_limits(enc.zset_entries, enc.zset_value);
                Value::ZSet(Box::new(z))
            }
        }
        kind::LIST_QUICKLIST | kind::LIST_QUICKLIST_2 => {
            let v2 = t == kind::LIST_QUICKLIST_2;
            let n = r.count(if v2 { 2 } else { 1 })?;
            let mut l = List::with_fill(enc.list_fill);
            for _ in 0..n {
                let container = if v2 { r.len()? } else { 2 };
                let at = r.offset();
                let blob = r.string()?;
                match container {
                    // A plain node: one element, as is.
                    1 => l.push_back(&blob),
                    2 => {
                        let items = if v2 {
                            packed::listpack(&blob)
                        } else {
                            packed::ziplist(&blob)
                        }
                        .map_err(|e| blob_err(at, e))?;
                        items.iter().for_each(|&i| push_item(&mut l, i));
                    }
                    _ => return Err(blob_err(at, "Quicklist integrity check failed".into())),
                }
            }
            Value::List(l)
        }
        kind::STREAM_LISTPACKS | kind::STREAM_LISTPACKS_2 => {
            let s = super::stream::read(r, t == kind::STREAM_LISTPACKS_2, enc)?;
            // A stream is never "empty" in this sense: groups and IDs are state.
            return Ok(Some(Value::Stream(Box::new(s))));
        }
        _ => return r.fail(format!("Unknown RDB encoding type {t}")),
    };
    let empty = match &v {
        Value::Str(_) | Value::Stream(_) => false,
        Value::List(l) => l.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::ZSet(z) => z.is_empty(),
    };
    Ok((!empty).then_some(v))
}

const DUPLICATE_FIELDS: &str = "Duplicate hash fields detected";

fn blob_err(at: u64, what: String) -> Corrupt {
    Corrupt { offset: at, what }
}

/// Checks DUMP's footer (`verifyDumpPayload`): the RDB version (not newer than ours) and
/// the CRC64. Returns the serialized value without the footer.
pub fn verify_dump(payload: &[u8]) -> Option<&[u8]> {
    if payload.len() < 10 {
        return None;
    }
    let (body, footer) = payload.split_at(payload.len() - 10);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > RDB_VERSION {
        return None;
    }
    let crc = u64::from_le_bytes(footer[2..10].try_into().ok()?);
    (CRC64.checksum(&payload[..payload.len() - 8]) == crc).then_some(body)
}

/// Why RESTORE refused a payload, each with Redis's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPayload {
    /// "DUMP payload version or checksum are wrong"
    Checksum,
    /// "Bad data format"
    Format,
}

/// A DUMP payload back into its value: the footer checked, then the value read whole.
pub fn restore_value(payload: &[u8], enc: &EncLimits) -> Result<Value, BadPayload> {
    let body = verify_dump(payload).ok_or(BadPayload::Checksum)?;
    let mut r = Input::new(body);
    let t = r.u8().map_err(|_| BadPayload::Format)?;
    match load_value(&mut r, t, enc) {
        Ok(Some(v)) => Ok(v),
        _ => Err(BadPayload::Format),
    }
}
