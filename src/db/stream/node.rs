//! A model of how Redis 7.0 lays a stream out in memory: a radix tree whose keys are the
//! first IDs of "nodes", each a listpack holding up to `stream-node-max-entries` entries or
//! `stream-node-max-bytes` bytes.
//!
//! We store entries in one ordered map, but three observable behaviours depend on that
//! layout: approximate trimming (`MAXLEN ~`, `MINID ~`) removes whole nodes only, and
//! XINFO STREAM reports `radix-tree-keys` and `radix-tree-nodes`. So each stream keeps, beside
//! its entries, the nodes Redis would have built: where each starts, how many live and
//! deleted entries it holds, and its listpack size computed with listpack's encoding rules.

use super::id::StreamId;
use crate::util::number::parse_i64;
use bytes::Bytes;

/// Redis 7.0's defaults for `stream-node-max-bytes` and `stream-node-max-entries`.
pub const NODE_MAX_BYTES: usize = 4096;
pub const NODE_MAX_ENTRIES: u64 = 100;

/// Entry flags Redis keeps in the listpack: an entry whose field names match the node's
/// first ("master") entry stores only its values.
const FLAG_SAMEFIELDS: i64 = 2;

/// One listpack node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// Entries not deleted.
    pub live: u64,
    /// Entries marked deleted but still taking space.
    pub deleted: u64,
    /// The last entry's ID, deleted or not.
    pub last: StreamId,
    /// Listpack bytes other than the two counters (which change size as they grow).
    rest: usize,
    /// The master entry's field names.
    master_fields: Vec<Bytes>,
}

impl Node {
    /// A node whose first entry is `id` with `fields` (name, value, name, value...).
    pub fn new(id: StreamId, fields: &[Bytes]) -> Node {
        let names: Vec<Bytes> = fields.iter().step_by(2).cloned().collect();
        // Listpack header (6) and end byte (1), then the master entry:
        // count, deleted, number of fields, the names, a zero terminator.
        let mut rest = 7 + int_size(names.len() as i64) + int_size(0);
        rest += names.iter().map(|n| elem_size(n)).sum::<usize>();
        let mut node = Node {
            live: 0,
            deleted: 0,
            last: id,
            rest,
            master_fields: names,
        };
        node.push(id, id, fields);
        node
    }

    /// The listpack's size in bytes (`lpBytes`).
    pub fn bytes(&self) -> usize {
        self.rest + int_size(self.live as i64) + int_size(self.deleted as i64)
    }

    /// Whether Redis would start a new node rather than append `fields` to this one.
    pub fn full(&self, fields: &[Bytes], max_bytes: usize, max_entries: u64) -> bool {
        let payload: usize = fields.iter().map(|f| f.len()).sum();
        self.bytes() + payload >= max_bytes
            || (max_entries != 0 && self.live + self.deleted >= max_entries)
    }

    /// Appends entry `id` to the node that starts at `master`.
    pub fn push(&mut self, master: StreamId, id: StreamId, fields: &[Bytes]) {
        let n = fields.len() / 2;
        let same = n == self.master_fields.len()
            && fields
                .iter()
                .step_by(2)
                .zip(&self.master_fields)
                .all(|(a, b)| a == b);
        // flags, ms delta, seq delta, [count, names], values, then the back-count.
        let mut size = int_size(if same { FLAG_SAMEFIELDS } else { 0 })
            + int_size(id.ms.wrapping_sub(master.ms) as i64)
            + int_size(id.seq.wrapping_sub(master.seq) as i64);
        let mut lp_count = n + 3;
        if same {
            size += fields
                .iter()
                .skip(1)
                .step_by(2)
                .map(|v| elem_size(v))
                .sum::<usize>();
        } else {
            size += int_size(n as i64) + fields.iter().map(|f| elem_size(f)).sum::<usize>();
            lp_count += n + 1;
        }
        size += int_size(lp_count as i64);
        self.rest += size;
        self.live += 1;
        self.last = id;
    }

    /// The master entry's field names.
    pub fn master_fields(&self) -> &[Bytes] {
        &self.master_fields
    }

    /// Marks one entry deleted (its flags change in place, the bytes stay).
    pub fn mark_deleted(&mut self) {
        self.live = self.live.saturating_sub(1);
        self.deleted += 1;
    }
}

/// Bytes a listpack element takes: its encoding, then its length written backwards.
fn with_backlen(encoded: usize) -> usize {
    encoded
        + match encoded {
            0..=127 => 1,
            128..16383 => 2,
            16383..2097151 => 3,
            2097151..268435455 => 4,
            _ => 5,
        }
}

