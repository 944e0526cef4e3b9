//! One database: a hash table from key to [`Entry`], plus the set of keys that carry a TTL.
//!
//! Both are `IndexMap`s so that a random key (RANDOMKEY, active expiry sampling) is O(1) and
//! SCAN can walk by position. Removal is `swap_remove`, which moves the last entry into the
//! hole; SCAN (`scan.rs`) therefore walks positions from the end downwards, so an entry moved
//! by a removal is either already seen or still ahead, and every key present for the whole
//! scan is returned at least once, as Redis guarantees.
//!
//! Time is passed in (`now`, Unix milliseconds), so tests can drive expiry with any clock.

use super::lazyfree::Lazy;
use super::lru::{self, Track};
use super::value::Value;
use ahash::RandomState;
use bytes::Bytes;
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use indexmap::{IndexMap, IndexSet};

/// A key's value, its absolute expiry time in Unix milliseconds if any, and its access
/// record for eviction (`lru.rs`: 24 bits used, as Redis's `robj.lru`).
///
/// The expiry is a plain `u64` with [`NO_EXPIRE`] for none rather than an `Option<u64>`
/// (16 bytes with its tag): the 4-byte access record then fits in what the tag's padding
/// took, and an entry stays 56 bytes, as it was before keys had an access record. The
/// snapshot epoch (`capture.rs`) takes the last 4 bytes of padding: still 56.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    expire: u64,
    pub lru: u32,
    /// The snapshot epoch this entry was written out in (or created in): a running
    /// snapshot skips an entry whose epoch is its own.
    pub(super) snap: u32,
}

/// `Entry::expire` of a key without a TTL. No expiry time reaches it: they are bounded by
/// `i64::MAX` milliseconds, as in Redis.
const NO_EXPIRE: u64 = u64::MAX;

impl Entry {
    /// An entry whose access record is blank (set when it is stored).
    pub fn new(value: Value, expire_at: Option<u64>) -> Entry {
        Entry {
            value,
            expire: expire_at.unwrap_or(NO_EXPIRE),
            lru: 0,
            snap: 0,
        }
    }

    /// The absolute expiry time in Unix milliseconds, if the key has a TTL.
    pub fn expire_at(&self) -> Option<u64> {
        (self.expire != NO_EXPIRE).then_some(self.expire)
    }

    pub(super) fn expired(&self, now: u64) -> bool {
        self.expire <= now
    }
}

#[derive(Debug, Default)]
pub struct Db {
    pub(super) map: IndexMap<Bytes, Entry, RandomState>,
    /// Keys with an expiry, for active expiry sampling.
    pub(super) volatile: IndexSet<Bytes, RandomState>,
    /// Keys removed because they expired (lazily or actively).
    pub expired: u64,
    /// While someone WATCHes keys, the keys removed by expiry, for the executor to mark
    /// their watchers (an expired key counts as modified, as in Redis).
    expired_log: Option<Vec<Bytes>>,
    /// The encoding thresholds (CONFIG), which OBJECT ENCODING follows.
    pub enc: super::EncLimits,
    /// What the access records track (LRU or LFU, from `maxmemory-policy`).
    pub track: Track,
    /// Set while a command of a `CLIENT NO-TOUCH` client runs: lookups leave access
    /// records alone.
    pub no_touch: bool,
    /// Set during CLIENT PAUSE: an expired key reads as missing but is not removed (Redis
    /// pauses expiry so that nothing changes the dataset behind paused clients).
    pub expire_paused: bool,
    /// State of the generator for LFU's probabilistic increments.
    rand: u64,
    /// The lazy-free thread, and whether expired (`lazyfree-lazy-expire`) and implicitly
    /// overwritten or deleted (`lazyfree-lazy-server-del`) values go to it.
    pub lazy: Lazy,
    pub lazy_expire: bool,
    pub lazy_server_del: bool,
    /// The time of the latest lookup, Unix milliseconds.
    clock: u64,
    /// The epoch of the latest snapshot (new entries are stamped with it).
    pub(super) epoch: u32,
    /// A point-in-time snapshot in progress (`capture.rs`).
    pub(super) capture: Option<Box<super::capture::Capture>>,
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

