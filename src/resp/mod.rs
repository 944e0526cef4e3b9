//! The Redis protocol: the incremental request parser and the reply encoder.
//!
//! Nothing here sees a socket or the keyspace; the I/O threads use the parser, the executor
//! uses the encoder.

pub mod encode;
mod inline;
pub mod parser;
