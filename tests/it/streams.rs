//! Stream commands over TCP.
//!
//! `basic.rs`, `groups.rs` and `info.rs` replay command scripts whose replies were recorded
//! from redis-server 7.0.15, byte for byte. This file holds the script runner and what a fixed
//! script cannot express: generated IDs (checked by shape), approximate trimming (checked by
//! its bounds) and blocking reads across clients on different I/O threads.

mod basic;
mod groups;
mod info;

use crate::common::*;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What a script step leaves out of the comparison.
#[derive(Clone, Copy)]
enum Mask {
    None,
    /// Every integer reply (idle times).
    Ints,
    /// Integer replies that are Unix-ms timestamps (delivery and seen times).
    Times,
}

/// Runs `steps` on one connection: each command (arguments split on spaces) with the reply
/// Redis gave. A command written `~CMD` is compared with every integer masked, `%CMD` with
/// Unix-ms timestamps masked.
fn script(s: &TestServer, steps: &[(&str, &str)]) {
    let mut r = s.raw();
    for (step, expected) in steps {
        let (mask, cmd) = match step.as_bytes()[0] {
            b'~' => (Mask::Ints, &step[1..]),
            b'%' => (Mask::Times, &step[1..]),
            _ => (Mask::None, *step),
        };
        let args: Vec<&[u8]> = cmd.split(' ').map(str::as_bytes).collect();
        r.send(&resp(&args));
        let got = read_reply(&mut r);
        assert_eq!(
            masked(&got, mask),
            masked(expected, mask),
            "reply to {cmd:?}"
        );
    }
}

