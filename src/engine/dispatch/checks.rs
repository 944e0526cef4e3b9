//! The checks a command passes before it runs: authentication and ACL permissions (at
//! the top level and inside EXEC), and `maxmemory` (evicting first, refusing a
//! `denyoom` command that still does not fit); and the reply of a command refused.

use super::Engine;
use crate::engine::evict::Evict;
use crate::engine::out::Target;
use crate::engine::table::{flag, spec::Spec};
use bytes::Bytes;

impl Engine {
    /// Whether client `id` may run `args` as `spec`: authenticated when the server needs
    /// it, and allowed by its ACL user. A denial is logged (ACL LOG) and its error
    /// returned.
    pub(super) fn permission(
        &mut self,
        id: u64,
        spec: &'static Spec,
        args: &[Bytes],
    ) -> Option<String> {
        let client = self.srv.clients.get(&id)?;
        if !client.authenticated && spec.flags & flag::NO_AUTH == 0 && self.srv.acl.auth_required()
        {
            return Some(crate::acl::NOAUTH.into());
        }
        let denied = crate::acl::check(&client.user, spec, args).err()?;
        let context = if client.multi.is_some() {
            "multi"
        } else {
            "toplevel"
        };
        self.srv.acl_denied(id, denied, context, spec, args);
        Some(crate::acl::denied_error(denied, spec))
    }

    /// [`Engine::permission`] for a command EXEC runs, with Redis's EXEC-time texts.
    pub(super) fn exec_permission(
        &mut self,
        id: u64,
        spec: &'static Spec,
        args: &[Bytes],
    ) -> Option<String> {
        let client = self.srv.clients.get(&id)?;
        let denied = crate::acl::check(&client.user, spec, args).err()?;
        self.srv.acl_denied(id, denied, "multi", spec, args);
        let reason = match denied {
            crate::acl::Denied::Command => "no permission to execute the command or subcommand",
            crate::acl::Denied::Key(_) => "no permission to touch the specified keys",
            crate::acl::Denied::Channel(_) => {
                "no permission to access one of the channels used as arguments"
            }
        };
        Some(format!(
            "NOPERM ACLs rules changed between the moment the transaction was accumulated and \
             the EXEC call. This command is no longer allowed for the following reason: {reason}"
        ))
    }

    /// Evicts what the policy allows before a command runs; true if the command must be
    /// refused for memory, as Redis's `processCommand`: a `denyoom` command, EXEC of a
    /// transaction holding one, or anything queued inside MULTI (queuing takes memory),
    /// when nothing more can be evicted.
    pub(super) fn out_of_memory(&mut self, id: u64, spec: &Spec) -> bool {
        if self.srv.perform_evictions() != Evict::Fail {
            if spec.flags & flag::DENYOOM != 0
                && let Some(db) = self.srv.clients.get(&id).map(|c| c.db)
            {
                self.srv.make_room_to_grow(db);
            }
            return false;
        }
        if spec.flags & flag::DENYOOM != 0 {
            return true;
        }
        let Some(multi) = self.srv.clients.get(&id).and_then(|c| c.multi.as_ref()) else {
            return false;
        };
        match spec.name {
            "exec" => multi
                .queue
                .iter()
                .any(|(i, args)| self.spec_of(*i, args).0.flags & flag::DENYOOM != 0),
            "discard" | "quit" | "reset" => false,
            _ => true,
        }
    }

    /// Replies with an error for a command that could not run; inside MULTI the
    /// transaction is marked to abort, as Redis does.
    /// Counted as a rejected call of `spec` when the command is known.
    pub(super) fn reject(&mut self, id: u64, target: Target, spec: Option<&Spec>, msg: &str) {
        if let Some(m) = self.srv.clients.get_mut(&id).and_then(|c| c.multi.as_mut()) {
            m.failed = true;
        }
        self.outs.to(target).error(msg);
        self.observe_rejected(spec);
        self.srv.stats.commands += 1;
        // A refused command ends CLIENT CACHING's one-command window too, as in Redis.
        if self.srv.tracking.clients > 0 {
            self.srv.tracking_command_done(id);
        }
        self.finish(target);
    }

    /// [`Engine::reject`] for a known command. A refused EXEC also ends the transaction,
    /// with Redis's `EXECABORT Transaction discarded because of: ...` wrapping (its
    /// `execCommandAbort`).
    pub(super) fn refuse(&mut self, id: u64, target: Target, spec: &Spec, msg: &str) {
        if spec.name != "exec" {
            return self.reject(id, target, Some(spec), msg);
        }
        self.srv.discard_transaction(id);
        let why = msg.strip_prefix("ERR ").unwrap_or(msg);
        let msg = format!("EXECABORT Transaction discarded because of: {why}");
        self.reject(id, target, Some(spec), &msg);
    }
}
