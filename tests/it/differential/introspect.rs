//! CLIENT, MEMORY and DEBUG against redis-server 7.0.15: the same commands give the same
//! replies (DEBUG PROTOCOL in both protocols, DEBUG DIGEST on the same dataset, CLIENT
//! KILL's replies, MEMORY USAGE of small values), and CLIENT LIST has Redis's fields in
//! Redis's order.

use super::redis_proc::RedisProc;
use super::resp::{Conn, V, transcript};
use crate::common::TestServer;
use std::net::SocketAddr;

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs `script` on one connection (after `HELLO 3` when `resp3`); the replies as text.
fn run(addr: SocketAddr, resp3: bool, script: &[&[&str]]) -> Vec<String> {
    let mut c = Conn::connect(addr).expect("connect");
    if resp3 {
        c.call(&argv(&["HELLO", "3"])).expect("hello");
    }
    let script: Vec<Vec<Vec<u8>>> = script.iter().map(|w| argv(w)).collect();
    transcript(&mut c, &script)
}

fn servers() -> Option<(RedisProc, TestServer)> {
    let Some(redis) = RedisProc::start_with(&["--enable-debug-command", "yes"]) else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return None;
    };
    let muxis = TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"));
    Some((redis, muxis))
}

fn compare(redis: &RedisProc, muxis: &TestServer, resp3: bool, script: &[&[&str]]) {
    let want = run(redis.addr, resp3, script);
    let got = run(muxis.addr, resp3, script);
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}

const PROTOCOL: &[&[&str]] = &[
    &["DEBUG", "PROTOCOL", "string"],
    &["DEBUG", "PROTOCOL", "integer"],
    &["DEBUG", "PROTOCOL", "double"],
    &["DEBUG", "PROTOCOL", "bignum"],
    &["DEBUG", "PROTOCOL", "null"],
    &["DEBUG", "PROTOCOL", "array"],
    &["DEBUG", "PROTOCOL", "set"],
    &["DEBUG", "PROTOCOL", "map"],
    &["DEBUG", "PROTOCOL", "attrib"],
    &["DEBUG", "PROTOCOL", "verbatim"],
    &["DEBUG", "PROTOCOL", "true"],
    &["DEBUG", "PROTOCOL", "false"],
    &["DEBUG", "PROTOCOL", "nosuchtype"],
];

#[test]
fn differential_debug_protocol_both_protocols() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    compare(&redis, &muxis, false, PROTOCOL);
    compare(&redis, &muxis, false, &[&["DEBUG", "PROTOCOL", "push"]]);
    compare(&redis, &muxis, true, PROTOCOL);
}

