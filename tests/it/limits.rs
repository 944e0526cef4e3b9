//! Connection limits: `timeout` (idle clients closed), `tcp-keepalive` on accepted sockets,
//! `maxmemory-clients` (the biggest clients evicted, CLIENT NO-EVICT ones spared), and
//! `protected-mode` seen from a non-loopback peer (in a private network namespace, side by
//! side with redis-server).

use crate::common::{TestServer, run};
use redis::Value;
use std::io::{Read, Write};
use std::os::fd::RawFd;
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether the server closed `raw` (end of file or reset) within `within`.
fn closed_within(raw: &mut crate::common::Raw, within: Duration) -> bool {
    raw.stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 64];
    match raw.stream.read(&mut buf) {
        Ok(0) => true,
        Ok(n) => panic!("unexpected bytes: {:?}", String::from_utf8_lossy(&buf[..n])),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => true,
        Err(_) => false,
    }
}

#[test]
fn idle_clients_are_closed_after_timeout_but_not_waiting_or_subscribed_ones() {
    let s = TestServer::with(|c| c.timeout = 1);
    let mut c = s.client();
    assert_eq!(
        run(&mut c, &["CONFIG", "GET", "timeout"]).unwrap(),
        Value::Array(vec![
            Value::BulkString(b"timeout".to_vec()),
            Value::BulkString(b"1".to_vec()),
        ])
    );
    let start = Instant::now();
    let mut idle = s.raw();
    idle.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut blocked = s.raw();
    blocked.send(b"BLPOP nothing 0\r\n");
    let mut subscriber = s.raw();
    subscriber.send(b"SUBSCRIBE ch\r\n");
    subscriber.expect(b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    let mut busy = s.raw();
    // Redis closes when idle for more than `timeout` whole seconds: never within 1 s.
    assert!(!closed_within(&mut idle, Duration::from_millis(900)));
    for _ in 0..6 {
        busy.roundtrip(b"PING\r\n", b"+PONG\r\n");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        closed_within(&mut idle, Duration::from_secs(3)),
        "idle client still open after {:?}",
        start.elapsed()
    );
    // Well past the timeout: the others are still there and served.
    busy.roundtrip(b"PING\r\n", b"+PONG\r\n");
    busy.roundtrip(b"RPUSH nothing x\r\n", b":1\r\n");
    blocked.expect(b"*2\r\n$7\r\nnothing\r\n$1\r\nx\r\n");
    subscriber.roundtrip(b"PING\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    // `c` was idle too. Left: the blocked, the subscriber, the busy one and `d`.
    let mut d = s.client();
    let list = run(&mut d, &["CLIENT", "LIST"]).unwrap();
    let Value::BulkString(list) = list else {
        panic!("{list:?}")
    };
    assert_eq!(String::from_utf8_lossy(&list).lines().count(), 4);
}

fn evicted_clients(c: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO").arg("stats").query(c).unwrap();
    let line = info
        .lines()
        .find(|l| l.starts_with("evicted_clients:"))
        .unwrap();
    line["evicted_clients:".len()..].trim().parse().unwrap()
}

/// A command whose 5 MB value is 3 MB in: the query buffer holds the whole bulk.
const HALF_A_BIG_SET: &[u8] = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000000\r\n";

#[test]
fn maxmemory_clients_evicts_the_biggest_client_but_not_a_no_evict_one() {
    let s = TestServer::with(|c| {
        c.io_threads = 2;
        c.set("maxmemory-clients", "1mb").expect("valid");
    });
    let mut small = s.client();
    // A client marked NO-EVICT grows past the limit alone and stays.
    let mut kept = s.raw();
    kept.roundtrip(b"CLIENT NO-EVICT on\r\n", b"+OK\r\n");
    kept.send(HALF_A_BIG_SET);
    kept.send(&vec![b'x'; 3_000_000]);
    // ...then one that may be evicted does: it is the one closed, and so is every other
    // evictable client while the spared one alone stays over the limit, as in Redis.
    std::thread::sleep(Duration::from_millis(300));
    let mut big = s.raw();
    big.send(HALF_A_BIG_SET);
    // The server may close it while it is still sending: that is the eviction.
    let _ = big.stream.write_all(&vec![b'x'; 3_000_000]);
    assert!(closed_within(&mut big, Duration::from_secs(3)));
    // The spared client finishes its command.
    kept.send(&vec![b'x'; 2_000_000]);
    kept.send(b"\r\n");
    kept.expect(b"+OK\r\n");
    // Now under the limit: a new small client is left alone.
    let mut fresh = s.client();
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("1")
        .query(&mut fresh)
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let n = evicted_clients(&mut fresh);
    assert!(n >= 1, "evicted_clients {n}");
    let v: String = redis::cmd("GET").arg("a").query(&mut fresh).unwrap();
    assert_eq!(v, "1");
    assert_eq!(
        evicted_clients(&mut fresh),
        n,
        "nothing evicted under the limit"
    );
    // The small client was evictable while the spared one stayed over the limit.
    assert!(redis::cmd("PING").query::<String>(&mut small).is_err());
}

#[test]
fn maxmemory_clients_zero_evicts_nobody() {
    let s = TestServer::start();
    let mut c = s.client();
    let mut big = s.raw();
    big.send(HALF_A_BIG_SET);
    big.send(&vec![b'x'; 3_000_000]);
    assert!(!closed_within(&mut big, Duration::from_millis(500)));
    assert_eq!(evicted_clients(&mut c), 0);
}

#[test]
fn timeout_zero_never_closes_and_config_set_turns_it_on() {
    let s = TestServer::start();
    let mut c = s.client();
    let mut idle = s.raw();
    idle.roundtrip(b"PING\r\n", b"+PONG\r\n");
    assert!(!closed_within(&mut idle, Duration::from_millis(2500)));
    run(&mut c, &["CONFIG", "SET", "timeout", "1"]).unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(4)));
    assert_eq!(
        run(&mut s.client(), &["PING"]).unwrap(),
        Value::SimpleString("PONG".into())
    );
}

