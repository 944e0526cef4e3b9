//! COMMAND and its subcommands: the command table as clients see it (COMMAND INFO for
//! client libraries, COMMAND DOCS for redis-cli's hints, GETKEYS for cluster proxies).
//!
//! Everything is rendered from the table's metadata (`engine/commands.json`) by
//! `describe`. Also home of [`sub_arity`], the subcommand lookup the container commands
//! share.

mod describe;

use crate::cmd::TABLE;
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::engine::table::spec::Spec;
use crate::engine::table::{Handler, flag};
use crate::error;
use crate::util::glob::glob_match;
use describe::{key_flags, subs, write_doc, write_info};

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("command", command)];

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
const INVALID_ARGS: &str = "ERR Invalid arguments specified for command";

/// The subcommand `argv[1]` of container `cmd`, arity checked (the I/O thread checks only
/// the container's): its own name (`get` for `config|get`), or None after replying with
/// Redis's error. Dispatch checks the same before a handler runs; this keeps handlers
/// correct when run directly (tests, EXEC of a queued command).
pub fn sub_arity(ctx: &mut Ctx, cmd: &str) -> Option<&'static str> {
    let asked = ctx.argv.get(1).map_or(&b""[..], |a| &a[..]);
    let Some(sub) = TABLE
        .find(cmd.as_bytes())
        .and_then(|c| c.spec.sub(asked))
        .filter(|s| s.implemented())
    else {
        ctx.error(&error::unknown_subcommand(cmd, asked));
        return None;
    };
    if !sub.arity_ok(ctx.argv.len()) {
        ctx.error(&error::wrong_arity(sub.name));
        return None;
    }
    Some(sub.name.rsplit('|').next().unwrap_or(sub.name))
}

/// Every implemented command, with its implemented subcommands after it.
fn with_subs() -> impl Iterator<Item = &'static Spec> {
    TABLE
        .commands
        .iter()
        .flat_map(|c| std::iter::once(c.spec).chain(subs(c.spec)))
}

/// ```text
/// COMMAND [COUNT | DOCS | GETKEYS | GETKEYSANDFLAGS | HELP | INFO | LIST] ...
/// ```
fn command(ctx: &mut Ctx) {
    if ctx.argv.len() == 1 {
        return info_all(&mut ctx.out);
    }
    let Some(sub) = sub_arity(ctx, "command") else {
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
    for c in &TABLE.commands {
        write_info(out, c.spec);
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
        match TABLE.by_full_name(name) {
            Some(spec) => write_info(&mut ctx.out, spec),
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
    let specs: Vec<&'static Spec> = if ctx.argv.len() == 2 {
        TABLE.commands.iter().map(|c| c.spec).collect()
    } else {
        ctx.argv[2..]
            .iter()
            .filter_map(|n| TABLE.by_full_name(n))
            .collect()
    };
    ctx.out.map(specs.len());
    for spec in specs {
        ctx.out.bulk(spec.name.as_bytes());
        write_doc(&mut ctx.out, spec);
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
    let names: Vec<&[u8]> = with_subs()
        .filter(|s| match &filter {
            None => true,
            Some((kind, arg)) => match kind.as_slice() {
                b"aclcat" => s
                    .acl_categories
                    .iter()
                    .any(|c| arg.eq_ignore_ascii_case(c.as_bytes())),
                b"pattern" => glob_match(arg, s.name.as_bytes(), true),
                _ => false, // no modules
            },
        })
        .map(|s| s.name.as_bytes())
        .collect();
    ctx.out.bulks(names.into_iter());
}

/// ```text
/// COMMAND GETKEYS command [arg [arg ...]]
/// COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
/// ```
/// Checks in Redis's order: the command (a container's subcommand included), whether it
/// takes keys at all, its arity, then the keys its specs find in these arguments.
fn getkeys(ctx: &mut Ctx, with_flags: bool) {
    let full = &ctx.argv[2..];
    let Some(spec) = TABLE.resolve(full) else {
        return ctx.error(INVALID_COMMAND);
    };
    if !spec.has_keys() {
        return ctx.error(NO_KEYS);
    }
    if !spec.arity_ok(full.len()) {
        return ctx.error(INVALID_ARGC);
    }
    let keys = spec.keys(full);
    let n = keys.clone().count();
    if n == 0 {
        if spec.flags & flag::NO_MANDATORY_KEYS != 0 {
            return ctx.out.array(0);
        }
        return ctx.error(INVALID_ARGS);
    }
    ctx.out.array(n);
    for k in keys {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(&full[k.pos]);
            key_flags(&mut ctx.out, k.flags);
        } else {
            ctx.out.bulk(&full[k.pos]);
        }
    }
}
