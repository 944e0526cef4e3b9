//! XREAD and XREADGROUP: read from several streams at once, optionally blocking until one
//! of them has something new.
//!
//! A call first tries to serve itself. If nothing can be served and BLOCK was given, it parks
//! the client (`Ctx::block`) on its keys; XADD signals the key and the executor re-runs the
//! command. The re-run's arguments have `$` replaced by the ID it stood for when the client
//! blocked (so it waits for entries after that one, not after the newest at re-run time) and
//! a COUNT of 1000 when none was given, which is how many entries Redis hands a client it
//! unblocks.

use super::propagate;
use super::{Found, INVALID_ID, int_arg, no_group, read, reply_entry, reply_id, write};
use crate::db::stream::{StreamId, id};
use crate::engine::blocking::Wait;
use crate::engine::blocking::{BlockSpec, TimeoutReply};
use crate::engine::ctx::Ctx;
use crate::error;
use bytes::Bytes;

const UNBALANCED: &str =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
const GROUP_ONLY: &str =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
const NOACK_ONLY: &str =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
const MISSING_GROUP: &str = "ERR Missing GROUP option for XREADGROUP";
const DOLLAR_IN_GROUP: &str = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
const GT_OUTSIDE_GROUP: &str = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";

/// How many entries a blocked reader gets when it gave no COUNT (Redis's
/// XREAD_BLOCKED_DEFAULT_COUNT).
const BLOCKED_DEFAULT_COUNT: &[u8] = b"1000";

/// ```text
/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
/// ```
pub(super) fn xread(ctx: &mut Ctx) {
    read_generic(ctx, false);
}

/// ```text
/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
///     STREAMS key [key ...] id [id ...]
/// ```
pub(super) fn xreadgroup(ctx: &mut Ctx) {
    read_generic(ctx, true);
}

/// The parsed options.
struct Args<'a> {
    /// BLOCK given: the deadline (None: forever).
    block: Option<Option<u64>>,
    /// 0: no limit.
    count: usize,
    noack: bool,
    group: Option<(&'a Bytes, &'a Bytes)>,
    /// Index of the first key.
    streams: usize,
    /// Number of keys.
    n: usize,
}

fn parse_args<'a>(ctx: &Ctx<'a>, grouped: bool) -> Result<Args<'a>, &'static str> {
    let argv: &'a [Bytes] = ctx.argv;
    let mut a = Args {
        block: None,
        count: 0,
        noack: false,
        group: None,
        streams: 0,
        n: 0,
    };
    let mut i = 1;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let is = |name: &str| argv[i].eq_ignore_ascii_case(name.as_bytes());
        if is("BLOCK") && more > 0 {
            a.block = Some(ctx.timeout_arg(&argv[i + 1], true)?);
            i += 1;
        } else if is("COUNT") && more > 0 {
            a.count = usize::try_from(int_arg(&argv[i + 1])?).unwrap_or(0);
            i += 1;
        } else if is("STREAMS") && more > 0 {
            a.streams = i + 1;
            let rest = argv.len() - a.streams;
            if !rest.is_multiple_of(2) {
                return Err(UNBALANCED);
            }
            a.n = rest / 2;
            break;
        } else if is("GROUP") && more >= 2 {
            if !grouped {
                return Err(GROUP_ONLY);
            }
            a.group = Some((&argv[i + 1], &argv[i + 2]));
            i += 2;
        } else if is("NOACK") {
            if !grouped {
                return Err(NOACK_ONLY);
            }
            a.noack = true;
        } else {
            return Err(error::SYNTAX);
        }
        i += 1;
    }
    if a.streams == 0 {
        return Err(error::SYNTAX);
    }
    if grouped && a.group.is_none() {
        return Err(MISSING_GROUP);
    }
    Ok(a)
}

/// What was served from one stream, gathered before any reply is written (a key named twice
/// sees the first read's effect on its group, as in Redis).
enum Served {
    /// XREAD: entries from this ID on.
    From(StreamId),
    /// XREADGROUP `>`: the entries delivered.
    New(Vec<StreamId>),
    /// XREADGROUP history: the consumer's pending IDs, false where the entry is gone.
    History(Vec<(StreamId, bool)>),
}

