//! Integration tests: one binary, every test talking to a real muxis over TCP on its own
//! ephemeral port, with the `redis` crate or raw RESP bytes.

// The in-process servers use the allocator the muxis binary uses (INFO reports it).
muxis::use_allocator!();

mod acl;
mod bench;
mod binary;
mod bits;
mod client_cmds;
mod common;
mod connection;
mod crash;
mod dbs;
mod debug_cmds;
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
mod memory_cmd;
mod migrate;
mod multi;
mod notify;
mod pause;
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
