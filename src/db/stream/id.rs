//! Stream entry IDs: `<ms>-<seq>`, two unsigned 64-bit halves ordered as one 128-bit number,
//! and their parsing with Redis 7.0's exact rules (`streamGenericParseIDOrReply`).

use crate::util::number::parse_i64;

/// An entry ID. The derived order (ms, then seq) is the stream's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

/// The longest ID argument Redis looks at: it copies IDs into a 128-byte buffer.
const MAX_ID_LEN: usize = 127;

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    pub fn is_zero(&self) -> bool {
        *self == StreamId::MIN
    }

    /// The next ID, or None past the last possible one (`streamIncrID`).
    pub fn incr(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (u64::MAX, u64::MAX) => None,
            (ms, u64::MAX) => Some(StreamId::new(ms + 1, 0)),
            (ms, seq) => Some(StreamId::new(ms, seq + 1)),
        }
    }

    /// The previous ID, or None before 0-0 (`streamDecrID`).
    pub fn decr(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (0, 0) => None,
            (ms, 0) => Some(StreamId::new(ms - 1, u64::MAX)),
            (ms, seq) => Some(StreamId::new(ms, seq - 1)),
        }
    }

    /// The ID as Redis prints it, without allocating.
    pub fn fmt(&self) -> IdText {
        let mut t = IdText {
            buf: [0; 41],
            len: 0,
        };
        t.push_u64(self.ms);
        t.buf[t.len] = b'-';
        t.len += 1;
        t.push_u64(self.seq);
        t
    }
}

/// The text of an ID: at most 20 digits, a dash and 20 digits.
pub struct IdText {
    buf: [u8; 41],
    len: usize,
}

