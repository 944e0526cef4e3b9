//! ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with sorted-set inputs (plain
//! set inputs are covered in-process, `src/cmd/zsets/tests.rs`).
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn union_inter_diff() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z1", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z2", "10", "b", "20", "c", "30", "d"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z3", "100", "c", "200", "d", "300", "e"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "z2"],
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "z2", "WITHSCORES"],
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n",
    );
    check(
        &mut c,
        &[
            "ZUNION",
            "3",
            "z1",
            "z2",
            "z3",
            "WITHSCORES",
            "AGGREGATE",
            "MIN",
        ],
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n$1\r\ne\r\n$3\r\n300\r\n",
    );
    check(
        &mut c,
        &[
            "ZUNION",
            "3",
            "z1",
            "z2",
            "z3",
            "WITHSCORES",
            "aggregate",
            "max",
        ],
        "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$3\r\n100\r\n$1\r\nd\r\n$3\r\n200\r\n$1\r\ne\r\n$3\r\n300\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "z2", "WEIGHTS", "2", "3", "WITHSCORES"],
        "*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$2\r\n34\r\n$1\r\nc\r\n$2\r\n66\r\n$1\r\nd\r\n$2\r\n90\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "missing", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["ZUNION", "2", "missing", "missing"], "*0\r\n");
    check(
        &mut c,
        &["ZINTER", "2", "z1", "z2", "WITHSCORES"],
        "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n",
    );
    check(
        &mut c,
        &["ZINTER", "3", "z1", "z2", "z3", "WITHSCORES"],
        "*2\r\n$1\r\nc\r\n$3\r\n123\r\n",
    );
    check(
        &mut c,
        &["ZINTER", "2", "z1", "z1", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n",
    );
    check(
        &mut c,
        &[
            "ZINTER",
            "2",
            "z2",
            "z3",
            "WEIGHTS",
            "1",
            "0.5",
            "AGGREGATE",
            "MAX",
            "WITHSCORES",
        ],
        "*4\r\n$1\r\nc\r\n$2\r\n50\r\n$1\r\nd\r\n$3\r\n100\r\n",
    );
    check(&mut c, &["ZINTER", "2", "z1", "missing"], "*0\r\n");
    check(&mut c, &["ZDIFF", "2", "z1", "z2"], "*1\r\n$1\r\na\r\n");
    check(
        &mut c,
        &["ZDIFF", "3", "z3", "z1", "z2", "WITHSCORES"],
        "*2\r\n$1\r\ne\r\n$3\r\n300\r\n",
    );
    check(
        &mut c,
        &["ZDIFF", "1", "z1", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["ZDIFF", "2", "missing", "z1"], "*0\r\n");
    check(&mut c, &["ZINTERCARD", "2", "z1", "z2"], ":2\r\n");
    check(
        &mut c,
        &["ZINTERCARD", "3", "z1", "z2", "z3", "LIMIT", "0"],
        ":1\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "2", "z2", "z3", "LIMIT", "1"],
        ":1\r\n",
    );
    check(&mut c, &["ZINTERCARD", "2", "z1", "missing"], ":0\r\n");
    check(
        &mut c,
        &["ZADD", "i1", "inf", "a", "-inf", "b", "1", "c"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZADD", "i2", "-inf", "a", "inf", "b", "inf", "c"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "i1", "i2", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$3\r\ninf\r\n",
    );
    check(
        &mut c,
        &["ZINTER", "2", "i1", "i2", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$3\r\ninf\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "i1", "i2", "WEIGHTS", "0", "0", "WITHSCORES"],
        "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n",
    );
    check(
        &mut c,
        &[
            "ZINTER",
            "2",
            "i1",
            "i2",
            "WEIGHTS",
            "1",
            "0",
            "AGGREGATE",
            "MIN",
            "WITHSCORES",
        ],
        "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\na\r\n$3\r\ninf\r\n",
    );
}

#[test]
fn union_inter_diff_errors() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["ZADD", "z1", "1", "a"], ":1\r\n");
    check(
        &mut c,
        &["ZUNION", "0", "z1"],
        "-ERR at least 1 input key is needed for 'zunion' command\r\n",
    );
    check(
        &mut c,
        &["ZINTER", "-1", "z1"],
        "-ERR at least 1 input key is needed for 'zinter' command\r\n",
    );
    check(
        &mut c,
        &["ZDIFF", "0", "z1"],
        "-ERR at least 1 input key is needed for 'zdiff' command\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "0", "z1"],
        "-ERR at least 1 input key is needed for 'zintercard' command\r\n",
    );
    check(
        &mut c,
        &["ZUNIONSTORE", "d", "0", "z1"],
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "x", "z1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "3", "z1", "z1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "1", "z1", "FOO"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "z1", "WEIGHTS", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "2", "z1", "z1", "WEIGHTS", "1", "x"],
        "-ERR weight value is not a float\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "1", "z1", "AGGREGATE"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "1", "z1", "AGGREGATE", "AVG"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNION", "1", "z1", "LIMIT", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZUNIONSTORE", "d", "1", "z1", "WITHSCORES"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZDIFF", "1", "z1", "WEIGHTS", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZDIFF", "1", "z1", "AGGREGATE", "SUM"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZDIFFSTORE", "d", "1", "z1", "WITHSCORES"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "1", "z1", "WITHSCORES"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "1", "z1", "WEIGHTS", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "1", "z1", "LIMIT", "-1"],
        "-ERR LIMIT can't be negative\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "1", "z1", "LIMIT", "x"],
        "-ERR LIMIT can't be negative\r\n",
    );
    check(
        &mut c,
        &["ZINTERCARD", "1", "z1", "LIMIT"],
        "-ERR syntax error\r\n",
    );
}

#[test]
fn store_forms() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z1", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(
        &mut c,
        &["ZADD", "z2", "10", "b", "20", "c", "30", "d"],
        ":3\r\n",
    );
    check(&mut c, &["ZUNIONSTORE", "out", "2", "z1", "z2"], ":4\r\n");
    check(
        &mut c,
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n",
    );
    check(
        &mut c,
        &[
            "ZINTERSTORE",
            "out",
            "2",
            "z1",
            "z2",
            "WEIGHTS",
            "1",
            "2",
            "AGGREGATE",
            "MIN",
        ],
        ":2\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["ZDIFFSTORE", "out", "2", "z1", "z2"], ":1\r\n");
    check(
        &mut c,
        &["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        "*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["ZINTERSTORE", "out", "2", "z1", "missing"],
        ":0\r\n",
    );
    check(&mut c, &["EXISTS", "out"], ":0\r\n");
    check(&mut c, &["SET", "out", "str"], "+OK\r\n");
    check(&mut c, &["ZUNIONSTORE", "out", "1", "z1"], ":3\r\n");
    check(&mut c, &["TYPE", "out"], "+zset\r\n");
    check(&mut c, &["ZUNIONSTORE", "z1", "2", "z1", "z2"], ":4\r\n");
    check(
        &mut c,
        &["ZRANGE", "z1", "0", "-1", "WITHSCORES"],
        "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n",
    );
}
