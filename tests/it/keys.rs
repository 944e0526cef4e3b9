//! The keys family over the wire: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RENAME, RENAMENX,
//! RANDOMKEY, COPY, TOUCH and the expiry commands, with exact reply bytes, plus lazy and
//! active expiry end to end.
//!
//! Keys are created with SET (the strings family) and some checks use GET, SELECT, HELLO,
//! DBSIZE and INFO from other families: these tests need the whole server.

use crate::common::*;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Sends `SET key value [extra...]` and expects +OK.
fn set(c: &mut Raw, key: &str, value: &str, extra: &[&str]) {
    let mut args: Vec<&[u8]> = vec![b"SET", key.as_bytes(), value.as_bytes()];
    args.extend(extra.iter().map(|a| a.as_bytes()));
    c.roundtrip(&resp(&args), b"+OK\r\n");
}

/// Sends a command given as words and expects `reply`.
fn check(c: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.roundtrip(&resp(&args), reply.as_bytes());
}

/// Sends a command and reads one integer reply.
fn raw_int(c: &mut Raw, args: &[&str]) -> i64 {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send(&resp(&args));
    let mut got = Vec::new();
    while !got.ends_with(b"\r\n") {
        got.extend_from_slice(&c.read_n(1));
    }
    let text = String::from_utf8_lossy(&got);
    text.strip_prefix(':')
        .and_then(|t| t.trim_end().parse().ok())
        .unwrap_or_else(|| panic!("{args:?}: expected an integer, got {text:?}"))
}

/// Runs a command through the `redis` crate and returns its integer reply.
fn int(con: &mut redis::Connection, args: &[&str]) -> i64 {
    match run(con, args) {
        Ok(redis::Value::Int(n)) => n,
        other => panic!("{args:?}: expected an integer, got {other:?}"),
    }
}

/// Runs `SCAN cursor [options]` and returns the next cursor and the keys.
fn scan(con: &mut redis::Connection, cursor: &str, opts: &[&str]) -> (String, Vec<String>) {
    let mut c = redis::cmd("SCAN");
    c.arg(cursor);
    for o in opts {
        c.arg(*o);
    }
    c.query(con).expect("SCAN replies")
}

#[test]
fn del_unlink_exists_touch_type() {
    let s = TestServer::start();
    let mut c = s.raw();
    set(&mut c, "a", "1", &[]);
    set(&mut c, "b", "2", &[]);
    check(&mut c, &["EXISTS", "a", "a", "b", "nope"], ":3\r\n");
    check(&mut c, &["TOUCH", "a", "nope", "b"], ":2\r\n");
    check(&mut c, &["TYPE", "a"], "+string\r\n");
    check(&mut c, &["TYPE", "nope"], "+none\r\n");
    check(&mut c, &["DEL", "a", "a", "nope"], ":1\r\n");
    check(&mut c, &["UNLINK", "b", "a"], ":1\r\n");
    check(&mut c, &["EXISTS", "a", "b"], ":0\r\n");
    check(
        &mut c,
        &["DEL"],
        "-ERR wrong number of arguments for 'del' command\r\n",
    );
    check(
        &mut c,
        &["TYPE", "a", "b"],
        "-ERR wrong number of arguments for 'type' command\r\n",
    );
}

#[test]
fn keys_matches_patterns_including_the_empty_key() {
    let s = TestServer::start();
    let mut c = s.raw();
    set(&mut c, "", "empty", &[]);
    set(&mut c, "hello", "v", &[]);
    check(&mut c, &["KEYS", "*"], "*2\r\n$0\r\n\r\n$5\r\nhello\r\n");
    check(&mut c, &["KEYS", "h?ll[a-z]"], "*1\r\n$5\r\nhello\r\n");
    check(&mut c, &["KEYS", "x*"], "*0\r\n");
    check(&mut c, &["DEL", ""], ":1\r\n");
    check(&mut c, &["KEYS", "*"], "*1\r\n$5\r\nhello\r\n");
}

