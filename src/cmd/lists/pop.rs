//! The non-blocking pops and moves: LPOP, RPOP, LMPOP, LMOVE and RPOPLPUSH. Their bodies
//! ([`move_generic`], [`pop_first`], [`parse_mpop`]) are shared with the blocking forms,
//! which run the same code first and block only when it finds nothing.

use crate::db::list::{End, WrongType, pop};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

const NUMKEYS: &str = "ERR numkeys should be greater than 0";
const COUNT: &str = "ERR count should be greater than 0";

/// ```text
/// LPOP key [count]
/// ```
pub(super) fn lpop(ctx: &mut Ctx) {
    pop_generic(ctx, End::Left);
}

/// ```text
/// RPOP key [count]
/// ```
pub(super) fn rpop(ctx: &mut Ctx) {
    pop_generic(ctx, End::Right);
}

/// Without a count, replies with one element (nil when the key is missing). With one, an
/// array of up to `count` elements (nil array when missing; empty for a count of 0). The
/// count is checked before the key, as Redis does.
fn pop_generic(ctx: &mut Ctx, end: End) {
    let argv = ctx.argv;
    if argv.len() > 3 {
        let name = if end == End::Left { "lpop" } else { "rpop" };
        return ctx.error(&error::wrong_arity(name));
    }
    let count = match argv.get(2) {
        None => None,
        Some(arg) => match parse_i64(arg).and_then(|n| usize::try_from(n).ok()) {
            Some(n) => Some(n),
            None => return ctx.error(error::NOT_POSITIVE_COUNT),
        },
    };
    let now = ctx.now();
    let popped = ctx.db().pop_list(&argv[1], end, count.unwrap_or(1), now);
    if matches!(&popped, Ok(Some(p)) if !p.is_empty()) {
        ctx.modified(&argv[1]);
    }
    match (popped, count) {
        (Err(WrongType), _) => ctx.error(error::WRONGTYPE),
        (Ok(None), None) => ctx.out.null(),
        (Ok(None), Some(_)) => ctx.out.null_array(),
        (Ok(Some(popped)), None) => match popped.first() {
            Some(e) => ctx.out.bulk(e),
            None => ctx.out.null(),
        },
        (Ok(Some(popped)), Some(_)) => ctx.out.bulks(popped.iter().map(|e| &e[..])),
    }
}

/// ```text
/// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
/// ```
pub(super) fn lmove(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (Some(from), Some(to)) = (End::parse(&argv[3]), End::parse(&argv[4])) else {
        return ctx.error(error::SYNTAX);
    };
    if !move_generic(ctx, &argv[1], &argv[2], from, to) {
        ctx.out.null();
    }
}

/// ```text
/// RPOPLPUSH source destination
/// ```
pub(super) fn rpoplpush(ctx: &mut Ctx) {
    let argv = ctx.argv;
    if !move_generic(ctx, &argv[1], &argv[2], End::Right, End::Left) {
        ctx.out.null();
    }
}

/// Pops an element from `from` of `src`, pushes it onto `to` of `dst` and replies with it.
/// Returns false, writing nothing, when `src` is missing (the caller replies nil or blocks).
///
/// Both types are checked before anything moves. When `src` is `dst` the element rotates
/// within the list, which therefore never empties (and keeps its TTL).
pub(super) fn move_generic(ctx: &mut Ctx, src: &[u8], dst: &[u8], from: End, to: End) -> bool {
    let now = ctx.now();
    let db = &mut ctx.srv.dbs[ctx.db];
    let elem = if src == dst {
        match db.list_mut(src, now) {
            Err(WrongType) => {
                ctx.out.error(error::WRONGTYPE);
                return true;
            }
            Ok(None) => return false,
            Ok(Some(list)) => {
                let Some(elem) = pop(list, from) else {
                    return false;
                };
                crate::db::list::push(list, elem.clone(), to);
                elem
            }
        }
    } else {
        match db.list(src, now) {
            Err(WrongType) => {
                ctx.out.error(error::WRONGTYPE);
                return true;
            }
            Ok(None) => return false,
            Ok(Some(_)) => {}
        }
        if matches!(db.list(dst, now), Err(WrongType)) {
            ctx.out.error(error::WRONGTYPE);
            return true;
        }
        let Ok(Some(mut popped)) = db.pop_list(src, from, 1, now) else {
            return false;
        };
        let Some(elem) = popped.pop() else {
            return false;
        };
        // The type was checked above, so this push cannot fail.
        let _ = db.push_list(dst, [elem.clone()], to, true, now);
        elem
    };
    ctx.out.bulk(&elem);
    ctx.modified(src);
    if src != dst {
        ctx.modified(dst);
    }
    ctx.signal_ready(dst);
    true
}

