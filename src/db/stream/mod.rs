//! Streams: entries ordered by ID, consumer groups and their pending entries, with the
//! bookkeeping Redis 7.0 reports (last ID, first ID, the largest deleted ID, entries ever
//! added) and the node layout that approximate trimming and XINFO depend on (`node.rs`).
//!
//! Everything here is keyspace logic: no replies, no argument parsing. `id.rs` holds IDs and
//! their parsing, `group.rs` consumer groups, `node.rs` the layout model. Time is passed in
//! (Unix ms), so tests drive it.

mod group;
pub mod id;
mod node;

pub use group::{AutoClaim, Claim, Consumer, Group, Pending};
pub use id::StreamId;

use bytes::Bytes;
use node::{NODE_MAX_BYTES, NODE_MAX_ENTRIES, Node};
use std::collections::BTreeMap;

/// An entry's fields and values, alternating: field, value, field, value...
pub type Fields = Vec<Bytes>;

/// A stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {
    entries: BTreeMap<StreamId, Fields>,
    /// The listpack nodes Redis would have, keyed by their first ("master") ID.
    nodes: BTreeMap<StreamId, Node>,
    /// The largest ID ever added (or set by XSETID).
    pub last_id: StreamId,
    /// The first live entry's ID, 0-0 when empty.
    pub first_id: StreamId,
    /// The largest ID XDEL removed: entries before it may be missing, which makes the
    /// consumer groups' read counters unknowable past it.
    pub max_deleted_id: StreamId,
    /// Entries ever added.
    pub entries_added: u64,
    /// Consumer groups by name, in name order (Redis keeps them in a radix tree).
    pub groups: BTreeMap<Bytes, Group>,
    /// `stream-node-max-bytes` and `-entries` as last handed in by the keyspace; None
    /// for Redis's defaults.
    node_limits: Option<(usize, u64)>,
}

/// One node as [`Stream::nodes`] shows it.
pub struct NodeView<'a> {
    pub master: StreamId,
    pub fields: &'a [Bytes],
    pub entries: std::collections::btree_map::Range<'a, StreamId, Fields>,
}

/// How to trim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trim {
    /// Keep at most this many entries.
    MaxLen(u64),
    /// Remove entries with smaller IDs.
    MinId(StreamId),
}

/// Why XADD could not add.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AddError {
    /// The ID is not greater than the last one.
    TooSmall,
}

