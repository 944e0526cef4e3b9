//! Hash commands: HSET and friends, with Redis 7.0's replies, error strings and RESP3 types
//! (HGETALL is a map).
//!
//! This file holds the command table, the lookups every hash command shares and the plain
//! field commands. `incr.rs` holds HINCRBY/HINCRBYFLOAT, `random.rs` HRANDFIELD and `scan.rs`
//! HSCAN with the cursor and option parsing SSCAN shares.
//!
//! Reads go through [`read`], which counts keyspace hits and misses as Redis's
//! `lookupKeyRead` does; writes look keys up without counting (`lookupKeyWrite`). A hash
//! that loses its last field is deleted, as Redis never keeps an empty collection.
//!
//! Field order: a small hash is packed in insertion order and HDEL closes the gap, as in
//! Redis's listpack, so HGETALL and friends answer in Redis's order (`db/hash.rs`).

mod incr;
mod random;
pub(crate) mod scan;
#[cfg(test)]
mod tests;

use crate::db::{Hash, WrongType};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("hset", hset),
    ("hsetnx", hsetnx),
    ("hget", hget),
    ("hmset", hmset),
    ("hmget", hmget),
    ("hgetall", hgetall),
    ("hdel", hdel),
    ("hexists", hexists),
    ("hlen", hlen),
    ("hkeys", hkeys),
    ("hvals", hvals),
    ("hincrby", incr::hincrby),
    ("hincrbyfloat", incr::hincrbyfloat),
    ("hstrlen", hstrlen),
    ("hrandfield", random::hrandfield),
    ("hscan", scan::hscan),
];

/// ```text
/// HSET key field value [field value ...]
/// ```
/// Replies with the number of fields that were added (not updated).
fn hset(ctx: &mut Ctx) {
    if let Some(added) = hset_generic(ctx, "hset") {
        ctx.out.int(added);
    }
}

/// ```text
/// HMSET key field value [field value ...]
/// ```
fn hmset(ctx: &mut Ctx) {
    if hset_generic(ctx, "hmset").is_some() {
        ctx.out.ok();
    }
}

/// Sets every field/value pair; returns how many fields are new, or `None` once an error is
/// written. A field named twice takes the last value.
fn hset_generic(ctx: &mut Ctx, name: &str) -> Option<i64> {
    let argv = ctx.argv;
    // The arity only says "at least 4": the pairs must be complete.
    if !argv.len().is_multiple_of(2) {
        ctx.error(&error::wrong_arity(name));
        return None;
    }
    let now = ctx.now();
    let limits = ctx.srv.config.enc;
    let Ok(h) = ctx.srv.dbs[ctx.db].typed_or_create::<Hash>(&argv[1], now) else {
        ctx.error(error::WRONGTYPE);
        return None;
    };
    let added = argv[2..]
        .chunks_exact(2)
        .filter(|pair| h.insert(&pair[0], &pair[1], &limits))
        .count();
    ctx.modified_n(&argv[1], ((argv.len() - 2) / 2) as u64);
    Some(added as i64)
}

/// ```text
/// HSETNX key field value
/// ```
fn hsetnx(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let limits = ctx.srv.config.enc;
    let h = match ctx.srv.dbs[ctx.db].typed_or_create::<Hash>(&argv[1], now) {
        Ok(h) => h,
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
    };
    if h.contains(&argv[2]) {
        return ctx.out.int(0);
    }
    h.insert(&argv[2], &argv[3], &limits);
    ctx.modified(&argv[1]);
    ctx.out.int(1);
}

/// ```text
/// HGET key field
/// ```
fn hget(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(h) => match h.and_then(|h| h.get(&ctx.argv[2])) {
            Some(v) => ctx.out.bulk(v),
            None => ctx.out.null(),
        },
    }
}

/// ```text
/// HMGET key field [field ...]
/// ```
/// One reply per field, nil for a missing field (all nil for a missing key).
fn hmget(ctx: &mut Ctx) {
    let fields = &ctx.argv[2..];
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(h) => {
            ctx.out.array(fields.len());
            for f in fields {
                match h.and_then(|h| h.get(f)) {
                    Some(v) => ctx.out.bulk(v),
                    None => ctx.out.null(),
                }
            }
        }
    }
}

/// ```text
/// HGETALL key
/// ```
/// A map in RESP3, a flat field/value array in RESP2.
fn hgetall(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.map(0),
        Ok(Some(h)) => {
            ctx.out.map(h.len());
            for (f, v) in h.iter() {
                ctx.out.bulk(f);
                ctx.out.bulk(v);
            }
        }
    }
}

/// ```text
/// HKEYS key
/// ```
fn hkeys(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.array(0),
        Ok(Some(h)) => ctx.out.bulks(h.fields()),
    }
}

/// ```text
/// HVALS key
/// ```
fn hvals(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.array(0),
        Ok(Some(h)) => ctx.out.bulks(h.values()),
    }
}

/// ```text
/// HDEL key field [field ...]
/// ```
/// Replies with how many fields were removed; deletes the hash when none remain.
fn hdel(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let h = match db.typed_mut::<crate::db::Hash>(&argv[1], now) {
        Ok(Some(h)) => h,
        Ok(None) => return ctx.out.int(0),
        Err(_) => return ctx.out.error(error::WRONGTYPE),
    };
    let removed = argv[2..].iter().filter(|f| h.remove(f)).count() as i64;
    if h.is_empty() {
        db.remove(&argv[1]);
    }
    if removed > 0 {
        ctx.modified_n(&argv[1], removed as u64);
    }
    ctx.out.int(removed);
}

/// ```text
/// HEXISTS key field
/// ```
fn hexists(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(h) => {
            let found = h.is_some_and(|h| h.contains(&ctx.argv[2]));
            ctx.out.int(i64::from(found));
        }
    }
}

/// ```text
/// HLEN key
/// ```
fn hlen(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(h) => ctx.out.int(h.map_or(0, |h| h.len() as i64)),
    }
}

/// ```text
/// HSTRLEN key field
/// ```
/// 0 for a missing field or key.
fn hstrlen(ctx: &mut Ctx) {
    match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(h) => {
            let len = h
                .and_then(|h| h.get(&ctx.argv[2][..]))
                .map_or(0, |v| v.len());
            ctx.out.int(len as i64);
        }
    }
}
