//! A hash's encoding against redis-server 7.0.15: OBJECT ENCODING at and one past
//! `hash-max-listpack-entries` and `-value` for every write command, CONFIG SET between
//! writes, no conversion back, the DUMP payload of a packed hash byte for byte (fields in
//! insertion order), and the encoding RESTORE picks from the content of payloads Redis
//! wrote in both encodings. (DEBUG RELOAD, which saves a file, is checked against
//! redis-server in `persist_rdb/hash_encoding.rs`, where each server has its own directory.)

use super::redis_proc::RedisProc;
use super::resp::{Conn, V, show, show_cmd};
use crate::common::TestServer;

fn argv(words: &[&[u8]]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.to_vec()).collect()
}

/// Sends `cmd` to both servers; their replies must match. Returns Redis's.
fn same(r: &mut Conn, m: &mut Conn, cmd: &[&[u8]]) -> V {
    let cmd = argv(cmd);
    let (want, got) = (r.call(&cmd).expect("redis"), m.call(&cmd).expect("muxis"));
    assert_eq!(show(&got), show(&want), "{}", show_cmd(&cmd));
    want
}

#[test]
fn differential_hash_encoding_across_conversions() {
    let Some(redis) = RedisProc::start() else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::start();
    let (mut r, mut m) = (
        Conn::connect(redis.addr).expect("redis"),
        Conn::connect(muxis.addr).expect("muxis"),
    );
    let x40 = "x".repeat(40);
    let x65 = "y".repeat(65);
    let script: &[&[&str]] = &[
        &["CONFIG", "SET", "hash-max-listpack-entries", "4"],
        &["CONFIG", "SET", "hash-max-listpack-value", "8"],
        // Entries: exactly at the limit, an update, one past, then shrinking.
        &["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
        &["OBJECT", "ENCODING", "h"],
        &["HGETALL", "h"],
        &["HSET", "h", "a", "one"],
        &["OBJECT", "ENCODING", "h"],
        &["HSETNX", "h", "e", "5"],
        &["OBJECT", "ENCODING", "h"],
        &["HDEL", "h", "a", "b", "c", "d"],
        &["OBJECT", "ENCODING", "h"],
        // Lengths: exactly 8, then 9, by field and by value, for each writer.
        &["HSET", "v8", "12345678", "12345678"],
        &["OBJECT", "ENCODING", "v8"],
        &["HSETNX", "v8", "12345678", "123456789"],
        &["OBJECT", "ENCODING", "v8"],
        &["HSET", "v9", "f", "123456789"],
        &["OBJECT", "ENCODING", "v9"],
        &["HMSET", "k9", "123456789", "v"],
        &["OBJECT", "ENCODING", "k9"],
        &["HSETNX", "nx9", "f", "123456789"],
        &["OBJECT", "ENCODING", "nx9"],
        &["HINCRBY", "i9", "123456789", "1"],
        &["OBJECT", "ENCODING", "i9"],
        &["HINCRBYFLOAT", "f9", "f", "1.5"],
        &["HINCRBYFLOAT", "f9", "f", "0.0000001"],
        &["OBJECT", "ENCODING", "f9"],
        // Empty and binary-looking strings stay packed.
        &["HSET", "e", "", "", "\u{1}\r\n", "\u{7f}"],
        &["OBJECT", "ENCODING", "e"],
        &["HGETALL", "e"],
        // A threshold changed between writes applies to the next one, an update included.
        &["CONFIG", "SET", "hash-max-listpack-value", "64"],
        &["HSET", "long", "f", &x40],
        &["OBJECT", "ENCODING", "long"],
        &["HSET", "long", "g", &x65],
        &["OBJECT", "ENCODING", "long"],
        &["HDEL", "long", "g"],
        &["HSET", "packed", "a", &x40, "b", "2", "c", "3"],
        &["DUMP", "packed"],
        &["CONFIG", "SET", "hash-max-listpack-entries", "2"],
        &["HSET", "e", "", "x"],
        &["OBJECT", "ENCODING", "e"],
        &["HINCRBY", "packed", "b", "1"],
        &["OBJECT", "ENCODING", "packed"],
        &["CONFIG", "SET", "hash-max-listpack-entries", "512"],
    ];
    for cmd in script {
        let words: Vec<&[u8]> = cmd.iter().map(|w| w.as_bytes()).collect();
        same(&mut r, &mut m, &words);
    }

    // Payloads Redis wrote, restored into both under other limits: a table of few short
    // fields comes back packed, a listpack payload stays packed whatever its lengths (only
    // its count is checked), a table with a long value or too many fields stays a table.
    let fields: Vec<String> = (0..600).map(|i| format!("f{i}")).collect();
    let mut big: Vec<&[u8]> = vec![b"HSET", b"big"];
    for f in &fields {
        big.extend([f.as_bytes(), b"v"]);
    }
    r.call(&argv(&big)).expect("redis");
    let setup: &[&[&str]] = &[
        &["CONFIG", "SET", "hash-max-listpack-value", "64"],
        &["HSET", "lp", "a", &x40, "b", ""],
        &["CONFIG", "SET", "hash-max-listpack-value", "8"],
    ];
    for cmd in setup {
        let words: Vec<&[u8]> = cmd.iter().map(|w| w.as_bytes()).collect();
        same(&mut r, &mut m, &words);
    }
    for key in ["h", "v9", "e", "long", "packed", "lp", "big"] {
        let payload = r.call(&argv(&[b"DUMP", key.as_bytes()])).expect("DUMP");
        let payload = payload.bytes().expect("a payload").to_vec();
        let copy = format!("{key}:copy");
        same(
            &mut r,
            &mut m,
            &[b"RESTORE", copy.as_bytes(), b"0", &payload],
        );
        same(&mut r, &mut m, &[b"OBJECT", b"ENCODING", copy.as_bytes()]);
        same(&mut r, &mut m, &[b"HLEN", copy.as_bytes()]);
        if key != "big" {
            same(&mut r, &mut m, &[b"HGET", copy.as_bytes(), b"a"]);
        }
    }
    same(&mut r, &mut m, &[b"HGETALL", b"lp:copy"]);
}
