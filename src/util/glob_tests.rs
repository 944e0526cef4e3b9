//! Tests of `glob.rs`, kept apart so the module itself stays readable.

use super::glob_match;
use std::time::{Duration, Instant};

fn m(p: &str, s: &str) -> bool {
    glob_match(p.as_bytes(), s.as_bytes(), false)
}
fn mi(p: &str, s: &str) -> bool {
    glob_match(p.as_bytes(), s.as_bytes(), true)
}

#[test]
fn literals() {
    assert!(m("hello", "hello"));
    assert!(!m("hello", "hell"));
    assert!(!m("hell", "hello"));
    assert!(!m("hello", "Hello"));
    assert!(mi("hello", "HeLLo"));
    assert!(m("", ""));
    assert!(!m("", "a"));
    assert!(!m("a", ""));
}

#[test]
fn star() {
    assert!(m("*", "anything"));
    assert!(m("h*o", "hello"));
    assert!(m("h*o", "ho"));
    assert!(!m("h*o", "hellx"));
    assert!(m("*llo", "hello"));
    assert!(m("he*", "he"));
    assert!(m("he**", "he"));
    assert!(m("***", "x"));
    assert!(m("a*b*c", "aXXbYYc"));
    assert!(!m("a*b*c", "aXXbYY"));
    assert!(m("*a*", "banana"));
    assert!(m("a*a", "aa"));
    assert!(!m("a*a", "a"));
    assert!(m("user:*:name", "user:1000:name"));
}

#[test]
fn star_vs_empty_string_is_redis_quirk() {
    // Redis: stringmatchlen("*", "") == 0; only "" matches "".
    assert!(!m("*", ""));
    assert!(!m("**", ""));
    assert!(!m("?", ""));
    assert!(!m("[a]", ""));
}

#[test]
fn question() {
    assert!(m("h?llo", "hello"));
    assert!(m("h?llo", "hallo"));
    assert!(!m("h?llo", "hllo"));
    assert!(m("???", "abc"));
    assert!(!m("???", "ab"));
    assert!(m("?*", "a"));
    assert!(m("*?", "a"));
    assert!(!m("*??", "a"));
}

#[test]
fn classes() {
    assert!(m("h[ae]llo", "hello"));
    assert!(m("h[ae]llo", "hallo"));
    assert!(!m("h[ae]llo", "hillo"));
    assert!(m("h[^e]llo", "hallo"));
    assert!(!m("h[^e]llo", "hello"));
    assert!(m("h[a-b]llo", "hbllo"));
    assert!(!m("h[a-b]llo", "hcllo"));
    assert!(m("[b-a]", "a"), "reversed range");
    assert!(m("[z-a]", "m"), "reversed range");
    assert!(m("[0-9][0-9]", "42"));
    assert!(!m("[^0-9]", "5"));
    assert!(m("[^0-9]", "x"));
    // Redis quirk: "c-]" is a range ']'..='c', so '-' is not a member.
    assert!(!m("[abc-]", "-"));
    assert!(m("[abc-]", "_"));
    assert!(m("[abc-]", "c"));
}

#[test]
fn class_edge_cases() {
    // "[]" is an empty class that never matches; the second ']' is literal.
    assert!(!m("[]", "]"));
    assert!(!m("[]", "a"));
    // "[]]": empty class then literal ']' -> never matches one char.
    assert!(!m("[]]", "]"));
    assert!(!m("[]]", "]]"));
    // "[^]" negated empty class matches any single char.
    assert!(m("[^]", "x"));
    assert!(m("[^]]", "x]"));
    // '-' at start is a literal when not followed by two more chars.
    assert!(m("[-a]", "-"));
    assert!(m("[a-]", "]"), "a-] is a range ']'..'a'");
    assert!(m("[a-]", "_"));
    assert!(m("[a-]", "a"));
    assert!(!m("[a-]", "-"));
    // Escapes in classes.
    assert!(m("[\\]]", "]"));
    assert!(m("[\\-]", "-"));
    assert!(m("[\\^a]", "^"));
    assert!(!m("[\\^a]", "b"));
    assert!(m("[a\\-z]", "-"));
    assert!(!m("[a\\-z]", "m"));
}

