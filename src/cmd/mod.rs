//! Command handlers, one file per family. Each family declares its table entries in a
//! `COMMANDS` list beside its handlers; [`FAMILIES`] gathers them into the one command table.
//!
//! Handlers parse arguments and write replies; keyspace logic lives in `db/`.

pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod debug;
pub mod expire;
pub mod hashes;
pub mod info;
pub mod keys;
pub mod lists;
pub mod multi;
pub mod object;
pub mod pubsub;
pub mod server;
pub mod sets;
pub mod streams;
pub mod strings;
pub mod zsets;

use crate::db::{Typed, Value, WrongType};
use crate::engine::state::Server;
use crate::engine::table::Command;

/// Looks `key` up for reading in database `db`, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit too).
pub fn read_value<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Option<&'s Value> {
    let now = srv.now_ms;
    let entry = srv.dbs[db].get(key, now);
    if entry.is_some() {
        srv.stats.keyspace_hits += 1;
    } else {
        srv.stats.keyspace_misses += 1;
    }
    entry.map(|e| &e.value)
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

/// Every family's commands.
pub const FAMILIES: &[&[Command]] = &[
    connection::COMMANDS,
    client::COMMANDS,
    server::COMMANDS,
    config::COMMANDS,
    command::COMMANDS,
    strings::COMMANDS,
    keys::COMMANDS,
    multi::COMMANDS,
    pubsub::COMMANDS,
    object::COMMANDS,
    expire::COMMANDS,
    hashes::COMMANDS,
    sets::COMMANDS,
    lists::COMMANDS,
    zsets::COMMANDS,
    streams::COMMANDS,
    debug::COMMANDS,
];
