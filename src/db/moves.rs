//! Whole-key operations on a database: renaming and copying keys, loading them from a
//! file, emptying the database, drawing a random key, iterating, and the log of expired
//! keys that WATCH reads. Built on the lookups of `keyspace.rs`.

use super::keyspace::{Db, Entry, Map, Volatile, expired};
use super::lru;
use super::node::Node;
use super::value::Value;
use bytes::Bytes;
use indexmap::map::MutableKeys;

/// A database's tables taken whole (FLUSHALL, a snapshot's frozen keys).
#[derive(Debug, Default)]
pub struct Table {
    pub(super) map: Map,
    pub(super) volatile: Volatile,
}

impl Table {
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Every node with its expiry time, expired ones included.
    pub fn iter(&self) -> impl Iterator<Item = (&Node, Option<u64>)> {
        self.map.keys().map(|n| {
            let at = n
                .has_ttl()
                .then(|| self.volatile.get(n.key()).copied())
                .flatten();
            (n, at)
        })
    }
}

impl Db {
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
        let lru = entry.lru();
        self.put_entry(to, entry);
        // The same object under a new name, as Redis's RENAME: its access record moves too.
        if let Some((_, n, _)) = self.map.get_full_mut2(to) {
            n.set_lru(lru);
        }
        true
    }

    /// A copy of the live key's value and TTL, recording a read (the source half of COPY).
    pub fn copy_entry(&mut self, key: &[u8], now: u64) -> Option<Entry> {
        let node = self.get(key, now)?.clone();
        let at = self.expire_of(&node);
        Some(Entry::from_parts(node, at))
    }

    /// Stores `entry` (value and TTL) under `key` unless a live key is there and `replace`
    /// is false. Returns whether it stored. The destination half of COPY and MOVE, whose
    /// source may be another database.
    pub fn put(&mut self, key: &[u8], entry: Entry, replace: bool, now: u64) -> bool {
        if self.contains(key, now) && !replace {
            return false;
        }
        self.put_entry(key, entry);
        true
    }

    /// [`Db::set`] with an entry's value and TTL; its node is reused when it carries the
    /// key already (MOVE).
    fn put_entry(&mut self, key: &[u8], entry: Entry) {
        let at = entry.expire_at();
        let (mut node, _) = entry.into_parts();
        if self.contains(key, self.clock) || self.capture.is_some() {
            // Overwriting (or snapshotting): the general path keeps every rule in one place.
            return self.set(key, node.into_value(), at);
        }
        node = node.rekey(key);
        node.set_lru(lru::fresh(self.track, self.clock));
        node.set_snap(self.epoch);
        node.set_ttl_flag(at.is_some());
        if let Some(at) = at {
            self.volatile.insert(Box::from(key), at);
        }
        self.map.insert(node, ());
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
        if self.map.contains_key(&key[..]) {
            return false;
        }
        let lru = lru.unwrap_or_else(|| lru::fresh(self.track, self.clock));
        let mut node = Node::new(&key, value, lru, self.epoch);
        if let Some(at) = expire_at {
            node.set_ttl_flag(true);
            self.volatile.insert(Box::from(&key[..]), at);
        }
        self.map.insert(node, ());
        true
    }

    /// Removes every key and hands back the tables that held them (for the lazy-free
    /// thread to drop).
    pub fn take_contents(&mut self) -> impl Send + 'static + use<> {
        let table = self.take_table();
        // A running snapshot still owes the old keys: it takes the table whole.
        match self.capture.as_deref_mut() {
            Some(c) => {
                c.freeze(table);
                Table::default()
            }
            None => table,
        }
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        let table = self.take_table();
        if let Some(c) = self.capture.as_deref_mut() {
            c.freeze(table);
        }
    }

    fn take_table(&mut self) -> Table {
        Table {
            map: std::mem::take(&mut self.map),
            volatile: std::mem::take(&mut self.volatile),
        }
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
            let (n, _) = self.map.get_index(i)?;
            let k = Bytes::copy_from_slice(n.key());
            if !expired(&self.volatile, n, now) {
                return Some(k);
            }
            self.remove_expired(&k);
        }
    }

    /// The node stored at `key`, even if its time has passed, with no side effect (DEBUG
    /// looks at what is stored, as Redis's `dictFind`).
    pub fn stored(&self, key: &[u8]) -> Option<&Node> {
        self.map.get_key_value(key).map(|(n, _)| n)
    }

    /// Every live node with its expiry time, in table order.
    pub fn iter(&self, now: u64) -> impl Iterator<Item = (&Node, Option<u64>)> {
        self.map.keys().filter_map(move |n| {
            if !n.has_ttl() {
                return Some((n, None));
            }
            match self.volatile.get(n.key()) {
                Some(&at) if at <= now => None,
                at => Some((n, at.copied())),
            }
        })
    }

    /// Removes `key` if expired; true if it was.
    pub(super) fn reclaim(&mut self, key: &[u8], now: u64) -> bool {
        !self.expire_if_needed(key, now)
    }
}
