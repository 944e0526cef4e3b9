//! `CONFIG SET io-threads` and pinning at runtime: adding I/O threads, retiring them and
//! moving their connections without dropping a connection, a reply, or reply order.
//!
//! Growing starts threads; new connections then go to them (the fewest-clients rule), and
//! thread 0 (the executor's own, `host.rs`) hands its clients over when it stops being
//! the only one.
//! Shrinking asks each retiring thread to hand its connections over (see
//! `net/reactor/migrate.rs` for the protocol): replies for a moving connection are held
//! (`out::HOLD`) until the new thread has registered it and the old one has passed the
//! barrier, then released after the replies the old thread bounced back.

use super::Executor;
use crate::engine::msg::{ConnId, Handoff, Span, ToIo};
use crate::engine::out::{HOLD, Outs};
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

/// One connection on the move.
#[derive(Debug)]
struct Move {
    to: usize,
    /// Its slot on the new thread, once registered there.
    slot: Option<u32>,
    /// The old thread has passed the barrier: nothing more will bounce.
    barrier: bool,
    /// Replies the old thread bounced, oldest first.
    bounced: Vec<(Span, Vec<u8>)>,
}

/// A thread handing its connections over.
#[derive(Debug, Default)]
struct Retiring {
    /// It has detached everything (`Event::Retired`).
    retired: bool,
    /// Detached connections whose barrier has not passed yet.
    outstanding: usize,
}

/// The executor's record of moves in progress.
#[derive(Debug, Default)]
pub struct Moves {
    moves: HashMap<u64, Move>,
    retiring: HashMap<usize, Retiring>,
}

impl Moves {
    /// A resize is still settling.
    pub fn busy(&self) -> bool {
        !self.retiring.is_empty() || !self.moves.is_empty()
    }

    pub fn bounced(&mut self, span: Span, bytes: Vec<u8>) {
        if let Some(m) = self.moves.get_mut(&span.conn.id) {
            m.bounced.push((span, bytes));
        }
    }

    /// A connection closed: whatever was held for it goes.
    pub fn closed(&mut self, conn: ConnId, outs: &mut Outs) {
        if self.moves.remove(&conn.id).is_some() {
            outs.forget(conn);
        }
    }
}

impl Executor {
    /// Applies what handlers asked of the executor this round: a new I/O thread count,
    /// new pinning.
    pub(super) fn apply_requests(&mut self) {
        if let Some(n) = self.engine.srv.resize_request.take() {
            self.resize(n);
        }
        if std::mem::take(&mut self.engine.srv.repin_request) {
            self.repin();
        }
        self.engine.srv.resizing = self.moves.busy();
    }

    fn resize(&mut self, n: usize) {
        let current = self.engine.srv.shared.active();
        if n > current {
            for i in current..n {
                let cpus = self.engine.srv.config.io_cpus_for(i);
                match (self.spawn)(i, cpus) {
                    Ok(link) => self.add_link(i, link),
                    Err(e) => {
                        tracing::error!("starting io thread {i} failed: {e}");
                        return;
                    }
                }
                self.engine.srv.shared.set_active(i + 1);
            }
            // Thread 0 runs on this thread and serves clients only while it is alone: its
            // clients move to the new threads, as a retiring thread's do, but it stays.
            if current == 1 {
                self.retiring_thread(0);
            }
            tracing::info!("io-threads {current} -> {n}");
        } else if n < current {
            // New connections stop going to the retiring threads first.
            self.engine.srv.shared.set_active(n);
            for t in n..current {
                self.retiring_thread(t);
            }
            tracing::info!("io-threads {current} -> {n}: moving connections");
        }
        self.engine.srv.config.io_threads = n;
    }

    fn retiring_thread(&mut self, t: usize) {
        self.moves.retiring.insert(t, Retiring::default());
        self.control[t].push(ToIo::Retire);
    }

    /// Puts the line to thread `i` in place, growing the per-thread tables if needed.
    fn add_link(&mut self, i: usize, link: super::IoLink) {
        if i < self.io.len() {
            let old = std::mem::replace(&mut self.io[i], link);
            self.replaced.push(old);
            return;
        }
        self.io.push(link);
        self.batch_pool.push(Vec::new());
        self.reply_pool.push(Vec::new());
        self.control.push(Vec::new());
        self.engine.outs.threads.push(Default::default());
    }

