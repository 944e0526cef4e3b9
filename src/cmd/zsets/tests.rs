//! In-process tests of the sorted-set handlers with the keys harness: exact reply bytes
//! for what the integration tests cannot set up (plain sets as inputs, the block request a
//! blocking pop leaves, encodings), and a sweep of odd inputs that must each give one reply.

use crate::cmd::TABLE;
use crate::cmd::keys::tests::T;
use crate::db::{Set, Value};
use crate::engine::blocking::TimeoutReply;
use bytes::Bytes;

fn zset(t: &mut T, key: &str, pairs: &[(&str, &str)]) {
    let mut args = vec!["ZADD", key];
    for (s, m) in pairs {
        args.push(s);
        args.push(m);
    }
    let reply = t.run(&args);
    assert!(reply.starts_with(':'), "{reply}");
}

fn set(t: &mut T, key: &str, members: &[&str]) {
    let mut s = Set::new();
    for m in members {
        s.insert(m.to_string().as_bytes());
    }
    t.srv.dbs[t.db].set(key.as_bytes(), Value::Set(s), None);
}

/// Bulk strings, RESP2, for `*n` replies of short items.
fn bulks(items: &[&str]) -> String {
    let mut out = format!("*{}\r\n", items.len());
    for i in items {
        out += &format!("${}\r\n{i}\r\n", i.len());
    }
    out
}

#[test]
fn table_entries_match_redis() {
    let expect = [
        ("zadd", -4, (1, 1, 1)),
        ("zincrby", 4, (1, 1, 1)),
        ("zrangestore", -5, (1, 2, 1)),
        ("bzpopmin", -3, (1, -2, 1)),
        ("bzmpop", -5, (0, 0, 0)),
        ("zunionstore", -4, (1, 1, 1)),
        ("zinter", -3, (0, 0, 0)),
        ("zremrangebylex", 4, (1, 1, 1)),
        ("zscan", -3, (1, 1, 1)),
    ];
    for (name, arity, keys) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!((c.arity, c.keys), (arity, keys), "{name}");
        assert_eq!(c.doc.group, "sorted-set", "{name}");
    }
}

#[test]
fn plain_sets_are_inputs_with_score_one() {
    let mut t = T::new();
    zset(&mut t, "z", &[("1", "a"), ("2", "b"), ("3", "c")]);
    set(&mut t, "s", &["a", "c", "x"]);
    // Replies as Redis 7.0 gives them for the same data.
    let want = bulks(&["x", "1", "a", "2", "b", "2", "c", "4"]);
    assert_eq!(t.run(&["ZUNION", "2", "z", "s", "WITHSCORES"]), want);
    assert_eq!(
        t.run(&["ZINTER", "2", "z", "s", "WITHSCORES"]),
        bulks(&["a", "2", "c", "4"])
    );
    assert_eq!(
        t.run(&["ZDIFF", "2", "z", "s", "WITHSCORES"]),
        bulks(&["b", "2"])
    );
    assert_eq!(t.run(&["ZDIFF", "2", "s", "z"]), bulks(&["x"]));
    assert_eq!(t.run(&["ZINTERCARD", "2", "s", "z"]), ":2\r\n");
    assert_eq!(
        t.run(&["ZUNION", "1", "s", "WEIGHTS", "3", "WITHSCORES"]),
        bulks(&["a", "3", "c", "3", "x", "3"])
    );
    assert_eq!(t.run(&["ZINTERSTORE", "d", "2", "s", "s"]), ":3\r\n");
    assert_eq!(t.run(&["ZSCORE", "d", "x"]), "$1\r\n2\r\n");
    // A set is still not a sorted set for the other commands.
    assert!(t.run(&["ZCARD", "s"]).starts_with("-WRONGTYPE"));
    assert!(
        t.run(&["ZRANGESTORE", "d", "s", "0", "-1"])
            .starts_with("-WRONGTYPE")
    );
}

