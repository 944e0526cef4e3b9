//! The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
//!
//! Each first does what its non-blocking form does, checking its keys in argument order. If
//! every key is missing it blocks on them (`Ctx::block`, writing nothing); the executor
//! re-runs the same handler when one of them is signalled, and the re-run serves the client
//! or blocks again. Where blocking is not allowed (inside MULTI) the command replies as if
//! it had timed out, at once, whatever its timeout.
//!
//! Redis 7.0 answers a timed-out list command with a null array, BLMOVE and BRPOPLPUSH
//! included, although in MULTI those two reply a null bulk string: both quirks are kept.

use super::pop::{Reply, move_generic, parse_mpop, pop_first};
use crate::db::list::End;
use crate::engine::blocking::{BlockSpec, TimeoutReply};
use crate::engine::ctx::Ctx;
use crate::error;
use bytes::Bytes;

/// ```text
/// BLPOP key [key ...] timeout
/// ```
pub(super) fn blpop(ctx: &mut Ctx) {
    bpop_generic(ctx, End::Left);
}

/// ```text
/// BRPOP key [key ...] timeout
/// ```
pub(super) fn brpop(ctx: &mut Ctx) {
    bpop_generic(ctx, End::Right);
}

/// Replies `[key, element]` from the first key holding a list. The timeout is checked
/// before the keys, as Redis does.
fn bpop_generic(ctx: &mut Ctx, end: End) {
    let argv = ctx.argv;
    let last = argv.len() - 1;
    let deadline = match ctx.timeout_arg(&argv[last], false) {
        Ok(d) => d,
        Err(e) => return ctx.error(e),
    };
    let keys = &argv[1..last];
    if !pop_first(ctx, keys, end, 1, Reply::Flat) {
        block_or_null(ctx, keys, deadline, Null::Array);
    }
}

/// ```text
/// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
/// ```
pub(super) fn blmove(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (Some(from), Some(to)) = (End::parse(&argv[3]), End::parse(&argv[4])) else {
        return ctx.error(error::SYNTAX);
    };
    bmove_generic(ctx, from, to, &argv[5]);
}

/// ```text
/// BRPOPLPUSH source destination timeout
/// ```
pub(super) fn brpoplpush(ctx: &mut Ctx) {
    let argv = ctx.argv;
    bmove_generic(ctx, End::Right, End::Left, &argv[3]);
}

/// Replies with the moved element. Blocks only on the source: a destination of the wrong
/// type is reported when there is something to move, as LMOVE would.
fn bmove_generic(ctx: &mut Ctx, from: End, to: End, timeout: &[u8]) {
    let argv = ctx.argv;
    let deadline = match ctx.timeout_arg(timeout, false) {
        Ok(d) => d,
        Err(e) => return ctx.error(e),
    };
    if !move_generic(ctx, &argv[1], &argv[2], from, to) {
        return block_or_null(ctx, &argv[1..2], deadline, Null::Bulk);
    }
    // Served: propagated as the LMOVE it became (it counts only if something moved).
    if ctx.propagating() {
        let side = |e: End| Bytes::from_static(if e == End::Left { b"left" } else { b"right" });
        let (src, dst) = (argv[1].clone(), argv[2].clone());
        ctx.rewrite(vec![
            Bytes::from_static(b"LMOVE"),
            src,
            dst,
            side(from),
            side(to),
        ]);
    }
}

/// ```text
/// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
/// ```
/// Replies `[key, [element ...]]` as LMPOP. Redis checks numkeys, the end and COUNT before
/// the timeout.
pub(super) fn blmpop(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let m = match parse_mpop(argv, 2) {
        Ok(m) => m,
        Err(e) => return ctx.error(e),
    };
    let deadline = match ctx.timeout_arg(&argv[1], false) {
        Ok(d) => d,
        Err(e) => return ctx.error(e),
    };
    if !pop_first(ctx, m.keys, m.end, m.count, Reply::Nested) {
        block_or_null(ctx, m.keys, deadline, Null::Array);
    }
}

/// The reply of a blocking command that may not block and found nothing.
#[derive(Debug, Clone, Copy)]
enum Null {
    Array,
    Bulk,
}

/// Nothing to serve: blocks on `keys` until `deadline`, or, where blocking is not allowed,
/// replies `now` at once.
fn block_or_null(ctx: &mut Ctx, keys: &[Bytes], deadline: Option<u64>, now: Null) {
    if !ctx.may_block() {
        match now {
            Null::Array => ctx.out.null_array(),
            Null::Bulk => ctx.out.null(),
        }
        return;
    }
    ctx.block(BlockSpec {
        on: crate::engine::blocking::Wait::List,
        // Copies: a slice would pin the client's whole read buffer while it waits.
        keys: keys.iter().map(|k| Bytes::copy_from_slice(k)).collect(),
        deadline,
        on_timeout: TimeoutReply::NullArray,
        argv: None,
    });
}
