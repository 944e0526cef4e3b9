//! Writing: replies from the executor appended to each connection's output, output limits,
//! and the write pass at the end of a round. Never touches the keyspace.
//!
//! Memory per client is bounded in bytes from both ends: the executor stops running a
//! client's commands once it has produced a round's worth of reply bytes it has not seen
//! written (it asks with [`crate::engine::msg::Span::drain`], we answer with
//! [`Event::Drained`]), and this thread stops reading a client whose unsent output is past
//! `MAX_PENDING_OUT`. `client-output-buffer-limit` disconnects a client that still gets past
//! its class's limits, as in Redis.

/// Unsent output below which a held client is released (`Event::Drained`): low enough that
/// a client that reads keeps its socket busy while the executor makes more.
const DRAIN_LOW: usize = 256 * 1024; // 256 KB

use super::{Conn, IoThread, RELEASE_MIN};
use crate::config::{NORMAL_CLASS, PUBSUB_CLASS};
use crate::engine::msg::{ConnId, Event, Replies};
use mio::Token;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

impl IoThread {
    /// Appends each span of replies to its connection's output.
    pub(super) fn deliver(&mut self, mut replies: Replies) {
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
            conn.drain_wanted |= span.drain;
            if self.over_output_limit(slot) {
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

    /// Whether a connection's unsent output is past `client-output-buffer-limit` for its
    /// class (pubsub once it has received a pushed message, normal otherwise): over the hard
    /// limit, or over the soft limit for longer than allowed.
    fn over_output_limit(&mut self, slot: usize) -> bool {
        let Some(conn) = self.conns.get_mut(slot) else {
            return false;
        };
        let class = if conn.pubsub {
            PUBSUB_CLASS
        } else {
            NORMAL_CLASS
        };
        let limit = &self.shared.limits.output[class];
        let (hard, soft) = (limit.hard.load(Relaxed), limit.soft.load(Relaxed));
        let soft_secs = limit.soft_secs.load(Relaxed);
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

    pub(super) fn mark_dirty(&mut self, slot: usize) {
        if let Some(conn) = self.conns.get_mut(slot)
            && !conn.dirty
        {
            conn.dirty = true;
            self.dirty.push(slot);
        }
    }

    /// Writes every connection that has output; closes the ones done with; tells the
    /// executor about held clients whose output has drained.
    pub(super) fn write_dirty(&mut self) {
        for slot in std::mem::take(&mut self.dirty) {
            let Some(conn) = self.conns.get_mut(slot) else {
                continue;
            };
            conn.dirty = false;
            let before = conn.pending();
            if before > 0 {
                self.writes += 1;
            }
            let capacity = conn.wbuf.capacity();
            let result = conn.flush();
            self.release_pending |= capacity >= RELEASE_MIN && conn.wbuf.capacity() < capacity;
            // Output left over: ask for the edge that says there is room again. All out:
            // stop asking (see `Conn::interest`; TLS always asks).
            if let Ok(done) = result
                && let interest = Conn::interest(&conn.stream, !done)
                && interest.is_writable() != conn.write_interest
            {
                conn.write_interest = interest.is_writable();
                if let Err(e) =
                    self.poll
                        .registry()
                        .reregister(&mut conn.stream, Token(slot), interest)
                {
                    tracing::warn!("io thread {}: reregistering failed: {e}", self.index);
                    self.close(slot);
                    continue;
                }
            }
            match result {
                Ok(done) => {
                    self.written_bytes += (before - conn.pending()) as u64;
                    if conn.drain_wanted && conn.pending() <= DRAIN_LOW {
                        conn.drain_wanted = false;
                        let id = ConnId {
                            id: conn.id,
                            slot: slot as u32,
                        };
                        self.batch.events.push(Event::Drained { conn: id });
                    }
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
}
