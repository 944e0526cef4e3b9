//! One database: a hash table of [`Node`]s (a key with its value, in one block), plus the
//! keys that carry a TTL with their expiry times.
//!
//! Both are `IndexMap`s so that a random key (RANDOMKEY, active expiry sampling) is O(1) and
//! SCAN can walk by position. Removal is `swap_remove`, which moves the last entry into the
//! hole; SCAN (`scan.rs`) therefore walks positions from the end downwards, so an entry moved
//! by a removal is either already seen or still ahead, and every key present for the whole
//! scan is returned at least once, as Redis guarantees.
//!
//! The table's bucket is the hash and the node pointer (16 bytes). The expiry lives apart,
//! in `volatile`, and a node flag says whether to look there: a key without a TTL pays
//! nothing for expiry, on memory or on lookups.
//!
//! Time is passed in (`now`, Unix milliseconds), so tests can drive expiry with any clock.

use super::lazyfree::Lazy;
use super::lru::{self, Track};
use super::node::Node;
use super::value::{Value, ValueRef};
use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;
use indexmap::map::MutableKeys;
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};

/// The key table: the node is the key, so a bucket is a hash and a pointer.
pub type Map = IndexMap<Node, (), RandomState>;
/// The keys with a TTL and their absolute expiry times, Unix milliseconds. A key is a
/// boxed slice (16 bytes in the bucket, not a `Bytes`' 32).
pub type Volatile = IndexMap<Box<[u8]>, u64, RandomState>;

/// A key's value, its access record and its expiry, taken out of a database (DEL, MOVE,
/// COPY): the node itself, so moving a key under the same name copies nothing.
#[derive(Debug, Clone)]
pub struct Entry {
    node: Node,
    expire: Option<u64>,
}

impl Entry {
    /// An entry whose access record is blank (set when it is stored).
    pub fn new(value: Value, expire_at: Option<u64>) -> Entry {
        Entry {
            node: Node::new(b"", value, 0, 0),
            expire: expire_at,
        }
    }

    pub fn value(&self) -> ValueRef<'_> {
        self.node.value()
    }

    pub fn into_value(self) -> Value {
        self.node.into_value()
    }

    /// The absolute expiry time in Unix milliseconds, if the key has a TTL.
    pub fn expire_at(&self) -> Option<u64> {
        self.expire
    }

    /// The access record (`lru.rs`).
    pub fn lru(&self) -> u32 {
        self.node.lru()
    }

    /// The node that held the key (for freeing it, maybe on the lazy-free thread).
    pub fn into_node(self) -> Node {
        self.node
    }

    pub(super) fn from_parts(node: Node, expire: Option<u64>) -> Entry {
        Entry { node, expire }
    }

    pub(super) fn into_parts(self) -> (Node, Option<u64>) {
        (self.node, self.expire)
    }
}

/// Whether `node`'s time has passed.
#[inline]
pub(super) fn expired(volatile: &Volatile, node: &Node, now: u64) -> bool {
    node.has_ttl() && volatile.get(node.key()).is_some_and(|&at| at <= now)
}

/// Records `key`'s expiry time, copying the key only when it had none.
fn volatile_put(volatile: &mut Volatile, key: &[u8], at: u64) {
    match volatile.get_mut(key) {
        Some(t) => *t = at,
        None => {
            volatile.insert(Box::from(key), at);
        }
    }
}

#[derive(Debug, Default)]
pub struct Db {
    pub(super) map: Map,
    /// Keys with an expiry, for lookups, active expiry sampling and volatile eviction.
    pub(super) volatile: Volatile,
    /// Keys removed because they expired (lazily or actively).
    pub expired: u64,
    /// While someone WATCHes keys, the keys removed by expiry, for the executor to mark
    /// their watchers (an expired key counts as modified, as in Redis).
    pub(super) expired_log: Option<Vec<Bytes>>,
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
    pub(super) clock: u64,
    /// The epoch of the latest snapshot (new entries are stamped with it).
    pub(super) epoch: u32,
    /// A point-in-time snapshot in progress (`capture.rs`).
    pub(super) capture: Option<Box<super::capture::Capture>>,
}

