//! Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN.
//!
//! INFO's text is rendered by `info.rs`; these handlers only parse options and reply.

use super::info;
use crate::db::Db;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use std::time::{SystemTime, UNIX_EPOCH};

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("info", info),
    ("dbsize", dbsize),
    ("flushdb", flushdb),
    ("flushall", flushall),
    ("time", time),
    ("shutdown", shutdown),
];

const NO_SHUTDOWN: &str = "ERR No shutdown in progress.";

/// ```text
/// INFO [section [section ...]]
/// ```
fn info(ctx: &mut Ctx) {
    let text = info::render(ctx.srv, &ctx.out.outs().errors, &ctx.argv[1..]);
    ctx.out.verbatim(text.as_bytes());
}

/// ```text
/// DBSIZE
/// ```
fn dbsize(ctx: &mut Ctx) {
    let n = ctx.db().len();
    ctx.out.int(n as i64);
}

/// Parses FLUSHDB/FLUSHALL's `[ASYNC | SYNC]`: Some(true) for ASYNC, None after replying
/// with a syntax error. Without either, `lazyfree-lazy-user-flush` decides.
fn flush_mode(ctx: &mut Ctx) -> Option<bool> {
    match ctx.argv.len() {
        1 => Some(ctx.srv.config.mem.lazy_user_flush),
        2 if ctx.arg(1).eq_ignore_ascii_case(b"sync") => Some(false),
        2 if ctx.arg(1).eq_ignore_ascii_case(b"async") => Some(true),
        _ => {
            ctx.error(error::SYNTAX);
            None
        }
    }
}

/// Empties `db`. ASYNC hands the keyspace to the lazy-free thread, so the executor does
/// not stall on millions of deallocations (counted as one object per key, as Redis's
/// `emptyDbAsync`).
fn flush_db(db: &mut Db, async_free: bool) {
    if async_free && !db.is_empty() {
        let keys = db.len() as u64;
        let old = db.take_contents();
        db.lazy.free_all(old, keys);
    } else {
        db.clear();
    }
}

/// ```text
/// FLUSHDB [ASYNC | SYNC]
/// ```
fn flushdb(ctx: &mut Ctx) {
    let Some(async_free) = flush_mode(ctx) else {
        return;
    };
    ctx.srv.flushing(ctx.db);
    ctx.srv.effects.force();
    flush_db(ctx.db(), async_free);
    ctx.out.ok();
}

/// ```text
/// FLUSHALL [ASYNC | SYNC]
/// ```
fn flushall(ctx: &mut Ctx) {
    let Some(async_free) = flush_mode(ctx) else {
        return;
    };
    for db in 0..ctx.srv.dbs.len() {
        ctx.srv.flushing(db);
    }
    ctx.srv.effects.force();
    // With save points set, Redis stops a running background save and saves the empty
    // dataset at once (`flushAllDataAndResetRDB`); without, a running BGSAVE goes on and
    // still writes what was there when it started.
    let save = !crate::persist::save_points(ctx.srv).is_empty();
    if save && crate::persist::snapshot::rdb_running(ctx.srv) {
        crate::persist::snapshot::abort(ctx.srv);
    }
    for db in ctx.srv.dbs.iter_mut() {
        flush_db(db, async_free);
    }
    if save {
        crate::persist::save(ctx.srv);
    }
    ctx.out.ok();
}

/// ```text
/// TIME
/// ```
fn time(ctx: &mut Ctx) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    ctx.out.array(2);
    ctx.out.bulk(now.as_secs().to_string().as_bytes());
    ctx.out.bulk(now.subsec_micros().to_string().as_bytes());
}

/// ```text
/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
/// ```
///
/// Saves first when asked (SAVE) or when save points are set (neither option); NOSAVE
/// skips it. A failed save keeps the server up unless FORCE. On success nothing is
/// written: Redis closes the connections without a reply, and clients expect the
/// connection to drop.
fn shutdown(ctx: &mut Ctx) {
    let (mut save, mut nosave, mut other, mut abort) = (false, false, false, false);
    let mut force = false;
    for arg in &ctx.argv[1..] {
        match arg.to_ascii_lowercase().as_slice() {
            b"nosave" => nosave = true,
            b"save" => save = true,
            b"now" => other = true,
            b"force" => {
                other = true;
                force = true;
            }
            b"abort" => abort = true,
            _ => return ctx.error(error::SYNTAX),
        }
    }
    if (abort && (save || nosave || other)) || (save && nosave) {
        return ctx.error(error::SYNTAX);
    }
    if abort {
        // A shutdown is never in progress: ours completes within the executor round.
        return ctx.error(NO_SHUTDOWN);
    }
    tracing::warn!("User requested shutdown...");
    let want = if save {
        Some(true)
    } else if nosave {
        Some(false)
    } else {
        None
    };
    if !crate::persist::prepare_shutdown(ctx.srv, want) && !force {
        tracing::warn!(
            "Errors trying to shut down the server. Check the logs for more information."
        );
        return ctx.error("ERR Errors trying to SHUTDOWN. Check logs.");
    }
    ctx.srv.shutdown = true;
}