#[test]
fn scan_iterates_every_key_with_match_count_and_type() {
    let s = TestServer::start();
    let mut con = s.client();
    let mut pipe = redis::pipe();
    for i in 0..300 {
        pipe.cmd("SET").arg(format!("key:{i}")).arg(i).ignore();
    }
    pipe.query::<()>(&mut con).expect("SETs");
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let (next, keys) = scan(&mut con, &cursor, &["COUNT", "17"]);
        assert!(keys.len() <= 17, "{}", keys.len());
        seen.extend(keys);
        calls += 1;
        assert!(calls < 1000, "SCAN never ends");
        if next == "0" {
            break;
        }
        cursor = next;
    }
    assert_eq!(seen.len(), 300);
    let mut matched = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let (next, keys) = scan(&mut con, &cursor, &["MATCH", "key:1?", "TYPE", "string"]);
        matched.extend(keys);
        if next == "0" {
            break;
        }
        cursor = next;
    }
    matched.sort();
    assert_eq!(
        matched,
        (10..20).map(|i| format!("key:{i}")).collect::<Vec<_>>()
    );
    let (next, keys) = scan(&mut con, "0", &["COUNT", "1000", "TYPE", "hash"]);
    assert_eq!((next.as_str(), keys.len()), ("0", 0));
}

#[test]
fn scan_reply_shape_and_errors() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["SCAN", "0"], "*2\r\n$1\r\n0\r\n*0\r\n");
    set(&mut c, "k", "v", &[]);
    check(
        &mut c,
        &["SCAN", "0", "MATCH", "*"],
        "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n",
    );
    check(&mut c, &["SCAN", "abc"], "-ERR invalid cursor\r\n");
    check(
        &mut c,
        &["SCAN", "0", "COUNT", "0"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["SCAN", "0", "COUNT", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, &["SCAN", "0", "MATCH"], "-ERR syntax error\r\n");
    check(&mut c, &["SCAN", "0", "NOPE", "1"], "-ERR syntax error\r\n");
    check(
        &mut c,
        &["SCAN"],
        "-ERR wrong number of arguments for 'scan' command\r\n",
    );
}

#[test]
fn rename_and_renamenx_carry_the_ttl() {
    let s = TestServer::start();
    let mut c = s.raw();
    let mut con = s.client();
    set(&mut c, "a", "1", &["EX", "100"]);
    set(&mut c, "b", "2", &[]);
    check(&mut c, &["RENAME", "a", "b"], "+OK\r\n");
    check(&mut c, &["GET", "b"], "$1\r\n1\r\n");
    check(&mut c, &["EXISTS", "a"], ":0\r\n");
    let ttl = int(&mut con, &["TTL", "b"]);
    assert!((1..=100).contains(&ttl), "TTL moved with the value: {ttl}");
    check(&mut c, &["RENAME", "nope", "x"], "-ERR no such key\r\n");
    check(&mut c, &["RENAME", "b", "b"], "+OK\r\n");
    set(&mut c, "c", "3", &[]);
    check(&mut c, &["RENAMENX", "b", "c"], ":0\r\n");
    check(&mut c, &["RENAMENX", "b", "b"], ":0\r\n");
    check(&mut c, &["RENAMENX", "b", "d"], ":1\r\n");
    check(&mut c, &["RENAMENX", "nope", "e"], "-ERR no such key\r\n");
    check(&mut c, &["RENAME", "c", "d"], "+OK\r\n");
    check(&mut c, &["TTL", "d"], ":-1\r\n");
    check(&mut c, &["GET", "d"], "$1\r\n3\r\n");
}

#[test]
fn randomkey_nil_and_resp3_null() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["RANDOMKEY"], "$-1\r\n");
    set(&mut c, "only", "v", &[]);
    check(&mut c, &["RANDOMKEY"], "$4\r\nonly\r\n");
    check(&mut c, &["DEL", "only"], ":1\r\n");
    // HELLO's map reply holds no `_`; read through it to RANDOMKEY's RESP3 null.
    c.send(&resp(&[b"HELLO", b"3"]));
    c.send(&resp(&[b"RANDOMKEY"]));
    let mut got = Vec::new();
    while !got.ends_with(b"_\r\n") {
        let b = c.read_n(1);
        got.extend_from_slice(&b);
        assert!(
            got.len() < 4096,
            "no RESP3 null: {:?}",
            String::from_utf8_lossy(&got)
        );
    }
}

