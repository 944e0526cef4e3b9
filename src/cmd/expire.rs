//! Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME,
//! PEXPIRETIME, PERSIST.
//!
//! Expiry times are absolute Unix milliseconds. Arithmetic follows Redis's
//! `expireGenericCommand` in signed 64 bits, with its overflow checks; a time at or before
//! now deletes the key. Reclaiming expired keys (lazily on access, actively on the timer) is
//! `db/`'s job.

use super::keys::count_lookup;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("expire", expire),
    ("pexpire", pexpire),
    ("expireat", expireat),
    ("pexpireat", pexpireat),
    ("ttl", ttl),
    ("pttl", pttl),
    ("expiretime", expiretime),
    ("pexpiretime", pexpiretime),
    ("persist", persist),
];

/// The condition EXPIRE's NX/XX/GT/LT options put on the change.
#[derive(Clone, Copy, Default)]
struct When {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl When {
    /// Whether the new expiry `at` may replace `current` (None: the key has no TTL, which
    /// GT and LT treat as an infinite TTL).
    fn allows(self, current: Option<u64>, at: i64) -> bool {
        // Compare in i64, as Redis: `at` may be negative (it then deletes the key).
        let current = current.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
        if self.nx && current.is_some() || self.xx && current.is_none() {
            return false;
        }
        if self.gt && current.is_none_or(|c| at <= c) {
            return false;
        }
        if self.lt && current.is_some_and(|c| at >= c) {
            return false;
        }
        true
    }
}

/// ```text
/// EXPIRE key seconds [NX | XX | GT | LT]
/// ```
fn expire(ctx: &mut Ctx) {
    let now = ctx.now();
    expire_generic(ctx, "expire", now, 1000);
}

/// ```text
/// PEXPIRE key milliseconds [NX | XX | GT | LT]
/// ```
fn pexpire(ctx: &mut Ctx) {
    let now = ctx.now();
    expire_generic(ctx, "pexpire", now, 1);
}

/// ```text
/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
/// ```
fn expireat(ctx: &mut Ctx) {
    expire_generic(ctx, "expireat", 0, 1000);
}

/// ```text
/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
/// ```
fn pexpireat(ctx: &mut Ctx) {
    expire_generic(ctx, "pexpireat", 0, 1);
}

/// Sets the key's expiry to `base + argv[2] * unit` milliseconds (`name` is for the error).
/// Options are checked before the number, as Redis does. Replies 1 if the expiry was set
/// (or the key deleted because that time has passed), 0 if the key is missing or the
/// condition failed.
fn expire_generic(ctx: &mut Ctx, name: &str, base: u64, unit: i64) {
    let when = match parse_when(&ctx.argv[3..]) {
        Ok(w) => w,
        Err(msg) => return ctx.error(&msg),
    };
    let Some(n) = parse_i64(&ctx.argv[2]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let base = i64::try_from(base).unwrap_or(i64::MAX);
    let Some(at) = n.checked_mul(unit).and_then(|ms| ms.checked_add(base)) else {
        return ctx.error(&error::invalid_expire(name));
    };
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let Some(current) = db.expiry(&ctx.argv[1], now) else {
        return ctx.out.int(0);
    };
    if !when.allows(current, at) {
        return ctx.out.int(0);
    }
    let key = ctx.argv[1].clone();
    // Propagated as the absolute time it became, or as the DEL it was (as Redis 7.0).
    let propagated = match u64::try_from(at) {
        Ok(at) if at > now => {
            db.set_expire(&key, Some(at), now);
            let at = bytes::Bytes::from(at.to_string());
            vec![bytes::Bytes::from_static(b"PEXPIREAT"), key.clone(), at]
        }
        _ => {
            db.delete(&key, now);
            vec![bytes::Bytes::from_static(b"DEL"), key.clone()]
        }
    };
    ctx.modified(&key);
    if ctx.propagating() {
        ctx.rewrite(propagated);
    }
    ctx.out.int(1);
}

/// Parses NX/XX/GT/LT, with Redis's error replies for unknown and conflicting options.
fn parse_when(args: &[bytes::Bytes]) -> Result<When, String> {
    let mut w = When::default();
    for opt in args {
        if opt.eq_ignore_ascii_case(b"nx") {
            w.nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            w.xx = true;
        } else if opt.eq_ignore_ascii_case(b"gt") {
            w.gt = true;
        } else if opt.eq_ignore_ascii_case(b"lt") {
            w.lt = true;
        } else {
            // Redis formats the option as a C string: it ends at the first NUL.
            let name = opt.split(|&b| b == 0).next().unwrap_or_default();
            return Err(format!("ERR Unsupported option {}", error::sanitize(name)));
        }
    }
    if w.nx && (w.xx || w.gt || w.lt) {
        return Err(error::NX_XX_GT_LT.to_string());
    }
    if w.gt && w.lt {
        return Err(error::GT_LT.to_string());
    }
    Ok(w)
}

/// ```text
/// TTL key
/// ```
fn ttl(ctx: &mut Ctx) {
    ttl_generic(ctx, false, false);
}

/// ```text
/// PTTL key
/// ```
fn pttl(ctx: &mut Ctx) {
    ttl_generic(ctx, true, false);
}

/// ```text
/// EXPIRETIME key
/// ```
fn expiretime(ctx: &mut Ctx) {
    ttl_generic(ctx, false, true);
}

/// ```text
/// PEXPIRETIME key
/// ```
fn pexpiretime(ctx: &mut Ctx) {
    ttl_generic(ctx, true, true);
}

/// Replies -2 for a missing key, -1 for a key without TTL, else the time left (or, with
/// `absolute`, the expiry time) in milliseconds or in seconds rounded to nearest.
fn ttl_generic(ctx: &mut Ctx, ms: bool, absolute: bool) {
    let argv = ctx.argv;
    let now = ctx.now();
    let expiry = ctx.srv.dbs[ctx.db].expiry(&ctx.argv[1], now);
    count_lookup(ctx, &argv[1], expiry.is_some());
    let t = match expiry {
        None => return ctx.out.int(-2),
        Some(None) => return ctx.out.int(-1),
        Some(Some(at)) if absolute => at,
        Some(Some(at)) => at.saturating_sub(now),
    };
    let t = i64::try_from(t).unwrap_or(i64::MAX);
    if ms {
        ctx.out.int(t);
    } else {
        // (t + 500) / 1000 without the overflow near i64::MAX.
        ctx.out.int(t / 1000 + i64::from(t % 1000 >= 500));
    }
}

/// ```text
/// PERSIST key
/// ```
fn persist(ctx: &mut Ctx) {
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let removed = matches!(db.expiry(&ctx.argv[1], now), Some(Some(_)))
        && db.set_expire(&ctx.argv[1], None, now);
    if removed {
        let key = ctx.argv[1].clone();
        ctx.modified(&key);
    }
    ctx.out.int(i64::from(removed));
}

#[cfg(test)]
#[path = "expire_tests.rs"]
mod tests;
