//! Keyspace events of a command: which of its keys did not exist before it ran (a `new`
//! event if it creates them), and publishing what it recorded once it has run.

use super::Engine;
use crate::engine::table::spec::Spec;
use bytes::Bytes;

impl Engine {
    /// The keys of `args` that do not exist in `db` (candidates for a `new` event).
    pub(super) fn absent_keys(
        &mut self,
        spec: &Spec,
        db: usize,
        args: &[Bytes],
    ) -> Vec<(usize, Bytes)> {
        let now = self.srv.now_ms;
        let mut out = Vec::new();
        // MOVE creates its key in the database it names.
        if spec.name == "move" {
            let to = args.get(2).and_then(|a| std::str::from_utf8(a).ok());
            if let (Some(to), Some(key)) = (to.and_then(|t| t.parse::<usize>().ok()), args.get(1))
                && to < self.srv.dbs.len()
                && !self.srv.dbs[to].contains(key, now)
            {
                out.push((to, key.clone()));
            }
            return out;
        }
        // These delete a destination they replace and add it anew (Redis's dbDelete then
        // dbAdd): it is `new` even when it existed.
        let replaced = match spec.name {
            "rename" | "renamenx" | "copy" => args.get(2),
            "restore" => args.get(1),
            _ => None,
        };
        if let Some(key) = replaced.cloned() {
            out.push((db, key));
        }
        for k in spec.keys(args) {
            if let Some(key) = args.get(k.pos)
                && Some(key) != replaced
                && !self.srv.dbs[db].contains(key, now)
            {
                out.push((db, key.clone()));
            }
        }
        out
    }

    /// Publishes the key events the command just run recorded: `absent` are the keys that
    /// did not exist before it, announced as `new` if it created them.
    pub(super) fn notify(&mut self, args: &[Bytes], absent: Vec<(usize, Bytes)>) {
        if self.srv.effects.events.is_empty() {
            return;
        }
        let now = self.srv.now_ms;
        let created: Vec<(usize, Bytes)> = absent
            .into_iter()
            .filter(|(d, k)| {
                self.srv
                    .effects
                    .events
                    .iter()
                    .any(|e| e.db == *d && e.key == *k)
                    && self.srv.dbs[*d].contains(k, now)
            })
            .collect();
        crate::engine::notify::deliver(&mut self.srv, &mut self.outs, args, &created);
    }
}
