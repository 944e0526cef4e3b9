//! One client thread: drives its share of the connections with one `mio::Poll`.
//!
//! Closed loop: each connection keeps `pipeline` requests in flight and sends the next as a
//! reply arrives. Open loop (`--rate`): each connection has a fixed schedule of intended send
//! times; a request goes out when it is due and a pipeline slot is free, and its latency runs
//! from its intended time, so a slow server cannot hide its delay by slowing the sender
//! (no coordinated omission). How far sends fell behind schedule is reported.
//!
//! Latencies go into an interval histogram that is handed to the main thread once a second
//! (for the progress line) and at the end; the main thread merges them.

use crate::args::Load;
use crate::conn::Conn;
use crate::hist::{self, Hist};
use crate::keys::{Cursor, SEED};
use crate::mix;
use crate::timer::Timer;
use mio::{Events, Interest, Poll, Token};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

const SECOND: u64 = 1_000_000_000; // ns
const TIMER: Token = Token(usize::MAX);
const READ_CHUNK: usize = 64 * 1024; // 64 KB

/// What every client thread of a run shares (read-only but for the request counter).
pub struct Plan {
    pub load: Load,
    /// SET's value.
    pub value: Vec<u8>,
    /// Time zero of the run: schedules, latencies and ticks are ns since this.
    pub base: Instant,
    pub deadline_ns: u64,
    pub stop: std::sync::Arc<AtomicBool>,
    /// Closed loop with --requests: requests not yet handed to a thread.
    pub remaining: Option<AtomicU64>,
    /// How many requests a thread takes from `remaining` at a time.
    pub chunk: u64,
}

impl Plan {
    pub fn now(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }
}

/// A thread's measurements since its last snapshot.
pub struct Snapshot {
    pub hist: Hist,
    pub ops: u64,
    pub errors: u64,
}

/// A thread's totals that are only needed at the end.
#[derive(Default, Debug)]
pub struct Tally {
    pub end_ns: u64,
    pub nils: u64,
    pub conn_errors: u64,
    pub unanswered: u64,
    pub lag_sum_ns: u64,
    pub lag_max_ns: u64,
    pub sends: u64,
    pub unsent: u64,
}

pub struct Worker {
    poll: Poll,
    conns: Vec<Conn>,
    live: usize,
    scratch: Vec<u8>,
    hist: Hist,
    ops: u64,
    errors: u64,
    tally: Tally,
    tx: Sender<Snapshot>,
    /// Closed loop: requests taken from the plan and not yet sent.
    credit: u64,
    /// No request is left to send (closed: the plan's counter ran out; open: every budget).
    exhausted: bool,
    /// Open loop: connections whose schedule is not finished, the per-connection interval
    /// between requests, and the timer that wakes the loop for the next due send.
    scheduled: usize,
    interval_ns: u64,
    timer: Option<Timer>,
    armed: Option<u64>,
}

impl Worker {
    /// Registers `streams` (connections `first..` of the run) with a new `Poll`.
    pub fn new(
        streams: Vec<std::net::TcpStream>,
        first: usize,
        load: &Load,
        tx: Sender<Snapshot>,
    ) -> io::Result<Worker> {
        let poll = Poll::new()?;
        let mut conns = Vec::with_capacity(streams.len());
        // Open loop: each connection sends every `interval`, the connections staggered so the
        // whole run sends evenly at `rate`.
        let (interval_ns, step_ns) = match load.rate {
            Some(rate) => {
                let interval = (load.connections as f64 * 1e9 / rate).max(1.0) as u64;
                (interval, 1e9 / rate)
            }
            None => (0, 0.0),
        };
        let c = load.connections as u64;
        for (i, s) in streams.into_iter().enumerate() {
            s.set_nonblocking(true)?;
            let global = (first + i) as u64;
            let keys = Cursor::new(SEED, global, c, load.distinct_seed);
            let mut conn = Conn::new(mio::net::TcpStream::from_std(s), keys);
            poll.registry().register(
                &mut conn.stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )?;
            if let (Some(_), Some(n)) = (load.rate, load.requests) {
                conn.budget = n / c + u64::from(global < n % c);
            }
            conn.next_due = (global as f64 * step_ns) as u64;
            conns.push(conn);
        }
        let timer = match load.rate {
            Some(_) => {
                let t = Timer::new()?;
                t.register(poll.registry(), TIMER)?;
                Some(t)
            }
            None => None,
        };
        let scheduled = conns.iter().filter(|c| c.budget > 0).count();
        Ok(Worker {
            poll,
            live: conns.len(),
            exhausted: scheduled == 0,
            scheduled,
            conns,
            scratch: vec![0; READ_CHUNK],
            hist: hist::new(),
            ops: 0,
            errors: 0,
            tally: Tally::default(),
            tx,
            credit: 0,
            interval_ns,
            timer,
            armed: None,
        })
    }

