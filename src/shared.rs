//! The little state that both sides read: per-I/O-thread counters, the limits the I/O threads
//! enforce, and the client id counter.
//!
//! Atomics only, written with `Relaxed` ordering: these are statistics and settings, never
//! used to order other memory. The per-command path touches each counter at most once per
//! poll round, not once per command.

use crate::engine::exec::Wake;
use std::sync::atomic::{
    AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst,
    fence,
};
use std::sync::{Arc, OnceLock};

/// How other threads wake the executor when it sleeps in the poll of the reactor it hosts
/// (`engine/exec.rs`): the I/O threads after sending a batch, the AOF thread after a sync.
///
/// The executor says it is about to sleep, then looks at its queues once more; a sender
/// queues, then rings. Each side fences between its write and its read, so at least one
/// of them sees the other: either the executor finds the work, or the sender finds it
/// asleep and wakes it. Only the first sender after the executor falls asleep pays for a
/// wake; while the executor is busy, ringing is a fence and a load of a line it rarely
/// writes. On its own cache line, so the counters beside it never share one with it.
#[derive(Default)]
#[repr(C, align(128))]
pub struct Doorbell {
    sleep: Sleeper,
    waker: OnceLock<Arc<dyn Wake>>,
}

impl std::fmt::Debug for Doorbell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Doorbell")
            .field("sleep", &self.sleep)
            .finish_non_exhaustive()
    }
}

impl Doorbell {
    /// Sets how the executor is woken (once, when the server starts).
    pub fn install(&self, waker: Arc<dyn Wake>) {
        let _ = self.waker.set(waker);
    }

    /// Called after handing the executor work: wakes it if it is asleep.
    pub fn ring(&self) {
        if self.sleep.needs_wake()
            && let Some(w) = self.waker.get()
        {
            w.wake();
        }
    }

    /// The executor is about to sleep: after this it must look at its queues once more.
    pub fn sleeping(&self) {
        self.sleep.sleeping();
    }

    /// The executor is awake again.
    pub fn awake(&self) {
        self.sleep.awake();
    }
}

/// A thread's word that it is about to sleep in its poll, so that whoever hands it work
/// wakes it only then (the [`Doorbell`] protocol): the sleeper sets it, fences, and looks
/// at its queues once more; a waker queues, fences, and wakes only if it finds the flag,
/// clearing it so that one waker pays for the wake.
#[derive(Debug, Default)]
pub struct Sleeper {
    asleep: AtomicBool,
}

impl Sleeper {
    /// About to sleep: after this, look at the queues once more before sleeping.
    pub fn sleeping(&self) {
        self.asleep.store(true, Relaxed);
        fence(SeqCst);
    }

    /// Awake again. Written only if set, so a busy thread leaves the line alone.
    pub fn awake(&self) {
        if self.asleep.load(Relaxed) {
            self.asleep.store(false, Relaxed);
        }
    }

    /// Called after queueing work for the thread: whether it is asleep and must be woken.
    pub fn needs_wake(&self) -> bool {
        fence(SeqCst);
        self.asleep.load(Relaxed) && self.asleep.swap(false, Relaxed)
    }
}

/// Counters for one I/O thread. Each is written only by its thread, except the executor's
/// fields (wake counters, shedding) and the sleep flag: they sit on cache lines of their
/// own, and each thread's block starts on its own, so no line of counters is written by
/// two threads (128 bytes: x86 prefetches cache lines in pairs).
#[derive(Debug, Default)]
#[repr(C, align(128))]
pub struct IoStats {
    pub clients: AtomicUsize,
    pub reads: AtomicU64,
    pub writes: AtomicU64,
    pub read_bytes: AtomicU64,
    pub written_bytes: AtomicU64,
    pub commands: AtomicU64,
    pub batches: AtomicU64,
    /// Nanoseconds spent outside `poll` (handling events).
    pub busy_ns: AtomicU64,
    /// Bytes the thread's clients' buffers hold (query and output), refreshed while it
    /// is active (`maxmemory-clients`).
    pub client_mem: AtomicU64,
    _executor_side: LineBreak,
    pub wakes_sent: AtomicU64,
    pub wakes_skipped: AtomicU64,
    /// Bytes of client memory the executor asks this thread to free by closing its
    /// biggest evictable clients (`maxmemory-clients`); the thread takes it and zeroes it.
    pub shed: AtomicU64,
    /// Set by the executor's timer while `maxmemory-clients` is on: measure now, even if
    /// this thread has been idle since its last figure.
    pub measure: AtomicBool,
    /// Its own line: written by the thread at every sleep and by whoever wakes it.
    _sleep_line: LineBreak,
    /// Set by the thread on its way to sleep in its poll: the executor (and a thread
    /// handing it a connection) wakes it only then. While it is busy nobody writes its
    /// eventfd; it finds its messages when its round ends.
    pub sleep: Sleeper,
}

