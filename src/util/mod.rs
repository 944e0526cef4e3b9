//! Small helpers with no knowledge of threads, sockets or the keyspace.

pub mod clock;
pub mod glob;
pub mod json;
pub mod number;
pub mod rand;
