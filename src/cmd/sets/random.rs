//! SPOP and SRANDMEMBER, and the count handling and sampling HRANDFIELD shares.
//!
//! Sets and hashes are position-addressable, so a random member is one draw of
//! `ctx.srv.rng`. A positive count asks for distinct members (the whole collection when it
//! has no more than that), a negative one (SRANDMEMBER, HRANDFIELD) for that many
//! independent draws, repeats allowed.

use super::reply_members;
use crate::db::{Set, WrongType};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use crate::util::rand::Rng;
use bytes::Bytes;
use std::collections::HashSet;

/// Redis's reply to a count of `i64::MIN`, which has no positive counterpart.
const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
pub(crate) const OUT_OF_RANGE: &str = "ERR value is out of range";
/// The most draws a negative count may ask for. Redis has no limit and would try to build a
/// reply of any size (an `SRANDMEMBER key -9223372036854775807` runs it out of memory);
/// past this many (a reply of well over 100 MB) we answer OUT_OF_RANGE instead.
const MAX_REPEATS: u64 = 1 << 24;

/// Parses the count of SRANDMEMBER and HRANDFIELD as Redis does (a long in
/// -LONG_MAX..=LONG_MAX), returning the error line otherwise.
pub(crate) fn parse_count(arg: &[u8]) -> Result<i64, &'static str> {
    match parse_i64(arg) {
        None => Err(error::NOT_INTEGER),
        Some(i64::MIN) => Err(COUNT_RANGE),
        Some(n) => Ok(n),
    }
}

/// Which elements a count picks out of a non-empty collection.
#[derive(Debug, PartialEq)]
pub(crate) enum Pick {
    /// Every element, in the collection's order.
    All,
    /// These distinct positions (maybe none), in random order.
    Distinct(Vec<usize>),
    /// This many independent random positions.
    Repeat(u64),
}

impl Pick {
    /// What `count` asks of a collection of `len` (> 0) elements, as Redis's
    /// `srandmemberWithCountCommand` and `hrandfieldWithCountCommand` decide it.
    pub(crate) fn new(count: i64, len: usize, rng: &mut Rng) -> Result<Pick, &'static str> {
        if count < 0 || count == 1 {
            let n = count.unsigned_abs();
            return if n > MAX_REPEATS {
                Err(OUT_OF_RANGE)
            } else {
                Ok(Pick::Repeat(n))
            };
        }
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        if count >= len {
            return Ok(Pick::All);
        }
        Ok(Pick::Distinct(distinct_positions(len, count, rng)))
    }

    /// How many elements the reply holds.
    pub(crate) fn len(&self, collection_len: usize) -> usize {
        match self {
            Pick::All => collection_len,
            Pick::Distinct(p) => p.len(),
            // At most MAX_REPEATS.
            Pick::Repeat(n) => *n as usize,
        }
    }
}

/// `count` distinct positions below `len` (`count < len`), in random order.
///
/// When most positions are wanted, a partial Fisher-Yates shuffle of all of them; when few
/// are, draws until enough distinct ones come up (fewer than 1.5 draws each on average),
/// which never allocates for the whole collection.
fn distinct_positions(len: usize, count: usize, rng: &mut Rng) -> Vec<usize> {
    let below = |rng: &mut Rng, n: usize| rng.below(n as u64) as usize;
    if count.saturating_mul(3) > len {
        let mut all: Vec<usize> = (0..len).collect();
        for i in 0..count {
            let j = i + below(rng, len - i);
            all.swap(i, j);
        }
        all.truncate(count);
        all
    } else {
        let mut seen = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let i = below(rng, len);
            if seen.insert(i) {
                out.push(i);
            }
        }
        out
    }
}

/// ```text
/// SRANDMEMBER key [count]
/// ```
/// Without a count, one member (nil for a missing key); with one, an array.
pub(super) fn srandmember(ctx: &mut Ctx) {
    match ctx.argv.len() {
        2 => srandmember_one(ctx),
        3 => srandmember_count(ctx),
        _ => ctx.error(error::SYNTAX),
    }
}

fn srandmember_one(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let len = match crate::cmd::read::<Set>(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.null(),
        Ok(Some(s)) => s.len(),
    };
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let i = srv.rng.below(len as u64) as usize;
    match srv.dbs[ctx.db].typed_mut::<Set>(&argv[1], now) {
        Ok(Some(s)) => match s.get_index(i) {
            Some(m) => ctx.out.bulk(&m),
            None => ctx.out.null(),
        },
        _ => ctx.out.null(),
    }
}

fn srandmember_count(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let count = match parse_count(&argv[2]) {
        Ok(n) => n,
        Err(e) => return ctx.error(e),
    };
    let len = match crate::cmd::read::<Set>(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.array(0),
        Ok(Some(s)) => s.len(),
    };
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let pick = match Pick::new(count, len, &mut srv.rng) {
        Ok(pick) => pick,
        Err(e) => return ctx.out.error(e),
    };
    let Ok(Some(s)) = srv.dbs[ctx.db].typed_mut::<Set>(&argv[1], now) else {
        return ctx.out.array(0);
    };
    ctx.out.array(pick.len(len));
    let mut bulk_at = |i: usize| match s.get_index(i) {
        Some(m) => ctx.out.bulk(&m),
        None => ctx.out.null(),
    };
    match pick {
        Pick::All => {
            for m in s.iter() {
                ctx.out.bulk(&m);
            }
        }
        Pick::Distinct(positions) => positions.into_iter().for_each(bulk_at),
        Pick::Repeat(n) => {
            for _ in 0..n {
                let i = srv.rng.below(len as u64) as usize;
                bulk_at(i);
            }
        }
    }
}

