//! One value in the encoding it is held in, as Redis 7.0 writes it (`rdbSaveObjectType`
//! and `rdbSaveObject`): an integer-looking string as an integer, a quicklist of listpacks
//! for a list, a listpack for a small hash or sorted set, the intset of a set that is one.

use super::enc::{self, Listpack};
use super::kind;
use crate::db::quicklist::allow_insert;
use crate::db::{List, ValueRef};
use crate::util::number::format_double;

/// What the value encoding depends on.
#[derive(Debug, Clone, Copy)]
pub struct ValueOpts {
    /// `rdbcompression`.
    pub compress: bool,
    /// `list-max-listpack-size`.
    pub list_fill: i32,
}

/// Writes `value`'s type byte then its payload.
pub fn write(buf: &mut Vec<u8>, value: ValueRef<'_>, o: &ValueOpts) {
    let at = buf.len();
    buf.push(0);
    buf[at] = payload(buf, value, o);
}

/// Writes `value`'s payload; returns its type byte.
pub fn payload(buf: &mut Vec<u8>, value: ValueRef<'_>, o: &ValueOpts) -> u8 {
    match value {
        ValueRef::Str(s) => {
            enc::string(buf, s, o.compress);
            kind::STRING
        }
        ValueRef::List(l) => {
            quicklist(buf, l, o);
            kind::LIST_QUICKLIST_2
        }
        ValueRef::Set(s) => match s.as_intset() {
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
        ValueRef::Hash(h) => {
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
        ValueRef::ZSet(z) => {
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
        ValueRef::Stream(s) => {
            super::stream::write(buf, s, o.compress);
            kind::STREAM_LISTPACKS_2
        }
    }
}

/// `quicklistPushTail` run over the list: nodes filled by `_quicklistNodeAllowInsert`'s
/// rule, each written as a packed node (container 2) holding its listpack.
fn quicklist(buf: &mut Vec<u8>, list: &List, o: &ValueOpts) {
    let mut nodes: Vec<Vec<u8>> = Vec::new();
    let mut lp = Listpack::new();
    for e in list.iter() {
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
