//! Running commands: the executor's state plus the rules every command goes through, in
//! order: a blocked client's commands wait; a container's subcommand must exist and fit its
//! arity; RESP2 subscribers may run only what the table flags `subscribed_context`;
//! `no_multi` commands are refused inside MULTI, and the rest are queued there unless
//! flagged `runs_in_multi`; otherwise the handler runs, and then whatever it set off: a
//! client parked, a transaction run, blocked clients served. What the command really did
//! (dirty count, watched keys, the propagated stream) is recorded on the way through
//! [`Engine::call`], the one call path (see `effects.rs`).
//!
//! No channels or sockets here, so the same [`Engine`] runs in the executor thread and in
//! in-process tests.

use super::client::{Client, Reply};
use super::ctx::Ctx;
use super::msg::{ConnId, ConnInfo, Resolved};
use super::out::{CAPTURE, DISCARD, Outs, Target};
use super::state::Server;
use super::table::{Handler, Table, flag, spec::Spec};
use crate::error;
use bytes::Bytes;
use std::collections::VecDeque;
use std::time::Duration;

/// The executor's state and reply buffers.
pub struct Engine {
    pub srv: Server,
    pub outs: Outs,
    /// The commands this engine runs, as the I/O threads resolved them.
    pub table: &'static Table,
    /// GET's index, for the stub engine's canned reply.
    stub_get: Option<u16>,
    /// Clients just unblocked whose queued commands are still to run.
    pub(super) unblocked: VecDeque<u64>,
    /// A blocked client's command is being run again: MONITOR saw it the first time.
    retrying: bool,
    /// Times commands (INFO commandstats, SLOWLOG, LATENCY): two reads per command, so
    /// the cheapest clock there is (the TSC where it is invariant, calibrated once per
    /// process; the OS clock otherwise).
    stopwatch: quanta::Clock,
}

mod blocked;
mod checks;
mod events;
mod nested;

const NO_MULTI: &str = "ERR Command not allowed inside a transaction";

/// What a client blocked in XREADGROUP gets when its stream is deleted or replaced by
/// another type (redis-server 7.0.15's words).
const STREAM_GONE: &str = "UNBLOCKED the stream key no longer exists";

/// Reply bytes a client may be given in one go (within a round, with no other client's
/// replies between) before its further commands wait for it to read them.
const REPLY_ROUND_MAX: usize = 1024 * 1024; // 1 MB

impl Engine {
    pub fn new(srv: Server, table: &'static Table, io_threads: usize) -> Engine {
        Engine {
            srv,
            outs: Outs::new(io_threads),
            table,
            stub_get: table.lookup(b"get"),
            unblocked: VecDeque::new(),
            retrying: false,
            stopwatch: quanta::Clock::new(),
        }
    }

    /// The time since `start` (a reading of `stopwatch.raw()`).
    fn since(&self, start: u64) -> Duration {
        self.stopwatch.delta(start, self.stopwatch.raw())
    }

    pub fn open(&mut self, conn: ConnId, thread: usize, info: Box<ConnInfo>) {
        let user = self.srv.acl.default_user();
        let authenticated = self.srv.acl.starts_authenticated();
        let client = Client::new(conn, thread, info, self.srv.clock, user, authenticated);
        self.srv.clients.insert(conn.id, client);
    }

    /// Forgets a closed connection and everything it was registered in.
    pub fn closed(&mut self, id: u64) {
        if let Some(mut c) = self.srv.clients.remove(&id) {
            release(&mut self.srv, id, &mut c);
        }
    }

    /// Answers bad input after the replies owed, then closes the connection.
    pub fn protocol_error(&mut self, thread: usize, conn: ConnId, message: &str) {
        let target = Target {
            thread,
            conn,
            resp3: false,
        };
        self.outs.to(target).error(message);
        self.outs.close(&target);
        if let Some(c) = self.srv.clients.get_mut(&conn.id) {
            c.closing = true;
        }
    }

