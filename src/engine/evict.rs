//! Keeping memory under `maxmemory`: before each command (and on the timer) the executor
//! evicts keys by the policy until `used_memory` is under the limit, as Redis's
//! `performEvictions`. The time one call may spend is bounded by
//! `maxmemory-eviction-tenacity`; when it runs out, the timer carries on. A denied write
//! (`denyoom`) is refused with `-OOM` only when nothing more can be evicted.
//!
//! Evicted values too big to drop in place go to the lazy-free thread, so eviction never
//! stalls the executor on one huge value. Each evicted key touches its watchers, goes
//! into the propagated stream as DEL (UNLINK under `lazyfree-lazy-eviction`) and is
//! recorded as an `evicted` event (`Server::server_removed`).

use super::state::Server;
use crate::db::{Policy, Rank};
use std::time::{Duration, Instant};

/// What an eviction pass achieved (Redis's EVICT_OK / EVICT_RUNNING / EVICT_FAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evict {
    /// Under the limit (or no limit).
    Ok,
    /// Still over, but time ran out with keys left to evict: the timer goes on.
    Running,
    /// Over the limit with nothing left that the policy may evict.
    Fail,
}

/// Eviction statistics for INFO.
#[derive(Debug, Default)]
pub struct EvictStats {
    pub evicted_keys: u64,
    /// Since when memory has been over the limit, if it is.
    pub exceeded_since: Option<Instant>,
    /// Time over the limit in earlier spells.
    pub exceeded_total: Duration,
}

impl EvictStats {
    pub fn current_exceeded(&self) -> Duration {
        self.exceeded_since.map_or(Duration::ZERO, |t| t.elapsed())
    }

    pub fn total_exceeded(&self) -> Duration {
        self.exceeded_total + self.current_exceeded()
    }
}

/// Keys evicted between checks of the clock (and, with lazy freeing, of memory).
const CHECK_EVERY: u64 = 16;

/// How long one pass may evict (Redis's `evictionTimeLimitUs`): 50 µs per tenacity step
/// up to 10, then growing 15% a step, unbounded at 100.
fn time_limit(tenacity: u32) -> Option<Duration> {
    match tenacity {
        0..=10 => Some(Duration::from_micros(50 * tenacity as u64)),
        11..=99 => Some(Duration::from_micros(
            (500.0 * 1.15f64.powi(tenacity as i32 - 10)) as u64,
        )),
        _ => None,
    }
}

impl Server {
    /// Memory over the limit now: `Some(bytes to free)`, `None` when under it or when
    /// there is no limit or no counting allocator to measure with.
    fn over_limit(&self) -> Option<u64> {
        let max = self.config.mem.maxmemory;
        if max == 0 {
            return None;
        }
        let used = crate::alloc::used_memory()?;
        (used > max).then(|| used - max)
    }

    /// Evicts keys until memory is under `maxmemory`, within the time tenacity allows.
    pub fn perform_evictions(&mut self) -> Evict {
        let result = self.evict_pass();
        let stats = &mut self.evict_stats;
        match result {
            Evict::Ok => {
                if let Some(since) = stats.exceeded_since.take() {
                    stats.exceeded_total += since.elapsed();
                }
            }
            _ => {
                stats.exceeded_since.get_or_insert_with(Instant::now);
            }
        }
        result
    }

    fn evict_pass(&mut self) -> Evict {
        let Some(to_free) = self.over_limit() else {
            return Evict::Ok;
        };
        let policy = self.config.mem.policy;
        if policy == Policy::NoEviction {
            return Evict::Fail;
        }
        let limit = time_limit(self.config.mem.tenacity);
        let start = Instant::now();
        let lazy_eviction = self.config.mem.lazy_eviction;
        let mut handed_off = false;
        let mut freed: i64 = 0;
        let mut keys: u64 = 0;
        while freed < to_free as i64 {
            let Some((dbi, key)) = self.pick_victim(policy) else {
                return self.cannot_free();
            };
            let before = crate::alloc::used_memory().unwrap_or(0) as i64;
            handed_off |= self.evict_key(dbi, key);
            freed += before - crate::alloc::used_memory().unwrap_or(0) as i64;
            keys += 1;
            if keys.is_multiple_of(CHECK_EVERY) {
                // What went to the lazy-free thread is not freed yet: stop once memory
                // really is under the limit rather than evict for bytes on their way out.
                if (lazy_eviction || handed_off) && self.over_limit().is_none() {
                    break;
                }
                if limit.is_some_and(|l| start.elapsed() > l) {
                    return if self.over_limit().is_some() {
                        Evict::Running
                    } else {
                        Evict::Ok
                    };
                }
            }
        }
        Evict::Ok
    }

