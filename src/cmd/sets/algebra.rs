//! SINTER, SUNION, SDIFF, their STORE variants and SINTERCARD.
//!
//! As in Redis, every source key is looked up first (a counted read each, a missing key
//! being an empty set) and the first one of another type stops the command with WRONGTYPE,
//! before anything is computed. The destination of a STORE variant is overwritten whatever
//! it held (its TTL goes too), and deleted when the result is empty.
//!
//! The result is built afresh as Redis builds it (an intset that converts as it grows, see
//! `db/set.rs`), so a STORE destination gets the encoding Redis would give it and a reply
//! lists an all-integer result in ascending order. A `Db` lookup borrows the whole
//! database, so the sources are copied out of it first (the sizes only for the choices).

use super::reply_members;
use crate::cmd::read_value as read;
use crate::db::WrongType;
use crate::db::{Db, Set, Value};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

const NUMKEYS: &str = "ERR numkeys should be greater than 0";
const TOO_MANY_KEYS: &str = "ERR Number of keys can't be greater than number of args";
const NEGATIVE_LIMIT: &str = "ERR LIMIT can't be negative";

/// Which set operation.
#[derive(Clone, Copy)]
enum Op {
    Inter,
    Union,
    Diff,
}

/// ```text
/// SINTER key [key ...]
/// ```
pub(super) fn sinter(ctx: &mut Ctx) {
    reply_generic(ctx, Op::Inter);
}

/// ```text
/// SUNION key [key ...]
/// ```
pub(super) fn sunion(ctx: &mut Ctx) {
    reply_generic(ctx, Op::Union);
}

/// ```text
/// SDIFF key [key ...]
/// ```
/// The members of the first set that are in none of the others.
pub(super) fn sdiff(ctx: &mut Ctx) {
    reply_generic(ctx, Op::Diff);
}

/// ```text
/// SINTERSTORE destination key [key ...]
/// ```
pub(super) fn sinterstore(ctx: &mut Ctx) {
    store_generic(ctx, Op::Inter);
}

/// ```text
/// SUNIONSTORE destination key [key ...]
/// ```
pub(super) fn sunionstore(ctx: &mut Ctx) {
    store_generic(ctx, Op::Union);
}

/// ```text
/// SDIFFSTORE destination key [key ...]
/// ```
pub(super) fn sdiffstore(ctx: &mut Ctx) {
    store_generic(ctx, Op::Diff);
}

/// Replies with the result of `op` over `argv[1..]` as a set.
fn reply_generic(ctx: &mut Ctx, op: Op) {
    let argv = ctx.argv;
    match compute(ctx, &argv[1..], op) {
        Ok(result) => reply_members(&mut ctx.out, &result),
        Err(WrongType) => ctx.error(error::WRONGTYPE),
    }
}

/// Stores the result of `op` over `argv[2..]` at `argv[1]` and replies with its size.
fn store_generic(ctx: &mut Ctx, op: Op) {
    let argv = ctx.argv;
    let result = match compute(ctx, &argv[2..], op) {
        Ok(result) => result,
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
    };
    let n = result.len();
    let now = ctx.now();
    let db = ctx.db();
    let changed = if n == 0 {
        db.delete(&argv[1], now).is_some()
    } else {
        db.set(&argv[1], Value::Set(result), None);
        true
    };
    if changed {
        ctx.modified(&argv[1]);
    }
    ctx.out.int(n as i64);
}

/// ```text
/// SINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
/// The size of the intersection, capped at LIMIT when it is not 0.
pub(super) fn sintercard(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let numkeys = match parse_i64(&argv[1]) {
        Some(n) if n >= 1 => n,
        _ => return ctx.error(NUMKEYS),
    };
    let Some(end) = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(2))
        .filter(|&end| end <= argv.len())
    else {
        return ctx.error(TOO_MANY_KEYS);
    };
    let mut limit = 0;
    let mut i = end;
    while i < argv.len() {
        if argv[i].eq_ignore_ascii_case(b"limit") && i + 1 < argv.len() {
            limit = match parse_i64(&argv[i + 1]) {
                Some(n) if n >= 0 => n,
                _ => return ctx.error(NEGATIVE_LIMIT),
            };
            i += 2;
        } else {
            return ctx.error(error::SYNTAX);
        }
    }
    match compute(ctx, &argv[2..end], Op::Inter) {
        Ok(result) => {
            let n = result.len() as i64;
            ctx.out.int(if limit > 0 { n.min(limit) } else { n });
        }
        Err(WrongType) => ctx.error(error::WRONGTYPE),
    }
}

