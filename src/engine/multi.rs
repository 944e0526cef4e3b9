//! WATCH bookkeeping: which clients watch which keys, so that a write can mark their next
//! EXEC as failed. Queued MULTI commands live on the client (`client::Multi`).

use super::state::Server;
use ahash::RandomState;
use bytes::Bytes;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Watches {
    /// (db, key) → clients watching it.
    keys: HashMap<(usize, Bytes), Vec<u64>, RandomState>,
}

impl Watches {
    /// True when nobody watches anything: the common case, which must cost one test.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Adds `id` as a watcher of `key`; false if it already watched it.
    pub fn watch(&mut self, id: u64, db: usize, key: Bytes) -> bool {
        let ids = self.keys.entry((db, key)).or_default();
        if ids.contains(&id) {
            return false;
        }
        ids.push(id);
        true
    }

    /// Removes `id` from the watchers of each of `keys`.
    pub fn unwatch(&mut self, id: u64, keys: &[(usize, Bytes)]) {
        for k in keys {
            if let Some(ids) = self.keys.get_mut(k) {
                ids.retain(|&c| c != id);
                if ids.is_empty() {
                    self.keys.remove(k);
                }
            }
        }
    }

    /// The clients watching `key` in `db`.
    pub fn watchers(&self, db: usize, key: &[u8]) -> &[u64] {
        // Look up without allocating: the map is keyed by owned Bytes, so scan the small
        // candidate set only when the map is non-empty.
        self.keys
            .get(&(db, Bytes::copy_from_slice(key)))
            .map_or(&[], |v| v.as_slice())
    }

    /// Every watched key of `db`.
    pub fn keys_of_db(&self, db: usize) -> Vec<Bytes> {
        self.keys
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect()
    }
}

impl Server {
    /// Ends client `id`'s transaction, if any, and forgets its WATCHes (Redis's
    /// `discardTransaction`: DISCARD, and an EXEC refused before it ran).
    pub fn discard_transaction(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id) {
            c.multi = None;
            let watched = std::mem::take(&mut c.watched);
            c.dirty_cas = false;
            self.watches.unwatch(id, &watched);
            self.update_expired_tracking();
        }
    }
}
