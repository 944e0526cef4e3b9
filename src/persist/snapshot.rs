//! BGSAVE without fork(): a point-in-time snapshot taken incrementally on the executor
//! (the keyspace side is `db/capture.rs`) and written by a thread of its own.
//!
//! Why not fork: the process is multi-threaded and the allocator registers no fork
//! handlers, so a child could deadlock on a lock another thread held at the fork.
//!
//! The executor calls [`step`] between rounds: it walks each database a bounded number of
//! positions, takes the records the walk and the write paths handed over, and sends them
//! to the writer thread over a bounded channel. When the channel is full the walk waits
//! (writes still hand over old values, which is the memory a fork's copy-on-write would
//! take). The writer serializes (and compresses) off the executor and writes the file
//! crash-safely; [`poll`] collects its result.
//!
//! One snapshot runs at a time, aimed at a [`Target`]: BGSAVE's `dbfilename`, or the RDB
//! preamble of an AOF rewrite's new base, whose writer thread tells the AOF when done.

use super::file::{self, Settings};
use super::rdb::Writer;
use crate::db::{Record, Table};
use crate::engine::state::Server;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Table positions walked between two checks of the clock and the channel.
const WALK_CHUNK: usize = 512;
/// How long one step may walk (the executor's stall per step).
const STEP_BUDGET: Duration = Duration::from_micros(500);
/// Messages in flight to the writer thread: with at most `WALK_CHUNK` records each, this
/// bounds what the walk has copied and the writer not yet written.
const IN_FLIGHT: usize = 64;

/// What the executor sends the writer thread.
enum Msg {
    /// Records of database `db`.
    Keys(usize, Vec<Record>),
    /// A table a flush removed during the save; entries stamped with `epoch` were sent
    /// already.
    Frozen(usize, Table, u32),
    /// Everything was sent.
    End,
}

/// Where a snapshot goes when it is not BGSAVE's `dbfilename`.
pub struct Target {
    /// The file written (crash-safely: a temp name, then renamed to this).
    pub path: PathBuf,
    /// Called on the writer thread once the file is written or has failed (an aborted
    /// snapshot fails too), before the executor polls.
    pub done: OnDone,
}

/// What a [`Target`] runs with the written file's size or the error.
pub type OnDone = Box<dyn FnOnce(&io::Result<u64>) + Send>;

/// A background save in progress.
pub struct Bgsave {
    /// An AOF rewrite's base rather than BGSAVE's file.
    aof: bool,
    tx: Option<Sender<Msg>>,
    done: Receiver<io::Result<u64>>,
    thread: Option<JoinHandle<()>>,
    /// What could not be sent yet (the channel was full), in order.
    backlog: VecDeque<Msg>,
    /// The walk is over and `End` is queued.
    ended: bool,
    started: Instant,
    /// The longest step so far (the snapshot's share of an executor stall).
    longest_step: Duration,
    start_secs: u64,
    dirty_at_start: u64,
}

impl std::fmt::Debug for Bgsave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bgsave")
            .field("ended", &self.ended)
            .field("backlog", &self.backlog.len())
            .finish()
    }
}

impl Bgsave {
    /// Seconds since it started.
    pub fn elapsed_secs(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Whether the executor still has walking or sending to do (it then polls often).
    pub fn busy(&self) -> bool {
        self.tx.is_some()
    }

    /// Whether this is BGSAVE's (Redis's RDB child) rather than an AOF rewrite's.
    pub fn is_rdb(&self) -> bool {
        !self.aof
    }
}

/// Whether a BGSAVE is running (not an AOF rewrite's snapshot).
pub fn rdb_running(srv: &Server) -> bool {
    srv.persist.bgsave.as_ref().is_some_and(Bgsave::is_rdb)
}

/// Starts a background save. Err when one is already running.
pub fn start(srv: &mut Server) -> Result<(), &'static str> {
    start_to(srv, None)
}