#[test]
fn blocking_pops_ask_to_block_only_when_every_key_is_missing() {
    let mut t = T::new();
    assert_eq!(t.run(&["BZPOPMIN", "a", "b", "1.5"]), "");
    let spec = t.srv.block_request.take().expect("asked to block");
    assert_eq!(spec.keys, vec![Bytes::from("a"), Bytes::from("b")]);
    assert_eq!(spec.deadline, Some(super::super::keys::tests::NOW + 1500));
    assert_eq!(spec.on_timeout, TimeoutReply::NullArray);
    assert!(spec.argv.is_none());

    assert_eq!(
        t.run(&["BZMPOP", "0", "2", "a", "b", "MAX", "COUNT", "3"]),
        ""
    );
    let spec = t.srv.block_request.take().expect("asked to block");
    assert_eq!(spec.keys, vec![Bytes::from("a"), Bytes::from("b")]);
    assert_eq!(spec.deadline, None);

    zset(&mut t, "b", &[("1", "x"), ("2", "y")]);
    assert_eq!(t.run(&["BZPOPMAX", "a", "b", "0"]), bulks(&["b", "y", "2"]));
    assert_eq!(
        t.run(&["BZMPOP", "0", "2", "a", "b", "MIN", "COUNT", "5"]),
        "*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n"
    );
    assert_eq!(t.len(), 0, "an emptied set is deleted");
    assert!(t.srv.block_request.is_none());
    // Errors come before blocking: the timeout, then the first existing key's type.
    assert_eq!(
        t.run(&["BZPOPMIN", "a", "-1"]),
        "-ERR timeout is negative\r\n"
    );
    t.set("s", "v", None);
    assert!(
        t.run(&["BZPOPMIN", "a", "s", "0"])
            .starts_with("-WRONGTYPE")
    );
    assert!(t.srv.block_request.is_none());
}

/// Runs a command the way EXEC does: blocking is not allowed.
fn run_no_block(t: &mut T, args: &[&str]) -> String {
    use crate::engine::ctx::Ctx;
    use crate::engine::msg::ConnId;
    use crate::engine::out::{Outs, Target};
    let argv: Vec<Bytes> = args.iter().map(|a| Bytes::from(a.to_string())).collect();
    let mut outs = Outs::new(1);
    let target = Target {
        thread: 0,
        conn: ConnId { id: 1, slot: 0 },
        resp3: t.resp3,
    };
    let cmd = TABLE.get(TABLE.lookup(&argv[0]).expect("known command"));
    let mut ctx = Ctx {
        argv: &argv,
        out: outs.to(target),
        srv: &mut t.srv,
        id: 1,
        db: t.db,
        no_block: true,
    };
    (cmd.handler)(&mut ctx);
    String::from_utf8_lossy(&outs.threads[0].buf).into_owned()
}

#[test]
fn blocking_pops_reply_nil_where_they_may_not_block() {
    let mut t = T::new();
    for cmd in [
        &["BZPOPMIN", "a", "0"][..],
        &["BZPOPMAX", "a", "b", "1"],
        &["BZMPOP", "0", "1", "a", "MIN"],
    ] {
        assert_eq!(run_no_block(&mut t, cmd), "*-1\r\n", "{cmd:?}");
        assert!(t.srv.block_request.is_none());
    }
    t.resp3 = true;
    assert_eq!(run_no_block(&mut t, &["BZPOPMIN", "a", "0"]), "_\r\n");
    zset(&mut t, "a", &[("1", "x")]);
    assert_eq!(
        run_no_block(&mut t, &["BZPOPMIN", "a", "0"]),
        "*3\r\n$1\r\na\r\n$1\r\nx\r\n,1\r\n"
    );
}

#[test]
fn writes_signal_keys_that_clients_wait_on() {
    use crate::engine::blocking::Blocked;
    let mut t = T::new();
    let blocked = Blocked {
        cmd: 0,
        on: crate::engine::blocking::Wait::ZSet,
        argv: Vec::new(),
        db: 0,
        keys: vec![Bytes::from("w")],
        deadline: None,
        on_timeout: TimeoutReply::NullArray,
    };
    t.srv.blocking.park(7, &blocked);
    zset(&mut t, "other", &[("1", "a")]);
    assert!(t.srv.blocking.ready.is_empty());
    for cmd in [
        &["ZADD", "w", "1", "a"][..],
        &["ZINCRBY", "w", "1", "b"],
        &["ZUNIONSTORE", "w", "1", "other"],
        &["ZRANGESTORE", "w", "other", "0", "-1"],
    ] {
        t.run(cmd);
        assert_eq!(
            t.srv.blocking.ready.pop(),
            Some((0, Bytes::from("w"))),
            "{cmd:?}"
        );
    }
    // Nothing new, nothing signalled.
    t.run(&["ZADD", "w", "NX", "5", "a"]);
    assert!(t.srv.blocking.ready.is_empty());
}

