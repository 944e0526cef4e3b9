//! BITFIELD and BITFIELD_RO: signed (1..=64 bits) and unsigned (1..=63 bits) integers at any
//! bit offset of a string, with Redis's WRAP, SAT and FAIL overflow rules.

use super::{Found, bit_offset, bit_string, edit};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::parse_i64;

const BAD_TYPE: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const BAD_OVERFLOW: &str = "ERR Invalid OVERFLOW type specified";
const RO_GET_ONLY: &str = "ERR BITFIELD_RO only supports the GET subcommand";

#[derive(Clone, Copy, PartialEq, Debug)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Get,
    Set(i64),
    Incr(i64),
}

/// One parsed operation.
#[derive(Clone, Copy, Debug)]
struct Op {
    kind: Kind,
    signed: bool,
    bits: u32,
    offset: u64,
    overflow: Overflow,
}

/// ```text
/// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
///   <SET encoding offset value | INCRBY encoding offset increment> ...]
/// ```
pub(super) fn bitfield(ctx: &mut Ctx) {
    bitfield_generic(ctx, false);
}

/// ```text
/// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
/// ```
pub(super) fn bitfield_ro(ctx: &mut Ctx) {
    bitfield_generic(ctx, true);
}

/// Parses `i<n>` or `u<n>` (Redis's `getBitfieldTypeFromArgument`).
fn field_type(arg: &[u8]) -> Option<(bool, u32)> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return None,
    };
    let bits = parse_i64(&arg[1..])?;
    let max = if signed { 64 } else { 63 };
    (1..=max).contains(&bits).then_some((signed, bits as u32))
}

/// Parses every operation before anything runs, as Redis does: the first bad one is the
/// command's error.
fn parse(ctx: &mut Ctx) -> Result<Vec<Op>, &'static str> {
    let argv = ctx.argv;
    let limit = ctx.srv.config.proto_max_bulk_len;
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < argv.len() {
        let rest = argv.len() - j - 1;
        let sub = &argv[j];
        let is = |n: &[u8]| sub.eq_ignore_ascii_case(n);
        let get = is(b"get") && rest >= 2;
        let set = is(b"set") && rest >= 3;
        let incr = is(b"incrby") && rest >= 3;
        if is(b"overflow") && rest >= 1 {
            let t = &argv[j + 1];
            overflow = if t.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if t.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if t.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                return Err(BAD_OVERFLOW);
            };
            j += 2;
            continue;
        }
        if !(get || set || incr) {
            return Err(error::SYNTAX);
        }
        let (signed, bits) = field_type(&argv[j + 1]).ok_or(BAD_TYPE)?;
        let offset = bit_offset(&argv[j + 2], Some(bits), limit)?;
        let kind = if get {
            Kind::Get
        } else {
            let v = parse_i64(&argv[j + 3]).ok_or(error::NOT_INTEGER)?;
            if set { Kind::Set(v) } else { Kind::Incr(v) }
        };
        ops.push(Op {
            kind,
            signed,
            bits,
            offset,
            overflow,
        });
        j += if get { 3 } else { 4 };
    }
    Ok(ops)
}

fn bitfield_generic(ctx: &mut Ctx, ro: bool) {
    let ops = match parse(ctx) {
        Ok(ops) => ops,
        Err(e) => return ctx.error(e),
    };
    let key = ctx.argv[1].clone();
    let writes = ops.iter().filter(|o| o.kind != Kind::Get);
    let Some(maxbit) = writes.map(|o| o.offset + u64::from(o.bits) - 1).max() else {
        // Only GETs: a read lookup, and a missing key reads as zeros.
        let s = match super::read(ctx, &key) {
            Found::WrongType => return ctx.error(error::WRONGTYPE),
            Found::Missing => bytes::Bytes::new(),
            Found::Str(s) => bytes::Bytes::copy_from_slice(s),
        };
        ctx.out.array(ops.len());
        for op in &ops {
            ctx.out.int(get(&s, op));
        }
        return;
    };
    if ro {
        return ctx.error(RO_GET_ONLY);
    }
    let Ok((s, grown)) = bit_string(ctx, maxbit) else {
        return;
    };
    let mut changes = 0;
    let mut replies: Vec<Option<i64>> = Vec::with_capacity(ops.len());
    for op in &ops {
        let old = get(s, op);
        let (new, reply, over) = match op.kind {
            Kind::Get => {
                replies.push(Some(old));
                continue;
            }
            Kind::Set(v) => {
                let (over, fixed) = check(op, v, 0);
                (if over { fixed } else { v }, old, over)
            }
            Kind::Incr(by) => {
                let (over, fixed) = check(op, old, by);
                let new = if over { fixed } else { old.wrapping_add(by) };
                (new, new, over)
            }
        };
        if over && op.overflow == Overflow::Fail {
            replies.push(None);
            continue;
        }
        replies.push(Some(reply));
        edit(s, |b| set(b, op, new));
        if grown || old != new {
            changes += 1;
        }
    }
    ctx.out.array(replies.len());
    for r in replies {
        match r {
            Some(v) => ctx.out.int(v),
            None => ctx.out.null(),
        }
    }
    if changes > 0 {
        ctx.modified_n(&key, changes);
    }
}

