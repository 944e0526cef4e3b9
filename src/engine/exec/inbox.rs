//! The batches the I/O threads send, one queue per thread.
//!
//! With a single queue that every I/O thread sends into, its tail is one cache line every
//! sender writes: cheap with two threads, a serialising point with thirty-two. Each thread
//! has a queue of its own instead ([`IoLink::rx`]); only the executor reads them all. It
//! takes batches round robin, one per thread in turn, so that a thread flooding its queue
//! cannot starve the others within the per-round bound.
//!
//! Threads whose slot a newer thread took (a retired thread, then the pool grew again) are
//! read too, until they have exited and their queue is closed.

use super::Executor;
use crate::engine::msg::Batch;
use crossbeam_channel::TryRecvError;

impl Executor {
    /// No batch is waiting in any queue.
    pub(super) fn inbox_empty(&self) -> bool {
        self.io.iter().all(|l| l.rx.is_empty()) && self.replaced.iter().all(|l| l.rx.is_empty())
    }

    /// Batches waiting, over all queues.
    pub(super) fn queued(&self) -> usize {
        self.io.iter().map(|l| l.rx.len()).sum()
    }

    /// The next batch, taken round robin over the threads: the one after the thread that
    /// gave the last batch is looked at first.
    pub(super) fn next_batch(&mut self) -> Option<Batch> {
        let n = self.io.len();
        for k in 0..n {
            let i = (self.next_inbox + k) % n;
            if let Ok(batch) = self.io[i].rx.try_recv() {
                self.next_inbox = (i + 1) % n;
                return Some(batch);
            }
        }
        self.next_replaced()
    }

    /// A batch from a thread that is no longer in its slot; forgets the ones that exited.
    fn next_replaced(&mut self) -> Option<Batch> {
        let mut i = 0;
        while i < self.replaced.len() {
            match self.replaced[i].rx.try_recv() {
                Ok(batch) => return Some(batch),
                Err(TryRecvError::Empty) => i += 1,
                Err(TryRecvError::Disconnected) => {
                    // The thread dropped its end on the way out: nothing more to read, and
                    // nothing left to tell it at shutdown.
                    self.replaced.swap_remove(i);
                }
            }
        }
        None
    }
}
