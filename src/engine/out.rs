//! Where command replies go: one [`Replies`] per I/O thread per executor round.
//!
//! A handler writes through [`Out`], which appends RESP to the buffer of the I/O thread that
//! owns the client and keeps the spans (which bytes belong to which connection) right even
//! when a handler writes to several clients, as PUBLISH will.

use super::msg::{ConnId, Replies, Span};
use crate::resp::encode;

/// Where a client's bytes go: its I/O thread, its connection, and its protocol version.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub thread: usize,
    pub conn: ConnId,
    pub resp3: bool,
}

/// The pseudo-thread of clients whose connection is moving between I/O threads: their
/// replies wait in [`Outs::hold`] until the move completes.
pub const HOLD: usize = usize::MAX;

/// The pseudo-thread of replies captured as a value (a command a script runs through the
/// call path): they collect in [`Outs::capture`] for the caller to take, never sent.
pub const CAPTURE: usize = usize::MAX - 1;

/// The pseudo-thread of replies nobody wants (CLIENT REPLY OFF or SKIP): they collect in
/// [`Outs::discard`] and are dropped after the command.
pub const DISCARD: usize = usize::MAX - 2;

/// The replies being gathered this round, one container per I/O thread.
#[derive(Debug, Default)]
pub struct Outs {
    pub threads: Vec<Replies>,
    /// Replies for connections in transit (see [`HOLD`]); never sent as such.
    pub hold: Replies,
    /// Replies captured for a caller (see [`CAPTURE`]).
    pub capture: Replies,
    /// Replies dropped (see [`DISCARD`]).
    pub discard: Replies,
}

impl Outs {
    pub fn new(n: usize) -> Self {
        Outs {
            threads: (0..n).map(|_| Replies::default()).collect(),
            hold: Replies::default(),
            capture: Replies::default(),
            discard: Replies::default(),
        }
    }

    /// The buffer to append `to`'s bytes to, opening a span for it unless the last one is its.
    fn buf(&mut self, to: &Target) -> &mut Vec<u8> {
        let r = self.replies(to.thread);
        if r.spans.last().is_none_or(|s| s.conn != to.conn || s.close) {
            r.spans.push(Span {
                conn: to.conn,
                start: r.buf.len(),
                done: 0,
                close: false,
                pubsub: false,
                drain: false,
            });
        }
        &mut r.buf
    }

    /// Records that one command of `to` has been answered (its bytes, if any, are written).
    /// Returns the bytes `to`'s current span holds: what it has been given this round since
    /// another client's bytes last came between.
    pub fn complete(&mut self, to: &Target) -> usize {
        self.last_span(to).done += 1;
        let r = self.replies(to.thread);
        r.buf.len() - r.spans.last().map_or(0, |s| s.start)
    }

    /// Asks `to`'s I/O thread to say when its output has drained (see [`Span::drain`]).
    pub fn want_drain(&mut self, to: &Target) {
        self.last_span(to).drain = true;
    }

    /// Closes `to`'s connection once everything owed to it so far is written.
    pub fn close(&mut self, to: &Target) {
        self.last_span(to).close = true;
    }

    /// Marks `to`'s connection as a pub/sub client, subject to the pub/sub output limit.
    pub fn mark_pubsub(&mut self, to: &Target) {
        self.last_span(to).pubsub = true;
    }

    /// The container for an I/O thread, or the hold.
    fn replies(&mut self, thread: usize) -> &mut Replies {
        match thread {
            HOLD => &mut self.hold,
            CAPTURE => &mut self.capture,
            DISCARD => &mut self.discard,
            t => &mut self.threads[t],
        }
    }

    /// `to`'s current span, opened if needed.
    fn last_span(&mut self, to: &Target) -> &mut Span {
        self.buf(to);
        let r = self.replies(to.thread);
        let i = r.spans.len() - 1;
        &mut r.spans[i]
    }

    /// Moves what the hold has for `conn` to `to` (its new thread), after `prefix`
    /// (replies that were owed before the hold began), keeping their order.
    pub fn release(&mut self, conn: ConnId, prefix: Vec<(Span, Vec<u8>)>, to: Target) {
        let mut moved = Vec::new();
        let hold = std::mem::take(&mut self.hold);
        for (i, span) in hold.spans.iter().enumerate() {
            let bytes = &hold.buf[hold.range(i)];
            if span.conn.id == conn.id {
                moved.push((*span, bytes.to_vec()));
            } else {
                let keep = Target {
                    thread: HOLD,
                    conn: span.conn,
                    resp3: false,
                };
                self.append(&keep, *span, bytes);
            }
        }
        for (span, bytes) in prefix.into_iter().chain(moved) {
            self.append(&to, span, &bytes);
        }
    }

