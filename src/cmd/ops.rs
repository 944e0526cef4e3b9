//! Commands that answer for features muxis has no part of (replication, cluster, modules)
//! the way a standalone Redis 7.0 master without replicas or modules answers: ROLE, WAIT,
//! READONLY, READWRITE, ASKING, CLUSTER, FAILOVER, REPLICAOF/SLAVEOF NO ONE, MODULE; and
//! LOLWUT.

use super::connection::REDIS_VERSION;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

pub const HANDLERS: &[(&str, Handler)] = &[
    ("role", role),
    ("wait", wait),
    ("readonly", no_cluster),
    ("readwrite", no_cluster),
    ("asking", no_cluster),
    // Every subcommand: the I/O thread and dispatch already refused unknown ones.
    ("cluster", no_cluster),
    ("failover", failover),
    ("replicaof", replicaof),
    ("slaveof", replicaof),
    ("module", module),
    ("lolwut", lolwut),
];

/// ```text
/// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]
/// ```
/// The arguments are checked as Redis does; then, with no replica to hand over to, Redis's
/// refusal.
fn failover(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (mut to, mut timeout, mut force, mut abort) = (false, false, false, false);
    let mut j = 1;
    while j < argv.len() {
        let more = argv.len() - j - 1;
        let a = &argv[j];
        if a.eq_ignore_ascii_case(b"to") && !to && more >= 2 {
            if parse_i64(&argv[j + 2]).is_none() {
                return ctx.error(error::NOT_INTEGER);
            }
            to = true;
            j += 2;
        } else if a.eq_ignore_ascii_case(b"timeout") && !timeout && more >= 1 {
            match parse_i64(&argv[j + 1]) {
                None => return ctx.error(error::NOT_INTEGER),
                Some(t) if t <= 0 => {
                    return ctx.error("ERR FAILOVER timeout must be greater than 0");
                }
                Some(_) => {}
            }
            timeout = true;
            j += 1;
        } else if a.eq_ignore_ascii_case(b"force") && !force {
            force = true;
        } else if a.eq_ignore_ascii_case(b"abort") && !abort {
            abort = true;
        } else {
            return ctx.error(error::SYNTAX);
        }
        j += 1;
    }
    if abort && (to || timeout || force) {
        return ctx.error(error::SYNTAX);
    }
    if abort {
        return ctx.error("ERR No failover in progress.");
    }
    ctx.error("ERR FAILOVER requires connected replicas.")
}

/// ```text
/// REPLICAOF host port | NO ONE
/// ```
/// NO ONE: already a master, +OK. Following another server needs replication, which
/// muxis does not have yet: refused after Redis's port check.
fn replicaof(ctx: &mut Ctx) {
    let argv = ctx.argv;
    if argv[1].eq_ignore_ascii_case(b"no") && argv[2].eq_ignore_ascii_case(b"one") {
        return ctx.out.ok();
    }
    if parse_i64(&argv[2]).is_none_or(|p| !(0..=65535).contains(&p)) {
        return ctx.error("ERR Invalid master port");
    }
    ctx.error("ERR muxis does not support replication: it cannot become a replica")
}

const MODULE_HELP: &[&str] = &[
    "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
    "HELP",
    "    Prints this help.",
];

const MODULE_NOT_ALLOWED: &str = "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// ```text
/// MODULE HELP | LIST | LOAD path [arg ...] | LOADEX path ... | UNLOAD name
/// ```
/// No module is loaded, and muxis has no module API: LIST is empty, LOAD fails as a
/// library that cannot be loaded does in Redis, UNLOAD finds no such module. LOAD, LOADEX
/// and UNLOAD are behind `enable-module-command`, as in Redis.
fn module(ctx: &mut Ctx) {
    let sub = ctx.arg(1).to_ascii_lowercase();
    match &sub[..] {
        b"help" => ctx.out.help(MODULE_HELP),
        b"list" => ctx.out.array(0),
        _ if !super::debug::protected_allowed(ctx, "enable-module-command") => {
            ctx.error(MODULE_NOT_ALLOWED)
        }
        b"unload" => ctx.error("ERR Error unloading module: no such module with that name"),
        _ => ctx.error("ERR Error loading the extension. Please check the server logs."),
    }
}

/// ```text
/// ROLE
/// ```
/// A master with no replicas at offset 0.
fn role(ctx: &mut Ctx) {
    ctx.out.array(3);
    ctx.out.bulk(b"master");
    ctx.out.int(0);
    ctx.out.array(0);
}

/// ```text
/// WAIT numreplicas timeout
/// ```
/// No replica can acknowledge anything: 0 at once.
fn wait(ctx: &mut Ctx) {
    if parse_i64(ctx.arg(1)).is_none() {
        return ctx.error(error::NOT_INTEGER);
    }
    match parse_i64(ctx.arg(2)) {
        None => ctx.error("ERR timeout is not an integer or out of range"),
        Some(t) if t < 0 => ctx.error("ERR timeout is negative"),
        Some(_) => ctx.out.int(0),
    }
}

fn no_cluster(ctx: &mut Ctx) {
    ctx.error("ERR This instance has cluster support disabled");
}

/// ```text
/// LOLWUT [VERSION version]
/// ```
/// The version line every LOLWUT ends with (without Redis's generative art).
fn lolwut(ctx: &mut Ctx) {
    // As Redis, only `VERSION v` is read; other arguments are ignored.
    let argv = ctx.argv;
    if argv.len() == 3 && argv[1].eq_ignore_ascii_case(b"version") && parse_i64(&argv[2]).is_none()
    {
        return ctx.error(error::NOT_INTEGER);
    }
    let text = format!("Redis ver. {REDIS_VERSION}\n");
    ctx.out.verbatim(text.as_bytes());
}
