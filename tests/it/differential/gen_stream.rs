//! Generators for streams, from the Redis 7.0 docs. IDs are always explicit (`ms-seq` or
//! `ms-*`, never `*`), so both servers store the same entries.

use super::generator::{Entry, Family, Gen, Step, one};
use crate::cmd;

use Family::Streams as X;

#[rustfmt::skip]
pub const ENTRIES: &[Entry] = &[
    Entry { name: "xadd", weight: 10, family: X, make: xadd },
    Entry { name: "xlen", weight: 2, family: X, make: |g| one(cmd!["XLEN", g.key(X)]) },
    Entry { name: "xrange", weight: 4, family: X, make: |g| one(xrange(g, "XRANGE")) },
    Entry { name: "xrevrange", weight: 2, family: X, make: |g| one(xrange(g, "XREVRANGE")) },
    Entry { name: "xdel", weight: 2, family: X, make: |g| { let mut c = cmd!["XDEL", g.key(X)]; for _ in 0..1 + g.rng.below(3) { c.push(id(g)); } one(c) } },
    Entry { name: "xtrim", weight: 2, family: X, make: xtrim },
    Entry { name: "xread", weight: 3, family: X, make: xread },
    Entry { name: "xgroup", weight: 8, family: X, make: xgroup },
    Entry { name: "xreadgroup", weight: 5, family: X, make: xreadgroup },
    Entry { name: "xack", weight: 2, family: X, make: |g| { let mut c = cmd!["XACK", g.key(X), group(g)]; for _ in 0..1 + g.rng.below(3) { c.push(id(g)); } one(c) } },
    Entry { name: "xpending", weight: 3, family: X, make: xpending },
    Entry { name: "xclaim", weight: 2, family: X, make: xclaim },
    Entry { name: "xautoclaim", weight: 2, family: X, make: xautoclaim },
    Entry { name: "xinfo", weight: 3, family: X, make: xinfo },
    Entry { name: "xsetid", weight: 1, family: X, make: xsetid },
];

fn group(g: &mut Gen) -> Vec<u8> {
    g.rng
        .pick(&["g1", "g1", "g1", "g1", "g1", "g2", "g2", "g2", "nogroup"])
        .into()
}

fn consumer(g: &mut Gen) -> Vec<u8> {
    g.rng.pick(&["c1", "c2", "c3"]).into()
}

/// An ID that may or may not exist: around the IDs XADD has used, sometimes partial
/// (`5`), special (`-`, `+`, `0`) or invalid.
fn id(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(20) {
        0 => g
            .rng
            .pick(&["abc", "1-x", "-1", "", "18446744073709551616-0"])
            .into(),
        1 => g.rng.pick(&["0", "0-0", "0-1"]).into(),
        2 | 3 => g.rng.range(0, g.stream_ms + 1).to_string().into_bytes(),
        _ => format!("{}-{}", g.rng.range(0, g.stream_ms + 1), g.rng.range(0, 3)).into_bytes(),
    }
}

/// A range bound for XRANGE / XPENDING / XAUTOCLAIM: `-`, `+`, an ID, or an exclusive one.
fn bound(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(8) {
        0 => b"-".to_vec(),
        1 => b"+".to_vec(),
        2 => {
            let mut v = b"(".to_vec();
            v.extend(id(g));
            v
        }
        _ => id(g),
    }
}

/// A new ID for XADD: mostly past the last one used; sometimes `ms-*`, a stale ID, `0-0`
/// or garbage.
fn new_id(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(25) {
        0 => b"0-0".to_vec(),
        1 => g
            .rng
            .pick(&[
                "abc",
                "1-x",
                "-5",
                "18446744073709551615-18446744073709551615",
            ])
            .into(),
        2 | 3 => {
            g.stream_ms += g.rng.range(0, 1);
            format!("{}-*", g.stream_ms).into_bytes()
        }
        4 | 5 => id(g),
        _ => {
            g.stream_ms += g.rng.range(0, 2);
            format!("{}-{}", g.stream_ms, g.rng.range(0, 3)).into_bytes()
        }
    }
}

/// `MAXLEN|MINID [=] threshold [LIMIT n]` (exact trimming only: `~` trims whole radix
/// nodes, an internal layout muxis need not share).
fn trim_opts(g: &mut Gen, c: &mut Vec<Vec<u8>>) {
    let minid = g.rng.chance(40);
    c.push(if minid {
        b"MINID".to_vec()
    } else {
        b"MAXLEN".to_vec()
    });
    if g.rng.chance(40) {
        c.push(b"=".to_vec());
    }
    c.push(if minid { id(g) } else { g.int(-1, 6) });
    if g.rng.chance(5) {
        c.extend(cmd!["LIMIT", g.int(0, 10)]);
    }
}

fn xadd(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XADD", g.key(X)];
    if g.rng.chance(10) {
        c.push(b"NOMKSTREAM".to_vec());
    }
    if g.rng.chance(15) {
        trim_opts(g, &mut c);
    }
    c.push(new_id(g));
    for _ in 0..1 + g.rng.below(2) {
        c.push(g.rng.pick(&["f", "g", "name", ""]).into());
        c.push(g.value());
    }
    one(c)
}

fn xrange(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(X), bound(g), bound(g)];
    if g.rng.chance(30) {
        c.extend(cmd!["COUNT", g.int(-1, 4)]);
    }
    c
}

fn xtrim(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XTRIM", g.key(X)];
    trim_opts(g, &mut c);
    one(c)
}

/// A read position for XREAD: an ID, `0` or `$`.
fn read_id(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(4) {
        0 => b"$".to_vec(),
        1 => b"0".to_vec(),
        _ => id(g),
    }
}

