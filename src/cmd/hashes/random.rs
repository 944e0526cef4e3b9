//! HRANDFIELD. The count and the sampling are SRANDMEMBER's (`sets/random.rs`).

use crate::cmd::sets::random::{OUT_OF_RANGE, Pick, parse_count};
use crate::db::{Hash, WrongType};
use crate::engine::ctx::Ctx;
use crate::error;

/// ```text
/// HRANDFIELD key [count [WITHVALUES]]
/// ```
/// Without a count, one field (nil for a missing key). With one, an array of fields, or with
/// WITHVALUES of field/value pairs: flat in RESP2, one 2-element array per pair in RESP3.
/// Redis parses the count before it checks the rest of the syntax.
pub(super) fn hrandfield(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let count = match argv.get(2).map(|a| parse_count(a)) {
        None => return hrandfield_one(ctx),
        Some(Ok(n)) => n,
        Some(Err(e)) => return ctx.error(e),
    };
    let withvalues = match argv.get(3) {
        None => false,
        Some(opt) if argv.len() == 4 && opt.eq_ignore_ascii_case(b"withvalues") => true,
        Some(_) => return ctx.error(error::SYNTAX),
    };
    // The RESP2 reply has two elements per pick: its length must fit in a long.
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return ctx.error(OUT_OF_RANGE);
    }
    let len = match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.array(0),
        Ok(Some(h)) => h.len(),
    };
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let pick = match Pick::new(count, len, &mut srv.rng) {
        Ok(pick) => pick,
        Err(e) => return ctx.out.error(e),
    };
    let Ok(Some(h)) = srv.dbs[ctx.db].typed_mut::<Hash>(&argv[1], now) else {
        return ctx.out.array(0);
    };
    let h = h.indexed();
    let resp3 = ctx.out.resp3();
    let n = pick.len(len);
    ctx.out.array(if withvalues && !resp3 { n * 2 } else { n });
    let out = &mut ctx.out;
    let mut pair_at = |i: usize| {
        let Some((f, v)) = h.get(i) else {
            // Positions come from `len`, so this cannot happen; keep the reply well formed.
            let nulls = if withvalues { 2 } else { 1 };
            if withvalues && resp3 {
                out.array(2);
            }
            return (0..nulls).for_each(|_| out.null());
        };
        if withvalues && resp3 {
            out.array(2);
        }
        out.bulk(f);
        if withvalues {
            out.bulk(v);
        }
    };
    match pick {
        Pick::All => (0..len).for_each(pair_at),
        Pick::Distinct(positions) => positions.into_iter().for_each(pair_at),
        Pick::Repeat(n) => {
            for _ in 0..n {
                pair_at(srv.rng.below(len as u64) as usize);
            }
        }
    }
}

/// HRANDFIELD without a count: one random field.
fn hrandfield_one(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let len = match crate::cmd::read::<Hash>(ctx.srv, ctx.db, &argv[1]) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => return ctx.out.null(),
        Ok(Some(h)) => h.len(),
    };
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let i = srv.rng.below(len as u64) as usize;
    match srv.dbs[ctx.db].typed_mut::<Hash>(&argv[1], now) {
        Ok(Some(h)) => match h.get_index(i) {
            Some((f, _)) => ctx.out.bulk(f),
            None => ctx.out.null(),
        },
        _ => ctx.out.null(),
    }
}
