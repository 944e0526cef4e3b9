//! One client connection: a non-blocking socket, the requests written but not yet sent, the
//! tail of a reply not yet complete, and the start time of every request awaiting its reply.
//!
//! Replies come back in request order (RESP has no ids), so start times are a FIFO queue.

use crate::keys::Cursor;
use crate::resp::{self, Counts};
use mio::net::TcpStream;
use std::collections::VecDeque;
use std::io::{self, Read, Write};

pub struct Conn {
    pub stream: TcpStream,
    /// Encoded requests; `wbuf[wpos..]` is not yet written.
    pub wbuf: Vec<u8>,
    wpos: usize,
    /// An incomplete reply carried over to the next read.
    tail: Vec<u8>,
    /// Start time (ns since the run's start) of each request awaiting a reply, oldest first.
    pub started: VecDeque<u64>,
    /// Open loop: requests this connection may still send (its share of --requests).
    pub budget: u64,
    /// Open loop: intended send time of the next request (ns since the run's start).
    pub next_due: u64,
    /// Set when the socket failed or the server sent something that is not RESP.
    pub failed: bool,
    /// The commands and keys this connection sends next.
    pub keys: Cursor,
}

fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl Conn {
    pub fn new(stream: TcpStream, keys: Cursor) -> Conn {
        Conn {
            stream,
            wbuf: Vec::with_capacity(16 * 1024),
            wpos: 0,
            tail: Vec::new(),
            started: VecDeque::new(),
            budget: u64::MAX,
            next_due: 0,
            failed: false,
            keys,
        }
    }

    /// Reads until the socket would block and counts the complete replies. End of stream
    /// and malformed replies are errors: the caller fails the connection.
    pub fn read(&mut self, scratch: &mut [u8]) -> io::Result<Counts> {
        let mut total = Counts::default();
        loop {
            match self.stream.read(scratch) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    let c = self.consume(&scratch[..n])?;
                    total.replies += c.replies;
                    total.errors += c.errors;
                    total.nils += c.nils;
                }
                Err(e) if would_block(&e) => return Ok(total),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Scans freshly read bytes; only an incomplete last reply is copied (into `tail`).
    fn consume(&mut self, data: &[u8]) -> io::Result<Counts> {
        let bad = |_| io::Error::new(io::ErrorKind::InvalidData, "malformed reply");
        if self.tail.is_empty() {
            let (counts, used) = resp::scan_all(data).map_err(bad)?;
            self.tail.extend_from_slice(&data[used..]);
            Ok(counts)
        } else {
            self.tail.extend_from_slice(data);
            let (counts, used) = resp::scan_all(&self.tail).map_err(bad)?;
            self.tail.drain(..used);
            Ok(counts)
        }
    }

    /// Writes as much pending output as the socket takes; the rest waits for writability.
    pub fn flush(&mut self) -> io::Result<()> {
        while self.wpos < self.wbuf.len() {
            match self.stream.write(&self.wbuf[self.wpos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.wpos += n,
                Err(e) if would_block(&e) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.wbuf.clear();
        self.wpos = 0;
        Ok(())
    }

    /// Whether this connection has requests out and is waiting on the server.
    pub fn busy(&self) -> bool {
        !self.started.is_empty()
    }
}
