//! Sorted-set commands over TCP: every command, option and error reply, compared byte for
//! byte with what Redis 7.0 sends, in RESP2 and RESP3, plus the blocking pops across clients.
//!
//! This file holds the shared helpers, WRONGTYPE for every command and ZRANK's WITHSCORE
//! (Redis 7.2); `basic.rs` has ZADD and the single-member commands, `range.rs` the ZRANGE
//! family, `range_write.rs` ZRANGESTORE and ZREMRANGEBY*, `pop.rs` the pops (blocking ones
//! included), `setops.rs` union, intersection and difference, `random.rs` ZRANDMEMBER and
//! ZSCAN, `resp3.rs` the RESP3 reply types.
//!
//! The blocking tests in `pop.rs` need the executor's side of blocking (parking a client and
//! re-running its command when a key is signalled).

mod basic;
mod pop;
mod random;
mod range;
mod range_write;
mod resp3;
mod setops;

use crate::common::*;

/// Sends `args` as a multibulk and expects exactly `reply`.
fn check(c: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.roundtrip(&resp(&args), reply.as_bytes());
}

/// Sends `args` and returns one whole RESP reply, whatever it is.
fn reply(c: &mut Raw, args: &[&str]) -> String {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send(&resp(&args));
    let mut out = Vec::new();
    read_value(c, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one RESP value into `out`.
fn read_value(c: &mut Raw, out: &mut Vec<u8>) {
    let start = out.len();
    while !out.ends_with(b"\r\n") || out.len() - start < 3 {
        out.extend_from_slice(&c.read_n(1));
    }
    let line = String::from_utf8_lossy(&out[start + 1..out.len() - 2]).into_owned();
    match out[start] {
        b'$' | b'=' | b'!' => {
            let n: i64 = line.parse().expect("length");
            if n >= 0 {
                out.extend_from_slice(&c.read_n(n as usize + 2));
            }
        }
        t @ (b'*' | b'~' | b'>' | b'%') => {
            let n: i64 = line.parse().expect("count");
            let n = if t == b'%' { n * 2 } else { n };
            for _ in 0..n.max(0) {
                read_value(c, out);
            }
        }
        _ => {}
    }
}

/// Switches the connection to RESP3, ignoring HELLO's reply (a map of server facts).
fn hello3(c: &mut Raw) {
    let r = reply(c, &["HELLO", "3"]);
    assert!(r.starts_with('%'), "{r}");
}

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

#[test]
fn every_command_rejects_other_types() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["SET", "s", "v"], "+OK\r\n");
    check(&mut c, &["ZADD", "z", "1", "a"], ":1\r\n");
    let cmds: &[&[&str]] = &[
        &["ZADD", "s", "1", "a"],
        &["ZADD", "s", "XX", "1", "a"],
        &["ZINCRBY", "s", "1", "a"],
        &["ZREM", "s", "a"],
        &["ZSCORE", "s", "a"],
        &["ZMSCORE", "s", "a"],
        &["ZCARD", "s"],
        &["ZCOUNT", "s", "0", "1"],
        &["ZLEXCOUNT", "s", "-", "+"],
        &["ZRANK", "s", "a"],
        &["ZREVRANK", "s", "a", "WITHSCORE"],
        &["ZRANGE", "s", "0", "-1"],
        &["ZRANGE", "s", "0", "1", "BYSCORE"],
        &["ZRANGEBYSCORE", "s", "0", "1"],
        &["ZREVRANGEBYSCORE", "s", "1", "0"],
        &["ZRANGEBYLEX", "s", "-", "+"],
        &["ZREVRANGEBYLEX", "s", "+", "-"],
        &["ZREVRANGE", "s", "0", "-1"],
        &["ZRANGESTORE", "d", "s", "0", "-1"],
        &["ZPOPMIN", "s"],
        &["ZPOPMAX", "s", "2"],
        &["BZPOPMIN", "s", "0"],
        &["BZPOPMAX", "missing", "s", "z", "0"],
        &["ZMPOP", "1", "s", "MIN"],
        &["BZMPOP", "0", "2", "missing", "s", "MAX"],
        &["ZUNIONSTORE", "d", "2", "z", "s"],
        &["ZINTERSTORE", "d", "1", "s"],
        &["ZDIFFSTORE", "d", "1", "s"],
        &["ZUNION", "2", "s", "z"],
        &["ZINTER", "1", "s"],
        &["ZDIFF", "2", "z", "s"],
        &["ZINTERCARD", "1", "s"],
        &["ZREMRANGEBYRANK", "s", "0", "1"],
        &["ZREMRANGEBYSCORE", "s", "0", "1"],
        &["ZREMRANGEBYLEX", "s", "-", "+"],
        &["ZRANDMEMBER", "s"],
        &["ZRANDMEMBER", "s", "2", "WITHSCORES"],
        &["ZSCAN", "s", "0"],
    ];
    for cmd in cmds {
        check(&mut c, cmd, WRONGTYPE);
    }
    // Nothing was changed: the string is intact and ZRANGESTORE left its destination alone.
    check(&mut c, &["GET", "s"], "$1\r\nv\r\n");
    check(&mut c, &["EXISTS", "d"], ":0\r\n");
    // Argument errors come first where Redis parses before looking the key up.
    check(
        &mut c,
        &["ZRANGE", "s", "x", "1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        &["ZCOUNT", "s", "x", "1"],
        "-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        &["ZADD", "s", "x", "a"],
        "-ERR value is not a valid float\r\n",
    );
}

/// ZRANK and ZREVRANK take Redis 7.2's WITHSCORE.
#[test]
fn zrank_withscore() {
    let s = TestServer::start();
    let mut c = s.raw();
    check(&mut c, &["ZADD", "z", "1.5", "a", "2", "b"], ":2\r\n");
    check(
        &mut c,
        &["ZRANK", "z", "b", "WITHSCORE"],
        "*2\r\n:1\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        &["ZREVRANK", "z", "a", "withscore"],
        "*2\r\n:1\r\n$3\r\n1.5\r\n",
    );
    check(&mut c, &["ZRANK", "z", "nope", "WITHSCORE"], "*-1\r\n");
    check(&mut c, &["ZRANK", "missing", "a", "WITHSCORE"], "*-1\r\n");
    check(&mut c, &["ZRANK", "missing", "a"], "$-1\r\n");
    check(
        &mut c,
        &["ZRANK", "z", "a", "WITHSCORES"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut c,
        &["ZRANK", "z", "a", "WITHSCORE", "x"],
        "-ERR wrong number of arguments for 'zrank' command\r\n",
    );
    check(
        &mut c,
        &["ZREVRANK", "z"],
        "-ERR wrong number of arguments for 'zrevrank' command\r\n",
    );
}
