//! MIGRATE between servers: the same steps with muxis and with redis-server 7.0.15 as the
//! source give the same replies, and keys move both ways between muxis and redis-server
//! with their values and TTLs.

use crate::common::TestServer;
use crate::differential::redis_proc::RedisProc;
use crate::differential::resp::{Conn, show};
use std::net::SocketAddr;

fn call(c: &mut Conn, words: &[&str]) -> String {
    let argv: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
    show(&c.call(&argv).expect("reply"))
}

/// The steps, run with `src` as the source and `dst` as the target: their replies.
fn scenario(src: SocketAddr, dst: SocketAddr) -> Vec<String> {
    let mut s = Conn::connect(src).expect("source");
    let mut d = Conn::connect(dst).expect("target");
    let host = "127.0.0.1";
    let port = dst.port().to_string();
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port().to_string()
    };
    let steps: Vec<Vec<&str>> = vec![
        vec!["RPUSH", "l", "a", "b"],
        vec!["SET", "s", "v", "EX", "100"],
        vec!["HSET", "h", "f", "v"],
        vec!["SET", "busy", "here"],
        vec!["MIGRATE", host, &port, "missing", "0", "1000"],
        vec!["MIGRATE", host, &port, "l", "0", "1000"],
        vec!["MIGRATE", host, &port, "s", "0", "1000", "COPY"],
        vec!["MIGRATE", host, &port, "", "3", "1000", "KEYS", "h", "nope"],
        vec!["MIGRATE", host, &port, "x", "0", "1000", "KEYS", "h"],
        vec!["MIGRATE", host, &port, "busy", "0", "1000", "BOGUS"],
        vec!["MIGRATE", host, &port, "busy", "x", "1000"],
        vec!["MIGRATE", host, &dead, "busy", "0", "200"],
        vec![
            "MIGRATE", host, &port, "busy", "0", "1000", "AUTH", "nopass",
        ],
        vec!["EXISTS", "l", "s", "h", "busy"],
    ];
    let mut out = Vec::new();
    call(&mut d, &["SET", "busy", "there"]);
    for step in &steps {
        // The port numbers differ between runs: show the step by its other words.
        let shown: Vec<&str> = step
            .iter()
            .copied()
            .filter(|w| *w != port && *w != dead)
            .collect();
        out.push(format!("{} -> {}", shown.join(" "), call(&mut s, step)));
    }
    // A key already at the target: refused without REPLACE, moved with it.
    out.push(call(&mut s, &["MIGRATE", host, &port, "busy", "0", "1000"]));
    out.push(call(
        &mut s,
        &["MIGRATE", host, &port, "busy", "0", "1000", "REPLACE"],
    ));
    for cmd in [
        &["LRANGE", "l", "0", "-1"][..],
        &["GET", "s"],
        &["GET", "busy"],
        &["SELECT", "3"],
        &["HGETALL", "h"],
    ] {
        out.push(format!("target {} -> {}", cmd.join(" "), call(&mut d, cmd)));
    }
    call(&mut d, &["SELECT", "0"]);
    let ttl: i64 = call(&mut d, &["TTL", "s"])
        .trim_start_matches("(integer) ")
        .parse()
        .unwrap_or(-9);
    out.push(format!("ttl kept: {}", (90..=100).contains(&ttl)));
    out
}

#[test]
fn migrate_behaves_as_redis_and_moves_keys_both_ways() {
    let (Some(r1), Some(r2)) = (RedisProc::start(), RedisProc::start()) else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let (m1, m2) = (TestServer::start(), TestServer::start());
    let want = scenario(r1.addr, r2.addr);
    // muxis to redis-server, and redis-server's MIGRATE into muxis.
    let muxis_to_redis = scenario(m1.addr, RedisProc::start().expect("redis").addr);
    let redis_to_muxis = scenario(RedisProc::start().expect("redis").addr, m2.addr);
    assert_eq!(muxis_to_redis, want, "muxis as the source");
    assert_eq!(redis_to_muxis, want, "muxis as the target");
}

#[test]
fn migrate_propagates_as_the_del_of_the_moved_keys() {
    let (src, seen) = TestServer::recording();
    let dst = TestServer::start();
    let mut s = Conn::connect(src.addr).expect("source");
    let port = dst.addr.port().to_string();
    call(&mut s, &["MSET", "a", "1", "b", "2"]);
    let steps: [&[&str]; 2] = [
        &["MIGRATE", "127.0.0.1", &port, "a", "0", "1000", "COPY"],
        &[
            "MIGRATE",
            "127.0.0.1",
            &port,
            "",
            "0",
            "1000",
            "REPLACE",
            "KEYS",
            "a",
            "b",
            "c",
        ],
    ];
    for step in steps {
        assert_eq!(call(&mut s, step), "+OK");
    }
    call(&mut s, &["PING"]);
    let text = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
    assert!(
        text.ends_with("*3 $3 DEL $1 a $1 b "),
        "COPY propagates nothing, the move its DEL: {text}"
    );
}
