//! A list value as Redis 7.0 keeps it: a quicklist, a sequence of packed nodes ([`Pack`]),
//! each bounded by `list-max-listpack-size`, plus the total length.
//!
//! A short list is one node, one allocation, instead of a block per element. An index is
//! found by walking the nodes by their counts (a 100k-element list of short strings has a
//! few hundred nodes) and then the entries of one node (at most 8 KB by default). Pushes
//! and pops at either end touch one end node; a node added or emptied at the head shifts
//! the node table (a few hundred slots), once per node's worth of elements. Nodes are
//! never empty. An element too big for
//! the node limit sits alone in its own node, as Redis's plain nodes.
//!
//! Every entry handed out is a slice into a node; pops copy it into an owned `Bytes`.
//! Nothing here knows about keys, replies or the configuration: whoever creates a list
//! gives it `list-max-listpack-size`, and it keeps that fill for life, as Redis's does
//! (CONFIG SET reaches new lists only).

use super::listpack::{self, Pack};
use bytes::Bytes;

/// `list-max-listpack-size`'s default: nodes of up to 8 KB.
pub const DEFAULT_FILL: i32 = -2;
/// Redis's size classes for a negative fill (-1 .. -5).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A node never grows past this when the fill is a count (SIZE_SAFETY_LIMIT).
const SIZE_SAFETY_LIMIT: usize = 8192;
/// A Redis listpack's header (total bytes, count) and end byte: counted into a node's
/// size so that our nodes fill up about as Redis's do.
const PACK_OVERHEAD: usize = 7;

/// Whether Redis 7.0 appends an element of `sz` bytes to a node of `node_sz` bytes and
/// `count` elements (`_quicklistNodeAllowInsert`).
pub fn allow_insert(node_sz: usize, count: usize, sz: usize, fill: i32) -> bool {
    let mut overhead = if sz < 254 { 1 } else { 5 };
    overhead += if sz < 64 {
        1
    } else if sz < 16384 {
        2
    } else {
        5
    };
    let new_sz = node_sz + sz + overhead;
    if fill < 0 {
        // quicklistSetFill clamps the fill to -5.
        let level = ((-(fill as i64) - 1) as usize).min(OPTIMIZATION_LEVEL.len() - 1);
        return new_sz <= OPTIMIZATION_LEVEL[level];
    }
    new_sz <= SIZE_SAFETY_LIMIT && (count as i64) < i64::from(fill)
}

/// Redis's bound on a count fill (quicklist's FILL_MAX): fills are clamped to
/// `-5..=FILL_MAX`, so one fits an `i16`.
const FILL_MAX: i32 = (1 << 15) - 1;
/// The bits of `List::meta` that hold the length; the fill takes the top 16.
const LEN_BITS: u32 = 48;
const LEN_MASK: u64 = (1 << LEN_BITS) - 1;

/// A list: packed nodes, the total length and the fill. 32 bytes, so that a `Value`
/// holds it without a box (a `Vec` of nodes rather than a `VecDeque`, and the length and
/// fill sharing a word, are what keep it there).
#[derive(Clone)]
pub struct List {
    nodes: Vec<Pack>,
    /// The length (low 48 bits) and `list-max-listpack-size` as of the list's creation,
    /// clamped as Redis does (top 16 bits, signed).
    meta: u64,
}

impl Default for List {
    fn default() -> Self {
        List::with_fill(DEFAULT_FILL)
    }
}

/// Whether `node` takes one more element of `sz` bytes under `fill`.
fn fits(node: &Pack, sz: usize, fill: i32) -> bool {
    allow_insert(node.bytes() + PACK_OVERHEAD, node.len(), sz, fill)
}

/// A node holding just `e`.
fn node_of(e: &[u8]) -> Pack {
    let mut p = Pack::new();
    p.push(e);
    p
}

