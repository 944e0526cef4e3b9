//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.

use crate::common::*;
use std::thread;

#[test]
fn exec_runs_queued_commands_and_replies_with_an_array() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(b"MULTI\r\n", b"+OK\r\n");
    c.roundtrip(b"SET a 1\r\n", b"+QUEUED\r\n");
    c.roundtrip(b"INCR a\r\n", b"+QUEUED\r\n");
    c.roundtrip(b"GET a\r\n", b"+QUEUED\r\n");
    c.roundtrip(b"EXEC\r\n", b"*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
    // A runtime error inside the transaction is one element; the rest still runs.
    c.roundtrip(b"MULTI\r\n", b"+OK\r\n");
    c.roundtrip(
        b"INCR a\r\nLPUSH_NOPE\r\n",
        b"+QUEUED\r\n-ERR unknown command 'LPUSH_NOPE', with args beginning with: \r\n",
    );
    c.roundtrip(
        b"EXEC\r\n",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.roundtrip(b"GET a\r\n", b"$1\r\n2\r\n");
    c.roundtrip(b"SET s x\r\nMULTI\r\nINCR s\r\nSET t y\r\nEXEC\r\n", b"+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n");
}

#[test]
fn multi_errors() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(b"EXEC\r\n", b"-ERR EXEC without MULTI\r\n");
    c.roundtrip(b"DISCARD\r\n", b"-ERR DISCARD without MULTI\r\n");
    c.roundtrip(b"MULTI\r\n", b"+OK\r\n");
    c.roundtrip(b"MULTI\r\n", b"-ERR MULTI calls can not be nested\r\n");
    c.roundtrip(
        b"WATCH a\r\n",
        b"-ERR WATCH inside MULTI is not allowed\r\n",
    );
    c.roundtrip(
        b"GET\r\n",
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    c.roundtrip(
        b"EXEC\r\n",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.roundtrip(
        b"MULTI\r\nSET a 1\r\nDISCARD\r\nGET a\r\n",
        b"+OK\r\n+QUEUED\r\n+OK\r\n$-1\r\n",
    );
}

#[test]
fn watch_aborts_exec_after_another_clients_write() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    a.roundtrip(b"SET k 1\r\nWATCH k\r\n", b"+OK\r\n+OK\r\n");
    b.roundtrip(b"SET k 2\r\n", b"+OK\r\n");
    a.roundtrip(
        b"MULTI\r\nSET k 3\r\nEXEC\r\n",
        b"+OK\r\n+QUEUED\r\n*-1\r\n",
    );
    a.roundtrip(b"GET k\r\n", b"$1\r\n2\r\n");
    // Watches are gone after EXEC: the next transaction goes through.
    a.roundtrip(
        b"MULTI\r\nSET k 3\r\nEXEC\r\n",
        b"+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n",
    );
    // Untouched watched keys, and UNWATCH, let EXEC run.
    a.roundtrip(
        b"WATCH k other\r\nMULTI\r\nGET k\r\nEXEC\r\n",
        b"+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n$1\r\n3\r\n",
    );
    a.roundtrip(b"WATCH k\r\n", b"+OK\r\n");
    b.roundtrip(b"DEL k\r\n", b":1\r\n");
    a.roundtrip(
        b"UNWATCH\r\nMULTI\r\nGET k\r\nEXEC\r\n",
        b"+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n$-1\r\n",
    );
}

#[test]
fn watch_is_invalidated_by_flush_and_expiry() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    a.roundtrip(b"SET k 1\r\nWATCH k\r\n", b"+OK\r\n+OK\r\n");
    b.roundtrip(b"FLUSHALL\r\n", b"+OK\r\n");
    a.roundtrip(b"MULTI\r\nPING\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n*-1\r\n");
    // A watched key that expires before EXEC fails it, even if nobody touched it.
    a.roundtrip(b"SET k 1 PX 50\r\nWATCH k\r\n", b"+OK\r\n+OK\r\n");
    thread::sleep(std::time::Duration::from_millis(120));
    a.roundtrip(b"MULTI\r\nPING\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n*-1\r\n");
    // Expired and removed by someone else's access in between: still a change.
    a.roundtrip(b"SET k 1 PX 50\r\nWATCH k\r\n", b"+OK\r\n+OK\r\n");
    thread::sleep(std::time::Duration::from_millis(120));
    b.roundtrip(b"GET k\r\n", b"$-1\r\n");
    a.roundtrip(b"MULTI\r\nPING\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n*-1\r\n");
}

#[test]
fn exec_in_resp3_aborted_is_null() {
    let s = TestServer::start();
    let mut b = s.raw();
    let mut raw = s.raw();
    raw.send(b"HELLO 3\r\nSET k 1\r\nWATCH k\r\n");
    // Skip HELLO's map by reading until the two +OK replies.
    let mut got = Vec::new();
    while !got.ends_with(b"+OK\r\n+OK\r\n") {
        got.extend(raw.read_n(1));
    }
    b.roundtrip(b"SET k 2\r\n", b"+OK\r\n");
    raw.roundtrip(b"MULTI\r\nPING\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n_\r\n");
}

/// The transaction is atomic: concurrent writers never see or break its middle.
#[test]
fn transactions_are_atomic_under_concurrent_writers() {
    let s = TestServer::start();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let mut c = s.client();
            thread::spawn(move || {
                for i in 0..300 {
                    // Each transaction moves one unit from a to b: a + b stays constant.
                    let r: Vec<i64> = redis::pipe()
                        .atomic()
                        .cmd("DECR")
                        .arg("a")
                        .cmd("INCR")
                        .arg("b")
                        .cmd("SET")
                        .arg(format!("w{w}"))
                        .arg(i)
                        .ignore()
                        .query(&mut c)
                        .expect("exec");
                    assert_eq!(r.len(), 2);
                }
            })
        })
        .collect();
    let mut checker = s.client();
    for _ in 0..200 {
        let (a, b): (Option<i64>, Option<i64>) = redis::pipe()
            .atomic()
            .cmd("GET")
            .arg("a")
            .cmd("GET")
            .arg("b")
            .query(&mut checker)
            .expect("exec");
        assert_eq!(
            a.unwrap_or(0) + b.unwrap_or(0),
            0,
            "saw a half-applied transaction"
        );
    }
    for w in writers {
        w.join().expect("writer");
    }
    let b: i64 = redis::cmd("GET").arg("b").query(&mut checker).expect("get");
    assert_eq!(b, 1200);
}
