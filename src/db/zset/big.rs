//! The large encoding of a sorted set: a member → score hash beside an ordered index
//! (`skiplist.rs`), as Redis's `zset` pairs a dict with a skiplist.
//!
//! The hash answers ZSCORE and membership in O(1); it is an `IndexMap`, so random members
//! (ZRANDMEMBER) and ZSCAN cursors work by position. The skiplist answers everything about
//! order in O(log n). Both hold the same member `Bytes` (one allocation, shared).

use super::skiplist::{NIL, SkipList};
use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;
use std::ops::Range;

/// A large sorted set.
#[derive(Debug, Clone)]
pub struct Big {
    pub(super) dict: IndexMap<Bytes, f64, RandomState>,
    pub(super) list: SkipList,
}

impl Big {
    pub fn new() -> Big {
        Big {
            dict: IndexMap::default(),
            list: SkipList::new(),
        }
    }

    /// A set of `n` elements to come.
    pub fn with_capacity(n: usize) -> Big {
        Big {
            dict: IndexMap::with_capacity_and_hasher(n, RandomState::default()),
            list: SkipList::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.dict.get(member).copied()
    }

    /// Adds a member known to be absent.
    pub fn insert_new(&mut self, member: Bytes, score: f64) {
        self.dict.insert(member.clone(), score);
        self.list.insert(score, member);
    }

    /// Moves an existing member from score `cur` to `score`.
    pub fn set_score(&mut self, member: &[u8], cur: f64, score: f64) {
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

    /// The lowest (or, with `max`, highest) element.
    pub fn end(&self, max: bool) -> Option<(&Bytes, f64)> {
        let x = if max {
            self.list.last()
        } else {
            self.list.first()
        };
        (x != NIL).then(|| self.list.get(x))
    }

    /// `member`'s 0-based rank and its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        let score = self.score(member)?;
        Some((self.list.rank(score, member)?, score))
    }

    /// Removes the elements at ranks `ranks`; returns how many.
    pub fn remove_ranks(&mut self, ranks: Range<usize>) -> usize {
        let before = self.len();
        let dict = &mut self.dict;
        self.list.remove_ranks(ranks.start, ranks.end, |m| {
            dict.swap_remove(&m[..]);
        });
        self.shrink();
        before - self.len()
    }

    /// How many leading elements satisfy `pred` (which holds for a prefix of the order).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.list.count_while(pred)
    }
}
