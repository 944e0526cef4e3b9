//! Moving connections between I/O threads when `CONFIG SET io-threads` shrinks the pool.
//!
//! The retiring thread stops reading, deregisters each connection and hands it (socket,
//! unparsed input, unsent output, commands in flight) to the executor as an opaque
//! [`Handoff`]. The executor holds the connection's new replies, passes the handoff to the
//! thread that takes over, and sends the retiring thread a barrier. Replies that reach the
//! retiring thread after the handoff are bounced back; the barrier says none are left. Then
//! the executor releases, in order, the bounced replies and the held ones to the new thread.
//! No connection is dropped and no reply is lost or reordered.

use super::{Conn, IoThread};
use crate::engine::msg::{ConnId, Event, Handoff, Span};
use mio::Token;
use std::sync::atomic::Ordering::Relaxed;

impl IoThread {
    /// Lets go of every connection (`ToIo::Retire`).
    pub(super) fn retire(&mut self) {
        let slots: Vec<usize> = self.conns.iter().map(|(slot, _)| slot).collect();
        for slot in slots {
            let mut conn = self.conns.remove(slot);
            if let Err(e) = self.poll.registry().deregister(&mut conn.stream) {
                tracing::warn!(
                    "io thread {}: deregistering for a move failed: {e}",
                    self.index
                );
            }
            self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
            conn.dirty = false;
            let id = ConnId {
                id: conn.id,
                slot: slot as u32,
            };
            self.detached.insert(conn.id);
            self.batch.events.push(Event::Detached {
                conn: id,
                handoff: Handoff(Box::new(conn)),
            });
        }
        self.batch.events.push(Event::Retired);
    }

    /// Takes over a connection from a retiring thread (`ToIo::Attach`).
    pub(super) fn attach(&mut self, handoff: Handoff) {
        let Ok(conn) = handoff.0.downcast::<Conn>() else {
            tracing::error!("io thread {}: a handoff was not a connection", self.index);
            return;
        };
        let mut conn = *conn;
        let entry = self.conns.vacant_entry();
        let slot = entry.key();
        let interest = Conn::interest(&conn.stream, conn.has_output());
        conn.write_interest = interest.is_writable();
        if let Err(e) = self
            .poll
            .registry()
            .register(&mut conn.stream, Token(slot), interest)
        {
            // The executor will learn of the close and drop what it holds for it.
            tracing::warn!(
                "io thread {}: registering a moved connection failed: {e}",
                self.index
            );
            self.batch.events.push(Event::Closed {
                conn: ConnId {
                    id: conn.id,
                    slot: u32::MAX,
                },
            });
            return;
        }
        let id = conn.id;
        entry.insert(conn);
        self.shared.io[self.index].clients.fetch_add(1, Relaxed);
        self.batch.events.push(Event::Attached {
            conn: ConnId {
                id,
                slot: slot as u32,
            },
        });
        // Readiness edges seen by the old thread are gone: look for input and write what
        // was already owed now.
        self.read(slot);
        self.mark_dirty(slot);
    }

    /// Sends replies for a connection that has left back to the executor.
    pub(super) fn bounce(&mut self, span: Span, bytes: &[u8]) {
        self.batch.events.push(Event::Bounced {
            span,
            bytes: bytes.to_vec(),
        });
    }
}
