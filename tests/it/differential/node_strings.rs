//! Strings and keys around the sizes where muxis changes how it stores a key (issue 13: a
//! string of up to 255 bytes inline in the key's node, a longer one apart; a key length of
//! one byte up to 255, eight beyond), against redis-server 7.0.15: reads, in-place edits
//! (APPEND, SETRANGE, INCR, SETBIT), TTLs, renames, OBJECT ENCODING, MEMORY USAGE, DUMP
//! and DEBUG DIGEST-VALUE must all give Redis's replies.

use super::redis_proc::RedisProc;
use super::resp::{Conn, transcript};
use crate::common::TestServer;
use std::net::SocketAddr;

/// Runs `script` on one connection; each command with its reply, as text.
fn run(addr: SocketAddr, script: &[Vec<Vec<u8>>]) -> Vec<String> {
    transcript(&mut Conn::connect(addr).expect("connect"), script)
}

fn cmd(words: &[&[u8]]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.to_vec()).collect()
}

/// `len` bytes that do not compress (DUMP compresses strings over 20 bytes, and muxis's
/// LZF output for repetitive input is valid but not byte for byte Redis's).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// The commands for one key and one value length.
fn script_for(key: &[u8], len: usize) -> Vec<Vec<Vec<u8>>> {
    let value = noise(len, len as u64 + 7);
    let other = [key, b":to"].concat();
    let n = len.to_string();
    vec![
        cmd(&[b"SET", key, &value]),
        cmd(&[b"GET", key]),
        cmd(&[b"STRLEN", key]),
        cmd(&[b"OBJECT", b"ENCODING", key]),
        cmd(&[b"MEMORY", b"USAGE", key]),
        cmd(&[b"DEBUG", b"DIGEST-VALUE", key]),
        cmd(&[b"DUMP", key]),
        // The same length again: overwritten where it lies.
        cmd(&[b"SET", key, &noise(len, 3), b"EX", b"1000"]),
        cmd(&[b"GET", key]),
        cmd(&[b"TTL", key]),
        cmd(&[b"SET", key, b"x", b"KEEPTTL"]),
        cmd(&[b"TTL", key]),
        cmd(&[b"APPEND", key, &value]),
        cmd(&[b"GET", key]),
        cmd(&[b"OBJECT", b"ENCODING", key]),
        cmd(&[b"TTL", key]),
        cmd(&[b"SETRANGE", key, n.as_bytes(), b"tail"]),
        cmd(&[b"GET", key]),
        cmd(&[b"SETBIT", key, b"7", b"0"]),
        cmd(&[b"GET", key]),
        cmd(&[b"RENAME", key, &other]),
        cmd(&[b"GET", &other]),
        cmd(&[b"TTL", &other]),
        cmd(&[b"EXISTS", key]),
        cmd(&[b"PERSIST", &other]),
        cmd(&[b"COPY", &other, key]),
        cmd(&[b"GET", key]),
        cmd(&[b"SET", key, b"41"]),
        cmd(&[b"INCR", key]),
        cmd(&[b"INCRBYFLOAT", key, b"0.5"]),
        cmd(&[b"OBJECT", b"ENCODING", key]),
        cmd(&[b"GETDEL", key]),
        cmd(&[b"DEL", &other]),
        cmd(&[b"SETRANGE", key, b"3", b"abc"]),
        cmd(&[b"OBJECT", b"ENCODING", key]),
        cmd(&[b"DEL", key]),
        cmd(&[b"APPEND", key, b"12"]),
        cmd(&[b"OBJECT", b"ENCODING", key]),
        cmd(&[b"DEL", key]),
        cmd(&[b"DBSIZE"]),
    ]
}

#[test]
fn differential_strings_and_keys_across_the_inline_sizes() {
    let Some(redis) = RedisProc::start_with(&["--enable-debug-command", "yes"]) else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"));
    let mut script = Vec::new();
    for klen in [1, 255, 256, 70_000] {
        let key: Vec<u8> = (0..klen).map(|i| b'a' + (i % 26) as u8).collect();
        for len in [0, 1, 44, 45, 254, 255, 256, 5000] {
            script.extend(script_for(&key, len));
        }
    }
    let want = run(redis.addr, &script);
    let got = run(muxis.addr, &script);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
}
