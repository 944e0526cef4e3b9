//! A bounds-checked reader over RDB bytes. Every read checks what remains first, every
//! error carries the offset it was found at, and no length read from the input is used to
//! allocate before it is checked against the bytes that could hold it.

use super::enc::{ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF};
use bytes::Bytes;
use std::borrow::Cow;
use std::fmt;

/// Why input was refused, and where (a byte offset from the start of the file or payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corrupt {
    pub offset: u64,
    pub what: String,
}

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.what, self.offset)
    }
}

impl std::error::Error for Corrupt {}

pub type R<T> = Result<T, Corrupt>;

/// LZF's best case: a 3-byte back reference expands to 264 bytes. A claimed uncompressed
/// length past this ratio cannot be true, so it is refused before anything is allocated.
const LZF_MAX_RATIO: u64 = 88;

/// A reader over `data`, reporting offsets from `base`.
pub struct Input<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data, pos: 0 }
    }

    /// The offset of the next byte.
    pub fn offset(&self) -> u64 {
        self.pos as u64
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// An error at the current offset.
    pub fn fail<T>(&self, what: impl Into<String>) -> R<T> {
        Err(self.corrupt(what))
    }

    pub fn corrupt(&self, what: impl Into<String>) -> Corrupt {
        Corrupt {
            offset: self.offset(),
            what: what.into(),
        }
    }

    pub fn u8(&mut self) -> R<u8> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.corrupt("unexpected end of data"))?;
        self.pos += 1;
        Ok(b)
    }

    /// The next `n` bytes, if that many remain.
    pub fn take(&mut self, n: u64) -> R<&'a [u8]> {
        if n > self.remaining() as u64 {
            return self.fail(format!(
                "unexpected end of data (needs {n} bytes, {} left)",
                self.remaining()
            ));
        }
        let s = &self.data[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    pub fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub fn u64_le(&mut self) -> R<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// `rdbLoadLenByRef`: a length, or (`true`) a special string encoding.
    fn len_or_enc(&mut self) -> R<(u64, bool)> {
        let b = self.u8()?;
        Ok(match b >> 6 {
            0 => (u64::from(b & 0x3F), false),
            1 => (u64::from(b & 0x3F) << 8 | u64::from(self.u8()?), false),
            2 => match b {
                0x80 => (u64::from(u32::from_be_bytes(self.array()?)), false),
                0x81 => (u64::from_be_bytes(self.array()?), false),
                _ => {
                    self.pos -= 1;
                    return self.fail(format!("unknown length encoding {b}"));
                }
            },
            _ => (u64::from(b & 0x3F), true),
        })
    }

    /// A plain length.
    pub fn len(&mut self) -> R<u64> {
        let at = self.pos;
        match self.len_or_enc()? {
            (n, false) => Ok(n),
            (_, true) => {
                self.pos = at;
                self.fail("an encoded string where a length belongs")
            }
        }
    }

    /// A count of items that each take at least `min` bytes: refused when the remaining
    /// input cannot hold them, so a caller may allocate for it.
    pub fn count(&mut self, min: u64) -> R<usize> {
        let at = self.pos;
        let n = self.len()?;
        if n.saturating_mul(min.max(1)) > self.remaining() as u64 {
            self.pos = at;
            return self.fail(format!("length {n} is past the end of the data"));
        }
        Ok(n as usize)
    }

    /// `rdbGenericLoadStringObject`: a string, whatever its encoding (an integer comes
    /// back as its decimal text; LZF is decompressed).
    pub fn string(&mut self) -> R<Cow<'a, [u8]>> {
        let at = self.pos;
        let (n, encoded) = self.len_or_enc()?;
        if !encoded {
            return Ok(Cow::Borrowed(self.take(n)?));
        }
        let v: i64 = match n as u8 {
            ENC_INT8 => i64::from(self.u8()? as i8),
            ENC_INT16 => i64::from(i16::from_le_bytes(self.array()?)),
            ENC_INT32 => i64::from(i32::from_le_bytes(self.array()?)),
            ENC_LZF => return self.lzf().map(Cow::Owned),
            other => {
                self.pos = at;
                return self.fail(format!("unknown string encoding {other}"));
            }
        };
        Ok(Cow::Owned(v.to_string().into_bytes()))
    }

    fn lzf(&mut self) -> R<Vec<u8>> {
        let clen = self.len()?;
        let ulen = self.len()?;
        let at = self.pos;
        let data = self.take(clen)?;
        if ulen > clen.saturating_mul(LZF_MAX_RATIO) || ulen == 0 {
            self.pos = at;
            return self.fail(format!("LZF length {ulen} impossible for {clen} bytes"));
        }
        lzf_rust::decompress_into_vec(data, ulen as usize).map_err(|_| Corrupt {
            offset: at as u64,
            what: "invalid LZF compressed string".into(),
        })
    }

    /// A string copied into its own allocation (values never point into the input).
    pub fn bytes(&mut self) -> R<Bytes> {
        Ok(match self.string()? {
            Cow::Borrowed(s) => Bytes::copy_from_slice(s),
            Cow::Owned(v) => Bytes::from(v),
        })
    }

    /// `rdbLoadDoubleValue`: the text form of old sorted sets (length byte, 253 NaN,
    /// 254 +inf, 255 -inf).
    pub fn text_double(&mut self) -> R<f64> {
        let at = self.pos;
        let n = self.u8()?;
        let v = match n {
            253 => f64::NAN,
            254 => f64::INFINITY,
            255 => f64::NEG_INFINITY,
            _ => {
                let s = self.take(u64::from(n))?;
                match std::str::from_utf8(s).ok().and_then(|t| t.parse().ok()) {
                    Some(v) => v,
                    None => {
                        self.pos = at;
                        return self.fail("invalid double");
                    }
                }
            }
        };
        Ok(v)
    }

    pub fn binary_double(&mut self) -> R<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }
}
