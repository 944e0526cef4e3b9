//! Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO, with
//! Redis 7.0's replies and error strings. A bitmap is a plain string (`Value::Str`): bit 0
//! is the most significant bit of byte 0, and writes grow the string with zero bytes.
//!
//! This file holds the command table, offset parsing, the lookup that grows a string for a
//! write, and the single-bit and counting commands. `bitop.rs` has BITOP, `field.rs`
//! BITFIELD's integers of 1 to 64 bits.

mod bitop;
mod field;
#[cfg(test)]
mod tests;
#[cfg(test)]
use field::tests_support as field_tests_support;

use crate::db::{Value, ValueRef};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;
use bytes::{Bytes, BytesMut};

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("setbit", setbit),
    ("getbit", getbit),
    ("bitcount", bitcount),
    ("bitpos", bitpos),
    ("bitop", bitop::bitop),
    ("bitfield", field::bitfield),
    ("bitfield_ro", field::bitfield_ro),
];

const BIT_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const BIT_VALUE: &str = "ERR bit is not an integer or out of range";
const BIT_ARG: &str = "ERR The bit argument must be 1 or 0.";

/// Parses a bit offset (Redis's `getBitOffsetFromArgument`): a non-negative integer whose
/// byte stays below proto-max-bulk-len. With `bits` (BITFIELD), `#n` means `n * bits`.
fn bit_offset(arg: &[u8], bits: Option<u32>, limit: u64) -> Result<u64, &'static str> {
    let (hash, digits) = match (arg.first(), bits) {
        (Some(b'#'), Some(_)) => (true, &arg[1..]),
        _ => (false, arg),
    };
    let mut n = parse_i64(digits).ok_or(BIT_OFFSET)?;
    if hash {
        // Redis multiplies without checking; a product that wraps negative is refused below.
        n = n.wrapping_mul(i64::from(bits.unwrap_or(1)));
    }
    match u64::try_from(n) {
        Ok(n) if (n >> 3) < limit => Ok(n),
        _ => Err(BIT_OFFSET),
    }
}

/// A string value to write bits into, grown with zero bytes to hold bit `maxbit` (Redis's
/// `lookupStringForBitCommand`). Returns whether the key was created or grew; `Err` after
/// replying WRONGTYPE. A created key is in the keyspace before the caller knows whether it
/// will change anything, as in Redis.
fn bit_string<'c>(ctx: &'c mut Ctx, maxbit: u64) -> Result<(&'c mut Bytes, bool), ()> {
    let key = &ctx.argv[1];
    let now = ctx.now();
    let len = usize::try_from(maxbit >> 3).map_err(|_| ())? + 1;
    let db = &mut ctx.srv.dbs[ctx.db];
    let grown = match db.get_mut(key, now) {
        None => {
            db.set(key, Value::Str(Bytes::from(vec![0u8; len])), None);
            true
        }
        Some(Value::Str(s)) => {
            let grown = s.len() < len;
            if grown {
                edit(s, |b| b.resize(len, 0));
            }
            grown
        }
        Some(_) => {
            ctx.out.error(error::WRONGTYPE);
            return Err(());
        }
    };
    match db.get_mut(key, now) {
        Some(Value::Str(s)) => Ok((s, grown)),
        _ => Err(()),
    }
}

/// Changes a stored string in place, reusing its buffer when nothing else holds it.
fn edit(s: &mut Bytes, f: impl FnOnce(&mut BytesMut)) {
    let mut buf = match std::mem::take(s).try_into_mut() {
        Ok(buf) => buf,
        Err(shared) => BytesMut::from(&shared[..]),
    };
    f(&mut buf);
    *s = buf.freeze();
}

/// What a read of a string key found.
enum Found<'a> {
    Missing,
    Str(&'a [u8]),
    WrongType,
}

/// Looks a string up for reading, counting a keyspace hit or miss.
fn read<'s>(ctx: &'s mut Ctx, key: &[u8]) -> Found<'s> {
    match crate::cmd::read_value(ctx.srv, ctx.db, key) {
        None => Found::Missing,
        Some(ValueRef::Str(s)) => Found::Str(s),
        Some(_) => Found::WrongType,
    }
}

/// ```text
/// SETBIT key offset value
/// ```
/// Replies with the bit's previous value.
fn setbit(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let offset = match bit_offset(&argv[2], None, ctx.srv.config.proto_max_bulk_len) {
        Ok(o) => o,
        Err(e) => return ctx.error(e),
    };
    let on = match parse_i64(&argv[3]) {
        Some(v @ (0 | 1)) => v as u8,
        _ => return ctx.error(BIT_VALUE),
    };
    let Ok((s, grown)) = bit_string(ctx, offset) else {
        return;
    };
    let byte = (offset >> 3) as usize;
    let mask = 0x80u8 >> (offset & 7);
    let old = u8::from(s[byte] & mask != 0);
    let changed = grown || old != on;
    if old != on {
        edit(s, |b| b[byte] ^= mask);
    }
    ctx.out.int(i64::from(old));
    if changed {
        ctx.modified(&argv[1]);
    }
}

/// ```text
/// GETBIT key offset
/// ```
fn getbit(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let offset = match bit_offset(&argv[2], None, ctx.srv.config.proto_max_bulk_len) {
        Ok(o) => o,
        Err(e) => return ctx.error(e),
    };
    let bit = match read(ctx, &argv[1]) {
        Found::WrongType => return ctx.error(error::WRONGTYPE),
        Found::Missing => 0,
        Found::Str(s) => match s.get((offset >> 3) as usize) {
            Some(b) => i64::from(b & (0x80 >> (offset & 7)) != 0),
            None => 0,
        },
    };
    ctx.out.int(bit);
}

