//! COMMAND and its subcommands: the command table as clients see it (COMMAND INFO for
//! client libraries, COMMAND DOCS for redis-cli's hints, GETKEYS for cluster proxies).
//!
//! Everything is rendered from `engine::table`; the argument specs of COMMAND DOCS are
//! parsed from each entry's syntax line by `docs`. Also home of [`sub_arity`], the
//! subcommand lookup the container commands share.

mod describe;
mod docs;

use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::engine::table::flag::*;
use crate::engine::table::{Command, Sub, TABLE, arity_ok};
use crate::error;
use crate::util::glob::glob_match;
use describe::{categories, key_flags, write_info};

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    Command::new("command", -1, LOADING | STALE, command, "server", "2.8.13", "Get array of Redis command details", "").subs(SUBS),
];

#[rustfmt::skip]
const SUBS: &[Sub] = &[
    Sub { name: "count", arity: 2, flags: LOADING | STALE, summary: "Get total number of Redis commands", syntax: "" },
    Sub { name: "docs", arity: -2, flags: LOADING | STALE, summary: "Get array of specific Redis command documentation", syntax: "[command-name [command-name ...]]" },
    Sub { name: "getkeys", arity: -4, flags: LOADING | STALE, summary: "Extract keys given a full Redis command", syntax: "command [arg [arg ...]]" },
    Sub { name: "getkeysandflags", arity: -4, flags: LOADING | STALE, summary: "Extract keys and access flags given a full Redis command", syntax: "command [arg [arg ...]]" },
    Sub { name: "help", arity: 2, flags: LOADING | STALE, summary: "Show helpful text about the different subcommands", syntax: "" },
    Sub { name: "info", arity: -2, flags: LOADING | STALE, summary: "Get array of specific Redis command details, or all when no argument is given.", syntax: "[command-name [command-name ...]]" },
    Sub { name: "list", arity: -2, flags: LOADING | STALE, summary: "Get an array of Redis command names", syntax: "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]" },
];

const HELP: &[&str] = &[
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
];

const INVALID_COMMAND: &str = "ERR Invalid command specified";
const INVALID_ARGC: &str = "ERR Invalid number of arguments specified for command";
const NO_KEYS: &str = "ERR The command has no key arguments";

/// A subcommand's own name: table entries may spell it `get` or `config|get`.
fn sub_name(sub: &Sub) -> &'static str {
    sub.name.rsplit('|').next().unwrap_or(sub.name)
}

