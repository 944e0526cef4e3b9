//! Live thread tuning: `CONFIG SET io-threads` and pinning while clients are busy.

use crate::common::*;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Sets io-threads, retrying while a previous change is still moving connections.
fn set_io_threads(admin: &mut redis::Connection, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r: redis::RedisResult<()> = redis::cmd("CONFIG")
            .arg("SET")
            .arg("io-threads")
            .arg(n)
            .query(admin);
        match r {
            Ok(()) => return,
            Err(e) if e.to_string().contains("still moving") => {
                assert!(Instant::now() < deadline, "resize never settled");
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("CONFIG SET io-threads {n}: {e}"),
        }
    }
}

/// Each client's io-thread from CLIENT LIST.
fn client_threads(admin: &mut redis::Connection) -> Vec<usize> {
    let list: String = redis::cmd("CLIENT").arg("LIST").query(admin).expect("list");
    list.lines()
        .filter_map(|l| l.split(' ').find_map(|f| f.strip_prefix("io-thread=")))
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Pipelined INCRs on its own key; every reply is checked in order.
fn worker(addr: std::net::SocketAddr, key: String, stop: Arc<AtomicBool>) -> u64 {
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut n = 0u64;
    let cmd = resp(&[b"INCR", key.as_bytes()]);
    while !stop.load(Ordering::Relaxed) {
        let depth = 32;
        s.write_all(&cmd.repeat(depth)).expect("send");
        let mut want = Vec::new();
        for i in 1..=depth as u64 {
            want.extend_from_slice(format!(":{}\r\n", n + i).as_bytes());
        }
        let mut got = vec![0; want.len()];
        s.read_exact(&mut got).expect("every reply arrives");
        assert!(
            got == want,
            "replies lost or out of order for {key} after {n}"
        );
        n += depth as u64;
    }
    n
}

#[test]
fn io_threads_change_up_and_down_under_pipelined_load() {
    let s = TestServer::with(|c| c.io_threads = 4);
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let (addr, stop) = (s.addr, stop.clone());
            thread::spawn(move || worker(addr, format!("counter:{i}"), stop))
        })
        .collect();
    let mut admin = s.client();
    for n in [1, 3, 2, 4, 1, 2, 3] {
        thread::sleep(Duration::from_millis(150));
        set_io_threads(&mut admin, n);
        let got: Vec<String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("io-threads")
            .query(&mut admin)
            .expect("get");
        assert_eq!(got, vec!["io-threads".to_string(), n.to_string()]);
    }
    thread::sleep(Duration::from_millis(150));
    stop.store(true, Ordering::Relaxed);
    let counts: Vec<u64> = workers
        .into_iter()
        .map(|w| w.join().expect("worker"))
        .collect();
    for (i, n) in counts.iter().enumerate() {
        assert!(*n > 0, "worker {i} did nothing");
        let v: u64 = redis::cmd("GET")
            .arg(format!("counter:{i}"))
            .query(&mut admin)
            .expect("get");
        assert_eq!(v, *n, "counter {i}");
    }
    // Once the last shrink settles, every client lives on an active thread.
    set_io_threads(&mut admin, 2);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let threads = client_threads(&mut admin);
        if threads.iter().all(|&t| t < 2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "clients left on retired threads: {threads:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn new_threads_take_new_connections_and_info_follows() {
    let s = TestServer::with(|c| c.io_threads = 1);
    let mut admin = s.client();
    set_io_threads(&mut admin, 3);
    let clients: Vec<_> = (0..6).map(|_| s.raw()).collect();
    for mut c in clients.iter().map(|c| Raw {
        stream: c.stream.try_clone().expect("clone"),
    }) {
        c.roundtrip(b"PING\r\n", b"+PONG\r\n");
    }
    // New clients go to the new threads, and thread 0 (the executor's own) hands its
    // clients (the admin) over to them.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut threads = client_threads(&mut admin);
        threads.sort();
        threads.dedup();
        if threads == vec![1, 2] {
            break;
        }
        assert!(Instant::now() < deadline, "clients on threads {threads:?}");
        thread::sleep(Duration::from_millis(20));
    }
    let info: String = redis::cmd("INFO")
        .arg("threads")
        .query(&mut admin)
        .expect("info");
    assert!(info.contains("io_threads:3"), "{info}");
    assert!(info.contains("io_thread_2:"), "{info}");
    set_io_threads(&mut admin, 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while client_threads(&mut admin).iter().any(|&t| t != 0) {
        assert!(Instant::now() < deadline, "connections not moved");
        thread::sleep(Duration::from_millis(20));
    }
    // The moved connections still work.
    for c in &clients {
        let mut c = Raw {
            stream: c.stream.try_clone().expect("clone"),
        };
        c.roundtrip(b"ECHO moved\r\n", b"$5\r\nmoved\r\n");
    }
    let info: String = redis::cmd("INFO")
        .arg("threads")
        .query(&mut admin)
        .expect("info");
    assert!(
        info.contains("io_threads:1") && !info.contains("io_thread_2:"),
        "{info}"
    );
}

#[test]
fn a_blocked_client_and_a_subscriber_survive_a_move() {
    let s = TestServer::with(|c| c.io_threads = 2);
    let mut admin = s.client();
    let mut sub = s.raw();
    let mut other = s.raw();
    sub.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    set_io_threads(&mut admin, 1);
    for i in 0..50 {
        let n: i64 = redis::cmd("PUBLISH")
            .arg("ch")
            .arg(i)
            .query(&mut admin)
            .expect("publish");
        assert_eq!(n, 1);
    }
    for i in 0..50 {
        let m = i.to_string();
        sub.expect(
            format!("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n${}\r\n{m}\r\n", m.len()).as_bytes(),
        );
    }
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn bad_thread_settings_are_refused() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &resp(&[b"CONFIG", b"SET", b"io-threads", b"0"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'io-threads') - argument must be between 1 and 128 inclusive\r\n",
    );
    c.roundtrip(
        &resp(&[b"CONFIG", b"SET", b"io-cpus", b"4000"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'io-cpus') - CPU 4000 is not available\r\n",
    );
    // Pinning to an available CPU and unpinning work at runtime.
    c.roundtrip(
        &resp(&[b"CONFIG", b"SET", b"io-cpus", b"0", b"main-cpu", b"0"]),
        b"+OK\r\n",
    );
    c.roundtrip(
        &resp(&[b"CONFIG", b"GET", b"io-cpus"]),
        b"*2\r\n$7\r\nio-cpus\r\n$1\r\n0\r\n",
    );
    c.roundtrip(
        &resp(&[b"CONFIG", b"SET", b"io-cpus", b"", b"main-cpu", b""]),
        b"+OK\r\n",
    );
    c.roundtrip(
        &resp(&[b"CONFIG", b"GET", b"main-cpu"]),
        b"*2\r\n$8\r\nmain-cpu\r\n$0\r\n\r\n",
    );
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
}
