//! Sorted sets, in one of two encodings as Redis 7.0 keeps them: a small set is a packed
//! run of (member, score) pairs sorted by score then member (`small.rs`, Redis's listpack),
//! a large one a member → score hash beside a skiplist (`big.rs`, `skiplist.rs`).
//!
//! A set starts small and turns large for good when a write makes it outgrow
//! `zset-max-listpack-entries` or `-value` (Redis never converts back), except for computed
//! results ([`ZSet::fit_encoding`]) and loading, which pick by size. On a small set every
//! operation is a linear scan, as on a listpack. On a large one the hash answers ZSCORE in
//! O(1) and the skiplist everything about order in O(log n); every range command is turned
//! into a span of ranks first, so reading `m` elements of a range costs O(log n + m).
//!
//! The encoding shows, as in Redis: OBJECT ENCODING reports it, a small set stores a score
//! of -0 as 0, and ZSCAN returns a small set whole. Nothing here knows about commands or
//! replies; `cmd/zsets` parses arguments and writes replies.

mod big;
mod range;
mod skiplist;
mod small;
#[cfg(test)]
mod tests;

pub use range::{LexItem, LexRange, ScoreRange};

use big::Big;
use bytes::Bytes;
use skiplist::{NIL, SkipList};
use small::{Pairs, Small};
use std::ops::Range;

/// Redis 7.0's `zset-max-listpack-entries` and `zset-max-listpack-value` defaults.
const LISTPACK_ENTRIES: usize = 128;
const LISTPACK_VALUE: usize = 64;

/// A sorted set.
#[derive(Debug, Clone)]
pub struct ZSet {
    enc: Enc,
    /// `zset-max-listpack-entries` and `-value`, as the keyspace last handed them in
    /// (saturated to u32: no set gets near that many entries, and it keeps a small set's
    /// box small).
    max_entries: u32,
    max_value: u32,
}

/// The two representations. The large one is boxed so that a small set stays small.
#[derive(Debug, Clone)]
enum Enc {
    Small(Small),
    Big(Box<Big>),
}

impl Default for ZSet {
    fn default() -> ZSet {
        ZSet::new()
    }
}