/// The body of XREAD and XREADGROUP (Redis's xreadCommand).
fn read_generic(ctx: &mut Ctx, grouped: bool) {
    let argv = ctx.argv;
    let a = match parse_args(ctx, grouped) {
        Ok(a) => a,
        Err(e) => return ctx.error(e),
    };
    let keys = &argv[a.streams..a.streams + a.n];
    let id_args = &argv[a.streams + a.n..];
    // `>` is kept as the largest ID, as Redis does (so that ID typed out means `>` too).
    let mut ids = Vec::with_capacity(a.n);
    for (key, arg) in keys.iter().zip(id_args) {
        let s = match read(ctx.srv, ctx.db, key) {
            Found::Other => return ctx.error(error::WRONGTYPE),
            Found::Missing => None,
            Found::Stream(s) => Some(s),
        };
        if let Some((group, _)) = a.group
            && !s
                .as_ref()
                .is_some_and(|s| s.groups.contains_key(&group[..]))
        {
            return no_group(&mut ctx.out, key, group, " in XREADGROUP with GROUP option");
        }
        let id = match &arg[..] {
            b"$" if grouped => return ctx.error(DOLLAR_IN_GROUP),
            b"$" => s.map_or(StreamId::MIN, |s| s.last_id),
            b">" if !grouped => return ctx.error(GT_OUTSIDE_GROUP),
            b">" => StreamId::MAX,
            other => match id::parse(other, 0, true) {
                Some(id) => id,
                None => return ctx.error(INVALID_ID),
            },
        };
        ids.push(id);
    }

    let now = ctx.now();
    let propagating = ctx.propagating();
    let mut served: Vec<(usize, Served)> = Vec::new();
    // Group reads change the group; they propagate as explicit commands (`propagate.rs`).
    let mut ops: Vec<Vec<Bytes>> = Vec::new();
    let mut changed: Vec<&Bytes> = Vec::new();
    for (j, key) in keys.iter().enumerate() {
        let Found::Stream(s) = write(ctx.srv, ctx.db, key) else {
            continue;
        };
        let gt = ids[j];
        let newest = s.last_entry().map(|(id, _)| *id);
        let new_consumer = a.group.is_some_and(|(group, consumer)| {
            s.groups
                .get(&group[..])
                .is_some_and(|g| !g.consumers.contains_key(&consumer[..]))
        });
        match a.group {
            Some((group, consumer)) if gt != StreamId::MAX => {
                let start = gt.incr().unwrap_or(StreamId::MAX);
                let pending = s.read_history(group, consumer, start, a.count, now);
                let pending = pending.unwrap_or_default();
                if propagating {
                    for (id, _) in pending.iter().filter(|(_, exists)| *exists) {
                        ops.push(propagate::xclaim(s, key, group, id));
                    }
                }
                served.push((j, Served::History(pending)));
            }
            Some((group, consumer)) => {
                let last = s.groups.get(&group[..]).map(|g| g.last_id);
                if newest.is_some_and(|n| last.is_some_and(|l| n > l)) {
                    let got = s.read_new(group, consumer, a.count, a.noack, now);
                    let got = got.unwrap_or_default();
                    if !got.is_empty() {
                        changed.push(key);
                        if propagating && a.noack {
                            ops.extend(propagate::setid(s, key, group));
                        } else if propagating {
                            ops.extend(got.iter().map(|id| propagate::xclaim(s, key, group, id)));
                        }
                    }
                    served.push((j, Served::New(got)));
                }
            }
            None => {
                if newest.is_some_and(|n| n > gt) {
                    served.push((j, Served::From(gt.incr().unwrap_or(StreamId::MAX))));
                }
            }
        }
        if new_consumer && let Some((group, consumer)) = a.group {
            changed.push(key);
            if propagating {
                ops.insert(0, propagate::create_consumer(key, group, consumer));
            }
        }
    }
    if grouped {
        for key in changed {
            ctx.modified(key);
        }
        // Only the explicit forms propagate (a history read, which changes delivery counts
        // without counting as a change, included).
        ctx.srv.effects.prevent();
        for op in ops {
            ctx.srv.effects.also(ctx.db, op);
        }
    }

    if !served.is_empty() {
        return reply(ctx, keys, &served, a.count);
    }
    match a.block {
        Some(deadline) if ctx.may_block() => {
            let mut rerun = argv.to_vec();
            for (j, arg) in id_args.iter().enumerate() {
                if &arg[..] == b"$" {
                    rerun[a.streams + a.n + j] = Bytes::copy_from_slice(ids[j].fmt().as_bytes());
                }
            }
            if a.count == 0 {
                let at = a.streams - 1;
                rerun.splice(
                    at..at,
                    [
                        Bytes::from_static(b"COUNT"),
                        Bytes::from_static(BLOCKED_DEFAULT_COUNT),
                    ],
                );
            }
            ctx.block(BlockSpec {
                on: if grouped { Wait::Group } else { Wait::Stream },
                keys: keys.to_vec(),
                deadline,
                on_timeout: TimeoutReply::NullArray,
                argv: Some(rerun),
            });
        }
        // Without BLOCK, or where blocking is not allowed (MULTI): as if timed out.
        _ => ctx.out.null_array(),
    }
}

/// Writes the reply: a map of key → entries in RESP3, an array of `[key, entries]` in RESP2.
fn reply(ctx: &mut Ctx, keys: &[Bytes], served: &[(usize, Served)], count: usize) {
    let resp3 = ctx.out.resp3();
    if resp3 {
        ctx.out.map(served.len());
    } else {
        ctx.out.array(served.len());
    }
    for (j, what) in served {
        if !resp3 {
            ctx.out.array(2);
        }
        ctx.out.bulk(&keys[*j]);
        let Found::Stream(s) = write(ctx.srv, ctx.db, &keys[*j]) else {
            ctx.out.array(0);
            continue;
        };
        let out = &mut ctx.out;
        match what {
            Served::From(start) => {
                let limit = if count == 0 { usize::MAX } else { count };
                super::reply_entries(out, s.range(*start, StreamId::MAX, false).take(limit));
            }
            Served::New(ids) => {
                out.array(ids.len());
                for id in ids {
                    match s.get(id) {
                        Some(fields) => reply_entry(out, id, fields),
                        None => entry_gone(out, id),
                    }
                }
            }
            Served::History(pending) => {
                out.array(pending.len());
                for (id, exists) in pending {
                    match s.get(id) {
                        Some(fields) if *exists => reply_entry(out, id, fields),
                        _ => entry_gone(out, id),
                    }
                }
            }
        }
    }
}

/// A pending entry whose stream entry was deleted: `[id, nil]`.
fn entry_gone(out: &mut crate::engine::out::Out, id: &StreamId) {
    out.array(2);
    reply_id(out, id);
    out.null_array();
}
