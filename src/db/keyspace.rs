//! One database: a hash table from key to [`Entry`], plus the set of keys that carry a TTL.
//!
//! Both are `IndexMap`s so that a random key (RANDOMKEY, active expiry sampling) is O(1) and
//! SCAN can walk by position. Removal is `swap_remove`, which moves the last entry into the
//! hole; SCAN therefore walks positions from the end downwards, so an entry moved by a
//! removal is either already seen or still ahead, and every key present for the whole scan is
//! returned at least once, as Redis guarantees.
//!
//! Time is passed in (`now`, Unix milliseconds), so tests can drive expiry with any clock.

use super::value::Value;
use ahash::RandomState;
use bytes::Bytes;
use indexmap::{IndexMap, IndexSet};

/// A key's value and its absolute expiry time in Unix milliseconds, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    pub expire_at: Option<u64>,
}

impl Entry {
    fn expired(&self, now: u64) -> bool {
        self.expire_at.is_some_and(|t| t <= now)
    }
}

#[derive(Debug, Default)]
pub struct Db {
    map: IndexMap<Bytes, Entry, RandomState>,
    /// Keys with an expiry, for active expiry sampling.
    volatile: IndexSet<Bytes, RandomState>,
    /// Keys removed because they expired (lazily or actively).
    pub expired: u64,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    /// Keys, expired ones not yet reclaimed included (as Redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Keys with an expiry set.
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    /// Removes `key` if its time has passed. Returns whether it is (still) there.
    fn expire_if_needed(&mut self, key: &[u8], now: u64) -> bool {
        match self.map.get(key) {
            None => false,
            Some(e) if e.expired(now) => {
                self.remove(key);
                self.expired += 1;
                false
            }
            Some(_) => true,
        }
    }

    /// The live entry for `key`.
    pub fn get(&mut self, key: &[u8], now: u64) -> Option<&Entry> {
        if self.expire_if_needed(key, now) {
            self.map.get(key)
        } else {
            None
        }
    }

    pub fn get_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Entry> {
        if self.expire_if_needed(key, now) {
            self.map.get_mut(key)
        } else {
            None
        }
    }

    pub fn contains(&mut self, key: &[u8], now: u64) -> bool {
        self.expire_if_needed(key, now)
    }

    /// Stores `value` under `key`, replacing any old value. `expire_at` replaces the TTL.
    pub fn set(&mut self, key: &[u8], value: Value, expire_at: Option<u64>) {
        match self.map.get_mut(key) {
            Some(e) => {
                e.value = value;
                if e.expire_at.is_some() != expire_at.is_some() {
                    if expire_at.is_some() {
                        if let Some((k, _)) = self.map.get_key_value(key) {
                            self.volatile.insert(k.clone());
                        }
                    } else {
                        self.volatile.swap_remove(key);
                    }
                }
                // Re-borrow: the volatile update above needed `self.map` immutably.
                if let Some(e) = self.map.get_mut(key) {
                    e.expire_at = expire_at;
                }
            }
            None => {
                let key = Bytes::copy_from_slice(key);
                if expire_at.is_some() {
                    self.volatile.insert(key.clone());
                }
                self.map.insert(key, Entry { value, expire_at });
            }
        }
    }

