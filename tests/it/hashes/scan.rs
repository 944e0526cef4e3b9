//! HSCAN: reply shape, options and errors, and full iterations that return every field.

use super::*;

#[test]
fn hscan_reply_shape_options_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    rt(&mut r, &["HSCAN", "nokey", "0"], empty);
    // The key is looked up before the options are parsed.
    rt(&mut r, &["HSCAN", "nokey", "0", "COUNT", "0"], empty);
    rt(
        &mut r,
        &["HSET", "h", "a", "1", "b", "2", "ab", "3"],
        ":3\r\n",
    );
    rt(
        &mut r,
        &["HSCAN", "h", "0"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n",
    );
    rt(
        &mut r,
        &["HSCAN", "h", "0", "MATCH", "a*"],
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$1\r\n3\r\n",
    );
    rt(
        &mut r,
        &["HSCAN", "h", "0", "match", "*", "count", "1"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n",
    );
    rt(&mut r, &["HSCAN", "h", "0", "MATCH", "zz*"], empty);
    // A negative cursor wraps, as strtoul does.
    rt(
        &mut r,
        &["HSCAN", "h", "-1", "MATCH", "b"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    let invalid = "-ERR invalid cursor\r\n";
    rt(&mut r, &["HSCAN", "h", "x"], invalid);
    rt(&mut r, &["HSCAN", "h", "18446744073709551616"], invalid);
    rt(&mut r, &["HSCAN", "nokey", "x"], invalid);
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(&mut r, &["HSCAN", "str", "x"], invalid);
    rt(&mut r, &["HSCAN", "h", "0", "COUNT", "0"], SYNTAX);
    rt(&mut r, &["HSCAN", "h", "0", "COUNT", "x"], NOT_INTEGER);
    rt(&mut r, &["HSCAN", "h", "0", "TYPE", "string"], SYNTAX);
    rt(&mut r, &["HSCAN", "h", "0", "MATCH"], SYNTAX);
    rt(&mut r, &["HSCAN", "h", "0", "foo", "bar"], SYNTAX);
    rt(&mut r, &["HSCAN", "h"], &wrong_arity("hscan"));
}

/// Runs `HSCAN key cursor COUNT count` and returns the next cursor and the flat pairs.
fn hscan(
    con: &mut redis::Connection,
    key: &str,
    cursor: &str,
    count: &str,
) -> (String, Vec<String>) {
    redis::cmd("HSCAN")
        .arg(key)
        .arg(cursor)
        .arg("COUNT")
        .arg(count)
        .query(con)
        .expect("HSCAN replies")
}

#[test]
fn hscan_full_iteration_returns_every_field_with_its_value() {
    let s = TestServer::start();
    let mut con = s.client();
    // Values longer than 64 bytes make it a hash table in Redis, scanned in steps.
    let long = "x".repeat(70);
    let mut fields = HashMap::new();
    for i in 0..500 {
        let (f, v) = (format!("field:{i}"), format!("{long}{i}"));
        run(&mut con, &["HSET", "big", &f, &v]).expect("HSET");
        fields.insert(f, v);
    }
    for count in ["1", "10", "1000"] {
        let mut seen = HashMap::new();
        let mut cursor = "0".to_string();
        let mut calls = 0;
        loop {
            let (next, flat) = hscan(&mut con, "big", &cursor, count);
            for pair in flat.chunks(2) {
                seen.insert(pair[0].clone(), pair[1].clone());
            }
            calls += 1;
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(seen, fields, "COUNT {count}");
        if count == "1" {
            assert!(calls > 50, "a big hash comes in steps ({calls} calls)");
        }
    }
    // Fields deleted and added while iterating: every field present throughout comes back.
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0;
    loop {
        let (next, flat) = hscan(&mut con, "big", &cursor, "7");
        seen.extend(flat.chunks(2).map(|p| p[0].clone()));
        round += 1;
        if round < 200 {
            run(
                &mut con,
                &["HDEL", "big", &format!("field:{}", 250 + round)],
            )
            .expect("HDEL");
            run(&mut con, &["HSET", "big", &format!("new:{round}"), "v"]).expect("HSET");
        }
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    for i in (0..=250).chain(450..500) {
        assert!(seen.contains(&format!("field:{i}")), "field:{i} missed");
    }
}

/// A hash of exactly `hash-max-listpack-entries` fields is still packed and HSCAN returns
/// it whole; one more field converts it for good, and HSCAN then walks it by cursor.
#[test]
fn hscan_returns_the_hash_whole_until_it_converts() {
    let s = TestServer::start();
    let mut c = s.client();
    for i in 0..512 {
        run(&mut c, &["HSET", "h", &format!("f{i}"), &"v".repeat(64)]).expect("HSET");
    }
    let encoding = |c: &mut redis::Connection| strings_of(c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(encoding(&mut c), "listpack");
    let (cursor, items) = scan(&mut c, "0");
    assert_eq!((cursor.as_str(), items.len()), ("0", 1024));
    assert_eq!(items[0], "f0", "insertion order");
    assert_eq!(items[1022], "f511");
    run(&mut c, &["HSET", "h", "f512", "v"]).expect("HSET");
    assert_eq!(encoding(&mut c), "hashtable");
    let (cursor, items) = scan(&mut c, "0");
    assert_ne!(cursor, "0");
    assert!(items.len() < 1026);
    for i in 0..510 {
        run(&mut c, &["HDEL", "h", &format!("f{i}")]).expect("HDEL");
    }
    assert_eq!(encoding(&mut c), "hashtable", "never converted back");
}

fn strings_of(c: &mut redis::Connection, args: &[&str]) -> String {
    match run(c, args) {
        Ok(redis::Value::BulkString(b)) => String::from_utf8(b).expect("utf-8"),
        Ok(redis::Value::SimpleString(s)) => s,
        other => panic!("{args:?}: {other:?}"),
    }
}

/// One HSCAN call with the default COUNT: the next cursor and the flat items.
fn scan(c: &mut redis::Connection, cursor: &str) -> (String, Vec<String>) {
    let (next, items): (String, Vec<String>) = redis::cmd("HSCAN")
        .arg("h")
        .arg(cursor)
        .query(c)
        .expect("HSCAN");
    (next, items)
}
