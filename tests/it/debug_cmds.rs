//! DEBUG subcommands over the wire: SLEEP blocks the server, SET-ACTIVE-EXPIRE stops the
//! timer's expiry, OBJECT's line, DIGEST's shape, HELP. (Replies compared with
//! redis-server in `differential/introspect.rs`.)

use crate::common::{TestServer, run};
use redis::Value;
use std::time::{Duration, Instant};

fn debug_server() -> TestServer {
    TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"))
}

#[test]
fn sleep_blocks_every_client() {
    let s = debug_server();
    let mut a = s.client();
    let mut b = s.client();
    let start = Instant::now();
    let sleeper = std::thread::spawn(move || {
        run(&mut a, &["DEBUG", "SLEEP", "0.3"]).expect("sleep");
    });
    std::thread::sleep(Duration::from_millis(50));
    run(&mut b, &["PING"]).expect("ping");
    // The executor slept: b's PING waited for it.
    assert!(start.elapsed() >= Duration::from_millis(280));
    sleeper.join().expect("sleeper");
}

#[test]
fn set_active_expire_stops_and_restarts_the_timer() {
    let s = debug_server();
    let mut c = s.client();
    run(&mut c, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]).expect("off");
    for i in 0..20 {
        run(&mut c, &["SET", &format!("k{i}"), "v", "PX", "1"]).expect("set");
    }
    std::thread::sleep(Duration::from_millis(300));
    // Not accessed: still stored (DBSIZE counts expired keys not yet reclaimed).
    assert_eq!(run(&mut c, &["DBSIZE"]).expect("dbsize"), Value::Int(20));
    run(&mut c, &["DEBUG", "SET-ACTIVE-EXPIRE", "1"]).expect("on");
    let deadline = Instant::now() + Duration::from_secs(5);
    while run(&mut c, &["DBSIZE"]).expect("dbsize") != Value::Int(0) {
        assert!(Instant::now() < deadline, "active expiry never resumed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn object_line_and_digest_shape() {
    let s = debug_server();
    let mut c = s.client();
    let empty: String = redis::cmd("DEBUG")
        .arg("DIGEST")
        .query(&mut c)
        .expect("digest");
    assert_eq!(empty, "0".repeat(40));
    run(&mut c, &["RPUSH", "l", "a", "b", "c"]).expect("rpush");
    let line: String = redis::cmd("DEBUG")
        .arg("OBJECT")
        .arg("l")
        .query(&mut c)
        .expect("object");
    assert!(line.starts_with("Value at:0x"), "{line}");
    assert!(
        line.contains(" refcount:1 encoding:quicklist serializedlength:19 lru:"),
        "{line}"
    );
    assert!(
        line.contains(" lru_seconds_idle:0 ql_nodes:1 ql_avg_node:3.00"),
        "{line}"
    );
    let full: String = redis::cmd("DEBUG")
        .arg("DIGEST")
        .query(&mut c)
        .expect("digest");
    assert_eq!(full.len(), 40);
    assert_ne!(full, empty);
    let per_key: Vec<String> = redis::cmd("DEBUG")
        .arg("DIGEST-VALUE")
        .arg("l")
        .arg("missing")
        .query(&mut c)
        .expect("digest-value");
    assert_eq!(per_key[1], "0".repeat(40));
    assert_ne!(per_key[0], per_key[1]);
    let help: Vec<String> = redis::cmd("DEBUG").arg("HELP").query(&mut c).expect("help");
    assert!(help.iter().any(|l| l.starts_with("DIGEST-VALUE")));
    let err = run(&mut c, &["DEBUG", "OBJECT", "missing"]).expect_err("no key");
    assert!(err.to_string().contains("no such key"), "{err}");
}