    /// A command arriving from a connection.
    pub fn command(&mut self, id: u64, cmd: Resolved, args: &[Bytes]) {
        let Some(client) = self.srv.clients.get_mut(&id) else {
            return; // closed before its commands ran
        };
        if client.closing {
            return;
        }
        if self.srv.config.stub_engine
            && let Resolved::Known(i) = cmd
            && self.table.get(i).flags & (flag::READONLY | flag::WRITE) != 0
        {
            let target = client.target();
            return self.stub(target, cmd);
        }
        // A blocked client's later commands wait their turn, and so do those of a client
        // whose replies are waiting for it to read them.
        if client.blocked.is_some() || client.held || client.postponed || !client.pending.is_empty()
        {
            client.pending.push_back((cmd, owned(args)));
            return;
        }
        self.run(id, cmd, args);
        self.settle();
    }

    /// The stub engine's whole work for a data command: `+OK`, or a fixed 3-byte value for
    /// GET, so that a benchmark measures the network path and nothing else. Other commands
    /// (PING, CONFIG, INFO, CLIENT...) run for real, so tools work unchanged.
    fn stub(&mut self, target: Target, cmd: Resolved) {
        let is_get = matches!(cmd, Resolved::Known(i) if Some(i) == self.stub_get);
        let mut out = self.outs.to(target);
        if is_get {
            out.raw(b"$3\r\nbar\r\n");
        } else {
            out.ok();
        }
        self.srv.stats.commands += 1;
        self.outs.complete(&target);
    }

    /// Runs one command of client `id` that is allowed to run now.
    fn run(&mut self, id: u64, cmd: Resolved, args: &[Bytes]) {
        let Some(client) = self.srv.clients.get_mut(&id) else {
            return;
        };
        let mut target = client.target();
        // CLIENT REPLY OFF or SKIP: this command's replies (errors too) go nowhere.
        if client.reply != Reply::On {
            if client.reply == Reply::SkipNext {
                client.reply = Reply::On;
            }
            target.thread = DISCARD;
        }
        client.last_active = self.srv.clock;
        // A logged-in client whose user may do anything (the default user) skips the
        // permission check: read here, while the client is at hand.
        let open = client.authenticated && client.user.unrestricted;
        let command = match cmd {
            Resolved::Known(i) => *self.table.get(i),
            Resolved::Unknown => {
                let name = args.first().map_or(&b""[..], |a| &a[..]);
                let msg = error::unknown_command(name, args.get(1..).unwrap_or(&[]));
                return self.reject(id, target, None, &msg);
            }
            Resolved::WrongArity(i) => {
                let spec = self.table.get(i).spec;
                return self.refuse(id, target, spec, &error::wrong_arity(spec.name));
            }
        };
        // A container's subcommand is what runs: its arity, flags and keys apply.
        let Some(spec) = command.target(args) else {
            let msg = error::unknown_subcommand(command.name, &args[1]);
            return self.reject(id, target, None, &msg);
        };
        // What the checks below need of the client, read while it is at hand (one lookup):
        // none of the checks changes it. The command is its last one from here on, as
        // Redis sets `lastcmd` right after the lookup.
        client.last_cmd = spec.name;
        let (resp3, subscribed, db) = (client.resp3, client.subscribed(), client.db);
        let in_multi = client.multi.is_some();
        if !spec.arity_ok(args.len()) {
            return self.refuse(id, target, spec, &error::wrong_arity(spec.name));
        }
        if !open && let Some(msg) = self.permission(id, spec, args) {
            return self.refuse(id, target, spec, &msg);
        }
        // Eviction waits while clients are paused (`pause.rs`).
        if self.srv.config.mem.maxmemory > 0 && !self.srv.expiry_paused() {
            let oom = self.out_of_memory(id, spec);
            // Keys just evicted fail their watchers' EXEC, even this very one.
            if !self.srv.watches.is_empty() {
                self.touch_expired();
            }
            if oom {
                return self.refuse(id, target, spec, error::OOM);
            }
        }
        // Redis's processCommand: writes (and PING) stop while the AOF cannot be written
        // or the last background save failed.
        if spec.flags & flag::WRITE != 0 || spec.name == "ping" {
            if let Some(msg) = crate::persist::aof::writes_refused(&self.srv) {
                return self.reject(id, target, Some(spec), &msg);
            }
            if crate::persist::writes_refused(&self.srv) {
                return self.reject(id, target, Some(spec), error::MISCONF);
            }
        }
        if !resp3 && subscribed && spec.flags & flag::SUBSCRIBED_CONTEXT == 0 {
            let msg = format!(
                "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                spec.name
            );
            self.outs.to(target).error(&msg);
            self.observe_rejected(Some(spec));
            return self.finish(target);
        }
        if in_multi && spec.flags & flag::NO_MULTI != 0 {
            return self.reject(id, target, Some(spec), NO_MULTI);
        }
        if self.srv.pause_holds(id, spec, args) {
            return self.postpone(id, cmd, owned(args));
        }
        if in_multi && spec.flags & flag::RUNS_IN_MULTI == 0 {
            let Resolved::Known(i) = cmd else { return };
            if let Some(multi) = self.srv.clients.get_mut(&id).and_then(|c| c.multi.as_mut()) {
                multi.queue.push((i, owned(args)));
            }
            self.outs.to(target).raw(b"+QUEUED\r\n");
            return self.finish(target);
        }
        // One unit: EXEC's queue runs inside it, so its writes propagate as one MULTI/EXEC.
        self.srv.effects.begin();
        let started = self.call(spec, command.handler, id, target, db, args, false);
        if let Some(block) = self.srv.block_request.take() {
            self.srv.effects.end();
            let Resolved::Known(i) = cmd else { return };
            return self.park(id, i, db, args, block);
        }
        if let Some(queue) = self.srv.exec_request.take() {
            self.exec(id, target, queue);
        }
        if let Some(req) = self.srv.script_request.take() {
            self.run_script(id, target, db, args, req);
        }
        // EXEC's and a script's time includes what they ran; EXEC shows after them.
        if let Some(start) = started {
            self.deferred(spec, id, args, start);
        }
        self.srv.effects.end();
        if self.srv.tracking.clients > 0 {
            self.after_tracked(id, spec);
        }
        self.finish(target);
    }