#[test]
fn unterminated_class() {
    assert!(!m("[", "a"));
    assert!(!m("[", "["));
    assert!(m("[^", "a"), "Redis: lone [^ matches any byte");
    assert!(m("[^", "^"));
    assert!(!m("[^", "ab"));
    assert!(m("[a", "a"));
    assert!(!m("[a", "b"));
    assert!(m("[ab", "b"));
    assert!(m("[a-c", "b"));
    assert!(m("[^a", "b"));
    assert!(!m("[^a", "a"));
    assert!(!m("x[", "x"));
    assert!(!m("x[", "x["));
    assert!(m("[\\", "\\"));
    assert!(m("[a\\", "\\"));
}

#[test]
fn escapes() {
    assert!(m("\\*", "*"));
    assert!(!m("\\*", "a"));
    assert!(m("\\?", "?"));
    assert!(!m("\\?", "a"));
    assert!(m("\\[a]", "[a]"));
    assert!(m("a\\\\b", "a\\b"));
    assert!(m("\\a", "a"));
    assert!(m("\\", "\\"), "trailing backslash is literal");
    assert!(m("a\\", "a\\"));
    assert!(!m("a\\", "a"));
    assert!(m("*\\*", "abc*"));
    assert!(!m("*\\*", "abc"));
}

#[test]
fn nocase() {
    assert!(mi("H[A-C]LLO", "hbllo"));
    assert!(mi("h[a-c]llo", "HBLLO"));
    assert!(mi("h[^A-C]llo", "hdllo"));
    assert!(!mi("h[^A-C]llo", "hBllo"));
    assert!(mi("[xY]", "y"));
    assert!(mi("*FOO*", "xxfooxx"));
    // Escaped class member is case-sensitive even with nocase (Redis quirk).
    assert!(!mi("[\\A]", "a"));
    assert!(mi("[\\A]", "A"));
    // Escaped literal outside class honours nocase.
    assert!(mi("\\A", "a"));
    // Range whose bounds straddle letters: Redis lowercases bounds.
    assert!(mi("[A-z]", "a"));
    assert!(!m("[Z-a]", "A"));
    // nocase range [Z-a] becomes [z-a] -> only 'a'..'z' via swap? No:
    // Redis swaps first (Z<a), then lowercases: start='z', end='a'.
    assert!(!mi("[Z-a]", "m"));
    assert!(!mi("[Z-a]", "_"));
}

#[test]
fn binary_safe() {
    assert!(glob_match(b"a\0*", b"a\0bc", false));
    assert!(!glob_match(b"a\0", b"a", false));
    assert!(glob_match(b"\xff?\x00", b"\xff\x80\x00", false));
    assert!(glob_match(b"[\x80-\xff]", b"\x90", false));
    assert!(!glob_match(b"[\x80-\xff]", b"a", false));
    // Pattern containing NUL before trailing stars.
    assert!(glob_match(b"x*\0*", b"xy\0", false));
    assert!(glob_match(b"*", b"\0", false));
}

#[test]
fn signed_char_ranges_like_x86_64() {
    // 'a' (97) vs 0xff (-1 as signed char) -> range [-1, 97].
    assert!(glob_match(b"[a-\xff]", b"\xff", false));
    assert!(glob_match(b"[a-\xff]", b"\x00", false));
    assert!(glob_match(b"[a-\xff]", b"a", false));
    assert!(!glob_match(b"[a-\xff]", b"b", false));
    assert!(!glob_match(b"[a-\xff]", b"\x80", false));
    // Plain: [B-\x80] is the signed range -128..=66.
    assert!(glob_match(b"[B-\x80]", b"B", false));
    assert!(glob_match(b"[B-\x80]", b"\x90", false));
    // nocase: swapped to (-128, 'B'), then glibc tolower -> (128, 'b'):
    // an empty range.
    assert!(!glob_match(b"[B-\x80]", b"b", true));
    assert!(!glob_match(b"[B-\x80]", b"\x90", true));
    // glibc tolower(-1) is EOF (-1): [\xff-\xfe] nocase is 254..=-1.
    assert!(!glob_match(b"[\xfe-\xff]", b"\xfe", true));
    assert!(glob_match(b"[\xfe-\xff]", b"\xfe", false));
}

