//! In-process tests of the string handlers: each command runs against a real [`Server`] with
//! a clock the test sets, so TTLs and expiry are checked exactly, without sleeping, and the
//! keyspace hit/miss counters can be read back.

use crate::cmd::TABLE;
use crate::config::Config;
use crate::db::Entry;
use crate::engine::ctx::Ctx;
use crate::engine::msg::ConnId;
use crate::engine::out::{Outs, Target};
use crate::engine::state::Server;
use crate::shared::Shared;
use bytes::Bytes;

const NOW: u64 = 1_700_000_000_000;

struct Harness {
    srv: Server,
    outs: Outs,
}

impl Harness {
    fn new() -> Harness {
        Harness::with(Config::default())
    }

    fn with(config: Config) -> Harness {
        let shared = Shared::new(1, &config);
        let addr = "127.0.0.1:0".parse().expect("valid address");
        let mut srv = Server::new(config, addr, shared);
        srv.now_ms = NOW;
        Harness {
            srv,
            outs: Outs::new(1),
        }
    }

    /// Runs one command and returns its reply bytes, checking that it wrote exactly one reply.
    fn run(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let argv: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let i = TABLE.lookup(&argv[0]).expect("known command");
        let command = TABLE.get(i);
        assert!(command.arity_ok(argv.len()), "arity of {args:?}");
        let target = Target {
            thread: 0,
            conn: ConnId { id: 1, slot: 0 },
            resp3: false,
        };
        let mut ctx = Ctx {
            argv: &argv,
            out: self.outs.to(target),
            srv: &mut self.srv,
            id: 1,
            db: 0,
            no_block: false,
        };
        (command.handler)(&mut ctx);
        let reply = std::mem::take(&mut self.outs.threads[0].buf);
        self.outs.threads[0].spans.clear();
        assert_eq!(
            resp_len(&reply, 0),
            Some(reply.len()),
            "not one reply: {:?}",
            String::from_utf8_lossy(&reply)
        );
        reply
    }

    /// Runs a command given as words.
    fn cmd(&mut self, words: &str) -> String {
        let args: Vec<&[u8]> = words.split(' ').map(str::as_bytes).collect();
        String::from_utf8_lossy(&self.run(&args)).into_owned()
    }

    fn entry(&mut self, key: &str) -> Option<Entry> {
        let now = self.srv.now_ms;
        self.srv.dbs[0].copy_entry(key.as_bytes(), now)
    }

    fn ttl(&mut self, key: &str) -> Option<u64> {
        self.entry(key).and_then(|e| e.expire_at())
    }

    fn stats(&self) -> (u64, u64) {
        (self.srv.stats.keyspace_hits, self.srv.stats.keyspace_misses)
    }
}

/// The length of the RESP2 value starting at `pos`, if complete.
fn resp_len(buf: &[u8], pos: usize) -> Option<usize> {
    let line_end = pos + buf[pos..].windows(2).position(|w| w == b"\r\n")?;
    let head = std::str::from_utf8(&buf[pos + 1..line_end]).ok()?;
    let after = line_end + 2;
    match buf.get(pos)? {
        b'+' | b'-' | b':' => Some(after - pos),
        b'$' => {
            let n: i64 = head.parse().ok()?;
            if n < 0 {
                return Some(after - pos);
            }
            let end = after + n as usize + 2;
            (buf.get(end - 2..end)? == b"\r\n").then_some(end - pos)
        }
        b'*' => {
            let n: i64 = head.parse().ok()?;
            let mut at = after;
            for _ in 0..n.max(0) {
                at += resp_len(buf, at)?;
            }
            Some(at - pos)
        }
        _ => None,
    }
}

