//! Differential test of CONFIG against redis-server 7.0: the same parameter names, the
//! same defaults (except the few listed below, each for a reason), the same replies and
//! error strings for CONFIG SET of accepted and rejected values, and OBJECT ENCODING
//! following the encoding thresholds after CONFIG SET.

use super::redis_proc::RedisProc;
use super::resp::{Conn, V, show, show_cmd};
use crate::common::TestServer;
use std::collections::BTreeMap;

/// Parameters whose values must differ, and why.
const DIFFERENT: &[(&str, &str)] = &[
    ("port", "each server has its own ephemeral port"),
    ("dir", "each server runs in its own working directory"),
    (
        "bind",
        "muxis listens on 127.0.0.1 by default; Redis on every interface",
    ),
    (
        "io-threads",
        "muxis's I/O threads default to the cores left by the executor",
    ),
    (
        "io-threads-do-reads",
        "muxis's I/O threads always read and parse",
    ),
];

/// Parameters only muxis has.
const MUXIS_ONLY: &[&str] = &["io-cpus", "main-cpu", "engine"];

fn argv(a: &[&str]) -> Vec<Vec<u8>> {
    a.iter().map(|s| s.as_bytes().to_vec()).collect()
}

fn all_params(c: &mut Conn) -> BTreeMap<String, String> {
    let reply = c
        .call(&argv(&["CONFIG", "GET", "*"]))
        .expect("CONFIG GET *");
    let items = reply.items().expect("an array").to_vec();
    items
        .chunks(2)
        .map(|p| {
            let s = |v: &V| String::from_utf8_lossy(v.bytes().unwrap_or_default()).into_owned();
            (s(&p[0]), s(&p[1]))
        })
        .collect()
}

