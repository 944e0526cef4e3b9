//! Set commands with Redis 7.0's replies, error strings and RESP3 types (SMEMBERS, SINTER,
//! SUNION, SDIFF and SPOP with a count reply a set; SRANDMEMBER with a count an array).
//!
//! This file holds the command table, the lookups every set command shares and the
//! single-set commands. `algebra.rs` holds SINTER/SUNION/SDIFF, their STORE variants and
//! SINTERCARD; `random.rs` SPOP and SRANDMEMBER with the sampling HRANDFIELD shares. SSCAN
//! shares its cursor and options with HSCAN (`hashes/scan.rs`).
//!
//! Reads go through [`read`], which counts keyspace hits and misses as Redis's
//! `lookupKeyRead` does; writes look keys up without counting (`lookupKeyWrite`). A set that
//! loses its last member is deleted, as Redis never keeps an empty collection.
//!
//! Member order: a set of integers (an intset, `db/set.rs`) lists in ascending order, as in
//! Redis; any other set in hash-table order.

mod algebra;
pub(crate) mod random;
#[cfg(test)]
mod tests;

use crate::cmd::hashes::scan::{INVALID_CURSOR, ScanOpts, reply as scan_reply};
use crate::db::set::Member;
use crate::db::{Db, Set, WrongType};
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_cursor;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("sadd", sadd),
    ("srem", srem),
    ("smembers", smembers),
    ("sismember", sismember),
    ("smismember", smismember),
    ("scard", scard),
    ("spop", random::spop),
    ("srandmember", random::srandmember),
    ("smove", smove),
    ("sinter", algebra::sinter),
    ("sunion", algebra::sunion),
    ("sdiff", algebra::sdiff),
    ("sinterstore", algebra::sinterstore),
    ("sunionstore", algebra::sunionstore),
    ("sdiffstore", algebra::sdiffstore),
    ("sintercard", algebra::sintercard),
    ("sscan", sscan),
];

/// What is at `key` for a command that writes it, without counting a lookup.
fn kind(db: &mut Db, key: &[u8], now: u64) -> Result<bool, WrongType> {
    db.typed_mut::<Set>(key, now).map(|s| s.is_some())
}

/// Replies with a whole set (a set in RESP3, an array in RESP2), in its own order.
fn reply_members(out: &mut Out, s: &Set) {
    out.set(s.len());
    for m in s {
        out.bulk(&m);
    }
}

/// ```text
/// SADD key member [member ...]
/// ```
/// Replies with how many members were new.
fn sadd(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let s = match ctx.srv.dbs[ctx.db].typed_or_create::<Set>(&argv[1], now) {
        Ok(s) => s,
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
    };
    let mut added = 0;
    for m in &argv[2..] {
        // `insert` copies what it stores: a member must not pin the client's read buffer.
        added += i64::from(s.insert(m));
    }
    if added > 0 {
        ctx.modified_n(&argv[1], added as u64);
    }
    ctx.out.int(added);
}

/// ```text
/// SREM key member [member ...]
/// ```
/// Replies with how many members were removed; deletes the set when none remain.
fn srem(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let s = match db.typed_mut::<Set>(&argv[1], now) {
        Ok(Some(s)) => s,
        Ok(None) => return ctx.out.int(0),
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
    };
    let mut removed = 0;
    for m in &argv[2..] {
        removed += i64::from(s.remove(m));
    }
    if s.is_empty() {
        db.remove(&argv[1]);
    }
    if removed > 0 {
        ctx.modified_n(&argv[1], removed as u64);
    }
    ctx.out.int(removed);
}

/// ```text
/// SMEMBERS key
/// ```
fn smembers(ctx: &mut Ctx) {
    match crate::cmd::read::<Set>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.set(0),
        Ok(Some(s)) => reply_members(&mut ctx.out, s),
    }
}

/// ```text
/// SISMEMBER key member
/// ```
fn sismember(ctx: &mut Ctx) {
    match crate::cmd::read::<Set>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(s) => {
            let found = s.is_some_and(|s| s.contains(&ctx.argv[2][..]));
            ctx.out.int(i64::from(found));
        }
    }
}

/// ```text
/// SMISMEMBER key member [member ...]
/// ```
/// One 0/1 per member (all 0 for a missing key).
fn smismember(ctx: &mut Ctx) {
    let members = &ctx.argv[2..];
    match crate::cmd::read::<Set>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(s) => {
            ctx.out.array(members.len());
            for m in members {
                let found = s.is_some_and(|s| s.contains(&m[..]));
                ctx.out.int(i64::from(found));
            }
        }
    }
}

/// ```text
/// SCARD key
/// ```
fn scard(ctx: &mut Ctx) {
    match crate::cmd::read::<Set>(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(s) => ctx.out.int(s.map_or(0, |s| s.len() as i64)),
    }
}

/// ```text
/// SMOVE source destination member
/// ```
/// 1 when the member was moved (or, with source and destination the same, is there), else 0.
/// Both keys must be sets (or missing); a missing source answers 0 before the destination's
/// type is looked at, as in Redis.
fn smove(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (src, dst, member) = (&argv[1], &argv[2], &argv[3][..]);
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let src_set = kind(db, src, now);
    let dst_set = kind(db, dst, now);
    match (src_set, dst_set) {
        (Ok(false), _) => return ctx.out.int(0),
        (Err(WrongType), _) | (_, Err(WrongType)) => return ctx.out.error(error::WRONGTYPE),
        _ => {}
    }
    let Ok(Some(s)) = db.typed_mut::<Set>(src, now) else {
        return ctx.out.int(0);
    };
    if src == dst {
        let found = s.contains(member);
        return ctx.out.int(i64::from(found));
    }
    if !s.remove(member) {
        return ctx.out.int(0);
    }
    if s.is_empty() {
        db.remove(src);
    }
    if let Ok(d) = db.typed_or_create::<Set>(dst, now) {
        d.insert(member);
    }
    ctx.modified(src);
    ctx.modified(dst);
    ctx.out.int(1);
}

/// ```text
/// SSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
/// An intset comes whole, in ascending order, with cursor 0 (as in Redis).
fn sscan(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(cursor) = parse_cursor(&argv[2]) else {
        return ctx.error(INVALID_CURSOR);
    };
    let s = match crate::cmd::read::<Set>(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(None) => return scan_reply(&mut ctx.out, 0, &[]),
        Ok(Some(s)) => s,
    };
    let opts = match ScanOpts::parse(&argv[3..]) {
        Ok(opts) => opts,
        Err(e) => return ctx.out.error(e),
    };
    let (found, next): (Vec<Member>, u64) = s.scan(cursor, opts.count);
    let items: Vec<&[u8]> = found
        .iter()
        .filter(|m| opts.matches(m))
        .map(|m| &m[..])
        .collect();
    scan_reply(&mut ctx.out, next, &items);
}
