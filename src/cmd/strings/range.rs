//! The commands that slice or edit part of a string: GETRANGE (and its old name SUBSTR),
//! SETRANGE and APPEND. Edits happen in place and keep the key's TTL; a string may not grow
//! past proto-max-bulk-len.

use super::{Found, as_str_mut, edit, fits, read};
use crate::db::Value;
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;
use std::ops::Range;

/// ```text
/// APPEND key value
/// ```
/// Replies with the string's new length.
pub(super) fn append(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (key, tail) = (&argv[1], &argv[2]);
    let now = ctx.now();
    let limit = ctx.srv.config.proto_max_bulk_len;
    let db = &mut ctx.srv.dbs[ctx.db];
    match db.get_mut(key, now) {
        None => {
            db.set(key, Value::str(tail), None);
            ctx.out.int(tail.len() as i64);
            ctx.modified(key);
        }
        Some(v) => match as_str_mut(v) {
            None => ctx.out.error(error::WRONGTYPE),
            Some(s) if !fits(limit, s.len() as u64, tail.len()) => {
                ctx.out.error(error::STRING_TOO_LONG)
            }
            Some(s) => {
                edit(s, |buf| buf.extend_from_slice(tail));
                ctx.out.int(s.len() as i64);
                // Even an empty tail counts as a change, as in Redis.
                ctx.modified(key);
            }
        },
    }
}

/// ```text
/// GETRANGE key start end
/// SUBSTR key start end
/// ```
/// Replies with the bytes from `start` to `end`, both inclusive, negative counting from the
/// end; an empty string when the range is empty or the key is missing.
pub(super) fn getrange(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (Some(start), Some(end)) = (parse_i64(&argv[2]), parse_i64(&argv[3])) else {
        return ctx.error(error::NOT_INTEGER);
    };
    match read(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => ctx.out.bulk(b""),
        Found::Other => ctx.out.error(error::WRONGTYPE),
        Found::Str(s) => match byte_range(s.len(), start, end) {
            Some(r) => ctx.out.bulk(&s[r]),
            None => ctx.out.bulk(b""),
        },
    }
}

/// The byte range GETRANGE `start end` selects in a string of `len` bytes, or `None` when it
/// is empty. Redis's arithmetic: negative indexes count from the end and clamp to 0, `end`
/// clamps to the last byte, and two negative indexes out of order select nothing.
fn byte_range(len: usize, start: i64, end: i64) -> Option<Range<usize>> {
    let len = i64::try_from(len).ok()?;
    if start < 0 && end < 0 && start > end {
        return None;
    }
    // `len + x` for negative x cannot overflow: len >= 0.
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end }.max(0).min(len - 1);
    if start > end || len == 0 {
        return None;
    }
    Some(start as usize..end as usize + 1)
}

/// ```text
/// SETRANGE key offset value
/// ```
/// Overwrites the string from `offset` on, padding with zero bytes up to `offset`; replies
/// with the new length. An empty `value` changes nothing (and creates no key).
pub(super) fn setrange(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (key, value) = (&argv[1], &argv[3]);
    let Some(offset) = parse_i64(&argv[2]) else {
        return ctx.error(error::NOT_INTEGER);
    };
    // Non-negative, so it fits a u64.
    let Ok(offset) = u64::try_from(offset) else {
        return ctx.error(error::OFFSET_RANGE);
    };
    let now = ctx.now();
    let limit = ctx.srv.config.proto_max_bulk_len;
    let db = &mut ctx.srv.dbs[ctx.db];
    if value.is_empty() {
        // Nothing changes: a read, so a string kept inline stays there (and "embstr").
        return match db.get(key, now).map(|n| n.value()) {
            None => ctx.out.int(0),
            Some(crate::db::ValueRef::Str(s)) => ctx.out.int(s.len() as i64),
            Some(_) => ctx.out.error(error::WRONGTYPE),
        };
    }
    match db.get_mut(key, now) {
        Some(v) => match as_str_mut(v) {
            None => ctx.out.error(error::WRONGTYPE),
            Some(s) => match overwrite_at(limit, offset, value.len()) {
                None => ctx.out.error(error::STRING_TOO_LONG),
                Some(at) => {
                    edit(s, |buf| {
                        if buf.len() < at.end {
                            buf.resize(at.end, 0);
                        }
                        buf[at].copy_from_slice(value);
                    });
                    ctx.out.int(s.len() as i64);
                    ctx.modified(key);
                }
            },
        },
        None => match overwrite_at(limit, offset, value.len()) {
            None => ctx.out.error(error::STRING_TOO_LONG),
            Some(at) => {
                let mut buf = vec![0; at.end];
                buf[at].copy_from_slice(value);
                ctx.out.int(buf.len() as i64);
                db.set_raw(key, Value::Str(Bytes::from(buf)), None);
                ctx.modified(key);
            }
        },
    }
}

/// Where SETRANGE writes `n` bytes at `offset`, or `None` if the string would pass `limit`.
fn overwrite_at(limit: u64, offset: u64, n: usize) -> Option<Range<usize>> {
    if !fits(limit, offset, n) {
        return None;
    }
    let start = usize::try_from(offset).ok()?;
    Some(start..start.checked_add(n)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_matches_redis_arithmetic() {
        let r = |start, end| byte_range(16, start, end);
        assert_eq!(r(0, 3), Some(0..4));
        assert_eq!(r(-3, -1), Some(13..16));
        assert_eq!(r(0, -1), Some(0..16));
        assert_eq!(r(10, 100), Some(10..16));
        assert_eq!(r(-100, 2), Some(0..3));
        assert_eq!(r(3, 1), None);
        assert_eq!(r(-1, -5), None);
        assert_eq!(r(16, 20), None);
        assert_eq!(r(-1, 0), None);
        assert_eq!(r(i64::MIN, i64::MAX), Some(0..16));
        assert_eq!(r(i64::MAX, i64::MIN), None);
        assert_eq!(r(i64::MIN, -1), Some(0..16));
        assert_eq!(byte_range(0, 0, -1), None);
        assert_eq!(byte_range(0, 0, 0), None);
    }

    #[test]
    fn overwrite_stays_within_the_limit() {
        assert_eq!(overwrite_at(10, 5, 5), Some(5..10));
        assert_eq!(overwrite_at(10, 5, 6), None);
        assert_eq!(overwrite_at(u64::MAX, u64::MAX, 1), None);
        assert_eq!(
            overwrite_at(u64::MAX, i64::MAX as u64, 1),
            Some(i64::MAX as usize..1 << 63)
        );
    }
}
