//! SINTER, SUNION, SDIFF, their STORE variants and SINTERCARD.
//!
//! As in Redis, every source key is looked up first (a counted read each, a missing key
//! being an empty set) and the first one of another type stops the command with WRONGTYPE,
//! before anything is computed. The destination of a STORE variant is overwritten whatever
//! it held (its TTL goes too), and deleted when the result is empty.
//!
//! A `Db` lookup borrows the whole database, so the sources are visited one at a time: the
//! intersection starts from a copy of the smallest set and keeps what every other set has,
//! which costs what Redis's algorithm costs (the smallest set times the number of sets).

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
        Ok(result) => reply_members(&mut ctx.out, result.iter()),
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
        db.set(&argv[1], Value::Set(Box::new(result), false), None);
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
/// then computes `op` over them.
fn compute(ctx: &mut Ctx, keys: &[Bytes], op: Op) -> Result<Set, WrongType> {
    // Each source's size, None when missing.
    let mut sizes = Vec::with_capacity(keys.len());
    for key in keys {
        match read(ctx.srv, ctx.db, key) {
            None => sizes.push(None),
            Some(Value::Set(s, _)) => sizes.push(Some(s.len())),
            Some(_) => return Err(WrongType),
        }
    }
    let now = ctx.now();
    let db = ctx.db();
    let mut result = Set::default();
    match op {
        Op::Inter => {
            // A missing key is an empty set, and so is the intersection.
            let Some(sizes) = sizes.into_iter().collect::<Option<Vec<usize>>>() else {
                return Ok(result);
            };
            let smallest = (0..keys.len()).min_by_key(|&i| sizes[i]).unwrap_or(0);
            if let Some(s) = peek(db, &keys[smallest], now) {
                result = s.clone();
            }
            for (i, key) in keys.iter().enumerate() {
                if result.is_empty() {
                    break;
                }
                if i != smallest
                    && let Some(s) = peek(db, key, now)
                {
                    result.retain(|m| s.contains(m));
                }
            }
        }
        Op::Union => {
            for key in keys {
                if let Some(s) = peek(db, key, now) {
                    result.extend(s.iter().cloned());
                }
            }
        }
        Op::Diff => {
            let Some(first) = keys.first().and_then(|k| peek(db, k, now)) else {
                return Ok(result);
            };
            result = first.clone();
            for key in &keys[1..] {
                if result.is_empty() {
                    break;
                }
                let Some(s) = peek(db, key, now) else {
                    continue;
                };
                // Whichever side is smaller is walked.
                if s.len() < result.len() {
                    for m in s {
                        result.swap_remove(m);
                    }
                } else {
                    result.retain(|m| !s.contains(m));
                }
            }
        }
    }
    Ok(result)
}

/// The set at `key`, without counting a lookup. [`compute`] checked every key's type first
/// at the same `now`, so a key present then is still there and still a set.
fn peek<'d>(db: &'d mut Db, key: &[u8], now: u64) -> Option<&'d Set> {
    match db.get(key, now).map(|e| &e.value) {
        Some(Value::Set(s, _)) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::in_order;
    use bytes::Bytes;

    #[test]
    fn results_list_like_an_intset_when_all_integers() {
        let members: Vec<Bytes> = ["10", "-3", "2"].iter().map(|s| Bytes::from(*s)).collect();
        let ordered: Vec<&[u8]> = in_order(members.iter().collect())
            .into_iter()
            .map(|m| &m[..])
            .collect();
        assert_eq!(ordered, [&b"-3"[..], b"2", b"10"]);
        let mixed: Vec<Bytes> = ["b", "1", "a"].iter().map(|s| Bytes::from(*s)).collect();
        let kept: Vec<&[u8]> = in_order(mixed.iter().collect())
            .into_iter()
            .map(|m| &m[..])
            .collect();
        assert_eq!(kept, [&b"b"[..], b"1", b"a"], "not an intset: order kept");
    }
}