/// The byte position where entry `k` of `node` starts (its end when `k` is the count).
fn start_of(node: &Pack, k: usize) -> usize {
    match k.checked_sub(1) {
        None => 0,
        Some(prev) => node
            .cursors()
            .nth(prev)
            .map_or(node.bytes(), |(_, c)| c.next()),
    }
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    /// An empty list whose nodes follow `fill` (`list-max-listpack-size`).
    pub fn with_fill(fill: i32) -> List {
        let mut l = List {
            nodes: Vec::new(),
            meta: 0,
        };
        l.set_fill(fill);
        l
    }

    /// The node bound later writes follow, clamped to `-5..=32767` as Redis's
    /// `quicklistSetFill`. Nodes already built keep their size.
    pub fn set_fill(&mut self, fill: i32) {
        let fill = fill.clamp(-5, FILL_MAX) as i16;
        self.meta = (self.meta & LEN_MASK) | (u64::from(fill as u16) << LEN_BITS);
    }

    pub fn fill(&self) -> i32 {
        i32::from((self.meta >> LEN_BITS) as u16 as i16)
    }

    pub fn len(&self) -> usize {
        (self.meta & LEN_MASK) as usize
    }

    fn set_len(&mut self, len: usize) {
        self.meta = (self.meta & !LEN_MASK) | (len as u64 & LEN_MASK);
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The packed nodes, head first.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Pack> {
        self.nodes.iter()
    }

    /// Heap bytes held: the node table and every node's buffer (not the `List` itself).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Pack>()
            + self.nodes.iter().map(Pack::heap_bytes).sum::<usize>()
    }

    /// Adds a node at either end. The node table of a one-node list is sized exactly: most
    /// lists are short, and the table's first growth would reserve four slots.
    fn add_node(&mut self, node: Pack, front: bool) {
        if self.nodes.capacity() == 0 {
            self.nodes.reserve_exact(1);
        }
        if front {
            self.nodes.insert(0, node);
        } else {
            self.nodes.push(node);
        }
    }

    /// Appends `e` at the tail.
    pub fn push_back(&mut self, e: &[u8]) {
        let fill = self.fill();
        match self.nodes.last_mut() {
            Some(node) if fits(node, e.len(), fill) => node.push(e),
            _ => self.add_node(node_of(e), false),
        }
        self.set_len(self.len() + 1);
    }

    /// Prepends `e` at the head.
    pub fn push_front(&mut self, e: &[u8]) {
        let fill = self.fill();
        match self.nodes.first_mut() {
            Some(node) if fits(node, e.len(), fill) => node.insert(0, &[e]),
            _ => self.add_node(node_of(e), true),
        }
        self.set_len(self.len() + 1);
    }

    /// Removes and returns the head element.
    pub fn pop_front(&mut self) -> Option<Bytes> {
        let mut out = None;
        self.cut_front(1, |e| out = Some(Bytes::copy_from_slice(e)));
        out
    }

    /// Removes and returns the tail element.
    pub fn pop_back(&mut self) -> Option<Bytes> {
        let mut out = None;
        self.cut_back(1, |e| out = Some(Bytes::copy_from_slice(e)));
        out
    }

    /// Removes up to `n` elements from the head, handing each to `sink` head first.
    /// Whole nodes go at once; a partly cut node moves its tail once.
    fn cut_front(&mut self, n: usize, mut sink: impl FnMut(&[u8])) {
        let mut left = n.min(self.len());
        self.set_len(self.len() - left);
        // Whole nodes leave the table in one shift at the end.
        let mut whole = 0;
        while left > 0 {
            let Some(node) = self.nodes.get_mut(whole) else {
                break;
            };
            let take = left.min(node.len());
            node.iter().take(take).for_each(&mut sink);
            if take == node.len() {
                whole += 1;
            } else if let Some((_, c)) = node.entry_at(0) {
                node.remove(c, take);
            }
            left -= take;
        }
        self.nodes.drain(..whole);
    }

    /// Removes up to `n` elements from the tail, handing each to `sink` tail first.
    fn cut_back(&mut self, n: usize, mut sink: impl FnMut(&[u8])) {
        let mut left = n.min(self.len());
        self.set_len(self.len() - left);
        while left > 0 {
            let Some(node) = self.nodes.last_mut() else {
                break;
            };
            let take = left.min(node.len());
            let keep = node.len() - take;
            // The node walks forward only: gather its tail, then hand it out reversed.
            let tail: Vec<&[u8]> = node.iter().skip(keep).collect();
            tail.iter().rev().for_each(|e| sink(e));
            if keep == 0 {
                self.nodes.pop();
            } else if let Some((_, c)) = node.cursors().nth(keep) {
                node.remove(c, take);
            }
            left -= take;
        }
    }

    /// Pops up to `n` elements from the head, in pop order.
    pub fn drain_front(&mut self, n: usize) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(n.min(self.len()));
        self.cut_front(n, |e| out.push(Bytes::copy_from_slice(e)));
        out
    }

    /// Pops up to `n` elements from the tail, in pop order (tail first).
    pub fn drain_back(&mut self, n: usize) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(n.min(self.len()));
        self.cut_back(n, |e| out.push(Bytes::copy_from_slice(e)));
        out
    }

    /// Keeps only positions `start..=stop` (both in range, `start <= stop`).
    pub fn keep(&mut self, start: usize, stop: usize) {
        let back = self.len().saturating_sub(stop + 1);
        self.cut_back(back, |_| {});
        self.cut_front(start, |_| {});
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.nodes = Vec::new();
        self.set_len(0);
    }

    /// The node holding position `i` and `i`'s offset in it, walking node counts from
    /// the nearer end.
    fn locate(&self, i: usize) -> Option<(usize, usize)> {
        let len = self.len();
        if i >= len {
            return None;
        }
        if i < len / 2 {
            let mut i = i;
            for (n, node) in self.nodes.iter().enumerate() {
                if i < node.len() {
                    return Some((n, i));
                }
                i -= node.len();
            }
        } else {
            // Counted from the tail: 0 is the last element.
            let mut back = len - 1 - i;
            for (n, node) in self.nodes.iter().enumerate().rev() {
                if back < node.len() {
                    return Some((n, node.len() - 1 - back));
                }
                back -= node.len();
            }
        }
        None
    }

    /// The element at position `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let (n, off) = self.locate(i)?;
        self.nodes[n].get(off)
    }

    /// Replaces the element at position `i`; false when `i` is out of range. The node
    /// may outgrow its bound, as Redis's does on LSET.
    pub fn set(&mut self, i: usize, e: &[u8]) -> bool {
        let Some((n, off)) = self.locate(i) else {
            return false;
        };
        let node = &mut self.nodes[n];
        match node.cursors().nth(off) {
            Some((_, c)) => {
                node.replace(c, e);
                true
            }
            None => false,
        }
    }

    /// Inserts `e` before position `i` (`len` appends). A full node is split at `i`, as
    /// quicklist does, so no node grows past its bound.
    pub fn insert(&mut self, i: usize, e: &[u8]) {
        if i == 0 {
            return self.push_front(e);
        }
        let Some((n, off)) = self.locate(i) else {
            return self.push_back(e);
        };
        let fill = self.fill();
        self.set_len(self.len() + 1);
        let node = &mut self.nodes[n];
        if fits(node, e.len(), fill) {
            let at = start_of(node, off);
            return node.insert(at, &[e]);
        }
        if off == 0 {
            // At a node's head: the end of the node before does as well.
            match n.checked_sub(1).map(|p| &mut self.nodes[p]) {
                Some(prev) if fits(prev, e.len(), fill) => prev.push(e),
                _ => self.nodes.insert(n, node_of(e)),
            }
            return;
        }
        // Split: the entries from `off` on go to a new node after this one.
        let moved: Vec<&[u8]> = node.iter().skip(off).collect();
        let mut tail = Pack::new();
        tail.insert(0, &moved);
        if let Some((_, c)) = node.cursors().nth(off) {
            node.remove(c, node.len() - off);
        }
        if fits(node, e.len(), fill) {
            node.push(e);
            self.nodes.insert(n + 1, tail);
        } else {
            self.nodes.insert(n + 1, node_of(e));
            self.nodes.insert(n + 2, tail);
        }
    }

    /// Removes up to `limit` elements at positions `from..` that `is` picks, head first.
    /// Each touched node is rebuilt once: O(N) however many go (LREM).
    pub fn remove_matching(
        &mut self,
        from: usize,
        limit: usize,
        mut is: impl FnMut(&[u8]) -> bool,
    ) -> usize {
        let mut pos = 0;
        let mut removed = 0;
        for node in self.nodes.iter_mut() {
            if removed >= limit {
                break;
            }
            if pos + node.len() <= from {
                pos += node.len();
                continue;
            }
            let rebuilt = {
                let mut kept: Vec<&[u8]> = Vec::with_capacity(node.len());
                for e in node.iter() {
                    if pos >= from && removed < limit && is(e) {
                        removed += 1;
                    } else {
                        kept.push(e);
                    }
                    pos += 1;
                }
                (kept.len() < node.len()).then(|| {
                    let mut p = Pack::new();
                    p.insert(0, &kept);
                    p
                })
            };
            if let Some(p) = rebuilt {
                *node = p;
            }
        }
        if removed > 0 {
            self.nodes.retain(|n| !n.is_empty());
            self.set_len(self.len() - removed);
        }
        removed
    }

    /// Every element, head first.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            nodes: self.nodes.iter(),
            cur: None,
            left: self.len(),
        }
    }

    /// Positions `start..=stop`, head first (empty when `start` is out of range).
    pub fn range(&self, start: usize, stop: usize) -> Iter<'_> {
        let Some((n, off)) = self.locate(start) else {
            return Iter {
                nodes: [].iter(),
                cur: None,
                left: 0,
            };
        };
        let mut cur = self.nodes[n].iter();
        for _ in 0..off {
            cur.next();
        }
        Iter {
            nodes: self.nodes[n + 1..].iter(),
            cur: Some(cur),
            left: (stop.min(self.len() - 1) + 1).saturating_sub(start),
        }
    }

    /// Every element, tail first.
    pub fn iter_rev(&self) -> RevIter<'_> {
        RevIter {
            nodes: self.nodes.iter(),
            node: Vec::new(),
            left: self.len(),
        }
    }
}

