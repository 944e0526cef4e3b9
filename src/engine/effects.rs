//! What commands really did: the `dirty` count, the keys they modified (WATCH, and the
//! (db, key, event) record that keyspace notifications and client tracking will read), and
//! the propagated stream: the effective form of every write, as RESP, for the AOF writer,
//! replicas and MONITOR-like observers.
//!
//! The model is Redis's `call()`/`alsoPropagate()`/`propagatePendingCommands()`:
//! - a handler that changes the dataset says so with [`Server::modified`] (Redis's
//!   `signalModifiedKey` + `server.dirty++`); a write that changed nothing (a failed SET NX,
//!   a DEL of a missing key) reports nothing, so it neither touches watchers nor propagates;
//! - a command that changed something propagates its own argv, unless its handler rewrote
//!   it ([`Effects::rewrite`]: SET EX becomes SET PXAT, BLPOP the LPOP it became...), added
//!   other ops ([`Effects::also`]) or suppressed it ([`Effects::prevent`]);
//! - ops gather in a *unit* (one client command, a whole EXEC, one blocked client served):
//!   a unit of more than one op is wrapped in MULTI/EXEC, as Redis 7.0 does;
//! - keys removed by expiry go out as `DEL` at once, ahead of the unit being built, which is
//!   where Redis 7.0.15 puts them too (its AOF shows the `DEL` before the `MULTI`).
//!
//! Units nest ([`Effects::begin`]/[`Effects::end`]), so the call path is re-entrant: EXEC
//! runs its queue inside its own unit, and a script will run its calls the same way.
//!
//! The stream is built only while someone reads it ([`Effects::add_sink`]); each executor
//! round's bytes are frozen into one `Bytes` and handed to every reader ([`Effects::publish`]).

use super::state::Server;
use bytes::{Bytes, BytesMut};

/// A reader of the propagated stream: called once per executor round with that round's bytes.
pub type Sink = Box<dyn FnMut(&Bytes) + Send>;

/// One key a command modified, with the event name keyspace notifications will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEvent {
    pub db: usize,
    pub key: Bytes,
    /// The command's name, or `expired`/`evicted` for keys the server removed itself.
    pub event: &'static str,
}

/// One command being run: what it asked to propagate.
#[derive(Debug, Default)]
pub struct Frame {
    dirty_at_start: u64,
    name: &'static str,
    rewrite: Option<Vec<Bytes>>,
    also: Vec<(usize, Vec<Bytes>)>,
    prevent: bool,
    force: bool,
}

#[derive(Default)]
pub struct Effects {
    /// Changes to the dataset since start (Redis's `server.dirty`).
    pub dirty: u64,
    /// Key events are recorded in [`Effects::events`] (off until a consumer wants them).
    pub record_events: bool,
    pub events: Vec<KeyEvent>,
    frame: Frame,
    /// Units open (nesting depth); ops are committed when the outermost one ends.
    depth: u32,
    /// The open unit's ops: (db, argv).
    ops: Vec<(usize, Vec<Bytes>)>,
    /// This round's stream.
    stream: BytesMut,
    /// The database the stream has selected: a reader sees one continuous stream, so this
    /// lasts across rounds, as Redis's `aof_selected_db`/`slaveseldb`.
    stream_db: Option<usize>,
    sinks: Vec<(u64, Sink)>,
    next_sink: u64,
}

impl std::fmt::Debug for Effects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Effects")
            .field("dirty", &self.dirty)
            .field("depth", &self.depth)
            .field("sinks", &self.sinks.len())
            .finish()
    }
}

impl Effects {
    /// Whether the stream is being built: a handler may skip building a rewrite when not.
    #[inline]
    pub fn propagating(&self) -> bool {
        !self.sinks.is_empty()
    }

    /// Adds a reader of the propagated stream. It sees the stream from the next op on; the
    /// first op it sees is preceded by a SELECT. Returns its id, for [`Effects::remove_sink`].
    pub fn add_sink(&mut self, sink: Sink) -> u64 {
        if self.sinks.is_empty() {
            self.stream_db = None;
        }
        self.next_sink += 1;
        self.sinks.push((self.next_sink, sink));
        self.next_sink
    }

