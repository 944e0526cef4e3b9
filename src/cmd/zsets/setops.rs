//! ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (Redis's
//! `zunionInterDiffGenericCommand`). Plain sets count as sorted sets whose scores are all 1.
//!
//! Inputs are read one at a time (each lookup borrows the database): an intersection starts
//! from the smallest input and keeps, input by input, the members found in each, which
//! aggregates every member's scores in the same order Redis does.

use super::range::store_result;
use super::{list, read};
use crate::db::zset::ZSet;
use crate::engine::ctx::Ctx;
use crate::engine::state::Server;
use crate::error;
use crate::util::number::{parse_i64, parse_score};
use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;

const WEIGHT: &str = "ERR weight value is not a float";
const LIMIT: &str = "ERR LIMIT can't be negative";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// ```text
/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
/// ```
pub(super) fn zunionstore(ctx: &mut Ctx) {
    setop_generic(ctx, "zunionstore", Op::Union, Reply::Store);
}

/// ```text
/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
/// ```
pub(super) fn zinterstore(ctx: &mut Ctx) {
    setop_generic(ctx, "zinterstore", Op::Inter, Reply::Store);
}

/// ```text
/// ZDIFFSTORE destination numkeys key [key ...]
/// ```
pub(super) fn zdiffstore(ctx: &mut Ctx) {
    setop_generic(ctx, "zdiffstore", Op::Diff, Reply::Store);
}

/// ```text
/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
/// ```
pub(super) fn zunion(ctx: &mut Ctx) {
    setop_generic(ctx, "zunion", Op::Union, Reply::List);
}

/// ```text
/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
/// ```
pub(super) fn zinter(ctx: &mut Ctx) {
    setop_generic(ctx, "zinter", Op::Inter, Reply::List);
}

/// ```text
/// ZDIFF numkeys key [key ...] [WITHSCORES]
/// ```
pub(super) fn zdiff(ctx: &mut Ctx) {
    setop_generic(ctx, "zdiff", Op::Diff, Reply::List);
}

/// ```text
/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
/// ```
pub(super) fn zintercard(ctx: &mut Ctx) {
    setop_generic(ctx, "zintercard", Op::Inter, Reply::Card);
}

/// What the command does with the result.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reply {
    /// Store it at argv[1] and reply its size.
    Store,
    /// Reply the members (WITHSCORES allowed).
    List,
    /// Reply its size only (LIMIT allowed).
    Card,
}

/// An input: a sorted set, a set (every score 1), or nothing.
enum Src<'a> {
    Missing,
    ZSet(&'a ZSet),
    Set(&'a crate::db::Set),
}

impl Src<'_> {
    fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::ZSet(z) => z.score(member),
            Src::Set(s) => s.contains(member).then_some(1.0),
        }
    }

    /// Every member with its score.
    fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        match self {
            Src::Missing => {}
            Src::ZSet(z) => z.iter().for_each(|(m, s)| f(m, s)),
            Src::Set(s) => s.iter().for_each(|m| f(&m.to_bytes(), 1.0)),
        }
    }
}

/// The input at `key`; its type was checked when the command began.
fn src<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Src<'s> {
    let now = srv.now_ms;
    match srv.dbs[db].get(key, now).map(|e| e.value()) {
        Some(crate::db::ValueRef::ZSet(z)) => Src::ZSet(z),
        Some(crate::db::ValueRef::Set(s)) => Src::Set(s),
        _ => Src::Missing,
    }
}

