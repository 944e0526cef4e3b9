//! ZPOPMIN, ZPOPMAX, ZMPOP, and the blocking BZPOPMIN, BZPOPMAX and BZMPOP across clients.
//!
//! Expected bytes were recorded from redis-server 7.0.15 running the same commands.

use super::*;

#[test]
fn zpopmin_and_zpopmax() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        ":5\r\n",
    );
    check(&mut c, &["ZPOPMIN", "z"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    check(&mut c, &["ZPOPMAX", "z"], "*2\r\n$1\r\ne\r\n$1\r\n5\r\n");
    check(
        &mut c,
        &["ZPOPMIN", "z", "2"],
        "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["ZPOPMIN", "z", "0"], "*0\r\n");
    check(
        &mut c,
        &["ZPOPMAX", "z", "10"],
        "*2\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(&mut c, &["EXISTS", "z"], ":0\r\n");
    check(&mut c, &["ZPOPMIN", "z"], "*0\r\n");
    check(&mut c, &["ZPOPMIN", "z", "3"], "*0\r\n");
    check(&mut c, &["ZPOPMAX", "missing", "0"], "*0\r\n");
    check(&mut c, &["ZADD", "z", "1", "a"], ":1\r\n");
    check(
        &mut c,
        &["ZPOPMIN", "z", "-1"],
        "-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        &["ZPOPMIN", "z", "abc"],
        "-ERR value is out of range, must be positive\r\n",
    );
    check(&mut c, &["ZPOPMIN", "z", "1", "2"], "-ERR syntax error\r\n");
    check(
        &mut c,
        &["ZPOPMAX", "z", "1"],
        "*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
}

#[test]
fn zmpop_pops_from_the_first_non_empty_key() {
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
        &["ZMPOP", "1", "z", "MIN"],
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "1", "z", "max", "COUNT", "2"],
        "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "2", "missing", "z", "MIN", "COUNT", "10"],
        "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, &["EXISTS", "z"], ":0\r\n");
    check(&mut c, &["ZMPOP", "2", "missing", "z", "MIN"], "*-1\r\n");
    check(
        &mut c,
        &["ZMPOP", "0", "z", "MIN"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "-1", "z", "MIN"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "x", "z", "MIN"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(&mut c, &["ZMPOP", "2", "z", "MIN"], "-ERR syntax error\r\n");
    check(&mut c, &["ZMPOP", "1", "z", "FOO"], "-ERR syntax error\r\n");
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "COUNT"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
        "-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "COUNT", "x"],
        "-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "FOO", "1"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZMPOP", "9223372036854775807", "z", "MIN"],
        "-ERR syntax error\r\n",
    );
}

#[test]
fn blocking_pops_serve_at_once_when_a_key_has_members() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["ZADD", "z", "1", "a", "2.5", "b"], ":2\r\n");
    check(
        &mut c,
        &["BZPOPMIN", "missing", "z", "0"],
        "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        &["BZMPOP", "1", "2", "missing", "z", "MAX", "COUNT", "5"],
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n",
    );
    check(&mut c, &["EXISTS", "z"], ":0\r\n");
    check(&mut c, &["ZADD", "z", "3", "c"], ":1\r\n");
    hello3(&mut c);
    check(
        &mut c,
        &["BZPOPMAX", "z", "0"],
        "*3\r\n$1\r\nz\r\n$1\r\nc\r\n,3\r\n",
    );
    // Argument errors never block.
    check(
        &mut c,
        &["BZPOPMIN", "z", "-1"],
        "-ERR timeout is negative\r\n",
    );
    check(
        &mut c,
        &["BZPOPMIN", "z", "x"],
        "-ERR timeout is not a float or out of range\r\n",
    );
    check(
        &mut c,
        &["BZMPOP", "x", "1", "z", "MIN"],
        "-ERR timeout is not a float or out of range\r\n",
    );
    check(
        &mut c,
        &["BZMPOP", "0", "0", "z", "MIN"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        &["BZMPOP", "0", "1", "z", "FOO"],
        "-ERR syntax error\r\n",
    );
}

// The tests below need the executor's side of blocking (parking and re-running), which the
// lead's executor work provides; on a branch without it they fail by design.

/// Gives a client's blocking command time to reach the executor. The replies checked do
/// not depend on it: a pop that arrives after the push is served at once, identically.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(100));
}

#[test]
fn bzpopmin_wakes_when_another_client_adds() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let (mut waiter, mut pusher) = (s.raw(), s.raw());
    waiter.send(&resp(&[b"BZPOPMIN", b"k1", b"k2", b"0"]));
    settle();
    check(&mut pusher, &["ZADD", "k2", "2", "y", "1", "x"], ":2\r\n");
    waiter.expect(b"*3\r\n$2\r\nk2\r\n$1\r\nx\r\n$1\r\n1\r\n");
    check(
        &mut pusher,
        &["ZRANGE", "k2", "0", "-1"],
        "*1\r\n$1\r\ny\r\n",
    );
    // The waiter's connection carries on normally.
    check(&mut waiter, &["PING"], "+PONG\r\n");
}