#[test]
fn differential_config() {
    let Some(redis) = RedisProc::start() else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    // Test servers get a dbfilename of their own (common.rs): this one compares defaults.
    let muxis = TestServer::with(|c| c.set("dbfilename", "dump.rdb").expect("dbfilename"));
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");

    // The same names (and aliases), the same defaults.
    let rp = all_params(&mut r);
    let mp = all_params(&mut m);
    let rn: Vec<&String> = rp.keys().collect();
    let mn: Vec<&String> = mp
        .keys()
        .filter(|k| !MUXIS_ONLY.contains(&k.as_str()))
        .collect();
    assert_eq!(mn, rn, "CONFIG GET * names differ");
    for (k, v) in &rp {
        if DIFFERENT.iter().any(|(n, _)| n == k) {
            continue;
        }
        assert_eq!(mp.get(k), Some(v), "default of {k}");
    }

    // Setting every parameter to its current value works on both (Redis's "CONFIG
    // sanity" test does this), and changes nothing.
    for (k, v) in &rp {
        if DIFFERENT.iter().any(|(n, _)| n == k) {
            continue;
        }
        let cmd = argv(&["CONFIG", "SET", k, v]);
        let (a, b) = (r.call(&cmd), m.call(&cmd));
        assert_eq!(
            show(&b.expect("muxis")),
            show(&a.expect("redis")),
            "{}",
            show_cmd(&cmd)
        );
    }

    // Accepted and rejected values: the same replies, then the same values.
    let cases: &[&[&str]] = &[
        &["maxclients", "abc"],
        &["maxclients", "0"],
        &["maxclients", "500"],
        &["hz", "0"],
        &["hz", "100000"],
        &["hz", "-1"],
        &["hz", " 5"],
        &["hz", "0x10"],
        &["foo", "bar"],
        &["hz", "10", "hz", "11"],
        &[
            "hash-max-ziplist-entries",
            "5",
            "hash-max-listpack-entries",
            "6",
        ],
        &["hz", "10", "foo"],
        &["hz", "1", "maxclients"],
        &["maxmemory-policy", "allkeys-lru"],
        &["maxmemory-policy", "foo"],
        &["maxmemory", "100mb"],
        &["maxmemory", "1zb"],
        &["maxmemory", "-1"],
        &["maxmemory", "0"],
        &["maxmemory-policy", "volatile-ttl", "maxmemory-samples", "0"],
        &[
            "maxmemory-samples",
            "10",
            "maxmemory-eviction-tenacity",
            "101",
        ],
        &["maxmemory-eviction-tenacity", "100"],
        &["lfu-log-factor", "-1"],
        &["lfu-decay-time", "0"],
        &[
            "lazyfree-lazy-eviction",
            "yes",
            "lazyfree-lazy-user-flush",
            "maybe",
        ],
        &["lazyfree-lazy-user-del", "yes"],
        &["loglevel", "x"],
        &["loglevel", "WARNING"],
        &["loglevel", "notice"],
        &["appendfsync", "always"],
        &["timeout", "30"],
        &["tcp-keepalive", "-1"],
        &["proto-max-bulk-len", "1k"],
        &["proto-max-bulk-len", "2mb"],
        &["proto-max-bulk-len", "18446744073709551615"],
        &["client-query-buffer-limit", "-5"],
        &["client-query-buffer-limit", "1GB"],
        &["save", "a b"],
        &["save", "1 2 3"],
        &["save", "0 1"],
        &["save", ""],
        &["client-output-buffer-limit", "foo 1 2 3"],
        &["client-output-buffer-limit", "normal 1 2"],
        &["client-output-buffer-limit", "normal 1 2 -1"],
        &[
            "client-output-buffer-limit",
            "pubsub 1mb 2k 10 replica 3 4 5",
        ],
        &["client-output-buffer-limit", ""],
        &["notify-keyspace-events", "Q"],
        &["notify-keyspace-events", "KEA"],
        &["notify-keyspace-events", "Kgx$"],
        &["notify-keyspace-events", ""],
        &["latency-tracking-info-percentiles", "50 99.99"],
        &["latency-tracking-info-percentiles", "101"],
        &["latency-tracking-info-percentiles", "abc"],
        &["oom-score-adj-values", "1 2"],
        &["oom-score-adj-values", "1 2 x"],
        &["oom-score-adj-values", "0  200 800"],
        &["oom-score-adj-values", "10 200 300"],
        &["maxmemory-clients", "5%"],
        &["maxmemory-clients", "200%"],
        &["maxmemory-clients", "-5"],
        &["maxmemory-clients", "1mb"],
        &["shutdown-on-sigint", "foo"],
        &["shutdown-on-sigint", "nosave now"],
        &["shutdown-on-sigint", "save nosave"],
        &["shutdown-on-sigint", "default now"],
        &["slowlog-log-slower-than", "-2"],
        &["active-expire-effort", "11"],
        &["list-max-listpack-size", "-6"],
        &["list-max-ziplist-size", "0"],
        &["hash-max-listpack-entries", "-1"],
        &["stream-node-max-bytes", "1kb"],
        &["daemonize", "yes"],
        &["databases", "3"],
        &["unixsocketperm", "777"],
        &["dbfilename", "a/b"],
        &["dir", "/"],
        &["activedefrag", "yes"],
        &["cluster-announce-hostname", "a_b"],
        &["proc-title-template", "{foo}"],
        &["repl-diskless-load", "foo"],
        &["appendonly", "maybe"],
        &["replica-read-only", "no"],
        &["slave-read-only", "yes"],
        &["lua-time-limit", "100"],
    ];
    for case in cases {
        let mut cmd = argv(&["CONFIG", "SET"]);
        cmd.extend(argv(case));
        let (a, b) = (r.call(&cmd), m.call(&cmd));
        assert_eq!(
            show(&b.expect("muxis")),
            show(&a.expect("redis")),
            "{}",
            show_cmd(&cmd)
        );
        if DIFFERENT.iter().any(|(n, _)| *n == case[0]) {
            continue;
        }
        let get = argv(&["CONFIG", "GET", case[0]]);
        let (a, b) = (r.call(&get), m.call(&get));
        assert_eq!(
            show(&b.expect("muxis")),
            show(&a.expect("redis")),
            "after {}",
            show_cmd(&cmd)
        );
    }
    let globs = argv(&[
        "CONFIG",
        "GET",
        "*max*entries*",
        "hz",
        "HZ",
        "slaveof",
        "*ziplist*",
    ]);
    let (a, b) = (
        r.call(&globs).expect("redis"),
        m.call(&globs).expect("muxis"),
    );
    let sorted = |v: &V| {
        let mut pairs: Vec<String> = v
            .items()
            .unwrap_or_default()
            .chunks(2)
            .map(|p| format!("{} {}", show(&p[0]), show(&p[1])))
            .collect();
        pairs.sort();
        pairs
    };
    assert_eq!(sorted(&b), sorted(&a), "CONFIG GET with several patterns");

    encodings_follow_thresholds(&mut r, &mut m);
}

