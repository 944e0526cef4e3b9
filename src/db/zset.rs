//! Sorted sets (placeholder: being written by the sorted-set work).

/// A sorted set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZSet {}

impl ZSet {
    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        true
    }

    /// The longest member, for OBJECT ENCODING.
    pub fn max_member_len(&self) -> usize {
        0
    }
}
