//! In-process tests of the list handlers, through the command table (arity included), with
//! the keys family's harness. `transcripts.rs` replays sequences recorded from a real Redis;
//! the tests here cover what a transcript cannot show: RESP3, the blocking requests a
//! handler makes, replies inside MULTI, ready signals, TTLs and keyspace statistics.

#[rustfmt::skip]
mod transcripts;

use crate::cmd::TABLE;
use crate::cmd::keys::tests::T;
use crate::engine::blocking::TimeoutReply;
use crate::engine::ctx::Ctx;
use crate::engine::msg::ConnId;
use crate::engine::out::{Outs, Target};
use bytes::Bytes;

/// Runs each command and compares its reply bytes exactly.
fn check(t: &mut T, steps: &[(&[&str], &str)]) {
    for (args, want) in steps {
        assert_eq!(t.run(args), *want, "reply to {args:?}");
        assert!(t.srv.block_request.is_none(), "{args:?} blocked");
    }
}

/// Runs a command where blocking is not allowed (inside MULTI/EXEC).
fn run_no_block(t: &mut T, args: &[&str]) -> String {
    let argv: Vec<Bytes> = args
        .iter()
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect();
    let cmd = TABLE.get(TABLE.lookup(&argv[0]).expect("known command"));
    let mut outs = Outs::new(1);
    let target = Target {
        thread: 0,
        conn: ConnId { id: 1, slot: 0 },
        resp3: t.resp3,
    };
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
fn table_entries_match_redis() {
    // name, arity, (first, last, step) as Redis 7.0's COMMAND INFO reports them.
    let expect = [
        ("lpush", -3, (1, 1, 1)),
        ("rpush", -3, (1, 1, 1)),
        ("lpushx", -3, (1, 1, 1)),
        ("rpushx", -3, (1, 1, 1)),
        ("lpop", -2, (1, 1, 1)),
        ("rpop", -2, (1, 1, 1)),
        ("llen", 2, (1, 1, 1)),
        ("lrange", 4, (1, 1, 1)),
        ("lindex", 3, (1, 1, 1)),
        ("lset", 4, (1, 1, 1)),
        ("linsert", 5, (1, 1, 1)),
        ("lrem", 4, (1, 1, 1)),
        ("ltrim", 4, (1, 1, 1)),
        ("lpos", -3, (1, 1, 1)),
        ("lmove", 5, (1, 2, 1)),
        ("rpoplpush", 3, (1, 2, 1)),
        ("lmpop", -4, (0, 0, 0)),
        ("blpop", -3, (1, -2, 1)),
        ("brpop", -3, (1, -2, 1)),
        ("blmove", 6, (1, 2, 1)),
        ("brpoplpush", 4, (1, 2, 1)),
        ("blmpop", -5, (0, 0, 0)),
    ];
    for (name, arity, keys) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!((c.arity, c.keys), (arity, keys), "{name}");
        assert_eq!(c.doc.group, "list", "{name}");
    }
}