#[test]
fn nesting_limit() {
    // 1000 nested '*' levels are fine ...
    let mut pat = Vec::new();
    for _ in 0..1000 {
        pat.extend_from_slice(b"a*");
    }
    pat.push(b'b');
    let mut s = vec![b'a'; 1000];
    s.push(b'b');
    assert!(glob_match(&pat, &s, false));
    // ... 1001 are not (Redis returns no-match at nesting > 1000).
    let mut pat2 = pat.clone();
    pat2.splice(0..0, b"a*".iter().copied());
    let mut s2 = s.clone();
    s2.insert(0, b'a');
    assert!(!glob_match(&pat2, &s2, false));
}

#[test]
fn no_exponential_blowup() {
    let long_a = vec![b'a'; 100_000];
    let start = Instant::now();
    assert!(!glob_match(b"a*a*a*a*a*a*a*a*a*a*a*a*b", &long_a, false));
    assert!(!glob_match(b"*a*a*a*a*a*a*a*a*a*a*a*a*a*b", &long_a, false));
    assert!(!glob_match(b"*?*?*?*?*?*?*?*?*?*?*?*b", &long_a, false));
    let mut long_ab = vec![b'a'; 50_000];
    long_ab.push(b'b');
    assert!(glob_match(b"a*a*a*a*a*a*a*a*a*a*a*a*b", &long_ab, false));
    let pat: Vec<u8> = b"*a".repeat(500).into_iter().chain(*b"b").collect();
    assert!(!glob_match(&pat, &vec![b'a'; 5000], false));
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// Naive exponential reference for the regular subset (no classes or
/// escapes), with Redis's "empty string only matches empty pattern or a
/// pattern reduced to stars after consuming input" rule.
fn naive(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(b'*'), _) => naive(&p[1..], s) || (!s.is_empty() && naive(p, &s[1..])),
        (Some(_), None) => false,
        (Some(b'?'), Some(_)) => naive(&p[1..], &s[1..]),
        (Some(a), Some(b)) => a == b && naive(&p[1..], &s[1..]),
    }
}

#[test]
fn random_against_naive_reference() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alpha = [b'a', b'b', b'*', b'?'];
    for _ in 0..20_000 {
        let pl = (next() % 8) as usize;
        let sl = 1 + (next() % 8) as usize; // non-empty: see quirk above
        let p: Vec<u8> = (0..pl).map(|_| alpha[(next() % 4) as usize]).collect();
        let s: Vec<u8> = (0..sl).map(|_| alpha[(next() % 2) as usize]).collect();
        assert_eq!(
            glob_match(&p, &s, false),
            naive(&p, &s),
            "pattern {:?} string {:?}",
            String::from_utf8_lossy(&p),
            String::from_utf8_lossy(&s)
        );
    }
}

#[test]
fn random_garbage_never_panics() {
    let mut x: u64 = 12345;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alpha = [
        b'a', b'A', b'*', b'?', b'[', b']', b'^', b'-', b'\\', 0, 0xff,
    ];
    for _ in 0..50_000 {
        let pl = (next() % 12) as usize;
        let sl = (next() % 12) as usize;
        let p: Vec<u8> = (0..pl).map(|_| alpha[(next() % 11) as usize]).collect();
        let s: Vec<u8> = (0..sl).map(|_| alpha[(next() % 11) as usize]).collect();
        let _ = glob_match(&p, &s, next() % 2 == 0);
    }
}
