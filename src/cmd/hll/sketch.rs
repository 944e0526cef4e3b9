//! Redis's HyperLogLog string, byte for byte: a 16-byte header (`HYLL`, the encoding, three
//! unused bytes, the cached cardinality as 8 little-endian bytes whose top bit marks it
//! stale) and 16384 six-bit registers, either dense (12288 bytes, register `i` at bit
//! `6*i`, least significant bits first) or sparse (run-length opcodes: ZERO `00llllll`,
//! XZERO `01llllll llllllll`, VAL `1vvvvvll`). Elements hash with MurmurHash64A (seed
//! 0xadc83b19); counts use Ertl's improved estimator, as Redis 7.0 does.
//!
//! The sparse update mirrors Redis's `hllSparseSet` step for step (split the opcode
//! covering the register, then merge equal neighbouring VALs over at most five opcodes),
//! because the exact bytes it leaves are what GET, DUMP and replicas see.

/// Header bytes.
pub const HDR: usize = 16;
/// Registers (2^14).
pub const REGISTERS: usize = 1 << P;
const P: u32 = 14;
/// Hash bits left to count zeros in.
const Q: usize = 64 - P as usize;
/// The dense string's length: the header and 16384 six-bit registers.
pub const DENSE_SIZE: usize = HDR + (REGISTERS * 6).div_ceil(8);
pub const DENSE: u8 = 0;
pub const SPARSE: u8 = 1;
const ZERO_MAX_LEN: usize = 64;
const XZERO_MAX_LEN: usize = 16384;
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
pub(super) const REGISTER_MAX: u8 = 63;

/// A sparse representation that does not cover exactly 16384 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// MurmurHash2, 64-bit version, reading words little-endian as Redis does on every
/// architecture.
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element lands in and the length of its `0...01` run (1..=51).
pub fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, 0xadc8_3b19);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = (hash >> P) | (1 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// A new, empty HLL: sparse, one XZERO covering every register, a valid cached 0.
pub fn new_sparse() -> Vec<u8> {
    let mut s = vec![0u8; HDR];
    s[..4].copy_from_slice(b"HYLL");
    s[4] = SPARSE;
    push_zeros(&mut s, REGISTERS);
    s
}

/// Whether `s` passes Redis's `isHLLObjectOrReply` checks.
pub fn is_valid(s: &[u8]) -> bool {
    s.len() >= HDR
        && &s[..4] == b"HYLL"
        && s[4] <= SPARSE
        && (s[4] != DENSE || s.len() == DENSE_SIZE)
}

/// The cached cardinality, if valid.
pub fn cached(s: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(s[8..16].try_into().ok()?);
    (s[15] & 0x80 == 0).then_some(card)
}

pub fn set_cache(s: &mut [u8], card: u64) {
    s[8..16].copy_from_slice(&card.to_le_bytes());
}

pub fn invalidate(s: &mut [u8]) {
    s[15] |= 0x80;
}

// ----- dense -----

pub(super) fn dense_get(regs: &[u8], i: usize) -> u8 {
    let bit = i * 6;
    let (byte, fb) = (bit / 8, bit % 8);
    let b0 = u16::from(regs[byte]);
    let b1 = u16::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & u16::from(REGISTER_MAX)) as u8
}

pub(super) fn dense_put(regs: &mut [u8], i: usize, v: u8) {
    let bit = i * 6;
    let (byte, fb) = (bit / 8, bit % 8);
    let v = u16::from(v & REGISTER_MAX) << fb;
    let mask = u16::from(REGISTER_MAX) << fb;
    regs[byte] = (regs[byte] & !(mask as u8)) | v as u8;
    if let Some(b) = regs.get_mut(byte + 1) {
        *b = (*b & !((mask >> 8) as u8)) | (v >> 8) as u8;
    }
}

/// Raises register `i` of a dense HLL to `count`; whether it changed.
fn dense_set(s: &mut [u8], i: usize, count: u8) -> bool {
    let regs = &mut s[HDR..];
    if count > dense_get(regs, i) {
        dense_put(regs, i, count);
        true
    } else {
        false
    }
}

// ----- sparse -----

fn is_zero(b: u8) -> bool {
    b & 0xc0 == 0
}

fn is_xzero(b: u8) -> bool {
    b & 0xc0 == 0x40
}

fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}

