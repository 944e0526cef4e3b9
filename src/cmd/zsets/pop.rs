//! ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX, BZMPOP.
//!
//! A blocking pop first tries to serve itself like the plain one. If every key is missing it
//! parks the client (`Ctx::block`) and writes nothing; the executor re-runs it when ZADD,
//! ZINCRBY or a Z*STORE signals one of its keys, or replies nil at the deadline. Where it
//! may not block (MULTI/EXEC) it replies nil at once, as Redis does.

use super::{WrongType, write};
use crate::engine::blocking::{BlockSpec, TimeoutReply};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;
use std::ops::Range;

const NUMKEYS: &str = "ERR numkeys should be greater than 0";
const COUNT: &str = "ERR count should be greater than 0";

/// The reply shapes of the pops (Redis's `genericZpopCommand` flags).
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Name the key the elements came from (the B* and M* forms).
    emit_key: bool,
    /// One `[member, score]` array per element (ZMPOP, and ZPOP with a count in RESP3)
    /// instead of a flat list.
    nested: bool,
}

/// ```text
/// ZPOPMIN key [count]
/// ```
pub(super) fn zpopmin(ctx: &mut Ctx) {
    zpop_generic(ctx, false);
}

/// ```text
/// ZPOPMAX key [count]
/// ```
pub(super) fn zpopmax(ctx: &mut Ctx) {
    zpop_generic(ctx, true);
}

/// ZPOPMIN/ZPOPMAX: a flat `[member, score, ...]`, nested pairs in RESP3 when a count is
/// given, and an empty array for a missing key.
fn zpop_generic(ctx: &mut Ctx, max: bool) {
    if ctx.argv.len() > 3 {
        return ctx.error(error::SYNTAX);
    }
    let count = match ctx.argv.get(2) {
        None => None,
        Some(arg) => match parse_i64(arg).and_then(|n| usize::try_from(n).ok()) {
            Some(n) => Some(n),
            None => return ctx.error(error::NOT_POSITIVE_COUNT),
        },
    };
    let shape = Shape {
        emit_key: false,
        nested: ctx.out.resp3() && count.is_some(),
    };
    if !pop_generic(ctx, 1..2, max, count, shape) {
        ctx.out.array(0);
    }
}

/// ```text
/// BZPOPMIN key [key ...] timeout
/// ```
pub(super) fn bzpopmin(ctx: &mut Ctx) {
    bzpop_generic(ctx, false);
}

/// ```text
/// BZPOPMAX key [key ...] timeout
/// ```
pub(super) fn bzpopmax(ctx: &mut Ctx) {
    bzpop_generic(ctx, true);
}

/// Replies `[key, member, score]` from the first non-empty key, or blocks.
fn bzpop_generic(ctx: &mut Ctx, max: bool) {
    let last = ctx.argv.len() - 1;
    let deadline = match ctx.timeout_arg(&ctx.argv[last], false) {
        Ok(d) => d,
        Err(e) => return ctx.error(e),
    };
    let shape = Shape {
        emit_key: true,
        nested: false,
    };
    if !pop_generic(ctx, 1..last, max, None, shape) {
        block_or_nil(ctx, 1..last, deadline);
    }
}

/// ```text
/// ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
/// ```
pub(super) fn zmpop(ctx: &mut Ctx) {
    mpop_generic(ctx, 1, false);
}

/// ```text
/// BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
/// ```
pub(super) fn bzmpop(ctx: &mut Ctx) {
    mpop_generic(ctx, 2, true);
}

