//! Unit tests for the bitmap helpers: ranges, offsets and BITFIELD's overflow arithmetic.

use super::field_tests_support as f;
use super::{bit_offset, span};

#[test]
fn span_matches_redis_ranges() {
    let s = span(4, 0, -1, false).expect("whole string");
    assert_eq!((s.start, s.end, s.first_out, s.last_out), (0, 3, 0, 0));
    assert!(span(4, 3, 1, false).is_none());
    assert!(span(0, 0, -1, false).is_none());
    // Bits 5..=10: bytes 0 and 1, bits 0-4 of byte 0 and 3-7 of byte 1 outside.
    let s = span(4, 5, 10, true).expect("bit range");
    assert_eq!(
        (s.start, s.end, s.first_out, s.last_out),
        (0, 1, 0xF8, 0x1F)
    );
    let s = span(2, -100, 100, true).expect("clamped");
    assert_eq!((s.start, s.end, s.first_out, s.last_out), (0, 1, 0, 0));
}

#[test]
fn bit_offsets_are_checked_against_the_bulk_limit() {
    let limit = 512 * 1024 * 1024;
    assert_eq!(bit_offset(b"7", None, limit), Ok(7));
    assert_eq!(bit_offset(b"#3", Some(8), limit), Ok(24));
    assert!(bit_offset(b"#3", None, limit).is_err());
    assert!(bit_offset(b"-1", None, limit).is_err());
    assert_eq!(bit_offset(b"4294967295", None, limit), Ok(4294967295));
    assert!(bit_offset(b"4294967296", None, limit).is_err());
    // 2^61 * 4 wraps to -2^63, as in Redis's unchecked multiplication: refused.
    assert!(bit_offset(b"#2305843009213693952", Some(4), limit).is_err());
}

#[test]
fn bitfield_overflow_follows_redis() {
    // i8: 127 + 1 wraps to -128, saturates at 127.
    assert_eq!(f::check(true, 8, f::WRAP, 127, 1), (true, -128));
    assert_eq!(f::check(true, 8, f::SAT, 127, 1), (true, 127));
    assert_eq!(f::check(true, 8, f::SAT, -128, -1), (true, -128));
    assert_eq!(f::check(true, 8, f::WRAP, 100, 10), (false, 0));
    // u8: 255 + 1 wraps to 0; SET -1 saturates to 255 (as unsigned it is huge).
    assert_eq!(f::check(false, 8, f::WRAP, 255, 1), (true, 0));
    assert_eq!(f::check(false, 8, f::SAT, -1, 0), (true, 255));
    assert_eq!(f::check(false, 8, f::SAT, 3, -4), (true, 0));
    // i64 wraps like a two's complement machine.
    assert_eq!(f::check(true, 64, f::WRAP, i64::MAX, 1), (true, i64::MIN));
}