#[test]
fn set_expire_options_store_absolute_times() {
    let mut h = Harness::new();
    assert_eq!(h.cmd("SET k v EX 10"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 10_000));
    assert_eq!(h.cmd("SET k v PX 10"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 10));
    assert_eq!(h.cmd("SET k v EXAT 1800000000"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(1_800_000_000_000));
    assert_eq!(h.cmd("SET k v PXAT 1800000000123"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(1_800_000_000_123));
    assert_eq!(h.cmd("SET k v2 KEEPTTL"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(1_800_000_000_123));
    assert_eq!(h.cmd("SET k v3 GET"), "$2\r\nv2\r\n");
    assert_eq!(h.ttl("k"), None);
    assert_eq!(h.cmd("SETEX k 5 v"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 5_000));
    assert_eq!(h.cmd("PSETEX k 5 v"), "+OK\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 5));
    assert_eq!(h.cmd("SETNX k x"), ":0\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 5));
}

#[test]
fn keys_expire_when_the_clock_passes_their_time() {
    let mut h = Harness::new();
    h.cmd("SET k v PX 100");
    h.srv.now_ms = NOW + 99;
    assert_eq!(h.cmd("GET k"), "$1\r\nv\r\n");
    h.srv.now_ms = NOW + 100;
    assert_eq!(h.cmd("GET k"), "$-1\r\n");
    // A past absolute time stores the key already expired.
    assert_eq!(h.cmd("SET k v PXAT 1"), "+OK\r\n");
    assert_eq!(h.cmd("GET k"), "$-1\r\n");
    // An expired key is missing for NX and XX alike.
    h.cmd("SET k v PX 1");
    h.srv.now_ms += 1;
    assert_eq!(h.cmd("SET k v XX"), "$-1\r\n");
    assert_eq!(h.cmd("SET k v NX"), "+OK\r\n");
}

#[test]
fn edits_keep_the_ttl_and_overwrites_drop_it() {
    let mut h = Harness::new();
    for edit in [
        "INCR n",
        "DECR n",
        "INCRBY n 5",
        "DECRBY n 5",
        "INCRBYFLOAT n 1.5",
        "APPEND n 0",
        "SETRANGE n 0 7",
    ] {
        h.cmd("SET n 1 PX 1000");
        assert!(!h.cmd(edit).starts_with('-'), "{edit}");
        assert_eq!(h.ttl("n"), Some(NOW + 1000), "{edit}");
    }
    for overwrite in ["SET n 1", "GETSET n 1", "MSET n 1"] {
        h.cmd("SET n 1 PX 1000");
        h.cmd(overwrite);
        assert_eq!(h.ttl("n"), None, "{overwrite}");
    }
}

#[test]
fn getex_changes_or_drops_the_ttl() {
    let mut h = Harness::new();
    h.cmd("SET k v");
    assert_eq!(h.cmd("GETEX k EX 10"), "$1\r\nv\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 10_000));
    assert_eq!(h.cmd("GETEX k"), "$1\r\nv\r\n");
    assert_eq!(h.ttl("k"), Some(NOW + 10_000));
    h.cmd("GETEX k PX 10");
    assert_eq!(h.ttl("k"), Some(NOW + 10));
    h.cmd("GETEX k EXAT 1800000000");
    assert_eq!(h.ttl("k"), Some(1_800_000_000_000));
    h.cmd("GETEX k PXAT 1800000000001");
    assert_eq!(h.ttl("k"), Some(1_800_000_000_001));
    assert_eq!(h.cmd("GETEX k PERSIST"), "$1\r\nv\r\n");
    assert!(h.entry("k").is_some());
    assert_eq!(h.ttl("k"), None);
    // A time already past deletes the key outright (it is not counted as expired).
    assert_eq!(h.cmd(&format!("GETEX k PXAT {NOW}")), "$1\r\nv\r\n");
    assert!(h.entry("k").is_none());
    assert_eq!(h.srv.dbs[0].expired, 0);
    // A refused time changes nothing.
    h.cmd("SET k v PX 50");
    assert_eq!(
        h.cmd("GETEX k EX 0"),
        "-ERR invalid expire time in 'getex' command\r\n"
    );
    assert_eq!(h.ttl("k"), Some(NOW + 50));
}

#[test]
fn reads_count_keyspace_hits_and_misses_like_redis() {
    let mut h = Harness::new();
    fn expect(h: &mut Harness, cmd: &str, hits: u64, misses: u64) {
        let (h0, m0) = h.stats();
        h.cmd(cmd);
        assert_eq!(h.stats(), (h0 + hits, m0 + misses), "{cmd}");
    }
    expect(&mut h, "GET a", 0, 1);
    expect(&mut h, "SET a 1", 0, 0);
    expect(&mut h, "GET a", 1, 0);
    expect(&mut h, "MGET a b c a", 2, 2);
    expect(&mut h, "STRLEN a", 1, 0);
    expect(&mut h, "STRLEN b", 0, 1);
    expect(&mut h, "GETRANGE a 0 -1", 1, 0);
    expect(&mut h, "GETRANGE b 0 -1", 0, 1);
    expect(&mut h, "GETRANGE a x -1", 0, 0);
    expect(&mut h, "SET a 1 GET", 1, 0);
    expect(&mut h, "SET b 1 GET NX", 0, 1);
    expect(&mut h, "GETSET a 2", 1, 0);
    expect(&mut h, "GETEX a", 1, 0);
    expect(&mut h, "GETEX zz EX 0", 0, 1);
    expect(&mut h, "GETDEL a", 1, 0);
    expect(&mut h, "GETDEL a", 0, 1);
    // Commands that write look keys up without counting.
    for cmd in [
        "SET a 1 NX",
        "SETNX a 1",
        "INCR a",
        "INCRBYFLOAT a 1",
        "APPEND a x",
        "SETRANGE a 0 x",
        "MSETNX a 1",
        "MSET a 1",
    ] {
        expect(&mut h, cmd, 0, 0);
    }
}

#[test]
fn expired_keys_count_as_misses() {
    let mut h = Harness::new();
    h.cmd("SET k v PX 5");
    h.srv.now_ms += 5;
    assert_eq!(h.cmd("GET k"), "$-1\r\n");
    assert_eq!(h.stats(), (0, 1));
    assert_eq!(h.srv.dbs[0].expired, 1);
}

#[test]
fn every_command_writes_one_reply_for_odd_input() {
    // `run` checks there is exactly one reply; this feeds each command edge cases.
    let mut h = Harness::new();
    let cases: &[&[&[u8]]] = &[
        &[b"MGET", b"a", b"b", b"c"],
        &[b"MSET", b"a", b"1", b"b"],
        &[b"MSETNX", b"a", b"1", b"b"],
        &[b"SET", b"a", b"1", b"GET", b"EX", b"0"],
        &[b"SET", b"a", b"1", b"GET", b"XX"],
        &[b"SET", b"zz", b"1", b"GET", b"XX"],
        &[b"GETEX", b"a", b"PERSIST", b"EX"],
        &[
            b"GETRANGE",
            b"a",
            b"-9223372036854775808",
            b"9223372036854775807",
        ],
        &[b"SETRANGE", b"a", b"9223372036854775807", b"x"],
        &[b"INCRBY", b"a", b"9223372036854775807"],
        &[b"INCRBY", b"a", b"9223372036854775807"],
        &[b"DECRBY", b"m", b"-9223372036854775808"],
        &[b"INCRBYFLOAT", b"f", b"1e308"],
        &[b"INCRBYFLOAT", b"f", b"1e308"],
        &[b"SUBSTR", b"a", b"0", b"0"],
    ];
    for args in cases {
        h.run(args);
    }
}

#[test]
fn append_grows_a_string_in_place() {
    let mut h = Harness::new();
    for i in 0..1000 {
        assert_eq!(h.cmd("APPEND k abcd"), format!(":{}\r\n", (i + 1) * 4));
    }
    let v = h.entry("k").map(|e| e.into_value());
    assert_eq!(
        v,
        Some(crate::db::Value::str("abcd".repeat(1000).as_bytes()))
    );
}

#[test]
fn string_size_limit_follows_the_configured_proto_max_bulk_len() {
    let mut h = Harness::with(Config {
        proto_max_bulk_len: 10,
        ..Config::default()
    });
    let too_long = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assert_eq!(h.cmd("SETRANGE k 5 12345"), ":10\r\n");
    assert_eq!(h.cmd("SETRANGE k 5 123456"), too_long);
    assert_eq!(h.cmd("SETRANGE j 6 12345"), too_long);
    assert!(h.entry("j").is_none());
    assert_eq!(h.cmd("APPEND k x"), too_long);
    assert_eq!(h.cmd("SET j 12345"), "+OK\r\n");
    assert_eq!(h.cmd("APPEND j 12345"), ":10\r\n");
    assert_eq!(h.cmd("APPEND j 1"), too_long);
    assert_eq!(h.cmd("GET j"), "$10\r\n1234512345\r\n");
}