    /// A retiring thread let go of `conn`: hold its replies, pass it on, set the barrier.
    pub(super) fn detached(&mut self, from: usize, conn: ConnId, handoff: Handoff) {
        let to = self.least_loaded();
        let Some(client) = self.engine.srv.clients.get_mut(&conn.id) else {
            return; // gone already: dropping the handoff closes the socket
        };
        client.thread = HOLD;
        // Count it at once, so the next detached connection picks another thread.
        self.engine.srv.shared.io[to].clients.fetch_add(1, Relaxed);
        self.moves.moves.insert(
            conn.id,
            Move {
                to,
                slot: None,
                barrier: false,
                bounced: Vec::new(),
            },
        );
        if let Some(r) = self.moves.retiring.get_mut(&from) {
            r.outstanding += 1;
        }
        self.control[to].push(ToIo::Attach(handoff));
        self.control[from].push(ToIo::Barrier(conn.id));
    }

    /// The active thread with the fewest clients.
    fn least_loaded(&self) -> usize {
        self.engine.srv.shared.least_loaded()
    }

    pub(super) fn attached(&mut self, conn: ConnId) {
        // The new thread counted the connection itself: undo our provisional count.
        if let Some(m) = self.moves.moves.get_mut(&conn.id) {
            self.engine.srv.shared.io[m.to]
                .clients
                .fetch_sub(1, Relaxed);
            m.slot = Some(conn.slot);
        }
        self.release(conn.id);
    }

    pub(super) fn barrier_passed(&mut self, from: usize, id: u64) {
        if let Some(m) = self.moves.moves.get_mut(&id) {
            m.barrier = true;
        }
        if let Some(r) = self.moves.retiring.get_mut(&from) {
            r.outstanding = r.outstanding.saturating_sub(1);
        }
        self.release(id);
        self.check_retired(from);
    }

    pub(super) fn retired(&mut self, from: usize) {
        if let Some(r) = self.moves.retiring.get_mut(&from) {
            r.retired = true;
        }
        self.check_retired(from);
    }

    /// A retiring thread with nothing left in flight may exit (thread 0, which only gave
    /// its clients away, stays).
    fn check_retired(&mut self, t: usize) {
        if self
            .moves
            .retiring
            .get(&t)
            .is_some_and(|r| r.retired && r.outstanding == 0)
        {
            self.moves.retiring.remove(&t);
            if t == 0 {
                tracing::info!("main thread's clients moved to the I/O threads");
            } else {
                self.control[t].push(ToIo::Exit);
                tracing::info!("io thread {t} retired");
            }
        }
    }

    /// Once the connection is registered on its new thread and nothing more can bounce,
    /// route it there: bounced replies first, then the held ones.
    fn release(&mut self, id: u64) {
        let ready = self
            .moves
            .moves
            .get(&id)
            .is_some_and(|m| m.barrier && m.slot.is_some());
        if !ready {
            return;
        }
        let Some(m) = self.moves.moves.remove(&id) else {
            return;
        };
        let Some(client) = self.engine.srv.clients.get_mut(&id) else {
            return;
        };
        let old = client.conn;
        client.thread = m.to;
        client.conn.slot = m.slot.unwrap_or(u32::MAX);
        let target = client.target();
        self.engine.outs.release(old, m.bounced, target);
    }

    /// Sends every thread its pinning and pins the executor itself.
    fn repin(&mut self) {
        // Thread 0 is this thread: `main-cpu` pins it, below.
        for t in 1..self.engine.srv.shared.active() {
            let cpus = self.engine.srv.config.io_cpus_for(t);
            self.control[t].push(ToIo::Pin(cpus));
        }
        let main: Vec<usize> = self.engine.srv.config.main_cpu.into_iter().collect();
        if !crate::pin::set(&main) {
            tracing::warn!("pinning the main thread to {main:?} failed");
        }
    }
}
