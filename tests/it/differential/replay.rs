//! Replay test of the effects layer: record the stream muxis propagates (what the AOF and
//! replicas will get) while a randomized workload runs, replay it on a fresh redis-server
//! 7.0, and require both datasets to be the same, compared without DUMP: keys, types,
//! contents, TTLs within a second, and stream groups with their pending entries.
//!
//! The workload is the differential generator's (every family, MULTI/EXEC, SELECT, errors),
//! then scenarios it cannot produce on one connection: blocking commands served later by
//! another client, keys expiring lazily and actively, random pops, relative expiry times.

use super::generator::{Gen, Step};
use super::redis_proc::{self, RedisProc};
use super::resp::{Conn, V, show, show_cmd};
use crate::common::TestServer;
use std::collections::BTreeMap;
use std::time::Duration;

/// Commands per seed of the generated phase.
const COUNT: usize = 3_000;
const SEEDS: &[u64] = &[0xE1FE_C701, 0x00AB_CDEF];

fn cmd(args: &[&str]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.as_bytes().to_vec()).collect()
}

#[test]
fn propagated_stream_replays_to_the_same_dataset() {
    let Some(redis) = RedisProc::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-server not installed at {} (required when CI is set)",
            redis_proc::path()
        );
        eprintln!(
            "SKIPPED: redis-server not installed ({})",
            redis_proc::path()
        );
        return;
    };
    let (muxis, stream) = TestServer::recording();
    for &seed in SEEDS {
        generated(muxis.addr, seed);
    }
    scenarios(muxis.addr);
    // Each reply is sent after its round's bytes went to the readers: nothing is missing.
    let recorded = stream.lock().expect("lock").clone();
    let commands = split(&recorded);
    assert!(
        commands.len() > 500,
        "only {} ops propagated",
        commands.len()
    );
    let mut replica = Conn::connect(redis.addr).expect("connect to redis-server");
    for c in &commands {
        let reply = replica.call(c).expect("redis-server replies");
        assert!(
            !reply.is_error(),
            "replaying {} on redis-server: {}",
            show_cmd(c),
            show(&reply)
        );
    }
    let mut primary = Conn::connect(muxis.addr).expect("connect to muxis");
    let (ours, theirs) = (snapshot(&mut primary), snapshot(&mut replica));
    assert!(
        ours.values().map(|db| db.len()).sum::<usize>() > 5,
        "the workload left too little data to compare: {ours:?}"
    );
    for db in 0..16 {
        let (a, b) = (&ours[&db], &theirs[&db]);
        let keys: Vec<_> = a.keys().chain(b.keys()).collect();
        for key in keys {
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => assert!(
                    x.same(y),
                    "db {db} key {:?} differs:\n muxis: {x:?}\n redis: {y:?}",
                    String::from_utf8_lossy(key)
                ),
                (x, y) => panic!(
                    "db {db} key {:?} only on one side:\n muxis: {x:?}\n redis: {y:?}",
                    String::from_utf8_lossy(key)
                ),
            }
        }
    }
}

/// The differential generator's workload on one connection, replies ignored (errors are
/// part of it: they must propagate nothing).
fn generated(addr: std::net::SocketAddr, seed: u64) {
    let mut g = Gen::new(seed, false, false);
    let mut conn = Conn::connect(addr).expect("connect");
    for _ in 0..COUNT {
        for step in g.next() {
            let c = match step {
                Step::One(c) => c,
                Step::ScanAll { cmd, .. } => cmd,
            };
            if conn.call(&c).is_err() {
                // Closed (QUIT, RESET...): go on with a new connection, outside MULTI.
                conn = Conn::connect(addr).expect("reconnect");
                g.in_multi = false;
            }
        }
    }
    let _ = conn.call(&cmd(&["SELECT", "0"]));
}