/// Redis's `zunionInterAggregate`: a sum of opposite infinities is 0, not NaN.
fn aggregate(target: &mut f64, val: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// A weighted score; NaN (0 × infinity) counts as 0.
fn weighted(score: f64, weight: f64) -> f64 {
    let v = score * weight;
    if v.is_nan() { 0.0 } else { v }
}

/// The body of every command here. `name` is the command's name for the numkeys error.
fn setop_generic(ctx: &mut Ctx, name: &str, op: Op, reply: Reply) {
    let argv = ctx.argv;
    let numkeys_at = if reply == Reply::Store { 2 } else { 1 };
    let Some(setnum) = parse_i64(&argv[numkeys_at]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    if setnum < 1 {
        return ctx.error(&format!(
            "ERR at least 1 input key is needed for '{name}' command"
        ));
    }
    let first = numkeys_at + 1;
    let setnum = match usize::try_from(setnum) {
        Ok(n) if n <= argv.len() - first => n,
        _ => return ctx.error(error::SYNTAX),
    };
    let keys = &argv[first..first + setnum];
    // Look every input up (and check its type) before reading the options, as Redis does.
    let mut lens = Vec::with_capacity(setnum);
    for key in keys {
        match read(ctx.srv, ctx.db, key) {
            Ok(z) => lens.push(z.map_or(0, ZSet::len)),
            Err(_) => {
                let now = ctx.now();
                match ctx.db().get(key, now).map(|e| e.value()) {
                    Some(crate::db::ValueRef::Set(s)) => lens.push(s.len()),
                    _ => return ctx.error(error::WRONGTYPE),
                }
            }
        }
    }

    let mut weights = vec![1.0; setnum];
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = first + setnum;
    while j < argv.len() {
        let left = argv.len() - j;
        let is = |name: &[u8]| argv[j].eq_ignore_ascii_case(name);
        let setop_options = op != Op::Diff && reply != Reply::Card;
        if setop_options && left > setnum && is(b"weights") {
            for (w, arg) in weights.iter_mut().zip(&argv[j + 1..]) {
                match parse_score(arg) {
                    Some(v) => *w = v,
                    None => return ctx.error(WEIGHT),
                }
            }
            j += setnum + 1;
        } else if setop_options && left >= 2 && is(b"aggregate") {
            let a = &argv[j + 1];
            how = if a.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if a.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if a.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                return ctx.error(error::SYNTAX);
            };
            j += 2;
        } else if reply == Reply::List && is(b"withscores") {
            withscores = true;
            j += 1;
        } else if reply == Reply::Card && left >= 2 && is(b"limit") {
            match parse_i64(&argv[j + 1]).and_then(|n| usize::try_from(n).ok()) {
                Some(n) => limit = n,
                None => return ctx.error(LIMIT),
            }
            j += 2;
        } else {
            return ctx.error(error::SYNTAX);
        }
    }

    // Union and intersection visit the inputs smallest first (a stable sort, as glibc's
    // qsort is in practice), which is also the order scores are aggregated in.
    let mut order: Vec<usize> = (0..setnum).collect();
    if op != Op::Diff {
        order.sort_by_key(|&i| lens[i]);
    }
    let db = ctx.db;
    let result: Vec<(Bytes, f64)> = match op {
        Op::Union => {
            let mut acc: IndexMap<Bytes, f64, RandomState> = IndexMap::default();
            for &i in &order {
                src(ctx.srv, db, &keys[i]).for_each(|m, s| {
                    let s = weighted(s, weights[i]);
                    // Looked up first so that only a new member is copied.
                    match acc.get_mut(m) {
                        Some(cur) => aggregate(cur, s, how),
                        None => {
                            acc.insert(Bytes::copy_from_slice(m), s);
                        }
                    }
                });
            }
            acc.into_iter().collect()
        }
        Op::Inter | Op::Diff => {
            let mut acc = Vec::new();
            let (head, rest) = order.split_first().map_or((0, &[][..]), |(h, r)| (*h, r));
            src(ctx.srv, db, &keys[head]).for_each(|m, s| {
                let s = if op == Op::Inter {
                    weighted(s, weights[head])
                } else {
                    s
                };
                acc.push((Bytes::copy_from_slice(m), s));
            });
            for &i in rest {
                if acc.is_empty() {
                    break;
                }
                let other = src(ctx.srv, db, &keys[i]);
                acc.retain_mut(|(m, score)| match (op, other.score(m)) {
                    (Op::Inter, Some(s)) => {
                        aggregate(score, s * weights[i], how);
                        true
                    }
                    (Op::Inter, None) => false,
                    (_, found) => found.is_none(),
                });
            }
            acc
        }
    };

    if reply == Reply::Card {
        let n = result.len();
        return ctx.out.int(if limit > 0 { n.min(limit) } else { n } as i64);
    }
    // Redis computes into a large set, and converts a stored result if it is small.
    let mut z = ZSet::new_large();
    for (m, s) in result {
        z.insert(m, s);
    }
    if reply == Reply::Store {
        let l = ctx.srv.config.enc;
        z.set_limits(l.zset_entries, l.zset_value);
        z.fit_encoding();
        return store_result(ctx, &argv[1], z);
    }
    list(&mut ctx.out, z.len(), withscores, z.iter());
}
