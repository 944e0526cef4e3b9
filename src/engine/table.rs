//! The command table the engine runs: each implemented command's metadata ([`Spec`], from
//! the embedded data file) with its handler, and a name index.
//!
//! The dependency runs one way: `cmd/` families register `(name, handler)` pairs and build
//! the table ([`Table::build`]); the server hands it to the I/O threads (name lookup and
//! arity, on the hot path) and the executor (dispatch). Nothing here knows `cmd/`.

pub mod keys;
mod load;
pub mod spec;

use super::ctx::Ctx;
pub use spec::{SPECS, Spec};
use std::collections::HashMap;

pub type Handler = fn(&mut Ctx);

/// Command flags: Redis's, with its names, in the order COMMAND INFO lists them, then
/// muxis's own dispatch rules (rules Redis hard-codes by command in `processCommand`).
pub mod flag {
    pub const WRITE: u64 = 1;
    pub const READONLY: u64 = 1 << 1;
    pub const DENYOOM: u64 = 1 << 2;
    pub const MODULE: u64 = 1 << 3;
    pub const ADMIN: u64 = 1 << 4;
    pub const PUBSUB: u64 = 1 << 5;
    pub const NOSCRIPT: u64 = 1 << 6;
    /// The command may block the client (BLPOP, BZPOPMIN, XREAD BLOCK...).
    pub const BLOCKING: u64 = 1 << 7;
    pub const LOADING: u64 = 1 << 8;
    pub const STALE: u64 = 1 << 9;
    pub const SKIP_MONITOR: u64 = 1 << 10;
    pub const SKIP_SLOWLOG: u64 = 1 << 11;
    pub const ASKING: u64 = 1 << 12;
    pub const FAST: u64 = 1 << 13;
    pub const NO_AUTH: u64 = 1 << 14;
    pub const MAY_REPLICATE: u64 = 1 << 15;
    pub const NO_MANDATORY_KEYS: u64 = 1 << 16;
    pub const NO_ASYNC_LOADING: u64 = 1 << 17;
    /// Refused inside MULTI ("Command not allowed inside a transaction").
    pub const NO_MULTI: u64 = 1 << 18;
    /// Key positions depend on the arguments (numkeys, STREAMS...).
    pub const MOVABLEKEYS: u64 = 1 << 19;
    pub const ALLOW_BUSY: u64 = 1 << 20;

    /// muxis: may run while a RESP2 connection is subscribed (PING, (P|S)(UN)SUBSCRIBE,
    /// QUIT, RESET).
    pub const SUBSCRIBED_CONTEXT: u64 = 1 << 32;
    /// muxis: runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI,
    /// WATCH, QUIT, RESET).
    pub const RUNS_IN_MULTI: u64 = 1 << 33;
    /// muxis: invalidates every watched key of the current database (FLUSHDB).
    pub const TOUCHES_DB: u64 = 1 << 34;
    /// muxis: invalidates every watched key (FLUSHALL).
    pub const TOUCHES_ALL: u64 = 1 << 35;

    /// Redis's flags with the names COMMAND INFO gives them, in its order.
    pub const NAMES: &[(u64, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (MODULE, "module"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLEKEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];

    /// muxis's flags, as the data file's `muxis_flags` names them.
    pub const MUXIS_NAMES: &[(u64, &str)] = &[
        (SUBSCRIBED_CONTEXT, "subscribed_context"),
        (RUNS_IN_MULTI, "runs_in_multi"),
        (TOUCHES_DB, "touches_db"),
        (TOUCHES_ALL, "touches_all"),
    ];
}

/// One implemented command: its metadata and handler. Derefs to its [`Spec`].
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub spec: &'static Spec,
    /// Runs the command and its subcommands (containers dispatch their own).
    pub handler: Handler,
}

impl Command {
    /// What `argv` (this command's invocation) runs: the command itself, or for a
    /// container with arguments its subcommand (`None` when there is no such one, or
    /// muxis does not implement it). No lookup unless the command has subcommands.
    pub fn target<A: AsRef<[u8]>>(&self, argv: &[A]) -> Option<&'static Spec> {
        match argv.get(1) {
            Some(sub) if !self.spec.subcommands.is_empty() => {
                implemented(self.spec.sub(sub.as_ref()))
            }
            _ => Some(self.spec),
        }
    }
}

impl std::ops::Deref for Command {
    type Target = Spec;

    fn deref(&self) -> &Spec {
        self.spec
    }
}

pub fn arity_ok(arity: i32, argc: usize) -> bool {
    if arity >= 0 {
        argc == arity as usize
    } else {
        argc >= (-arity) as usize
    }
}