/// A list's elements head first (see [`List::iter`], [`List::range`]).
pub struct Iter<'a> {
    nodes: std::slice::Iter<'a, Pack>,
    cur: Option<listpack::Iter<'a>>,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        loop {
            if let Some(e) = self.cur.as_mut().and_then(Iterator::next) {
                self.left -= 1;
                return Some(e);
            }
            self.cur = Some(self.nodes.next()?.iter());
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// A list's elements tail first. A node walks forward only, so each node's entries are
/// gathered once, then handed out backwards.
pub struct RevIter<'a> {
    nodes: std::slice::Iter<'a, Pack>,
    node: Vec<&'a [u8]>,
    left: usize,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            if let Some(e) = self.node.pop() {
                self.left -= 1;
                return Some(e);
            }
            self.node.extend(self.nodes.next_back()?.iter());
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for RevIter<'_> {}

/// Lists are equal when their elements are, however they are split into nodes.
impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(Bytes::copy_from_slice))
            .finish()
    }
}

impl<T: AsRef<[u8]>> FromIterator<T> for List {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> List {
        let mut l = List::new();
        items.into_iter().for_each(|e| l.push_back(e.as_ref()));
        l
    }
}

impl<T: AsRef<[u8]>, const N: usize> From<[T; N]> for List {
    fn from(items: [T; N]) -> List {
        items.into_iter().collect()
    }
}

#[cfg(test)]
mod tests;
