//! String commands over TCP: every command, option and error reply, compared byte for byte
//! with what Redis 7.0 sends (checked by running the same tests against a redis-server 7.0.15).
//!
//! This file holds the shared helpers and the plain get/set commands; `set.rs` SET's options
//! and the expiring variants, `counters.rs` the INCR family, `range.rs` the commands that
//! slice or grow a string.

mod counters;
mod range;
mod set;

use crate::common::*;
use std::thread::sleep;
use std::time::Duration;

const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INTEGER: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_FLOAT: &str = "-ERR value is not a valid float\r\n";
const TOO_LONG: &str = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
const NIL: &str = "$-1\r\n";
const EMPTY: &str = "$0\r\n\r\n";

/// Sends `args` as a multibulk and expects exactly `reply`.
fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

fn invalid_expire(cmd: &str) -> String {
    format!("-ERR invalid expire time in '{cmd}' command\r\n")
}

fn wrong_arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// Long enough for a key set with PX 100 to be gone: expiry is an absolute time, so this is
/// not a timing assumption.
fn past_100ms() {
    sleep(Duration::from_millis(150));
}

#[test]
fn get_and_set() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["SET", "k", "v"], "+OK\r\n");
    rt(&mut r, &["GET", "k"], &bulk("v"));
    rt(&mut r, &["set", "k", "other"], "+OK\r\n");
    rt(&mut r, &["get", "k"], &bulk("other"));
    rt(&mut r, &["SET", "e", ""], "+OK\r\n");
    rt(&mut r, &["GET", "e"], EMPTY);
}

#[test]
fn mget() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "a", "1"], "+OK\r\n");
    rt(&mut r, &["SET", "c", ""], "+OK\r\n");
    rt(
        &mut r,
        &["MGET", "a", "b", "c", "a"],
        "*4\r\n$1\r\n1\r\n$-1\r\n$0\r\n\r\n$1\r\n1\r\n",
    );
    rt(&mut r, &["MGET", "zz"], "*1\r\n$-1\r\n");
    rt(&mut r, &["MGET"], &wrong_arity("mget"));
}

#[test]
fn mset_and_msetnx() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["MSET", "a", "1", "b", "2", "a", "3"], "+OK\r\n");
    rt(&mut r, &["MGET", "a", "b"], "*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
    rt(&mut r, &["MSET", "a", "1", "b"], &wrong_arity("mset"));
    rt(&mut r, &["MSET", "a"], &wrong_arity("mset"));
    rt(&mut r, &["MSETNX", "x", "1", "b"], &wrong_arity("msetnx"));
    rt(&mut r, &["MSETNX", "x", "1", "b", "9"], ":0\r\n");
    rt(&mut r, &["MGET", "x", "b"], "*2\r\n$-1\r\n$1\r\n2\r\n");
    rt(&mut r, &["MSETNX", "x", "1", "y", "2"], ":1\r\n");
    rt(&mut r, &["MGET", "x", "y"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    // MSET drops a TTL.
    rt(&mut r, &["SET", "t", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["MSET", "t", "2"], "+OK\r\n");
    past_100ms();
    rt(&mut r, &["GET", "t"], &bulk("2"));
}

#[test]
fn getset() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["GETSET", "k", "1"], NIL);
    rt(&mut r, &["GETSET", "k", "2"], &bulk("1"));
    rt(&mut r, &["GET", "k"], &bulk("2"));
    rt(&mut r, &["SET", "t", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["GETSET", "t", "2"], &bulk("1"));
    past_100ms();
    rt(&mut r, &["GET", "t"], &bulk("2"));
    rt(&mut r, &["GETSET", "k"], &wrong_arity("getset"));
}

#[test]
fn getdel() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["GETDEL", "k"], NIL);
    rt(&mut r, &["SET", "k", "v"], "+OK\r\n");
    rt(&mut r, &["GETDEL", "k"], &bulk("v"));
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["SETNX", "k", "again"], ":1\r\n");
    rt(&mut r, &["GETDEL", "k", "x"], &wrong_arity("getdel"));
}

