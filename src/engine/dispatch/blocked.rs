//! Blocked clients on the executor: parking a command that blocked, serving the clients
//! whose keys became ready (in Redis's order, each served command then run as if it had
//! just arrived), blocking timeouts and CLIENT UNBLOCK, and running what a released client
//! queued meanwhile.

use super::{Engine, STREAM_GONE, owned};
use crate::engine::blocking::{BlockSpec, Blocked, TimeoutReply, Wait};
use bytes::Bytes;

impl Engine {
    /// Parks a client whose command blocked.
    pub(super) fn park(&mut self, id: u64, cmd: u16, db: usize, args: &[Bytes], spec: BlockSpec) {
        let blocked = Box::new(Blocked {
            cmd,
            on: spec.on,
            argv: spec.argv.unwrap_or_else(|| owned(args)),
            db,
            keys: owned(&spec.keys),
            deadline: spec.deadline,
            on_timeout: spec.on_timeout,
        });
        self.srv.blocking.park(id, &blocked);
        // Expiry of a waited-on key must reach its waiters (XREADGROUP's release).
        self.srv.update_expired_tracking();
        if let Some(c) = self.srv.clients.get_mut(&id) {
            c.blocked = Some(blocked);
        }
    }

    /// Serves blocked clients and runs unblocked clients' queued commands until nothing is
    /// left to do. Cheap when nothing is blocked.
    pub(super) fn settle(&mut self) {
        if self.srv.pause.due(self.srv.now_ms) {
            self.end_pause();
        }
        if !self.srv.pause.unblock.is_empty() {
            self.serve_unblocks();
        }
        loop {
            if !self.srv.blocking.ready.is_empty() {
                self.serve_ready();
            } else if let Some(id) = self.unblocked.pop_front() {
                self.drain_pending(id);
            } else {
                return;
            }
        }
    }

    /// Re-runs, oldest first, the commands of clients blocked on keys signalled ready.
    pub(super) fn serve_ready(&mut self) {
        let ready = std::mem::take(&mut self.srv.blocking.ready);
        for (db, key) in ready {
            let Some(waiters) = self.srv.blocking.waiters.get(&(db, key.clone())) else {
                continue;
            };
            for id in waiters.clone() {
                let now = self.srv.now_ms;
                let on = self.srv.clients.get(&id).and_then(|c| c.blocked.as_ref());
                let Some(on) = on.map(|b| b.on) else {
                    continue;
                };
                match self.srv.dbs[db].peek(&key, now).map(|e| e.value()) {
                    Some(v) if on.matches(v) => self.retry(id),
                    // Deleted, or replaced by another type: XREADGROUP is released with an
                    // error, as in Redis 7.0; other commands keep waiting for their type.
                    _ if on == Wait::Group => self.end_block(id, Some(STREAM_GONE)),
                    _ => {}
                }
            }
        }
    }

    /// Re-runs a blocked client's command; if it blocks again it keeps its place.
    pub(super) fn retry(&mut self, id: u64) {
        let Some(client) = self.srv.clients.get_mut(&id) else {
            return;
        };
        if !client.info.is_alive() {
            // Its I/O thread has dropped it and the news is on its way: serve nobody dead.
            return self.closed(id);
        }
        let Some(blocked) = client.blocked.take() else {
            return;
        };
        let target = client.target();
        let (spec, handler) = self.spec_of(blocked.cmd, &blocked.argv);
        // Whatever a served command leaves to run, it is counted with what it did.
        self.retrying = true;
        let started = self.call(spec, handler, id, target, blocked.db, &blocked.argv, false);
        self.retrying = false;
        if let Some(start) = started {
            self.deferred(spec, id, &blocked.argv, start);
        }
        if self.srv.block_request.take().is_some() {
            // Still nothing for it: same place in line, same deadline.
            if let Some(c) = self.srv.clients.get_mut(&id) {
                c.blocked = Some(blocked);
            }
            return;
        }
        self.srv.blocking.unpark(id, &blocked);
        self.finish(target);
        self.unblocked.push_back(id);
    }

    /// Answers every blocked client whose deadline has passed with its timeout reply.
    pub fn timeouts(&mut self) {
        let now = self.srv.now_ms;
        while let Some(&(deadline, id)) = self.srv.blocking.deadlines.first() {
            if deadline > now {
                break;
            }
            self.srv.blocking.deadlines.pop_first();
            self.end_block(id, None);
        }
        self.settle();
    }

    /// Releases blocked client `id` without serving it: its command's timeout reply, or
    /// `error` (CLIENT UNBLOCK ... ERROR); its queued commands run next. Timed-out calls
    /// count in the command statistics, as Redis's `updateStatsOnUnblock`.
    pub(in crate::engine) fn end_block(&mut self, id: u64, error: Option<&str>) {
        let Some(client) = self.srv.clients.get_mut(&id) else {
            return;
        };
        let Some(blocked) = client.blocked.take() else {
            return;
        };
        let target = client.target();
        self.srv.blocking.unpark(id, &blocked);
        let mut out = self.outs.to(target);
        match (error, blocked.on_timeout) {
            (Some(e), _) => out.error(e),
            (None, TimeoutReply::NullArray) => out.null_array(),
            (None, TimeoutReply::NullBulk) => out.null(),
        }
        if error.is_none() {
            let spec = self.spec_of(blocked.cmd, &blocked.argv).0;
            self.observe(spec, id, &blocked.argv, std::time::Duration::ZERO, false);
        }
        self.finish(target);
        self.unblocked.push_back(id);
    }

    /// Runs the commands an unblocked client queued, until one blocks again.
    pub(super) fn drain_pending(&mut self, id: u64) {
        loop {
            let Some(client) = self.srv.clients.get_mut(&id) else {
                return;
            };
            if client.blocked.is_some() || client.held || client.postponed || client.closing {
                return;
            }
            let Some((cmd, args)) = client.pending.pop_front() else {
                return;
            };
            self.run(id, cmd, &args);
            // Serve whoever this command readied before the next one runs, as Redis does
            // between commands.
            if !self.srv.blocking.ready.is_empty() {
                self.serve_ready();
            }
        }
    }
}
