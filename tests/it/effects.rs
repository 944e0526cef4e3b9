//! What commands really did: WATCH invalidated only by real changes, the propagated stream's
//! effective forms, and blocked XREADGROUP clients released when their stream goes.
//! (The full replay against redis-server is `differential/replay.rs`.)

use crate::common::*;
use std::time::{Duration, Instant};

/// WATCHes `key` on `a`, runs `write` on `b`, and tells whether `a`'s EXEC was aborted.
fn aborts(a: &mut Raw, b: &mut Raw, key: &str, write: &[&str]) -> bool {
    a.roundtrip(&resp(&[b"WATCH", key.as_bytes()]), b"+OK\r\n");
    let args: Vec<&[u8]> = write.iter().map(|s| s.as_bytes()).collect();
    b.send(&resp(&args));
    read_reply_line(b);
    a.roundtrip(b"MULTI\r\n", b"+OK\r\n");
    a.roundtrip(b"PING\r\n", b"+QUEUED\r\n");
    a.send(b"EXEC\r\n");
    match read_reply_line(a).as_str() {
        "*-1" => true,
        "*1" => {
            assert_eq!(read_reply_line(a), "+PONG");
            false
        }
        other => panic!("EXEC replied {other}"),
    }
}

/// One reply line (replies here are one line, or a header the caller reads past).
fn read_reply_line(r: &mut Raw) -> String {
    let mut line = Vec::new();
    loop {
        let b = r.read_n(1)[0];
        line.push(b);
        if line.ends_with(b"\r\n") {
            line.truncate(line.len() - 2);
            return String::from_utf8_lossy(&line).into_owned();
        }
    }
}

#[test]
fn watch_ignores_writes_that_changed_nothing() {
    let s = TestServer::start();
    let (mut a, mut b) = (s.raw(), s.raw());
    b.send(b"SET str v\r\nSADD set m\r\nRPUSH list x\r\nHSET hash f v\r\nZADD zset 1 m\r\n");
    for _ in 0..5 {
        read_reply_line(&mut b);
    }
    let no_ops: &[(&str, &[&str])] = &[
        ("str", &["SET", "str", "w", "NX"]),
        ("str", &["SETNX", "str", "w"]),
        ("missing", &["SET", "missing", "w", "XX"]),
        ("missing", &["DEL", "missing"]),
        ("missing", &["UNLINK", "missing"]),
        ("missing", &["LPOP", "missing"]),
        ("missing", &["EXPIRE", "missing", "100"]),
        ("str", &["EXPIRE", "str", "100", "GT"]),
        ("str", &["PERSIST", "str"]),
        ("str", &["SETRANGE", "str", "0", ""]),
        ("str", &["RENAME", "str", "str"]),
        ("set", &["SADD", "set", "m"]),
        ("set", &["SREM", "set", "nope"]),
        ("set", &["SMOVE", "set", "other", "nope"]),
        ("list", &["LREM", "list", "0", "nope"]),
        ("list", &["LINSERT", "list", "BEFORE", "nope", "y"]),
        ("list", &["LPOP", "list", "0"]),
        ("hash", &["HDEL", "hash", "nope"]),
        ("hash", &["HSETNX", "hash", "f", "w"]),
        ("zset", &["ZADD", "zset", "NX", "5", "m"]),
        ("zset", &["ZREM", "zset", "nope"]),
        ("zset", &["ZREMRANGEBYSCORE", "zset", "10", "20"]),
        ("missing", &["SINTERSTORE", "missing", "nokey"]),
        ("missing", &["FLUSHALL"]),
    ];
    for (key, write) in no_ops {
        assert!(
            !aborts(&mut a, &mut b, key, write),
            "{write:?} aborted EXEC"
        );
    }
    // Real changes, even ones that leave the same value, do abort it (as in Redis). The
    // FLUSHALL above emptied everything: these start from nothing.
    let changes: &[(&str, &[&str])] = &[
        ("str", &["SET", "str", "v"]),
        ("str", &["APPEND", "str", ""]),
        ("n", &["INCRBY", "n", "0"]),
        ("set", &["SADD", "set", "m2"]),
        ("list", &["RPUSH", "list", "y"]),
        // LTRIM signals an existing key even when it keeps everything (it propagates
        // nothing then: only removals count as changes).
        ("list", &["LTRIM", "list", "0", "-1"]),
        ("zset", &["ZADD", "zset", "2", "m"]),
        ("str", &["EXPIRE", "str", "100"]),
        ("str", &["FLUSHDB"]),
    ];
    for (key, write) in changes {
        assert!(
            aborts(&mut a, &mut b, key, write),
            "{write:?} did not abort EXEC"
        );
    }
}

