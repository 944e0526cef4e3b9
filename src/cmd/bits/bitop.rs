//! BITOP: AND, OR, XOR and NOT of strings into a destination key.

use super::Found;
use crate::db::Value;
use crate::engine::ctx::Ctx;
use crate::error;
use bytes::Bytes;

const NOT_ONE_KEY: &str = "ERR BITOP NOT must be called with a single source key.";

#[derive(Clone, Copy, PartialEq)]
enum Op {
    And,
    Or,
    Xor,
    Not,
}

/// ```text
/// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
/// ```
/// Missing keys and the short end of shorter strings count as zero bytes; the result is as
/// long as the longest source. An empty result deletes the destination. Replies with the
/// result's length.
pub(super) fn bitop(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let name = &argv[1];
    let op = if name.eq_ignore_ascii_case(b"and") {
        Op::And
    } else if name.eq_ignore_ascii_case(b"or") {
        Op::Or
    } else if name.eq_ignore_ascii_case(b"xor") {
        Op::Xor
    } else if name.eq_ignore_ascii_case(b"not") {
        Op::Not
    } else {
        return ctx.error(error::SYNTAX);
    };
    if op == Op::Not && argv.len() != 4 {
        return ctx.error(NOT_ONE_KEY);
    }
    // Every source is looked up (and type-checked) before anything is computed.
    let mut sources: Vec<Bytes> = Vec::with_capacity(argv.len() - 3);
    for key in &argv[3..] {
        match super::read(ctx, key) {
            Found::Missing => sources.push(Bytes::new()),
            Found::Str(s) => sources.push(Bytes::copy_from_slice(s)),
            Found::WrongType => return ctx.error(error::WRONGTYPE),
        }
    }
    let len = sources.iter().map(Bytes::len).max().unwrap_or(0);
    let dest = &argv[2];
    if len == 0 {
        let now = ctx.now();
        if ctx.db().delete(dest, now).is_some() {
            ctx.modified(dest);
        }
        return ctx.out.int(0);
    }
    let byte = |s: &Bytes, i: usize| s.get(i).copied().unwrap_or(0);
    let res: Vec<u8> = (0..len)
        .map(|i| {
            let mut it = sources.iter().map(|s| byte(s, i));
            let first = it.next().unwrap_or(0);
            match op {
                Op::Not => !first,
                Op::And => it.fold(first, |a, b| a & b),
                Op::Or => it.fold(first, |a, b| a | b),
                Op::Xor => it.fold(first, |a, b| a ^ b),
            }
        })
        .collect();
    ctx.db().set(dest, Value::Str(Bytes::from(res)), None);
    ctx.modified(dest);
    ctx.out.int(len as i64);
}
