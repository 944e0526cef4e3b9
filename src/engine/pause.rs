//! CLIENT PAUSE: while a pause is in force, the commands it covers are held, not refused.
//!
//! A held client is taken out of the run exactly like a blocked one: the command that met
//! the pause goes back to the front of the client's queue, and everything it sends after
//! waits behind it (the I/O thread goes on reading and parsing meanwhile). Other clients'
//! commands run as usual. When the pause ends (its time is up, or CLIENT UNPAUSE), the held
//! clients run again in the order they were held, each from its first held command, through
//! the whole command path again (permissions, memory), as Redis re-processes them.
//!
//! As in Redis 7.0, `WRITE` holds the commands that may write or propagate (`write` and
//! `may_replicate` flags: EVAL, FCALL, PUBLISH...), EXEC of a transaction holding one, but
//! not a script declared `no-writes`; `ALL` holds every command. While paused, neither active
//! nor passive expiry removes keys (an expired key reads as missing but stays), and eviction
//! waits: nothing changes the dataset behind the paused clients' backs.

use super::dispatch::Engine;
use super::msg::Resolved;
use super::state::Server;
use super::table::flag;
use super::table::spec::Spec;
use bytes::Bytes;

/// What a pause holds; `All` is the stricter.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Mode {
    Write,
    All,
}

/// The pause in force, if any, and the clients it holds.
#[derive(Debug, Default)]
pub struct Pause {
    mode: Option<Mode>,
    /// When it ends, Unix ms.
    end_ms: u64,
    /// Clients holding a command back, in the order they met the pause.
    held: Vec<u64>,
    /// CLIENT UNBLOCK's requests (client id, with an error rather than the timeout reply),
    /// served by the engine right after the command: the handler cannot reply to another
    /// client.
    pub unblock: Vec<(u64, bool)>,
}

impl Pause {
    /// Whether a pause is in force at `now`.
    pub fn active(&self, now: u64) -> bool {
        self.mode.is_some() && now < self.end_ms
    }

    /// The end of the pause in force, Unix ms: the executor wakes up for it.
    pub fn deadline(&self) -> Option<u64> {
        self.mode.map(|_| self.end_ms)
    }

    /// A pause has ended (or been lifted) and still has state or clients to let go.
    pub fn due(&self, now: u64) -> bool {
        match self.mode {
            Some(_) => now >= self.end_ms,
            None => !self.held.is_empty(),
        }
    }

    /// The mode in force at `now`.
    fn mode(&self, now: u64) -> Option<Mode> {
        self.mode.filter(|_| now < self.end_ms)
    }
}

/// Whether a command with `flags` may write or propagate (Redis's `is_may_replicate_command`).
fn may_replicate(flags: u64) -> bool {
    flags & (flag::WRITE | flag::MAY_REPLICATE) != 0
}

/// The commands Redis 7.0 flags `may_replicate`. COMMAND INFO does not show that flag, so
/// the metadata we embed (taken from it) lacks it.
const MAY_REPLICATE: &[&str] = &["eval", "evalsha", "fcall", "publish", "spublish", "pfcount"];

impl Server {
    /// CLIENT PAUSE: a pause in force is extended, never shortened nor made milder (Redis's
    /// `pauseClients` keeps the later end and the stricter mode).
    pub fn pause_clients(&mut self, mode: Mode, end_ms: u64) {
        let now = self.now_ms;
        let p = &mut self.pause;
        match p.mode(now) {
            Some(m) => {
                p.mode = Some(m.max(mode));
                p.end_ms = p.end_ms.max(end_ms);
            }
            None => {
                p.mode = Some(mode);
                p.end_ms = end_ms;
            }
        }
        let paused = p.active(now);
        self.dbs.iter_mut().for_each(|db| db.expire_paused = paused);
    }

    /// CLIENT UNPAUSE: the engine lets the held clients go after this command.
    pub fn unpause_clients(&mut self) {
        self.pause.mode = None;
        self.pause.end_ms = 0;
        self.dbs.iter_mut().for_each(|db| db.expire_paused = false);
    }

    /// Whether active expiry and eviction may run now.
    pub fn expiry_paused(&self) -> bool {
        self.pause.active(self.now_ms)
    }

