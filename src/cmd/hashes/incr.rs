//! HINCRBY and HINCRBYFLOAT: a field counts from 0 when missing, and the hash is created when
//! the key is missing. Redis checks the increment first, then the key's type, then the
//! stored value, so the errors come in that order; nothing changes when one is returned.

use crate::db::{Hash, WrongType};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::{format_i64, format_incrbyfloat, parse_f64, parse_i64};
use bytes::Bytes;

const NOT_INTEGER_VALUE: &str = "ERR hash value is not an integer";
const NOT_FLOAT_VALUE: &str = "ERR hash value is not a float";
const NAN_OR_INF: &str = "ERR value is NaN or Infinity";

/// ```text
/// HINCRBY key field increment
/// ```
pub(super) fn hincrby(ctx: &mut Ctx) {
    let Some(incr) = parse_i64(&ctx.argv[3]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let new = match stored(ctx, parse_i64) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => incr,
        Ok(Some(old)) => {
            let Some(old) = old else {
                return ctx.error(NOT_INTEGER_VALUE);
            };
            let Some(new) = old.checked_add(incr) else {
                return ctx.error(error::OVERFLOW);
            };
            new
        }
    };
    let mut text = Vec::with_capacity(20);
    format_i64(&mut text, new);
    store(ctx, text);
    ctx.out.int(new);
}

/// ```text
/// HINCRBYFLOAT key field increment
/// ```
/// Replies with the new value as a bulk string, formatted as it is stored (no exponent, no
/// trailing zeros, as INCRBYFLOAT).
pub(super) fn hincrbyfloat(ctx: &mut Ctx) {
    let Some(incr) = parse_f64(&ctx.argv[3]) else {
        return ctx.error(error::NOT_FLOAT);
    };
    // The parser accepts "inf"; NaN never parses.
    if !incr.is_finite() {
        return ctx.error(NAN_OR_INF);
    }
    let old = match stored(ctx, parse_f64) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => 0.0,
        Ok(Some(old)) => match old {
            Some(v) => v,
            None => return ctx.error(NOT_FLOAT_VALUE),
        },
    };
    let new = old + incr;
    if !new.is_finite() {
        return ctx.error(error::INCR_NAN_INF);
    }
    let text = format_incrbyfloat(new);
    ctx.out.bulk(&text);
    // Propagated as the value it became: replicas must not redo float arithmetic.
    if ctx.propagating() {
        let (key, field) = (ctx.argv[1].clone(), ctx.argv[2].clone());
        let value = Bytes::copy_from_slice(&text);
        ctx.rewrite(vec![Bytes::from_static(b"HSET"), key, field, value]);
    }
    store(ctx, text);
}

/// The current value of the field `argv[2]` of the hash `argv[1]`, parsed by `parse`:
/// `Ok(None)` when the key or the field is missing, `Ok(Some(None))` when it does not parse.
fn stored<T>(ctx: &mut Ctx, parse: fn(&[u8]) -> Option<T>) -> Result<Option<Option<T>>, WrongType> {
    let now = ctx.now();
    let h = ctx.srv.dbs[ctx.db].typed_mut::<Hash>(&ctx.argv[1], now)?;
    Ok(h.and_then(|h| h.get(&ctx.argv[2])).map(parse))
}

/// Stores `text` in the field `argv[2]` of the hash `argv[1]`, creating either as needed.
/// The type was checked by [`stored`], so the lookup cannot fail.
fn store(ctx: &mut Ctx, text: Vec<u8>) {
    let now = ctx.now();
    let limits = ctx.srv.config.enc;
    if let Ok(h) = ctx.srv.dbs[ctx.db].typed_or_create::<Hash>(&ctx.argv[1], now) {
        h.insert(&ctx.argv[2], &text, &limits);
        let key = ctx.argv[1].clone();
        ctx.modified(&key);
    }
}
