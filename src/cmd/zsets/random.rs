//! ZRANDMEMBER and ZSCAN: the commands that address members by their position in the
//! set's hash rather than by order.

use super::{WrongType, list, list_header, list_item, read};
use crate::db::zset::ZSet;
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::glob::glob_match;
use crate::util::number::{format_double, format_i64, parse_i64};
use crate::util::rand::Rng;
use std::collections::HashSet;

const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
const OUT_OF_RANGE: &str = "ERR value is out of range";
const INVALID_CURSOR: &str = "ERR invalid cursor";
/// ZSCAN's default COUNT.
const SCAN_COUNT: usize = 10;

/// ```text
/// ZRANDMEMBER key [count [WITHSCORES]]
/// ```
/// A positive count picks distinct members (the whole set, highest first, if it has no more);
/// a negative one picks `-count` members that may repeat.
pub(super) fn zrandmember(ctx: &mut Ctx) {
    let argv = ctx.argv;
    // The set borrows the server, so the generator is used through a copy, saved back.
    let mut rng = ctx.srv.rng.clone();
    if argv.len() == 2 {
        match read(ctx.srv, ctx.db, &argv[1]) {
            Err(WrongType) => ctx.out.error(error::WRONGTYPE),
            Ok(None) => ctx.out.null(),
            Ok(Some(z)) => {
                let pos = rng.below(z.len() as u64) as usize;
                match z.at_position(pos) {
                    Some((m, _)) => ctx.out.bulk(m),
                    None => ctx.out.null(),
                }
            }
        }
        ctx.srv.rng = rng;
        return;
    }
    let Some(count) = parse_i64(&argv[2]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    if count == i64::MIN {
        return ctx.error(COUNT_RANGE);
    }
    let withscores = match argv.get(3) {
        _ if argv.len() > 4 => return ctx.error(error::SYNTAX),
        None => false,
        Some(a) if a.eq_ignore_ascii_case(b"withscores") => true,
        Some(_) => return ctx.error(error::SYNTAX),
    };
    // Redis's guard against count * 2 overflowing in the RESP2 reply length.
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return ctx.error(OUT_OF_RANGE);
    }
    let max_reply = ctx.srv.config.proto_max_bulk_len;
    let z = match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.array(0),
        Ok(Some(z)) => z,
    };
    // Deviation: a repeating count so large that the reply could not fit in memory (Redis
    // would try, and run out) is refused. Every element takes at least 7 bytes, so a
    // reply of more than proto-max-bulk-len elements is far beyond any sane request.
    if count < 0 && count.unsigned_abs() > max_reply {
        return ctx.out.error(OUT_OF_RANGE);
    }
    let out = &mut ctx.out;
    let size = z.len();
    let n = count.unsigned_abs();
    if n == 0 {
        out.array(0);
    } else if count < 0 || n == 1 {
        // With repetition, in random order. Streamed: the count may be huge.
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        let small = pairs_if_small(z);
        list_header(out, n, withscores);
        for _ in 0..n {
            let pos = rng.below(size as u64) as usize;
            if let Some((m, s)) = at(z, &small, pos) {
                list_item(out, m, s, withscores);
            }
        }
    } else if n >= size as u64 {
        // Redis walks the set from the top here.
        list(out, size, withscores, z.iter_from(size - 1, true));
    } else {
        let picks = distinct_positions(&mut rng, size, n as usize);
        let small = pairs_if_small(z);
        list_header(out, picks.len(), withscores);
        for pos in picks {
            if let Some((m, s)) = at(z, &small, pos) {
                list_item(out, m, s, withscores);
            }
        }
    }
    ctx.srv.rng = rng;
}

/// A small set's elements in order, indexed once: finding a position in its pack is a walk
/// from the start, too slow to repeat for every pick of a large count. Empty for a large set.
fn pairs_if_small(z: &ZSet) -> Vec<(&[u8], f64)> {
    if z.is_listpack() {
        z.iter().collect()
    } else {
        Vec::new()
    }
}

