//! Stream commands, with Redis 7.0's options, reply shapes and error strings.
//!
//! This file holds the command table, the lookups and reply pieces every stream command
//! shares, and the plain readers (XLEN, XRANGE, XREVRANGE) and XDEL. `add.rs` has XADD, XTRIM
//! and XSETID; `read.rs` XREAD and XREADGROUP (the blocking ones); `groups.rs` XGROUP, XACK
//! and XPENDING; `claim.rs` XCLAIM and XAUTOCLAIM; `info.rs` XINFO. The stream itself
//! (entries, groups, trimming) lives in `db/stream`.
//!
//! Reads go through [`read`], which counts keyspace hits and misses as `lookupKeyRead` does;
//! writes use [`write`], which does not, as `lookupKeyWrite`.

mod add;
mod claim;
mod groups;
mod info;
mod propagate;
mod read;
#[cfg(test)]
mod tests;

use crate::db::stream::{Fields, Stream, StreamId, id};
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::engine::state::Server;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("xadd", add::xadd),
    ("xlen", xlen),
    ("xrange", xrange),
    ("xrevrange", xrevrange),
    ("xdel", xdel),
    ("xtrim", add::xtrim),
    ("xsetid", add::xsetid),
    ("xread", read::xread),
    ("xreadgroup", read::xreadgroup),
    ("xgroup", groups::xgroup),
    ("xack", groups::xack),
    ("xpending", groups::xpending),
    ("xclaim", claim::xclaim),
    ("xautoclaim", claim::xautoclaim),
    ("xinfo", info::xinfo),
];

const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";
const INVALID_START: &str = "ERR invalid start ID for the interval";
const INVALID_END: &str = "ERR invalid end ID for the interval";

/// What a key holds, as a stream command sees it.
enum Found<'a> {
    Missing,
    Stream(&'a mut Stream),
    /// Another type: WRONGTYPE.
    Other,
}

/// A typed lookup's result as a stream command sees it (`typed_mut` leaves a string kept
/// inline in its node untouched).
fn found(value: Result<Option<&mut Stream>, crate::db::WrongType>) -> Found<'_> {
    match value {
        Ok(None) => Found::Missing,
        Ok(Some(s)) => Found::Stream(s),
        Err(_) => Found::Other,
    }
}

/// Looks `key` up for reading, counting a keyspace hit or miss as `lookupKeyRead` does.
/// (Some stream reads change state too, XREADGROUP's deliveries, so the stream is `mut`.)
fn read<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Found<'s> {
    let now = srv.now_ms;
    let entry = srv.dbs[db].typed_mut::<Stream>(key, now);
    if !matches!(entry, Ok(None)) {
        srv.stats.keyspace_hits += 1;
    } else {
        let (stats, effects, flags) = (&mut srv.stats, &mut srv.effects, srv.notify_flags);
        crate::engine::notify::key_miss(stats, effects, flags, db, key);
    }
    found(entry)
}

/// Looks `key` up for writing (no hit/miss counting).
fn write<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Found<'s> {
    let now = srv.now_ms;
    found(srv.dbs[db].typed_mut::<Stream>(key, now))
}

/// Replies with an error whose text carries client bytes (key and group names) verbatim,
/// as Redis's `%s` does; only CR and LF are blanked by the encoder.
fn error_bytes(out: &mut Out, msg: &[u8]) {
    let mut buf = Vec::with_capacity(msg.len() + 3);
    crate::resp::encode::error(&mut buf, msg);
    out.raw(&buf);
}

/// A name as Redis's `%s` prints it: a C string, cut at the first NUL.
fn cstr(name: &[u8]) -> &[u8] {
    name.iter()
        .position(|&b| b == 0)
        .map_or(name, |end| &name[..end])
}

/// `NOGROUP No such key '<key>' or consumer group '<group>'<suffix>`.
fn no_group(out: &mut Out, key: &[u8], group: &[u8], suffix: &str) {
    let (key, group) = (cstr(key), cstr(group));
    let mut msg = b"NOGROUP No such key '".to_vec();
    msg.extend_from_slice(key);
    msg.extend_from_slice(b"' or consumer group '");
    msg.extend_from_slice(group);
    msg.push(b'\'');
    msg.extend_from_slice(suffix.as_bytes());
    error_bytes(out, &msg);
}

/// `NOGROUP No such consumer group '<group>' for key name '<key>'` (XGROUP, XINFO).
fn no_such_group(out: &mut Out, key: &[u8], group: &[u8]) {
    let (key, group) = (cstr(key), cstr(group));
    let mut msg = b"NOGROUP No such consumer group '".to_vec();
    msg.extend_from_slice(group);
    msg.extend_from_slice(b"' for key name '");
    msg.extend_from_slice(key);
    msg.push(b'\'');
    error_bytes(out, &msg);
}

