//! Set encodings against redis-server 7.0.15: OBJECT ENCODING, member order, SSCAN,
//! MEMORY USAGE and DEBUG DIGEST-VALUE across the intset ↔ hashtable edges: exactly at
//! `set-max-intset-entries`, one past it, CONFIG SET between writes, non-canonical
//! integers, empty and binary members, the STORE commands' fresh results (including
//! SDIFFSTORE's copy-then-remove case), SMOVE to a new key, and DUMP/RESTORE and DEBUG
//! RELOAD round trips.

use super::redis_proc::RedisProc;
use super::resp::{Conn, transcript};
use crate::common::TestServer;
use std::net::SocketAddr;

fn argv(words: &[String]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs `script` on one connection; each command with its reply as text.
fn run(addr: SocketAddr, script: &[Vec<String>]) -> Vec<String> {
    let script: Vec<Vec<Vec<u8>>> = script.iter().map(|w| argv(w)).collect();
    transcript(&mut Conn::connect(addr).expect("connect"), &script)
}

/// `SADD key` with the integers `from..to`.
fn sadd_range(key: &str, from: i64, to: i64) -> Vec<String> {
    let mut c = vec!["SADD".to_string(), key.to_string()];
    c.extend((from..to).map(|i| i.to_string()));
    c
}

fn cmd(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn set_encodings_match_redis() {
    // DEBUG RELOAD writes the dump file: one of its own, not the shared default.
    let file = format!("muxis-diff-setenc-{}.rdb", std::process::id());
    let Some(redis) =
        RedisProc::start_with(&["--enable-debug-command", "yes", "--dbfilename", &file])
    else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    // Tests run in-process, in the crate's directory: muxis's dump gets a name of its own
    // there (the default dump.rdb would be loaded by every other test's server), removed
    // at the end whatever happens.
    struct Remove(std::path::PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let _redis_file = Remove(std::env::temp_dir().join(&file));
    let _muxis_file = Remove(std::path::PathBuf::from(&file));
    let muxis = TestServer::with(|c| {
        c.set("enable-debug-command", "yes").expect("valid");
        c.set("dbfilename", &file).expect("valid");
    });
    let mut script: Vec<Vec<String>> = Vec::new();
    let enc = |k: &str| cmd(&["OBJECT", "ENCODING", k]);
    // Whole-set replies only for intsets: a table's order is its hash table's.
    let table = |k: &str| {
        vec![
            cmd(&["OBJECT", "ENCODING", k]),
            cmd(&["DEBUG", "DIGEST-VALUE", k]),
            cmd(&["SCARD", k]),
        ]
    };
    let look = |k: &str| {
        vec![
            cmd(&["OBJECT", "ENCODING", k]),
            cmd(&["SMEMBERS", k]),
            cmd(&["SSCAN", k, "0", "COUNT", "2"]),
            cmd(&["MEMORY", "USAGE", k]),
            cmd(&["DEBUG", "DIGEST-VALUE", k]),
            cmd(&["SCARD", k]),
        ]
    };
    // Exactly at the limit, then one past it; one-way.
    script.push(cmd(&["CONFIG", "SET", "set-max-intset-entries", "4"]));
    script.push(sadd_range("s", 0, 4));
    script.extend(look("s"));
    script.push(cmd(&["SADD", "s", "4"]));
    script.push(enc("s"));
    script.push(cmd(&["SREM", "s", "4", "3"]));
    script.push(enc("s"));
    // Widths 2, 4 and 8, and the order across them.
    script.push(cmd(&["SADD", "w", "5", "-70000", "1"]));
    script.extend(look("w"));
    script.push(cmd(&["SADD", "w", "-9223372036854775808"]));
    script.extend(look("w"));
    script.push(cmd(&["SREM", "w", "-9223372036854775808", "-70000"]));
    script.push(cmd(&["MEMORY", "USAGE", "w"]));
    // The width stays, across a reload too.
    script.push(cmd(&["SADD", "wide", "1", "9223372036854775807"]));
    script.push(cmd(&["SREM", "wide", "9223372036854775807"]));
    script.extend(look("wide"));
    // Not string2ll's canonical form: the table.
    for (k, m) in [
        ("n1", "01"),
        ("n2", "-0"),
        ("n3", "+1"),
        ("n4", " 1"),
        ("n5", ""),
    ] {
        script.push(cmd(&["SADD", k, "7", m]));
        script.push(enc(k));
        script.push(cmd(&["SISMEMBER", k, m]));
        script.push(cmd(&["SCARD", k]));
    }
    script.push(cmd(&["SADD", "bin", "\u{0}\u{ff}", "2"]));
    script.push(enc("bin"));
    // CONFIG SET between writes: applies to the next growth only.
    script.push(cmd(&["CONFIG", "SET", "set-max-intset-entries", "2"]));
    script.push(cmd(&["SADD", "w", "5"]));
    script.push(enc("w"));
    script.push(cmd(&["SADD", "w", "6"]));
    script.push(enc("w"));
    script.push(cmd(&["CONFIG", "SET", "set-max-intset-entries", "512"]));
    // STORE results are built afresh: integers from tables make an intset.
    script.push(cmd(&["SADD", "t1", "a", "1", "2", "3"]));
    script.push(cmd(&["SADD", "t2", "b", "2", "3", "4"]));
    for op in ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"] {
        script.push(cmd(&[op, "d", "t1", "t2"]));
        script.push(enc("d"));
        script.push(cmd(&[op, "d", "s", "w"]));
        script.extend(look("d"));
    }
    script.push(cmd(&["SINTERCARD", "2", "t1", "t2"]));
    script.push(cmd(&["SUNION", "s", "w"]));
    script.push(cmd(&["SDIFF", "s", "w"]));
    script.push(cmd(&["SDIFFSTORE", "d", "t1", "t1"]));
    script.push(cmd(&["EXISTS", "d"]));
    // A large first set and small others: Redis copies it and removes, so the result
    // stays a table although it ends with 400 integers; with one other set it walks.
    script.push(sadd_range("big", 0, 600));
    script.push(sadd_range("o1", 0, 100));
    script.push(sadd_range("o2", 100, 200));
    script.push(cmd(&["SDIFFSTORE", "d", "big", "o1", "o2"]));
    script.push(enc("d"));
    script.push(cmd(&["SDIFFSTORE", "d", "big", "o1"]));
    script.push(enc("d"));
    script.push(sadd_range("o3", 0, 550));
    script.push(cmd(&["SDIFFSTORE", "d", "big", "o3"]));
    script.extend(look("d"));
    // SMOVE to a new key: an intset when the member is an integer.
    script.push(cmd(&["SMOVE", "t1", "m1", "1"]));
    script.push(enc("m1"));
    script.push(cmd(&["SMOVE", "t1", "m2", "a"]));
    script.push(enc("m2"));
    // A table of integers shrunk under the limit: reloading makes it an intset again.
    script.push(sadd_range("g", 0, 600));
    let mut srem = cmd(&["SREM", "g"]);
    srem.extend((10..600).map(|i| i.to_string()));
    script.push(srem);
    script.extend(table("g"));
    script.push(cmd(&["SORT", "g"]));
    script.push(cmd(&["DEBUG", "RELOAD"]));
    for k in ["s", "w", "g", "d", "m1", "wide"] {
        script.extend(look(k));
    }
    for k in ["n1", "n5", "bin", "big", "m2", "t1"] {
        script.extend(table(k));
    }
    script.push(cmd(&["SORT", "g", "BY", "nosort"]));
    script.push(cmd(&["DUMP", "wide"]));
    script.push(cmd(&["DUMP", "g"]));
    script.push(cmd(&["CONFIG", "SET", "set-max-intset-entries", "5"]));
    script.push(cmd(&["DEBUG", "RELOAD"]));
    script.push(enc("g"));
    script.push(enc("w"));
    script.push(cmd(&["CONFIG", "SET", "set-max-intset-entries", "512"]));
    script.push(cmd(&["DEBUG", "DIGEST"]));
    let want = run(redis.addr, &script);
    let got = run(muxis.addr, &script);
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}