#[test]
fn copy_keeps_ttl_replaces_and_crosses_databases() {
    let s = TestServer::start();
    let mut c = s.raw();
    let mut con = s.client();
    set(&mut c, "a", "1", &["EX", "100"]);
    check(&mut c, &["COPY", "a", "b"], ":1\r\n");
    let ttl = int(&mut con, &["TTL", "b"]);
    assert!((1..=100).contains(&ttl), "{ttl}");
    check(&mut c, &["COPY", "a", "b"], ":0\r\n");
    set(&mut c, "c", "3", &[]);
    check(&mut c, &["COPY", "c", "b", "REPLACE"], ":1\r\n");
    check(&mut c, &["TTL", "b"], ":-1\r\n");
    check(&mut c, &["GET", "b"], "$1\r\n3\r\n");
    check(&mut c, &["COPY", "a", "a", "DB", "3"], ":1\r\n");
    check(&mut c, &["COPY", "nope", "x"], ":0\r\n");
    check(
        &mut c,
        &["COPY", "a", "a"],
        "-ERR source and destination objects are the same\r\n",
    );
    check(
        &mut c,
        &["COPY", "a", "x", "DB", "9999"],
        "-ERR DB index is out of range\r\n",
    );
    check(
        &mut c,
        &["COPY", "a", "x", "DB", "one"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["COPY", "a", "x", "REPLACE", "NOW"],
        "-ERR syntax error\r\n",
    );
    check(&mut c, &["SELECT", "3"], "+OK\r\n");
    check(&mut c, &["GET", "a"], "$1\r\n1\r\n");
    let ttl = int(&mut con, &["TTL", "a"]);
    assert!((1..=100).contains(&ttl), "db 0 still has its own a: {ttl}");
    let n = raw_int(&mut c, &["TTL", "a"]);
    assert!((1..=100).contains(&n), "the copy in db 3 kept the TTL: {n}");
}

#[test]
fn expire_family_replies_and_errors() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["EXPIRE", "k", "100"], ":0\r\n");
    set(&mut c, "k", "v", &[]);
    check(&mut c, &["TTL", "k"], ":-1\r\n");
    check(&mut c, &["PTTL", "k"], ":-1\r\n");
    check(&mut c, &["EXPIRETIME", "k"], ":-1\r\n");
    check(&mut c, &["TTL", "nope"], ":-2\r\n");
    check(&mut c, &["PEXPIRETIME", "nope"], ":-2\r\n");
    check(&mut c, &["EXPIRE", "k", "100", "XX"], ":0\r\n");
    check(&mut c, &["EXPIRE", "k", "100", "GT"], ":0\r\n");
    check(&mut c, &["EXPIRE", "k", "100", "NX"], ":1\r\n");
    check(&mut c, &["EXPIRE", "k", "100", "NX"], ":0\r\n");
    check(&mut c, &["EXPIRE", "k", "1000", "GT"], ":1\r\n");
    check(&mut c, &["EXPIRE", "k", "2000", "LT"], ":0\r\n");
    check(&mut c, &["EXPIREAT", "k", "33177117420"], ":1\r\n");
    check(&mut c, &["EXPIRETIME", "k"], ":33177117420\r\n");
    check(&mut c, &["PEXPIREAT", "k", "33177117420123"], ":1\r\n");
    check(&mut c, &["PEXPIRETIME", "k"], ":33177117420123\r\n");
    check(&mut c, &["PERSIST", "k"], ":1\r\n");
    check(&mut c, &["PERSIST", "k"], ":0\r\n");
    check(
        &mut c,
        &["EXPIRE", "k", "1", "NX", "XX"],
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["EXPIRE", "k", "1", "GT", "LT"],
        "-ERR GT and LT options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["PEXPIRE", "k", "1", "KEEPTTL"],
        "-ERR Unsupported option KEEPTTL\r\n",
    );
    check(
        &mut c,
        &["EXPIRE", "k", "1.5"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["EXPIRE", "k", "9223372036854775807"],
        "-ERR invalid expire time in 'expire' command\r\n",
    );
    check(
        &mut c,
        &["PEXPIRE", "k", "9223372036854775807"],
        "-ERR invalid expire time in 'pexpire' command\r\n",
    );
    check(
        &mut c,
        &["EXPIREAT", "k", "-9223372036854775808"],
        "-ERR invalid expire time in 'expireat' command\r\n",
    );
    check(&mut c, &["TTL", "k"], ":-1\r\n");
    // A time in the past deletes the key and still replies 1.
    check(&mut c, &["EXPIRE", "k", "-10"], ":1\r\n");
    check(&mut c, &["EXISTS", "k"], ":0\r\n");
    set(&mut c, "k", "v", &[]);
    check(&mut c, &["PEXPIREAT", "k", "0"], ":1\r\n");
    check(&mut c, &["GET", "k"], "$-1\r\n");
}