/// An integer element.
fn int_size(v: i64) -> usize {
    with_backlen(match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8388608..=8388607 => 4,
        -2147483648..=2147483647 => 5,
        _ => 9,
    })
}

/// A string element; listpack stores strings that read as integers as integers.
fn elem_size(s: &[u8]) -> usize {
    if let Some(v) = parse_i64(s) {
        return int_size(v);
    }
    with_backlen(match s.len() {
        0..64 => 1 + s.len(),
        64..4096 => 2 + s.len(),
        _ => 5 + s.len(),
    })
}

/// The number of radix tree nodes Redis's `rax` uses to hold `keys` (sorted, distinct):
/// chains of single children are compressed into one node, each branching point is a node,
/// and each key ends in an empty leaf. An empty tree is its root alone.
pub fn rax_nodes(keys: &[[u8; 16]]) -> usize {
    if keys.is_empty() { 1 } else { subtree(keys, 0) }
}

fn subtree(keys: &[[u8; 16]], depth: usize) -> usize {
    if keys.len() == 1 {
        return if depth < 16 { 2 } else { 1 };
    }
    // Keys are sorted, so the first and last share the prefix every key shares.
    let (first, last) = (&keys[0], &keys[keys.len() - 1]);
    let common = (depth..16).take_while(|&i| first[i] == last[i]).count();
    let depth = depth + common;
    let mut nodes = usize::from(common > 0) + 1;
    let mut start = 0;
    while start < keys.len() {
        let byte = keys[start][depth];
        let end = start
            + keys[start..]
                .iter()
                .take_while(|k| k[depth] == byte)
                .count();
        nodes += subtree(&keys[start..end], depth + 1);
        start = end;
    }
    nodes
}

/// A radix tree key: the ID as a 128-bit big-endian number.
pub fn rax_key(id: &StreamId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn element_sizes_follow_listpack() {
        assert_eq!(int_size(0), 2);
        assert_eq!(int_size(127), 2);
        assert_eq!(int_size(128), 3);
        assert_eq!(int_size(-1), 3);
        assert_eq!(int_size(40000), 5);
        assert_eq!(int_size(i64::MAX), 10);
        assert_eq!(elem_size(b"a"), 3);
        assert_eq!(elem_size(b"12"), 2);
        assert_eq!(elem_size(&[b'x'; 63]), 65);
        assert_eq!(elem_size(&[b'x'; 64]), 67);
        assert_eq!(elem_size(&[b'x'; 200]), 204);
    }

    #[test]
    fn nodes_account_bytes_and_counts() {
        let fields = [b("a"), b("1")];
        let mut n = Node::new(StreamId::new(1, 0), &fields);
        // header 7, count 2, deleted 2, numfields 2, "a" 3, terminator 2,
        // entry: flags 2, 0 2, 0 2, value 2, lp-count 2.
        assert_eq!(n.bytes(), 7 + 2 + 2 + 2 + 3 + 2 + 10);
        n.push(StreamId::new(1, 0), StreamId::new(2, 0), &fields);
        assert_eq!(n.bytes(), 28 + 10);
        // Different names store the names: flags, deltas, count, b, 2, lp-count.
        n.push(StreamId::new(1, 0), StreamId::new(3, 0), &[b("b"), b("2")]);
        assert_eq!(n.bytes(), 38 + 2 + 2 + 2 + 2 + 3 + 2 + 2);
        assert_eq!(n.live, 3);
        n.mark_deleted();
        assert_eq!((n.live, n.deleted), (2, 1));
        assert!(!n.full(&fields, NODE_MAX_BYTES, NODE_MAX_ENTRIES));
        assert!(n.full(&fields, NODE_MAX_BYTES, 3));
        assert!(n.full(&fields, n.bytes() + 2, 0));
    }

    #[test]
    fn radix_nodes_match_redis() {
        let keys = |ids: &[u64]| -> Vec<[u8; 16]> {
            ids.iter()
                .map(|&ms| rax_key(&StreamId::new(ms, 0)))
                .collect()
        };
        assert_eq!(rax_nodes(&[]), 1);
        assert_eq!(rax_nodes(&keys(&[1])), 2);
        // Measured on Redis 7.0: three nodes starting at 1-0, 101-0, 201-0.
        assert_eq!(rax_nodes(&keys(&[1, 101, 201])), 8);
    }
}
