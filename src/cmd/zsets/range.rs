//! The ZRANGE family (ZRANGE, ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, ZRANGESTORE)
//! and ZREMRANGEBYRANK/SCORE/LEX.
//!
//! Every range, by rank, score or lex, becomes a span of ranks first (O(log n)); LIMIT then
//! moves within that span by arithmetic, so a reply of `m` elements costs O(log n + m)
//! however large the offset.

use super::{NOT_FLOAT_RANGE, NOT_LEX_RANGE, WrongType, list, read, write};
use crate::db::Value;
use crate::db::zset::{LexRange, ScoreRange, ZSet};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use std::ops::Range;

const LIMIT_NEEDS_BY: &str =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
const BYLEX_WITHSCORES: &str =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

/// What a range is over.
#[derive(Debug, Clone, Copy, PartialEq)]
enum By {
    Rank,
    Score,
    Lex,
}

/// ```text
/// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
/// ```
pub(super) fn zrange(ctx: &mut Ctx) {
    range_generic(ctx, false, None, None);
}

/// ```text
/// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
/// ```
pub(super) fn zrangestore(ctx: &mut Ctx) {
    range_generic(ctx, true, None, None);
}

/// ```text
/// ZREVRANGE key start stop [WITHSCORES]
/// ```
pub(super) fn zrevrange(ctx: &mut Ctx) {
    range_generic(ctx, false, Some(By::Rank), Some(true));
}

/// ```text
/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
/// ```
pub(super) fn zrangebyscore(ctx: &mut Ctx) {
    range_generic(ctx, false, Some(By::Score), Some(false));
}

/// ```text
/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
/// ```
pub(super) fn zrevrangebyscore(ctx: &mut Ctx) {
    range_generic(ctx, false, Some(By::Score), Some(true));
}

/// ```text
/// ZRANGEBYLEX key min max [LIMIT offset count]
/// ```
pub(super) fn zrangebylex(ctx: &mut Ctx) {
    range_generic(ctx, false, Some(By::Lex), Some(false));
}

/// ```text
/// ZREVRANGEBYLEX key max min [LIMIT offset count]
/// ```
pub(super) fn zrevrangebylex(ctx: &mut Ctx) {
    range_generic(ctx, false, Some(By::Lex), Some(true));
}

/// Which elements a range selects: `n` of them from rank `from` (counted from the lowest),
/// walking down with `rev`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pick {
    from: usize,
    n: usize,
    rev: bool,
}

const NONE: Pick = Pick {
    from: 0,
    n: 0,
    rev: false,
};

