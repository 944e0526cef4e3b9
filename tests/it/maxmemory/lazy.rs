//! Lazy free: UNLINK and FLUSHALL ASYNC hand big values to the background thread, which
//! frees them (used_memory falls) and counts them in INFO.

use super::{info_field, start, used};
use std::time::{Duration, Instant};

fn wait_freed(c: &mut redis::Connection, at_least: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let freed = info_field(c, "memory", "lazyfreed_objects");
        if freed >= at_least || Instant::now() > deadline {
            return freed;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn big_set(c: &mut redis::Connection, key: &str, n: usize) {
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let mut cmd = redis::cmd("SADD");
        cmd.arg(key);
        for i in chunk {
            cmd.arg(format!("member-{i:020}"));
        }
        let _: u64 = cmd.query(c).expect("SADD");
    }
}

#[test]
fn unlink_frees_a_big_value_in_the_background() {
    let (_p, mut c) = start();
    let before = used(&mut c);
    big_set(&mut c, "big", 200_000);
    let _: () = redis::cmd("SET")
        .arg("small")
        .arg("v")
        .query(&mut c)
        .expect("SET");
    let with = used(&mut c);
    assert!(with > before + (10 << 20), "{before} -> {with}");
    let n: u64 = redis::cmd("UNLINK")
        .arg("big")
        .arg("small")
        .arg("missing")
        .query(&mut c)
        .expect("UNLINK");
    assert_eq!(n, 2);
    // Only the big one went to the thread.
    assert_eq!(wait_freed(&mut c, 1), 1);
    assert_eq!(info_field(&mut c, "memory", "lazyfree_pending_objects"), 0);
    let after = used(&mut c);
    assert!(after < before + (2 << 20), "{before} -> {with} -> {after}");
    // DEL frees in place unless lazyfree-lazy-user-del says otherwise.
    big_set(&mut c, "big2", 1000);
    let _: u64 = redis::cmd("DEL").arg("big2").query(&mut c).expect("DEL");
    assert_eq!(info_field(&mut c, "memory", "lazyfreed_objects"), 1);
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("lazyfree-lazy-user-del")
        .arg("yes")
        .query(&mut c)
        .expect("CONFIG SET");
    big_set(&mut c, "big3", 1000);
    let _: u64 = redis::cmd("DEL").arg("big3").query(&mut c).expect("DEL");
    assert_eq!(wait_freed(&mut c, 2), 2);
}

#[test]
fn flushall_async_frees_every_key_in_the_background() {
    let (_p, mut c) = start();
    let before = used(&mut c);
    for db in [0, 1] {
        let _: () = redis::cmd("SELECT").arg(db).query(&mut c).expect("SELECT");
        let mut pipe = redis::pipe();
        for i in 0..5000 {
            pipe.cmd("SET")
                .arg(format!("k{i}"))
                .arg(vec![b'x'; 500])
                .ignore();
        }
        let _: () = pipe.query(&mut c).expect("SETs");
    }
    let _: () = redis::cmd("FLUSHALL")
        .arg("ASYNC")
        .query(&mut c)
        .expect("FLUSHALL");
    let n: u64 = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
    assert_eq!(n, 0);
    assert_eq!(wait_freed(&mut c, 10_000), 10_000);
    let after = used(&mut c);
    assert!(after < before + (2 << 20), "{before} -> {after}");
    // SYNC, and the plain form, free in place.
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("b")
        .query(&mut c)
        .expect("SET");
    let _: () = redis::cmd("FLUSHDB")
        .arg("SYNC")
        .query(&mut c)
        .expect("FLUSHDB");
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut c)
        .expect("RESETSTAT");
    assert_eq!(info_field(&mut c, "memory", "lazyfreed_objects"), 0);
    // lazyfree-lazy-user-flush makes the plain form asynchronous.
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("lazyfree-lazy-user-flush")
        .arg("yes")
        .query(&mut c)
        .expect("CONFIG SET");
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("b")
        .query(&mut c)
        .expect("SET");
    let _: () = redis::cmd("FLUSHALL").query(&mut c).expect("FLUSHALL");
    assert_eq!(wait_freed(&mut c, 1), 1);
}
