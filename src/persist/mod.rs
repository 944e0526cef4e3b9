//! Persistence: the AOF (and the RDB format, snapshots).

pub mod aof;
