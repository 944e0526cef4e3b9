//! The executor loop: receive batches, run their commands in order, hand the replies back,
//! run the timers between rounds.
//!
//! One round = the batches queued by the I/O threads (each thread has its own queue,
//! `exec/inbox.rs`; bounded per round), then one reply hand-off per I/O thread, with a wake
//! only for a thread asleep in its poll. Between rounds the executor sleeps in the hosted
//! reactor's poll (`exec/host.rs`) until sockets, a doorbell or the timer wake it. Batching
//! across I/O threads is where the executor's throughput comes from: the cost of a hand-off
//! and a wake is paid per round, not per command.

use super::dispatch::Engine;
use super::msg::{Batch, Event, Replies, ToIo};
use crate::util::clock::{self, Instant};
use crossbeam_channel::{Receiver, Sender};
use host::Host;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Wakes an I/O thread. Implemented by `net/` (a mio waker); the executor never sees mio.
pub trait Wake: Send + Sync {
    fn wake(&self);
}

/// The executor's lines to and from one I/O thread.
pub struct IoLink {
    pub tx: Sender<ToIo>,
    pub waker: Arc<dyn Wake>,
    /// The thread's batches. Each thread has a queue of its own: one queue that every
    /// thread sends into is a tail every sender writes, contended once there are dozens of
    /// threads (`inbox.rs`).
    pub rx: Receiver<Batch>,
}

/// Starts I/O thread `i` pinned to the given CPUs (empty: unpinned) and returns the line to
/// it. `server.rs` provides it, so the executor can add threads without knowing mio.
pub type Spawn = Box<dyn FnMut(usize, Vec<usize>) -> std::io::Result<IoLink> + Send>;

mod client_evict;
pub mod host;
mod inbox;
mod resize;

/// Batches taken per round before replies go out, so a flood of batches cannot delay
/// replies (and the I/O threads' next reads) without bound.
const MAX_BATCHES_PER_ROUND: usize = 64;
/// Spare containers kept per I/O thread; more would only hold memory.
const POOL: usize = 4;
/// A reply buffer bigger than this (grown by a burst of big replies) is freed rather than
/// pooled, so the memory goes back once the burst is over.
const POOL_BUF_MAX: usize = 512 * 1024; // 512 KB
/// Likewise for a batch's argument handles (32 bytes each: 512 KB).
const POOL_ARGS_MAX: usize = 16 * 1024;

pub struct Executor {
    engine: Engine,
    io: Vec<IoLink>,
    /// The thread whose queue the next batch is looked for in first (round robin).
    next_inbox: usize,
    batch_pool: Vec<Vec<Batch>>,
    reply_pool: Vec<Vec<Replies>>,
    /// Control messages per I/O thread, sent right after that thread's replies so that a
    /// barrier never overtakes the replies before it.
    control: Vec<Vec<ToIo>>,
    /// Connections moving between threads, and threads retiring.
    moves: resize::Moves,
    /// Lines to threads whose slot a newer thread took (a thread retired, then the pool
    /// grew again): told to shut down at the end too, in case one is still running.
    replaced: Vec<IoLink>,
    spawn: Spawn,
    /// Set by SIGINT/SIGTERM.
    signal: Arc<AtomicBool>,
    /// Timer ticks since the last batch.
    idle_ticks: u32,
    /// When idle clients were last looked for (`timeout`; once a second).
    idle_check: std::time::Instant,
    /// Rounds whose replies wait for the AOF thread to write (or fsync) them, oldest
    /// first (see [`Executor::flush`]).
    held: std::collections::VecDeque<Held>,
    /// The AOF thread's word that a round is synced.
    synced: Receiver<()>,
}

/// One round's replies and control messages, per I/O thread, held until the AOF has synced
/// round `seq`.
struct Held {
    seq: u64,
    out: Vec<(usize, Option<Replies>, Vec<ToIo>)>,
}

impl Executor {
    /// Runs `engine` (its state and command table) for the I/O threads behind `io`.
    pub fn new(engine: Engine, io: Vec<IoLink>, spawn: Spawn, signal: Arc<AtomicBool>) -> Executor {
        let n = io.len();
        let synced = engine.srv.aof.synced_rx.clone();
        Executor {
            engine,
            io,
            next_inbox: 0,
            batch_pool: (0..n).map(|_| Vec::new()).collect(),
            reply_pool: (0..n).map(|_| Vec::new()).collect(),
            control: (0..n).map(|_| Vec::new()).collect(),
            moves: resize::Moves::default(),
            replaced: Vec::new(),
            spawn,
            signal,
            idle_ticks: 0,
            idle_check: std::time::Instant::now(),
            held: Default::default(),
            synced,
        }
    }