    /// Drops whatever the hold has for a connection that closed.
    pub fn forget(&mut self, conn: ConnId) {
        let hold = std::mem::take(&mut self.hold);
        for (i, span) in hold.spans.iter().enumerate() {
            if span.conn.id != conn.id {
                let keep = Target {
                    thread: HOLD,
                    conn: span.conn,
                    resp3: false,
                };
                self.append(&keep, *span, &hold.buf[hold.range(i)]);
            }
        }
    }

    /// Appends one span's bytes and flags for `to`.
    fn append(&mut self, to: &Target, span: Span, bytes: &[u8]) {
        self.buf(to).extend_from_slice(bytes);
        let s = self.last_span(to);
        s.done += span.done;
        s.close |= span.close;
        s.pubsub |= span.pubsub;
        s.drain |= span.drain;
    }

    /// A writer for `to`.
    pub fn to(&mut self, to: Target) -> Out<'_> {
        Out { outs: self, to }
    }
}

/// Writes RESP replies for one client. Every method appends one complete RESP value (or, for
/// aggregates, its header: the caller then writes the elements).
pub struct Out<'a> {
    outs: &'a mut Outs,
    to: Target,
}

impl Out<'_> {
    pub fn resp3(&self) -> bool {
        self.to.resp3
    }

    pub fn target(&self) -> Target {
        self.to
    }

    /// A writer for another client (pushed pub/sub messages). Its connection becomes subject
    /// to the pub/sub output limit.
    pub fn other(&mut self, to: Target) -> Out<'_> {
        self.outs.mark_pubsub(&to);
        Out {
            outs: self.outs,
            to,
        }
    }

    /// All reply buffers, for the executor's own use (EXEC runs commands through it).
    pub fn outs(&mut self) -> &mut Outs {
        self.outs
    }

    /// Raw, already-encoded bytes.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.outs.buf(&self.to).extend_from_slice(bytes);
    }

    pub fn ok(&mut self) {
        self.raw(b"+OK\r\n");
    }

    pub fn simple(&mut self, s: &str) {
        encode::simple(self.outs.buf(&self.to), s.as_bytes());
    }

    /// An error line without the leading '-', e.g. `ERR syntax error`.
    pub fn error(&mut self, msg: &str) {
        encode::error(self.outs.buf(&self.to), msg.as_bytes());
    }

    pub fn int(&mut self, n: i64) {
        encode::int(self.outs.buf(&self.to), n);
    }

    pub fn bulk(&mut self, data: &[u8]) {
        encode::bulk(self.outs.buf(&self.to), data);
    }

    /// A bulk string holding a formatted integer (Redis replies these for e.g. INCRBYFLOAT).
    pub fn bulk_i64(&mut self, n: i64) {
        let mut tmp = Vec::with_capacity(20);
        crate::util::number::format_i64(&mut tmp, n);
        self.bulk(&tmp);
    }

    pub fn null(&mut self) {
        let resp3 = self.to.resp3;
        encode::null(self.outs.buf(&self.to), resp3);
    }

    pub fn null_array(&mut self) {
        let resp3 = self.to.resp3;
        encode::null_array(self.outs.buf(&self.to), resp3);
    }

    pub fn array(&mut self, n: usize) {
        encode::array(self.outs.buf(&self.to), n);
    }

    pub fn map(&mut self, n: usize) {
        let resp3 = self.to.resp3;
        encode::map(self.outs.buf(&self.to), n, resp3);
    }

    pub fn set(&mut self, n: usize) {
        let resp3 = self.to.resp3;
        encode::set(self.outs.buf(&self.to), n, resp3);
    }

    pub fn push(&mut self, n: usize) {
        let resp3 = self.to.resp3;
        encode::push(self.outs.buf(&self.to), n, resp3);
    }

    pub fn double(&mut self, v: f64) {
        let resp3 = self.to.resp3;
        encode::double(self.outs.buf(&self.to), v, resp3);
    }

    pub fn boolean(&mut self, v: bool) {
        let resp3 = self.to.resp3;
        encode::boolean(self.outs.buf(&self.to), v, resp3);
    }

    pub fn verbatim(&mut self, text: &[u8]) {
        let resp3 = self.to.resp3;
        encode::verbatim(self.outs.buf(&self.to), b"txt", text, resp3);
    }

    /// A HELP reply: one simple string per line.
    pub fn help(&mut self, lines: &[&str]) {
        self.array(lines.len());
        for line in lines {
            self.simple(line);
        }
    }

    /// An array of bulk strings.
    pub fn bulks<'b>(&mut self, items: impl ExactSizeIterator<Item = &'b [u8]>) {
        self.array(items.len());
        for item in items {
            self.bulk(item);
        }
    }
}
