//! `maxmemory-clients` on the executor's timer: the I/O threads publish what their clients'
//! buffers hold (`net/reactor/evict.rs`); over the limit, each thread is asked to free its
//! share of the excess, in proportion to what its clients hold, by closing its biggest
//! evictable clients. Every tick each thread is also asked to measure again, so a client
//! that grew and then went quiet is still seen. Nothing runs while the setting is 0.

use super::Executor;
use std::sync::atomic::Ordering;

impl Executor {
    pub(super) fn client_eviction(&mut self) {
        let limit = client_limit(
            self.engine.srv.config.get("maxmemory-clients").as_deref(),
            self.engine.srv.config.mem.maxmemory,
        );
        if limit == 0 {
            return;
        }
        let shared = self.engine.srv.shared.clone();
        let threads = shared.threads();
        let total: u64 = threads
            .iter()
            .map(|s| s.client_mem.load(Ordering::Relaxed))
            .sum();
        let excess = total.saturating_sub(limit);
        for (t, stats) in threads.iter().enumerate() {
            // Every thread measures again (a client may have grown on a thread that held
            // little at the last count); over the limit, each also sheds its share.
            stats.measure.store(true, Ordering::Relaxed);
            if excess > 0 {
                let mine = stats.client_mem.load(Ordering::Relaxed) as u128;
                let share = (excess as u128 * mine).div_ceil(total.max(1) as u128) as u64;
                stats.shed.store(share, Ordering::Relaxed);
            }
            if stats.sleep.needs_wake()
                && let Some(link) = self.io.get(t)
            {
                stats.wakes_sent.fetch_add(1, Ordering::Relaxed);
                link.waker.wake();
            }
        }
    }
}

/// The limit in bytes: `maxmemory-clients` as CONFIG GET shows it, either bytes or a
/// percentage of `maxmemory` (0 without a maxmemory, as in Redis).
fn client_limit(setting: Option<&str>, maxmemory: u64) -> u64 {
    let Some(s) = setting else { return 0 };
    match s.strip_suffix('%') {
        Some(pct) => pct
            .parse::<u64>()
            .map_or(0, |p| (maxmemory as u128 * p as u128 / 100) as u64),
        None => s.parse().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::client_limit;

    #[test]
    fn limit_in_bytes_or_percent_of_maxmemory() {
        assert_eq!(client_limit(Some("0"), 1000), 0);
        assert_eq!(client_limit(Some("1048576"), 0), 1 << 20);
        assert_eq!(client_limit(Some("10%"), 1000), 100);
        assert_eq!(client_limit(Some("10%"), 0), 0);
        assert_eq!(client_limit(None, 1000), 0);
    }
}
