//! Choosing keys to evict, as Redis's `evict.c`: the eight `maxmemory-policy` values, and
//! the eviction pool of 16 candidates that sampling `maxmemory-samples` keys per database
//! refills, best candidate (most idle, least frequently used, or soonest to expire) last.
//!
//! This file only chooses; the loop that evicts until memory is under the limit, and what
//! an eviction sets off (statistics, WATCH, lazy free), is `engine/evict.rs`.

use super::keyspace::Db;
use super::lru::{Track, idle_score};
use bytes::Bytes;

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    #[default]
    NoEviction,
}

/// How a policy ranks keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    Lru,
    Lfu,
    Ttl,
    Random,
    None,
}

impl Policy {
    /// The policy with Redis's name (as the config table has already checked it).
    pub fn from_name(name: &str) -> Policy {
        match name {
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            "allkeys-lru" => Policy::AllkeysLru,
            "allkeys-lfu" => Policy::AllkeysLfu,
            "allkeys-random" => Policy::AllkeysRandom,
            _ => Policy::NoEviction,
        }
    }

    /// Only keys with a TTL may go.
    pub fn volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru
                | Policy::VolatileLfu
                | Policy::VolatileRandom
                | Policy::VolatileTtl
        )
    }

    pub fn rank(self) -> Rank {
        match self {
            Policy::VolatileLru | Policy::AllkeysLru => Rank::Lru,
            Policy::VolatileLfu | Policy::AllkeysLfu => Rank::Lfu,
            Policy::VolatileTtl => Rank::Ttl,
            Policy::VolatileRandom | Policy::AllkeysRandom => Rank::Random,
            Policy::NoEviction => Rank::None,
        }
    }
}

/// Candidates kept between evictions (Redis's EVPOOL_SIZE).
pub const POOL_SIZE: usize = 16;

/// A key that may be evicted, with its score when sampled (higher goes first).
#[derive(Debug, Clone)]
struct Candidate {
    score: u64,
    db: usize,
    key: Bytes,
}

/// The eviction pool: at most [`POOL_SIZE`] candidates, ascending by score. It outlives
/// one eviction, so good candidates found by earlier sampling are not forgotten.
#[derive(Debug, Default)]
pub struct Pool {
    entries: Vec<Candidate>,
}

impl Pool {
    /// Offers a candidate: kept if the pool has room or it beats the worst one there.
    fn offer(&mut self, score: u64, db: usize, key: &[u8]) {
        if self.entries.len() == POOL_SIZE && score <= self.entries[0].score {
            return;
        }
        if self.entries.iter().any(|c| c.db == db && c.key == *key) {
            return;
        }
        let at = self.entries.partition_point(|c| c.score < score);
        self.entries.insert(
            at,
            Candidate {
                score,
                db,
                key: Bytes::copy_from_slice(key),
            },
        );
        if self.entries.len() > POOL_SIZE {
            self.entries.remove(0);
        }
    }

    /// Takes the best candidate.
    pub fn pop(&mut self) -> Option<(usize, Bytes)> {
        self.entries.pop().map(|c| (c.db, c.key))
    }

    /// Forgets every candidate (FLUSHALL, a change of policy).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Db {
    /// The keys `policy` may evict here.
    pub fn evictable(&self, policy: Policy) -> usize {
        if policy.volatile() {
            self.volatile_len()
        } else {
            self.len()
        }
    }

    /// Samples `samples` keys that `policy` may evict and offers them to `pool` (Redis's
    /// `evictionPoolPopulate`). `dbi` is this database's index.
    pub fn sample_into(
        &self,
        dbi: usize,
        pool: &mut Pool,
        policy: Policy,
        samples: usize,
        now: u64,
        mut rand: impl FnMut() -> u64,
    ) {
        let n = self.evictable(policy);
        if n == 0 {
            return;
        }
        let track = match policy.rank() {
            Rank::Lfu => self.track,
            _ => Track::Lru,
        };
        for _ in 0..samples.min(n) {
            let i = (rand() % n as u64) as usize;
            let (n, at) = if policy.volatile() {
                let Some((k, &at)) = self.volatile.get_index(i) else {
                    continue;
                };
                match self.map.get_key_value(&k[..]) {
                    Some((n, _)) => (n, Some(at)),
                    None => continue,
                }
            } else {
                match self.map.get_index(i) {
                    Some((n, _)) => (n, self.expire_of(n)),
                    None => continue,
                }
            };
            let score = match policy.rank() {
                Rank::Ttl => u64::MAX - at.unwrap_or(u64::MAX),
                _ => idle_score(n.lru(), track, now),
            };
            pool.offer(score, dbi, n.key());
        }
    }

    /// A uniformly random key that `policy` may evict (the random policies).
    pub fn random_evictable(&self, policy: Policy, rand: u64) -> Option<Bytes> {
        let n = self.evictable(policy);
        if n == 0 {
            return None;
        }
        let i = (rand % n as u64) as usize;
        if policy.volatile() {
            self.volatile
                .get_index(i)
                .map(|(k, _)| Bytes::copy_from_slice(k))
        } else {
            self.map
                .get_index(i)
                .map(|(n, _)| Bytes::copy_from_slice(n.key()))
        }
    }

    /// Whether `key` is still here and still evictable under `policy` (a pooled candidate
    /// may have been deleted, or lost its TTL, since it was sampled).
    pub fn still_evictable(&self, key: &[u8], policy: Policy) -> bool {
        if policy.volatile() {
            self.volatile.contains_key(key)
        } else {
            self.map.contains_key(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Value;

    fn rng() -> impl FnMut() -> u64 {
        let mut x = 88172645463325252u64;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn pool_keeps_the_best_sixteen_best_last() {
        let mut pool = Pool::default();
        for i in 0..40u64 {
            pool.offer(i * 7 % 40, 0, &Bytes::from(i.to_string()));
        }
        assert_eq!(pool.len(), POOL_SIZE);
        let mut last = u64::MAX;
        while let Some((_, k)) = pool.pop() {
            let i: u64 = std::str::from_utf8(&k).unwrap_or("0").parse().unwrap_or(0);
            let score = i * 7 % 40;
            assert!(score < last && score >= 24, "{score}");
            last = score;
        }
    }

    #[test]
    fn volatile_ttl_prefers_the_soonest_to_expire() {
        let mut db = Db::new();
        for i in 0..50u64 {
            db.set(format!("k{i}").as_bytes(), Value::str(b"v"), Some(1000 + i));
        }
        db.set(b"forever", Value::str(b"v"), None);
        let mut pool = Pool::default();
        let mut r = rng();
        for _ in 0..20 {
            db.sample_into(0, &mut pool, Policy::VolatileTtl, 5, 0, &mut r);
        }
        let (_, best) = pool.pop().expect("a candidate");
        assert!(["k0", "k1", "k2", "k3"].contains(&std::str::from_utf8(&best).unwrap_or("")));
        assert!(!db.still_evictable(b"forever", Policy::VolatileLru));
        assert!(db.still_evictable(b"forever", Policy::AllkeysLru));
    }
}
