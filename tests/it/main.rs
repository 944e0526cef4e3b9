//! Integration tests: one binary, every test talking to a real muxis over TCP on its own
//! ephemeral port, with the `redis` crate or raw RESP bytes.

mod binary;
mod common;
mod connection;
mod keys;
mod protocol;
mod server;
mod streams;
mod strings;
mod tools;