#[test]
fn differential_debug_digest_and_memory_usage_on_one_dataset() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let big_list: Vec<String> = (0..300).map(|i| format!("item:{i}")).collect();
    let mut rpush: Vec<&str> = vec!["RPUSH", "biglist"];
    rpush.extend(big_list.iter().map(|s| s.as_str()));
    let big_hash: Vec<String> = (0..600).map(|i| format!("f{i}")).collect();
    let mut hset: Vec<&str> = vec!["HSET", "bighash"];
    for f in &big_hash {
        hset.push(f);
        hset.push(f);
    }
    let long = "x".repeat(300);
    let script: &[&[&str]] = &[
        &["DEBUG", "DIGEST"],
        &["SET", "foo", "bar"],
        &["SET", "n", "12345", "EX", "1000"],
        &["SET", "long", &long],
        &["RPUSH", "l", "a", "b", "1", "-7"],
        &rpush,
        &["SADD", "ints", "1", "2", "300000"],
        &["SADD", "strs", "x", "y", "z"],
        &["HSET", "h", "f", "v", "g", "12"],
        &hset,
        &["ZADD", "z", "1.5", "a", "2", "b", "0.1", "c", "-3", "d"],
        &["XADD", "st", "1-1", "a", "1", "b", "2"],
        &["XADD", "st", "2-5", "c", "3"],
        &["SELECT", "5"],
        &["SET", "in5", "v"],
        &["DEBUG", "DIGEST"],
        &["DEBUG", "DIGEST-VALUE", "in5", "nokey"],
        &["SELECT", "0"],
        &[
            "DEBUG",
            "DIGEST-VALUE",
            "foo",
            "n",
            "long",
            "l",
            "biglist",
            "ints",
            "strs",
            "h",
            "bighash",
            "z",
            "st",
        ],
        &["MEMORY", "USAGE", "foo"],
        &["MEMORY", "USAGE", "n"],
        &["MEMORY", "USAGE", "long"],
        &["MEMORY", "USAGE", "l"],
        &["MEMORY", "USAGE", "ints"],
        &["MEMORY", "USAGE", "strs"],
        &["MEMORY", "USAGE", "h"],
        &["MEMORY", "USAGE", "bighash"],
        &["MEMORY", "USAGE", "bighash", "SAMPLES", "0"],
        &["MEMORY", "USAGE", "z"],
        &["MEMORY", "USAGE", "nokey"],
        &["MEMORY", "USAGE", "foo", "SAMPLES", "x"],
        &["MEMORY", "USAGE", "foo", "bar"],
        &["DEBUG", "OBJECT", "nokey"],
        &["DEBUG", "LISTPACK", "h"],
        &["DEBUG", "LISTPACK", "l"],
        &["DEBUG", "LISTPACK", "nokey"],
        &["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        &["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"],
        &["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "x"],
        &["DEBUG", "CHANGE-REPL-ID"],
        &["DEBUG", "STRINGMATCH-TEST"],
        &["DEBUG", "SLEEP", "0"],
        &["DEBUG", "JMAP"],
        &["FLUSHALL"],
        &["DEBUG", "DIGEST"],
    ];
    compare(&redis, &muxis, false, script);
}

#[test]
fn differential_client_errors_and_kill_replies() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let script: &[&[&str]] = &[
        &["CLIENT", "PAUSE"],
        &["CLIENT", "PAUSE", "abc"],
        &["CLIENT", "PAUSE", "-1"],
        &["CLIENT", "PAUSE", "10", "foo"],
        &["CLIENT", "PAUSE", "10", "write", "all"],
        &["CLIENT", "UNPAUSE"],
        &["CLIENT", "UNBLOCK", "x"],
        &["CLIENT", "UNBLOCK", "1", "foo"],
        &["CLIENT", "UNBLOCK", "999"],
        &["CLIENT", "UNBLOCK", "999", "ERROR"],
        &["CLIENT", "REPLY", "foo"],
        &["CLIENT", "KILL", "1.2.3.4:5"],
        &["CLIENT", "KILL", "id"],
        &["CLIENT", "KILL", "ID", "999"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "1", "SKIPME", "maybe"],
        &["CLIENT", "KILL", "TYPE", "foo"],
        &["CLIENT", "KILL", "TYPE", "master"],
        &["CLIENT", "KILL", "TYPE", "replica"],
        &["CLIENT", "KILL", "TYPE", "pubsub"],
        &["CLIENT", "KILL", "USER", "nobody"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "1.2.3.4:6"],
        &["CLIENT", "KILL", "MAXAGE", "1"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "NO-EVICT", "on"],
        &["CLIENT", "NO-EVICT", "off"],
        &["CLIENT", "LIST", "TYPE", "foo"],
        &["CLIENT", "LIST", "ID", "x"],
        &["CLIENT", "LIST", "foo"],
        &["CLIENT", "LIST", "TYPE", "pubsub"],
        &["CLIENT", "LIST", "ID", "999"],
        &["MEMORY", "foo"],
        &["MEMORY", "HELP"],
        &["MEMORY", "PURGE"],
    ];
    compare(&redis, &muxis, false, script);
}

/// The field names of a CLIENT LIST line.
fn names(v: &V) -> Vec<String> {
    let text = match v {
        V::Bulk(b) => String::from_utf8_lossy(b).to_string(),
        V::Verbatim(_, b) => String::from_utf8_lossy(b).to_string(),
        other => panic!("{other:?}"),
    };
    let line = text.lines().next().unwrap_or_default().to_string();
    line.split(' ')
        .map(|f| f.split_once('=').map_or(f, |(n, _)| n).to_string())
        .collect()
}

#[test]
fn differential_client_list_fields() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let fields = |addr| {
        let mut c = Conn::connect(addr).expect("connect");
        let list = c.call(&argv(&["CLIENT", "LIST"])).expect("list");
        let info = c.call(&argv(&["CLIENT", "INFO"])).expect("info");
        (names(&list), names(&info))
    };
    let (want_list, want_info) = fields(redis.addr);
    let (got_list, got_info) = fields(muxis.addr);
    // Redis 7.0.15's fields first, in its order; ours may follow (7.2's lib-name, lib-ver,
    // and io-thread).
    assert_eq!(&got_list[..want_list.len()], &want_list[..]);
    assert_eq!(&got_info[..want_info.len()], &want_info[..]);
}