    /// What a new key would allocate by growing the key table, when it is full (the
    /// table doubles: a slot is a hash, the key handle and the entry, plus an index).
    pub fn growth_bytes(&self) -> u64 {
        if self.map.len() < self.map.capacity() || self.map.is_empty() {
            return 0;
        }
        let slot = std::mem::size_of::<(u64, Bytes, Entry)>() + std::mem::size_of::<usize>();
        (self.map.capacity() * slot) as u64
    }

    /// Keys with an expiry set.
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    /// Sets the clock new keys are stamped with (the executor does, once per batch).
    pub fn set_clock(&mut self, now: u64) {
        self.clock = now;
    }

    /// Removes `key` if its time has passed. Returns whether it is (still) there.
    fn expire_if_needed(&mut self, key: &[u8], now: u64) -> bool {
        self.live_index(key, now).is_some()
    }

    /// The table position of `key` if it is live, found with one probe; a key whose time
    /// has passed is removed on the way (the rare path probes again).
    fn live_index(&mut self, key: &[u8], now: u64) -> Option<usize> {
        // Every command looks its keys up before it stores: the clock new keys are
        // stamped with (`set` takes no time).
        self.clock = now;
        let (i, _, e) = self.map.get_full(key)?;
        if e.expired(now) {
            // Paused clients (CLIENT PAUSE): expired reads as missing, but stays.
            if !self.expire_paused {
                self.remove_expired(key);
            }
            return None;
        }
        Some(i)
    }

    /// Looks `key` up and reads its value's first bytes, only to bring them into cache
    /// (`engine/prefetch.rs`); changes nothing.
    pub fn prefetch(&self, key: &[u8]) {
        if let Some(e) = self.map.get(key) {
            let first = match &e.value {
                Value::Str(s) => s.first().copied(),
                _ => None,
            };
            std::hint::black_box((e.expire, first));
        }
    }

    /// The live entry for `key`, recording the access (Redis's `lookupKeyRead`).
    pub fn get(&mut self, key: &[u8], now: u64) -> Option<&Entry> {
        self.get_mut_raw(key, now).map(|e| &*e)
    }

    /// The live entry for `key` without recording an access, for introspection (OBJECT,
    /// TYPE, TTL: Redis's LOOKUP_NOTOUCH).
    pub fn peek(&mut self, key: &[u8], now: u64) -> Option<&Entry> {
        let i = self.live_index(key, now)?;
        self.map.get_index(i).map(|(_, e)| e)
    }

    /// The entry at `key` for a write, recording the access. Before handing it out,
    /// records whether earlier writes made the value outgrow its small encoding (see
    /// `encoding.rs`).
    pub fn get_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Entry> {
        let enc = self.enc;
        if self.capture.is_some() && self.expire_if_needed(key, now) {
            self.preserve(key);
        }
        let e = self.get_mut_raw(key, now)?;
        super::encoding::refresh(&mut e.value, &enc);
        Some(e)
    }

    fn get_mut_raw(&mut self, key: &[u8], now: u64) -> Option<&mut Entry> {
        let i = self.live_index(key, now)?;
        let r = self.next_unit();
        let (track, no_touch) = (self.track, self.no_touch);
        let (_, e) = self.map.get_index_mut(i)?;
        if !no_touch {
            e.lru = lru::touched(e.lru, track, now, r);
        }
        Some(e)
    }

