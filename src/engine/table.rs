//! The command table: one entry per command with its name, arity, flags, key positions,
//! documentation and handler. The I/O threads use it to resolve names and check arity; the
//! executor uses it to dispatch; COMMAND INFO/DOCS render it.

use super::ctx::Ctx;
use std::collections::HashMap;

pub type Handler = fn(&mut Ctx);

/// Command flags, reported by COMMAND INFO with Redis's names.
pub mod flag {
    pub const WRITE: u32 = 1;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const LOADING: u32 = 1 << 6;
    pub const STALE: u32 = 1 << 7;
    pub const FAST: u32 = 1 << 8;
    pub const NO_AUTH: u32 = 1 << 9;
    pub const ALLOW_BUSY: u32 = 1 << 10;
    /// The command may block the client (BLPOP, BZPOPMIN, XREAD BLOCK...).
    pub const BLOCKING: u32 = 1 << 11;
    /// Key positions depend on the arguments (numkeys, STREAMS...): the key triple is 0,0,0.
    pub const MOVABLEKEYS: u32 = 1 << 12;

    /// Every flag with the name Redis gives it.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (ALLOW_BUSY, "allow_busy"),
        (BLOCKING, "blocking"),
        (MOVABLEKEYS, "movablekeys"),
    ];
}

/// One command.
#[derive(Debug)]
pub struct Command {
    /// Lower-case name, as Redis reports it.
    pub name: &'static str,
    /// Argument count including the name; negative means "at least -arity".
    pub arity: i32,
    pub flags: u32,
    /// Key positions: first, last (negative counts from the end), step; 0,0,0 for none.
    pub keys: (i32, i32, i32),
    pub handler: Handler,
    /// Documentation for COMMAND DOCS: group, Redis version it appeared in, summary, and the
    /// argument syntax as the Redis docs write it (e.g. `key value [NX | XX]`).
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub syntax: &'static str,
    /// Subcommands (CLIENT, CONFIG, COMMAND...): name, arity, summary, syntax. Dispatch of
    /// subcommands is the handler's; this list feeds COMMAND INFO/DOCS and arity checks.
    pub subcommands: &'static [Sub],
}

/// A subcommand, for COMMAND INFO/DOCS.
#[derive(Debug)]
pub struct Sub {
    pub name: &'static str,
    pub arity: i32,
    pub flags: u32,
    pub summary: &'static str,
    pub syntax: &'static str,
}

impl Command {
    /// An entry with no key positions and no subcommands; the `cmd/` families declare
    /// theirs with it.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        handler: Handler,
        group: &'static str,
        since: &'static str,
        summary: &'static str,
        syntax: &'static str,
    ) -> Command {
        Command {
            name,
            arity,
            flags,
            keys: (0, 0, 0),
            handler,
            group,
            since,
            summary,
            syntax,
            subcommands: &[],
        }
    }

    /// Sets the key positions: first, last (negative counts from the end), step.
    pub const fn keys(mut self, first: i32, last: i32, step: i32) -> Command {
        self.keys = (first, last, step);
        self
    }

    pub const fn subs(mut self, subcommands: &'static [Sub]) -> Command {
        self.subcommands = subcommands;
        self
    }

    /// Whether `argc` arguments (name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        arity_ok(self.arity, argc)
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

/// The table plus a name index.
#[derive(Debug)]
pub struct Table {
    pub commands: Vec<&'static Command>,
    index: HashMap<&'static [u8], u16, ahash::RandomState>,
}

impl Table {
    /// Builds the table from each family's list.
    pub fn new(families: &[&'static [Command]]) -> Table {
        let commands: Vec<&'static Command> = families.iter().flat_map(|f| f.iter()).collect();
        let index = commands
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_bytes(), i as u16))
            .collect();
        Table { commands, index }
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

    pub fn get(&self, i: u16) -> &'static Command {
        self.commands[i as usize]
    }
}

/// The one command table, built from `cmd::FAMILIES` on first use.
pub static TABLE: std::sync::LazyLock<Table> =
    std::sync::LazyLock::new(|| Table::new(crate::cmd::FAMILIES));