    /// Removes a reader (the AOF turned off).
    pub fn remove_sink(&mut self, id: u64) {
        self.sinks.retain(|(i, _)| *i != id);
    }

    /// The next op written is preceded by a SELECT: a reader starting a new file (the AOF's
    /// next incremental file) needs its database named again.
    pub fn reselect(&mut self) {
        self.stream_db = None;
    }

    /// Whether the running command is inside EXEC or a script: its effects, and those of
    /// the commands before it there, are not in the stream until that unit ends. A client's
    /// command runs at depth 2 (its client's unit and its own); EXEC's queue and a
    /// script's calls run deeper.
    pub fn nested(&self) -> bool {
        self.depth > 2
    }

    /// Opens a unit (a client command, an EXEC, a blocked client served, a script).
    pub fn begin(&mut self) {
        self.depth += 1;
    }

    /// Closes a unit; the outermost one commits its ops to the stream, wrapped in
    /// MULTI/EXEC when there are several.
    pub fn end(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth > 0 || self.ops.is_empty() {
            return;
        }
        let ops = std::mem::take(&mut self.ops);
        let wrap = ops.len() > 1;
        if wrap {
            let db = ops[0].0;
            self.emit(db, &[Bytes::from_static(b"MULTI")]);
        }
        for (db, argv) in &ops {
            self.emit(*db, argv);
        }
        if wrap {
            let db = ops[ops.len() - 1].0;
            self.emit(db, &[Bytes::from_static(b"EXEC")]);
        }
        self.ops = ops;
        self.ops.clear();
    }

    /// Starts a command; returns the caller's frame, to give back to [`Effects::leave`].
    pub fn enter(&mut self, name: &'static str) -> Frame {
        let frame = Frame {
            dirty_at_start: self.dirty,
            name,
            ..Frame::default()
        };
        std::mem::replace(&mut self.frame, frame)
    }

    /// Ends a command run in `db` with `argv`: queues what it propagates (nothing unless it
    /// changed the dataset) and restores the caller's frame.
    pub fn leave(&mut self, outer: Frame, db: usize, argv: &[Bytes]) {
        let frame = std::mem::replace(&mut self.frame, outer);
        if !self.propagating() {
            return;
        }
        self.ops.extend(frame.also);
        if (self.dirty != frame.dirty_at_start || frame.force) && !frame.prevent {
            let argv = frame.rewrite.unwrap_or_else(|| argv.to_vec());
            self.ops.push((db, argv));
        }
    }

    /// The running command's name (the default event of the keys it modifies).
    pub fn current(&self) -> &'static str {
        self.frame.name
    }

    /// Propagates the running command as `argv` instead of its own arguments (Redis's
    /// `rewriteClientCommandVector`). Call it only when [`Effects::propagating`].
    pub fn rewrite(&mut self, argv: Vec<Bytes>) {
        self.frame.rewrite = Some(argv);
    }

    /// Propagates `argv` in `db` as well, before the command itself (`alsoPropagate`).
    pub fn also(&mut self, db: usize, argv: Vec<Bytes>) {
        if self.propagating() {
            self.frame.also.push((db, argv));
        }
    }

    /// The running command itself propagates nothing (its [`Effects::also`] ops still do).
    pub fn prevent(&mut self) {
        self.frame.prevent = true;
    }

    /// Propagates the running command even if it changed nothing (FLUSHALL on an empty
    /// server still reaches replicas, as Redis's `forceCommandPropagation`).
    pub fn force(&mut self) {
        self.frame.force = true;
    }

    /// Writes a server-side deletion (expiry, eviction) into the stream at once: as UNLINK
    /// when the server frees it lazily (`lazyfree-lazy-expire`...), as Redis 7.0 does.
    pub fn deleted(&mut self, db: usize, key: &Bytes, lazy: bool) {
        if self.propagating() {
            let name: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            self.emit(db, &[Bytes::from_static(name), key.clone()]);
        }
    }

    /// Appends one command to the stream, selecting its database first if needed.
    fn emit(&mut self, db: usize, argv: &[Bytes]) {
        if self.stream_db != Some(db) {
            let n = db.to_string();
            encode_command(&mut self.stream, &[b"SELECT", n.as_bytes()]);
            self.stream_db = Some(db);
        }
        encode_command(&mut self.stream, argv);
    }

    /// Hands this round's stream to every reader, if anything was written.
    pub fn publish(&mut self) {
        if self.stream.is_empty() {
            return;
        }
        let bytes = self.stream.split().freeze();
        for (_, sink) in &mut self.sinks {
            sink(&bytes);
        }
    }
}

