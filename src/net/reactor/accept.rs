//! New connections: accepting them on the listeners' thread, placing each on the least
//! loaded I/O thread, and registering one a thread adopts (or turning it away at
//! `maxclients`).

use super::{IoThread, would_block};
use crate::engine::exec::Wake;
use crate::engine::msg::{ConnId, ConnInfo, Event, ToIo};
use crate::net::conn::Conn;
use crate::net::limits;
use crate::net::stream::Stream;
use mio::Token;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;

impl IoThread {
    /// Accepts every pending connection of listener `i` and places each on the least
    /// loaded I/O thread.
    pub(super) fn accept(&mut self, i: usize) {
        loop {
            let Some(listener) = self.listeners.get(i) else {
                return;
            };
            match listener.accept() {
                Ok(stream) => self.place(stream),
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

    pub(super) fn place(&mut self, mut stream: Stream) {
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
        let Some(peer) = self.peers.read().get(target).cloned().flatten() else {
            self.shared.io[target].clients.fetch_sub(1, Relaxed);
            return;
        };
        if peer
            .tx
            .send(ToIo::Adopt(stream.into_accepted(), id))
            .is_err()
        {
            self.shared.io[target].clients.fetch_sub(1, Relaxed);
            return;
        }
        // Thread 0 sleeps in the executor's poll, not on its own flag: always woken.
        if target == 0 || self.shared.io[target].sleep.needs_wake() {
            peer.waker.wake();
        }
    }

    /// Takes ownership of a connection: registers it and tells the executor.
    pub(super) fn register(&mut self, mut stream: Stream, id: u64) {
        if self.turn_away(&mut stream) {
            self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
            return;
        }
        let entry = self.conns.vacant_entry();
        let slot = entry.key();
        let interest = Conn::interest(&stream, false);
        if let Err(e) = self
            .poll
            .registry()
            .register(&mut stream, Token(slot), interest)
        {
            tracing::warn!("registering a connection failed: {e}");
            self.shared.io[self.index].clients.fetch_sub(1, Relaxed);
            return;
        }
        stream.set_nodelay();
        let (addr, laddr) = stream.addrs(&self.shared.unixsocket);
        let info = ConnInfo {
            addr,
            laddr,
            unix: stream.is_unix(),
            fd: stream.as_raw_fd(),
            alive: Arc::new(AtomicBool::new(true)),
            no_evict: Arc::default(),
        };
        let mut conn = Conn::new(id, stream, info.alive.clone(), info.no_evict.clone());
        conn.write_interest = interest.is_writable();
        entry.insert(conn);
        let conn = ConnId {
            id,
            slot: slot as u32,
        };
        self.batch.events.push(Event::Open {
            conn,
            info: Box::new(info),
        });
    }

    /// Applies the per-connection settings to a new connection, and answers protected
    /// mode's DENIED (then drops it) to a client it keeps out: true when dropped.
    pub(super) fn turn_away(&mut self, stream: &mut Stream) -> bool {
        let limits = &self.shared.limits;
        let Some(tcp) = stream.tcp() else {
            return false;
        };
        limits::set_keepalive(tcp.as_raw_fd(), limits.tcp_keepalive.load(Relaxed));
        if !limits.protected_mode.load(Relaxed)
            || !limits.default_nopass.load(Relaxed)
            || !limits::protected_denies(true, true, limits::peer_ip(tcp.peer_addr()))
        {
            return false;
        }
        // Best effort, as Redis: the socket is fresh, so the line fits its buffer.
        let _ = stream.write(limits::DENIED.as_bytes());
        self.shared.rejected.fetch_add(1, Relaxed);
        true
    }
}
