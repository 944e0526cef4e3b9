//! ZADD (every option and error), ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK,
//! ZCOUNT and ZLEXCOUNT.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn zadd_adds_updates_and_counts() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "5", "b", "4", "d"],
        ":1\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "CH", "1", "a", "6", "b", "7", "e"],
        ":2\r\n",
    );
    check(&mut c, &["ZADD", "z", "ch", "6", "b"], ":0\r\n");
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n6\r\n$1\r\ne\r\n$1\r\n7\r\n",
    );
    check(&mut c, &["ZADD", "z", "NX", "100", "a", "8", "f"], ":1\r\n");
    check(&mut c, &["ZADD", "z", "XX", "100", "a", "9", "g"], ":0\r\n");
    check(
        &mut c,
        &["ZADD", "z", "XX", "CH", "100", "a", "9", "g"],
        ":0\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "GT", "CH", "50", "a", "200", "a"],
        ":1\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "LT", "CH", "1", "a", "300", "b"],
        ":1\r\n",
    );
    check(&mut c, &["ZADD", "z", "GT", "1", "newgt"], ":1\r\n");
    check(
        &mut c,
        &["ZADD", "z", "LT", "XX", "CH", "0", "newgt", "-5", "nope"],
        ":1\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        "*14\r\n$5\r\nnewgt\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n6\r\n$1\r\ne\r\n$1\r\n7\r\n$1\r\nf\r\n$1\r\n8\r\n",
    );
    check(&mut c, &["ZADD", "missing", "XX", "1", "a"], ":0\r\n");
    check(&mut c, &["EXISTS", "missing"], ":0\r\n");
    check(
        &mut c,
        &[
            "ZADD", "z", "1.5", "x", "-1e3", "y", "0x10", "h", "inf", "i", "-inf", "j", "+inf", "k",
        ],
        ":6\r\n",
    );
    check(
        &mut c,
        &["ZMSCORE", "z", "x", "y", "h", "i", "j", "k"],
        "*6\r\n$3\r\n1.5\r\n$5\r\n-1000\r\n$2\r\n16\r\n$3\r\ninf\r\n$4\r\n-inf\r\n$3\r\ninf\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "1e400", "big"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "1e-400", "tiny"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "nan", "a"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "abc", "a"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", " 1", "a"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "NX"],
        "-ERR wrong number of arguments for 'zadd' command\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "NX", "XX", "1", "a"],
        "-ERR XX and NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "GT", "LT", "1", "a"],
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "GT", "NX", "1", "a"],
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "LT", "NX", "1", "a"],
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "INCR", "1", "a", "2", "b"],
        "-ERR INCR option supports a single increment-element pair\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "XX", "NX", "INCR", "1", "a", "2", "b"],
        "-ERR XX and NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z", "nx", "1", "a", "2"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z"],
        "-ERR wrong number of arguments for 'zadd' command\r\n",
    );
}

#[test]
fn zadd_incr_replies_the_new_score() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["ZADD", "z", "INCR", "1.5", "a"], "$3\r\n1.5\r\n");
    check(&mut c, &["ZADD", "z", "INCR", "1", "a"], "$3\r\n2.5\r\n");
    check(&mut c, &["ZADD", "z", "INCR", "-0.5", "a"], "$1\r\n2\r\n");
    check(&mut c, &["ZADD", "z", "NX", "INCR", "1", "a"], "$-1\r\n");
    check(&mut c, &["ZADD", "z", "XX", "INCR", "1", "nope"], "$-1\r\n");
    check(&mut c, &["ZADD", "z", "GT", "INCR", "-1", "a"], "$-1\r\n");
    check(
        &mut c,
        &["ZADD", "z", "LT", "INCR", "-1", "a"],
        "$1\r\n1\r\n",
    );
    check(&mut c, &["ZADD", "z", "INCR", "+inf", "a"], "$3\r\ninf\r\n");
    check(
        &mut c,
        &["ZADD", "z", "INCR", "-inf", "a"],
        "-ERR resulting score is not a number (NaN)\r\n",
    );
    check(&mut c, &["ZSCORE", "z", "a"], "$3\r\ninf\r\n");
    check(
        &mut c,
        &["ZADD", "missing", "XX", "INCR", "1", "a"],
        "$-1\r\n",
    );
    check(&mut c, &["EXISTS", "missing"], ":0\r\n");
}

