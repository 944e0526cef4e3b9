//! ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK: the
//! commands about single members and counts.

use super::{NOT_FLOAT_RANGE, NOT_LEX_RANGE, WrongType, read, write};
use crate::db::Value;
use crate::db::zset::{AddFlags, LexRange, Outcome, ScoreRange, ZSet};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_score;

const XX_AND_NX: &str = "ERR XX and NX options at the same time are not compatible";
const GT_LT_NX: &str = "ERR GT, LT, and/or NX options at the same time are not compatible";
const INCR_PAIR: &str = "ERR INCR option supports a single increment-element pair";
const NAN_RESULT: &str = "ERR resulting score is not a number (NaN)";

/// ```text
/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
/// ```
pub(crate) fn zadd(ctx: &mut Ctx) {
    zadd_generic(ctx, AddFlags::default());
}

/// ```text
/// ZINCRBY key increment member
/// ```
/// ZADD with INCR, as in Redis, which also means an increment spelled like a ZADD option
/// (`ZINCRBY k nx m`) is taken as one and ends in a syntax error.
pub(super) fn zincrby(ctx: &mut Ctx) {
    zadd_generic(
        ctx,
        AddFlags {
            incr: true,
            ..AddFlags::default()
        },
    );
}

/// The body of ZADD and ZINCRBY (Redis's `zaddGenericCommand`): options, then every score
/// is checked before anything changes.
fn zadd_generic(ctx: &mut Ctx, mut f: AddFlags) {
    let argv = ctx.argv;
    let mut ch = false;
    let mut i = 2;
    while let Some(opt) = argv.get(i) {
        let is = |name: &[u8]| opt.eq_ignore_ascii_case(name);
        if is(b"nx") {
            f.nx = true;
        } else if is(b"xx") {
            f.xx = true;
        } else if is(b"gt") {
            f.gt = true;
        } else if is(b"lt") {
            f.lt = true;
        } else if is(b"ch") {
            ch = true;
        } else if is(b"incr") {
            f.incr = true;
        } else {
            break;
        }
        i += 1;
    }
    let args = &argv[i..];
    if args.is_empty() || !args.len().is_multiple_of(2) {
        return ctx.error(error::SYNTAX);
    }
    if f.nx && f.xx {
        return ctx.error(XX_AND_NX);
    }
    if (f.gt || f.lt) && f.nx || (f.gt && f.lt) {
        return ctx.error(GT_LT_NX);
    }
    if f.incr && args.len() > 2 {
        return ctx.error(INCR_PAIR);
    }
    let Some(scores) = args
        .chunks(2)
        .map(|p| parse_score(&p[0]))
        .collect::<Option<Vec<f64>>>()
    else {
        return ctx.error(error::NOT_FLOAT);
    };

    let key = &argv[1];
    let db = ctx.db;
    match write(ctx.srv, db, key) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(Some(_)) => {}
        // XX on a missing key changes nothing.
        Ok(None) if f.xx => return zadd_reply(ctx, f.incr, ch, None, 0, 0),
        Ok(None) => ctx.srv.dbs[db].set(key, Value::ZSet(Box::default()), None),
    }
    let Ok(Some(z)) = write(ctx.srv, db, key) else {
        return ctx.error(error::WRONGTYPE);
    };
    let (mut added, mut updated, mut last) = (0, 0, None);
    for (pair, &score) in args.chunks(2).zip(&scores) {
        match z.add(&pair[1], score, f) {
            // Only INCR of an existing member gets here, with its single pair: nothing
            // changed and the set is not empty.
            Err(_) => return ctx.out.error(NAN_RESULT),
            Ok(Outcome::Added(s)) => (added, last) = (added + 1, Some(s)),
            Ok(Outcome::Updated(s)) => (updated, last) = (updated + 1, Some(s)),
            Ok(Outcome::Same(s)) => last = Some(s),
            Ok(Outcome::Skipped) => {}
        }
    }
    // Every member of a new set is added (XX was handled above), so it is never left empty.
    if added + updated > 0 {
        ctx.modified_n(key, (added + updated) as u64);
        ctx.signal_ready(key);
    }
    zadd_reply(ctx, f.incr, ch, last, added, updated);
}

