//! Sorted-set encodings against redis-server 7.0.15: the same writes, CONFIG SETs, DEBUG
//! RELOADs and DUMP/RESTORE round trips on both servers must give the same OBJECT
//! ENCODING and the same contents, across the listpack → skiplist conversion edges.

use super::proc::{Kind, Scratch, Srv, redis_available};
use redis::Value;

/// Runs one command, returning its reply (errors as a string, to compare them too).
fn run(c: &mut redis::Connection, args: &[&[u8]]) -> Value {
    let mut cmd = redis::cmd(std::str::from_utf8(args[0]).expect("a command name"));
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<Value>(c) {
        Ok(v) => v,
        Err(e) => Value::SimpleString(format!("error: {e}")),
    }
}

/// DUMP `key` and RESTORE the payload as `to`, on one server.
fn dump_restore(c: &mut redis::Connection, key: &[u8], to: &[u8]) -> Value {
    let Value::BulkString(payload) = run(c, &[b"DUMP", key]) else {
        panic!("DUMP gave no payload");
    };
    run(c, &[b"RESTORE", to, b"0", &payload])
}

#[test]
fn zset_encodings_follow_redis_across_conversions() {
    if !redis_available() {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    }
    let (dm, dr) = (Scratch::new("zenc-m"), Scratch::new("zenc-r"));
    let debug = ["--enable-debug-command", "yes"];
    let m = Srv::start(Kind::Muxis, &dm.0, &debug);
    let r = Srv::start(Kind::Redis, &dr.0, &debug);
    let (mut mc, mut rc) = (m.conn(), r.conn());
    let long = [b'x'; 65];
    let script: &[&[&[u8]]] = &[
        &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"3"],
        &[b"CONFIG", b"SET", b"zset-max-listpack-value", b"4"],
        // Exactly at the entry limit, then one past it; removals do not convert back.
        &[b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"],
        &[b"OBJECT", b"ENCODING", b"z"],
        &[b"ZADD", b"z", b"4", b"d"],
        &[b"OBJECT", b"ENCODING", b"z"],
        &[b"ZREM", b"z", b"a", b"b"],
        &[b"OBJECT", b"ENCODING", b"z"],
        // The value limit: exactly at it, then one past.
        &[b"ZADD", b"v", b"1", b"abcd"],
        &[b"OBJECT", b"ENCODING", b"v"],
        &[b"ZADD", b"v", b"1", b"abcde"],
        &[b"OBJECT", b"ENCODING", b"v"],
        // Lowering a limit converts nothing until the set grows; an update is no growth.
        &[b"ZADD", b"g", b"1", b"a", b"2", b"b"],
        &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"1"],
        &[b"OBJECT", b"ENCODING", b"g"],
        &[b"ZADD", b"g", b"5", b"a"],
        &[b"ZINCRBY", b"g", b"1", b"b"],
        &[b"OBJECT", b"ENCODING", b"g"],
        &[b"ZADD", b"g", b"3", b"c"],
        &[b"OBJECT", b"ENCODING", b"g"],
        &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"3"],
        // Empty and binary members, -0 (0 in a listpack, kept by a skiplist).
        &[
            b"ZADD",
            b"bin",
            b"-0",
            b"",
            b"1.5",
            b"\x00\xff",
            b"-inf",
            b"\r\n",
        ],
        &[b"OBJECT", b"ENCODING", b"bin"],
        &[b"ZRANGE", b"bin", b"0", b"-1", b"WITHSCORES"],
        &[b"ZREVRANGE", b"bin", b"0", b"-1", b"WITHSCORES"],
        &[b"ZSCAN", b"bin", b"0"],
        &[b"ZADD", b"neg", b"-0", b"a", b"1", &long],
        &[b"OBJECT", b"ENCODING", b"neg"],
        &[b"ZSCORE", b"neg", b"a"],
        // A packed payload stays packed past the value limit when restored or reloaded.
        &[b"CONFIG", b"SET", b"zset-max-listpack-value", b"100"],
        &[b"ZADD", b"lv", b"1", &long, b"2", b"b"],
        &[b"OBJECT", b"ENCODING", b"lv"],
        &[b"CONFIG", b"SET", b"zset-max-listpack-value", b"4"],
        // Computed results pick by size.
        &[b"ZUNIONSTORE", b"u", b"2", b"z", b"v"],
        &[b"OBJECT", b"ENCODING", b"u"],
        &[b"ZRANGESTORE", b"rs", b"g", b"0", b"1"],
        &[b"OBJECT", b"ENCODING", b"rs"],
        &[b"ZRANGE", b"u", b"0", b"-1", b"WITHSCORES"],
        // SORT leaves the small encoding.
        &[b"ZADD", b"srt", b"1", b"3", b"2", b"1"],
        &[b"SORT", b"srt"],
        &[b"OBJECT", b"ENCODING", b"srt"],
    ];
    for cmd in script {
        let (a, b) = (run(&mut rc, cmd), run(&mut mc, cmd));
        assert_eq!(
            b,
            a,
            "{:?}",
            cmd.iter()
                .map(|a| String::from_utf8_lossy(a))
                .collect::<Vec<_>>()
        );
    }
    let keys: [&[u8]; 9] = [b"z", b"v", b"g", b"bin", b"neg", b"u", b"rs", b"srt", b"lv"];
    let compare = |rc: &mut redis::Connection, mc: &mut redis::Connection, what: &str| {
        for k in keys {
            let queries: [&[&[u8]]; 2] = [
                &[b"OBJECT", b"ENCODING", k],
                &[b"ZRANGE", k, b"0", b"-1", b"WITHSCORES"],
            ];
            for q in queries {
                assert_eq!(
                    run(mc, q),
                    run(rc, q),
                    "{what}: {}",
                    String::from_utf8_lossy(k)
                );
            }
        }
    };
    // A restored value takes the encoding its size calls for, on both servers.
    for k in keys {
        let to = [b"r:", k].concat();
        assert_eq!(dump_restore(&mut mc, k, &to), dump_restore(&mut rc, k, &to));
        let q: &[&[u8]] = &[b"OBJECT", b"ENCODING", &to];
        assert_eq!(
            run(&mut mc, q),
            run(&mut rc, q),
            "restored {}",
            String::from_utf8_lossy(k)
        );
    }
    // DEBUG RELOAD: skiplists that shrank below the limits come back as listpacks.
    assert_eq!(
        run(&mut mc, &[b"DEBUG", b"RELOAD"]),
        run(&mut rc, &[b"DEBUG", b"RELOAD"])
    );
    compare(&mut rc, &mut mc, "after DEBUG RELOAD");
    // Raise the limits and reload again: everything that fits is packed.
    for c in [&mut mc, &mut rc] {
        run(
            c,
            &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"128"],
        );
        run(c, &[b"CONFIG", b"SET", b"zset-max-listpack-value", b"64"]);
        run(c, &[b"DEBUG", b"RELOAD"]);
    }
    compare(&mut rc, &mut mc, "after raising the limits and reloading");
}
