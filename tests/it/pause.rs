//! CLIENT PAUSE / UNPAUSE: paused clients' commands are held (not refused) until the pause
//! ends, in order, while other clients go on; WRITE holds only what may write or propagate;
//! expiry stops while paused. The server has two I/O threads, and consecutive connections
//! land on different ones, so held and free clients sit on different threads.

use crate::common::{Raw, TestServer, resp};
use std::io::Read;
use std::time::{Duration, Instant};

fn cmd(words: &[&str]) -> Vec<u8> {
    let args: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
    resp(&args)
}

/// Whether any reply byte arrives on `raw` within `ms`.
fn silent_for(raw: &mut Raw, ms: u64) -> bool {
    raw.stream
        .set_read_timeout(Some(Duration::from_millis(ms)))
        .expect("timeout");
    let mut b = [0u8; 1];
    let silent = match raw.stream.read(&mut b) {
        Ok(_) => false,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    raw.stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    silent
}

fn info_field(raw: &mut Raw, section: &str, name: &str) -> String {
    raw.send(&cmd(&["INFO", section]));
    let mut text = Vec::new();
    let mut buf = [0u8; 8192];
    // A bulk: read until its end.
    loop {
        let n = raw.stream.read(&mut buf).expect("info");
        text.extend_from_slice(&buf[..n]);
        let s = String::from_utf8_lossy(&text);
        if let Some((head, _)) = s.split_once("\r\n")
            && let Ok(len) = head[1..].parse::<usize>()
            && text.len() >= head.len() + 2 + len + 2
        {
            break;
        }
    }
    let s = String::from_utf8_lossy(&text).to_string();
    s.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name}"))
        .trim()
        .to_string()
}

#[test]
fn write_pause_holds_writes_in_order_and_lets_reads_through() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut writer = s.raw();
    let mut reader = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "700", "WRITE"]), b"+OK\r\n");
    let start = Instant::now();
    // The writer's SET is held; its GET and PING, sent after, wait behind it.
    let mut pipeline = cmd(&["SET", "k", "v"]);
    pipeline.extend(cmd(&["GET", "k"]));
    pipeline.extend(cmd(&["PING"]));
    writer.send(&pipeline);
    // Reads of other clients run at once, and see no write.
    reader.roundtrip(&cmd(&["GET", "k"]), b"$-1\r\n");
    reader.roundtrip(&cmd(&["PING"]), b"+PONG\r\n");
    assert!(start.elapsed() < Duration::from_millis(500));
    assert!(silent_for(&mut writer, 300), "held before the pause ends");
    writer.expect(b"+OK\r\n$1\r\nv\r\n+PONG\r\n");
    assert!(start.elapsed() >= Duration::from_millis(650));
}

#[test]
fn held_client_listed_as_blocked_with_its_command() {
    let s = TestServer::start();
    let mut admin = s.client();
    let mut writer = s.raw();
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(5000)
        .arg("WRITE")
        .query(&mut admin)
        .expect("pause");
    writer.send(&cmd(&["SET", "key", "value"]));
    std::thread::sleep(Duration::from_millis(100));
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut admin)
        .expect("list");
    let held = list
        .lines()
        .find(|l| l.contains("cmd=set"))
        .expect("the held client");
    assert!(held.contains(" flags=b "), "{held}");
    assert!(held.contains(" argv-mem=11 "), "{held}");
    let _: () = redis::cmd("CLIENT")
        .arg("UNPAUSE")
        .query(&mut admin)
        .expect("unpause");
    writer.expect(b"+OK\r\n");
}

#[test]
fn unpause_releases_held_clients_at_once_in_the_order_held() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut a = s.raw();
    let mut b = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "60000", "WRITE"]), b"+OK\r\n");
    a.send(&cmd(&["RPUSH", "l", "a"]));
    std::thread::sleep(Duration::from_millis(50));
    b.send(&cmd(&["RPUSH", "l", "b"]));
    assert!(silent_for(&mut a, 100));
    let start = Instant::now();
    admin.roundtrip(&cmd(&["CLIENT", "UNPAUSE"]), b"+OK\r\n");
    a.expect(b":1\r\n");
    b.expect(b":2\r\n");
    assert!(start.elapsed() < Duration::from_secs(2));
    admin.roundtrip(
        &cmd(&["LRANGE", "l", "0", "-1"]),
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
}

#[test]
fn all_pause_holds_reads_too_and_the_pauser_itself() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut reader = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "400", "ALL"]), b"+OK\r\n");
    let start = Instant::now();
    reader.send(&cmd(&["PING"]));
    admin.send(&cmd(&["GET", "x"]));
    assert!(silent_for(&mut reader, 200));
    reader.expect(b"+PONG\r\n");
    admin.expect(b"$-1\r\n");
    assert!(start.elapsed() >= Duration::from_millis(350));
}