    /// Runs until SHUTDOWN or a signal, with `host` (I/O thread 0) on this thread.
    ///
    /// A turn: sleep in the hosted reactor's poll until sockets, a wake or the next timer;
    /// run a round if batches are queued; let the hosted reactor write its replies; run the
    /// timer when due.
    pub fn run(mut self, host: Box<dyn Host>) {
        host::install(host);
        let mut next_tick = Instant::now() + self.tick();
        loop {
            self.sleep(next_tick);
            if self.synced.try_recv().is_ok() {
                // Replies the AOF thread has now written (or fsynced) go out.
                self.release_synced();
            }
            if self.inbox_empty() {
                crate::persist::snapshot::step(&mut self.engine.srv);
                if self.engine.srv.blocking.next_deadline().is_some()
                    || self.engine.srv.pause.deadline().is_some()
                {
                    self.engine.srv.refresh_clock();
                    self.engine.timeouts();
                    self.flush();
                }
            } else {
                self.round();
            }
            host::flush();
            let now = clock::now();
            if now >= next_tick {
                self.cron(std::time::Instant::now());
                // Idle for a whole tick after work: give freed memory (deleted values,
                // big reply buffers) back to the system, once per idle spell.
                self.idle_ticks = self.idle_ticks.saturating_add(1);
                if self.idle_ticks == 2 {
                    crate::alloc::release_freed();
                }
                self.engine.srv.stats.busy_ns += now.elapsed().as_nanos() as u64;
                // Read each time: CONFIG SET hz takes effect at the next tick.
                next_tick = now + self.tick();
            }
            if self.signal.load(Ordering::Relaxed) {
                tracing::warn!("Received a termination signal, scheduling shutdown...");
                // Saves first when save points are set; a failed save keeps the server up.
                if crate::persist::prepare_shutdown(&mut self.engine.srv, None) {
                    self.engine.srv.shutdown = true;
                } else {
                    self.signal.store(false, Ordering::Relaxed);
                }
            }
            if self.engine.srv.shutdown {
                self.stop();
                // The hosted reactor reads its shutdown message, flushes and closes.
                host::flush();
                return;
            }
        }
    }

    /// Sleeps in the hosted reactor's poll until `next_tick` (or a sooner deadline), unless
    /// work is already queued. The doorbell makes a sender wake the poll when it queues
    /// work after the last look.
    fn sleep(&mut self, next_tick: Instant) {
        // Work queued: only a look at the hosted sockets. The doorbell's line is written
        // only on the way to sleep, so while the executor is busy the I/O threads that
        // read it at every batch keep it cached.
        if !self.inbox_empty() || !self.synced.is_empty() {
            return host::poll(Duration::ZERO);
        }
        let mut wait = self
            .wait_until(next_tick)
            .saturating_duration_since(Instant::now());
        let bell = &self.engine.srv.shared.bell;
        if !wait.is_zero() {
            bell.sleeping();
            if !self.inbox_empty() || !self.synced.is_empty() {
                wait = Duration::ZERO;
            }
        }
        host::poll(wait);
        self.engine.srv.shared.bell.awake();
    }

    /// One round: every queued batch (bounded), then the work of the round's end, then
    /// one reply hand-off per I/O thread.
    fn round(&mut self) {
        let start = clock::now();
        self.engine.srv.refresh_clock_at(start);
        for _ in 0..MAX_BATCHES_PER_ROUND {
            match self.next_batch() {
                Some(batch) => self.process(batch),
                None => break,
            }
        }
        self.engine.timeouts();
        self.apply_requests();
        crate::persist::snapshot::step(&mut self.engine.srv);
        // Broadcast invalidations go out once per round, as Redis's beforeSleep.
        self.engine.tracking_round();
        // The round's propagated writes go to their readers before the replies go out, so
        // a reader (the AOF, later) never lags what clients were told.
        self.engine.srv.effects.publish();
        self.flush();
        let queued = self.queued();
        self.engine
            .srv
            .shared
            .exec_queue
            .store(queued, Ordering::Relaxed);
        self.engine.srv.stats.busy_ns += start.elapsed().as_nanos() as u64;
        self.idle_ticks = 0;
    }

