//! A model of a many-core machine that runs here: the real executor (`engine::exec`, its
//! channel, batching and reply hand-off) driven by 1..64 simulated I/O threads. Each
//! simulated thread owns a few connections and, like an I/O thread serving pipeline-1
//! clients, sends one batch per round with 1-4 commands per connection (GET:SET 10:1 on
//! 100k prefilled keys of 16 B), then waits for every reply before the next round.
//!
//! On a small machine the simulated threads share the cores with the executor, so the
//! figure that carries over to a big machine is the executor's own: commands per second of
//! executor CPU time (`exec_ceiling`), the rate one executor core could serve if the I/O
//! threads had cores of their own.
//!
//! ```text
//! cargo bench --bench manycore -- [--secs 2] [--threads 1,2,4,8,16,32,64] [--svg FILE]
//! ```

mod common;

// The SVG charts muxis-bench draws (its sweep uses the rest of the module and its tests).
#[path = "../src/bin/muxis-bench/plot.rs"]
#[allow(dead_code, unused_imports)]
mod plot;

use bytes::Bytes;
use common::{engine_for, key};
use crossbeam_channel::{Receiver, Sender, unbounded};
use hdrhistogram::Histogram;
use muxis::engine::exec::host::Host;
use muxis::engine::exec::{Executor, IoLink, Wake};
use muxis::engine::msg::{Batch, ConnId, ConnInfo, Event, Resolved, ToIo};
use muxis::shared::Shared;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

muxis::use_allocator!();

const KEYS: usize = 100_000;
const CONNS_PER_THREAD: usize = 4;

/// The simulated threads block on their channel, which wakes them; nothing else to do.
struct NoWake;

impl Wake for NoWake {
    fn wake(&self) {}
}

/// The executor's own reactor in this model: no sockets. It sleeps until a simulated
/// thread rings the doorbell, as the real one sleeps in its poll.
struct Parked;

impl Host for Parked {
    fn poll(&mut self, timeout: Duration) {
        std::thread::park_timeout(timeout);
    }

    fn flush(&mut self) -> bool {
        true
    }
}

/// The doorbell's wake for [`Parked`].
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(&self) {
        self.0.unpark();
    }
}

/// What one simulated I/O thread measured.
struct Tally {
    commands: u64,
    rounds: Histogram<u64>,
}

/// The CPU time the calling thread has used.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec that outlives the call; the clock id is a
    // constant the kernel knows. On failure `ts` stays zero, which only skews the figure.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// One simulated I/O thread: opens its connections, then sends rounds until `until`.
