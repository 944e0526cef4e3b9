//! The commands that add elements: LPUSH, RPUSH, their X forms (only onto an existing list)
//! and LINSERT. Each signals its key ready for blocked clients.

use crate::db::list::{self, End, WrongType};
use crate::engine::ctx::Ctx;
use crate::error;
use bytes::Bytes;

/// ```text
/// LPUSH key element [element ...]
/// ```
pub(super) fn lpush(ctx: &mut Ctx) {
    push_generic(ctx, End::Left, true);
}

/// ```text
/// RPUSH key element [element ...]
/// ```
pub(super) fn rpush(ctx: &mut Ctx) {
    push_generic(ctx, End::Right, true);
}

/// ```text
/// LPUSHX key element [element ...]
/// ```
pub(super) fn lpushx(ctx: &mut Ctx) {
    push_generic(ctx, End::Left, false);
}

/// ```text
/// RPUSHX key element [element ...]
/// ```
pub(super) fn rpushx(ctx: &mut Ctx) {
    push_generic(ctx, End::Right, false);
}

/// Pushes every element in argument order onto `end` (so LPUSH k a b c leaves c b a),
/// creating the list only if `create`. Replies with the new length, 0 when an X form found
/// no list.
fn push_generic(ctx: &mut Ctx, end: End, create: bool) {
    let argv = ctx.argv;
    let key = &argv[1];
    let now = ctx.now();
    let elems = argv[2..].iter().map(|e| Bytes::copy_from_slice(e));
    match ctx.db().push_list(key, elems, end, create, now) {
        Err(WrongType) => ctx.error(error::WRONGTYPE),
        Ok(len) => {
            ctx.out.int(len as i64);
            if len > 0 {
                ctx.modified_n(key, (argv.len() - 2) as u64);
                ctx.signal_ready(key);
            }
        }
    }
}

/// ```text
/// LINSERT key <BEFORE | AFTER> pivot element
/// ```
/// Replies with the new length, -1 when the pivot is not in the list, 0 when the key is
/// missing. BEFORE/AFTER is checked first, as Redis does.
pub(super) fn linsert(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let after = if argv[2].eq_ignore_ascii_case(b"after") {
        true
    } else if argv[2].eq_ignore_ascii_case(b"before") {
        false
    } else {
        return ctx.error(error::SYNTAX);
    };
    let now = ctx.now();
    let reply = match ctx.db().list_mut(&argv[1], now) {
        Err(WrongType) => return ctx.error(error::WRONGTYPE),
        Ok(None) => 0,
        Ok(Some(l)) => {
            if list::insert(l, &argv[3], &argv[4], after) {
                l.len() as i64
            } else {
                -1
            }
        }
    };
    ctx.out.int(reply);
    if reply > 0 {
        ctx.modified(&argv[1]);
        ctx.signal_ready(&argv[1]);
    }
}
