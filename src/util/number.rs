//! Number parsing and formatting with Redis-compatible semantics.
//!
//! * [`parse_i64`] — Redis `string2ll()`: the strict integer syntax used for
//!   every integer argument and for `INCR`/`DECR` on stored values.
//! * [`parse_f64`] — Redis `string2ld()` (`getLongDoubleFromObject`), used by
//!   `INCRBYFLOAT` / `HINCRBYFLOAT`.
//! * [`parse_score`] — Redis `string2d()` (`getDoubleFromObject`), used for
//!   sorted-set scores (`ZADD`, `ZINCRBY`) and other double arguments.
//! * [`format_i64`] — decimal formatting of an integer, appended to a buffer.
//! * [`format_incrbyfloat`] — Redis `ld2string(.., LD_STR_HUMAN)` as used for
//!   the `INCRBYFLOAT` reply and stored value.
//! * [`format_double`] — Redis 7.0 `addReplyDouble()` (`%.17g`), e.g. the
//!   `ZSCORE` reply.
//!
//! Float syntax accepted by the parsers is exactly what C `strtod()` accepts
//! (in the C locale) when it has to consume the whole input:
//! an optional `+`/`-`, then either `inf` / `infinity` (any case), a decimal
//! number (`1`, `1.`, `.5`, `1.5e-3`, `1E+5`) or a C99 hexadecimal float
//! (`0x10`, `0x1.8p3`, `0X.8P-1`). Leading or trailing whitespace, trailing
//! garbage, NaN (`nan`, `nan(...)`), embedded NUL bytes and the empty string
//! are rejected. Results that overflow to ±infinity, or that underflow to
//! zero although the text has a non-zero digit, are rejected (C reports
//! `ERANGE` and Redis refuses the value). Subnormal results are accepted.
//!
//! Deviations from Redis, all caused by Rust having no `long double`:
//!
//! * `parse_f64` yields an `f64` where Redis keeps an 80-bit `long double`:
//!   values beyond the `f64` range (e.g. `1e400`, `1e-400`) are rejected here
//!   while Redis accepts them, and `INCRBYFLOAT` arithmetic is done with 53
//!   instead of 64 mantissa bits.
//! * `format_incrbyfloat` therefore formats an `f64`; see its docs.
//! * Redis's `string2ld()` copies the input into a C string, so an embedded
//!   NUL silently truncates it (`"1\0x"` parses as 1). We reject such input,
//!   as `string2d()` does.
//!
//! Nothing in this module panics or uses `unsafe`.

/// Redis `LONG_STR_SIZE`: inputs of this length or longer are rejected by
/// `string2ll()`.
const LONG_STR_SIZE: usize = 21;

/// Redis `MAX_LONG_DOUBLE_CHARS`: inputs of this length or longer are
/// rejected by `string2ld()`.
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// Parses a signed 64-bit integer with Redis `string2ll()` semantics.
///
/// Accepts an optional leading `-` followed by decimal digits. Rejects the
/// empty string, a lone `-`, a leading `+`, whitespace anywhere, leading
/// zeros (only `"0"` itself may start with `0`; `"-0"` is rejected),
/// any non-digit, values outside `i64`, and inputs of 21 bytes or more.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= LONG_STR_SIZE {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v = u64::from(first - b'0');
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if negative {
        if v > i64::MIN.unsigned_abs() {
            return None;
        }
        // v <= 2^63, so 0 - v fits in i64 (wrapping handles v == 2^63).
        Some(0i64.wrapping_sub_unsigned(v))
    } else {
        i64::try_from(v).ok()
    }
}

/// Parses a float the way Redis `string2ld()` does for `INCRBYFLOAT` /
/// `HINCRBYFLOAT` arguments and stored values.
///
/// See the module docs for the accepted syntax. Compared with
/// [`parse_score`] the only difference is that inputs of 5120 bytes or more
/// are rejected (Redis's `MAX_LONG_DOUBLE_CHARS` buffer). Both accept
/// `inf`/`+inf`/`-inf`/`infinity` in any case; `INCRBYFLOAT` rejects an
/// infinite *result* at the command level, not here.
///
/// Deviation: Redis parses into a `long double`, so it also accepts values
/// outside the `f64` range (`1e400`, `1e-400`); those are rejected here.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.len() >= MAX_LONG_DOUBLE_CHARS {
        return None;
    }
    parse_c_float(s)
}