/// The body of every ZRANGE form (Redis's `zrangeGenericCommand`). `by` and `rev` are fixed
/// by the older commands and chosen by options in ZRANGE and ZRANGESTORE; `store` means
/// ZRANGESTORE (destination first, no WITHSCORES).
fn range_generic(ctx: &mut Ctx, store: bool, mut by: Option<By>, mut rev: Option<bool>) {
    let argv = ctx.argv;
    let first = if store { 2 } else { 1 };
    let (mut min, mut max) = (&argv[first + 1], &argv[first + 2]);
    let mut withscores = false;
    // Redis tells "no LIMIT" by a count of -1, so `LIMIT 0 -1` passes for a rank range.
    let (mut offset, mut count) = (0i64, -1i64);
    let mut j = first + 3;
    while j < argv.len() {
        let is = |name: &[u8]| argv[j].eq_ignore_ascii_case(name);
        if !store && is(b"withscores") {
            withscores = true;
        } else if is(b"limit") && argv.len() - j > 2 {
            let (Some(o), Some(c)) = (parse_i64(&argv[j + 1]), parse_i64(&argv[j + 2])) else {
                return ctx.error(error::NOT_INTEGER);
            };
            (offset, count) = (o, c);
            j += 2;
        } else if rev.is_none() && is(b"rev") {
            rev = Some(true);
        } else if by.is_none() && is(b"bylex") {
            by = Some(By::Lex);
        } else if by.is_none() && is(b"byscore") {
            by = Some(By::Score);
        } else {
            return ctx.error(error::SYNTAX);
        }
        j += 1;
    }
    let (by, rev) = (by.unwrap_or(By::Rank), rev.unwrap_or(false));
    if count != -1 && by == By::Rank {
        return ctx.error(LIMIT_NEEDS_BY);
    }
    if withscores && by == By::Lex {
        return ctx.error(BYLEX_WITHSCORES);
    }
    if rev && by != By::Rank {
        // Reversed score and lex ranges are written max first.
        std::mem::swap(&mut min, &mut max);
    }
    // Parse the range before looking the key up, as Redis does.
    let range = match by {
        By::Rank => match (parse_i64(min), parse_i64(max)) {
            (Some(start), Some(end)) => Parsed::Rank(start, end),
            _ => return ctx.error(error::NOT_INTEGER),
        },
        By::Score => match ScoreRange::parse(min, max) {
            Some(r) => Parsed::Score(r),
            None => return ctx.error(NOT_FLOAT_RANGE),
        },
        By::Lex => match LexRange::parse(min, max) {
            Some(r) => Parsed::Lex(r),
            None => return ctx.error(NOT_LEX_RANGE),
        },
    };
    let l = ctx.srv.config.enc;
    let z = match read(ctx.srv, ctx.db, &argv[first]) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(z) => z,
    };
    let pick = z.map_or(NONE, |z| match range {
        Parsed::Rank(start, end) => pick_ranks(z.len(), start, end, rev),
        Parsed::Score(r) => pick_in(z.score_span(&r), offset, count, rev),
        Parsed::Lex(r) => pick_lex(z, &r, offset, count, rev),
    });
    let items = z.map(|z| z.iter_from(pick.from, pick.rev).take(pick.n));
    if !store {
        return list(
            &mut ctx.out,
            pick.n,
            withscores,
            items.into_iter().flatten(),
        );
    }
    // Redis creates the destination small unless a rank range says it will be large.
    let mut dst = if by == By::Rank && pick.n > l.zset_entries {
        ZSet::new_large()
    } else {
        ZSet::new()
    };
    dst.set_limits(l.zset_entries, l.zset_value);
    for (m, s) in items.into_iter().flatten() {
        dst.insert(bytes::Bytes::copy_from_slice(m), s);
    }
    store_result(ctx, &argv[1], dst);
}

/// A range argument, parsed.
enum Parsed<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

/// Redis's index rules: negative indexes count from the end, and the range is clamped.
/// Returns the ascending ranks covered.
fn rank_span(len: usize, start: i64, end: i64) -> Range<usize> {
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return 0..0;
    }
    start as usize..(end.min(len - 1) + 1) as usize
}

/// A rank range (ZRANGE, ZREVRANGE): with `rev`, indexes count from the highest element.
fn pick_ranks(len: usize, start: i64, end: i64, rev: bool) -> Pick {
    let span = rank_span(len, start, end);
    if span.is_empty() {
        return NONE;
    }
    Pick {
        from: if rev {
            len - 1 - span.start
        } else {
            span.start
        },
        n: span.len(),
        rev,
    }
}

/// A score or lex range with LIMIT applied: skip `offset` elements from the low end (high
/// end with `rev`), then take up to `count` (all if negative). A negative offset selects
/// nothing, as in Redis, where it walks off the end.
fn pick_in(span: Range<usize>, offset: i64, count: i64, rev: bool) -> Pick {
    let Ok(offset) = usize::try_from(offset) else {
        return NONE;
    };
    let Some(avail) = span.len().checked_sub(offset).filter(|&a| a > 0) else {
        return NONE;
    };
    let n = usize::try_from(count).map_or(avail, |c| c.min(avail));
    Pick {
        from: if rev {
            span.end - 1 - offset
        } else {
            span.start + offset
        },
        n,
        rev,
    }
}

/// A lex range with LIMIT applied (see [`ZSet::lex_select`] for where the walk starts).
fn pick_lex(z: &ZSet, r: &LexRange<'_>, offset: i64, count: i64, rev: bool) -> Pick {
    let Ok(skip) = usize::try_from(offset) else {
        return NONE;
    };
    let (from, n) = z.lex_select(r, rev, skip);
    let n = usize::try_from(count).map_or(n, |c| c.min(n));
    Pick { from, n, rev }
}