    /// A uniform number in [0, 1) for LFU increments (xorshift: cheap, and good enough
    /// for a coin flip). Only drawn under LFU.
    fn next_unit(&mut self) -> f64 {
        if !self.track.is_lfu() {
            return 0.0;
        }
        if self.rand == 0 {
            self.rand = 0x9E37_79B9_7F4A_7C15;
        }
        let mut x = self.rand;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rand = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The clock this database's access records are stamped with (`now` at start).
    fn fresh_lru(&self, now: u64) -> u32 {
        lru::fresh(self.track, now)
    }

    /// Drops a value removed from the keyspace, on the lazy-free thread if `lazy` and it
    /// is big (see `lazyfree.rs`).
    pub fn drop_value(&self, value: Value, lazy: bool) {
        if lazy {
            self.lazy.free(value, &self.enc);
        } else {
            drop(value);
        }
    }

    pub fn contains(&mut self, key: &[u8], now: u64) -> bool {
        self.expire_if_needed(key, now)
    }

    /// Stores `value` under `key`, replacing any old value. `expire_at` replaces the TTL.
    /// An overwritten key keeps its access record, touched (under LFU it keeps its
    /// frequency, as Redis's `dbOverwrite`); a new key gets a fresh one.
    pub fn set(&mut self, key: &[u8], value: Value, expire_at: Option<u64>) {
        let r = self.next_unit();
        let (track, now, no_touch) = (self.track, self.clock, self.no_touch);
        if self.capture.is_some() {
            self.preserve(key);
        }
        let epoch = self.epoch;
        let expire = expire_at.unwrap_or(NO_EXPIRE);
        // One probe: the key is hashed once whether it is overwritten or inserted.
        let old = match self.map.raw_entry_mut_v1().from_key(key) {
            RawEntryMut::Occupied(mut slot) => {
                let e = slot.get_mut();
                let old = std::mem::replace(&mut e.value, value);
                if !no_touch {
                    e.lru = lru::touched(e.lru, track, now, r);
                }
                let had_ttl = e.expire != NO_EXPIRE;
                e.expire = expire;
                if had_ttl != expire_at.is_some() {
                    if had_ttl {
                        self.volatile.swap_remove(key);
                    } else {
                        self.volatile.insert(slot.key().clone());
                    }
                }
                old
            }
            RawEntryMut::Vacant(slot) => {
                let key = Bytes::copy_from_slice(key);
                if expire_at.is_some() {
                    self.volatile.insert(key.clone());
                }
                let lru = lru::fresh(track, now);
                let snap = epoch;
                slot.insert(
                    key,
                    Entry {
                        value,
                        expire,
                        lru,
                        snap,
                    },
                );
                return;
            }
        };
        if self.lazy_server_del {
            self.lazy.free(old, &self.enc);
        } else {
            drop(old);
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
        if self.capture.is_some() {
            self.preserve(key);
        }
        let entry = self.map.swap_remove(key)?;
        if entry.expire_at().is_some() {
            self.volatile.swap_remove(key);
        }
        Some(entry)
    }

    /// Removes a key whose time has passed, counting and logging it.
    pub(super) fn remove_expired(&mut self, key: &[u8]) {
        if let Some(e) = self.remove(key) {
            self.drop_value(e.value, self.lazy_expire);
        }
        self.expired += 1;
        self.log_removed(key);
    }

    /// Removes a key chosen for eviction. Returns its value for the caller to free (its
    /// memory is what eviction measures); the caller reports the removal
    /// (`Server::server_removed`), as the effects layer does for expired keys.
    pub fn remove_evicted(&mut self, key: &[u8]) -> Option<Value> {
        self.remove(key).map(|e| e.value)
    }

    /// Logs a key the server removed (expired or evicted) while anybody WATCHes.
    fn log_removed(&mut self, key: &[u8]) {
        if let Some(log) = self.expired_log.as_mut() {
            log.push(Bytes::copy_from_slice(key));
        }
    }

    /// Whether `key` is still stored but its time has passed (not yet reclaimed).
    pub fn is_expired(&self, key: &[u8], now: u64) -> bool {
        self.map.get(key).is_some_and(|e| e.expired(now))
    }

    /// Turns the log of expired keys on or off (on while anybody WATCHes).
    pub fn log_expired(&mut self, on: bool) {
        if on != self.expired_log.is_some() {
            self.expired_log = on.then(Vec::new);
        }
    }

    /// Whether expired keys are logged (for a database replacing this one).
    pub fn take_log_state(&mut self) -> bool {
        self.expired_log.take().is_some()
    }

    /// The keys removed by expiry since the last call (empty when not logging).
    pub fn take_expired_log(&mut self) -> Vec<Bytes> {
        match self.expired_log.as_mut() {
            Some(log) if !log.is_empty() => std::mem::take(log),
            _ => Vec::new(),
        }
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
        if self.capture.is_some() {
            self.preserve(key);
        }
        let Some((k, e)) = self.map.get_key_value(key) else {
            return false;
        };
        match (e.expire_at().is_some(), expire_at.is_some()) {
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
            e.expire = expire_at.unwrap_or(NO_EXPIRE);
        }
        true
    }

    /// The expiry of a live key: `None` if the key is missing, `Some(None)` if it has no TTL.
    pub fn expiry(&mut self, key: &[u8], now: u64) -> Option<Option<u64>> {
        self.peek(key, now).map(|e| e.expire_at())
    }

    /// Moves a live key with its TTL to `to`, replacing what `to` held (value and TTL), as
    /// RENAME. Returns false if `from` is missing; renaming a key to itself changes nothing.
    pub fn rename(&mut self, from: &[u8], to: &[u8], now: u64) -> bool {
        if !self.expire_if_needed(from, now) {
            return false;
        }
        if from == to {
            return true;
        }
        // Reclaim an expired destination first, so it is counted as expired, as Redis's
        // lookupKeyWrite of the destination does.
        self.expire_if_needed(to, now);
        let Some(entry) = self.remove(from) else {
            return false;
        };
        let (at, lru) = (entry.expire_at(), entry.lru);
        self.set(to, entry.value, at);
        // The same object under a new name, as Redis's RENAME: its access record moves too.
        if let Some(e) = self.map.get_mut(to) {
            e.lru = lru;
        }
        true
    }

    /// Stores `entry` (value and TTL) under `key` unless a live key is there and `replace`
    /// is false. Returns whether it stored. The destination half of COPY, whose source may
    /// be another database.
    pub fn put(&mut self, key: &[u8], entry: Entry, replace: bool, now: u64) -> bool {
        if self.contains(key, now) && !replace {
            return false;
        }
        let at = entry.expire_at();
        self.set(key, entry.value, at);
        true
    }

    /// Stores a key read from a file or a RESTORE payload; false (nothing stored) if the
    /// key is already there. `lru` is its access record, if the file gave one.
    pub fn load(
        &mut self,
        key: Bytes,
        value: Value,
        expire_at: Option<u64>,
        lru: Option<u32>,
    ) -> bool {
        if self.map.contains_key(&key) {
            return false;
        }
        if expire_at.is_some() {
            self.volatile.insert(key.clone());
        }
        let lru = lru.unwrap_or_else(|| self.fresh_lru(self.clock));
        let entry = Entry {
            value,
            expire: expire_at.unwrap_or(NO_EXPIRE),
            lru,
            snap: self.epoch,
        };
        self.map.insert(key, entry);
        true
    }

    /// Removes every key and hands back the tables that held them (for the lazy-free
    /// thread to drop).
    pub fn take_contents(&mut self) -> impl Send + 'static + use<> {
        let map = std::mem::take(&mut self.map);
        // A running snapshot still owes the old keys: it takes the table whole.
        let map = match self.capture.as_deref_mut() {
            Some(c) => {
                c.freeze(map);
                IndexMap::default()
            }
            None => map,
        };
        (map, std::mem::take(&mut self.volatile))
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        let map = std::mem::take(&mut self.map);
        if let Some(c) = self.capture.as_deref_mut() {
            c.freeze(map);
        }
        self.volatile = IndexSet::default();
    }

    /// A uniformly random live key, reclaiming the expired keys it draws.
    ///
    /// Like Redis's `dbRandomKey` on a master, it keeps drawing until it finds a live key:
    /// every failed draw removes a key, so it ends after at most `len() + 1` draws, and a
    /// database holding only expired keys comes out empty (`None`).
    pub fn random_key(&mut self, now: u64, mut rand: impl FnMut() -> u64) -> Option<Bytes> {
        loop {
            if self.map.is_empty() {
                return None;
            }
            let i = (rand() % self.map.len() as u64) as usize;
            let (k, e) = self.map.get_index(i)?;
            if !e.expired(now) {
                return Some(k.clone());
            }
            let k = k.clone();
            self.remove_expired(&k);
        }
    }

    /// The entry stored at `key`, even if its time has passed, with no side effect (DEBUG
    /// looks at what is stored, as Redis's `dictFind`).
    pub fn stored(&self, key: &[u8]) -> Option<&Entry> {
        self.map.get(key)
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
    fn random_key_is_uniform_enough_and_skips_expired() {
        let mut db = Db::new();
        let mut x = 7u64;
        let mut rand = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 11
        };
        assert_eq!(db.random_key(0, &mut rand), None);
        for i in 0..4 {
            db.set(format!("k{i}").as_bytes(), s("v"), None);
        }
        let mut hist = std::collections::HashMap::new();
        for _ in 0..4000 {
            *hist
                .entry(db.random_key(0, &mut rand).expect("a key"))
                .or_insert(0) += 1;
        }
        assert_eq!(hist.len(), 4);
        assert!(hist.values().all(|&n| n > 800), "{hist:?}");
        // 1000 expired keys and one live one: always the live one, never giving up.
        let mut db = Db::new();
        for i in 0..1000 {
            db.set(format!("x{i}").as_bytes(), s("v"), Some(10));
        }
        db.set(b"live", s("v"), None);
        assert_eq!(db.random_key(10, &mut rand).as_deref(), Some(&b"live"[..]));
        db.delete(b"live", 10);
        assert_eq!(db.random_key(10, &mut rand), None);
        assert_eq!((db.len(), db.volatile_len()), (0, 0));
        assert_eq!(db.expired, 1000);
    }

    #[test]
    fn rename_moves_entry_and_ttl_bookkeeping() {
        let mut db = Db::new();
        db.set(b"a", s("1"), Some(500));
        db.set(b"b", s("2"), None);
        assert!(db.rename(b"a", b"b", 0));
        assert_eq!(db.get(b"b", 0).map(|e| e.expire_at()), Some(Some(500)));
        assert!(!db.contains(b"a", 0));
        assert_eq!((db.len(), db.volatile_len()), (1, 1));
        // Back onto a key with a TTL: the source's lack of TTL wins.
        db.set(b"c", s("3"), None);
        assert!(db.rename(b"c", b"b", 0));
        assert_eq!(db.expiry(b"b", 0), Some(None));
        assert_eq!((db.len(), db.volatile_len()), (1, 0));
        assert!(db.rename(b"b", b"b", 0), "onto itself");
        assert_eq!(db.get(b"b", 0).map(|e| e.value.clone()), Some(s("3")));
        assert!(!db.rename(b"nope", b"b", 0));
        // An expired source is missing; an expired destination is reclaimed and counted.
        db.set(b"old", s("x"), Some(5));
        assert!(!db.rename(b"old", b"b", 5));
        db.set(b"d", s("4"), Some(5));
        assert!(db.rename(b"b", b"d", 5));
        assert_eq!(db.expired, 2);
        assert_eq!((db.len(), db.volatile_len()), (1, 0));
    }

    #[test]
    fn put_respects_replace_and_copies_ttl() {
        let mut src = Db::new();
        let mut dst = Db::new();
        src.set(b"a", s("1"), Some(900));
        let e = src.get(b"a", 0).cloned().expect("live");
        assert!(dst.put(b"a", e.clone(), false, 0));
        assert_eq!(dst.expiry(b"a", 0), Some(Some(900)));
        assert_eq!(dst.volatile_len(), 1);
        assert!(!dst.put(b"a", Entry::new(s("2"), None), false, 0));
        assert!(dst.put(b"a", Entry::new(s("2"), None), true, 0));
        assert_eq!(
            dst.get(b"a", 0).map(|e| (&e.value, e.expire_at())),
            Some((&s("2"), None))
        );
        assert_eq!(dst.volatile_len(), 0);
        // An expired destination does not block.
        dst.set(b"z", s("old"), Some(5));
        assert!(dst.put(b"z", e, false, 5));
        assert_eq!(
            src.get(b"a", 0).map(|e| e.value.clone()),
            Some(s("1")),
            "source untouched"
        );
    }

    #[test]
    fn expiry_reports_missing_persistent_and_volatile() {
        let mut db = Db::new();
        assert_eq!(db.expiry(b"k", 0), None);
        db.set(b"k", s("v"), None);
        assert_eq!(db.expiry(b"k", 0), Some(None));
        db.set_expire(b"k", Some(10), 0);
        assert_eq!(db.expiry(b"k", 9), Some(Some(10)));
        assert_eq!(db.expiry(b"k", 10), None);
        assert_eq!((db.len(), db.volatile_len()), (0, 0));
    }
}

#[cfg(test)]
mod size {
    /// The access record costs no memory per key: an entry is 56 bytes, as it was with
    /// an `Option<u64>` expiry and no record (Value 40 + Option 16), and a table slot (hash,
    /// key, entry) 96.
    #[test]
    fn the_access_record_fits_in_the_old_entry() {
        assert_eq!(std::mem::size_of::<super::Value>() + 16, 56);
        assert_eq!(std::mem::size_of::<super::Entry>(), 56);
        assert_eq!(std::mem::size_of::<(u64, bytes::Bytes, super::Entry)>(), 96);
    }
}