/// What the generator cannot do on one connection: blocked clients served later, expiry
/// (lazy and active), relative and random effects, transactions of several writes.
fn scenarios(addr: std::net::SocketAddr) {
    let mut c = Conn::connect(addr).expect("connect");
    let call = |c: &mut Conn, args: &[&str]| {
        let r = c.call(&cmd(args)).expect("reply");
        assert!(!r.is_error(), "{args:?}: {}", show(&r));
        r
    };
    call(&mut c, &["SELECT", "3"]);
    // Blocking commands parked, then served by another client's writes.
    let blockers: &[&[&str]] = &[
        &["BLPOP", "r:l1", "r:l2", "5"],
        &["BRPOP", "r:l1", "5"],
        &["BLMOVE", "r:l3", "r:dst", "LEFT", "RIGHT", "5"],
        &["BRPOPLPUSH", "r:l3", "r:dst", "5"],
        &["BLMPOP", "5", "2", "r:l4", "r:l1", "RIGHT", "COUNT", "3"],
        &["BZPOPMIN", "r:z1", "5"],
        &["BZPOPMAX", "r:z1", "5"],
        &["BZMPOP", "5", "1", "r:z2", "MIN", "COUNT", "2"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "alice",
            "BLOCK",
            "5000",
            "STREAMS",
            "r:s",
            ">",
        ],
        &["XREAD", "BLOCK", "5000", "STREAMS", "r:s", "$"],
    ];
    call(&mut c, &["XGROUP", "CREATE", "r:s", "g", "$", "MKSTREAM"]);
    let mut parked = Vec::new();
    for b in blockers {
        let mut p = Conn::connect(addr).expect("connect");
        call(&mut p, &["SELECT", "3"]);
        p.send(&super::resp::encode(&cmd(b))).expect("send");
        parked.push(p);
    }
    std::thread::sleep(Duration::from_millis(200));
    call(&mut c, &["RPUSH", "r:l1", "a", "b", "c", "d", "e"]);
    call(&mut c, &["RPUSH", "r:l3", "x", "y"]);
    call(&mut c, &["ZADD", "r:z1", "1", "m1", "2", "m2", "3", "m3"]);
    call(&mut c, &["ZADD", "r:z2", "1", "n1", "2", "n2", "3", "n3"]);
    call(&mut c, &["XADD", "r:s", "*", "f", "v1"]);
    call(&mut c, &["XADD", "r:s", "*", "f", "v2"]);
    for mut p in parked {
        let r = p.read().expect("served");
        assert!(
            !r.is_error() && r != V::NullArray,
            "blocked client got {}",
            show(&r)
        );
    }
    // Consumer group work whose effects depend on time and on the PEL.
    call(
        &mut c,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "bob",
            "COUNT",
            "1",
            "STREAMS",
            "r:s",
            "0",
        ],
    );
    call(
        &mut c,
        &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "r:s", ">"],
    );
    call(
        &mut c,
        &["XADD", "r:s", "MAXLEN", "~", "10", "*", "f", "v3"],
    );
    call(
        &mut c,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "carol",
            "NOACK",
            "STREAMS",
            "r:s",
            ">",
        ],
    );
    call(&mut c, &["XCLAIM", "r:s", "g", "dave", "0", "0-1", "1-1"]);
    call(
        &mut c,
        &["XAUTOCLAIM", "r:s", "g", "erin", "0", "0", "COUNT", "1"],
    );
    // Relative times become absolute ones; random picks become concrete members.
    call(&mut c, &["SET", "r:ex", "v", "EX", "1000"]);
    call(&mut c, &["SETEX", "r:setex", "2000", "v"]);
    call(&mut c, &["PSETEX", "r:psetex", "3000000", "v"]);
    call(&mut c, &["SET", "r:getex", "v"]);
    call(&mut c, &["GETEX", "r:getex", "PX", "4000000"]);
    call(&mut c, &["EXPIRE", "r:psetex", "5000", "GT"]);
    call(
        &mut c,
        &["SADD", "r:set", "a", "b", "c", "d", "e", "f", "g"],
    );
    call(&mut c, &["SPOP", "r:set"]);
    call(&mut c, &["SPOP", "r:set", "3"]);
    call(&mut c, &["SADD", "r:set2", "a", "b"]);
    call(&mut c, &["SPOP", "r:set2", "5"]);
    call(&mut c, &["SET", "r:f", "10.5"]);
    call(&mut c, &["INCRBYFLOAT", "r:f", "0.1"]);
    call(&mut c, &["HINCRBYFLOAT", "r:h", "f", "1.1"]);
    // A transaction of several writes (wrapped) and one of reads only (nothing).
    for args in [
        &["MULTI"][..],
        &["SET", "r:m", "1"],
        &["INCR", "r:m"],
        &["LPUSH", "r:ml", "x"],
    ] {
        call(&mut c, args);
    }
    call(&mut c, &["EXEC"]);
    for args in [&["MULTI"][..], &["GET", "r:m"], &["EXEC"]] {
        call(&mut c, args);
    }
    // Expiry: some keys reclaimed lazily (touched), the others by the active cycle.
    for i in 0..20 {
        call(&mut c, &["SET", &format!("r:tmp{i}"), "v", "PX", "50"]);
    }
    call(&mut c, &["RPUSH", "r:tmplist", "a"]);
    call(&mut c, &["PEXPIRE", "r:tmplist", "50"]);
    std::thread::sleep(Duration::from_millis(120));
    for i in 0..5 {
        call(&mut c, &["GET", &format!("r:tmp{i}")]);
    }
    call(&mut c, &["RPUSH", "r:tmplist", "b"]); // a new list on an expired key
    std::thread::sleep(Duration::from_millis(1500));
    // The active cycle has run (hz 10): every short-lived key is gone without a lookup.
    let r = call(&mut c, &["DBSIZE"]);
    let V::Int(n) = r else {
        panic!("DBSIZE: {}", show(&r))
    };
    assert!(n > 10, "db 3 too small: {n}");
}

