//! A connection that is reset is gone everywhere at once, whatever its flow-control state,
//! and nothing is ever handed to it afterwards.

use super::proc::{call, eventually, info_field, reset};
use crate::common::{TestServer, resp};
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

fn connect(srv: &TestServer) -> TcpStream {
    let s = TcpStream::connect(srv.addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s
}

/// After `victim` is reset: it must leave CLIENT LIST and `blocked_clients`, and an element
/// pushed next must stay in the list rather than go to the dead waiter.
fn assert_gone_and_push_kept(b: &mut TcpStream) {
    assert!(
        eventually(10, || info_field(b, "connected_clients") == 1),
        "the reset client is still connected"
    );
    assert_eq!(info_field(b, "blocked_clients"), 0);
    assert_eq!(call(b, &resp(&[b"LPUSH", b"q", b"precious"])), b":1\r\n");
    assert_eq!(call(b, &resp(&[b"LLEN", b"q"])), b":1\r\n");
    assert_eq!(
        call(b, &resp(&[b"LPOP", b"q"])),
        b"$8\r\nprecious\r\n",
        "the element pushed after the reset went to the dead waiter"
    );
}

#[test]
fn reset_waiter_with_backed_up_output_leaves_and_loses_nothing() {
    let srv = TestServer::start();
    let mut b = connect(&srv);
    let big = vec![b'v'; 100_000];
    assert_eq!(call(&mut b, &resp(&[b"SET", b"big", &big])), b"+OK\r\n");
    // 400 replies of 100 KB that are never read (far past every flow-control mark), then a
    // BLPOP queued behind them.
    let mut a = connect(&srv);
    let mut pipeline = resp(&[b"GET", b"big"]).repeat(400);
    pipeline.extend_from_slice(&resp(&[b"BLPOP", b"q", b"0"]));
    a.write_all(&pipeline).expect("send");
    std::thread::sleep(Duration::from_millis(300));
    reset(a);
    assert_gone_and_push_kept(&mut b);
}

#[test]
fn reset_blocked_waiter_leaves_and_loses_nothing() {
    let srv = TestServer::start();
    let mut b = connect(&srv);
    let mut a = connect(&srv);
    a.write_all(&resp(&[b"BLPOP", b"q", b"0"])).expect("send");
    assert!(eventually(10, || info_field(&mut b, "blocked_clients") == 1));
    reset(a);
    assert_gone_and_push_kept(&mut b);
}

#[test]
fn reset_subscriber_with_backed_up_output_is_unsubscribed() {
    let srv = TestServer::start();
    let mut b = connect(&srv);
    let mut a = connect(&srv);
    assert!(call(&mut a, &resp(&[b"SUBSCRIBE", b"ch"])).starts_with(b"*3"));
    // Messages the subscriber never reads: a few MB, under the pub/sub output limit.
    let msg = vec![b'm'; 64 * 1024];
    for _ in 0..64 {
        call(&mut b, &resp(&[b"PUBLISH", b"ch", &msg]));
    }
    reset(a);
    assert!(
        eventually(10, || info_field(&mut b, "connected_clients") == 1),
        "the reset subscriber is still connected"
    );
    assert_eq!(call(&mut b, &resp(&[b"PUBLISH", b"ch", b"x"])), b":0\r\n");
}

/// After QUIT the server shuts its side and waits for the client's close (so the reply is
/// not destroyed by a reset), but a client that never closes must not hold its slot.
#[test]
fn client_that_never_closes_after_quit_is_let_go() {
    let srv = TestServer::start();
    let mut b = connect(&srv);
    let mut a = connect(&srv);
    assert_eq!(call(&mut a, b"QUIT\r\n"), b"+OK\r\n");
    assert!(
        eventually(10, || info_field(&mut b, "connected_clients") == 1),
        "a client that never closed after QUIT is still connected"
    );
    drop(a);
}
