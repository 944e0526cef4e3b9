//! Generators for lists, hashes and sets, from the Redis 7.0 docs.

use super::gen_basic::scan_opts;
use super::generator::{Entry, Family, Gen, Step, one};
use crate::cmd;

use Family::{Hashes as H, Lists as L, Sets as T};

#[rustfmt::skip]
pub const ENTRIES: &[Entry] = &[
    // lists
    Entry { name: "lpush", weight: 6, family: L, make: |g| one(push(g, "LPUSH")) },
    Entry { name: "rpush", weight: 6, family: L, make: |g| one(push(g, "RPUSH")) },
    Entry { name: "lpushx", weight: 1, family: L, make: |g| one(push(g, "LPUSHX")) },
    Entry { name: "rpushx", weight: 1, family: L, make: |g| one(push(g, "RPUSHX")) },
    Entry { name: "lpop", weight: 3, family: L, make: |g| one(pop(g, "LPOP", L)) },
    Entry { name: "rpop", weight: 3, family: L, make: |g| one(pop(g, "RPOP", L)) },
    Entry { name: "llen", weight: 2, family: L, make: |g| one(cmd!["LLEN", g.key(L)]) },
    Entry { name: "lrange", weight: 5, family: L, make: |g| one(cmd!["LRANGE", g.key(L), index(g), index(g)]) },
    Entry { name: "lindex", weight: 2, family: L, make: |g| one(cmd!["LINDEX", g.key(L), index(g)]) },
    Entry { name: "lset", weight: 2, family: L, make: |g| one(cmd!["LSET", g.key(L), index(g), elem(g)]) },
    Entry { name: "lrem", weight: 2, family: L, make: |g| one(cmd!["LREM", g.key(L), index(g), elem(g)]) },
    Entry { name: "ltrim", weight: 2, family: L, make: |g| one(cmd!["LTRIM", g.key(L), index(g), index(g)]) },
    Entry { name: "linsert", weight: 2, family: L, make: linsert },
    Entry { name: "lpos", weight: 3, family: L, make: lpos },
    Entry { name: "lmove", weight: 2, family: L, make: |g| one(cmd!["LMOVE", g.key(L), g.key(L), side(g), side(g)]) },
    Entry { name: "rpoplpush", weight: 1, family: L, make: |g| one(cmd!["RPOPLPUSH", g.key(L), g.key(L)]) },
    Entry { name: "lmpop", weight: 2, family: L, make: |g| one(mpop(g, "LMPOP", None, L)) },
    Entry { name: "blpop", weight: 1, family: L, make: |g| one(bpop(g, "BLPOP", L)) },
    Entry { name: "brpop", weight: 1, family: L, make: |g| one(bpop(g, "BRPOP", L)) },
    Entry { name: "blmove", weight: 1, family: L, make: |g| { let t = timeout(g); one(cmd!["BLMOVE", g.key(L), g.key(L), side(g), side(g), t]) } },
    Entry { name: "brpoplpush", weight: 1, family: L, make: |g| { let t = timeout(g); one(cmd!["BRPOPLPUSH", g.key(L), g.key(L), t]) } },
    Entry { name: "blmpop", weight: 1, family: L, make: |g| { let t = timeout(g); one(mpop(g, "BLMPOP", Some(t), L)) } },
    // hashes
    Entry { name: "hset", weight: 8, family: H, make: |g| one(hset(g, "HSET")) },
    Entry { name: "hmset", weight: 1, family: H, make: |g| one(hset(g, "HMSET")) },
    Entry { name: "hsetnx", weight: 2, family: H, make: |g| one(cmd!["HSETNX", g.key(H), field(g), g.value()]) },
    Entry { name: "hget", weight: 4, family: H, make: |g| one(cmd!["HGET", g.key(H), field(g)]) },
    Entry { name: "hmget", weight: 2, family: H, make: |g| { let mut c = cmd!["HMGET", g.key(H)]; c.extend(fields(g)); one(c) } },
    Entry { name: "hdel", weight: 3, family: H, make: |g| { let mut c = cmd!["HDEL", g.key(H)]; c.extend(fields(g)); one(c) } },
    Entry { name: "hlen", weight: 2, family: H, make: |g| one(cmd!["HLEN", g.key(H)]) },
    Entry { name: "hstrlen", weight: 1, family: H, make: |g| one(cmd!["HSTRLEN", g.key(H), field(g)]) },
    Entry { name: "hexists", weight: 2, family: H, make: |g| one(cmd!["HEXISTS", g.key(H), field(g)]) },
    Entry { name: "hincrby", weight: 3, family: H, make: |g| { let n = g.int(-100, 100); one(cmd!["HINCRBY", g.key(H), field(g), n]) } },
    Entry { name: "hincrbyfloat", weight: 2, family: H, make: hincrbyfloat },
    Entry { name: "hkeys", weight: 2, family: H, make: |g| one(cmd!["HKEYS", g.key(H)]) },
    Entry { name: "hvals", weight: 2, family: H, make: |g| one(cmd!["HVALS", g.key(H)]) },
    Entry { name: "hgetall", weight: 3, family: H, make: |g| one(cmd!["HGETALL", g.key(H)]) },
    Entry { name: "hrandfield", weight: 2, family: H, make: hrandfield },
    Entry { name: "hscan", weight: 2, family: H, make: |g| scan_all(g, "HSCAN", H, true) },
    // sets
    Entry { name: "sadd", weight: 8, family: T, make: |g| { let mut c = cmd!["SADD", g.key(T)]; c.extend(members(g)); one(c) } },
    Entry { name: "srem", weight: 3, family: T, make: |g| { let mut c = cmd!["SREM", g.key(T)]; c.extend(members(g)); one(c) } },
    Entry { name: "scard", weight: 2, family: T, make: |g| one(cmd!["SCARD", g.key(T)]) },
    Entry { name: "sismember", weight: 2, family: T, make: |g| one(cmd!["SISMEMBER", g.key(T), member(g)]) },
    Entry { name: "smismember", weight: 2, family: T, make: |g| { let mut c = cmd!["SMISMEMBER", g.key(T)]; c.extend(members(g)); one(c) } },
    Entry { name: "smembers", weight: 3, family: T, make: |g| one(cmd!["SMEMBERS", g.key(T)]) },
    Entry { name: "spop", weight: 1, family: T, make: spop },
    Entry { name: "srandmember", weight: 2, family: T, make: srandmember },
    Entry { name: "smove", weight: 2, family: T, make: |g| one(cmd!["SMOVE", g.key(T), g.key(T), member(g)]) },
    Entry { name: "sinter", weight: 2, family: T, make: |g| one(setop(g, "SINTER", false)) },
    Entry { name: "sunion", weight: 2, family: T, make: |g| one(setop(g, "SUNION", false)) },
    Entry { name: "sdiff", weight: 2, family: T, make: |g| one(setop(g, "SDIFF", false)) },
    Entry { name: "sinterstore", weight: 1, family: T, make: |g| one(setop(g, "SINTERSTORE", true)) },
    Entry { name: "sunionstore", weight: 1, family: T, make: |g| one(setop(g, "SUNIONSTORE", true)) },
    Entry { name: "sdiffstore", weight: 1, family: T, make: |g| one(setop(g, "SDIFFSTORE", true)) },
    Entry { name: "sintercard", weight: 2, family: T, make: |g| one(card(g, "SINTERCARD", T)) },
    Entry { name: "sscan", weight: 2, family: T, make: |g| scan_all(g, "SSCAN", T, false) },
];

