//! SCAN over one database: a cursor that is a table position, walked downwards.
//!
//! Entries only ever move down (`swap_remove` moves the last entry into the hole) and new
//! keys are appended at the top. A key present for a whole scan therefore stays below the
//! cursor until the walk reaches it: every such key is returned at least once, and a key
//! may come back twice (when a removal moves an already returned key below the cursor).

use super::keyspace::{Db, expired};
use super::node::Node;

impl Db {
    /// One SCAN step: visits up to `count` positions below `cursor` (0 = start), calling
    /// `visit` with each live key's node. Returns the next cursor, 0 when done.
    ///
    /// The cursor is a table position and the walk goes downwards. Entries only ever move
    /// down (a removal moves the last entry into the hole) and new keys are appended at the
    /// top, so a key present from the first call to the last is ahead of the cursor until it
    /// is visited: a full scan returns every such key at least once (maybe twice), as Redis
    /// guarantees. A cursor past the end (the table shrank) restarts from the top, which
    /// keeps the guarantee, because the positions it skips no longer exist.
    pub fn scan(&self, cursor: u64, count: usize, now: u64, mut visit: impl FnMut(&Node)) -> u64 {
        let mut pos = self.scan_start(cursor);
        let mut visited = 0;
        while pos > 0 && visited < count {
            pos -= 1;
            visited += 1;
            if let Some((n, _)) = self.map.get_index(pos as usize)
                && !expired(&self.volatile, n, now)
            {
                visit(n);
            }
        }
        pos
    }

    /// [`Db::scan`] that also reclaims the expired keys it passes, as Redis's SCAN does.
    ///
    /// Removing the entry at the position just visited moves the last entry into it; every
    /// position above the cursor was already visited (or holds a key added since the scan
    /// began), so the moved entry is one the scan owes nothing, and the guarantee holds.
    pub fn scan_reclaim(
        &mut self,
        cursor: u64,
        count: usize,
        now: u64,
        mut visit: impl FnMut(&Node),
    ) -> u64 {
        let mut pos = self.scan_start(cursor);
        let mut visited = 0;
        while pos > 0 && visited < count {
            pos -= 1;
            visited += 1;
            let Some((n, _)) = self.map.get_index(pos as usize) else {
                continue;
            };
            if expired(&self.volatile, n, now) {
                let k = bytes::Bytes::copy_from_slice(n.key());
                self.remove_expired(&k);
            } else {
                visit(n);
            }
        }
        pos
    }

    /// Where a scan step starts: the top for a new scan or a cursor past the end.
    fn scan_start(&self, cursor: u64) -> u64 {
        let len = self.map.len() as u64;
        if cursor == 0 || cursor > len {
            len
        } else {
            cursor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Value;
    use bytes::Bytes;

    fn s(v: &str) -> Value {
        Value::str(v.as_bytes())
    }

    #[test]
    fn scan_returns_every_stable_key_despite_removals() {
        let mut db = Db::new();
        for i in 0..1000 {
            db.set(format!("k{i}").as_bytes(), s("v"), None);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            cursor = db.scan(cursor, 10, 0, |n| {
                seen.insert(Bytes::copy_from_slice(n.key()));
            });
            // Remove keys that are not part of the stable set while scanning.
            round += 1;
            if round % 3 == 0 {
                db.delete(format!("k{}", round * 7 % 1000).as_bytes(), 0);
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            let k = format!("k{i}");
            if db.contains(k.as_bytes(), 0) {
                assert!(seen.contains(k.as_bytes()), "{k} missed");
            }
        }
    }

    /// A deterministic xorshift for the churn below.
    fn rng(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// Runs full scans while keys come and go (inserts, deletes, expiries reclaimed by the
    /// scan itself) and checks Redis's guarantee: every key present from start to end is
    /// returned, and nothing is returned that was never there.
    #[test]
    fn full_scan_guarantee_under_churn() {
        for (seed, reclaim) in [(1u64, true), (2, false), (3, true), (4, false)] {
            let mut rand = rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut db = Db::new();
            let now = 1000;
            for i in 0..500 {
                db.set(format!("stable{i}").as_bytes(), s("v"), None);
                // Half of the churn keys expire at a time the scan already passed.
                let at = (i % 2 == 0).then_some(now);
                db.set(format!("churn{i}").as_bytes(), s("v"), at);
            }
            let mut seen = std::collections::HashSet::new();
            let mut cursor = 0;
            let mut next_new = 0;
            loop {
                let count = 1 + (rand() % 20) as usize;
                let mut visit = |n: &Node| {
                    seen.insert(Bytes::copy_from_slice(n.key()));
                };
                cursor = if reclaim {
                    db.scan_reclaim(cursor, count, now, &mut visit)
                } else {
                    db.scan(cursor, count, now, &mut visit)
                };
                // Churn between calls: delete a few churn keys, add new ones.
                for _ in 0..3 {
                    let victim = format!("churn{}", rand() % 500);
                    db.remove(victim.as_bytes());
                }
                db.set(format!("new{next_new}").as_bytes(), s("v"), None);
                next_new += 1;
                if cursor == 0 {
                    break;
                }
            }
            for i in 0..500 {
                let k = format!("stable{i}");
                assert!(seen.contains(k.as_bytes()), "seed {seed}: {k} missed");
            }
            for k in &seen {
                let name = String::from_utf8_lossy(k);
                assert!(
                    name.starts_with("stable")
                        || name.starts_with("churn")
                        || name.starts_with("new"),
                    "{name}"
                );
            }
            if reclaim {
                assert_eq!(
                    db.volatile_len(),
                    0,
                    "seed {seed}: every expired key was passed and reclaimed"
                );
            }
        }
    }

    #[test]
    fn scan_steps_visit_count_positions_and_end_at_zero() {
        let mut db = Db::new();
        assert_eq!(db.scan(0, 10, 0, |_| panic!("empty")), 0);
        for i in 0..25 {
            db.set(format!("k{i}").as_bytes(), s("v"), None);
        }
        let mut n = 0;
        let c1 = db.scan(0, 10, 0, |_| n += 1);
        assert_eq!((c1, n), (15, 10));
        let c2 = db.scan(c1, 10, 0, |_| n += 1);
        assert_eq!((c2, n), (5, 20));
        let c3 = db.scan(c2, 10, 0, |_| n += 1);
        assert_eq!((c3, n), (0, 25));
        // A cursor past the end (the table shrank) restarts from the top.
        assert_eq!(db.scan(1000, 5, 0, |_| {}), 20);
    }

    #[test]
    fn scan_skips_expired_and_reclaim_removes_them() {
        let mut db = Db::new();
        db.set(b"live", s("v"), Some(100));
        db.set(b"dead", s("v"), Some(50));
        let mut got = Vec::new();
        assert_eq!(
            db.scan(0, 10, 50, |n| got.push(Bytes::copy_from_slice(n.key()))),
            0
        );
        assert_eq!(got, vec![Bytes::from_static(b"live")]);
        assert_eq!(db.len(), 2, "scan only reads");
        got.clear();
        db.scan_reclaim(0, 10, 50, |n| got.push(Bytes::copy_from_slice(n.key())));
        assert_eq!(got, vec![Bytes::from_static(b"live")]);
        assert_eq!((db.len(), db.volatile_len(), db.expired), (1, 1, 1));
    }
}
