//! The pub/sub registry: which clients listen on which channels, patterns and shard
//! channels. Shard channels (SSUBSCRIBE) are a namespace of their own: without a cluster
//! they behave like channels, but PUBLISH never reaches them nor SPUBLISH plain channels.
//! Delivery (writing the push messages) is the PUBLISH handler's, through `Out::other`.

use ahash::RandomState;
use bytes::Bytes;
use indexmap::{IndexMap, IndexSet};

type Ids = IndexSet<u64, RandomState>;

#[derive(Debug, Default)]
pub struct PubSub {
    channels: IndexMap<Bytes, Ids, RandomState>,
    patterns: IndexMap<Bytes, Ids, RandomState>,
    shards: IndexMap<Bytes, Ids, RandomState>,
}

/// Who gets a published message: a channel subscriber, or a pattern subscriber and the
/// pattern that matched.
pub enum Recipient {
    Channel(u64),
    Pattern(u64, Bytes),
}

impl PubSub {
    pub fn subscribe(&mut self, id: u64, channel: Bytes) {
        self.channels.entry(channel).or_default().insert(id);
    }

    pub fn unsubscribe(&mut self, id: u64, channel: &[u8]) {
        remove(&mut self.channels, id, channel);
    }

    pub fn psubscribe(&mut self, id: u64, pattern: Bytes) {
        self.patterns.entry(pattern).or_default().insert(id);
    }

    pub fn punsubscribe(&mut self, id: u64, pattern: &[u8]) {
        remove(&mut self.patterns, id, pattern);
    }

    pub fn ssubscribe(&mut self, id: u64, channel: Bytes) {
        self.shards.entry(channel).or_default().insert(id);
    }

    pub fn sunsubscribe(&mut self, id: u64, channel: &[u8]) {
        remove(&mut self.shards, id, channel);
    }

    /// Subscribers of shard channel `channel`, in subscription order (SPUBLISH).
    pub fn shard_recipients(&self, channel: &[u8]) -> Vec<u64> {
        self.shards
            .get(channel)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Shard channels with at least one subscriber, matching `pattern` if given.
    pub fn shard_channels(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        names(&self.shards, pattern)
    }

    /// Subscribers of shard channel `channel` (PUBSUB SHARDNUMSUB).
    pub fn shard_numsub(&self, channel: &[u8]) -> usize {
        self.shards.get(channel).map_or(0, |ids| ids.len())
    }

    /// Whether nobody subscribes to anything (a notification then costs nothing more).
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }

    /// Everybody a message on `channel` goes to: channel subscribers in subscription order,
    /// then pattern subscribers, as Redis delivers them.
    pub fn recipients(&self, channel: &[u8]) -> Vec<Recipient> {
        let mut out: Vec<Recipient> = self
            .channels
            .get(channel)
            .into_iter()
            .flat_map(|ids| ids.iter().map(|&id| Recipient::Channel(id)))
            .collect();
        for (pattern, ids) in &self.patterns {
            if crate::util::glob::glob_match(pattern, channel, false) {
                out.extend(
                    ids.iter()
                        .map(|&id| Recipient::Pattern(id, pattern.clone())),
                );
            }
        }
        out
    }

    /// Channels with at least one subscriber, matching `pattern` if given.
    pub fn channels(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        names(&self.channels, pattern)
    }

    /// Subscribers of `channel` (patterns not counted, as PUBSUB NUMSUB).
    pub fn numsub(&self, channel: &[u8]) -> usize {
        self.channels.get(channel).map_or(0, |ids| ids.len())
    }

    /// Distinct patterns subscribed to (PUBSUB NUMPAT).
    pub fn numpat(&self) -> usize {
        self.patterns.len()
    }
}

/// The names in `map` that match `pattern` (all of them without one).
fn names(map: &IndexMap<Bytes, Ids, RandomState>, pattern: Option<&[u8]>) -> Vec<Bytes> {
    map.keys()
        .filter(|c| pattern.is_none_or(|p| crate::util::glob::glob_match(p, c, false)))
        .cloned()
        .collect()
}

fn remove(map: &mut IndexMap<Bytes, Ids, RandomState>, id: u64, name: &[u8]) {
    if let Some(ids) = map.get_mut(name) {
        // shift_remove keeps delivery in subscription order.
        ids.shift_remove(&id);
        if ids.is_empty() {
            map.shift_remove(name);
        }
    }
}