    /// Runs until the deadline, the stop flag, or no work is left; returns the totals.
    pub fn run(mut self, plan: &Plan) -> Tally {
        let mut events = Events::with_capacity(1024);
        if self.timer.is_none() {
            self.start_closed(plan);
        }
        let mut tick = SECOND;
        loop {
            let now = plan.now();
            if now >= tick {
                self.snapshot();
                tick = (now / SECOND + 1) * SECOND;
            }
            if now >= plan.deadline_ns || plan.stop.load(Ordering::Relaxed) {
                break;
            }
            if self.timer.is_some() {
                self.send_due(plan, now);
            }
            if self.finished() {
                break;
            }
            // Wake for the next tick or the deadline at the latest; the timer (open loop)
            // and replies wake the loop sooner.
            let wait = plan.deadline_ns.min(tick).saturating_sub(now);
            match self
                .poll
                .poll(&mut events, Some(Duration::from_nanos(wait)))
            {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
            for ev in events.iter() {
                if ev.token() == TIMER {
                    if let Some(t) = &self.timer {
                        t.clear();
                    }
                    self.armed = None;
                    continue;
                }
                let i = ev.token().0;
                if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                    self.on_readable(i, plan);
                }
                if ev.is_writable() {
                    self.on_writable(i);
                }
            }
        }
        self.finish(plan)
    }

    /// Closed loop: fills every connection's pipeline.
    fn start_closed(&mut self, plan: &Plan) {
        let now = plan.now();
        for i in 0..self.conns.len() {
            let n = self.take_credit(plan, plan.load.pipeline as u64);
            let conn = &mut self.conns[i];
            for _ in 0..n {
                issue(conn, plan, now);
            }
            if conn.flush().is_err() {
                self.fail(i);
            }
        }
    }

    /// Reads replies, records their latencies and (closed loop) sends as many new requests.
    fn on_readable(&mut self, i: usize, plan: &Plan) {
        let Some(conn) = self.conns.get_mut(i).filter(|c| !c.failed) else {
            return;
        };
        let counts = match conn.read(&mut self.scratch) {
            Ok(c) if c.replies <= conn.started.len() as u64 => c,
            // An error, end of stream, or replies nobody asked for.
            _ => return self.fail(i),
        };
        let now = plan.now();
        for start in conn.started.drain(..counts.replies as usize) {
            self.hist
                .saturating_record(now.saturating_sub(start).max(1));
        }
        self.ops += counts.replies;
        self.errors += counts.errors;
        self.tally.nils += counts.nils;
        if self.timer.is_none() {
            let n = self.take_credit(plan, counts.replies);
            let conn = &mut self.conns[i];
            for _ in 0..n {
                issue(conn, plan, now);
            }
        }
        if self.conns[i].flush().is_err() {
            self.fail(i);
        }
    }

    fn on_writable(&mut self, i: usize) {
        let Some(conn) = self.conns.get_mut(i).filter(|c| !c.failed) else {
            return;
        };
        if conn.flush().is_err() {
            self.fail(i);
        }
    }

