//! Tests of `number.rs`, kept apart so the module itself stays readable.

use super::*;

fn fmt_i64(v: i64) -> String {
    let mut b = Vec::new();
    format_i64(&mut b, v);
    String::from_utf8(b).unwrap()
}
fn incr(v: f64) -> String {
    String::from_utf8(format_incrbyfloat(v)).unwrap()
}
fn dbl(v: f64) -> String {
    String::from_utf8(format_double(v)).unwrap()
}

// ---------------------------------------------------------------- i64

#[test]
fn parse_i64_valid() {
    assert_eq!(parse_i64(b"0"), Some(0));
    assert_eq!(parse_i64(b"1"), Some(1));
    assert_eq!(parse_i64(b"-1"), Some(-1));
    assert_eq!(parse_i64(b"1234567890"), Some(1_234_567_890));
    assert_eq!(parse_i64(b"-1234567890"), Some(-1_234_567_890));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    assert_eq!(parse_i64(b"-9223372036854775807"), Some(i64::MIN + 1));
    assert_eq!(parse_i64(b"10"), Some(10));
}

#[test]
fn parse_i64_invalid() {
    for s in [
        &b""[..],
        b"-",
        b"+1",
        b"+0",
        b"-0",
        b"00",
        b"007",
        b"-007",
        b" 1",
        b"1 ",
        b"1\n",
        b"0x10",
        b"1.0",
        b"1e3",
        b"abc",
        b"12a",
        b"--1",
        b"1-",
        b"1\0",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"18446744073709551615",
        b"18446744073709551616",
        b"99999999999999999999",
        b"-99999999999999999999",
        b"123456789012345678901",
        b"000000000000000000001",
        b"\xff",
    ] {
        assert_eq!(parse_i64(s), None, "{:?}", String::from_utf8_lossy(s));
    }
}

#[test]
fn parse_i64_roundtrip_with_format() {
    let mut x: u64 = 0xDEAD_BEEF_1234_5678;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = x as i64 >> (x % 63);
        let mut b = Vec::new();
        format_i64(&mut b, v);
        assert_eq!(parse_i64(&b), Some(v));
        assert_eq!(String::from_utf8(b).unwrap(), v.to_string());
    }
}

// --------------------------------------------------------------- f64

#[test]
fn parse_f64_valid() {
    let cases: &[(&[u8], f64)] = &[
        (b"0", 0.0),
        (b"1", 1.0),
        (b"-1", -1.0),
        (b"+1", 1.0),
        (b"1.5", 1.5),
        (b"10.50", 10.5),
        (b".5", 0.5),
        (b"-.5", -0.5),
        (b"5.", 5.0),
        (b"+5.", 5.0),
        (b"1e5", 1e5),
        (b"1E5", 1e5),
        (b"1e+5", 1e5),
        (b"1e-5", 1e-5),
        (b"1.5e3", 1500.0),
        (b".5e1", 5.0),
        (b"5.e1", 50.0),
        (b"007", 7.0),
        (b"00.100", 0.1),
        (b"5.0e3", 5000.0),
        (b"1.7976931348623157e308", f64::MAX),
        (b"4.9406564584124654e-324", 5e-324),
        (b"2.2250738585072014e-308", f64::MIN_POSITIVE),
        (b"1e-310", 1e-310), // subnormal: accepted
        (b"0e-400", 0.0),    // exact zero is not an underflow
        (b"0.000e999999", 0.0),
        (b"0x10", 16.0),
        (b"0X10", 16.0),
        (b"-0x10", -16.0),
        (b"0x1p3", 8.0),
        (b"0x1.8p1", 3.0),
        (b"0x.8", 0.5),
        (b"0x1.", 1.0),
        (b"0xAbC", 2748.0),
        (b"0x1P-2", 0.25),
        (b"0x1p+2", 4.0),
        (b"0x0", 0.0),
        (b"0x0p99999999999999999999", 0.0),
        (b"0x1.fffffffffffffp1023", f64::MAX),
        (b"0x1p-1074", 5e-324),
        (b"0x1p-1022", f64::MIN_POSITIVE),
    ];
    for &(s, want) in cases {
        let got = parse_f64(s);
        assert_eq!(got, Some(want), "{:?}", String::from_utf8_lossy(s));
        assert_eq!(parse_score(s), Some(want));
    }
}