    /// When to wake up: the next timer tick, or the next blocked client's deadline if
    /// sooner, so blocking timeouts are honoured to the millisecond.
    fn wait_until(&self, next_tick: Instant) -> Instant {
        let srv = &self.engine.srv;
        // A background save walks the keyspace between rounds: come back soon.
        let next_tick = match &srv.persist.bgsave {
            Some(bg) if bg.busy() => next_tick.min(Instant::now() + Duration::from_millis(1)),
            _ => next_tick,
        };
        // The end of a client pause is a deadline too.
        let deadline = match (srv.blocking.next_deadline(), srv.pause.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match deadline {
            Some(d) => {
                let ms = d.saturating_sub(crate::engine::state::unix_ms());
                next_tick.min(Instant::now() + Duration::from_millis(ms))
            }
            None => next_tick,
        }
    }

    /// The timer period at the configured `hz`.
    fn tick(&self) -> Duration {
        Duration::from_micros(1_000_000 / self.engine.srv.config.hz.max(1) as u64)
    }

    /// Runs every event of one batch, in order.
    fn process(&mut self, mut batch: Batch) {
        let thread = batch.thread;
        if let Some((buf, spans)) = batch.spare.take()
            && self.reply_pool[thread].len() < POOL
            && buf.capacity() <= POOL_BUF_MAX
        {
            self.reply_pool[thread].push(Replies {
                buf,
                spans,
                spare: None,
            });
        }
        self.engine.srv.stats.batches += 1;
        if self.engine.worth_prefetching(batch.events.len()) {
            for event in &batch.events {
                if let Event::Command {
                    conn,
                    cmd,
                    argv,
                    argc,
                } = event
                {
                    let args = &batch.args[*argv as usize..(*argv + *argc) as usize];
                    self.engine.prefetch(conn.id, *cmd, args);
                }
            }
        }
        for event in batch.events.drain(..) {
            match event {
                Event::Open { conn, info } => self.engine.open(conn, thread, info),
                Event::Closed { conn } => {
                    self.engine.closed(conn.id);
                    self.moves.closed(conn, &mut self.engine.outs);
                }
                Event::Detached { conn, handoff } => self.detached(thread, conn, handoff),
                Event::Retired => self.retired(thread),
                Event::Bounced { span, bytes } => self.moves.bounced(span, bytes),
                Event::Drained { conn } => self.engine.drained(conn.id),
                Event::BarrierPassed { id } => self.barrier_passed(thread, id),
                Event::Attached { conn } => self.attached(conn),
                Event::ProtocolError { conn, message } => {
                    self.engine.protocol_error(thread, conn, &message)
                }
                Event::Command {
                    conn,
                    cmd,
                    argv,
                    argc,
                } => {
                    let args = &batch.args[argv as usize..(argv + argc) as usize];
                    self.engine.command(conn.id, cmd, args);
                }
            }
        }
        // Drop the argument slices now, before replies go out: by the time a client sends its
        // next command, its read buffer is no longer shared and can be reused in place.
        batch.clear();
        // A batch grown by a burst (a long pipeline read whole) is freed, not pooled, so
        // its memory goes back once the burst is over.
        if self.batch_pool[thread].len() < POOL && batch.args.capacity() <= POOL_ARGS_MAX {
            self.batch_pool[thread].push(batch);
        }
    }

    /// Hands every I/O thread its replies (then any control messages): one send and at
    /// most one wake each.
    ///
    /// With the AOF on, a round that wrote to it keeps its replies until the AOF thread has
    /// written it (and under `appendfsync always` fsynced it: group commit, one fsync per
    /// round), and every later round queues behind it so no client sees replies out of
    /// order; the executor goes on with the next round meanwhile, and
    /// [`Executor::release_synced`] sends them.
    fn flush(&mut self) {
        let wait = self.engine.srv.aof.must_wait();
        if wait.is_some() || !self.held.is_empty() {
            let seq = wait.unwrap_or_else(|| self.held.back().map_or(0, |h| h.seq));
            let mut out = Vec::new();
            for t in 0..self.io.len() {
                let replies =
                    (!self.engine.outs.threads[t].is_empty()).then(|| self.take_replies(t));
                let control = std::mem::take(&mut self.control[t]);
                if replies.is_some() || !control.is_empty() {
                    out.push((t, replies, control));
                }
            }
            if !out.is_empty() {
                self.held.push_back(Held { seq, out });
            }
            self.release_synced();
            return;
        }
        for t in 0..self.io.len() {
            let replies = (!self.engine.outs.threads[t].is_empty()).then(|| self.take_replies(t));
            let control = std::mem::take(&mut self.control[t]);
            self.send(t, replies, control);
        }
    }

    /// Takes I/O thread `t`'s replies of this round, leaving a pooled container.
    fn take_replies(&mut self, t: usize) -> Replies {
        let fresh = self.reply_pool[t].pop().unwrap_or_default();
        let mut replies = std::mem::replace(&mut self.engine.outs.threads[t], fresh);
        replies.spare = self.batch_pool[t].pop();
        replies
    }

    /// Sends I/O thread `t` its replies and control messages, and wakes it.
    fn send(&mut self, t: usize, replies: Option<Replies>, control: Vec<ToIo>) {
        if replies.is_none() && control.is_empty() {
            return;
        }
        let Some(link) = self.io.get(t) else { return };
        if let Some(replies) = replies
            && link.tx.send(ToIo::Replies(replies)).is_err()
        {
            return; // that thread is gone (shutting down)
        }
        for msg in control {
            let _ = link.tx.send(msg);
        }
        if t == 0 {
            return; // the hosted reactor: it reads its inbox every time round
        }
        // Only a thread asleep in its poll needs its eventfd written; a busy one reads its
        // inbox at the end of its round.
        let stats = &self.engine.srv.shared.io[t];
        if stats.sleep.needs_wake() {
            stats.wakes_sent.fetch_add(1, Ordering::Relaxed);
            link.waker.wake();
        } else {
            stats.wakes_skipped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Sends the held rounds the AOF thread has synced, oldest first.
    fn release_synced(&mut self) {
        let synced = self.engine.srv.aof.synced();
        while self.held.front().is_some_and(|h| h.seq <= synced) {
            let Some(held) = self.held.pop_front() else {
                break;
            };
            for (t, replies, control) in held.out {
                self.send(t, replies, control);
            }
        }
    }

    /// The timer: active expiry and statistics.
    fn cron(&mut self, now: std::time::Instant) {
        self.engine.srv.resync_clock();
        let srv = &mut self.engine.srv;
        srv.stats.sample(now, srv.shared.threads());
        let deadline = now + crate::db::expire_budget(self.engine.srv.config.hz);
        let now_ms = self.engine.srv.now_ms;
        // Paused clients (`pause.rs`) and DEBUG SET-ACTIVE-EXPIRE 0 stop active expiry.
        let paused = self.engine.srv.expiry_paused() || !self.engine.srv.active_expire;
        let super::state::Server {
            dbs, rng, latency, ..
        } = &mut self.engine.srv;
        let mut expired_any = false;
        for db in dbs.iter_mut().filter(|_| !paused) {
            if db.volatile_len() == 0 {
                continue;
            }
            expired_any = true;
            let stats = db.active_expire(now_ms, deadline, || rng.next_u64());
            if stats.timed_out {
                break;
            }
        }
        // The latency monitor's `expire-cycle` event, as Redis's activeExpireCycle.
        if expired_any && latency.threshold > 0 {
            let ms = now.elapsed().as_millis() as u64;
            latency.add_if_needed("expire-cycle", ms, now_ms / 1000);
        }
        // Carry on evicting when a command's pass ran out of time (Redis's eviction
        // timer), so memory comes down even while no writes arrive.
        if self.engine.srv.config.mem.maxmemory > 0 && !self.engine.srv.expiry_paused() {
            self.engine.srv.perform_evictions();
        }
        self.client_eviction();
        if now.saturating_duration_since(self.idle_check) >= Duration::from_secs(1) {
            self.idle_check = now;
            self.engine.close_idle_clients();
        }
        crate::persist::cron(&mut self.engine.srv);
        self.engine.touch_expired();
        crate::persist::aof::cron(&mut self.engine.srv);
        // Broadcast invalidations go out once per round, as Redis's beforeSleep.
        self.engine.tracking_round();
        self.engine.srv.effects.publish();
        // Expiry may have released blocked clients: their replies go out now.
        self.flush();
    }

    /// Tells every I/O thread to exit (closing its connections), without a flush.
    fn stop_io(&mut self) {
        for link in &self.io {
            if link.tx.send(ToIo::Shutdown).is_ok() {
                link.waker.wake();
            }
        }
        // A thread that exited long ago dropped its inbox: the send fails, nothing to do.
        for link in &self.replaced {
            if link.tx.send(ToIo::Shutdown).is_ok() {
                link.waker.wake();
            }
        }
    }

    /// Sends the replies owed, then tells every I/O thread to flush and exit.
    fn stop(&mut self) {
        self.engine.srv.effects.publish();
        self.flush();
        // Everything handed to the AOF is written and fsynced, so the held replies may go.
        self.engine.srv.aof.shutdown();
        self.release_synced();
        self.stop_io();
    }
}

/// A panic on the executor where no hook aborts the process (an embedding program, the
/// in-process tests; the binary aborts, see `crate::crash`): the I/O threads are told to
/// close their connections and stop accepting, so clients see the server go instead of
/// waiting forever on a thread that is gone.
impl Drop for Executor {
    fn drop(&mut self) {
        if std::thread::panicking() {
            tracing::error!("executor panicked: closing every connection");
            self.stop_io();
        }
    }
}
