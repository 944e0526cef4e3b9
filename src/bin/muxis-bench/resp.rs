//! A RESP reply scanner: finds where each complete reply ends, and says whether it was an
//! error or a null. It never builds values: the generator only counts replies.
//!
//! RESP2 and RESP3 types are understood. Malformed input is an error (the connection is
//! dropped and counted), never a panic; an incomplete reply is `Ok(None)`.

/// What a complete reply was, as far as counting cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Value,
    /// `-ERR ...` or a RESP3 blob error.
    Error,
    /// A null bulk, null array or RESP3 null (e.g. GET of a missing key).
    Nil,
}

/// Input that is not RESP.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// The longest header or simple line accepted before calling the input malformed.
const MAX_LINE: usize = 64 * 1024; // 64 KB
/// The largest aggregate length accepted; bounds the element counter.
const MAX_ELEMENTS: i64 = 1 << 32;

/// Every RESP2 and RESP3 type byte.
const TYPES: &[u8] = b"+-:,#(_$!=*~>%|";

/// Scans the reply at the start of `buf`: `Ok(Some((length, kind)))` when it is complete.
pub fn scan(buf: &[u8]) -> Result<Option<(usize, Kind)>, Malformed> {
    let mut pos = 0;
    // Values still to read: aggregates add their elements, so nesting needs no stack.
    let mut pending: u64 = 1;
    let mut kind = Kind::Value;
    while pending > 0 {
        let Some(&ty) = buf.get(pos) else {
            return Ok(None);
        };
        if !TYPES.contains(&ty) {
            return Err(Malformed);
        }
        let Some(line) = line_at(buf, pos + 1)? else {
            return Ok(None);
        };
        let first = pos == 0;
        pos = pos + 1 + line.len() + 2;
        pending -= 1;
        match ty {
            b'+' | b':' | b',' | b'#' | b'(' => {}
            b'-' => kind = pick(first, kind, Kind::Error),
            b'_' => kind = pick(first, kind, Kind::Nil),
            b'$' | b'!' | b'=' => {
                let n = number(line)?;
                if n < 0 {
                    kind = pick(first, kind, Kind::Nil);
                    continue;
                }
                if ty == b'!' {
                    kind = pick(first, kind, Kind::Error);
                }
                let end = usize::try_from(n)
                    .ok()
                    .and_then(|n| pos.checked_add(n))
                    .ok_or(Malformed)?;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                if &buf[end..end + 2] != b"\r\n" {
                    return Err(Malformed);
                }
                pos = end + 2;
            }
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                let n = number(line)?;
                if n < 0 {
                    kind = pick(first, kind, Kind::Nil);
                    continue;
                }
                let n = n as u64;
                pending = pending.saturating_add(match ty {
                    b'%' => 2 * n,
                    // An attribute map comes before the value it annotates.
                    b'|' => 2 * n + 1,
                    _ => n,
                });
            }
            _ => return Err(Malformed),
        }
    }
    Ok(Some((pos, kind)))
}

/// Only the outermost type decides a reply's kind.
fn pick(first: bool, current: Kind, this: Kind) -> Kind {
    if first { this } else { current }
}

/// The line starting at `start` without its CRLF, `None` while the CRLF has not arrived.
fn line_at(buf: &[u8], start: usize) -> Result<Option<&[u8]>, Malformed> {
    let rest = buf.get(start..).unwrap_or(&[]);
    match rest.iter().position(|&b| b == b'\n') {
        Some(0) => Err(Malformed),
        Some(i) if rest[i - 1] == b'\r' => Ok(Some(&rest[..i - 1])),
        Some(_) => Err(Malformed),
        None if rest.len() > MAX_LINE => Err(Malformed),
        None => Ok(None),
    }
}

/// A length or count header: `-1` or a non-negative decimal within bounds.
fn number(line: &[u8]) -> Result<i64, Malformed> {
    if line == b"-1" {
        return Ok(-1);
    }
    if line.is_empty() || line.len() > 12 || !line.iter().all(u8::is_ascii_digit) {
        return Err(Malformed);
    }
    let n = line.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    if n > MAX_ELEMENTS {
        return Err(Malformed);
    }
    Ok(n)
}

/// Counts of complete replies found in one scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub replies: u64,
    pub errors: u64,
    pub nils: u64,
}

/// Scans every complete reply in `buf`; returns the counts and how many bytes they used.
pub fn scan_all(buf: &[u8]) -> Result<(Counts, usize), Malformed> {
    let mut counts = Counts::default();
    let mut used = 0;
    while let Some((len, kind)) = scan(&buf[used..])? {
        used += len;
        counts.replies += 1;
        match kind {
            Kind::Error => counts.errors += 1,
            Kind::Nil => counts.nils += 1,
            Kind::Value => {}
        }
    }
    Ok((counts, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REPLIES: &[u8] = b"+OK\r\n-ERR no\r\n:12\r\n$3\r\nabc\r\n$-1\r\n*2\r\n$1\r\na\r\n*-1\r\n\
        *0\r\n_\r\n%1\r\n+k\r\n:1\r\n!3\r\nbad\r\n|1\r\n+a\r\n+b\r\n:5\r\n>2\r\n+p\r\n+q\r\n";

    #[test]
    fn counts_every_kind() {
        let (c, used) = scan_all(REPLIES).expect("valid replies");
        assert_eq!(used, REPLIES.len());
        assert_eq!(
            c,
            Counts {
                replies: 12,
                errors: 2,
                nils: 2
            }
        );
    }

    #[test]
    fn any_split_gives_the_same_counts() {
        // Feed the stream in two parts at every boundary, keeping the unscanned tail.
        for cut in 0..=REPLIES.len() {
            let (a, used) = scan_all(&REPLIES[..cut]).expect("valid prefix");
            let mut rest = REPLIES[used..cut].to_vec();
            rest.extend_from_slice(&REPLIES[cut..]);
            let (b, used2) = scan_all(&rest).expect("valid rest");
            assert_eq!(used2, rest.len());
            assert_eq!(a.replies + b.replies, 12, "cut at {cut}");
            assert_eq!(a.errors + b.errors, 2);
        }
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            &b"?x\r\n"[..],
            b"$abc\r\n",
            b"$3\r\nabcd\r\n",
            b"+no cr\n",
            b"\n",
            b"*99999999999999\r\n",
            b"$-2\r\n",
        ] {
            assert_eq!(scan(bad), Err(Malformed), "{bad:?}");
        }
        assert_eq!(scan(b"$5\r\nab"), Ok(None));
        assert_eq!(scan(b"*2\r\n:1\r\n"), Ok(None));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = scan_all(&bytes);
        }

        #[test]
        fn never_panics_on_resp_like_bytes(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b"*"[..]), Just(&b"$"[..]), Just(&b"%"[..]), Just(&b"|"[..]),
                    Just(&b"-1"[..]), Just(&b"3"[..]), Just(&b"\r\n"[..]), Just(&b"+a"[..]),
                ],
                0..24,
            )
        ) {
            let bytes: Vec<u8> = parts.concat();
            let _ = scan_all(&bytes);
        }
    }
}
