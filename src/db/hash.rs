//! Hashes, in Redis 7.0's two encodings: a small hash is packed (field, value, field,
//! value... in one [`Pack`], in insertion order, as Redis's listpack), a big one is a table
//! (an `IndexMap`, so HRANDFIELD and HSCAN work by position).
//!
//! A hash starts packed and becomes a table for good once a write makes it outgrow
//! `hash-max-listpack-entries` or `hash-max-listpack-value` (Redis's `hashTypeTryConversion`
//! and `hashTypeSet`); it never converts back, even when it shrinks, as in Redis. Only
//! loading (RDB, RESTORE) picks the encoding from the whole content ([`Hash::load`]). The
//! limits are passed to every write rather than stored, so a hash costs no more than its
//! pack: the variant fits in a [`Value`](super::Value) without a box of its own.
//!
//! Packed operations walk the entries: O(n) for n at most a few hundred short entries,
//! which is what the thresholds are for, and no allocation per lookup. Nothing here knows
//! about commands or replies; `cmd/hashes` parses arguments and writes replies.

use super::encoding::EncLimits;
use super::listpack::{self, Cursor, Pack};
use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;

/// The big encoding: field → value.
type Map = IndexMap<Bytes, Bytes, RandomState>;

/// A listpack past this many bytes is converted whatever the limits say (Redis's
/// `LISTPACK_MAX_SAFETY_SIZE`, 1 GB, checked by `lpSafeToAdd`).
const PACK_SAFETY_BYTES: usize = 1 << 30;

/// A hash: field → value.
#[derive(Debug, Clone)]
pub struct Hash {
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    /// Field, value, field, value... in insertion order; HDEL closes the gap.
    Pack(Pack),
    /// Boxed so that a packed hash, the common case, stays as small as its pack.
    Table(Box<Map>),
}

impl Default for Hash {
    fn default() -> Hash {
        Hash::new()
    }
}

/// Two hashes are equal when they map the same fields to the same values, whatever their
/// encodings and orders.
impl PartialEq for Hash {
    fn eq(&self, other: &Hash) -> bool {
        self.len() == other.len() && self.iter().all(|(f, v)| other.get(f) == Some(v))
    }
}

/// A loaded hash named a field twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate;

impl Hash {
    /// An empty hash, packed, as Redis creates one.
    pub fn new() -> Hash {
        Hash {
            repr: Repr::Pack(Pack::new()),
        }
    }

    /// A hash of loaded pairs in the encoding Redis's loader (`rdbLoadObject`) gives it:
    /// a table when there are more than `hash-max-listpack-entries` fields or, when
    /// `check_lengths` (a plain or zipmap payload, whose entries Redis inserts one by one),
    /// a field or value is longer than `hash-max-listpack-value`; packed otherwise. A
    /// listpack or ziplist payload is taken as is, so only its count is checked.
    pub fn load(
        pairs: impl IntoIterator<Item = (Bytes, Bytes)>,
        check_lengths: bool,
        l: &EncLimits,
    ) -> Result<Hash, Duplicate> {
        let pairs = pairs.into_iter();
        let mut map = Map::with_capacity_and_hasher(pairs.size_hint().0, RandomState::default());
        for (f, v) in pairs {
            if map.insert(f, v).is_some() {
                return Err(Duplicate);
            }
        }
        let fits = map.len() <= l.hash_entries
            && (!check_lengths || map.iter().all(|(f, v)| !too_long(f, v, l)));
        if !fits {
            return Ok(Hash {
                repr: Repr::Table(Box::new(map)),
            });
        }
        let mut pack = Pack::new();
        for (f, v) in &map {
            pack.push(f);
            pack.push(v);
        }
        Ok(Hash {
            repr: Repr::Pack(pack),
        })
    }