    /// Removes one chosen key and counts it. Returns whether its value went to the
    /// lazy-free thread.
    fn evict_key(&mut self, dbi: usize, key: bytes::Bytes) -> bool {
        let db = &mut self.dbs[dbi];
        let Some(entry) = db.remove_evicted(&key) else {
            return false;
        };
        // Big values are freed off the executor whatever lazyfree-lazy-eviction says:
        // one huge value must not stall every client.
        let handed_off = db.lazy.free_node(entry.into_node(), &db.enc);
        self.evict_stats.evicted_keys += 1;
        let lazy = self.config.mem.lazy_eviction;
        self.server_removed(dbi, key, "evicted", lazy);
        handed_off
    }

    /// Before a write into database `dbi`: if its key table is full, so that a new key
    /// would double it, and the doubled table would not fit under `maxmemory`, evicts one
    /// key so the table keeps its size. Redis 7.0 does the same by refusing to expand a
    /// dict past `maxmemory` (`dictExpandAllowed`). Without it, the table's doubling
    /// (about 25 bytes a slot: bucket and index) is paid for by evicting keys: under a 100 MB limit with
    /// small values the table alone took most of the memory.
    pub fn make_room_to_grow(&mut self, dbi: usize) {
        let policy = self.config.mem.policy;
        let max = self.config.mem.maxmemory;
        let Some(db) = self.dbs.get(dbi) else {
            return;
        };
        let growth = db.growth_bytes();
        if max == 0 || policy == Policy::NoEviction || growth == 0 {
            return;
        }
        let Some(used) = crate::alloc::used_memory() else {
            return;
        };
        if used + growth <= max {
            return;
        }
        if let Some((i, key)) = self.pick_victim(policy) {
            self.evict_key(i, key);
        }
    }

    /// Nothing left to evict. If the lazy-free thread is still freeing, wait for it a
    /// moment (as Redis does) before refusing writes.
    fn cannot_free(&mut self) -> Evict {
        let lazy = &self.dbs.first().map(|d| d.lazy.clone());
        if let Some(lazy) = lazy
            && lazy.pending() > 0
        {
            let wait = time_limit(self.config.mem.tenacity).unwrap_or(Duration::from_millis(1));
            std::thread::sleep(wait.min(Duration::from_millis(1)));
            if self.over_limit().is_none() {
                return Evict::Ok;
            }
        }
        Evict::Fail
    }

    /// The next key to evict under `policy`, and its database.
    fn pick_victim(&mut self, policy: Policy) -> Option<(usize, bytes::Bytes)> {
        let now = self.now_ms;
        let samples = self.config.mem.samples as usize;
        if policy.rank() == Rank::Random {
            // Round-robin over the databases, as Redis's `next_db`, so one is not
            // emptied before the others.
            let n = self.dbs.len();
            for _ in 0..n {
                let i = self.next_evict_db % n;
                self.next_evict_db = self.next_evict_db.wrapping_add(1);
                let r = self.rng.next_u64();
                if let Some(k) = self.dbs[i].random_evictable(policy, r) {
                    return Some((i, k));
                }
            }
            return None;
        }
        loop {
            let mut total = 0;
            let Server {
                dbs,
                evict_pool,
                rng,
                ..
            } = self;
            for (i, db) in dbs.iter().enumerate() {
                let n = db.evictable(policy);
                if n > 0 {
                    total += n;
                    db.sample_into(i, evict_pool, policy, samples, now, || rng.next_u64());
                }
            }
            if total == 0 {
                return None;
            }
            // Best first; a candidate deleted (or made persistent) since it was sampled
            // is dropped and the next one tried, refilling when the pool runs dry.
            while let Some((i, key)) = self.evict_pool.pop() {
                if self.dbs[i].still_evictable(&key, policy) {
                    return Some((i, key));
                }
            }
        }
    }

    /// Pushes the memory settings into the databases (access tracking, lazy freeing);
    /// a change of policy forgets the pooled candidates, ranked by the old one.
    pub fn apply_memory_config(&mut self, old_policy: Policy) {
        let m = self.config.mem;
        let track = m.track();
        for db in &mut self.dbs {
            db.track = track;
            db.lazy_expire = m.lazy_expire;
            db.lazy_server_del = m.lazy_server_del;
        }
        if m.policy != old_policy {
            self.evict_pool.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenacity_bounds_the_time_as_redis() {
        assert_eq!(time_limit(0), Some(Duration::ZERO));
        assert_eq!(time_limit(10), Some(Duration::from_micros(500)));
        assert_eq!(time_limit(11), Some(Duration::from_micros(575)));
        assert_eq!(time_limit(100), None);
    }
}