/// A zero-sized field that, in a `repr(C)` struct, starts the fields after it on a new
/// 128-byte block.
#[derive(Debug, Default)]
#[repr(align(128))]
struct LineBreak;

/// A copy of one I/O thread's counters (or their sum over every thread), for INFO.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct IoSnapshot {
    pub clients: usize,
    pub reads: u64,
    pub writes: u64,
    pub read_bytes: u64,
    pub written_bytes: u64,
    pub commands: u64,
    pub batches: u64,
    pub busy_ns: u64,
    pub wakes_sent: u64,
    pub wakes_skipped: u64,
}

impl IoSnapshot {
    /// Adds `other`'s counters to these, saturating (a sum for INFO must never wrap or panic).
    pub fn add(&mut self, other: &IoSnapshot) {
        self.clients = self.clients.saturating_add(other.clients);
        self.reads = self.reads.saturating_add(other.reads);
        self.writes = self.writes.saturating_add(other.writes);
        self.read_bytes = self.read_bytes.saturating_add(other.read_bytes);
        self.written_bytes = self.written_bytes.saturating_add(other.written_bytes);
        self.commands = self.commands.saturating_add(other.commands);
        self.batches = self.batches.saturating_add(other.batches);
        self.busy_ns = self.busy_ns.saturating_add(other.busy_ns);
        self.wakes_sent = self.wakes_sent.saturating_add(other.wakes_sent);
        self.wakes_skipped = self.wakes_skipped.saturating_add(other.wakes_skipped);
    }
}

impl IoStats {
    pub fn snapshot(&self) -> IoSnapshot {
        IoSnapshot {
            clients: self.clients.load(Relaxed),
            reads: self.reads.load(Relaxed),
            writes: self.writes.load(Relaxed),
            read_bytes: self.read_bytes.load(Relaxed),
            written_bytes: self.written_bytes.load(Relaxed),
            commands: self.commands.load(Relaxed),
            batches: self.batches.load(Relaxed),
            busy_ns: self.busy_ns.load(Relaxed),
            wakes_sent: self.wakes_sent.load(Relaxed),
            wakes_skipped: self.wakes_skipped.load(Relaxed),
        }
    }

    /// Zeroes the statistics (not `clients`, a gauge, nor `sleep`, a protocol flag).
    /// The owning thread adds its per-round deltas with `fetch_add`, so a store of zero here
    /// loses at most the round in flight.
    fn reset(&self) {
        for c in [
            &self.reads,
            &self.writes,
            &self.read_bytes,
            &self.written_bytes,
            &self.commands,
            &self.batches,
            &self.busy_ns,
            &self.wakes_sent,
            &self.wakes_skipped,
        ] {
            c.store(0, Relaxed);
        }
    }
}

/// Limits the I/O threads enforce; `CONFIG SET` updates them.
#[derive(Debug)]
pub struct Limits {
    pub max_bulk_len: AtomicU64,
    pub max_query_len: AtomicUsize,
    pub maxclients: AtomicUsize,
    /// `tcp-keepalive` seconds for new TCP connections (0: off).
    pub tcp_keepalive: AtomicU32,
    /// `protected-mode yes`.
    pub protected_mode: AtomicBool,
    /// The `default` user has `nopass`: kept current by [`crate::acl::Acl`], which holds
    /// the other handle. With `protected_mode` it keeps non-loopback clients out.
    pub default_nopass: Arc<AtomicBool>,
    /// `client-output-buffer-limit`, by class (normal, replica, pubsub; see
    /// [`crate::config::OUTPUT_CLASSES`]).
    pub output: [OutputLimit; 3],
}

/// One class of `client-output-buffer-limit`: bytes, bytes, seconds (0 = off).
#[derive(Debug, Default)]
pub struct OutputLimit {
    pub hard: AtomicU64,
    pub soft: AtomicU64,
    pub soft_secs: AtomicU64,
}

