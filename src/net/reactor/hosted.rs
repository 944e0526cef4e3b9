//! I/O thread 0 as the executor's thread runs it (see `engine/exec/host.rs`): the same
//! reactor, driven in two halves around each executor round instead of by its own loop.

use super::IoThread;
use crate::engine::exec::host::Host;
use crate::util::clock::Instant;
use mio::Events;
use std::time::Duration;

pub struct Hosted {
    io: IoThread,
    events: Events,
    /// Time the current round spent reading, before the executor ran (the thread's busy
    /// time counts the reactor's halves, not the executor's round between them).
    reading: Duration,
    /// A shutdown was handled: nothing more to do.
    done: bool,
}

impl Hosted {
    pub fn new(io: IoThread) -> Hosted {
        Hosted {
            io,
            events: Events::with_capacity(1024),
            reading: Duration::ZERO,
            done: false,
        }
    }
}

impl Host for Hosted {
    fn poll(&mut self, timeout: Duration) {
        if self.done {
            std::thread::sleep(timeout);
            return;
        }
        let timeout = match self.io.idle_timeout() {
            Some(own) => own.min(timeout),
            None => timeout,
        };
        if let Err(e) = self.io.wait(&mut self.events, Some(timeout)) {
            // Nothing this thread can mend: don't spin on it.
            tracing::error!("main thread: poll failed: {e}");
            std::thread::sleep(timeout);
            return;
        }
        let start = Instant::now();
        // A wake (the doorbell) only says "look": the inbox is read every time anyway.
        self.io.dispatch(&self.events);
        if !self.io.inbox() {
            self.done = true;
            return;
        }
        self.io.send_batch();
        self.reading = start.elapsed();
    }

    fn flush(&mut self) -> bool {
        if self.done {
            return false;
        }
        if !self.io.inbox() {
            self.done = true;
            return false;
        }
        // As if both halves had run back to back.
        let now = Instant::now();
        self.io
            .end_round(now.checked_sub(self.reading).unwrap_or(now));
        self.reading = Duration::ZERO;
        true
    }
}