/// A list element: mostly from a small alphabet, so LREM/LPOS/LINSERT find things.
fn elem(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(80) {
        g.rng
            .pick(&["a", "b", "c", "1", "2", "-3", "1.5", ""])
            .into()
    } else {
        g.value()
    }
}

/// A list index / count: mostly small, sometimes huge or not a number.
pub fn index(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(20) {
        0 => g.bad_int(),
        1 => g
            .rng
            .pick(&["9223372036854775807", "-9223372036854775808", "100"])
            .into(),
        _ => g.rng.range(-6, 6).to_string().into_bytes(),
    }
}

fn side(g: &mut Gen) -> &'static str {
    g.rng
        .pick(&["LEFT", "RIGHT", "left", "RIGHT", "LEFT", "UP"])
}

/// A blocking timeout: tiny outside MULTI (so an empty key costs little), any inside MULTI
/// (where nothing blocks), sometimes invalid.
pub fn timeout(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0 => g.rng.pick(&["-1", "abc", "inf", "-0.5"]).into(),
        _ if g.in_multi => g.rng.pick(&["0", "1", "0.5"]).into(),
        _ => b"0.01".to_vec(),
    }
}

fn push(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(L)];
    for _ in 0..1 + g.rng.below(4) {
        c.push(elem(g));
    }
    c
}

/// `name key [count]` with count sometimes zero, negative or not a number.
pub fn pop(g: &mut Gen, name: &str, fam: Family) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(fam)];
    if g.rng.chance(50) {
        c.push(match g.rng.below(10) {
            0 => b"-1".to_vec(),
            1 => g.bad_int(),
            _ => g.rng.range(0, 5).to_string().into_bytes(),
        });
    }
    c
}

/// numkeys, sometimes wrong (zero, negative, more than the keys given).
pub fn numkeys(g: &mut Gen, c: &mut Vec<Vec<u8>>, fam: Family) {
    let keys = g.keys(fam, 3);
    let n: Vec<u8> = match g.rng.below(12) {
        0 => b"0".to_vec(),
        1 => b"-1".to_vec(),
        2 => (keys.len() + 1).to_string().into_bytes(),
        3 => g.bad_int(),
        _ => keys.len().to_string().into_bytes(),
    };
    c.push(n);
    c.extend(keys);
}

