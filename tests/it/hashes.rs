//! The hash commands over the wire: every command, option and error reply, byte for byte
//! (checked against a redis-server 7.0.15 with the same tests), RESP3 types after HELLO 3,
//! WRONGTYPE, the random command's properties and HSCAN's full-iteration guarantee.
//!
//! Small hashes list in insertion order in Redis 7.0 (a listpack), so whole-hash replies of
//! a few fields are deterministic and compared exactly.
//!
//! This file holds the shared helpers and the field commands; `random.rs` HRANDFIELD and
//! `scan.rs` HSCAN.

mod random;
mod scan;

use crate::common::*;
use std::collections::{HashMap, HashSet};

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INTEGER: &str = "-ERR value is not an integer or out of range\r\n";
const NIL: &str = "$-1\r\n";

/// Sends `args` as a multibulk and expects exactly `reply`.
fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An array (or, with `head` "~"/"%", a set or map) of bulk strings.
fn agg(head: &str, items: &[&str]) -> String {
    let n = if head == "%" {
        items.len() / 2
    } else {
        items.len()
    };
    let mut out = format!("{head}{n}\r\n");
    for i in items {
        out.push_str(&bulk(i));
    }
    out
}

fn wrong_arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// Runs a command through the `redis` crate and returns its bulk strings (flattened one
/// level, so RESP2 field/value pairs come out flat).
fn strings(con: &mut redis::Connection, args: &[&str]) -> Vec<String> {
    fn text(v: &redis::Value) -> String {
        match v {
            redis::Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("expected a bulk string, got {other:?}"),
        }
    }
    match run(con, args) {
        Ok(redis::Value::Array(items)) => items.iter().map(text).collect(),
        other => panic!("{args:?}: expected an array, got {other:?}"),
    }
}

/// The stored hash, read with HGETALL.
fn hgetall(con: &mut redis::Connection, key: &str) -> HashMap<String, String> {
    let flat = strings(con, &["HGETALL", key]);
    flat.chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect()
}

#[test]
fn hset_hmset_hsetnx_and_hget() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["HSET", "h", "a", "1", "b", "2"], ":2\r\n");
    rt(&mut r, &["HSET", "h", "a", "10", "c", "3"], ":1\r\n");
    rt(&mut r, &["HSET", "h", "d", "4", "d", "5"], ":1\r\n");
    rt(&mut r, &["HGET", "h", "a"], &bulk("10"));
    rt(&mut r, &["HGET", "h", "d"], &bulk("5"));
    rt(&mut r, &["HGET", "h", "zz"], NIL);
    rt(&mut r, &["HGET", "nokey", "a"], NIL);
    rt(&mut r, &["HMSET", "h", "e", "", "a", "11"], "+OK\r\n");
    rt(&mut r, &["HGET", "h", "e"], "$0\r\n\r\n");
    rt(&mut r, &["HGET", "h", "a"], &bulk("11"));
    rt(&mut r, &["HSETNX", "h", "a", "x"], ":0\r\n");
    rt(&mut r, &["HSETNX", "h", "f", "6"], ":1\r\n");
    rt(&mut r, &["HSETNX", "new", "f", "v"], ":1\r\n");
    rt(&mut r, &["HGET", "h", "a"], &bulk("11"));
    rt(&mut r, &["HGET", "new", "f"], &bulk("v"));
    // Incomplete pairs.
    rt(&mut r, &["HSET", "h", "a", "1", "b"], &wrong_arity("hset"));
    rt(
        &mut r,
        &["HMSET", "h", "a", "1", "b"],
        &wrong_arity("hmset"),
    );
    rt(&mut r, &["HSET", "h", "a"], &wrong_arity("hset"));
    rt(&mut r, &["HSETNX", "h", "a"], &wrong_arity("hsetnx"));
    rt(&mut r, &["HGET", "h"], &wrong_arity("hget"));
    rt(&mut r, &["HGET", "h", "a"], &bulk("11"));
    rt(&mut r, &["EXISTS", "x"], ":0\r\n");
    rt(&mut r, &["HSET", "x", "a", "1", "b"], &wrong_arity("hset"));
    rt(&mut r, &["EXISTS", "x"], ":0\r\n");
    // Binary-safe fields and values.
    r.roundtrip(&resp(&[b"HSET", b"bin", b"f\0\r\n", b"v\0\xff"]), b":1\r\n");
    r.roundtrip(&resp(&[b"HGET", b"bin", b"f\0\r\n"]), b"$3\r\nv\0\xff\r\n");
}