/// Reads an int socket option of `fd` (a socket of the server running in this process).
fn sockopt(fd: RawFd, level: libc::c_int, name: libc::c_int) -> libc::c_int {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: an out-value of the size given; a bad fd only makes the call fail.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "getsockopt on fd {fd}");
    v
}

/// The server-side fd of the connection that runs this command (`CLIENT INFO`'s `fd=`).
fn own_fd(c: &mut redis::Connection) -> RawFd {
    let Value::BulkString(info) = run(c, &["CLIENT", "INFO"]).unwrap() else {
        panic!("CLIENT INFO")
    };
    String::from_utf8_lossy(&info)
        .split_whitespace()
        .find_map(|f| f.strip_prefix("fd=").map(|n| n.parse().unwrap()))
        .expect("fd= field")
}

#[test]
fn tcp_keepalive_is_applied_to_accepted_connections() {
    let s = TestServer::with(|c| c.tcp_keepalive = 60);
    let mut c = s.client();
    let fd = own_fd(&mut c);
    assert_eq!(sockopt(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE), 1);
    assert_eq!(sockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE), 60);
    assert_eq!(sockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL), 20);
    // CONFIG SET applies to connections accepted afterwards, as in Redis.
    run(&mut c, &["CONFIG", "SET", "tcp-keepalive", "0"]).unwrap();
    let mut d = s.client();
    let fd = own_fd(&mut d);
    assert_eq!(sockopt(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE), 0);
}

/// Runs `limits/protected.sh` with `server` in a new network namespace; None when this
/// machine cannot make one.
fn protected_script(server: &str) -> Option<Vec<u8>> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/limits/protected.sh");
    let out = Command::new("timeout")
        .args(["60", "unshare", "-rn", "bash", script, server])
        .output()
        .ok()?;
    (out.status.success() && !out.stdout.is_empty()).then_some(out.stdout)
}

#[test]
fn protected_mode_denies_non_loopback_peers_like_redis() {
    let Some(got) = protected_script(env!("CARGO_BIN_EXE_muxis")) else {
        eprintln!("skipped: no unprivileged network namespace here (unshare -rn)");
        return;
    };
    let denied = muxis::net::limits::DENIED;
    let expected = format!(
        "== remote\n{denied}\n\
         == local\n+PONG\r\n+OK\r\n+OK\r\n\n\
         == remote with password\n-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n+OK\r\n\n\
         == local\n+OK\r\n+OK\r\n+OK\r\n\n\
         == remote\n{denied}\n\
         == local\n+OK\r\n+OK\r\n\n\
         == remote, mode off\n+PONG\r\n+OK\r\n\n"
    );
    assert_eq!(String::from_utf8_lossy(&got), expected);
    if std::path::Path::new("/usr/bin/redis-server").exists() {
        let redis = protected_script("/usr/bin/redis-server").expect("redis-server runs");
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&redis),
            "muxis and redis-server differ"
        );
    }
}
