//! Sets, in Redis 7.0's two encodings: an [`IntSet`] while every member is an integer (in
//! `string2ll`'s canonical form) and there are at most `set-max-intset-entries` of them,
//! else a hash table (an `IndexSet`, so SRANDMEMBER, SPOP and SSCAN work by position).
//!
//! A set converts to the table when a write makes it outgrow the intset, and never back,
//! as Redis's `setTypeAdd`; values Redis builds afresh (SINTERSTORE and friends, RDB and
//! RESTORE loading, a new key) start as an intset again. The limit reaches a set through
//! [`Set::set_limit`], which the keyspace calls before every write (`encoding::refresh`).
//!
//! Commands see members, never the encoding: an intset's member is rendered as its decimal
//! text ([`Member`]), and iterating an intset goes in ascending order, as Redis lists it.
//! Nothing here knows about commands or replies.

use super::intset::IntSet;
use crate::util::number::parse_i64;
use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexSet;
use std::ops::Deref;

/// The hash table encoding.
type Table = IndexSet<Bytes, RandomState>;

/// Redis 7.0's `set-max-intset-entries` default.
const INTSET_ENTRIES: u32 = 512;
/// Redis caps the limit at 1G entries ("due to intset internals").
const INTSET_ENTRIES_CAP: usize = 1 << 30;

/// A set of byte strings (see the module doc).
#[derive(Debug, Clone)]
pub struct Set(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// Integers only, with the most entries an insert may leave (the current
    /// `set-max-intset-entries`).
    Ints(IntSet, u32),
    Table(Box<Table>),
}

impl Default for Set {
    fn default() -> Set {
        Set::new()
    }
}

/// Two sets are equal when they hold the same members, whatever their encodings.
impl PartialEq for Set {
    fn eq(&self, other: &Set) -> bool {
        self.len() == other.len() && self.iter().all(|m| other.contains(&m))
    }
}

impl Set {
    /// An empty intset, as Redis creates a set (`createIntsetObject`).
    pub fn new() -> Set {
        Set(Repr::Ints(IntSet::new(), INTSET_ENTRIES))
    }

    /// An empty set under `set-max-intset-entries` = `max`.
    pub fn with_limit(max: usize) -> Set {
        let mut s = Set::new();
        s.set_limit(max);
        s
    }

    /// An empty hash-table set with room for `n` members, as Redis loads a set too big
    /// for an intset.
    pub fn table(n: usize) -> Set {
        Set(Repr::Table(Box::new(Table::with_capacity_and_hasher(
            n,
            RandomState::default(),
        ))))
    }

    /// A set holding `ints` under `set-max-intset-entries` = `max`: the table when there
    /// are more than `max` of them (as Redis loads an RDB intset).
    pub fn from_intset(ints: IntSet, max: usize) -> Set {
        let mut s = Set(Repr::Ints(ints, 0));
        s.set_limit(max);
        if s.len() > max {
            s.convert();
        }
        s
    }

    /// Sets the limit later insertions follow. Like Redis, lowering it converts nothing
    /// until the set next grows.
    pub fn set_limit(&mut self, max: usize) {
        if let Repr::Ints(_, m) = &mut self.0 {
            *m = max.min(INTSET_ENTRIES_CAP) as u32;
        }
    }

