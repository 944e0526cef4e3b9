//! The clocks the event loops read at every turn.
//!
//! A request at `-P 1` is one turn of the main thread's loop, and a turn read the OS clock
//! about nine times (sleep deadline, round timing, the wall clock for expiry, the idle
//! clock for CLIENT LIST, the I/O counters). On a KVM guest a vDSO `clock_gettime` goes
//! through the paravirtual clock: 5% of the server's samples at `-P 1`. These read the TSC
//! through quanta instead (the OS clock where the TSC is not invariant).
//!
//! [`Instant`] is quanta's: the monotonic clock for loop deadlines and busy time.
//! [`Clocks`] derives the wall clock (Unix ms, for expiry) and `std`'s `Instant` (for the
//! engine's idle and age figures) from it, and is brought back to the OS clocks once per
//! timer tick, so a step of the wall clock (NTP, an operator) is followed within a tick.

pub use quanta::Instant;
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, from the TSC.
pub fn now() -> Instant {
    Instant::now()
}

/// The wall clock in Unix milliseconds, from the OS.
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The OS clocks as they read at one TSC reading, to derive both from the TSC afterwards.
#[derive(Debug, Clone, Copy)]
pub struct Clocks {
    at: Instant,
    mono: std::time::Instant,
    unix_ms: u64,
}

impl Default for Clocks {
    fn default() -> Self {
        Clocks::synced()
    }
}

impl Clocks {
    /// Read from the OS now.
    pub fn synced() -> Clocks {
        Clocks {
            at: now(),
            mono: std::time::Instant::now(),
            unix_ms: unix_ms(),
        }
    }

    /// `std`'s monotonic clock and the wall clock (Unix ms) at `t`.
    pub fn at(&self, t: Instant) -> (std::time::Instant, u64) {
        let since = t.saturating_duration_since(self.at);
        (self.mono + since, self.unix_ms + since.as_millis() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn derived_clocks_follow_the_os_clocks() {
        let clocks = Clocks::synced();
        std::thread::sleep(Duration::from_millis(30));
        let (mono, ms) = clocks.at(now());
        let (os_mono, os_ms) = (std::time::Instant::now(), unix_ms());
        // Within a few milliseconds of what the OS says, after 30 ms apart.
        assert!(os_ms.abs_diff(ms) <= 5, "wall {ms} against {os_ms}");
        let gap = os_mono.saturating_duration_since(mono) + mono.saturating_duration_since(os_mono);
        assert!(gap < Duration::from_millis(5), "monotonic off by {gap:?}");
        assert!(ms >= clocks.unix_ms + 29);
    }

    #[test]
    fn a_reading_before_the_sync_point_is_the_sync_point() {
        let earlier = now();
        let clocks = Clocks::synced();
        assert_eq!(clocks.at(earlier), (clocks.mono, clocks.unix_ms));
    }
}
