//! One I/O thread: a mio event loop that owns its sockets, reads and parses commands, sends
//! the executor one batch per round, and writes the replies that come back.
//!
//! A round: poll; handle every ready socket (read until drained, parse every complete
//! command); handle the executor's messages if woken; send the batch; write the output of
//! every connection that got some. Each connection is read once and written once per round
//! in the common case. Never touches the keyspace.

use super::conn::Conn;
use super::listen::Listener;
use super::stream::Stream;
use crate::engine::exec::Wake;
use crate::engine::msg::{Batch, ConnId, Event, Span, ToIo};
use crate::engine::table::Table;
use crate::shared::Shared;
use crate::util::clock::Instant;
use bytes::BytesMut;
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use mio::{Events, Interest, Poll, Token, Waker};
use slab::Slab;
use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, Release};
use std::time::Duration;

mod accept;
mod busy;
mod evict;
mod hosted;
mod input;
mod migrate;
mod output;

pub use hosted::Hosted;

const WAKER: Token = Token(usize::MAX - 1);
/// Listener `i` has token `LISTENER - i`: the tokens below the waker's, far above any slot.
const LISTENER: usize = usize::MAX - 2;
const MAX_LISTENERS: usize = 1024;

/// Commands a connection may have at the executor before we stop reading it.
pub(super) const MAX_INFLIGHT: u32 = 16 * 1024;
/// Unwritten output a connection may have before we stop reading it.
pub(super) const MAX_PENDING_OUT: usize = 16 * 1024 * 1024; // 16 MB

/// Freeing a buffer at least this big makes the thread give memory back when next idle.
pub(super) const RELEASE_MIN: usize = 1024 * 1024; // 1 MB
/// How long a lingering close waits for the peer to close its side.
const LINGER_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a thread must be idle before it gives freed memory back.
const RELEASE_AFTER: Duration = Duration::from_millis(100);

/// A mio waker seen through the executor's [`Wake`] trait.
pub struct MioWake(pub Waker);

impl Wake for MioWake {
    fn wake(&self) {
        if let Err(e) = self.0.wake() {
            tracing::error!("waking an I/O thread failed: {e}");
        }
    }
}

/// Every I/O thread's [`Peer`], by index; grows when `CONFIG SET io-threads` adds threads.
pub type Peers = Arc<parking_lot::RwLock<Vec<Option<Peer>>>>;

/// How other threads reach an I/O thread.
#[derive(Clone)]
pub struct Peer {
    pub tx: Sender<ToIo>,
    pub waker: Arc<MioWake>,
}

pub struct IoThread {
    index: usize,
    poll: Poll,
    conns: Slab<Conn>,
    /// The listening sockets (thread 0 only).
    listeners: Vec<Listener>,
    rx: Receiver<ToIo>,
    to_exec: Sender<Batch>,
    /// Every I/O thread, this one included, for handing over accepted connections.
    peers: Peers,
    shared: Arc<Shared>,
    /// The command table: names and arities are checked here, before the executor.
    table: &'static Table,
    /// Ids of connections handed to another thread: replies still arriving for them are
    /// bounced back to the executor, which forwards them in order.
    detached: std::collections::HashSet<u64>,
    batch: Batch,
    spare_batches: Vec<Batch>,
    spare_replies: Option<(Vec<u8>, Vec<Span>)>,
    /// The read buffer lent to whichever connection reads next (see `reactor/input.rs`).
    rbuf: BytesMut,
    /// Connections in a lingering close: (slot, id, since when).
    lingering: Vec<(usize, u64, Instant)>,
    /// Something big was freed: give memory back at the next idle moment.
    release_pending: bool,
    /// Connections that got output this round.
    dirty: Vec<usize>,
    /// Paused connections to try reading again after this round's writes.
    resume: Vec<usize>,
    // Per-round counters, added to the shared atomics once per round.
    reads: u64,
    writes: u64,
    read_bytes: u64,
    written_bytes: u64,
    commands: u64,
}

/// What the inbox said.
enum Inbox {
    Open,
    Shutdown,
    Exit,
}