#[test]
fn zincrby_increments_and_creates() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["ZINCRBY", "z", "2", "a"], "$1\r\n2\r\n");
    check(&mut c, &["ZINCRBY", "z", "2.5", "a"], "$3\r\n4.5\r\n");
    check(&mut c, &["ZINCRBY", "z", "-10", "a"], "$4\r\n-5.5\r\n");
    check(
        &mut c,
        &["ZINCRBY", "z", "0.1", "a"],
        "$19\r\n-5.4000000000000004\r\n",
    );
    check(&mut c, &["ZINCRBY", "z", "1e308", "b"], "$6\r\n1e+308\r\n");
    check(&mut c, &["ZINCRBY", "z", "1e308", "b"], "$3\r\ninf\r\n");
    check(&mut c, &["ZINCRBY", "z", "-inf", "c"], "$4\r\n-inf\r\n");
    check(
        &mut c,
        &["ZINCRBY", "z", "+inf", "c"],
        "-ERR resulting score is not a number (NaN)\r\n",
    );
    check(
        &mut c,
        &["ZINCRBY", "z", "abc", "a"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZINCRBY", "z", "nx", "a"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZINCRBY", "z", "", "a"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        &["ZINCRBY", "z", "1"],
        "-ERR wrong number of arguments for 'zincrby' command\r\n",
    );
    check(&mut c, &["ZSCORE", "z", "c"], "$4\r\n-inf\r\n");
}

#[test]
fn zrem_zcard_zscore_zmscore() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(&mut c, &["ZCARD", "z"], ":3\r\n");
    check(&mut c, &["ZSCORE", "z", "b"], "$1\r\n2\r\n");
    check(&mut c, &["ZSCORE", "z", "nope"], "$-1\r\n");
    check(&mut c, &["ZSCORE", "missing", "a"], "$-1\r\n");
    check(
        &mut c,
        &["ZMSCORE", "z", "a", "nope", "c"],
        "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZMSCORE", "missing", "a", "b"],
        "*2\r\n$-1\r\n$-1\r\n",
    );
    check(
        &mut c,
        &["ZMSCORE", "z"],
        "-ERR wrong number of arguments for 'zmscore' command\r\n",
    );
    check(&mut c, &["ZREM", "z", "a", "nope", "a"], ":1\r\n");
    check(&mut c, &["ZCARD", "z"], ":2\r\n");
    check(&mut c, &["ZREM", "z", "b", "c"], ":2\r\n");
    check(&mut c, &["EXISTS", "z"], ":0\r\n");
    check(&mut c, &["ZCARD", "z"], ":0\r\n");
    check(&mut c, &["ZREM", "missing", "a"], ":0\r\n");
    check(
        &mut c,
        &["ZREM", "z"],
        "-ERR wrong number of arguments for 'zrem' command\r\n",
    );
}

#[test]
fn zrank_and_zrevrank() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"],
        ":4\r\n",
    );
    check(&mut c, &["ZRANK", "z", "a"], ":0\r\n");
    check(&mut c, &["ZRANK", "z", "c"], ":2\r\n");
    check(&mut c, &["ZREVRANK", "z", "a"], ":3\r\n");
    check(&mut c, &["ZREVRANK", "z", "d"], ":0\r\n");
    check(&mut c, &["ZRANK", "z", "nope"], "$-1\r\n");
    check(&mut c, &["ZREVRANK", "z", "nope"], "$-1\r\n");
    check(&mut c, &["ZRANK", "missing", "a"], "$-1\r\n");
    check(
        &mut c,
        &["ZRANK", "z"],
        "-ERR wrong number of arguments for 'zrank' command\r\n",
    );
}

#[test]
fn zcount_and_zlexcount() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        ":5\r\n",
    );
    check(&mut c, &["ZCOUNT", "z", "2", "4"], ":3\r\n");
    check(&mut c, &["ZCOUNT", "z", "(2", "4"], ":2\r\n");
    check(&mut c, &["ZCOUNT", "z", "(2", "(4"], ":1\r\n");
    check(&mut c, &["ZCOUNT", "z", "-inf", "+inf"], ":5\r\n");
    check(&mut c, &["ZCOUNT", "z", "4", "2"], ":0\r\n");
    check(&mut c, &["ZCOUNT", "z", "(5", "5"], ":0\r\n");
    check(&mut c, &["ZCOUNT", "z", "", "1"], ":1\r\n");
    check(
        &mut c,
        &["ZCOUNT", "z", "x", "1"],
        "-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        &["ZCOUNT", "z", "1", "(x"],
        "-ERR min or max is not a float\r\n",
    );
    check(&mut c, &["ZCOUNT", "missing", "0", "1"], ":0\r\n");
    check(
        &mut c,
        &[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        ":5\r\n",
    );
    check(&mut c, &["ZLEXCOUNT", "l", "-", "+"], ":5\r\n");
    check(&mut c, &["ZLEXCOUNT", "l", "[b", "[d"], ":3\r\n");
    check(&mut c, &["ZLEXCOUNT", "l", "(b", "(d"], ":1\r\n");
    check(&mut c, &["ZLEXCOUNT", "l", "(b", "+"], ":3\r\n");
    check(&mut c, &["ZLEXCOUNT", "l", "+", "-"], ":0\r\n");
    check(&mut c, &["ZLEXCOUNT", "l", "[d", "[b"], ":0\r\n");
    check(
        &mut c,
        &["ZLEXCOUNT", "l", "b", "d"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        &["ZLEXCOUNT", "l", "-", "x"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        &["ZLEXCOUNT", "l", "+x", "-"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(&mut c, &["ZLEXCOUNT", "missing", "-", "+"], ":0\r\n");
}
