//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queueing happens in the executor (`engine/dispatch.rs`), which sees every command before
//! its handler; these handlers only open, check and close the transaction. EXEC hands the
//! queue back to the executor, which runs it without letting any other command in.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;

const NO_MULTI: &str = "ERR EXEC without MULTI";
const EXECABORT: &str = "EXECABORT Transaction discarded because of previous errors.";

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("multi", multi),
    ("exec", exec),
    ("discard", discard),
    ("watch", watch),
    ("unwatch", unwatch),
];

/// ```text
/// MULTI
/// ```
fn multi(ctx: &mut Ctx) {
    let Some(c) = ctx.client() else {
        return ctx.out.ok();
    };
    if c.multi.is_some() {
        return ctx.error("ERR MULTI calls can not be nested");
    }
    c.multi = Some(Default::default());
    ctx.out.ok();
}

/// ```text
/// EXEC
/// ```
/// Fails with EXECABORT after a queueing error, and with a null reply when a watched key
/// was touched (or has expired) since WATCH. Either way the watches are gone afterwards.
fn exec(ctx: &mut Ctx) {
    let now = ctx.now();
    let id = ctx.id;
    let Some(c) = ctx.srv.clients.get_mut(&id) else {
        return ctx.error(NO_MULTI);
    };
    let Some(multi) = c.multi.take() else {
        return ctx.error(NO_MULTI);
    };
    let watched = std::mem::take(&mut c.watched);
    let dirty = std::mem::take(&mut c.dirty_cas)
        || watched
            .iter()
            .any(|(db, key)| ctx.srv.dbs[*db].is_expired(key, now));
    ctx.srv.watches.unwatch(id, &watched);
    ctx.srv.update_expired_tracking();
    if multi.failed {
        return ctx.error(EXECABORT);
    }
    if dirty {
        return ctx.out.null_array();
    }
    ctx.srv.exec_request = Some(multi.queue);
}

/// ```text
/// DISCARD
/// ```
fn discard(ctx: &mut Ctx) {
    if ctx.client().is_none_or(|c| c.multi.is_none()) {
        return ctx.error("ERR DISCARD without MULTI");
    }
    ctx.srv.discard_transaction(ctx.id);
    ctx.out.ok();
}

/// ```text
/// WATCH key [key ...]
/// ```
fn watch(ctx: &mut Ctx) {
    let id = ctx.id;
    if ctx.client().is_some_and(|c| c.multi.is_some()) {
        return ctx.error("ERR WATCH inside MULTI is not allowed");
    }
    let (db, now) = (ctx.db, ctx.now());
    // A key already past its time is reclaimed now: its later removal is no change (Redis
    // 7.0 flags such a watch "expired" to the same end). The reclaim is dealt with (its DEL
    // propagated, other watchers touched) before this client watches, so it is not touched.
    for key in &ctx.argv[1..] {
        ctx.srv.dbs[db].contains(key, now);
    }
    if ctx.srv.expiry_logged() {
        ctx.srv.drain_expired();
    }
    for key in &ctx.argv[1..] {
        let key = bytes::Bytes::copy_from_slice(key);
        if ctx.srv.watches.watch(id, db, key.clone())
            && let Some(c) = ctx.srv.clients.get_mut(&id)
        {
            c.watched.push((db, key.clone()));
        }
    }
    ctx.srv.update_expired_tracking();
    ctx.out.ok();
}

/// ```text
/// UNWATCH
/// ```
fn unwatch(ctx: &mut Ctx) {
    unwatch_all(ctx);
    ctx.out.ok();
}

fn unwatch_all(ctx: &mut Ctx) {
    let id = ctx.id;
    if let Some(c) = ctx.srv.clients.get_mut(&id) {
        let watched = std::mem::take(&mut c.watched);
        c.dirty_cas = false;
        ctx.srv.watches.unwatch(id, &watched);
        ctx.srv.update_expired_tracking();
    }
}
