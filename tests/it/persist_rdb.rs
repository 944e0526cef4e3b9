//! RDB persistence against the real binaries: SAVE and restart, files and DUMP payloads
//! exchanged with redis-server 7.0.15 both ways (and checked by `redis-check-rdb`),
//! corrupt files refused at start with the file and offset named, save points, SHUTDOWN
//! and SIGTERM saves, MISCONF, and BGSAVE's point-in-time guarantee under writes.
//!
//! Every server here is a process of its own with its own directory: `dir` changes the
//! working directory, which in-process servers would share.

mod bgsave;
mod data;
mod exchange;
mod functions;
mod hash_encoding;
mod lists;
mod proc;
mod saving;
mod zset_encoding;
