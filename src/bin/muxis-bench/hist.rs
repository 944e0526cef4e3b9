//! Latency histograms: one HDR histogram per client thread and interval, merged by the main
//! thread. Values are nanoseconds; reports are microseconds.

use hdrhistogram::Histogram;

pub type Hist = Histogram<u64>;

/// The largest latency kept exactly; longer ones are clamped (no run lasts this long).
const MAX_NS: u64 = 3_600 * 1_000_000_000; // 1 hour
/// Three significant digits: 0.1% resolution at every magnitude.
const SIGFIG: u8 = 3;

/// An empty histogram with the bounds every histogram of a run shares.
pub fn new() -> Hist {
    Histogram::new_with_bounds(1, MAX_NS, SIGFIG).expect("constant bounds are valid")
}

/// Adds `from` into `into`. Both come from [`new`], so `add` only fails if that changes;
/// then values are re-recorded (clamped) rather than lost.
pub fn merge(into: &mut Hist, from: &Hist) {
    if into.add(from).is_err() {
        for v in from.iter_recorded() {
            into.saturating_record_n(v.value_iterated_to(), v.count_at_value());
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
}

/// The percentiles of `h` (all zero when it is empty).
pub fn latency(h: &Hist) -> Latency {
    if h.is_empty() {
        return Latency::default();
    }
    let us = |ns: u64| ns as f64 / 1000.0;
    Latency {
        p50: us(h.value_at_quantile(0.50)),
        p90: us(h.value_at_quantile(0.90)),
        p99: us(h.value_at_quantile(0.99)),
        p999: us(h.value_at_quantile(0.999)),
        max: us(h.max()),
        mean: h.mean() / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_percentiles_are_ordered() {
        let mut a = new();
        let mut b = new();
        for v in 1..=1000u64 {
            a.saturating_record(v * 1000);
            b.saturating_record(v * 2000);
        }
        b.saturating_record(u64::MAX);
        merge(&mut a, &b);
        assert_eq!(a.len(), 2001);
        let l = latency(&a);
        assert!(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max);
        assert!(l.p50 > 0.0);
        assert_eq!(latency(&new()), Latency::default());
    }
}