    /// OBJECT ENCODING's name for the current representation.
    pub fn encoding(&self) -> &'static str {
        match &self.0 {
            Repr::Ints(..) => "intset",
            Repr::Table(_) => "hashtable",
        }
    }

    /// The intset, when the set is one (for RDB saving and MEMORY USAGE, which model it).
    pub fn as_intset(&self) -> Option<&IntSet> {
        match &self.0 {
            Repr::Ints(s, _) => Some(s),
            Repr::Table(_) => None,
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Ints(s, _) => s.len(),
            Repr::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match &self.0 {
            Repr::Ints(s, _) => parse_i64(m).is_some_and(|v| s.contains(v)),
            Repr::Table(t) => t.contains(m),
        }
    }

    /// Adds `m` (copied); false when it was already a member. Converts to the table when
    /// `m` is not an integer or the intset grows past its limit (Redis's `setTypeAdd`).
    pub fn insert(&mut self, m: &[u8]) -> bool {
        match &mut self.0 {
            Repr::Ints(s, max) => match parse_i64(m) {
                Some(v) => {
                    if !s.insert(v) {
                        return false;
                    }
                    if s.len() > *max as usize {
                        self.convert();
                    }
                    true
                }
                None => {
                    self.convert();
                    self.insert(m)
                }
            },
            Repr::Table(t) => {
                if t.contains(m) {
                    false
                } else {
                    t.insert(Bytes::copy_from_slice(m));
                    true
                }
            }
        }
    }

    /// [`Set::insert`] for an owned member: a table keeps `m` itself.
    pub fn insert_bytes(&mut self, m: Bytes) -> bool {
        match &mut self.0 {
            Repr::Table(t) => t.insert(m),
            Repr::Ints(..) => self.insert(&m),
        }
    }

    /// Turns an intset into the table, its members in ascending order (`setTypeConvert`).
    fn convert(&mut self) {
        if let Repr::Ints(s, _) = &self.0 {
            let mut t = Table::with_capacity_and_hasher(s.len() + 1, RandomState::default());
            t.extend(s.iter().map(|v| Bytes::from(v.to_string())));
            self.0 = Repr::Table(Box::new(t));
        }
    }

    /// Removes `m`; false when it was not a member. In the table, the last member moves
    /// into the hole (see `collection_scan.rs` for why SSCAN relies on that).
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match &mut self.0 {
            Repr::Ints(s, _) => parse_i64(m).is_some_and(|v| s.remove(v)),
            Repr::Table(t) => t.swap_remove(m),
        }
    }

    /// The member at position `i` (`0..len()`), for random picks and SSCAN cursors.
    pub fn get_index(&self, i: usize) -> Option<Member<'_>> {
        match &self.0 {
            Repr::Ints(s, _) => s.get(i).map(Member::int),
            Repr::Table(t) => t.get_index(i).map(Member::Ref),
        }
    }

    /// Removes and returns the member at position `i` (the last member of a table moves
    /// into its place).
    pub fn remove_index(&mut self, i: usize) -> Option<Bytes> {
        match &mut self.0 {
            Repr::Ints(s, _) => s.remove_at(i).map(|v| Bytes::from(v.to_string())),
            Repr::Table(t) => t.swap_remove_index(i),
        }
    }

    /// Every member: ascending for an intset, in position order for a table.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            set: self,
            next: 0,
            len: self.len(),
        }
    }

    /// One SSCAN step: an intset comes whole with cursor 0 (as in Redis); a table is walked
    /// by position downwards (`collection_scan::step`).
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Member<'_>>, u64) {
        match &self.0 {
            Repr::Ints(..) => (self.iter().collect(), 0),
            Repr::Table(t) => {
                let (positions, next) = super::collection_scan::step(t.len(), cursor, count);
                let found = positions
                    .rev()
                    .filter_map(|i| t.get_index(i).map(Member::Ref))
                    .collect();
                (found, next)
            }
        }
    }
}

/// A set built by inserting each member in turn (default limit), as Redis builds one.
impl FromIterator<Bytes> for Set {
    fn from_iter<I: IntoIterator<Item = Bytes>>(members: I) -> Set {
        let mut s = Set::new();
        for m in members {
            s.insert_bytes(m);
        }
        s
    }
}

impl<'a> IntoIterator for &'a Set {
    type Item = Member<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The members of a [`Set`], by position.
pub struct Iter<'a> {
    set: &'a Set,
    next: usize,
    len: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Member<'a>;
    fn next(&mut self) -> Option<Member<'a>> {
        if self.next >= self.len {
            return None;
        }
        self.next += 1;
        self.set.get_index(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// One member: a stored string, or an intset's integer as its decimal text (at most 20
/// bytes, kept inline so that reading an intset allocates nothing).
#[derive(Debug, Clone)]
pub enum Member<'a> {
    Int { text: [u8; 20], start: u8 },
    Ref(&'a Bytes),
}

impl Member<'_> {
    fn int(v: i64) -> Member<'static> {
        let (text, start) = crate::util::number::i64_text(v);
        Member::Int {
            text,
            start: start as u8,
        }
    }

