//! Sorted-set commands (ZADD ... ZSCAN, BZPOPMIN, ZMPOP ...), with Redis 7.0's options,
//! reply types and error strings (ZRANK/ZREVRANK also take 7.2's WITHSCORE).
//!
//! This file holds the command table and what every handler shares: the key lookups, which
//! reply WRONGTYPE for other types, and the writers for member lists. `basic.rs` has the
//! single-member commands and counts, `range.rs` the ZRANGE family and ZREMRANGEBY*,
//! `pop.rs` the pops (blocking ones included), `setops.rs` union, intersection and
//! difference, and `random.rs` ZRANDMEMBER and ZSCAN.
//!
//! Scores go out with `Out::double`: a `%.17g` bulk string in RESP2, a double in RESP3.
//! Lists with scores are flat `[member, score, ...]` in RESP2 and `[[member, score], ...]` in
//! RESP3, as Redis 7 replies. The data structure lives in `db/zset`.

mod basic;
mod pop;
mod random;
mod range;
mod setops;
#[cfg(test)]
mod tests;

use crate::db::zset::ZSet;
use crate::engine::out::Out;
use crate::engine::state::Server;
use crate::engine::table::{Command, flag::*};

use basic::*;
use pop::*;
use random::*;
use range::*;
use setops::*;

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    Command::new("zadd", -4, WRITE | DENYOOM | FAST, zadd, "sorted_set", "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists", "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]").keys(1, 1, 1),
    Command::new("zincrby", 4, WRITE | DENYOOM | FAST, zincrby, "sorted_set", "1.2.0", "Increment the score of a member in a sorted set", "key increment member").keys(1, 1, 1),
    Command::new("zrem", -3, WRITE | FAST, zrem, "sorted_set", "1.2.0", "Remove one or more members from a sorted set", "key member [member ...]").keys(1, 1, 1),
    Command::new("zscore", 3, READONLY | FAST, zscore, "sorted_set", "1.2.0", "Get the score associated with the given member in a sorted set", "key member").keys(1, 1, 1),
    Command::new("zmscore", -3, READONLY | FAST, zmscore, "sorted_set", "6.2.0", "Get the score associated with the given members in a sorted set", "key member [member ...]").keys(1, 1, 1),
    Command::new("zcard", 2, READONLY | FAST, zcard, "sorted_set", "1.2.0", "Get the number of members in a sorted set", "key").keys(1, 1, 1),
    Command::new("zcount", 4, READONLY | FAST, zcount, "sorted_set", "2.0.0", "Count the members in a sorted set with scores within the given values", "key min max").keys(1, 1, 1),
    Command::new("zlexcount", 4, READONLY | FAST, zlexcount, "sorted_set", "2.8.9", "Count the number of members in a sorted set between a given lexicographical range", "key min max").keys(1, 1, 1),
    // Arity -3 and WITHSCORE as in Redis 7.2; 7.0 has arity 3.
    Command::new("zrank", -3, READONLY | FAST, zrank, "sorted_set", "2.0.0", "Determine the index of a member in a sorted set", "key member [WITHSCORE]").keys(1, 1, 1),
    Command::new("zrevrank", -3, READONLY | FAST, zrevrank, "sorted_set", "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low", "key member [WITHSCORE]").keys(1, 1, 1),
    Command::new("zrange", -4, READONLY, zrange, "sorted_set", "1.2.0", "Return a range of members in a sorted set", "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]").keys(1, 1, 1),
    Command::new("zrangebyscore", -4, READONLY, zrangebyscore, "sorted_set", "1.0.5", "Return a range of members in a sorted set, by score", "key min max [WITHSCORES] [LIMIT offset count]").keys(1, 1, 1),
    Command::new("zrevrangebyscore", -4, READONLY, zrevrangebyscore, "sorted_set", "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low", "key max min [WITHSCORES] [LIMIT offset count]").keys(1, 1, 1),
    Command::new("zrangebylex", -4, READONLY, zrangebylex, "sorted_set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range", "key min max [LIMIT offset count]").keys(1, 1, 1),
    Command::new("zrevrangebylex", -4, READONLY, zrevrangebylex, "sorted_set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "key max min [LIMIT offset count]").keys(1, 1, 1),
    Command::new("zrevrange", -4, READONLY, zrevrange, "sorted_set", "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low", "key start stop [WITHSCORES]").keys(1, 1, 1),
    Command::new("zrangestore", -5, WRITE | DENYOOM, zrangestore, "sorted_set", "6.2.0", "Store a range of members from sorted set into another key", "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]").keys(1, 2, 1),
    Command::new("zpopmin", -2, WRITE | FAST, zpopmin, "sorted_set", "5.0.0", "Remove and return members with the lowest scores in a sorted set", "key [count]").keys(1, 1, 1),
    Command::new("zpopmax", -2, WRITE | FAST, zpopmax, "sorted_set", "5.0.0", "Remove and return members with the highest scores in a sorted set", "key [count]").keys(1, 1, 1),
    Command::new("bzpopmin", -3, WRITE | NOSCRIPT | FAST | BLOCKING, bzpopmin, "sorted_set", "5.0.0", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "key [key ...] timeout").keys(1, -2, 1),
    Command::new("bzpopmax", -3, WRITE | NOSCRIPT | FAST | BLOCKING, bzpopmax, "sorted_set", "5.0.0", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "key [key ...] timeout").keys(1, -2, 1),
    Command::new("zmpop", -4, WRITE | MOVABLEKEYS, zmpop, "sorted_set", "7.0.0", "Remove and return members with scores in a sorted set", "numkeys key [key ...] <MIN | MAX> [COUNT count]"),
    Command::new("bzmpop", -5, WRITE | BLOCKING | MOVABLEKEYS, bzmpop, "sorted_set", "7.0.0", "Remove and return members with scores in a sorted set or block until one is available", "timeout numkeys key [key ...] <MIN | MAX> [COUNT count]"),
    Command::new("zunionstore", -4, WRITE | DENYOOM | MOVABLEKEYS, zunionstore, "sorted_set", "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key", "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]").keys(1, 1, 1),
    Command::new("zinterstore", -4, WRITE | DENYOOM | MOVABLEKEYS, zinterstore, "sorted_set", "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key", "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]").keys(1, 1, 1),
    Command::new("zdiffstore", -4, WRITE | DENYOOM | MOVABLEKEYS, zdiffstore, "sorted_set", "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key", "destination numkeys key [key ...]").keys(1, 1, 1),
    Command::new("zunion", -3, READONLY | MOVABLEKEYS, zunion, "sorted_set", "6.2.0", "Add multiple sorted sets", "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]"),
    Command::new("zinter", -3, READONLY | MOVABLEKEYS, zinter, "sorted_set", "6.2.0", "Intersect multiple sorted sets", "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]"),
    Command::new("zdiff", -3, READONLY | MOVABLEKEYS, zdiff, "sorted_set", "6.2.0", "Subtract multiple sorted sets", "numkeys key [key ...] [WITHSCORES]"),
    Command::new("zintercard", -3, READONLY | MOVABLEKEYS, zintercard, "sorted_set", "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result", "numkeys key [key ...] [LIMIT limit]"),
    Command::new("zremrangebyrank", 4, WRITE, zremrangebyrank, "sorted_set", "2.0.0", "Remove all members in a sorted set within the given indexes", "key start stop").keys(1, 1, 1),
    Command::new("zremrangebyscore", 4, WRITE, zremrangebyscore, "sorted_set", "1.2.0", "Remove all members in a sorted set within the given scores", "key min max").keys(1, 1, 1),
    Command::new("zremrangebylex", 4, WRITE, zremrangebylex, "sorted_set", "2.8.9", "Remove all members in a sorted set between the given lexicographical range", "key min max").keys(1, 1, 1),
    Command::new("zrandmember", -2, READONLY, zrandmember, "sorted_set", "6.2.0", "Get one or multiple random elements from a sorted set", "key [count [WITHSCORES]]").keys(1, 1, 1),
    Command::new("zscan", -3, READONLY, zscan, "sorted_set", "2.8.0", "Incrementally iterate sorted sets elements and associated scores", "key cursor [MATCH pattern] [COUNT count]").keys(1, 1, 1),
];

