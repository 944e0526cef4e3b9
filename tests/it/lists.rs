//! List commands over TCP: every command, option and error reply byte for byte as Redis
//! 7.0.15 sends them (the transcripts were recorded from a real redis-server), then the
//! blocking commands across clients on different I/O threads: wake-ups, FIFO order,
//! timeouts, BLMOVE chains, pipelining behind a blocked command, and MULTI.

#[rustfmt::skip]
mod transcripts;

use crate::common::*;
use std::time::{Duration, Instant};

/// Sends `args` as a multibulk and expects exactly `reply`.
fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

/// Sends `args` without waiting for the reply.
fn send(r: &mut Raw, args: &[&str]) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.send(&resp(&args));
}

/// Reads one line, CRLF included.
fn read_line(r: &mut Raw) -> String {
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        line.extend(r.read_n(1));
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// Sends a command whose reply is one bulk string and returns its text.
fn bulk_text(r: &mut Raw, args: &[&str]) -> String {
    send(r, args);
    let header = read_line(r);
    let len: usize = header[1..header.len() - 2]
        .parse()
        .unwrap_or_else(|_| panic!("not a bulk header: {header:?}"));
    let body = r.read_n(len + 2);
    String::from_utf8_lossy(&body[..len]).into_owned()
}

/// The value of `key=` in a CLIENT LIST/INFO line.
fn field(line: &str, key: &str) -> String {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
        .to_string()
}

/// A connection, its client id and the I/O thread that serves it. The PING round trip
/// makes the server register it before the next one connects, so the balancer puts
/// consecutive connections on different threads.
struct Conn {
    r: Raw,
    id: String,
    thread: String,
}

fn connect(s: &TestServer) -> Conn {
    let mut r = s.raw();
    rt(&mut r, &["PING"], "+PONG\r\n");
    let info = bulk_text(&mut r, &["CLIENT", "INFO"]);
    Conn {
        id: field(&info, "id"),
        thread: field(&info, "io-thread"),
        r,
    }
}

/// Waits until client `id`'s last command is `cmd`: the executor has run it (a blocking
/// command that blocked shows so too), so commands sent after this arrive after it.
fn wait_ran(ctl: &mut Raw, id: &str, cmd: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let line = bulk_text(ctl, &["CLIENT", "LIST", "ID", id]);
        if field(&line, "cmd") == cmd {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "client {id} never ran {cmd}: {line}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Switches `r` to RESP3 and skips the HELLO reply.
fn hello3(r: &mut Raw) {
    send(r, &["HELLO", "3"]);
    assert_eq!(r.read_n(1), b"%");
    // A PING after it marks where the HELLO map ends.
    send(r, &["PING", "end"]);
    let mut seen = String::new();
    while !seen.ends_with("$3\r\nend\r\n") {
        seen.push_str(&read_line(r));
    }
}

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

#[test]
fn wrongtype_is_reported_by_every_list_command() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "s", "v"], "+OK\r\n");
    rt(&mut r, &["RPUSH", "l", "a"], ":1\r\n");
    let cmds: &[&[&str]] = &[
        &["LPUSH", "s", "a"],
        &["RPUSH", "s", "a"],
        &["LPUSHX", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "2"],
        &["LLEN", "s"],
        &["LRANGE", "s", "0", "-1"],
        &["LINDEX", "s", "0"],
        &["LSET", "s", "0", "a"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LREM", "s", "0", "a"],
        &["LTRIM", "s", "0", "1"],
        &["LPOS", "s", "a"],
        &["LMOVE", "s", "l", "LEFT", "LEFT"],
        &["LMOVE", "l", "s", "LEFT", "LEFT"],
        &["RPOPLPUSH", "s", "l"],
        &["RPOPLPUSH", "l", "s"],
        &["LMPOP", "1", "s", "LEFT"],
        &["BLPOP", "s", "0"],
        &["BRPOP", "s", "0"],
        &["BLMOVE", "s", "l", "LEFT", "LEFT", "0"],
        &["BLMOVE", "l", "s", "LEFT", "LEFT", "0"],
        &["BRPOPLPUSH", "s", "l", "0"],
        &["BLMPOP", "0", "1", "s", "LEFT"],
    ];
    for cmd in cmds {
        rt(&mut r, cmd, WRONGTYPE);
    }
    // Nothing moved, nothing changed.
    rt(&mut r, &["GET", "s"], "$1\r\nv\r\n");
    rt(&mut r, &["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\na\r\n");
}

#[test]
fn resp3_replies() {
    let s = TestServer::start();
    let mut r = s.raw();
    hello3(&mut r);
    rt(&mut r, &["LPOP", "nokey"], "_\r\n");
    rt(&mut r, &["LPOP", "nokey", "2"], "_\r\n");
    rt(&mut r, &["LMPOP", "1", "nokey", "LEFT"], "_\r\n");
    rt(&mut r, &["LPOS", "nokey", "a"], "_\r\n");
    rt(&mut r, &["LINDEX", "nokey", "0"], "_\r\n");
    rt(&mut r, &["RPUSH", "l", "a", "b"], ":2\r\n");
    rt(
        &mut r,
        &["LMPOP", "1", "l", "LEFT"],
        "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n",
    );
    rt(&mut r, &["BLPOP", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\nb\r\n");
}

// ---- Blocking across clients. These need the executor's side of blocking. ----

#[test]
fn blpop_is_woken_by_a_push_from_another_io_thread() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiter = connect(&s);
    let mut pusher = connect(&s);
    assert_ne!(
        waiter.thread, pusher.thread,
        "the two clients share an I/O thread"
    );
    send(&mut waiter.r, &["BLPOP", "other", "k", "0"]);
    wait_ran(&mut pusher.r, &waiter.id, "blpop");
    // LPUSH replies with the length before the blocked client takes the element.
    rt(&mut pusher.r, &["LPUSH", "k", "a"], ":1\r\n");
    waiter.r.expect(b"*2\r\n$1\r\nk\r\n$1\r\na\r\n");
    rt(&mut pusher.r, &["EXISTS", "k"], ":0\r\n");
    // The waiter is an ordinary client again.
    rt(&mut waiter.r, &["PING"], "+PONG\r\n");
}

#[test]
fn blocked_clients_are_served_in_arrival_order() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiters: Vec<Conn> = (0..3).map(|_| connect(&s)).collect();
    let mut pusher = connect(&s);
    let mut threads: Vec<&str> = waiters.iter().map(|w| w.thread.as_str()).collect();
    threads.push(&pusher.thread);
    threads.sort();
    threads.dedup();
    assert_eq!(threads.len(), 4, "each client on its own I/O thread");
    for w in &mut waiters {
        send(&mut w.r, &["BRPOP", "q", "0"]);
        wait_ran(&mut pusher.r, &w.id, "brpop");
    }
    // One element: only the oldest waiter is served; the others keep waiting.
    rt(&mut pusher.r, &["RPUSH", "q", "first"], ":1\r\n");
    waiters[0].r.expect(b"*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n");
    rt(&mut waiters[0].r, &["PING"], "+PONG\r\n");
    // Two elements: the next two, in order; BRPOP takes from the tail.
    rt(&mut pusher.r, &["RPUSH", "q", "x", "y"], ":2\r\n");
    waiters[1].r.expect(b"*2\r\n$1\r\nq\r\n$1\r\ny\r\n");
    waiters[2].r.expect(b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    rt(&mut pusher.r, &["LLEN", "q"], ":0\r\n");
}

#[test]
fn blocking_commands_time_out_with_their_null() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut c = connect(&s);
    let cases: [(&[&str], &[u8]); 5] = [
        (&["BLPOP", "nokey", "0.1"], b"*-1\r\n"),
        (&["BRPOP", "a", "b", "0.1"], b"*-1\r\n"),
        // Redis 7.0 times these two out with a null array too, unlike their MULTI reply.
        (
            &["BLMOVE", "nokey", "d", "LEFT", "RIGHT", "0.1"],
            b"*-1\r\n",
        ),
        (&["BRPOPLPUSH", "nokey", "d", "0.1"], b"*-1\r\n"),
        (
            &["BLMPOP", "0.1", "2", "a", "b", "LEFT", "COUNT", "2"],
            b"*-1\r\n",
        ),
    ];
    for (cmd, reply) in cases {
        let start = Instant::now();
        send(&mut c.r, cmd);
        c.r.expect(reply);
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(80),
            "{cmd:?} returned after {waited:?}"
        );
    }
    rt(&mut c.r, &["EXISTS", "d"], ":0\r\n");
    // RESP3's null is one type for both.
    hello3(&mut c.r);
    rt(&mut c.r, &["BLPOP", "l", "0.05"], "_\r\n");
    rt(
        &mut c.r,
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "0.05"],
        "_\r\n",
    );
}

