//! The counters: INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. A missing key counts from 0;
//! an existing key keeps its TTL, since only its value is replaced (Redis's dbOverwrite).

use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::{format_i64, format_incrbyfloat, parse_f64, parse_i64};
use bytes::Bytes;

/// ```text
/// INCR key
/// ```
pub(super) fn incr(ctx: &mut Ctx) {
    incr_generic(ctx, 1);
}

/// ```text
/// DECR key
/// ```
pub(super) fn decr(ctx: &mut Ctx) {
    incr_generic(ctx, -1);
}

/// ```text
/// INCRBY key increment
/// ```
pub(super) fn incrby(ctx: &mut Ctx) {
    match parse_i64(&ctx.argv[2]) {
        Some(delta) => incr_generic(ctx, delta),
        None => ctx.error(error::NOT_INTEGER),
    }
}

/// ```text
/// DECRBY key decrement
/// ```
pub(super) fn decrby(ctx: &mut Ctx) {
    match parse_i64(&ctx.argv[2]) {
        // Its negation does not fit in an i64.
        Some(i64::MIN) => ctx.error(error::DECR_OVERFLOW),
        Some(delta) => incr_generic(ctx, -delta),
        None => ctx.error(error::NOT_INTEGER),
    }
}

/// Adds `delta` to the integer at `argv[1]` and replies with the result. The stored value
/// must parse as Redis's strict integer syntax, and the sum must fit in an i64.
fn incr_generic(ctx: &mut Ctx, delta: i64) {
    let argv = ctx.argv;
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    // Read without recording the access: storing the result records it, once.
    let old = match db.peek(&argv[1], now).map(|n| n.str()) {
        None => 0,
        Some(None) => return ctx.out.error(error::WRONGTYPE),
        Some(Some(s)) => match parse_i64(s) {
            Some(n) => n,
            None => return ctx.out.error(error::NOT_INTEGER),
        },
    };
    let Some(new) = old.checked_add(delta) else {
        return ctx.out.error(error::OVERFLOW);
    };
    let mut text = Vec::with_capacity(20);
    format_i64(&mut text, new);
    // The result goes inline in the key's node (in place when its length is unchanged).
    db.set_str_keep_ttl(&argv[1], &text, now);
    ctx.modified(&argv[1]);
    ctx.out.int(new);
}

/// ```text
/// INCRBYFLOAT key increment
/// ```
/// Replies with the new value as a bulk string, formatted as Redis stores it (no exponent,
/// no trailing zeros). A result that is NaN or infinite is refused and nothing changes.
pub(super) fn incrbyfloat(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    // Redis checks the type, then the stored value, then the increment.
    let old = match db.peek(&argv[1], now).map(|n| n.str()) {
        None => 0.0,
        Some(None) => return ctx.out.error(error::WRONGTYPE),
        Some(Some(s)) => match parse_f64(s) {
            Some(v) => v,
            None => return ctx.out.error(error::NOT_FLOAT),
        },
    };
    let Some(incr) = parse_f64(&argv[2]) else {
        return ctx.out.error(error::NOT_FLOAT);
    };
    let new = old + incr;
    if !new.is_finite() {
        return ctx.out.error(error::INCR_NAN_INF);
    }
    let text = Bytes::from(format_incrbyfloat(new));
    ctx.out.bulk(&text);
    db.set_str_keep_ttl(&argv[1], &text, now);
    ctx.modified(&argv[1]);
    // Replicas and the AOF must not redo float arithmetic (formatting may differ): they get
    // the resulting string, keeping the TTL, as Redis propagates it.
    if ctx.propagating() {
        let key = argv[1].clone();
        ctx.rewrite(vec![
            Bytes::from_static(b"SET"),
            key,
            text,
            Bytes::from_static(b"KEEPTTL"),
        ]);
    }
}
