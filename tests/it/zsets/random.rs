//! ZRANDMEMBER and ZSCAN: the deterministic replies (counts that cover the whole set, small
//! sets, errors) byte for byte, and the random ones by shape.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn zrandmember_and_zscan_edges() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    check(&mut c, &["ZRANDMEMBER", "z", "0"], "*0\r\n");
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "5"],
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "3", "WITHSCORES"],
        "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
        "-ERR value is out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
        "-ERR value is out of range\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "1", "FOO"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
        "-ERR syntax error\r\n",
    );
    check(&mut c, &["ZRANDMEMBER", "missing"], "$-1\r\n");
    check(&mut c, &["ZRANDMEMBER", "missing", "5"], "*0\r\n");
    check(
        &mut c,
        &["ZRANDMEMBER", "missing", "-5", "WITHSCORES"],
        "*0\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "MATCH", "a*"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "MATCH", "*"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "COUNT", "1"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "COUNT", "0"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "COUNT", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "FOO", "bar"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "COUNT"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "z", "0", "TYPE", "zset"],
        "-ERR syntax error\r\n",
    );
    check(&mut c, &["ZSCAN", "z", "x"], "-ERR invalid cursor\r\n");
    check(
        &mut c,
        &["ZSCAN", "z", "-1"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "missing", "0"],
        "*2\r\n$1\r\n0\r\n*0\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "missing", "0", "FOO"],
        "*2\r\n$1\r\n0\r\n*0\r\n",
    );
    check(
        &mut c,
        &[
            "ZADD",
            "f",
            "1.1",
            "a",
            "0.1",
            "b",
            "1e20",
            "c",
            "123456789012345678",
            "d",
            "-0",
            "e",
        ],
        ":5\r\n",
    );
    check(
        &mut c,
        &["ZSCAN", "f", "0"],
        "*2\r\n$1\r\n0\r\n*10\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nd\r\n$18\r\n123456789012345680\r\n$1\r\nc\r\n$5\r\n1e+20\r\n",
    );
    check(
        &mut c,
        &["ZRANGE", "f", "0", "-1", "WITHSCORES"],
        "*10\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nd\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nc\r\n$5\r\n1e+20\r\n",
    );
}

#[test]
fn zrandmember_shapes() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ":3\r\n",
    );
    let one = reply(&mut c, &["ZRANDMEMBER", "z"]);
    assert!(
        ["$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"].contains(&one.as_str()),
        "{one}"
    );
    // Distinct members, fewer than the set holds.
    let two = reply(&mut c, &["ZRANDMEMBER", "z", "2"]);
    let lines: Vec<&str> = two.split("\r\n").collect();
    assert_eq!(lines[0], "*2");
    assert_ne!(lines[2], lines[4]);
    // Repeats allowed: exactly -count members, each with its own score.
    let many = reply(&mut c, &["ZRANDMEMBER", "z", "-7", "WITHSCORES"]);
    let lines: Vec<&str> = many.split("\r\n").collect();
    assert_eq!(lines[0], "*14");
    for i in 0..7 {
        let (m, score) = (lines[2 + 4 * i], lines[4 + 4 * i]);
        let want = match m {
            "a" => "1",
            "b" => "2",
            "c" => "3",
            other => panic!("unknown member {other}"),
        };
        assert_eq!(score, want);
    }
    hello3(&mut c);
    let pairs = reply(&mut c, &["ZRANDMEMBER", "z", "-2", "WITHSCORES"]);
    assert!(pairs.starts_with("*2\r\n*2\r\n$1\r\n"), "{pairs}");
    assert_eq!(pairs.matches(",").count(), 2, "{pairs}");
}

#[test]
fn zscan_walks_a_large_set_with_the_cursor() {
    let s = TestServer::start();
    let mut con = s.client();
    let members: Vec<(f64, String)> = (0..500)
        .map(|i| (f64::from(i) / 4.0, format!("m{i}")))
        .collect();
    let _: i64 = redis::cmd("ZADD")
        .arg("z")
        .arg(&members)
        .query(&mut con)
        .expect("ZADD");
    let mut seen = std::collections::HashMap::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let (next, items): (String, Vec<String>) = redis::cmd("ZSCAN")
            .arg("z")
            .arg(&cursor)
            .arg("COUNT")
            .arg(50)
            .query(&mut con)
            .expect("ZSCAN");
        for pair in items.chunks(2) {
            seen.insert(pair[0].clone(), pair[1].clone());
        }
        calls += 1;
        cursor = next;
        if cursor == "0" {
            break;
        }
        assert!(calls < 1000, "the scan ends");
    }
    assert!(calls > 1, "a large set is returned in steps");
    assert_eq!(seen.len(), 500);
    for (score, m) in &members {
        let want = String::from_utf8(muxis::util::number::format_double(*score)).expect("utf8");
        assert_eq!(seen.get(m), Some(&want), "{m}");
    }
    let (next, items): (String, Vec<String>) = redis::cmd("ZSCAN")
        .arg("z")
        .arg(0)
        .arg("MATCH")
        .arg("m49?")
        .arg("COUNT")
        .arg(10_000)
        .query(&mut con)
        .expect("ZSCAN");
    assert_eq!(next, "0");
    let mut names: Vec<&String> = items.iter().step_by(2).collect();
    names.sort();
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "m490");
}
