//! One value in the encoding it is held in, as Redis 7.0 writes it (`rdbSaveObjectType`
//! and `rdbSaveObject`): an integer-looking string as an integer, a quicklist of listpacks
//! for a list, a listpack for a small hash or sorted set, the intset of a set that is one.

use super::enc::{self, Listpack};
use super::kind;
use crate::db::Value;
use crate::util::number::format_double;
use bytes::Bytes;
use std::collections::VecDeque;

/// What the value encoding depends on.
#[derive(Debug, Clone, Copy)]
pub struct ValueOpts {
    /// `rdbcompression`.
    pub compress: bool,
    /// `list-max-listpack-size`.
    pub list_fill: i32,
}

/// Writes `value`'s type byte then its payload.
pub fn write(buf: &mut Vec<u8>, value: &Value, o: &ValueOpts) {
    let at = buf.len();
    buf.push(0);
    buf[at] = payload(buf, value, o);
}

/// Writes `value`'s payload; returns its type byte.
pub fn payload(buf: &mut Vec<u8>, value: &Value, o: &ValueOpts) -> u8 {
    match value {
        Value::Str(s) => {
            enc::string(buf, s, o.compress);
            kind::STRING
        }
        Value::List(l) => {
            quicklist(buf, l, o);
            kind::LIST_QUICKLIST_2
        }
        Value::Set(s) => match s.as_intset() {
            Some(ints) => {
                enc::string(buf, &ints.blob(), o.compress);
                kind::SET_INTSET
            }
            None => {
                enc::len(buf, s.len() as u64);
                for m in s.iter() {
                    enc::string(buf, &m, o.compress);
                }
                kind::SET
            }
        },
        Value::Hash(h) => {
            if h.is_listpack() {
                let mut lp = Listpack::new();
                for (f, v) in h.iter() {
                    lp.push(f);
                    lp.push(v);
                }
                enc::string(buf, &lp.finish(), o.compress);
                kind::HASH_LISTPACK
            } else {
                enc::len(buf, h.len() as u64);
                for (f, v) in h.iter() {
                    enc::string(buf, f, o.compress);
                    enc::string(buf, v, o.compress);
                }
                kind::HASH
            }
        }
        Value::ZSet(z) => {
            if z.is_listpack() {
                let mut lp = Listpack::new();
                for (m, s) in z.iter() {
                    lp.push(m);
                    // zzlInsertAt writes the score as d2string's text.
                    lp.push(&format_double(s));
                }
                enc::string(buf, &lp.finish(), o.compress);
                kind::ZSET_LISTPACK
            } else {
                enc::len(buf, z.len() as u64);
                // From the tail, as Redis, so a loader appends at the head cheaply.
                for (m, s) in z.iter_from(z.len().saturating_sub(1), true) {
                    enc::string(buf, m, o.compress);
                    enc::binary_double(buf, s);
                }
                kind::ZSET_2
            }
        }
        Value::Stream(s) => {
            super::stream::write(buf, s, o.compress);
            kind::STREAM_LISTPACKS_2
        }
    }
}

/// Redis's size classes for a negative `list-max-listpack-size` (-1 .. -5).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A listpack node never grows past this when the fill is a count (SIZE_SAFETY_LIMIT).
const SIZE_SAFETY_LIMIT: usize = 8192;

/// `quicklistPushTail` run over the list: nodes filled by `_quicklistNodeAllowInsert`'s
/// rule, each written as a packed node (container 2) holding its listpack.
fn quicklist(buf: &mut Vec<u8>, list: &VecDeque<Bytes>, o: &ValueOpts) {
    let mut nodes: Vec<Vec<u8>> = Vec::new();
    let mut lp = Listpack::new();
    for e in list {
        if lp.count() > 0 && !allow_insert(lp.bytes(), lp.count(), e.len(), o.list_fill) {
            nodes.push(std::mem::take(&mut lp).finish());
        }
        lp.push(e);
    }
    if lp.count() > 0 {
        nodes.push(lp.finish());
    }
    enc::len(buf, nodes.len() as u64);
    for n in &nodes {
        enc::len(buf, 2);
        enc::string(buf, n, o.compress);
    }
}

/// Whether Redis 7.0 appends an element of `sz` bytes to a node of `node_sz` bytes and
/// `count` elements (`_quicklistNodeAllowInsert`).
fn allow_insert(node_sz: usize, count: usize, sz: usize, fill: i32) -> bool {
    let mut overhead = if sz < 254 { 1 } else { 5 };
    overhead += if sz < 64 {
        1
    } else if sz < 16384 {
        2
    } else {
        5
    };
    let new_sz = node_sz + sz + overhead;
    if fill < 0 {
        // quicklistSetFill clamps the fill to -5.
        let level = ((-(fill as i64) - 1) as usize).min(OPTIMIZATION_LEVEL.len() - 1);
        return new_sz <= OPTIMIZATION_LEVEL[level];
    }
    new_sz <= SIZE_SAFETY_LIMIT && (count as i64) < i64::from(fill)
}
