//! XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK and XPENDING:
//! managing consumer groups and their pending entries lists.

use super::{
    Found, INVALID_ID, help, int_arg, no_group, no_such_group, range_end, range_start, read,
    reply_id, strict_id, sub_syntax, write,
};
use crate::cmd::command::sub_arity;
use crate::db::Value;
use crate::db::stream::{Group, StreamId, id};
use crate::engine::ctx::Ctx;
use crate::error;

const HELP: &[&str] = &[
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
];

const NEEDS_KEY: &str = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
const BUSYGROUP: &str = "BUSYGROUP Consumer Group name already exists";
const ENTRIESREAD_RANGE: &str = "ERR value for ENTRIESREAD must be positive or -1";

/// ```text
/// XGROUP CREATE key group <id | $> [MKSTREAM] [ENTRIESREAD entries-read]
/// XGROUP SETID key group <id | $> [ENTRIESREAD entries-read]
/// XGROUP DESTROY key group
/// XGROUP CREATECONSUMER key group consumer
/// XGROUP DELCONSUMER key group consumer
/// XGROUP HELP
/// ```
/// Checks run in Redis's order: options, the key's type, the key's existence (unless
/// MKSTREAM), the group's existence, then the subcommand.
pub(super) fn xgroup(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "xgroup") else {
        return;
    };
    if sub == "help" {
        return help(ctx, HELP);
    }
    let argv = ctx.argv;
    let (mkstream, entries_read) = match parse_options(ctx, sub) {
        Ok(o) => o,
        Err(()) => return,
    };
    let key = &argv[2];
    let group = &argv[3];
    let exists = match write(ctx.srv, ctx.db, key) {
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Missing => None,
        Found::Stream(s) => Some(s.groups.contains_key(&group[..])),
    };
    if !mkstream {
        match exists {
            None => return ctx.error(NEEDS_KEY),
            Some(false) if matches!(sub, "setid" | "createconsumer" | "delconsumer") => {
                return no_such_group(&mut ctx.out, key, group);
            }
            _ => {}
        }
    }
    match sub {
        // Too many options passed the option parser but not this (Redis checks it last).
        "create" if argv.len() > 8 => sub_syntax(ctx, "XGROUP"),
        "setid" if argv.len() != 5 && argv.len() != 7 => sub_syntax(ctx, "XGROUP"),
        "create" => create(ctx, mkstream, entries_read),
        "setid" => setid(ctx, entries_read),
        "destroy" => {
            let gone = with_stream(ctx, |s| s.groups.remove(&group[..]).is_some());
            ctx.out.int(i64::from(gone));
            if gone {
                ctx.modified(key);
                // Clients blocked in XREADGROUP on this group get their error now.
                ctx.signal_ready(key);
            }
        }
        "createconsumer" => {
            let now = ctx.now();
            let made = with_group(ctx, |g| g.create_consumer(&argv[4], now));
            if made {
                ctx.modified(key);
            }
            ctx.out.int(i64::from(made));
        }
        _ => {
            let pending = with_group(ctx, |g| g.delete_consumer(&argv[4]));
            if pending.is_some() {
                ctx.modified(key);
            }
            ctx.out.int(pending.unwrap_or(0) as i64);
        }
    }
}

/// CREATE's and SETID's options: MKSTREAM (CREATE only) and ENTRIESREAD. Replies and
/// returns Err on a bad one.
fn parse_options(ctx: &mut Ctx, sub: &str) -> Result<(bool, Option<i64>), ()> {
    let argv = ctx.argv;
    let mut mkstream = false;
    let mut entries_read = None;
    if !matches!(sub, "create" | "setid") {
        return Ok((mkstream, entries_read));
    }
    let mut i = 5;
    while i < argv.len() {
        if sub == "create" && argv[i].eq_ignore_ascii_case(b"MKSTREAM") {
            mkstream = true;
            i += 1;
        } else if argv[i].eq_ignore_ascii_case(b"ENTRIESREAD") && i + 1 < argv.len() {
            match int_arg(&argv[i + 1]) {
                Ok(-1) => entries_read = None,
                Ok(n) if n >= 0 => entries_read = Some(n),
                Ok(_) => {
                    ctx.error(ENTRIESREAD_RANGE);
                    return Err(());
                }
                Err(e) => {
                    ctx.error(e);
                    return Err(());
                }
            }
            i += 2;
        } else {
            sub_syntax(ctx, "XGROUP");
            return Err(());
        }
    }
    Ok((mkstream, entries_read))
}

/// Runs `f` on the stream at argv[2] (which the caller checked exists).
fn with_stream<T: Default>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut crate::db::stream::Stream) -> T,
) -> T {
    match write(ctx.srv, ctx.db, &ctx.argv[2]) {
        Found::Stream(s) => f(s),
        _ => T::default(),
    }
}

/// Runs `f` on group argv[3] of the stream at argv[2] (which the caller checked exist).
fn with_group<T: Default>(ctx: &mut Ctx, f: impl FnOnce(&mut Group) -> T) -> T {
    let group = &ctx.argv[3];
    with_stream(ctx, |s| {
        s.groups.get_mut(&group[..]).map(f).unwrap_or_default()
    })
}

