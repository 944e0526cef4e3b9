//! The set commands over the wire: every command, option and error reply, byte for byte
//! (checked against a redis-server 7.0.15 with the same tests), RESP3 types after HELLO 3,
//! WRONGTYPE, the random commands' properties and SSCAN's full-iteration guarantee.
//!
//! Redis 7.0 lists a set of up to 512 integers (an intset) in numeric order, so replies
//! holding whole sets are compared exactly when the members are integers; other sets come
//! back in an order Redis does not define, and are compared as sets.
//!
//! This file holds the shared helpers and the single-set commands; `algebra.rs` SINTER,
//! SUNION, SDIFF and friends, `random.rs` SPOP and SRANDMEMBER, `scan.rs` SSCAN.

mod algebra;
mod random;
mod scan;

use crate::common::*;
use std::collections::HashSet;

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INTEGER: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_POSITIVE: &str = "-ERR value is out of range, must be positive\r\n";
const NIL: &str = "$-1\r\n";

/// Sends `args` as a multibulk and expects exactly `reply`.
fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An aggregate (`*` array, `~` set) of bulk strings.
fn agg(head: &str, items: &[&str]) -> String {
    let mut out = format!("{head}{}\r\n", items.len());
    for i in items {
        out.push_str(&bulk(i));
    }
    out
}

fn wrong_arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// Switches `r` to RESP3, skipping HELLO's reply.
fn hello3(r: &mut Raw) {
    r.send(&resp(&[b"HELLO", b"3"]));
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend_from_slice(&r.read_n(1));
    }
}

/// Runs a command through the `redis` crate and returns the bulk strings of its array.
fn strings(con: &mut redis::Connection, args: &[&str]) -> Vec<String> {
    match run(con, args) {
        Ok(redis::Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                redis::Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                other => panic!("{args:?}: expected bulk strings, got {other:?}"),
            })
            .collect(),
        other => panic!("{args:?}: expected an array, got {other:?}"),
    }
}

/// The members of a set reply, as a set.
fn members(con: &mut redis::Connection, args: &[&str]) -> HashSet<String> {
    strings(con, args).into_iter().collect()
}

fn set_of(items: &[&str]) -> HashSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn int(con: &mut redis::Connection, args: &[&str]) -> i64 {
    match run(con, args) {
        Ok(redis::Value::Int(n)) => n,
        other => panic!("{args:?}: expected an integer, got {other:?}"),
    }
}

#[test]
fn sadd_srem_scard_and_membership() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SADD", "s", "3", "1", "2", "1"], ":3\r\n");
    rt(&mut r, &["SADD", "s", "2", "4"], ":1\r\n");
    rt(&mut r, &["SCARD", "s"], ":4\r\n");
    rt(&mut r, &["SMEMBERS", "s"], &agg("*", &["1", "2", "3", "4"]));
    rt(&mut r, &["SISMEMBER", "s", "2"], ":1\r\n");
    rt(&mut r, &["SISMEMBER", "s", "9"], ":0\r\n");
    rt(&mut r, &["SISMEMBER", "nokey", "9"], ":0\r\n");
    rt(
        &mut r,
        &["SMISMEMBER", "s", "1", "9", "4"],
        "*3\r\n:1\r\n:0\r\n:1\r\n",
    );
    rt(
        &mut r,
        &["SMISMEMBER", "nokey", "1", "2"],
        "*2\r\n:0\r\n:0\r\n",
    );
    rt(&mut r, &["SREM", "s", "1", "9", "1"], ":1\r\n");
    rt(&mut r, &["SREM", "nokey", "1"], ":0\r\n");
    rt(&mut r, &["SMEMBERS", "s"], &agg("*", &["2", "3", "4"]));
    rt(&mut r, &["SCARD", "nokey"], ":0\r\n");
    rt(&mut r, &["SMEMBERS", "nokey"], "*0\r\n");
    rt(&mut r, &["SREM", "s", "2", "3", "4"], ":3\r\n");
    rt(&mut r, &["EXISTS", "s"], ":0\r\n");
    rt(&mut r, &["SADD", "s"], &wrong_arity("sadd"));
    rt(&mut r, &["SREM", "s"], &wrong_arity("srem"));
    rt(&mut r, &["SMISMEMBER", "s"], &wrong_arity("smismember"));
    rt(
        &mut r,
        &["SISMEMBER", "s", "a", "b"],
        &wrong_arity("sismember"),
    );
    // Binary-safe members.
    r.roundtrip(&resp(&[b"SADD", b"b", b"\0\r\n\xff"]), b":1\r\n");
    r.roundtrip(&resp(&[b"SISMEMBER", b"b", b"\0\r\n\xff"]), b":1\r\n");
    r.roundtrip(&resp(&[b"SMEMBERS", b"b"]), b"*1\r\n$4\r\n\0\r\n\xff\r\n");
}