    /// After a client's command, with clients tracking: its own invalidations follow its
    /// reply, and CLIENT CACHING lasts one command (Redis keeps it across CLIENT's
    /// subcommands and inside MULTI, up to EXEC).
    fn after_tracked(&mut self, id: u64, spec: &Spec) {
        if !spec.name.starts_with("client|") {
            self.srv.tracking_command_done(id);
        }
        super::tracking::deliver(&mut self.srv, &mut self.outs, false);
    }

    /// What `args` runs under command `i`: its subcommand's spec for a container.
    fn spec_of(&self, i: u16, args: &[Bytes]) -> (&'static Spec, Handler) {
        let command = self.table.get(i);
        (
            command.target(args).unwrap_or(command.spec),
            command.handler,
        )
    }

    /// The one call path every command takes (client, EXEC, blocked client served; later
    /// scripts): runs the handler inside an effects frame, so that what it really changed
    /// is counted, its watchers touched and its effective form propagated (`effects.rs`).
    ///
    /// The call is timed and counted (`cmdstats.rs`) unless it blocked (it counts when it
    /// is served). When it leaves a transaction or a script to run, its start is returned
    /// instead, for the caller to count once that has run.
    #[allow(clippy::too_many_arguments)]
    #[must_use]
    fn call(
        &mut self,
        spec: &'static Spec,
        handler: Handler,
        id: u64,
        target: Target,
        db: usize,
        args: &[Bytes],
        no_block: bool,
    ) -> Option<u64> {
        self.srv.effects.begin();
        let outer = self.srv.effects.enter(spec.name);
        // Keys a write may create, looked up before it runs, only while `new` events are
        // asked for (`notify.rs`).
        let absent = if self.srv.notify_new() && spec.flags & flag::WRITE != 0 {
            self.absent_keys(spec, db, args)
        } else {
            Vec::new()
        };
        // CLIENT NO-TOUCH: this client's lookups leave the keys' access records alone
        // (except TOUCH's, whose whole point they are).
        let no_touch = self.srv.no_touch_clients > 0
            && spec.name != "touch"
            && self.srv.clients.get(&id).is_some_and(|c| c.no_touch);
        let script = target.thread == CAPTURE;
        // EVAL and FCALL show before the commands their script runs.
        if !self.srv.monitors.is_empty() && spec.flags & flag::SKIP_MONITOR != 0 {
            self.feed_monitors(spec, id, args, script);
        }
        let mut ctx = Ctx {
            argv: args,
            out: self.outs.to(target),
            srv: &mut self.srv,
            id,
            db,
            no_block,
        };
        if no_touch {
            ctx.srv.dbs.iter_mut().for_each(|d| d.no_touch = true);
        }
        // The writer NOLOOP spares (`tracking.rs`); restored for a nested call's caller.
        let writer = std::mem::replace(&mut ctx.srv.tracking.current, id);
        let start = self.stopwatch.raw();
        handler(&mut ctx);
        let took = self.since(start);
        if no_touch {
            self.srv.dbs.iter_mut().for_each(|d| d.no_touch = false);
        }
        // Redis 7.0 remembers nothing a script reads (its calls run as the script's own
        // client, which never tracks).
        if self.srv.tracking.clients > 0 && target.thread != CAPTURE {
            self.srv.tracking_remember(id, spec, args);
        }
        self.srv.stats.commands += 1;
        if self.srv.expiry_logged() {
            self.srv.drain_expired();
        }
        if self.srv.effects.record_events {
            self.notify(args, absent);
        }
        self.srv.tracking.current = writer;
        self.srv.effects.leave(outer, db, args);
        self.srv.effects.end();
        if self.srv.exec_request.is_some() || self.srv.script_request.is_some() {
            return Some(start);
        }
        if !self.srv.monitors.is_empty() && !self.retrying && super::monitor::shown_after(spec) {
            self.feed_monitors(spec, id, args, script);
        }
        if self.srv.block_request.is_some() {
            return None;
        }
        self.observe(spec, id, args, took, script);
        None
    }

