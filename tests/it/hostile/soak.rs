//! A soak of every misbehaviour at once, against the real binary for a bounded time:
//! ~2,000 connections doing mixed pipelined traffic with random resets, BLPOP waiters reset
//! mid-wait (some with their output backed up), and subscribers that stop reading. Then
//! every element pushed is accounted for (popped by a live client or still in its list) and
//! RSS comes back to within 20% of where it started.

use super::proc::{Proc, call, eventually, info_field, read_line, reset};
use crate::common::resp;
use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the chaos runs.
const SOAK: Duration = Duration::from_secs(8);
const TRAFFIC_THREADS: usize = 4;
const CONNS_PER_TRAFFIC_THREAD: usize = 400;
const SUBSCRIBERS: usize = 200;
const LANES: usize = 40;
const KEYS: usize = 500;

/// A small deterministic RNG (xorshift), so a failure can be rerun with the same choices.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Reads one whole RESP2 reply of any shape and throws it away.
fn skip_reply(s: &mut TcpStream) {
    let line = read_line(s);
    let n: i64 = std::str::from_utf8(&line[1..line.len() - 2])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    match line[0] {
        b'$' if n >= 0 => {
            let mut data = vec![0; n as usize + 2];
            s.read_exact(&mut data).expect("bulk data");
        }
        b'*' => (0..n.max(0)).for_each(|_| skip_reply(s)),
        _ => {}
    }
}

/// One random data command over a small keyspace.
fn random_command(rng: &mut Rng, worker: usize) -> Vec<u8> {
    let key = format!("k{}", rng.below(KEYS));
    let list = format!("scratch{worker}");
    match rng.below(9) {
        0 => resp(&[b"SET", key.as_bytes(), &[b'v'; 100]]),
        1 => resp(&[b"GET", key.as_bytes()]),
        2 => resp(&[b"INCR", format!("ctr{}", rng.below(10)).as_bytes()]),
        3 => resp(&[b"LPUSH", list.as_bytes(), b"x"]),
        4 => resp(&[b"LTRIM", list.as_bytes(), b"0", b"99"]),
        5 => resp(&[b"LRANGE", list.as_bytes(), b"0", b"20"]),
        6 => resp(&[
            b"HSET",
            format!("h{}", rng.below(50)).as_bytes(),
            b"f",
            b"1",
        ]),
        7 => resp(&[b"MGET", b"k1", b"k2", b"k3", b"k4"]),
        _ => resp(&[b"PING"]),
    }
}

/// Mixed pipelined traffic over many connections; some are reset instead of read.
fn traffic(p: &Proc, worker: usize, stop: Arc<AtomicBool>) -> JoinHandle<u64> {
    let mut conns: Vec<TcpStream> = (0..CONNS_PER_TRAFFIC_THREAD).map(|_| p.connect()).collect();
    let addr = p.addr;
    std::thread::spawn(move || {
        let mut rng = Rng(0x9E37_79B9 + worker as u64);
        let mut replies = 0;
        while !stop.load(Ordering::Relaxed) {
            let i = rng.below(conns.len());
            let n = 1 + rng.below(32);
            let mut pipeline = Vec::new();
            for _ in 0..n {
                pipeline.extend_from_slice(&random_command(&mut rng, worker));
            }
            conns[i].write_all(&pipeline).expect("send");
            if rng.below(50) == 0 {
                // Reset with replies unread, and take a fresh connection in its place.
                let fresh = TcpStream::connect(addr).expect("reconnects");
                fresh.set_read_timeout(Some(Duration::from_secs(10))).ok();
                reset(std::mem::replace(&mut conns[i], fresh));
                continue;
            }
            (0..n).for_each(|_| skip_reply(&mut conns[i]));
            replies += n as u64;
        }
        conns.into_iter().for_each(reset);
        replies
    })
}

/// Subscribers, a quarter of which never read, and a publisher.
fn pubsub(p: &Proc, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    let mut subs: Vec<TcpStream> = (0..SUBSCRIBERS).map(|_| p.connect()).collect();
    for s in &mut subs {
        s.write_all(&resp(&[b"SUBSCRIBE", b"soak:ch"]))
            .expect("send");
        skip_reply(s);
        s.set_nonblocking(true).expect("nonblocking");
    }
    let mut publisher = p.connect();
    std::thread::spawn(move || {
        let msg = vec![b'm'; 4096];
        let mut buf = vec![0u8; 64 * 1024];
        while !stop.load(Ordering::Relaxed) {
            call(&mut publisher, &resp(&[b"PUBLISH", b"soak:ch", &msg]));
            for s in subs.iter_mut().skip(SUBSCRIBERS / 4) {
                loop {
                    match s.read(&mut buf) {
                        Ok(n) if n > 0 => {}
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        _ => break,
                    }
                }
            }
        }
        subs.into_iter().for_each(reset);
    })
}

