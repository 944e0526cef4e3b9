//! Inline requests (`PING\r\n` typed into telnet) and config-file lines: splitting a line
//! into arguments as Redis's `sdssplitargs` does.

use super::parser::ParseError;
use bytes::Bytes;

/// C `isspace` in the "C" locale, which sdssplitargs uses to skip blanks.
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits a line into arguments as Redis's `sdssplitargs` (config files use it too):
/// blanks separate, double quotes take C escapes (`\n`, `\xHH`, ...), single quotes take
/// `\'`, and a closing quote must be followed by a blank or the end.
pub fn split_args(line: &[u8]) -> Result<Vec<Bytes>, ParseError> {
    let chunk = Bytes::copy_from_slice(line);
    let mut args = Vec::new();
    split_inline(&chunk, chunk.len(), &mut args)?;
    Ok(args)
}

/// Splits an inline request the way sdssplitargs does and pushes the
/// arguments. Plain tokens are slices of `chunk`; quoted ones are rebuilt.
/// Returns how many arguments were pushed; on error none are left behind.
pub(super) fn split_inline(
    chunk: &Bytes,
    len: usize,
    args: &mut Vec<Bytes>,
) -> Result<usize, ParseError> {
    let line = &chunk[..len];
    let before = args.len();
    let mut i = 0;
    loop {
        while line.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        if i >= line.len() {
            return Ok(args.len() - before);
        }
        let start = i;
        // Unlike C we don't stop at NUL: arguments are binary safe.
        while line
            .get(i)
            .is_some_and(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\''))
        {
            i += 1;
        }
        if matches!(line.get(i), Some(b'"' | b'\'')) {
            match unquote(line, start, i) {
                Ok((arg, next)) => {
                    args.push(Bytes::from(arg));
                    i = next;
                }
                Err(e) => {
                    args.truncate(before);
                    return Err(e);
                }
            }
        } else {
            args.push(chunk.slice(start..i));
        }
    }
}

/// Decodes a token whose quote opens at `q` (the token itself started at
/// `start`, like `foo"bar"`). Returns the argument and the offset after the
/// closing quote.
fn unquote(line: &[u8], start: usize, q: usize) -> Result<(Vec<u8>, usize), ParseError> {
    let quote = line[q];
    let mut out = Vec::with_capacity(line.len() - start);
    out.extend_from_slice(&line[start..q]);
    let mut i = q + 1;
    loop {
        // Copy the run up to the next quote or backslash in one go.
        let rest = line.get(i..).unwrap_or_default();
        let run = rest
            .iter()
            .position(|&b| b == quote || b == b'\\')
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..run]);
        i += run;
        let Some(&c) = line.get(i) else {
            return Err(ParseError::UnbalancedQuotes);
        };
        let next = line.get(i + 1).copied();
        if c == quote {
            // A closing quote must be followed by a space or nothing at all.
            if next.is_some_and(|b| !is_space(b)) {
                return Err(ParseError::UnbalancedQuotes);
            }
            return Ok((out, i + 1));
        }
        // c is a backslash.
        if quote == b'\'' {
            // Single quotes only know \' ; any other backslash is literal.
            if next == Some(b'\'') {
                out.push(b'\'');
                i += 2;
            } else {
                out.push(b'\\');
                i += 1;
            }
            continue;
        }
        let hex = match (next, line.get(i + 2), line.get(i + 3)) {
            (Some(b'x'), Some(&h), Some(&l)) => hex_val(h).zip(hex_val(l)),
            _ => None,
        };
        if let Some((h, l)) = hex {
            out.push(h << 4 | l);
            i += 4;
            continue;
        }
        match next {
            Some(e) => {
                out.push(match e {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => 0x08,
                    b'a' => 0x07,
                    other => other,
                });
                i += 2;
            }
            // A trailing backslash is kept; the missing quote fails next turn.
            None => {
                out.push(b'\\');
                i += 1;
            }
        }
    }
}
