//! The small encoding of a sorted set: member, score, member, score... in one [`Pack`],
//! sorted by (score, member), as Redis's listpack zset.
//!
//! Every operation is a linear scan over the pairs, which the thresholds
//! (`zset-max-listpack-entries` 128, `-value` 64 by default) keep short: that is what Redis
//! does with a listpack too.
//!
//! A score is packed in as few bytes as keep it exact, the entry's length saying how: an
//! integral score below 2^55 in magnitude is a little-endian two's complement integer of 0
//! to 7 bytes (0 takes none), any other score is the 8 bytes of its `f64`. Most scores in
//! use are integers (counters, timestamps, ranks), so this is usually smaller than the
//! 8-byte float and never larger, and, unlike Redis's text, it decodes without parsing on
//! every comparison of a scan. Like a listpack, which writes an integral score as an
//! integer, it turns -0 into 0.

use crate::db::listpack::Pack;
use std::ops::Range;

/// Integral scores with a magnitude below this are packed as integers (at most 7 bytes).
const INT_LIMIT: f64 = (1u64 << 55) as f64;

/// Packs `score` into `buf`, returning how many bytes it took.
fn encode(score: f64, buf: &mut [u8; 8]) -> usize {
    if score.fract() == 0.0 && (-INT_LIMIT..INT_LIMIT).contains(&score) {
        let i = score as i64;
        let bytes = i.to_le_bytes();
        let n = (0..8).find(|&n| widen(&bytes[..n]) == i).unwrap_or(8);
        buf[..n].copy_from_slice(&bytes[..n]);
        return n;
    }
    *buf = score.to_le_bytes();
    8
}

/// A little-endian two's complement integer of 0 to 8 bytes, sign-extended.
fn widen(b: &[u8]) -> i64 {
    let Some(&top) = b.last() else { return 0 };
    let mut x = [if top & 0x80 != 0 { 0xff } else { 0 }; 8];
    x[..b.len()].copy_from_slice(b);
    i64::from_le_bytes(x)
}

/// The score a packed entry holds (see [`encode`]).
fn decode(b: &[u8]) -> f64 {
    match <[u8; 8]>::try_from(b) {
        Ok(bits) => f64::from_le_bytes(bits),
        Err(_) => widen(b) as f64,
    }
}

/// A small sorted set.
#[derive(Debug, Clone, Default)]
pub struct Small {
    pack: Pack,
}

/// One element of a [`Small`] set and where its pair sits (byte offsets into the pack).
#[derive(Debug, Clone, Copy)]
pub struct Elem<'a> {
    pub member: &'a [u8],
    pub score: f64,
    pub start: usize,
    pub end: usize,
}

impl Small {
    pub fn len(&self) -> usize {
        self.pack.len() / 2
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.pack.heap_bytes()
    }

    /// The elements in order.
    pub fn pairs(&self) -> Pairs<'_> {
        Pairs {
            pack: &self.pack,
            at: 0,
        }
    }

    /// The element whose pair starts at byte `at`.
    pub fn elem_at(&self, at: usize) -> Option<Elem<'_>> {
        Pairs {
            pack: &self.pack,
            at,
        }
        .next()
    }

    /// `member`'s rank and element.
    pub fn find(&self, member: &[u8]) -> Option<(usize, Elem<'_>)> {
        self.pairs().enumerate().find(|(_, e)| e.member == member)
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|(_, e)| e.score)
    }

    /// Adds a member known to be absent, in order.
    pub fn insert_new(&mut self, member: &[u8], score: f64) {
        let mut at = 0;
        for e in self.pairs() {
            if score < e.score || (score == e.score && member < e.member) {
                break;
            }
            at = e.end;
        }
        let mut buf = [0u8; 8];
        let n = encode(score, &mut buf);
        self.pack.insert(at, &[member, &buf[..n]]);
    }

    /// Appends an element that sorts after every element held.
    pub fn push(&mut self, member: &[u8], score: f64) {
        let mut buf = [0u8; 8];
        let n = encode(score, &mut buf);
        self.pack.push(member);
        self.pack.push(&buf[..n]);
    }

    /// Removes the pair starting at byte `at`.
    fn remove_at(&mut self, at: usize, pairs: usize) {
        if let Some((_, c)) = self.pack.entry_at(at) {
            self.pack.remove(c, 2 * pairs);
        }
    }

    /// Removes `member`, returning its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let (_, e) = self.find(member)?;
        let (start, score) = (e.start, e.score);
        self.remove_at(start, 1);
        Some(score)
    }

    /// Moves an existing member to `score`: out and back in, as Redis's `zzlDelete` and
    /// `zzlInsert` do.
    pub fn set_score(&mut self, member: &[u8], score: f64) {
        if self.remove(member).is_some() {
            self.insert_new(member, score);
        }
    }

    /// Removes the elements at ranks `ranks`; returns how many.
    pub fn remove_ranks(&mut self, ranks: Range<usize>) -> usize {
        let Some(first) = self.pairs().nth(ranks.start) else {
            return 0;
        };
        let n = ranks.len().min(self.len() - ranks.start);
        let start = first.start;
        self.remove_at(start, n);
        n
    }

    /// How many leading elements satisfy `pred` (which holds for a prefix of the order).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        self.pairs().take_while(|e| pred(e.score, e.member)).count()
    }

    /// Where each element up to rank `rank` starts, for walking down from `rank`.
    pub fn starts_through(&self, rank: usize) -> Vec<usize> {
        if rank >= self.len() {
            return Vec::new();
        }
        self.pairs().take(rank + 1).map(|e| e.start).collect()
    }
}

