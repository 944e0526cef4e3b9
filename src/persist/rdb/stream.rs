//! Streams in RDB: the listpack nodes (`RDB_TYPE_STREAM_LISTPACKS_2`, and the version-1
//! layout of Redis 5/6 on load), the stream's counters, then the consumer groups with
//! their pending entries and consumers.

use super::enc::{self, Listpack};
use super::input::{Input, R};
use super::packed::{self, Item};
use crate::db::EncLimits;
use crate::db::stream::{Consumer, Group, Pending, Stream, StreamId};
use bytes::Bytes;
use std::collections::BTreeMap;

/// Entry flags in a stream listpack.
const FLAG_DELETED: i64 = 1;
const FLAG_SAMEFIELDS: i64 = 2;

fn raw_id(id: &StreamId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

fn id_of(raw: &[u8]) -> StreamId {
    let mut ms = [0u8; 8];
    let mut seq = [0u8; 8];
    ms.copy_from_slice(&raw[..8]);
    seq.copy_from_slice(&raw[8..16]);
    StreamId {
        ms: u64::from_be_bytes(ms),
        seq: u64::from_be_bytes(seq),
    }
}

/// Writes a stream as `RDB_TYPE_STREAM_LISTPACKS_2` (Redis 7.0's `rdbSaveObject`).
pub fn write(buf: &mut Vec<u8>, s: &Stream, compress: bool) {
    let mut nodes: Vec<(StreamId, Vec<u8>)> = Vec::new();
    for node in s.nodes() {
        let entries: Vec<_> = node.entries.collect();
        if entries.is_empty() {
            continue;
        }
        let mut lp = Listpack::new();
        lp.push_int(entries.len() as i64);
        lp.push_int(0);
        lp.push_int(node.fields.len() as i64);
        for f in node.fields {
            lp.push(f);
        }
        lp.push_int(0);
        for (id, fields) in entries {
            let n = fields.len() / 2;
            let same = n == node.fields.len()
                && fields
                    .iter()
                    .step_by(2)
                    .zip(node.fields)
                    .all(|(a, b)| a == b);
            lp.push_int(if same { FLAG_SAMEFIELDS } else { 0 });
            lp.push_int(id.ms.wrapping_sub(node.master.ms) as i64);
            lp.push_int(id.seq.wrapping_sub(node.master.seq) as i64);
            if same {
                for v in fields.iter().skip(1).step_by(2) {
                    lp.push(v);
                }
            } else {
                lp.push_int(n as i64);
                for f in fields {
                    lp.push(f);
                }
            }
            let lp_count = if same { n + 3 } else { 2 * n + 4 };
            lp.push_int(lp_count as i64);
        }
        nodes.push((node.master, lp.finish()));
    }
    enc::len(buf, nodes.len() as u64);
    for (master, lp) in &nodes {
        enc::string(buf, &raw_id(master), compress);
        enc::string(buf, lp, compress);
    }
    enc::len(buf, s.len() as u64);
    enc::len(buf, s.last_id.ms);
    enc::len(buf, s.last_id.seq);
    enc::len(buf, s.first_id.ms);
    enc::len(buf, s.first_id.seq);
    enc::len(buf, s.max_deleted_id.ms);
    enc::len(buf, s.max_deleted_id.seq);
    enc::len(buf, s.entries_added);
    enc::len(buf, s.groups.len() as u64);
    for (name, g) in &s.groups {
        enc::string(buf, name, compress);
        enc::len(buf, g.last_id.ms);
        enc::len(buf, g.last_id.seq);
        // An unknown read counter is -1, saved as the unsigned length it casts to.
        enc::len(buf, g.entries_read.map_or(u64::MAX, |n| n as u64));
        enc::len(buf, g.pel.len() as u64);
        for (id, p) in &g.pel {
            buf.extend_from_slice(&raw_id(id));
            enc::millis(buf, p.delivery_time);
            enc::len(buf, p.delivery_count);
        }
        enc::len(buf, g.consumers.len() as u64);
        for (name, c) in &g.consumers {
            enc::string(buf, name, compress);
            enc::millis(buf, c.seen_time);
            enc::len(buf, c.pel.len() as u64);
            for id in &c.pel {
                buf.extend_from_slice(&raw_id(id));
            }
        }
    }
}

/// Reads a stream; `v2` for `RDB_TYPE_STREAM_LISTPACKS_2` (7.0), else Redis 5/6's layout.
pub fn read(r: &mut Input<'_>, v2: bool, limits: &EncLimits) -> R<Stream> {
    let mut s = Stream::new();
    s.set_node_limits(limits.stream_node_bytes, limits.stream_node_entries);
    let nodes = r.count(2)?;
    for _ in 0..nodes {
        let at = r.offset();
        let key = r.string()?;
        if key.len() != 16 {
            return Err(r.corrupt("stream node key is not 16 bytes").at(at));
        }
        let master = id_of(&key);
        let at = r.offset();
        let lp = r.string()?;
        let items = packed::listpack(&lp).map_err(|e| r.corrupt(e).at(at))?;
        if items.is_empty() {
            return Err(r.corrupt("empty listpack inside stream").at(at));
        }
        read_node(&mut s, master, &items).map_err(|e| r.corrupt(e).at(at))?;
    }
    let len = r.len()?;
    let last_id = StreamId {
        ms: r.len()?,
        seq: r.len()?,
    };
    if len != s.len() as u64 {
        return r.fail(format!(
            "stream length {len} does not match its {} entries",
            s.len()
        ));
    }
    if !s.is_empty() && s.last_id > last_id {
        return r.fail("stream last ID is smaller than its last entry");
    }
    s.last_id = last_id;
    if v2 {
        let first_id = StreamId {
            ms: r.len()?,
            seq: r.len()?,
        };
        s.max_deleted_id = StreamId {
            ms: r.len()?,
            seq: r.len()?,
        };
        s.entries_added = r.len()?;
        // The first entry's ID is what it is; a file cannot make it disagree.
        if s.is_empty() {
            s.first_id = first_id;
        }
    } else {
        // Redis 5/6 did not keep these: Redis 7.0 takes the count of entries as the
        // count ever added, and no deletions.
        s.entries_added = len;
        s.max_deleted_id = StreamId::default();
    }
    let groups = r.count(3)?;
    for _ in 0..groups {
        let at = r.offset();
        let name = r.bytes()?;
        let last_id = StreamId {
            ms: r.len()?,
            seq: r.len()?,
        };
        let entries_read = if v2 {
            let n = r.len()? as i64;
            (n >= 0).then_some(n)
        } else {
            s.meta().estimate(&last_id)
        };
        let mut g = Group::new(last_id, entries_read);
        let pel = r.count(16 + 8 + 1)?;
        // Who owns each pending entry, filled in by the consumers below.
        let mut owner: BTreeMap<StreamId, Option<Bytes>> = BTreeMap::new();
        let mut pending = Vec::with_capacity(pel);
        for _ in 0..pel {
            let id = id_of(r.take(16)?);
            let delivery_time = r.u64_le()?;
            let delivery_count = r.len()?;
            if owner.insert(id, None).is_some() {
                return r.fail("duplicated global PEL entry loading stream consumer group");
            }
            pending.push((id, delivery_time, delivery_count));
        }
        let consumers = r.count(1 + 8 + 1)?;
        for _ in 0..consumers {
            let cname = r.bytes()?;
            let seen_time = r.u64_le()?;
            let n = r.count(16)?;
            let mut c = Consumer {
                seen_time,
                ..Consumer::default()
            };
            for _ in 0..n {
                let id = id_of(r.take(16)?);
                match owner.get_mut(&id) {
                    Some(o @ None) => *o = Some(cname.clone()),
                    _ => return r.fail("consumer PEL entry not found in the group's PEL"),
                }
                c.pel.insert(id);
            }
            if g.consumers.insert(cname, c).is_some() {
                return r.fail("duplicated consumer name in a stream consumer group");
            }
        }
        for (id, delivery_time, delivery_count) in pending {
            let Some(Some(consumer)) = owner.remove(&id) else {
                return r.fail("pending entry without a consumer in a stream consumer group");
            };
            g.pel.insert(
                id,
                Pending {
                    consumer,
                    delivery_time,
                    delivery_count,
                },
            );
        }
        if s.groups.insert(name, g).is_some() {
            return Err(r.corrupt("duplicated consumer group name").at(at));
        }
    }
    Ok(s)
}

/// Appends the live entries of one node to `s`.
fn read_node(s: &mut Stream, master: StreamId, items: &[Item<'_>]) -> Result<(), String> {
    let mut it = items.iter().copied();
    let int = |it: &mut dyn Iterator<Item = Item<'_>>| -> Result<i64, String> {
        it.next()
            .and_then(Item::as_int)
            .ok_or_else(|| "bad stream listpack entry".to_string())
    };
    let _count = int(&mut it)?;
    let _deleted = int(&mut it)?;
    let nfields = usize::try_from(int(&mut it)?).map_err(|_| "bad master field count")?;
    if nfields > items.len() {
        return Err("bad master field count".into());
    }
    let mut master_fields = Vec::with_capacity(nfields);
    for _ in 0..nfields {
        master_fields.push(it.next().ok_or("truncated master entry")?.to_bytes());
    }
    if int(&mut it)? != 0 {
        return Err("master entry without its terminator".into());
    }
    let mut it = it.peekable();
    while it.peek().is_some() {
        let flags = int(&mut it)?;
        let id = StreamId {
            ms: master.ms.wrapping_add(int(&mut it)? as u64),
            seq: master.seq.wrapping_add(int(&mut it)? as u64),
        };
        let mut fields = Vec::new();
        if flags & FLAG_SAMEFIELDS != 0 {
            for f in &master_fields {
                fields.push(f.clone());
                fields.push(it.next().ok_or("truncated stream entry")?.to_bytes());
            }
        } else {
            let n = usize::try_from(int(&mut it)?).map_err(|_| "bad stream field count")?;
            if n > items.len() {
                return Err("bad stream field count".into());
            }
            for _ in 0..2 * n {
                fields.push(it.next().ok_or("truncated stream entry")?.to_bytes());
            }
        }
        let _lp_count = int(&mut it)?;
        if flags & FLAG_DELETED != 0 {
            continue;
        }
        if fields.is_empty() {
            return Err("stream entry without fields".into());
        }
        // IDs only grow, and 0-0 is never an entry's.
        if id <= s.last_id {
            return Err(format!("stream entry {id} out of order"));
        }
        s.push(id, fields);
    }
    Ok(())
}

trait At {
    fn at(self, offset: u64) -> Self;
}

impl At for super::Corrupt {
    /// Points the error at `offset` (the start of the blob it was found in).
    fn at(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }
}