/// The summary numbers the read counter and lag arithmetic need, copied out so a group can
/// be changed while they are consulted.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub len: u64,
    pub first_id: StreamId,
    pub last_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Sets the node limits new entries follow (`stream-node-max-bytes`, 0 meaning
    /// Redis's 1 GB cap, and `stream-node-max-entries`, 0 meaning no limit).
    pub fn set_node_limits(&mut self, max_bytes: usize, max_entries: u64) {
        let max_bytes = if max_bytes == 0 || max_bytes > 1 << 30 {
            1 << 30
        } else {
            max_bytes
        };
        self.node_limits = Some((max_bytes, max_entries));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &StreamId) -> Option<&Fields> {
        self.entries.get(id)
    }

    pub fn contains(&self, id: &StreamId) -> bool {
        self.entries.contains_key(id)
    }

    pub fn meta(&self) -> Meta {
        Meta {
            len: self.entries.len() as u64,
            first_id: self.first_id,
            last_id: self.last_id,
            max_deleted_id: self.max_deleted_id,
            entries_added: self.entries_added,
        }
    }

    /// The ID XADD gives an entry: `requested` is an explicit ID and whether its sequence
    /// was given (`<ms>-*` leaves it to us); None asks for `*`, the clock `now` or, if the
    /// clock is behind the last ID, the next sequence. The caller has checked that the
    /// stream is not exhausted (last ID < MAX).
    pub fn next_id(
        &self,
        requested: Option<(StreamId, bool)>,
        now: u64,
    ) -> Result<StreamId, AddError> {
        let last = self.last_id;
        let id = match requested {
            None if now > last.ms => StreamId::new(now, 0),
            None => last.incr().ok_or(AddError::TooSmall)?,
            Some((id, true)) => id,
            // Within the last ID's millisecond: its next sequence, which must not spill over.
            Some((id, false)) if id.ms == last.ms => match last.seq.checked_add(1) {
                Some(seq) => StreamId::new(last.ms, seq),
                None => return Err(AddError::TooSmall),
            },
            Some((id, false)) => id,
        };
        if requested.is_some() && id <= last {
            return Err(AddError::TooSmall);
        }
        Ok(id)
    }

    /// Appends an entry; `id` must be greater than the last ID (see [`Stream::next_id`]).
    pub fn push(&mut self, id: StreamId, fields: Fields) {
        debug_assert!(id > self.last_id);
        let (max_bytes, max_entries) = self
            .node_limits
            .unwrap_or((NODE_MAX_BYTES, NODE_MAX_ENTRIES));
        match self.nodes.last_entry() {
            Some(mut last) if !last.get().full(&fields, max_bytes, max_entries) => {
                let master = *last.key();
                last.get_mut().push(master, id, &fields);
            }
            _ => {
                self.nodes.insert(id, Node::new(id, &fields));
            }
        }
        self.entries.insert(id, fields);
        self.last_id = id;
        self.entries_added += 1;
        if self.entries.len() == 1 {
            self.first_id = id;
        }
    }

    /// Removes one entry the way XDEL does (the node keeps a tombstone, or goes when it was
    /// its last live entry). Returns whether it was there. The caller updates `first_id`.
    fn remove(&mut self, id: &StreamId) -> bool {
        if self.entries.remove(id).is_none() {
            return false;
        }
        let Some((&master, node)) = self.nodes.range_mut(..=*id).next_back() else {
            return true;
        };
        if node.live <= 1 {
            self.nodes.remove(&master);
        } else {
            node.mark_deleted();
        }
        true
    }

    /// XDEL: removes the entries with these IDs; returns how many were there.
    pub fn delete(&mut self, ids: &[StreamId]) -> u64 {
        let mut deleted = 0;
        let mut first_gone = false;
        for id in ids {
            if self.remove(id) {
                first_gone |= *id == self.first_id;
                if *id > self.max_deleted_id {
                    self.max_deleted_id = *id;
                }
                deleted += 1;
            }
        }
        if deleted > 0 && (self.entries.is_empty() || first_gone) {
            self.refresh_first_id();
        }
        deleted
    }

    fn refresh_first_id(&mut self) {
        self.first_id = self.entries.keys().next().copied().unwrap_or_default();
    }

    /// Trims as XTRIM and XADD's trimming options do; returns how many entries went.
    ///
    /// Redis walks the nodes from the oldest and removes whole nodes while that keeps within
    /// the threshold. Approximate trimming stops at the first node it cannot remove whole, or
    /// before removing more than `limit` entries (0: no limit); exact trimming then removes
    /// single entries from that node.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted = 0u64;
        while let Some((&master, node)) = self.nodes.first_key_value() {
            let (live, node_last) = (node.live, node.last);
            let len = self.entries.len() as u64;
            if matches!(how, Trim::MaxLen(max) if len <= max) {
                break;
            }
            if limit != 0 && deleted.saturating_add(live) > limit {
                break;
            }
            let whole = match how {
                Trim::MaxLen(max) => len.saturating_sub(live) >= max,
                // Its last entry, tombstones included, comes before the threshold.
                Trim::MinId(min) => node_last < min,
            };
            if whole {
                let ids: Vec<StreamId> = self
                    .entries
                    .range(master..=node_last)
                    .map(|(k, _)| *k)
                    .collect();
                for id in &ids {
                    self.entries.remove(id);
                }
                self.nodes.remove(&master);
                deleted += ids.len() as u64;
                continue;
            }
            if approx {
                break;
            }
            // Mark single entries of this node deleted, oldest first.
            let mut gone = 0u64;
            while let Some((&id, _)) = self.entries.first_key_value() {
                let stop = match how {
                    Trim::MaxLen(max) => self.entries.len() as u64 <= max,
                    Trim::MinId(min) => id >= min,
                };
                if stop || id > node_last {
                    break;
                }
                self.entries.remove(&id);
                gone += 1;
            }
            if let Some(n) = self.nodes.get_mut(&master) {
                for _ in 0..gone {
                    n.mark_deleted();
                }
            }
            deleted += gone;
            break;
        }
        if deleted > 0 {
            self.refresh_first_id();
        }
        deleted
    }

    /// Entries with IDs in `start..=end`, in order or (`rev`) reversed.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
    ) -> Box<dyn Iterator<Item = (&StreamId, &Fields)> + '_> {
        if start > end {
            return Box::new(std::iter::empty());
        }
        let r = self.entries.range(start..=end);
        if rev { Box::new(r.rev()) } else { Box::new(r) }
    }

    pub fn first_entry(&self) -> Option<(&StreamId, &Fields)> {
        self.entries.first_key_value()
    }

    pub fn last_entry(&self) -> Option<(&StreamId, &Fields)> {
        self.entries.last_key_value()
    }

    /// The number of listpack nodes (XINFO's `radix-tree-keys`).
    pub fn radix_keys(&self) -> usize {
        self.nodes.len()
    }

    /// The number of radix tree nodes (XINFO's `radix-tree-nodes`).
    pub fn radix_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self.nodes.keys().map(node::rax_key).collect();
        node::rax_nodes(&keys)
    }

    /// The listpack nodes Redis would hold, in ID order, for the RDB writer: each node's
    /// master ID and master field names, and its live entries.
    pub fn nodes(&self) -> impl Iterator<Item = NodeView<'_>> {
        let mut it = self.nodes.iter().peekable();
        std::iter::from_fn(move || {
            let (&master, node) = it.next()?;
            let entries = match it.peek() {
                Some((next, _)) => self.entries.range(master..**next),
                None => self.entries.range(master..),
            };
            Some(NodeView {
                master,
                fields: node.master_fields(),
                entries,
            })
        })
    }

    /// Every entry, in ID order.
    pub fn entries(&self) -> impl Iterator<Item = (&StreamId, &Fields)> {
        self.entries.iter()
    }

    /// A group's lag: entries not yet delivered to it, None when deletions make it unknown.
    pub fn lag(&self, g: &Group) -> Option<i64> {
        let m = self.meta();
        if m.entries_added == 0 {
            return Some(0);
        }
        if let Some(read) = g.entries_read
            && !m.has_tombstones(g.last_id, None)
        {
            return Some((m.entries_added as i64).wrapping_sub(read));
        }
        m.estimate(&g.last_id)
            .map(|read| (m.entries_added as i64).wrapping_sub(read))
    }
}

impl Meta {
    /// Whether a deleted entry may lie in `start..=end` (`streamRangeHasTombstones`).
    pub fn has_tombstones(&self, start: StreamId, end: Option<StreamId>) -> bool {
        if self.len == 0 || self.max_deleted_id.is_zero() || self.first_id > self.max_deleted_id {
            return false;
        }
        let end = end.unwrap_or(StreamId::MAX);
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// The read counter of `id`: how many entries were added up to it, when that can be
    /// known (`streamEstimateDistanceFromFirstEverEntry`).
    pub fn estimate(&self, id: &StreamId) -> Option<i64> {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.len == 0 && *id <= self.last_id {
            return Some(added);
        }
        match id.cmp(&self.last_id) {
            std::cmp::Ordering::Equal => return Some(added),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            // No deletion after the first entry: the count is known up to it.
            match id.cmp(&self.first_id) {
                std::cmp::Ordering::Less => return Some(added.wrapping_sub(self.len as i64)),
                std::cmp::Ordering::Equal => {
                    return Some(added.wrapping_sub(self.len as i64).wrapping_add(1));
                }
                std::cmp::Ordering::Greater => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
