//! Pub/sub: subscriptions, publishing across I/O threads, RESP2/RESP3 replies, and the
//! output limit that cuts off a subscriber that stops reading.

use crate::common::*;
use std::io::Read;
use std::time::{Duration, Instant};

#[test]
fn subscribe_publish_unsubscribe_resp2() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();
    sub.roundtrip(
        b"SUBSCRIBE a b\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n",
    );
    sub.roundtrip(
        b"PSUBSCRIBE x*\r\n",
        b"*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:3\r\n",
    );
    publ.roundtrip(b"PUBLISH a hello\r\n", b":1\r\n");
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
    publ.roundtrip(b"PUBLISH xy hi\r\n", b":1\r\n");
    sub.expect(b"*4\r\n$8\r\npmessage\r\n$2\r\nx*\r\n$2\r\nxy\r\n$2\r\nhi\r\n");
    publ.roundtrip(b"PUBLISH nobody hi\r\n", b":0\r\n");
    publ.roundtrip(
        b"PUBSUB NUMSUB a b c\r\n",
        b"*6\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:1\r\n$1\r\nc\r\n:0\r\n",
    );
    publ.roundtrip(b"PUBSUB NUMPAT\r\n", b":1\r\n");
    publ.roundtrip(b"PUBSUB CHANNELS a*\r\n", b"*1\r\n$1\r\na\r\n");
    // Only pub/sub commands are allowed to a RESP2 subscriber; PING answers as an array.
    sub.roundtrip(
        b"GET a\r\n",
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    sub.roundtrip(b"PING\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    sub.roundtrip(
        b"UNSUBSCRIBE\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n",
    );
    sub.roundtrip(
        b"PUNSUBSCRIBE\r\n",
        b"*3\r\n$12\r\npunsubscribe\r\n$2\r\nx*\r\n:0\r\n",
    );
    sub.roundtrip(
        b"UNSUBSCRIBE\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n",
    );
    // Back to a normal client.
    sub.roundtrip(b"PING\r\n", b"+PONG\r\n");
    publ.roundtrip(b"PUBLISH a x\r\n", b":0\r\n");
}

#[test]
fn resp3_subscribers_get_push_messages_and_may_run_commands() {
    let s = TestServer::start();
    let mut sub = s.raw();
    sub.send(b"HELLO 3\r\n");
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend(sub.read_n(1));
    }
    sub.roundtrip(
        b"SUBSCRIBE a\r\n",
        b">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n",
    );
    sub.roundtrip(b"GET nothing\r\n", b"_\r\n");
    s.raw().roundtrip(b"PUBLISH a m\r\n", b":1\r\n");
    sub.expect(b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n");
}

/// Subscribers on four I/O threads each get every message, in publish order.
#[test]
fn messages_reach_every_io_thread_in_order() {
    let s = TestServer::with(|c| c.io_threads = 5);
    let mut subs: Vec<Raw> = (0..4).map(|_| s.raw()).collect();
    for sub in &mut subs {
        sub.roundtrip(
            b"SUBSCRIBE ch\r\n",
            b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
        );
    }
    let mut threads: Vec<String> = Vec::new();
    let mut con = s.client();
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut con)
        .expect("list");
    for line in list.lines().filter(|l| l.contains("sub=1")) {
        threads.extend(
            line.split(' ')
                .filter(|f| f.starts_with("io-thread="))
                .map(String::from),
        );
    }
    threads.sort();
    threads.dedup();
    assert_eq!(threads.len(), 4, "subscribers on every thread: {list}");
    let mut publ = s.raw();
    let n = 2000;
    let mut pipeline = Vec::new();
    for i in 0..n {
        pipeline.extend(resp(&[b"PUBLISH", b"ch", format!("m{i}").as_bytes()]));
    }
    publ.send(&pipeline);
    let mut want = Vec::new();
    for i in 0..n {
        let m = format!("m{i}");
        want.extend(format!("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n${}\r\n{m}\r\n", m.len()).bytes());
    }
    for sub in &mut subs {
        assert!(sub.read_n(want.len()) == want, "messages out of order");
    }
    publ.expect(&b":4\r\n".repeat(n));
}

#[test]
fn a_subscriber_that_never_reads_is_cut_off_while_publishing_goes_on() {
    let s = TestServer::start();
    let mut admin = s.raw();
    admin.roundtrip(
        &resp(&[
            b"CONFIG",
            b"SET",
            b"client-output-buffer-limit",
            b"pubsub 2mb 1mb 60",
        ]),
        b"+OK\r\n",
    );
    let mut sub = s.raw();
    sub.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    // From here on the subscriber reads nothing.
    let mut publ = s.client();
    let msg = vec![b'x'; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut published = 0u64;
    loop {
        let n: i64 = redis::cmd("PUBLISH")
            .arg("ch")
            .arg(&msg)
            .query(&mut publ)
            .expect("publish");
        published += 1;
        if n == 0 {
            break;
        }
        assert!(published < 4000, "never cut off after {published} messages");
        assert!(Instant::now() < deadline, "never cut off");
    }
    // The publisher and other clients were never held up.
    admin.roundtrip(b"PING\r\n", b"+PONG\r\n");
    admin.roundtrip(b"PUBSUB NUMSUB ch\r\n", b"*2\r\n$2\r\nch\r\n:0\r\n");
    // The subscriber's connection is closed: reading drains what was sent, then ends.
    sub.stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok();
    let mut sink = vec![0; 1 << 20];
    loop {
        match sub.stream.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("subscriber not disconnected: {e}"),
        }
    }
}

#[test]
fn killed_or_reset_subscribers_leave_their_channels() {
    let s = TestServer::start();
    let mut a = s.raw();
    a.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    a.roundtrip(b"RESET\r\n", b"+RESET\r\n");
    let mut admin = s.raw();
    admin.roundtrip(b"PUBSUB NUMSUB ch\r\n", b"*2\r\n$2\r\nch\r\n:0\r\n");
    let mut b = s.raw();
    b.roundtrip(
        b"SUBSCRIBE ch\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    admin.roundtrip(b"PUBSUB NUMSUB ch\r\n", b"*2\r\n$2\r\nch\r\n:1\r\n");
    drop(b);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        admin.send(b"PUBSUB NUMSUB ch\r\n");
        let got = admin.read_n(b"*2\r\n$2\r\nch\r\n:0\r\n".len());
        if got == b"*2\r\n$2\r\nch\r\n:0\r\n" {
            break;
        }
        assert!(Instant::now() < deadline, "closed subscriber still counted");
        std::thread::sleep(Duration::from_millis(20));
    }
}
