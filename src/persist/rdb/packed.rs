//! The packed blobs Redis stores inside RDB strings, read back with every bound checked:
//! listpack (7.0), ziplist and zipmap (older files), intset. Each parser validates the
//! blob's own header against its size first, as Redis's shallow `*ValidateIntegrity`, then
//! walks the entries without ever reading past the end. Errors say what and where inside
//! the blob; the caller adds the blob's offset in the file.

use bytes::Bytes;

/// An element of a listpack or ziplist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Item<'_> {
    /// The element as a string (integers as their decimal text).
    pub fn to_bytes(self) -> Bytes {
        match self {
            Item::Int(v) => Bytes::from(v.to_string()),
            Item::Str(s) => Bytes::copy_from_slice(s),
        }
    }

    /// The element as an integer, if it is one or reads as one.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Item::Int(v) => Some(v),
            Item::Str(s) => crate::util::number::parse_i64(s),
        }
    }
}

pub type P<T> = Result<T, String>;

/// A little reader over one blob.
struct Blob<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Blob<'a> {
    fn take(&mut self, n: usize) -> P<&'a [u8]> {
        if n > self.b.len() - self.pos {
            return Err(format!("entry past the end at byte {}", self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> P<u8> {
        Ok(self.take(1)?[0])
    }

    fn le(&mut self, n: usize) -> P<u64> {
        let s = self.take(n)?;
        Ok(s.iter().rev().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }
}

/// Sign-extends the low `bits` of `v`.
fn signed(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// The elements of a listpack.
pub fn listpack(b: &[u8]) -> P<Vec<Item<'_>>> {
    if b.len() < 7 {
        return Err("listpack shorter than its header".into());
    }
    let total = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    if total != b.len() {
        return Err(format!(
            "listpack header says {total} bytes, blob has {}",
            b.len()
        ));
    }
    if b[b.len() - 1] != 0xFF {
        return Err("listpack without its end byte".into());
    }
    let count = u16::from_le_bytes([b[4], b[5]]);
    let mut r = Blob {
        b: &b[..b.len() - 1],
        pos: 6,
    };
    let mut out = Vec::new();
    while r.pos < r.b.len() {
        let start = r.pos;
        let e = r.u8()?;
        let item = if e & 0x80 == 0 {
            Item::Int(i64::from(e))
        } else if e & 0xC0 == 0x80 {
            Item::Str(r.take(usize::from(e & 0x3F))?)
        } else if e & 0xE0 == 0xC0 {
            Item::Int(signed(u64::from(e & 0x1F) << 8 | u64::from(r.u8()?), 13))
        } else if e & 0xF0 == 0xE0 {
            let n = usize::from(e & 0x0F) << 8 | usize::from(r.u8()?);
            Item::Str(r.take(n)?)
        } else {
            match e {
                0xF0 => {
                    let n = r.le(4)? as usize;
                    Item::Str(r.take(n)?)
                }
                0xF1 => Item::Int(signed(r.le(2)?, 16)),
                0xF2 => Item::Int(signed(r.le(3)?, 24)),
                0xF3 => Item::Int(signed(r.le(4)?, 32)),
                0xF4 => Item::Int(r.le(8)? as i64),
                _ => return Err(format!("bad listpack encoding {e:#x} at byte {start}")),
            }
        };
        // The entry's length, written backwards: 7 bits a byte, the first byte (the one
        // read last) without the high bit.
        let l = (r.pos - start) as u64;
        let n = match l {
            0..=127 => 1,
            128..16383 => 2,
            16383..2_097_151 => 3,
            2_097_151..268_435_455 => 4,
            _ => 5,
        };
        let back = r.take(n)?;
        let mut got = 0u64;
        for (i, &byte) in back.iter().enumerate() {
            let part = u64::from(byte & 127);
            got |= part << (7 * (n - 1 - i));
        }
        if got != l {
            return Err(format!(
                "listpack entry at byte {start} has a wrong back length"
            ));
        }
        out.push(item);
    }
    if count != 65535 && usize::from(count) != out.len() {
        return Err(format!(
            "listpack header says {count} entries, found {}",
            out.len()
        ));
    }
    Ok(out)
}

/// The elements of a ziplist (RDB before version 10).
pub fn ziplist(b: &[u8]) -> P<Vec<Item<'_>>> {
    if b.len() < 11 {
        return Err("ziplist shorter than its header".into());
    }
    let total = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    if total != b.len() {
        return Err(format!(
            "ziplist header says {total} bytes, blob has {}",
            b.len()
        ));
    }
    let tail = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if tail > b.len() - 1 {
        return Err("ziplist tail offset past the end".into());
    }
    if b[b.len() - 1] != 0xFF {
        return Err("ziplist without its end byte".into());
    }
    let count = u16::from_le_bytes([b[8], b[9]]);
    let mut r = Blob {
        b: &b[..b.len() - 1],
        pos: 10,
    };
    let mut out = Vec::new();
    let mut prev_len = 0usize;
    while r.pos < r.b.len() {
        let start = r.pos;
        let p = r.u8()?;
        let prevlen = if p < 254 {
            usize::from(p)
        } else if p == 254 {
            r.le(4)? as usize
        } else {
            return Err(format!("bad ziplist entry at byte {start}"));
        };
        if prevlen != prev_len {
            return Err(format!(
                "ziplist entry at byte {start} has a wrong previous length"
            ));
        }
        let e = r.u8()?;
        let item = match e >> 6 {
            0 => Item::Str(r.take(usize::from(e & 0x3F))?),
            1 => {
                let n = usize::from(e & 0x3F) << 8 | usize::from(r.u8()?);
                Item::Str(r.take(n)?)
            }
            2 if e == 0x80 => {
                let s = r.take(4)?;
                let n = u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize;
                Item::Str(r.take(n)?)
            }
            2 => return Err(format!("bad ziplist encoding {e:#x} at byte {start}")),
            _ => match e {
                0xC0 => Item::Int(signed(r.le(2)?, 16)),
                0xD0 => Item::Int(signed(r.le(4)?, 32)),
                0xE0 => Item::Int(r.le(8)? as i64),
                0xF0 => Item::Int(signed(r.le(3)?, 24)),
                0xFE => Item::Int(signed(r.le(1)?, 8)),
                0xF1..=0xFD => Item::Int(i64::from(e & 0x0F) - 1),
                _ => return Err(format!("bad ziplist encoding {e:#x} at byte {start}")),
            },
        };
        prev_len = r.pos - start;
        out.push(item);
    }
    if count != 65535 && usize::from(count) != out.len() {
        return Err(format!(
            "ziplist header says {count} entries, found {}",
            out.len()
        ));
    }
    Ok(out)
}

/// The field-value pairs of a zipmap (hashes in RDB before version 4... 6).
pub fn zipmap(b: &[u8]) -> P<Vec<(Bytes, Bytes)>> {
    let mut r = Blob { b, pos: 1 };
    if b.is_empty() {
        return Err("empty zipmap".into());
    }
    let mut out = Vec::new();
    loop {
        let n = match r.u8()? {
            0xFF => break,
            254 => r.le(4)? as usize,
            253 => return Err(format!("bad zipmap length at byte {}", r.pos - 1)),
            n => usize::from(n),
        };
        let field = Bytes::copy_from_slice(r.take(n)?);
        let n = match r.u8()? {
            254 => r.le(4)? as usize,
            0xFF | 253 => return Err(format!("bad zipmap length at byte {}", r.pos - 1)),
            n => usize::from(n),
        };
        let free = usize::from(r.u8()?);
        let value = Bytes::copy_from_slice(r.take(n)?);
        r.take(free)?;
        out.push((field, value));
    }
    if r.pos != b.len() {
        return Err("bytes after the zipmap's end".into());
    }
    Ok(out)
}

/// The members of an intset.
pub fn intset(b: &[u8]) -> P<Vec<i64>> {
    if b.len() < 8 {
        return Err("intset shorter than its header".into());
    }
    let width = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let n = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if ![2, 4, 8].contains(&width) {
        return Err(format!("bad intset encoding {width}"));
    }
    if n.checked_mul(width).and_then(|x| x.checked_add(8)) != Some(b.len()) {
        return Err("intset length does not match its size".into());
    }
    Ok(b[8..]
        .chunks_exact(width)
        .map(|c| {
            let v = c.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
            signed(v, width as u32 * 8)
        })
        .collect())
}