fn masked(reply: &str, mask: Mask) -> String {
    reply
        .split("\r\n")
        .map(|line| match (mask, line.strip_prefix(':')) {
            (Mask::Ints, Some(_)) => ":N",
            (Mask::Times, Some(n)) if n.len() >= 13 => ":T",
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Reads one line, CRLF included.
fn read_line(r: &mut Raw) -> String {
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        line.extend(r.read_n(1));
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// Reads one whole RESP2/RESP3 reply.
fn read_reply(r: &mut Raw) -> String {
    let line = read_line(r);
    let n: i64 = line[1..line.len() - 2].parse().unwrap_or(0);
    match line.as_bytes()[0] {
        b'$' | b'=' if n >= 0 => {
            let body = r.read_n(n as usize + 2);
            line + &String::from_utf8_lossy(&body)
        }
        b'*' | b'~' | b'>' | b'%' if n > 0 => {
            let items = if line.starts_with('%') { 2 * n } else { n };
            let mut out = line;
            for _ in 0..items {
                out += &read_reply(r);
            }
            out
        }
        _ => line,
    }
}

/// Sends a command on a raw connection.
fn send(r: &mut Raw, cmd: &str) {
    let args: Vec<&[u8]> = cmd.split(' ').map(str::as_bytes).collect();
    r.send(&resp(&args));
}

/// Waits until `n` clients' last command is `cmd` (CLIENT LIST's `cmd=`): blocking reads
/// sent on other connections have then run and are parked.
fn wait_for_cmd(con: &mut redis::Connection, cmd: &str, n: usize) {
    let needle = format!(" cmd={cmd} ");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query(con)
            .expect("CLIENT LIST");
        if list.lines().filter(|l| l.contains(&needle)).count() >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not {n} clients ran {cmd}: {list}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `[[key, [[id, [field, value]]]]]` for one entry of one field.
fn one_entry(key: &str, id: &str, field: &str, value: &str) -> String {
    format!(
        "*1\r\n*2\r\n${}\r\n{key}\r\n*1\r\n*2\r\n${}\r\n{id}\r\n*2\r\n${}\r\n{field}\r\n${}\r\n{value}\r\n",
        key.len(),
        id.len(),
        field.len(),
        value.len()
    )
}

fn str_reply(v: redis::RedisResult<redis::Value>) -> String {
    match v.expect("reply") {
        redis::Value::BulkString(b) => String::from_utf8(b).expect("utf-8"),
        other => panic!("not a bulk string: {other:?}"),
    }
}

fn int_reply(v: redis::RedisResult<redis::Value>) -> i64 {
    match v.expect("reply") {
        redis::Value::Int(n) => n,
        other => panic!("not an integer: {other:?}"),
    }
}

/// Splits `<ms>-<seq>`.
fn parse_id(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').expect("ms-seq");
    (ms.parse().expect("ms"), seq.parse().expect("seq"))
}

#[test]
fn generated_ids_are_the_clock_and_a_sequence() {
    let s = TestServer::start();
    let mut con = s.client();
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as u64;
    let mut last = (0, 0);
    for _ in 0..50 {
        let id = parse_id(&str_reply(run(&mut con, &["XADD", "s", "*", "f", "v"])));
        assert!(id > last, "{id:?} after {last:?}");
        last = id;
    }
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as u64;
    assert!(
        (before..=after).contains(&last.0),
        "{last:?} not within {before}..={after}"
    );
    // `<ms>-*` in the last ID's millisecond continues its sequence.
    let next = str_reply(run(
        &mut con,
        &["XADD", "s", &format!("{}-*", last.0), "f", "v"],
    ));
    assert_eq!(parse_id(&next), (last.0, last.1 + 1));
    let later = str_reply(run(
        &mut con,
        &["XADD", "s", &format!("{}-*", last.0 + 10), "f", "v"],
    ));
    assert_eq!(parse_id(&later), (last.0 + 10, 0));
}

#[test]
fn approximate_trimming_stays_within_its_bounds() {
    let s = TestServer::start();
    let mut con = s.client();
    for i in 1..=1000 {
        run(&mut con, &["XADD", "s", &format!("{i}-0"), "f", "v"]).expect("xadd");
    }
    // `~` removes whole nodes only: never below the threshold, never far above it.
    let removed = int_reply(run(&mut con, &["XTRIM", "s", "MAXLEN", "~", "250"]));
    let len = int_reply(run(&mut con, &["XLEN", "s"]));
    assert_eq!(len + removed, 1000);
    assert!((250..=350).contains(&len), "{len}");
    // LIMIT bounds how much approximate trimming may remove.
    let removed = int_reply(run(
        &mut con,
        &["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "100"],
    ));
    assert!(removed <= 100, "{removed}");
    // Exact trimming hits the number.
    let left = len - removed;
    assert_eq!(
        int_reply(run(&mut con, &["XTRIM", "s", "MAXLEN", "=", "120"])),
        left - 120
    );
    assert_eq!(int_reply(run(&mut con, &["XLEN", "s"])), 120);
    // MINID ~ keeps everything at or above the threshold, and may keep some below it.
    let removed = int_reply(run(&mut con, &["XTRIM", "s", "MINID", "~", "950"]));
    assert!(removed <= 120 - 51, "{removed}");
    let kept = run(&mut con, &["XRANGE", "s", "950", "+"]).expect("xrange");
    assert!(
        matches!(kept, redis::Value::Array(ref v) if v.len() == 51),
        "{kept:?}"
    );
    assert_eq!(
        int_reply(run(&mut con, &["XTRIM", "s", "MINID", "950"])),
        120 - 51 - removed
    );
    // XADD's own trimming keeps a capped stream near its cap.
    for i in 1..=500 {
        run(
            &mut con,
            &[
                "XADD",
                "c",
                "MAXLEN",
                "~",
                "10",
                &format!("{i}-0"),
                "f",
                "v",
            ],
        )
        .expect("xadd");
        let len = int_reply(run(&mut con, &["XLEN", "c"]));
        assert!((10.min(i)..=110).contains(&len), "{len} after {i}");
    }
}

#[test]
fn xread_block_wakes_on_xadd_from_another_io_thread() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut reader = s.raw();
    let mut admin = s.client();
    send(&mut reader, "XREAD BLOCK 0 STREAMS s $");
    wait_for_cmd(&mut admin, "xread", 1);
    run(&mut admin, &["XADD", "s", "1-0", "a", "1"]).expect("xadd");
    reader.expect(one_entry("s", "1-0", "a", "1").as_bytes());
}

#[test]
fn xread_block_dollar_means_after_the_last_entry_when_blocking() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut admin = s.client();
    run(&mut admin, &["XADD", "s", "1-0", "a", "1"]).expect("xadd");
    let (mut r1, mut r2) = (s.raw(), s.raw());
    send(&mut r1, "XREAD BLOCK 0 STREAMS nokey s $ $");
    send(&mut r2, "XREAD COUNT 5 BLOCK 0 STREAMS s 1-0");
    wait_for_cmd(&mut admin, "xread", 2);
    run(&mut admin, &["XADD", "s", "2-0", "b", "2"]).expect("xadd");
    // Both readers see the new entry, and only it.
    r1.expect(one_entry("s", "2-0", "b", "2").as_bytes());
    r2.expect(one_entry("s", "2-0", "b", "2").as_bytes());
    // The connections still work afterwards.
    r1.roundtrip(&resp(&[b"XLEN", b"s"]), b":2\r\n");
}

#[test]
fn xread_block_times_out_with_a_null_array() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut r = s.raw();
    r.roundtrip(
        &resp(&[b"XREAD", b"BLOCK", b"20", b"STREAMS", b"s", b"$"]),
        b"*-1\r\n",
    );
    send(&mut r, "HELLO 3");
    read_reply(&mut r);
    r.roundtrip(
        &resp(&[b"XREAD", b"BLOCK", b"20", b"STREAMS", b"s", b"0"]),
        b"_\r\n",
    );
    // Blocking is checked before the wait: a bad ID is an error at once.
    r.roundtrip(
        &resp(&[b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s", b"x"]),
        b"-ERR Invalid stream ID specified as stream command argument\r\n",
    );
}

#[test]
fn xreadgroup_block_delivers_each_entry_to_one_waiting_consumer() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut admin = s.client();
    run(&mut admin, &["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]).expect("xgroup");
    let (mut c1, mut c2) = (s.raw(), s.raw());
    send(&mut c1, "XREADGROUP GROUP g c1 BLOCK 0 STREAMS s >");
    wait_for_cmd(&mut admin, "xreadgroup", 1);
    send(&mut c2, "XREADGROUP GROUP g c2 BLOCK 0 STREAMS s >");
    wait_for_cmd(&mut admin, "xreadgroup", 2);
    run(&mut admin, &["XADD", "s", "1-0", "a", "1"]).expect("xadd");
    // The client that blocked first is served first.
    c1.expect(one_entry("s", "1-0", "a", "1").as_bytes());
    run(&mut admin, &["XADD", "s", "2-0", "b", "2"]).expect("xadd");
    c2.expect(one_entry("s", "2-0", "b", "2").as_bytes());
    let mut r = s.raw();
    r.roundtrip(
        &resp(&[b"XPENDING", b"s", b"g"]),
        b"*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc2\r\n$1\r\n1\r\n",
    );
}

#[test]
fn xreadgroup_block_ends_with_nogroup_when_the_group_goes() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut admin = s.client();
    run(&mut admin, &["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]).expect("xgroup");
    let mut c = s.raw();
    send(&mut c, "XREADGROUP GROUP g c BLOCK 0 STREAMS s >");
    wait_for_cmd(&mut admin, "xreadgroup", 1);
    run(&mut admin, &["XGROUP", "DESTROY", "s", "g"]).expect("destroy");
    let reply = read_line(&mut c);
    assert!(reply.starts_with("-NOGROUP "), "{reply}");
}

#[test]
fn xreadgroup_block_times_out_without_creating_the_consumer() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut r = s.raw();
    r.roundtrip(
        &resp(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"]),
        b"+OK\r\n",
    );
    r.roundtrip(
        &resp(&[
            b"XREADGROUP",
            b"GROUP",
            b"g",
            b"c",
            b"BLOCK",
            b"10",
            b"STREAMS",
            b"s",
            b">",
        ]),
        b"*-1\r\n",
    );
    r.roundtrip(&resp(&[b"XINFO", b"CONSUMERS", b"s", b"g"]), b"*0\r\n");
}
