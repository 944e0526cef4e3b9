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
use crate::engine::table::Handler;

/// GEOADD stores its positions through ZADD, as Redis does.
pub(crate) use basic::zadd;
use basic::*;
use pop::*;
use random::*;
use range::*;
use setops::*;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("zadd", zadd),
    ("zincrby", zincrby),
    ("zrem", zrem),
    ("zscore", zscore),
    ("zmscore", zmscore),
    ("zcard", zcard),
    ("zcount", zcount),
    ("zlexcount", zlexcount),
    ("zrank", zrank),
    ("zrevrank", zrevrank),
    ("zrange", zrange),
    ("zrangebyscore", zrangebyscore),
    ("zrevrangebyscore", zrevrangebyscore),
    ("zrangebylex", zrangebylex),
    ("zrevrangebylex", zrevrangebylex),
    ("zrevrange", zrevrange),
    ("zrangestore", zrangestore),
    ("zpopmin", zpopmin),
    ("zpopmax", zpopmax),
    ("bzpopmin", bzpopmin),
    ("bzpopmax", bzpopmax),
    ("zmpop", zmpop),
    ("bzmpop", bzmpop),
    ("zunionstore", zunionstore),
    ("zinterstore", zinterstore),
    ("zdiffstore", zdiffstore),
    ("zunion", zunion),
    ("zinter", zinter),
    ("zdiff", zdiff),
    ("zintercard", zintercard),
    ("zremrangebyrank", zremrangebyrank),
    ("zremrangebyscore", zremrangebyscore),
    ("zremrangebylex", zremrangebylex),
    ("zrandmember", zrandmember),
    ("zscan", zscan),
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
    items: impl Iterator<Item = (&'a [u8], f64)>,
) {
    list_header(out, n, withscores);
    for (m, s) in items.take(n) {
        list_item(out, m, s, withscores);
    }
}