/// The element at `pos`: from `small` if the set is small, else from the set's hash.
fn at<'a>(z: &'a ZSet, small: &[(&'a [u8], f64)], pos: usize) -> Option<(&'a [u8], f64)> {
    if z.is_listpack() {
        small.get(pos).copied()
    } else {
        z.at_position(pos)
    }
}

/// `n` distinct positions out of `0..size` (n < size), in random order: a partial shuffle
/// when `n` is a large share of the set, rejection sampling when it is small.
fn distinct_positions(rng: &mut Rng, size: usize, n: usize) -> Vec<usize> {
    if n.saturating_mul(3) > size {
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..n {
            let j = i + rng.below((size - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(n);
        return all;
    }
    let mut seen = HashSet::with_capacity(n);
    let mut picks = Vec::with_capacity(n);
    while picks.len() < n {
        let pos = rng.below(size as u64) as usize;
        if seen.insert(pos) {
            picks.push(pos);
        }
    }
    picks
}

/// ```text
/// ZSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
/// Small sets come back whole, in order, with cursor 0, as Redis's listpacks do. For larger
/// ones the cursor is a position in the set's hash, walked downwards as the keyspace SCAN
/// walks its table (see `db/scan.rs`): a removal moves the last element into the hole, so
/// every member present for the whole scan is returned at least once.
pub(super) fn zscan(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(cursor) = crate::util::number::parse_cursor(&argv[2]) else {
        return ctx.error(INVALID_CURSOR);
    };
    let z = match read(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(None) => {
            ctx.out.array(2);
            ctx.out.bulk(b"0");
            return ctx.out.array(0);
        }
        Ok(Some(z)) => z,
    };
    let mut count = SCAN_COUNT;
    let mut pattern: Option<&[u8]> = None;
    for opt in argv[3..].chunks(2) {
        let [name, value] = opt else {
            return ctx.out.error(error::SYNTAX);
        };
        if name.eq_ignore_ascii_case(b"count") {
            match parse_i64(value) {
                None => return ctx.out.error(error::NOT_INTEGER),
                Some(n) if n < 1 => return ctx.out.error(error::SYNTAX),
                Some(n) => count = usize::try_from(n).unwrap_or(usize::MAX),
            }
        } else if name.eq_ignore_ascii_case(b"match") {
            // A plain `*` matches everything, the empty member included.
            pattern = (value.as_ref() != b"*").then_some(&value[..]);
        } else {
            return ctx.out.error(error::SYNTAX);
        }
    }
    let keep = |m: &[u8]| pattern.is_none_or(|p| glob_match(p, m, false));
    let mut found: Vec<(&[u8], f64)> = Vec::new();
    let small = z.is_listpack();
    let next = if small {
        found.extend(z.iter().filter(|(m, _)| keep(m)));
        0
    } else {
        let len = z.len() as u64;
        let mut pos = if cursor == 0 || cursor > len {
            len
        } else {
            cursor
        };
        let mut visited = 0;
        while pos > 0 && visited < count {
            pos -= 1;
            visited += 1;
            if let Some((m, s)) = z.at_position(pos as usize)
                && keep(m)
            {
                found.push((m, s));
            }
        }
        pos
    };
    let out = &mut ctx.out;
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    // Scores are strings here in RESP3 too: Redis formats them before replying.
    out.array(found.len() * 2);
    for (m, s) in found {
        out.bulk(m);
        out.bulk(&if small {
            listpack_score(s)
        } else {
            format_double(s)
        });
    }
}

/// A score as a Redis 7.0 listpack holds it, which ZSCAN returns as is: integral values
/// up to ±2^62 as integers (`d2string` with `double2ll`), others as `%.17g`.
fn listpack_score(s: f64) -> Vec<u8> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if (-LIMIT..=LIMIT).contains(&s) && s.fract() == 0.0 {
        let mut out = Vec::with_capacity(20);
        format_i64(&mut out, s as i64);
        out
    } else {
        format_double(s)
    }
}
