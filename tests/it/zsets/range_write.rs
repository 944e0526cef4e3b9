//! The range commands that write: ZRANGESTORE and ZREMRANGEBYRANK/SCORE/LEX.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn zrangestore_stores_or_deletes() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
        ":4\r\n",
    );
    check(&mut c, &["ZRANGESTORE", "dst", "z", "0", "1"], ":2\r\n");
    check(
        &mut c,
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "z", "2", "3", "BYSCORE"],
        ":2\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &[
            "ZRANGESTORE",
            "dst",
            "z",
            "+inf",
            "-inf",
            "BYSCORE",
            "REV",
            "LIMIT",
            "0",
            "3",
        ],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "z", "[a", "[b", "BYLEX"],
        ":2\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "dst", "0", "-1"],
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "z", "0", "-1", "LIMIT", "0", "1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "z", "x", "y", "BYSCORE"],
        "-ERR min or max is not a float\r\n",
    );
    check(&mut c, &["ZRANGESTORE", "dst", "z", "10", "20"], ":0\r\n");
    check(&mut c, &["EXISTS", "dst"], ":0\r\n");
    check(&mut c, &["SET", "dst", "str"], "+OK\r\n");
    check(&mut c, &["ZRANGESTORE", "dst", "z", "0", "0"], ":1\r\n");
    check(&mut c, &["TYPE", "dst"], "+zset\r\n");
    check(&mut c, &["SET", "dst", "str"], "+OK\r\n");
    check(
        &mut c,
        &["ZRANGESTORE", "dst", "missing", "0", "-1"],
        ":0\r\n",
    );
    check(&mut c, &["EXISTS", "dst"], ":0\r\n");
    check(&mut c, &["ZRANGESTORE", "z", "z", "1", "2"], ":2\r\n");
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1"],
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
}

#[test]
fn zremrange_commands() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f",
        ],
        ":6\r\n",
    );
    check(&mut c, &["ZREMRANGEBYRANK", "z", "0", "1"], ":2\r\n");
    check(&mut c, &["ZREMRANGEBYRANK", "z", "-1", "-1"], ":1\r\n");
    check(&mut c, &["ZREMRANGEBYRANK", "z", "5", "1"], ":0\r\n");
    check(&mut c, &["ZREMRANGEBYRANK", "z", "10", "20"], ":0\r\n");
    check(
        &mut c,
        &["ZREMRANGEBYRANK", "z", "a", "1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1"],
        "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, &["ZREMRANGEBYSCORE", "z", "(3", "4"], ":1\r\n");
    check(&mut c, &["ZREMRANGEBYSCORE", "z", "10", "20"], ":0\r\n");
    check(
        &mut c,
        &["ZREMRANGEBYSCORE", "z", "x", "4"],
        "-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1"],
        "*2\r\n$1\r\nc\r\n$1\r\ne\r\n",
    );
    check(&mut c, &["ZREMRANGEBYSCORE", "z", "-inf", "+inf"], ":2\r\n");
    check(&mut c, &["EXISTS", "z"], ":0\r\n");
    check(
        &mut c,
        &[
            "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        ":5\r\n",
    );
    check(&mut c, &["ZREMRANGEBYLEX", "l", "[b", "(d"], ":2\r\n");
    check(
        &mut c,
        &["ZRANGE", "l", "0", "-1"],
        "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZREMRANGEBYLEX", "l", "x", "y"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(&mut c, &["ZREMRANGEBYLEX", "l", "-", "+"], ":3\r\n");
    check(&mut c, &["EXISTS", "l"], ":0\r\n");
    check(&mut c, &["ZREMRANGEBYRANK", "missing", "0", "-1"], ":0\r\n");
    check(&mut c, &["ZREMRANGEBYSCORE", "missing", "0", "1"], ":0\r\n");
    check(&mut c, &["ZREMRANGEBYLEX", "missing", "-", "+"], ":0\r\n");
}
