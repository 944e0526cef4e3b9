//! Transcripts recorded from a real Redis 7.0.15: each test replays a command sequence
//! against a fresh in-process server and compares every reply byte for byte. Regenerate by
//! replaying the same commands against `redis-server` after FLUSHALL. (Kept one step per
//! line: `lists/tests.rs` exempts this file from rustfmt.)

use super::check;
use crate::cmd::keys::tests::T;

/// The blocking forms when data is there (and their argument errors): no blocking happens.
#[test]
fn blocking_served_at_once() {
    let mut t = T::new();
    check(&mut t, &[
        (&["set", "s", "v"], "+OK\r\n"),
        (&["rpush", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], ":10\r\n"),
        (&["blpop", "l", "x"], "-ERR timeout is not a float or out of range\r\n"),
        (&["blpop", "l", "-1"], "-ERR timeout is negative\r\n"),
        (&["blpop", "l", "nan"], "-ERR timeout is not a float or out of range\r\n"),
        (&["blpop", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["blpop", "nokey", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["blpop", "l", "s", "0"], "*2\r\n$1\r\nl\r\n$1\r\na\r\n"),
        (&["brpop", "l", "s", "0"], "*2\r\n$1\r\nl\r\n$1\r\nj\r\n"),
        (&["blpop", "nokey", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\nb\r\n"),
        (&["brpop", "nokey", "l", "0.5"], "*2\r\n$1\r\nl\r\n$1\r\ni\r\n"),
        (&["brpoplpush", "nokey", "s", "x"], "-ERR timeout is not a float or out of range\r\n"),
        (&["brpoplpush", "l", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["brpoplpush", "s", "l", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["brpoplpush", "l", "d", "0"], "$1\r\nh\r\n"),
        (&["blmove", "l", "d", "left", "middle", "x"], "-ERR syntax error\r\n"),
        (&["blmove", "l", "d", "middle", "left", "x"], "-ERR syntax error\r\n"),
        (&["blmove", "l", "d", "left", "left", "x"], "-ERR timeout is not a float or out of range\r\n"),
        (&["blmove", "l", "d", "left", "left", "-1"], "-ERR timeout is negative\r\n"),
        (&["blmove", "l", "d", "left", "left", "0"], "$1\r\nc\r\n"),
        (&["blmove", "l", "s", "left", "left", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["blmove", "s", "d", "left", "left", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lrange", "d", "0", "-1"], "*2\r\n$1\r\nc\r\n$1\r\nh\r\n"),
        (&["blmpop", "0", "1", "l", "left"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nd\r\n"),
        (&["blmpop", "x", "1", "l", "left"], "-ERR timeout is not a float or out of range\r\n"),
        (&["blmpop", "x", "0", "l", "left"], "-ERR numkeys should be greater than 0\r\n"),
        (&["blmpop", "0", "0", "l", "left"], "-ERR numkeys should be greater than 0\r\n"),
        (&["blmpop", "0", "1", "l", "middle"], "-ERR syntax error\r\n"),
        (&["blmpop", "0", "1", "l", "left", "count", "0"], "-ERR count should be greater than 0\r\n"),
        (&["blmpop", "x", "1", "l", "left", "count", "0"], "-ERR count should be greater than 0\r\n"),
        (&["blmpop", "0", "1", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["blmpop", "0", "2", "nokey", "l", "left", "count", "5"], "*2\r\n$1\r\nl\r\n*3\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
        (&["blmpop", "0", "2", "l", "s", "right", "count", "50"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["exists", "l"], ":0\r\n"),
    ]);
}

/// LMOVE/RPOPLPUSH: directions, rotation on one key, type checks before anything moves.
#[test]
fn lmove_rpoplpush() {
    let mut t = T::new();
    check(&mut t, &[
        (&["set", "s", "v"], "+OK\r\n"),
        (&["rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ":8\r\n"),
        (&["lmove", "nokey", "d", "left", "right"], "$-1\r\n"),
        (&["lmove", "l", "d", "middle", "right"], "-ERR syntax error\r\n"),
        (&["lmove", "l", "d", "left", "middle"], "-ERR syntax error\r\n"),
        (&["lmove", "nokey", "d", "middle", "right"], "-ERR syntax error\r\n"),
        (&["lmove", "s", "d", "left", "right"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lmove", "l", "s", "left", "right"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lmove", "nokey", "s", "left", "right"], "$-1\r\n"),
        (&["lmove", "l", "d", "LEFT", "RIGHT"], "$1\r\na\r\n"),
        (&["lmove", "l", "d", "right", "left"], "$1\r\nc\r\n"),
        (&["lrange", "d", "0", "-1"], "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["lmove", "l", "l", "left", "right"], "$1\r\nb\r\n"),
        (&["lrange", "l", "0", "-1"], "*6\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\nb\r\n"),
        (&["lmove", "l", "l", "right", "left"], "$1\r\nb\r\n"),
        (&["lrange", "l", "0", "-1"], "*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nc\r\n"),
        (&["lmove", "l", "l", "left", "left"], "$1\r\nb\r\n"),
        (&["lmove", "l", "l", "right", "right"], "$1\r\nc\r\n"),
        (&["lrange", "l", "0", "-1"], "*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nc\r\n"),
        (&["rpoplpush", "l", "l"], "$1\r\nc\r\n"),
        (&["rpoplpush", "l", "d"], "$1\r\n3\r\n"),
        (&["rpoplpush", "nokey", "d"], "$-1\r\n"),
        (&["rpoplpush", "s", "d"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpoplpush", "l", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpoplpush", "nokey", "s"], "$-1\r\n"),
        (&["lrange", "d", "0", "-1"], "*3\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["rpush", "x", "1"], ":1\r\n"),
        (&["lmove", "x", "x", "left", "left"], "$1\r\n1\r\n"),
        (&["lrange", "x", "0", "-1"], "*1\r\n$1\r\n1\r\n"),
        (&["lmove", "x", "y", "left", "left"], "$1\r\n1\r\n"),
        (&["exists", "x"], ":0\r\n"),
        (&["lrange", "y", "0", "-1"], "*1\r\n$1\r\n1\r\n"),
    ]);
}

/// LMPOP: numkeys/where/COUNT checks in Redis's order, key order, nested reply.
#[test]
fn lmpop_args() {
    let mut t = T::new();
    check(&mut t, &[
        (&["set", "s", "v"], "+OK\r\n"),
        (&["lmpop", "0", "l", "left"], "-ERR numkeys should be greater than 0\r\n"),
        (&["lmpop", "-1", "l", "left"], "-ERR numkeys should be greater than 0\r\n"),
        (&["lmpop", "x", "l", "left"], "-ERR numkeys should be greater than 0\r\n"),
        (&["lmpop", "1", "l", "middle"], "-ERR syntax error\r\n"),
        (&["lmpop", "2", "l", "left"], "-ERR syntax error\r\n"),
        (&["lmpop", "1", "l", "left", "count", "0"], "-ERR count should be greater than 0\r\n"),
        (&["lmpop", "1", "l", "left", "count", "-1"], "-ERR count should be greater than 0\r\n"),
        (&["lmpop", "1", "l", "left", "count", "x"], "-ERR count should be greater than 0\r\n"),
        (&["lmpop", "1", "l", "left", "count", "1", "count", "2"], "-ERR syntax error\r\n"),
        (&["lmpop", "1", "l", "left", "foo"], "-ERR syntax error\r\n"),
        (&["lmpop", "1", "l", "left", "count"], "-ERR syntax error\r\n"),
        (&["lmpop", "1", "nokey", "left"], "*-1\r\n"),
        (&["lmpop", "1", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lmpop", "2", "nokey", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpush", "y", "1"], ":1\r\n"),
        (&["lmpop", "2", "y", "d", "left", "count", "1"], "*2\r\n$1\r\ny\r\n*1\r\n$1\r\n1\r\n"),
        (&["exists", "y"], ":0\r\n"),
        (&["rpush", "a", "1", "2", "3"], ":3\r\n"),
        (&["lmpop", "3", "nokey", "a", "y", "right", "count", "2"], "*2\r\n$1\r\na\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
        (&["lmpop", "3", "nokey", "a", "y", "RIGHT", "COUNT", "10"], "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"),
        (&["lmpop", "1", "a", "left"], "*-1\r\n"),
        (&["lmpop", "2147483648", "a", "left"], "-ERR syntax error\r\n"),
        (&["lmpop", "9223372036854775807", "a", "left"], "-ERR syntax error\r\n"),
        (&["lmpop", "3", "a", "b", "left"], "-ERR syntax error\r\n"),
        (&["rpush", "a", "1", "2"], ":2\r\n"),
        (&["rpush", "b", "3"], ":1\r\n"),
        (&["lmpop", "2", "s", "a", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lmpop", "2", "a", "s", "left"], "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"),
        (&["lmpop", "2", "a", "b", "left", "count", "9223372036854775807"], "*2\r\n$1\r\na\r\n*1\r\n$1\r\n2\r\n"),
    ]);
}

/// LPOP/RPOP with and without count: reply types, the count check before the key, deletion.
#[test]
fn lpop_rpop() {
    let mut t = T::new();
    check(&mut t, &[
        (&["lpop", "nokey"], "$-1\r\n"),
        (&["rpop", "nokey"], "$-1\r\n"),
        (&["lpop", "nokey", "2"], "*-1\r\n"),
        (&["lpop", "nokey", "0"], "*-1\r\n"),
        (&["lpop", "nokey", "-1"], "-ERR value is out of range, must be positive\r\n"),
        (&["lpop", "nokey", "x"], "-ERR value is out of range, must be positive\r\n"),
        (&["rpush", "l", "a", "b", "c", "d", "e"], ":5\r\n"),
        (&["lpop", "l", "0"], "*0\r\n"),
        (&["lpop", "l", "-1"], "-ERR value is out of range, must be positive\r\n"),
        (&["rpop", "l", "x"], "-ERR value is out of range, must be positive\r\n"),
        (&["lpop", "l", "2"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["rpop", "l", "2"], "*2\r\n$1\r\ne\r\n$1\r\nd\r\n"),
        (&["rpop", "l", "10"], "*1\r\n$1\r\nc\r\n"),
        (&["exists", "l"], ":0\r\n"),
        (&["rpush", "l", "a"], ":1\r\n"),
        (&["lpop", "l", "1"], "*1\r\n$1\r\na\r\n"),
        (&["rpush", "l", "a", "b"], ":2\r\n"),
        (&["rpop", "l"], "$1\r\nb\r\n"),
        (&["lpop", "l"], "$1\r\na\r\n"),
        (&["lpop", "l"], "$-1\r\n"),
        (&["set", "s", "v"], "+OK\r\n"),
        (&["lpop", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpop", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lpop", "s", "-1"], "-ERR value is out of range, must be positive\r\n"),
        (&["rpush", "l", "a"], ":1\r\n"),
        (&["lpop", "l", "9223372036854775807"], "*1\r\n$1\r\na\r\n"),
        (&["lpop", "l", "9223372036854775808"], "-ERR value is out of range, must be positive\r\n"),
    ]);
}

/// LPOS: RANK, COUNT, MAXLEN, their errors (checked before the key) and reply types.
#[test]
fn lpos_options() {
    let mut t = T::new();
    check(&mut t, &[
        (&["set", "s", "v"], "+OK\r\n"),
        (&["rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ":8\r\n"),
        (&["lpos", "l", "c"], ":2\r\n"),
        (&["lpos", "l", "c", "rank", "2"], ":6\r\n"),
        (&["lpos", "l", "c", "rank", "-1"], ":7\r\n"),
        (&["lpos", "l", "c", "rank", "-3"], ":2\r\n"),
        (&["lpos", "l", "c", "rank", "-4"], "$-1\r\n"),
        (&["lpos", "l", "c", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["lpos", "l", "c", "count", "0"], "*3\r\n:2\r\n:6\r\n:7\r\n"),
        (&["lpos", "l", "c", "count", "2"], "*2\r\n:2\r\n:6\r\n"),
        (&["lpos", "l", "c", "COUNT", "0", "RANK", "-1"], "*3\r\n:7\r\n:6\r\n:2\r\n"),
        (&["lpos", "l", "c", "count", "-1"], "-ERR COUNT can't be negative\r\n"),
        (&["lpos", "l", "c", "maxlen", "-1"], "-ERR MAXLEN can't be negative\r\n"),
        (&["lpos", "l", "c", "maxlen", "3"], ":2\r\n"),
        (&["lpos", "l", "c", "maxlen", "3", "count", "0"], "*1\r\n:2\r\n"),
        (&["lpos", "l", "c", "maxlen", "7", "count", "0"], "*2\r\n:2\r\n:6\r\n"),
        (&["lpos", "l", "c", "maxlen", "0", "count", "0"], "*3\r\n:2\r\n:6\r\n:7\r\n"),
        (&["lpos", "l", "c", "maxlen", "2", "rank", "-1"], ":7\r\n"),
        (&["lpos", "l", "c", "rank", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["lpos", "l", "c", "rank", "-9223372036854775808"], ":7\r\n"),
        (&["lpos", "l", "c", "rank", "-9223372036854775808", "count", "2"], "*3\r\n:7\r\n:6\r\n:2\r\n"),
        (&["lpos", "l", "c", "rank", "9223372036854775807"], "$-1\r\n"),
        (&["lpos", "l", "c", "rank", "9223372036854775807", "count", "0"], "*0\r\n"),
        (&["lpos", "l", "c", "count", "x"], "-ERR COUNT can't be negative\r\n"),
        (&["lpos", "l", "c", "maxlen", "x"], "-ERR MAXLEN can't be negative\r\n"),
        (&["lpos", "l", "c", "foo", "1"], "-ERR syntax error\r\n"),
        (&["lpos", "l", "c", "rank"], "-ERR syntax error\r\n"),
        (&["lpos", "l", "c", "rank", "2", "count", "1", "rank", "3"], "*1\r\n:7\r\n"),
        (&["lpos", "l", "c", "count", "1", "maxlen", "4", "rank", "-1"], "*1\r\n:7\r\n"),
        (&["lpos", "l", "zz"], "$-1\r\n"),
        (&["lpos", "l", "zz", "count", "1"], "*0\r\n"),
        (&["lpos", "nokey", "zz"], "$-1\r\n"),
        (&["lpos", "nokey", "zz", "count", "1"], "*0\r\n"),
        (&["lpos", "nokey", "zz", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["lpos", "s", "zz"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lpos", "s", "zz", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        (&["lpos", "s", "zz", "count", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    ]);
}

/// LRANGE bounds (huge and reversed), LINDEX, argument order.
#[test]
fn lrange_lindex() {
    let mut t = T::new();
    check(&mut t, &[
        (&["rpush", "l", "a", "b", "c"], ":3\r\n"),
        (&["lrange", "l", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["lrange", "l", "-100", "100"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["lrange", "l", "5", "10"], "*0\r\n"),
        (&["lrange", "l", "2", "1"], "*0\r\n"),
        (&["lrange", "l", "-1", "-1"], "*1\r\n$1\r\nc\r\n"),
        (&["lrange", "l", "1", "1"], "*1\r\n$1\r\nb\r\n"),
        (&["lrange", "l", "-9223372036854775808", "9223372036854775807"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["lrange", "l", "9223372036854775807", "-9223372036854775808"], "*0\r\n"),
        (&["lrange", "l", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["lrange", "l", "0", "y"], "-ERR value is not an integer or out of range\r\n"),
        (&["lrange", "nokey", "0", "-1"], "*0\r\n"),
        (&["lrange", "nokey", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["set", "s", "v"], "+OK\r\n"),
        (&["lrange", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lrange", "s", "x", "y"], "-ERR value is not an integer or out of range\r\n"),
        (&["lindex", "l", "0"], "$1\r\na\r\n"),
        (&["lindex", "l", "-1"], "$1\r\nc\r\n"),
        (&["lindex", "l", "-3"], "$1\r\na\r\n"),
        (&["lindex", "l", "-4"], "$-1\r\n"),
        (&["lindex", "l", "3"], "$-1\r\n"),
        (&["lindex", "l", "9223372036854775807"], "$-1\r\n"),
        (&["lindex", "l", "-9223372036854775808"], "$-1\r\n"),
        (&["lindex", "l", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["lindex", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lindex", "s", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lindex", "nokey", "x"], "$-1\r\n"),
    ]);
}

/// LREM from either end, LTRIM clamping, both deleting empty lists.
#[test]
fn lrem_ltrim() {
    let mut t = T::new();
    check(&mut t, &[
        (&["set", "s", "v"], "+OK\r\n"),
        (&["rpush", "l", "a", "b", "c", "a", "b", "c", "a"], ":7\r\n"),
        (&["ltrim", "nokey", "0", "1"], "+OK\r\n"),
        (&["ltrim", "nokey", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["ltrim", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["ltrim", "s", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["lrem", "nokey", "0", "a"], ":0\r\n"),
        (&["lrem", "nokey", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
        (&["lrem", "s", "0", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lrem", "s", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
        (&["lrem", "l", "1", "a"], ":1\r\n"),
        (&["lrange", "l", "0", "-1"], "*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["lrem", "l", "-1", "a"], ":1\r\n"),
        (&["lrange", "l", "0", "-1"], "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["lrem", "l", "0", "b"], ":2\r\n"),
        (&["lrange", "l", "0", "-1"], "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nc\r\n"),
        (&["lrem", "l", "-9223372036854775808", "c"], ":2\r\n"),
        (&["lrem", "l", "0", "zz"], ":0\r\n"),
        (&["lrem", "l", "0", "a"], ":1\r\n"),
        (&["lrange", "l", "0", "-1"], "*0\r\n"),
        (&["lrem", "l", "1", "c"], ":0\r\n"),
        (&["exists", "l"], ":0\r\n"),
        (&["rpush", "l", "a", "b", "c", "d", "e", "f"], ":6\r\n"),
        (&["ltrim", "l", "1", "-2"], "+OK\r\n"),
        (&["lrange", "l", "0", "-1"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["ltrim", "l", "-9223372036854775808", "9223372036854775807"], "+OK\r\n"),
        (&["lrange", "l", "0", "-1"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["ltrim", "l", "-2", "-1"], "+OK\r\n"),
        (&["lrange", "l", "0", "-1"], "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["ltrim", "l", "100", "200"], "+OK\r\n"),
        (&["exists", "l"], ":0\r\n"),
        (&["rpush", "l", "a"], ":1\r\n"),
        (&["ltrim", "l", "1", "0"], "+OK\r\n"),
        (&["exists", "l"], ":0\r\n"),
    ]);
}

/// LSET errors and order of checks; LINSERT replies.
#[test]
fn lset_linsert() {
    let mut t = T::new();
    check(&mut t, &[
        (&["lset", "nokey", "0", "a"], "-ERR no such key\r\n"),
        (&["lset", "nokey", "x", "a"], "-ERR no such key\r\n"),
        (&["rpush", "l", "a", "b", "c"], ":3\r\n"),
        (&["lset", "l", "3", "a"], "-ERR index out of range\r\n"),
        (&["lset", "l", "-4", "a"], "-ERR index out of range\r\n"),
        (&["lset", "l", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
        (&["lset", "l", "-3", "z"], "+OK\r\n"),
        (&["lset", "l", "2", "y"], "+OK\r\n"),
        (&["lrange", "l", "0", "-1"], "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\ny\r\n"),
        (&["set", "s", "v"], "+OK\r\n"),
        (&["lset", "s", "0", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lset", "s", "x", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["linsert", "l", "before", "z", "0"], ":4\r\n"),
        (&["linsert", "l", "AFTER", "y", "9"], ":5\r\n"),
        (&["linsert", "l", "after", "nope", "d"], ":-1\r\n"),
        (&["linsert", "l", "middle", "c", "d"], "-ERR syntax error\r\n"),
        (&["linsert", "nokey", "before", "a", "b"], ":0\r\n"),
        (&["linsert", "nokey", "middle", "a", "b"], "-ERR syntax error\r\n"),
        (&["linsert", "s", "before", "a", "b"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["linsert", "s", "middle", "a", "b"], "-ERR syntax error\r\n"),
        (&["lrange", "l", "0", "-1"], "*5\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\ny\r\n$1\r\n9\r\n"),
        (&["rpush", "d", "x", "x"], ":2\r\n"),
        (&["linsert", "d", "after", "x", "m"], ":3\r\n"),
        (&["lrange", "d", "0", "-1"], "*3\r\n$1\r\nx\r\n$1\r\nm\r\n$1\r\nx\r\n"),
    ]);
}

/// LPUSH/RPUSH order, the X forms, LLEN, WRONGTYPE.
#[test]
fn pushes_and_lengths() {
    let mut t = T::new();
    check(&mut t, &[
        (&["lpush", "l", "a", "b", "c"], ":3\r\n"),
        (&["rpush", "l", "d", "e"], ":5\r\n"),
        (&["lrange", "l", "0", "-1"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["llen", "l"], ":5\r\n"),
        (&["llen", "nokey"], ":0\r\n"),
        (&["lpushx", "nokey", "a"], ":0\r\n"),
        (&["rpushx", "nokey", "a"], ":0\r\n"),
        (&["exists", "nokey"], ":0\r\n"),
        (&["lpushx", "l", "x", "y"], ":7\r\n"),
        (&["rpushx", "l", "z"], ":8\r\n"),
        (&["lrange", "l", "0", "-1"], "*8\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nz\r\n"),
        (&["set", "s", "v"], "+OK\r\n"),
        (&["lpush", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpush", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["lpushx", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["rpushx", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["llen", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["type", "l"], "+list\r\n"),
    ]);
}