/// Finds the subcommand `argv[1]` of container `cmd` among `subs` and checks its arity (the
/// I/O thread checks only the container's). Returns its name, or replies with Redis's error
/// and returns None.
pub fn sub_arity(ctx: &mut Ctx, cmd: &str, subs: &'static [Sub]) -> Option<&'static str> {
    let asked = ctx.argv.get(1).map_or(&b""[..], |a| &a[..]);
    let Some(sub) = subs
        .iter()
        .find(|s| asked.eq_ignore_ascii_case(sub_name(s).as_bytes()))
    else {
        ctx.error(&error::unknown_subcommand(cmd, asked));
        return None;
    };
    if !arity_ok(sub.arity, ctx.argv.len()) {
        ctx.error(&error::wrong_arity(&format!("{cmd}|{}", sub_name(sub))));
        return None;
    }
    Some(sub_name(sub))
}

/// A command or one of its subcommands, as COMMAND INFO/DOCS name them (`config|get`).
#[derive(Clone, Copy)]
enum Entry {
    Cmd(&'static Command),
    Sub(&'static Command, &'static Sub),
}

impl Entry {
    fn find(name: &[u8]) -> Option<Entry> {
        let Some(bar) = name.iter().position(|&b| b == b'|') else {
            return TABLE.lookup(name).map(|i| Entry::Cmd(TABLE.get(i)));
        };
        let parent = TABLE.get(TABLE.lookup(&name[..bar])?);
        let sub = parent
            .subcommands
            .iter()
            .find(|s| name[bar + 1..].eq_ignore_ascii_case(sub_name(s).as_bytes()))?;
        Some(Entry::Sub(parent, sub))
    }

    fn name(&self) -> String {
        match self {
            Entry::Cmd(c) => c.name.to_string(),
            Entry::Sub(c, s) => format!("{}|{}", c.name, sub_name(s)),
        }
    }

    fn flags(&self) -> u32 {
        match self {
            Entry::Cmd(c) => c.flags,
            Entry::Sub(_, s) => s.flags,
        }
    }

    fn categories(&self) -> Vec<&'static str> {
        match self {
            Entry::Cmd(c) => categories(c.name, c.name, c.group, c.flags),
            Entry::Sub(c, s) => categories(c.name, &self.name(), c.group, s.flags),
        }
    }

    /// This entry, then its subcommands (for listings).
    fn with_subs(cmd: &'static Command) -> impl Iterator<Item = Entry> {
        std::iter::once(Entry::Cmd(cmd))
            .chain(cmd.subcommands.iter().map(move |s| Entry::Sub(cmd, s)))
    }
}

/// ```text
/// COMMAND [COUNT | DOCS | GETKEYS | GETKEYSANDFLAGS | HELP | INFO | LIST] ...
/// ```
fn command(ctx: &mut Ctx) {
    if ctx.argv.len() == 1 {
        return info_all(&mut ctx.out);
    }
    let Some(sub) = sub_arity(ctx, "command", SUBS) else {
        return;
    };
    match sub {
        "count" => ctx.out.int(TABLE.commands.len() as i64),
        "docs" => docs(ctx),
        "getkeys" => getkeys(ctx, false),
        "getkeysandflags" => getkeys(ctx, true),
        "info" => info(ctx),
        "list" => list(ctx),
        _ => {
            ctx.out.help(HELP);
        }
    }
}

fn info_all(out: &mut Out) {
    out.array(TABLE.commands.len());
    for &c in &TABLE.commands {
        write_info(out, Entry::Cmd(c));
    }
}

/// ```text
/// COMMAND INFO [command-name [command-name ...]]
/// ```
fn info(ctx: &mut Ctx) {
    if ctx.argv.len() == 2 {
        return info_all(&mut ctx.out);
    }
    ctx.out.array(ctx.argv.len() - 2);
    for name in &ctx.argv[2..] {
        match Entry::find(name) {
            Some(e) => write_info(&mut ctx.out, e),
            None => ctx.out.null(),
        }
    }
}

/// ```text
/// COMMAND DOCS [command-name [command-name ...]]
/// ```
///
/// Unknown names are left out, as Redis does.
fn docs(ctx: &mut Ctx) {
    let entries: Vec<Entry> = if ctx.argv.len() == 2 {
        TABLE.commands.iter().map(|&c| Entry::Cmd(c)).collect()
    } else {
        ctx.argv[2..]
            .iter()
            .filter_map(|n| Entry::find(n))
            .collect()
    };
    ctx.out.map(entries.len());
    for e in entries {
        ctx.out.bulk(e.name().as_bytes());
        write_doc(&mut ctx.out, e);
    }
}

/// One command's documentation map: summary, since, group, arguments, subcommands.
fn write_doc(out: &mut Out, e: Entry) {
    let (cmd, summary, syntax) = match e {
        Entry::Cmd(c) => (c, c.summary, c.syntax),
        Entry::Sub(c, s) => (c, s.summary, s.syntax),
    };
    let args = docs::parse(syntax);
    let subs = match e {
        Entry::Cmd(c) => c.subcommands,
        Entry::Sub(..) => &[],
    };
    out.map(3 + !args.is_empty() as usize + !subs.is_empty() as usize);
    out.bulk(b"summary");
    out.bulk(summary.as_bytes());
    out.bulk(b"since");
    out.bulk(cmd.since.as_bytes());
    out.bulk(b"group");
    out.bulk(cmd.group.as_bytes());
    if !args.is_empty() {
        out.bulk(b"arguments");
        docs::write(out, &args);
    }
    if !subs.is_empty() {
        out.bulk(b"subcommands");
        out.map(subs.len());
        for s in subs {
            let sub = Entry::Sub(cmd, s);
            out.bulk(sub.name().as_bytes());
            write_doc(out, sub);
        }
    }
}

/// ```text
/// COMMAND LIST [FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]
/// ```
fn list(ctx: &mut Ctx) {
    let filter = match &ctx.argv[2..] {
        [] => None,
        [by, kind, arg] if by.eq_ignore_ascii_case(b"filterby") => {
            let kind = kind.to_ascii_lowercase();
            if !matches!(kind.as_slice(), b"module" | b"aclcat" | b"pattern") {
                return ctx.error(error::SYNTAX);
            }
            Some((kind, arg.clone()))
        }
        _ => return ctx.error(error::SYNTAX),
    };
    let names: Vec<String> = TABLE
        .commands
        .iter()
        .flat_map(|&c| Entry::with_subs(c))
        .filter(|e| match &filter {
            None => true,
            Some((kind, arg)) => match kind.as_slice() {
                b"aclcat" => e
                    .categories()
                    .iter()
                    .any(|c| arg.eq_ignore_ascii_case(c.as_bytes())),
                b"pattern" => glob_match(arg, e.name().as_bytes(), true),
                _ => false, // no modules
            },
        })
        .map(|e| e.name())
        .collect();
    ctx.out.bulks(names.iter().map(|n| n.as_bytes()));
}

/// ```text
/// COMMAND GETKEYS command [arg [arg ...]]
/// COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
/// ```
fn getkeys(ctx: &mut Ctx, with_flags: bool) {
    let full = &ctx.argv[2..];
    let Some(cmd) = TABLE.lookup(&full[0]).map(|i| TABLE.get(i)) else {
        return ctx.error(INVALID_COMMAND);
    };
    if !cmd.arity_ok(full.len()) {
        return ctx.error(INVALID_ARGC);
    }
    let positions = key_positions(cmd.keys, full.len());
    if positions.is_empty() {
        return ctx.error(NO_KEYS);
    }
    ctx.out.array(positions.len());
    for i in positions {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(&full[i]);
            let kf = key_flags(cmd.flags);
            ctx.out.set(kf.len());
            for f in kf {
                ctx.out.simple(f);
            }
        } else {
            ctx.out.bulk(&full[i]);
        }
    }
}

/// The argument positions of the keys of a command of `argc` arguments (name included),
/// from its (first, last, step) spec; never past the end, whatever the spec says.
pub fn key_positions((first, last, step): (i32, i32, i32), argc: usize) -> Vec<usize> {
    if first <= 0 {
        return Vec::new();
    }
    let argc = argc as i64;
    let last = if last < 0 {
        argc + last as i64
    } else {
        last as i64
    };
    let last = last.min(argc - 1);
    let step = step.max(1) as usize;
    let first = first as i64;
    if last < first {
        return Vec::new();
    }
    (first as usize..=last as usize).step_by(step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_positions_follow_the_spec() {
        assert_eq!(key_positions((1, 1, 1), 2), vec![1]);
        assert_eq!(key_positions((1, -1, 2), 5), vec![1, 3]);
        assert_eq!(key_positions((1, -1, 1), 4), vec![1, 2, 3]);
        assert_eq!(key_positions((0, 0, 0), 4), Vec::<usize>::new());
        assert_eq!(key_positions((2, 9, 1), 3), vec![2]);
        assert_eq!(key_positions((3, -1, 1), 2), Vec::<usize>::new());
        assert_eq!(key_positions((1, i32::MIN, 0), 3), Vec::<usize>::new());
    }
}