fn streams(g: &mut Gen, c: &mut Vec<Vec<u8>>, pos: fn(&mut Gen) -> Vec<u8>) {
    c.push(b"STREAMS".to_vec());
    let keys = g.keys(X, 2);
    let n = if g.rng.chance(95) {
        keys.len()
    } else {
        keys.len() + 1
    };
    c.extend(keys);
    for _ in 0..n {
        c.push(pos(g));
    }
}

fn xread(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XREAD"];
    if g.rng.chance(40) {
        c.extend(cmd!["COUNT", g.int(-1, 3)]);
    }
    // Blocking only briefly, and rarely: an empty result costs the timeout.
    if g.rng.chance(5) {
        c.extend(cmd!["BLOCK", if g.in_multi { "0" } else { "10" }]);
    }
    streams(g, &mut c, read_id);
    one(c)
}

fn group_pos(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(5) {
        0 => b"$".to_vec(),
        1 => b"0".to_vec(),
        _ => id(g),
    }
}

fn xgroup(g: &mut Gen) -> Vec<Step> {
    let k = g.key(X);
    let gr = group(g);
    let mut c = match g.rng.below(14) {
        0..=3 | 12 | 13 => {
            let mut c = cmd!["XGROUP", "CREATE", k, gr, group_pos(g)];
            if g.rng.chance(60) {
                c.push(b"MKSTREAM".to_vec());
            }
            c
        }
        4 | 5 => cmd!["XGROUP", "SETID", k, gr, group_pos(g)],
        6 => cmd!["XGROUP", "DESTROY", k, gr],
        7 | 8 => cmd!["XGROUP", "CREATECONSUMER", k, gr, consumer(g)],
        9 | 10 => cmd!["XGROUP", "DELCONSUMER", k, gr, consumer(g)],
        _ => cmd!["XGROUP", g.rng.pick(&["NOPE", "create"]), k],
    };
    if (c[1] == b"CREATE" || c[1] == b"SETID") && g.rng.chance(15) {
        c.extend(cmd!["ENTRIESREAD", g.int(-2, 10)]);
    }
    one(c)
}

fn xreadgroup(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XREADGROUP", "GROUP", group(g), consumer(g)];
    if g.rng.chance(40) {
        c.extend(cmd!["COUNT", g.int(-1, 3)]);
    }
    if g.rng.chance(3) {
        c.extend(cmd!["BLOCK", if g.in_multi { "0" } else { "10" }]);
    }
    if g.rng.chance(15) {
        c.push(b"NOACK".to_vec());
    }
    streams(g, &mut c, |g| {
        if g.rng.chance(70) {
            b">".to_vec()
        } else {
            group_pos(g)
        }
    });
    one(c)
}

/// Idle thresholds are either 0 or far beyond the run's length, so whether an entry
/// qualifies never depends on timing.
fn min_idle(g: &mut Gen) -> Vec<u8> {
    g.rng.pick(&["0", "0", "100000000", "-1", "abc"]).into()
}

fn xpending(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XPENDING", g.key(X), group(g)];
    if g.rng.chance(60) {
        if g.rng.chance(30) {
            c.extend(cmd!["IDLE", min_idle(g)]);
        }
        c.extend(cmd![bound(g), bound(g), g.int(-1, 5)]);
        if g.rng.chance(40) {
            c.push(consumer(g));
        }
    }
    one(c)
}

fn xclaim(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XCLAIM", g.key(X), group(g), consumer(g), min_idle(g)];
    for _ in 0..1 + g.rng.below(3) {
        c.push(id(g));
    }
    for _ in 0..g.rng.below(3) {
        match g.rng.below(7) {
            0 => c.extend(cmd!["IDLE", g.rng.pick(&["0", "1000000000", "-5", "x"])]),
            1 => c.extend(cmd!["TIME", g.rng.pick(&["0", "1000", "x"])]),
            2 => c.extend(cmd!["RETRYCOUNT", g.int(-1, 5)]),
            3 => c.push(b"FORCE".to_vec()),
            4 => c.push(b"JUSTID".to_vec()),
            5 => c.extend(cmd!["LASTID", id(g)]),
            _ => c.push(b"BAD".to_vec()),
        }
    }
    one(c)
}

fn xautoclaim(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd![
        "XAUTOCLAIM",
        g.key(X),
        group(g),
        consumer(g),
        min_idle(g),
        bound(g)
    ];
    if g.rng.chance(40) {
        c.extend(cmd!["COUNT", g.int(-1, 4)]);
    }
    if g.rng.chance(30) {
        c.push(b"JUSTID".to_vec());
    }
    one(c)
}

fn xinfo(g: &mut Gen) -> Vec<Step> {
    let k = g.key(X);
    match g.rng.below(10) {
        0..=2 => one(cmd!["XINFO", "STREAM", k]),
        3 => one(cmd!["XINFO", "STREAM", k, "FULL"]),
        4 => one(cmd!["XINFO", "STREAM", k, "FULL", "COUNT", g.int(-1, 3)]),
        5 | 6 => one(cmd!["XINFO", "GROUPS", k]),
        7 | 8 => one(cmd!["XINFO", "CONSUMERS", k, group(g)]),
        _ => one(cmd!["XINFO", g.rng.pick(&["NOPE", "STREAM"])]),
    }
}

fn xsetid(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["XSETID", g.key(X), id(g)];
    if g.rng.chance(30) {
        c.extend(cmd!["ENTRIESADDED", g.int(-1, 20)]);
    }
    if g.rng.chance(30) {
        c.extend(cmd!["MAXDELETEDID", id(g)]);
    }
    one(c)
}
