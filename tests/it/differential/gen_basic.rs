//! Generators for strings, keys, expiry, connection, transactions and the small families
//! (pub/sub without subscribing, OBJECT, unknown commands), from the Redis 7.0 docs.

use super::generator::{Entry, Family, Gen, Step, one};
use crate::cmd;

use Family::{Connection as C, Expire as E, Keys as K, Misc as M, Multi as X, Strings as S};

#[rustfmt::skip]
pub const ENTRIES: &[Entry] = &[
    // strings
    Entry { name: "get", weight: 8, family: S, make: |g| one(cmd!["GET", g.key(S)]) },
    Entry { name: "set", weight: 10, family: S, make: set },
    Entry { name: "setnx", weight: 2, family: S, make: |g| one(cmd!["SETNX", g.key(S), g.value()]) },
    Entry { name: "setex", weight: 2, family: S, make: |g| { let t = ttl_or_past(g, false); one(cmd!["SETEX", g.own_key(S), t, g.value()]) } },
    Entry { name: "psetex", weight: 2, family: S, make: |g| { let t = ttl_or_past(g, true); one(cmd!["PSETEX", g.own_key(S), t, g.value()]) } },
    Entry { name: "getex", weight: 3, family: S, make: getex },
    Entry { name: "mget", weight: 3, family: S, make: |g| { let mut c = cmd!["MGET"]; c.extend(g.keys(S, 4)); one(c) } },
    Entry { name: "mset", weight: 3, family: S, make: |g| one(mset(g, "MSET")) },
    Entry { name: "msetnx", weight: 2, family: S, make: |g| one(mset(g, "MSETNX")) },
    Entry { name: "getset", weight: 2, family: S, make: |g| one(cmd!["GETSET", g.key(S), g.value()]) },
    Entry { name: "getdel", weight: 2, family: S, make: |g| one(cmd!["GETDEL", g.key(S)]) },
    Entry { name: "strlen", weight: 2, family: S, make: |g| one(cmd!["STRLEN", g.key(S)]) },
    Entry { name: "append", weight: 4, family: S, make: |g| one(cmd!["APPEND", g.key(S), g.value()]) },
    Entry { name: "getrange", weight: 3, family: S, make: |g| one(cmd!["GETRANGE", g.key(S), range_end(g), range_end(g)]) },
    Entry { name: "substr", weight: 1, family: S, make: |g| one(cmd!["SUBSTR", g.key(S), range_end(g), range_end(g)]) },
    Entry { name: "setrange", weight: 3, family: S, make: setrange },
    Entry { name: "incr", weight: 4, family: S, make: |g| one(cmd!["INCR", g.key(S)]) },
    Entry { name: "decr", weight: 2, family: S, make: |g| one(cmd!["DECR", g.key(S)]) },
    Entry { name: "incrby", weight: 3, family: S, make: |g| { let n = incr_amount(g); one(cmd!["INCRBY", g.key(S), n]) } },
    Entry { name: "decrby", weight: 2, family: S, make: |g| { let n = incr_amount(g); one(cmd!["DECRBY", g.key(S), n]) } },
    Entry { name: "incrbyfloat", weight: 4, family: S, make: incrbyfloat },
    Entry { name: "lcs", weight: 2, family: S, make: lcs },
    // keys
    Entry { name: "del", weight: 4, family: K, make: |g| { let mut c = cmd!["DEL"]; c.extend(g.keys(K, 3)); one(c) } },
    Entry { name: "unlink", weight: 2, family: K, make: |g| { let mut c = cmd!["UNLINK"]; c.extend(g.keys(K, 3)); one(c) } },
    Entry { name: "exists", weight: 3, family: K, make: |g| { let mut c = cmd!["EXISTS"]; c.extend(g.keys(K, 4)); one(c) } },
    Entry { name: "touch", weight: 1, family: K, make: |g| { let mut c = cmd!["TOUCH"]; c.extend(g.keys(K, 3)); one(c) } },
    Entry { name: "type", weight: 4, family: K, make: |g| one(cmd!["TYPE", g.any_key()]) },
    Entry { name: "keys", weight: 3, family: K, make: |g| one(cmd!["KEYS", pattern(g)]) },
    Entry { name: "scan", weight: 3, family: K, make: scan },
    Entry { name: "rename", weight: 3, family: K, make: |g| { let (a, b) = key_pair(g); one(cmd!["RENAME", a, b]) } },
    Entry { name: "renamenx", weight: 2, family: K, make: |g| { let (a, b) = key_pair(g); one(cmd!["RENAMENX", a, b]) } },
    Entry { name: "randomkey", weight: 1, family: K, make: |_| one(cmd!["RANDOMKEY"]) },
    Entry { name: "copy", weight: 3, family: K, make: copy },
    Entry { name: "move", weight: 2, family: K, make: |g| { let db = db_index(g); one(cmd!["MOVE", g.any_key(), db]) } },
    Entry { name: "swapdb", weight: 1, family: K, make: |g| { let (a, b) = (db_index(g), db_index(g)); one(cmd!["SWAPDB", a, b]) } },
    Entry { name: "dbsize", weight: 1, family: K, make: |_| one(cmd!["DBSIZE"]) },
    Entry { name: "flushdb", weight: 1, family: K, make: |g| flush(g, "FLUSHDB") },
    Entry { name: "flushall", weight: 1, family: K, make: |g| flush(g, "FLUSHALL") },
    Entry { name: "object", weight: 2, family: K, make: object },
    // expire
    Entry { name: "expire", weight: 4, family: E, make: |g| expire(g, "EXPIRE", false, false) },
    Entry { name: "pexpire", weight: 3, family: E, make: |g| expire(g, "PEXPIRE", true, false) },
    Entry { name: "expireat", weight: 3, family: E, make: |g| expire(g, "EXPIREAT", false, true) },
    Entry { name: "pexpireat", weight: 2, family: E, make: |g| expire(g, "PEXPIREAT", true, true) },
    Entry { name: "ttl", weight: 4, family: E, make: |g| one(cmd!["TTL", g.key(E)]) },
    Entry { name: "pttl", weight: 3, family: E, make: |g| one(cmd!["PTTL", g.key(E)]) },
    Entry { name: "expiretime", weight: 2, family: E, make: |g| one(cmd!["EXPIRETIME", g.key(E)]) },
    Entry { name: "pexpiretime", weight: 2, family: E, make: |g| one(cmd!["PEXPIRETIME", g.key(E)]) },
    Entry { name: "persist", weight: 3, family: E, make: |g| one(cmd!["PERSIST", g.key(E)]) },
    // connection
    Entry { name: "ping", weight: 1, family: C, make: ping },
    Entry { name: "echo", weight: 1, family: C, make: |g| if g.rng.chance(90) { one(cmd!["ECHO", g.value()]) } else { one(cmd!["ECHO"]) } },
    Entry { name: "select", weight: 4, family: C, make: |g| one(cmd!["SELECT", db_index(g)]) },
    Entry { name: "hello", weight: 1, family: C, make: hello },
    Entry { name: "auth", weight: 1, family: C, make: auth },
    Entry { name: "reset", weight: 1, family: C, make: |g| { g.in_multi = false; one(cmd!["RESET"]) } },
    // transactions
    Entry { name: "multi", weight: 6, family: X, make: multi },
    Entry { name: "exec", weight: 1, family: X, make: |g| { g.in_multi = false; one(cmd!["EXEC"]) } },
    Entry { name: "discard", weight: 1, family: X, make: |g| { g.in_multi = false; one(cmd!["DISCARD"]) } },
    Entry { name: "watch", weight: 3, family: X, make: watch },
    Entry { name: "unwatch", weight: 1, family: X, make: |_| one(cmd!["UNWATCH"]) },
    // misc: pub/sub without subscribers, unknown commands
    Entry { name: "publish", weight: 1, family: M, make: |g| one(cmd!["PUBLISH", g.any_key(), g.value()]) },
    Entry { name: "spublish", weight: 1, family: M, make: |g| one(cmd!["SPUBLISH", g.any_key(), g.value()]) },
    Entry { name: "pubsub", weight: 1, family: M, make: pubsub },
    Entry { name: "", weight: 2, family: M, make: unknown },
];