#[test]
fn write_pause_holds_scripts_publish_and_exec_with_writes() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut other = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "60000", "WRITE"]), b"+OK\r\n");
    // Read-only scripts and EVAL_RO run.
    other.roundtrip(
        &cmd(&["EVAL", "#!lua flags=no-writes\nreturn 1", "0"]),
        b":1\r\n",
    );
    other.roundtrip(&cmd(&["EVAL_RO", "return 2", "0"]), b":2\r\n");
    // MULTI with only reads runs; a write inside MULTI is held when it arrives (as
    // redis-server 7.0.15 does: the pause is checked before queueing).
    other.roundtrip(&cmd(&["MULTI"]), b"+OK\r\n");
    other.roundtrip(&cmd(&["GET", "a"]), b"+QUEUED\r\n");
    other.roundtrip(&cmd(&["EXEC"]), b"*1\r\n$-1\r\n");
    let mut eval = s.raw();
    eval.send(&cmd(&["EVAL", "return 3", "0"]));
    let mut publish = s.raw();
    publish.send(&cmd(&["PUBLISH", "ch", "m"]));
    let mut multi = s.raw();
    multi.roundtrip(&cmd(&["MULTI"]), b"+OK\r\n");
    multi.send(&cmd(&["SET", "a", "1"]));
    multi.send(&cmd(&["EXEC"]));
    assert!(silent_for(&mut eval, 150));
    assert!(silent_for(&mut publish, 10));
    assert!(silent_for(&mut multi, 10));
    admin.roundtrip(&cmd(&["CLIENT", "UNPAUSE"]), b"+OK\r\n");
    eval.expect(b":3\r\n");
    publish.expect(b":0\r\n");
    multi.expect(b"+QUEUED\r\n*1\r\n+OK\r\n");
}

#[test]
fn a_pause_is_extended_never_shortened() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut w = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "600", "WRITE"]), b"+OK\r\n");
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "10", "ALL"]), b"+OK\r\n");
    let start = Instant::now();
    w.send(&cmd(&["PING"])); // ALL now: even PING waits
    assert!(silent_for(&mut w, 300));
    w.expect(b"+PONG\r\n");
    assert!(start.elapsed() >= Duration::from_millis(450));
}

#[test]
fn expiry_waits_while_paused() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut other = s.raw();
    let before: u64 = info_field(&mut admin, "stats", "expired_keys")
        .parse()
        .expect("int");
    admin.send(&cmd(&["MULTI"]));
    admin.send(&cmd(&["SET", "foo", "bar", "PX", "10"]));
    admin.send(&cmd(&["SET", "bar", "foo", "PX", "10"]));
    admin.send(&cmd(&["CLIENT", "PAUSE", "50000", "WRITE"]));
    admin.send(&cmd(&["EXEC"]));
    admin.expect(b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n+OK\r\n");
    std::thread::sleep(Duration::from_millis(300));
    // Logically expired, but neither active nor passive expiry removed them.
    other.roundtrip(&cmd(&["GET", "foo"]), b"$-1\r\n");
    other.roundtrip(&cmd(&["GET", "bar"]), b"$-1\r\n");
    other.roundtrip(&cmd(&["DBSIZE"]), b":2\r\n");
    let during: u64 = info_field(&mut other, "stats", "expired_keys")
        .parse()
        .expect("int");
    assert_eq!(during, before);
    other.roundtrip(&cmd(&["CLIENT", "UNPAUSE"]), b"+OK\r\n");
    other.roundtrip(&cmd(&["GET", "foo"]), b"$-1\r\n");
    other.roundtrip(&cmd(&["GET", "bar"]), b"$-1\r\n");
    let after: u64 = info_field(&mut other, "stats", "expired_keys")
        .parse()
        .expect("int");
    assert_eq!(after, before + 2);
}

#[test]
fn pause_arguments_are_checked_as_redis_does() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["CLIENT", "PAUSE", "abc"]),
        b"-ERR timeout is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "PAUSE", "-1"]),
        b"-ERR timeout is negative\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "PAUSE", "10", "foo"]),
        b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "PAUSE", "10", "write", "all"]),
        b"-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "PAUSE"]),
        b"-ERR wrong number of arguments for 'client|pause' command\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "UNPAUSE", "x"]),
        b"-ERR wrong number of arguments for 'client|unpause' command\r\n",
    );
    // A zero timeout pauses nothing.
    c.roundtrip(&cmd(&["CLIENT", "PAUSE", "0"]), b"+OK\r\n");
    c.roundtrip(&cmd(&["SET", "a", "b"]), b"+OK\r\n");
}

#[test]
fn a_held_client_that_leaves_is_forgotten() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let mut held = s.raw();
    admin.roundtrip(&cmd(&["CLIENT", "PAUSE", "300", "ALL"]), b"+OK\r\n");
    held.send(&cmd(&["SET", "gone", "1"]));
    std::thread::sleep(Duration::from_millis(50));
    drop(held);
    std::thread::sleep(Duration::from_millis(400));
    // The pause ended with nobody left to release; the server goes on, and the dropped
    // client's command never ran.
    let mut other = s.raw();
    other.roundtrip(&cmd(&["EXISTS", "gone"]), b":0\r\n");
    admin.roundtrip(&cmd(&["PING"]), b"+PONG\r\n");
}
