//! `maxmemory-clients` on the I/O side. The buffers that make up client memory (what a
//! client has sent and not yet had parsed, what it is owed and has not yet read) live on
//! the I/O threads, so each thread measures its own clients when the executor's timer asks
//! (only while `maxmemory-clients` is set) and publishes the sum. The executor adds the threads' sums on its timer and, over the limit,
//! asks each thread to shed its share (`IoStats::shed`); the thread then closes its biggest
//! clients not marked CLIENT NO-EVICT, as Redis evicts the biggest first.

use super::IoThread;
use std::sync::atomic::Ordering::Relaxed;

impl IoThread {
    /// Publishes this thread's client memory when the executor asked, and sheds what it
    /// asked for. One pass over the connections; a sort only when shedding. Otherwise two
    /// plain loads: the executor's line is written only when it asks.
    pub(super) fn client_memory(&mut self) {
        let stats = &self.shared.io[self.index];
        let shed = match stats.shed.load(Relaxed) {
            0 => 0,
            _ => stats.shed.swap(0, Relaxed),
        };
        let asked = stats.measure.load(Relaxed) && stats.measure.swap(false, Relaxed);
        if shed == 0 && !asked {
            return;
        }
        let mut total: u64 = self.conns.iter().map(|(_, c)| c.memory()).sum();
        // The executor sized the share from the last count: what the clients let go of
        // since then counts towards it, so a client is not closed for memory already gone.
        let shrunk = stats.client_mem.load(Relaxed).saturating_sub(total);
        let shed = shed.saturating_sub(shrunk);
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