/// Source and destination for RENAME / COPY: mostly two keys of one data family, so that
/// keys seldom end up holding a type their family does not expect.
fn key_pair(g: &mut Gen) -> (Vec<u8>, Vec<u8>) {
    use Family::*;
    if g.rng.chance(15) {
        return (g.any_key(), g.any_key());
    }
    let f = g.rng.pick(&[Strings, Lists, Hashes, Sets, ZSets, Streams]);
    (g.own_key(f), g.own_key(f))
}

fn db_index(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(20) {
        0 => b"16".to_vec(),
        1 => b"-1".to_vec(),
        2 => g.bad_int(),
        _ => g.rng.range(0, 3).to_string().into_bytes(),
    }
}

/// 75% a far-future TTL, else one that is over at once (an error for SET-like commands).
fn ttl_or_past(g: &mut Gen, ms: bool) -> Vec<u8> {
    match (g.rng.chance(75), ms) {
        (true, false) => g.ttl_s(),
        (true, true) => g.ttl_ms(),
        (false, _) => g.past(ms, false),
    }
}

/// An expiry option for SET / GETEX.
fn expiry_opt(g: &mut Gen, persist: bool) -> Vec<Vec<u8>> {
    match g.rng.below(12) {
        0 | 1 => cmd!["EX", ttl_or_past(g, false)],
        2 | 3 => cmd!["PX", ttl_or_past(g, true)],
        4 => cmd!["EXAT", g.at_s()],
        5 => cmd!["PXAT", g.at_ms()],
        // SET stores a key with a deadline already past (GETEX deletes it): Redis then
        // counts it in DBSIZE until its active expiry cycle samples it, which is timing.
        6 if persist => cmd!["EXAT", g.past(false, true)],
        7 if persist => cmd!["PXAT", g.past(true, true)],
        6 | 7 => cmd![
            g.rng.pick(&["EXAT", "PXAT"]),
            g.rng.pick(&["0", "-1", "abc"])
        ],
        8 if persist => cmd!["PERSIST"],
        8 => cmd!["KEEPTTL"],
        9 => cmd!["EX"],
        10 => cmd!["ex", ttl_or_past(g, false)],
        _ => cmd![g.rng.pick(&["KEEPTTL", "PERSIST", "FOO", "EX"])],
    }
}

