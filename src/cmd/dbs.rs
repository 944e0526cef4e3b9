//! Commands that move data between databases: MOVE (one key, with its TTL) and SWAPDB
//! (two whole databases). Clients stay in the database they selected, and so do their
//! WATCHes and blocked waits: as in Redis, those are touched or woken by what arrives.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

/// The commands this file implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("move", move_), ("swapdb", swapdb)];

const INT_RANGE: &str = "ERR value is out of range, value must between -2147483648 and 2147483647";
const SAME_OBJECT: &str = "ERR source and destination objects are the same";

/// A database index argument as Redis's `getIntFromObjectOrReply` reads it: `Err(None)`
/// when it is not an integer, `Err(Some(..))` when it does not fit 32 bits.
fn int_arg(arg: &[u8]) -> Result<i64, Option<()>> {
    let n = parse_i64(arg).ok_or(None)?;
    i32::try_from(n).map(i64::from).map_err(|_| Some(()))
}

/// ```text
/// MOVE key db
/// ```
/// Replies 1 if moved, 0 if the key is missing or already in the target database.
fn move_(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let dst = match int_arg(&argv[2]) {
        Ok(n) => n,
        Err(None) => return ctx.error(error::NOT_INTEGER),
        Err(Some(())) => return ctx.error(INT_RANGE),
    };
    let dst = match usize::try_from(dst) {
        Ok(d) if d < ctx.srv.dbs.len() => d,
        _ => return ctx.error(error::DB_INDEX),
    };
    if dst == ctx.db {
        return ctx.error(SAME_OBJECT);
    }
    let key = &argv[1];
    let now = ctx.now();
    if !ctx.srv.dbs[ctx.db].contains(key, now) || ctx.srv.dbs[dst].contains(key, now) {
        return ctx.out.int(0);
    }
    let Some(entry) = ctx.srv.dbs[ctx.db].delete(key, now) else {
        return ctx.out.int(0);
    };
    ctx.srv.dbs[dst].put(key, entry, false, now);
    // One change (Redis's dirty++), both keys signalled.
    ctx.modified(key);
    ctx.srv.signal_modified(dst, key);
    ctx.signal_ready_in(dst, key);
    ctx.out.int(1);
}

/// ```text
/// SWAPDB index1 index2
/// ```
fn swapdb(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Ok(a) = int_arg(&argv[1]) else {
        return ctx.error("ERR invalid first DB index");
    };
    let Ok(b) = int_arg(&argv[2]) else {
        return ctx.error("ERR invalid second DB index");
    };
    let n = ctx.srv.dbs.len();
    let (Ok(a), Ok(b)) = (usize::try_from(a), usize::try_from(b)) else {
        return ctx.error(error::DB_INDEX);
    };
    if a >= n || b >= n {
        return ctx.error(error::DB_INDEX);
    }
    if a != b {
        ctx.srv.swapping(a, b);
        ctx.srv.dbs.swap(a, b);
    }
    ctx.srv.effects.dirty += 1;
    ctx.out.ok();
}
