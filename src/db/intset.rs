//! A sorted array of distinct integers packed in one allocation, Redis's `intset`: every
//! integer is stored little-endian in the smallest width (2, 4 or 8 bytes) that fits them
//! all, and found by binary search.
//!
//! As in Redis, the width only ever grows (an insert that needs a wider one rewrites the
//! array), and the buffer is kept exactly as long as its content: a small set of integers
//! costs its integers plus one block. Nothing here knows about set semantics or limits;
//! `set.rs` decides when a set is an intset.

use std::cmp::Ordering;

/// Bytes per integer. The discriminants are the widths, as Redis's `INTSET_ENC_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Width {
    W2 = 2,
    W4 = 4,
    W8 = 8,
}

impl Width {
    /// The smallest width that holds `v` (Redis's `_intsetValueEncoding`).
    fn of(v: i64) -> Width {
        if i16::try_from(v).is_ok() {
            Width::W2
        } else if i32::try_from(v).is_ok() {
            Width::W4
        } else {
            Width::W8
        }
    }

    fn bytes(self) -> usize {
        self as usize
    }
}

/// Sorted distinct integers, packed (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntSet {
    /// `len() * width` bytes, ascending. A boxed slice: no capacity to store, and its
    /// allocation is exactly its content.
    data: Box<[u8]>,
    width: Width,
}

impl Default for IntSet {
    fn default() -> IntSet {
        IntSet::new()
    }
}

impl IntSet {
    /// An empty set of the narrowest width, as Redis's `intsetNew`.
    pub fn new() -> IntSet {
        IntSet {
            data: Box::default(),
            width: Width::W2,
        }
    }

    pub fn len(&self) -> usize {
        self.data.len() / self.width.bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Bytes per integer (2, 4 or 8).
    pub fn width(&self) -> usize {
        self.width.bytes()
    }

    /// The integer at position `i` (ascending order).
    pub fn get(&self, i: usize) -> Option<i64> {
        (i < self.len()).then(|| self.at(i))
    }

    /// The integer at `i < len()`, sign-extended from its width.
    fn at(&self, i: usize) -> i64 {
        let w = self.width.bytes();
        let b = &self.data[i * w..i * w + w];
        match self.width {
            Width::W2 => i64::from(i16::from_le_bytes([b[0], b[1]])),
            Width::W4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            Width::W8 => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }

    /// Where `v` is (`Ok`) or would go (`Err`).
    fn search(&self, v: i64) -> Result<usize, usize> {
        if Width::of(v) > self.width {
            // Wider than every member: below or above them all.
            return Err(if v < 0 { 0 } else { self.len() });
        }
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.at(mid).cmp(&v) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Adds `v`; false when it was already there.
    pub fn insert(&mut self, v: i64) -> bool {
        let pos = match self.search(v) {
            Ok(_) => return false,
            Err(pos) => pos,
        };
        self.widen(Width::of(v));
        let w = self.width.bytes();
        // Grown by exactly one integer, as Redis's intsetResize.
        let mut data = Vec::with_capacity(self.data.len() + w);
        data.extend_from_slice(&self.data[..pos * w]);
        data.extend_from_slice(&v.to_le_bytes()[..w]);
        data.extend_from_slice(&self.data[pos * w..]);
        self.data = data.into_boxed_slice();
        true
    }

    /// Rewrites every integer in `width` when it is wider than the current one.
    fn widen(&mut self, width: Width) {
        if width <= self.width {
            return;
        }
        let w = width.bytes();
        let mut data = Vec::with_capacity(self.len() * w);
        for i in 0..self.len() {
            data.extend_from_slice(&self.at(i).to_le_bytes()[..w]);
        }
        self.data = data.into_boxed_slice();
        self.width = width;
    }

    /// Makes the integers at least `bytes` wide (2, 4 or 8), as a loaded intset keeps the
    /// width it was saved with.
    pub fn widen_to(&mut self, bytes: usize) {
        let width = match bytes {
            8 => Width::W8,
            4 => Width::W4,
            _ => Width::W2,
        };
        self.widen(width);
    }

    /// Removes `v`; false when it was not there.
    pub fn remove(&mut self, v: i64) -> bool {
        match self.search(v) {
            Ok(i) => {
                self.remove_at(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes and returns the integer at position `i`.
    pub fn remove_at(&mut self, i: usize) -> Option<i64> {
        let v = self.get(i)?;
        let w = self.width.bytes();
        // Redis shrinks the allocation on every removal; so do we, to stay exact.
        let mut data = Vec::with_capacity(self.data.len() - w);
        data.extend_from_slice(&self.data[..i * w]);
        data.extend_from_slice(&self.data[i * w + w..]);
        self.data = data.into_boxed_slice();
        Some(v)
    }

    /// The integers in ascending order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    /// Redis's serialized intset (RDB type 11's payload): the width and the count as
    /// little-endian u32s, then the integers.
    pub fn blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.data.len());
        out.extend_from_slice(&(self.width.bytes() as u32).to_le_bytes());
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// Heap bytes held (the buffer is exactly its content).
    pub fn heap_bytes(&self) -> usize {
        self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_sorted_unique_and_widens_once_needed() {
        let mut s = IntSet::new();
        for v in [5, -3, 100, 5, 0] {
            s.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), [-3, 0, 5, 100]);
        assert_eq!(s.width(), 2);
        assert!(s.insert(70000));
        assert_eq!(s.width(), 4);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.width(), 8);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [i64::MIN, -3, 0, 5, 100, 70000]
        );
        assert!(s.contains(70000) && s.contains(i64::MIN) && !s.contains(1));
        assert!(!s.insert(100));
        // Removing the wide members keeps the width, as Redis.
        assert!(s.remove(i64::MIN) && s.remove(70000) && !s.remove(70000));
        assert_eq!(s.width(), 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), [-3, 0, 5, 100]);
        assert_eq!(s.remove_at(0), Some(-3));
        assert_eq!(s.get(2), Some(100));
        assert_eq!(s.get(3), None);
    }

    #[test]
    fn values_wider_than_the_set_are_found_missing_at_the_ends() {
        let mut s = IntSet::new();
        s.insert(1);
        assert!(!s.contains(1 << 40) && !s.contains(-(1 << 40)));
        s.insert(-(1 << 40));
        s.insert(1 << 40);
        assert_eq!(s.iter().collect::<Vec<_>>(), [-(1 << 40), 1, 1 << 40]);
    }

    #[test]
    fn blob_is_redis_layout_and_buffer_is_exact() {
        let mut s = IntSet::new();
        for v in [2, 1, 3] {
            s.insert(v);
        }
        assert_eq!(s.blob(), [2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0]);
        assert_eq!(s.heap_bytes(), 6);
    }
}