#[test]
fn blmove_and_brpoplpush_wake_and_move() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiter = connect(&s);
    let mut pusher = connect(&s);
    assert_ne!(waiter.thread, pusher.thread);
    send(
        &mut waiter.r,
        &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"],
    );
    wait_ran(&mut pusher.r, &waiter.id, "blmove");
    rt(&mut pusher.r, &["RPUSH", "dst", "old"], ":1\r\n");
    rt(&mut pusher.r, &["RPUSH", "src", "a", "b"], ":2\r\n");
    waiter.r.expect(b"$1\r\nb\r\n");
    rt(
        &mut pusher.r,
        &["LRANGE", "src", "0", "-1"],
        "*1\r\n$1\r\na\r\n",
    );
    rt(
        &mut pusher.r,
        &["LRANGE", "dst", "0", "-1"],
        "*2\r\n$1\r\nb\r\n$3\r\nold\r\n",
    );

    send(&mut waiter.r, &["BRPOPLPUSH", "src2", "dst", "0"]);
    wait_ran(&mut pusher.r, &waiter.id, "brpoplpush");
    rt(&mut pusher.r, &["LPUSH", "src2", "z"], ":1\r\n");
    waiter.r.expect(b"$1\r\nz\r\n");
    rt(&mut pusher.r, &["LINDEX", "dst", "0"], "$1\r\nz\r\n");
    rt(&mut pusher.r, &["EXISTS", "src2"], ":0\r\n");
}

