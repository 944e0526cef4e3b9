//! The messages that cross the thread boundary, and nothing else.
//!
//! I/O threads send the executor one [`Batch`] per poll round; the executor sends each I/O
//! thread one [`ToIo::Replies`] per executor round. Both containers travel back empty to be
//! reused, so the steady state allocates nothing per command. This module must not grow logic:
//! it is the only place where the network side (`net/`, `resp/`) and the data side
//! (`engine/`, `cmd/`, `db/`) meet.

use bytes::Bytes;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A connection, as seen from both sides. `id` is the Redis client id (never reused), `slot`
/// is the index in the owning I/O thread's slab. A reply addressed to a slot whose current
/// connection has another id was meant for a closed connection and is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConnId {
    pub id: u64,
    pub slot: u32,
}

/// What an I/O thread resolved about a command before handing it over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Index into the command table; arity already checked.
    Known(u16),
    /// The name matched no command.
    Unknown,
    /// The command exists but the argument count is wrong.
    WrongArity(u16),
}

/// Facts about a new connection that the executor shows in `CLIENT LIST`.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    /// The peer's and our address as `CLIENT LIST` shows them (`ip:port`, or `path:0` for a
    /// Unix socket).
    pub addr: String,
    pub laddr: String,
    /// Connected through the Unix socket (`CLIENT LIST` flag `U`).
    pub unix: bool,
    pub fd: i32,
    /// Cleared by the I/O thread the moment it drops the connection, before the executor
    /// hears of it in a batch: the executor looks at it before handing a blocked client an
    /// element, so an element is not taken from the data for a client already gone.
    pub alive: Arc<AtomicBool>,
    /// Set by CLIENT NO-EVICT: the I/O thread never closes this client to bring client
    /// memory under `maxmemory-clients`.
    pub no_evict: Arc<AtomicBool>,
}

impl ConnInfo {
    /// Whether the I/O thread still has the connection.
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }
}

/// One thing that happened on an I/O thread, in the order it happened.
#[derive(Debug)]
pub enum Event {
    Open {
        conn: ConnId,
        info: Box<ConnInfo>,
    },
    /// `argc` arguments (name included) start at `argv` in [`Batch::args`].
    Command {
        conn: ConnId,
        cmd: Resolved,
        argv: u32,
        argc: u32,
    },
    /// Bad input: the executor answers with this error (after the replies of the commands
    /// before it, so order holds) and closes the connection.
    ProtocolError {
        conn: ConnId,
        message: String,
    },
    Closed {
        conn: ConnId,
    },
    /// A retiring thread let go of a connection; the executor passes `handoff` to the
    /// thread that takes it over. Nothing more will be read from it on this thread.
    Detached {
        conn: ConnId,
        handoff: Handoff,
    },
    /// A retiring thread has detached every connection it had.
    Retired,
    /// Replies that reached a retiring thread after it let go of their connection: sent
    /// back so they can follow the connection, in order.
    /// `span.start` is meaningless here: the bytes are all the span's.
    Bounced {
        span: Span,
        bytes: Vec<u8>,
    },
    /// The retiring thread has seen [`ToIo::Barrier`] for this client: every reply sent to
    /// it before the barrier has been bounced.
    BarrierPassed {
        id: u64,
    },
    /// A connection asked about in a [`Span::drain`] has written its output down to the low
    /// mark: the executor may run its held commands.
    Drained {
        conn: ConnId,
    },
    /// A moved connection is registered here, at `conn.slot`.
    Attached {
        conn: ConnId,
    },
}

/// A connection on its way between I/O threads: opaque to the executor, which only carries
/// it (the socket and buffers inside are the network side's business).
pub struct Handoff(pub Box<dyn std::any::Any + Send>);

impl std::fmt::Debug for Handoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handoff")
    }
}

/// Everything one I/O thread parsed in one poll round.
#[derive(Debug, Default)]
pub struct Batch {
    pub thread: usize,
    pub events: Vec<Event>,
    /// Arguments of every command in `events`, flat; each is a slice of a read buffer.
    pub args: Vec<Bytes>,
    /// An emptied reply buffer and span list coming back for reuse (not a whole
    /// [`Replies`], which would make the two containers recursive).
    pub spare: Option<(Vec<u8>, Vec<Span>)>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Empties the batch but keeps its capacity.
    pub fn clear(&mut self) {
        self.events.clear();
        self.args.clear();
        self.spare = None;
    }
}

/// The bytes owed to one connection: `buf[start..next span's start or buf.len()]`.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub conn: ConnId,
    pub start: usize,
    /// How many of the connection's commands these bytes complete (0 for pushed messages).
    pub done: u32,
    /// Close the connection once these bytes are written.
    pub close: bool,
    /// Pushed pub/sub messages: the connection is subject to the pub/sub output limit.
    pub pubsub: bool,
    /// The executor holds the connection's further commands until its output drains:
    /// answer with [`Event::Drained`] once the unsent output is below the low mark.
    pub drain: bool,
}

/// Everything the executor owes one I/O thread after one round.
#[derive(Debug, Default)]
pub struct Replies {
    pub buf: Vec<u8>,
    pub spans: Vec<Span>,
    /// An emptied batch coming back for reuse.
    pub spare: Option<Batch>,
}

impl Replies {
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
        self.spare = None;
    }

    /// The byte range of span `i`.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let end = self.spans.get(i + 1).map_or(self.buf.len(), |s| s.start);
        self.spans[i].start..end
    }
}

/// Messages to an I/O thread. Each send is followed by at most one wake.
#[derive(Debug)]
pub enum ToIo {
    Replies(Replies),
    /// A connection accepted by another I/O thread, balanced onto this one.
    Adopt(Accepted, u64),
    /// Stop accepting, flush what is owed, exit.
    Shutdown,
    /// Hand every connection over (`CONFIG SET io-threads` shrank the pool).
    Retire,
    /// Take over a connection from a retiring thread.
    Attach(Handoff),
    /// Answer with [`Event::BarrierPassed`] for this client id.
    Barrier(u64),
    /// Leave the event loop (retired, nothing left).
    Exit,
    /// Pin to these CPUs (empty: every CPU).
    Pin(Vec<usize>),
}

/// A socket accepted by one I/O thread on its way to another (plain std sockets: the
/// receiving thread registers it with its own poll).
#[derive(Debug)]
pub enum Accepted {
    Tcp(std::net::TcpStream),
    Unix(std::os::unix::net::UnixStream),
    /// A TLS connection (its handshake not begun or under way) and its TLS state.
    Tls(std::net::TcpStream, Box<rustls::ServerConnection>),
}