fn set(g: &mut Gen) -> Vec<Step> {
    let mut opts: Vec<Vec<Vec<u8>>> = Vec::new();
    if g.rng.chance(35) {
        opts.push(cmd![g.rng.pick(&["NX", "XX", "nx", "xx"])]);
    }
    if g.rng.chance(20) {
        opts.push(cmd!["GET"]);
    }
    if g.rng.chance(40) {
        opts.push(expiry_opt(g, false));
    }
    if g.rng.chance(5) {
        opts.push(expiry_opt(g, false));
    }
    if g.rng.chance(4) {
        opts.push(cmd![g.rng.pick(&["NX", "XX", "GET", "BAD"])]);
    }
    // Redis takes options in any order.
    for i in (1..opts.len()).rev() {
        let j = g.rng.below(i + 1);
        opts.swap(i, j);
    }
    let mut c = cmd!["SET", g.own_key(S), g.value()];
    c.extend(opts.into_iter().flatten());
    one(c)
}

fn getex(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["GETEX", g.key(S)];
    if g.rng.chance(70) {
        c.extend(expiry_opt(g, true));
    }
    one(c)
}

fn mset(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name];
    for _ in 0..1 + g.rng.below(3) {
        c.push(g.own_key(S));
        c.push(g.value());
    }
    c
}

