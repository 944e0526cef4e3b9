//! Lazy free: a background thread that drops big values (and whole flushed keyspaces) so
//! the executor does not stall on millions of deallocations. As Redis's `lazyfree.c`: a
//! value goes to the thread only when freeing it is real work (its "free effort", about
//! one allocation per element, exceeds 64); smaller ones are cheaper to drop in place.
//!
//! One [`Lazy`] per server, shared by its databases; the thread starts on first use and
//! ends when the last handle is dropped. Counters feed INFO's `lazyfree_pending_objects`
//! and `lazyfreed_objects`.

use super::encoding::EncLimits;
use super::value::Value;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

/// Free effort above which a value is freed on the background thread (Redis's
/// LAZYFREE_THRESHOLD).
pub const THRESHOLD: usize = 64;

/// Something to drop, and how many objects it counts for in the statistics.
struct Job {
    garbage: Box<dyn Send>,
    objects: u64,
}

#[derive(Default)]
struct Inner {
    /// Started on first use. The Mutex is only taken to start the thread and to clone the
    /// sender for it; the executor sends through its own copy.
    tx: OnceLock<Mutex<Option<Sender<Job>>>>,
    pending: Arc<AtomicU64>,
    freed: Arc<AtomicU64>,
}

/// A handle on the lazy-free thread. Cloning shares the thread and the counters.
#[derive(Clone, Default)]
pub struct Lazy(Arc<Inner>);

impl std::fmt::Debug for Lazy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lazy(pending {})", self.pending())
    }
}

impl Lazy {
    /// Drops `value` here, or on the background thread when its free effort says so.
    /// Returns whether it went to the thread.
    pub fn free(&self, value: Value, enc: &EncLimits) -> bool {
        if free_effort(&value, enc) > THRESHOLD {
            self.send(Box::new(value), 1);
            true
        } else {
            drop(value);
            false
        }
    }

    /// [`Lazy::free`] for a removed key's node: only a big collection goes to the thread
    /// (a string, inline or not, is one block).
    pub fn free_node(&self, node: super::node::Node, enc: &EncLimits) -> bool {
        if node
            .as_value()
            .is_some_and(|v| free_effort(v, enc) > THRESHOLD)
        {
            self.send(Box::new(node), 1);
            true
        } else {
            drop(node);
            false
        }
    }

    /// Drops `garbage` (a flushed keyspace holding `objects` keys) on the background
    /// thread, whatever its size, as Redis's `emptyDbAsync`.
    pub fn free_all<T: Send + 'static>(&self, garbage: T, objects: u64) {
        self.send(Box::new(garbage), objects);
    }

    fn send(&self, garbage: Box<dyn Send>, objects: u64) {
        self.0.pending.fetch_add(objects, Relaxed);
        let job = Job { garbage, objects };
        let tx = self.0.tx.get_or_init(|| Mutex::new(self.spawn()));
        let sender = tx.lock().ok().and_then(|g| g.clone());
        let undelivered = match sender {
            Some(s) => s.send(job).err().map(|e| e.into_inner()),
            None => Some(job),
        };
        // No thread could be started: free it here rather than hold it forever.
        if let Some(job) = undelivered {
            drop(job.garbage);
            self.0.pending.fetch_sub(job.objects, Relaxed);
            self.0.freed.fetch_add(job.objects, Relaxed);
        }
    }

    fn spawn(&self) -> Option<Sender<Job>> {
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        let pending = self.0.pending.clone();
        let freed = self.0.freed.clone();
        let spawned = std::thread::Builder::new()
            .name("muxis-lazyfree".into())
            .spawn(move || {
                for job in rx.iter() {
                    drop(job.garbage);
                    pending.fetch_sub(job.objects, Relaxed);
                    freed.fetch_add(job.objects, Relaxed);
                    if rx.is_empty() {
                        // Idle: hand the pages just freed back (see alloc::release_freed).
                        crate::alloc::release_freed();
                    }
                }
            });
        match spawned {
            Ok(_) => Some(tx),
            Err(e) => {
                tracing::warn!("lazy free thread: {e}");
                None
            }
        }
    }

    /// Objects handed over and not yet freed (INFO `lazyfree_pending_objects`).
    pub fn pending(&self) -> u64 {
        self.0.pending.load(Relaxed)
    }

    /// Objects freed by the thread since start or CONFIG RESETSTAT (`lazyfreed_objects`).
    pub fn freed(&self) -> u64 {
        self.0.freed.load(Relaxed)
    }

    pub fn reset_stats(&self) {
        self.0.freed.store(0, Relaxed);
    }
}

/// About how many allocations dropping `value` takes (Redis's `lazyfreeGetFreeEffort`):
/// 1 for a string and for a small hash, set or sorted set (one block in Redis's listpack
/// or intset encodings), a list's node count (one block per packed node, as Redis's
/// quicklist), the element count otherwise; each of our stream elements is its own
/// allocation, so they count by element.
pub fn free_effort(value: &Value, enc: &EncLimits) -> usize {
    let compact = matches!(value.encoding(enc), "listpack" | "intset");
    match value {
        Value::Str(_) => 1,
        Value::List(l) => l.nodes().len(),
        Value::Hash(..) | Value::Set(..) | Value::ZSet(_) if compact => 1,
        Value::Hash(h) => h.len(),
        Value::Set(s) => s.len(),
        Value::ZSet(z) => z.len(),
        Value::Stream(s) => s.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_values_go_to_the_thread_and_are_counted() {
        let lazy = Lazy::default();
        let enc = EncLimits::default();
        assert!(!lazy.free(Value::str(b"small"), &enc));
        // 1000 elements of 100 bytes fill about 13 nodes of 8 KB: too few to free lazily, as
        // Redis counts a quicklist by node. Of 1000 bytes each, 125 nodes.
        let list = |size| -> Value {
            let l: crate::db::List = (0..1000).map(|_| vec![b'x'; size]).collect();
            Value::List(l)
        };
        assert!(!lazy.free(list(100), &enc));
        assert!(lazy.free(list(1000), &enc));
        lazy.free_all(vec![1u8; 10], 7);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while lazy.pending() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!((lazy.pending(), lazy.freed()), (0, 8));
        lazy.reset_stats();
        assert_eq!(lazy.freed(), 0);
    }
}
