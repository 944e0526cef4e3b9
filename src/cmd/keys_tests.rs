//! In-process tests of the keys commands, and the harness `expire_tests.rs` shares: each
//! command runs through the command table (arity included) against a real `Server` whose
//! clock the test sets, and the reply bytes are compared exactly. Keys are stored through
//! `Db` directly, so these tests need no other command family.

use crate::cmd::TABLE;
use crate::config::Config;
use crate::db::Value;
use crate::engine::ctx::Ctx;
use crate::engine::msg::ConnId;
use crate::engine::out::{Outs, Target};
use crate::engine::state::Server;
use crate::util::number::parse_cursor;
use bytes::Bytes;

/// A server, a selected database and a protocol version to run commands with.
pub(crate) struct T {
    pub srv: Server,
    pub db: usize,
    pub resp3: bool,
}

/// The test clock's start, Unix ms.
pub(crate) const NOW: u64 = 1_700_000_000_000;

impl T {
    pub fn new() -> T {
        let shared = crate::shared::Shared::new(1, &Config::default());
        let mut srv = Server::new(
            Config::default(),
            "127.0.0.1:0".parse().expect("addr"),
            shared,
        );
        srv.now_ms = NOW;
        T {
            srv,
            db: 0,
            resp3: false,
        }
    }

    /// Runs a command and returns its reply bytes as text.
    pub fn run(&mut self, args: &[&str]) -> String {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.run_bytes(&args)
    }

    pub fn run_bytes(&mut self, args: &[&[u8]]) -> String {
        let argv: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let mut outs = Outs::new(1);
        let target = Target {
            thread: 0,
            conn: ConnId { id: 1, slot: 0 },
            resp3: self.resp3,
        };
        let cmd = TABLE.get(TABLE.lookup(&argv[0]).expect("known command"));
        if cmd.arity_ok(argv.len()) {
            let mut ctx = Ctx {
                argv: &argv,
                out: outs.to(target),
                srv: &mut self.srv,
                id: 1,
                db: self.db,
                no_block: false,
            };
            (cmd.handler)(&mut ctx);
        } else {
            outs.to(target).error(&crate::error::wrong_arity(cmd.name));
        }
        String::from_utf8_lossy(&outs.threads[0].buf).into_owned()
    }

    /// Stores a string, with a TTL in ms from now if given.
    pub fn set(&mut self, key: &str, value: &str, ttl_ms: Option<u64>) {
        let at = ttl_ms.map(|t| self.srv.now_ms + t);
        self.srv.dbs[self.db].set(key.as_bytes(), Value::str(value.as_bytes()), at);
    }

    pub fn advance(&mut self, ms: u64) {
        self.srv.now_ms += ms;
    }

    pub fn hits(&self) -> (u64, u64) {
        (self.srv.stats.keyspace_hits, self.srv.stats.keyspace_misses)
    }

    pub fn len(&self) -> usize {
        self.srv.dbs[self.db].len()
    }
}

/// Parses `*2\r\n$<n>\r\n<cursor>\r\n*<k>\r\n...` into the cursor and the keys.
fn parse_scan(reply: &str) -> (u64, Vec<String>) {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    assert_eq!(lines[0], "*2", "{reply:?}");
    let cursor = lines[2].parse().expect("cursor");
    let n: usize = lines[3][1..].parse().expect("count");
    let keys = (0..n).map(|i| lines[5 + 2 * i].to_string()).collect();
    (cursor, keys)
}

#[test]
fn table_entries_match_redis() {
    let expect = [
        ("del", -2, (1, -1, 1)),
        ("unlink", -2, (1, -1, 1)),
        ("exists", -2, (1, -1, 1)),
        ("type", 2, (1, 1, 1)),
        ("keys", 2, (0, 0, 0)),
        ("scan", -2, (0, 0, 0)),
        ("rename", 3, (1, 2, 1)),
        ("renamenx", 3, (1, 2, 1)),
        ("randomkey", 1, (0, 0, 0)),
        ("copy", -3, (1, 2, 1)),
        ("touch", -2, (1, -1, 1)),
        ("expire", -3, (1, 1, 1)),
        ("pexpireat", -3, (1, 1, 1)),
        ("ttl", 2, (1, 1, 1)),
        ("pexpiretime", 2, (1, 1, 1)),
        ("persist", 2, (1, 1, 1)),
    ];
    for (name, arity, keys) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!((c.arity, c.keys), (arity, keys), "{name}");
        assert_eq!(c.doc.group, "generic", "{name}");
    }
}