/// ```text
/// SPOP key [count]
/// ```
/// Without a count, one member (nil for a missing key); with one, a set of distinct members.
/// The set is deleted when it loses its last member.
pub(super) fn spop(ctx: &mut Ctx) {
    match ctx.argv.len() {
        2 => spop_one(ctx),
        3 => spop_count(ctx),
        _ => ctx.error(error::SYNTAX),
    }
}

fn spop_one(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let db = &mut srv.dbs[ctx.db];
    let s = match db.typed_mut::<Set>(&argv[1], now) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.null(),
        Ok(Some(s)) => s,
    };
    let i = srv.rng.below(s.len() as u64) as usize;
    let popped = s.remove_index(i);
    if s.is_empty() {
        db.remove(&argv[1]);
    }
    match popped {
        Some(m) => {
            ctx.out.bulk(&m);
            ctx.modified(&argv[1]);
            // The random choice is propagated as the member it fell on.
            if ctx.propagating() {
                ctx.rewrite(vec![Bytes::from_static(b"SREM"), argv[1].clone(), m]);
            }
        }
        None => ctx.out.null(),
    }
}

fn spop_count(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let count = match parse_i64(&argv[2]) {
        Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
        _ => return ctx.error(error::NOT_POSITIVE_COUNT),
    };
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let db = &mut srv.dbs[ctx.db];
    let s = match db.typed_mut::<Set>(&argv[1], now) {
        Err(WrongType) => return ctx.out.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.set(0),
        Ok(Some(s)) => s,
    };
    if count == 0 {
        return ctx.out.set(0);
    }
    if count >= s.len() {
        // Redis answers this case with SUNION of the key, whose lookup counts as a read.
        srv.stats.keyspace_hits += 1;
        if let Some(entry) = db.remove(&argv[1])
            && let crate::db::ValueRef::Set(all) = entry.value()
        {
            reply_members(&mut ctx.out, all);
        }
        ctx.modified(&argv[1]);
        if ctx.propagating() {
            ctx.rewrite(vec![Bytes::from_static(b"DEL"), argv[1].clone()]);
        }
        return;
    }
    let popped: Vec<Bytes> = (0..count)
        .filter_map(|_| {
            let i = srv.rng.below(s.len() as u64) as usize;
            s.remove_index(i)
        })
        .collect();
    ctx.out.set(popped.len());
    for m in &popped {
        ctx.out.bulk(m);
    }
    ctx.modified(&argv[1]);
    if ctx.propagating() {
        let mut srem = vec![Bytes::from_static(b"SREM"), argv[1].clone()];
        srem.extend(popped);
        ctx.rewrite(srem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_follows_redis_cases() {
        let mut rng = Rng::new(7);
        assert_eq!(Pick::new(0, 5, &mut rng), Ok(Pick::Distinct(vec![])));
        assert_eq!(Pick::new(1, 5, &mut rng), Ok(Pick::Repeat(1)));
        assert_eq!(Pick::new(-3, 5, &mut rng), Ok(Pick::Repeat(3)));
        assert_eq!(Pick::new(5, 5, &mut rng), Ok(Pick::All));
        assert_eq!(Pick::new(i64::MAX, 5, &mut rng), Ok(Pick::All));
        assert_eq!(Pick::new(-i64::MAX, 5, &mut rng), Err(OUT_OF_RANGE));
        assert_eq!(
            Pick::new(-(MAX_REPEATS as i64), 5, &mut rng),
            Ok(Pick::Repeat(MAX_REPEATS))
        );
        assert_eq!(parse_count(b"-9223372036854775808"), Err(COUNT_RANGE));
        assert_eq!(parse_count(b"x"), Err(error::NOT_INTEGER));
        assert_eq!(parse_count(b"-9223372036854775807"), Ok(-i64::MAX));
    }

    #[test]
    fn distinct_positions_are_distinct_in_range_and_cover_all() {
        let mut rng = Rng::new(42);
        // Dense (shuffle) and sparse (draws) paths.
        for (len, count) in [(10, 9), (10, 2), (1000, 10), (1000, 900), (3, 1)] {
            let mut hits = vec![0u32; len];
            for _ in 0..200 {
                let p = distinct_positions(len, count, &mut rng);
                assert_eq!(p.len(), count);
                let unique: HashSet<_> = p.iter().collect();
                assert_eq!(unique.len(), count, "distinct");
                for i in p {
                    hits[i] += 1;
                }
            }
            if len <= 10 {
                assert!(hits.iter().all(|&h| h > 0), "{len}/{count}: {hits:?}");
            }
        }
    }
}
