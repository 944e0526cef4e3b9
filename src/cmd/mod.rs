//! Command handlers, one file per family. Each family declares its table entries in a
//! `COMMANDS` list beside its handlers; [`FAMILIES`] gathers them into the one command table.
//!
//! Handlers parse arguments and write replies; keyspace logic lives in `db/`.

pub mod client;
pub mod command;
pub mod config;
pub mod connection;
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
pub mod strings;
pub mod zsets;

use crate::engine::table::Command;

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
];