    /// The member as an owned `Bytes` (a reference count for a stored string).
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Member::Int { .. } => Bytes::copy_from_slice(self),
            Member::Ref(b) => (*b).clone(),
        }
    }
}

impl Deref for Member<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Member::Int { text, start } => &text[*start as usize..],
            Member::Ref(b) => b,
        }
    }
}

impl AsRef<[u8]> for Member<'_> {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq<[u8]> for Member<'_> {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &Set) -> Vec<Vec<u8>> {
        s.iter().map(|m| m.to_vec()).collect()
    }

    #[test]
    fn integers_stay_an_intset_listed_ascending() {
        let mut s = Set::new();
        for m in [
            "10",
            "-3",
            "2",
            "10",
            "-9223372036854775808",
            "9223372036854775807",
        ] {
            s.insert(m.as_bytes());
        }
        assert_eq!(s.encoding(), "intset");
        assert_eq!(s.len(), 5);
        let want: Vec<&[u8]> = vec![
            b"-9223372036854775808",
            b"-3",
            b"2",
            b"10",
            b"9223372036854775807",
        ];
        assert_eq!(members(&s), want);
        assert!(s.contains(b"2") && !s.contains(b"02") && !s.contains(b"x"));
        assert!(!s.remove(b"+2") && s.remove(b"2"));
        assert_eq!(s.get_index(0).map(|m| m.to_vec()), Some(want[0].to_vec()));
    }

    #[test]
    fn non_canonical_integers_convert_to_a_table() {
        for odd in ["01", "+1", "-0", " 1", "1.0", "", "99999999999999999999"] {
            let mut s = Set::new();
            s.insert(b"1");
            assert!(s.insert(odd.as_bytes()));
            assert_eq!(s.encoding(), "hashtable", "{odd:?}");
            assert!(s.contains(b"1") && s.contains(odd.as_bytes()));
        }
    }

    #[test]
    fn converts_one_past_the_limit_and_never_back() {
        let mut s = Set::with_limit(3);
        for i in 0..3 {
            s.insert(i.to_string().as_bytes());
        }
        assert_eq!(s.encoding(), "intset");
        s.insert(b"3");
        assert_eq!(s.encoding(), "hashtable");
        // Ascending order carries over into the table.
        let want: Vec<Vec<u8>> = (0..4).map(|i: i32| i.to_string().into_bytes()).collect();
        assert_eq!(members(&s), want);
        s.remove(b"3");
        s.remove(b"2");
        assert_eq!(s.encoding(), "hashtable");
        // A lower limit applies at the next growth only.
        let mut s = Set::new();
        s.insert(b"1");
        s.insert(b"2");
        s.set_limit(1);
        assert_eq!(s.encoding(), "intset");
        s.insert(b"2");
        assert_eq!(s.encoding(), "intset", "no growth, no conversion");
        s.insert(b"3");
        assert_eq!(s.encoding(), "hashtable");
    }

    #[test]
    fn binary_and_empty_members_live_in_the_table() {
        let mut s = Set::new();
        assert!(s.insert(b""));
        assert!(s.insert(b"\x00\xff"));
        assert!(!s.insert(b""));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.remove_index(0).as_deref(), Some(&b""[..]));
        assert_eq!(members(&s), vec![b"\x00\xff".to_vec()]);
    }

    #[test]
    fn equality_ignores_the_encoding() {
        let mut a = Set::new();
        let mut b = Set::table(2);
        for m in ["1", "2"] {
            a.insert(m.as_bytes());
            b.insert(m.as_bytes());
        }
        assert_eq!(a, b);
        b.insert(b"3");
        assert_ne!(a, b);
    }

    #[test]
    fn a_small_intset_is_one_exact_block() {
        let mut s = Set::new();
        for i in 0..10 {
            s.insert(i.to_string().as_bytes());
        }
        let ints = s.as_intset().expect("intset");
        // Ten 2-byte integers and nothing else on the heap.
        assert_eq!(ints.heap_bytes(), 20);
        assert!(std::mem::size_of::<Set>() <= 32);
    }
}