    /// Whether the pause in force holds `spec` run with `args` by client `id`.
    pub(super) fn pause_holds(&self, id: u64, spec: &Spec, args: &[Bytes]) -> bool {
        match self.pause.mode(self.now_ms) {
            None => false,
            Some(Mode::All) => true,
            Some(Mode::Write) => self.may_replicate(id, spec, args),
        }
    }

    /// [`may_replicate`] with Redis's refinements: EXEC by its queued commands' flags, a
    /// script by its declared flags (`#!lua flags=no-writes` neither writes nor propagates).
    fn may_replicate(&self, id: u64, spec: &Spec, args: &[Bytes]) -> bool {
        match spec.name {
            "exec" => self
                .clients
                .get(&id)
                .and_then(|c| c.multi.as_ref())
                .is_some_and(|m| {
                    m.queue.iter().any(|(i, a)| {
                        let cmd = crate::cmd::TABLE.get(*i);
                        let spec = cmd.target(a).unwrap_or(cmd.spec);
                        may_replicate(spec.flags) || MAY_REPLICATE.contains(&spec.name)
                    })
                }),
            "eval" => match args.get(1).map(|b| crate::script::shebang(b)) {
                Some(Ok((f, _))) => f.compat || !f.no_writes,
                _ => true,
            },
            "evalsha" => {
                let sha = args.get(1).and_then(|s| <[u8; 40]>::try_from(&s[..]).ok());
                let sha = sha.map(|mut s| {
                    s.make_ascii_lowercase();
                    s
                });
                match sha.and_then(|s| self.scripting.scripts.get(&s)) {
                    Some(script) => script.flags.compat || !script.flags.no_writes,
                    None => true,
                }
            }
            "fcall" => match args.get(1).and_then(|n| self.scripting.functions.find(n)) {
                Some((_, f)) => !f.flags.no_writes,
                None => true,
            },
            name => may_replicate(spec.flags) || MAY_REPLICATE.contains(&name),
        }
    }
}

impl Engine {
    /// Holds client `id`'s command: it goes back to the front of the client's queue, and the
    /// client runs nothing more until the pause ends.
    pub(super) fn postpone(&mut self, id: u64, cmd: Resolved, args: Vec<Bytes>) {
        if let Some(c) = self.srv.clients.get_mut(&id) {
            c.postponed = true;
            c.pending.push_front((cmd, args));
            self.srv.pause.held.push(id);
        }
    }

    /// Ends a pause whose time has come or that CLIENT UNPAUSE lifted: expiry resumes, and
    /// the held clients are queued to run again, in the order they were held.
    pub(super) fn end_pause(&mut self) {
        let now = self.srv.now_ms;
        if !self.srv.pause.due(now) {
            return;
        }
        self.srv.pause.mode = None;
        self.srv.pause.end_ms = 0;
        self.srv
            .dbs
            .iter_mut()
            .for_each(|db| db.expire_paused = false);
        for id in std::mem::take(&mut self.srv.pause.held) {
            if let Some(c) = self.srv.clients.get_mut(&id)
                && std::mem::take(&mut c.postponed)
            {
                self.unblocked.push_back(id);
            }
        }
    }
}

/// What CLIENT UNBLOCK ERROR answers the blocked client.
const UNBLOCKED: &str = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

impl Engine {
    /// Serves CLIENT UNBLOCK: each client still blocked gets its command's timeout reply or
    /// the UNBLOCKED error, and its queued commands run.
    pub(super) fn serve_unblocks(&mut self) {
        for (id, error) in std::mem::take(&mut self.srv.pause.unblock) {
            self.end_block(id, error.then_some(UNBLOCKED));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_is_only_ever_extended() {
        let mut p = Pause::default();
        assert!(!p.active(0) && !p.due(0));
        p.mode = Some(Mode::All);
        p.end_ms = 100;
        assert!(p.active(99));
        assert!(!p.active(100));
        assert!(p.due(100));
        assert_eq!(p.mode(50), Some(Mode::All));
        assert_eq!(p.mode(100), None);
        assert!(Mode::All > Mode::Write);
        assert!(may_replicate(flag::WRITE));
        assert!(may_replicate(flag::MAY_REPLICATE));
        assert!(!may_replicate(flag::READONLY));
    }
}
