//! Many connections: the listen queue is `tcp-backlog` long, connections at rest cost little
//! memory, and resetting them all leaves nothing behind.

use super::proc::{Proc, call, eventually, info_field, read_line, reset};
use std::io::Write;
use std::net::TcpStream;
use std::process::Command;

/// The listener's accept queue is `tcp-backlog` (511 by default, as Redis), not the 128 a
/// plain bind gives: with 128, a burst of connections overflowed it and clients waited for
/// SYN retries (seconds each). `ss` shows a listener's queue length in its Send-Q column.
#[test]
fn listen_queue_is_tcp_backlog() {
    if Command::new("ss").arg("-V").output().is_err() {
        eprintln!("skipped: `ss` (iproute2) is not installed");
        return;
    }
    let file = std::env::temp_dir().join(format!("muxis-backlog-{}.conf", std::process::id()));
    std::fs::write(&file, "tcp-backlog 1000\n").expect("write config");
    let path = file.to_string_lossy().into_owned();
    for (args, want) in [(vec![], "511"), (vec!["--config", path.as_str()], "1000")] {
        let p = Proc::start(&args);
        let out = Command::new("ss")
            .args(["-ltnH", &format!("sport = :{}", p.addr.port())])
            .output()
            .expect("ss runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let send_q = text
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_string();
        assert_eq!(send_q, want, "ss said: {text}");
    }
    let _ = std::fs::remove_file(file);
}

/// 2,000 connections that each send one PING: all are answered, each costs a few KB at
/// rest (no read buffer is held by an idle connection), and after they are all reset the
/// server is back to one client.
#[test]
fn two_thousand_connections_cost_little_and_leave_nothing() {
    let p = Proc::start(&["--io-threads", "2"]);
    let mut admin = p.connect();
    assert_eq!(call(&mut admin, b"PING\r\n"), b"+PONG\r\n");
    let n = 2000;
    let before = p.rss_kb();
    let mut conns: Vec<TcpStream> = (0..n).map(|_| p.connect()).collect();
    for c in &mut conns {
        c.write_all(b"PING\r\n").expect("send");
    }
    for c in &mut conns {
        assert_eq!(read_line(c), b"+PONG\r\n");
    }
    assert_eq!(info_field(&mut admin, "connected_clients"), n + 1);
    let during = p.rss_kb();
    // Everything the first 2,000 connections grew, tables included: redis-server 7.0.15
    // grows 8.5 KB per connection here, muxis with a read buffer per connection 10 KB.
    let per_conn = (during.saturating_sub(before)) * 1024 / n;
    assert!(
        per_conn < 6 * 1024,
        "{per_conn} bytes of RSS per idle connection ({before} KiB -> {during} KiB)"
    );
    for c in conns {
        reset(c);
    }
    assert!(
        eventually(20, || info_field(&mut admin, "connected_clients") == 1),
        "reset connections are still counted"
    );
}
