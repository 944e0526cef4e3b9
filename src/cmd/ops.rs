//! Commands that answer for features muxis has no part of (replication, cluster) the way a
//! standalone Redis 7.0 master without replicas answers: ROLE, WAIT, READONLY, READWRITE,
//! ASKING; and LOLWUT.

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
    ("lolwut", lolwut),
];

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
