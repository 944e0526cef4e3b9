//! Sorted sets: a member → score hash beside an ordered index (`skiplist.rs`), as Redis's
//! `zset` pairs a dict with a skiplist.
//!
//! The hash answers ZSCORE and membership in O(1); it is an `IndexMap`, so random members
//! (ZRANDMEMBER) and ZSCAN cursors work by position. The skiplist answers everything about
//! order in O(log n): the rank of a member, the member at a rank, and the ranks a score or
//! lex range covers. Every range command is turned into a span of ranks first, so reading
//! `m` elements of any range costs O(log n + m).
//!
//! Both structures hold the same member `Bytes` (one allocation, shared). Nothing here
//! knows about commands or replies; `cmd/zsets` parses arguments and writes replies.
//!
//! The representation never changes with size, but the set remembers which encoding Redis
//! 7.0 would be using ([`ZSet::is_listpack`]), because that shows: a small set (a listpack
//! in Redis) stores a score of -0 as 0, and ZSCAN returns a small set whole.

mod range;
mod skiplist;
#[cfg(test)]
mod tests;

pub use range::{LexItem, LexRange, ScoreRange};

use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;
use skiplist::{NIL, SkipList};
use std::ops::Range;

/// Redis 7.0's `zset-max-listpack-entries` and `zset-max-listpack-value` defaults.
const LISTPACK_ENTRIES: usize = 128;
const LISTPACK_VALUE: usize = 64;

/// A sorted set.
#[derive(Debug, Clone)]
pub struct ZSet {
    dict: IndexMap<Bytes, f64, RandomState>,
    list: SkipList,
    /// Whether Redis would hold this set in a listpack: true for a new set until it grows
    /// past the limits, then false for good (Redis never converts back), except where a
    /// computed result is converted by [`ZSet::fit_encoding`].
    listpack: bool,
    /// `zset-max-listpack-entries` and `-value`, as the keyspace last handed them in.
    max_entries: usize,
    max_value: usize,
}

impl Default for ZSet {
    fn default() -> ZSet {
        ZSet::new()
    }
}

/// Two sets are equal when they hold the same members with the same scores, however their
/// skiplists happen to be laid out.
impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        self.len() == other.len()
            && self
                .dict
                .iter()
                .all(|(m, s)| other.dict.get(m).is_some_and(|o| o == s))
    }
}

/// ZADD's conditions (INCR included: ZINCRBY is ZADD INCR).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AddFlags {
    /// Only add new members.
    pub nx: bool,
    /// Only update existing members.
    pub xx: bool,
    /// Only update when the new score is greater.
    pub gt: bool,
    /// Only update when the new score is less.
    pub lt: bool,
    /// The score is an increment.
    pub incr: bool,
}

/// What [`ZSet::add`] did to one member.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A new member, with this score.
    Added(f64),
    /// An existing member whose score changed to this.
    Updated(f64),
    /// An existing member whose score was already this.
    Same(f64),
    /// Nothing: NX/XX/GT/LT ruled it out.
    Skipped,
}

/// An increment met an infinity of the other sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

impl ZSet {
    /// An empty set, small (a listpack) as Redis creates it.
    pub fn new() -> ZSet {
        ZSet {
            dict: IndexMap::default(),
            list: SkipList::new(),
            listpack: true,
            max_entries: LISTPACK_ENTRIES,
            max_value: LISTPACK_VALUE,
        }
    }

    /// An empty set under the given limits (`zset-max-listpack-entries`, `-value`).
    pub fn with_limits(max_entries: usize, max_value: usize) -> ZSet {
        let mut z = ZSet::new();
        z.set_limits(max_entries, max_value);
        z
    }

    /// Sets the limits later insertions follow. Like Redis, lowering them converts
    /// nothing until the set next grows.
    pub fn set_limits(&mut self, max_entries: usize, max_value: usize) {
        self.max_entries = max_entries;
        self.max_value = max_value;
    }

    /// An empty set already in Redis's large encoding (a skiplist), as Redis creates the
    /// results of ZUNION/ZINTER/ZDIFF and ZRANGESTORE of more than 128 ranks.
    pub fn new_large() -> ZSet {
        ZSet {
            listpack: false,
            ..ZSet::new()
        }
    }

    /// Whether Redis 7.0 would hold this set in a listpack (OBJECT ENCODING, ZSCAN).
    pub fn is_listpack(&self) -> bool {
        self.listpack
    }

    /// Leaves the small encoding for good, as Redis's SORT does to a sorted set it reads
    /// (`zsetConvert(..., OBJ_ENCODING_SKIPLIST)`): later scores keep their sign of zero.
    pub fn make_large(&mut self) {
        self.listpack = false;
    }