fn zero_len(b: u8) -> usize {
    usize::from(b & 0x3f) + 1
}

fn xzero_len(b: u8, b2: u8) -> usize {
    (usize::from(b & 0x3f) << 8 | usize::from(b2)) + 1
}

fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}

fn val_len(b: u8) -> usize {
    usize::from(b & 0x3) + 1
}

fn val_op(value: u8, len: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (len - 1) as u8
}

/// Appends a run of `len` zero registers: ZERO when it fits, else XZERO.
fn push_zero_run(out: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        let l = len - 1;
        out.push(0x40 | (l >> 8) as u8);
        out.push((l & 0xff) as u8);
    } else {
        out.push((len - 1) as u8);
    }
}

/// Appends `n` zero registers as XZERO opcodes (the empty HLL's body).
fn push_zeros(out: &mut Vec<u8>, mut n: usize) {
    while n > 0 {
        let run = n.min(XZERO_MAX_LEN);
        let l = run - 1;
        out.push(0x40 | (l >> 8) as u8);
        out.push((l & 0xff) as u8);
        n -= run;
    }
}

/// One decoded sparse opcode: `(registers covered, value, bytes)`.
fn op_at(s: &[u8], p: usize) -> (usize, u8, usize) {
    let b = s[p];
    if is_zero(b) {
        (zero_len(b), 0, 1)
    } else if is_xzero(b) {
        (xzero_len(b, s.get(p + 1).copied().unwrap_or(0)), 0, 2)
    } else {
        (val_len(b), val_value(b), 1)
    }
}

