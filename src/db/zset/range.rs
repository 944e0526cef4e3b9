//! Score and lexicographic ranges, as ZRANGEBYSCORE, ZCOUNT, ZRANGEBYLEX... take them:
//! `1.5`, `(1.5`, `-inf`, `+inf` and `[a`, `(a`, `-`, `+`, parsed with Redis's quirks.

use crate::util::number::parse_score;
use std::cmp::Ordering;

/// A score interval; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    /// Parses `min` and `max` as Redis's `zslParseRange` does. `None` is Redis's
    /// "min or max is not a float".
    pub fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, minex) = parse_bound(min)?;
        let (max, maxex) = parse_bound(max)?;
        Some(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// Whether `v` is at or above the lower end.
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// Whether `v` is at or below the upper end.
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// One end of a score range: `(` makes it exclusive.
fn parse_bound(arg: &[u8]) -> Option<(f64, bool)> {
    match arg.split_first() {
        Some((b'(', rest)) => Some((strtod_whole(rest)?, true)),
        _ => Some((strtod_whole(arg)?, false)),
    }
}

/// C `strtod` over a whole C string, as Redis checks it (`eptr[0] == '\0'`, not NaN):
/// the string ends at its first NUL, leading white space is skipped, an empty string is 0,
/// and overflow or underflow give infinity or zero instead of an error. This is more lenient
/// than a ZADD score.
fn strtod_whole(arg: &[u8]) -> Option<f64> {
    let s = arg.split(|&b| b == 0).next().unwrap_or_default();
    if s.is_empty() {
        return Some(0.0);
    }
    // C's isspace: space, \t, \n, \v, \f, \r. Only spaces is "no number" (eptr stays put).
    let start = s.iter().position(|&b| !matches!(b, b' ' | b'\t'..=b'\r'))?;
    let t = &s[start..];
    if let Some(v) = parse_score(t) {
        return Some(v);
    }
    // Out of range for parse_score: strtod saturates instead.
    let v: f64 = std::str::from_utf8(t).ok()?.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// One end of a lex range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LexItem<'a> {
    /// `-`: below every string.
    Min,
    /// `+`: above every string.
    Max,
    Str(&'a [u8]),
}

/// A lexicographic interval over member bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexRange<'a> {
    pub min: LexItem<'a>,
    pub max: LexItem<'a>,
    pub minex: bool,
    pub maxex: bool,
}

impl<'a> LexRange<'a> {
    /// Parses `min` and `max` as Redis's `zslParseLexRange` does. `None` is Redis's
    /// "min or max not valid string range item".
    pub fn parse(min: &'a [u8], max: &'a [u8]) -> Option<LexRange<'a>> {
        let (min, minex) = parse_lex_item(min)?;
        let (max, maxex) = parse_lex_item(max)?;
        Some(LexRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// Whether no string can be in the range (Redis's first test in `zslIsInLexRange`).
    pub fn is_empty(&self) -> bool {
        let c = cmp_items(self.min, self.max);
        c.is_gt() || (c.is_eq() && (self.minex || self.maxex))
    }

    pub fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmp_item(v, self.min);
        if self.minex { c.is_gt() } else { c.is_ge() }
    }

    pub fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmp_item(v, self.max);
        if self.maxex { c.is_lt() } else { c.is_le() }
    }
}

/// `+` and `-` must stand alone (Redis looks at the next C char, so a NUL also ends them);
/// `[` is inclusive and `(` exclusive; anything else is an error.
fn parse_lex_item(arg: &[u8]) -> Option<(LexItem<'_>, bool)> {
    let alone = arg.get(1).is_none_or(|&b| b == 0);
    match arg.first()? {
        b'+' if alone => Some((LexItem::Max, true)),
        b'-' if alone => Some((LexItem::Min, true)),
        b'(' => Some((LexItem::Str(&arg[1..]), true)),
        b'[' => Some((LexItem::Str(&arg[1..]), false)),
        _ => None,
    }
}

/// How two range ends compare (Redis's `sdscmplex`).
fn cmp_items(a: LexItem<'_>, b: LexItem<'_>) -> Ordering {
    match (a, b) {
        (LexItem::Min, LexItem::Min) | (LexItem::Max, LexItem::Max) => Ordering::Equal,
        (LexItem::Min, _) | (_, LexItem::Max) => Ordering::Less,
        (LexItem::Max, _) | (_, LexItem::Min) => Ordering::Greater,
        (LexItem::Str(x), LexItem::Str(y)) => x.cmp(y),
    }
}

/// How `v` compares with a range end.
fn cmp_item(v: &[u8], item: LexItem<'_>) -> Ordering {
    match item {
        LexItem::Min => Ordering::Greater,
        LexItem::Max => Ordering::Less,
        LexItem::Str(s) => v.cmp(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_bounds_parse_like_strtod() {
        let r = ScoreRange::parse(b"(1.5", b"+inf").expect("valid");
        assert_eq!(
            (r.min, r.minex, r.max, r.maxex),
            (1.5, true, f64::INFINITY, false)
        );
        assert_eq!(parse_bound(b""), Some((0.0, false)));
        assert_eq!(parse_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_bound(b" \t1"), Some((1.0, false)));
        assert_eq!(parse_bound(b"1\0junk"), Some((1.0, false)));
        assert_eq!(parse_bound(b"1e400"), Some((f64::INFINITY, false)));
        assert_eq!(parse_bound(b"-1e400"), Some((f64::NEG_INFINITY, false)));
        assert_eq!(parse_bound(b"1e-400"), Some((0.0, false)));
        assert_eq!(parse_bound(b"0x10"), Some((16.0, false)));
        assert_eq!(parse_bound(b"-inf"), Some((f64::NEG_INFINITY, false)));
        for bad in [&b"nan"[..], b"(nan", b"1 ", b"  ", b"abc", b"1e", b"(("] {
            assert_eq!(parse_bound(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn lex_items() {
        assert_eq!(parse_lex_item(b"-"), Some((LexItem::Min, true)));
        assert_eq!(parse_lex_item(b"+"), Some((LexItem::Max, true)));
        assert_eq!(parse_lex_item(b"+\0x"), Some((LexItem::Max, true)));
        assert_eq!(parse_lex_item(b"[a"), Some((LexItem::Str(b"a"), false)));
        assert_eq!(parse_lex_item(b"("), Some((LexItem::Str(b""), true)));
        for bad in [&b""[..], b"a", b"+a", b"-a"] {
            assert_eq!(parse_lex_item(bad), None);
        }
        let r = LexRange::parse(b"[b", b"(d").expect("valid");
        assert!(!r.gte_min(b"a") && r.gte_min(b"b") && r.lte_max(b"c") && !r.lte_max(b"d"));
        let all = LexRange::parse(b"-", b"+").expect("valid");
        assert!(all.gte_min(b"") && all.lte_max(b"\xff\xff"));
        let none = LexRange::parse(b"+", b"-").expect("valid");
        assert!(!none.gte_min(b"x") && !none.lte_max(b"x"));
        assert!(none.is_empty() && !all.is_empty() && !r.is_empty());
        let empty = |a: &[u8], b: &[u8]| LexRange::parse(a, b).expect("valid").is_empty();
        assert!(empty(b"-", b"-") && empty(b"+", b"+") && empty(b"(a", b"[a"));
        assert!(!empty(b"[a", b"[a") && empty(b"[b", b"[a") && !empty(b"-", b"[a"));
    }
}
