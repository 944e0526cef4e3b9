//! The values a key can hold.

use bytes::Bytes;
use std::collections::VecDeque;

use super::encoding::EncLimits;
pub use super::hash::Hash;
pub use super::set::Set;
pub use super::stream::Stream;
pub use super::zset::ZSet;

/// A stored value. Every element is owned (never a slice of a client's read buffer, which
/// would pin the whole buffer in memory). The larger collections are boxed so that an entry
/// stays small.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(Bytes),
    List(VecDeque<Bytes>),
    /// A hash. Not boxed: a packed hash is no bigger than a string (see `hash.rs`).
    Hash(Hash),
    /// A set: an intset or a hash table, as Redis (see `set.rs`). Not boxed: it is no
    /// bigger than a string's `Bytes`.
    Set(Set),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

/// Strings up to this length are "embstr" in Redis.
const EMBSTR_MAX: usize = 44;

impl Value {
    /// The name `TYPE` replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(..) => "hash",
            Value::Set(..) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// A string value holding a copy of `data`.
    pub fn str(data: &[u8]) -> Value {
        Value::Str(Bytes::copy_from_slice(data))
    }

    /// The encoding OBJECT ENCODING reports. Every collection now holds its real encoding,
    /// so the thresholds (`_l`) no longer decide it; the parameter stays while the other
    /// types' encodings land. Lists are always a quicklist in 7.0.
    pub fn encoding(&self, _l: &EncLimits) -> &'static str {
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
                if h.is_listpack() {
                    "listpack"
                } else {
                    "hashtable"
                }
            }
            Value::Set(s) => s.encoding(),
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