#[test]
fn whole_hash_reads_and_field_queries() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &["HSET", "h", "a", "1", "b", "22", "c", "333"],
        ":3\r\n",
    );
    rt(
        &mut r,
        &["HGETALL", "h"],
        &agg("*", &["a", "1", "b", "22", "c", "333"]),
    );
    rt(&mut r, &["HKEYS", "h"], &agg("*", &["a", "b", "c"]));
    rt(&mut r, &["HVALS", "h"], &agg("*", &["1", "22", "333"]));
    rt(&mut r, &["HLEN", "h"], ":3\r\n");
    rt(
        &mut r,
        &["HMGET", "h", "c", "zz", "a"],
        "*3\r\n$3\r\n333\r\n$-1\r\n$1\r\n1\r\n",
    );
    rt(&mut r, &["HEXISTS", "h", "b"], ":1\r\n");
    rt(&mut r, &["HEXISTS", "h", "zz"], ":0\r\n");
    rt(&mut r, &["HSTRLEN", "h", "c"], ":3\r\n");
    rt(&mut r, &["HSTRLEN", "h", "zz"], ":0\r\n");
    // A missing key is an empty hash.
    rt(&mut r, &["HGETALL", "nokey"], "*0\r\n");
    rt(&mut r, &["HKEYS", "nokey"], "*0\r\n");
    rt(&mut r, &["HVALS", "nokey"], "*0\r\n");
    rt(&mut r, &["HLEN", "nokey"], ":0\r\n");
    rt(
        &mut r,
        &["HMGET", "nokey", "a", "b"],
        "*2\r\n$-1\r\n$-1\r\n",
    );
    rt(&mut r, &["HEXISTS", "nokey", "a"], ":0\r\n");
    rt(&mut r, &["HSTRLEN", "nokey", "a"], ":0\r\n");
    rt(&mut r, &["HMGET", "h"], &wrong_arity("hmget"));
    rt(&mut r, &["HGETALL", "h", "x"], &wrong_arity("hgetall"));
}

#[test]
fn hdel_counts_removed_fields_and_deletes_the_empty_hash() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &["HSET", "h", "a", "1", "b", "2", "c", "3"],
        ":3\r\n",
    );
    rt(&mut r, &["HDEL", "h", "a", "zz", "a"], ":1\r\n");
    rt(&mut r, &["HGETALL", "h"], &agg("*", &["b", "2", "c", "3"]));
    rt(&mut r, &["HDEL", "nokey", "a"], ":0\r\n");
    rt(&mut r, &["HDEL", "h", "c", "b"], ":2\r\n");
    rt(&mut r, &["EXISTS", "h"], ":0\r\n");
    rt(&mut r, &["TYPE", "h"], "+none\r\n");
    rt(&mut r, &["HDEL", "h"], &wrong_arity("hdel"));
}

