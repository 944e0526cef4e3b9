//! Generators for sorted sets, from the Redis 7.0 docs.

use super::gen_types::{card, index, member, numkeys, pop, random_members, scan_all, timeout};
use super::generator::{Entry, Family, Gen, Step, one};
use crate::cmd;

use Family::ZSets as Z;

#[rustfmt::skip]
pub const ENTRIES: &[Entry] = &[
    Entry { name: "zadd", weight: 10, family: Z, make: zadd },
    Entry { name: "zincrby", weight: 3, family: Z, make: |g| { let s = score(g); one(cmd!["ZINCRBY", g.key(Z), s, member(g)]) } },
    Entry { name: "zrem", weight: 2, family: Z, make: |g| { let mut c = cmd!["ZREM", g.key(Z)]; c.extend(zmembers(g)); one(c) } },
    Entry { name: "zcard", weight: 2, family: Z, make: |g| one(cmd!["ZCARD", g.key(Z)]) },
    Entry { name: "zscore", weight: 3, family: Z, make: |g| one(cmd!["ZSCORE", g.key(Z), member(g)]) },
    Entry { name: "zmscore", weight: 2, family: Z, make: |g| { let mut c = cmd!["ZMSCORE", g.key(Z)]; c.extend(zmembers(g)); one(c) } },
    Entry { name: "zrank", weight: 2, family: Z, make: |g| one(cmd!["ZRANK", g.key(Z), member(g)]) },
    Entry { name: "zrevrank", weight: 2, family: Z, make: |g| one(cmd!["ZREVRANK", g.key(Z), member(g)]) },
    Entry { name: "zcount", weight: 2, family: Z, make: |g| { let (a, b) = (score_bound(g), score_bound(g)); one(cmd!["ZCOUNT", g.key(Z), a, b]) } },
    Entry { name: "zlexcount", weight: 2, family: Z, make: |g| { let (a, b) = (lex_bound(g), lex_bound(g)); one(cmd!["ZLEXCOUNT", g.key(Z), a, b]) } },
    Entry { name: "zrange", weight: 6, family: Z, make: |g| one(zrange(g, "ZRANGE", None)) },
    Entry { name: "zrangestore", weight: 2, family: Z, make: |g| { let d = g.key(Z); one(zrange(g, "ZRANGESTORE", Some(d))) } },
    Entry { name: "zrevrange", weight: 2, family: Z, make: |g| one(by_rank(g, "ZREVRANGE")) },
    Entry { name: "zrangebyscore", weight: 2, family: Z, make: |g| one(by(g, "ZRANGEBYSCORE", score_bound, true)) },
    Entry { name: "zrevrangebyscore", weight: 2, family: Z, make: |g| one(by(g, "ZREVRANGEBYSCORE", score_bound, true)) },
    Entry { name: "zrangebylex", weight: 2, family: Z, make: |g| one(by(g, "ZRANGEBYLEX", lex_bound, false)) },
    Entry { name: "zrevrangebylex", weight: 2, family: Z, make: |g| one(by(g, "ZREVRANGEBYLEX", lex_bound, false)) },
    Entry { name: "zremrangebyrank", weight: 1, family: Z, make: |g| one(cmd!["ZREMRANGEBYRANK", g.key(Z), index(g), index(g)]) },
    Entry { name: "zremrangebyscore", weight: 1, family: Z, make: |g| { let (a, b) = (score_bound(g), score_bound(g)); one(cmd!["ZREMRANGEBYSCORE", g.key(Z), a, b]) } },
    Entry { name: "zremrangebylex", weight: 1, family: Z, make: |g| { let (a, b) = (lex_bound(g), lex_bound(g)); one(cmd!["ZREMRANGEBYLEX", g.key(Z), a, b]) } },
    Entry { name: "zpopmin", weight: 2, family: Z, make: |g| one(pop(g, "ZPOPMIN", Z)) },
    Entry { name: "zpopmax", weight: 2, family: Z, make: |g| one(pop(g, "ZPOPMAX", Z)) },
    Entry { name: "zmpop", weight: 2, family: Z, make: |g| one(zmpop(g, "ZMPOP", None)) },
    Entry { name: "bzpopmin", weight: 1, family: Z, make: |g| one(bzpop(g, "BZPOPMIN")) },
    Entry { name: "bzpopmax", weight: 1, family: Z, make: |g| one(bzpop(g, "BZPOPMAX")) },
    Entry { name: "bzmpop", weight: 1, family: Z, make: |g| { let t = timeout(g); one(zmpop(g, "BZMPOP", Some(t))) } },
    Entry { name: "zunion", weight: 2, family: Z, make: |g| one(zsetop(g, "ZUNION", false, true)) },
    Entry { name: "zinter", weight: 2, family: Z, make: |g| one(zsetop(g, "ZINTER", false, true)) },
    Entry { name: "zdiff", weight: 2, family: Z, make: |g| one(zsetop(g, "ZDIFF", false, false)) },
    Entry { name: "zunionstore", weight: 1, family: Z, make: |g| one(zsetop(g, "ZUNIONSTORE", true, true)) },
    Entry { name: "zinterstore", weight: 1, family: Z, make: |g| one(zsetop(g, "ZINTERSTORE", true, true)) },
    Entry { name: "zdiffstore", weight: 1, family: Z, make: |g| one(zsetop(g, "ZDIFFSTORE", true, false)) },
    Entry { name: "zintercard", weight: 1, family: Z, make: |g| one(card(g, "ZINTERCARD", Z)) },
    Entry { name: "zrandmember", weight: 2, family: Z, make: |g| one(random_members(g, "ZRANDMEMBER", Z, "WITHSCORES")) },
    Entry { name: "zscan", weight: 2, family: Z, make: |g| scan_all(g, "ZSCAN", Z, true) },
];