/// Stores a computed set at `dst` and replies with its size; an empty result deletes `dst`
/// instead. Wakes clients blocked on `dst`. Shared with the Z*STORE set operations.
pub(super) fn store_result(ctx: &mut Ctx, dst: &[u8], z: ZSet) {
    let n = z.len();
    let now = ctx.now();
    if n == 0 {
        if ctx.db().delete(dst, now).is_some() {
            ctx.modified(dst);
        }
    } else {
        ctx.db().set(dst, Value::ZSet(Box::new(z)), None);
        ctx.modified(dst);
        ctx.signal_ready(dst);
    }
    ctx.out.int(n as i64);
}

/// ```text
/// ZREMRANGEBYRANK key start stop
/// ```
pub(super) fn zremrangebyrank(ctx: &mut Ctx) {
    remrange_generic(ctx, By::Rank);
}

/// ```text
/// ZREMRANGEBYSCORE key min max
/// ```
pub(super) fn zremrangebyscore(ctx: &mut Ctx) {
    remrange_generic(ctx, By::Score);
}

/// ```text
/// ZREMRANGEBYLEX key min max
/// ```
pub(super) fn zremrangebylex(ctx: &mut Ctx) {
    remrange_generic(ctx, By::Lex);
}

/// Removes a range of elements and replies how many; deletes the key if it empties.
fn remrange_generic(ctx: &mut Ctx, by: By) {
    let argv = ctx.argv;
    let range = match by {
        By::Rank => match (parse_i64(&argv[2]), parse_i64(&argv[3])) {
            (Some(start), Some(end)) => Parsed::Rank(start, end),
            _ => return ctx.error(error::NOT_INTEGER),
        },
        By::Score => match ScoreRange::parse(&argv[2], &argv[3]) {
            Some(r) => Parsed::Score(r),
            None => return ctx.error(NOT_FLOAT_RANGE),
        },
        By::Lex => match LexRange::parse(&argv[2], &argv[3]) {
            Some(r) => Parsed::Lex(r),
            None => return ctx.error(NOT_LEX_RANGE),
        },
    };
    let db = ctx.db;
    let (removed, empty) = match write(ctx.srv, db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => (0, false),
        Ok(Some(z)) => {
            let span = match range {
                Parsed::Rank(start, end) => rank_span(z.len(), start, end),
                Parsed::Score(r) => z.score_span(&r),
                Parsed::Lex(r) => {
                    let (from, n) = z.lex_select(&r, false, 0);
                    from..from + n
                }
            };
            (z.remove_ranks(span), z.is_empty())
        }
    };
    if empty {
        let now = ctx.now();
        ctx.db().delete(&argv[1], now);
    }
    if removed > 0 {
        ctx.modified(&argv[1]);
    }
    ctx.out.int(removed as i64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_spans_follow_redis_index_rules() {
        assert_eq!(rank_span(5, 0, -1), 0..5);
        assert_eq!(rank_span(5, -2, -1), 3..5);
        assert_eq!(rank_span(5, -100, 1), 0..2);
        assert_eq!(rank_span(5, 3, 100), 3..5);
        assert_eq!(rank_span(5, 4, 3), 0..0);
        assert_eq!(rank_span(5, 5, 10), 0..0);
        assert_eq!(rank_span(0, 0, -1), 0..0);
        assert_eq!(rank_span(5, i64::MIN, i64::MAX), 0..5);
        assert_eq!(rank_span(5, i64::MAX, i64::MIN), 0..0);
    }

    #[test]
    fn limits_move_within_the_span() {
        let p = |from, n, rev| Pick { from, n, rev };
        assert_eq!(pick_in(2..8, 0, -1, false), p(2, 6, false));
        assert_eq!(pick_in(2..8, 1, 2, false), p(3, 2, false));
        assert_eq!(pick_in(2..8, 1, 2, true), p(6, 2, true));
        assert_eq!(pick_in(2..8, 5, 10, true), p(2, 1, true));
        assert_eq!(pick_in(2..8, 6, 1, false).n, 0);
        assert_eq!(pick_in(2..8, -1, 1, false).n, 0);
        assert_eq!(pick_in(2..8, 0, 0, false).n, 0);
        assert_eq!(pick_in(2..8, i64::MAX, i64::MAX, true).n, 0);
        assert_eq!(pick_ranks(5, 0, 1, true), p(4, 2, true));
    }
}