#[test]
fn blmpop_and_brpop_wake_on_any_of_their_keys() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiter = connect(&s);
    let mut pusher = connect(&s);
    assert_ne!(waiter.thread, pusher.thread);
    send(
        &mut waiter.r,
        &["BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "2"],
    );
    wait_ran(&mut pusher.r, &waiter.id, "blmpop");
    rt(&mut pusher.r, &["RPUSH", "b", "1", "2", "3"], ":3\r\n");
    waiter
        .r
        .expect(b"*2\r\n$1\r\nb\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");

    send(&mut waiter.r, &["BRPOP", "x", "y", "0"]);
    wait_ran(&mut pusher.r, &waiter.id, "brpop");
    rt(&mut pusher.r, &["RPUSH", "y", "1", "2"], ":2\r\n");
    waiter.r.expect(b"*2\r\n$1\r\ny\r\n$1\r\n2\r\n");
    rt(
        &mut pusher.r,
        &["LRANGE", "y", "0", "-1"],
        "*1\r\n$1\r\n1\r\n",
    );
}

#[test]
fn blmove_feeds_a_client_blocked_on_its_destination() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut mover = connect(&s);
    let mut popper = connect(&s);
    let mut pusher = connect(&s);
    send(&mut mover.r, &["BLMOVE", "a", "b", "LEFT", "LEFT", "0"]);
    wait_ran(&mut pusher.r, &mover.id, "blmove");
    send(&mut popper.r, &["BLPOP", "b", "0"]);
    wait_ran(&mut pusher.r, &popper.id, "blpop");
    rt(&mut pusher.r, &["RPUSH", "a", "x"], ":1\r\n");
    mover.r.expect(b"$1\r\nx\r\n");
    popper.r.expect(b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n");
    rt(&mut pusher.r, &["EXISTS", "a", "b"], ":0\r\n");
}

#[test]
fn commands_pipelined_behind_a_blocked_one_are_answered_after_it_in_order() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiter = connect(&s);
    let mut pusher = connect(&s);
    assert_ne!(waiter.thread, pusher.thread);
    let mut pipeline = resp(&[b"BLPOP", b"k", b"0"]);
    pipeline.extend(resp(&[b"PING"]));
    pipeline.extend(resp(&[b"LLEN", b"k"]));
    pipeline.extend(resp(&[b"ECHO", b"done"]));
    waiter.r.send(&pipeline);
    wait_ran(&mut pusher.r, &waiter.id, "blpop");
    rt(&mut pusher.r, &["RPUSH", "k", "a", "b"], ":2\r\n");
    waiter
        .r
        .expect(b"*2\r\n$1\r\nk\r\n$1\r\na\r\n+PONG\r\n:1\r\n$4\r\ndone\r\n");
}

#[test]
fn blocking_commands_inside_multi_reply_null_at_once() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["MULTI"], "+OK\r\n");
    rt(&mut r, &["BLPOP", "k", "0"], "+QUEUED\r\n");
    rt(&mut r, &["BRPOP", "k", "0"], "+QUEUED\r\n");
    rt(
        &mut r,
        &["BLMOVE", "k", "d", "LEFT", "LEFT", "0"],
        "+QUEUED\r\n",
    );
    rt(&mut r, &["BRPOPLPUSH", "k", "d", "0"], "+QUEUED\r\n");
    rt(&mut r, &["BLMPOP", "0", "1", "k", "LEFT"], "+QUEUED\r\n");
    rt(
        &mut r,
        &["EXEC"],
        "*5\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n",
    );
}

#[test]
fn a_push_taken_back_in_the_same_transaction_leaves_the_waiter_blocked() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut waiter = connect(&s);
    let mut pusher = connect(&s);
    send(&mut waiter.r, &["BLPOP", "k", "0"]);
    wait_ran(&mut pusher.r, &waiter.id, "blpop");
    rt(&mut pusher.r, &["MULTI"], "+OK\r\n");
    rt(&mut pusher.r, &["RPUSH", "k", "gone"], "+QUEUED\r\n");
    rt(&mut pusher.r, &["LPOP", "k"], "+QUEUED\r\n");
    rt(&mut pusher.r, &["EXEC"], "*2\r\n:1\r\n$4\r\ngone\r\n");
    rt(&mut pusher.r, &["RPUSH", "k", "kept"], ":1\r\n");
    waiter.r.expect(b"*2\r\n$1\r\nk\r\n$4\r\nkept\r\n");
}