/// Reads the field `op` names, zero past the end of `s`. Unsigned fields are at most 63
/// bits, so every value fits an `i64`.
fn get(s: &[u8], op: &Op) -> i64 {
    let mut v: u64 = 0;
    for i in 0..u64::from(op.bits) {
        let bit = op.offset + i;
        let byte = s.get((bit >> 3) as usize).copied().unwrap_or(0);
        v = (v << 1) | u64::from((byte >> (7 - (bit & 7))) & 1);
    }
    if op.signed && op.bits < 64 && v & (1 << (op.bits - 1)) != 0 {
        v |= u64::MAX << op.bits;
    }
    v as i64
}

/// Writes the low `op.bits` bits of `v` at the field's offset; `s` is long enough.
fn set(s: &mut [u8], op: &Op, v: i64) {
    let v = v as u64;
    for i in 0..u64::from(op.bits) {
        let bit = op.offset + i;
        let mask = 0x80u8 >> (bit & 7);
        let byte = &mut s[(bit >> 3) as usize];
        if v & (1 << (u64::from(op.bits) - 1 - i)) != 0 {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }
}

/// Whether `value + incr` leaves the field's range, and then the value WRAP or SAT makes
/// of it (Redis's `checkSignedBitfieldOverflow`/`checkUnsignedBitfieldOverflow`; a SET checks
/// its value with an increment of 0).
fn check(op: &Op, value: i64, incr: i64) -> (bool, i64) {
    let bits = op.bits;
    let wrapped = || {
        let c = (value as u64).wrapping_add(incr as u64);
        if op.signed {
            if bits == 64 {
                return c as i64;
            }
            let mask = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                (c | mask) as i64
            } else {
                (c & !mask) as i64
            }
        } else {
            (c & !(u64::MAX << bits)) as i64
        }
    };
    let fix = |sat: i64| match op.overflow {
        Overflow::Wrap => wrapped(),
        _ => sat,
    };
    if op.signed {
        let max: i64 = if bits == 64 {
            i64::MAX
        } else {
            (1 << (bits - 1)) - 1
        };
        let min = -max - 1;
        let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
        let minincr = min.wrapping_sub(value);
        if value > max
            || (bits != 64 && incr > maxincr)
            || (value >= 0 && incr > 0 && incr > maxincr)
        {
            return (true, fix(max));
        }
        if value < min
            || (bits != 64 && incr < minincr)
            || (value < 0 && incr < 0 && incr < minincr)
        {
            return (true, fix(min));
        }
    } else {
        let max: u64 = (1 << bits) - 1;
        let v = value as u64;
        let maxincr = max.wrapping_sub(v) as i64;
        let minincr = v.wrapping_neg() as i64;
        if v > max || (incr > 0 && incr > maxincr) {
            return (true, fix(max as i64));
        }
        if incr < 0 && incr < minincr {
            return (true, fix(0));
        }
    }
    (false, 0)
}

/// [`check`] by its parts, for the unit tests.
#[cfg(test)]
pub(super) mod tests_support {
    pub const WRAP: u8 = 0;
    pub const SAT: u8 = 1;

    pub fn check(signed: bool, bits: u32, overflow: u8, value: i64, incr: i64) -> (bool, i64) {
        let op = super::Op {
            kind: super::Kind::Get,
            signed,
            bits,
            offset: 0,
            overflow: if overflow == WRAP {
                super::Overflow::Wrap
            } else {
                super::Overflow::Sat
            },
        };
        super::check(&op, value, incr)
    }
}
