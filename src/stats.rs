//! Executor counters and the sampling behind `instantaneous_ops_per_sec`. The I/O threads'
//! counters live in `shared.rs` as atomics; INFO sums them when asked.

use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// Samples kept for instantaneous rates (Redis keeps 16).
const SAMPLES: usize = 16;

/// One timer snapshot of the counters.
#[derive(Debug)]
struct Sample {
    at: Instant,
    commands: u64,
    busy_ns: u64,
    /// Per I/O thread: (commands, busy ns).
    io: Vec<(u64, u64)>,
}

#[derive(Debug)]
pub struct ExecStats {
    pub commands: u64,
    pub batches: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    /// Nanoseconds spent running batches and timers (not waiting).
    pub busy_ns: u64,
    /// Snapshots taken by the timer, oldest first: rates over them are "recent".
    window: VecDeque<Sample>,
    /// When counting started (server start or the last CONFIG RESETSTAT): the I/O threads'
    /// busy % is their busy time over the time since then.
    pub since: Instant,
    /// The highest resident memory INFO has seen, bytes (`used_memory_peak`).
    pub peak_memory: u64,
}

impl Default for ExecStats {
    fn default() -> Self {
        ExecStats {
            commands: 0,
            batches: 0,
            keyspace_hits: 0,
            keyspace_misses: 0,
            busy_ns: 0,
            window: VecDeque::with_capacity(SAMPLES),
            since: Instant::now(),
            peak_memory: 0,
        }
    }
}

impl ExecStats {
    /// Called from the executor's timer with the I/O threads' counters.
    pub fn sample(&mut self, now: Instant, io: &[crate::shared::IoStats]) {
        if self.window.len() == SAMPLES {
            self.window.pop_front();
        }
        self.window.push_back(Sample {
            at: now,
            commands: self.commands,
            busy_ns: self.busy_ns,
            io: io
                .iter()
                .map(|s| (s.commands.load(Relaxed), s.busy_ns.load(Relaxed)))
                .collect(),
        });
    }

    /// The first and last samples and the seconds between them, if the window spans time.
    fn span(&self) -> Option<(&Sample, &Sample, f64)> {
        let (a, b) = (self.window.front()?, self.window.back()?);
        let secs = b.at.checked_duration_since(a.at)?.as_secs_f64();
        (secs > 0.0).then_some((a, b, secs))
    }

    /// Commands per second over the sample window.
    pub fn ops_per_sec(&self) -> u64 {
        self.span().map_or(0, |(a, b, secs)| {
            (b.commands.saturating_sub(a.commands) as f64 / secs) as u64
        })
    }

    /// Percent of wall time the executor was busy over the sample window.
    pub fn busy_percent(&self) -> f64 {
        self.span().map_or(0.0, |(a, b, secs)| {
            b.busy_ns.saturating_sub(a.busy_ns) as f64 / (secs * 1e7)
        })
    }

    /// Per I/O thread over the sample window: (commands per second, busy percent).
    pub fn io_rates(&self) -> Vec<(f64, f64)> {
        let Some((a, b, secs)) = self.span() else {
            return Vec::new();
        };
        a.io.iter()
            .zip(&b.io)
            .map(|(&(c0, b0), &(c1, b1))| {
                let ops = c1.saturating_sub(c0) as f64 / secs;
                let busy = b1.saturating_sub(b0) as f64 / (secs * 1e7);
                (ops, busy)
            })
            .collect()
    }

    /// Forgets the counters CONFIG RESETSTAT resets.
    pub fn reset(&mut self) {
        self.commands = 0;
        self.batches = 0;
        self.keyspace_hits = 0;
        self.keyspace_misses = 0;
        self.busy_ns = 0;
        self.window.clear();
        self.since = Instant::now();
        self.peak_memory = 0;
    }

    /// Commands per executor batch (one batch is one I/O thread's poll round).
    pub fn avg_batch(&self) -> f64 {
        ratio(self.commands, self.batches)
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// A thread this busy (percent of wall time) is saturated: it is what limits throughput.
const SATURATED: f64 = 85.0;
/// The busy level to plan I/O threads for, leaving headroom for bursts.
const TARGET_BUSY: f64 = 70.0;

/// Where the bottleneck is, from recent busy times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bottleneck {
    Executor,
    Io,
    ClientOrNetwork,
}

impl Bottleneck {
    pub fn name(self) -> &'static str {
        match self {
            Bottleneck::Executor => "executor",
            Bottleneck::Io => "io",
            Bottleneck::ClientOrNetwork => "client_or_network",
        }
    }
}

