//! The values a key can hold.

use ahash::RandomState;
use bytes::Bytes;
use indexmap::{IndexMap, IndexSet};
use std::collections::VecDeque;

pub use super::stream::Stream;
pub use super::zset::ZSet;

/// A hash: field → value. An `IndexMap`, so HRANDFIELD and HSCAN work by position.
pub type Hash = IndexMap<Bytes, Bytes, RandomState>;
/// A set. An `IndexSet`, so SRANDMEMBER, SPOP and SSCAN work by position.
pub type Set = IndexSet<Bytes, RandomState>;

/// A stored value. Every element is owned (never a slice of a client's read buffer, which
/// would pin the whole buffer in memory). The larger collections are boxed so that an entry
/// stays small.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(Bytes),
    List(VecDeque<Bytes>),
    Hash(Box<Hash>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

/// Redis 7.0's conversion thresholds, used to report OBJECT ENCODING the way Redis would
/// for the same contents (our representation does not change with size).
const HASH_MAX_LISTPACK_ENTRIES: usize = 128;
const HASH_MAX_LISTPACK_VALUE: usize = 64;
const SET_MAX_INTSET_ENTRIES: usize = 512;
/// Strings up to this length are "embstr" in Redis.
const EMBSTR_MAX: usize = 44;

impl Value {
    /// The name `TYPE` replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// A string value holding a copy of `data`.
    pub fn str(data: &[u8]) -> Value {
        Value::Str(Bytes::copy_from_slice(data))
    }

    /// The encoding Redis 7.0 would report for this content (OBJECT ENCODING).
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => {
                if s.len() <= 20 && crate::util::number::parse_i64(s).is_some() {
                    "int"
                } else if s.len() <= EMBSTR_MAX {
                    "embstr"
                } else {
                    "raw"
                }
            }
            Value::List(_) => "quicklist",
            Value::Hash(h) => {
                let small = h.len() <= HASH_MAX_LISTPACK_ENTRIES
                    && h.iter().all(|(k, v)| {
                        k.len() <= HASH_MAX_LISTPACK_VALUE && v.len() <= HASH_MAX_LISTPACK_VALUE
                    });
                if small { "listpack" } else { "hashtable" }
            }
            Value::Set(s) => {
                let ints = s.len() <= SET_MAX_INTSET_ENTRIES
                    && s.iter()
                        .all(|m| crate::util::number::parse_i64(m).is_some());
                if ints { "intset" } else { "hashtable" }
            }
            // The set tracks the conversion itself: like Redis, it stays a skiplist once
            // grown, even if it shrinks again.
            Value::ZSet(z) => {
                if z.is_listpack() {
                    "listpack"
                } else {
                    "skiplist"
                }
            }
            Value::Stream(_) => "stream",
        }
    }
}