fn range_end(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => g
            .rng
            .pick(&["9223372036854775807", "-9223372036854775808", "abc"])
            .into(),
        1 => g.rng.range(-200, 200).to_string().into_bytes(),
        _ => g.rng.range(-15, 15).to_string().into_bytes(),
    }
}

fn setrange(g: &mut Gen) -> Vec<Step> {
    let off: Vec<u8> = match g.rng.below(15) {
        0 => b"-1".to_vec(),
        1 => g
            .rng
            .pick(&["536870912", "536870913", "9223372036854775807"])
            .into(),
        2 => g.bad_int(),
        _ => g.rng.range(0, 40).to_string().into_bytes(),
    };
    let v = if g.rng.chance(10) {
        Vec::new()
    } else {
        g.value()
    };
    one(cmd!["SETRANGE", g.key(S), off, v])
}

fn incr_amount(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0 => g.bad_int(),
        1 => g
            .rng
            .pick(&["9223372036854775807", "-9223372036854775808", "0", "-1"])
            .into(),
        _ => g.rng.range(-1000, 1000).to_string().into_bytes(),
    }
}

/// INCRBYFLOAT's stored text can differ in the last digits (see norm.rs), which the runner
/// repairs after each reply; inside MULTI it could not, so there it is plain INCRBY.
fn incrbyfloat(g: &mut Gen) -> Vec<Step> {
    if g.in_multi {
        return one(cmd!["INCRBY", g.key(S), incr_amount(g)]);
    }
    one(cmd!["INCRBYFLOAT", g.key(S), g.float_text()])
}

fn lcs(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["LCS", g.key(S), g.key(S)];
    for _ in 0..g.rng.below(3) {
        match g.rng.below(5) {
            0 => c.push(b"LEN".to_vec()),
            1 => c.push(b"IDX".to_vec()),
            2 => c.extend(cmd!["MINMATCHLEN", g.int(-1, 4)]),
            3 => c.push(b"WITHMATCHLEN".to_vec()),
            _ => c.push(b"BAD".to_vec()),
        }
    }
    one(c)
}

/// Glob patterns, including unbalanced brackets and escapes.
pub fn pattern(g: &mut Gen) -> Vec<u8> {
    g.rng
        .pick(&[
            "*", "*", "k*", "k?", "*a*", "{t}*", "[a-k]*", "[^k]*", "\\*", "k\\*", "*1", "?", "",
            "[", "a b", "ключ", "\\", "[a-", "*[", "***", "?[0-9]*", "*B*", "f[o]o", "[!a]*",
        ])
        .into()
}

fn scan(g: &mut Gen) -> Vec<Step> {
    if g.in_multi {
        return one(cmd!["DBSIZE"]);
    }
    let mut c = cmd!["SCAN", if g.rng.chance(95) { "0" } else { "abc" }];
    scan_opts(g, &mut c, true);
    vec![Step::ScanAll {
        cmd: c,
        cursor: 1,
        pairs: false,
    }]
}

/// MATCH / COUNT (/ TYPE for SCAN) options, sometimes broken.
pub fn scan_opts(g: &mut Gen, c: &mut Vec<Vec<u8>>, with_type: bool) {
    if g.rng.chance(40) {
        c.extend(cmd!["MATCH", pattern(g)]);
    }
    if g.rng.chance(30) {
        let n: Vec<u8> = match g.rng.below(8) {
            0 => b"0".to_vec(),
            1 => b"-1".to_vec(),
            2 => g.bad_int(),
            _ => g.rng.range(1, 20).to_string().into_bytes(),
        };
        c.extend(cmd!["COUNT", n]);
    }
    if with_type && g.rng.chance(20) {
        let t = g.rng.pick(&[
            "string", "list", "hash", "set", "zset", "stream", "STRING", "foo",
        ]);
        c.extend(cmd!["TYPE", t]);
    }
    if g.rng.chance(3) {
        c.push(g.rng.pick(&[&b"MATCH"[..], b"FOO", b"COUNT"]).to_vec());
    }
}

