//! `timeout`: closing clients idle for longer than the configured seconds, as Redis's
//! `clientsCronHandleTimeout`. Run from the executor's timer, at most once a second, and
//! only when a timeout is set: nothing is added to the command path.

use super::dispatch::Engine;

impl Engine {
    /// Closes every client whose last command is more than `timeout` whole seconds ago.
    /// As in Redis, clients waiting in a blocking command (they have their own timeout) and
    /// pub/sub subscribers (they only listen) are never idle; a client whose commands are
    /// held or queued is busy, not idle. The close is silent, as in Redis.
    pub fn close_idle_clients(&mut self) {
        let limit = self.srv.config.timeout;
        if limit == 0 {
            return;
        }
        let now = self.srv.clock;
        let mut victims = Vec::new();
        for c in self.srv.clients.values_mut() {
            let idle = now.saturating_duration_since(c.last_active).as_secs();
            if idle <= limit
                || c.closing
                || c.blocked.is_some()
                || c.subscribed()
                || c.held
                || !c.pending.is_empty()
            {
                continue;
            }
            c.closing = true;
            victims.push(c.target());
        }
        for t in victims {
            tracing::debug!("Closing idle client");
            self.outs.close(&t);
        }
    }
}
