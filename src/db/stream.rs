//! Streams (placeholder: being written by the stream work).

/// A stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {}
