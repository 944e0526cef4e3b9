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
        self.samples.clear();
        self.busy_samples.clear();
    }
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
