//! What the command table knows about each command and subcommand besides its handler:
//! Redis 7.0's metadata (arity, flags, key specs, ACL categories, tips, documentation and
//! argument tree), parsed once from the embedded `engine/commands.json`.
//!
//! The data file is the one source of truth: COMMAND INFO and COMMAND DOCS render these
//! structures, dispatch reads their flags, and key extraction (`keys.rs`) walks their key
//! specs. The file is compiled in, so a parse error is a build defect that the unit tests
//! catch, not an input error.

use std::sync::LazyLock;

pub use super::load::{Error, parse};

/// Key spec flags, with Redis's names in the order COMMAND INFO lists them.
pub mod key_flag {
    pub const RO: u32 = 1;
    pub const RW: u32 = 1 << 1;
    pub const OW: u32 = 1 << 2;
    pub const RM: u32 = 1 << 3;
    pub const ACCESS: u32 = 1 << 4;
    pub const UPDATE: u32 = 1 << 5;
    pub const INSERT: u32 = 1 << 6;
    pub const DELETE: u32 = 1 << 7;
    pub const NOT_KEY: u32 = 1 << 8;
    pub const INCOMPLETE: u32 = 1 << 9;
    pub const VARIABLE_FLAGS: u32 = 1 << 10;

    pub const NAMES: &[(u32, &str)] = &[
        (RO, "RO"),
        (RW, "RW"),
        (OW, "OW"),
        (RM, "RM"),
        (ACCESS, "access"),
        (UPDATE, "update"),
        (INSERT, "insert"),
        (DELETE, "delete"),
        (NOT_KEY, "not_key"),
        (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// One command or subcommand (`config|get`).
#[derive(Debug)]
pub struct Spec {
    /// Lower-case full name, as COMMAND reports it.
    pub name: &'static str,
    /// Its bit in ACL command sets: commands and subcommands numbered in file order.
    pub acl_id: u16,
    /// Argument count including the name (and, for a subcommand, its container's name);
    /// negative means "at least -arity".
    pub arity: i32,
    /// Redis's command flags plus muxis's own (see [`flag`]).
    pub flags: u64,
    /// The legacy (first, last, step) key triple; 0,0,0 when there are none or they move.
    pub keys: (i32, i32, i32),
    /// ACL categories, without the `@`.
    pub acl_categories: Vec<&'static str>,
    pub tips: Vec<&'static str>,
    pub key_specs: Vec<KeySpec>,
    /// The hard-coded key finder Redis falls back on when the specs cannot answer.
    pub getkeys: Option<GetKeys>,
    pub subcommands: Vec<Spec>,
    pub doc: Doc,
}

/// COMMAND DOCS's part.
#[derive(Debug, Default)]
pub struct Doc {
    /// In our own words; empty for commands muxis does not implement.
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    pub doc_flags: Vec<&'static str>,
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    /// (version, what changed).
    pub history: Vec<(&'static str, &'static str)>,
    pub arguments: Vec<Arg>,
}

/// One node of a command's argument tree.
#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    /// Redis's type name: key, string, integer, double, pattern, unix-time, pure-token,
    /// oneof, block.
    pub kind: &'static str,
    pub key_spec_index: Option<i64>,
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    /// optional, multiple, multiple_token.
    pub flags: Vec<&'static str>,
    /// The members of a oneof or block.
    pub arguments: Vec<Arg>,
}

/// Where keys are, as Redis 7 describes it: where to start, then how to find them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    /// [`key_flag`] bits.
    pub flags: u32,
    pub begin: Begin,
    pub find: Find,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Begin {
    /// A fixed argument index.
    Index(i32),
    /// After `keyword`, searched from `startfrom` (negative: backwards from the end).
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Find {
    /// Keys up to `lastkey` (relative to the first; negative counts from the end), every
    /// `keystep`; with `limit` > 0, only the first 1/limit of the remaining arguments.
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The key count sits at `keynumidx` (relative), the keys start at `firstkey`.
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    Unknown,
}

/// Redis's hard-coded key finders (`db.c`), named in the data file by their C names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GetKeys {
    /// `genericGetKeys(store, count, first, step)`: a numkeys list, maybe a destination.
    Numkeys {
        store: usize,
        count: usize,
        first: usize,
        step: usize,
    },
    Set,
    Bitfield,
    Sort,
    SortRo,
    Migrate,
    Georadius,
    Xread,
}

impl GetKeys {
    pub(super) fn named(name: &str) -> Option<GetKeys> {
        let numkeys = |store, count, first| GetKeys::Numkeys {
            store,
            count,
            first,
            step: 1,
        };
        Some(match name {
            "zunionInterDiffStoreGetKeys" => numkeys(1, 2, 3),
            "zunionInterDiffGetKeys" | "sintercardGetKeys" | "lmpopGetKeys" | "zmpopGetKeys" => {
                numkeys(0, 1, 2)
            }
            "evalGetKeys" | "functionGetKeys" | "blmpopGetKeys" | "bzmpopGetKeys" => {
                numkeys(0, 2, 3)
            }
            "setGetKeys" => GetKeys::Set,
            "bitfieldGetKeys" => GetKeys::Bitfield,
            "sortGetKeys" => GetKeys::Sort,
            "sortROGetKeys" => GetKeys::SortRo,
            "migrateGetKeys" => GetKeys::Migrate,
            "georadiusGetKeys" => GetKeys::Georadius,
            "xreadGetKeys" => GetKeys::Xread,
            _ => return None,
        })
    }
}

impl Spec {
    /// The subcommand `name` (without the container's prefix), case-insensitively.
    pub fn sub(&self, name: &[u8]) -> Option<&Spec> {
        self.subcommands.iter().find(|s| {
            let own = s.name.rsplit('|').next().unwrap_or(s.name);
            own.as_bytes().eq_ignore_ascii_case(name)
        })
    }

    /// Whether `argc` arguments (name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        super::arity_ok(self.arity, argc)
    }

    /// Whether muxis implements it (it then has a summary in our words).
    pub fn implemented(&self) -> bool {
        !self.doc.summary.is_empty()
    }
}

/// Every command Redis 7.0 has, implemented or not, in the data file's (name) order.
pub struct Specs {
    pub commands: Vec<Spec>,
    pub redis_version: &'static str,
}

impl Specs {
    pub fn get(&self, name: &str) -> Option<&Spec> {
        self.commands.iter().find(|c| c.name == name)
    }
}

/// The embedded metadata, parsed on first use.
pub static SPECS: LazyLock<Specs> = LazyLock::new(|| {
    parse(include_str!("../commands.json")).unwrap_or_else(|e| {
        panic!("engine/commands.json (compiled in) is invalid: {e}");
    })
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_parses() {
        let specs = &*SPECS;
        assert_eq!(specs.redis_version, "7.0.15");
        assert!(specs.commands.len() >= 200);
        let get = specs.get("get").expect("get");
        assert_eq!((get.arity, get.keys), (2, (1, 1, 1)));
        assert_eq!(
            get.flags,
            super::super::flag::READONLY | super::super::flag::FAST
        );
        assert_eq!(get.acl_categories, ["read", "string", "fast"]);
        let lmpop = specs.get("lmpop").expect("lmpop");
        assert_eq!(
            lmpop.key_specs[0].find,
            Find::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1
            }
        );
        assert_eq!(
            lmpop.key_specs[0].flags,
            key_flag::RW | key_flag::ACCESS | key_flag::DELETE
        );
        let object = specs.get("object").expect("object");
        let enc = object.sub(b"ENCODING").expect("object|encoding");
        assert_eq!(enc.name, "object|encoding");
        assert_eq!(enc.key_specs[0].begin, Begin::Index(2));
        assert!(
            specs.get("subscribe").expect("subscribe").flags
                & super::super::flag::SUBSCRIBED_CONTEXT
                != 0
        );
        assert_eq!(
            specs.get("zunionstore").and_then(|c| c.getkeys),
            GetKeys::named("zunionInterDiffStoreGetKeys")
        );
    }
}
