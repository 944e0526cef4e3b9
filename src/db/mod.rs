//! The keyspace: databases, values and expiry. The only way to reach data.
//!
//! Owned by the executor thread alone; nothing here knows about sockets, threads or RESP.

mod capture;
pub mod collection_scan;
pub mod encoding;
mod evict;
mod expire;
pub mod hash;
pub mod intset;
mod keyspace;
pub mod lazyfree;
pub mod list;
pub mod listpack;
pub mod lru;
mod moves;
pub mod node;
pub mod quicklist;
mod scan;
pub mod set;
pub mod stream;
mod typed;
mod value;
pub mod zset;

pub use capture::{Record, handed_over};
pub use encoding::EncLimits;
pub use evict::{Policy, Pool, Rank};
pub use expire::{ExpireStats, budget as expire_budget};
pub use keyspace::{Db, Entry};
pub use lazyfree::Lazy;
pub use lru::Track;
pub use moves::Table;
pub use node::Node;
pub use typed::{Typed, WrongType};
pub use value::{Hash, List, Set, Value, ValueRef};