/// Parses a float the way Redis `string2d()` does for sorted-set scores and
/// other double arguments (`ZADD`, `ZINCRBY`, `GEOADD`-style doubles).
///
/// Accepts `inf`, `+inf`, `-inf`, `infinity` in any case, decimal and C99
/// hexadecimal floats; rejects NaN, whitespace, trailing garbage, embedded
/// NUL bytes, overflow to infinity and underflow to zero. Unlike
/// [`parse_f64`] there is no length limit. (Range syntax such as `(1.5` of
/// `ZRANGEBYSCORE` is not handled here.)
pub fn parse_score(s: &[u8]) -> Option<f64> {
    parse_c_float(s)
}

/// Whole-input `strtod()` with Redis's acceptance rules.
fn parse_c_float(s: &[u8]) -> Option<f64> {
    let (negative, body) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, s),
        None => return None,
    };
    let magnitude = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if body.len() >= 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
        parse_hex_magnitude(&body[2..])?
    } else {
        parse_dec_magnitude(body)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Decimal `digits [. digits] [e [+-] digits]` (at least one mantissa digit),
/// unsigned. Returns `None` on syntax errors, overflow and underflow to zero.
fn parse_dec_magnitude(body: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut mantissa_digits = 0usize;
    let mut nonzero = false;
    while i < body.len() && body[i].is_ascii_digit() {
        nonzero |= body[i] != b'0';
        mantissa_digits += 1;
        i += 1;
    }
    if i < body.len() && body[i] == b'.' {
        i += 1;
        while i < body.len() && body[i].is_ascii_digit() {
            nonzero |= body[i] != b'0';
            mantissa_digits += 1;
            i += 1;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < body.len() && (body[i] | 0x20) == b'e' {
        i += 1;
        if i < body.len() && (body[i] == b'+' || body[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < body.len() && body[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != body.len() {
        return None;
    }
    // The syntax is validated and pure ASCII; Rust's parser is correctly
    // rounded like glibc's strtod and accepts exactly this grammar.
    let text = std::str::from_utf8(body).ok()?;
    let v: f64 = text.parse().ok()?;
    if v.is_infinite() || (v == 0.0 && nonzero) {
        return None;
    }
    Some(v)
}

/// Hexadecimal float after the `0x` prefix:
/// `hexdigits [. hexdigits] [p [+-] decdigits]` with at least one hex digit,
/// correctly rounded (ties to even) to `f64`, unsigned.
fn parse_hex_magnitude(body: &[u8]) -> Option<f64> {
    // Value = mant * 2^exp2 (+ a non-zero amount below mant's LSB if sticky).
    let mut mant: u64 = 0;
    let mut exp2: i64 = 0;
    let mut sticky = false;
    let mut digits = 0usize;
    let mut i = 0;
    let mut in_fraction = false;
    while i < body.len() {
        let c = body[i];
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'.' if !in_fraction => {
                in_fraction = true;
                i += 1;
                continue;
            }
            _ => break,
        };
        digits += 1;
        if mant == 0 && d == 0 {
            if in_fraction {
                exp2 = exp2.saturating_sub(4);
            }
        } else if mant < (1u64 << 60) {
            mant = (mant << 4) | u64::from(d);
            if in_fraction {
                exp2 = exp2.saturating_sub(4);
            }
        } else {
            sticky |= d != 0;
            if !in_fraction {
                exp2 = exp2.saturating_add(4);
            }
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < body.len() && (body[i] | 0x20) == b'p' {
        i += 1;
        let mut exp_negative = false;
        if i < body.len() && (body[i] == b'+' || body[i] == b'-') {
            exp_negative = body[i] == b'-';
            i += 1;
        }
        let exp_start = i;
        let mut e: i64 = 0;
        while i < body.len() && body[i].is_ascii_digit() {
            // Saturate far beyond any meaningful binary exponent.
            e = (e * 10 + i64::from(body[i] - b'0')).min(1 << 40);
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exp2 = exp2.saturating_add(if exp_negative { -e } else { e });
    }
    if i != body.len() {
        return None;
    }
    if mant == 0 {
        return Some(0.0);
    }
    let v = round_to_f64(mant, exp2, sticky);
    if v.is_infinite() || v == 0.0 {
        return None;
    }
    Some(v)
}

/// Rounds `mant * 2^exp2` (plus a sub-LSB remainder if `sticky`) to the
/// nearest `f64`, ties to even. `mant` must be non-zero.
fn round_to_f64(mant: u64, exp2: i64, sticky: bool) -> f64 {
    let nbits = 64 - i64::from(mant.leading_zeros());
    // Exponent of the leading bit.
    let e = (nbits - 1).saturating_add(exp2);
    if e > 1023 {
        return f64::INFINITY;
    }
    // Number of significant bits the result can hold at this exponent.
    let keep = if e >= -1022 {
        53
    } else {
        e.saturating_add(1075)
    };
    if keep < 0 {
        return 0.0; // below half the smallest subnormal
    }
    let shift = nbits - keep; // <= 64 since keep >= 0
    let mut q: u64 = if shift <= 0 {
        mant << (-shift)
    } else {
        let m = u128::from(mant);
        let q = m >> shift;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = rem > half || (rem == half && (sticky || q & 1 == 1));
        // q < 2^53 here, so the cast is lossless.
        (q as u64) + u64::from(up)
    };
    if e >= -1022 {
        let mut e = e;
        if q == 1u64 << 53 {
            q >>= 1;
            e += 1;
            if e > 1023 {
                return f64::INFINITY;
            }
        }
        // e in [-1022, 1023] -> biased exponent in [1, 2046].
        let biased = (e + 1023) as u64;
        f64::from_bits((biased << 52) | (q & ((1u64 << 52) - 1)))
    } else {
        // Subnormal: q <= 2^52; q == 2^52 is exactly the smallest normal.
        f64::from_bits(q)
    }
}

/// Two-digit lookup table for fast integer formatting.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends the decimal representation of `v` to `buf` (e.g. `-42` →
/// `b"-42"`). Works for the whole `i64` range including `i64::MIN`.
pub fn format_i64(buf: &mut Vec<u8>, v: i64) {
    let (text, start) = i64_text(v);
    buf.extend_from_slice(&text[start..]);
}

/// The decimal representation of `v`, right-aligned in a fixed buffer, and where it
/// starts (`i64::MIN` has 19 digits and a sign: 20 bytes). For callers that keep the text
/// inline.
pub fn i64_text(v: i64) -> ([u8; 20], usize) {
    let mut tmp = [0u8; 20];
    let mut pos = tmp.len();
    let mut n = v.unsigned_abs();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        pos -= 2;
        tmp[pos..pos + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        pos -= 2;
        tmp[pos..pos + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        pos -= 1;
        tmp[pos] = b'0' + n as u8;
    }
    if v < 0 {
        pos -= 1;
        tmp[pos] = b'-';
    }
    (tmp, pos)
}

/// Formats an `INCRBYFLOAT` / `HINCRBYFLOAT` result like Redis
/// `ld2string(.., LD_STR_HUMAN)`: plain decimal notation (never an
/// exponent), no trailing fractional zeros, no trailing `.`, and `-0`
/// printed as `0`. Examples: 10.6 → `10.6`, 5200.0 → `5200`,
/// 1e20 → `100000000000000000000`, 1e-5 → `0.00001`.
///
/// Redis prints a `long double` with `%.17Lf`; the extra precision of
/// `long double` makes that print "human" values such as `10.6`. With only
/// `f64` available we print the shortest decimal that round-trips, and, like
/// `%.17Lf`, round to at most 17 fractional digits (so `1e-20` → `0`,
/// `1.23456789e-10` → `0.00000000012345679`, as in Redis).
///
/// Deviation: because Redis computes and prints in `long double`, results
/// can differ in the last digits for some inputs, e.g. Redis answers `0.3`
/// for `INCRBYFLOAT` of `0.1` by `0.2`, where the `f64` sum prints as
/// `0.30000000000000004`; large values print the `f64` digits
/// (`1e20` → exact), while Redis shows more `long double` digits.
///
/// Infinities print as `inf` / `-inf` (as `ld2string` does); NaN prints
/// as `nan` (Redis never formats NaN here: `INCRBYFLOAT` rejects it first).
pub fn format_incrbyfloat(v: f64) -> Vec<u8> {
    if v.is_nan() {
        return b"nan".to_vec();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            b"inf".to_vec()
        } else {
            b"-inf".to_vec()
        };
    }
    // Display for f64 is the shortest round-trip form and never uses an
    // exponent.
    let mut out = v.to_string().into_bytes();
    let frac_digits = out
        .iter()
        .position(|&c| c == b'.')
        .map_or(0, |dot| out.len() - dot - 1);
    if frac_digits > 17 {
        // Same as %.17f (Rust rounds exactly, ties to even, like glibc).
        out = format!("{v:.17}").into_bytes();
        while out.last() == Some(&b'0') {
            out.pop();
        }
        if out.last() == Some(&b'.') {
            out.pop();
        }
    }
    if out == b"-0" {
        out = b"0".to_vec();
    }
    out
}

/// Formats a double like Redis 7.0 `addReplyDouble()` (used by `ZSCORE`,
/// `ZINCRBY`, `WITHSCORES` replies, both the RESP2 bulk string and the
/// RESP3 `,` payload): C `printf("%.17g")`, with `inf` / `-inf` for the
/// infinities. Examples: 1.1 → `1.1000000000000001`, 2.5 → `2.5`,
/// 1e20 → `1e+20`, 0.1 → `0.10000000000000001`, 100 → `100`,
/// 1e-5 → `1.0000000000000001e-05`, -0.0 → `-0`.
///
/// NaN prints as glibc does (`nan`, or `-nan` with the sign bit set).
///
/// Note: Redis 7.2+ switched to the shortest round-trip representation
/// (`1.1` instead of `1.1000000000000001`); this function implements the
/// 7.0 behaviour.
pub fn format_double(v: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    if v.is_sign_negative() {
        out.push(b'-');
    }
    if v.is_nan() {
        out.extend_from_slice(b"nan");
        return out;
    }
    if v.is_infinite() {
        out.extend_from_slice(b"inf");
        return out;
    }
    if v == 0.0 {
        out.push(b'0');
        return out;
    }
    // 17 significant digits, correctly rounded (ties to even, as glibc):
    // "d.dddddddddddddddde<exp>".
    let sci = format!("{:.16e}", v.abs());
    let bytes = sci.as_bytes();
    let Some(e_pos) = bytes.iter().position(|&c| c == b'e') else {
        return out; // unreachable for finite values
    };
    let exp: i32 = match std::str::from_utf8(&bytes[e_pos + 1..])
        .ok()
        .and_then(|t| t.parse().ok())
    {
        Some(x) => x,
        None => return out, // unreachable for finite values
    };
    let mut digits: Vec<u8> = bytes[..e_pos]
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    // %g drops trailing zeros (no '#' flag); keep at least one digit.
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    const P: i32 = 17;
    if (-4..P).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.extend_from_slice(&digits);
                out.resize(out.len() + int_len - digits.len(), b'0');
            } else {
                out.extend_from_slice(&digits[..int_len]);
                out.push(b'.');
                out.extend_from_slice(&digits[int_len..]);
            }
        } else {
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-exp - 1) as usize, b'0');
            out.extend_from_slice(&digits);
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push(b'0');
        }
        format_i64(&mut out, i64::from(abs));
    }
    out
}

/// Parses a SCAN cursor as Redis does with `strtoul`: decimal with an optional sign (a
/// negative value wraps), no leading space, nothing after the digits, no overflow. The C
/// string ends at the first NUL, and an empty one is cursor 0.
pub fn parse_cursor(arg: &[u8]) -> Option<u64> {
    let s = arg.split(|&b| b == 0).next().unwrap_or_default();
    let Some(&first) = s.first() else {
        return Some(0);
    };
    let (negative, digits) = match first {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { n.wrapping_neg() } else { n })
}

#[cfg(test)]
#[path = "number_tests.rs"]
mod tests;