    /// Counts (and shows to monitors) a call whose transaction or script has now run.
    fn deferred(&mut self, spec: &'static Spec, id: u64, args: &[Bytes], start: u64) {
        if !self.srv.monitors.is_empty() && !self.retrying && super::monitor::shown_after(spec) {
            self.feed_monitors(spec, id, args, false);
        }
        self.observe(spec, id, args, self.since(start), false);
    }

    /// Records that one command was answered, then closes the connections a handler asked
    /// to close (QUIT, CLIENT KILL): after this reply, so the caller's own close follows it.
    /// No client lookup per command: closes are queued in `pending_closes`.
    pub(super) fn finish(&mut self, target: Target) {
        if target.thread == DISCARD {
            // The reply is dropped, but the I/O thread still counts the command answered.
            self.outs.discard.clear();
            if let Some(c) = self.srv.clients.get(&target.conn.id) {
                self.outs.complete(&c.target());
            }
        } else if self.outs.complete(&target) >= REPLY_ROUND_MAX {
            self.hold(target);
        }
        if !self.srv.pending_closes.is_empty() {
            for victim in std::mem::take(&mut self.srv.pending_closes) {
                self.outs.close(&victim);
            }
        }
    }

    /// Stops running `target`'s commands until its I/O thread says its output has drained:
    /// the bytes a client's replies can hold in memory are bounded by what it reads, and
    /// one client's big replies cannot take a whole round from the others.
    fn hold(&mut self, target: Target) {
        if let Some(c) = self.srv.clients.get_mut(&target.conn.id) {
            c.held = true;
            self.outs.want_drain(&target);
        }
    }

