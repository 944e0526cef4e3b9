//! The primitives an RDB is made of, written into a `Vec<u8>`: lengths, strings with
//! Redis's integer and LZF encodings, doubles, and the packed blobs Redis stores as
//! strings (listpack, intset). Each follows the Redis 7.0 function it names.

use crate::util::number::parse_i64;

/// `rdbSaveLen`: 6, 14, 32 or 64 bits.
pub fn len(buf: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        buf.push(n as u8);
    } else if n < 1 << 14 {
        buf.push(0x40 | (n >> 8) as u8);
        buf.push(n as u8);
    } else if n <= u64::from(u32::MAX) {
        buf.push(0x80);
        buf.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        buf.push(0x81);
        buf.extend_from_slice(&n.to_be_bytes());
    }
}

/// The special string encodings (the low bits after `11` in a length byte).
pub const ENC_INT8: u8 = 0;
pub const ENC_INT16: u8 = 1;
pub const ENC_INT32: u8 = 2;
pub const ENC_LZF: u8 = 3;

/// `rdbEncodeInteger`: an integer in 8, 16 or 32 bits, or false if it needs more.
fn int(buf: &mut Vec<u8>, v: i64) -> bool {
    if let Ok(v) = i8::try_from(v) {
        buf.push(0xC0 | ENC_INT8);
        buf.push(v as u8);
    } else if let Ok(v) = i16::try_from(v) {
        buf.push(0xC0 | ENC_INT16);
        buf.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = i32::try_from(v) {
        buf.push(0xC0 | ENC_INT32);
        buf.extend_from_slice(&v.to_le_bytes());
    } else {
        return false;
    }
    true
}

/// `rdbSaveRawString`: a string that reads as a canonical integer of up to 32 bits is
/// written as that integer; one over 20 bytes is LZF-compressed when `compress` and the
/// compressed form saves at least 4 bytes; else the bytes with their length.
pub fn string(buf: &mut Vec<u8>, s: &[u8], compress: bool) {
    // string2ll accepts exactly the canonical decimal forms Redis's round-trip check does.
    if s.len() <= 11
        && let Some(v) = parse_i64(s)
        && int(buf, v)
    {
        return;
    }
    if compress && s.len() > 20 && lzf(buf, s) {
        return;
    }
    len(buf, s.len() as u64);
    buf.extend_from_slice(s);
}

thread_local! {
    /// LZF's output, reused: a save compresses millions of strings.
    static LZF_OUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `rdbSaveLzfStringObject`: false (nothing written) when compression saves too little.
fn lzf(buf: &mut Vec<u8>, s: &[u8]) -> bool {
    LZF_OUT.with_borrow_mut(|out| {
        // As Redis: the output may take at most len - 4 bytes, else the raw string is kept.
        let room = s.len() - 4;
        if out.len() < room {
            out.resize(room, 0);
        }
        let Ok(n) = lzf_rust::compress(s, &mut out[..room]) else {
            return false;
        };
        if n == 0 {
            return false;
        }
        buf.push(0xC0 | ENC_LZF);
        len(buf, n as u64);
        len(buf, s.len() as u64);
        buf.extend_from_slice(&out[..n]);
        // A huge string's buffer is not kept.
        if out.len() > 1 << 20 {
            *out = Vec::new();
        }
        true
    })
}

/// An integer as a string (`rdbSaveLongLongAsStringObject`).
pub fn int_string(buf: &mut Vec<u8>, v: i64) {
    if !int(buf, v) {
        let mut text = Vec::with_capacity(20);
        crate::util::number::format_i64(&mut text, v);
        len(buf, text.len() as u64);
        buf.extend_from_slice(&text);
    }
}

/// `rdbSaveBinaryDoubleValue`.
pub fn binary_double(buf: &mut Vec<u8>, v: f64) {
    buf.extend_from_slice(&v.to_le_bytes());
}

/// `rdbSaveMillisecondTime`.
pub fn millis(buf: &mut Vec<u8>, ms: u64) {
    buf.extend_from_slice(&ms.to_le_bytes());
}

/// A listpack being built (Redis's `lpAppend`): header, entries, end byte.
pub struct Listpack {
    buf: Vec<u8>,
    count: usize,
}

/// A listpack's header (total bytes, element count) and end byte.
const LP_HEADER: usize = 6;
const LP_EOF: u8 = 0xFF;

impl Default for Listpack {
    fn default() -> Self {
        Listpack::new()
    }
}

impl Listpack {
    pub fn new() -> Listpack {
        Listpack {
            buf: vec![0; LP_HEADER],
            count: 0,
        }
    }

    /// The size the finished listpack would have (`lpBytes`).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Appends a string; one that reads as an integer is stored as one, as listpack does.
    pub fn push(&mut self, s: &[u8]) {
        match parse_i64(s) {
            Some(v) => self.push_int(v),
            None => self.push_str(s),
        }
    }

    fn push_str(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let n = s.len();
        if n < 64 {
            self.buf.push(0x80 | n as u8);
        } else if n < 4096 {
            self.buf.push(0xE0 | (n >> 8) as u8);
            self.buf.push(n as u8);
        } else {
            self.buf.push(0xF0);
            self.buf.extend_from_slice(&(n as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        self.backlen(start);
    }

    /// Appends an integer in the smallest of listpack's integer encodings.
    pub fn push_int(&mut self, v: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&v) {
            self.buf.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = if v < 0 { (1 << 13) + v } else { v } as u16;
            self.buf.push(0xC0 | (u >> 8) as u8);
            self.buf.push(u as u8);
        } else if let Ok(v) = i16::try_from(v) {
            self.buf.push(0xF1);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else if (-8_388_608..=8_388_607).contains(&v) {
            self.buf.push(0xF2);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if let Ok(v) = i32::try_from(v) {
            self.buf.push(0xF3);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else {
            self.buf.push(0xF4);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        self.backlen(start);
    }

    /// `lpEncodeBacklen`: the entry's length, written to be read backwards.
    fn backlen(&mut self, start: usize) {
        let l = (self.buf.len() - start) as u64;
        let b = &mut self.buf;
        if l <= 127 {
            b.push(l as u8);
        } else if l < 16383 {
            b.extend_from_slice(&[(l >> 7) as u8, (l & 127) as u8 | 128]);
        } else if l < 2_097_151 {
            b.extend_from_slice(&[
                (l >> 14) as u8,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ]);
        } else if l < 268_435_455 {
            b.extend_from_slice(&[
                (l >> 21) as u8,
                ((l >> 14) & 127) as u8 | 128,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ]);
        } else {
            b.extend_from_slice(&[
                (l >> 28) as u8,
                ((l >> 21) & 127) as u8 | 128,
                ((l >> 14) & 127) as u8 | 128,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ]);
        }
        self.count += 1;
    }

    /// The finished blob.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(LP_EOF);
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        // Counts past 65534 are "unknown" (65535): readers count the entries.
        let count = self.count.min(65535) as u16;
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// An intset of `values` (sorted here), in the narrowest width that holds them all. Saving
/// writes a set's own intset (`db/intset.rs`); tests build payloads with this.
#[cfg(test)]
pub fn intset(values: &mut [i64]) -> Vec<u8> {
    values.sort_unstable();
    let width: usize = if values.iter().all(|&v| i16::try_from(v).is_ok()) {
        2
    } else if values.iter().all(|&v| i32::try_from(v).is_ok()) {
        4
    } else {
        8
    };
    let mut buf = Vec::with_capacity(8 + values.len() * width);
    buf.extend_from_slice(&(width as u32).to_le_bytes());
    buf.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for &v in values.iter() {
        buf.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    buf
}