#[allow(clippy::too_many_arguments)]
fn io_thread(
    t: usize,
    tx: Sender<Batch>,
    shared: Arc<Shared>,
    rx: Receiver<ToIo>,
    until: Instant,
    get: Resolved,
    set: Resolved,
    keys: Arc<Vec<Bytes>>,
) -> Tally {
    let conns: Vec<ConnId> = (0..CONNS_PER_THREAD)
        .map(|j| ConnId {
            id: 1_000 + (t * CONNS_PER_THREAD + j) as u64,
            slot: j as u32,
        })
        .collect();
    let mut batch = Batch {
        thread: t,
        ..Batch::default()
    };
    for &conn in &conns {
        let info = ConnInfo {
            addr: format!("127.0.0.1:{}", conn.id),
            laddr: "127.0.0.1:6379".into(),
            unix: false,
            fd: -1,
            alive: Arc::new(AtomicBool::new(true)),
            no_evict: Arc::default(),
        };
        let info = Box::new(info);
        batch.events.push(Event::Open { conn, info });
    }
    let (get_name, set_name) = (Bytes::from_static(b"GET"), Bytes::from_static(b"SET"));
    let value = Bytes::from_static(b"0123456789abcdef");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ t as u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut tally = Tally {
        commands: 0,
        rounds: Histogram::new(3).expect("histogram"),
    };
    while Instant::now() < until {
        let mut sent = 0;
        for &conn in &conns {
            for _ in 0..1 + next() % 4 {
                let k = keys[(next() % KEYS as u64) as usize].clone();
                let argv = batch.args.len() as u32;
                let cmd = if next() % 11 == 0 {
                    batch.args.extend([set_name.clone(), k, value.clone()]);
                    set
                } else {
                    batch.args.extend([get_name.clone(), k]);
                    get
                };
                let argc = batch.args.len() as u32 - argv;
                batch.events.push(Event::Command {
                    conn,
                    cmd,
                    argv,
                    argc,
                });
                sent += 1;
            }
        }
        let start = Instant::now();
        if tx.send(std::mem::take(&mut batch)).is_err() {
            break;
        }
        shared.bell.ring();
        let mut answered = 0;
        while answered < sent {
            let Ok(msg) = rx.recv() else {
                return tally;
            };
            if let ToIo::Replies(mut replies) = msg {
                answered += replies.spans.iter().map(|s| u64::from(s.done)).sum::<u64>();
                if let Some(spare) = replies.spare.take() {
                    batch = spare;
                }
                replies.buf.clear();
                replies.spans.clear();
                batch.spare = Some((replies.buf, replies.spans));
            }
        }
        batch.thread = t;
        let _ = tally.rounds.record(start.elapsed().as_micros() as u64);
        tally.commands += sent;
    }
    let mut bye = Batch {
        thread: t,
        ..Batch::default()
    };
    bye.events
        .extend(conns.iter().map(|&conn| Event::Closed { conn }));
    let _ = tx.send(bye);
    shared.bell.ring();
    tally
}

/// A batch that opens a connection and sends SHUTDOWN NOSAVE on it.
fn shutdown_batch() -> Batch {
    let conn = ConnId { id: 999, slot: 0 };
    let info = ConnInfo {
        addr: "127.0.0.1:999".into(),
        laddr: "127.0.0.1:6379".into(),
        unix: false,
        fd: -1,
        alive: Arc::new(AtomicBool::new(true)),
        no_evict: Arc::default(),
    };
    let cmd = Resolved::Known(
        muxis::cmd::TABLE
            .lookup(b"shutdown")
            .expect("known command"),
    );
    let mut batch = Batch::default();
    batch.events.push(Event::Open {
        conn,
        info: Box::new(info),
    });
    batch.args.extend([
        Bytes::from_static(b"SHUTDOWN"),
        Bytes::from_static(b"NOSAVE"),
    ]);
    batch.events.push(Event::Command {
        conn,
        cmd,
        argv: 0,
        argc: 2,
    });
    batch
}

/// One point: `threads` simulated I/O threads for `secs`.
struct Point {
    threads: usize,
    ops_per_sec: f64,
    exec_cpu_pct: f64,
    exec_ceiling: f64,
    p99_us: u64,
}

