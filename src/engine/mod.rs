//! The execution side: the executor loop, the message types it shares with the I/O threads,
//! the command table, and what handlers see. Never touches a socket or mio.

pub mod acl;
pub mod blocking;
pub mod client;
pub mod cmdstats;
pub mod ctx;
pub mod dispatch;
pub mod effects;
pub mod evict;
pub mod exec;
mod idle;
pub mod latency;
pub mod monitor;
pub mod msg;
pub mod multi;
pub mod notify;
pub mod out;
pub mod pause;
pub mod prefetch;
pub mod pubsub;
pub mod slowlog;
pub mod state;
pub mod table;
pub mod tracking;