/// The elements of a [`Small`] set, in order.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    pack: &'a Pack,
    at: usize,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        let (member, c) = self.pack.entry_at(self.at)?;
        let (score, c) = self.pack.entry_at(c.next())?;
        let e = Elem {
            member,
            score: decode(score),
            start: self.at,
            end: c.next(),
        };
        self.at = e.end;
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_pack_exactly_in_few_bytes() {
        let cases: &[(f64, usize)] = &[
            (0.0, 0),
            (-0.0, 0),
            (1.0, 1),
            (-1.0, 1),
            (127.0, 1),
            (128.0, 2),
            (-128.0, 1),
            (-129.0, 2),
            (1_700_000_000.0, 4),
            (1_700_000_000_000.0, 6),
            (INT_LIMIT - 8.0, 7),
            (-INT_LIMIT, 7),
            (INT_LIMIT, 8),
            (0.5, 8),
            (f64::INFINITY, 8),
            (f64::NEG_INFINITY, 8),
            (f64::MAX, 8),
            (f64::MIN_POSITIVE, 8),
            (-1e300, 8),
        ];
        for &(s, want) in cases {
            let mut buf = [0u8; 8];
            let n = encode(s, &mut buf);
            assert_eq!(n, want, "{s}");
            let back = decode(&buf[..n]);
            assert_eq!(back, s, "{s}");
            // -0 comes back as 0, the rest bit for bit.
            assert_eq!(back.to_bits(), if s == 0.0 { 0 } else { s.to_bits() });
        }
    }

    #[test]
    fn pairs_stay_sorted_by_score_then_member() {
        let mut z = Small::default();
        let items: [(&[u8], f64); 5] = [
            (b"b", 2.0),
            (b"a", 2.0),
            (b"", 1.5),
            (b"c", -3.0),
            (b"\0\xff", 2.0),
        ];
        for (m, s) in items {
            z.insert_new(m, s);
        }
        let got: Vec<(&[u8], f64)> = z.pairs().map(|e| (e.member, e.score)).collect();
        let want: Vec<(&[u8], f64)> = vec![
            (b"c", -3.0),
            (b"", 1.5),
            (b"\0\xff", 2.0),
            (b"a", 2.0),
            (b"b", 2.0),
        ];
        assert_eq!(got, want);
        z.set_score(b"c", 10.0);
        assert_eq!(z.pairs().last().map(|e| e.member), Some(&b"c"[..]));
        assert_eq!(z.remove_ranks(1..3), 2);
        let left: Vec<&[u8]> = z.pairs().map(|e| e.member).collect();
        assert_eq!(left, vec![&b""[..], b"b", b"c"]);
        assert_eq!(z.remove_ranks(2..10), 1);
        assert_eq!(z.remove_ranks(5..6), 0);
        assert_eq!(z.len(), 2);
        assert_eq!(z.starts_through(1).len(), 2);
        assert!(z.starts_through(2).is_empty());
    }
}