    /// Replaces the value of a live key and keeps its TTL (`KEEPTTL`, APPEND, INCR...).
    /// Inserts without TTL if the key is missing.
    pub fn set_keep_ttl(&mut self, key: &[u8], value: Value, now: u64) {
        match self.get_mut(key, now) {
            Some(e) => e.value = value,
            None => self.set(key, value, None),
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let entry = self.map.swap_remove(key)?;
        if entry.expire_at.is_some() {
            self.volatile.swap_remove(key);
        }
        Some(entry)
    }

    /// Removes a live key. Returns the entry if it was there.
    pub fn delete(&mut self, key: &[u8], now: u64) -> Option<Entry> {
        if self.expire_if_needed(key, now) {
            self.remove(key)
        } else {
            None
        }
    }

    /// Sets or clears the expiry of a live key. Returns false if the key is missing.
    pub fn set_expire(&mut self, key: &[u8], expire_at: Option<u64>, now: u64) -> bool {
        if !self.expire_if_needed(key, now) {
            return false;
        }
        let Some((k, e)) = self.map.get_key_value(key) else {
            return false;
        };
        match (e.expire_at.is_some(), expire_at.is_some()) {
            (false, true) => {
                let k = k.clone();
                self.volatile.insert(k);
            }
            (true, false) => {
                self.volatile.swap_remove(key);
            }
            _ => {}
        }
        if let Some(e) = self.map.get_mut(key) {
            e.expire_at = expire_at;
        }
        true
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.map = IndexMap::default();
        self.volatile = IndexSet::default();
    }

    /// A uniformly random live key, reclaiming expired keys it draws.
    pub fn random_key(&mut self, now: u64, mut rand: impl FnMut() -> u64) -> Option<Bytes> {
        // Bounded, so a database of only expired keys cannot loop for long: Redis gives up
        // after 100 tries too and returns the last (expired) key. We reclaim as we go instead.
        for _ in 0..100 {
            if self.map.is_empty() {
                return None;
            }
            let i = (rand() % self.map.len() as u64) as usize;
            let (k, e) = self.map.get_index(i)?;
            if !e.expired(now) {
                return Some(k.clone());
            }
            let k = k.clone();
            self.remove(&k);
            self.expired += 1;
        }
        None
    }

    /// One SCAN step: visits up to `count` positions below `cursor` (0 = start), calling
    /// `visit` with each live key and entry. Returns the next cursor, 0 when done.
    pub fn scan(
        &self,
        cursor: u64,
        count: usize,
        now: u64,
        mut visit: impl FnMut(&Bytes, &Entry),
    ) -> u64 {
        let len = self.map.len() as u64;
        let mut pos = if cursor == 0 || cursor > len {
            len
        } else {
            cursor
        };
        let mut visited = 0;
        while pos > 0 && visited < count {
            pos -= 1;
            visited += 1;
            if let Some((k, e)) = self.map.get_index(pos as usize)
                && !e.expired(now)
            {
                visit(k, e);
            }
        }
        pos
    }

    /// Every live key and entry, in table order.
    pub fn iter(&self, now: u64) -> impl Iterator<Item = (&Bytes, &Entry)> {
        self.map.iter().filter(move |(_, e)| !e.expired(now))
    }

    /// The `i`-th volatile key, for sampling.
    pub(super) fn volatile_at(&self, i: usize) -> Option<Bytes> {
        self.volatile.get_index(i).cloned()
    }

    /// Removes `key` if expired; true if it was.
    pub(super) fn reclaim(&mut self, key: &[u8], now: u64) -> bool {
        !self.expire_if_needed(key, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::str(v.as_bytes())
    }

    #[test]
    fn expired_keys_are_never_visible() {
        let mut db = Db::new();
        db.set(b"a", s("1"), Some(100));
        assert!(db.get(b"a", 99).is_some());
        assert!(db.get(b"a", 100).is_none());
        assert_eq!(db.len(), 0);
        assert_eq!(db.volatile_len(), 0);
        assert_eq!(db.expired, 1);
    }

    #[test]
    fn ttl_bookkeeping_follows_set_and_persist() {
        let mut db = Db::new();
        db.set(b"a", s("1"), Some(100));
        assert_eq!(db.volatile_len(), 1);
        db.set(b"a", s("2"), None);
        assert_eq!(db.volatile_len(), 0);
        assert!(db.set_expire(b"a", Some(50), 0));
        assert_eq!(db.volatile_len(), 1);
        assert!(db.set_expire(b"a", None, 0));
        assert_eq!(db.volatile_len(), 0);
        assert!(!db.set_expire(b"zz", Some(1), 0));
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
            cursor = db.scan(cursor, 10, 0, |k, _| {
                seen.insert(k.clone());
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
}