/// LMPOP / BLMPOP.
fn mpop(g: &mut Gen, name: &str, timeout: Option<Vec<u8>>, fam: Family) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    c.extend(timeout);
    numkeys(g, &mut c, fam);
    c.push(side(g).into());
    if g.rng.chance(50) {
        c.extend(cmd!["COUNT", g.int(-1, 5)]);
    }
    c
}

fn bpop(g: &mut Gen, name: &str, fam: Family) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    c.extend(g.keys(fam, 3));
    c.push(timeout(g));
    c
}

fn linsert(g: &mut Gen) -> Vec<Step> {
    let whence = g.rng.pick(&["BEFORE", "AFTER", "after", "MIDDLE"]);
    one(cmd!["LINSERT", g.key(L), whence, elem(g), elem(g)])
}

fn lpos(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["LPOS", g.key(L), elem(g)];
    if g.rng.chance(30) {
        c.extend(cmd!["RANK", g.int(-3, 3)]);
    }
    if g.rng.chance(30) {
        c.extend(cmd!["COUNT", g.int(-1, 4)]);
    }
    if g.rng.chance(20) {
        c.extend(cmd!["MAXLEN", g.int(-1, 5)]);
    }
    if g.rng.chance(3) {
        c.push(b"RANK".to_vec());
    }
    one(c)
}

fn field(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(85) {
        g.rng.pick(&["f1", "f2", "f3", "a", "n", ""]).into()
    } else {
        g.value()
    }
}

fn fields(g: &mut Gen) -> Vec<Vec<u8>> {
    (0..1 + g.rng.below(3)).map(|_| field(g)).collect()
}

fn hset(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(H)];
    for _ in 0..1 + g.rng.below(3) {
        c.push(field(g));
        c.push(g.value());
    }
    c
}

/// HINCRBYFLOAT, like INCRBYFLOAT, is repaired by the runner and so never inside MULTI.
fn hincrbyfloat(g: &mut Gen) -> Vec<Step> {
    if g.in_multi {
        return one(cmd!["HINCRBY", g.key(H), field(g), g.int(-9, 9)]);
    }
    one(cmd!["HINCRBYFLOAT", g.key(H), field(g), g.float_text()])
}

/// `name key [count [WITHVALUES|WITHSCORES]]`.
pub fn random_members(g: &mut Gen, name: &str, fam: Family, with: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(fam)];
    if g.rng.chance(70) {
        c.push(g.int(-5, 8));
        if !with.is_empty() && g.rng.chance(40) {
            c.push(with.into());
        }
    }
    c
}

fn hrandfield(g: &mut Gen) -> Vec<Step> {
    one(random_members(g, "HRANDFIELD", H, "WITHVALUES"))
}

/// A SCAN-family command run to completion (a plain count inside MULTI, where the
/// iteration cannot be driven).
pub fn scan_all(g: &mut Gen, name: &str, fam: Family, pairs: bool) -> Vec<Step> {
    if g.in_multi {
        return one(cmd!["EXISTS", g.key(fam)]);
    }
    let mut c = cmd![name, g.key(fam), if g.rng.chance(97) { "0" } else { "abc" }];
    scan_opts(g, &mut c, false);
    vec![Step::ScanAll {
        cmd: c,
        cursor: 2,
        pairs,
    }]
}

pub fn member(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0..=3 => g.rng.range(-2, 9).to_string().into_bytes(),
        4..=8 => g.rng.pick(&["a", "b", "c", "d", "e", ""]).into(),
        _ => g.value(),
    }
}

pub fn members(g: &mut Gen) -> Vec<Vec<u8>> {
    (0..1 + g.rng.below(4)).map(|_| member(g)).collect()
}

/// SPOP picks members at random, so the two servers would hold different sets afterwards:
/// the reply is compared by shape and the key is then deleted on both.
fn spop(g: &mut Gen) -> Vec<Step> {
    let c = pop(g, "SPOP", T);
    let key = c[1].clone();
    vec![Step::One(c), Step::One(cmd!["DEL", key])]
}

fn srandmember(g: &mut Gen) -> Vec<Step> {
    one(random_members(g, "SRANDMEMBER", T, ""))
}

fn setop(g: &mut Gen, name: &str, store: bool) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    if store {
        c.push(g.key(T));
    }
    c.extend(g.keys(T, 3));
    c
}

/// SINTERCARD / ZINTERCARD: `numkeys key... [LIMIT n]`.
pub fn card(g: &mut Gen, name: &str, fam: Family) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    numkeys(g, &mut c, fam);
    if g.rng.chance(40) {
        c.extend(cmd!["LIMIT", g.int(-1, 4)]);
    }
    c
}
