//! muxis: a Redis-compatible in-memory data server with threaded I/O.
//!
//! N I/O threads, each with its own mio event loop, do all socket reads, writes and RESP
//! parsing; one executor thread owns the keyspace and runs commands in batches.
//!
//! # Layout
//!
//! - [`config`]: the parameter table; command lines and redis.conf files resolved into a
//!   [`config::Config`]; CONFIG REWRITE.
//! - [`log`]: logging to `logfile` at `loglevel`.
//! - [`crash`]: a panic prints a bug report and aborts, as Redis does on a bug.
//! - [`server`]: starts the I/O threads and the executor, wires channels and wakers.
//! - [`net`]: the reactor loop of each I/O thread and its connections. Never sees data.
//! - [`resp`]: the incremental request parser and the reply encoder.
//! - [`engine`]: the executor loop, the cross-thread messages ([`engine::msg`]), the command
//!   table and what handlers see. Never sees a socket.
//! - [`cmd`]: command handlers, one file per family.
//! - [`db`]: the keyspace, values and expiry.
//! - [`shared`]: the atomics both sides read (per-thread counters, limits).
//! - [`stats`]: executor counters.
//! - [`error`]: reply error strings in Redis's words.
//! - [`util`]: glob matching, number parsing and formatting, a small RNG.

pub mod acl;
pub mod alloc;
pub mod cmd;
pub mod config;
pub mod crash;
pub mod db;
pub mod engine;
pub mod error;
pub mod log;
pub mod net;
pub mod pin;
pub mod resp;
pub mod server;
pub mod shared;
pub mod stats;
pub mod util;
