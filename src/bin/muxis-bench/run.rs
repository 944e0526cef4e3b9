//! `muxis-bench run`: connects, starts the client threads, prints progress once a second,
//! merges the threads' histograms and builds the [`Summary`].

use crate::args::{self, Format, Load, RunFlags};
use crate::blocking;
use crate::cpu;
use crate::error::Error;
use crate::hist::{self, Hist};
use crate::load::{Plan, Snapshot, Worker};
use crate::report::{Summary, per};
use std::io::{IsTerminal, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the once-a-second progress line goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Off,
    /// Rewrite one line in place (stderr is a terminal).
    Terminal,
    /// One line per second (stderr is a file or pipe).
    Lines,
}

impl Progress {
    pub fn pick(forced: bool) -> Progress {
        match (std::io::stderr().is_terminal(), forced) {
            (true, _) => Progress::Terminal,
            (false, true) => Progress::Lines,
            (false, false) => Progress::Off,
        }
    }
}

/// The `run` subcommand. Ok(false) when the run lost connections.
pub fn main(flags: &RunFlags, stop: &Arc<AtomicBool>) -> Result<bool, Error> {
    let addr = args::loopback(&flags.host, flags.port)?;
    let load = flags.load.resolve()?;
    if load.prefill {
        blocking::prefill(addr, &load)?;
    }
    let summary = execute(addr, &load, Progress::pick(flags.progress), stop)?;
    let out = match flags.format {
        Format::Text => summary.text(),
        Format::Json => summary.json() + "\n",
        Format::Csv => format!("{}\n{}\n", Summary::csv_header(), summary.csv_row()),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Error::io("writing the summary"))?;
    Ok(summary.conn_errors == 0)
}

/// Runs `load` against `addr` and summarises it.
pub fn execute(
    addr: SocketAddr,
    load: &Load,
    progress: Progress,
    stop: &Arc<AtomicBool>,
) -> Result<Summary, Error> {
    let mut streams = Vec::with_capacity(load.connections);
    for _ in 0..load.connections {
        let s = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
            .map_err(Error::io(format!("connecting to {addr}")))?;
        s.set_nodelay(true).map_err(Error::io("TCP_NODELAY"))?;
        streams.push(s);
    }
    let (tx, rx) = mpsc::channel::<Snapshot>();
    // Spread connections evenly: the first `extra` threads take one more.
    let (per_thread, extra) = (
        load.connections / load.threads,
        load.connections % load.threads,
    );
    let mut workers = Vec::with_capacity(load.threads);
    let mut first = 0;
    for t in 0..load.threads {
        let n = per_thread + usize::from(t < extra);
        let mine: Vec<TcpStream> = streams.drain(..n).collect();
        let w = Worker::new(mine, first, load, tx.clone())
            .map_err(Error::io("setting up a client thread"))?;
        workers.push(w);
        first += n;
    }
    drop(tx);
    let plan = Plan {
        load: load.clone(),
        value: vec![b'x'; load.value_size],
        base: Instant::now(),
        deadline_ns: load.duration.as_nanos() as u64,
        stop: stop.clone(),
        remaining: match load.rate {
            None => load.requests.map(AtomicU64::new),
            Some(_) => None,
        },
        chunk: load
            .requests
            .map_or(1, |n| (n / (load.threads as u64 * 64)).clamp(1, 1024)),
    };
    let cpu0 = cpu::own();
    let (total, ops, errors, tallies) = std::thread::scope(|scope| {
        let handles: Vec<_> = workers
            .into_iter()
            .map(|w| {
                let plan = &plan;
                scope.spawn(move || w.run(plan))
            })
            .collect();
        let (total, ops, errors) = collect(&rx, plan.base, progress);
        let tallies: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        (total, ops, errors, tallies)
    });
    let cpu = cpu::own().saturating_sub(cpu0);
    let mut s = Summary {
        host: addr.ip().to_string(),
        port: addr.port(),
        threads: load.threads,
        connections: load.connections,
        pipeline: load.pipeline,
        keyspace: load.keyspace,
        key_pattern: load.keys.describe(),
        value_size: load.value_size,
        mix: load.mix.describe(),
        target_rate: load.rate,
        ops,
        latency: hist::latency(&total),
        errors,
        client_cpu_s: cpu.as_secs_f64(),
        ..Summary::default()
    };
    let (mut end_ns, mut lag_sum, mut sends) = (0, 0, 0);
    for t in tallies {
        let t = t.map_err(|_| Error::Server("a client thread panicked".into()))?;
        end_ns = end_ns.max(t.end_ns);
        s.nils += t.nils;
        s.conn_errors += t.conn_errors;
        s.unanswered += t.unanswered;
        s.unsent += t.unsent;
        s.lag_max_us = s.lag_max_us.max(t.lag_max_ns as f64 / 1000.0);
        lag_sum += t.lag_sum_ns;
        sends += t.sends;
    }
    s.elapsed_s = end_ns as f64 / 1e9;
    s.lag_mean_us = per(lag_sum as f64 / 1000.0, sends as f64);
    Ok(s)
}

/// Merges the threads' snapshots until they are all done, printing progress each second.
/// Returns the merged histogram, ops and error replies.
fn collect(rx: &mpsc::Receiver<Snapshot>, base: Instant, progress: Progress) -> (Hist, u64, u64) {
    let mut total = hist::new();
    let (mut ops, mut errors) = (0, 0);
    let mut window = hist::new();
    let mut window_ops = 0;
    // Threads hand over at whole seconds; print a little after so the snapshots are in.
    let mut second = 1;
    let at = |s: u64| base + Duration::from_secs(s) + Duration::from_millis(50);
    loop {
        let wait = at(second).saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(snap) => {
                hist::merge(&mut total, &snap.hist);
                ops += snap.ops;
                errors += snap.errors;
                if progress != Progress::Off {
                    hist::merge(&mut window, &snap.hist);
                    window_ops += snap.ops;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= at(second) {
            if progress != Progress::Off {
                let l = hist::latency(&window);
                let line = format!(
                    "{second:>4}s {window_ops:>10} ops/s  p50 {:>8.1} µs  p99 {:>8.1} µs  errors {errors}",
                    l.p50, l.p99
                );
                if progress == Progress::Terminal {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("{line}");
                }
                window.reset();
                window_ops = 0;
            }
            second += 1;
        }
    }
    if progress == Progress::Terminal && second > 1 {
        eprintln!();
    }
    (total, ops, errors)
}