    /// A held client's output has drained: its waiting commands run again.
    pub fn drained(&mut self, id: u64) {
        if let Some(c) = self.srv.clients.get_mut(&id)
            && std::mem::take(&mut c.held)
        {
            self.unblocked.push_back(id);
            self.settle();
        }
    }

    /// Runs a transaction's queued commands, answering with one array of their replies.
    /// Everything happens within this call, so no other client's command can interleave.
    fn exec(&mut self, id: u64, target: Target, queue: Vec<(u16, Vec<Bytes>)>) {
        self.outs.to(target).array(queue.len());
        // A unit of its own inside the client's, so that a queued command knows it runs
        // within EXEC ([`Effects::nested`](super::effects::Effects::nested)).
        self.srv.effects.begin();
        for (i, args) in queue {
            let (spec, handler) = self.spec_of(i, &args);
            // SELECT inside the transaction changes the database for what follows.
            let db = self.srv.clients.get(&id).map_or(0, |c| c.db);
            // Permissions are checked again: the rules may have changed since queueing.
            if let Some(msg) = self.exec_permission(id, spec, &args) {
                self.outs.to(target).error(&msg);
                continue;
            }
            let started = self.call(spec, handler, id, target, db, &args, true);
            // A blocking command inside MULTI answers at once (no_block), never parks.
            self.srv.block_request = None;
            if let Some(req) = self.srv.script_request.take() {
                self.run_script(id, target, db, &args, req);
            }
            if let Some(start) = started {
                self.deferred(spec, id, &args, start);
            }
        }
        self.srv.effects.end();
    }

    /// End of an executor round: the invalidations still owed, broadcast ones included.
    pub fn tracking_round(&mut self) {
        if self.srv.tracking.clients > 0 {
            super::tracking::deliver(&mut self.srv, &mut self.outs, true);
        }
    }

    /// Deals with keys expiry removed outside any command (active expiry in the timer),
    /// then with the blocked clients that releases (XREADGROUP on an expired stream).
    pub fn touch_expired(&mut self) {
        if self.srv.expiry_logged() {
            self.srv.drain_expired();
            if !self.srv.effects.events.is_empty() {
                super::notify::deliver(&mut self.srv, &mut self.outs, &[], &[]);
            }
            super::tracking::deliver(&mut self.srv, &mut self.outs, false);
            self.settle();
        }
    }
}

/// Copies arguments that must outlive this round (queued, blocked): slices of the read
/// buffer would pin the whole buffer in memory for as long as they live.
fn owned(args: &[Bytes]) -> Vec<Bytes> {
    args.iter().map(|a| Bytes::copy_from_slice(a)).collect()
}

/// Removes a client from everything it is registered in: blocking, watches, pub/sub.
pub fn release(srv: &mut Server, id: u64, c: &mut Client) {
    if std::mem::take(&mut c.no_touch) {
        srv.no_touch_clients -= 1;
    }
    if std::mem::take(&mut c.monitor) {
        srv.monitors.retain(|&m| m != id);
    }
    if let Some(b) = c.blocked.take() {
        srv.blocking.unpark(id, &b);
    }
    c.pending.clear();
    c.multi = None;
    let watched = std::mem::take(&mut c.watched);
    srv.watches.unwatch(id, &watched);
    c.dirty_cas = false;
    for ch in std::mem::take(&mut c.channels) {
        srv.pubsub.unsubscribe(id, &ch);
    }
    for p in std::mem::take(&mut c.patterns) {
        srv.pubsub.punsubscribe(id, &p);
    }
    for ch in std::mem::take(&mut c.shard_channels) {
        srv.pubsub.sunsubscribe(id, &ch);
    }
    if c.tracking.is_some() {
        srv.tracking_disable_client(id, c);
    }
    srv.update_expired_tracking();
}