    /// Open loop: sends every request that is due and has a pipeline slot, then arms the
    /// timer for the earliest next send.
    fn send_due(&mut self, plan: &Plan, now: u64) {
        let pipeline = plan.load.pipeline;
        let mut next: Option<u64> = None;
        for i in 0..self.conns.len() {
            let conn = &mut self.conns[i];
            if conn.failed {
                continue;
            }
            let mut sent = false;
            while conn.budget > 0 && conn.started.len() < pipeline && conn.next_due <= now {
                let due = conn.next_due;
                issue(conn, plan, due);
                let lag = now - due;
                self.tally.lag_sum_ns += lag;
                self.tally.lag_max_ns = self.tally.lag_max_ns.max(lag);
                self.tally.sends += 1;
                conn.next_due += self.interval_ns;
                if conn.budget != u64::MAX {
                    conn.budget -= 1;
                    if conn.budget == 0 {
                        self.scheduled -= 1;
                        self.exhausted = self.scheduled == 0;
                    }
                }
                sent = true;
            }
            if conn.budget > 0 && conn.started.len() < pipeline {
                next = Some(next.map_or(conn.next_due, |n| n.min(conn.next_due)));
            }
            if sent && conn.flush().is_err() {
                self.fail(i);
            }
        }
        if let (Some(due), Some(timer)) = (next, &self.timer)
            && self.armed != Some(due)
        {
            // A timer that cannot be armed leaves the tick and replies to wake the loop:
            // sends would run late, and the lag report would show it.
            if timer
                .arm(Duration::from_nanos(due.saturating_sub(now)))
                .is_ok()
            {
                self.armed = Some(due);
            }
        }
    }

    /// Closed loop: takes up to `want` requests from the plan (all of them without
    /// --requests), in chunks so threads rarely touch the shared counter.
    fn take_credit(&mut self, plan: &Plan, want: u64) -> u64 {
        let Some(remaining) = &plan.remaining else {
            return want;
        };
        let mut got = 0;
        while got < want {
            if self.credit == 0 {
                let ask = plan.chunk.max(want - got);
                let r = remaining.fetch_update(Ordering::AcqRel, Ordering::Acquire, |r| {
                    (r > 0).then(|| r - r.min(ask))
                });
                self.credit = r.map_or(0, |r| r.min(ask));
                if self.credit == 0 {
                    self.exhausted = true;
                    break;
                }
            }
            let take = self.credit.min(want - got);
            self.credit -= take;
            got += take;
        }
        got
    }

    /// Drops a connection that failed; its unanswered requests are counted, not timed.
    fn fail(&mut self, i: usize) {
        let conn = &mut self.conns[i];
        if conn.failed {
            return;
        }
        conn.failed = true;
        self.live -= 1;
        self.tally.conn_errors += 1;
        self.tally.unanswered += conn.started.len() as u64;
        conn.started.clear();
        if conn.budget > 0 && conn.budget != u64::MAX {
            self.scheduled -= 1;
            self.exhausted = self.scheduled == 0;
        }
        conn.budget = 0;
        let _ = self.poll.registry().deregister(&mut conn.stream);
    }

    /// No connection is left, or every request is sent and answered.
    fn finished(&self) -> bool {
        self.live == 0 || (self.exhausted && self.conns.iter().all(|c| c.failed || !c.busy()))
    }

    /// Hands the interval's measurements to the main thread.
    fn snapshot(&mut self) {
        if self.ops == 0 && self.errors == 0 {
            return;
        }
        let snap = Snapshot {
            hist: std::mem::replace(&mut self.hist, hist::new()),
            ops: std::mem::take(&mut self.ops),
            errors: std::mem::take(&mut self.errors),
        };
        // The main thread only hangs up after every worker is done; nothing to do if not.
        let _ = self.tx.send(snap);
    }

    fn finish(mut self, plan: &Plan) -> Tally {
        self.tally.end_ns = plan.now();
        self.snapshot();
        let end = plan.deadline_ns;
        for c in self.conns.iter().filter(|c| !c.failed) {
            self.tally.unanswered += c.started.len() as u64;
            // Open loop: what the schedule wanted sent before the end but never went out.
            if self.interval_ns > 0 && c.budget > 0 && c.next_due < end && self.tally.end_ns >= end
            {
                let due = (end - c.next_due).div_ceil(self.interval_ns);
                self.tally.unsent += due.min(c.budget);
            }
        }
        self.tally
    }
}

/// Appends one request from the mix to `conn`, timed from `start`.
fn issue(conn: &mut Conn, plan: &Plan, start: u64) {
    let op = plan.load.mix.pick(conn.keys.rng.next());
    let key = conn.keys.next(&plan.load.keys, op);
    mix::encode(&mut conn.wbuf, op, &plan.load.key_prefix, key, &plan.value);
    conn.started.push_back(start);
}