/// OBJECT ENCODING after CONFIG SET of the thresholds, for the same writes.
fn encodings_follow_thresholds(r: &mut Conn, m: &mut Conn) {
    let script: &[&[&str]] = &[
        &[
            "CONFIG",
            "SET",
            "hash-max-listpack-entries",
            "3",
            "hash-max-ziplist-value",
            "8",
        ],
        &["CONFIG", "SET", "set-max-intset-entries", "3"],
        &[
            "CONFIG",
            "SET",
            "zset-max-listpack-entries",
            "2",
            "zset-max-listpack-value",
            "5",
        ],
        &["HSET", "h", "a", "1", "b", "2", "c", "3"],
        &["OBJECT", "ENCODING", "h"],
        &["HSET", "h", "d", "4"],
        &["OBJECT", "ENCODING", "h"],
        // One-way: shrinking does not convert back.
        &["HDEL", "h", "a", "b", "c"],
        &["OBJECT", "ENCODING", "h"],
        &["HSET", "h2", "f", "123456789"],
        &["OBJECT", "ENCODING", "h2"],
        &["HSET", "h3", "f", "12345678"],
        &["OBJECT", "ENCODING", "h3"],
        &["SADD", "s", "1", "2", "3"],
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s", "4"],
        &["OBJECT", "ENCODING", "s"],
        &["SREM", "s", "1", "2", "3"],
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s2", "1", "x"],
        &["OBJECT", "ENCODING", "s2"],
        &["SREM", "s2", "x"],
        &["OBJECT", "ENCODING", "s2"],
        &["SADD", "s3", "-5", "7"],
        &["OBJECT", "ENCODING", "s3"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["OBJECT", "ENCODING", "z"],
        &["ZADD", "z", "3", "c"],
        &["OBJECT", "ENCODING", "z"],
        &["ZREM", "z", "a", "b"],
        &["OBJECT", "ENCODING", "z"],
        &["ZADD", "z2", "1", "abcdef"],
        &["OBJECT", "ENCODING", "z2"],
        &["RPUSH", "l", "a", "b"],
        &["OBJECT", "ENCODING", "l"],
        &["CONFIG", "SET", "hash-max-listpack-entries", "0"],
        &["HSET", "h4", "a", "1"],
        &["OBJECT", "ENCODING", "h4"],
        &["CONFIG", "SET", "set-max-intset-entries", "0"],
        &["SADD", "s4", "1"],
        &["OBJECT", "ENCODING", "s4"],
        &[
            "CONFIG",
            "SET",
            "hash-max-listpack-entries",
            "512",
            "hash-max-listpack-value",
            "64",
        ],
        &["CONFIG", "SET", "set-max-intset-entries", "512"],
        &[
            "CONFIG",
            "SET",
            "zset-max-listpack-entries",
            "128",
            "zset-max-listpack-value",
            "64",
        ],
        &["HSET", "h5", "a", "1"],
        &["OBJECT", "ENCODING", "h5"],
        &["OBJECT", "ENCODING", "h"],
    ];
    for cmd in script {
        let cmd = argv(cmd);
        let (a, b) = (r.call(&cmd), m.call(&cmd));
        assert_eq!(
            show(&b.expect("muxis")),
            show(&a.expect("redis")),
            "{}",
            show_cmd(&cmd)
        );
    }
}
