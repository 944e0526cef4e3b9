//! MONITOR over TCP: the line format, what is shown and in which order, monitors on other
//! I/O threads than the writers, RESET, CLIENT LIST's flag, and the output limit.

use crate::common::{TestServer, run};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A connection in MONITOR mode.
struct Monitor {
    reader: BufReader<TcpStream>,
}

impl Monitor {
    fn start(s: &TestServer) -> Monitor {
        let mut stream = TcpStream::connect(s.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(b"MONITOR\r\n").expect("send");
        let mut m = Monitor {
            reader: BufReader::new(stream),
        };
        assert_eq!(m.line(), "+OK");
        m
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.reader.read_line(&mut l).expect("a line");
        assert!(l.ends_with("\r\n"), "{l:?}");
        l.truncate(l.len() - 2);
        l
    }

    /// The next line, without its timestamp and with the port masked: `[db origin] args`.
    fn next(&mut self) -> String {
        let l = self.line();
        let (stamp, rest) = l.split_once(' ').expect("a stamp");
        let (secs, micros) = stamp[1..].split_once('.').expect("secs.micros");
        assert!(stamp.starts_with('+') && secs.parse::<u64>().is_ok(), "{l}");
        assert_eq!(micros.len(), 6, "{l}");
        mask_port(rest)
    }
}

fn mask_port(s: &str) -> String {
    match s.split_once("127.0.0.1:") {
        Some((a, b)) => {
            let digits = b.find(|c: char| !c.is_ascii_digit()).unwrap_or(b.len());
            format!("{a}127.0.0.1:P{}", &b[digits..])
        }
        None => s.to_string(),
    }
}

#[test]
fn shows_commands_in_order_in_redis_format() {
    let s = TestServer::with(|c| c.io_threads = 3);
    // Connected first: the client library's own set-up commands would show.
    let mut a = s.client();
    let mut b = s.client();
    let mut m = Monitor::start(&s);
    run(&mut a, &["SET", "k", "a \"quoted\"\n\x01 value"]).expect("set");
    run(&mut b, &["SELECT", "2"]).expect("select");
    run(&mut a, &["GET", "k"]).expect("get");
    assert!(run(&mut a, &["GET"]).is_err()); // rejected: not shown
    run(&mut a, &["CONFIG", "GET", "port"]).expect("admin: not shown");
    let _ = run(&mut b, &["AUTH", "nosuch", "pw"]);
    run(&mut a, &["MULTI"]).expect("multi");
    run(&mut a, &["INCR", "n"]).expect("queued");
    run(&mut a, &["EXEC"]).expect("exec");
    run(
        &mut a,
        &["EVAL", "return redis.call('get', KEYS[1])", "1", "k"],
    )
    .expect("eval");
    run(&mut b, &["PING"]).expect("ping");
    let want = [
        r#"[0 127.0.0.1:P] "SET" "k" "a \"quoted\"\n\x01 value""#,
        r#"[2 127.0.0.1:P] "SELECT" "2""#,
        r#"[0 127.0.0.1:P] "GET" "k""#,
        r#"[2 127.0.0.1:P] "AUTH" "(redacted)" "(redacted)""#,
        r#"[0 127.0.0.1:P] "MULTI""#,
        r#"[0 127.0.0.1:P] "INCR" "n""#,
        r#"[0 127.0.0.1:P] "EXEC""#,
        r#"[0 127.0.0.1:P] "EVAL" "return redis.call('get', KEYS[1])" "1" "k""#,
        r#"[0 lua] "get" "k""#,
        r#"[2 127.0.0.1:P] "PING""#,
    ];
    for w in want {
        assert_eq!(m.next(), w);
    }
}

#[test]
fn every_monitor_gets_every_line_and_reset_stops_it() {
    let s = TestServer::with(|c| c.io_threads = 3);
    let mut c = s.client();
    let mut m1 = Monitor::start(&s);
    let mut m2 = Monitor::start(&s);
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut c)
        .expect("list");
    assert_eq!(
        list.lines().filter(|l| l.contains(" flags=O ")).count(),
        2,
        "{list}"
    );
    // CLIENT LIST is an admin command: not shown.
    for i in 0..50 {
        run(&mut c, &["SET", "k", &i.to_string()]).expect("set");
    }
    for m in [&mut m1, &mut m2] {
        for i in 0..50 {
            assert_eq!(m.next(), format!(r#"[0 127.0.0.1:P] "SET" "k" "{i}""#));
        }
    }
    // RESET ends monitoring: m1 gets its reply, then nothing more.
    m1.reader.get_mut().write_all(b"RESET\r\n").expect("send");
    assert_eq!(m1.line(), "+RESET");
    run(&mut c, &["SET", "after", "1"]).expect("set");
    // m2 sees m1's RESET and the SET.
    assert_eq!(m2.next(), r#"[0 127.0.0.1:P] "RESET""#);
    assert_eq!(m2.next(), r#"[0 127.0.0.1:P] "SET" "after" "1""#);
    m1.reader.get_mut().write_all(b"PING\r\n").expect("send");
    assert_eq!(m1.line(), "+PONG");
}

#[test]
fn a_monitor_over_the_normal_output_limit_is_disconnected() {
    let s = TestServer::start();
    let mut c = s.client();
    run(
        &mut c,
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 100kb 0 0",
        ],
    )
    .expect("set limit");
    let mut m = TcpStream::connect(s.addr).expect("connect");
    m.write_all(b"MONITOR\r\n").expect("send");
    std::thread::sleep(Duration::from_millis(100));
    // The monitor never reads: its lines pile up past the limit.
    let big = "v".repeat(64 * 1024);
    for _ in 0..300 {
        run(&mut c, &["SET", "k", &big]).expect("set");
    }
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query(&mut c)
            .expect("list");
        !list.contains(" flags=O ")
    });
    assert!(gone, "the monitor is still connected");
}
