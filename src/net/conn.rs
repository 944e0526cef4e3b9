//! The I/O thread's half of a connection: the socket, the read buffer with its parser, and
//! the output not yet written. Never sees the keyspace.

use super::stream::Stream;
use crate::resp::parser::Parser;
use bytes::BytesMut;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Bytes asked of one `read` (Redis's PROTO_IOBUF_LEN).
pub const READ_CHUNK: usize = 16 * 1024; // 16 KB
/// The least room a read of a fresh command asks for: less than that left in the buffer
/// and it is grown (or reclaimed) first, so small requests share one buffer.
pub const READ_MIN_ROOM: usize = 4 * 1024; // 4 KB
/// Output buffer capacity kept after a flush; a bigger one (left by a big reply) is freed.
const WBUF_KEEP_MAX: usize = 64 * 1024; // 64 KB

pub struct Conn {
    /// The client id; a reply for another id is for a previous tenant of this slot.
    pub id: u64,
    pub stream: Stream,
    /// Input not yet parsed: empty (and unallocated) unless a command is partly here.
    pub rbuf: BytesMut,
    pub parser: Parser,
    /// Output not yet written: `wbuf[wpos..]`.
    pub wbuf: Vec<u8>,
    pub wpos: usize,
    /// Commands handed to the executor and not yet answered.
    pub inflight: u32,
    /// Stop reading: bad input was seen, or the executor asked for a close.
    pub closing: bool,
    /// Close once the output is written. Only the executor sets this (QUIT, CLIENT KILL, the
    /// answer to a protocol error), so the close always follows the last reply owed.
    pub close_when_flushed: bool,
    /// Output is done and our side is shut down: input is read and dropped until the peer
    /// closes, so that closing with unread input does not reset the connection and destroy
    /// the last reply (the error that explains the close) before the client reads it.
    pub lingering: bool,
    /// The peer shut down its side: the FIN may have come with the last data, in one edge,
    /// so reads must go on until they see end-of-file instead of stopping at a short read.
    pub hup: bool,
    /// Reading is paused for flow control; resume when the backlog drains.
    pub paused: bool,
    /// Receives pushed pub/sub messages: subject to the pub/sub output limit.
    pub pubsub: bool,
    /// Since when the output has been over the soft limit.
    pub over_soft_since: Option<std::time::Instant>,
    /// Already in this round's list of connections with output to write.
    pub dirty: bool,
    /// The executor holds this client's commands until its output drains: tell it
    /// ([`crate::engine::msg::Event::Drained`]) once the output is below the low mark.
    pub drain_wanted: bool,
    /// Shared with the executor (`ConnInfo::alive`); cleared when the connection is dropped.
    pub alive: Arc<AtomicBool>,
    /// Shared with the executor (`ConnInfo::no_evict`): CLIENT NO-EVICT.
    pub no_evict: Arc<AtomicBool>,
    /// Registered for writability too (see [`Conn::interest`]).
    pub write_interest: bool,
}

impl Conn {
    /// What this client's buffers hold, as `maxmemory-clients` counts it: the query
    /// buffer and the output buffer, by their allocations.
    pub fn memory(&self) -> u64 {
        (self.rbuf.capacity() + self.wbuf.capacity()) as u64
    }

    pub fn new(id: u64, stream: Stream, alive: Arc<AtomicBool>, no_evict: Arc<AtomicBool>) -> Conn {
        Conn {
            id,
            stream,
            rbuf: BytesMut::new(),
            parser: Parser::new(),
            wbuf: Vec::new(),
            wpos: 0,
            inflight: 0,
            closing: false,
            close_when_flushed: false,
            lingering: false,
            hup: false,
            pubsub: false,
            over_soft_since: None,
            paused: false,
            dirty: false,
            drain_wanted: false,
            alive,
            no_evict,
            write_interest: false,
        }
    }

    /// What to register for. Readable only while output goes out whole, which is nearly
    /// always: a writability edge after every reply (each ACK frees send buffer room)
    /// would double the events a request costs. Writable too while output is left over,
    /// and always for TLS, whose handshake and records may wait on the socket unasked.
    pub fn interest(stream: &Stream, output_left: bool) -> mio::Interest {
        if output_left || matches!(stream, Stream::Tls(_)) {
            mio::Interest::READABLE | mio::Interest::WRITABLE
        } else {
            mio::Interest::READABLE
        }
    }

    /// Bytes waiting to be written.
    pub fn pending(&self) -> usize {
        self.wbuf.len() - self.wpos
    }

    /// Whether anything is left to send: unwritten output, or TLS records rustls holds.
    pub fn has_output(&self) -> bool {
        self.pending() > 0 || matches!(&self.stream, Stream::Tls(t) if t.tls.wants_write())
    }

    /// One `read` into the spare capacity of the read buffer, at least `want` bytes of room.
    /// Returns the bytes read and the room there was (a short read means the socket is
    /// drained, so edge-triggered polling needs no second read that would only say EAGAIN).
    pub fn read_some(&mut self, want: usize) -> io::Result<(usize, usize)> {
        if let Stream::Tls(t) = &mut self.stream {
            return t.read_plain(&mut self.rbuf, want);
        }
        self.rbuf.reserve(want);
        let spare = self.rbuf.spare_capacity_mut();
        let room = spare.len();
        // SAFETY: `spare` is the buffer's uninitialised tail, valid for `room` bytes and
        // exclusively borrowed; read(2) writes at most `room` bytes there and reports how many.
        let n = unsafe { libc::read(self.stream.as_raw_fd(), spare.as_mut_ptr().cast(), room) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        // SAFETY: read(2) initialised exactly `n <= room` bytes after the current length.
        unsafe { self.rbuf.set_len(self.rbuf.len() + n) };
        Ok((n, room))
    }

    /// Writes as much pending output as the socket takes. Ok(true) when all is written.
    pub fn flush(&mut self) -> io::Result<bool> {
        while self.wpos < self.wbuf.len() {
            match self.stream.write(&self.wbuf[self.wpos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.wpos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        // TLS: rustls may hold records it took but the socket did not.
        if let Stream::Tls(t) = &mut self.stream
            && !t.send_tls()?
        {
            self.wbuf.clear();
            self.wpos = 0;
            return Ok(false);
        }
        self.wbuf.clear();
        self.wpos = 0;
        // Give back memory a huge reply left behind, keep a normal buffer for reuse.
        if self.wbuf.capacity() > WBUF_KEEP_MAX {
            self.wbuf = Vec::new();
        }
        Ok(true)
    }
}
