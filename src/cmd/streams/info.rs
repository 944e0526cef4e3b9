//! XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with
//! Redis 7.0's fields, in its order.

use super::{Found, help, int_arg, no_such_group, read, reply_entry, reply_id, sub_syntax};
use crate::cmd::command::sub_arity;
use crate::db::stream::{Group, Stream, StreamId};
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::error;

const HELP: &[&str] = &[
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
];

/// XINFO STREAM FULL's default COUNT, so that a big stream does not stall the server.
const FULL_DEFAULT_COUNT: usize = 10;

/// ```text
/// XINFO CONSUMERS key group
/// XINFO GROUPS key
/// XINFO STREAM key [FULL [COUNT count]]
/// XINFO HELP
/// ```
pub(super) fn xinfo(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "xinfo") else {
        return;
    };
    if sub == "help" {
        return help(ctx, HELP);
    }
    let argv = ctx.argv;
    let key = &argv[2];
    // STREAM's options are checked after the key, as in Redis.
    let full = if sub == "stream" {
        parse_full(argv)
    } else {
        Ok(None)
    };
    let now = ctx.now();
    let s = match read(ctx.srv, ctx.db, key) {
        Found::Missing => return ctx.error(error::NO_SUCH_KEY),
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
    };
    let s: &Stream = s;
    let out = &mut ctx.out;
    match sub {
        "consumers" => match s.groups.get(&argv[3][..]) {
            Some(g) => consumers(out, g, now),
            None => no_such_group(out, key, &argv[3]),
        },
        "groups" => groups(out, s),
        _ => match full {
            Ok(None) => stream(out, s),
            Ok(Some(count)) => stream_full(out, s, count),
            Err(FullError::Syntax) => sub_syntax(ctx, "XINFO"),
            Err(FullError::Reply(e)) => ctx.error(e),
        },
    }
}

enum FullError {
    Syntax,
    Reply(&'static str),
}

/// `[FULL [COUNT count]]`: None without FULL, else the count (0: everything).
fn parse_full(argv: &[bytes::Bytes]) -> Result<Option<usize>, FullError> {
    let opts = &argv[3..];
    if opts.is_empty() {
        return Ok(None);
    }
    if (opts.len() != 1 && opts.len() != 3) || !opts[0].eq_ignore_ascii_case(b"FULL") {
        return Err(FullError::Syntax);
    }
    if opts.len() == 1 {
        return Ok(Some(FULL_DEFAULT_COUNT));
    }
    if !opts[1].eq_ignore_ascii_case(b"COUNT") {
        return Err(FullError::Syntax);
    }
    let n = int_arg(&opts[2]).map_err(FullError::Reply)?;
    Ok(Some(usize::try_from(n).unwrap_or(FULL_DEFAULT_COUNT)))
}

/// The fields XINFO STREAM opens with, in both forms.
fn head(out: &mut Out, s: &Stream) {
    out.bulk(b"length");
    out.int(s.len() as i64);
    out.bulk(b"radix-tree-keys");
    out.int(s.radix_keys() as i64);
    out.bulk(b"radix-tree-nodes");
    out.int(s.radix_nodes() as i64);
    out.bulk(b"last-generated-id");
    reply_id(out, &s.last_id);
    out.bulk(b"max-deleted-entry-id");
    reply_id(out, &s.max_deleted_id);
    out.bulk(b"entries-added");
    out.int(s.entries_added as i64);
    out.bulk(b"recorded-first-entry-id");
    reply_id(out, &s.first_id);
}

fn stream(out: &mut Out, s: &Stream) {
    out.map(10);
    head(out, s);
    out.bulk(b"groups");
    out.int(s.groups.len() as i64);
    for (name, entry) in [
        (&b"first-entry"[..], s.first_entry()),
        (b"last-entry", s.last_entry()),
    ] {
        out.bulk(name);
        match entry {
            Some((id, fields)) => reply_entry(out, id, fields),
            None => out.null(),
        }
    }
}

/// XINFO STREAM FULL: entries, then every group with its PEL and consumers, each list cut
/// at `count` (0: no cut).
fn stream_full(out: &mut Out, s: &Stream, count: usize) {
    let limit = if count == 0 { usize::MAX } else { count };
    out.map(9);
    head(out, s);
    out.bulk(b"entries");
    super::reply_entries(
        out,
        s.range(StreamId::MIN, StreamId::MAX, false).take(limit),
    );
    out.bulk(b"groups");
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        out.map(7);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"last-delivered-id");
        reply_id(out, &g.last_id);
        out.bulk(b"entries-read");
        read_counter(out, g.entries_read);
        out.bulk(b"lag");
        read_counter(out, s.lag(g));
        out.bulk(b"pel-count");
        out.int(g.pel.len() as i64);
        out.bulk(b"pending");
        let pel: Vec<_> = g.pel.iter().take(limit).collect();
        out.array(pel.len());
        for (id, p) in pel {
            out.array(4);
            reply_id(out, id);
            out.bulk(&p.consumer);
            out.int(p.delivery_time as i64);
            out.int(p.delivery_count as i64);
        }
        out.bulk(b"consumers");
        out.array(g.consumers.len());
        for (cname, c) in &g.consumers {
            out.map(4);
            out.bulk(b"name");
            out.bulk(cname);
            out.bulk(b"seen-time");
            out.int(c.seen_time as i64);
            out.bulk(b"pel-count");
            out.int(c.pel.len() as i64);
            out.bulk(b"pending");
            let pel: Vec<_> = c.pel.iter().take(limit).collect();
            out.array(pel.len());
            for id in pel {
                let (time, n) = g
                    .pel
                    .get(id)
                    .map_or((0, 0), |p| (p.delivery_time, p.delivery_count));
                out.array(3);
                reply_id(out, id);
                out.int(time as i64);
                out.int(n as i64);
            }
        }
    }
}

/// An entries-read counter or a lag: an integer, or null when unknown.
fn read_counter(out: &mut Out, v: Option<i64>) {
    match v {
        Some(n) => out.int(n),
        None => out.null(),
    }
}

fn groups(out: &mut Out, s: &Stream) {
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        out.map(6);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"consumers");
        out.int(g.consumers.len() as i64);
        out.bulk(b"pending");
        out.int(g.pel.len() as i64);
        out.bulk(b"last-delivered-id");
        reply_id(out, &g.last_id);
        out.bulk(b"entries-read");
        read_counter(out, g.entries_read);
        out.bulk(b"lag");
        read_counter(out, s.lag(g));
    }
}

fn consumers(out: &mut Out, g: &Group, now: u64) {
    out.array(g.consumers.len());
    for (name, c) in &g.consumers {
        out.map(3);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"pending");
        out.int(c.pel.len() as i64);
        out.bulk(b"idle");
        out.int((now as i64).wrapping_sub(c.seen_time as i64).max(0));
    }
}