fn zmembers(g: &mut Gen) -> Vec<Vec<u8>> {
    (0..1 + g.rng.below(3)).map(|_| member(g)).collect()
}

/// A score: integers, fractions, infinities; sometimes not a number.
fn score(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(20) {
        0 => g.rng.pick(&["nan", "abc", "", "1e", "(1"]).into(),
        1 => g.rng.pick(&["inf", "-inf", "+inf"]).into(),
        2..=4 => g
            .rng
            .pick(&["1.5", "-0.5", "0.1", "2.5e1", "-0", "1e3"])
            .into(),
        _ => g.rng.range(-5, 5).to_string().into_bytes(),
    }
}

fn score_bound(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => g.rng.pick(&["abc", "[1", "(", "nan", ""]).into(),
        1 | 2 => g.rng.pick(&["-inf", "+inf", "inf", "(-inf"]).into(),
        3 | 4 => format!("({}", g.rng.range(-5, 5)).into_bytes(),
        5 => g.rng.pick(&["1.5", "(0.1", "-0.5"]).into(),
        _ => g.rng.range(-5, 5).to_string().into_bytes(),
    }
}

fn lex_bound(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0 => g.rng.pick(&["a", "", "[", "(", "1"]).into(),
        1 | 2 => g.rng.pick(&["-", "+"]).into(),
        _ => {
            let open = g.rng.pick(&["[", "("]);
            let m = member(g);
            let mut v = open.as_bytes().to_vec();
            v.extend(m);
            v
        }
    }
}

fn zadd(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["ZADD", g.key(Z)];
    if g.rng.chance(20) {
        c.push(g.rng.pick(&["NX", "XX"]).into());
    }
    if g.rng.chance(15) {
        c.push(g.rng.pick(&["GT", "LT", "gt"]).into());
    }
    if g.rng.chance(20) {
        c.push(b"CH".to_vec());
    }
    let incr = g.rng.chance(10);
    if incr {
        c.push(b"INCR".to_vec());
    }
    let pairs = if incr && g.rng.chance(85) {
        1
    } else {
        1 + g.rng.below(3)
    };
    for _ in 0..pairs {
        c.push(score(g));
        c.push(member(g));
    }
    one(c)
}

fn limit(g: &mut Gen, c: &mut Vec<Vec<u8>>) {
    c.extend(cmd!["LIMIT", g.int(-1, 3), g.int(-1, 4)]);
}

/// ZRANGE / ZRANGESTORE with every option combination (including the invalid ones).
fn zrange(g: &mut Gen, name: &str, dst: Option<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    c.extend(dst);
    c.push(g.key(Z));
    let by = g.rng.below(4);
    let (a, b) = match by {
        0 => (score_bound(g), score_bound(g)),
        1 => (lex_bound(g), lex_bound(g)),
        _ => (index(g), index(g)),
    };
    c.push(a);
    c.push(b);
    match by {
        0 => c.push(b"BYSCORE".to_vec()),
        1 => c.push(b"BYLEX".to_vec()),
        _ if g.rng.chance(5) => c.push(b"BYSCORE".to_vec()),
        _ => {}
    }
    if g.rng.chance(30) {
        c.push(b"REV".to_vec());
    }
    if g.rng.chance(25) {
        limit(g, &mut c);
    }
    if g.rng.chance(30) {
        c.push(b"WITHSCORES".to_vec());
    }
    c
}

fn by_rank(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(Z), index(g), index(g)];
    if g.rng.chance(40) {
        c.push(b"WITHSCORES".to_vec());
    }
    c
}

fn by(g: &mut Gen, name: &str, bound: fn(&mut Gen) -> Vec<u8>, scores: bool) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(Z), bound(g), bound(g)];
    if scores && g.rng.chance(40) {
        c.push(b"WITHSCORES".to_vec());
    }
    if g.rng.chance(30) {
        limit(g, &mut c);
    }
    c
}

fn zmpop(g: &mut Gen, name: &str, timeout: Option<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    c.extend(timeout);
    numkeys(g, &mut c, Z);
    c.push(g.rng.pick(&["MIN", "MAX", "min", "LEFT"]).into());
    if g.rng.chance(50) {
        c.extend(cmd!["COUNT", g.int(-1, 5)]);
    }
    c
}

fn bzpop(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    c.extend(g.keys(Z, 3));
    c.push(timeout(g));
    c
}

/// ZUNION/ZINTER/ZDIFF and their STORE forms; WEIGHTS/AGGREGATE only where Redis takes them.
fn zsetop(g: &mut Gen, name: &str, store: bool, weights: bool) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    if store {
        c.push(g.key(Z));
    }
    let start = c.len();
    numkeys(g, &mut c, Z);
    let nkeys = c.len() - start - 1;
    if (weights || g.rng.chance(5)) && g.rng.chance(30) {
        c.push(b"WEIGHTS".to_vec());
        let n = if g.rng.chance(90) { nkeys } else { nkeys + 1 };
        for _ in 0..n {
            c.push(
                g.rng
                    .pick(&["1", "2", "-1", "0.5", "0", "inf", "abc"])
                    .into(),
            );
        }
    }
    if (weights || g.rng.chance(5)) && g.rng.chance(30) {
        c.extend(cmd![
            "AGGREGATE",
            g.rng.pick(&["SUM", "MIN", "MAX", "max", "AVG"])
        ]);
    }
    if !store && g.rng.chance(40) {
        c.push(b"WITHSCORES".to_vec());
    }
    if store && g.rng.chance(5) {
        c.push(b"WITHSCORES".to_vec());
    }
    c
}
