//! String commands: GET, SET and its variants, MGET/MSET, the INCR family, APPEND and the
//! range commands, with Redis 7.0's options, replies and error strings.
//!
//! This file holds the command table, the lookups every string command shares and the plain
//! get/set handlers. `set.rs` parses SET's and GETEX's options and expire times, `incr.rs`
//! holds the counters and `range.rs` the commands that edit or slice a string.
//!
//! Reads go through [`read`], which counts keyspace hits and misses as Redis's
//! `lookupKeyRead` does; commands that write look keys up without counting, as
//! `lookupKeyWrite` does. Handlers never reach into a value's type directly: [`as_str`] is the
//! one place that tells a string from the types still to come, which get WRONGTYPE.

mod incr;
mod range;
mod set;
#[cfg(test)]
mod tests;

use crate::db::Value;
use crate::engine::ctx::Ctx;
use crate::engine::state::Server;
use crate::engine::table::{Command, flag::*};
use crate::error;
use bytes::{Bytes, BytesMut};

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    Command::new("get", 2, READONLY | FAST, get, "string", "1.0.0", "Returns the string value of a key.", "key").keys(1, 1, 1),
    Command::new("set", -3, WRITE | DENYOOM, set::set, "string", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]").keys(1, 1, 1),
    Command::new("setnx", 3, WRITE | DENYOOM | FAST, set::setnx, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist.", "key value").keys(1, 1, 1),
    Command::new("setex", 4, WRITE | DENYOOM, set::setex, "string", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "key seconds value").keys(1, 1, 1),
    Command::new("psetex", 4, WRITE | DENYOOM, set::psetex, "string", "2.6.0", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "key milliseconds value").keys(1, 1, 1),
    Command::new("getex", -2, WRITE | FAST, set::getex, "string", "6.2.0", "Returns the string value of a key after setting its expiration time.", "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]").keys(1, 1, 1),
    Command::new("mget", -2, READONLY | FAST, mget, "string", "1.0.0", "Atomically returns the string values of one or more keys.", "key [key ...]").keys(1, -1, 1),
    Command::new("mset", -3, WRITE | DENYOOM, mset, "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys.", "key value [key value ...]").keys(1, -1, 2),
    Command::new("msetnx", -3, WRITE | DENYOOM, msetnx, "string", "1.0.1", "Atomically modifies the string values of one or more keys only when all keys don't exist.", "key value [key value ...]").keys(1, -1, 2),
    Command::new("getset", 3, WRITE | DENYOOM | FAST, getset, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value.", "key value").keys(1, 1, 1),
    Command::new("getdel", 2, WRITE | FAST, getdel, "string", "6.2.0", "Returns the string value of a key after deleting the key.", "key").keys(1, 1, 1),
    Command::new("strlen", 2, READONLY | FAST, strlen, "string", "2.2.0", "Returns the length of a string value.", "key").keys(1, 1, 1),
    Command::new("append", 3, WRITE | DENYOOM | FAST, range::append, "string", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "key value").keys(1, 1, 1),
    Command::new("getrange", 4, READONLY, range::getrange, "string", "2.4.0", "Returns a substring of the string stored at a key.", "key start end").keys(1, 1, 1),
    Command::new("substr", 4, READONLY, range::getrange, "string", "1.0.0", "Returns a substring from string value.", "key start end").keys(1, 1, 1),
    Command::new("setrange", 4, WRITE | DENYOOM, range::setrange, "string", "2.2.0", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "key offset value").keys(1, 1, 1),
    Command::new("incr", 2, WRITE | DENYOOM | FAST, incr::incr, "string", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "key").keys(1, 1, 1),
    Command::new("decr", 2, WRITE | DENYOOM | FAST, incr::decr, "string", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "key").keys(1, 1, 1),
    Command::new("incrby", 3, WRITE | DENYOOM | FAST, incr::incrby, "string", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "key increment").keys(1, 1, 1),
    Command::new("decrby", 3, WRITE | DENYOOM | FAST, incr::decrby, "string", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "key decrement").keys(1, 1, 1),
    Command::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, incr::incrbyfloat, "string", "2.6.0", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "key increment").keys(1, 1, 1),
];

/// What a key holds, as a string command sees it.
enum Found<'a> {
    Missing,
    Str(&'a Bytes),
    /// Another type: string commands reply WRONGTYPE.
    Other,
}

