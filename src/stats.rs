//! Executor counters and the sampling behind `instantaneous_ops_per_sec`. The I/O threads'
//! counters live in `shared.rs` as atomics; INFO sums them when asked.

use std::collections::VecDeque;
use std::time::Instant;

/// Samples kept for instantaneous rates (Redis keeps 16).
const SAMPLES: usize = 16;

#[derive(Debug)]
pub struct ExecStats {
    pub commands: u64,
    pub batches: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    /// Nanoseconds spent running batches and timers (not waiting).
    pub busy_ns: u64,
    /// (when, commands) samples, oldest first.
    samples: VecDeque<(Instant, u64)>,
    /// The last sampled busy time, to compute a busy % over the sample window.
    busy_samples: VecDeque<(Instant, u64)>,
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
            samples: VecDeque::with_capacity(SAMPLES),
            busy_samples: VecDeque::with_capacity(SAMPLES),
            since: Instant::now(),
            peak_memory: 0,
        }
    }
}

impl ExecStats {
    /// Called from the executor's timer.
    pub fn sample(&mut self, now: Instant) {
        if self.samples.len() == SAMPLES {
            self.samples.pop_front();
            self.busy_samples.pop_front();
        }
        self.samples.push_back((now, self.commands));
        self.busy_samples.push_back((now, self.busy_ns));
    }

    /// Commands per second over the sample window.
    pub fn ops_per_sec(&self) -> u64 {
        rate(&self.samples)
    }

    /// Percent of wall time the executor was busy over the sample window.
    pub fn busy_percent(&self) -> f64 {
        rate(&self.busy_samples) as f64 / 1e7
    }

    /// Forgets the counters CONFIG RESETSTAT resets.
    pub fn reset(&mut self) {
        self.commands = 0;
        self.batches = 0;
        self.keyspace_hits = 0;
        self.keyspace_misses = 0;
        self.busy_ns = 0;
        self.samples.clear();
        self.busy_samples.clear();
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

fn rate(samples: &VecDeque<(Instant, u64)>) -> u64 {
    match (samples.front(), samples.back()) {
        (Some(&(t0, c0)), Some(&(t1, c1))) if t1 > t0 => {
            let secs = (t1 - t0).as_secs_f64();
            (c1.saturating_sub(c0) as f64 / secs) as u64
        }
        _ => 0,
    }
}
