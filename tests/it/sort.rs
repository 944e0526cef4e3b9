//! SORT and SORT_RO over TCP: numeric and ALPHA sorts, BY and GET patterns (`#`, `*`,
//! `->field`), BY nosort on each type, LIMIT clamping, STORE and its propagation, and the
//! errors, as redis-server 7.0.15 replies (each expectation was read off one).

use crate::common::*;

fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

/// A RESP2 array of bulk strings (`None` is a null bulk).
fn arr(items: &[Option<&str>]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        match i {
            Some(v) => s.push_str(&format!("${}\r\n{v}\r\n", v.len())),
            None => s.push_str("$-1\r\n"),
        }
    }
    s
}

fn bulks(items: &[&str]) -> String {
    arr(&items.iter().map(|s| Some(*s)).collect::<Vec<_>>())
}

#[test]
fn sorts_numbers_and_strings_with_limit() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &["RPUSH", "l", "3", "1", "2", "10", "-1", "1.5"],
        ":6\r\n",
    );
    rt(
        &mut r,
        &["SORT", "l"],
        &bulks(&["-1", "1", "1.5", "2", "3", "10"]),
    );
    rt(
        &mut r,
        &["SORT", "l", "DESC", "LIMIT", "1", "2"],
        &bulks(&["3", "2"]),
    );
    rt(
        &mut r,
        &["SORT", "l", "ALPHA"],
        &bulks(&["-1", "1", "1.5", "10", "2", "3"]),
    );
    rt(
        &mut r,
        &["SORT", "l", "LIMIT", "-5", "100"],
        &bulks(&["-1", "1", "1.5", "2", "3", "10"]),
    );
    rt(&mut r, &["SORT", "l", "LIMIT", "6", "1"], "*0\r\n");
    rt(
        &mut r,
        &["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
        &bulks(&["-1", "10"]),
    );
    rt(&mut r, &["RPUSH", "bad", "a", "1"], ":2\r\n");
    rt(
        &mut r,
        &["SORT", "bad"],
        "-ERR One or more scores can't be converted into double\r\n",
    );
    rt(
        &mut r,
        &["SORT", "l", "LIMIT", "a", "1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    rt(
        &mut r,
        &["SORT", "l", "LIMIT", "1"],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &["SORT_RO", "l", "STORE", "d"],
        "-ERR syntax error\r\n",
    );
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(
        &mut r,
        &["SORT", "str"],
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    rt(&mut r, &["SORT", "nokey"], "*0\r\n");
}

#[test]
fn by_and_get_patterns_read_strings_and_hash_fields() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["RPUSH", "l", "1", "2", "3"], ":3\r\n");
    rt(
        &mut r,
        &["MSET", "w_1", "30", "w_2", "10", "w_3", "20"],
        "+OK\r\n",
    );
    rt(&mut r, &["HSET", "h_1", "f", "c"], ":1\r\n");
    rt(&mut r, &["HSET", "h_2", "f", "a"], ":1\r\n");
    rt(
        &mut r,
        &["SORT", "l", "BY", "w_*"],
        &bulks(&["2", "3", "1"]),
    );
    rt(
        &mut r,
        &[
            "SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*", "GET", "h_*->f", "GET", "nostar",
        ],
        &arr(&[
            Some("2"),
            Some("10"),
            Some("a"),
            None,
            Some("3"),
            Some("20"),
            None,
            None,
            Some("1"),
            Some("30"),
            Some("c"),
            None,
        ]),
    );
    // A missing BY value sorts first with ALPHA.
    rt(
        &mut r,
        &["SORT", "l", "BY", "h_*->f", "ALPHA"],
        &bulks(&["3", "2", "1"]),
    );
    rt(&mut r, &["SET", "w_2", "x"], "+OK\r\n");
    rt(
        &mut r,
        &["SORT", "l", "BY", "w_*"],
        "-ERR One or more scores can't be converted into double\r\n",
    );
}

#[test]
fn nosort_keeps_list_and_zset_order_and_store_sorts_sets() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &["ZADD", "z", "3", "a", "1", "b", "2", "c"],
        ":3\r\n",
    );
    rt(
        &mut r,
        &["SORT", "z", "BY", "nosort", "DESC"],
        &bulks(&["a", "c", "b"]),
    );
    rt(&mut r, &["SORT", "z", "ALPHA"], &bulks(&["a", "b", "c"]));
    rt(&mut r, &["SADD", "s", "5", "3", "9", "1"], ":4\r\n");
    rt(
        &mut r,
        &["SORT", "s", "BY", "nosort"],
        &bulks(&["1", "3", "5", "9"]),
    );
    // Stored, a set sorted "by nothing" is sorted ALPHA, so replicas get the same list.
    rt(&mut r, &["SADD", "t", "b", "10", "a", "9"], ":4\r\n");
    rt(
        &mut r,
        &["SORT", "t", "BY", "nosort", "STORE", "d"],
        ":4\r\n",
    );
    rt(
        &mut r,
        &["LRANGE", "d", "0", "-1"],
        &bulks(&["10", "9", "a", "b"]),
    );
    rt(&mut r, &["EXPIRE", "d", "100"], ":1\r\n");
    rt(
        &mut r,
        &[
            "SORT", "z", "BY", "nosort", "GET", "#", "GET", "nokey*", "STORE", "d",
        ],
        ":6\r\n",
    );
    rt(
        &mut r,
        &["LRANGE", "d", "0", "-1"],
        &bulks(&["b", "", "c", "", "a", ""]),
    );
    rt(&mut r, &["TTL", "d"], ":-1\r\n");
    rt(
        &mut r,
        &["SORT", "z", "ALPHA", "LIMIT", "0", "0", "STORE", "d"],
        ":0\r\n",
    );
    rt(&mut r, &["EXISTS", "d"], ":0\r\n");
}

#[test]
fn sort_store_wakes_a_blocked_pop_and_propagates() {
    let (s, seen) = TestServer::recording();
    let mut a = s.raw();
    let mut b = s.raw();
    rt(&mut b, &["RPUSH", "src", "2", "1"], ":2\r\n");
    a.send(&resp(&[b"BLPOP", b"dst", b"0"]));
    std::thread::sleep(std::time::Duration::from_millis(100));
    rt(&mut b, &["SORT", "src", "STORE", "dst"], ":2\r\n");
    a.expect(bulks(&["dst", "1"]).as_bytes());
    rt(&mut b, &["SORT", "nokey", "STORE", "other"], ":0\r\n");
    rt(&mut b, &["PING"], "+PONG\r\n");
    let text = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
    assert!(
        text.ends_with("*4 $4 SORT $3 src $5 STORE $3 dst *2 $4 LPOP $3 dst "),
        "{text}"
    );
}