/// Starts a snapshot aimed at `target` (None: BGSAVE's file). Err when one is running.
pub fn start_to(srv: &mut Server, target: Option<Target>) -> Result<(), &'static str> {
    if srv.persist.bgsave.is_some() {
        return Err("ERR Background save already in progress");
    }
    let mut settings = Settings::of(srv);
    let aof = target.is_some();
    let mut done_cb = None;
    if let Some(t) = target {
        settings.path = t.path;
        settings.aux.aof_base = true;
        done_cb = Some(t.done);
    }
    let sizes: Vec<(u64, u64)> = srv
        .dbs
        .iter()
        .map(|db| (db.len() as u64, db.volatile_len() as u64))
        .collect();
    for (i, db) in srv.dbs.iter_mut().enumerate() {
        db.capture_start(i);
    }
    let (tx, rx) = crossbeam_channel::bounded(IN_FLIGHT);
    let (done_tx, done) = crossbeam_channel::bounded(1);
    let thread = std::thread::Builder::new()
        .name("muxis-bgsave".into())
        .spawn(move || {
            let r = write(&settings, &sizes, &rx);
            if let Some(cb) = done_cb {
                cb(&r);
            }
            let _ = done_tx.send(r);
        });
    let thread = match thread {
        Ok(t) => t,
        Err(e) => {
            for db in srv.dbs.iter_mut() {
                db.capture_end();
            }
            tracing::warn!("Can't save in background: {e}");
            if !aof {
                srv.persist.last_bgsave_ok = false;
            }
            return Err("ERR Background save failed to start");
        }
    };
    if !aof {
        tracing::info!("Background saving started");
        srv.persist.last_try = srv.now_ms / 1000;
    }
    srv.persist.bgsave = Some(Bgsave {
        aof,
        tx: Some(tx),
        done,
        thread: Some(thread),
        backlog: VecDeque::new(),
        ended: false,
        started: Instant::now(),
        longest_step: Duration::ZERO,
        start_secs: srv.now_ms / 1000,
        dirty_at_start: srv.effects.dirty,
    });
    Ok(())
}

/// The writer thread: serializes what arrives into the file.
fn write(s: &Settings, sizes: &[(u64, u64)], rx: &Receiver<Msg>) -> io::Result<u64> {
    file::write_atomic(&s.path, |out| {
        let mut w = Writer::new(out, s.opts, &s.aux)?;
        let mut current = None;
        let mut started = vec![false; sizes.len()];
        let mut n = 0u64; // keys written
        let mut select = |w: &mut Writer<_>, db: usize| -> io::Result<()> {
            if current != Some(db) {
                let (keys, expires) = sizes.get(db).copied().unwrap_or((0, 0));
                if started.get(db).copied().unwrap_or(true) {
                    w.select(db)?;
                } else {
                    started[db] = true;
                    w.db(db, keys, expires)?;
                }
                current = Some(db);
            }
            Ok(())
        };
        loop {
            match rx.recv() {
                Ok(Msg::Keys(db, recs)) => {
                    if recs.is_empty() {
                        continue;
                    }
                    select(&mut w, db)?;
                    for r in &recs {
                        w.key(&r.key, r.value.view(), r.expire_at, s.access(r.lru))?;
                        n += 1;
                        s.key_delay(n);
                    }
                }
                Ok(Msg::Frozen(db, table, epoch)) => {
                    for (node, at) in table.iter() {
                        if !crate::db::handed_over(node, epoch) {
                            select(&mut w, db)?;
                            w.key(node.key(), node.value(), at, s.access(node.lru()))?;
                            n += 1;
                            s.key_delay(n);
                        }
                    }
                }
                Ok(Msg::End) => break,
                Err(_) => return Err(io::Error::other("background save abandoned")),
            }
        }
        w.finish()?;
        Ok(())
    })
}

/// One step of the walk (between executor rounds). Bounded by [`STEP_BUDGET`].
pub fn step(srv: &mut Server) {
    let Some(bg) = srv.persist.bgsave.as_mut() else {
        return;
    };
    if bg.tx.is_none() {
        return;
    }
    let start = Instant::now();
    step_inner(bg, &mut srv.dbs, start);
    bg.longest_step = bg.longest_step.max(start.elapsed());
}

