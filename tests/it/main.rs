//! Integration tests: one binary, every test talking to a real muxis over TCP on its own
//! ephemeral port, with the `redis` crate or raw RESP bytes.

// The in-process servers use the allocator the muxis binary uses (INFO reports it).
muxis::use_allocator!();

mod acl;
mod bench;
mod binary;
mod bits;
mod common;
mod connection;
mod crash;
mod dbs;
mod differential;
mod effects;
mod fuzz;
mod geo;
mod hashes;
mod hll;
mod hostile;
mod keys;
mod limits;
mod listen;
mod lists;
mod maxmemory;
mod memory;
mod migrate;
mod multi;
mod notify;
mod persist_aof;
mod persist_rdb;
mod protocol;
mod pubsub;
mod redis_conf;
mod scripting;
mod server;
mod sets;
mod shard_pubsub;
mod sort;
mod streams;
mod strings;
mod threads;
mod tls;
mod tools;
mod tracking;
mod zsets;