/// A range of BITCOUNT or BITPOS resolved against a string of `len` bytes: whole bytes
/// `start..=end`, with the bits of the first and last byte that lie outside the range
/// (BIT ranges) in `first_out` and `last_out`. `None` when it selects nothing.
struct Span {
    start: usize,
    end: usize,
    first_out: u8,
    last_out: u8,
}

/// Resolves `start..=end` (negative from the end, clamped), in bytes or with `bit` in
/// bits, as Redis's BITCOUNT and BITPOS do.
fn span(len: usize, start: i64, end: i64, bit: bool) -> Option<Span> {
    let total = if bit { (len as i64) << 3 } else { len as i64 };
    let start = if start < 0 { total + start } else { start }.max(0);
    let end = if end < 0 { total + end } else { end }
        .max(0)
        .min(total - 1);
    if start > end {
        return None;
    }
    if !bit {
        return Some(Span {
            start: start as usize,
            end: end as usize,
            first_out: 0,
            last_out: 0,
        });
    }
    Some(Span {
        start: (start >> 3) as usize,
        end: (end >> 3) as usize,
        first_out: !(0xFFu8 >> (start & 7)),
        last_out: (0xFFu16 >> (1 + (end & 7))) as u8,
    })
}

/// Parses an optional `BYTE | BIT` unit.
fn unit(arg: Option<&Bytes>) -> Result<bool, ()> {
    match arg {
        None => Ok(false),
        Some(a) if a.eq_ignore_ascii_case(b"bit") => Ok(true),
        Some(a) if a.eq_ignore_ascii_case(b"byte") => Ok(false),
        Some(_) => Err(()),
    }
}

/// ```text
/// BITCOUNT key [start end [BYTE | BIT]]
/// ```
/// A missing key counts 0 before the range is even parsed, as in Redis 7.0.
fn bitcount(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let s = match read(ctx, &argv[1]) {
        Found::Missing => return ctx.out.int(0),
        Found::WrongType => return ctx.error(error::WRONGTYPE),
        Found::Str(s) => s,
    };
    let span = match argv.len() {
        2 => span(s.len(), 0, -1, false),
        4 | 5 => {
            let (Some(start), Some(end)) = (parse_i64(&argv[2]), parse_i64(&argv[3])) else {
                return ctx.out.error(error::NOT_INTEGER);
            };
            if start < 0 && end < 0 && start > end {
                return ctx.out.int(0);
            }
            let Ok(bit) = unit(argv.get(4)) else {
                return ctx.out.error(error::SYNTAX);
            };
            span(s.len(), start, end, bit)
        }
        _ => return ctx.out.error(error::SYNTAX),
    };
    let n = span.map_or(0, |sp| {
        let ones: u64 = s[sp.start..=sp.end]
            .iter()
            .map(|b| u64::from(b.count_ones()))
            .sum();
        ones - u64::from((s[sp.start] & sp.first_out).count_ones())
            - u64::from((s[sp.end] & sp.last_out).count_ones())
    });
    ctx.out.int(n as i64);
}

/// ```text
/// BITPOS key bit [start [end [BYTE | BIT]]]
/// ```
/// The first bit set to `bit` in the range, or -1. Looking for 0 without an end, the string
/// counts as padded with zeros on the right, so the bit past its end is the answer.
fn bitpos(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let want = match parse_i64(&argv[2]) {
        None => return ctx.error(error::NOT_INTEGER),
        Some(b @ (0 | 1)) => b == 1,
        Some(_) => return ctx.error(BIT_ARG),
    };
    let s = match read(ctx, &argv[1]) {
        Found::Missing => return ctx.out.int(if want { -1 } else { 0 }),
        Found::WrongType => return ctx.error(error::WRONGTYPE),
        Found::Str(s) => s,
    };
    let (span, end_given) = match argv.len() {
        3 => (span(s.len(), 0, -1, false), false),
        4..=6 => {
            let Some(start) = parse_i64(&argv[3]) else {
                return ctx.out.error(error::NOT_INTEGER);
            };
            let Ok(bit) = unit(argv.get(5)) else {
                return ctx.out.error(error::SYNTAX);
            };
            let end = match argv.get(4) {
                None => -1,
                Some(a) => match parse_i64(a) {
                    Some(e) => e,
                    None => return ctx.out.error(error::NOT_INTEGER),
                },
            };
            (span(s.len(), start, end, bit), argv.len() >= 5)
        }
        _ => return ctx.out.error(error::SYNTAX),
    };
    let Some(sp) = span else {
        return ctx.out.int(-1);
    };
    // Bits outside the range read as the opposite of what is looked for.
    let byte = |i: usize| {
        let mut b = s[i];
        let out = if i == sp.start { sp.first_out } else { 0 }
            | if i == sp.end { sp.last_out } else { 0 };
        if want {
            b &= !out;
        } else {
            b |= out;
        }
        b
    };
    for i in sp.start..=sp.end {
        let b = byte(i);
        let b = if want { b } else { !b };
        if b != 0 {
            let pos = (i as i64) * 8 + i64::from(b.leading_zeros());
            return ctx.out.int(pos);
        }
    }
    // Not found: looking for 1 there is none; for 0, past the end unless an end was given.
    if want || end_given {
        ctx.out.int(-1);
    } else {
        ctx.out.int((sp.end as i64 + 1) * 8);
    }
}
