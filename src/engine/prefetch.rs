//! Looking a batch's keys up before running it, so that the cache misses of many lookups
//! overlap instead of each stalling its own command (what Redis 8 and Valkey 8 do with
//! explicit prefetches).
//!
//! A lookup in a big keyspace misses the cache two to four times in a row (index slot,
//! bucket, the key's node holding key and small value, a big value's bytes), each miss
//! waiting for the one before. Run between
//! commands, every miss stalls the core. Run back to back for a batch's keys, the lookups
//! are independent of one another, and the core keeps several of them in flight. The
//! commands then find their data in cache. It costs a second hash and probe per key, so it
//! is done only for batches of several commands on a keyspace that outgrows the caches.

use super::dispatch::Engine;
use super::msg::Resolved;
use bytes::Bytes;

/// Below this many keys a database stays in cache: looking ahead would only add work.
const BIG_KEYSPACE: usize = 64 * 1024;
/// A batch with fewer commands has nothing to overlap.
const MIN_BATCH: usize = 4;

impl Engine {
    /// Whether a batch of `commands` is worth looking ahead for: several commands, and a
    /// database big enough to miss the caches.
    pub fn worth_prefetching(&self, commands: usize) -> bool {
        commands >= MIN_BATCH && self.srv.dbs.iter().any(|d| d.len() >= BIG_KEYSPACE)
    }

    /// Brings the key of `cmd` (when it has exactly one, at a fixed place) and its value
    /// into cache, ahead of running it. For batches [`Engine::worth_prefetching`] passes.
    pub fn prefetch(&self, id: u64, cmd: Resolved, args: &[Bytes]) {
        let Resolved::Known(i) = cmd else { return };
        let command = self.table.get(i);
        if !command.spec.subcommands.is_empty() {
            return;
        }
        let Some(key) = command.spec.single_key(args.len()) else {
            return;
        };
        let db = self.srv.clients.get(&id).map_or(0, |c| c.db);
        if let Some(db) = self.srv.dbs.get(db) {
            db.prefetch(&args[key.pos]);
        }
    }
}