/// Longest command name we look up; longer names are unknown without hashing them.
const MAX_NAME: usize = 32;

/// The implemented commands plus a name index.
#[derive(Debug)]
pub struct Table {
    pub commands: Vec<Command>,
    index: HashMap<&'static [u8], u16, ahash::RandomState>,
}

/// Why a table could not be built: a handler for a name the data file does not have, or a
/// command without a summary in our words.
#[derive(Debug, PartialEq)]
pub enum BuildError {
    Unknown(&'static str),
    NoSummary(&'static str),
    Duplicate(&'static str),
}

impl Table {
    /// Builds the table from each family's handlers, in their order, taking every other
    /// fact from the data file.
    pub fn build(families: &[&[(&'static str, Handler)]]) -> Result<Table, BuildError> {
        let mut commands = Vec::new();
        let mut index = HashMap::with_hasher(ahash::RandomState::new());
        for &(name, handler) in families.iter().flat_map(|f| f.iter()) {
            let spec = SPECS.get(name).ok_or(BuildError::Unknown(name))?;
            if !spec.implemented() {
                return Err(BuildError::NoSummary(name));
            }
            if index
                .insert(spec.name.as_bytes(), commands.len() as u16)
                .is_some()
            {
                return Err(BuildError::Duplicate(name));
            }
            commands.push(Command { spec, handler });
        }
        Ok(Table { commands, index })
    }

    /// Finds a command by name, case-insensitively, without allocating: the name is
    /// lower-cased into a stack buffer.
    pub fn lookup(&self, name: &[u8]) -> Option<u16> {
        if name.len() > MAX_NAME {
            return None;
        }
        let mut buf = [0u8; MAX_NAME];
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.index.get(&*lower).copied()
    }

    pub fn get(&self, i: u16) -> &Command {
        &self.commands[i as usize]
    }

    /// The command by name, if implemented.
    pub fn find(&self, name: &[u8]) -> Option<&Command> {
        self.lookup(name).map(|i| self.get(i))
    }

    /// What `argv` runs, as Redis's `lookupCommand` resolves it: the command, or for a
    /// container with arguments its subcommand (`None` when there is no such one, or
    /// muxis does not implement it).
    pub fn resolve<A: AsRef<[u8]>>(&self, argv: &[A]) -> Option<&'static Spec> {
        self.find(argv.first()?.as_ref())?.target(argv)
    }

    /// A command or subcommand by its full name (`config|get`), as COMMAND INFO and DOCS
    /// take them.
    pub fn by_full_name(&self, name: &[u8]) -> Option<&'static Spec> {
        match name.iter().position(|&b| b == b'|') {
            None => self.find(name).map(|c| c.spec),
            Some(bar) => implemented(self.find(&name[..bar])?.spec.sub(&name[bar + 1..])),
        }
    }
}

fn implemented(spec: Option<&'static Spec>) -> Option<&'static Spec> {
    spec.filter(|s| s.implemented())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nop(_: &mut Ctx) {}

    #[test]
    fn build_takes_facts_from_the_data_file() {
        let t = Table::build(&[&[("get", nop), ("config", nop)]]).expect("builds");
        assert_eq!(t.commands.len(), 2);
        let get = t.find(b"GeT").expect("get");
        assert_eq!((get.arity, get.keys), (2, (1, 1, 1)));
        assert!(t.lookup(b"set").is_none());
        assert!(t.lookup(&[b'g'; 40]).is_none());
        assert_eq!(
            t.resolve(&["config", "GET", "x"]).map(|s| s.name),
            Some("config|get")
        );
        assert!(t.resolve(&["config", "nosuch"]).is_none());
        assert_eq!(t.resolve(&["config"]).map(|s| s.name), Some("config"));
        assert_eq!(t.resolve(&["get", "k"]).map(|s| s.name), Some("get"));
        assert_eq!(
            t.by_full_name(b"CONFIG|set").map(|s| s.name),
            Some("config|set")
        );
        assert!(t.by_full_name(b"get|x").is_none());
    }

    #[test]
    fn build_refuses_names_the_data_file_lacks_or_twice() {
        // SYNC is in the data file but has no summary: muxis does not implement it.
        assert_eq!(
            Table::build(&[&[("sync", nop)]]).err(),
            Some(BuildError::NoSummary("sync"))
        );
        assert_eq!(
            Table::build(&[&[("nosuch", nop)]]).err(),
            Some(BuildError::Unknown("nosuch"))
        );
        assert_eq!(
            Table::build(&[&[("get", nop)], &[("get", nop)]]).err(),
            Some(BuildError::Duplicate("get"))
        );
    }
}