#[test]
fn parse_f64_infinities() {
    for s in [
        &b"inf"[..],
        b"+inf",
        b"INF",
        b"Inf",
        b"+InF",
        b"infinity",
        b"INFINITY",
        b"+Infinity",
    ] {
        assert_eq!(parse_f64(s), Some(f64::INFINITY));
        assert_eq!(parse_score(s), Some(f64::INFINITY));
    }
    for s in [&b"-inf"[..], b"-INF", b"-infinity", b"-InFiNiTy"] {
        assert_eq!(parse_f64(s), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(s), Some(f64::NEG_INFINITY));
    }
}

#[test]
fn parse_f64_negative_zero() {
    let v = parse_f64(b"-0").unwrap();
    assert!(v == 0.0 && v.is_sign_negative());
    let v = parse_score(b"-0.0").unwrap();
    assert!(v == 0.0 && v.is_sign_negative());
}

#[test]
fn parse_f64_invalid() {
    for s in [
        &b""[..],
        b" ",
        b" 1",
        b"1 ",
        b"\t1",
        b"1\n",
        b"1\r\n",
        b"+",
        b"-",
        b".",
        b"-.",
        b"e5",
        b".e5",
        b"1e",
        b"1e+",
        b"1e-",
        b"1.5x",
        b"1..5",
        b"1.5.",
        b"++1",
        b"+-1",
        b"--1",
        b"1_000",
        b"1,5",
        b"nan",
        b"NaN",
        b"-nan",
        b"nan(123)",
        b"in",
        b"infx",
        b"infin",
        b"infinityy",
        b"inf ",
        b"0x",
        b"0x.",
        b"0xg",
        b"0x1p",
        b"0x1p+",
        b"0x1.8.",
        b"x10",
        b"1e400",
        b"-1e400",
        b"1e-400",
        b"-1e-400",
        b"2e-324",
        b"1.8e308",
        b"0x1p1024",
        b"0x1p-1076",
        b"1\0",
        b"1\x002",
        b"\xff",
        b"1.0\xff",
    ] {
        assert_eq!(parse_f64(s), None, "{:?}", String::from_utf8_lossy(s));
        assert_eq!(parse_score(s), None, "{:?}", String::from_utf8_lossy(s));
    }
}

#[test]
fn parse_length_limits() {
    // string2ld rejects inputs of MAX_LONG_DOUBLE_CHARS (5120) or more.
    let mut v = b"1.".to_vec();
    v.resize(5119, b'0');
    assert_eq!(parse_f64(&v), Some(1.0));
    v.push(b'0');
    assert_eq!(parse_f64(&v), None);
    // string2d has no limit.
    assert_eq!(parse_score(&v), Some(1.0));
    let mut huge = b"1.".to_vec();
    huge.resize(100_000, b'0');
    assert_eq!(parse_score(&huge), Some(1.0));
}