/// How [`pop_first`] replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reply {
    /// `[key, element]`: BLPOP, BRPOP.
    Flat,
    /// `[key, [element ...]]`: LMPOP, BLMPOP.
    Nested,
}

/// Pops up to `count` elements from `end` of the first of `keys` that holds a list, in
/// argument order, and replies with the key and what was popped. Returns false, writing
/// nothing, when every key is missing. A key of another type replies WRONGTYPE, unless an
/// earlier key was served.
pub(super) fn pop_first(
    ctx: &mut Ctx,
    keys: &[Bytes],
    end: End,
    count: usize,
    reply: Reply,
) -> bool {
    let now = ctx.now();
    for key in keys {
        match ctx.srv.dbs[ctx.db].pop_list(key, end, count, now) {
            Err(WrongType) => {
                ctx.error(error::WRONGTYPE);
                return true;
            }
            Ok(None) => continue,
            Ok(Some(popped)) => {
                ctx.modified(key);
                // BLPOP/BLMPOP/LMPOP propagate as the plain pop they became, on the key
                // that was served, with the count that was popped (as Redis 7.0).
                if ctx.propagating() {
                    let name = match end {
                        End::Left => Bytes::from_static(b"LPOP"),
                        End::Right => Bytes::from_static(b"RPOP"),
                    };
                    let mut argv = vec![name, key.clone()];
                    if reply == Reply::Nested {
                        argv.push(Bytes::from(popped.len().to_string()));
                    }
                    ctx.rewrite(argv);
                }
                ctx.out.array(2);
                ctx.out.bulk(key);
                match reply {
                    Reply::Flat => match popped.first() {
                        Some(e) => ctx.out.bulk(e),
                        None => ctx.out.null(),
                    },
                    Reply::Nested => ctx.out.bulks(popped.iter().map(|e| &e[..])),
                }
                return true;
            }
        }
    }
    false
}

/// LMPOP's arguments from `numkeys` on.
#[derive(Debug)]
pub(super) struct Mpop<'a> {
    pub keys: &'a [Bytes],
    pub end: End,
    pub count: usize,
}

/// Parses `numkeys key [key ...] <LEFT | RIGHT> [COUNT count]` starting at
/// `argv[numkeys_at]`, with Redis's checks in Redis's order.
pub(super) fn parse_mpop(argv: &[Bytes], numkeys_at: usize) -> Result<Mpop<'_>, &'static str> {
    let numkeys = parse_i64(&argv[numkeys_at])
        .filter(|&n| n >= 1)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or(NUMKEYS)?;
    let end_at = numkeys_at
        .checked_add(numkeys)
        .and_then(|i| i.checked_add(1))
        .filter(|&i| i < argv.len())
        .ok_or(error::SYNTAX)?;
    let end = End::parse(&argv[end_at]).ok_or(error::SYNTAX)?;
    let mut count = None;
    let mut i = end_at + 1;
    while i < argv.len() {
        let more = i + 1 < argv.len();
        if count.is_none() && more && argv[i].eq_ignore_ascii_case(b"count") {
            let n = parse_i64(&argv[i + 1])
                .filter(|&n| n >= 1)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(COUNT)?;
            count = Some(n);
            i += 2;
        } else {
            return Err(error::SYNTAX);
        }
    }
    Ok(Mpop {
        keys: &argv[numkeys_at + 1..end_at],
        end,
        count: count.unwrap_or(1),
    })
}

/// ```text
/// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
/// ```
/// Replies `[key, [element ...]]` for the first key holding a list, nil when none does.
pub(super) fn lmpop(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let m = match parse_mpop(argv, 1) {
        Ok(m) => m,
        Err(e) => return ctx.error(e),
    };
    if !pop_first(ctx, m.keys, m.end, m.count, Reply::Nested) {
        ctx.out.null_array();
    }
}
