//! The wire protocol: inline and multibulk commands, pipelining, and bad input.

use crate::common::*;
use std::io::{Read, Write};
use std::thread;

#[test]
fn ping_inline_and_multibulk() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
    c.roundtrip(b"ping\n", b"+PONG\r\n");
    c.roundtrip(b"EcHo \"a b\" \r\n", b"$3\r\na b\r\n");
    c.roundtrip(&resp(&[b"ECHO", b"a\r\nb"]), b"$4\r\na\r\nb\r\n");
    // Empty lines and empty multibulks are skipped, as Redis does.
    c.roundtrip(b"\r\n*0\r\nPING\r\n", b"+PONG\r\n");
}

#[test]
fn unknown_command_and_wrong_arity_keep_the_connection() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        b"FOO bar baz\r\n",
        b"-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n",
    );
    c.roundtrip(
        b"ECHO\r\n",
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

/// A 10,000-command pipeline written in random-sized chunks gets every reply, in order.
#[test]
fn pipeline_of_10000_in_random_chunks() {
    let s = TestServer::start();
    let c = s.raw();
    let mut writer = c.stream.try_clone().expect("clone");
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    for i in 0..10_000 {
        let arg = format!("value-{i}");
        if i % 3 == 0 {
            stream.extend_from_slice(format!("ECHO {arg}\r\n").as_bytes());
        } else {
            stream.extend_from_slice(&resp(&[b"ECHO", arg.as_bytes()]));
        }
        expected.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
    }
    // Write from another thread so neither side's socket buffer can fill and deadlock us.
    let w = thread::spawn(move || {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut pos = 0;
        while pos < stream.len() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (1 + seed % 700) as usize;
            let end = (pos + n).min(stream.len());
            writer.write_all(&stream[pos..end]).expect("write");
            pos = end;
        }
    });
    let mut got = vec![0; expected.len()];
    let mut reader = c.stream;
    reader.read_exact(&mut got).expect("all replies");
    w.join().expect("writer");
    assert!(
        got == expected,
        "replies differ from expected order/content"
    );
}

/// Sends `input` on a fresh connection and expects exactly `reply`, then the close, while
/// another client keeps being served.
fn rejects(s: &TestServer, input: &[u8], reply: &[u8]) {
    let mut other = s.raw();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut c = s.raw();
    c.send(input);
    let got = c.read_to_close();
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(reply)
    );
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn bad_multibulk_lengths() {
    let s = TestServer::start();
    rejects(
        &s,
        b"*abc\r\n",
        b"-ERR Protocol error: invalid multibulk length\r\n",
    );
    rejects(
        &s,
        b"*3000000000\r\n",
        b"-ERR Protocol error: invalid multibulk length\r\n",
    );
    rejects(
        &s,
        b"*1\r\n$-5\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
    rejects(
        &s,
        b"*1\r\n$x\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
    rejects(
        &s,
        b"*1\r\nPING\r\n",
        b"-ERR Protocol error: expected '$', got 'P'\r\n",
    );
}

#[test]
fn missing_crlf_after_bulk() {
    let s = TestServer::start();
    rejects(
        &s,
        b"*1\r\n$4\r\nPINGxx",
        b"-ERR Protocol error: expected '\\r\\n' after bulk data\r\n",
    );
}

#[test]
fn unbalanced_quotes_in_inline() {
    let s = TestServer::start();
    rejects(
        &s,
        b"ECHO \"abc\r\n",
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    );
}

#[test]
fn oversized_inline_and_count_lines() {
    let s = TestServer::start();
    let long = vec![b'a'; 70 * 1024];
    rejects(
        &s,
        &long,
        b"-ERR Protocol error: too big inline request\r\n",
    );
    let mut mbulk = b"*".to_vec();
    mbulk.extend(vec![b'1'; 70 * 1024]);
    rejects(
        &s,
        &mbulk,
        b"-ERR Protocol error: too big mbulk count string\r\n",
    );
    let mut bulk = b"*1\r\n$".to_vec();
    bulk.extend(vec![b'1'; 70 * 1024]);
    rejects(
        &s,
        &bulk,
        b"-ERR Protocol error: too big bulk count string\r\n",
    );
}

#[test]
fn bulk_over_proto_max_bulk_len() {
    let s = TestServer::with(|c| c.proto_max_bulk_len = 1024 * 1024);
    rejects(
        &s,
        b"*2\r\n$4\r\nECHO\r\n$2000000\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
    // At the limit is fine.
    let mut c = s.raw();
    let big = vec![b'x'; 1024 * 1024];
    c.send(&resp(&[b"ECHO", &big]));
    let mut want = b"$1048576\r\n".to_vec();
    want.extend_from_slice(&big);
    want.extend_from_slice(b"\r\n");
    c.expect(&want);
}

#[test]
fn query_over_client_query_buffer_limit() {
    let s = TestServer::with(|c| c.client_query_buffer_limit = 1024 * 1024);
    let mut input = b"*1000000\r\n".to_vec();
    while input.len() < 2 * 1024 * 1024 {
        input.extend_from_slice(b"$4\r\nabcd\r\n");
    }
    rejects(
        &s,
        &input,
        b"-ERR Protocol error: query buffer limit exceeded\r\n",
    );
}

/// Commands before the bad input are answered first, in order; nothing after it runs.
#[test]
fn protocol_error_after_pipelined_commands_keeps_order() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.send(b"PING\r\nECHO a\r\n*1\r\n$x\r\nPING\r\n");
    let got = c.read_to_close();
    assert_eq!(
        String::from_utf8_lossy(&got),
        "+PONG\r\n$1\r\na\r\n-ERR Protocol error: invalid bulk length\r\n"
    );
}

#[test]
fn binary_garbage_then_half_close_is_closed_and_server_serves_on() {
    let s = TestServer::start();
    let mut seed = 42u64;
    for _ in 0..50 {
        let mut c = s.raw();
        let mut junk = Vec::new();
        for _ in 0..(seed % 3000) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            junk.push((seed >> 33) as u8);
        }
        let _ = c.stream.write_all(&junk);
        let _ = c.stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        // The server must notice the half-close even when the FIN came with the last data
        // in one readiness edge (a bug once left such connections open until timeout).
        match c.stream.read_to_end(&mut sink) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("connection not closed after garbage and half-close: {e}"),
        }
    }
    s.raw().roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn maxclients_rejects_with_redis_error() {
    let s = TestServer::with(|c| c.maxclients = 2);
    let mut a = s.raw();
    let mut b = s.raw();
    a.roundtrip(b"PING\r\n", b"+PONG\r\n");
    b.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut c = s.raw();
    let got = c.read_to_close();
    assert_eq!(got, b"-ERR max number of clients reached\r\n");
    drop(a);
    // The slot frees once the server has seen the close.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mut d = s.raw();
        d.send(b"PING\r\n");
        let mut buf = [0u8; 7];
        if d.stream.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "slot never freed");
        thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn large_bulk_in_small_pieces() {
    let s = TestServer::start();
    let mut c = s.raw();
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let msg = resp(&[b"ECHO", &big]);
    let mut w = c.stream.try_clone().expect("clone");
    let t = thread::spawn(move || {
        for chunk in msg.chunks(4093) {
            w.write_all(chunk).expect("write");
        }
    });
    let mut want = format!("${}\r\n", big.len()).into_bytes();
    want.extend_from_slice(&big);
    want.extend_from_slice(b"\r\n");
    let got = c.read_n(want.len());
    t.join().expect("writer");
    assert!(got == want);
}