impl Limits {
    /// Publishes the settings the I/O threads enforce.
    pub fn store(&self, config: &crate::config::Config) {
        self.maxclients.store(config.maxclients, Relaxed);
        self.tcp_keepalive.store(config.tcp_keepalive, Relaxed);
        self.protected_mode.store(config.protected_mode, Relaxed);
        self.max_bulk_len.store(config.proto_max_bulk_len, Relaxed);
        self.max_query_len.store(
            usize::try_from(config.client_query_buffer_limit).unwrap_or(usize::MAX),
            Relaxed,
        );
        for (to, from) in self.output.iter().zip(config.output_limits) {
            to.hard.store(from.hard, Relaxed);
            to.soft.store(from.soft, Relaxed);
            to.soft_secs.store(from.soft_secs, Relaxed);
        }
    }
}

/// A script running past `busy-reply-threshold`, as the I/O threads see it: while `state` is
/// set they answer other clients' commands with `-BUSY` themselves (the executor is inside
/// the script), and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE leave a request in `kill`
/// that the script's instruction hook reads. Nothing here is touched per command unless a
/// script is running late.
#[derive(Debug, Default)]
pub struct ScriptBusy {
    /// 0: no slow script; [`BUSY_EVAL`] or [`BUSY_FUNCTION`]: one is running late.
    pub state: AtomicU8,
    /// 0: nothing asked; [`KILL_SCRIPT`] or [`KILL_SHUTDOWN`].
    pub kill: AtomicU8,
    /// The running script has written: it cannot be killed (`-UNKILLABLE`).
    pub wrote: AtomicBool,
}

pub const BUSY_EVAL: u8 = 1;
pub const BUSY_FUNCTION: u8 = 2;
pub const KILL_SCRIPT: u8 = 1;
pub const KILL_SHUTDOWN: u8 = 2;

/// The most I/O threads a server can run (their counters are allocated up front, so that
/// threads can be added at runtime without moving anything other threads read).
pub const MAX_IO_THREADS: usize = 128;

/// The state shared by every thread of one server.
#[derive(Debug)]
pub struct Shared {
    /// Counters of every I/O thread slot, `MAX_IO_THREADS` of them; the first `active`
    /// are the running threads that take new connections.
    pub io: Vec<IoStats>,
    active: AtomicUsize,
    pub limits: Limits,
    pub next_client_id: AtomicU64,
    /// Connections rejected because of `maxclients` or protected mode.
    pub rejected: AtomicU64,
    pub total_connections: AtomicU64,
    /// Clients closed to bring client memory under `maxmemory-clients` (INFO's
    /// `evicted_clients`).
    pub evicted_clients: AtomicU64,
    /// Batches waiting in the executor's channel, as the executor last saw it.
    pub exec_queue: AtomicUsize,
    /// The Unix socket's path, which `CLIENT LIST` shows as its clients' addresses.
    pub unixsocket: String,
    /// A slow script's state (see [`ScriptBusy`]).
    pub script: ScriptBusy,
    /// The TLS settings new connections on `tls-port` get (CONFIG SET replaces them).
    pub tls: Arc<crate::net::tls_config::TlsHolder>,
    /// Wakes the executor (see [`Doorbell`]).
    pub bell: Doorbell,
}

impl Shared {
    pub fn new(io_threads: usize, config: &crate::config::Config) -> Arc<Self> {
        let limits = Limits {
            max_bulk_len: AtomicU64::new(0),
            max_query_len: AtomicUsize::new(0),
            maxclients: AtomicUsize::new(0),
            tcp_keepalive: AtomicU32::new(0),
            protected_mode: AtomicBool::new(false),
            default_nopass: Arc::new(AtomicBool::new(true)),
            output: Default::default(),
        };
        limits.store(config);
        Arc::new(Shared {
            io: (0..MAX_IO_THREADS).map(|_| IoStats::default()).collect(),
            active: AtomicUsize::new(io_threads.clamp(1, MAX_IO_THREADS)),
            limits,
            next_client_id: AtomicU64::new(1),
            rejected: AtomicU64::new(0),
            total_connections: AtomicU64::new(0),
            evicted_clients: AtomicU64::new(0),
            exec_queue: AtomicUsize::new(0),
            unixsocket: config
                .unixsocket
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            script: ScriptBusy::default(),
            tls: Arc::new(parking_lot::RwLock::new(None)),
            bell: Doorbell::default(),
        })
    }

