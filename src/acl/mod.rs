//! Users and permissions, as Redis 7.0's ACL: the user registry, authentication, the
//! permission check every command goes through, and the ACL LOG.
//!
//! A client holds an `Arc` of its user. A user that allows everything (the `default` user
//! of a fresh server) is marked `unrestricted`, so the check costs one branch; otherwise
//! it is a bit test for the command plus a glob per key or channel, with the keys found
//! through the command table's key specs.

pub mod file;
pub mod log;
pub mod selector;
pub mod user;

use crate::engine::table::spec::Spec;
use bytes::Bytes;
pub use selector::{Denied, RuleError};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
pub use user::User;

/// Redis's reply to a failed AUTH: it never says which part was wrong.
pub const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
pub const NOAUTH: &str = "NOAUTH Authentication required.";

#[derive(Debug)]
pub struct Acl {
    /// Every user by name, sorted as ACL LIST and ACL USERS show them.
    users: BTreeMap<Bytes, Arc<User>>,
    pub log: log::Log,
    /// `acl-pubsub-default allchannels`: new users and selectors get every channel.
    pub pubsub_all: bool,
    /// Whether `default` has `nopass`, published for the I/O threads' protected-mode check
    /// (see [`Acl::share_nopass`]); updated by every change to the users.
    nopass_flag: Arc<AtomicBool>,
}

impl Default for Acl {
    fn default() -> Self {
        Acl::new()
    }
}

impl Acl {
    pub fn new() -> Acl {
        let mut users = BTreeMap::new();
        users.insert(
            Bytes::from_static(b"default"),
            Arc::new(User::default_user()),
        );
        Acl {
            users,
            log: log::Log::default(),
            pubsub_all: false,
            nopass_flag: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Publishes whether `default` has `nopass` into `flag`, now and after every change.
    pub fn share_nopass(&mut self, flag: Arc<AtomicBool>) {
        self.nopass_flag = flag;
        self.publish_nopass();
    }

    fn publish_nopass(&self) {
        let nopass = self.users.get(&b"default"[..]).is_some_and(|u| u.nopass);
        self.nopass_flag.store(nopass, Relaxed);
    }

    pub fn get(&self, name: &[u8]) -> Option<&Arc<User>> {
        self.users.get(name)
    }

    pub fn default_user(&self) -> Arc<User> {
        match self.users.get(&b"default"[..]) {
            Some(u) => u.clone(),
            None => Arc::new(User::default_user()),
        }
    }

    /// Whether clients must authenticate before anything else (Redis's `authRequired`
    /// without the client's part): the default user has a password or is off.
    pub fn auth_required(&self) -> bool {
        self.users
            .get(&b"default"[..])
            .is_none_or(|u| !u.nopass || !u.enabled)
    }

    /// Whether a new connection starts authenticated (as `default`).
    pub fn starts_authenticated(&self) -> bool {
        !self.auth_required()
    }

    pub fn users(&self) -> impl Iterator<Item = &Arc<User>> {
        self.users.values()
    }

    /// The user `name` if it exists, is on, and `password` opens it.
    pub fn authenticate(&self, name: &[u8], password: &[u8]) -> Option<Arc<User>> {
        self.users
            .get(name)
            .filter(|u| u.enabled && u.password_ok(password))
            .cloned()
    }

    /// Creates or changes user `name` by `rules`, all or nothing (ACL SETUSER). Returns
    /// the new user; the caller moves clients over to it.
    pub fn set_user(&mut self, name: &[u8], rules: &[String]) -> Result<Arc<User>, String> {
        let rules = user::merge_selector_args(rules)?;
        let mut u = match self.users.get(name) {
            Some(u) => (**u).clone(),
            None => User::new(Bytes::copy_from_slice(name), self.pubsub_all),
        };
        for op in &rules {
            u.apply(op, self.pubsub_all)
                .map_err(|e| format!("ERR Error in ACL SETUSER modifier '{op}': {}", e.text()))?;
        }
        let u = Arc::new(u);
        self.users.insert(u.name.clone(), u.clone());
        self.publish_nopass();
        Ok(u)
    }

    /// Removes a user (never `default`); returns it if it existed.
    pub fn remove(&mut self, name: &[u8]) -> Option<Arc<User>> {
        if name == b"default" {
            return None;
        }
        self.users.remove(name)
    }

    /// Replaces every user (start, ACL LOAD); `default`, when not listed, is the fresh
    /// server's (`on nopass ~* &* +@all`), as Redis's `ACLLoadFromFile`.
    pub fn replace_all(&mut self, users: Vec<User>) {
        self.users.clear();
        self.users.insert(
            Bytes::from_static(b"default"),
            Arc::new(User::default_user()),
        );
        for u in users {
            self.users.insert(u.name.clone(), Arc::new(u));
        }
        self.publish_nopass();
    }

    /// `requirepass`: the default user gets exactly this password, or none (`nopass`).
    pub fn set_requirepass(&mut self, password: &str) -> Arc<User> {
        let op = if password.is_empty() {
            "nopass".to_string()
        } else {
            format!(">{password}")
        };
        let mut u = (*self.default_user()).clone();
        let _ = u.apply("resetpass", self.pubsub_all);
        let _ = u.apply(&op, self.pubsub_all);
        let u = Arc::new(u);
        self.users.insert(u.name.clone(), u.clone());
        self.publish_nopass();
        u
    }
}

/// Whether `user` may run `argv` as `spec`: allowed by any of its selectors, or the most
/// relevant denial (Redis's `ACLCheckAllUserCommandPerm`).
pub fn check(user: &User, spec: &Spec, argv: &[Bytes]) -> Result<(), Denied> {
    if user.unrestricted {
        return Ok(());
    }
    let mut worst = Denied::Command;
    for s in &user.selectors {
        match s.check(spec, argv) {
            Ok(()) => return Ok(()),
            Err(d) if d.outranks(worst) => worst = d,
            Err(_) => {}
        }
    }
    Err(worst)
}

/// Whether `user` may run `argv` as `spec` with read access to every key, as SORT's BY
/// and GET patterns need (Redis's `ACLUserCheckCmdWithUnrestrictedKeyAccess`).
pub fn reads_every_key(user: &User, spec: &Spec, argv: &[Bytes]) -> bool {
    user.unrestricted
        || user
            .selectors
            .iter()
            .any(|s| s.reads_every_key() && s.check(spec, argv).is_ok())
}

/// The error a denied command gets (Redis 7.0's `processCommand` texts).
pub fn denied_error(d: Denied, spec: &Spec) -> String {
    match d {
        Denied::Command => format!(
            "NOPERM this user has no permissions to run the '{}' command",
            spec.name
        ),
        Denied::Key(_) => {
            "NOPERM this user has no permissions to access one of the keys used as arguments".into()
        }
        Denied::Channel(_) => {
            "NOPERM this user has no permissions to access one of the channels used as arguments"
                .into()
        }
    }
}

/// Random hex digits from the kernel, for ACL GENPASS.
pub fn random_hex(chars: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = vec![0u8; chars.div_ceil(2)];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let mut hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(chars);
    Ok(hex)
}