/// Redis's reply to a container subcommand with bad options.
fn sub_syntax(ctx: &mut Ctx, container: &str) {
    let sub = String::from_utf8_lossy(&ctx.argv[1][..ctx.argv[1].len().min(128)]).into_owned();
    ctx.error(&format!(
        "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {container} HELP."
    ));
}

fn reply_id(out: &mut Out, id: &StreamId) {
    out.bulk(id.fmt().as_bytes());
}

/// One entry: `[id, [field, value, ...]]`.
fn reply_entry(out: &mut Out, id: &StreamId, fields: &Fields) {
    out.array(2);
    reply_id(out, id);
    out.array(fields.len());
    for f in fields {
        out.bulk(f);
    }
}

/// An array of entries.
fn reply_entries<'a>(out: &mut Out, entries: impl Iterator<Item = (&'a StreamId, &'a Fields)>) {
    let entries: Vec<_> = entries.collect();
    out.array(entries.len());
    for (id, fields) in entries {
        reply_entry(out, id, fields);
    }
}

/// Parses an ID argument strictly (no `-`/`+`), as most commands take them.
fn strict_id(arg: &[u8]) -> Result<StreamId, &'static str> {
    id::parse(arg, 0, true).ok_or(INVALID_ID)
}

/// Parses a range's start (`(` makes it exclusive) into an inclusive bound.
fn range_start(arg: &[u8]) -> Result<StreamId, &'static str> {
    match id::parse_interval(arg, 0) {
        None => Err(INVALID_ID),
        Some((id, true)) => id.incr().ok_or(INVALID_START),
        Some((id, false)) => Ok(id),
    }
}

/// Parses a range's end (`(` makes it exclusive) into an inclusive bound.
fn range_end(arg: &[u8]) -> Result<StreamId, &'static str> {
    match id::parse_interval(arg, u64::MAX) {
        None => Err(INVALID_ID),
        Some((id, true)) => id.decr().ok_or(INVALID_END),
        Some((id, false)) => Ok(id),
    }
}

/// An integer argument, Redis's `getLongLongFromObjectOrReply`.
fn int_arg(arg: &[u8]) -> Result<i64, &'static str> {
    parse_i64(arg).ok_or(error::NOT_INTEGER)
}

/// ```text
/// XLEN key
/// ```
fn xlen(ctx: &mut Ctx) {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Found::Missing => ctx.out.int(0),
        Found::Other => ctx.out.error(error::WRONGTYPE),
        Found::Stream(s) => ctx.out.int(s.len() as i64),
    }
}

/// ```text
/// XRANGE key start end [COUNT count]
/// ```
fn xrange(ctx: &mut Ctx) {
    range_generic(ctx, false);
}

/// ```text
/// XREVRANGE key end start [COUNT count]
/// ```
fn xrevrange(ctx: &mut Ctx) {
    range_generic(ctx, true);
}

/// The body of XRANGE and XREVRANGE (Redis's xrangeGenericCommand): the bounds and COUNT
/// are checked before the key, and COUNT 0 replies with a null array when the key exists.
fn range_generic(ctx: &mut Ctx, rev: bool) {
    let argv = ctx.argv;
    let (start_arg, end_arg) = if rev {
        (&argv[3], &argv[2])
    } else {
        (&argv[2], &argv[3])
    };
    let bounds = range_start(start_arg).and_then(|s| range_end(end_arg).map(|e| (s, e)));
    let (start, end) = match bounds {
        Ok(b) => b,
        Err(e) => return ctx.error(e),
    };
    let mut count: Option<usize> = None;
    let mut j = 4;
    while j < argv.len() {
        if argv[j].eq_ignore_ascii_case(b"COUNT") && j + 1 < argv.len() {
            match int_arg(&argv[j + 1]) {
                Ok(n) => count = Some(usize::try_from(n).unwrap_or(0)),
                Err(e) => return ctx.error(e),
            }
            j += 2;
        } else {
            return ctx.error(error::SYNTAX);
        }
    }
    let s = match read(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => return ctx.out.array(0),
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
    };
    match count {
        Some(0) => ctx.out.null_array(),
        Some(n) => reply_entries(&mut ctx.out, s.range(start, end, rev).take(n)),
        None => reply_entries(&mut ctx.out, s.range(start, end, rev)),
    }
}

/// ```text
/// XDEL key id [id ...]
/// ```
/// Every ID is checked before any is deleted. An emptied stream stays: it keeps its last ID
/// and its groups.
fn xdel(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let s = match write(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => return ctx.out.int(0),
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
    };
    let ids: Result<Vec<StreamId>, _> = argv[2..].iter().map(|a| strict_id(a)).collect();
    match ids {
        Ok(ids) => {
            let n = s.delete(&ids);
            if n > 0 {
                ctx.modified(&argv[1]);
            }
            ctx.out.int(n as i64)
        }
        Err(e) => ctx.out.error(e),
    }
}

/// The help lines of a container command, as simple strings.
fn help(ctx: &mut Ctx, lines: &[&str]) {
    ctx.out.array(lines.len());
    for line in lines {
        ctx.out.simple(line);
    }
}