/// Looks up every key of `keys` (counted reads, stopping at the first key of another type),
/// then computes `op` over them as Redis's `sinterGenericCommand` and
/// `sunionDiffGenericCommand` do.
fn compute(ctx: &mut Ctx, keys: &[Bytes], op: Op) -> Result<Set, WrongType> {
    // Each source's size, None when missing.
    let mut sizes = Vec::with_capacity(keys.len());
    for key in keys {
        match read(ctx.srv, ctx.db, key) {
            None => sizes.push(None),
            Some(crate::db::ValueRef::Set(s)) => sizes.push(Some(s.len())),
            Some(_) => return Err(WrongType),
        }
    }
    let now = ctx.now();
    let mut result = Set::with_limit(ctx.srv.config.enc.set_intset_entries);
    let db = ctx.db();
    match op {
        Op::Inter => {
            // A missing key is an empty set, and so is the intersection.
            let Some(sizes) = sizes.into_iter().collect::<Option<Vec<usize>>>() else {
                return Ok(result);
            };
            // The smallest set is walked; the others are asked about each member.
            let smallest = (0..keys.len()).min_by_key(|&i| sizes[i]).unwrap_or(0);
            let Some(first) = peek(db, &keys[smallest], now).map(members) else {
                return Ok(result);
            };
            for m in first {
                let in_all = keys.iter().enumerate().all(|(i, key)| {
                    i == smallest || peek(db, key, now).is_some_and(|s| s.contains(&m))
                });
                if in_all {
                    result.insert_bytes(m);
                }
            }
        }
        Op::Union => {
            for key in keys {
                if let Some(s) = peek(db, key, now).map(members) {
                    s.into_iter().for_each(|m| {
                        result.insert_bytes(m);
                    });
                }
            }
        }
        Op::Diff => {
            let Some(first) = keys.first().and_then(|k| peek(db, k, now)).map(members) else {
                return Ok(result);
            };
            // The same key again subtracts everything.
            if keys[1..].iter().any(|k| k == &keys[0]) {
                return Ok(result);
            }
            // Redis's choice: walk the first set asking the others (1), or copy it and
            // remove the others' members (2), whichever looks cheaper. It shows: a copy
            // that outgrows the intset stays a table when removals shrink it again.
            let present = sizes.iter().flatten();
            let one = present.clone().count() * first.len() / 2;
            let two: usize = present.sum();
            if one <= two {
                for m in first {
                    let elsewhere = keys[1..]
                        .iter()
                        .any(|k| peek(db, k, now).is_some_and(|s| s.contains(&m)));
                    if !elsewhere {
                        result.insert_bytes(m);
                    }
                }
            } else {
                for m in first {
                    result.insert_bytes(m);
                }
                for key in &keys[1..] {
                    if result.is_empty() {
                        break;
                    }
                    if let Some(s) = peek(db, key, now) {
                        for m in s {
                            result.remove(&m);
                        }
                    }
                }
            }
        }
    }
    Ok(result)
}

/// A set's members, owned (reference counts for a table's members).
fn members(s: &Set) -> Vec<Bytes> {
    s.iter().map(|m| m.to_bytes()).collect()
}

/// The set at `key`, without counting a lookup. [`compute`] checked every key's type first
/// at the same `now`, so a key present then is still there and still a set.
fn peek<'d>(db: &'d mut Db, key: &[u8], now: u64) -> Option<&'d Set> {
    match db.get(key, now).map(|e| e.value()) {
        Some(crate::db::ValueRef::Set(s)) => Some(s),
        _ => None,
    }
}