fn point(threads: usize, secs: f64) -> Point {
    let engine = engine_for(threads, KEYS, 16);
    let shared = engine.srv.shared.clone();
    let lookup = |name: &str| {
        let i = muxis::cmd::TABLE
            .lookup(name.as_bytes())
            .expect("known command");
        Resolved::Known(i)
    };
    let (get, set) = (lookup("get"), lookup("set"));
    let mut links = Vec::new();
    let mut inboxes = Vec::new();
    for _ in 0..threads {
        let (to_io, inbox) = unbounded::<ToIo>();
        let (tx, rx) = unbounded::<Batch>();
        links.push(IoLink {
            tx: to_io,
            waker: Arc::new(NoWake),
            rx,
        });
        inboxes.push((inbox, tx));
    }
    let spawn = Box::new(|_, _| Err(std::io::Error::other("no new threads in this model")));
    let executor = Executor::new(engine, links, spawn, Arc::new(AtomicBool::new(false)));
    let keys: Arc<Vec<Bytes>> = Arc::new((0..KEYS).map(key).collect());
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(secs);
    let bell = shared.clone();
    // Named, so that a profile can be read thread by thread (`perf report --sort comm`).
    let exec = std::thread::Builder::new()
        .name("executor".into())
        .spawn(move || {
            bell.bell.install(Arc::new(Unpark(std::thread::current())));
            let before = thread_cpu();
            executor.run(Box::new(Parked));
            thread_cpu() - before
        })
        .expect("spawn the executor");
    // Thread 0's queue carries the final SHUTDOWN too.
    let tx = inboxes[0].1.clone();
    let sims: Vec<_> = inboxes
        .into_iter()
        .enumerate()
        .map(|(t, (inbox, tx))| {
            let (keys, shared) = (keys.clone(), shared.clone());
            std::thread::spawn(move || io_thread(t, tx, shared, inbox, until, get, set, keys))
        })
        .collect();
    let mut commands = 0;
    let mut rounds = Histogram::<u64>::new(3).expect("histogram");
    for s in sims {
        let tally = s.join().expect("simulated I/O thread");
        commands += tally.commands;
        let _ = rounds.add(&tally.rounds);
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Every simulated thread is done: SHUTDOWN NOSAVE makes the executor return.
    let _ = tx.send(shutdown_batch());
    shared.bell.ring();
    let exec_cpu = exec.join().expect("executor").as_secs_f64();
    Point {
        threads,
        ops_per_sec: commands as f64 / elapsed,
        exec_cpu_pct: 100.0 * exec_cpu / elapsed,
        exec_ceiling: commands as f64 / exec_cpu.max(1e-9),
        p99_us: rounds.value_at_quantile(0.99),
    }
}

fn main() {
    let mut secs = 2.0;
    let mut counts = vec![1, 2, 4, 8, 16, 32, 64];
    let mut svg = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--secs" => secs = args.next().and_then(|v| v.parse().ok()).unwrap_or(secs),
            "--threads" => {
                if let Some(v) = args.next() {
                    counts = v.split(',').filter_map(|n| n.trim().parse().ok()).collect();
                }
            }
            "--svg" => svg = args.next(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    println!(
        "{:>8} {:>6} {:>12} {:>9} {:>14} {:>12}",
        "threads", "conns", "ops/s", "exec_cpu%", "exec_ceiling", "p99_round_us"
    );
    let mut points = Vec::new();
    for &n in counts.iter().filter(|n| (1..=128).contains(*n)) {
        let p = point(n, secs);
        println!(
            "{:>8} {:>6} {:>12.0} {:>9.1} {:>14.0} {:>12}",
            p.threads,
            p.threads * CONNS_PER_THREAD,
            p.ops_per_sec,
            p.exec_cpu_pct,
            p.exec_ceiling,
            p.p99_us
        );
        points.push(p);
    }
    if let Some(path) = svg {
        let at = |p: &Point, y: f64| (rank(&points, p.threads), y, p.p99_us as f64);
        let series = vec![
            plot::Series {
                name: "executor ceiling".into(),
                points: points.iter().map(|p| at(p, p.exec_ceiling)).collect(),
            },
            plot::Series {
                name: "measured here".into(),
                points: points.iter().map(|p| at(p, p.ops_per_sec)).collect(),
            },
        ];
        let ticks: Vec<(f64, String)> = points
            .iter()
            .map(|p| (rank(&points, p.threads), p.threads.to_string()))
            .collect();
        let text = plot::render_axis(&series, &[], "simulated I/O threads", &ticks);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("writing {path}: {e}");
        }
    }
}

/// The position of `threads` on the chart's x axis (1, 2, ...: a log scale for 1, 2, 4...).
fn rank(points: &[Point], threads: usize) -> f64 {
    points
        .iter()
        .position(|p| p.threads == threads)
        .unwrap_or(0) as f64
        + 1.0
}
