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
use crate::engine::table::{Command, flag::*};

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    Command::new("lpush", -3, WRITE | DENYOOM | FAST, push::lpush, "list", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "key element [element ...]").keys(1, 1, 1),
    Command::new("rpush", -3, WRITE | DENYOOM | FAST, push::rpush, "list", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist.", "key element [element ...]").keys(1, 1, 1),
    Command::new("lpushx", -3, WRITE | DENYOOM | FAST, push::lpushx, "list", "2.2.0", "Prepends one or more elements to a list only when the list exists.", "key element [element ...]").keys(1, 1, 1),
    Command::new("rpushx", -3, WRITE | DENYOOM | FAST, push::rpushx, "list", "2.2.0", "Appends an element to a list only when the list exists.", "key element [element ...]").keys(1, 1, 1),
    Command::new("linsert", 5, WRITE | DENYOOM, push::linsert, "list", "2.2.0", "Inserts an element before or after another element in a list.", "key <BEFORE | AFTER> pivot element").keys(1, 1, 1),
    Command::new("lpop", -2, WRITE | FAST, pop::lpop, "list", "1.0.0", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", "key [count]").keys(1, 1, 1),
    Command::new("rpop", -2, WRITE | FAST, pop::rpop, "list", "1.0.0", "Returns and removes the last elements of the list. Deletes the list if the last element was popped.", "key [count]").keys(1, 1, 1),
    Command::new("lmove", 5, WRITE | DENYOOM, pop::lmove, "list", "6.2.0", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", "source destination <LEFT | RIGHT> <LEFT | RIGHT>").keys(1, 2, 1),
    Command::new("rpoplpush", 3, WRITE | DENYOOM, pop::rpoplpush, "list", "1.2.0", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", "source destination").keys(1, 2, 1),
    // LMPOP's keys are found through numkeys (Redis flags it movablekeys): no fixed triple.
    Command::new("lmpop", -4, WRITE | MOVABLEKEYS, pop::lmpop, "list", "7.0.0", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]"),
    Command::new("llen", 2, READONLY | FAST, edit::llen, "list", "1.0.0", "Returns the length of a list.", "key").keys(1, 1, 1),
    Command::new("lrange", 4, READONLY, edit::lrange, "list", "1.0.0", "Returns a range of elements from a list.", "key start stop").keys(1, 1, 1),
    Command::new("lindex", 3, READONLY, edit::lindex, "list", "1.0.0", "Returns an element from a list by its index.", "key index").keys(1, 1, 1),
    Command::new("lset", 4, WRITE | DENYOOM, edit::lset, "list", "1.0.0", "Sets the value of an element in a list by its index.", "key index element").keys(1, 1, 1),
    Command::new("lrem", 4, WRITE, edit::lrem, "list", "1.0.0", "Removes elements from a list. Deletes the list if the last element was removed.", "key count element").keys(1, 1, 1),
    Command::new("ltrim", 4, WRITE, edit::ltrim, "list", "1.0.0", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", "key start stop").keys(1, 1, 1),
    Command::new("lpos", -3, READONLY, edit::lpos, "list", "6.0.6", "Returns the index of matching elements in a list.", "key element [RANK rank] [COUNT num-matches] [MAXLEN len]").keys(1, 1, 1),
    // Redis also flags the blocking commands "blocking", a flag this table does not carry.
    Command::new("blpop", -3, WRITE | NOSCRIPT | BLOCKING, blocking::blpop, "list", "2.0.0", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "key [key ...] timeout").keys(1, -2, 1),
    Command::new("brpop", -3, WRITE | NOSCRIPT | BLOCKING, blocking::brpop, "list", "2.0.0", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "key [key ...] timeout").keys(1, -2, 1),
    Command::new("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, blocking::blmove, "list", "6.2.0", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", "source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout").keys(1, 2, 1),
    Command::new("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, blocking::brpoplpush, "list", "2.2.0", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", "source destination timeout").keys(1, 2, 1),
    Command::new("blmpop", -5, WRITE | BLOCKING | MOVABLEKEYS, blocking::blmpop, "list", "7.0.0", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]"),
];

/// Looks `key` up for reading in database `db`, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit too). The read-only commands (LLEN,
/// LRANGE, LINDEX, LPOS) use it; commands that write look keys up without counting.
fn read<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Result<Option<&'s List>, WrongType> {
    crate::cmd::read::<List>(srv, db, key)
}
