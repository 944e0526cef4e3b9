//! LCS, MOVE and SWAPDB over TCP: replies and errors as redis-server 7.0.15 gives them, and
//! what the other clients see: SWAPDB and MOVE wake a client blocked on a key that arrives,
//! and touch WATCHes, as in Redis.

use crate::common::*;
use std::time::Duration;

fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

#[test]
fn lcs_strings_lengths_and_ranges() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &["MSET", "a", "ohmytext", "b", "mynewtext"],
        "+OK\r\n",
    );
    rt(&mut r, &["LCS", "a", "b"], "$6\r\nmytext\r\n");
    rt(&mut r, &["LCS", "a", "b", "LEN"], ":6\r\n");
    rt(
        &mut r,
        &["LCS", "a", "b", "IDX"],
        "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
    );
    rt(
        &mut r,
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
    );
    rt(&mut r, &["LCS", "a", "nokey"], "$0\r\n\r\n");
    rt(
        &mut r,
        &["LCS", "a", "b", "IDX", "LEN"],
        "-ERR If you want both the length and indexes, please just use IDX.\r\n",
    );
    rt(
        &mut r,
        &["LCS", "a", "b", "MINMATCHLEN"],
        "-ERR syntax error\r\n",
    );
    rt(&mut r, &["RPUSH", "l", "x"], ":1\r\n");
    rt(
        &mut r,
        &["LCS", "a", "l"],
        "-ERR The specified keys must contain string values\r\n",
    );
    rt(
        &mut r,
        &["CONFIG", "SET", "proto-max-bulk-len", "1048576"],
        "+OK\r\n",
    );
    rt(&mut r, &["SETRANGE", "big", "1000", "x"], ":1001\r\n");
    rt(
        &mut r,
        &["LCS", "big", "big"],
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
    );
}

#[test]
fn move_keeps_the_ttl_and_refuses_an_existing_key() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "v", "EX", "1000"], "+OK\r\n");
    rt(
        &mut r,
        &["MOVE", "k", "0"],
        "-ERR source and destination objects are the same\r\n",
    );
    rt(
        &mut r,
        &["MOVE", "k", "16"],
        "-ERR DB index is out of range\r\n",
    );
    rt(
        &mut r,
        &["MOVE", "k", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    rt(
        &mut r,
        &["MOVE", "k", "99999999999"],
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    );
    rt(&mut r, &["MOVE", "nokey", "1"], ":0\r\n");
    rt(&mut r, &["MOVE", "k", "1"], ":1\r\n");
    rt(&mut r, &["EXISTS", "k"], ":0\r\n");
    rt(&mut r, &["SET", "k", "again"], "+OK\r\n");
    rt(&mut r, &["MOVE", "k", "1"], ":0\r\n");
    rt(&mut r, &["SELECT", "1"], "+OK\r\n");
    rt(&mut r, &["GET", "k"], "$1\r\nv\r\n");
    r.send(&resp(&[b"TTL", b"k"]));
    let ttl = String::from_utf8_lossy(&r.read_n(6)).into_owned();
    assert!(ttl.starts_with(":99") || ttl.starts_with(":100"), "{ttl}");
}

#[test]
fn swapdb_wakes_blocked_clients_and_touches_watches() {
    let s = TestServer::start();
    let mut blocked = s.raw();
    let mut watcher = s.raw();
    let mut r = s.raw();
    // A client in db 0 waits for list q; q arrives in db 0 by SWAPDB with db 1.
    blocked.send(&resp(&[b"BLPOP", b"q", b"0"]));
    std::thread::sleep(Duration::from_millis(100));
    rt(&mut r, &["SELECT", "1"], "+OK\r\n");
    rt(&mut r, &["RPUSH", "q", "hello"], ":1\r\n");
    rt(&mut r, &["SET", "w", "1"], "+OK\r\n");
    rt(&mut watcher, &["WATCH", "w"], "+OK\r\n");
    rt(&mut r, &["SWAPDB", "0", "1"], "+OK\r\n");
    blocked.expect(b"*2\r\n$1\r\nq\r\n$5\r\nhello\r\n");
    // w did not exist in db 0, but arrived: the watch is touched.
    rt(&mut watcher, &["MULTI"], "+OK\r\n");
    rt(&mut watcher, &["PING"], "+QUEUED\r\n");
    rt(&mut watcher, &["EXEC"], "*-1\r\n");
    rt(
        &mut r,
        &["SWAPDB", "0", "x"],
        "-ERR invalid second DB index\r\n",
    );
    rt(
        &mut r,
        &["SWAPDB", "99999999999", "0"],
        "-ERR invalid first DB index\r\n",
    );
    rt(
        &mut r,
        &["SWAPDB", "0", "16"],
        "-ERR DB index is out of range\r\n",
    );
    rt(&mut r, &["DBSIZE"], ":0\r\n");
    rt(&mut r, &["SELECT", "0"], "+OK\r\n");
    rt(&mut r, &["GET", "w"], "$1\r\n1\r\n");
}

#[test]
fn move_wakes_a_client_blocked_in_the_target_database() {
    let s = TestServer::start();
    let mut blocked = s.raw();
    let mut r = s.raw();
    rt(&mut blocked, &["SELECT", "2"], "+OK\r\n");
    blocked.send(&resp(&[b"BLPOP", b"q", b"0"]));
    std::thread::sleep(Duration::from_millis(100));
    rt(&mut r, &["RPUSH", "q", "x"], ":1\r\n");
    rt(&mut r, &["MOVE", "q", "2"], ":1\r\n");
    blocked.expect(b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
}
