//! Command handlers, one file per family. Each family lists the commands it implements as
//! `(name, handler)` pairs in its `HANDLERS`; [`TABLE`] joins them with the metadata of
//! `engine/commands.json` into the command table the server runs.
//!
//! Handlers parse arguments and write replies; keyspace logic lives in `db/`.

pub mod acl;
pub mod aof;
pub mod bits;
pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod dbs;
pub mod debug;
pub mod debug_digest;
pub mod expire;
pub mod geo;
pub mod hashes;
pub mod hll;
pub mod info;
pub mod keys;
pub mod latency;
pub mod lcs;
pub mod lists;
pub mod memory;
pub mod migrate;
pub mod monitor;
pub mod multi;
pub mod object;
pub mod ops;
pub mod persist;
pub mod pubsub;
pub mod scripting;
pub mod server;
pub mod sets;
pub mod slowlog;
pub mod sort;
pub mod streams;
pub mod strings;
pub mod tracking;
pub mod zsets;

use crate::db::{Typed, ValueRef, WrongType};
use crate::engine::state::Server;
use crate::engine::table::{Handler, Table};
use std::sync::LazyLock;

/// Looks `key` up for reading in database `db`, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit too).
pub fn read_value<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Option<ValueRef<'s>> {
    let now = srv.now_ms;
    let entry = srv.dbs[db].get(key, now);
    if entry.is_some() {
        srv.stats.keyspace_hits += 1;
    } else {
        let (stats, effects, flags) = (&mut srv.stats, &mut srv.effects, srv.notify_flags);
        crate::engine::notify::key_miss(stats, effects, flags, db, key);
    }
    entry.map(|n| n.value())
}

/// [`read_value`] as a `T`: `Ok(None)` when the key is missing.
pub fn read<'s, T: Typed>(
    srv: &'s mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'s T>, WrongType> {
    match read_value(srv, db, key) {
        None => Ok(None),
        Some(v) => T::of(v).map(Some).ok_or(WrongType),
    }
}

/// Every family's handlers.
pub const FAMILIES: &[&[(&str, Handler)]] = &[
    connection::HANDLERS,
    acl::HANDLERS,
    client::HANDLERS,
    memory::HANDLERS,
    server::HANDLERS,
    config::HANDLERS,
    command::HANDLERS,
    strings::HANDLERS,
    bits::HANDLERS,
    hll::HANDLERS,
    geo::HANDLERS,
    lcs::HANDLERS,
    ops::HANDLERS,
    migrate::HANDLERS,
    dbs::HANDLERS,
    keys::HANDLERS,
    multi::HANDLERS,
    pubsub::HANDLERS,
    object::HANDLERS,
    expire::HANDLERS,
    hashes::HANDLERS,
    sets::HANDLERS,
    lists::HANDLERS,
    zsets::HANDLERS,
    streams::HANDLERS,
    sort::HANDLERS,
    debug::HANDLERS,
    aof::HANDLERS,
    persist::HANDLERS,
    scripting::HANDLERS,
    slowlog::HANDLERS,
    latency::HANDLERS,
    monitor::HANDLERS,
];

/// The command table: built once per process (every server in it runs the same commands)
/// and handed to the I/O threads and the executor by `server.rs`. A family naming a
/// command the data file lacks, or one without a summary, is a build defect the unit test
/// below reports.
pub static TABLE: LazyLock<Table> =
    LazyLock::new(|| Table::build(FAMILIES).unwrap_or_else(|e| panic!("command table: {e:?}")));

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_builds() {
        assert!(super::TABLE.commands.len() > 100);
    }
}