#[test]
fn parse_hex_rounding() {
    // 2^53 + 1 rounds to even (2^53), 2^53 + 3 rounds up to 2^53 + 4.
    assert_eq!(parse_f64(b"0x20000000000001"), Some(9007199254740992.0));
    assert_eq!(parse_f64(b"0x20000000000003"), Some(9007199254740996.0));
    // Tie broken by a far sticky digit.
    assert_eq!(
        parse_f64(b"0x200000000000010000000001"),
        Some(9007199254740994.0 * 2f64.powi(40))
    );
    // Many leading zeros in the fraction.
    assert_eq!(parse_f64(b"0x0.0000000000000000000001p88"), Some(1.0));
    // Rounding up to the next binade and overflow by rounding.
    assert_eq!(parse_f64(b"0x1.fffffffffffff8p0"), Some(2.0));
    assert_eq!(parse_f64(b"0x1.fffffffffffff8p1023"), None);
    // Subnormal rounding; half the smallest subnormal ties to zero.
    assert_eq!(parse_f64(b"0x1p-1075"), None);
    assert_eq!(parse_f64(b"0x1.1p-1075"), Some(5e-324));
    assert_eq!(parse_f64(b"0x1.8p-1074"), Some(1e-323));
    // Largest subnormal rounding up to the smallest normal.
    assert_eq!(
        parse_f64(b"0x1.fffffffffffffp-1023"),
        Some(f64::MIN_POSITIVE)
    );
    // Cross-check against decimal parsing for exact values.
    assert_eq!(parse_f64(b"0x1.999999999999ap-4"), Some(0.1));
}

#[test]
fn parse_decimal_matches_std_roundtrip() {
    let mut x: u64 = 42;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(x);
        if !v.is_finite() {
            continue;
        }
        for text in [format!("{v:e}"), format!("{v}"), format!("{v:.3e}")] {
            let want: f64 = text.parse().unwrap();
            assert_eq!(parse_score(text.as_bytes()), Some(want), "{text}");
        }
    }
}

#[test]
fn parsers_never_panic_on_garbage() {
    let alpha = b"0123456789.eEpPxX+-infatyINFATY \0\xff";
    let mut x: u64 = 7;
    for _ in 0..50_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 14) as usize;
        let s: Vec<u8> = (0..len)
            .map(|k| alpha[((x >> (k * 4)) as usize + k) % alpha.len()])
            .collect();
        let _ = parse_i64(&s);
        if let Some(v) = parse_f64(&s) {
            assert!(!v.is_nan());
        }
        let _ = parse_score(&s);
    }
}

// ------------------------------------------------------------ format

#[test]
fn format_i64_cases() {
    assert_eq!(fmt_i64(0), "0");
    assert_eq!(fmt_i64(7), "7");
    assert_eq!(fmt_i64(10), "10");
    assert_eq!(fmt_i64(99), "99");
    assert_eq!(fmt_i64(100), "100");
    assert_eq!(fmt_i64(-1), "-1");
    assert_eq!(fmt_i64(-10), "-10");
    assert_eq!(fmt_i64(1234567890), "1234567890");
    assert_eq!(fmt_i64(i64::MAX), "9223372036854775807");
    assert_eq!(fmt_i64(i64::MIN), "-9223372036854775808");
    let mut buf = b"x=".to_vec();
    format_i64(&mut buf, -42);
    assert_eq!(buf, b"x=-42");
}

#[test]
fn format_incrbyfloat_cases() {
    assert_eq!(incr(10.5 + 0.1), "10.6");
    assert_eq!(incr(5.0e3 + 2.0e2), "5200");
    assert_eq!(incr(3.0e3 + 1.0), "3001");
    assert_eq!(incr(0.0), "0");
    assert_eq!(incr(-0.0), "0");
    assert_eq!(incr(1.5), "1.5");
    assert_eq!(incr(-1.5), "-1.5");
    assert_eq!(incr(1e20), "100000000000000000000");
    assert_eq!(incr(1e-5), "0.00001");
    assert_eq!(incr(-1e-5), "-0.00001");
    assert_eq!(incr(0.1), "0.1");
    assert_eq!(incr(1e-17), "0.00000000000000001");
    // Rounded to 17 fractional digits like %.17Lf.
    assert_eq!(incr(1e-20), "0");
    assert_eq!(incr(-1e-20), "0");
    assert_eq!(incr(1.23456789e-10), "0.00000000012345679");
    assert_eq!(incr(5e-18), "0.00000000000000001");
    assert_eq!(incr(f64::MIN_POSITIVE), "0");
    assert_eq!(incr(f64::INFINITY), "inf");
    assert_eq!(incr(f64::NEG_INFINITY), "-inf");
    assert_eq!(incr(f64::NAN), "nan");
    let max = incr(f64::MAX);
    assert_eq!(max.len(), 309);
    assert!(max.starts_with("17976931348623157"));
    // Documented deviation from Redis ("0.3" with long double).
    assert_eq!(incr(0.1 + 0.2), "0.30000000000000004");
    // Output always parses back (within the 17-digit cut).
    for v in [10.6, 2.71, -2.5e-3, 123456789.125, 1e15 + 0.3] {
        assert_eq!(parse_f64(&format_incrbyfloat(v)), Some(v));
    }
}