#[test]
fn del_and_unlink_count_each_live_key_once() {
    let mut t = T::new();
    t.set("a", "1", None);
    t.set("b", "2", None);
    t.set("gone", "3", Some(10));
    t.advance(10);
    assert_eq!(t.run(&["DEL", "a", "b", "c", "a", "gone"]), ":2\r\n");
    assert_eq!(t.len(), 0);
    t.set("a", "1", None);
    assert_eq!(t.run(&["UNLINK", "a", "a"]), ":1\r\n");
    assert_eq!(
        t.run(&["DEL"]),
        "-ERR wrong number of arguments for 'del' command\r\n"
    );
    assert_eq!(t.hits(), (0, 0), "DEL is a write lookup");
}

#[test]
fn exists_counts_duplicates_and_stats() {
    let mut t = T::new();
    t.set("a", "1", None);
    assert_eq!(t.run(&["EXISTS", "a", "a", "b"]), ":2\r\n");
    assert_eq!(t.hits(), (2, 1));
    assert_eq!(t.run(&["TOUCH", "a", "b", "a"]), ":2\r\n");
    assert_eq!(t.hits(), (4, 2));
}

#[test]
fn type_replies_simple_string() {
    let mut t = T::new();
    t.set("a", "1", None);
    assert_eq!(t.run(&["TYPE", "a"]), "+string\r\n");
    assert_eq!(t.run(&["TYPE", "b"]), "+none\r\n");
    assert_eq!(t.hits(), (1, 1));
}

#[test]
fn keys_matches_globs_and_hides_expired() {
    let mut t = T::new();
    for k in ["", "a", "ab", "b", "h\nllo"] {
        t.set(k, "v", None);
    }
    t.set("old", "v", Some(5));
    t.advance(5);
    let all = t.run(&["KEYS", "*"]);
    assert!(all.starts_with("*5\r\n"), "{all:?}");
    assert!(
        all.contains("$0\r\n\r\n"),
        "plain * matches the empty key: {all:?}"
    );
    assert!(!all.contains("old"));
    assert_eq!(t.len(), 6, "KEYS does not reclaim");
    assert_eq!(t.run(&["KEYS", "a?"]), "*1\r\n$2\r\nab\r\n");
    assert_eq!(t.run(&["KEYS", "[b]"]), "*1\r\n$1\r\nb\r\n");
    assert_eq!(t.run(&["KEYS", "h?llo"]), "*1\r\n$5\r\nh\nllo\r\n");
    assert_eq!(t.run(&["KEYS", "zz*"]), "*0\r\n");
    assert_eq!(
        t.run(&["KEYS", "**"]).len(),
        all.len() - "$0\r\n\r\n".len(),
        "only plain * is special"
    );
    assert_eq!(t.hits(), (0, 0));
}