/// Sends a blocking XREADGROUP on `c` and waits until it is parked.
fn park_xreadgroup(s: &TestServer, c: &mut Raw) {
    let mut admin = s.raw();
    admin.roundtrip(
        &resp(&[b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"]),
        b"+OK\r\n",
    );
    c.send(&resp(&[
        b"XREADGROUP",
        b"GROUP",
        b"g",
        b"c",
        b"BLOCK",
        b"0",
        b"STREAMS",
        b"s",
        b">",
    ]));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        admin.send(b"CLIENT LIST\r\n");
        let header = read_reply_line(&mut admin);
        let n: usize = header[1..].parse().expect("bulk length");
        let list = String::from_utf8_lossy(&admin.read_n(n + 2)).into_owned();
        if list.contains(" cmd=xreadgroup ") {
            return;
        }
        assert!(Instant::now() < deadline, "XREADGROUP never parked");
        std::thread::sleep(Duration::from_millis(5));
    }
}

const UNBLOCKED: &str = "-UNBLOCKED the stream key no longer exists";

#[test]
fn xreadgroup_blocked_forever_when_its_stream_is_deleted() {
    let s = TestServer::start();
    let mut c = s.raw();
    park_xreadgroup(&s, &mut c);
    s.raw().roundtrip(b"DEL s\r\n", b":1\r\n");
    assert_eq!(read_reply_line(&mut c), UNBLOCKED);
    // The client is usable again.
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn xreadgroup_blocked_forever_when_its_stream_is_replaced_by_another_type() {
    let s = TestServer::start();
    let mut c = s.raw();
    park_xreadgroup(&s, &mut c);
    s.raw().roundtrip(b"SET s x\r\n", b"+OK\r\n");
    assert_eq!(read_reply_line(&mut c), UNBLOCKED);
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn xreadgroup_blocked_forever_when_its_stream_is_flushed_or_expires() {
    let s = TestServer::start();
    let mut c = s.raw();
    park_xreadgroup(&s, &mut c);
    s.raw().roundtrip(b"FLUSHALL\r\n", b"+OK\r\n");
    assert_eq!(read_reply_line(&mut c), UNBLOCKED);
    // Expired by the active cycle, nobody touching the key.
    let mut c = s.raw();
    park_xreadgroup(&s, &mut c);
    s.raw().roundtrip(b"PEXPIRE s 30\r\n", b":1\r\n");
    assert_eq!(read_reply_line(&mut c), UNBLOCKED);
}

#[test]
fn blocked_list_pop_keeps_waiting_when_its_key_changes_type() {
    // Redis serves a blocked BLPOP only from a list: another type there changes nothing.
    let s = TestServer::start();
    let mut c = s.raw();
    c.send(b"BLPOP l 0\r\n");
    std::thread::sleep(Duration::from_millis(100));
    let mut b = s.raw();
    b.roundtrip(b"SET l x\r\nDEL l\r\nRPUSH l a\r\n", b"+OK\r\n:1\r\n:1\r\n");
    c.expect(b"*2\r\n$1\r\nl\r\n$1\r\na\r\n");
}

/// The propagated stream of `cmds` run on a fresh server, as text (CRLF as spaces).
fn propagated(cmds: &[u8]) -> String {
    let (s, seen) = TestServer::recording();
    let mut c = s.raw();
    c.send(cmds);
    c.send(b"PING\r\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = Vec::new();
    while !got.ends_with(b"+PONG\r\n") {
        got.extend(c.read_n(1));
        assert!(Instant::now() < deadline);
    }
    let bytes = seen.lock().expect("lock").clone();
    String::from_utf8_lossy(&bytes).replace("\r\n", " ")
}

#[test]
fn effective_forms_are_propagated() {
    let text = propagated(
        b"SET a 1 NX\r\nSET a 2 NX\r\nDEL nope\r\nSADD s x\r\nSPOP s\r\n\
          SET f 1.5\r\nINCRBYFLOAT f 1\r\nMULTI\r\nINCR n\r\nINCR n\r\nEXEC\r\n\
          MULTI\r\nGET a\r\nEXEC\r\nSELECT 2\r\nRPUSH l x\r\nBLPOP l 1\r\n",
    );
    assert_eq!(
        text,
        "*2 $6 SELECT $1 0 *4 $3 SET $1 a $1 1 $2 NX *3 $4 SADD $1 s $1 x \
         *3 $4 SREM $1 s $1 x *3 $3 SET $1 f $3 1.5 *4 $3 SET $1 f $3 2.5 $7 KEEPTTL \
         *1 $5 MULTI *2 $4 INCR $1 n *2 $4 INCR $1 n *1 $4 EXEC \
         *2 $6 SELECT $1 2 *3 $5 RPUSH $1 l $1 x *2 $4 LPOP $1 l "
    );
    // Relative expiry times go out absolute.
    let text = propagated(b"SET k v EX 100\r\nEXPIRE k 200\r\nEXPIRE k -1\r\n");
    let words: Vec<&str> = text.split(' ').collect();
    let now = muxis::engine::state::unix_ms();
    let pxat: u64 = words[words.iter().position(|w| *w == "PXAT").expect("PXAT") + 2]
        .parse()
        .expect("ms");
    assert!(pxat.abs_diff(now + 100_000) < 5_000, "{text}");
    assert!(text.contains("$9 PEXPIREAT $1 k $13 "), "{text}");
    assert!(text.ends_with("*2 $3 DEL $1 k "), "{text}");
    // A key reclaimed by expiry goes out as DEL, or UNLINK with lazyfree-lazy-expire.
    let text = propagated(
        b"SET a v PXAT 1\r\nGET a\r\nCONFIG SET lazyfree-lazy-expire yes\r\n\
          SET b v PXAT 1\r\nGET b\r\n",
    );
    assert_eq!(
        text,
        "*2 $6 SELECT $1 0 *5 $3 SET $1 a $1 v $4 PXAT $1 1 *2 $3 DEL $1 a \
         *5 $3 SET $1 b $1 v $4 PXAT $1 1 *2 $6 UNLINK $1 b "
    );
}

#[test]
fn evicted_keys_are_propagated_as_del_or_unlink_under_lazyfree_lazy_eviction() {
    // maxmemory 1: the process always uses more, so every key is evicted at once.
    let text = propagated(
        b"SET a 1\r\nSET b 2\r\nCONFIG SET maxmemory-policy allkeys-random\r\n\
          CONFIG SET maxmemory 1\r\nCONFIG SET maxmemory 0 lazyfree-lazy-eviction yes\r\n\
          SET c 3\r\nCONFIG SET maxmemory 1\r\nCONFIG SET maxmemory 0\r\n",
    );
    let head = "*2 $6 SELECT $1 0 *3 $3 SET $1 a $1 1 *3 $3 SET $1 b $1 2 ";
    let evicted_ab = [
        format!("{head}*2 $3 DEL $1 a *2 $3 DEL $1 b "),
        format!("{head}*2 $3 DEL $1 b *2 $3 DEL $1 a "),
    ];
    let tail = "*3 $3 SET $1 c $1 3 *2 $6 UNLINK $1 c ";
    assert!(
        evicted_ab.iter().any(|ab| text == format!("{ab}{tail}")),
        "{text}"
    );
}

#[test]
fn watch_of_a_key_already_expired_is_not_touched_by_its_reclaim() {
    // Another client's WATCH (and a stream reader) keep the expiry log on: the reclaim
    // WATCH itself does must still not count against the watcher, as in Redis 7.0.
    let (s, _stream) = TestServer::recording();
    let (mut a, mut b) = (s.raw(), s.raw());
    b.roundtrip(b"WATCH other\r\n", b"+OK\r\n");
    a.roundtrip(b"SET k v PX 20\r\n", b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(60));
    assert!(!aborts(&mut a, &mut b, "k", &["GET", "k"]));
}

#[test]
fn rdb_changes_since_last_save_counts_changes_as_redis() {
    let s = TestServer::start();
    let mut con = s.client();
    let changes = |con: &mut redis::Connection| -> i64 {
        let info: String = redis::cmd("INFO")
            .arg("persistence")
            .query(con)
            .expect("INFO");
        info.lines()
            .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("the field")
    };
    // Per command, what redis-server 7.0.15 adds (measured the same way).
    let steps: &[(&[&str], i64)] = &[
        (&["SADD", "s", "a", "b", "c"], 3),
        (&["LPUSH", "l", "a", "b", "c"], 3),
        (&["HSET", "h", "a", "1", "b", "2"], 2),
        (&["ZADD", "z", "1", "a", "2", "b"], 2),
        (&["SREM", "s", "a", "b"], 2),
        (&["HDEL", "h", "a", "b"], 2),
        (&["ZREM", "z", "a", "b"], 2),
        (&["HSET", "h2", "a", "1"], 1),
        (&["HSET", "h2", "a", "1"], 1),
        (&["SET", "k", "v", "NX"], 1),
        (&["SET", "k", "v", "NX"], 0),
        (&["DEL", "k", "nope"], 1),
        (&["SADD", "s", "c"], 0),
    ];
    for (cmd, want) in steps {
        let before = changes(&mut con);
        run(&mut con, cmd).expect("runs");
        assert_eq!(changes(&mut con) - before, *want, "{cmd:?}");
    }
}