impl IdText {
    fn push_u64(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            digits[n] = b'0' + (v % 10) as u8;
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for i in (0..n).rev() {
            self.buf[self.len] = digits[i];
            self.len += 1;
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// Parses an ID argument. `-` and `+` are the smallest and largest IDs unless `strict`; a
/// missing sequence part becomes `missing_seq`. None for anything Redis rejects.
pub fn parse(arg: &[u8], missing_seq: u64, strict: bool) -> Option<StreamId> {
    parse_generic(arg, missing_seq, strict, false).map(|(id, _)| id)
}

/// Parses XADD's explicit ID, which may also be `<ms>-*`: returns the ID and whether the
/// sequence was given (false for `<ms>-*`, whose sequence XADD picks).
pub fn parse_for_add(arg: &[u8]) -> Option<(StreamId, bool)> {
    parse_generic(arg, 0, true, true)
}

/// Parses one end of a range: `(` before an ID makes it exclusive (then `-`/`+` are refused).
/// Returns the ID and whether it is exclusive.
pub fn parse_interval(arg: &[u8], missing_seq: u64) -> Option<(StreamId, bool)> {
    if arg.len() > 1 && arg[0] == b'(' {
        parse(&arg[1..], missing_seq, true).map(|id| (id, true))
    } else {
        parse(arg, missing_seq, false).map(|id| (id, false))
    }
}

/// Redis's parser, quirks included: the argument is read as a C string (it ends at the first
/// NUL byte), each half goes through `string2ull` (so ` 5` and `+5` are accepted), and the
/// first `-` splits the halves.
fn parse_generic(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    seq_star: bool,
) -> Option<(StreamId, bool)> {
    if arg.len() > MAX_ID_LEN {
        return None;
    }
    let s = arg
        .iter()
        .position(|&b| b == 0)
        .map_or(arg, |end| &arg[..end]);
    match s {
        b"-" | b"+" if strict => None,
        b"-" => Some((StreamId::MIN, true)),
        b"+" => Some((StreamId::MAX, true)),
        _ => {
            let (ms, seq) = match s.iter().position(|&b| b == b'-') {
                Some(dash) => (&s[..dash], Some(&s[dash + 1..])),
                None => (s, None),
            };
            let ms = string2ull(ms)?;
            match seq {
                Some(b"*") if seq_star => Some((StreamId::new(ms, 0), false)),
                Some(seq) => Some((StreamId::new(ms, string2ull(seq)?), true)),
                None => Some((StreamId::new(ms, missing_seq), true)),
            }
        }
    }
}

/// Redis's `string2ull`: `string2ll` when that works (negatives refused), else C's
/// `strtoull` in base 10, which skips leading white space, takes a sign (negating modulo
/// 2^64) and must consume the whole string without overflowing.
pub fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut i = s
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let negative = s[i] == b'-';
    if matches!(s[i], b'-' | b'+') {
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { v.wrapping_neg() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId::new(ms, seq)
    }

    #[test]
    fn ids_parse_like_redis() {
        assert_eq!(parse(b"5", 0, true), Some(id(5, 0)));
        assert_eq!(parse(b"5", u64::MAX, true), Some(id(5, u64::MAX)));
        assert_eq!(parse(b"5-3", 0, true), Some(id(5, 3)));
        assert_eq!(parse(b"-", 0, false), Some(StreamId::MIN));
        assert_eq!(parse(b"+", 0, false), Some(StreamId::MAX));
        assert_eq!(parse(b"-", 0, true), None);
        assert_eq!(parse(b"+", 0, true), None);
        assert_eq!(
            parse(b"18446744073709551615-18446744073709551615", 0, true),
            Some(StreamId::MAX)
        );
        assert_eq!(parse(b"18446744073709551616-1", 0, true), None);
        // strtoull's leniency, as Redis has it.
        assert_eq!(parse(b" 5-1", 0, true), Some(id(5, 1)));
        assert_eq!(parse(b"+6-1", 0, true), Some(id(6, 1)));
        assert_eq!(parse(b"7--0", 0, true), Some(id(7, 0)));
        assert_eq!(parse(b"8-+0", 0, true), Some(id(8, 0)));
        // ...and its limits.
        for bad in [
            &b""[..],
            b"9-",
            b"-9",
            b"x",
            b"1-x",
            b"1-2-3",
            b"5--3",
            b"1.5",
            b"1 ",
        ] {
            assert_eq!(
                parse(bad, 0, true),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // A C string ends at NUL.
        assert_eq!(parse(b"5\0junk", 0, true), Some(id(5, 0)));
        // Longer than Redis's buffer.
        let mut long = vec![b'0'; 127];
        long[126] = b'1';
        assert_eq!(parse(&long, 0, true), Some(id(1, 0)));
        long.push(b'1');
        assert_eq!(parse(&long, 0, true), None);
    }

    #[test]
    fn add_ids_may_leave_the_sequence_to_xadd() {
        assert_eq!(parse_for_add(b"5-*"), Some((id(5, 0), false)));
        assert_eq!(parse_for_add(b"5-7"), Some((id(5, 7), true)));
        assert_eq!(parse_for_add(b"5"), Some((id(5, 0), true)));
        assert_eq!(parse_for_add(b"*"), None);
        assert_eq!(parse_for_add(b"5-*-"), None);
        assert_eq!(parse(b"5-*", 0, true), None);
    }

    #[test]
    fn intervals_may_be_exclusive() {
        assert_eq!(parse_interval(b"(5", 0), Some((id(5, 0), true)));
        assert_eq!(
            parse_interval(b"(5", u64::MAX),
            Some((id(5, u64::MAX), true))
        );
        assert_eq!(parse_interval(b"-", 0), Some((StreamId::MIN, false)));
        assert_eq!(parse_interval(b"(-", 0), None);
        assert_eq!(parse_interval(b"(+", 0), None);
        assert_eq!(parse_interval(b"(", 0), None);
    }

    #[test]
    fn ids_step_and_print() {
        assert_eq!(id(1, u64::MAX).incr(), Some(id(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(id(2, 0).decr(), Some(id(1, u64::MAX)));
        assert_eq!(StreamId::MIN.decr(), None);
        assert_eq!(
            StreamId::MAX.fmt().as_bytes(),
            b"18446744073709551615-18446744073709551615"
        );
        assert_eq!(id(0, 0).fmt().as_bytes(), b"0-0");
        assert_eq!(id(1526919030474, 55).to_string(), "1526919030474-55");
    }
}
