//! MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP over the wire.

use crate::common::{TestServer, run};
use redis::Value;

fn int(c: &mut redis::Connection, args: &[&str]) -> i64 {
    match run(c, args).expect("reply") {
        Value::Int(n) => n,
        other => panic!("{args:?}: {other:?}"),
    }
}

#[test]
fn usage_is_redis_7_0s_estimate() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["SET", "foo", "bar"]).expect("set");
    run(&mut c, &["SET", "n", "12345"]).expect("set");
    run(&mut c, &["RPUSH", "l3", "a", "b", "c"]).expect("rpush");
    run(&mut c, &["HSET", "h", "a", "1", "b", "2"]).expect("hset");
    run(&mut c, &["SADD", "s", "1", "2", "3"]).expect("sadd");
    run(&mut c, &["SADD", "s2", "a", "b", "c"]).expect("sadd");
    run(&mut c, &["ZADD", "z", "1", "a", "2", "b"]).expect("zadd");
    // redis-server 7.0.15's answers for the same keys.
    for (key, bytes) in [
        ("foo", 64),
        ("n", 48),
        ("l3", 144),
        ("h", 80),
        ("s", 64),
        ("s2", 232),
        ("z", 80),
    ] {
        assert_eq!(int(&mut c, &["MEMORY", "USAGE", key]), bytes, "{key}");
    }
    assert_eq!(int(&mut c, &["MEMORY", "USAGE", "foo", "SAMPLES", "0"]), 64);
    // A bigger value costs more; a missing key is nil.
    run(&mut c, &["SET", "foo", &"x".repeat(1000)]).expect("set");
    assert!(int(&mut c, &["MEMORY", "USAGE", "foo"]) > 1000);
    assert_eq!(
        run(&mut c, &["MEMORY", "USAGE", "missing"]).expect("nil"),
        Value::Nil
    );
    let err = run(&mut c, &["MEMORY", "USAGE", "foo", "SAMPLES", "x"]).expect_err("nan");
    assert!(err.to_string().contains("not an integer"), "{err}");
    let err = run(&mut c, &["MEMORY", "USAGE", "foo", "bar"]).expect_err("syntax");
    assert!(err.to_string().contains("syntax error"), "{err}");
}

#[test]
fn stats_have_redis_field_names_in_order() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["SET", "k", "v"]).expect("set");
    let Value::Array(items) = run(&mut c, &["MEMORY", "STATS"]).expect("stats") else {
        panic!("an array");
    };
    let names: Vec<String> = items
        .iter()
        .step_by(2)
        .map(|v| match v {
            Value::BulkString(b) => String::from_utf8_lossy(b).to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    let want = [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
        "db.0",
        "overhead.total",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
        "dataset.percentage",
        "peak.percentage",
        "allocator.allocated",
        "allocator.active",
        "allocator.resident",
        "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes",
        "allocator-rss.ratio",
        "allocator-rss.bytes",
        "rss-overhead.ratio",
        "rss-overhead.bytes",
        "fragmentation",
        "fragmentation.bytes",
    ];
    assert_eq!(names, want);
    let keys = items
        .iter()
        .position(|v| matches!(v, Value::BulkString(b) if b == b"keys.count"))
        .expect("keys.count");
    assert_eq!(items[keys + 1], Value::Int(1));
}

#[test]
fn doctor_purge_malloc_stats_help() {
    let s = TestServer::start();
    let mut c = s.client();
    let doctor: String = redis::cmd("MEMORY")
        .arg("DOCTOR")
        .query(&mut c)
        .expect("doctor");
    // The in-process server shares its allocator count with the other tests: either the
    // "too little memory" answer or a report, both in Redis's words.
    assert!(
        doctor.starts_with("Hi Sam") || doctor.starts_with("Sam, I detected"),
        "{doctor}"
    );
    let _: () = redis::cmd("MEMORY")
        .arg("PURGE")
        .query(&mut c)
        .expect("purge");
    let stats: String = redis::cmd("MEMORY")
        .arg("MALLOC-STATS")
        .query(&mut c)
        .expect("malloc-stats");
    assert!(stats.contains("statistics"), "{stats}");
    let help: Vec<String> = redis::cmd("MEMORY")
        .arg("HELP")
        .query(&mut c)
        .expect("help");
    assert_eq!(help.len(), 14);
    assert_eq!(
        help[0],
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    let err = run(&mut c, &["MEMORY", "foo"]).expect_err("unknown");
    assert!(
        err.to_string()
            .contains("unknown subcommand 'foo'. Try MEMORY HELP."),
        "{err}"
    );
}
