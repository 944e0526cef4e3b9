//! Consumer groups: the last delivered ID, the read counter, the pending entries list (PEL:
//! delivered, not yet acknowledged) and the consumers, each with its own share of the PEL.
//!
//! The operations that need the stream's entries too (delivery, claiming) are `Stream`
//! methods here; they return the IDs involved and leave replying to the caller.

use super::{Fields, Meta, Stream, StreamId};
use bytes::Bytes;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// The last ID delivered with `>`.
    pub last_id: StreamId,
    /// How many entries the group has read (its logical position), None when unknown.
    pub entries_read: Option<i64>,
    /// Delivered, unacknowledged entries.
    pub pel: BTreeMap<StreamId, Pending>,
    /// Consumers by name, in name order.
    pub consumers: BTreeMap<Bytes, Consumer>,
}

/// A pending entry: who has it, when it was last delivered and how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub consumer: Bytes,
    /// Unix ms.
    pub delivery_time: u64,
    pub delivery_count: u64,
}

/// A consumer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Consumer {
    /// When it last read or claimed (Unix ms).
    pub seen_time: u64,
    /// Its pending entries.
    pub pel: BTreeSet<StreamId>,
}

/// XCLAIM's options, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// Entries idle for less than this (ms) stay where they are.
    pub min_idle: u64,
    /// The delivery time claimed entries get (Unix ms).
    pub delivery_time: u64,
    /// RETRYCOUNT: the delivery count to set, instead of counting one more.
    pub retry_count: Option<u64>,
    /// FORCE: create pending entries for IDs nobody has.
    pub force: bool,
    /// JUSTID: the claim does not count as a delivery.
    pub justid: bool,
    /// LASTID: move the group's last delivered ID up to this.
    pub last_id: StreamId,
}