/// Every register of a sparse body, in order, as runs; `Err` unless they cover exactly
/// 16384 registers.
fn sparse_runs(s: &[u8], mut f: impl FnMut(usize, usize, u8)) -> Result<(), Corrupt> {
    let mut idx = 0;
    let mut p = HDR;
    while p < s.len() {
        let (len, value, oplen) = op_at(s, p);
        if idx + len > REGISTERS {
            return Err(Corrupt);
        }
        f(idx, len, value);
        idx += len;
        p += oplen;
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Converts a sparse HLL to dense (keeping the header's cache); `Ok(false)` if it already
/// was dense.
pub fn to_dense(s: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if s[4] == DENSE {
        return Ok(false);
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR].copy_from_slice(&s[..HDR]);
    dense[4] = DENSE;
    sparse_runs(s, |idx, len, value| {
        if value > 0 {
            for i in idx..idx + len {
                dense_put(&mut dense[HDR..], i, value);
            }
        }
    })?;
    *s = dense;
    Ok(true)
}

/// Raises register `index` of a sparse HLL to `count`, promoting it to dense when the value
/// does not fit a VAL opcode or the string would pass `max_bytes`. Redis's `hllSparseSet`.
fn sparse_set(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: find the opcode covering `index`.
    let end = s.len();
    let (mut p, mut first, mut span, mut oplen) = (HDR, 0usize, 0usize, 1usize);
    let mut prev = None;
    while p < end {
        let op = op_at(s, p);
        (span, oplen) = (op.0, op.2);
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return Err(Corrupt);
    }
    let b = s[p];
    // Step 2: the trivial cases update the opcode in place.
    if is_val(b) {
        if val_value(b) >= count {
            return Ok(false);
        }
        if span == 1 {
            s[p] = val_op(count, 1);
            merge(s, prev);
            return Ok(true);
        }
    }
    if is_zero(b) && span == 1 {
        s[p] = val_op(count, 1);
        merge(s, prev);
        return Ok(true);
    }
    // Otherwise the opcode splits in up to three (at most 5 bytes).
    let last = first + span - 1;
    let mut seq = Vec::with_capacity(5);
    if is_val(b) {
        let cur = val_value(b);
        if index != first {
            seq.push(val_op(cur, index - first));
        }
        seq.push(val_op(count, 1));
        if index != last {
            seq.push(val_op(cur, last - index));
        }
    } else {
        if index != first {
            push_zero_run(&mut seq, index - first);
        }
        seq.push(val_op(count, 1));
        if index != last {
            push_zero_run(&mut seq, last - index);
        }
    }
    // Step 3: put the new opcodes in place of the old one, unless that makes it too big.
    if seq.len() > oplen && (s.len() + seq.len() - oplen) as u64 > max_bytes {
        return promote(s, index, count);
    }
    s.splice(p..p + oplen, seq);
    merge(s, prev);
    Ok(true)
}

/// Step 4 of Redis's sparse update: merges neighbouring VAL opcodes of equal value whose
/// runs fit one opcode, scanning at most five opcodes from the one before the change.
fn merge(s: &mut Vec<u8>, prev: Option<usize>) {
    let mut p = prev.unwrap_or(HDR);
    let mut scan = 5;
    while p < s.len() && scan > 0 {
        scan -= 1;
        let b = s[p];
        if is_xzero(b) {
            p += 2;
            continue;
        }
        if is_zero(b) {
            p += 1;
            continue;
        }
        if let Some(&b2) = s.get(p + 1)
            && is_val(b2)
            && val_value(b) == val_value(b2)
        {
            let len = val_len(b) + val_len(b2);
            if len <= VAL_MAX_LEN {
                s[p + 1] = val_op(val_value(b), len);
                s.remove(p);
                continue;
            }
        }
        p += 1;
    }
}

fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(s)?;
    Ok(dense_set(s, index, count))
}

/// Raises register `index` to `count` in either encoding; whether it changed. A change
/// leaves the cache as it was: callers invalidate it once.
pub fn set(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    match s[4] {
        DENSE => Ok(dense_set(s, index, count)),
        SPARSE => sparse_set(s, index, count, max_bytes),
        _ => Err(Corrupt),
    }
}

/// Adds an element (PFADD's `hllAdd`); whether a register changed.
pub fn add(s: &mut Vec<u8>, ele: &[u8], max_bytes: u64) -> Result<bool, Corrupt> {
    let (index, count) = pat_len(ele);
    set(s, index, count, max_bytes)
}

/// Raises `max[i]` to each register of `s` (Redis's `hllMerge`).
pub fn merge_into(max: &mut [u8], s: &[u8]) -> Result<(), Corrupt> {
    if s[4] == DENSE {
        for (i, m) in max.iter_mut().enumerate().take(REGISTERS) {
            *m = (*m).max(dense_get(&s[HDR..], i));
        }
        return Ok(());
    }
    sparse_runs(s, |idx, len, value| {
        for m in &mut max[idx..idx + len] {
            *m = (*m).max(value);
        }
    })
}

/// The cardinality of a valid HLL string, computed (the cache is not read).
pub fn count(s: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u32; 64];
    if s[4] == DENSE {
        for i in 0..REGISTERS {
            histo[usize::from(dense_get(&s[HDR..], i))] += 1;
        }
    } else {
        sparse_runs(s, |_, len, value| histo[usize::from(value)] += len as u32)?;
    }
    Ok(estimate(&histo))
}

/// The cardinality of 16384 plain byte registers (PFCOUNT over several keys).
pub fn count_registers(max: &[u8]) -> u64 {
    let mut histo = [0u32; 64];
    for &r in max {
        histo[usize::from(r & 63)] += 1;
    }
    estimate(&histo)
}

/// Otmar Ertl's estimator over the register histogram ("New cardinality estimation
/// algorithms for HyperLogLog sketches", arXiv:1702.01284), in Redis's operation order.
fn estimate(histo: &[u32; 64]) -> u64 {
    const ALPHA_INF: f64 = 0.721_347_520_444_481_7; // 0.5 / ln(2)
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(histo[Q + 1])) / m);
    for j in (1..=Q).rev() {
        z += f64::from(histo[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histo[0]) / m);
    (ALPHA_INF * m * m / z).round() as u64
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// The registers of a dense HLL (PFDEBUG GETREG).
pub fn dense_registers(s: &[u8]) -> impl Iterator<Item = u8> + '_ {
    (0..REGISTERS).map(|i| dense_get(&s[HDR..], i))
}

/// The opcodes of a sparse HLL in PFDEBUG DECODE's words (`z:len`, `Z:len`, `v:val,len`).
pub fn decode(s: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut p = HDR;
    while p < s.len() {
        let b = s[p];
        let (len, value, oplen) = op_at(s, p);
        let _ = if is_zero(b) {
            write!(out, "z:{len} ")
        } else if is_xzero(b) {
            write!(out, "Z:{len} ")
        } else {
            write!(out, "v:{value},{len} ")
        };
        p += oplen;
    }
    out.trim_end_matches(' ').to_string()
}

#[cfg(test)]
#[path = "sketch_tests.rs"]
mod tests;
