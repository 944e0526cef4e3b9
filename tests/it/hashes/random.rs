//! HRANDFIELD: exact replies where they are deterministic, membership and count
//! properties where they are random.

use super::*;

#[test]
fn hrandfield_replies_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["HRANDFIELD", "nokey"], NIL);
    rt(&mut r, &["HRANDFIELD", "nokey", "5"], "*0\r\n");
    rt(
        &mut r,
        &["HRANDFIELD", "nokey", "-5", "WITHVALUES"],
        "*0\r\n",
    );
    rt(
        &mut r,
        &["HSET", "h", "a", "1", "b", "2", "c", "3"],
        ":3\r\n",
    );
    rt(&mut r, &["HRANDFIELD", "h", "0"], "*0\r\n");
    rt(&mut r, &["HRANDFIELD", "h", "0", "WITHVALUES"], "*0\r\n");
    // A count covering the hash returns it whole, in order.
    rt(
        &mut r,
        &["HRANDFIELD", "h", "3"],
        &agg("*", &["a", "b", "c"]),
    );
    rt(
        &mut r,
        &["HRANDFIELD", "h", "9223372036854775807"],
        &agg("*", &["a", "b", "c"]),
    );
    rt(
        &mut r,
        &["HRANDFIELD", "h", "4", "withvalues"],
        &agg("*", &["a", "1", "b", "2", "c", "3"]),
    );
    // The count is parsed first, then the rest of the syntax.
    rt(&mut r, &["HRANDFIELD", "h", "x"], NOT_INTEGER);
    rt(&mut r, &["HRANDFIELD", "nokey", "x"], NOT_INTEGER);
    rt(&mut r, &["HRANDFIELD", "h", "x", "foo"], NOT_INTEGER);
    rt(&mut r, &["HRANDFIELD", "h", "1", "foo"], SYNTAX);
    rt(
        &mut r,
        &["HRANDFIELD", "h", "1", "WITHVALUES", "foo"],
        SYNTAX,
    );
    rt(
        &mut r,
        &["HRANDFIELD", "h", "-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    let range = "-ERR value is out of range\r\n";
    rt(
        &mut r,
        &["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
        range,
    );
    rt(
        &mut r,
        &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
        range,
    );
    rt(
        &mut r,
        &["HRANDFIELD", "nokey", "-4611686018427387904", "WITHVALUES"],
        range,
    );
    rt(
        &mut r,
        &["HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"],
        &agg("*", &["a", "1", "b", "2", "c", "3"]),
    );
}

#[test]
fn hrandfield_picks_are_fields_distinct_or_repeated() {
    let s = TestServer::start();
    let mut con = s.client();
    let fields: HashMap<String, String> = (0..20)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    for (f, v) in &fields {
        run(&mut con, &["HSET", "h", f, v]).expect("HSET");
    }
    let mut seen = HashSet::new();
    for _ in 0..200 {
        let one = match run(&mut con, &["HRANDFIELD", "h"]) {
            Ok(redis::Value::BulkString(b)) => String::from_utf8(b).expect("utf8"),
            other => panic!("{other:?}"),
        };
        assert!(fields.contains_key(&one));
        seen.insert(one);
    }
    assert!(seen.len() > 10, "draws spread over the fields: {seen:?}");
    for count in ["1", "5", "19"] {
        let got = strings(&mut con, &["HRANDFIELD", "h", count]);
        let unique: HashSet<&String> = got.iter().collect();
        assert_eq!(got.len(), count.parse::<usize>().expect("count"));
        assert_eq!(unique.len(), got.len(), "positive count: distinct fields");
        assert!(got.iter().all(|f| fields.contains_key(f)));
    }
    let got = strings(&mut con, &["HRANDFIELD", "h", "-100"]);
    assert_eq!(got.len(), 100);
    assert!(got.iter().all(|f| fields.contains_key(f)));
    assert!(
        got.iter().collect::<HashSet<_>>().len() < 100,
        "negative count repeats"
    );
    for count in ["7", "-30"] {
        let flat = strings(&mut con, &["HRANDFIELD", "h", count, "WITHVALUES"]);
        let n: i64 = count.parse().expect("count");
        assert_eq!(flat.len() as i64, 2 * n.abs());
        for pair in flat.chunks(2) {
            assert_eq!(
                fields.get(&pair[0]),
                Some(&pair[1]),
                "field with its own value"
            );
        }
    }
    assert_eq!(hgetall(&mut con, "h"), fields, "HRANDFIELD changes nothing");
}