    /// Fields held.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Pack(p) => p.len() / 2,
            Repr::Table(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the hash is in the small encoding (OBJECT ENCODING "listpack"): HSCAN then
    /// returns it whole, and RDB saves it as a listpack.
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Pack(_))
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.repr {
            Repr::Pack(p) => {
                let (_, v, _) = find(p, field)?;
                Some(v)
            }
            Repr::Table(m) => m.get(field).map(|v| &v[..]),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Sets `field` to `value` under the limits `l`, converting to a table first when
    /// either is too long for a listpack, or after when the hash holds too many fields,
    /// even if this write only updated one (as Redis's `hashTypeSet`: a lowered limit
    /// takes effect at the next write). An existing field keeps its position. Returns
    /// whether the field is new.
    pub fn insert(&mut self, field: &[u8], value: &[u8], l: &EncLimits) -> bool {
        if let Repr::Pack(p) = &self.repr {
            let grown = p.heap_bytes() + field.len() + value.len();
            if too_long(field, value, l) || grown > PACK_SAFETY_BYTES {
                self.convert();
            }
        }
        let added = match &mut self.repr {
            Repr::Pack(p) => match find(p, field) {
                Some((_, _, at)) => {
                    p.replace(at, value);
                    false
                }
                None => {
                    p.push(field);
                    p.push(value);
                    true
                }
            },
            Repr::Table(m) => match m.get_mut(field) {
                Some(v) => {
                    *v = Bytes::copy_from_slice(value);
                    false
                }
                None => {
                    m.insert(Bytes::copy_from_slice(field), Bytes::copy_from_slice(value));
                    true
                }
            },
        };
        if self.is_listpack() && self.len() > l.hash_entries {
            self.convert();
        }
        added
    }

    /// Removes `field`; returns whether it was there. A packed hash keeps its order (the
    /// gap closes); a table moves its last field into the gap (O(1)). Either way fields
    /// only ever move to lower positions, which HSCAN's cursor relies on.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Pack(p) => match find(p, field) {
                Some((at, _, _)) => {
                    p.remove(at, 2);
                    true
                }
                None => false,
            },
            Repr::Table(m) => m.swap_remove(field).is_some(),
        }
    }

    /// Every field with its value, in order (insertion order while packed).
    pub fn iter(&self) -> Iter<'_> {
        let inner = match &self.repr {
            Repr::Pack(p) => Inner::Pack(p.iter()),
            Repr::Table(m) => Inner::Table(m.iter()),
        };
        Iter {
            inner,
            left: self.len(),
        }
    }

    /// Every field, in order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.iter().map(|(f, _)| f)
    }

    /// Every value, in order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.iter().map(|(_, v)| v)
    }

    /// The field and value at position `i`: O(1) in a table, a walk when packed.
    pub fn get_index(&self, i: usize) -> Option<(&[u8], &[u8])> {
        match &self.repr {
            Repr::Pack(_) => self.iter().nth(i),
            Repr::Table(m) => m.get_index(i).map(|(f, v)| (&f[..], &v[..])),
        }
    }

    /// A view answering [`Hash::get_index`] in O(1) either way, for reading many
    /// positions (HRANDFIELD with a count): a packed hash's pairs are collected once.
    pub fn indexed(&self) -> Indexed<'_> {
        match &self.repr {
            Repr::Pack(_) => Indexed(ByIndex::Pairs(self.iter().collect())),
            Repr::Table(m) => Indexed(ByIndex::Table(m)),
        }
    }

    /// Moves a packed hash into a table, keeping the order.
    fn convert(&mut self) {
        if let Repr::Pack(p) = &self.repr {
            let mut m = Map::with_capacity_and_hasher(p.len() / 2, RandomState::default());
            m.extend(
                self.iter()
                    .map(|(f, v)| (Bytes::copy_from_slice(f), Bytes::copy_from_slice(v))),
            );
            self.repr = Repr::Table(Box::new(m));
        }
    }

    /// Heap bytes of a packed hash's buffer (`None` for a table), for tests holding the
    /// small encoding to a budget.
    pub fn packed_bytes(&self) -> Option<usize> {
        match &self.repr {
            Repr::Pack(p) => Some(p.heap_bytes()),
            Repr::Table(_) => None,
        }
    }
}

/// Whether a field or value is too long for a listpack (`hash-max-listpack-value`).
fn too_long(field: &[u8], value: &[u8], l: &EncLimits) -> bool {
    field.len() > l.hash_value || value.len() > l.hash_value
}

/// Where `field` sits in a pack: its position, its value and the value's position.
fn find<'a>(p: &'a Pack, field: &[u8]) -> Option<(Cursor, &'a [u8], Cursor)> {
    let mut it = p.cursors();
    while let Some((f, at)) = it.next() {
        let (v, value_at) = it.next()?;
        if f == field {
            return Some((at, v, value_at));
        }
    }
    None
}

/// The fields of a [`Hash`] with their values, in order.
pub struct Iter<'a> {
    inner: Inner<'a>,
    /// Pairs not yet returned: replies announce their length first.
    left: usize,
}

enum Inner<'a> {
    Pack(listpack::Iter<'a>),
    Table(indexmap::map::Iter<'a, Bytes, Bytes>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        let pair = match &mut self.inner {
            Inner::Pack(it) => (it.next()?, it.next()?),
            Inner::Table(it) => it.next().map(|(f, v)| (&f[..], &v[..]))?,
        };
        self.left = self.left.saturating_sub(1);
        Some(pair)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// A [`Hash`] readable by position in O(1) (see [`Hash::indexed`]).
pub struct Indexed<'a>(ByIndex<'a>);

enum ByIndex<'a> {
    Table(&'a Map),
    Pairs(Vec<(&'a [u8], &'a [u8])>),
}

impl Indexed<'_> {
    /// The field and value at position `i`.
    pub fn get(&self, i: usize) -> Option<(&[u8], &[u8])> {
        match &self.0 {
            ByIndex::Table(m) => m.get_index(i).map(|(f, v)| (&f[..], &v[..])),
            ByIndex::Pairs(p) => p.get(i).copied(),
        }
    }
}

#[cfg(test)]
mod tests;
