//! What a command handler gets: its arguments, a reply writer, and the server state.

use super::blocking::{BlockSpec, parse_timeout};
use super::client::Client;
use super::out::Out;
use super::state::Server;
use crate::db::Db;
use bytes::Bytes;

pub struct Ctx<'a> {
    /// The command's arguments, name first.
    pub argv: &'a [Bytes],
    pub out: Out<'a>,
    pub srv: &'a mut Server,
    /// The calling client's id.
    pub id: u64,
    /// The calling client's selected database.
    pub db: usize,
    /// Running inside MULTI/EXEC: blocking is not allowed (a blocked command's re-run may
    /// block again, keeping its place and its original deadline).
    pub no_block: bool,
}

impl Ctx<'_> {
    /// Argument `i` (0 is the command name).
    pub fn arg(&self, i: usize) -> &[u8] {
        &self.argv[i]
    }

    /// The calling client's database.
    pub fn db(&mut self) -> &mut Db {
        &mut self.srv.dbs[self.db]
    }

    /// The cached clock, Unix milliseconds.
    pub fn now(&self) -> u64 {
        self.srv.now_ms
    }

    /// The calling client's state.
    pub fn client(&mut self) -> Option<&mut Client> {
        self.srv.clients.get_mut(&self.id)
    }

    /// Records that `key` in the caller's database really changed (see
    /// [`Server::modified`]). Every write calls it for each key it changed, and only then:
    /// a write that changed nothing must not touch watchers nor propagate.
    pub fn modified(&mut self, key: &[u8]) {
        self.srv.modified(self.db, key);
    }

    /// [`Ctx::modified`] counting `n` changes (one per element, as Redis counts them).
    pub fn modified_n(&mut self, key: &[u8], n: u64) {
        self.srv.modified_n(self.db, key, n);
    }

    /// Whether the propagated stream is being built (build a rewrite only then).
    pub fn propagating(&self) -> bool {
        self.srv.effects.propagating()
    }

    /// Propagates this command as `argv` (in the caller's database) instead of its own
    /// arguments. Cheap to skip: call it only when [`Ctx::propagating`].
    pub fn rewrite(&mut self, argv: Vec<Bytes>) {
        self.srv.effects.rewrite(argv);
    }

    /// Replies with an error line (without the leading '-').
    pub fn error(&mut self, msg: &str) {
        self.out.error(msg);
    }

    /// Whether this command may block (not inside MULTI/EXEC).
    pub fn may_block(&self) -> bool {
        !self.no_block
    }

    /// Parks the calling client instead of replying (see `engine/blocking.rs`). The handler
    /// writes nothing. It is re-run with the same (or `spec.argv`) arguments when one of
    /// `spec.keys` is signalled ready, and must then either reply or block again.
    pub fn block(&mut self, spec: BlockSpec) {
        self.srv.block_request = Some(spec);
    }

    /// Tells blocked clients that `key` (in the caller's database) may have data for them.
    /// Call it after every write that can satisfy a blocking command: list pushes, ZADD,
    /// XADD, a value renamed or copied onto the key.
    pub fn signal_ready(&mut self, key: &[u8]) {
        self.signal_ready_in(self.db, key);
    }

    /// [`Ctx::signal_ready`] for a key in another database (COPY ... DB n, MOVE).
    pub fn signal_ready_in(&mut self, db: usize, key: &[u8]) {
        if self.srv.blocking.is_waited(db, key) {
            self.srv
                .blocking
                .ready
                .push((db, Bytes::copy_from_slice(key)));
        }
    }

    /// Parses a blocking timeout argument into an absolute deadline (None = forever),
    /// `millis` for XREAD-style integer milliseconds, else (fractional) seconds.
    pub fn timeout_arg(&self, arg: &[u8], millis: bool) -> Result<Option<u64>, &'static str> {
        parse_timeout(arg, self.srv.now_ms, millis)
    }
}
