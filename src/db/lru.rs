//! The per-key access record that eviction reads: 24 bits, as Redis keeps in `robj.lru`.
//!
//! Under an LRU policy the bits hold the access time in seconds (a 24-bit clock that wraps
//! every 194 days). Under an LFU policy they hold the last decrement time in minutes (16
//! bits) and a logarithmic access counter (8 bits) that grows with probability
//! `1 / ((counter - 5) * lfu-log-factor + 1)` and loses one per `lfu-decay-time` minutes
//! idle. The formulas and constants are Redis's (`evict.c`), so OBJECT FREQ and OBJECT
//! IDLETIME read the same numbers. Pure functions of the record and the clock.

/// The 24-bit clock's largest value.
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
/// Milliseconds per clock tick (Redis's LRU_CLOCK_RESOLUTION).
const LRU_RESOLUTION_MS: u64 = 1000;
/// The counter a new key starts with under LFU, so it is not evicted before it had a
/// chance to be read again (Redis's LFU_INIT_VAL).
pub const LFU_INIT_VAL: u8 = 5;

/// What the access record tracks, from `maxmemory-policy`, `lfu-log-factor` and
/// `lfu-decay-time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Track {
    #[default]
    Lru,
    Lfu {
        log_factor: u32,
        decay_time: u32,
    },
}

impl Track {
    pub fn is_lfu(&self) -> bool {
        matches!(self, Track::Lfu { .. })
    }
}

/// The LRU clock at `now_ms` (Unix milliseconds).
pub fn lru_clock(now_ms: u64) -> u32 {
    ((now_ms / LRU_RESOLUTION_MS) & LRU_CLOCK_MAX as u64) as u32
}

/// Milliseconds since an LRU record was last touched, allowing for one wrap of the clock
/// (Redis's `estimateObjectIdleTime`).
pub fn idle_ms(lru: u32, now_ms: u64) -> u64 {
    let clock = lru_clock(now_ms);
    let ticks = if clock >= lru {
        clock - lru
    } else {
        clock + (LRU_CLOCK_MAX - lru)
    };
    ticks as u64 * LRU_RESOLUTION_MS
}

/// The LFU time: Unix minutes, 16 bits.
fn lfu_minutes(now_ms: u64) -> u32 {
    ((now_ms / 60_000) & 0xFFFF) as u32
}

/// The counter of an LFU record after the decay owed since its last decrement time
/// (Redis's `LFUDecrAndReturn`). What OBJECT FREQ shows.
pub fn lfu_count(lru: u32, now_ms: u64, decay_time: u32) -> u8 {
    let ldt = lru >> 8;
    let counter = (lru & 0xFF) as u8;
    let now = lfu_minutes(now_ms);
    let elapsed = if now >= ldt {
        now - ldt
    } else {
        65535 - ldt + now
    };
    let periods = elapsed.checked_div(decay_time).unwrap_or(0);
    counter.saturating_sub(periods.min(255) as u8)
}

/// The counter after one access: grows with a probability that falls as it rises
/// (Redis's `LFULogIncr`); `r` is uniform in [0, 1).
pub fn lfu_incr(counter: u8, log_factor: u32, r: f64) -> u8 {
    if counter == 255 {
        return 255;
    }
    let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
    let p = 1.0 / (base * log_factor as f64 + 1.0);
    if r < p { counter + 1 } else { counter }
}

/// The record of a key just created.
pub fn fresh(track: Track, now_ms: u64) -> u32 {
    match track {
        Track::Lru => lru_clock(now_ms),
        Track::Lfu { .. } => lfu_minutes(now_ms) << 8 | LFU_INIT_VAL as u32,
    }
}

/// The record after an access (Redis's `lookupKey` update): the clock under LRU; under
/// LFU, decay then a probabilistic increment, stamped with the current minute.
pub fn touched(lru: u32, track: Track, now_ms: u64, r: f64) -> u32 {
    match track {
        Track::Lru => lru_clock(now_ms),
        Track::Lfu {
            log_factor,
            decay_time,
        } => {
            let c = lfu_incr(lfu_count(lru, now_ms, decay_time), log_factor, r);
            lfu_minutes(now_ms) << 8 | c as u32
        }
    }
}

/// How good a candidate for eviction a record is, higher first: idle milliseconds under
/// LRU, `255 - frequency` under LFU (Redis's `evictionPoolPopulate`).
pub fn idle_score(lru: u32, track: Track, now_ms: u64) -> u64 {
    match track {
        Track::Lru => idle_ms(lru, now_ms),
        Track::Lfu { decay_time, .. } => 255 - lfu_count(lru, now_ms, decay_time) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_idle_time_counts_seconds_and_survives_the_wrap() {
        let t = 1_700_000_000_000u64;
        let rec = fresh(Track::Lru, t);
        assert_eq!(idle_ms(rec, t + 999), 0);
        assert_eq!(idle_ms(rec, t + 10_000), 10_000);
        // Touched just before the clock wraps, read just after.
        let before_wrap = LRU_CLOCK_MAX as u64 * 1000;
        let rec = lru_clock(before_wrap);
        assert_eq!(idle_ms(rec, before_wrap + 3000), 2000);
    }

    #[test]
    fn lfu_counter_grows_logarithmically_and_decays() {
        let track = Track::Lfu {
            log_factor: 10,
            decay_time: 1,
        };
        let t = 1_700_000_000_000u64;
        let mut rec = fresh(track, t);
        assert_eq!(lfu_count(rec, t, 1), LFU_INIT_VAL);
        // A deterministic uniform sequence: 1000 hits give a counter well above the start
        // but far from 1000, as Redis's table for factor 10 (about 18 at 1K hits).
        let mut x = 0.0f64;
        for _ in 0..1000 {
            x = (x + 0.618_033_988_7) % 1.0;
            rec = touched(rec, track, t, x);
        }
        let c = lfu_count(rec, t, 1);
        assert!((12..=25).contains(&c), "{c}");
        // Two minutes idle at one per minute.
        assert_eq!(lfu_count(rec, t + 120_000, 1), c - 2);
        // Decay time 0: never decays.
        assert_eq!(lfu_count(rec, t + 120_000_000, 0), c);
        assert_eq!(lfu_incr(255, 10, 0.0), 255);
        assert_eq!(
            lfu_incr(3, 10, 0.99),
            4,
            "below the start value always grows"
        );
    }
}
