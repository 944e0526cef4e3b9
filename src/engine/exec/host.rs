//! The reactor the executor's own thread runs: I/O thread 0, which owns the listening
//! sockets and, when it is the only I/O thread (`io-threads 1`), every client.
//!
//! With one I/O thread the executor reads, runs and writes on its own thread, as Redis
//! does with one thread: a request costs no hand-off, no wake and no context switch, which
//! is what a one- or two-core machine cannot afford. With more, thread 0 only accepts,
//! and the executor sleeps in its poll instead of on its channel; the other I/O threads
//! and the AOF thread wake it through [`crate::shared::Doorbell`].
//!
//! `net/` implements [`Host`]; the executor keeps it in a thread-local, so that a slow
//! script's hook can serve the hosted clients (they get `-BUSY`, and SCRIPT KILL gets
//! through) without the engine holding a reference to the reactor.

use super::Wake;
use std::cell::RefCell;
use std::time::Duration;

/// The reactor the executor's thread runs.
pub trait Host {
    /// Waits at most `timeout` for socket events or a wake, then reads and parses what is
    /// ready: its commands reach the executor's queue as any I/O thread's batch does.
    fn poll(&mut self, timeout: Duration);
    /// Takes the executor's replies and messages and writes what is owed. False once a
    /// shutdown has been handled (what was owed is flushed, the listeners are closed).
    fn flush(&mut self) -> bool;
}

/// The executor's line to the hosted reactor needs no wake: the reactor reads its inbox
/// every time round.
pub struct Inline;

impl Wake for Inline {
    fn wake(&self) {}
}

thread_local! {
    static HOST: RefCell<Option<Box<dyn Host>>> = const { RefCell::new(None) };
}

/// Gives this thread its reactor (the executor, when it starts).
pub(super) fn install(host: Box<dyn Host>) {
    HOST.with_borrow_mut(|h| *h = Some(host));
}

/// [`Host::poll`] on this thread's reactor, if it has one.
pub(super) fn poll(timeout: Duration) {
    with(|h| h.poll(timeout));
}

/// [`Host::flush`] on this thread's reactor, if it has one.
pub(super) fn flush() -> bool {
    with(|h| h.flush()).unwrap_or(false)
}

/// Serves the hosted clients while the executor is stuck in a script past
/// `busy-reply-threshold` (Redis's processEventsWhileBlocked): their commands are answered
/// `-BUSY`, or queued, and kill requests reach the script's hook. Does nothing when called
/// from inside the reactor itself.
pub fn while_busy() {
    with(|h| {
        h.poll(Duration::ZERO);
        h.flush();
    });
}

fn with<T>(f: impl FnOnce(&mut dyn Host) -> T) -> Option<T> {
    HOST.with(|cell| {
        let mut guard = cell.try_borrow_mut().ok()?;
        guard.as_mut().map(|h| f(h.as_mut()))
    })
}