/// The bytes of a string value, or `None` for any other type.
// Only strings exist so far; the wildcard arm is where the types still to come land.
#[allow(unreachable_patterns)]
fn as_str(v: &Value) -> Option<&Bytes> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// [`as_str`] for commands that change the string in place.
#[allow(unreachable_patterns)]
fn as_str_mut(v: &mut Value) -> Option<&mut Bytes> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// Looks `key` up for reading in database `db`, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit too).
fn read<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Found<'s> {
    let now = srv.now_ms;
    let entry = srv.dbs[db].get(key, now);
    if entry.is_some() {
        srv.stats.keyspace_hits += 1;
    } else {
        srv.stats.keyspace_misses += 1;
    }
    match entry {
        None => Found::Missing,
        Some(e) => as_str(&e.value).map_or(Found::Other, Found::Str),
    }
}

/// Changes a stored string in place. The buffer is reused when nothing else holds it, so a
/// run of APPENDs grows it geometrically instead of copying the whole string every time.
fn edit(s: &mut Bytes, f: impl FnOnce(&mut BytesMut)) {
    let mut buf = match std::mem::take(s).try_into_mut() {
        Ok(buf) => buf,
        Err(shared) => BytesMut::from(&shared[..]),
    };
    f(&mut buf);
    *s = buf.freeze();
}

/// Redis's `checkStringLength`: whether a string of `a + b` bytes stays within
/// proto-max-bulk-len (`limit`), overflow included.
fn fits(limit: u64, a: u64, b: usize) -> bool {
    a.checked_add(b as u64).is_some_and(|total| total <= limit)
}

/// What [`get_generic`] found, once its reply is written.
#[derive(Debug, PartialEq)]
enum Got {
    Missing,
    Hit,
    WrongType,
}

/// Replies with the string at `argv[1]`: nil when missing, WRONGTYPE for another type.
/// The body of GET, shared by GETSET, GETDEL and `SET ... GET` (Redis's getGenericCommand).
fn get_generic(ctx: &mut Ctx) -> Got {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Found::Missing => {
            ctx.out.null();
            Got::Missing
        }
        Found::Str(s) => {
            ctx.out.bulk(s);
            Got::Hit
        }
        Found::Other => {
            ctx.out.error(error::WRONGTYPE);
            Got::WrongType
        }
    }
}

/// ```text
/// GET key
/// ```
fn get(ctx: &mut Ctx) {
    get_generic(ctx);
}

/// ```text
/// GETSET key value
/// ```
/// Replies with the old value and stores the new one without a TTL.
fn getset(ctx: &mut Ctx) {
    if get_generic(ctx) == Got::WrongType {
        return;
    }
    let argv = ctx.argv;
    ctx.db().set(&argv[1], Value::str(&argv[2]), None);
    ctx.modified(&argv[1]);
}

/// ```text
/// GETDEL key
/// ```
fn getdel(ctx: &mut Ctx) {
    if get_generic(ctx) == Got::Hit {
        let argv = ctx.argv;
        ctx.db().remove(&argv[1]);
        ctx.modified(&argv[1]);
        if ctx.propagating() {
            ctx.rewrite(vec![Bytes::from_static(b"DEL"), argv[1].clone()]);
        }
    }
}

/// ```text
/// MGET key [key ...]
/// ```
/// A key that is missing or holds another type reads as nil: MGET never fails.
fn mget(ctx: &mut Ctx) {
    let argv = ctx.argv;
    ctx.out.array(argv.len() - 1);
    for key in &argv[1..] {
        match read(ctx.srv, ctx.db, key) {
            Found::Str(s) => ctx.out.bulk(s),
            Found::Missing | Found::Other => ctx.out.null(),
        }
    }
}

/// ```text
/// MSET key value [key value ...]
/// ```
fn mset(ctx: &mut Ctx) {
    mset_generic(ctx, false);
}

/// ```text
/// MSETNX key value [key value ...]
/// ```
fn msetnx(ctx: &mut Ctx) {
    mset_generic(ctx, true);
}

/// Sets every pair; with `nx`, sets none if any key exists. Stored keys lose their TTL.
fn mset_generic(ctx: &mut Ctx, nx: bool) {
    let argv = ctx.argv;
    // The arity (-3) lets an unpaired key through; Redis reports it as an arity error.
    if argv.len().is_multiple_of(2) {
        ctx.error(&error::wrong_arity(if nx { "msetnx" } else { "mset" }));
        return;
    }
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let pairs = argv[1..].chunks_exact(2);
    if nx && pairs.clone().any(|kv| db.contains(&kv[0], now)) {
        ctx.out.int(0);
        return;
    }
    for kv in pairs.clone() {
        db.set(&kv[0], Value::str(&kv[1]), None);
    }
    for kv in pairs {
        ctx.srv.modified(ctx.db, &kv[0]);
    }
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
}

/// ```text
/// STRLEN key
/// ```
fn strlen(ctx: &mut Ctx) {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Found::Missing => ctx.out.int(0),
        Found::Str(s) => ctx.out.int(s.len() as i64),
        Found::Other => ctx.out.error(error::WRONGTYPE),
    }
}
