//! Latency records: the per-command duration histograms behind INFO latencystats and
//! LATENCY HISTOGRAM, and the latency monitor's events (`latency-monitor-threshold`)
//! behind LATENCY LATEST / HISTORY / RESET.
//!
//! [`Hist`] is the HDR histogram Redis uses (hdr_histogram C, range 1 ns..1 s, two
//! significant digits), reimplemented so that percentiles and bucket edges come out to the
//! same numbers Redis prints (`p50=7.007`).

use std::collections::BTreeMap;

/// Sub-buckets per bucket: the power of two above 2 * 10^2 (two significant digits).
const SUB_BUCKETS: usize = 256;
const SUB_HALF: usize = SUB_BUCKETS / 2;
/// log2 of [`SUB_HALF`].
const SUB_HALF_BITS: u32 = 7;
/// The largest value tracked: 1 s in nanoseconds (Redis's
/// `LATENCY_HISTOGRAM_HIGHEST_TRACKABLE_VALUE`).
const HIGHEST: u64 = 1_000_000_000;
/// Buckets needed to reach [`HIGHEST`]: 256 << 22 > 10^9.
const BUCKETS: usize = 23;
const COUNTS: usize = (BUCKETS + 1) * SUB_HALF;

/// An HDR histogram of nanosecond durations.
#[derive(Debug, Clone)]
pub struct Hist {
    counts: Box<[u64]>,
    pub total: u64,
}

impl Default for Hist {
    fn default() -> Self {
        Hist {
            counts: vec![0; COUNTS].into_boxed_slice(),
            total: 0,
        }
    }
}

fn bucket_of(v: u64) -> u32 {
    (63 - (v | (SUB_BUCKETS as u64 - 1)).leading_zeros()) - SUB_HALF_BITS
}

fn index_of(v: u64) -> usize {
    let b = bucket_of(v);
    let sub = (v >> b) as usize;
    ((b as usize + 1) << SUB_HALF_BITS) + sub - SUB_HALF
}

fn value_at(idx: usize) -> u64 {
    let mut b = (idx >> SUB_HALF_BITS) as i64 - 1;
    let mut sub = (idx & (SUB_HALF - 1)) + SUB_HALF;
    if b < 0 {
        sub -= SUB_HALF;
        b = 0;
    }
    (sub as u64) << b
}

/// The largest value counted in the same slot as `v`.
fn highest_equivalent(v: u64) -> u64 {
    let b = bucket_of(v);
    let lowest = (v >> b) << b;
    lowest + (1u64 << b) - 1
}

impl Hist {
    /// Counts one duration, clamped to the tracked range as Redis clamps it.
    pub fn record(&mut self, ns: u64) {
        let v = ns.clamp(1, HIGHEST);
        self.counts[index_of(v)] += 1;
        self.total += 1;
    }

    /// hdr's `value_at_percentile`, in nanoseconds.
    pub fn percentile(&self, p: f64) -> u64 {
        let p = p.min(100.0);
        let wanted = ((p / 100.0 * self.total as f64 + 0.5) as u64).max(1);
        let mut seen = 0;
        let mut value = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= wanted {
                value = value_at(i);
                break;
            }
        }
        if p == 0.0 {
            return (value >> bucket_of(value)) << bucket_of(value);
        }
        highest_equivalent(value)
    }

    /// LATENCY HISTOGRAM's buckets: (microseconds, cumulative calls) at each power of two
    /// from 1024 ns up to where every call is counted, leaving out the buckets that add
    /// nothing (hdr's logarithmic iterator, as Redis's `fillCommandCDF` walks it).
    pub fn cdf(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let (mut level, mut idx, mut cum, mut prev) = (1024u64, 0usize, 0u64, 0u64);
        while cum < self.total {
            let last = index_of(level.min(HIGHEST));
            while idx <= last && idx < COUNTS {
                cum += self.counts[idx];
                idx += 1;
            }
            if cum > prev {
                out.push((highest_equivalent(level) / 1000, cum));
            }
            prev = cum;
            if idx >= COUNTS {
                break;
            }
            level *= 2;
        }
        out
    }
}

