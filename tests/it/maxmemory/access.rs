//! OBJECT IDLETIME and OBJECT FREQ: what the access records say, which lookups count as
//! an access, and Redis's errors when the policy does not track the asked figure.

use crate::common::TestServer;
use std::time::Duration;

const NO_LFU: &str = "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const NO_LRU: &str = "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

fn int(c: &mut redis::Connection, args: &[&str]) -> i64 {
    match crate::common::run(c, args) {
        Ok(redis::Value::Int(n)) => n,
        other => panic!("{args:?}: {other:?}"),
    }
}

fn err(c: &mut redis::Connection, args: &[&str]) -> String {
    let e = crate::common::run(c, args).expect_err("an error");
    format!("{} {}", e.code().unwrap_or(""), e.detail().unwrap_or(""))
}

#[test]
fn idletime_grows_and_reads_reset_it_but_introspection_does_not() {
    let s = TestServer::start();
    let mut c = s.client();
    crate::common::run(&mut c, &["SET", "k", "v"]).expect("SET");
    assert_eq!(int(&mut c, &["OBJECT", "IDLETIME", "k"]), 0);
    assert_eq!(
        err(&mut c, &["OBJECT", "FREQ", "k"]),
        format!("ERR {NO_LFU}")
    );
    std::thread::sleep(Duration::from_millis(2100));
    // TYPE, EXISTS, TTL and OBJECT itself are not accesses (LOOKUP_NOTOUCH).
    for args in [&["TYPE", "k"][..], &["EXISTS", "k"], &["TTL", "k"]] {
        crate::common::run(&mut c, args).expect("introspection");
    }
    assert!(int(&mut c, &["OBJECT", "IDLETIME", "k"]) >= 2);
    // CLIENT NO-TOUCH: a read leaves the record alone; TOUCH still touches.
    crate::common::run(&mut c, &["CLIENT", "NO-TOUCH", "on"]).expect("NO-TOUCH");
    crate::common::run(&mut c, &["GET", "k"]).expect("GET");
    assert!(int(&mut c, &["OBJECT", "IDLETIME", "k"]) >= 2);
    assert_eq!(int(&mut c, &["TOUCH", "k"]), 1);
    assert_eq!(int(&mut c, &["OBJECT", "IDLETIME", "k"]), 0);
    crate::common::run(&mut c, &["CLIENT", "NO-TOUCH", "off"]).expect("NO-TOUCH");
    std::thread::sleep(Duration::from_millis(1100));
    crate::common::run(&mut c, &["GET", "k"]).expect("GET");
    assert_eq!(int(&mut c, &["OBJECT", "IDLETIME", "k"]), 0);
    assert!(matches!(
        crate::common::run(&mut c, &["OBJECT", "IDLETIME", "nokey"]),
        Ok(redis::Value::Nil)
    ));
}

#[test]
fn freq_counts_reads_logarithmically_under_lfu() {
    let s = TestServer::start();
    let mut c = s.client();
    crate::common::run(
        &mut c,
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
    )
    .expect("CONFIG SET");
    crate::common::run(&mut c, &["SET", "k", "v"]).expect("SET");
    assert_eq!(
        err(&mut c, &["OBJECT", "IDLETIME", "k"]),
        format!("ERR {NO_LRU}")
    );
    // A new key starts at 5 (LFU_INIT_VAL); the first read always counts.
    assert_eq!(int(&mut c, &["OBJECT", "FREQ", "k"]), 5);
    crate::common::run(&mut c, &["GET", "k"]).expect("GET");
    assert_eq!(int(&mut c, &["OBJECT", "FREQ", "k"]), 6);
    for _ in 0..1000 {
        crate::common::run(&mut c, &["GET", "k"]).expect("GET");
    }
    let f = int(&mut c, &["OBJECT", "FREQ", "k"]);
    assert!((10..=30).contains(&f), "freq {f} after 1001 reads");
    // lfu-log-factor 0: every access counts.
    crate::common::run(&mut c, &["CONFIG", "SET", "lfu-log-factor", "0"]).expect("SET");
    crate::common::run(&mut c, &["SET", "j", "v"]).expect("SET");
    for _ in 0..10 {
        crate::common::run(&mut c, &["GET", "j"]).expect("GET");
    }
    // The SET of a new key starts it at 5; ten reads make 15.
    assert_eq!(int(&mut c, &["OBJECT", "FREQ", "j"]), 15);
}
