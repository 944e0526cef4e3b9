//! The FUNCTION DUMP payload, in Redis's DUMP format: for each library the RDB opcode
//! `RDB_OPCODE_FUNCTION2` (245) and its code as an RDB string, then the RDB version (2 bytes,
//! little-endian) and a CRC-64 (Jones, as Redis's `crc64`) of everything before it.
//!
//! Self-contained on purpose: the full RDB codec lives elsewhere; this needs only strings.
//! Reading accepts what redis-server writes (it LZF-compresses long strings); writing
//! stores strings plain, which Redis reads as well.

use crc::{CRC_64_REDIS, Crc};

const OPCODE_FUNCTION2: u8 = 245;
/// The RDB version Redis 7.0 writes (and the newest it reads).
const RDB_VERSION: u16 = 10;
const CRC64: Crc<u64> = Crc::<u64>::new(&CRC_64_REDIS);

/// The payload holding `codes` (each library's code).
pub fn encode<'a>(codes: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for code in codes {
        out.push(OPCODE_FUNCTION2);
        write_len(&mut out, code.len() as u64);
        out.extend_from_slice(code);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The libraries' codes in `payload`, or the error text RESTORE replies with.
pub fn decode(payload: &[u8]) -> Result<Vec<Vec<u8>>, &'static str> {
    const BAD: &str = "DUMP payload version or checksum are wrong";
    if payload.len() < 10 {
        return Err(BAD);
    }
    let (body, footer) = payload.split_at(payload.len() - 8);
    let version = u16::from_le_bytes([body[body.len() - 2], body[body.len() - 1]]);
    let crc = u64::from_le_bytes(footer.try_into().map_err(|_| BAD)?);
    if version > RDB_VERSION || CRC64.checksum(body) != crc {
        return Err(BAD);
    }
    let data = &body[..body.len() - 2];
    let mut r = Reader { data, pos: 0 };
    let mut codes = Vec::new();
    while r.pos < data.len() {
        if r.byte()? != OPCODE_FUNCTION2 {
            return Err("given type is not a function");
        }
        codes.push(r.string()?);
    }
    Ok(codes)
}

fn write_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "payload is not a function payload";

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.data.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], &'static str> {
        let end = self.pos.checked_add(n).ok_or(TRUNCATED)?;
        let s = self.data.get(self.pos..end).ok_or(TRUNCATED)?;
        self.pos = end;
        Ok(s)
    }

    /// An RDB length; `Err` for the special encodings, whose kind is returned in `Ok(Err)`.
    fn len(&mut self) -> Result<Result<u64, u8>, &'static str> {
        let b = self.byte()?;
        Ok(match b >> 6 {
            0 => Ok((b & 0x3f) as u64),
            1 => Ok((((b & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 if b == 0x80 => {
                let s = self.take(4)?;
                Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64)
            }
            2 if b == 0x81 => {
                let s = self.take(8)?;
                Ok(u64::from_be_bytes(s.try_into().map_err(|_| TRUNCATED)?))
            }
            2 => return Err(TRUNCATED),
            _ => Err(b & 0x3f),
        })
    }

    fn plain_len(&mut self) -> Result<usize, &'static str> {
        match self.len()? {
            Ok(n) => usize::try_from(n).map_err(|_| TRUNCATED),
            Err(_) => Err(TRUNCATED),
        }
    }

    fn string(&mut self) -> Result<Vec<u8>, &'static str> {
        match self.len()? {
            Ok(n) => Ok(self
                .take(usize::try_from(n).map_err(|_| TRUNCATED)?)?
                .to_vec()),
            Err(0) => Ok((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => {
                let s = self.take(2)?;
                Ok(i16::from_le_bytes([s[0], s[1]]).to_string().into_bytes())
            }
            Err(2) => {
                let s = self.take(4)?;
                Ok(i32::from_le_bytes([s[0], s[1], s[2], s[3]])
                    .to_string()
                    .into_bytes())
            }
            Err(3) => {
                let clen = self.plain_len()?;
                let len = self.plain_len()?;
                let packed = self.take(clen)?;
                lzf_decompress(packed, len).ok_or(TRUNCATED)
            }
            Err(_) => Err(TRUNCATED),
        }
    }
}

/// LZF decompression (liblzf's format, as Redis writes compressed strings).
pub fn lzf_decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(len);
    let mut i = 0;
    while i < input.len() {
        let ctrl = input[i] as usize;
        i += 1;
        if ctrl < 32 {
            let run = input.get(i..i + ctrl + 1)?;
            out.extend_from_slice(run);
            i += ctrl + 1;
        } else {
            let mut n = ctrl >> 5;
            if n == 7 {
                n += *input.get(i)? as usize;
                i += 1;
            }
            let back = ((ctrl & 0x1f) << 8) + *input.get(i)? as usize + 1;
            i += 1;
            let start = out.len().checked_sub(back)?;
            for k in 0..n + 2 {
                let b = out[start + k];
                out.push(b);
            }
        }
        if out.len() > len {
            return None;
        }
    }
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_checksum() {
        let long = vec![b'x'; 20_000];
        let codes: [&[u8]; 2] = [
            b"#!lua name=a\nredis.register_function('f', function() end)",
            &long,
        ];
        let payload = encode(codes.iter().copied());
        assert_eq!(
            decode(&payload).expect("decodes"),
            vec![codes[0].to_vec(), long]
        );
        let mut bad = payload.clone();
        bad[3] ^= 1;
        assert!(decode(&bad).is_err());
        assert!(decode(b"bad").is_err());
    }

    #[test]
    fn lzf_back_references() {
        // "abcabcabc": literal "abc", then a 6-byte copy from 3 back.
        let packed = [2, b'a', b'b', b'c', (4 << 5), 2];
        assert_eq!(
            lzf_decompress(&packed, 9).as_deref(),
            Some(&b"abcabcabc"[..])
        );
    }
}