/// Two sets are equal when they hold the same members with the same scores, whatever their
/// encodings.
impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(m, s)| other.score(m).is_some_and(|o| o == s))
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
            enc: Enc::Small(Small::default()),
            max_entries: LISTPACK_ENTRIES as u32,
            max_value: LISTPACK_VALUE as u32,
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
        let sat = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.max_entries = sat(max_entries);
        self.max_value = sat(max_value);
    }

    /// An empty set already in Redis's large encoding (a skiplist), as Redis creates the
    /// results of ZUNION/ZINTER/ZDIFF and ZRANGESTORE of more than 128 ranks.
    pub fn new_large() -> ZSet {
        ZSet {
            enc: Enc::Big(Box::new(Big::new())),
            ..ZSet::new()
        }
    }

    /// Whether the set is in the small encoding (a listpack, for OBJECT ENCODING and ZSCAN).
    pub fn is_listpack(&self) -> bool {
        matches!(self.enc, Enc::Small(_))
    }

    /// Whether `len` members, the longest `max_len` bytes, fit the small encoding.
    fn fits(&self, len: usize, max_len: usize) -> bool {
        len <= self.max_entries as usize && max_len <= self.max_value as usize
    }

    /// Converts to the large encoding (Redis's `zsetConvert(..., OBJ_ENCODING_SKIPLIST)`),
    /// as SORT does to a sorted set it reads: later scores keep their sign of zero.
    pub fn make_large(&mut self) {
        let Enc::Small(small) = &self.enc else {
            return;
        };
        let mut big = Big::with_capacity(small.len());
        for e in small.pairs() {
            big.insert_new(Bytes::copy_from_slice(e.member), e.score);
        }
        self.enc = Enc::Big(Box::new(big));
    }

    /// Converts a computed result to the small encoding if it fits, as Redis's
    /// `zsetConvertToListpackIfNeeded` does before storing it; -0 scores become 0.
    pub fn fit_encoding(&mut self) {
        let Enc::Big(big) = &self.enc else {
            return;
        };
        if !self.fits(big.len(), self.max_member_len()) {
            return;
        }
        let mut small = Small::default();
        for (m, s) in self.iter() {
            small.push(m, s);
        }
        self.enc = Enc::Small(small);
    }

    /// Leaves the small encoding before adding `member` if the set would outgrow it.
    fn grow_for(&mut self, member: &[u8]) {
        if self.is_listpack() && !self.fits(self.len() + 1, member.len()) {
            self.make_large();
        }
    }

    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Small(s) => s.len(),
            Enc::Big(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The longest member, for OBJECT ENCODING. O(n): only asked of small sets.
    pub fn max_member_len(&self) -> usize {
        self.iter().map(|(m, _)| m.len()).max().unwrap_or(0)
    }

    /// Heap bytes of a small set's pack (0 for a large set): what the small encoding costs.
    pub fn packed_bytes(&self) -> usize {
        match &self.enc {
            Enc::Small(s) => s.heap_bytes(),
            Enc::Big(_) => 0,
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.enc {
            Enc::Small(s) => s.score(member),
            Enc::Big(b) => b.score(member),
        }
    }

    /// Adds or updates `member` under ZADD's rules (Redis's `zsetAdd`). The outcome carries
    /// the score as computed (Redis replies it), which a small set may store as 0 if -0.
    pub fn add(&mut self, member: &[u8], score: f64, f: AddFlags) -> Result<Outcome, NotANumber> {
        let Some(cur) = self.score(member) else {
            if f.xx {
                return Ok(Outcome::Skipped);
            }
            self.insert_absent(member, || Bytes::copy_from_slice(member), score);
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
        match self.score(&member) {
            Some(cur) => {
                if cur != score {
                    self.set_score(&member, cur, score);
                }
                false
            }
            None => {
                self.insert_absent(&member.clone(), || member, score);
                true
            }
        }
    }

    /// Adds a member known to be absent; `owned` makes its `Bytes` if the set is large.
    fn insert_absent(&mut self, member: &[u8], owned: impl FnOnce() -> Bytes, score: f64) {
        self.grow_for(member);
        match &mut self.enc {
            Enc::Small(s) => s.insert_new(member, score),
            Enc::Big(b) => b.insert_new(owned(), score),
        }
    }

    /// Moves an existing member from score `cur` to `score`.
    fn set_score(&mut self, member: &[u8], cur: f64, score: f64) {
        match &mut self.enc {
            Enc::Small(s) => s.set_score(member, score),
            Enc::Big(b) => b.set_score(member, cur, score),
        }
    }

    /// Removes `member`, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.enc {
            Enc::Small(s) => s.remove(member),
            Enc::Big(b) => b.remove(member),
        }
    }

    /// Removes and returns the lowest (or, with `max`, highest) element.
    pub fn pop(&mut self, max: bool) -> Option<(Bytes, f64)> {
        let (m, s) = match &self.enc {
            Enc::Small(small) => {
                let e = if max {
                    small.pairs().last()
                } else {
                    small.pairs().next()
                }?;
                (Bytes::copy_from_slice(e.member), e.score)
            }
            Enc::Big(b) => {
                let (m, s) = b.end(max)?;
                (m.clone(), s)
            }
        };
        self.remove(&m);
        Some((m, s))
    }

    /// `member`'s 0-based rank (from the top with `rev`) and its score.
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<(usize, f64)> {
        let (r, score) = match &self.enc {
            Enc::Small(s) => s.find(member).map(|(r, e)| (r, e.score))?,
            Enc::Big(b) => b.rank(member)?,
        };
        Some((if rev { self.len() - 1 - r } else { r }, score))
    }

    /// How many leading elements satisfy `pred` (which holds for a prefix of the order).
    fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match &self.enc {
            Enc::Small(s) => s.count_while(pred),
            Enc::Big(b) => b.count_while(pred),
        }
    }

    /// The ranks (ascending, 0-based) of the elements whose scores lie in `r`.
    pub fn score_span(&self, r: &ScoreRange) -> Range<usize> {
        let lo = self.count_while(|s, _| !r.gte_min(s));
        let hi = self.count_while(|s, _| r.lte_max(s));
        lo..hi.max(lo)
    }

    /// The ranks of the members in the lex range `r`. Meaningful when every score is equal,
    /// as Redis documents; otherwise the ranks of the members ordered as if they were.
    pub fn lex_span(&self, r: &LexRange<'_>) -> Range<usize> {
        let lo = self.count_while(|_, m| !r.gte_min(m));
        let hi = self.count_while(|_, m| r.lte_max(m));
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
        if !self.is_listpack() {
            let span = self.lex_span(r);
            return match span.len().checked_sub(skip).filter(|&n| n > 0) {
                None => NONE,
                Some(n) if rev => (span.end - 1 - skip, n),
                Some(n) => (span.start + skip, n),
            };
        }
        // A listpack holds at most LISTPACK_ENTRIES members: scanning it is what Redis does.
        let members: Vec<&[u8]> = self.iter().map(|(m, _)| m).collect();
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
        match &mut self.enc {
            Enc::Small(s) => s.remove_ranks(ranks),
            Enc::Big(b) => b.remove_ranks(ranks),
        }
    }

    /// Elements from rank `rank` on, ascending, or descending with `rev` (where `rank` is
    /// still counted from the lowest element).
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        Iter(match &self.enc {
            Enc::Big(b) => Walk::Big {
                list: &b.list,
                node: b.list.at_rank(rank),
                rev,
            },
            // A pack walks forward only: going down, note where each pair starts first.
            Enc::Small(s) if rev => Walk::SmallDown {
                small: s,
                starts: s.starts_through(rank),
            },
            Enc::Small(s) => {
                let mut pairs = s.pairs();
                if let Some(skip) = rank.checked_sub(1) {
                    pairs.nth(skip);
                }
                Walk::SmallUp(pairs)
            }
        })
    }

    /// Every element, ascending.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, false)
    }

    /// The element at position `pos` of the set's storage, for random picks and ZSCAN:
    /// of the hash (not the order) when large, where a removal moves the last element
    /// into the hole; of the order when small. Positions run `0..len()`. O(n) when small.
    pub fn at_position(&self, pos: usize) -> Option<(&[u8], f64)> {
        match &self.enc {
            Enc::Small(s) => s.pairs().nth(pos).map(|e| (e.member, e.score)),
            Enc::Big(b) => b.dict.get_index(pos).map(|(m, &s)| (&m[..], s)),
        }
    }

    /// Checks that the encoding's structures agree; for tests.
    #[cfg(test)]
    pub fn check(&self) {
        match &self.enc {
            Enc::Small(s) => {
                let v: Vec<_> = s.pairs().map(|e| (e.score, e.member)).collect();
                assert!(v.windows(2).all(|w| w[0] < w[1]), "order");
            }
            Enc::Big(b) => {
                b.list.check();
                assert_eq!(b.list.len(), b.dict.len());
                for (m, s) in self.iter() {
                    assert_eq!(b.dict.get(m), Some(&s));
                }
            }
        }
    }
}

/// Walks the order from a rank; see [`ZSet::iter_from`].
pub struct Iter<'a>(Walk<'a>);

enum Walk<'a> {
    Big {
        list: &'a SkipList,
        node: usize,
        rev: bool,
    },
    SmallUp(Pairs<'a>),
    SmallDown {
        small: &'a Small,
        starts: Vec<usize>,
    },
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Walk::Big { list, node, rev } => {
                if *node == NIL {
                    return None;
                }
                let x = *node;
                *node = if *rev { list.prev(x) } else { list.next(x) };
                let (m, s) = list.get(x);
                Some((&m[..], s))
            }
            Walk::SmallUp(pairs) => pairs.next().map(|e| (e.member, e.score)),
            Walk::SmallDown { small, starts } => {
                let e = small.elem_at(starts.pop()?)?;
                Some((e.member, e.score))
            }
        }
    }
}
