//! Durability: the AOF (`aof/`), the RDB format (`rdb/`), RDB files on disk (`file.rs`),
//! function libraries saved in them (`functions.rs`),
//! the point-in-time snapshot BGSAVE writes from (`snapshot.rs`), and the RDB state the
//! executor keeps (save points, last save, INFO persistence).
//!
//! Nothing here sees a socket. No file is written on the executor except by SAVE and at
//! shutdown (which Redis blocks for too); BGSAVE's file is written by its own thread while
//! the executor only walks the keyspace in bounded steps.

pub mod aof;
pub mod file;
pub mod functions;
pub mod rdb;
pub mod snapshot;

use crate::engine::state::Server;
use std::time::Instant;

/// Seconds to wait after a failed background save before a save point may try again
/// (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const RETRY_DELAY_SECS: u64 = 5;

/// The executor's persistence state.
#[derive(Debug)]
pub struct State {
    /// `server.dirty` when the last successful save started.
    pub dirty_saved: u64,
    /// Unix seconds of the last successful save (start time until one happens).
    pub lastsave: u64,
    /// Unix seconds of the last save attempt (for the retry delay after a failure).
    pub last_try: u64,
    pub last_bgsave_ok: bool,
    /// Seconds the last background save took, -1 before any.
    pub last_bgsave_secs: i64,
    /// Successful saves since start.
    pub saves: u64,
    pub bgsave: Option<snapshot::Bgsave>,
    /// BGSAVE SCHEDULE asked for one while another save was running.
    pub scheduled: bool,
    pub load_keys: u64,
    pub load_expired: u64,
}

impl State {
    pub fn new(now_secs: u64) -> State {
        State {
            dirty_saved: 0,
            lastsave: now_secs,
            last_try: 0,
            last_bgsave_ok: true,
            last_bgsave_secs: -1,
            saves: 0,
            bgsave: None,
            scheduled: false,
            load_keys: 0,
            load_expired: 0,
        }
    }
}

/// Whether an AOF rewrite is running (Redis's AOF child): BGSAVE and save points wait.
pub fn aof_rewriting(srv: &Server) -> bool {
    srv.aof
        .status
        .rewriting
        .load(std::sync::atomic::Ordering::Relaxed)
}

/// The save points (`save`), as (seconds, changes) pairs.
pub fn save_points(srv: &Server) -> Vec<(u64, u64)> {
    let text = srv.config.get("save").unwrap_or_default();
    let nums: Vec<u64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    nums.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

/// Changes since the last successful save (`rdb_changes_since_last_save`).
pub fn changes(srv: &Server) -> u64 {
    srv.effects.dirty.saturating_sub(srv.persist.dirty_saved)
}

/// SAVE: the whole keyspace written on the executor. Returns whether it worked.
pub fn save(srv: &mut Server) -> bool {
    let dirty = srv.effects.dirty;
    let now = srv.now_ms / 1000;
    srv.persist.last_try = now;
    match file::save_sync(srv) {
        Ok(_) => {
            tracing::info!("DB saved on disk");
            let p = &mut srv.persist;
            p.dirty_saved = dirty;
            p.lastsave = now;
            p.saves += 1;
            p.last_bgsave_ok = true;
            true
        }
        Err(e) => {
            tracing::warn!("Failed opening the temp RDB file or writing it: {e}");
            srv.persist.last_bgsave_ok = false;
            false
        }
    }
}

/// Whether writes are refused because the last background save failed
/// (`stop-writes-on-bgsave-error` with save points set), as Redis's MISCONF.
pub fn writes_refused(srv: &Server) -> bool {
    !srv.persist.last_bgsave_ok
        && srv.config.get("stop-writes-on-bgsave-error").as_deref() == Some("yes")
        && !save_points(srv).is_empty()
}

/// The timer's part (`serverCron`): finish a background save that ended, start one when a
/// save point is reached or one was scheduled.
pub fn cron(srv: &mut Server) {
    snapshot::poll(srv);
    if srv.persist.bgsave.is_some() || aof_rewriting(srv) {
        return;
    }
    let now = srv.now_ms / 1000;
    if srv.persist.scheduled {
        srv.persist.scheduled = false;
        let _ = snapshot::start(srv);
        return;
    }
    let changes = changes(srv);
    let since = now.saturating_sub(srv.persist.lastsave);
    let retry_ok =
        srv.persist.last_bgsave_ok || now.saturating_sub(srv.persist.last_try) > RETRY_DELAY_SECS;
    for (secs, n) in save_points(srv) {
        if changes >= n && since >= secs && retry_ok {
            tracing::info!("{n} changes in {secs} seconds. Saving...");
            let _ = snapshot::start(srv);
            return;
        }
    }
}

/// Before the server exits (`prepareForShutdown`): a running background save is
/// abandoned, then the keyspace is saved if `save` says so (None: if save points are set).
/// Returns false when the save failed and the server must not exit.
pub fn prepare_shutdown(srv: &mut Server, save: Option<bool>) -> bool {
    if let Some(bg) = &srv.persist.bgsave {
        if bg.is_rdb() {
            tracing::warn!("There is a child saving an .rdb. Killing it!");
        } else {
            tracing::warn!("There is a child rewriting the AOF. Killing it!");
        }
        snapshot::abort(srv);
    }
    let save = save.unwrap_or_else(|| !save_points(srv).is_empty());
    if !save {
        return true;
    }
    tracing::info!("Saving the final RDB snapshot before exiting.");
    let start = Instant::now();
    if self::save(srv) {
        tracing::info!(
            "DB saved on disk ({:.3} seconds)",
            start.elapsed().as_secs_f64()
        );
        true
    } else {
        tracing::warn!("Error trying to save the DB, can't exit.");
        false
    }
}