/// Splits a propagated stream into its commands (arrays of bulk strings).
fn split(mut s: &[u8]) -> Vec<Vec<Vec<u8>>> {
    fn line(s: &mut &[u8]) -> usize {
        let end = s.windows(2).position(|w| w == b"\r\n").expect("CRLF");
        let n = std::str::from_utf8(&s[1..end])
            .expect("ascii")
            .parse()
            .expect("length");
        *s = &s[end + 2..];
        n
    }
    let mut out = Vec::new();
    while !s.is_empty() {
        assert_eq!(s[0], b'*', "a command starts with '*'");
        let argc = line(&mut s);
        let mut argv = Vec::with_capacity(argc);
        for _ in 0..argc {
            assert_eq!(s[0], b'$', "an argument is a bulk string");
            let n = line(&mut s);
            argv.push(s[..n].to_vec());
            s = &s[n + 2..];
        }
        out.push(argv);
    }
    out
}

/// One key's observable state.
#[derive(Debug)]
struct Key {
    kind: String,
    /// PTTL: -1 without expiry.
    pttl: i64,
    contents: V,
}

impl Key {
    fn same(&self, other: &Key) -> bool {
        let ttl_ok = if self.pttl < 0 || other.pttl < 0 {
            self.pttl == other.pttl
        } else {
            (self.pttl - other.pttl).abs() <= 1000
        };
        self.kind == other.kind && ttl_ok && self.contents == other.contents
    }
}

/// Every key of every database with its type, TTL and contents.
fn snapshot(c: &mut Conn) -> BTreeMap<usize, BTreeMap<Vec<u8>, Key>> {
    let mut all = BTreeMap::new();
    for db in 0..16 {
        c.call(&cmd(&["SELECT", &db.to_string()])).expect("select");
        let keys = match c.call(&cmd(&["KEYS", "*"])).expect("keys") {
            V::Array(ks) => ks,
            other => panic!("KEYS: {}", show(&other)),
        };
        let mut map = BTreeMap::new();
        for k in keys {
            let key = k.bytes().expect("a key").to_vec();
            let kind = match c.call(&[b"TYPE".to_vec(), key.clone()]).expect("type") {
                V::Simple(t) => String::from_utf8_lossy(&t).into_owned(),
                other => panic!("TYPE: {}", show(&other)),
            };
            let pttl = match c.call(&[b"PTTL".to_vec(), key.clone()]).expect("pttl") {
                V::Int(n) => n,
                other => panic!("PTTL: {}", show(&other)),
            };
            let contents = contents(c, &kind, &key);
            map.insert(
                key,
                Key {
                    kind,
                    pttl,
                    contents,
                },
            );
        }
        all.insert(db, map);
    }
    c.call(&cmd(&["SELECT", "0"])).expect("select");
    all
}

fn q(c: &mut Conn, args: &[&[u8]]) -> V {
    let argv: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
    c.call(&argv).expect("reply")
}

/// A key's contents in a comparable form: unordered collections sorted.
fn contents(c: &mut Conn, kind: &str, key: &[u8]) -> V {
    let sorted = |v: V| match v {
        V::Array(mut xs) => {
            xs.sort_by_key(show);
            V::Array(xs)
        }
        other => other,
    };
    match kind {
        "string" => q(c, &[b"GET", key]),
        "list" => q(c, &[b"LRANGE", key, b"0", b"-1"]),
        "set" => sorted(q(c, &[b"SMEMBERS", key])),
        "zset" => q(c, &[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]),
        "hash" => {
            let V::Array(flat) = q(c, &[b"HGETALL", key]) else {
                panic!("HGETALL")
            };
            let pairs: Vec<V> = flat.chunks(2).map(|p| V::Array(p.to_vec())).collect();
            sorted(V::Array(pairs))
        }
        "stream" => stream(c, key),
        other => panic!("unexpected type {other}"),
    }
}

/// A stream's entries and metadata, its groups with their last delivered IDs and pending
/// entries (ID, consumer, delivery count: idle times are clocks), and consumers.
fn stream(c: &mut Conn, key: &[u8]) -> V {
    let mut parts = vec![q(c, &[b"XRANGE", key, b"-", b"+"])];
    let info = q(c, &[b"XINFO", b"STREAM", key]);
    let field = |v: &V, name: &[u8]| -> V {
        let items = v.items().expect("a map as an array");
        items
            .chunks(2)
            .find(|p| p[0].bytes() == Some(name))
            .map_or(V::Null, |p| p[1].clone())
    };
    for name in [
        &b"last-generated-id"[..],
        b"max-deleted-entry-id",
        b"entries-added",
    ] {
        parts.push(field(&info, name));
    }
    let groups = q(c, &[b"XINFO", b"GROUPS", key]);
    for g in groups.items().unwrap_or(&[]) {
        let name = field(g, b"name");
        let gname = name.bytes().expect("group name").to_vec();
        parts.push(name);
        parts.push(field(g, b"last-delivered-id"));
        parts.push(field(g, b"pending"));
        let pel = q(c, &[b"XPENDING", key, &gname, b"-", b"+", b"1000000"]);
        for p in pel.items().unwrap_or(&[]) {
            let p = p.items().expect("pending entry");
            parts.extend([p[0].clone(), p[1].clone(), p[3].clone()]);
        }
        let consumers = q(c, &[b"XINFO", b"CONSUMERS", key, &gname]);
        for cons in consumers.items().unwrap_or(&[]) {
            parts.push(field(cons, b"name"));
            parts.push(field(cons, b"pending"));
        }
    }
    V::Array(parts)
}
