//! String commands: GET, SET and its variants, MGET/MSET, the INCR family, APPEND and the
//! range commands, with Redis 7.0's options, replies and error strings.
//!
//! This file holds the command table, the lookups every string command shares and the plain
//! get/set handlers. `set.rs` parses SET's and GETEX's options and expire times, `incr.rs`
//! holds the counters and `range.rs` the commands that edit or slice a string.
//!
//! Reads go through [`read`], which counts keyspace hits and misses as Redis's
//! `lookupKeyRead` does; commands that write look keys up without counting, as
//! `lookupKeyWrite` does. A stored string is read with `Node::str` (its bytes, or `None` for
//! another type, which gets WRONGTYPE) and changed in place through [`as_str_mut`].

mod incr;
mod range;
mod set;
#[cfg(test)]
mod tests;

use crate::db::Value;
use crate::engine::ctx::Ctx;
use crate::engine::state::Server;
use crate::engine::table::Handler;
use crate::error;
use bytes::{Bytes, BytesMut};

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("get", get),
    ("set", set::set),
    ("setnx", set::setnx),
    ("setex", set::setex),
    ("psetex", set::psetex),
    ("getex", set::getex),
    ("mget", mget),
    ("mset", mset),
    ("msetnx", msetnx),
    ("getset", getset),
    ("getdel", getdel),
    ("strlen", strlen),
    ("append", range::append),
    ("getrange", range::getrange),
    ("substr", range::getrange),
    ("setrange", range::setrange),
    ("incr", incr::incr),
    ("decr", incr::decr),
    ("incrby", incr::incrby),
    ("decrby", incr::decrby),
    ("incrbyfloat", incr::incrbyfloat),
];

/// What a key holds, as a string command sees it.
enum Found<'a> {
    Missing,
    Str(&'a [u8]),
    /// Another type: string commands reply WRONGTYPE.
    Other,
}

/// The string to change in place, or `None` for another type.
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
        let (stats, effects, flags) = (&mut srv.stats, &mut srv.effects, srv.notify_flags);
        crate::engine::notify::key_miss(stats, effects, flags, db, key);
    }
    match entry {
        None => Found::Missing,
        Some(n) => n.str().map_or(Found::Other, Found::Str),
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
    ctx.db().set_str(&argv[1], &argv[2], None);
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
        db.set_str(&kv[0], &kv[1], None);
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
