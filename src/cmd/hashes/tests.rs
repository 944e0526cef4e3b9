//! In-process tests of the hash handlers (the keys tests' harness): what is easier to check
//! beside the code than over TCP: keyspace statistics, TTLs, field order, the table entries,
//! and HSCAN's guarantee on a big hash changing between calls.

use crate::cmd::TABLE;
use crate::cmd::keys::tests::T;
use crate::engine::table::flag::*;
use std::collections::HashSet;

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// Parses `*2\r\n$<n>\r\n<cursor>\r\n*<k>\r\n$..` into the cursor and the items.
fn parse_scan(reply: &str) -> (u64, Vec<String>) {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    assert_eq!(lines[0], "*2", "{reply:?}");
    let cursor = lines[2].parse().expect("cursor");
    let n: usize = lines[3][1..].parse().expect("count");
    let items = (0..n).map(|i| lines[5 + 2 * i].to_string()).collect();
    (cursor, items)
}

#[test]
fn table_entries_match_redis() {
    let expect = [
        ("hset", -4, WRITE | DENYOOM | FAST),
        ("hsetnx", 4, WRITE | DENYOOM | FAST),
        ("hget", 3, READONLY | FAST),
        ("hmset", -4, WRITE | DENYOOM | FAST),
        ("hmget", -3, READONLY | FAST),
        ("hgetall", 2, READONLY),
        ("hdel", -3, WRITE | FAST),
        ("hexists", 3, READONLY | FAST),
        ("hlen", 2, READONLY | FAST),
        ("hkeys", 2, READONLY),
        ("hvals", 2, READONLY),
        ("hincrby", 4, WRITE | DENYOOM | FAST),
        ("hincrbyfloat", 4, WRITE | DENYOOM | FAST),
        ("hstrlen", 3, READONLY | FAST),
        ("hrandfield", -2, READONLY),
        ("hscan", -3, READONLY),
    ];
    for (name, arity, flags) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!(
            (c.arity, c.flags, c.keys),
            (arity, flags, (1, 1, 1)),
            "{name}"
        );
        assert_eq!(c.doc.group, "hash", "{name}");
    }
}

#[test]
fn reads_count_keyspace_hits_and_misses_writes_do_not() {
    let mut t = T::new();
    t.run(&["HSET", "h", "a", "1"]);
    t.set("s", "x", None);
    for cmd in [
        &["HGET", "h", "a"][..],
        &["HMGET", "h", "a", "b"],
        &["HGETALL", "h"],
        &["HEXISTS", "h", "a"],
        &["HLEN", "h"],
        &["HKEYS", "h"],
        &["HVALS", "h"],
        &["HSTRLEN", "h", "a"],
        &["HRANDFIELD", "h"],
        &["HRANDFIELD", "h", "2"],
        &["HSCAN", "h", "0"],
    ] {
        let before = t.hits();
        t.run(cmd);
        assert_eq!(t.hits(), (before.0 + 1, before.1), "{cmd:?} hit");
        let mut missing = cmd.to_vec();
        missing[1] = "nope";
        t.run(&missing);
        assert_eq!(t.hits(), (before.0 + 1, before.1 + 1), "{cmd:?} miss");
        missing[1] = "s";
        assert_eq!(t.run(&missing), WRONGTYPE, "{cmd:?}");
        assert_eq!(t.hits(), (before.0 + 2, before.1 + 1), "{cmd:?} wrong type");
    }
    let before = t.hits();
    for cmd in [
        &["HSET", "h", "b", "2"][..],
        &["HSETNX", "h", "c", "3"],
        &["HMSET", "h", "d", "4"],
        &["HINCRBY", "h", "n", "1"],
        &["HINCRBYFLOAT", "h", "f", "1.5"],
        &["HDEL", "h", "zz"],
        &["HDEL", "nope", "zz"],
    ] {
        t.run(cmd);
    }
    assert_eq!(t.hits(), before, "write lookups are not counted");
}

#[test]
fn writes_keep_the_ttl_and_expired_hashes_are_missing() {
    let mut t = T::new();
    t.run(&["HSET", "h", "a", "1"]);
    t.run(&["PEXPIRE", "h", "100"]);
    t.run(&["HSET", "h", "b", "2"]);
    t.run(&["HINCRBY", "h", "n", "5"]);
    t.run(&["HDEL", "h", "a"]);
    assert_eq!(t.run(&["PTTL", "h"]), ":100\r\n");
    t.advance(100);
    assert_eq!(t.run(&["HLEN", "h"]), ":0\r\n");
    assert_eq!(t.run(&["HSETNX", "h", "a", "1"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "h"]), ":-1\r\n", "a new hash has no TTL");
}