#[test]
fn lazy_expiry_hides_keys_everywhere() {
    let s = TestServer::start();
    let mut c = s.raw();
    set(&mut c, "k", "v", &["PX", "50"]);
    set(&mut c, "stay", "v", &[]);
    sleep(Duration::from_millis(100));
    check(&mut c, &["GET", "k"], "$-1\r\n");
    check(&mut c, &["DBSIZE"], ":1\r\n");
    set(&mut c, "k", "v", &["PX", "50"]);
    sleep(Duration::from_millis(100));
    check(&mut c, &["EXISTS", "k"], ":0\r\n");
    check(&mut c, &["TTL", "k"], ":-2\r\n");
    check(&mut c, &["KEYS", "*"], "*1\r\n$4\r\nstay\r\n");
    check(
        &mut c,
        &["SCAN", "0"],
        "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nstay\r\n",
    );
    check(&mut c, &["RENAME", "k", "x"], "-ERR no such key\r\n");
    check(&mut c, &["DBSIZE"], ":1\r\n");
}

/// Keys that are never touched again are reclaimed by the executor's timer. Needs DBSIZE
/// (the server family), which counts keys whether or not they have expired.
#[test]
fn active_expiry_reclaims_untouched_keys() {
    let s = TestServer::start();
    let mut con = s.client();
    let mut pipe = redis::pipe();
    for i in 0..500 {
        pipe.cmd("SET")
            .arg(format!("tmp:{i}"))
            .arg("v")
            .arg("PX")
            .arg(50)
            .ignore();
    }
    for i in 0..7 {
        pipe.cmd("SET").arg(format!("keep:{i}")).arg("v").ignore();
    }
    pipe.query::<()>(&mut con).expect("SETs");
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut size = int(&mut con, &["DBSIZE"]);
    while size != 7 && Instant::now() < deadline {
        sleep(Duration::from_millis(50));
        size = int(&mut con, &["DBSIZE"]);
    }
    assert_eq!(size, 7, "active expiry left {} expired keys", size - 7);
    assert_eq!(int(&mut con, &["EXISTS", "keep:0", "keep:6"]), 2);
}

#[test]
fn keyspace_hits_and_misses_are_counted_where_redis_counts_them() {
    let s = TestServer::start();
    let mut con = s.client();
    let stats = |con: &mut redis::Connection| -> (u64, u64) {
        let info: String = redis::cmd("INFO").arg("stats").query(con).expect("INFO");
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("no {name} in INFO"))
        };
        (field("keyspace_hits:"), field("keyspace_misses:"))
    };
    run(&mut con, &["SET", "a", "1"]).expect("SET");
    let (h0, m0) = stats(&mut con);
    for args in [
        &["EXISTS", "a", "b"][..],
        &["TYPE", "a"],
        &["TTL", "b"],
        &["COPY", "a", "c"],
        &["DEL", "zz"],
        &["EXPIRE", "zz", "10"],
        &["KEYS", "*"],
        &["RENAME", "c", "d"],
    ] {
        run(&mut con, args).expect("command runs");
    }
    let (h1, m1) = stats(&mut con);
    assert_eq!((h1 - h0, m1 - m0), (3, 2));
}