/// What INFO threads concludes: the bottleneck, each side's measured capacity (commands per
/// busy second), and the I/O thread count that would carry the current load at
/// `TARGET_BUSY` without passing what the executor can run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub bottleneck: Bottleneck,
    /// Commands per second one I/O thread can carry, measured (0 when idle).
    pub io_capacity: f64,
    /// Commands per second the executor can run, measured (0 when idle).
    pub executor_capacity: f64,
    pub suggested_io_threads: usize,
}

/// Judges from the executor's busy % and ops/s and each I/O thread's (ops/s, busy %),
/// thread 0 (the executor's own) first.
pub fn verdict(exec_ops: f64, exec_busy: f64, io: &[(f64, f64)], cores: usize) -> Verdict {
    let io_ops: f64 = io.iter().map(|r| r.0).sum();
    let io_busy: f64 = io.iter().map(|r| r.1).sum();
    let bottleneck = if exec_busy >= SATURATED {
        Bottleneck::Executor
    } else if io.iter().any(|r| r.1 >= SATURATED) {
        Bottleneck::Io
    } else {
        Bottleneck::ClientOrNetwork
    };
    // Capacity = work done per unit of busy time, scaled to a whole second.
    let io_capacity = if io_busy > 0.5 {
        io_ops / (io_busy / 100.0)
    } else {
        0.0
    };
    let executor_capacity = if exec_busy > 0.5 {
        exec_ops / (exec_busy / 100.0)
    } else {
        0.0
    };
    // `io-threads` counts the executor's own thread (I/O thread 0): 1 means it does all the
    // I/O itself; n > 1 means n - 1 threads serve the clients beside it.
    let serving = io.len().saturating_sub(1).max(1);
    let suggested = if io_capacity > 0.0 {
        // Enough serving threads for the load at the target busy level, and no more than it
        // takes to saturate the executor, which more I/O threads cannot help.
        let for_load = (io_ops / (io_capacity * TARGET_BUSY / 100.0)).ceil();
        let ceiling = if executor_capacity > 0.0 {
            (executor_capacity / io_capacity).ceil()
        } else {
            f64::INFINITY
        };
        let mut n = for_load.min(ceiling).max(1.0) as usize;
        if bottleneck == Bottleneck::Io {
            n = n.max(serving + 1);
        }
        let n = n.min(cores.saturating_sub(1).max(1));
        // While the commands and their I/O fit in one thread at the target level, that
        // thread does both: no hand-off at all.
        if bottleneck != Bottleneck::Io && exec_busy + io_busy < TARGET_BUSY {
            1
        } else {
            (n + 1).min(cores.max(1))
        }
    } else {
        io.len().max(1)
    };
    Verdict {
        bottleneck,
        io_capacity,
        executor_capacity,
        suggested_io_threads: suggested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_executor_is_the_bottleneck() {
        let v = verdict(500_000.0, 95.0, &[(250_000.0, 40.0), (250_000.0, 40.0)], 64);
        assert_eq!(v.bottleneck, Bottleneck::Executor);
        // The executor runs ~526k/s at most; one thread carries 625k/s: one is enough, beside
        // the executor's own (which is too busy to do the I/O too).
        assert_eq!(v.suggested_io_threads, 2);
    }

    #[test]
    fn saturated_io_threads_ask_for_more() {
        let v = verdict(400_000.0, 40.0, &[(400_000.0, 95.0)], 64);
        assert_eq!(v.bottleneck, Bottleneck::Io);
        assert!(v.suggested_io_threads >= 2, "{v:?}");
        assert!((v.executor_capacity - 1_000_000.0).abs() < 1.0);
    }

    #[test]
    fn light_load_blames_the_client_and_suggests_few_threads() {
        let v = verdict(10_000.0, 5.0, &[(5_000.0, 2.0), (5_000.0, 2.0)], 64);
        assert_eq!(v.bottleneck, Bottleneck::ClientOrNetwork);
        assert_eq!(v.suggested_io_threads, 1);
    }

    #[test]
    fn suggestions_stay_within_the_cores() {
        // Two cores: the executor's thread and one I/O thread at most.
        let v = verdict(900_000.0, 50.0, &[(900_000.0, 99.0)], 2);
        assert_eq!(v.suggested_io_threads, 2);
    }
}