#[test]
fn binary_safe_keys_and_values() {
    let s = TestServer::start();
    let mut r = s.raw();
    let key: &[u8] = b"k\0\r\n\xff";
    let value: &[u8] = b"v\0\r\nx\r\n\0\xfe";
    r.roundtrip(&resp(&[b"SET", key, value]), b"+OK\r\n");
    r.roundtrip(&resp(&[b"GET", key]), b"$9\r\nv\0\r\nx\r\n\0\xfe\r\n");
    r.roundtrip(&resp(&[b"GET", b"k"]), NIL.as_bytes());
    r.roundtrip(&resp(&[b"APPEND", key, b"\r\n"]), b":11\r\n");
    r.roundtrip(&resp(&[b"GETRANGE", key, b"1", b"3"]), b"$3\r\n\0\r\n\r\n");
    r.roundtrip(&resp(&[b"SETRANGE", key, b"0", b"\0"]), b":11\r\n");
    r.roundtrip(
        &resp(&[b"MSET", b"a\0", b"\r\n", b"b\r\n", b"\0"]),
        b"+OK\r\n",
    );
    r.roundtrip(
        &resp(&[b"MGET", b"a\0", b"b\r\n", b"a"]),
        b"*3\r\n$2\r\n\r\n\r\n$1\r\n\0\r\n$-1\r\n",
    );
    r.roundtrip(
        &resp(&[b"GETDEL", key]),
        b"$11\r\n\0\0\r\nx\r\n\0\xfe\r\n\r\n",
    );
}

#[test]
fn one_megabyte_value_roundtrips() {
    let s = TestServer::start();
    let mut con = s.client();
    let value: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let _: () = redis::cmd("SET")
        .arg("big")
        .arg(&value)
        .query(&mut con)
        .expect("SET");
    let got: Vec<u8> = redis::cmd("GET").arg("big").query(&mut con).expect("GET");
    assert!(got == value, "1 MB value came back different");
    let len: i64 = redis::cmd("STRLEN")
        .arg("big")
        .query(&mut con)
        .expect("STRLEN");
    assert_eq!(len, 1 << 20);
    let len: i64 = redis::cmd("APPEND")
        .arg("big")
        .arg(&value)
        .query(&mut con)
        .expect("APPEND");
    assert_eq!(len, 2 << 20);
    let tail: Vec<u8> = redis::cmd("GETRANGE")
        .arg("big")
        .arg(-10)
        .arg(-1)
        .query(&mut con)
        .expect("GETRANGE");
    assert_eq!(tail, &value[value.len() - 10..]);
    let old: Vec<u8> = redis::cmd("GETSET")
        .arg("big")
        .arg("small")
        .query(&mut con)
        .expect("GETSET");
    assert_eq!(old.len(), 2 << 20);
    assert!(old[..1 << 20] == value[..] && old[1 << 20..] == value[..]);
}

#[test]
fn replies_through_the_redis_crate() {
    let s = TestServer::start();
    let mut con = s.client();
    use redis::Value;
    assert_eq!(run(&mut con, &["SET", "k", "1"]), Ok(Value::Okay));
    assert_eq!(run(&mut con, &["INCRBY", "k", "41"]), Ok(Value::Int(42)));
    assert_eq!(
        run(&mut con, &["GET", "k"]),
        Ok(Value::BulkString(b"42".to_vec()))
    );
    assert_eq!(run(&mut con, &["SET", "k", "1", "NX"]), Ok(Value::Nil));
    let err = run(&mut con, &["SET", "k", "1", "NX", "XX"]).expect_err("syntax error");
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(err.detail(), Some("syntax error"));
}

#[test]
fn pipelined_commands_answer_in_order() {
    let s = TestServer::start();
    let mut r = s.raw();
    let mut batch = Vec::new();
    for i in 0..100 {
        batch.extend(resp(&[b"INCR", b"n"]));
        batch.extend(resp(&[b"APPEND", b"s", format!("{}", i % 10).as_bytes()]));
    }
    batch.extend(resp(&[b"GET", b"s"]));
    r.send(&batch);
    let mut expected = String::new();
    for i in 1..=100 {
        expected.push_str(&format!(":{i}\r\n:{i}\r\n"));
    }
    let digits: String = (0..100)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    expected.push_str(&bulk(&digits));
    r.expect(expected.as_bytes());
}
