//! List commands: the pushes and pops, LRANGE and the index commands, LPOS, LMOVE and LMPOP,
//! and their blocking forms (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP), with Redis 7.0's
//! replies, argument checks (in Redis's order) and error strings.
//!
//! This file holds the command table and the lookup every read shares. `push.rs` has the
//! pushes and LINSERT, `pop.rs` the non-blocking pops and moves, `edit.rs` the commands that
//! read or change a list by index or by value, `blocking.rs` the blocking forms. The list
//! arithmetic itself is in `db/list.rs`.
//!
//! Every command that may add elements to a key signals it ready, so a client blocked on the
//! key is served (see `engine/blocking.rs`).

mod blocking;
mod edit;
mod pop;
mod push;
#[cfg(test)]
mod tests;

use crate::db::list::{List, WrongType};
use crate::engine::state::Server;
use crate::engine::table::Handler;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("lpush", push::lpush),
    ("rpush", push::rpush),
    ("lpushx", push::lpushx),
    ("rpushx", push::rpushx),
    ("linsert", push::linsert),
    ("lpop", pop::lpop),
    ("rpop", pop::rpop),
    ("lmove", pop::lmove),
    ("rpoplpush", pop::rpoplpush),
    ("lmpop", pop::lmpop),
    ("llen", edit::llen),
    ("lrange", edit::lrange),
    ("lindex", edit::lindex),
    ("lset", edit::lset),
    ("lrem", edit::lrem),
    ("ltrim", edit::ltrim),
    ("lpos", edit::lpos),
    ("blpop", blocking::blpop),
    ("brpop", blocking::brpop),
    ("blmove", blocking::blmove),
    ("brpoplpush", blocking::brpoplpush),
    ("blmpop", blocking::blmpop),
];

/// Looks `key` up for reading in database `db`, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit too). The read-only commands (LLEN,
/// LRANGE, LINDEX, LPOS) use it; commands that write look keys up without counting.
fn read<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Result<Option<&'s List>, WrongType> {
    crate::cmd::read::<List>(srv, db, key)
}