#[test]
fn scan_full_iteration_returns_every_key() {
    let mut t = T::new();
    for i in 0..95 {
        t.set(&format!("key:{i}"), "v", None);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = 0u64;
    let mut calls = 0;
    loop {
        let (next, keys) = parse_scan(&t.run(&["SCAN", &cursor.to_string(), "COUNT", "7"]));
        assert!(keys.len() <= 7);
        seen.extend(keys);
        calls += 1;
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(seen.len(), 95);
    assert_eq!(calls, 14);
    // Default COUNT is 10.
    let (next, keys) = parse_scan(&t.run(&["SCAN", "0"]));
    assert_eq!((next, keys.len()), (85, 10));
}

#[test]
fn scan_match_type_and_reclaim() {
    let mut t = T::new();
    t.set("", "v", None);
    t.set("a", "v", None);
    t.set("bb", "v", None);
    t.set("dead", "v", Some(1));
    t.advance(1);
    assert_eq!(
        t.run(&["SCAN", "0", "MATCH", "?"]),
        "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"
    );
    let all = t.run(&["scan", "0", "match", "*", "count", "100"]);
    assert!(all.starts_with("*2\r\n$1\r\n0\r\n*3\r\n"), "{all:?}");
    assert!(all.contains("$0\r\n\r\n"));
    assert_eq!(t.len(), 3, "SCAN reclaims the expired keys it passes");
    assert_eq!(t.hits(), (0, 0));
    let typed = t.run(&["SCAN", "0", "TYPE", "STRING"]);
    assert!(typed.contains("*3\r\n"), "{typed:?}");
    assert_eq!(t.hits(), (3, 0), "TYPE looks each key up");
    assert_eq!(
        t.run(&["SCAN", "0", "TYPE", "list"]),
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
    // The last of repeated options wins.
    let (_, keys) = parse_scan(&t.run(&["SCAN", "0", "COUNT", "1", "COUNT", "100"]));
    assert_eq!(keys.len(), 3);
}

#[test]
fn scan_errors() {
    let mut t = T::new();
    let syntax = "-ERR syntax error\r\n";
    assert_eq!(t.run(&["SCAN", "abc"]), "-ERR invalid cursor\r\n");
    assert_eq!(t.run(&["SCAN", " 1"]), "-ERR invalid cursor\r\n");
    assert_eq!(
        t.run(&["SCAN", "18446744073709551616"]),
        "-ERR invalid cursor\r\n"
    );
    assert_eq!(
        t.run(&["SCAN", "x", "COUNT", "0"]),
        "-ERR invalid cursor\r\n"
    );
    assert_eq!(t.run(&["SCAN", "0", "COUNT", "0"]), syntax);
    assert_eq!(t.run(&["SCAN", "0", "COUNT", "-1"]), syntax);
    assert_eq!(
        t.run(&["SCAN", "0", "COUNT", "x"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(t.run(&["SCAN", "0", "COUNT"]), syntax);
    assert_eq!(t.run(&["SCAN", "0", "MATCH"]), syntax);
    assert_eq!(t.run(&["SCAN", "0", "TYPE"]), syntax);
    assert_eq!(t.run(&["SCAN", "0", "foo", "bar"]), syntax);
    assert_eq!(t.run(&["SCAN", "0", "COUNT", "0", "foo"]), syntax);
    assert_eq!(
        t.run(&["SCAN", "0", "COUNT", "99999999999999999999"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        t.run(&["SCAN", "0", "COUNT", "9223372036854775807"]),
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
}

#[test]
fn scan_cursor_parses_like_strtoul() {
    assert_eq!(parse_cursor(b"0"), Some(0));
    assert_eq!(parse_cursor(b""), Some(0));
    assert_eq!(parse_cursor(b"+7"), Some(7));
    assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
    assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
    assert_eq!(parse_cursor(b"12\0junk"), Some(12));
    for bad in [
        &b"18446744073709551616"[..],
        b"+",
        b"-",
        b" 1",
        b"1 ",
        b"0x10",
        b"1.0",
        b"\t1",
    ] {
        assert_eq!(
            parse_cursor(bad),
            None,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn rename_moves_value_and_ttl() {
    let mut t = T::new();
    t.set("a", "1", Some(5000));
    t.set("b", "2", Some(100));
    t.set("c", "3", None);
    assert_eq!(t.run(&["RENAME", "a", "b"]), "+OK\r\n");
    assert_eq!(t.run(&["EXISTS", "a"]), ":0\r\n");
    assert_eq!(t.run(&["PTTL", "b"]), ":5000\r\n");
    assert_eq!(t.run(&["RENAME", "c", "b"]), "+OK\r\n");
    assert_eq!(
        t.run(&["TTL", "b"]),
        ":-1\r\n",
        "the destination's TTL goes"
    );
    assert_eq!(t.run(&["RENAME", "b", "b"]), "+OK\r\n");
    assert_eq!(t.run(&["RENAME", "nope", "x"]), "-ERR no such key\r\n");
    assert_eq!(t.run(&["RENAME", "nope", "nope"]), "-ERR no such key\r\n");
    let (hits, misses) = t.hits();
    t.run(&["RENAME", "b", "a"]);
    assert_eq!(t.hits(), (hits, misses), "RENAME is a write lookup");
    assert_eq!(t.len(), 1);
    assert_eq!(t.srv.dbs[0].volatile_len(), 0);
}

#[test]
fn rename_of_expired_key_is_no_such_key() {
    let mut t = T::new();
    t.set("a", "1", Some(10));
    t.advance(10);
    assert_eq!(t.run(&["RENAME", "a", "b"]), "-ERR no such key\r\n");
    assert_eq!(t.run(&["RENAMENX", "a", "b"]), "-ERR no such key\r\n");
}

#[test]
fn renamenx_only_to_a_free_name() {
    let mut t = T::new();
    t.set("a", "1", Some(1000));
    t.set("b", "2", None);
    assert_eq!(t.run(&["RENAMENX", "a", "b"]), ":0\r\n");
    assert_eq!(t.run(&["RENAMENX", "a", "a"]), ":0\r\n");
    assert_eq!(t.run(&["RENAMENX", "zz", "zz"]), "-ERR no such key\r\n");
    assert_eq!(t.run(&["RENAMENX", "a", "c"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "c"]), ":1000\r\n");
    // An expired destination is free.
    t.set("d", "4", Some(5));
    t.advance(5);
    assert_eq!(t.run(&["RENAMENX", "b", "d"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "d"]), ":-1\r\n");
}

#[test]
fn randomkey_returns_live_keys_or_nil() {
    let mut t = T::new();
    assert_eq!(t.run(&["RANDOMKEY"]), "$-1\r\n");
    t.resp3 = true;
    assert_eq!(t.run(&["RANDOMKEY"]), "_\r\n");
    t.resp3 = false;
    t.set("only", "v", None);
    for _ in 0..5 {
        assert_eq!(t.run(&["RANDOMKEY"]), "$4\r\nonly\r\n");
    }
    for i in 0..50 {
        t.set(&format!("x{i}"), "v", Some(3));
    }
    t.advance(3);
    assert_eq!(
        t.run(&["RANDOMKEY"]),
        "$4\r\nonly\r\n",
        "expired keys are skipped"
    );
    t.run(&["DEL", "only"]);
    assert_eq!(t.run(&["RANDOMKEY"]), "$-1\r\n");
    assert_eq!(t.len(), 0, "every expired key drawn is reclaimed");
    assert_eq!(
        t.run(&["RANDOMKEY", "x"]),
        "-ERR wrong number of arguments for 'randomkey' command\r\n"
    );
}

#[test]
fn copy_within_and_across_databases() {
    let mut t = T::new();
    t.set("a", "1", Some(7000));
    assert_eq!(t.run(&["COPY", "a", "b"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "b"]), ":7000\r\n");
    assert_eq!(t.run(&["COPY", "a", "b"]), ":0\r\n");
    t.set("c", "3", None);
    assert_eq!(t.run(&["COPY", "c", "b", "REPLACE"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "b"]), ":-1\r\n");
    assert_eq!(t.run(&["COPY", "a", "a", "DB", "1"]), ":1\r\n");
    assert_eq!(t.run(&["COPY", "a", "a", "db", "1"]), ":0\r\n");
    assert_eq!(t.run(&["COPY", "c", "a", "replace", "db", "1"]), ":1\r\n");
    t.db = 1;
    assert_eq!(t.run(&["TTL", "a"]), ":-1\r\n");
    assert_eq!(t.run(&["TYPE", "a"]), "+string\r\n");
    t.db = 0;
    assert_eq!(t.run(&["COPY", "missing", "x"]), ":0\r\n");
    assert_eq!(t.run(&["EXISTS", "a"]), ":1\r\n", "the source stays");
}

#[test]
fn copy_errors() {
    let mut t = T::new();
    t.set("a", "1", None);
    let same = "-ERR source and destination objects are the same\r\n";
    assert_eq!(t.run(&["COPY", "a", "a"]), same);
    assert_eq!(t.run(&["COPY", "a", "a", "DB", "0"]), same);
    assert_eq!(
        t.run(&["COPY", "zz", "zz"]),
        same,
        "checked before the lookup"
    );
    assert_eq!(
        t.run(&["COPY", "a", "b", "DB", "16"]),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        t.run(&["COPY", "a", "b", "DB", "-1"]),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        t.run(&["COPY", "a", "b", "DB", "x"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        t.run(&["COPY", "a", "b", "DB", "4294967296"]),
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
        "found by the differential test: Redis has its own error past 32 bits"
    );
    assert_eq!(
        t.run(&["COPY", "a", "b", "DB", "2147483647"]),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(t.run(&["COPY", "a", "b", "DB"]), "-ERR syntax error\r\n");
    assert_eq!(t.run(&["COPY", "a", "b", "foo"]), "-ERR syntax error\r\n");
    assert_eq!(
        t.run(&["COPY", "a"]),
        "-ERR wrong number of arguments for 'copy' command\r\n"
    );
    assert_eq!(t.hits(), (0, 0));
    t.run(&["COPY", "a", "b"]);
    t.run(&["COPY", "zz", "b"]);
    assert_eq!(t.hits(), (1, 1), "COPY reads its source");
}