#[test]
fn commands_behind_a_blocked_pop_wait_for_it() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let (mut waiter, mut pusher) = (s.raw(), s.raw());
    let mut batch = resp(&[b"BZPOPMAX", b"k", b"0"]);
    batch.extend_from_slice(&resp(&[b"ZCARD", b"k"]));
    waiter.send(&batch);
    settle();
    check(&mut pusher, &["ZADD", "k", "1", "a", "2", "b"], ":2\r\n");
    waiter.expect(b"*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n:1\r\n");
}

#[test]
fn two_waiters_each_get_one_member() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let (mut w1, mut w2, mut pusher) = (s.raw(), s.raw(), s.raw());
    w1.send(&resp(&[b"BZPOPMIN", b"k", b"0"]));
    w2.send(&resp(&[b"BZPOPMIN", b"k", b"0"]));
    settle();
    check(&mut pusher, &["ZADD", "k", "1", "a", "2", "b"], ":2\r\n");
    let mut got = vec![w1.read_n(25), w2.read_n(25)];
    got.sort();
    assert_eq!(
        got,
        vec![
            b"*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n".to_vec(),
            b"*3\r\n$1\r\nk\r\n$1\r\nb\r\n$1\r\n2\r\n".to_vec(),
        ]
    );
    check(&mut pusher, &["EXISTS", "k"], ":0\r\n");
}

#[test]
fn bzmpop_wakes_with_up_to_count_members() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let (mut waiter, mut pusher) = (s.raw(), s.raw());
    waiter.send(&resp(&[
        b"BZMPOP", b"0", b"2", b"k1", b"k2", b"MIN", b"COUNT", b"10",
    ]));
    settle();
    check(&mut pusher, &["ZADD", "k1", "1", "a", "2", "b"], ":2\r\n");
    waiter.expect(
        b"*2\r\n$2\r\nk1\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
}

#[test]
fn stores_and_zincrby_wake_waiters() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let (mut waiter, mut pusher) = (s.raw(), s.raw());
    check(&mut pusher, &["ZADD", "src", "1", "a", "2", "b"], ":2\r\n");
    for (cmd, want, popped) in [
        (
            &["ZUNIONSTORE", "dst", "1", "src"][..],
            ":2\r\n",
            "b\r\n$1\r\n2",
        ),
        (
            &["ZRANGESTORE", "dst", "src", "0", "0"],
            ":1\r\n",
            "a\r\n$1\r\n1",
        ),
        (&["ZINCRBY", "dst", "5", "m"], "$1\r\n5\r\n", "m\r\n$1\r\n5"),
    ] {
        reply(&mut pusher, &["DEL", "dst"]);
        waiter.send(&resp(&[b"BZPOPMAX", b"dst", b"0"]));
        settle();
        check(&mut pusher, cmd, want);
        waiter.expect(format!("*3\r\n$3\r\ndst\r\n$1\r\n{popped}\r\n").as_bytes());
    }
}

#[test]
fn blocking_pops_time_out_with_a_null_array() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut c = s.raw();
    check(&mut c, &["BZPOPMIN", "k", "0.05"], "*-1\r\n");
    check(&mut c, &["BZMPOP", "0.05", "1", "k", "MIN"], "*-1\r\n");
    hello3(&mut c);
    check(&mut c, &["BZPOPMAX", "k", "0.05"], "_\r\n");
    check(&mut c, &["BZMPOP", "0.05", "1", "k", "MAX"], "_\r\n");
}