fn copy(g: &mut Gen) -> Vec<Step> {
    let (a, b) = key_pair(g);
    let mut c = cmd!["COPY", a, b];
    if g.rng.chance(40) {
        c.extend(cmd!["DB", db_index(g)]);
    }
    if g.rng.chance(40) {
        c.push(b"REPLACE".to_vec());
    }
    if g.rng.chance(5) {
        c.push(b"BAD".to_vec());
    }
    one(c)
}

fn flush(g: &mut Gen, name: &str) -> Vec<Step> {
    // Rare: a flush wipes the state the other commands built up.
    if !g.rng.chance(15) {
        return one(cmd!["DBSIZE"]);
    }
    let mut c = cmd![name];
    if g.rng.chance(50) {
        c.push(
            g.rng
                .pick(&[&b"SYNC"[..], b"ASYNC", b"async", b"BAD"])
                .to_vec(),
        );
    }
    one(c)
}

fn object(g: &mut Gen) -> Vec<Step> {
    let sub = g.rng.pick(&[
        "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "encoding", "NOPE",
    ]);
    match g.rng.below(20) {
        0 => one(cmd!["OBJECT", "HELP"]),
        3 => one(cmd!["OBJECT", "HELP", g.any_key()]),
        1 => one(cmd!["OBJECT", sub]),
        2 => one(cmd!["OBJECT", sub, g.any_key(), "x"]),
        _ => one(cmd!["OBJECT", sub, g.any_key()]),
    }
}

fn expire(g: &mut Gen, name: &str, ms: bool, absolute: bool) -> Vec<Step> {
    let when = match (g.rng.chance(75), ms, absolute) {
        (true, false, false) => g.ttl_s(),
        (true, true, false) => g.ttl_ms(),
        (true, false, true) => g.at_s(),
        (true, true, true) => g.at_ms(),
        (false, _, _) => g.past(ms, absolute),
    };
    let mut c = cmd![name, g.key(E), when];
    if g.rng.chance(40) {
        c.push(
            g.rng
                .pick(&[&b"NX"[..], b"XX", b"GT", b"LT", b"gt"])
                .to_vec(),
        );
    }
    if g.rng.chance(5) {
        c.push(
            g.rng
                .pick(&[&b"NX"[..], b"XX", b"GT", b"LT", b"FOO"])
                .to_vec(),
        );
    }
    one(c)
}

fn ping(g: &mut Gen) -> Vec<Step> {
    match g.rng.below(10) {
        0..=4 => one(cmd!["PING"]),
        5..=8 => one(cmd!["PING", g.value()]),
        _ => one(cmd!["PING", "a", "b"]),
    }
}

/// HELLO keeps the run's protocol; the rest are errors.
fn hello(g: &mut Gen) -> Vec<Step> {
    let ver = if g.resp3 { "3" } else { "2" };
    match g.rng.below(8) {
        0 => one(cmd!["HELLO"]),
        1 => one(cmd!["HELLO", ver]),
        2 => one(cmd!["HELLO", ver, "SETNAME", "diff"]),
        3 => one(cmd![
            "HELLO",
            g.rng.pick(&["4", "1", "0", "-1", "abc", "99999999999"])
        ]),
        4 => one(cmd!["HELLO", ver, "AUTH", "default", "pw"]),
        5 => one(cmd!["HELLO", ver, "AUTH", "nobody", "pw"]),
        6 => one(cmd!["HELLO", ver, g.rng.pick(&["AUTH", "SETNAME", "FOO"])]),
        _ => one(cmd!["HELLO", ver, "SETNAME", "has space"]),
    }
}

fn auth(g: &mut Gen) -> Vec<Step> {
    match g.rng.below(4) {
        0 => one(cmd!["AUTH", "pw"]),
        1 => one(cmd!["AUTH", "default", "pw"]),
        2 => one(cmd!["AUTH", "nobody", "pw"]),
        _ => one(cmd!["AUTH", "a", "b", "c"]),
    }
}

