//! Limits that pause a connection always resume it; reply memory is bounded by what a client
//! reads, not by what it asks for; `client-output-buffer-limit normal` is enforced.

use super::proc::{Proc, call, eventually, read_line, read_reply, reset};
use crate::common::{TestServer, resp};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A huge SET leaves a connection with room for a whole pipeline in one read. Paused by a
/// big unread reply, it was then resumed with MULTI + 100k INCR + EXEC waiting in its
/// socket: one read took it all, parsing stopped at the in-flight limit, and the commands
/// left in the buffer were never looked at again (no new data, no readiness edge).
#[test]
fn multi_after_huge_set_finishes() {
    let srv = TestServer::start();
    let mut s = TcpStream::connect(srv.addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let value = vec![b'y'; 20 << 20];
    assert_eq!(call(&mut s, &resp(&[b"SET", b"v", &value])), b"+OK\r\n");
    assert_eq!(
        call(&mut s, &resp(&[b"SET", b"k", &vec![b'z'; 64 << 20]])),
        b"+OK\r\n"
    );
    // 20 MB of reply, unread for now: past the unsent-output mark, reading pauses.
    s.write_all(&resp(&[b"GET", b"v"])).expect("send");
    std::thread::sleep(Duration::from_millis(300));
    let n = 100_000;
    let mut input = b"MULTI\r\n".to_vec();
    input.extend_from_slice(&b"INCR c\r\n".repeat(n));
    input.extend_from_slice(b"EXEC\r\n");
    let mut writer = s.try_clone().expect("clone");
    let sender = std::thread::spawn(move || writer.write_all(&input).expect("send"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        read_reply(&mut s).len(),
        value.len() + "$20971520\r\n".len() + 2
    );
    assert_eq!(read_line(&mut s), b"+OK\r\n");
    for i in 0..n {
        assert_eq!(read_line(&mut s), b"+QUEUED\r\n", "reply {i}");
    }
    assert_eq!(read_line(&mut s), format!("*{n}\r\n").as_bytes());
    for i in 1..=n {
        assert_eq!(read_line(&mut s), format!(":{i}\r\n").as_bytes());
    }
    sender.join().expect("sender");
}

/// Pipelined commands past the in-flight limit with replies the client reads only later:
/// every reply arrives, in order.
#[test]
fn pipeline_past_the_inflight_limit_completes() {
    let srv = TestServer::start();
    let mut s = TcpStream::connect(srv.addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let n = 50_000;
    let pipeline = resp(&[b"INCR", b"c"]).repeat(n);
    let mut writer = s.try_clone().expect("clone");
    let sender = std::thread::spawn(move || writer.write_all(&pipeline).expect("send"));
    for i in 1..=n {
        assert_eq!(read_line(&mut s), format!(":{i}\r\n").as_bytes());
    }
    sender.join().expect("sender");
}

/// 3,000 GETs of a 1 MB value (66 KB of requests) from a client that never reads: before,
/// every reply was built at once (3 GB) and other clients waited seconds. Now memory stays
/// within a few MB of the one value, others are answered, and a reset gives it all back.
#[test]
fn replies_far_bigger_than_requests_stay_bounded() {
    let p = Proc::start(&["--io-threads", "2"]);
    let mut c = p.connect();
    let value = vec![b'v'; 1 << 20];
    assert_eq!(call(&mut c, &resp(&[b"SET", b"big", &value])), b"+OK\r\n");
    let before = p.rss_kb();
    let mut greedy = p.connect();
    greedy
        .write_all(&resp(&[b"GET", b"big"]).repeat(3000))
        .expect("send");
    let mut peak = 0;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(p.rss_kb());
    }
    assert_eq!(call(&mut c, b"PING\r\n"), b"+PONG\r\n");
    let info = call(&mut c, b"INFO\r\n");
    assert!(info.starts_with(b"$"), "INFO answers");
    // The socket buffers hold a few MB and the server at most a round's worth more.
    assert!(
        peak < before + 64 * 1024,
        "RSS grew from {before} KiB to {peak} KiB for 66 KB of requests"
    );
    reset(greedy);
    assert!(eventually(10, || {
        call(&mut c, b"INFO clients\r\n")
            .windows(20)
            .any(|w| w == b"connected_clients:1\r")
    }));
}

/// A reader that is slow but keeps reading gets every one of its big replies.
#[test]
fn slow_reader_of_big_replies_gets_them_all() {
    let srv = TestServer::start();
    let mut s = TcpStream::connect(srv.addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(20))).ok();
    let value = vec![b'x'; 300_000];
    assert_eq!(call(&mut s, &resp(&[b"SET", b"v", &value])), b"+OK\r\n");
    let n = 200;
    s.write_all(&resp(&[b"GET", b"v"]).repeat(n)).expect("send");
    for _ in 0..n {
        std::thread::sleep(Duration::from_millis(1));
        let r = read_reply(&mut s);
        assert_eq!(r.len(), 300_000 + "$300000\r\n".len() + 2);
    }
    assert_eq!(call(&mut s, b"PING\r\n"), b"+PONG\r\n");
}

/// `client-output-buffer-limit normal` disconnects a client whose output passes the hard
/// limit, as Redis does; other clients are untouched.
#[test]
fn normal_output_limit_disconnects() {
    let srv = TestServer::start();
    let mut admin = TcpStream::connect(srv.addr).expect("connects");
    admin.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let set = resp(&[
        b"CONFIG",
        b"SET",
        b"client-output-buffer-limit",
        b"normal 1mb 0 0",
    ]);
    assert_eq!(call(&mut admin, &set), b"+OK\r\n");
    let value = vec![b'v'; 2 << 20];
    assert_eq!(
        call(&mut admin, &resp(&[b"SET", b"big", &value])),
        b"+OK\r\n"
    );
    let mut c = TcpStream::connect(srv.addr).expect("connects");
    c.set_read_timeout(Some(Duration::from_secs(10))).ok();
    c.write_all(&resp(&[b"GET", b"big"])).expect("send");
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match c.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    assert!(
        got.len() < value.len(),
        "the whole reply arrived despite the limit"
    );
    assert_eq!(call(&mut admin, b"PING\r\n"), b"+PONG\r\n");
}