    /// Converts a computed result to the small encoding if it fits, as Redis's
    /// `zsetConvertToListpackIfNeeded` does before storing it; -0 scores become 0.
    pub fn fit_encoding(&mut self) {
        if self.listpack || self.len() > self.max_entries || self.max_member_len() > self.max_value
        {
            return;
        }
        self.listpack = true;
        // -0 == 0, so the order is unchanged.
        for s in self.dict.values_mut() {
            if *s == 0.0 {
                *s = 0.0;
            }
        }
        self.list.clear_negative_zeros();
    }

    /// The score to store: a listpack writes scores as text with integers printed as such,
    /// so -0 comes back as 0.
    fn stored(&self, score: f64) -> f64 {
        if self.listpack && score == 0.0 {
            0.0
        } else {
            score
        }
    }

    /// Leaves the small encoding before adding `member` if the set would outgrow it.
    fn grow_for(&mut self, member: &[u8]) {
        if self.listpack && (self.len() + 1 > self.max_entries || member.len() > self.max_value) {
            self.listpack = false;
        }
    }

    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// The longest member, for OBJECT ENCODING. O(n): only asked of small sets.
    pub fn max_member_len(&self) -> usize {
        self.dict.keys().map(Bytes::len).max().unwrap_or(0)
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.dict.get(member).copied()
    }

    /// Adds or updates `member` under ZADD's rules (Redis's `zsetAdd`). The outcome carries
    /// the score as computed (Redis replies it), which a small set may store as 0 if -0.
    pub fn add(&mut self, member: &[u8], score: f64, f: AddFlags) -> Result<Outcome, NotANumber> {
        let Some(&cur) = self.dict.get(member) else {
            if f.xx {
                return Ok(Outcome::Skipped);
            }
            self.insert(Bytes::copy_from_slice(member), score);
            return Ok(Outcome::Added(score));
        };
        if f.nx {
            return Ok(Outcome::Skipped);
        }
        let score = if f.incr { cur + score } else { score };
        if score.is_nan() {
            return Err(NotANumber);
        }
        if (f.lt && score >= cur) || (f.gt && score <= cur) {
            return Ok(Outcome::Skipped);
        }
        if score == cur {
            return Ok(Outcome::Same(score));
        }
        self.set_score(member, cur, score);
        Ok(Outcome::Updated(score))
    }

    /// Sets `member`'s score, adding it if new. Returns whether it was new. `score` must not
    /// be NaN.
    pub fn insert(&mut self, member: Bytes, score: f64) -> bool {
        match self.dict.get(&member[..]) {
            Some(&cur) => {
                if cur != score {
                    self.set_score(&member, cur, score);
                }
                false
            }
            None => {
                self.grow_for(&member);
                let score = self.stored(score);
                self.dict.insert(member.clone(), score);
                self.list.insert(score, member);
                true
            }
        }
    }

    /// Moves an existing member from score `cur` to `score`.
    fn set_score(&mut self, member: &[u8], cur: f64, score: f64) {
        let score = self.stored(score);
        let Some((_, m, s)) = self.dict.get_full_mut(member) else {
            return;
        };
        *s = score;
        let m = m.clone();
        self.list.remove(cur, member);
        self.list.insert(score, m);
    }

