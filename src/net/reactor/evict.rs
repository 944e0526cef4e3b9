//! `maxmemory-clients` on the I/O side. The buffers that make up client memory (what a
//! client has sent and not yet had parsed, what it is owed and has not yet read) live on
//! the I/O threads, so each thread measures its own clients, at most every
//! [`MEASURE_EVERY`] while it is active and whenever the executor's timer asks (only while
//! `maxmemory-clients` is set), and publishes the sum. The executor adds the threads' sums on its timer and, over the limit,
//! asks each thread to shed its share (`IoStats::shed`); the thread then closes its biggest
//! clients not marked CLIENT NO-EVICT, as Redis evicts the biggest first.

use super::IoThread;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// How often an active thread refreshes its clients' memory figure.
pub(super) const MEASURE_EVERY: Duration = Duration::from_millis(100);

impl IoThread {
    /// Publishes this thread's client memory when it is due, and sheds what the executor
    /// asked for. One pass over the connections; a sort only when shedding.
    pub(super) fn client_memory(&mut self) {
        let stats = &self.shared.io[self.index];
        let shed = stats.shed.swap(0, Relaxed);
        let asked = stats.measure.swap(false, Relaxed);
        if shed == 0 && !asked && self.mem_measured.elapsed() < MEASURE_EVERY {
            return;
        }
        self.mem_measured = Instant::now();
        let mut total: u64 = self.conns.iter().map(|(_, c)| c.memory()).sum();
        if shed > 0 {
            let mut victims: Vec<(u64, usize)> = self
                .conns
                .iter()
                .filter(|(_, c)| !c.no_evict.load(Relaxed) && !c.closing)
                .map(|(slot, c)| (c.memory(), slot))
                .collect();
            victims.sort_unstable_by_key(|v| std::cmp::Reverse(v.0));
            let mut freed = 0;
            for (mem, slot) in victims {
                if freed >= shed {
                    break;
                }
                tracing::debug!("Evicting client (client memory over maxmemory-clients)");
                self.close(slot);
                self.shared.evicted_clients.fetch_add(1, Relaxed);
                freed += mem;
                total = total.saturating_sub(mem);
            }
        }
        self.shared.io[self.index].client_mem.store(total, Relaxed);
    }
}