#[test]
fn arity_errors_name_the_command() {
    let mut t = T::new();
    check(
        &mut t,
        &[
            (
                &["lpush", "k"],
                "-ERR wrong number of arguments for 'lpush' command\r\n",
            ),
            (
                &["lpop", "k", "1", "2"],
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
            (
                &["rpop", "k", "1", "2"],
                "-ERR wrong number of arguments for 'rpop' command\r\n",
            ),
            (
                &["blpop", "k"],
                "-ERR wrong number of arguments for 'blpop' command\r\n",
            ),
            (
                &["lmpop", "1", "k"],
                "-ERR wrong number of arguments for 'lmpop' command\r\n",
            ),
            (
                &["blmpop", "0", "1", "k"],
                "-ERR wrong number of arguments for 'blmpop' command\r\n",
            ),
        ],
    );
}

#[test]
fn resp3_nulls_are_the_null_type() {
    let mut t = T::new();
    t.resp3 = true;
    check(
        &mut t,
        &[
            (&["lpop", "nokey"], "_\r\n"),
            (&["lpop", "nokey", "1"], "_\r\n"),
            (&["lmpop", "1", "nokey", "left"], "_\r\n"),
            (&["lpos", "nokey", "a"], "_\r\n"),
            (&["lindex", "nokey", "0"], "_\r\n"),
            (&["lmove", "nokey", "d", "left", "left"], "_\r\n"),
            (&["rpush", "l", "a", "b"], ":2\r\n"),
            (
                &["lmpop", "1", "l", "left"],
                "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n",
            ),
            (&["lpop", "l", "0"], "*0\r\n"),
        ],
    );
    assert_eq!(run_no_block(&mut t, &["blpop", "nokey", "0"]), "_\r\n");
    assert_eq!(
        run_no_block(&mut t, &["blmove", "nokey", "d", "left", "left", "0"]),
        "_\r\n"
    );
}

#[test]
fn blocking_commands_with_nothing_to_pop_ask_to_block() {
    let mut t = T::new();
    let cases: [(&[&str], &[&str], Option<u64>); 5] = [
        (&["blpop", "a", "b", "0"], &["a", "b"], None),
        (&["brpop", "a", "1.5"], &["a"], Some(1500)),
        (
            &["blmove", "src", "dst", "left", "right", "0.1"],
            &["src"],
            Some(100),
        ),
        (&["brpoplpush", "src", "dst", "2"], &["src"], Some(2000)),
        (
            &["blmpop", "0", "2", "a", "b", "left", "count", "3"],
            &["a", "b"],
            None,
        ),
    ];
    // Redis 7.0 times every one of them out with a null array, BLMOVE and BRPOPLPUSH too.
    for (args, keys, timeout) in cases {
        assert_eq!(
            t.run(args),
            "",
            "{args:?} must write nothing when it blocks"
        );
        let spec = t.srv.block_request.take().expect("a block request");
        let keys: Vec<Bytes> = keys
            .iter()
            .map(|k| Bytes::copy_from_slice(k.as_bytes()))
            .collect();
        assert_eq!(spec.keys, keys, "{args:?}");
        assert_eq!(
            spec.deadline,
            timeout.map(|ms| t.srv.now_ms + ms),
            "{args:?}"
        );
        assert_eq!(spec.on_timeout, TimeoutReply::NullArray, "{args:?}");
        assert!(spec.argv.is_none());
    }
}

#[test]
fn blocking_commands_inside_multi_reply_the_timeout_reply_at_once() {
    let mut t = T::new();
    assert_eq!(run_no_block(&mut t, &["blpop", "nokey", "0"]), "*-1\r\n");
    assert_eq!(run_no_block(&mut t, &["brpop", "nokey", "0"]), "*-1\r\n");
    assert_eq!(
        run_no_block(&mut t, &["blmove", "nokey", "d", "left", "left", "0"]),
        "$-1\r\n"
    );
    assert_eq!(
        run_no_block(&mut t, &["brpoplpush", "nokey", "d", "0"]),
        "$-1\r\n"
    );
    assert_eq!(
        run_no_block(&mut t, &["blmpop", "0", "1", "nokey", "left"]),
        "*-1\r\n"
    );
    assert!(t.srv.block_request.is_none());
    // With data there, they serve as usual.
    t.run(&["rpush", "l", "a"]);
    assert_eq!(
        run_no_block(&mut t, &["blpop", "l", "0"]),
        "*2\r\n$1\r\nl\r\n$1\r\na\r\n"
    );
}

/// Marks `key` in db 0 as waited on by a (fake) blocked client, so signals are recorded.
fn wait_on(t: &mut T, key: &str) {
    t.srv
        .blocking
        .waiters
        .entry((0, Bytes::copy_from_slice(key.as_bytes())))
        .or_default()
        .push_back(99);
}

fn signalled(t: &mut T) -> Vec<String> {
    t.srv
        .blocking
        .ready
        .drain(..)
        .map(|(_, k)| String::from_utf8_lossy(&k).into_owned())
        .collect()
}

#[test]
fn every_write_that_adds_elements_signals_its_key() {
    let mut t = T::new();
    for k in ["k", "dst"] {
        wait_on(&mut t, k);
    }
    let adds: [&[&str]; 9] = [
        &["lpush", "k", "a"],
        &["rpush", "k", "b"],
        &["lpushx", "k", "c"],
        &["rpushx", "k", "d"],
        &["linsert", "k", "before", "a", "z"],
        &["lmove", "k", "dst", "left", "right"],
        &["rpoplpush", "k", "dst"],
        &["blmove", "k", "dst", "left", "left", "0"],
        &["brpoplpush", "k", "dst", "0"],
    ];
    for args in adds {
        t.run(args);
        let want = if args[0].contains("move") || args[0].contains("pop") {
            "dst"
        } else {
            "k"
        };
        assert_eq!(signalled(&mut t), vec![want.to_string()], "{args:?}");
    }
    // Nothing added, nothing signalled.
    let no_adds: [&[&str]; 5] = [
        &["lpushx", "nokey", "a"],
        &["linsert", "k", "before", "nope", "x"],
        &["lmove", "nokey", "dst", "left", "left"],
        &["lpop", "k"],
        &["lset", "dst", "0", "x"],
    ];
    for args in no_adds {
        t.run(args);
        assert!(signalled(&mut t).is_empty(), "{args:?}");
    }
}

#[test]
fn in_place_changes_keep_the_ttl() {
    let mut t = T::new();
    t.run(&["rpush", "l", "a", "b", "c"]);
    t.run(&["pexpire", "l", "5000"]);
    for args in [
        &["rpush", "l", "d"][..],
        &["lpop", "l"],
        &["lset", "l", "0", "x"],
        &["linsert", "l", "after", "x", "y"],
        &["lrem", "l", "1", "y"],
        &["ltrim", "l", "0", "1"],
        &["lmove", "l", "l", "left", "right"],
    ] {
        t.run(args);
        assert_eq!(t.run(&["pttl", "l"]), ":5000\r\n", "after {args:?}");
    }
    // A single element rotating on one key never empties the list.
    t.run(&["ltrim", "l", "0", "0"]);
    assert_eq!(t.run(&["rpoplpush", "l", "l"]), "$1\r\nc\r\n");
    assert_eq!(t.run(&["pttl", "l"]), ":5000\r\n");
    // Expired lists are gone for every command.
    t.advance(5000);
    assert_eq!(t.run(&["llen", "l"]), ":0\r\n");
    assert_eq!(t.run(&["lpushx", "l", "a"]), ":0\r\n");
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut t = T::new();
    t.run(&["rpush", "l", "a"]);
    t.set("s", "v", None);
    let before = t.hits();
    for args in [
        &["llen", "l"][..],
        &["lrange", "l", "0", "-1"],
        &["lindex", "l", "0"],
        &["lpos", "l", "a"],
        &["llen", "s"],
    ] {
        t.run(args);
    }
    t.run(&["llen", "nokey"]);
    t.run(&["lindex", "nokey", "0"]);
    assert_eq!(t.hits(), (before.0 + 5, before.1 + 2));
    // Writes look keys up without counting.
    t.run(&["lpop", "nokey"]);
    t.run(&["rpush", "l", "b"]);
    assert_eq!(t.hits(), (before.0 + 5, before.1 + 2));
}

#[test]
fn elements_are_binary_safe_copies() {
    let mut t = T::new();
    assert_eq!(
        t.run_bytes(&[b"rpush", b"l", b"\x00\r\n\xff", b""]),
        ":2\r\n"
    );
    assert_eq!(
        t.run_bytes(&[b"lrange", b"l", b"0", b"-1"]),
        String::from_utf8_lossy(b"*2\r\n$4\r\n\x00\r\n\xff\r\n$0\r\n\r\n")
    );
    assert_eq!(t.run_bytes(&[b"lpos", b"l", b""]), ":1\r\n");
    assert_eq!(
        t.run_bytes(&[b"lrem", b"l", b"0", b"\x00\r\n\xff"]),
        ":1\r\n"
    );
}

#[test]
fn big_lists_pop_and_trim_in_bulk() {
    let mut t = T::new();
    let elems: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let mut args = vec!["rpush", "l"];
    args.extend(elems.iter().map(String::as_str));
    assert_eq!(t.run(&args), ":1000\r\n");
    assert_eq!(t.run(&["lindex", "l", "-1"]), "$3\r\n999\r\n");
    assert_eq!(t.run(&["lpos", "l", "500", "maxlen", "500"]), "$-1\r\n");
    assert_eq!(t.run(&["lpos", "l", "500", "maxlen", "501"]), ":500\r\n");
    let reply = t.run(&["rpop", "l", "998"]);
    assert!(
        reply.starts_with("*998\r\n$3\r\n999\r\n$3\r\n998\r\n"),
        "{reply:?}"
    );
    assert_eq!(
        t.run(&["lrange", "l", "0", "-1"]),
        "*2\r\n$1\r\n0\r\n$1\r\n1\r\n"
    );
}
