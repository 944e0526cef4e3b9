//! The ZRANGE family by rank, score and lex.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn zrange_by_rank() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        ":5\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "1", "2", "WITHSCORES"],
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-2", "-1"],
        "*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-100", "1"],
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "3", "100"],
        "*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, &["ZRANGE", "z", "3", "1"], "*0\r\n");
    check(&mut c, &["ZRANGE", "z", "5", "10"], "*0\r\n");
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "REV"],
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "1", "REV", "WITHSCORES"],
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "withscores", "rev"],
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-9223372036854775808", "9223372036854775807"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "9223372036854775808"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "a", "1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "LIMIT", "1", "-1"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "LIMIT", "0"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "REV", "REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "foo"],
        "-ERR syntax error\r\n",
    );
    check(&mut c, &["ZRANGE", "missing", "0", "-1"], "*0\r\n");
    check(
        &mut c,
        &["ZRANGE", "missing", "0", "-1", "WITHSCORES"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "1"],
        "*2\r\n$1\r\ne\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "-1", "WITHSCORES"],
        "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(&mut c, &["ZREVRANGE", "z", "-1", "-1"], "*1\r\n$1\r\na\r\n");
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "1", "REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "1", "BYSCORE"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
}

#[test]
fn zrange_by_score() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f",
        ],
        ":6\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "2", "4", "BYSCORE"],
        "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "(2", "4", "BYSCORE", "WITHSCORES"],
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "(2", "(4", "BYSCORE"],
        "*1\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
        "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "6", "2"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "4", "2", "BYSCORE", "REV"],
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        &[
            "ZRANGE",
            "z",
            "+inf",
            "-inf",
            "BYSCORE",
            "REV",
            "WITHSCORES",
            "LIMIT",
            "1",
            "3",
        ],
        "*6\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "2", "4", "BYSCORE", "REV"],
        "*0\r\n",
    );
    check(&mut c, &["ZRANGE", "z", "4", "2", "BYSCORE"], "*0\r\n");
    check(
        &mut c,
        &["ZRANGE", "z", "x", "2", "BYSCORE"],
        "-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "1", "nan", "BYSCORE"],
        "-ERR min or max is not a float\r\n",
    );
    check(&mut c, &["ZRANGE", "z", "", "", "BYSCORE"], "*0\r\n");
    check(
        &mut c,
        &["ZRANGE", "z", "1e400", "inf", "BYSCORE"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "x", "1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "2", "4"],
        "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES"],
        "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &[
            "ZRANGEBYSCORE",
            "z",
            "-inf",
            "+inf",
            "WITHSCORES",
            "LIMIT",
            "2",
            "2",
        ],
        "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "BYLEX"],
        "-ERR syntax error\r\n",
    );
    check(&mut c, &["ZRANGEBYSCORE", "z", "(5", "+inf"], "*0\r\n");
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "5", "5"],
        "*2\r\n$1\r\ne\r\n$1\r\nf\r\n",
    );
    check(&mut c, &["ZRANGEBYSCORE", "missing", "0", "1"], "*0\r\n");
    check(
        &mut c,
        &["ZREVRANGEBYSCORE", "z", "4", "2"],
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    check(&mut c, &["ZREVRANGEBYSCORE", "z", "2", "4"], "*0\r\n");
    check(
        &mut c,
        &[
            "ZREVRANGEBYSCORE",
            "z",
            "+inf",
            "-inf",
            "WITHSCORES",
            "LIMIT",
            "1",
            "2",
        ],
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGEBYSCORE", "z", "(5", "(1"],
        "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
}

#[test]
fn zrange_by_lex() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
        ":5\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-", "+", "BYLEX"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "[b", "[d", "BYLEX"],
        "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "(b", "(d", "BYLEX"],
        "*1\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "(b", "+", "BYLEX", "LIMIT", "1", "2"],
        "*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "+", "-", "BYLEX", "REV"],
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "[d", "-", "BYLEX", "REV", "LIMIT", "1", "10"],
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    check(
        &mut c,
        &[
            "ZRANGE",
            "z",
            "-",
            "+",
            "BYLEX",
            "LIMIT",
            "0",
            "1",
            "WITHSCORES",
        ],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "a", "+", "BYLEX"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "-", "+a", "BYLEX"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "", "+", "BYLEX"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "[", "+", "BYLEX"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYLEX", "z", "-", "+"],
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYLEX", "z", "[aa", "(d"],
        "*2\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "3", "5"],
        "*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYLEX", "z", "b", "d"],
        "-ERR min or max not valid string range item\r\n",
    );
    check(&mut c, &["ZRANGEBYLEX", "missing", "-", "+"], "*0\r\n");
    check(
        &mut c,
        &["ZREVRANGEBYLEX", "z", "+", "-"],
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGEBYLEX", "z", "(d", "[b"],
        "*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "1", "2"],
        "*2\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
    check(&mut c, &["ZREVRANGEBYLEX", "z", "-", "+"], "*0\r\n");
}
