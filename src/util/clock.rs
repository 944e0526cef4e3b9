//! The clocks the event loops read at every turn.
//!
//! A request at `-P 1` is one turn of the main thread's loop, and a turn read the OS clock
//! about nine times (sleep deadline, round timing, the wall clock for expiry, the idle
//! clock for CLIENT LIST, the I/O counters). On a KVM guest a vDSO `clock_gettime` goes
//! through the paravirtual clock: 5% of the server's samples at `-P 1`. These read the TSC
//! through quanta instead (the OS clock where the TSC is not invariant).
//!
//! [`Instant`] is quanta's: the monotonic clock for loop deadlines and busy time.
//! [`Clocks`] derives `std`'s `Instant` (for the engine's idle and age figures) from it,
//! brought back to the OS clock once per timer tick. The wall clock (Unix ms: expiry,
//! stream IDs) is still read from the OS once per round: derived, it could trail the OS
//! clock by a millisecond (two truncations, and the TSC's drift), and a client that read
//! the time before a command must never see an earlier one in its reply (XADD's IDs).

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

/// The OS's monotonic clock as it read at one TSC reading, to derive it from the TSC.
#[derive(Debug, Clone, Copy)]
pub struct Clocks {
    at: Instant,
    mono: std::time::Instant,
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
        }
    }

    /// `std`'s monotonic clock at `t`.
    pub fn at(&self, t: Instant) -> std::time::Instant {
        self.mono + t.saturating_duration_since(self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_derived_clock_follows_the_os_clock() {
        let clocks = Clocks::synced();
        std::thread::sleep(Duration::from_millis(30));
        let mono = clocks.at(now());
        let os = std::time::Instant::now();
        let gap = os.saturating_duration_since(mono) + mono.saturating_duration_since(os);
        assert!(gap < Duration::from_millis(5), "monotonic off by {gap:?}");
        assert!(mono.duration_since(clocks.mono) >= Duration::from_millis(29));
    }

    #[test]
    fn a_reading_before_the_sync_point_is_the_sync_point() {
        let earlier = now();
        let clocks = Clocks::synced();
        assert_eq!(clocks.at(earlier), clocks.mono);
    }
}
