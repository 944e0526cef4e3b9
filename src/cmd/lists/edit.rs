//! The commands that read or change a list by index or by value: LLEN, LRANGE, LINDEX, LSET,
//! LREM, LTRIM and LPOS. Each parses its numbers where Redis does (some before the key
//! lookup, some after), because that order decides which error a bad call gets.

use super::read;
use crate::db::list::{self, WrongType};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

const INDEX_RANGE: &str = "ERR index out of range";
const RANK_ZERO: &str = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const COUNT_NEGATIVE: &str = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE: &str = "ERR MAXLEN can't be negative";

/// ```text
/// LLEN key
/// ```
pub(super) fn llen(ctx: &mut Ctx) {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(l) => ctx.out.int(l.map_or(0, |l| l.len() as i64)),
    }
}

/// ```text
/// LRANGE key start stop
/// ```
/// Both ends inclusive, negative counting from the tail, clamped to the list.
pub(super) fn lrange(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (Some(start), Some(stop)) = (parse_i64(&argv[2]), parse_i64(&argv[3])) else {
        return ctx.error(error::NOT_INTEGER);
    };
    match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.array(0),
        Ok(Some(l)) => match list::range(l.len(), start, stop) {
            None => ctx.out.array(0),
            Some((s, e)) => ctx.out.bulks(l.range(s, e)),
        },
    }
}

/// ```text
/// LINDEX key index
/// ```
/// The key is looked up before the index is parsed: a missing key is nil whatever the index.
pub(super) fn lindex(ctx: &mut Ctx) {
    let argv = ctx.argv;
    match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(None) => ctx.out.null(),
        Ok(Some(l)) => match parse_i64(&argv[2]) {
            None => ctx.out.error(error::NOT_INTEGER),
            Some(i) => match list::index(l.len(), i).and_then(|i| l.get(i)) {
                Some(e) => ctx.out.bulk(e),
                None => ctx.out.null(),
            },
        },
    }
}

/// ```text
/// LSET key index element
/// ```
/// Never creates the key. Looks the key up, then checks its type, then the index.
pub(super) fn lset(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let reply = match ctx.db().list_mut(&argv[1], now) {
        Err(WrongType) => Err(error::WRONGTYPE),
        Ok(None) => Err(error::NO_SUCH_KEY),
        Ok(Some(l)) => match parse_i64(&argv[2]) {
            None => Err(error::NOT_INTEGER),
            Some(i) => match list::index(l.len(), i) {
                None => Err(INDEX_RANGE),
                Some(i) => {
                    l.set(i, &argv[3]);
                    Ok(())
                }
            },
        },
    };
    match reply {
        Ok(()) => {
            ctx.modified(&argv[1]);
            ctx.out.ok()
        }
        Err(e) => ctx.error(e),
    }
}

/// ```text
/// LREM key count element
/// ```
/// Replies with how many elements went; the key goes if the list empties.
pub(super) fn lrem(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(count) = parse_i64(&argv[2]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let now = ctx.now();
    let db = ctx.db();
    let (removed, empty) = match db.list_mut(&argv[1], now) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => (0, false),
        Ok(Some(l)) => (list::remove(l, &argv[3], count), l.is_empty()),
    };
    if empty {
        db.remove(&argv[1]);
    }
    if removed > 0 {
        ctx.modified(&argv[1]);
    }
    ctx.out.int(removed as i64);
}

/// ```text
/// LTRIM key start stop
/// ```
/// Keeps `start..=stop` (as LRANGE reads it); the key goes if nothing is left.
pub(super) fn ltrim(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (Some(start), Some(stop)) = (parse_i64(&argv[2]), parse_i64(&argv[3])) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let now = ctx.now();
    let db = ctx.db();
    let (empty, trimmed) = match db.list_mut(&argv[1], now) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.ok(),
        Ok(Some(l)) => {
            let before = l.len();
            list::trim(l, start, stop);
            (l.is_empty(), before - l.len())
        }
    };
    if empty {
        db.remove(&argv[1]);
    }
    // Redis signals an existing key even when nothing was trimmed, but counts (and so
    // propagates) only what was removed.
    if trimmed > 0 {
        ctx.modified(&argv[1]);
    } else {
        ctx.srv.signal_modified(ctx.db, &argv[1]);
    }
    ctx.out.ok();
}

/// LPOS's options.
struct Lpos {
    rank: i64,
    /// `Some` when COUNT was given: the reply is then an array.
    count: Option<i64>,
    maxlen: i64,
}

/// Parses `[RANK rank] [COUNT num-matches] [MAXLEN len]` (any order, repeats allowed, the
/// last wins), failing at the first bad option as Redis does.
fn parse_lpos(args: &[Bytes]) -> Result<Lpos, &'static str> {
    let mut opts = Lpos {
        rank: 1,
        count: None,
        maxlen: 0,
    };
    let mut i = 0;
    while i < args.len() {
        let (name, Some(value)) = (&args[i], args.get(i + 1)) else {
            return Err(error::SYNTAX);
        };
        let non_negative = || parse_i64(value).filter(|&n| n >= 0);
        if name.eq_ignore_ascii_case(b"rank") {
            opts.rank = parse_i64(value).ok_or(error::NOT_INTEGER)?;
            if opts.rank == 0 {
                return Err(RANK_ZERO);
            }
        } else if name.eq_ignore_ascii_case(b"count") {
            opts.count = Some(non_negative().ok_or(COUNT_NEGATIVE)?);
        } else if name.eq_ignore_ascii_case(b"maxlen") {
            opts.maxlen = non_negative().ok_or(MAXLEN_NEGATIVE)?;
        } else {
            return Err(error::SYNTAX);
        }
        i += 2;
    }
    Ok(opts)
}

/// ```text
/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
/// ```
/// Without COUNT, replies with the index of the match (nil when none); with it, an array of
/// up to COUNT indexes (all with COUNT 0). Options are checked before the key.
pub(super) fn lpos(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let opts = match parse_lpos(&argv[3..]) {
        Ok(o) => o,
        Err(e) => return ctx.error(e),
    };
    let found = match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => Vec::new(),
        Ok(Some(l)) => {
            list::positions(l, &argv[2], opts.rank, opts.count.unwrap_or(1), opts.maxlen)
        }
    };
    match (opts.count, found.first()) {
        (Some(_), _) => {
            ctx.out.array(found.len());
            for i in found {
                ctx.out.int(i as i64);
            }
        }
        (None, Some(&i)) => ctx.out.int(i as i64),
        (None, None) => ctx.out.null(),
    }
}