fn multi(g: &mut Gen) -> Vec<Step> {
    if g.in_multi && !g.rng.chance(10) {
        return end_multi(g);
    }
    if !g.in_multi && g.rng.chance(3) {
        // Wrong arity: refused, so no transaction starts.
        return one(cmd!["MULTI", "x"]);
    }
    // Starts a transaction, or (nested) is refused inside the current one.
    g.in_multi = true;
    one(cmd!["MULTI"])
}

/// WATCH, then at most one command before MULTI ... EXEC, all as one item.
///
/// KNOWN DIFFERENCE (engine/dispatch.rs, reported): muxis marks a watched key dirty after
/// any write command that names it, even one that changed nothing (DEL of a missing key,
/// a failed SET NX, a command that errored); Redis only after a real modification. So
/// between WATCH and EXEC the generator sends only a certain modification (SET), a read,
/// or nothing.
fn watch(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["WATCH"];
    c.extend(g.keys(K, 3));
    if g.in_multi {
        // Refused inside MULTI.
        return one(c);
    }
    let watched = c[1 + g.rng.below(c.len() - 1)].clone();
    let mut steps = vec![Step::One(c)];
    match g.rng.below(10) {
        0..=3 => steps.push(Step::One(cmd!["SET", watched, g.value()])),
        4 => steps.push(Step::One(cmd!["GET", watched])),
        5 => steps.push(Step::One(cmd!["TTL", g.any_key()])),
        6 => steps.push(Step::One(cmd!["UNWATCH"])),
        _ => {}
    }
    steps.push(Step::One(cmd!["MULTI"]));
    g.in_multi = true;
    for _ in 0..30 {
        steps.extend(g.next());
        if !g.in_multi {
            return steps;
        }
    }
    steps.extend(end_multi(g));
    steps
}

/// EXEC (mostly) or DISCARD.
pub fn end_multi(g: &mut Gen) -> Vec<Step> {
    g.in_multi = false;
    if g.rng.chance(85) {
        one(cmd!["EXEC"])
    } else {
        one(cmd!["DISCARD"])
    }
}

fn pubsub(g: &mut Gen) -> Vec<Step> {
    match g.rng.below(10) {
        7 => one(cmd!["PUBSUB", "HELP"]),
        8 => one(cmd![
            "PUBSUB",
            g.rng.pick(&["CHANNELS", "SHARDCHANNELS", "NUMPAT", "HELP"]),
            "a",
            "b"
        ]),
        9 => one(cmd!["PUBSUB"]),
        0 => one(cmd!["PUBSUB", "CHANNELS"]),
        1 => one(cmd!["PUBSUB", "CHANNELS", pattern(g)]),
        2 => one(cmd!["PUBSUB", "NUMSUB", g.any_key(), g.any_key()]),
        3 => one(cmd!["PUBSUB", "NUMPAT"]),
        4 => one(cmd!["PUBSUB", "SHARDCHANNELS"]),
        5 => one(cmd!["PUBSUB", "SHARDNUMSUB", g.any_key()]),
        _ => one(cmd!["PUBSUB", "NOPE"]),
    }
}

fn unknown(g: &mut Gen) -> Vec<Step> {
    let name: Vec<u8> = match g.rng.below(5) {
        0 => b"NOSUCHCMD".to_vec(),
        1 => b"GETT".to_vec(),
        2 => Vec::new(),
        3 => vec![b'x'; 40],
        _ => b"lpush_nope".to_vec(),
    };
    let mut c = vec![name];
    for _ in 0..g.rng.below(3) {
        // KNOWN DIFFERENCE (error.rs, reported): Redis echoes argument bytes as they are
        // (only CR and LF become spaces, and a NUL ends the argument); muxis writes a
        // space for every non-printable byte. Only printable arguments are sent here.
        // Also, Redis's 128-byte budget for the arguments counts the quotes and spaces it
        // adds, muxis's only the argument bytes: arguments stay short.
        let v = g.value();
        let printable = v.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
        c.push(if printable && v.len() <= 20 {
            v
        } else {
            b"z".to_vec()
        });
    }
    one(c)
}