fn step_inner(bg: &mut Bgsave, dbs: &mut [crate::db::Db], start: Instant) {
    let Some(tx) = bg.tx.as_ref() else {
        return;
    };
    // What writes handed over since the last step goes first, from every database.
    for db in dbs.iter_mut() {
        let i = db.capture_index().unwrap_or(0);
        let (recs, frozen) = db.capture_take();
        let epoch = db.capture_epoch().unwrap_or(0);
        if !recs.is_empty() {
            bg.backlog.push_back(Msg::Keys(i, recs));
        }
        for t in frozen {
            bg.backlog.push_back(Msg::Frozen(i, t, epoch));
        }
    }
    loop {
        // Send what is waiting; stop walking while the writer is behind.
        while let Some(m) = bg.backlog.pop_front() {
            match tx.try_send(m) {
                Ok(()) => {}
                Err(TrySendError::Full(m)) | Err(TrySendError::Disconnected(m)) => {
                    bg.backlog.push_front(m);
                    return;
                }
            }
        }
        if bg.ended {
            // Everything, `End` included, reached the writer.
            bg.tx = None;
            return;
        }
        // The next database still to walk (SWAPDB may reorder them: each knows).
        let Some(next) = dbs.iter().position(|d| d.capture_walking()) else {
            // The walk is over and every record taken: the snapshot is complete.
            for db in dbs.iter_mut() {
                db.capture_end();
            }
            bg.backlog.push_back(Msg::End);
            bg.ended = true;
            continue;
        };
        if start.elapsed() >= STEP_BUDGET {
            return;
        }
        let db = &mut dbs[next];
        let index = db.capture_index().unwrap_or(next);
        db.capture_walk(WALK_CHUNK);
        let (recs, frozen) = db.capture_take();
        let epoch = db.capture_epoch().unwrap_or(0);
        for t in frozen {
            bg.backlog.push_back(Msg::Frozen(index, t, epoch));
        }
        if !recs.is_empty() {
            bg.backlog.push_back(Msg::Keys(index, recs));
        }
    }
}

/// Collects a finished background save's result (`backgroundSaveDoneHandler`).
pub fn poll(srv: &mut Server) {
    let Some(bg) = srv.persist.bgsave.as_mut() else {
        return;
    };
    let Ok(result) = bg.done.try_recv() else {
        return;
    };
    if let Some(t) = bg.thread.take() {
        let _ = t.join();
    }
    let secs = bg.started.elapsed().as_secs() as i64;
    let longest = bg.longest_step;
    if bg.aof {
        // The AOF took the result from the writer thread already.
        tracing::info!(
            "AOF rewrite snapshot took {secs} s, longest executor step {} us",
            longest.as_micros()
        );
        srv.persist.bgsave = None;
        for db in srv.dbs.iter_mut() {
            db.capture_end();
        }
        return;
    }
    let (dirty, start_secs) = (bg.dirty_at_start, bg.start_secs);
    srv.persist.bgsave = None;
    for db in srv.dbs.iter_mut() {
        db.capture_end();
    }
    let p = &mut srv.persist;
    p.last_bgsave_secs = secs;
    match result {
        Ok(_) => {
            tracing::info!("Background saving terminated with success");
            tracing::info!(
                "Background saving took {secs} s, longest executor step {} us",
                longest.as_micros()
            );
            p.dirty_saved = dirty;
            p.lastsave = start_secs.max(p.lastsave);
            p.saves += 1;
            p.last_bgsave_ok = true;
        }
        Err(e) => {
            tracing::warn!("Background saving error: {e}");
            p.last_bgsave_ok = false;
        }
    }
}

/// Waits for the running background save to finish (for tests and SAVE after BGSAVE).
pub fn finish_blocking(srv: &mut Server) {
    while srv.persist.bgsave.is_some() {
        step(srv);
        poll(srv);
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Abandons a running background save: the writer stops and removes its temp file.
pub fn abort(srv: &mut Server) {
    if let Some(mut bg) = srv.persist.bgsave.take() {
        drop(bg.tx.take());
        bg.backlog.clear();
        if let Some(t) = bg.thread.take() {
            let _ = t.join();
        }
    }
    for db in srv.dbs.iter_mut() {
        db.capture_end();
    }
}