#[test]
fn format_incrbyfloat_never_exponent() {
    let mut x: u64 = 99;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(x);
        let out = format_incrbyfloat(v);
        if v.is_finite() {
            assert!(
                out.iter()
                    .all(|&c| c.is_ascii_digit() || c == b'.' || c == b'-'),
                "{v:e}"
            );
            assert_ne!(out.last(), Some(&b'.'));
            assert!(parse_f64(&out).is_some());
        }
    }
}

#[test]
fn format_double_cases() {
    assert_eq!(dbl(1.1), "1.1000000000000001");
    assert_eq!(dbl(2.5), "2.5");
    assert_eq!(dbl(1e20), "1e+20");
    assert_eq!(dbl(0.1), "0.10000000000000001");
    assert_eq!(dbl(100.0), "100");
    assert_eq!(dbl(0.0), "0");
    assert_eq!(dbl(-0.0), "-0");
    assert_eq!(dbl(1.0), "1");
    assert_eq!(dbl(-1.0), "-1");
    assert_eq!(dbl(-2.5), "-2.5");
    assert_eq!(dbl(1e16), "10000000000000000");
    assert_eq!(dbl(1e17), "1e+17");
    assert_eq!(dbl(123456789012345678.0), "1.2345678901234568e+17");
    assert_eq!(dbl(12345678901234567.0), "12345678901234568");
    assert_eq!(dbl(1e-4), "0.0001");
    assert_eq!(dbl(1.5e-4), "0.00014999999999999999");
    assert_eq!(dbl(1e-5), "1.0000000000000001e-05");
    assert_eq!(dbl(2.5e-5), "2.5000000000000001e-05");
    assert_eq!(dbl(1e100), "1e+100");
    assert_eq!(dbl(1e-100), "1e-100");
    assert_eq!(dbl(f64::MAX), "1.7976931348623157e+308");
    assert_eq!(dbl(5e-324), "4.9406564584124654e-324");
    assert_eq!(dbl(f64::MIN_POSITIVE), "2.2250738585072014e-308");
    assert_eq!(dbl(3.0), "3");
    assert_eq!(dbl(0.5), "0.5");
    assert_eq!(dbl(1.0 / 3.0), "0.33333333333333331");
    assert_eq!(dbl(2.0 / 3.0), "0.66666666666666663");
    assert_eq!(dbl(9007199254740993.0), "9007199254740992");
    // Exact tie at the 17th digit rounds to even, as glibc does.
    assert_eq!(dbl(2f64.powi(-25)), "2.9802322387695312e-08");
    assert_eq!(dbl(f64::INFINITY), "inf");
    assert_eq!(dbl(f64::NEG_INFINITY), "-inf");
    assert_eq!(dbl(f64::NAN), "nan");
    assert_eq!(dbl(-f64::NAN), "-nan");
}

#[test]
fn format_double_roundtrips() {
    let mut x: u64 = 1234;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(x);
        if v.is_finite() {
            let out = format_double(v);
            assert_eq!(parse_score(&out), Some(v), "{v:e}");
        }
    }
}