/// Lanes: a waiter blocks on the lane's list (sometimes behind unread big replies) and is
/// reset; once the server has let it go, an element is pushed, which the lane's live
/// consumer or the list must then hold. Returns (pushed, consumed) element names.
fn lanes(p: &Proc, first: usize, stop: Arc<AtomicBool>) -> JoinHandle<[BTreeSet<String>; 2]> {
    let addr = p.addr;
    let connect = move || {
        let s = TcpStream::connect(addr).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        s
    };
    std::thread::spawn(move || {
        let mut admin = connect();
        let mut pushed = BTreeSet::new();
        let mut consumed = BTreeSet::new();
        let mut consumers: Vec<TcpStream> = (0..LANES / 2).map(|_| connect()).collect();
        let mut round = 0;
        while !stop.load(Ordering::Relaxed) {
            for (j, consumer) in consumers.iter_mut().enumerate() {
                let lane = format!("lane{}", first + j);
                let mut victim = connect();
                let id = String::from_utf8_lossy(&call(&mut victim, b"CLIENT ID\r\n")[1..])
                    .trim()
                    .to_string();
                let mut pipeline = Vec::new();
                if round % 2 == 0 {
                    pipeline = resp(&[b"GET", b"soakbig"]).repeat(40);
                }
                pipeline.extend_from_slice(&resp(&[b"BLPOP", lane.as_bytes(), b"0"]));
                victim.write_all(&pipeline).expect("send");
                std::thread::sleep(Duration::from_millis(2));
                reset(victim);
                let gone = eventually(10, || {
                    call(&mut admin, format!("CLIENT LIST ID {id}\r\n").as_bytes()) == b"$0\r\n\r\n"
                });
                assert!(gone, "reset waiter {id} is still listed");
                let element = format!("e:{lane}:{round}");
                call(
                    &mut admin,
                    &resp(&[b"LPUSH", lane.as_bytes(), element.as_bytes()]),
                );
                pushed.insert(element);
                // The live consumer takes what is there (or times out at once).
                let reply = call(consumer, &resp(&[b"BLPOP", lane.as_bytes(), b"0.01"]));
                if reply.starts_with(b"*2") {
                    let _key = super::proc::read_reply(consumer);
                    let value = super::proc::read_reply(consumer);
                    let text = String::from_utf8_lossy(&value);
                    consumed.insert(text.lines().nth(1).unwrap_or_default().to_string());
                }
            }
            round += 1;
        }
        [pushed, consumed]
    })
}

#[test]
fn soak_of_resets_stalls_and_floods_loses_nothing_and_gives_memory_back() {
    let p = Proc::start(&["--io-threads", "2"]);
    let mut admin = p.connect();
    let limit = resp(&[
        b"CONFIG",
        b"SET",
        b"client-output-buffer-limit",
        b"pubsub 1mb 256kb 1",
    ]);
    assert_eq!(call(&mut admin, &limit), b"+OK\r\n");
    let value = vec![b'b'; 100_000];
    assert_eq!(
        call(&mut admin, &resp(&[b"SET", b"soakbig", &value])),
        b"+OK\r\n"
    );
    for i in 0..KEYS {
        let key = format!("k{i}");
        call(&mut admin, &resp(&[b"SET", key.as_bytes(), &[b'v'; 100]]));
    }
    let start_rss = p.rss_kb();

    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..TRAFFIC_THREADS)
        .map(|w| traffic(&p, w, stop.clone()))
        .collect();
    let subs = pubsub(&p, stop.clone());
    let lane_threads = [
        lanes(&p, 0, stop.clone()),
        lanes(&p, LANES / 2, stop.clone()),
    ];
    let began = Instant::now();
    while began.elapsed() < SOAK {
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(call(&mut admin, b"PING\r\n"), b"+PONG\r\n");
    }
    stop.store(true, Ordering::Relaxed);
    let replies: u64 = workers
        .into_iter()
        .map(|w| w.join().expect("traffic thread"))
        .sum();
    subs.join().expect("pub/sub thread");
    let mut pushed = BTreeSet::new();
    let mut consumed = BTreeSet::new();
    for t in lane_threads {
        let [p, c] = t.join().expect("lane thread");
        pushed.extend(p);
        consumed.extend(c);
    }
    assert!(replies > 0 && !pushed.is_empty(), "the soak did nothing");

    // Every element is either consumed or still in its lane.
    let mut remaining = BTreeSet::new();
    for lane in 0..LANES {
        let key = format!("lane{lane}");
        admin
            .write_all(&resp(&[b"LRANGE", key.as_bytes(), b"0", b"-1"]))
            .expect("send");
        let header = read_line(&mut admin);
        let n: usize = String::from_utf8_lossy(&header[1..])
            .trim()
            .parse()
            .expect("count");
        for _ in 0..n {
            let item = super::proc::read_reply(&mut admin);
            let text = String::from_utf8_lossy(&item);
            remaining.insert(text.lines().nth(1).unwrap_or_default().to_string());
        }
    }
    let accounted: BTreeSet<String> = consumed.union(&remaining).cloned().collect();
    let lost: Vec<_> = pushed.difference(&accounted).collect();
    assert!(lost.is_empty(), "elements lost: {lost:?}");

    assert!(
        eventually(20, || info_field(&mut admin, "connected_clients") == 1),
        "clients left behind after the soak"
    );
    assert_eq!(info_field(&mut admin, "blocked_clients"), 0);
    // Freed memory goes back to the system once the clients are gone.
    let back = eventually(20, || p.rss_kb() * 10 <= start_rss * 12);
    assert!(
        back,
        "RSS {} KiB after the soak, {start_rss} KiB before",
        p.rss_kb()
    );
}
