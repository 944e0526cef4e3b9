//! Command handlers, one file per family. Each family declares its table entries in a
//! `COMMANDS` list beside its handlers; [`FAMILIES`] gathers them into the one command table.
//!
//! Handlers parse arguments and write replies; keyspace logic lives in `db/`.

pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod expire;
pub mod info;
pub mod keys;
pub mod server;
pub mod streams;
pub mod strings;

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
    expire::COMMANDS,
    streams::COMMANDS,
];
