//! RESP2/RESP3 reply encoding into a byte buffer.
//!
//! Pure functions over `Vec<u8>`: no sockets, no keyspace. Where RESP3 has a type RESP2 lacks
//! (map, set, double, null, boolean, push, verbatim), the `resp3` flag picks the encoding
//! Redis uses for each protocol version.

use crate::util::number;

pub fn simple(buf: &mut Vec<u8>, s: &[u8]) {
    buf.push(b'+');
    buf.extend_from_slice(s);
    buf.extend_from_slice(b"\r\n");
}

/// `msg` is the error line without the leading '-', e.g. `ERR syntax error`.
pub fn error(buf: &mut Vec<u8>, msg: &[u8]) {
    buf.push(b'-');
    // An error line must not contain CR or LF; Redis replaces them with spaces.
    buf.extend(
        msg.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    buf.extend_from_slice(b"\r\n");
}

fn header(buf: &mut Vec<u8>, kind: u8, n: i64) {
    buf.push(kind);
    number::format_i64(buf, n);
    buf.extend_from_slice(b"\r\n");
}

pub fn int(buf: &mut Vec<u8>, n: i64) {
    header(buf, b':', n);
}

pub fn bulk(buf: &mut Vec<u8>, data: &[u8]) {
    header(buf, b'$', data.len() as i64);
    buf.extend_from_slice(data);
    buf.extend_from_slice(b"\r\n");
}

/// The null bulk string (`GET` of a missing key).
pub fn null(buf: &mut Vec<u8>, resp3: bool) {
    buf.extend_from_slice(if resp3 { b"_\r\n" } else { b"$-1\r\n" });
}

/// The null array (e.g. `BLPOP` timing out, `EXEC` aborted by WATCH).
pub fn null_array(buf: &mut Vec<u8>, resp3: bool) {
    buf.extend_from_slice(if resp3 { b"_\r\n" } else { b"*-1\r\n" });
}

pub fn array(buf: &mut Vec<u8>, n: usize) {
    header(buf, b'*', n as i64);
}

/// A map of `n` pairs; RESP2 flattens it to an array of `2n` items.
pub fn map(buf: &mut Vec<u8>, n: usize, resp3: bool) {
    if resp3 {
        header(buf, b'%', n as i64)
    } else {
        header(buf, b'*', 2 * n as i64)
    }
}

pub fn set(buf: &mut Vec<u8>, n: usize, resp3: bool) {
    header(buf, if resp3 { b'~' } else { b'*' }, n as i64);
}

pub fn push(buf: &mut Vec<u8>, n: usize, resp3: bool) {
    header(buf, if resp3 { b'>' } else { b'*' }, n as i64);
}

/// A double: RESP3 `,` type, RESP2 bulk string, both in Redis's `%.17g` form.
pub fn double(buf: &mut Vec<u8>, v: f64, resp3: bool) {
    let text = number::format_double(v);
    if resp3 {
        buf.push(b',');
        buf.extend_from_slice(&text);
        buf.extend_from_slice(b"\r\n");
    } else {
        bulk(buf, &text);
    }
}

/// RESP3 boolean; RESP2 has none and Redis sends `:1` / `:0`.
pub fn boolean(buf: &mut Vec<u8>, v: bool, resp3: bool) {
    if resp3 {
        buf.extend_from_slice(if v { b"#t\r\n" } else { b"#f\r\n" });
    } else {
        int(buf, v as i64);
    }
}

/// RESP3 verbatim string (`=`) with a three-letter format such as `txt`; RESP2 bulk.
pub fn verbatim(buf: &mut Vec<u8>, format: &[u8; 3], text: &[u8], resp3: bool) {
    if resp3 {
        header(buf, b'=', text.len() as i64 + 4);
        buf.extend_from_slice(format);
        buf.push(b':');
        buf.extend_from_slice(text);
        buf.extend_from_slice(b"\r\n");
    } else {
        bulk(buf, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap_or_default()
    }

    #[test]
    fn encodes_both_protocols() {
        assert_eq!(enc(|b| bulk(b, b"hi")), "$2\r\nhi\r\n");
        assert_eq!(enc(|b| int(b, -7)), ":-7\r\n");
        assert_eq!(enc(|b| null(b, false)), "$-1\r\n");
        assert_eq!(enc(|b| null(b, true)), "_\r\n");
        assert_eq!(enc(|b| map(b, 2, false)), "*4\r\n");
        assert_eq!(enc(|b| map(b, 2, true)), "%2\r\n");
        assert_eq!(enc(|b| double(b, 2.5, true)), ",2.5\r\n");
        assert_eq!(enc(|b| double(b, 2.5, false)), "$3\r\n2.5\r\n");
        assert_eq!(enc(|b| boolean(b, true, false)), ":1\r\n");
        assert_eq!(
            enc(|b| verbatim(b, b"txt", b"ab", true)),
            "=6\r\ntxt:ab\r\n"
        );
        assert_eq!(enc(|b| error(b, b"ERR a\r\nb")), "-ERR a  b\r\n");
    }
}
