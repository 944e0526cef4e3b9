//! A packed sequence of byte strings in one allocation: the small encoding of collections,
//! as Redis's listpack.
//!
//! A small hash, sorted set or list costs one heap block here instead of a table plus a
//! block per element. Each entry is its length as a LEB128 varint followed by its bytes,
//! so an entry of up to 127 bytes costs one byte of overhead. Walking is forward only and
//! every edit moves the tail: O(n), which is what the encoding thresholds (a few hundred
//! short entries) are for. The buffer is grown exactly, never doubled, so a pack holds no
//! spare capacity beyond what the allocator rounds up.
//!
//! Positions handed out ([`Cursor`]) are byte offsets; they stay valid until the next edit.

/// Entries packed into one buffer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pack {
    buf: Vec<u8>,
    count: u32,
}

/// Where an entry sits in a [`Pack`]: its byte range, header included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    start: usize,
    end: usize,
}

impl Cursor {
    /// Where this entry starts: the position to insert before it.
    pub fn start(self) -> usize {
        self.start
    }

    /// The position just after this entry: where the next one starts.
    pub fn next(self) -> usize {
        self.end
    }
}

/// The bytes a length header takes.
fn header_len(len: usize) -> usize {
    let bits = usize::BITS - len.leading_zeros();
    (bits.max(1) as usize).div_ceil(7)
}

fn put_header(out: &mut Vec<u8>, mut len: usize) {
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
}

impl Pack {
    pub fn new() -> Pack {
        Pack::default()
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes the entries take, headers included (what a node size limit counts).
    pub fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// Heap bytes held (the buffer's capacity).
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// The entry starting at byte `at` and its range, if one starts there.
    pub fn entry_at(&self, at: usize) -> Option<(&[u8], Cursor)> {
        let mut len = 0usize;
        let mut shift = 0;
        let mut pos = at;
        loop {
            let b = *self.buf.get(pos)?;
            pos += 1;
            len |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let end = pos + len;
        let bytes = self.buf.get(pos..end)?;
        Some((bytes, Cursor { start: at, end }))
    }

    /// Every entry in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { pack: self, at: 0 }
    }

    /// Every entry in order, with its position.
    pub fn cursors(&self) -> Cursors<'_> {
        Cursors { pack: self, at: 0 }
    }

    /// The entry at index `i`, counting from 0.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.iter().nth(i)
    }

    /// Appends an entry at the end.
    pub fn push(&mut self, entry: &[u8]) {
        self.buf
            .reserve_exact(header_len(entry.len()) + entry.len());
        put_header(&mut self.buf, entry.len());
        self.buf.extend_from_slice(entry);
        self.count += 1;
    }

    /// Inserts entries before the byte position `at` (an entry's start, or the end).
    pub fn insert(&mut self, at: usize, entries: &[&[u8]]) {
        let mut encoded =
            Vec::with_capacity(entries.iter().map(|e| header_len(e.len()) + e.len()).sum());
        for e in entries {
            put_header(&mut encoded, e.len());
            encoded.extend_from_slice(e);
        }
        self.buf.reserve_exact(encoded.len());
        self.buf.splice(at..at, encoded);
        self.count += entries.len() as u32;
    }

    /// Replaces the entry at `c` with `entry`.
    pub fn replace(&mut self, c: Cursor, entry: &[u8]) {
        let mut encoded = Vec::with_capacity(header_len(entry.len()) + entry.len());
        put_header(&mut encoded, entry.len());
        encoded.extend_from_slice(entry);
        let grow = encoded.len().saturating_sub(c.end - c.start);
        self.buf.reserve_exact(grow);
        self.buf.splice(c.start..c.end, encoded);
    }

    /// Removes `n` entries starting with the one at `c`.
    pub fn remove(&mut self, c: Cursor, n: usize) {
        let mut end = c.start;
        let mut removed = 0;
        while removed < n {
            match self.entry_at(end) {
                Some((_, e)) => end = e.end,
                None => break,
            }
            removed += 1;
        }
        self.buf.drain(c.start..end);
        self.count -= removed as u32;
        // Give back what a shrink frees, but not on every small removal.
        if self.buf.capacity() > 2 * self.buf.len() + 64 {
            self.buf.shrink_to_fit();
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.buf = Vec::new();
        self.count = 0;
    }
}