/// Encodes `argv` as a RESP array of bulk strings, the form AOF files and replicas use.
fn encode_command<A: AsRef<[u8]>>(buf: &mut BytesMut, argv: &[A]) {
    use std::fmt::Write;
    let _ = write!(buf, "*{}\r\n", argv.len());
    for a in argv {
        let a = a.as_ref();
        let _ = write!(buf, "${}\r\n", a.len());
        buf.extend_from_slice(a);
        buf.extend_from_slice(b"\r\n");
    }
}

impl Server {
    /// Records that `key` in `db` was really changed by the running command (Redis's
    /// `signalModifiedKey` plus `server.dirty++`): its watchers' next EXEC fails, the
    /// command will propagate, and the change is recorded for notifications.
    pub fn modified(&mut self, db: usize, key: &[u8]) {
        self.modified_n(db, key, 1);
    }

    /// [`Server::modified`] counting `n` changes, where Redis counts one per element
    /// (SADD's new members, LPUSH's elements, HSET's pairs...).
    pub fn modified_n(&mut self, db: usize, key: &[u8], n: u64) {
        self.effects.dirty += n;
        self.signal_modified(db, key);
    }

    /// [`Server::modified`] without counting a change: Redis signals a few writes that may
    /// change nothing (LTRIM within range), touching watchers without propagating.
    pub fn signal_modified(&mut self, db: usize, key: &[u8]) {
        if !self.watches.is_empty() {
            self.touch_watchers(db, key);
        }
        // A waited-on key that changed may have been deleted or replaced by another type
        // (Redis's `signalDeletedKeyAsReady`): the executor re-checks its waiters.
        self.signal_waiters(db, key);
        if self.tracking.active() {
            self.tracking_invalidate(key);
        }
        if self.effects.record_events {
            let event = self.effects.current();
            self.effects.events.push(KeyEvent {
                db,
                key: Bytes::copy_from_slice(key),
                event,
            });
        }
    }

    /// Before `db` is emptied: touches the watchers of its watched keys that exist (as Redis
    /// 7.0's `touchAllWatchedKeysInDb`; a watched key that does not exist stays untouched)
    /// and counts the keys as changes.
    pub fn flushing(&mut self, db: usize) {
        self.effects.dirty += self.dbs[db].len() as u64;
        self.tracking_flushed();
        if !self.blocking.waiters.is_empty() {
            let waited = self.blocking.waited_in(db);
            self.blocking
                .ready
                .extend(waited.into_iter().map(|k| (db, k)));
        }
        if self.watches.is_empty() {
            return;
        }
        let now = self.now_ms;
        for key in self.watches.keys_of_db(db) {
            if self.dbs[db].peek(&key, now).is_some() {
                self.touch_watchers(db, &key);
            }
        }
    }

