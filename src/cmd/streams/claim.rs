//! XCLAIM and XAUTOCLAIM: moving pending entries to another consumer, by ID or by scanning
//! the group's pending entries list for idle ones.

use super::propagate;
use super::{Found, INVALID_START, no_group, read, reply_entry, reply_id, strict_id};
use crate::db::stream::{AutoClaim, Claim, Stream, StreamId, id};
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::util::number::parse_i64;

/// XAUTOCLAIM's largest COUNT: Redis bounds it so that its buffers cannot overflow.
const MAX_AUTOCLAIM_COUNT: i64 = i64::MAX / 16;

/// ```text
/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
///     [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
/// ```
/// The IDs run up to the first argument that is not one; options follow. Entries deleted
/// from the stream are dropped from the PEL as they are met, and not claimed.
pub(super) fn xclaim(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (key, group) = (&argv[1], &argv[2]);
    match read(ctx.srv, ctx.db, key) {
        Found::Other => return ctx.error(crate::error::WRONGTYPE),
        Found::Stream(s) if s.groups.contains_key(&group[..]) => {}
        _ => return no_group(&mut ctx.out, key, group, ""),
    }
    let Some(min_idle) = parse_i64(&argv[4]) else {
        return ctx.error("ERR Invalid min-idle-time argument for XCLAIM");
    };
    let now = ctx.now();
    let mut ids = Vec::new();
    let mut j = 5;
    while j < argv.len() {
        match id::parse(&argv[j], 0, true) {
            Some(id) => ids.push(id),
            None => break,
        }
        j += 1;
    }
    let mut opts = Claim {
        min_idle: min_idle.max(0) as u64,
        delivery_time: now,
        retry_count: None,
        force: false,
        justid: false,
        last_id: StreamId::MIN,
    };
    let mut delivery: Option<i64> = None;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = &argv[j];
        let is = |name: &str| opt.eq_ignore_ascii_case(name.as_bytes());
        if is("FORCE") {
            opts.force = true;
        } else if is("JUSTID") {
            opts.justid = true;
        } else if is("LASTID") && more > 0 {
            j += 1;
            match strict_id(&argv[j]) {
                Ok(id) => opts.last_id = id,
                Err(e) => return ctx.error(e),
            }
        } else if let Some(name) = ["IDLE", "TIME", "RETRYCOUNT"]
            .into_iter()
            .find(|n| is(n) && more > 0)
        {
            j += 1;
            let Some(v) = parse_i64(&argv[j]) else {
                return ctx.error(&format!("ERR Invalid {name} option argument for XCLAIM"));
            };
            match name {
                "IDLE" => delivery = Some((now as i64).wrapping_sub(v)),
                "TIME" => delivery = Some(v),
                _ => opts.retry_count = u64::try_from(v).ok(),
            }
        } else {
            let mut msg = b"ERR Unrecognized XCLAIM option '".to_vec();
            msg.extend_from_slice(super::cstr(opt));
            msg.push(b'\'');
            return super::error_bytes(&mut ctx.out, &msg);
        }
        j += 1;
    }
    // A bogus time (negative, or in the future) means now: clients compute these from their
    // own clocks, which may be a little off.
    if let Some(t) = delivery {
        opts.delivery_time = u64::try_from(t).ok().filter(|&t| t <= now).unwrap_or(now);
    }
    let Found::Stream(s) = super::write(ctx.srv, ctx.db, key) else {
        return;
    };
    // Pending entries whose stream entry is gone are dropped from the PEL as met.
    let dropped: Vec<StreamId> = s.groups.get(&group[..]).map_or(Vec::new(), |g| {
        ids.iter()
            .filter(|id| !s.contains(id) && g.pel.contains_key(id))
            .copied()
            .collect()
    });
    let last_before = s.groups.get(&group[..]).map(|g| g.last_id);
    let claimed = s
        .claim(group, &argv[3], &ids, &opts, now)
        .unwrap_or_default();
    let s: &Stream = s;
    let moved_last = s.groups.get(&group[..]).map(|g| g.last_id) != last_before;
    if !claimed.is_empty() || !dropped.is_empty() || moved_last {
        // Propagated per entry as it ended up, not as the idle-time test that chose it.
        let mut ops: Vec<_> = dropped
            .iter()
            .chain(&claimed)
            .map(|id| propagate::xclaim(s, key, group, id))
            .collect();
        if moved_last && claimed.is_empty() {
            ops.extend(propagate::setid(s, key, group));
        }
        let out = &mut ctx.out;
        out.array(claimed.len());
        for id in &claimed {
            claimed_entry(out, s, id, opts.justid);
        }
        return report(ctx, key, ops);
    }
    let out = &mut ctx.out;
    out.array(claimed.len());
    for id in &claimed {
        claimed_entry(out, s, id, opts.justid);
    }
    ctx.srv.effects.prevent();
}

