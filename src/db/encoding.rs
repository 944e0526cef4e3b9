//! The encoding thresholds (`hash-max-listpack-entries`, `set-max-intset-entries`, ...):
//! which encoding Redis 7.0 would be using for a collection, for OBJECT ENCODING and the
//! replies that depend on it (HSCAN/SSCAN/ZSCAN return a small collection whole).
//!
//! Redis converts a small encoding to the large one when a write makes the value outgrow
//! it, and never back. Hashes (`hash.rs`), sets (`set.rs`) and sorted sets (`zset.rs`)
//! hold their real encoding and convert themselves: each hash write is handed the limits;
//! sets, sorted sets and streams get them from [`refresh`], which the keyspace calls on
//! every mutable access.

use super::value::Value;

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
    /// `list-max-listpack-size`: a quicklist node's bound (negative: bytes, positive: count).
    /// A list takes it when created (or loaded) and keeps it, as Redis's quicklist keeps
    /// its `fill`: a CONFIG SET reaches new lists only.
    pub list_fill: i32,
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
            list_fill: super::quicklist::DEFAULT_FILL,
        }
    }
}

/// Records, before a write, whether the value already outgrew its small encoding, and
/// hands the current limits to the types that convert themselves while they grow.
pub fn refresh(value: &mut Value, l: &EncLimits) {
    match value {
        Value::Set(s) => s.set_limit(l.set_intset_entries),
        Value::ZSet(z) => z.set_limits(l.zset_entries, l.zset_value),
        Value::Stream(s) => s.set_node_limits(l.stream_node_bytes, l.stream_node_entries),
        _ => {}
    }
}
