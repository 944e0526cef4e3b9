//! In-process tests of the set handlers (the keys tests' harness): keyspace statistics,
//! TTLs, Redis's member order, the table entries, the random commands' distributions and
//! SSCAN's guarantee on a big set changing between calls.

use crate::cmd::TABLE;
use crate::cmd::keys::tests::T;
use crate::engine::table::flag::*;
use std::collections::{HashMap, HashSet};

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// The bulk strings of a flat reply (`*n`/`~n` then `$len` lines).
fn bulks(reply: &str) -> Vec<String> {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < lines.len() {
        if lines[i].starts_with('$') {
            out.push(lines[i + 1].to_string());
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn table_entries_match_redis() {
    let one = (1, 1, 1);
    let all = (1, -1, 1);
    let expect = [
        ("sadd", -3, WRITE | DENYOOM | FAST, one),
        ("srem", -3, WRITE | FAST, one),
        ("smembers", 2, READONLY, one),
        ("sismember", 3, READONLY | FAST, one),
        ("smismember", -3, READONLY | FAST, one),
        ("scard", 2, READONLY | FAST, one),
        ("spop", -2, WRITE | FAST, one),
        ("srandmember", -2, READONLY, one),
        ("smove", 4, WRITE | FAST, (1, 2, 1)),
        ("sinter", -2, READONLY, all),
        ("sunion", -2, READONLY, all),
        ("sdiff", -2, READONLY, all),
        ("sinterstore", -3, WRITE | DENYOOM, all),
        ("sunionstore", -3, WRITE | DENYOOM, all),
        ("sdiffstore", -3, WRITE | DENYOOM, all),
        ("sintercard", -3, READONLY | MOVABLEKEYS, (0, 0, 0)),
        ("sscan", -3, READONLY, one),
    ];
    for (name, arity, flags, keys) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!((c.arity, c.flags, c.keys), (arity, flags, keys), "{name}");
        assert_eq!(c.doc.group, "set", "{name}");
    }
}

#[test]
fn reads_count_keyspace_hits_and_misses_writes_do_not() {
    let mut t = T::new();
    t.run(&["SADD", "s", "a", "b"]);
    t.set("str", "x", None);
    for cmd in [
        &["SMEMBERS", "s"][..],
        &["SISMEMBER", "s", "a"],
        &["SMISMEMBER", "s", "a", "z"],
        &["SCARD", "s"],
        &["SRANDMEMBER", "s"],
        &["SRANDMEMBER", "s", "-3"],
        &["SSCAN", "s", "0"],
        &["SINTER", "s"],
        &["SUNION", "s"],
        &["SDIFF", "s"],
    ] {
        let before = t.hits();
        t.run(cmd);
        assert_eq!(t.hits(), (before.0 + 1, before.1), "{cmd:?} hit");
        let mut other = cmd.to_vec();
        other[1] = "nope";
        t.run(&other);
        assert_eq!(t.hits(), (before.0 + 1, before.1 + 1), "{cmd:?} miss");
        other[1] = "str";
        assert_eq!(t.run(&other), WRONGTYPE, "{cmd:?}");
        assert_eq!(t.hits(), (before.0 + 2, before.1 + 1), "{cmd:?} wrong type");
    }
    // Every source of a multi-key command is a counted read; the destination is not.
    let before = t.hits();
    t.run(&["SINTERSTORE", "d", "s", "nope", "s"]);
    t.run(&["SINTERCARD", "2", "s", "nope"]);
    assert_eq!(t.hits(), (before.0 + 3, before.1 + 2));
    // Redis stops at the first key of another type.
    assert_eq!(t.run(&["SUNION", "s", "str", "nope"]), WRONGTYPE);
    assert_eq!(t.hits(), (before.0 + 5, before.1 + 2));
    let before = t.hits();
    for cmd in [
        &["SADD", "s", "c"][..],
        &["SREM", "s", "zz"],
        &["SMOVE", "s", "t", "c"],
        &["SPOP", "s"],
        &["SPOP", "nope", "2"],
    ] {
        t.run(cmd);
    }
    assert_eq!(t.hits(), before, "write lookups are not counted");
    // ... except SPOP taking the whole set, which Redis answers with SUNION.
    t.run(&["SADD", "p", "1", "2"]);
    t.run(&["SPOP", "p", "5"]);
    assert_eq!(t.hits(), (before.0 + 1, before.1));
}

#[test]
fn integer_sets_list_in_numeric_order_like_an_intset() {
    let mut t = T::new();
    t.run(&["SADD", "i", "10", "-5", "3", "0"]);
    let sorted = "*4\r\n$2\r\n-5\r\n$1\r\n0\r\n$1\r\n3\r\n$2\r\n10\r\n";
    assert_eq!(t.run(&["SMEMBERS", "i"]), sorted);
    assert_eq!(t.run(&["SINTER", "i", "i"]), sorted);
    assert_eq!(t.run(&["SUNION", "i", "nope"]), sorted);
    assert_eq!(t.run(&["SRANDMEMBER", "i", "10"]), sorted);
    assert_eq!(
        t.run(&["SSCAN", "i", "0", "COUNT", "1"]),
        format!("*2\r\n$1\r\n0\r\n{sorted}")
    );
    // "01" is not an integer to Redis: the set is a hash table, listed as stored.
    t.run(&["SADD", "m", "2", "01", "1"]);
    assert_eq!(
        t.run(&["SMEMBERS", "m"]),
        "*3\r\n$1\r\n2\r\n$2\r\n01\r\n$1\r\n1\r\n"
    );
    t.resp3 = true;
    assert!(t.run(&["SMEMBERS", "i"]).starts_with("~4\r\n$2\r\n-5\r\n"));
    assert!(t.run(&["SPOP", "i", "4"]).starts_with("~4\r\n$2\r\n-5\r\n"));
    assert_eq!(t.len(), 1, "SPOP of the whole set deletes it");
}

#[test]
fn store_replaces_destination_and_its_ttl() {
    let mut t = T::new();
    t.run(&["SADD", "a", "x", "y"]);
    t.run(&["SADD", "b", "y", "z"]);
    t.set("d", "string", Some(1000));
    assert_eq!(t.run(&["SUNIONSTORE", "d", "a", "b"]), ":3\r\n");
    assert_eq!(t.run(&["TYPE", "d"]), "+set\r\n");
    assert_eq!(t.run(&["TTL", "d"]), ":-1\r\n");
    t.run(&["PEXPIRE", "d", "1000"]);
    assert_eq!(t.run(&["SINTERSTORE", "d", "a", "nope"]), ":0\r\n");
    assert_eq!(t.run(&["EXISTS", "d"]), ":0\r\n");
    // A destination among the sources is read before it is replaced.
    assert_eq!(t.run(&["SDIFFSTORE", "a", "a", "b"]), ":1\r\n");
    assert_eq!(t.run(&["SMEMBERS", "a"]), "*1\r\n$1\r\nx\r\n");
}

#[test]
fn expired_sets_are_missing() {
    let mut t = T::new();
    t.run(&["SADD", "s", "a"]);
    t.run(&["PEXPIRE", "s", "10"]);
    t.run(&["SADD", "s", "b"]);
    assert_eq!(t.run(&["PTTL", "s"]), ":10\r\n", "SADD keeps the TTL");
    t.advance(10);
    assert_eq!(t.run(&["SCARD", "s"]), ":0\r\n");
    assert_eq!(t.run(&["SMOVE", "s", "t", "a"]), ":0\r\n");
    assert_eq!(t.run(&["SPOP", "s"]), "$-1\r\n");
    assert_eq!(t.len(), 0);
}

#[test]
fn srandmember_and_spop_draw_uniformly() {
    let mut t = T::new();
    t.run(&["SADD", "s", "a", "b", "c", "d"]);
    let mut hist: HashMap<String, u32> = HashMap::new();
    for _ in 0..200 {
        for m in bulks(&t.run(&["SRANDMEMBER", "s", "-20"])) {
            *hist.entry(m).or_default() += 1;
        }
    }
    assert_eq!(hist.len(), 4);
    assert!(hist.values().all(|&n| n > 800), "{hist:?}");
    // Distinct draws: never a repeat, every member over many calls.
    let mut seen = HashSet::new();
    for _ in 0..100 {
        let got = bulks(&t.run(&["SRANDMEMBER", "s", "2"]));
        assert_eq!(got.len(), 2);
        assert_ne!(got[0], got[1]);
        seen.extend(got);
    }
    assert_eq!(seen.len(), 4);
    // SPOP until empty returns every member exactly once.
    let mut popped = Vec::new();
    while t.len() > 0 {
        popped.extend(bulks(&t.run(&["SPOP", "s", "3"])));
    }
    popped.sort();
    assert_eq!(popped, ["a", "b", "c", "d"]);
}

#[test]
fn huge_negative_counts_are_refused_not_attempted() {
    let mut t = T::new();
    t.run(&["SADD", "s", "a"]);
    t.run(&["HSET", "h", "f", "v"]);
    for cmd in [
        &["SRANDMEMBER", "s", "-9223372036854775807"][..],
        &["HRANDFIELD", "h", "-9223372036854775807"],
        &["HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"],
    ] {
        assert_eq!(t.run(cmd), "-ERR value is out of range\r\n", "{cmd:?}");
    }
    // A missing key is answered before the count matters, as in Redis.
    assert_eq!(
        t.run(&["SRANDMEMBER", "nope", "-9223372036854775807"]),
        "*0\r\n"
    );
}

/// Full SSCAN iterations over a set too big to come back in one call, with members removed
/// and added between calls: every member present throughout comes back.
#[test]
fn sscan_returns_every_stable_member_despite_changes() {
    let mut t = T::new();
    for i in 0..400 {
        t.run(&["SADD", "s", &format!("stable{i}"), &format!("churn{i}")]);
    }
    for count in ["1", "10", "333"] {
        let mut seen = HashSet::new();
        let mut cursor = "0".to_string();
        let mut round = 0;
        loop {
            let reply = t.run(&["SSCAN", "s", &cursor, "COUNT", count]);
            let lines: Vec<&str> = reply.split("\r\n").collect();
            cursor = lines[2].to_string();
            seen.extend(bulks(&lines[3..].join("\r\n")));
            round += 1;
            t.run(&["SREM", "s", &format!("churn{}", round * 17 % 400)]);
            t.run(&["SPOP", "s"]);
            t.run(&["SADD", "s", &format!("new{round}")]);
            if cursor == "0" {
                break;
            }
        }
        let now: HashSet<String> = bulks(&t.run(&["SMEMBERS", "s"])).into_iter().collect();
        for i in 0..400 {
            let m = format!("stable{i}");
            // SPOP may have taken it during the scan; otherwise it must have been seen.
            assert!(!now.contains(&m) || seen.contains(&m), "COUNT {count}: {m}");
        }
    }
}
