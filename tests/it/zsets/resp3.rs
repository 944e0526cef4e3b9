//! RESP3 replies after HELLO 3: scores are doubles, WITHSCORES pairs are 2-element arrays.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn resp3_scores_are_doubles_and_pairs_are_arrays() {
    let s = TestServer::start();
    let mut c = s.raw();
    hello3(&mut c);
    check(
        &mut c,
        &["ZADD", "z", "1.5", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(&mut c, &["ZADD", "z", "INCR", "1", "a"], ",2.5\r\n");
    check(&mut c, &["ZADD", "z", "NX", "INCR", "1", "a"], "_\r\n");
    check(&mut c, &["ZINCRBY", "z", "0.25", "b"], ",2.25\r\n");
    check(&mut c, &["ZSCORE", "z", "a"], ",2.5\r\n");
    check(&mut c, &["ZSCORE", "z", "nope"], "_\r\n");
    check(
        &mut c,
        &["ZMSCORE", "z", "a", "nope"],
        "*2\r\n,2.5\r\n_\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1"],
        "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        "*3\r\n*2\r\n$1\r\nb\r\n,2.25\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n",
    );
    check(
        &mut c,
        &[
            "ZRANGE",
            "z",
            "-inf",
            "+inf",
            "BYSCORE",
            "WITHSCORES",
            "LIMIT",
            "0",
            "2",
        ],
        "*2\r\n*2\r\n$1\r\nb\r\n,2.25\r\n*2\r\n$1\r\na\r\n,2.5\r\n",
    );
    check(
        &mut c,
        &["ZREVRANGE", "z", "0", "0", "WITHSCORES"],
        "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n",
    );
    check(
        &mut c,
        &["ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES"],
        "*3\r\n*2\r\n$1\r\nb\r\n,2.25\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "missing", "0", "-1", "WITHSCORES"],
        "*0\r\n",
    );
    // WITHSCORE is Redis 7.2's; the reply is 7.2's.
    check(
        &mut c,
        &["ZRANK", "z", "a", "WITHSCORE"],
        "*2\r\n:1\r\n,2.5\r\n",
    );
    check(&mut c, &["ZRANK", "z", "nope", "WITHSCORE"], "_\r\n");
    check(&mut c, &["ZRANK", "missing", "a"], "_\r\n");
    check(&mut c, &["ZRANK", "z", "a"], ":1\r\n");
    check(
        &mut c,
        &["ZUNION", "1", "z", "WITHSCORES"],
        "*3\r\n*2\r\n$1\r\nb\r\n,2.25\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n",
    );
    check(
        &mut c,
        &["ZDIFF", "1", "z"],
        "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n",
    );
    check(&mut c, &["ZRANDMEMBER", "missing"], "_\r\n");
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "10", "WITHSCORES"],
        "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nb\r\n,2.25\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\nb\r\n$4\r\n2.25\r\n$1\r\na\r\n$3\r\n2.5\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["ZPOPMIN", "z"], "*2\r\n$1\r\nb\r\n,2.25\r\n");
    check(
        &mut c,
        &["ZPOPMIN", "z", "1"],
        "*1\r\n*2\r\n$1\r\na\r\n,2.5\r\n",
    );
    check(&mut c, &["ZPOPMAX", "missing", "2"], "*0\r\n");
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MAX", "COUNT", "5"],
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n",
    );
    check(&mut c, &["ZMPOP", "1", "z", "MAX"], "_\r\n");
    check(&mut c, &["ZADD", "inf", "-inf", "a", "inf", "b"], ":2\r\n");
    check(
        &mut c,
        &["ZRANGE", "inf", "0", "-1", "WITHSCORES"],
        "*2\r\n*2\r\n$1\r\na\r\n,-inf\r\n*2\r\n$1\r\nb\r\n,inf\r\n",
    );
    check(&mut c, &["ZSCORE", "inf", "a"], ",-inf\r\n");
}
