//! The encoding thresholds (`hash-max-listpack-entries`, `set-max-intset-entries`, ...):
//! which encoding Redis 7.0 would be using for a collection, for OBJECT ENCODING and the
//! replies that depend on it (HSCAN/SSCAN/ZSCAN return a small collection whole).
//!
//! Our representation does not change with size; what follows Redis is the report. Redis
//! converts a small encoding to the large one when a write makes the value outgrow it,
//! and never back, so each hash and set carries a "converted" mark, set by
//! [`refresh`] before any write reaches the value (the keyspace calls it on every mutable
//! access): the mark then records every earlier write that outgrew the limits.
//!
//! Hashes are really packed while small (`hash.rs`): each write is handed the limits and
//! converts the hash itself, so they need no mark.
//!
//! Sorted sets likewise (`zset.rs`): [`refresh`] only hands them the limits.

use super::value::{Set, Value};
use crate::util::number::parse_i64;

/// The thresholds, as CONFIG sets them (Redis 7.0's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncLimits {
    pub hash_entries: usize,
    pub hash_value: usize,
    pub set_intset_entries: usize,
    pub zset_entries: usize,
    pub zset_value: usize,
    pub stream_node_bytes: usize,
    pub stream_node_entries: u64,
}

impl Default for EncLimits {
    fn default() -> Self {
        EncLimits {
            hash_entries: 512,
            hash_value: 64,
            set_intset_entries: 512,
            zset_entries: 128,
            zset_value: 64,
            stream_node_bytes: 4096,
            stream_node_entries: 100,
        }
    }
}

/// Whether a set still fits an intset.
pub fn set_fits(s: &Set, l: &EncLimits) -> bool {
    s.len() <= l.set_intset_entries && s.iter().all(|m| parse_i64(m).is_some())
}

/// Records, before a write, whether the value already outgrew its small encoding, and
/// hands the current limits to the types that convert themselves while they grow.
pub fn refresh(value: &mut Value, l: &EncLimits) {
    match value {
        Value::Set(s, big) if !*big => *big = !set_fits(s, l),
        Value::ZSet(z) => z.set_limits(l.zset_entries, l.zset_value),
        Value::Stream(s) => s.set_node_limits(l.stream_node_bytes, l.stream_node_entries),
        _ => {}
    }
}