    /// Removes `member`, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let score = self.dict.swap_remove(member)?;
        self.list.remove(score, member);
        self.shrink();
        Some(score)
    }

    /// Gives memory back after many removals, as Redis's dict resizes down.
    fn shrink(&mut self) {
        self.list.compact();
        let cap = self.dict.capacity();
        if cap > 64 && cap / 4 > self.dict.len() {
            self.dict.shrink_to(self.dict.len() * 2);
        }
    }

    /// Removes and returns the lowest (or, with `max`, highest) element.
    pub fn pop(&mut self, max: bool) -> Option<(Bytes, f64)> {
        let x = if max {
            self.list.last()
        } else {
            self.list.first()
        };
        if x == NIL {
            return None;
        }
        let (m, s) = self.list.get(x);
        let m = m.clone();
        self.remove(&m);
        Some((m, s))
    }

    /// `member`'s 0-based rank (from the top with `rev`) and its score.
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<(usize, f64)> {
        let score = self.score(member)?;
        let r = self.list.rank(score, member)?;
        Some((if rev { self.len() - 1 - r } else { r }, score))
    }

    /// The ranks (ascending, 0-based) of the elements whose scores lie in `r`.
    pub fn score_span(&self, r: &ScoreRange) -> Range<usize> {
        let lo = self.list.count_while(|s, _| !r.gte_min(s));
        let hi = self.list.count_while(|s, _| r.lte_max(s));
        lo..hi.max(lo)
    }

    /// The ranks of the members in the lex range `r`. Meaningful when every score is equal,
    /// as Redis documents; otherwise the ranks of the members ordered as if they were.
    pub fn lex_span(&self, r: &LexRange<'_>) -> Range<usize> {
        let lo = self.list.count_while(|_, m| !r.gte_min(m));
        let hi = self.list.count_while(|_, m| r.lte_max(m));
        lo..hi.max(lo)
    }

    /// Where a lex range walk starts and how many elements it covers, after skipping
    /// `skip` of them: `(from, n)`, walking up from rank `from` (down with `rev`).
    ///
    /// When every score is equal this is just the range. Otherwise Redis's answer depends
    /// on its encoding: for a small set (a listpack) it scans from the low end for the
    /// first member at or above the minimum (from the high end for the last at or below
    /// the maximum, with `rev`) and walks from there while members stay within the far
    /// end, skipped ones unchecked; this does the same for small sets, exactly. For large
    /// ones Redis's answer depends on its skiplist's random levels; this answers as if the
    /// members were ordered.
    pub fn lex_select(&self, r: &LexRange<'_>, rev: bool, skip: usize) -> (usize, usize) {
        const NONE: (usize, usize) = (0, 0);
        if !self.listpack {
            let span = self.lex_span(r);
            return match span.len().checked_sub(skip).filter(|&n| n > 0) {
                None => NONE,
                Some(n) if rev => (span.end - 1 - skip, n),
                Some(n) => (span.start + skip, n),
            };
        }
        // A listpack holds at most LISTPACK_ENTRIES members: scanning it is what Redis does.
        let members: Vec<&Bytes> = self.iter().map(|(m, _)| m).collect();
        let (Some(first), Some(last)) = (members.first(), members.last()) else {
            return NONE;
        };
        if r.is_empty() || !r.gte_min(last) || !r.lte_max(first) {
            return NONE;
        }
        if rev {
            let Some(start) = members.iter().rposition(|m| r.lte_max(m)) else {
                return NONE;
            };
            if !r.gte_min(members[start]) {
                return NONE;
            }
            let Some(from) = start.checked_sub(skip) else {
                return NONE;
            };
            let n = members[..=from]
                .iter()
                .rev()
                .take_while(|m| r.gte_min(m))
                .count();
            (from, n)
        } else {
            let Some(start) = members.iter().position(|m| r.gte_min(m)) else {
                return NONE;
            };
            if !r.lte_max(members[start]) {
                return NONE;
            }
            let from = start.saturating_add(skip);
            if from >= members.len() {
                return NONE;
            }
            let n = members[from..].iter().take_while(|m| r.lte_max(m)).count();
            (from, n)
        }
    }

    /// Removes the elements at ranks `ranks` (ascending, 0-based). Returns how many.
    pub fn remove_ranks(&mut self, ranks: Range<usize>) -> usize {
        let before = self.len();
        let dict = &mut self.dict;
        self.list.remove_ranks(ranks.start, ranks.end, |m| {
            dict.swap_remove(&m[..]);
        });
        self.shrink();
        before - self.len()
    }

    /// Elements from rank `rank` on, ascending, or descending with `rev` (where `rank` is
    /// still counted from the lowest element).
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        Iter {
            list: &self.list,
            node: self.list.at_rank(rank),
            rev,
        }
    }

    /// Every element, ascending.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, false)
    }

    /// The element at position `pos` of the hash (not of the order): for random picks and
    /// ZSCAN. Positions run `0..len()`; a removal moves the last element into the hole.
    pub fn at_position(&self, pos: usize) -> Option<(&Bytes, f64)> {
        self.dict.get_index(pos).map(|(m, &s)| (m, s))
    }

    /// Checks that the hash and the skiplist agree; for tests.
    #[cfg(test)]
    pub fn check(&self) {
        self.list.check();
        assert_eq!(self.list.len(), self.dict.len());
        for (m, s) in self.iter() {
            assert_eq!(self.dict.get(m), Some(&s));
        }
    }
}

/// Walks the order from a node; see [`ZSet::iter_from`].
pub struct Iter<'a> {
    list: &'a SkipList,
    node: usize,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Bytes, f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.node == NIL {
            return None;
        }
        let x = self.node;
        self.node = if self.rev {
            self.list.prev(x)
        } else {
            self.list.next(x)
        };
        Some(self.list.get(x))
    }
}