/// Samples kept per event (Redis's `LATENCY_TS_LEN`).
const SAMPLES: usize = 160;

/// One event's recent spikes: at most one sample per second, the worst of that second.
#[derive(Debug, Clone)]
pub struct Series {
    /// (unix seconds, milliseconds), oldest first.
    pub samples: std::collections::VecDeque<(u64, u64)>,
    pub max: u64,
}

/// The latency monitor: events by name.
#[derive(Debug, Default)]
pub struct Monitor {
    /// `latency-monitor-threshold` in milliseconds; 0 is off.
    pub threshold: u64,
    pub events: BTreeMap<&'static str, Series>,
}

impl Monitor {
    /// Records `ms` for `event` when the monitor is on and it reaches the threshold
    /// (Redis's `latencyAddSampleIfNeeded`).
    pub fn add_if_needed(&mut self, event: &'static str, ms: u64, now_secs: u64) {
        if self.threshold == 0 || ms < self.threshold {
            return;
        }
        let s = self.events.entry(event).or_insert_with(|| Series {
            samples: Default::default(),
            max: 0,
        });
        s.max = s.max.max(ms);
        if let Some(last) = s.samples.back_mut()
            && last.0 == now_secs
        {
            last.1 = last.1.max(ms);
            return;
        }
        if s.samples.len() == SAMPLES {
            s.samples.pop_front();
        }
        s.samples.push_back((now_secs, ms));
    }

    /// Forgets `event` (all events when `None`); returns how many were forgotten.
    pub fn reset(&mut self, event: Option<&[u8]>) -> usize {
        match event {
            None => {
                let n = self.events.len();
                self.events.clear();
                n
            }
            Some(name) => {
                let key = self.events.keys().find(|k| k.as_bytes() == name).copied();
                key.map_or(0, |k| usize::from(self.events.remove(k).is_some()))
            }
        }
    }

    pub fn get(&self, name: &[u8]) -> Option<(&'static str, &Series)> {
        self.events
            .iter()
            .find(|(k, _)| k.as_bytes() == name)
            .map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_redis_numbers() {
        // Values Redis 7.0.15 prints for single calls of 1, 2, 7 and 0 microseconds.
        for (usec, want) in [(1u64, 1003u64), (2, 2007), (7, 7007), (0, 1)] {
            let mut h = Hist::default();
            h.record(usec * 1000);
            assert_eq!(h.percentile(50.0), want, "{usec} us");
            assert_eq!(h.percentile(99.9), want);
        }
        let mut h = Hist::default();
        for v in 1..=100u64 {
            h.record(v * 1000);
        }
        assert_eq!(h.percentile(50.0), 50_175);
        assert_eq!(h.percentile(100.0), highest_equivalent(100_000));
    }

    #[test]
    fn cdf_buckets_are_powers_of_two() {
        let mut h = Hist::default();
        h.record(7000);
        assert_eq!(h.cdf(), [(8, 1)]);
        let mut h = Hist::default();
        h.record(1000);
        h.record(3000);
        h.record(40_000);
        assert_eq!(h.cdf(), [(1, 1), (4, 2), (66, 3)]);
        let mut h = Hist::default();
        h.record(HIGHEST * 10);
        assert_eq!(h.cdf().last().map(|c| c.1), Some(1));
    }

    #[test]
    fn monitor_keeps_the_worst_sample_per_second() {
        let mut m = Monitor::default();
        m.add_if_needed("command", 50, 10);
        assert!(m.events.is_empty());
        m.threshold = 10;
        m.add_if_needed("command", 5, 10);
        m.add_if_needed("command", 50, 10);
        m.add_if_needed("command", 70, 10);
        m.add_if_needed("command", 20, 11);
        let s = &m.events["command"];
        assert_eq!(Vec::from(s.samples.clone()), [(10, 70), (11, 20)]);
        assert_eq!(s.max, 70);
        assert_eq!(m.reset(Some(b"nosuch")), 0);
        assert_eq!(m.reset(Some(b"command")), 1);
        assert_eq!(m.reset(None), 0);
    }
}