#[test]
fn every_set_command_refuses_another_type() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(&mut r, &["SADD", "s", "1"], ":1\r\n");
    for cmd in [
        &["SADD", "str", "a"][..],
        &["SREM", "str", "a"],
        &["SMEMBERS", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SCARD", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "1"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "1"],
        &["SMOVE", "str", "s", "a"],
        &["SMOVE", "s", "str", "1"],
        &["SMOVE", "s", "str", "zz"],
        &["SINTER", "s", "str"],
        &["SINTER", "nokey", "str"],
        &["SUNION", "nokey", "str"],
        &["SDIFF", "nokey", "str"],
        &["SINTERSTORE", "d", "nokey", "str"],
        &["SUNIONSTORE", "d", "s", "str"],
        &["SDIFFSTORE", "d", "s", "str"],
        &["SINTERCARD", "2", "nokey", "str"],
        &["SINTERCARD", "1", "str"],
        &["SSCAN", "str", "0"],
    ] {
        rt(&mut r, cmd, WRONGTYPE);
    }
    rt(&mut r, &["GET", "str"], &bulk("x"));
    rt(&mut r, &["EXISTS", "d"], ":0\r\n");
    rt(&mut r, &["SMEMBERS", "s"], &agg("*", &["1"]));
    rt(&mut r, &["GET", "s"], WRONGTYPE);
    rt(&mut r, &["TYPE", "s"], "+set\r\n");
}

#[test]
fn smove_moves_one_member() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SADD", "a", "1", "2"], ":2\r\n");
    rt(&mut r, &["SADD", "b", "3"], ":1\r\n");
    rt(&mut r, &["SMOVE", "a", "b", "1"], ":1\r\n");
    rt(&mut r, &["SMEMBERS", "a"], &agg("*", &["2"]));
    rt(&mut r, &["SMEMBERS", "b"], &agg("*", &["1", "3"]));
    rt(&mut r, &["SMOVE", "a", "b", "9"], ":0\r\n");
    // Already in the destination: still removed from the source.
    rt(&mut r, &["SADD", "a", "3"], ":1\r\n");
    rt(&mut r, &["SMOVE", "a", "b", "3"], ":1\r\n");
    rt(&mut r, &["SMEMBERS", "b"], &agg("*", &["1", "3"]));
    // Source and destination the same: whether the member is there.
    rt(&mut r, &["SMOVE", "b", "b", "1"], ":1\r\n");
    rt(&mut r, &["SMOVE", "b", "b", "9"], ":0\r\n");
    rt(&mut r, &["SMEMBERS", "b"], &agg("*", &["1", "3"]));
    // The last member moved: the source is deleted, a missing destination created.
    rt(&mut r, &["SMOVE", "a", "c", "2"], ":1\r\n");
    rt(&mut r, &["EXISTS", "a"], ":0\r\n");
    rt(&mut r, &["SMEMBERS", "c"], &agg("*", &["2"]));
    // A missing source answers 0 before the destination's type is looked at.
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(&mut r, &["SMOVE", "nokey", "str", "1"], ":0\r\n");
    rt(&mut r, &["SMOVE", "nokey", "c", "2"], ":0\r\n");
    rt(&mut r, &["SMOVE", "c", "d"], &wrong_arity("smove"));
}

