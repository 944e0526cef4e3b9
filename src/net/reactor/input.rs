//! Reading: socket reads, parsing into the batch, flow control on input, and lingering
//! closes. Never touches the keyspace.
//!
//! A connection with no partial command holds no read buffer: it borrows the thread's
//! buffer for the read and gives it back once every complete command is cut off it (the
//! arguments are slices of it, travelling to the executor). Only a connection that is in
//! the middle of a command keeps a buffer of its own. So 10,000 idle clients cost no read
//! buffers, and a burst (a 512 MB SET) leaves nothing behind once it has been parsed.

use super::{IoThread, MAX_INFLIGHT, MAX_PENDING_OUT, RELEASE_MIN, busy, would_block};
use crate::engine::msg::{ConnId, Event, Resolved};
use crate::net::conn::{READ_CHUNK, READ_MIN_ROOM};
use crate::resp::parser::Limits;
use bytes::BytesMut;
use std::io;
use std::sync::atomic::Ordering::Relaxed;

/// The largest emptied connection buffer the thread keeps as its shared read buffer; a
/// bigger one (left by a huge value) is freed.
const SHARED_KEEP_MAX: usize = 256 * 1024; // 256 KB

impl IoThread {
    /// Reads and parses everything available on `slot`, unless flow control holds it.
    pub(super) fn read(&mut self, slot: usize) {
        let limits = Limits {
            max_bulk_len: self.shared.limits.max_bulk_len.load(Relaxed),
            max_query_len: self.shared.limits.max_query_len.load(Relaxed),
        };
        // Complete commands already buffered go first: a connection resumed after a pause
        // may have all it will ever send sitting in its buffer, and then no new data (and
        // no readiness edge) would come to make us look at it.
        self.parse(slot, &limits);
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
            // A bulk in progress asks for its remaining bytes; a fresh command reads into
            // whatever room is left (at least READ_MIN_ROOM).
            let want = match conn.parser.want(&conn.rbuf) {
                Some(n) => n.clamp(READ_CHUNK, limits.max_query_len.max(READ_CHUNK)),
                None => READ_MIN_ROOM,
            };
            if conn.rbuf.is_empty() {
                if self.rbuf.capacity() == 0 {
                    // Allocations made from it later keep this size (BytesMut remembers it).
                    self.rbuf = BytesMut::with_capacity(READ_CHUNK);
                }
                std::mem::swap(&mut conn.rbuf, &mut self.rbuf);
            }
            let result = conn.read_some(want);
            match result {
                Ok((0, _)) => return self.close(slot),
                Ok((n, room)) => {
                    self.reads += 1;
                    self.read_bytes += n as u64;
                    self.parse(slot, &limits);
                    let Some(conn) = self.conns.get(slot) else {
                        return;
                    };
                    if conn.paused || (n < room && !conn.hup) {
                        // Paused: resumed after replies drain. Short read: drained, the
                        // next data brings a new edge.
                        return;
                    }
                }
                Err(e) if would_block(&e) => {
                    self.give_back(slot);
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.give_back(slot),
                Err(_) => return self.close(slot),
            }
        }
    }

    /// Takes back an emptied read buffer from `slot`: as the thread's shared buffer if it is
    /// a better one than the thread has, otherwise it is freed.
    fn give_back(&mut self, slot: usize) {
        let Some(conn) = self.conns.get_mut(slot) else {
            return;
        };
        if !conn.rbuf.is_empty() {
            return; // a partial command: the connection keeps its buffer
        }
        let buf = std::mem::take(&mut conn.rbuf);
        if buf.capacity() > self.rbuf.capacity() && buf.capacity() <= SHARED_KEEP_MAX {
            self.rbuf = buf;
        } else {
            self.release_pending |= buf.capacity() >= RELEASE_MIN;
        }
    }

    /// Moves every complete command in `slot`'s read buffer into the batch.
    fn parse(&mut self, slot: usize, limits: &Limits) {
        self.parse_buffered(slot, limits);
        self.give_back(slot);
    }

    fn parse_buffered(&mut self, slot: usize, limits: &Limits) {
        let Some(conn) = self.conns.get_mut(slot) else {
            return;
        };
        if conn.rbuf.is_empty() || conn.closing {
            return;
        }
        let id = ConnId {
            id: conn.id,
            slot: slot as u32,
        };
        loop {
            if conn.inflight >= MAX_INFLIGHT {
                // Whatever is still buffered waits for replies to drain; the write pass
                // resumes paused connections, and resuming parses the buffer first.
                conn.paused = true;
                return;
            }
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
                    // A script running late: answered here (see `busy.rs`).
                    if conn.inflight == 0
                        && matches!(cmd, Resolved::Known(_))
                        && let busy::Busy::Reply(reply) =
                            busy::check(&self.shared.script, self.table, &self.batch.args[argv..])
                    {
                        self.batch.args.truncate(argv);
                        conn.wbuf.extend_from_slice(reply);
                        if !conn.dirty {
                            conn.dirty = true;
                            self.dirty.push(slot);
                        }
                        continue;
                    }
                    self.batch.events.push(Event::Command {
                        conn: id,
                        cmd,
                        argv: argv as u32,
                        argc: argc as u32,
                    });
                    conn.inflight += 1;
                    self.commands += 1;
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

    /// Shuts down our side and drops input until the peer closes (see `Conn::lingering`).
    /// Gives up after a bounded amount of input and closes anyway.
    pub(super) fn linger(&mut self, slot: usize) {
        /// Input a lingering connection may send before it is simply closed.
        const LINGER_MAX: usize = 64 * 1024 * 1024; // 64 MB
        let Some(conn) = self.conns.get_mut(slot) else {
            return;
        };
        if !conn.lingering {
            conn.lingering = true;
            self.lingering
                .push((slot, conn.id, crate::util::clock::now()));
            conn.rbuf = BytesMut::new();
            if conn.stream.shutdown_write().is_err() {
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
}