#[test]
fn hincrby_counts_and_refuses_bad_values_and_overflow() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["HINCRBY", "h", "n", "5"], ":5\r\n");
    rt(&mut r, &["HINCRBY", "h", "n", "-7"], ":-2\r\n");
    rt(&mut r, &["HGET", "h", "n"], &bulk("-2"));
    rt(&mut r, &["HINCRBY", "h", "n", "x"], NOT_INTEGER);
    rt(&mut r, &["HINCRBY", "h", "n", "1.5"], NOT_INTEGER);
    rt(
        &mut r,
        &["HINCRBY", "h", "n", "99999999999999999999"],
        NOT_INTEGER,
    );
    for (i, bad) in ["abc", " 1", "1.5", "01", "", "-0"].iter().enumerate() {
        let field = format!("bad{i}");
        rt(&mut r, &["HSET", "h", &field, bad], ":1\r\n");
        rt(
            &mut r,
            &["HINCRBY", "h", &field, "1"],
            "-ERR hash value is not an integer\r\n",
        );
        rt(&mut r, &["HGET", "h", &field], &bulk(bad));
    }
    rt(
        &mut r,
        &["HSET", "h", "max", "9223372036854775807"],
        ":1\r\n",
    );
    rt(
        &mut r,
        &["HINCRBY", "h", "max", "1"],
        "-ERR increment or decrement would overflow\r\n",
    );
    rt(
        &mut r,
        &["HINCRBY", "h", "max", "0"],
        ":9223372036854775807\r\n",
    );
    rt(
        &mut r,
        &["HINCRBY", "h", "min", "-9223372036854775808"],
        ":-9223372036854775808\r\n",
    );
    rt(
        &mut r,
        &["HINCRBY", "h", "min", "-1"],
        "-ERR increment or decrement would overflow\r\n",
    );
    rt(&mut r, &["HGET", "h", "min"], &bulk("-9223372036854775808"));
    // The increment is checked before the key's type.
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(&mut r, &["HINCRBY", "str", "f", "x"], NOT_INTEGER);
    rt(&mut r, &["HINCRBY", "str", "f", "1"], WRONGTYPE);
    rt(&mut r, &["HINCRBY", "h", "n"], &wrong_arity("hincrby"));
}

#[test]
fn hincrbyfloat_formats_like_redis_and_refuses_nan_and_infinity() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["HINCRBYFLOAT", "h", "f", "10.5"], &bulk("10.5"));
    rt(&mut r, &["HINCRBYFLOAT", "h", "f", "-0.5"], &bulk("10"));
    rt(&mut r, &["HINCRBYFLOAT", "h", "f", "5.0e3"], &bulk("5010"));
    rt(&mut r, &["HGET", "h", "f"], &bulk("5010"));
    rt(
        &mut r,
        &["HSET", "h", "e", "1e3", "hex", "0x10", "i", "7"],
        ":3\r\n",
    );
    rt(&mut r, &["HINCRBYFLOAT", "h", "e", "0"], &bulk("1000"));
    rt(&mut r, &["HINCRBYFLOAT", "h", "hex", "0"], &bulk("16"));
    rt(&mut r, &["HINCRBYFLOAT", "h", "i", "0.25"], &bulk("7.25"));
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "f", "abc"],
        "-ERR value is not a valid float\r\n",
    );
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "f", "nan"],
        "-ERR value is not a valid float\r\n",
    );
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "f", "inf"],
        "-ERR value is NaN or Infinity\r\n",
    );
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "f", "-inf"],
        "-ERR value is NaN or Infinity\r\n",
    );
    rt(
        &mut r,
        &["HSET", "h", "s", " 1", "big", "1.7976931348623157e308"],
        ":2\r\n",
    );
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "s", "1"],
        "-ERR hash value is not a float\r\n",
    );
    // The increment is checked before the key's type.
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(
        &mut r,
        &["HINCRBYFLOAT", "str", "f", "inf"],
        "-ERR value is NaN or Infinity\r\n",
    );
    rt(&mut r, &["HINCRBYFLOAT", "str", "f", "1"], WRONGTYPE);
    rt(
        &mut r,
        &["HINCRBYFLOAT", "h", "f"],
        &wrong_arity("hincrbyfloat"),
    );
}

