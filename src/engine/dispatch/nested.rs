//! Commands called from inside another command: a script's `redis.call` and friends run
//! through the same call path as a client's command, with the reply captured for the
//! caller instead of sent.

use super::Engine;
use crate::engine::out::{CAPTURE, Target};
use crate::error;
use bytes::Bytes;

impl Engine {
    /// Runs `argv` for client `id` in `db` through the same call path as any command, and
    /// returns its reply as RESP bytes instead of sending it: the way a script (a later
    /// issue) calls commands. It nests inside whatever unit is running (a script's writes
    /// then propagate with it, wrapped in MULTI/EXEC), and never blocks.
    pub fn call_for_reply(&mut self, id: u64, db: usize, argv: &[Bytes]) -> Vec<u8> {
        let Some(resp3) = self.srv.clients.get(&id).map(|c| c.resp3) else {
            return Vec::new();
        };
        self.call_captured(id, db, argv, resp3)
    }

    /// [`Engine::call_for_reply`] with the reply in the protocol asked for (a script's
    /// `redis.setresp`), whatever the client speaks.
    pub fn call_captured(&mut self, id: u64, db: usize, argv: &[Bytes], resp3: bool) -> Vec<u8> {
        let Some(client) = self.srv.clients.get(&id) else {
            return Vec::new();
        };
        let target = Target {
            thread: CAPTURE,
            conn: client.conn,
            resp3,
        };
        // A capture may nest (a script calling a command that calls back): keep the outer.
        let outer = std::mem::take(&mut self.outs.capture);
        let name = argv.first().map_or(&b""[..], |a| &a[..]);
        let command = self.table.lookup(name).map(|i| *self.table.get(i));
        match command.map(|c| (c, c.target(argv))) {
            None => {
                let msg = error::unknown_command(name, argv.get(1..).unwrap_or(&[]));
                self.outs.to(target).error(&msg);
            }
            Some((c, None)) => {
                let msg = error::unknown_subcommand(c.name, &argv[1]);
                self.outs.to(target).error(&msg);
            }
            Some((_, Some(spec))) if !spec.arity_ok(argv.len()) => {
                self.outs.to(target).error(&error::wrong_arity(spec.name));
            }
            Some((c, Some(spec))) => {
                // Nothing a script calls runs a transaction or a script: count it now.
                if let Some(start) = self.call(spec, c.handler, id, target, db, argv, true) {
                    self.observe(spec, id, argv, self.since(start), true);
                }
                self.srv.exec_request = None;
                self.srv.block_request = None;
                self.srv.script_request = None;
            }
        }
        std::mem::replace(&mut self.outs.capture, outer).buf
    }
}
