//! The values a key can hold.

use bytes::Bytes;

/// A stored value. Later data types add variants here.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A binary-safe string, owned (never a slice of a client's read buffer, which would pin
    /// the whole buffer in memory).
    Str(Bytes),
}

impl Value {
    /// The name `TYPE` replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
        }
    }

    /// A string value holding a copy of `data`.
    pub fn str(data: &[u8]) -> Value {
        Value::Str(Bytes::copy_from_slice(data))
    }
}
