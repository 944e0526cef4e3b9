//! Lists in the keyspace: typed lookups of list values and the index arithmetic and edits
//! the list commands share (ranges, trimming, LREM, LPOS, LINSERT).
//!
//! A list is a quicklist of packed nodes (`quicklist.rs`): O(1) at both ends, by index a
//! walk over node counts. Every helper here keeps Redis's rule that a list which becomes
//! empty leaves the keyspace. Indexes come from
//! clients as any `i64`, so all index arithmetic here is overflow-safe. Nothing here parses
//! arguments or writes replies.

use super::keyspace::Db;
use super::value::Value;
use bytes::Bytes;

pub use super::quicklist::List;

pub use super::typed::WrongType;

/// An end of a list: Redis's LIST_HEAD (LEFT) and LIST_TAIL (RIGHT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Left,
    Right,
}

impl End {
    /// Parses `LEFT` or `RIGHT`, case-insensitively.
    pub fn parse(arg: &[u8]) -> Option<End> {
        if arg.eq_ignore_ascii_case(b"left") {
            Some(End::Left)
        } else if arg.eq_ignore_ascii_case(b"right") {
            Some(End::Right)
        } else {
            None
        }
    }
}

/// Pushes `elem` onto `end` of `list`.
pub fn push(list: &mut List, elem: Bytes, end: End) {
    match end {
        End::Left => list.push_front(&elem),
        End::Right => list.push_back(&elem),
    }
}

/// Pops one element from `end` of `list`.
pub fn pop(list: &mut List, end: End) -> Option<Bytes> {
    match end {
        End::Left => list.pop_front(),
        End::Right => list.pop_back(),
    }
}

impl Db {
    /// The list at `key`: `Ok(None)` when the key is missing.
    pub fn list(&mut self, key: &[u8], now: u64) -> Result<Option<&List>, WrongType> {
        self.typed::<List>(key, now)
    }

    /// [`Db::list`] for changing the list in place (the key keeps its TTL). A caller that
    /// may empty the list removes the key afterwards.
    pub fn list_mut(&mut self, key: &[u8], now: u64) -> Result<Option<&mut List>, WrongType> {
        self.typed_mut::<List>(key, now)
    }

    /// Pushes `elems`, one by one, onto `end` of the list at `key`, creating the list if
    /// `create` (else a missing key stays missing). Returns the new length (0 when nothing
    /// was created). The elements must be owned: copies of a client's arguments, never
    /// slices of its read buffer.
    pub fn push_list(
        &mut self,
        key: &[u8],
        elems: impl IntoIterator<Item = Bytes>,
        end: End,
        create: bool,
        now: u64,
    ) -> Result<usize, WrongType> {
        match self.list_mut(key, now)? {
            Some(list) => {
                for e in elems {
                    push(list, e, end);
                }
                Ok(list.len())
            }
            None if create => {
                let mut list = List::with_fill(self.enc.list_fill);
                for e in elems {
                    push(&mut list, e, end);
                }
                let len = list.len();
                self.set(key, Value::List(list), None);
                Ok(len)
            }
            None => Ok(0),
        }
    }

    /// Pops up to `count` elements from `end` of the list at `key`, in pop order, deleting
    /// the key if it empties. `Ok(None)` when the key is missing.
    pub fn pop_list(
        &mut self,
        key: &[u8],
        end: End,
        count: usize,
        now: u64,
    ) -> Result<Option<Vec<Bytes>>, WrongType> {
        let Some(list) = self.list_mut(key, now)? else {
            return Ok(None);
        };
        let popped = match end {
            End::Left => list.drain_front(count),
            End::Right => list.drain_back(count),
        };
        if list.is_empty() {
            self.remove(key);
        }
        Ok(Some(popped))
    }
}

/// Resolves a Redis index (negative counts from the end) against a list of `len` elements.
pub fn index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 {
        (len as i64).checked_add(i)?
    } else {
        i
    };
    usize::try_from(i).ok().filter(|&i| i < len)
}

/// Resolves LRANGE/LTRIM's inclusive `start..=stop` (negative counting from the end, out of
/// range clamped) to positions, or `None` when the range is empty. Redis's arithmetic.
pub fn range(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    // Adding a length to a negative index cannot overflow.
    let start = if start < 0 { len + start } else { start }.max(0);
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        return None;
    }
    Some((start as usize, stop.min(len - 1) as usize))
}

/// LTRIM: keeps only `start..=stop`.
pub fn trim(list: &mut List, start: i64, stop: i64) {
    match range(list.len(), start, stop) {
        Some((s, e)) => list.keep(s, e),
        None => list.clear(),
    }
}

/// LREM: removes up to `|count|` elements equal to `elem`, from the head when `count > 0`,
/// from the tail when `count < 0`, all when 0. Returns how many went. One pass to find
/// where removal starts, one to remove: O(N) however many match.
pub fn remove(list: &mut List, elem: &[u8], count: i64) -> usize {
    let limit = match count.unsigned_abs() {
        0 => usize::MAX,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    };
    // From the tail: removal starts at the `limit`th match counted from the end.
    let mut start = 0;
    if count < 0 {
        let mut seen = 0;
        let len = list.len();
        for (back, e) in list.iter_rev().enumerate() {
            let i = len - 1 - back;
            if e == elem {
                seen += 1;
                if seen == limit {
                    start = i;
                    break;
                }
            }
        }
    }
    list.remove_matching(start, limit, |e| e == elem)
}