/// The entries of a [`Pack`], in order.
pub struct Iter<'a> {
    pack: &'a Pack,
    at: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (bytes, c) = self.pack.entry_at(self.at)?;
        self.at = c.end;
        Some(bytes)
    }
}

/// The entries of a [`Pack`] with their positions, in order.
pub struct Cursors<'a> {
    pack: &'a Pack,
    at: usize,
}

impl<'a> Iterator for Cursors<'a> {
    type Item = (&'a [u8], Cursor);

    fn next(&mut self) -> Option<(&'a [u8], Cursor)> {
        let (bytes, c) = self.pack.entry_at(self.at)?;
        self.at = c.end;
        Some((bytes, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(p: &Pack) -> Vec<Vec<u8>> {
        p.iter().map(|e| e.to_vec()).collect()
    }

    #[test]
    fn push_iterate_and_index() {
        let mut p = Pack::new();
        let long = vec![b'x'; 300];
        p.push(b"a");
        p.push(b"");
        p.push(&long);
        p.push(b"bc");
        assert_eq!(p.len(), 4);
        assert_eq!(
            entries(&p),
            vec![b"a".to_vec(), vec![], long.clone(), b"bc".to_vec()]
        );
        assert_eq!(p.get(2), Some(&long[..]));
        assert_eq!(p.get(4), None);
        // 1 + 1 + 1 + 0 + 2 + 300 + 1 + 2 bytes: a 300-byte entry needs a 2-byte header.
        assert_eq!(p.buf.len(), 308);
        assert_eq!(p.bytes(), 308);
    }

    #[test]
    fn header_lengths() {
        for (len, want) in [(0, 1), (127, 1), (128, 2), (16383, 2), (16384, 3)] {
            assert_eq!(header_len(len), want, "length {len}");
            let mut v = Vec::new();
            put_header(&mut v, len);
            assert_eq!(v.len(), want);
        }
    }

    #[test]
    fn insert_replace_remove() {
        let mut p = Pack::new();
        for e in [b"a", b"b", b"c", b"d"] {
            p.push(e);
        }
        let (_, c) = p.cursors().nth(1).unwrap();
        p.insert(c.start, &[b"x", b"yy"]);
        assert_eq!(
            entries(&p),
            [&b"a"[..], b"x", b"yy", b"b", b"c", b"d"].map(<[u8]>::to_vec)
        );
        let (_, c) = p.cursors().nth(2).unwrap();
        p.replace(c, &[b'z'; 200]);
        assert_eq!(p.get(2), Some(&[b'z'; 200][..]));
        assert_eq!(p.len(), 6);
        let (_, c) = p.cursors().nth(1).unwrap();
        p.remove(c, 2);
        assert_eq!(
            entries(&p),
            [&b"a"[..], b"b", b"c", b"d"].map(<[u8]>::to_vec)
        );
        let end = p.buf.len();
        p.insert(end, &[b"e"]);
        assert_eq!(p.get(4), Some(&b"e"[..]));
        let (_, c) = p.cursors().nth(3).unwrap();
        p.remove(c, 10);
        assert_eq!(p.len(), 3);
        p.clear();
        assert!(p.is_empty());
        assert_eq!(p.iter().count(), 0);
    }

    #[test]
    fn truncated_buffer_ends_iteration() {
        let mut p = Pack::new();
        p.push(b"hello");
        p.buf.truncate(3);
        assert_eq!(p.iter().count(), 0);
        assert_eq!(p.entry_at(100), None);
    }
}
