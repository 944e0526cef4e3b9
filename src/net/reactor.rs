//! One I/O thread: a mio event loop that owns its sockets, reads and parses commands, sends
//! the executor one batch per round, and writes the replies that come back.
//!
//! A round: poll; handle every ready socket (read until drained, parse every complete
//! command); handle the executor's messages if woken; send the batch; write the output of
//! every connection that got some. Each connection is read once and written once per round
//! in the common case. Never touches the keyspace.

use super::conn::{Conn, READ_CHUNK};
use crate::engine::exec::Wake;
use crate::engine::msg::{Batch, ConnId, ConnInfo, Event, Replies, Resolved, Span, ToIo};
use crate::engine::table::Table;
use crate::resp::parser::Limits;
use crate::shared::Shared;
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use slab::Slab;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::time::{Duration, Instant};

mod migrate;

const LISTENER: Token = Token(usize::MAX - 1);
const WAKER: Token = Token(usize::MAX - 2);

/// Commands a connection may have at the executor before we stop reading it.
const MAX_INFLIGHT: u32 = 16 * 1024;
/// Unwritten output a connection may have before we stop reading it.
const MAX_PENDING_OUT: usize = 16 * 1024 * 1024; // 16 MB

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
    listener: Option<TcpListener>,
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

fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl IoThread {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        index: usize,
        poll: Poll,
        listener: Option<TcpListener>,
        rx: Receiver<ToIo>,
        to_exec: Sender<Batch>,
        peers: Peers,
        shared: Arc<Shared>,
        table: &'static Table,
    ) -> io::Result<IoThread> {
        let mut listener = listener;
        if let Some(l) = listener.as_mut() {
            poll.registry().register(l, LISTENER, Interest::READABLE)?;
        }
        Ok(IoThread {
            index,
            poll,
            conns: Slab::new(),
            listener,
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
        loop {
            if let Err(e) = self.poll.poll(&mut events, None) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                tracing::error!("io thread {}: poll failed: {e}", self.index);
                return;
            }
            let start = Instant::now();
            let mut woken = false;
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => woken = true,
                    Token(slot) => {
                        if (event.is_read_closed() || event.is_error())
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
            if woken {
                self.shared.io[self.index].wake_pending.store(false, SeqCst);
                match self.drain_inbox() {
                    Inbox::Open => {}
                    Inbox::Shutdown => {
                        self.send_batch();
                        self.shutdown();
                        return;
                    }
                    Inbox::Exit => {
                        self.send_batch();
                        return;
                    }
                }
            }
            self.send_batch();
            self.write_dirty();
            if !self.resume.is_empty() {
                for slot in std::mem::take(&mut self.resume) {
                    self.read(slot);
                }
                self.send_batch();
            }
            self.publish_stats(start);
        }
    }

    /// Accepts every pending connection and places each on the least loaded I/O thread.
    fn accept(&mut self) {
        loop {
            let Some(listener) = self.listener.as_ref() else {
                return;
            };
            match listener.accept() {
                Ok((stream, _)) => self.place(stream),
                Err(e) if would_block(&e) => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of descriptors and the like: the listener stays registered and
                    // the next readiness edge retries.
                    tracing::warn!("accept failed: {e}");
                    return;
                }
            }
        }
    }

    fn place(&mut self, mut stream: TcpStream) {
        let limits = &self.shared.limits;
        if self.shared.clients() >= limits.maxclients.load(Relaxed) {
            // Best effort, as Redis: the socket is fresh, so a short line fits its buffer.
            let _ = stream.write(format!("-{}\r\n", crate::error::MAX_CLIENTS).as_bytes());
            self.shared.rejected.fetch_add(1, Relaxed);
            return;
        }
        self.shared.total_connections.fetch_add(1, Relaxed);
        let target = self.shared.least_loaded();
        // Count it now, so a burst of accepts spreads out instead of piling on one thread.
        self.shared.io[target].clients.fetch_add(1, Relaxed);
        let id = self.shared.next_client_id.fetch_add(1, Relaxed);
        if target == self.index {
            self.register(stream, id);
            return;
        }
        let std_stream = std::net::TcpStream::from(std::os::fd::OwnedFd::from(stream));
        let Some(peer) = self.peers.read().get(target).cloned().flatten() else {
            self.shared.io[target].clients.fetch_sub(1, Relaxed);
            return;
        };
        if peer.tx.send(ToIo::Adopt(std_stream, id)).is_err() {
            self.shared.io[target].clients.fetch_sub(1, Relaxed);
            return;
        }
        if !self.shared.io[target].wake_pending.swap(true, SeqCst) {
            peer.waker.wake();
        }
    }

    /// Takes ownership of a connection: registers it and tells the executor.
    fn register(&mut self, mut stream: TcpStream, id: u64) {
        let entry = self.conns.vacant_entry();
        let slot = entry.key();
        if let Err(e) = self.poll.registry().register(
            &mut stream,
            Token(slot),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            tracing::warn!("registering a connection failed: {e}");
            self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
            return;
        }
        // Small replies must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let info = ConnInfo {
            addr: stream
                .peer_addr()
                .unwrap_or_else(|_| ([0, 0, 0, 0], 0).into()),
            laddr: stream
                .local_addr()
                .unwrap_or_else(|_| ([0, 0, 0, 0], 0).into()),
            fd: stream.as_raw_fd(),
        };
        entry.insert(Conn::new(id, stream));
        let conn = ConnId {
            id,
            slot: slot as u32,
        };
        self.batch.events.push(Event::Open {
            conn,
            info: Box::new(info),
        });
    }

    /// Reads and parses everything available on `slot`, unless flow control holds it.
    fn read(&mut self, slot: usize) {
        let limits = Limits {
            max_bulk_len: self.shared.limits.max_bulk_len.load(Relaxed),
            max_query_len: self.shared.limits.max_query_len.load(Relaxed),
        };
        loop {
            let Some(conn) = self.conns.get_mut(slot) else {
                return;
            };
            if conn.lingering {
                return self.linger(slot);
            }
            if conn.closing {
                return;
            }
            if conn.inflight >= MAX_INFLIGHT || conn.pending() >= MAX_PENDING_OUT {
                conn.paused = true;
                return;
            }
            conn.paused = false;
            let want = conn
                .parser
                .want(&conn.rbuf)
                .unwrap_or(0)
                .clamp(READ_CHUNK, limits.max_query_len.max(READ_CHUNK));
            match conn.read_some(want) {
                Ok((0, _)) => return self.close(slot),
                Ok((n, room)) => {
                    self.reads += 1;
                    self.read_bytes += n as u64;
                    self.parse(slot, &limits);
                    let hup = self.conns.get(slot).is_some_and(|c| c.hup);
                    if n < room && !hup {
                        return; // drained: the next data brings a new edge
                    }
                }
                Err(e) if would_block(&e) => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.close(slot),
            }
        }
    }

    /// Moves every complete command in `slot`'s read buffer into the batch.
    fn parse(&mut self, slot: usize, limits: &Limits) {
        let Some(conn) = self.conns.get_mut(slot) else {
            return;
        };
        let id = ConnId {
            id: conn.id,
            slot: slot as u32,
        };
        loop {
            let argv = self.batch.args.len();
            match conn
                .parser
                .parse(&mut conn.rbuf, &mut self.batch.args, limits)
            {
                Ok(Some(argc)) => {
                    let name = &self.batch.args[argv];
                    let cmd = match self.table.lookup(name) {
                        Some(i) if self.table.get(i).arity_ok(argc) => Resolved::Known(i),
                        Some(i) => Resolved::WrongArity(i),
                        None => Resolved::Unknown,
                    };
                    self.batch.events.push(Event::Command {
                        conn: id,
                        cmd,
                        argv: argv as u32,
                        argc: argc as u32,
                    });
                    conn.inflight += 1;
                    self.commands += 1;
                    if conn.inflight >= MAX_INFLIGHT {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    self.batch.args.truncate(argv);
                    self.batch.events.push(Event::ProtocolError {
                        conn: id,
                        message: e.message(),
                    });
                    conn.closing = true;
                    conn.rbuf.clear();
                    return;
                }
            }
        }
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
                Ok(ToIo::Adopt(stream, id)) => {
                    if stream.set_nonblocking(true).is_ok() {
                        self.register(TcpStream::from_std(stream), id);
                    } else {
                        self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
                    }
                }
                Ok(ToIo::Shutdown) | Err(TryRecvError::Disconnected) => return Inbox::Shutdown,
                Err(TryRecvError::Empty) => return Inbox::Open,
            }
        }
    }

    /// Appends each span of replies to its connection's output.
    fn deliver(&mut self, mut replies: Replies) {
        if let Some(batch) = replies.spare.take() {
            self.spare_batches.push(batch);
        }
        for i in 0..replies.spans.len() {
            let span = replies.spans[i];
            let range = replies.range(i);
            let slot = span.conn.slot as usize;
            let live = self.conns.get(slot).is_some_and(|c| c.id == span.conn.id);
            if !live {
                // For a connection that moved to another thread: send it back to follow
                // the connection; for one that has since closed: drop it.
                if self.detached.contains(&span.conn.id) {
                    self.bounce(span, &replies.buf[range]);
                }
                continue;
            }
            let Some(conn) = self.conns.get_mut(slot) else {
                continue;
            };
            conn.wbuf.extend_from_slice(&replies.buf[range]);
            conn.inflight = conn.inflight.saturating_sub(span.done);
            if span.close {
                conn.closing = true;
                conn.close_when_flushed = true;
            }
            conn.pubsub |= span.pubsub;
            if conn.pubsub && self.over_output_limit(slot) {
                tracing::info!(
                    "closing client id={} for overcoming of output buffer limits",
                    span.conn.id
                );
                self.close(slot);
                continue;
            }
            self.mark_dirty(slot);
        }
        replies.clear();
        self.spare_replies = Some((replies.buf, replies.spans));
    }

    /// Whether a pub/sub connection's unsent output is past `client-output-buffer-limit
    /// pubsub`: over the hard limit, or over the soft limit for longer than allowed.
    fn over_output_limit(&mut self, slot: usize) -> bool {
        let limits = &self.shared.limits;
        let (hard, soft) = (
            limits.pubsub_hard.load(Relaxed),
            limits.pubsub_soft.load(Relaxed),
        );
        let soft_secs = limits.pubsub_soft_secs.load(Relaxed);
        let Some(conn) = self.conns.get_mut(slot) else {
            return false;
        };
        let pending = conn.pending() as u64;
        if hard > 0 && pending >= hard {
            return true;
        }
        if soft > 0 && pending >= soft {
            let since = *conn.over_soft_since.get_or_insert_with(Instant::now);
            return since.elapsed() >= Duration::from_secs(soft_secs);
        }
        conn.over_soft_since = None;
        false
    }

    fn mark_dirty(&mut self, slot: usize) {
        if let Some(conn) = self.conns.get_mut(slot)
            && !conn.dirty
        {
            conn.dirty = true;
            self.dirty.push(slot);
        }
    }

    /// Writes every connection that has output; closes the ones done with.
    fn write_dirty(&mut self) {
        for slot in std::mem::take(&mut self.dirty) {
            let Some(conn) = self.conns.get_mut(slot) else {
                continue;
            };
            conn.dirty = false;
            let before = conn.pending();
            if before > 0 {
                self.writes += 1;
            }
            match conn.flush() {
                Ok(done) => {
                    self.written_bytes += (before - conn.pending()) as u64;
                    if done && conn.close_when_flushed {
                        self.linger(slot);
                    } else if conn.paused && !conn.closing {
                        self.resume.push(slot);
                    }
                }
                Err(_) => self.close(slot),
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
    }

    /// Shuts down our side and drops input until the peer closes (see `Conn::lingering`).
    /// Gives up after a bounded amount of input and closes anyway.
    fn linger(&mut self, slot: usize) {
        /// Input a lingering connection may send before it is simply closed.
        const LINGER_MAX: usize = 64 * 1024 * 1024; // 64 MB
        let Some(conn) = self.conns.get_mut(slot) else {
            return;
        };
        if !conn.lingering {
            conn.lingering = true;
            conn.rbuf = bytes::BytesMut::new();
            if conn.stream.shutdown(std::net::Shutdown::Write).is_err() {
                return self.close(slot);
            }
        }
        let mut dropped = 0;
        loop {
            conn.rbuf.clear();
            match conn.read_some(READ_CHUNK) {
                Ok((0, _)) => return self.close(slot),
                Ok((n, _)) => {
                    dropped += n;
                    if dropped > LINGER_MAX {
                        return self.close(slot);
                    }
                }
                Err(e) if would_block(&e) => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.close(slot),
            }
        }
    }

    /// Forgets a connection and tells the executor.
    fn close(&mut self, slot: usize) {
        if !self.conns.contains(slot) {
            return;
        }
        let mut conn = self.conns.remove(slot);
        let _ = self.poll.registry().deregister(&mut conn.stream);
        self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
        self.batch.events.push(Event::Closed {
            conn: ConnId {
                id: conn.id,
                slot: slot as u32,
            },
        });
    }

    fn publish_stats(&mut self, start: Instant) {
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
        if let Some(mut l) = self.listener.take() {
            let _ = self.poll.registry().deregister(&mut l);
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
                if conn.pending() > 0 && matches!(conn.flush(), Ok(false)) {
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
