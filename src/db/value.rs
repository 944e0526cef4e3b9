//! The values a key can hold.

use bytes::Bytes;

use super::encoding::EncLimits;
pub use super::hash::Hash;
pub use super::quicklist::List;
pub use super::set::Set;
pub use super::stream::Stream;
pub use super::zset::ZSet;

/// A stored value. Every element is owned (never a slice of a client's read buffer, which
/// would pin the whole buffer in memory). The larger collections are boxed so that an entry
/// stays small.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(Bytes),
    /// A list: a quicklist of packed nodes (32 bytes, held inline).
    List(List),
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

    /// A borrowed view, as the keyspace hands values out (`ValueRef`).
    pub fn view(&self) -> ValueRef<'_> {
        match self {
            Value::Str(s) => ValueRef::Str(s),
            Value::List(l) => ValueRef::List(l),
            Value::Hash(h) => ValueRef::Hash(h),
            Value::Set(s) => ValueRef::Set(s),
            Value::ZSet(z) => ValueRef::ZSet(z),
            Value::Stream(s) => ValueRef::Stream(s),
        }
    }

    /// The encoding OBJECT ENCODING reports (see [`ValueRef::encoding`]).
    pub fn encoding(&self, l: &EncLimits) -> &'static str {
        self.view().encoding(l)
    }
}

/// A stored value, borrowed: what a lookup returns. A string is its bytes, wherever they
/// are kept (inline in the key's node, or a `Value::Str` of its own).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Str(&'a [u8]),
    List(&'a List),
    Hash(&'a Hash),
    Set(&'a Set),
    ZSet(&'a ZSet),
    Stream(&'a Stream),
}

impl<'a> ValueRef<'a> {
    /// An owned copy.
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Str(s) => Value::str(s),
            ValueRef::List(l) => Value::List(l.clone()),
            ValueRef::Hash(h) => Value::Hash(h.clone()),
            ValueRef::Set(s) => Value::Set(s.clone()),
            ValueRef::ZSet(z) => Value::ZSet(Box::new(z.clone())),
            ValueRef::Stream(s) => Value::Stream(Box::new(s.clone())),
        }
    }

    /// The string's bytes, if it is one.
    pub fn as_str(self) -> Option<&'a [u8]> {
        match self {
            ValueRef::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name `TYPE` replies with.
    pub fn type_name(self) -> &'static str {
        match self {
            ValueRef::Str(_) => "string",
            ValueRef::List(_) => "list",
            ValueRef::Hash(..) => "hash",
            ValueRef::Set(..) => "set",
            ValueRef::ZSet(_) => "zset",
            ValueRef::Stream(_) => "stream",
        }
    }

    /// The encoding OBJECT ENCODING reports. Every collection now holds its real encoding,
    /// so the thresholds (`_l`) no longer decide it; the parameter stays while the other
    /// types' encodings land. Lists are always a quicklist in 7.0.
    pub fn encoding(self, _l: &EncLimits) -> &'static str {
        match self {
            ValueRef::Str(s) => {
                if s.len() <= 20 && crate::util::number::parse_i64(s).is_some() {
                    "int"
                } else if s.len() <= EMBSTR_MAX {
                    "embstr"
                } else {
                    "raw"
                }
            }
            ValueRef::List(_) => "quicklist",
            ValueRef::Hash(h) => {
                if h.is_listpack() {
                    "listpack"
                } else {
                    "hashtable"
                }
            }
            ValueRef::Set(s) => s.encoding(),
            // The set tracks the conversion itself: like Redis, it stays a skiplist once
            // grown, even if it shrinks again.
            ValueRef::ZSet(z) => {
                if z.is_listpack() {
                    "listpack"
                } else {
                    "skiplist"
                }
            }
            ValueRef::Stream(_) => "stream",
        }
    }
}

impl PartialEq<Value> for ValueRef<'_> {
    fn eq(&self, other: &Value) -> bool {
        *self == other.view()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_stays_the_size_of_a_string() {
        // Every entry pays for the largest variant: the boxed collections keep that a
        // `Bytes` and a tag.
        assert_eq!(std::mem::size_of::<Value>(), 40);
    }
}