/// XGROUP CREATE, after the common checks.
fn create(ctx: &mut Ctx, mkstream: bool, entries_read: Option<i64>) {
    let argv = ctx.argv;
    let (key, group) = (&argv[2], &argv[3]);
    let last = match &argv[4][..] {
        b"$" => with_stream(ctx, |s| s.last_id),
        arg => match strict_id(arg) {
            Ok(id) => id,
            Err(e) => return ctx.error(e),
        },
    };
    let now = ctx.now();
    if mkstream && !ctx.db().contains(key, now) {
        ctx.db().set(key, Value::Stream(Box::default()), None);
        ctx.modified(key);
    }
    let made = with_stream(ctx, |s| {
        if s.groups.contains_key(&group[..]) {
            return false;
        }
        s.groups.insert(
            bytes::Bytes::copy_from_slice(group),
            Group::new(last, entries_read),
        );
        true
    });
    if made {
        ctx.modified(key);
        ctx.out.ok();
    } else {
        ctx.error(BUSYGROUP);
    }
}

/// XGROUP SETID, after the common checks. Without ENTRIESREAD the read counter becomes
/// unknown, as in Redis.
fn setid(ctx: &mut Ctx, entries_read: Option<i64>) {
    let arg = &ctx.argv[4];
    let last = match &arg[..] {
        b"$" => with_stream(ctx, |s| s.last_id),
        arg => match id::parse(arg, 0, false) {
            Some(id) => id,
            None => return ctx.error(INVALID_ID),
        },
    };
    with_group(ctx, |g| {
        g.last_id = last;
        g.entries_read = entries_read;
    });
    let key = ctx.argv[2].clone();
    ctx.modified(&key);
    ctx.out.ok();
}

/// ```text
/// XACK key group id [id ...]
/// ```
/// A missing key or group acknowledges nothing (0), before the IDs are even checked; then
/// every ID is checked before any is acknowledged.
pub(super) fn xack(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let s = match read(ctx.srv, ctx.db, &argv[1]) {
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Missing => return ctx.out.int(0),
        Found::Stream(s) => s,
    };
    let Some(g) = s.groups.get_mut(&argv[2][..]) else {
        return ctx.out.int(0);
    };
    let ids: Result<Vec<StreamId>, _> = argv[3..].iter().map(|a| strict_id(a)).collect();
    match ids {
        Ok(ids) => {
            let acked = ids.iter().filter(|id| g.ack(id)).count();
            if acked > 0 {
                ctx.modified(&argv[1]);
            }
            ctx.out.int(acked as i64);
        }
        Err(e) => ctx.out.error(e),
    }
}

/// ```text
/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
/// ```
/// The summary form replies `[count, first, last, [[consumer, count], ...]]`; the extended
/// form `[[id, consumer, idle ms, deliveries], ...]`.
pub(super) fn xpending(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let argc = argv.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return ctx.error(error::SYNTAX);
    }
    let mut range = None;
    if argc >= 6 {
        match parse_extended(argv) {
            Ok(r) => range = Some(r),
            Err(e) => return ctx.error(e),
        }
    }
    let (key, group) = (&argv[1], &argv[2]);
    let now = ctx.now() as i64;
    let s = match read(ctx.srv, ctx.db, key) {
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Missing => None,
        Found::Stream(s) => Some(s),
    };
    let Some(g) = s.and_then(|s| s.groups.get(&group[..])) else {
        return no_group(&mut ctx.out, key, group, "");
    };
    let out = &mut ctx.out;
    let Some(r) = range else {
        out.array(4);
        out.int(g.pel.len() as i64);
        match (g.pel.first_key_value(), g.pel.last_key_value()) {
            (Some((first, _)), Some((last, _))) => {
                reply_id(out, first);
                reply_id(out, last);
                let owners: Vec<_> = g
                    .consumers
                    .iter()
                    .filter(|(_, c)| !c.pel.is_empty())
                    .collect();
                out.array(owners.len());
                for (name, c) in owners {
                    out.array(2);
                    out.bulk(name);
                    out.bulk_i64(c.pel.len() as i64);
                }
            }
            _ => {
                out.null();
                out.null();
                out.null_array();
            }
        }
        return;
    };
    let ids: Box<dyn Iterator<Item = &StreamId>> = match r.consumer {
        Some(name) => match g.consumers.get(&name[..]) {
            Some(c) => Box::new(c.pel.range(r.start..)),
            None => return out.array(0),
        },
        None => Box::new(g.pel.range(r.start..).map(|(id, _)| id)),
    };
    let mut rows = Vec::new();
    for id in ids {
        if rows.len() as i64 >= r.count || *id > r.end {
            break;
        }
        let Some(p) = g.pel.get(id) else { continue };
        let idle = now.wrapping_sub(p.delivery_time as i64);
        if r.min_idle != 0 && idle < r.min_idle {
            continue;
        }
        rows.push((id, p, idle.max(0)));
    }
    out.array(rows.len());
    for (id, p, idle) in rows {
        out.array(4);
        reply_id(out, id);
        out.bulk(&p.consumer);
        out.int(idle);
        out.int(p.delivery_count as i64);
    }
}

/// XPENDING's extended form.
struct Extended<'a> {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: i64,
    consumer: Option<&'a bytes::Bytes>,
}

/// Parses `[IDLE min-idle-time] start end count [consumer]`, in Redis's order: the idle
/// time, the count, then the IDs.
fn parse_extended(argv: &[bytes::Bytes]) -> Result<Extended<'_>, &'static str> {
    let mut at = 3;
    let mut min_idle = 0;
    if argv[3].eq_ignore_ascii_case(b"IDLE") {
        min_idle = int_arg(&argv[4])?;
        if argv.len() < 8 {
            return Err(error::SYNTAX);
        }
        at += 2;
    }
    let count = int_arg(&argv[at + 2])?.max(0);
    let start = range_start(&argv[at])?;
    let end = range_end(&argv[at + 1])?;
    Ok(Extended {
        min_idle,
        start,
        end,
        count,
        consumer: argv.get(at + 3),
    })
}