#[test]
fn every_hash_command_refuses_another_type() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    for cmd in [
        &["HSET", "str", "f", "v"][..],
        &["HSETNX", "str", "f", "v"],
        &["HGET", "str", "f"],
        &["HMSET", "str", "f", "v"],
        &["HMGET", "str", "f"],
        &["HGETALL", "str"],
        &["HDEL", "str", "f"],
        &["HEXISTS", "str", "f"],
        &["HLEN", "str"],
        &["HKEYS", "str"],
        &["HVALS", "str"],
        &["HINCRBY", "str", "f", "1"],
        &["HINCRBYFLOAT", "str", "f", "1"],
        &["HSTRLEN", "str", "f"],
        &["HRANDFIELD", "str"],
        &["HRANDFIELD", "str", "2"],
        &["HRANDFIELD", "str", "2", "WITHVALUES"],
        &["HSCAN", "str", "0"],
    ] {
        rt(&mut r, cmd, WRONGTYPE);
    }
    rt(&mut r, &["GET", "str"], &bulk("x"));
    // And the other way round: a hash is not a string.
    rt(&mut r, &["HSET", "h", "f", "v"], ":1\r\n");
    rt(&mut r, &["GET", "h"], WRONGTYPE);
    rt(&mut r, &["TYPE", "h"], "+hash\r\n");
}

#[test]
fn resp3_replies_a_map_nulls_and_pairs() {
    let s = TestServer::start();
    let mut r = s.raw();
    r.send(&resp(&[b"HELLO", b"3"]));
    // Skip the HELLO map: read until the known last field's value.
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend_from_slice(&r.read_n(1));
    }
    rt(&mut r, &["HSET", "h", "a", "1", "b", "2"], ":2\r\n");
    rt(&mut r, &["HGETALL", "h"], &agg("%", &["a", "1", "b", "2"]));
    rt(&mut r, &["HGETALL", "nokey"], "%0\r\n");
    rt(&mut r, &["HGET", "h", "zz"], "_\r\n");
    rt(&mut r, &["HMGET", "h", "a", "zz"], "*2\r\n$1\r\n1\r\n_\r\n");
    rt(&mut r, &["HRANDFIELD", "nokey"], "_\r\n");
    rt(&mut r, &["HKEYS", "h"], &agg("*", &["a", "b"]));
    rt(
        &mut r,
        &["HSCAN", "h", "0"],
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    // WITHVALUES: one 2-element array per pair.
    rt(&mut r, &["HSET", "one", "f", "v"], ":1\r\n");
    let pair = "*2\r\n$1\r\nf\r\n$1\r\nv\r\n";
    rt(
        &mut r,
        &["HRANDFIELD", "one", "1", "WITHVALUES"],
        &format!("*1\r\n{pair}"),
    );
    rt(
        &mut r,
        &["HRANDFIELD", "one", "5", "WITHVALUES"],
        &format!("*1\r\n{pair}"),
    );
    rt(
        &mut r,
        &["HRANDFIELD", "one", "-3", "WITHVALUES"],
        &format!("*3\r\n{pair}{pair}{pair}"),
    );
    rt(
        &mut r,
        &["HRANDFIELD", "one", "-2"],
        "*2\r\n$1\r\nf\r\n$1\r\nf\r\n",
    );
    rt(
        &mut r,
        &["HRANDFIELD", "nokey", "1", "WITHVALUES"],
        "*0\r\n",
    );
}

#[test]
fn keyspace_hits_and_misses_count_reads_only() {
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
    run(&mut con, &["HSET", "h", "a", "1"]).expect("HSET");
    let (h0, m0) = stats(&mut con);
    for args in [
        &["HGET", "h", "a"][..],
        &["HMGET", "nokey", "a"],
        &["HGETALL", "h"],
        &["HSCAN", "nokey", "0"],
        &["HRANDFIELD", "h", "2"],
        &["HSET", "h", "b", "2"],
        &["HINCRBY", "h", "n", "1"],
        &["HDEL", "h", "zz"],
    ] {
        run(&mut con, args).expect("command runs");
    }
    let (h1, m1) = stats(&mut con);
    assert_eq!((h1 - h0, m1 - m0), (3, 2));
}