/// Records a claim's change of `key` and what it propagates as instead of itself.
fn report(ctx: &mut Ctx, key: &[u8], ops: Vec<Vec<bytes::Bytes>>) {
    ctx.srv.modified(ctx.db, key);
    ctx.srv.effects.prevent();
    for op in ops {
        ctx.srv.effects.also(ctx.db, op);
    }
}

/// ```text
/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
/// ```
/// Replies `[next cursor, claimed entries, IDs dropped because their entries were deleted]`.
pub(super) fn xautoclaim(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(min_idle) = parse_i64(&argv[4]) else {
        return ctx.error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
    };
    let start = match id::parse_interval(&argv[5], 0) {
        None => return ctx.error(super::INVALID_ID),
        Some((id, false)) => id,
        Some((id, true)) => match id.incr() {
            Some(id) => id,
            None => return ctx.error(INVALID_START),
        },
    };
    let mut count = 100;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if argv[j].eq_ignore_ascii_case(b"COUNT") && more > 0 {
            match parse_i64(&argv[j + 1]) {
                Some(n) if (1..=MAX_AUTOCLAIM_COUNT).contains(&n) => count = n,
                _ => return ctx.error("ERR COUNT must be > 0"),
            }
            j += 1;
        } else if argv[j].eq_ignore_ascii_case(b"JUSTID") {
            justid = true;
        } else {
            return ctx.error(crate::error::SYNTAX);
        }
        j += 1;
    }
    let (key, group) = (&argv[1], &argv[2]);
    let now = ctx.now();
    let propagating = ctx.propagating();
    let s = match read(ctx.srv, ctx.db, key) {
        Found::Other => return ctx.error(crate::error::WRONGTYPE),
        Found::Stream(s) if s.groups.contains_key(&group[..]) => s,
        _ => return no_group(&mut ctx.out, key, group, ""),
    };
    let opts = AutoClaim {
        start,
        min_idle: min_idle.max(0) as u64,
        count: count as u64,
        justid,
    };
    let (cursor, claimed, deleted) = s.autoclaim(group, &argv[3], &opts, now).unwrap_or_default();
    let s: &Stream = s;
    let ops: Vec<_> = if propagating {
        deleted
            .iter()
            .chain(&claimed)
            .map(|id| propagate::xclaim(s, key, group, id))
            .collect()
    } else {
        Vec::new()
    };
    let out = &mut ctx.out;
    out.array(3);
    reply_id(out, &cursor);
    out.array(claimed.len());
    for id in &claimed {
        claimed_entry(out, s, id, justid);
    }
    out.array(deleted.len());
    for id in &deleted {
        reply_id(out, id);
    }
    if claimed.is_empty() && deleted.is_empty() {
        ctx.srv.effects.prevent();
    } else {
        report(ctx, key, ops);
    }
}

/// One claimed entry: its ID alone (JUSTID) or the whole entry.
fn claimed_entry(out: &mut Out, s: &Stream, id: &StreamId, justid: bool) {
    match s.get(id) {
        Some(fields) if !justid => reply_entry(out, id, fields),
        Some(_) => reply_id(out, id),
        None => out.null(),
    }
}
