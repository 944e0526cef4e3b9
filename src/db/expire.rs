//! Active expiry: the executor's timer samples keys with a TTL and reclaims the expired ones,
//! in the spirit of Redis's `activeExpireCycle`: 20 keys per sample, repeat while more than a
//! quarter of a sample was expired, stop when the time budget is spent.

use super::keyspace::Db;
use std::time::{Duration, Instant};

/// Keys sampled per round in one database (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const SAMPLE: usize = 20;

/// What one cycle did.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ExpireStats {
    pub sampled: u64,
    pub expired: u64,
    /// The cycle stopped because the budget ran out, with work left.
    pub timed_out: bool,
}

impl Db {
    /// Runs sampling rounds on this database until few sampled keys are expired or
    /// `deadline` passes. `rand` supplies random numbers.
    pub fn active_expire(
        &mut self,
        now: u64,
        deadline: Instant,
        mut rand: impl FnMut() -> u64,
    ) -> ExpireStats {
        let mut stats = ExpireStats::default();
        loop {
            let n = self.volatile_len();
            if n == 0 {
                return stats;
            }
            let mut expired = 0;
            let sample = SAMPLE.min(n);
            for _ in 0..sample {
                let len = self.volatile_len();
                if len == 0 {
                    break;
                }
                let i = (rand() % len as u64) as usize;
                // The volatile map holds the time: only an expired key is copied and
                // looked up in the table.
                let due = match self.volatile.get_index(i) {
                    Some((k, &at)) if at <= now => Some(bytes::Bytes::copy_from_slice(k)),
                    _ => None,
                };
                if let Some(key) = due
                    && self.reclaim(&key, now)
                {
                    expired += 1;
                }
            }
            stats.sampled += sample as u64;
            stats.expired += expired;
            // Fewer than a quarter expired: the rest will wait for the next tick.
            if expired * 4 <= sample as u64 {
                return stats;
            }
            if Instant::now() >= deadline {
                stats.timed_out = true;
                return stats;
            }
        }
    }
}

/// The time one active expiry cycle may take at `hz` ticks per second: a quarter of a tick,
/// as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
pub fn budget(hz: u32) -> Duration {
    Duration::from_micros(250_000 / hz.max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Value;

    #[test]
    fn reclaims_expired_keys_and_keeps_live_ones() {
        let mut db = Db::new();
        for i in 0..1000u32 {
            let at = if i % 2 == 0 {
                Some(10)
            } else {
                Some(1_000_000)
            };
            db.set(&i.to_be_bytes(), Value::str(b"v"), at);
        }
        db.set(b"forever", Value::str(b"v"), None);
        let mut x = 12345u64;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let far = Instant::now() + Duration::from_secs(5);
        let mut total = 0;
        for _ in 0..100 {
            total += db.active_expire(20, far, &mut rand).expired;
        }
        assert!(total >= 400, "reclaimed only {total}");
        assert_eq!(db.len() as u64, 1001 - total);
        assert!(db.get(b"forever", 20).is_some());
    }
}