/// LINSERT: inserts `elem` before (or `after`) the first `pivot` from the head. Returns
/// false when the pivot is not there.
pub fn insert(list: &mut List, pivot: &[u8], elem: &[u8], after: bool) -> bool {
    let Some(at) = list.iter().position(|e| e == pivot) else {
        return false;
    };
    list.insert(at + usize::from(after), elem);
    true
}

/// LPOS's search: the positions (from the head) of the matches of `elem`, starting at the
/// `rank`th match (negative: searching from the tail), at most `count` of them (0: all),
/// looking at no more than `maxlen` elements (0: all).
///
/// The arithmetic is Redis 7.0's to the bit, wrapping included: RANK -9223372036854775808
/// negates to itself there, matches from the tail and ignores COUNT, and so it does here.
pub fn positions(list: &List, elem: &[u8], rank: i64, count: i64, maxlen: i64) -> Vec<usize> {
    let from_tail = rank < 0;
    let rank = if from_tail { rank.wrapping_neg() } else { rank };
    let len = list.len();
    let scan = if maxlen == 0 {
        len
    } else {
        len.min(usize::try_from(maxlen).unwrap_or(usize::MAX))
    };
    let mut found = Vec::new();
    let mut matches: i64 = 0;
    // Whether to stop after looking at the element at `pos`.
    let mut look = |pos: usize, e: &[u8]| {
        if e != elem {
            return false;
        }
        matches += 1;
        if matches >= rank {
            found.push(pos);
            return count != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= count;
        }
        false
    };
    if from_tail {
        for (i, e) in list.iter_rev().take(scan).enumerate() {
            if look(len - 1 - i, e) {
                break;
            }
        }
    } else {
        for (i, e) in list.iter().take(scan).enumerate() {
            if look(i, e) {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> List {
        items
            .iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn ranges_follow_redis_and_never_overflow() {
        assert_eq!(range(3, 0, -1), Some((0, 2)));
        assert_eq!(range(3, -100, 100), Some((0, 2)));
        assert_eq!(range(3, 5, 10), None);
        assert_eq!(range(3, 2, 1), None);
        assert_eq!(range(3, i64::MIN, i64::MAX), Some((0, 2)));
        assert_eq!(range(3, i64::MAX, i64::MIN), None);
        assert_eq!(range(0, 0, -1), None);
        assert_eq!(range(3, -1, -1), Some((2, 2)));
    }

    #[test]
    fn indexes_resolve_from_either_end() {
        assert_eq!(index(3, 0), Some(0));
        assert_eq!(index(3, -1), Some(2));
        assert_eq!(index(3, -3), Some(0));
        assert_eq!(index(3, -4), None);
        assert_eq!(index(3, 3), None);
        assert_eq!(index(3, i64::MIN), None);
        assert_eq!(index(3, i64::MAX), None);
    }

    #[test]
    fn trim_keeps_the_range() {
        let mut l = list(&["a", "b", "c", "d"]);
        trim(&mut l, 1, -2);
        assert_eq!(l, list(&["b", "c"]));
        trim(&mut l, 5, 10);
        assert!(l.is_empty());
    }

    #[test]
    fn remove_counts_from_either_end() {
        let mut l = list(&["a", "b", "a", "c", "a"]);
        assert_eq!(remove(&mut l, b"a", -1), 1);
        assert_eq!(l, list(&["a", "b", "a", "c"]));
        assert_eq!(remove(&mut l, b"a", 1), 1);
        assert_eq!(l, list(&["b", "a", "c"]));
        assert_eq!(remove(&mut l, b"a", i64::MIN), 1);
        assert_eq!(remove(&mut l, b"b", 0), 1);
        assert_eq!(l, list(&["c"]));
    }

    #[test]
    fn positions_match_redis_including_the_wrapping_rank() {
        let l = list(&["a", "b", "c", "1", "2", "3", "c", "c"]);
        assert_eq!(positions(&l, b"c", 1, 1, 0), vec![2]);
        assert_eq!(positions(&l, b"c", 2, 1, 0), vec![6]);
        assert_eq!(positions(&l, b"c", -1, 1, 0), vec![7]);
        assert_eq!(positions(&l, b"c", 1, 0, 0), vec![2, 6, 7]);
        assert_eq!(positions(&l, b"c", -1, 0, 0), vec![7, 6, 2]);
        assert_eq!(positions(&l, b"c", 1, 0, 3), vec![2]);
        assert_eq!(positions(&l, b"c", 1, 0, 2), Vec::<usize>::new());
        assert_eq!(positions(&l, b"c", -1, 0, 2), vec![7, 6]);
        assert_eq!(positions(&l, b"c", i64::MIN, 2, 0), vec![7, 6, 2]);
        assert_eq!(positions(&l, b"c", i64::MAX, 0, 0), Vec::<usize>::new());
    }
}
