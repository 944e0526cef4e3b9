//! The keyspace: databases, values and expiry. The only way to reach data.
//!
//! Owned by the executor thread alone; nothing here knows about sockets, threads or RESP.

pub mod collection_scan;
pub mod encoding;
mod expire;
mod keyspace;
pub mod list;
mod scan;
pub mod stream;
mod typed;
mod value;
pub mod zset;

pub use encoding::EncLimits;
pub use expire::{ExpireStats, budget as expire_budget};
pub use keyspace::{Db, Entry};
pub use typed::{Typed, WrongType};
pub use value::{Hash, Set, Value};