const NOT_FLOAT_RANGE: &str = "ERR min or max is not a float";
const NOT_LEX_RANGE: &str = "ERR min or max not valid string range item";

use crate::db::WrongType;

/// Looks a sorted set up for reading, counting a keyspace hit or miss as Redis's
/// `lookupKeyRead` does (a key of another type is a hit).
fn read<'s>(srv: &'s mut Server, db: usize, key: &[u8]) -> Result<Option<&'s ZSet>, WrongType> {
    crate::cmd::read::<ZSet>(srv, db, key)
}

/// Looks a sorted set up for changing it in place (no hit/miss counted, as Redis's
/// `lookupKeyWrite`).
fn write<'s>(
    srv: &'s mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'s mut ZSet>, WrongType> {
    let now = srv.now_ms;
    srv.dbs[db].typed_mut::<ZSet>(key, now)
}

/// The header of a reply listing `n` members, with their scores if `withscores`.
fn list_header(out: &mut Out, n: usize, withscores: bool) {
    if withscores && !out.resp3() {
        out.array(n.saturating_mul(2));
    } else {
        out.array(n);
    }
}

/// One member of such a list: in RESP3 a member with its score is a 2-element array.
fn list_item(out: &mut Out, member: &[u8], score: f64, withscores: bool) {
    if withscores && out.resp3() {
        out.array(2);
    }
    out.bulk(member);
    if withscores {
        out.double(score);
    }
}

/// A list of the first `n` members (and scores) of `items`, which must hold that many.
fn list<'a>(
    out: &mut Out,
    n: usize,
    withscores: bool,
    items: impl Iterator<Item = (&'a bytes::Bytes, f64)>,
) {
    list_header(out, n, withscores);
    for (m, s) in items.take(n) {
        list_item(out, m, s, withscores);
    }
}
