//! A small RESP2/RESP3 reply reader: turns the bytes a server sends back into a value tree,
//! so that two servers' replies can be normalised and compared structurally, with the reply
//! type kept (a RESP2 null bulk is not a null array; a RESP3 double is not a bulk string).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One reply.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Vec<u8>),
    /// RESP2 `$-1`.
    NullBulk,
    /// RESP2 `*-1`.
    NullArray,
    /// RESP3 `_`.
    Null,
    Array(Vec<V>),
    /// RESP3 `,`: kept as text, since the formatting is part of what must match.
    Double(Vec<u8>),
    Bool(bool),
    BigNumber(Vec<u8>),
    /// RESP3 `=`: format and text.
    Verbatim(Vec<u8>, Vec<u8>),
    Map(Vec<(V, V)>),
    Set(Vec<V>),
    Push(Vec<V>),
    /// RESP3 `!`.
    BlobError(Vec<u8>),
}

impl V {
    pub fn is_error(&self) -> bool {
        matches!(self, V::Error(_) | V::BlobError(_))
    }

    /// The bytes of a bulk or simple string.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            V::Bulk(b) | V::Simple(b) => Some(b),
            _ => None,
        }
    }

    /// The elements of an aggregate that is a list of values (array, set, push).
    pub fn items(&self) -> Option<&[V]> {
        match self {
            V::Array(a) | V::Set(a) | V::Push(a) => Some(a),
            _ => None,
        }
    }
}

/// Quotes bytes the way redis-cli does: printable ASCII as is, the rest escaped.
pub fn quote(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// A one-line rendering, for failure messages and as a sort key.
pub fn show(v: &V) -> String {
    fn list(open: &str, items: &[V], close: &str) -> String {
        let inner: Vec<String> = items.iter().map(show).collect();
        format!("{open}{}{close}", inner.join(", "))
    }
    match v {
        V::Simple(b) => format!("+{}", String::from_utf8_lossy(b)),
        V::Error(b) => format!("(error) {}", String::from_utf8_lossy(b)),
        V::BlobError(b) => format!("(blob error) {}", String::from_utf8_lossy(b)),
        V::Int(i) => format!("(integer) {i}"),
        V::Bulk(b) => quote(b),
        V::NullBulk => "(nil bulk)".into(),
        V::NullArray => "(nil array)".into(),
        V::Null => "(null)".into(),
        V::Array(a) => list("[", a, "]"),
        V::Set(a) => list("~{", a, "}"),
        V::Push(a) => list(">[", a, "]"),
        V::Double(d) => format!("(double) {}", String::from_utf8_lossy(d)),
        V::Bool(b) => format!("(bool) {b}"),
        V::BigNumber(b) => format!("(big) {}", String::from_utf8_lossy(b)),
        V::Verbatim(f, b) => format!("(verbatim {}) {}", String::from_utf8_lossy(f), quote(b)),
        V::Map(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{} => {}", show(k), show(v)))
                .collect();
            format!("%{{{}}}", inner.join(", "))
        }
    }
}

/// A connection that sends raw command bytes and reads whole replies.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    pub fn connect(addr: std::net::SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        // Long enough for any blocking command the generator sends; short enough that a
        // server that never answers fails the test instead of hanging it.
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        Ok(Conn {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Reads one reply; RESP3 attributes are read and dropped.
    pub fn read(&mut self) -> std::io::Result<V> {
        loop {
            let v = self.read_any()?;
            if let Some(v) = v {
                return Ok(v);
            }
        }
    }

    /// Sends one command and reads its reply.
    pub fn call(&mut self, argv: &[Vec<u8>]) -> std::io::Result<V> {
        self.send(&encode(argv))?;
        self.read()
    }

    fn line(&mut self) -> std::io::Result<Vec<u8>> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\r\n") {
            return Err(bad(format!("unterminated line {}", quote(&line))));
        }
        line.truncate(line.len() - 2);
        Ok(line)
    }

    fn blob(&mut self, len: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; len + 2];
        self.reader.read_exact(&mut buf)?;
        if !buf.ends_with(b"\r\n") {
            return Err(bad("blob without CRLF".into()));
        }
        buf.truncate(len);
        Ok(buf)
    }

    fn values(&mut self, n: usize) -> std::io::Result<Vec<V>> {
        (0..n).map(|_| self.read()).collect()
    }

    /// One value, or `None` for an attribute (which the caller skips).
    fn read_any(&mut self) -> std::io::Result<Option<V>> {
        let line = self.line()?;
        let Some((&kind, rest)) = line.split_first() else {
            return Err(bad("empty line".into()));
        };
        let text = || rest.to_vec();
        let num = || -> std::io::Result<i64> {
            std::str::from_utf8(rest)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(format!("bad length {}", quote(rest))))
        };
        let v = match kind {
            b'+' => V::Simple(text()),
            b'-' => V::Error(text()),
            b':' => V::Int(num()?),
            b',' => V::Double(text()),
            b'(' => V::BigNumber(text()),
            b'#' => V::Bool(rest == b"t"),
            b'_' => V::Null,
            b'$' => match num()? {
                -1 => V::NullBulk,
                n => V::Bulk(self.blob(n as usize)?),
            },
            b'!' => V::BlobError(self.blob(num()? as usize)?),
            b'=' => {
                let b = self.blob(num()? as usize)?;
                let (f, t) = b.split_at(b.len().min(4));
                V::Verbatim(f[..f.len().min(3)].to_vec(), t.to_vec())
            }
            b'*' => match num()? {
                -1 => V::NullArray,
                n => V::Array(self.values(n as usize)?),
            },
            b'~' => V::Set(self.values(num()? as usize)?),
            b'>' => V::Push(self.values(num()? as usize)?),
            b'%' | b'|' => {
                let n = num()? as usize;
                let mut m = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.read()?;
                    m.push((k, self.read()?));
                }
                if kind == b'|' {
                    return Ok(None);
                }
                V::Map(m)
            }
            _ => return Err(bad(format!("unknown reply type {}", quote(&line)))),
        };
        Ok(Some(v))
    }
}

fn bad(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg)
}

/// Encodes a command as a RESP multibulk.
pub fn encode(argv: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Renders a command for failure messages.
pub fn show_cmd(argv: &[Vec<u8>]) -> String {
    let parts: Vec<String> = argv.iter().map(|a| quote(a)).collect();
    parts.join(" ")
}

/// Runs `script` on `c`: each command, as [`show_cmd`] renders it (cut to 200 characters:
/// values can be megabytes), with its reply as [`show`] renders it, `(closed)` once the
/// connection is gone. Two servers given the same script should give the same transcript.
pub fn transcript(c: &mut Conn, script: &[Vec<Vec<u8>>]) -> Vec<String> {
    script
        .iter()
        .map(|argv| {
            let reply = c.call(argv).map_or("(closed)".into(), |v| show(&v));
            let head: String = show_cmd(argv).chars().take(200).collect();
            format!("{head} -> {reply}")
        })
        .collect()
}