pub(super) fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl IoThread {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        index: usize,
        poll: Poll,
        listeners: Vec<Listener>,
        rx: Receiver<ToIo>,
        to_exec: Sender<Batch>,
        peers: Peers,
        shared: Arc<Shared>,
        table: &'static Table,
    ) -> io::Result<IoThread> {
        let mut listeners = listeners;
        for (i, l) in listeners.iter_mut().enumerate() {
            poll.registry()
                .register(l.source(), Token(LISTENER - i), Interest::READABLE)?;
        }
        Ok(IoThread {
            index,
            poll,
            conns: Slab::new(),
            listeners,
            rx,
            to_exec,
            peers,
            shared,
            table,
            detached: std::collections::HashSet::new(),
            batch: Batch {
                thread: index,
                ..Batch::default()
            },
            spare_batches: Vec::new(),
            spare_replies: None,
            rbuf: BytesMut::new(),
            release_pending: false,
            lingering: Vec::new(),
            dirty: Vec::new(),
            resume: Vec::new(),
            reads: 0,
            writes: 0,
            read_bytes: 0,
            written_bytes: 0,
            commands: 0,
        })
    }

    /// The token of this thread's waker; `server.rs` creates the waker with it.
    pub fn waker_token() -> Token {
        WAKER
    }

    /// Runs until told to shut down or the executor is gone.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let shared = self.shared.clone();
        let sleep = &shared.io[self.index].sleep;
        loop {
            let mut timeout = self.idle_timeout();
            // Say we are going to sleep, then look at the inbox once more: whoever queues
            // a message after that finds the flag and wakes us (`shared::Sleeper`).
            sleep.sleeping();
            if !self.rx.is_empty() {
                timeout = Some(Duration::ZERO);
            }
            let waited = self.wait(&mut events, timeout);
            sleep.awake();
            if let Err(e) = waited {
                tracing::error!("io thread {}: poll failed: {e}", self.index);
                return;
            }
            let start = Instant::now();
            // A wake only says "look"; the inbox is read every round, woken or not.
            self.dispatch(&events);
            if !self.inbox() {
                return;
            }
            self.end_round(start);
        }
    }

    /// How long `poll` may sleep when nothing happens. After freeing something big, only
    /// briefly: if nothing comes, the idle moment is when the freed memory goes back to
    /// the system. Lingering closes need a clock too, for peers that never close their side.
    fn idle_timeout(&self) -> Option<Duration> {
        if self.lingering.is_empty() {
            self.release_pending.then_some(RELEASE_AFTER)
        } else {
            Some(RELEASE_AFTER)
        }
    }

    /// Waits up to `timeout` for events (an interrupted wait returns none), closes
    /// lingerers past their time, and gives freed memory back if the wait found the
    /// thread idle.
    fn wait(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        if let Err(e) = self.poll.poll(events, timeout) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
            events.clear();
        }
        if !self.lingering.is_empty() {
            self.close_stale_lingerers();
        }
        let idle = timeout.is_none_or(|t| t >= RELEASE_AFTER);
        if events.is_empty() && idle && self.release_pending {
            self.release_pending = false;
            crate::alloc::release_freed();
        }
        Ok(())
    }

    /// Handles every ready socket: accepts, reads and parses, notes what became writable.
    /// (A wake needs nothing here: the inbox is read after every poll.)
    fn dispatch(&mut self, events: &Events) {
        for event in events.iter() {
            match event.token() {
                WAKER => {}
                Token(t) if t > LISTENER - MAX_LISTENERS && t <= LISTENER => {
                    self.accept(LISTENER - t)
                }
                Token(slot) => {
                    if event.is_error() {
                        // Reset or failed: nothing can be written or read any more,
                        // whatever flow control is holding. The executor hears of it in
                        // this round's batch.
                        self.close(slot);
                        continue;
                    }
                    if event.is_read_closed()
                        && let Some(conn) = self.conns.get_mut(slot)
                    {
                        conn.hup = true;
                    }
                    if event.is_readable() || event.is_read_closed() || event.is_error() {
                        self.read(slot);
                    }
                    if event.is_writable() {
                        self.mark_dirty(slot);
                    }
                }
            }
        }
    }

    /// Handles the executor's messages. False when the thread must stop (after
    /// flushing what it owes, on a shutdown).
    fn inbox(&mut self) -> bool {
        match self.drain_inbox() {
            Inbox::Open => true,
            Inbox::Shutdown => {
                self.send_batch();
                self.shutdown();
                false
            }
            Inbox::Exit => {
                self.send_batch();
                false
            }
        }
    }

    /// The end of a round: the batch goes to the executor, replies go out, paused reads
    /// resume, and the round's counters are published.
    fn end_round(&mut self, start: Instant) {
        self.send_batch();
        self.write_dirty();
        for slot in std::mem::take(&mut self.resume) {
            self.read(slot);
        }
        // Closes found while writing, drain notices and resumed reads go out now, not
        // whenever something next wakes this thread.
        self.client_memory();
        self.send_batch();
        self.publish_stats(start);
    }

    /// Handles the executor's messages.
    fn drain_inbox(&mut self) -> Inbox {
        loop {
            match self.rx.try_recv() {
                Ok(ToIo::Replies(replies)) => self.deliver(replies),
                Ok(ToIo::Retire) => self.retire(),
                Ok(ToIo::Attach(handoff)) => self.attach(handoff),
                Ok(ToIo::Barrier(id)) => {
                    self.detached.remove(&id);
                    self.batch.events.push(Event::BarrierPassed { id });
                }
                Ok(ToIo::Pin(cpus)) => {
                    if !crate::pin::set(&cpus) {
                        tracing::warn!("io thread {}: pinning to {cpus:?} failed", self.index);
                    }
                }
                Ok(ToIo::Exit) => return Inbox::Exit,
                Ok(ToIo::Adopt(accepted, id)) => {
                    if let Ok(stream) = Stream::from_accepted(accepted) {
                        self.register(stream, id);
                    } else {
                        self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
                    }
                }
                Ok(ToIo::Shutdown) | Err(TryRecvError::Disconnected) => return Inbox::Shutdown,
                Err(TryRecvError::Empty) => return Inbox::Open,
            }
        }
    }

    /// Sends this round's batch to the executor, if it has anything.
    fn send_batch(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let next = self.spare_batches.pop().unwrap_or_default();
        let mut batch = std::mem::replace(&mut self.batch, next);
        self.batch.thread = self.index;
        batch.spare = self.spare_replies.take();
        self.shared.io[self.index].batches.fetch_add(1, Relaxed);
        // The executor is gone only when shutting down; the inbox will say so.
        let _ = self.to_exec.send(batch);
        // Thread 0 runs on the executor's thread: that one is awake.
        if self.index != 0 {
            self.shared.bell.ring();
        }
    }

    /// Forgets a connection and tells the executor.
    fn close(&mut self, slot: usize) {
        if !self.conns.contains(slot) {
            return;
        }
        let mut conn = self.conns.remove(slot);
        conn.alive.store(false, Release);
        let _ = self.poll.registry().deregister(&mut conn.stream);
        self.release_pending |= conn.wbuf.capacity() + conn.rbuf.capacity() > RELEASE_MIN;
        self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
        self.batch.events.push(Event::Closed {
            conn: ConnId {
                id: conn.id,
                slot: slot as u32,
            },
        });
    }

    /// Closes lingering connections whose peer has not closed its side in time: the last
    /// reply has had its chance, and a client that never closes must not hold a slot.
    fn close_stale_lingerers(&mut self) {
        let now = Instant::now();
        let mut i = 0;
        while i < self.lingering.len() {
            let (slot, id, since) = self.lingering[i];
            let same = self.conns.get(slot).is_some_and(|c| c.id == id);
            if same && now.duration_since(since) < LINGER_TIMEOUT {
                i += 1;
                continue;
            }
            self.lingering.swap_remove(i);
            if same {
                self.close(slot);
            }
        }
    }

    fn publish_stats(&mut self, start: Instant) {
        // A round that moved megabytes allocated (here or in the executor, which frees our
        // read buffers) what the next idle moment should give back.
        self.release_pending |= self.read_bytes + self.written_bytes >= RELEASE_MIN as u64;
        let s = &self.shared.io[self.index];
        s.reads.fetch_add(std::mem::take(&mut self.reads), Relaxed);
        s.writes
            .fetch_add(std::mem::take(&mut self.writes), Relaxed);
        s.read_bytes
            .fetch_add(std::mem::take(&mut self.read_bytes), Relaxed);
        s.written_bytes
            .fetch_add(std::mem::take(&mut self.written_bytes), Relaxed);
        s.commands
            .fetch_add(std::mem::take(&mut self.commands), Relaxed);
        s.busy_ns
            .fetch_add(start.elapsed().as_nanos() as u64, Relaxed);
    }

    /// Stops accepting and writes what is owed, for at most a second, then returns.
    fn shutdown(&mut self) {
        // Dropping a listener closes it (and removes a Unix socket's file).
        for mut l in std::mem::take(&mut self.listeners) {
            let _ = self.poll.registry().deregister(l.source());
        }
        // Replies may still be queued behind the Shutdown message's wake.
        while let Ok(msg) = self.rx.try_recv() {
            if let ToIo::Replies(r) = msg {
                self.deliver(r);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut events = Events::with_capacity(256);
        loop {
            let mut pending = false;
            for (_, conn) in self.conns.iter_mut() {
                if conn.has_output() && matches!(conn.flush(), Ok(false)) {
                    pending = true;
                }
            }
            if !pending || Instant::now() >= deadline {
                return;
            }
            let _ = self.poll.poll(&mut events, Some(Duration::from_millis(10)));
        }
    }
}
