//! Integration tests: one binary, every test talking to a real muxis over TCP on its own
//! ephemeral port, with the `redis` crate or raw RESP bytes.

mod binary;
mod common;
mod connection;
mod differential;
mod keys;
mod multi;
mod protocol;
mod pubsub;
mod server;
mod strings;
mod tools;
