//! HSCAN/SSCAN (and ZSCAN) over one position-addressable collection: the cursor is a
//! position, walked downwards, as the keyspace SCAN in `scan.rs` walks its table.
//!
//! Hashes and sets are `IndexMap`/`IndexSet`s whose removals are `swap_remove`: the last
//! element moves into the hole, so elements only ever move down, and new elements are
//! appended at the top. An element present for a whole scan therefore stays below the cursor
//! until the walk reaches it, and a full iteration returns it at least once (perhaps twice,
//! when a removal moves an already returned element below the cursor), as Redis guarantees.
//! Only positions live here; the caller reads its own collection at them.

use std::ops::Range;

/// One scan step over a collection of `len` elements: the positions to visit (visit them
/// from the top down, `range.rev()`) and the cursor to reply with, 0 when the walk is done.
///
/// `cursor` 0 starts a new scan at the top. A cursor past the end (the collection shrank, or
/// the client made it up) also restarts at the top: the positions it skips no longer exist,
/// so nothing present is missed. At most `count` positions are visited.
pub fn step(len: usize, cursor: u64, count: usize) -> (Range<usize>, u64) {
    let len = len as u64;
    let top = if cursor == 0 || cursor > len {
        len
    } else {
        cursor
    };
    let bottom = top.saturating_sub(count as u64);
    // Both fit in usize: they are at most `len`, which came from one.
    (bottom as usize..top as usize, bottom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::collections::HashSet;

    /// A set's hash table, as `db/set.rs` holds it.
    type Set = indexmap::IndexSet<Bytes, ahash::RandomState>;

    /// A full iteration over `set`, calling `churn` between steps.
    fn full_scan(set: &mut Set, count: usize, mut churn: impl FnMut(&mut Set)) -> HashSet<Bytes> {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        loop {
            let (range, next) = step(set.len(), cursor, count);
            for i in range.rev() {
                if let Some(m) = set.get_index(i) {
                    seen.insert(m.clone());
                }
            }
            churn(set);
            cursor = next;
            if cursor == 0 {
                return seen;
            }
        }
    }

    fn b(s: String) -> Bytes {
        Bytes::from(s)
    }

    #[test]
    fn steps_walk_down_and_end_at_zero() {
        assert_eq!(step(0, 0, 10), (0..0, 0));
        assert_eq!(step(25, 0, 10), (15..25, 15));
        assert_eq!(step(25, 15, 10), (5..15, 5));
        assert_eq!(step(25, 5, 10), (0..5, 0));
        assert_eq!(step(25, 1000, 10), (15..25, 15), "past the end restarts");
        assert_eq!(step(25, 7, usize::MAX), (0..7, 0));
    }

    #[test]
    fn full_scan_returns_every_stable_member_under_churn() {
        for count in [1, 3, 10, 1000] {
            let mut set = Set::default();
            for i in 0..300 {
                set.insert(b(format!("stable{i}")));
                set.insert(b(format!("churn{i}")));
            }
            let mut round = 0u64;
            let seen = full_scan(&mut set, count, |s| {
                round += 1;
                // Remove churn members (moving the last member down) and add new ones.
                let victim = format!("churn{}", round.wrapping_mul(7919) % 300);
                s.swap_remove(victim.as_bytes());
                s.insert(b(format!("new{round}")));
            });
            for i in 0..300 {
                let k = format!("stable{i}");
                assert!(seen.contains(k.as_bytes()), "count {count}: {k} missed");
            }
        }
    }
}
