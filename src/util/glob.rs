//! Glob-style pattern matching with the exact semantics of Redis's
//! `stringmatchlen()` (`util.c`), as used by `KEYS`, `SCAN ... MATCH`,
//! `PSUBSCRIBE`, `CONFIG GET`, ACL key patterns, etc.
//!
//! Supported syntax:
//!
//! * `*` matches any sequence of bytes (runs of `*` are collapsed),
//! * `?` matches exactly one byte,
//! * `[abc]`, `[^abc]`, `[a-z]` (reversed ranges such as `[z-a]` are
//!   accepted and mean the same thing), `\x` inside a class escapes `x`,
//! * `\x` outside a class matches `x` literally; a trailing lone `\`
//!   matches a literal `\`.
//!
//! Quirks reproduced on purpose because Redis has them:
//!
//! * An unterminated class (`[abc` at the end of the pattern) behaves as if
//!   it were terminated there; `[` alone never matches, `[^` alone matches
//!   any single byte.
//! * In `[a-]`-like classes the `-` makes a range whose end is the `]`
//!   (so the class is then unterminated).
//! * A `\` escape inside a class is compared case-sensitively even when
//!   `nocase` is set.
//! * The empty string is matched only by the empty pattern (or by a
//!   pattern that is reached with the string already consumed and only
//!   `*`s remaining). In particular `glob_match(b"*", b"", _)` is `false`,
//!   exactly like Redis (`KEYS *` / `SCAN` special-case the plain `*`
//!   pattern before calling the matcher; callers must do the same).
//! * Case folding is ASCII only (Redis runs in the C locale for `ctype`).
//! * Range bounds are compared as C `char` values the way Redis behaves on
//!   x86-64 Linux with glibc (its reference platform): `char` is signed, so
//!   a range mixing bytes `< 0x80` and `>= 0x80`, e.g. `[a-\xff]`, matches
//!   `\xff` and `\x00..=a`; with `nocase`, bounds are swapped first and
//!   then passed through glibc's `tolower()`, which maps negative values
//!   (except -1) back to `128..=255`. On platforms with unsigned `char`
//!   (ARM) Redis itself differs, for such mixed/high-byte ranges only.
//! * More than 1000 nested `*` levels make the match fail (Redis's
//!   protection against abusive patterns, CVE-2022-36021).
//!
//! Complexity: like Redis, once the tail after a `*` fails to match at every
//! remaining position, no earlier `*` is retried with a longer expansion
//! (`skipLongerMatches`). This keeps patterns like `a*a*a*a*a*a*a*b` against
//! long strings polynomial (roughly O(pattern × string)) instead of
//! exponential. Recursion depth is bounded by 1001 frames.
//!
//! The function is binary safe and never panics.

/// Maximum recursion depth, as in Redis (`nesting > 1000` fails the match).
const MAX_NESTING: u32 = 1000;

/// Returns `true` if `string` matches the glob `pattern` following Redis's
/// `stringmatchlen()` semantics exactly. `nocase` enables ASCII
/// case-insensitive matching.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

/// Byte at `i`, or 0 past the end (the C code relies on the NUL terminator
/// of its sds strings when it peeks one byte beyond the pattern length).
#[inline]
fn at(p: &[u8], i: usize) -> u8 {
    p.get(i).copied().unwrap_or(0)
}

#[inline]
fn fold(c: u8, nocase: bool) -> u8 {
    if nocase { c.to_ascii_lowercase() } else { c }
}

/// A byte as a C `char` on x86-64 (signed), used for range comparisons.
#[inline]
fn as_c_char(c: u8) -> i32 {
    i32::from(c as i8)
}

fn match_impl(
    pattern: &[u8],
    string: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    // `p` / `s` index the next unread byte; remaining lengths are
    // `pattern.len() - p` and `string.len() - s`.
    let mut p = 0usize;
    let mut s = 0usize;

    while p < pattern.len() && s < string.len() {
        match pattern[p] {
            b'*' => {
                while p < pattern.len() && at(pattern, p + 1) == b'*' {
                    p += 1;
                }
                if pattern.len() - p == 1 {
                    return true;
                }
                while s < string.len() {
                    if match_impl(
                        &pattern[p + 1..],
                        &string[s..],
                        nocase,
                        skip_longer,
                        nesting + 1,
                    ) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s += 1;
                }
                // The rest of the pattern matched at no position of the
                // rest of the string: expanding any earlier `*` further
                // cannot help either.
                *skip_longer = true;
                return false;
            }
            b'?' => {
                s += 1;
            }
            b'[' => {
                let c = string[s];
                p += 1;
                let negate = at(pattern, p) == b'^';
                if negate {
                    p += 1;
                }
                let mut matched = false;
                loop {
                    let rem = pattern.len() - p;
                    let pc = at(pattern, p);
                    if pc == b'\\' && rem >= 2 {
                        p += 1;
                        // Redis compares escaped class members case-sensitively.
                        if pattern[p] == c {
                            matched = true;
                        }
                    } else if pc == b']' && rem > 0 {
                        break;
                    } else if rem == 0 {
                        // Unterminated class: step back onto the last
                        // pattern byte so the common advance below ends
                        // exactly at the end of the pattern.
                        p -= 1;
                        break;
                    } else if rem >= 3 && pattern[p + 1] == b'-' {
                        let mut start = as_c_char(pattern[p]);
                        let mut end = as_c_char(pattern[p + 2]);
                        let mut ch = as_c_char(c);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = c_tolower(start);
                            end = c_tolower(end);
                            ch = c_tolower(ch);
                        }
                        p += 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if fold(pc, nocase) == fold(c, nocase) {
                        matched = true;
                    }
                    p += 1;
                }
                if negate {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                s += 1;
            }
            first => {
                let lit = if first == b'\\' && pattern.len() - p >= 2 {
                    p += 1;
                    pattern[p]
                } else {
                    first
                };
                if fold(lit, nocase) != fold(string[s], nocase) {
                    return false;
                }
                s += 1;
            }
        }
        p += 1;
        if s == string.len() {
            while p < pattern.len() && pattern[p] == b'*' {
                p += 1;
            }
            break;
        }
    }
    p >= pattern.len() && s == string.len()
}

/// glibc `tolower()` in the C locale applied to a (possibly negative)
/// `char` value: ASCII letters are folded; negative values other than
/// `EOF` (-1) map to their unsigned counterpart (glibc's table is indexed
/// from -128), `-1` stays `-1`.
#[inline]
fn c_tolower(c: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&c) {
        c + 32
    } else if (-128..=-2).contains(&c) {
        c + 256
    } else {
        c
    }
}

#[cfg(test)]
#[path = "glob_tests.rs"]
mod tests;
