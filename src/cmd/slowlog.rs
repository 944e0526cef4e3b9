//! SLOWLOG GET / LEN / RESET / HELP over the executor's slow log (`engine/slowlog.rs`).

use super::command::sub_arity;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::util::number::parse_i64;

pub const HANDLERS: &[(&str, Handler)] = &[("slowlog", slowlog)];

const HELP: &[&str] = &[
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
];

/// Entries SLOWLOG GET returns when no count is given.
const DEFAULT_COUNT: usize = 10;

/// ```text
/// SLOWLOG <GET [count] | LEN | RESET | HELP>
/// ```
fn slowlog(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "slowlog") else {
        return;
    };
    match sub {
        "get" => get(ctx),
        "len" => {
            let n = ctx.srv.slowlog.entries.len();
            ctx.out.int(n as i64);
        }
        "reset" => {
            ctx.srv.slowlog.entries.clear();
            ctx.out.ok();
        }
        _ => ctx.out.help(HELP),
    }
}

/// ```text
/// SLOWLOG GET [count]
/// ```
fn get(ctx: &mut Ctx) {
    let count = match ctx.argv.get(2) {
        None => DEFAULT_COUNT,
        Some(arg) => match parse_i64(arg) {
            Some(-1) => usize::MAX,
            Some(n) if n >= 0 => n as usize,
            _ => return ctx.error("ERR count should be greater than or equal to -1"),
        },
    };
    let log = &ctx.srv.slowlog;
    let n = count.min(log.entries.len());
    ctx.out.array(n);
    for e in log.entries.iter().take(n) {
        ctx.out.array(6);
        ctx.out.int(e.id as i64);
        ctx.out.int(e.time as i64);
        ctx.out.int(e.usec as i64);
        ctx.out.bulks(e.argv.iter().map(|a| &a[..]));
        ctx.out.bulk(e.addr.as_bytes());
        ctx.out.bulk(&e.name);
    }
}