/// ZMPOP and BZMPOP (Redis's `zmpopGenericCommand`): replies `[key, [[member, score], ...]]`,
/// nil when every key is missing (or blocks, for BZMPOP).
fn mpop_generic(ctx: &mut Ctx, numkeys_at: usize, block: bool) {
    let argv = ctx.argv;
    let Some(numkeys) = parse_i64(&argv[numkeys_at])
        .filter(|&n| n > 0)
        .and_then(|n| usize::try_from(n).ok())
    else {
        return ctx.error(NUMKEYS);
    };
    let keys = numkeys_at + 1..numkeys_at.saturating_add(1).saturating_add(numkeys);
    let Some(which) = argv.get(keys.end) else {
        return ctx.error(error::SYNTAX);
    };
    let max = if which.eq_ignore_ascii_case(b"max") {
        true
    } else if which.eq_ignore_ascii_case(b"min") {
        false
    } else {
        return ctx.error(error::SYNTAX);
    };
    let mut count = None;
    let mut j = keys.end + 1;
    while j < argv.len() {
        if count.is_none() && argv[j].eq_ignore_ascii_case(b"count") && j + 1 < argv.len() {
            match parse_i64(&argv[j + 1])
                .filter(|&n| n > 0)
                .and_then(|n| usize::try_from(n).ok())
            {
                Some(n) => count = Some(n),
                None => return ctx.error(COUNT),
            }
            j += 2;
        } else {
            return ctx.error(error::SYNTAX);
        }
    }
    let count = Some(count.unwrap_or(1));
    let shape = Shape {
        emit_key: true,
        nested: true,
    };
    if !block {
        if !pop_generic(ctx, keys, max, count, shape) {
            ctx.out.null_array();
        }
        return;
    }
    let deadline = match ctx.timeout_arg(&argv[1], false) {
        Ok(d) => d,
        Err(e) => return ctx.error(e),
    };
    if !pop_generic(ctx, keys.clone(), max, count, shape) {
        block_or_nil(ctx, keys, deadline);
    }
}

/// Parks the client on the keys at `keys` (argv indexes), or replies nil where blocking is
/// not allowed (inside MULTI), which Redis treats as an immediate timeout.
fn block_or_nil(ctx: &mut Ctx, keys: Range<usize>, deadline: Option<u64>) {
    if !ctx.may_block() {
        return ctx.out.null_array();
    }
    let keys = ctx.argv[keys].to_vec();
    ctx.block(BlockSpec {
        on: crate::engine::blocking::Wait::ZSet,
        keys,
        deadline,
        on_timeout: TimeoutReply::NullArray,
        argv: None,
    });
}

/// Pops from the first existing key among `keys` (argv indexes): one element when `count`
/// is None, else up to `count`. Returns false, having written nothing, when every key is
/// missing; otherwise it has replied (WRONGTYPE if the first existing key is not a sorted
/// set). Deletes the key if it empties.
fn pop_generic(
    ctx: &mut Ctx,
    keys: Range<usize>,
    max: bool,
    count: Option<usize>,
    shape: Shape,
) -> bool {
    let (argv, db) = (ctx.argv, ctx.db);
    let mut found = None;
    for i in keys {
        match write(ctx.srv, db, &argv[i]) {
            Err(WrongType) => {
                ctx.out.error(error::WRONGTYPE);
                return true;
            }
            Ok(None) => continue,
            Ok(Some(z)) => {
                let n = count.unwrap_or(1).min(z.len());
                let popped: Vec<(Bytes, f64)> = (0..n).map_while(|_| z.pop(max)).collect();
                found = Some((i, popped, z.is_empty()));
                break;
            }
        }
    }
    let Some((i, popped, empty)) = found else {
        return false;
    };
    let key = &argv[i];
    if empty {
        let now = ctx.now();
        ctx.db().delete(key, now);
    }
    if !popped.is_empty() {
        ctx.modified(key);
        // BZPOPMIN/BZMPOP/ZMPOP propagate as the ZPOPMIN/ZPOPMAX they became, on the key
        // served, with the count popped (as Redis 7.0).
        if shape.emit_key && ctx.propagating() {
            let name: &'static [u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
            let mut op = vec![Bytes::from_static(name), key.clone()];
            if shape.nested {
                op.push(Bytes::from(popped.len().to_string()));
            }
            ctx.rewrite(op);
        }
    }
    if count == Some(0) {
        // ZPOPMIN key 0 on an existing key.
        ctx.out.array(0);
        return true;
    }
    let out = &mut ctx.out;
    let n = popped.len();
    match (shape.emit_key, shape.nested) {
        (false, false) => out.array(n * 2),
        (false, true) => out.array(n),
        (true, false) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for (m, s) in &popped {
        if shape.nested {
            out.array(2);
        }
        out.bulk(m);
        out.double(*s);
    }
    true
}
