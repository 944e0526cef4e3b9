//! The AOF (issue 9, part B) with the real binary: restarts give back every type and
//! expiry, from incremental files and from rewritten bases; a Redis 7.0 AOF directory loads
//! in muxis and muxis's in Redis; torn and corrupt files; kill -9 under `appendfsync always`.

mod crash;
mod load;
mod preamble;
mod proc;
mod roundtrip;