/// INCR replies with the new score (nil when NX/XX/GT/LT skipped it); otherwise the number
/// of members added (and with CH, changed).
fn zadd_reply(ctx: &mut Ctx, incr: bool, ch: bool, last: Option<f64>, added: i64, updated: i64) {
    match (incr, last) {
        (true, Some(s)) => ctx.out.double(s),
        (true, None) => ctx.out.null(),
        (false, _) => ctx.out.int(if ch { added + updated } else { added }),
    }
}

/// ```text
/// ZREM key member [member ...]
/// ```
pub(super) fn zrem(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (removed, empty) = match write(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => (0, false),
        Ok(Some(z)) => {
            let n = argv[2..].iter().filter(|m| z.remove(m).is_some()).count();
            (n, z.is_empty())
        }
    };
    if empty {
        let now = ctx.now();
        ctx.db().delete(&argv[1], now);
    }
    if removed > 0 {
        ctx.modified_n(&argv[1], removed as u64);
    }
    ctx.out.int(removed as i64);
}

/// ```text
/// ZCARD key
/// ```
pub(super) fn zcard(ctx: &mut Ctx) {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(z) => ctx.out.int(z.map_or(0, ZSet::len) as i64),
    }
}

/// ```text
/// ZSCORE key member
/// ```
pub(super) fn zscore(ctx: &mut Ctx) {
    match read(ctx.srv, ctx.db, &ctx.argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(z) => match z.and_then(|z| z.score(&ctx.argv[2])) {
            Some(s) => ctx.out.double(s),
            None => ctx.out.null(),
        },
    }
}

/// ```text
/// ZMSCORE key member [member ...]
/// ```
/// A missing key is an empty set: every score is nil.
pub(super) fn zmscore(ctx: &mut Ctx) {
    let argv = ctx.argv;
    match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(z) => {
            ctx.out.array(argv.len() - 2);
            for m in &argv[2..] {
                match z.and_then(|z| z.score(m)) {
                    Some(s) => ctx.out.double(s),
                    None => ctx.out.null(),
                }
            }
        }
    }
}

/// ```text
/// ZCOUNT key min max
/// ```
pub(super) fn zcount(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(r) = ScoreRange::parse(&argv[2], &argv[3]) else {
        return ctx.error(NOT_FLOAT_RANGE);
    };
    match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(z) => ctx.out.int(z.map_or(0, |z| z.score_span(&r).len()) as i64),
    }
}

/// ```text
/// ZLEXCOUNT key min max
/// ```
pub(super) fn zlexcount(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(r) = LexRange::parse(&argv[2], &argv[3]) else {
        return ctx.error(NOT_LEX_RANGE);
    };
    match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => ctx.out.error(error::WRONGTYPE),
        Ok(z) => ctx
            .out
            .int(z.map_or(0, |z| z.lex_select(&r, false, 0).1) as i64),
    }
}

/// ```text
/// ZRANK key member [WITHSCORE]
/// ```
pub(super) fn zrank(ctx: &mut Ctx) {
    rank_generic(ctx, false);
}

/// ```text
/// ZREVRANK key member [WITHSCORE]
/// ```
pub(super) fn zrevrank(ctx: &mut Ctx) {
    rank_generic(ctx, true);
}

/// A member's 0-based rank (from the top with `rev`), with its score under WITHSCORE (7.2):
/// then `[rank, score]`, or a nil array when there is none.
fn rank_generic(ctx: &mut Ctx, rev: bool) {
    let argv = ctx.argv;
    if argv.len() > 4 {
        return ctx.error(&error::wrong_arity(if rev { "zrevrank" } else { "zrank" }));
    }
    let withscore = match argv.get(3) {
        None => false,
        Some(a) if a.eq_ignore_ascii_case(b"withscore") => true,
        Some(_) => return ctx.error(error::SYNTAX),
    };
    let found = match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(z) => z.and_then(|z| z.rank(&argv[2], rev)),
    };
    match (found, withscore) {
        (Some((r, _)), false) => ctx.out.int(r as i64),
        (Some((r, s)), true) => {
            ctx.out.array(2);
            ctx.out.int(r as i64);
            ctx.out.double(s);
        }
        (None, false) => ctx.out.null(),
        (None, true) => ctx.out.null_array(),
    }
}