    /// Before databases `a` and `b` swap contents (SWAPDB): the watchers of a key that
    /// exists on either side are touched (Redis's `touchAllWatchedKeysInDb` both ways), and
    /// every key waited on in either is signalled, so blocked clients see what arrived.
    pub fn swapping(&mut self, a: usize, b: usize) {
        let now = self.now_ms;
        for (x, y) in [(a, b), (b, a)] {
            if !self.watches.is_empty() {
                for key in self.watches.keys_of_db(x) {
                    if self.dbs[x].peek(&key, now).is_some()
                        || self.dbs[y].peek(&key, now).is_some()
                    {
                        self.touch_watchers(x, &key);
                    }
                }
            }
            if !self.blocking.waiters.is_empty() {
                let waited = self.blocking.waited_in(x);
                self.blocking
                    .ready
                    .extend(waited.into_iter().map(|k| (x, k)));
            }
        }
    }

    /// After `key` changed: if it no longer holds a stream and a client blocked on it is in
    /// XREADGROUP, has the executor release that client (with its error). Additions that can
    /// serve waiters signal the key themselves ([`Ctx::signal_ready`]), so other changes
    /// re-run nobody.
    ///
    /// [`Ctx::signal_ready`]: super::ctx::Ctx::signal_ready
    fn signal_waiters(&mut self, db: usize, key: &[u8]) {
        if !self.blocking.is_waited(db, key) {
            return;
        }
        let now = self.now_ms;
        if matches!(
            self.dbs[db].peek(key, now).map(|e| e.value()),
            Some(crate::db::ValueRef::Stream(_))
        ) {
            return;
        }
        let key = Bytes::copy_from_slice(key);
        let group_waiter = self
            .blocking
            .waiters
            .get(&(db, key.clone()))
            .is_some_and(|ids| {
                ids.iter().any(|id| {
                    self.clients
                        .get(id)
                        .and_then(|c| c.blocked.as_ref())
                        .is_some_and(|b| b.on == super::blocking::Wait::Group)
                })
            });
        if group_waiter {
            self.blocking.ready.push((db, key));
        }
    }

    /// Marks the watchers of `key` in `db` so that their next EXEC fails.
    pub fn touch_watchers(&mut self, db: usize, key: &[u8]) {
        let ids = self.watches.watchers(db, key).to_vec();
        for id in ids {
            if let Some(c) = self.clients.get_mut(&id) {
                c.dirty_cas = true;
            }
        }
    }

    /// Whether the databases log the keys expiry removes: while anybody WATCHes or is
    /// blocked, reads the stream or wants key events.
    pub fn expiry_logged(&self) -> bool {
        !self.watches.is_empty()
            || !self.blocking.waiters.is_empty()
            || self.effects.propagating()
            || self.effects.record_events
            || self.tracking.clients > 0
    }

    /// Turns the expiry logs on or off to match [`Server::expiry_logged`].
    pub fn update_expired_tracking(&mut self) {
        let on = self.expiry_logged();
        for db in &mut self.dbs {
            db.log_expired(on);
        }
    }

    /// Deals with the keys expiry removed since the last call: each goes through
    /// [`Server::server_removed`] as `expired`.
    pub fn drain_expired(&mut self) {
        // Looked up once per drain that found something (expiry is rare next to commands).
        let mut lazy = None;
        for db in 0..self.dbs.len() {
            for key in self.dbs[db].take_expired_log() {
                let lazy = *lazy.get_or_insert_with(|| {
                    self.effects.propagating()
                        && self.config.get("lazyfree-lazy-expire").as_deref() == Some("yes")
                });
                self.server_removed(db, key, "expired", lazy);
            }
        }
    }

    /// A key the server removed itself (`expired` or `evicted`): its watchers are touched,
    /// its waiters signalled, it goes into the stream as DEL (UNLINK when freed lazily, as
    /// Redis's `propagateDeletion`) and the event is recorded.
    pub fn server_removed(&mut self, db: usize, key: Bytes, event: &'static str, lazy: bool) {
        if !self.watches.is_empty() {
            self.touch_watchers(db, &key);
        }
        self.signal_waiters(db, &key);
        if self.tracking.active() {
            self.tracking_invalidate(&key);
        }
        self.effects.deleted(db, &key, lazy);
        if self.effects.record_events {
            self.effects.events.push(KeyEvent { db, key, event });
        }
    }
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