/// What an overwrite replaced: the whole node, or only the value it held.
enum Old {
    Node(Node),
    Value(Value),
}

/// What [`Db::store`] writes.
enum Put<'a> {
    Value(Value),
    /// A value kept out of the node (`Node::new_raw`).
    Raw(Value),
    Str(&'a [u8]),
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
    /// table doubles: a slot is a hash and the node pointer, plus an index).
    pub fn growth_bytes(&self) -> u64 {
        if self.map.len() < self.map.capacity() || self.map.is_empty() {
            return 0;
        }
        let slot = std::mem::size_of::<(u64, Node)>() + std::mem::size_of::<usize>();
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
    pub(super) fn expire_if_needed(&mut self, key: &[u8], now: u64) -> bool {
        self.live_index(key, now).is_some()
    }

    /// The table position of `key` if it is live, found with one probe (a key with a TTL
    /// probes the volatile map too); a key whose time has passed is removed on the way.
    fn live_index(&mut self, key: &[u8], now: u64) -> Option<usize> {
        // Every command looks its keys up before it stores: the clock new keys are
        // stamped with (`set` takes no time).
        self.clock = now;
        // `get_index_of`, not `get_full`: the GET path measured ~30 instructions less.
        let i = self.map.get_index_of(key)?;
        let (n, _) = self.map.get_index(i)?;
        if expired(&self.volatile, n, now) {
            // Paused clients (CLIENT PAUSE): expired reads as missing, but stays.
            if !self.expire_paused {
                self.remove_expired(key);
            }
            return None;
        }
        Some(i)
    }

    /// Looks `key` up and reads its node and its value's first bytes, only to bring them
    /// into cache (`engine/prefetch.rs`); changes nothing.
    pub fn prefetch(&self, key: &[u8]) {
        // Finding the node compares its key: that reads the block's header and key.
        if let Some((n, _)) = self.map.get_key_value(key) {
            let first = match n.as_value() {
                Some(Value::Str(s)) => s.first().copied(),
                _ => None,
            };
            std::hint::black_box(first);
        }
    }

    /// The live node for `key`, recording the access (Redis's `lookupKeyRead`).
    pub fn get(&mut self, key: &[u8], now: u64) -> Option<&Node> {
        self.get_mut_raw(key, now).map(|n| &*n)
    }

    /// The live node for `key` without recording an access, for introspection (OBJECT,
    /// TYPE, TTL: Redis's LOOKUP_NOTOUCH).
    pub fn peek(&mut self, key: &[u8], now: u64) -> Option<&Node> {
        let i = self.live_index(key, now)?;
        self.map.get_index(i).map(|(n, _)| n)
    }

    /// The value at `key` for a write, recording the access. A string stored inline moves
    /// to a `Value::Str` of its own first (see `Node::value_mut`). Before handing it out,
    /// records whether earlier writes made the value outgrow its small encoding (see
    /// `encoding.rs`).
    pub fn get_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Value> {
        let enc = self.enc;
        let v = self.node_mut(key, now)?.value_mut();
        super::encoding::refresh(v, &enc);
        Some(v)
    }

    /// The live node at `key` for a write, recording the access; a running snapshot gets
    /// the old value first.
    pub(super) fn node_mut(&mut self, key: &[u8], now: u64) -> Option<&mut Node> {
        if self.capture.is_some() && self.expire_if_needed(key, now) {
            self.preserve(key);
        }
        self.get_mut_raw(key, now)
    }

    fn get_mut_raw(&mut self, key: &[u8], now: u64) -> Option<&mut Node> {
        let i = self.live_index(key, now)?;
        let r = self.next_unit();
        let (track, no_touch) = (self.track, self.no_touch);
        let (n, _) = self.map.get_index_mut2(i)?;
        if !no_touch {
            n.set_lru(lru::touched(n.lru(), track, now, r));
        }
        Some(n)
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

    /// Drops a value removed from the keyspace, on the lazy-free thread if `lazy` and it
    /// is big (see `lazyfree.rs`).
    pub fn drop_value(&self, value: Value, lazy: bool) {
        if lazy {
            self.lazy.free(value, &self.enc);
        } else {
            drop(value);
        }
    }

    /// [`Db::drop_value`] for a removed entry.
    pub fn drop_entry(&self, entry: Entry, lazy: bool) {
        if lazy {
            self.lazy.free_node(entry.node, &self.enc);
        }
    }

    pub fn contains(&mut self, key: &[u8], now: u64) -> bool {
        self.expire_if_needed(key, now)
    }

    /// Stores `value` under `key`, replacing any old value. `expire_at` replaces the TTL.
    /// An overwritten key keeps its access record, touched (under LFU it keeps its
    /// frequency, as Redis's `dbOverwrite`); a new key gets a fresh one.
    pub fn set(&mut self, key: &[u8], value: Value, expire_at: Option<u64>) {
        self.store(key, Put::Value(value), Some(expire_at));
    }

    /// [`Db::set`] keeping a short string out of the node, as Redis's raw encoding (a
    /// string a command built rather than received: SETRANGE on a missing key).
    pub fn set_raw(&mut self, key: &[u8], value: Value, expire_at: Option<u64>) {
        self.store(key, Put::Raw(value), Some(expire_at));
    }

    /// [`Db::set`] for a string given as bytes: a short one is copied straight into the
    /// key's node (one allocation for a new key, none for a same-length overwrite).
    pub fn set_str(&mut self, key: &[u8], data: &[u8], expire_at: Option<u64>) {
        self.store(key, Put::Str(data), Some(expire_at));
    }

    /// Stores `put` under `key`. `ttl` is the new expiry, or `None` to keep the key's.
    fn store(&mut self, key: &[u8], put: Put<'_>, ttl: Option<Option<u64>>) {
        let r = self.next_unit();
        let (track, now, no_touch) = (self.track, self.clock, self.no_touch);
        if self.capture.is_some() {
            self.preserve(key);
        }
        let epoch = self.epoch;
        // One probe: the key is hashed once whether it is overwritten or inserted.
        let old = match self.map.raw_entry_mut_v1().from_key(key) {
            RawEntryMut::Occupied(mut slot) => {
                let n = slot.key_mut();
                let lru = if no_touch {
                    n.lru()
                } else {
                    lru::touched(n.lru(), track, now, r)
                };
                let had_ttl = n.has_ttl();
                // A value that stays out of the node replaces the node's `Value` in place
                // (no new node, no copy of the key), as a same-length string overwrites an
                // inline one: SET of 512-byte strings allocated and freed two blocks.
                let in_place = n.as_value().is_some()
                    && match &put {
                        Put::Str(s) => !super::node::inline_fits(s.len()),
                        Put::Value(Value::Str(s)) => !super::node::inline_fits(s.len()),
                        Put::Value(_) | Put::Raw(_) => true,
                    };
                let old = match put {
                    Put::Str(s) if n.overwrite_str(s) => {
                        n.set_lru(lru);
                        None
                    }
                    put if in_place => {
                        let v = match put {
                            Put::Str(s) => Value::str(s),
                            Put::Value(v) | Put::Raw(v) => v,
                        };
                        n.set_lru(lru);
                        Some(Old::Value(std::mem::replace(n.value_mut(), v)))
                    }
                    put => {
                        let mut new = match put {
                            Put::Str(s) => Node::with_str(key, s, lru, n.snap()),
                            Put::Value(v) => Node::new(key, v, lru, n.snap()),
                            Put::Raw(v) => Node::new_raw(key, v, lru, n.snap()),
                        };
                        new.set_ttl_flag(had_ttl);
                        Some(Old::Node(std::mem::replace(n, new)))
                    }
                };
                // Keeping the TTL (`ttl` is None) leaves the volatile map alone.
                n.set_ttl_flag(ttl.map_or(had_ttl, |at| at.is_some()));
                match (had_ttl, ttl) {
                    (_, None) => {}
                    (true, Some(None)) => {
                        self.volatile.swap_remove(key);
                    }
                    (_, Some(Some(at))) => volatile_put(&mut self.volatile, key, at),
                    (false, Some(None)) => {}
                }
                old
            }
            RawEntryMut::Vacant(slot) => {
                let lru = lru::fresh(track, now);
                let mut n = match put {
                    Put::Str(s) => Node::with_str(key, s, lru, epoch),
                    Put::Value(v) => Node::new(key, v, lru, epoch),
                    Put::Raw(v) => Node::new_raw(key, v, lru, epoch),
                };
                if let Some(Some(at)) = ttl {
                    n.set_ttl_flag(true);
                    self.volatile.insert(Box::from(key), at);
                }
                slot.insert(n, ());
                return;
            }
        };
        match old {
            Some(Old::Node(n)) if self.lazy_server_del => {
                self.lazy.free_node(n, &self.enc);
            }
            Some(Old::Value(v)) if self.lazy_server_del => {
                self.lazy.free(v, &self.enc);
            }
            _ => {}
        }
    }

    /// Replaces the value of a live key and keeps its TTL (`KEEPTTL`, INCR...). Inserts
    /// without TTL if the key is missing.
    pub fn set_keep_ttl(&mut self, key: &[u8], value: Value, now: u64) {
        if self.expire_if_needed(key, now) {
            self.store(key, Put::Value(value), None);
        } else {
            self.set(key, value, None);
        }
    }

    /// [`Db::set_keep_ttl`] for a string given as bytes (KEEPTTL, INCR...).
    pub fn set_str_keep_ttl(&mut self, key: &[u8], data: &[u8], now: u64) {
        if self.expire_if_needed(key, now) {
            self.store(key, Put::Str(data), None);
        } else {
            self.set_str(key, data, None);
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        if self.capture.is_some() {
            self.preserve(key);
        }
        let (node, ()) = self.map.swap_remove_entry(key)?;
        let expire = if node.has_ttl() {
            self.volatile.swap_remove(key)
        } else {
            None
        };
        Some(Entry { node, expire })
    }

    /// Removes a key whose time has passed, counting and logging it.
    pub(super) fn remove_expired(&mut self, key: &[u8]) {
        if let Some(e) = self.remove(key) {
            self.drop_entry(e, self.lazy_expire);
        }
        self.expired += 1;
        self.log_removed(key);
    }

    /// Removes a key chosen for eviction. Returns its entry for the caller to free (its
    /// memory is what eviction measures); the caller reports the removal
    /// (`Server::server_removed`), as the effects layer does for expired keys.
    pub fn remove_evicted(&mut self, key: &[u8]) -> Option<Entry> {
        self.remove(key)
    }

    /// Logs a key the server removed (expired or evicted) while anybody WATCHes.
    fn log_removed(&mut self, key: &[u8]) {
        if let Some(log) = self.expired_log.as_mut() {
            log.push(Bytes::copy_from_slice(key));
        }
    }

    /// Whether `key` is still stored but its time has passed (not yet reclaimed).
    pub fn is_expired(&self, key: &[u8], now: u64) -> bool {
        self.map
            .get_key_value(key)
            .is_some_and(|(n, _)| expired(&self.volatile, n, now))
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
        let Some((_, n, _)) = self.map.get_full_mut2(key) else {
            return false;
        };
        n.set_ttl_flag(expire_at.is_some());
        match expire_at {
            Some(at) => volatile_put(&mut self.volatile, key, at),
            None => {
                self.volatile.swap_remove(key);
            }
        }
        true
    }

    /// The expiry of a live key: `None` if the key is missing, `Some(None)` if it has no TTL.
    pub fn expiry(&mut self, key: &[u8], now: u64) -> Option<Option<u64>> {
        let i = self.live_index(key, now)?;
        let (n, _) = self.map.get_index(i)?;
        Some(self.expire_of(n))
    }

    /// The expiry time of a stored node, if it has one.
    pub fn expire_of(&self, n: &Node) -> Option<u64> {
        if n.has_ttl() {
            self.volatile.get(n.key()).copied()
        } else {
            None
        }
    }
}

#[cfg(test)]
#[path = "keyspace_tests.rs"]
mod tests;