/// XAUTOCLAIM's arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoClaim {
    /// Where in the PEL to start.
    pub start: StreamId,
    /// Entries idle for less than this (ms) are passed over.
    pub min_idle: u64,
    /// Most entries to claim (deleted ones count too); ten times this are looked at.
    pub count: u64,
    /// The claim does not count as a delivery.
    pub justid: bool,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: Option<i64>) -> Group {
        Group {
            last_id,
            entries_read,
            ..Group::default()
        }
    }

    /// XGROUP CREATECONSUMER: adds a consumer; false if it exists.
    pub fn create_consumer(&mut self, name: &[u8], now: u64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.consumers.insert(
            Bytes::copy_from_slice(name),
            Consumer {
                seen_time: now,
                pel: BTreeSet::new(),
            },
        );
        true
    }

    /// The consumer `name`, created if needed, marked as seen now; returns its stored name.
    fn touch(&mut self, name: &[u8], now: u64) -> Bytes {
        match self.consumers.get_key_value(name) {
            Some((k, _)) => {
                let k = k.clone();
                if let Some(c) = self.consumers.get_mut(name) {
                    c.seen_time = now;
                }
                k
            }
            None => {
                self.create_consumer(name, now);
                Bytes::copy_from_slice(name)
            }
        }
    }

    /// XGROUP DELCONSUMER: removes a consumer and its pending entries; returns how many it
    /// had, None if there was no such consumer.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let c = self.consumers.remove(name)?;
        for id in &c.pel {
            self.pel.remove(id);
        }
        Some(c.pel.len())
    }

    /// XACK of one ID: whether it was pending.
    pub fn ack(&mut self, id: &StreamId) -> bool {
        let Some(p) = self.pel.remove(id) else {
            return false;
        };
        if let Some(c) = self.consumers.get_mut(&p.consumer) {
            c.pel.remove(id);
        }
        true
    }

    /// Gives pending entry `id` to `consumer` (creating it in the PEL if needed).
    fn assign(&mut self, id: StreamId, consumer: &Bytes) {
        if let Some(p) = self.pel.get_mut(&id)
            && p.consumer != *consumer
        {
            let old = std::mem::replace(&mut p.consumer, consumer.clone());
            if let Some(c) = self.consumers.get_mut(&old) {
                c.pel.remove(&id);
            }
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }

    /// Records that `id` was just delivered to `consumer` for the first time (a new pending
    /// entry, or one taken over from whoever had it, as after XGROUP SETID).
    fn deliver(&mut self, id: StreamId, consumer: &Bytes, now: u64) {
        let fresh = Pending {
            consumer: consumer.clone(),
            delivery_time: now,
            delivery_count: 1,
        };
        if let Some(old) = self.pel.insert(id, fresh)
            && old.consumer != *consumer
            && let Some(c) = self.consumers.get_mut(&old.consumer)
        {
            c.pel.remove(&id);
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }

    /// Moves the last delivered ID to `id`, keeping the read counter right when it can be.
    fn advance(&mut self, id: StreamId, meta: &Meta) {
        if id <= self.last_id {
            return;
        }
        self.entries_read = match self.entries_read {
            Some(read) if !meta.has_tombstones(id, None) => Some(read.wrapping_add(1)),
            _ if meta.entries_added != 0 => meta.estimate(&id),
            other => other,
        };
        self.last_id = id;
    }
}

impl Stream {
    /// XREADGROUP with `>`: delivers up to `count` (0: all) entries after the group's last
    /// delivered ID to `consumer`, recording them as pending unless `noack`. None if there
    /// is no such group.
    pub fn read_new(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        count: usize,
        noack: bool,
        now: u64,
    ) -> Option<Vec<StreamId>> {
        let meta = self.meta();
        let g = self.groups.get_mut(group)?;
        let consumer = g.touch(consumer, now);
        let mut out = Vec::new();
        let Some(start) = g.last_id.incr() else {
            return Some(out);
        };
        for (&id, _) in self.entries.range(start..) {
            if count != 0 && out.len() == count {
                break;
            }
            g.advance(id, &meta);
            if !noack {
                g.deliver(id, &consumer, now);
            }
            out.push(id);
        }
        Some(out)
    }

    /// XREADGROUP with an ID: `consumer`'s own pending entries from `start`, up to `count`
    /// (0: all), each counted as delivered again. An entry deleted since comes back with
    /// `false` (Redis replies with its ID and a null).
    pub fn read_history(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        start: StreamId,
        count: usize,
        now: u64,
    ) -> Option<Vec<(StreamId, bool)>> {
        let g = self.groups.get_mut(group)?;
        let consumer = g.touch(consumer, now);
        let ids: Vec<StreamId> = match g.consumers.get(&consumer) {
            Some(c) => {
                let limit = if count == 0 { usize::MAX } else { count };
                c.pel.range(start..).take(limit).copied().collect()
            }
            None => Vec::new(),
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let exists = self.entries.contains_key(&id);
            if exists && let Some(p) = g.pel.get_mut(&id) {
                p.delivery_time = now;
                p.delivery_count = p.delivery_count.wrapping_add(1);
            }
            out.push((id, exists));
        }
        Some(out)
    }

    /// Drops pending entries whose stream entry is gone (XCLAIM and XAUTOCLAIM do so as they
    /// meet them). Returns whether `id` had to go.
    fn drop_if_deleted(entries: &BTreeMap<StreamId, Fields>, g: &mut Group, id: StreamId) -> bool {
        if entries.contains_key(&id) {
            return false;
        }
        g.ack(&id);
        true
    }

    /// XCLAIM: gives the pending entries among `ids` idle for at least `min_idle` to
    /// `consumer`; returns the IDs claimed. None if there is no such group.
    pub fn claim(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        ids: &[StreamId],
        opts: &Claim,
        now: u64,
    ) -> Option<Vec<StreamId>> {
        let g = self.groups.get_mut(group)?;
        if opts.last_id > g.last_id {
            g.last_id = opts.last_id;
        }
        let mut owner: Option<Bytes> = None;
        let mut out = Vec::new();
        for &id in ids {
            if Self::drop_if_deleted(&self.entries, g, id) {
                continue;
            }
            let forced = match g.pel.get(&id) {
                Some(p) => {
                    if opts.min_idle > 0 && now.saturating_sub(p.delivery_time) < opts.min_idle {
                        continue;
                    }
                    false
                }
                None if opts.force => true,
                None => continue,
            };
            let name = owner.get_or_insert_with(|| g.touch(consumer, now)).clone();
            if forced {
                // A pending entry made from scratch counts as delivered once already.
                g.pel.insert(
                    id,
                    Pending {
                        consumer: name.clone(),
                        delivery_time: now,
                        delivery_count: 1,
                    },
                );
            }
            g.assign(id, &name);
            if let Some(p) = g.pel.get_mut(&id) {
                p.delivery_time = opts.delivery_time;
                match opts.retry_count {
                    Some(n) => p.delivery_count = n,
                    None if !opts.justid => p.delivery_count = p.delivery_count.wrapping_add(1),
                    None => {}
                }
            }
            out.push(id);
        }
        Some(out)
    }

    /// XAUTOCLAIM: scans the group's PEL from `opts.start`, claiming for `consumer` up to
    /// `opts.count` entries idle for at least `opts.min_idle`, looking at no more than ten
    /// times that many. Returns the cursor to continue from (0-0 at the end), the IDs claimed
    /// and the IDs dropped because their entries were deleted. None if there is no such group.
    #[allow(clippy::type_complexity)]
    pub fn autoclaim(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        opts: &AutoClaim,
        now: u64,
    ) -> Option<(StreamId, Vec<StreamId>, Vec<StreamId>)> {
        let g = self.groups.get_mut(group)?;
        let mut attempts = opts.count.saturating_mul(10);
        let mut count = opts.count;
        let mut from = Bound::Included(opts.start);
        let mut owner: Option<Bytes> = None;
        let (mut claimed, mut deleted) = (Vec::new(), Vec::new());
        let mut at_end = false;
        while attempts > 0 && count > 0 {
            attempts -= 1;
            let Some((&id, p)) = g.pel.range((from, Bound::Unbounded)).next() else {
                at_end = true;
                break;
            };
            from = Bound::Excluded(id);
            let idle = now.saturating_sub(p.delivery_time);
            if Self::drop_if_deleted(&self.entries, g, id) {
                deleted.push(id);
                count -= 1;
                continue;
            }
            if opts.min_idle > 0 && idle < opts.min_idle {
                continue;
            }
            let name = owner.get_or_insert_with(|| g.touch(consumer, now)).clone();
            g.assign(id, &name);
            if let Some(p) = g.pel.get_mut(&id) {
                p.delivery_time = now;
                if !opts.justid {
                    p.delivery_count = p.delivery_count.wrapping_add(1);
                }
            }
            claimed.push(id);
            count -= 1;
        }
        let cursor = if at_end {
            StreamId::MIN
        } else {
            g.pel
                .range((from, Bound::Unbounded))
                .next()
                .map_or(StreamId::MIN, |(id, _)| *id)
        };
        Some((cursor, claimed, deleted))
    }
}