#[test]
fn small_sets_store_minus_zero_as_zero_like_a_listpack() {
    let mut t = T::new();
    // Redis replies with the computed score but stores 0 in a small set.
    assert_eq!(t.run(&["ZINCRBY", "z", "-0", "m"]), "$2\r\n-0\r\n");
    assert_eq!(t.run(&["ZSCORE", "z", "m"]), "$1\r\n0\r\n");
    // A large set keeps -0.
    let mut args = vec!["ZADD".to_string(), "big".to_string()];
    for i in 0..200 {
        args.push(i.to_string());
        args.push(format!("m{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&args), ":200\r\n");
    t.run(&["ZADD", "big", "-0", "neg"]);
    assert_eq!(t.run(&["ZSCORE", "big", "neg"]), "$2\r\n-0\r\n");
    // Results: ZUNION replies -0; a stored small result holds 0; ZRANGESTORE of more
    // than 128 ranks creates a large set.
    assert_eq!(
        t.run(&["ZUNION", "1", "z", "WEIGHTS", "-1", "WITHSCORES"]),
        bulks(&["m", "-0"])
    );
    t.run(&["ZUNIONSTORE", "d", "1", "z", "WEIGHTS", "-1"]);
    assert_eq!(t.run(&["ZSCORE", "d", "m"]), "$1\r\n0\r\n");
    t.run(&["ZRANGESTORE", "d", "big", "0", "-1"]);
    assert_eq!(t.run(&["ZSCORE", "d", "neg"]), "$2\r\n-0\r\n");
    t.run(&["ZRANGESTORE", "d", "big", "0", "100"]);
    assert_eq!(t.run(&["ZSCORE", "d", "neg"]), "$1\r\n0\r\n");
}

#[test]
fn zscan_returns_small_sets_whole_and_walks_large_ones() {
    let mut t = T::new();
    zset(
        &mut t,
        "z",
        &[("3", "c"), ("1", "a"), ("123456789012345678", "big")],
    );
    // A listpack's scores are its stored strings: integers print as integers.
    assert_eq!(
        t.run(&["ZSCAN", "z", "0", "COUNT", "1"]),
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$3\r\nbig\r\n$18\r\n123456789012345680\r\n"
    );
    let mut args = vec!["ZADD".to_string(), "big".to_string()];
    for i in 0..300 {
        args.push(format!("{i}.5"));
        args.push(format!("m{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    t.run(&args);
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let reply = t.run(&["ZSCAN", "big", &cursor, "COUNT", "25"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        cursor = lines[2].to_string();
        let n: usize = lines[3][1..].parse().expect("count");
        for i in (0..n).step_by(2) {
            let (m, s) = (lines[5 + 2 * i], lines[7 + 2 * i]);
            let i: u32 = m[1..].parse().expect("member");
            assert_eq!(s, format!("{i}.5"));
            seen.insert(i);
        }
        // Members removed mid-scan must not make the scan miss the others.
        t.run(&["ZREM", "big", &format!("m{}", calls * 7)]);
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    for i in 0..300u32 {
        assert!(
            seen.contains(&i) || i % 7 == 0 && i / 7 < calls,
            "m{i} missed"
        );
    }
    assert!(calls > 5, "a large set is scanned in steps");
    assert_eq!(
        t.run(&["ZSCAN", "big", "0", "MATCH", "m29?", "COUNT", "1000"]),
        t.run(&["ZSCAN", "big", "0", "MATCH", "m29?", "COUNT", "1000"])
    );
}

#[test]
fn zrandmember_counts() {
    let mut t = T::new();
    zset(
        &mut t,
        "z",
        &[("1", "a"), ("2", "b"), ("3", "c"), ("4", "d")],
    );
    // Asking for at least the whole set returns it, highest first, as Redis does.
    assert_eq!(
        t.run(&["ZRANDMEMBER", "z", "9"]),
        bulks(&["d", "c", "b", "a"])
    );
    for _ in 0..20 {
        let reply = t.run(&["ZRANDMEMBER", "z", "3"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        assert_eq!(lines[0], "*3");
        let mut picked: Vec<&str> = (0..3).map(|i| lines[2 + 2 * i]).collect();
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 3, "distinct: {reply:?}");
    }
    let reply = t.run(&["ZRANDMEMBER", "z", "-10", "WITHSCORES"]);
    let lines: Vec<&str> = reply.split("\r\n").collect();
    assert_eq!(lines[0], "*20");
    for i in 0..10 {
        let (m, s) = (lines[2 + 4 * i], lines[4 + 4 * i]);
        assert_eq!(s, (m.as_bytes()[0] - b'a' + 1).to_string());
    }
    t.resp3 = true;
    let reply = t.run(&["ZRANDMEMBER", "z", "-2", "WITHSCORES"]);
    assert!(reply.starts_with("*2\r\n*2\r\n$1\r\n"), "{reply:?}");
    assert!(
        ["a", "b", "c", "d"].contains(
            &t.run(&["ZRANDMEMBER", "z"])
                .split("\r\n")
                .nth(1)
                .unwrap_or("")
        )
    );
    // Deviation from Redis, which would try to build the reply and run out of memory.
    assert_eq!(
        t.run(&["ZRANDMEMBER", "z", "-9223372036854775807"]),
        "-ERR value is out of range\r\n"
    );
}

/// Redis's lex walk on a small set whose scores differ: from the first member at or above
/// the minimum, onwards while members stay at or below the maximum (replies from 7.0).
#[test]
fn lex_ranges_on_mixed_scores_walk_like_a_listpack() {
    let mut t = T::new();
    zset(
        &mut t,
        "z",
        &[("1", "b"), ("2", "a"), ("3", "d"), ("4", "c")],
    );
    assert_eq!(t.run(&["ZRANGEBYLEX", "z", "[b", "[c"]), bulks(&["b", "a"]));
    assert_eq!(
        t.run(&["ZREVRANGEBYLEX", "z", "[c", "[b"]),
        bulks(&["c", "d"])
    );
    assert_eq!(t.run(&["ZLEXCOUNT", "z", "[b", "[c"]), ":2\r\n");
    assert_eq!(
        t.run(&["ZRANGEBYLEX", "z", "[b", "[c", "LIMIT", "2", "5"]),
        bulks(&[])
    );
    assert_eq!(
        t.run(&["ZRANGEBYLEX", "z", "[b", "[c", "LIMIT", "1", "5"]),
        bulks(&["a"])
    );
}

/// Every command, fed odd arguments, answers with exactly one RESP value (or asks to block).
#[test]
fn every_command_writes_one_reply_for_odd_input() {
    let odd = [
        "",
        "0",
        "-1",
        "1",
        "2",
        "x",
        "(",
        "[",
        "-",
        "+",
        "(1",
        "[a",
        "inf",
        "-inf",
        "nan",
        "9223372036854775807",
        "-9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
        "WITHSCORES",
        "LIMIT",
        "REV",
        "BYSCORE",
        "BYLEX",
        "NX",
        "XX",
        "GT",
        "LT",
        "CH",
        "INCR",
        "WEIGHTS",
        "AGGREGATE",
        "MIN",
        "MAX",
        "COUNT",
        "MATCH",
        "z",
        "s",
        "k",
    ];
    let names: Vec<&str> = super::HANDLERS.iter().map(|(n, _)| *n).collect();
    let mut rng = crate::util::rand::Rng::new(42);
    for round in 0..6000 {
        let mut t = T::new();
        zset(
            &mut t,
            "z",
            &[("1", "a"), ("2", "b"), ("2", "c"), ("-1", "d")],
        );
        t.set("s", "string", None);
        t.resp3 = round % 2 == 1;
        let name = names[rng.below(names.len() as u64) as usize];
        let argc = rng.below(9) as usize;
        let mut args = vec![name];
        for _ in 0..argc {
            args.push(odd[rng.below(odd.len() as u64) as usize]);
        }
        let reply = t.run(&args);
        let blocked = t.srv.block_request.take().is_some();
        if blocked {
            assert_eq!(reply, "", "{args:?}");
            continue;
        }
        assert_eq!(values(reply.as_bytes()), 1, "{args:?} -> {reply:?}");
    }
}

/// How many complete RESP values `buf` holds (panics on malformed input).
fn values(buf: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < buf.len() {
        pos = skip(buf, pos);
        n += 1;
    }
    n
}

fn skip(buf: &[u8], pos: usize) -> usize {
    let end = pos
        + buf[pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("CRLF");
    let line = std::str::from_utf8(&buf[pos + 1..end]).expect("utf8 header");
    let next = end + 2;
    match buf[pos] {
        b'+' | b'-' | b':' | b',' | b'_' | b'#' => next,
        b'$' | b'=' => match line.parse::<i64>().expect("length") {
            -1 => next,
            len => next + len as usize + 2,
        },
        b'*' | b'~' | b'>' | b'%' => {
            let k: i64 = line.parse().expect("count");
            let k = if buf[pos] == b'%' { k * 2 } else { k };
            (0..k.max(0)).fold(next, |p, _| skip(buf, p))
        }
        other => panic!("bad type byte {other}"),
    }
}
