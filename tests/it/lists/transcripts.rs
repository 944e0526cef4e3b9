//! Every list command, option and error reply over TCP, byte for byte as recorded from a
//! real Redis 7.0.15 (each test's commands replayed against `redis-server` after FLUSHALL).
//! Kept one command per line: `lists.rs` exempts this file from rustfmt.

use super::rt;
use crate::common::*;

/// The blocking commands when data is ready, and their argument errors.
#[test]
fn blocking_errors_and_ready_data() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["rpush", "l", "a", "b", "c", "d", "e", "f"], ":6\r\n");
    rt(&mut r, &["blpop", "nokey", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    rt(&mut r, &["brpop", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\nf\r\n");
    rt(&mut r, &["blpop", "l", "x"], "-ERR timeout is not a float or out of range\r\n");
    rt(&mut r, &["blpop", "l", "-1"], "-ERR timeout is negative\r\n");
    rt(&mut r, &["blpop", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["blmove", "l", "d", "left", "right", "0"], "$1\r\nb\r\n");
    rt(&mut r, &["blmove", "l", "d", "left", "up", "0"], "-ERR syntax error\r\n");
    rt(&mut r, &["blmove", "l", "d", "left", "right", "x"], "-ERR timeout is not a float or out of range\r\n");
    rt(&mut r, &["blmove", "s", "d", "left", "right", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["brpoplpush", "l", "d", "0"], "$1\r\ne\r\n");
    rt(&mut r, &["brpoplpush", "l", "d", "-1"], "-ERR timeout is negative\r\n");
    rt(&mut r, &["brpoplpush", "l", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["blmpop", "0", "2", "nokey", "l", "left", "count", "5"], "*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
    rt(&mut r, &["blmpop", "0", "0", "l", "left"], "-ERR numkeys should be greater than 0\r\n");
    rt(&mut r, &["blmpop", "0", "1", "l", "left", "count", "0"], "-ERR count should be greater than 0\r\n");
    rt(&mut r, &["blmpop", "x", "1", "l", "left"], "-ERR timeout is not a float or out of range\r\n");
    rt(&mut r, &["blmpop", "0", "1", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lrange", "d", "0", "-1"], "*2\r\n$1\r\ne\r\n$1\r\nb\r\n");
}

/// LSET, LINSERT, LREM and LTRIM.
#[test]
fn edits() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["lset", "nokey", "0", "a"], "-ERR no such key\r\n");
    rt(&mut r, &["rpush", "l", "a", "b", "c"], ":3\r\n");
    rt(&mut r, &["lset", "l", "3", "a"], "-ERR index out of range\r\n");
    rt(&mut r, &["lset", "l", "-4", "a"], "-ERR index out of range\r\n");
    rt(&mut r, &["lset", "l", "x", "a"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["lset", "l", "-1", "z"], "+OK\r\n");
    rt(&mut r, &["lset", "s", "0", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["linsert", "l", "before", "z", "y"], ":4\r\n");
    rt(&mut r, &["linsert", "l", "after", "a", "b"], ":5\r\n");
    rt(&mut r, &["linsert", "l", "after", "nope", "d"], ":-1\r\n");
    rt(&mut r, &["linsert", "l", "middle", "c", "d"], "-ERR syntax error\r\n");
    rt(&mut r, &["linsert", "nokey", "before", "a", "b"], ":0\r\n");
    rt(&mut r, &["linsert", "s", "before", "a", "b"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lrange", "l", "0", "-1"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n$1\r\ny\r\n$1\r\nz\r\n");
    rt(&mut r, &["lrem", "l", "0", "b"], ":2\r\n");
    rt(&mut r, &["lrem", "l", "-1", "y"], ":1\r\n");
    rt(&mut r, &["lrem", "l", "1", "nope"], ":0\r\n");
    rt(&mut r, &["lrem", "l", "x", "a"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["lrem", "s", "0", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lrem", "nokey", "0", "a"], ":0\r\n");
    rt(&mut r, &["lrange", "l", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nz\r\n");
    rt(&mut r, &["rpush", "t", "a", "b", "c", "d", "e"], ":5\r\n");
    rt(&mut r, &["ltrim", "t", "1", "-2"], "+OK\r\n");
    rt(&mut r, &["lrange", "t", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
    rt(&mut r, &["ltrim", "t", "x", "0"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["ltrim", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["ltrim", "t", "5", "10"], "+OK\r\n");
    rt(&mut r, &["exists", "t"], ":0\r\n");
}

/// LMPOP: key order, COUNT, and every argument error.
#[test]
fn lmpop() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["rpush", "b", "1", "2", "3"], ":3\r\n");
    rt(&mut r, &["lmpop", "2", "a", "b", "left"], "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n");
    rt(&mut r, &["lmpop", "2", "a", "b", "right", "count", "5"], "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
    rt(&mut r, &["exists", "b"], ":0\r\n");
    rt(&mut r, &["lmpop", "2", "a", "b", "left"], "*-1\r\n");
    rt(&mut r, &["lmpop", "0", "a", "left"], "-ERR numkeys should be greater than 0\r\n");
    rt(&mut r, &["lmpop", "x", "a", "left"], "-ERR numkeys should be greater than 0\r\n");
    rt(&mut r, &["lmpop", "3", "a", "b", "left"], "-ERR syntax error\r\n");
    rt(&mut r, &["lmpop", "1", "a", "up"], "-ERR syntax error\r\n");
    rt(&mut r, &["lmpop", "1", "a", "left", "count", "0"], "-ERR count should be greater than 0\r\n");
    rt(&mut r, &["lmpop", "1", "a", "left", "count", "1", "count", "1"], "-ERR syntax error\r\n");
    rt(&mut r, &["lmpop", "1", "a", "left", "junk"], "-ERR syntax error\r\n");
    rt(&mut r, &["lmpop", "2", "a", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

/// LPOS with RANK, COUNT and MAXLEN.
#[test]
fn lpos() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ":8\r\n");
    rt(&mut r, &["lpos", "l", "c"], ":2\r\n");
    rt(&mut r, &["lpos", "l", "c", "rank", "-1"], ":7\r\n");
    rt(&mut r, &["lpos", "l", "c", "rank", "2", "count", "0"], "*2\r\n:6\r\n:7\r\n");
    rt(&mut r, &["lpos", "l", "c", "count", "0", "rank", "-1"], "*3\r\n:7\r\n:6\r\n:2\r\n");
    rt(&mut r, &["lpos", "l", "c", "maxlen", "2"], "$-1\r\n");
    rt(&mut r, &["lpos", "l", "c", "maxlen", "2", "count", "5"], "*0\r\n");
    rt(&mut r, &["lpos", "l", "c", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n");
    rt(&mut r, &["lpos", "l", "c", "count", "-1"], "-ERR COUNT can't be negative\r\n");
    rt(&mut r, &["lpos", "l", "c", "maxlen", "-1"], "-ERR MAXLEN can't be negative\r\n");
    rt(&mut r, &["lpos", "l", "c", "rank", "x"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["lpos", "l", "c", "bogus", "1"], "-ERR syntax error\r\n");
    rt(&mut r, &["lpos", "l", "nope"], "$-1\r\n");
    rt(&mut r, &["lpos", "l", "nope", "count", "0"], "*0\r\n");
    rt(&mut r, &["lpos", "nokey", "a", "count", "0"], "*0\r\n");
    rt(&mut r, &["lpos", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

/// LMOVE and RPOPLPUSH, across keys and on one key.
#[test]
fn moves() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["rpush", "l", "a", "b", "c"], ":3\r\n");
    rt(&mut r, &["lmove", "l", "d", "left", "right"], "$1\r\na\r\n");
    rt(&mut r, &["lmove", "l", "d", "right", "left"], "$1\r\nc\r\n");
    rt(&mut r, &["lrange", "d", "0", "-1"], "*2\r\n$1\r\nc\r\n$1\r\na\r\n");
    rt(&mut r, &["lmove", "l", "l", "left", "right"], "$1\r\nb\r\n");
    rt(&mut r, &["lrange", "l", "0", "-1"], "*1\r\n$1\r\nb\r\n");
    rt(&mut r, &["lmove", "l", "d", "up", "down"], "-ERR syntax error\r\n");
    rt(&mut r, &["lmove", "s", "d", "left", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lmove", "l", "s", "left", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lmove", "nokey", "s", "left", "left"], "$-1\r\n");
    rt(&mut r, &["rpoplpush", "l", "d"], "$1\r\nb\r\n");
    rt(&mut r, &["rpoplpush", "l", "d"], "$-1\r\n");
    rt(&mut r, &["rpoplpush", "l", "d"], "$-1\r\n");
    rt(&mut r, &["exists", "l"], ":0\r\n");
    rt(&mut r, &["lrange", "d", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n");
    rt(&mut r, &["rpoplpush", "d", "d"], "$1\r\na\r\n");
    rt(&mut r, &["lrange", "d", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    rt(&mut r, &["rpoplpush", "s", "d"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

/// LPOP and RPOP, with and without COUNT.
#[test]
fn pops() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["rpush", "l", "a", "b", "c", "d", "e"], ":5\r\n");
    rt(&mut r, &["lpop", "l"], "$1\r\na\r\n");
    rt(&mut r, &["rpop", "l"], "$1\r\ne\r\n");
    rt(&mut r, &["lpop", "l", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
    rt(&mut r, &["rpop", "l", "0"], "*0\r\n");
    rt(&mut r, &["rpop", "l", "10"], "*1\r\n$1\r\nd\r\n");
    rt(&mut r, &["exists", "l"], ":0\r\n");
    rt(&mut r, &["lpop", "l"], "$-1\r\n");
    rt(&mut r, &["lpop", "l", "1"], "*-1\r\n");
    rt(&mut r, &["lpop", "l", "-1"], "-ERR value is out of range, must be positive\r\n");
    rt(&mut r, &["rpop", "l", "x"], "-ERR value is out of range, must be positive\r\n");
    rt(&mut r, &["lpop", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["rpop", "s", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

/// LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN, LRANGE and LINDEX, with WRONGTYPE and bad numbers.
#[test]
fn push_llen_lrange() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["set", "s", "v"], "+OK\r\n");
    rt(&mut r, &["lpush", "l", "a", "b", "c"], ":3\r\n");
    rt(&mut r, &["rpush", "l", "d", "e"], ":5\r\n");
    rt(&mut r, &["lrange", "l", "0", "-1"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n");
    rt(&mut r, &["lrange", "l", "-100", "100"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n");
    rt(&mut r, &["lrange", "l", "3", "1"], "*0\r\n");
    rt(&mut r, &["lrange", "l", "-9223372036854775808", "9223372036854775807"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n");
    rt(&mut r, &["lrange", "l", "x", "1"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["lrange", "nokey", "0", "-1"], "*0\r\n");
    rt(&mut r, &["lrange", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["llen", "l"], ":5\r\n");
    rt(&mut r, &["llen", "nokey"], ":0\r\n");
    rt(&mut r, &["llen", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lpushx", "nokey", "a"], ":0\r\n");
    rt(&mut r, &["rpushx", "nokey", "a"], ":0\r\n");
    rt(&mut r, &["lpushx", "l", "x", "y"], ":7\r\n");
    rt(&mut r, &["rpushx", "l", "z"], ":8\r\n");
    rt(&mut r, &["lpush", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["rpushx", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    rt(&mut r, &["lindex", "l", "0"], "$1\r\ny\r\n");
    rt(&mut r, &["lindex", "l", "-1"], "$1\r\nz\r\n");
    rt(&mut r, &["lindex", "l", "100"], "$-1\r\n");
    rt(&mut r, &["lindex", "l", "x"], "-ERR value is not an integer or out of range\r\n");
    rt(&mut r, &["lindex", "nokey", "x"], "$-1\r\n");
    rt(&mut r, &["lindex", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