#[test]
fn small_hashes_keep_insertion_order_through_deletes() {
    let mut t = T::new();
    t.run(&["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"]);
    assert_eq!(t.run(&["HDEL", "h", "a", "c"]), ":2\r\n");
    assert_eq!(
        t.run(&["HGETALL", "h"]),
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n"
    );
    t.run(&["HSET", "h", "b", "new", "e", "5"]);
    assert_eq!(
        t.run(&["HKEYS", "h"]),
        "*3\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\ne\r\n",
        "an updated field keeps its place"
    );
    assert_eq!(t.run(&["HDEL", "h", "b", "d", "e", "b"]), ":3\r\n");
    assert_eq!(t.len(), 0, "an emptied hash is deleted");
}

#[test]
fn hgetall_is_a_map_in_resp3() {
    let mut t = T::new();
    t.resp3 = true;
    t.run(&["HSET", "h", "f", "v"]);
    assert_eq!(t.run(&["HGETALL", "h"]), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
    assert_eq!(t.run(&["HGETALL", "x"]), "%0\r\n");
    assert_eq!(t.run(&["HGET", "x", "f"]), "_\r\n");
    assert_eq!(t.run(&["HMGET", "h", "f", "g"]), "*2\r\n$1\r\nv\r\n_\r\n");
    assert_eq!(
        t.run(&["HRANDFIELD", "h", "-2", "WITHVALUES"]),
        "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
}

#[test]
fn hincrbyfloat_stores_what_it_replies() {
    let mut t = T::new();
    assert_eq!(t.run(&["HINCRBYFLOAT", "h", "f", "10.5"]), "$4\r\n10.5\r\n");
    assert_eq!(t.run(&["HINCRBYFLOAT", "h", "f", "0.1"]), "$4\r\n10.6\r\n");
    assert_eq!(t.run(&["HINCRBYFLOAT", "h", "f", "-10.6"]), "$1\r\n0\r\n");
    assert_eq!(t.run(&["HINCRBYFLOAT", "h", "f", "5e3"]), "$4\r\n5000\r\n");
    assert_eq!(t.run(&["HGET", "h", "f"]), "$4\r\n5000\r\n");
    assert_eq!(t.run(&["HINCRBY", "h", "f", "1"]), ":5001\r\n");
    t.run(&["HSET", "h", "big", "1.7976931348623157e308"]);
    assert_eq!(
        t.run(&["HINCRBYFLOAT", "h", "big", "1.7976931348623157e308"]),
        "-ERR increment would produce NaN or Infinity\r\n"
    );
    assert_eq!(
        t.run(&["HGET", "h", "big"]),
        "$22\r\n1.7976931348623157e308\r\n"
    );
}

#[test]
fn failed_increments_create_nothing() {
    let mut t = T::new();
    assert_eq!(
        t.run(&["HINCRBY", "h", "f", "x"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        t.run(&["HINCRBYFLOAT", "h", "f", "inf"]),
        "-ERR value is NaN or Infinity\r\n"
    );
    assert_eq!(t.len(), 0);
}

/// Full HSCAN iterations over a hash too big to come back in one call, with fields removed
/// and added between calls: every field present throughout comes back.
#[test]
fn hscan_returns_every_stable_field_despite_changes() {
    let mut t = T::new();
    for i in 0..300 {
        t.run(&[
            "HSET",
            "h",
            &format!("stable{i}"),
            "v",
            &format!("churn{i}"),
            "v",
        ]);
    }
    assert!(matches!(
        t.srv.dbs[0]
            .get(b"h", t.srv.now_ms)
            .map(|e| e.value().encoding(&Default::default())),
        Some("hashtable")
    ));
    for count in ["1", "7", "50"] {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            let reply = t.run(&["HSCAN", "h", &cursor.to_string(), "COUNT", count]);
            let (next, items) = parse_scan(&reply);
            assert!(items.len() % 2 == 0);
            for pair in items.chunks(2) {
                assert_eq!(pair[1], "v");
                seen.insert(pair[0].clone());
            }
            round += 1;
            t.run(&["HDEL", "h", &format!("churn{}", round * 13 % 300)]);
            t.run(&["HSET", "h", &format!("new{round}"), "v"]);
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..300 {
            assert!(
                seen.contains(&format!("stable{i}")),
                "COUNT {count}: stable{i}"
            );
        }
    }
    // MATCH filters on the field name, and still returns values.
    let (_, items) =
        parse_scan(&t.run(&["HSCAN", "h", "0", "MATCH", "stable1?", "COUNT", "100000"]));
    assert_eq!(items.len(), 20);
}

#[test]
fn hscan_returns_a_small_hash_whole() {
    let mut t = T::new();
    t.run(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    assert_eq!(
        t.run(&["HSCAN", "h", "0", "COUNT", "1"]),
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    // Any cursor: the whole hash again, as Redis's listpack scan.
    assert!(
        t.run(&["HSCAN", "h", "12345"])
            .starts_with("*2\r\n$1\r\n0\r\n*6\r\n")
    );
}
