//! SPOP and SRANDMEMBER: exact replies where they are deterministic, membership and
//! count properties where they are random.

use super::*;

#[test]
fn spop_without_and_with_count() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SPOP", "nokey"], NIL);
    rt(&mut r, &["SPOP", "nokey", "3"], "*0\r\n");
    rt(&mut r, &["SADD", "s", "7"], ":1\r\n");
    rt(&mut r, &["SPOP", "s"], &bulk("7"));
    rt(&mut r, &["EXISTS", "s"], ":0\r\n");
    rt(&mut r, &["SADD", "s", "3", "1", "2"], ":3\r\n");
    rt(&mut r, &["SPOP", "s", "0"], "*0\r\n");
    rt(&mut r, &["SCARD", "s"], ":3\r\n");
    // A count covering the set pops it whole (listed as Redis lists the set) and deletes it.
    rt(&mut r, &["SPOP", "s", "3"], &agg("*", &["1", "2", "3"]));
    rt(&mut r, &["EXISTS", "s"], ":0\r\n");
    rt(&mut r, &["SADD", "s", "1", "2"], ":2\r\n");
    rt(
        &mut r,
        &["SPOP", "s", "9223372036854775807"],
        &agg("*", &["1", "2"]),
    );
    rt(&mut r, &["SPOP", "s", "-1"], NOT_POSITIVE);
    rt(&mut r, &["SPOP", "s", "x"], NOT_POSITIVE);
    rt(&mut r, &["SPOP", "nokey", "-1"], NOT_POSITIVE);
    rt(&mut r, &["SPOP", "s", "1", "2"], SYNTAX);
    rt(&mut r, &["SPOP"], &wrong_arity("spop"));

    let mut con = s.client();
    let all: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    for m in &all {
        run(&mut con, &["SADD", "p", m]).expect("SADD");
    }
    let mut popped = Vec::new();
    let one = match run(&mut con, &["SPOP", "p"]) {
        Ok(redis::Value::BulkString(b)) => String::from_utf8(b).expect("utf8"),
        other => panic!("{other:?}"),
    };
    popped.push(one);
    for count in ["1", "10", "20"] {
        let got = strings(&mut con, &["SPOP", "p", count]);
        assert_eq!(got.len(), count.parse::<usize>().expect("count"));
        popped.extend(got);
    }
    assert_eq!(int(&mut con, &["SCARD", "p"]), 18);
    popped.extend(strings(&mut con, &["SPOP", "p", "100"]));
    assert_eq!(int(&mut con, &["EXISTS", "p"]), 0);
    popped.sort();
    let mut expect = all.clone();
    expect.sort();
    assert_eq!(popped, expect, "every member popped exactly once");
}

#[test]
fn srandmember_without_and_with_count() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SRANDMEMBER", "nokey"], NIL);
    rt(&mut r, &["SRANDMEMBER", "nokey", "3"], "*0\r\n");
    rt(&mut r, &["SRANDMEMBER", "nokey", "-3"], "*0\r\n");
    rt(&mut r, &["SADD", "s", "3", "1", "2"], ":3\r\n");
    rt(&mut r, &["SRANDMEMBER", "s", "0"], "*0\r\n");
    rt(
        &mut r,
        &["SRANDMEMBER", "s", "3"],
        &agg("*", &["1", "2", "3"]),
    );
    rt(
        &mut r,
        &["SRANDMEMBER", "s", "100"],
        &agg("*", &["1", "2", "3"]),
    );
    rt(&mut r, &["SADD", "one", "x"], ":1\r\n");
    rt(&mut r, &["SRANDMEMBER", "one"], &bulk("x"));
    rt(
        &mut r,
        &["SRANDMEMBER", "one", "-3"],
        &agg("*", &["x", "x", "x"]),
    );
    rt(&mut r, &["SRANDMEMBER", "one", "1"], &agg("*", &["x"]));
    rt(&mut r, &["SRANDMEMBER", "s", "x"], NOT_INTEGER);
    rt(&mut r, &["SRANDMEMBER", "s", "1", "2"], SYNTAX);
    rt(&mut r, &["SRANDMEMBER", "s", "x", "2"], SYNTAX);
    let range = "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n";
    rt(&mut r, &["SRANDMEMBER", "s", "-9223372036854775808"], range);
    rt(
        &mut r,
        &["SRANDMEMBER", "nokey", "-9223372036854775808"],
        range,
    );
    rt(&mut r, &["SCARD", "s"], ":3\r\n");
    rt(&mut r, &["SRANDMEMBER"], &wrong_arity("srandmember"));

    let mut con = s.client();
    let all: HashSet<String> = (0..30).map(|i| format!("m{i}")).collect();
    for m in &all {
        run(&mut con, &["SADD", "big", m]).expect("SADD");
    }
    let mut seen = HashSet::new();
    for _ in 0..100 {
        for count in ["1", "5", "25"] {
            let got = strings(&mut con, &["SRANDMEMBER", "big", count]);
            let unique: HashSet<String> = got.iter().cloned().collect();
            assert_eq!(got.len(), count.parse::<usize>().expect("count"));
            assert_eq!(unique.len(), got.len(), "positive count: distinct members");
            assert!(unique.is_subset(&all));
            seen.extend(unique);
        }
    }
    assert_eq!(seen, all, "every member drawn at some point");
    let got = strings(&mut con, &["SRANDMEMBER", "big", "-200"]);
    assert_eq!(got.len(), 200);
    assert!(got.iter().all(|m| all.contains(m)));
    assert!(
        got.iter().collect::<HashSet<_>>().len() < 200,
        "negative count repeats"
    );
    assert_eq!(
        members(&mut con, &["SMEMBERS", "big"]),
        all,
        "nothing removed"
    );
}
