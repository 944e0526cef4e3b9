//! The executor's side of ACL: logging denials with the client's details, moving clients
//! onto a user's new rules, and closing the connections of a deleted user.

use super::state::Server;
use crate::acl::{Denied, User, log::Entry};
use crate::engine::table::spec::Spec;
use bytes::Bytes;
use std::sync::Arc;
use std::time::Instant;

impl Server {
    /// Reads `acl-pubsub-default` (at start and after CONFIG SET).
    pub fn apply_acl_config(&mut self) {
        self.acl.pubsub_all =
            self.config.get("acl-pubsub-default").as_deref() == Some("allchannels");
    }

    /// The users a server starts with (`aclfile` or `user` directives), then
    /// `requirepass` if set, which gives the default user that one password.
    pub fn load_users(&mut self, users: Vec<User>) {
        if !users.is_empty() {
            self.acl.replace_all(users);
        }
        let pass = self.config.get("requirepass").unwrap_or_default();
        if !pass.is_empty() {
            self.set_requirepass(&pass);
        }
    }

    /// `requirepass` (CONFIG SET): the default user's password becomes exactly this one,
    /// or none (`nopass`) when empty; clients already logged in stay so, as in Redis.
    pub fn set_requirepass(&mut self, pass: &str) {
        let current = self.acl.default_user();
        let u = self.acl.set_requirepass(pass);
        self.user_changed(&current, u);
    }

    /// Clients logged in as `old` now run under `new` (a user's rules changed).
    pub fn user_changed(&mut self, old: &Arc<User>, new: Arc<User>) {
        for c in self.clients.values_mut() {
            if Arc::ptr_eq(&c.user, old) {
                c.user = new.clone();
            }
        }
    }

    /// Closes every connection logged in as `user` (deleted), each after the replies owed
    /// to it (the running client's included).
    pub fn user_deleted(&mut self, user: &Arc<User>) {
        let default = self.acl.default_user();
        for c in self.clients.values_mut() {
            if Arc::ptr_eq(&c.user, user) {
                c.user = default.clone();
                c.authenticated = false;
                c.closing = true;
                self.pending_closes.push(c.target());
            }
        }
    }

    /// Logs a denied command of client `id` (ACL LOG).
    pub fn acl_denied(
        &mut self,
        id: u64,
        denied: Denied,
        context: &'static str,
        spec: &Spec,
        args: &[Bytes],
    ) {
        let (reason, object) = match denied {
            Denied::Command => ("command", spec.name.to_string()),
            Denied::Key(i) => ("key", arg_text(args, i)),
            Denied::Channel(i) => ("channel", arg_text(args, i)),
        };
        self.acl_log(id, reason, context, object, None);
    }

    /// Logs a failed AUTH or HELLO AUTH of client `id` as `username`.
    pub fn acl_auth_failed(&mut self, id: u64, command: &[u8], username: &[u8]) {
        let context = match self.clients.get(&id) {
            Some(c) if c.multi.is_some() => "multi",
            _ => "toplevel",
        };
        let object = String::from_utf8_lossy(command).into_owned();
        let name = String::from_utf8_lossy(username).into_owned();
        self.acl_log(id, "auth", context, object, Some(name));
    }

    fn acl_log(
        &mut self,
        id: u64,
        reason: &'static str,
        context: &'static str,
        object: String,
        username: Option<String>,
    ) {
        let Some(c) = self.clients.get(&id) else {
            return;
        };
        let mut info = Vec::new();
        c.write_info(&mut info, self.clock);
        while info.last() == Some(&b'\n') {
            info.pop();
        }
        let entry = Entry {
            count: 1,
            reason,
            context,
            object,
            username: username.unwrap_or_else(|| String::from_utf8_lossy(&c.user.name).into()),
            created: Instant::now(),
            client_info: String::from_utf8_lossy(&info).into_owned(),
        };
        let max = self
            .config
            .get("acllog-max-len")
            .and_then(|v| v.parse().ok())
            .unwrap_or(128);
        self.acl.log.add(entry, max);
    }
}

fn arg_text(args: &[Bytes], i: usize) -> String {
    args.get(i)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .unwrap_or_default()
}