    /// The I/O threads taking connections now (`CONFIG SET io-threads` changes it).
    pub fn active(&self) -> usize {
        self.active.load(Relaxed)
    }

    pub fn set_active(&self, n: usize) {
        self.active.store(n.clamp(1, MAX_IO_THREADS), Relaxed);
    }

    /// The counters of the active I/O threads.
    pub fn threads(&self) -> &[IoStats] {
        &self.io[..self.active()]
    }

    /// Clients connected over all I/O threads.
    pub fn clients(&self) -> usize {
        self.io.iter().map(|s| s.clients.load(Relaxed)).sum()
    }

    /// Every I/O thread's counters summed.
    pub fn io_totals(&self) -> IoSnapshot {
        let mut total = IoSnapshot::default();
        for s in &self.io {
            total.add(&s.snapshot());
        }
        total
    }

    /// Zeroes the counters `CONFIG RESETSTAT` resets (Redis's `resetServerStats`).
    pub fn reset_stats(&self) {
        for s in &self.io {
            s.reset();
        }
        self.rejected.store(0, Relaxed);
        self.total_connections.store(0, Relaxed);
        self.evicted_clients.store(0, Relaxed);
    }

    /// The I/O thread with the fewest clients (the lowest index on ties). Thread 0 runs on
    /// the executor's thread: it serves clients only when it is the only one, so that
    /// with more I/O threads the executor spends its time on commands.
    pub fn least_loaded(&self) -> usize {
        let threads = self.threads();
        let skip = usize::from(threads.len() > 1);
        let mut best = skip;
        let mut best_n = usize::MAX;
        for (i, s) in threads.iter().enumerate().skip(skip) {
            let n = s.clients.load(Relaxed);
            if n < best_n {
                best = i;
                best_n = n;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::{IoStats, Sleeper};
    use std::mem::{align_of, offset_of, size_of};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
    use std::time::{Duration, Instant};

    /// The sleeper protocol loses no wake: a consumer that sleeps only after saying so and
    /// looking once more, and a producer that wakes it only when `needs_wake` says so. A
    /// lost wake would leave an item waiting out the consumer's 5-second sleep.
    #[test]
    fn a_sleeper_is_always_woken_for_work_queued_after_it_looked() {
        const ITEMS: u64 = 20_000;
        let sleep = Arc::new(Sleeper::default());
        let queued = Arc::new(AtomicU64::new(0));
        let (s, q) = (sleep.clone(), queued.clone());
        let consumer = std::thread::spawn(move || {
            let (mut taken, mut longest) = (0, Duration::ZERO);
            while taken < ITEMS {
                if q.load(SeqCst) > taken {
                    taken += 1;
                    continue;
                }
                s.sleeping();
                if q.load(SeqCst) == taken {
                    let t = Instant::now();
                    std::thread::park_timeout(Duration::from_secs(5));
                    longest = longest.max(t.elapsed());
                }
                s.awake();
            }
            longest
        });
        let thread = consumer.thread().clone();
        for i in 0..ITEMS {
            queued.fetch_add(1, SeqCst);
            if sleep.needs_wake() {
                thread.unpark();
            }
            if i % 64 == 0 {
                std::thread::yield_now();
            }
        }
        let longest = consumer.join().expect("consumer");
        assert!(
            longest < Duration::from_secs(4),
            "a wake was lost: slept {longest:?}"
        );
    }

    #[test]
    fn executor_written_fields_share_no_cache_line_with_thread_counters() {
        let wake = offset_of!(IoStats, wakes_sent);
        assert_eq!(wake % 128, 0);
        assert!(offset_of!(IoStats, busy_ns) < wake);
        assert!(offset_of!(IoStats, clients) < wake);
        // The sleep flag, which both sides write, is on a line of its own.
        let sleep = offset_of!(IoStats, sleep);
        assert_eq!(sleep % 128, 0);
        assert!(offset_of!(IoStats, measure) < sleep);
        // Consecutive threads' blocks in `Shared::io` start on their own lines too.
        assert_eq!(align_of::<IoStats>(), 128);
        assert_eq!(size_of::<IoStats>() % 128, 0);
    }
}
