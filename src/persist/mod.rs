//! Durability: the RDB format (`rdb/`), the point-in-time snapshot BGSAVE writes from
//! (`snapshot.rs`), and saving to disk (`save.rs`).
//!
//! Nothing here sees a socket. Files are written off the executor where the snapshot
//! allows; the executor only walks the keyspace in bounded chunks.

pub mod rdb;