#[test]
fn resp3_set_replies() {
    let s = TestServer::start();
    let mut r = s.raw();
    hello3(&mut r);
    rt(&mut r, &["SADD", "a", "2", "1"], ":2\r\n");
    rt(&mut r, &["SADD", "b", "2", "3"], ":2\r\n");
    rt(&mut r, &["SMEMBERS", "a"], &agg("~", &["1", "2"]));
    rt(&mut r, &["SMEMBERS", "nokey"], "~0\r\n");
    rt(&mut r, &["SINTER", "a", "b"], &agg("~", &["2"]));
    rt(&mut r, &["SINTER", "a", "nokey"], "~0\r\n");
    rt(&mut r, &["SUNION", "a", "b"], &agg("~", &["1", "2", "3"]));
    rt(&mut r, &["SDIFF", "a", "b"], &agg("~", &["1"]));
    rt(&mut r, &["SDIFF", "nokey", "b"], "~0\r\n");
    rt(&mut r, &["SISMEMBER", "a", "1"], ":1\r\n");
    rt(&mut r, &["SMISMEMBER", "a", "1", "9"], "*2\r\n:1\r\n:0\r\n");
    rt(&mut r, &["SRANDMEMBER", "nokey"], "_\r\n");
    rt(&mut r, &["SPOP", "nokey"], "_\r\n");
    // SRANDMEMBER with a count is an array, SPOP with a count a set.
    rt(&mut r, &["SRANDMEMBER", "a", "5"], &agg("*", &["1", "2"]));
    rt(&mut r, &["SRANDMEMBER", "nokey", "5"], "*0\r\n");
    rt(&mut r, &["SPOP", "nokey", "5"], "~0\r\n");
    rt(&mut r, &["SPOP", "a", "0"], "~0\r\n");
    rt(&mut r, &["SADD", "one", "x", "y"], ":2\r\n");
    r.send(&resp(&[b"SPOP", b"one", b"1"]));
    let got = r.read_n("~1\r\n$1\r\nx\r\n".len());
    assert!(
        got == b"~1\r\n$1\r\nx\r\n" || got == b"~1\r\n$1\r\ny\r\n",
        "{got:?}"
    );
    rt(&mut r, &["SPOP", "a", "5"], &agg("~", &["1", "2"]));
    rt(
        &mut r,
        &["SSCAN", "b", "0"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
}

/// The encoding OBJECT ENCODING reports for `key`.
fn encoding(con: &mut redis::Connection, key: &str) -> String {
    match run(con, &["OBJECT", "ENCODING", key]) {
        Ok(redis::Value::BulkString(b)) => String::from_utf8_lossy(&b).into_owned(),
        other => panic!("OBJECT ENCODING {key}: {other:?}"),
    }
}

#[test]
fn intset_and_table_survive_dump_restore_with_their_members() {
    let s = TestServer::start();
    let mut con = s.client();
    int(&mut con, &["SADD", "ints", "-5", "70000", "3"]);
    redis::cmd("SADD")
        .arg("odd")
        .arg(&b""[..])
        .arg(&b"\x00\xff"[..])
        .arg("7")
        .query::<i64>(&mut con)
        .expect("SADD");
    for key in ["ints", "odd"] {
        let dump: Vec<u8> = redis::cmd("DUMP").arg(key).query(&mut con).expect("DUMP");
        let copy = format!("{key}-copy");
        let () = redis::cmd("RESTORE")
            .arg(&copy)
            .arg(0)
            .arg(dump)
            .query(&mut con)
            .expect("RESTORE");
        assert_eq!(encoding(&mut con, &copy), encoding(&mut con, key), "{key}");
        let a: HashSet<Vec<u8>> = redis::cmd("SMEMBERS").arg(key).query(&mut con).unwrap();
        let b: HashSet<Vec<u8>> = redis::cmd("SMEMBERS").arg(&copy).query(&mut con).unwrap();
        assert_eq!(a, b, "{key}");
    }
    assert_eq!(encoding(&mut con, "ints"), "intset");
    assert_eq!(encoding(&mut con, "odd"), "hashtable");
    assert_eq!(
        strings(&mut con, &["SMEMBERS", "ints-copy"]),
        ["-5", "3", "70000"]
    );
    // RESTORE under a lower limit picks the table, as Redis's loading does.
    let dump: Vec<u8> = redis::cmd("DUMP").arg("ints").query(&mut con).unwrap();
    run(&mut con, &["CONFIG", "SET", "set-max-intset-entries", "2"]).unwrap();
    let () = redis::cmd("RESTORE")
        .arg("small")
        .arg(0)
        .arg(dump)
        .query(&mut con)
        .unwrap();
    assert_eq!(encoding(&mut con, "small"), "hashtable");
}
