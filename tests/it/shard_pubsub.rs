//! Sharded pub/sub (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB SHARDCHANNELS/SHARDNUMSUB):
//! exact replies in RESP2 and RESP3, delivery to subscribers on other I/O threads, the
//! separate namespace and counts, ACL channel rules, and a differential run against
//! redis-server 7.0.15 over several connections (the runner is shared with the client
//! tracking tests).

use crate::common::*;
use crate::differential::redis_proc::RedisProc;
use crate::differential::resp::{Conn, V, show};
use std::net::SocketAddr;

/// One step of a multi-connection script: on connection `.0` (opened on first use), send
/// `.1` (nothing if empty) and then read `.2` replies or pushes. `SLEEP` waits 60 ms;
/// `CLOSE` closes the connection.
pub type Step<'a> = (usize, &'a [&'a str], usize);

/// Rewrites a reply (given the command's words and the connections' client ids) before
/// it is compared.
pub type Norm = dyn Fn(&[&str], &V, &[i64]) -> V;

/// Runs `script` and returns one line per reply read. A word `{idN}` is replaced by the
/// client id of connection N; `norm` may rewrite each reply before it is shown.
pub fn run_sessions(addr: SocketAddr, script: &[Step], norm: &Norm) -> Vec<String> {
    let mut conns: Vec<Conn> = Vec::new();
    let mut ids: Vec<i64> = Vec::new();
    let mut out = Vec::new();
    for (i, words, n) in script {
        while conns.len() <= *i {
            let mut c = Conn::connect(addr).expect("connect");
            let id = match c.call(&[b"CLIENT".to_vec(), b"ID".to_vec()]) {
                Ok(V::Int(id)) => id,
                other => panic!("CLIENT ID: {other:?}"),
            };
            conns.push(c);
            ids.push(id);
        }
        if words == &["SLEEP"] {
            std::thread::sleep(std::time::Duration::from_millis(60));
            continue;
        }
        if words == &["CLOSE"] {
            // Replaced by a fresh connection on its next use (a new id, so `{idN}` of a
            // closed connection keeps naming the gone client).
            conns[*i] = Conn::connect(addr).expect("connect");
            continue;
        }
        if !words.is_empty() {
            let argv: Vec<Vec<u8>> = words
                .iter()
                .map(
                    |w| match w.strip_prefix("{id").and_then(|r| r.strip_suffix('}')) {
                        Some(n) => ids[n.parse::<usize>().expect("conn index")]
                            .to_string()
                            .into_bytes(),
                        None => w.as_bytes().to_vec(),
                    },
                )
                .collect();
            conns[*i]
                .send(&crate::differential::resp::encode(&argv))
                .expect("send");
        }
        for _ in 0..*n {
            let reply = match conns[*i].read() {
                Ok(v) => show(&norm(words, &v, &ids)),
                Err(e) => format!("(read failed: {e})"),
            };
            out.push(format!("[{i}] {} -> {reply}", words.join(" ")));
        }
    }
    out
}

/// Runs `script` on redis-server and on muxis; every line must match.
pub fn compare_sessions(name: &str, script: &[Step], norm: &Norm) {
    let Some(redis) = RedisProc::start() else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::start();
    let want = run_sessions(redis.addr, script, norm);
    let got = run_sessions(muxis.addr, script, norm);
    if std::env::var_os("MUXIS_DIFF_SHOW").is_some() {
        eprintln!("{name}:\n{}", want.join("\n"));
    }
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "{name}: muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn ssubscribe_spublish_sunsubscribe_resp2() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();
    sub.roundtrip(
        b"SUNSUBSCRIBE\r\n",
        b"*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n",
    );
    sub.roundtrip(
        b"SSUBSCRIBE a b\r\n",
        b"*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$1\r\nb\r\n:2\r\n",
    );
    // Channels and shard channels are counted apart.
    sub.roundtrip(
        b"SUBSCRIBE a\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n",
    );
    sub.roundtrip(
        b"SSUBSCRIBE a\r\n",
        b"*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:2\r\n",
    );
    publ.roundtrip(b"SPUBLISH a hi\r\n", b":1\r\n");
    sub.expect(b"*3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
    publ.roundtrip(b"PUBLISH a yo\r\n", b":1\r\n");
    sub.expect(b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nyo\r\n");
    publ.roundtrip(b"SPUBLISH nobody x\r\n", b":0\r\n");
    publ.roundtrip(b"PUBSUB SHARDCHANNELS\r\n", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    publ.roundtrip(b"PUBSUB SHARDCHANNELS b*\r\n", b"*1\r\n$1\r\nb\r\n");
    publ.roundtrip(
        b"PUBSUB SHARDNUMSUB a c\r\n",
        b"*4\r\n$1\r\na\r\n:1\r\n$1\r\nc\r\n:0\r\n",
    );
    sub.roundtrip(
        b"GET a\r\n",
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    sub.roundtrip(
        b"UNSUBSCRIBE\r\n",
        b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n",
    );
    // Still subscribed to shard channels: still in the pub/sub context.
    sub.roundtrip(b"PING\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    sub.roundtrip(
        b"SUNSUBSCRIBE\r\n",
        b"*3\r\n$12\r\nsunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$12\r\nsunsubscribe\r\n$1\r\nb\r\n:0\r\n",
    );
    sub.roundtrip(b"PING\r\n", b"+PONG\r\n");
    publ.roundtrip(b"PUBSUB SHARDCHANNELS\r\n", b"*0\r\n");
    publ.roundtrip(b"SPUBLISH a x\r\n", b":0\r\n");
}

#[test]
fn resp3_push_and_ssubscribe_refused_in_multi() {
    let s = TestServer::start();
    let mut sub = s.raw();
    sub.send(b"HELLO 3\r\n");
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend(sub.read_n(1));
    }
    sub.roundtrip(
        b"SSUBSCRIBE c\r\n",
        b">3\r\n$10\r\nssubscribe\r\n$1\r\nc\r\n:1\r\n",
    );
    sub.roundtrip(b"GET nothing\r\n", b"_\r\n");
    s.raw().roundtrip(b"SPUBLISH c m\r\n", b":1\r\n");
    sub.expect(b">3\r\n$8\r\nsmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
    let mut m = s.raw();
    m.roundtrip(
        b"MULTI\r\nSSUBSCRIBE q\r\nEXEC\r\n",
        b"+OK\r\n+QUEUED\r\n*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n",
    );
}

/// Shard subscribers on both I/O threads get every message, in publish order, and
/// disconnecting removes the subscription.
#[test]
fn smessages_reach_both_io_threads_in_order() {
    let s = TestServer::with(|c| c.io_threads = 3);
    let mut subs: Vec<Raw> = (0..2).map(|_| s.raw()).collect();
    for sub in &mut subs {
        sub.roundtrip(
            b"SSUBSCRIBE ch\r\n",
            b"*3\r\n$10\r\nssubscribe\r\n$2\r\nch\r\n:1\r\n",
        );
    }
    let mut con = s.client();
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut con)
        .expect("list");
    let mut threads: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("ssub=1") && l.contains("flags=P"))
        .flat_map(|l| l.split(' ').filter(|f| f.starts_with("io-thread=")))
        .collect();
    threads.sort_unstable();
    threads.dedup();
    assert_eq!(threads.len(), 2, "subscribers on both threads: {list}");
    let mut publ = s.raw();
    let n = 500;
    let mut pipeline = Vec::new();
    let mut want = Vec::new();
    for i in 0..n {
        let m = format!("m{i}");
        pipeline.extend(resp(&[b"SPUBLISH", b"ch", m.as_bytes()]));
        want.extend(
            format!(
                "*3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n${}\r\n{m}\r\n",
                m.len()
            )
            .bytes(),
        );
    }
    publ.send(&pipeline);
    for sub in &mut subs {
        assert!(sub.read_n(want.len()) == want, "messages out of order");
    }
    publ.expect(&b":2\r\n".repeat(n));
    drop(subs.pop());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let v: (String, i64) = redis::cmd("PUBSUB")
            .arg("SHARDNUMSUB")
            .arg("ch")
            .query(&mut con)
            .expect("numsub");
        if v.1 == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "closed subscriber kept: {v:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn differential_sharded_pubsub() {
    compare_sessions(
        "sharded pub/sub",
        &[
            (0, &["SUNSUBSCRIBE"], 1),
            (0, &["SSUBSCRIBE", "a", "b", "a"], 3),
            (0, &["PSUBSCRIBE", "*"], 1),
            (1, &["SUBSCRIBE", "a"], 1),
            (2, &["SPUBLISH", "a", "one"], 1),
            (0, &[], 1),
            (2, &["PUBLISH", "a", "two"], 1),
            (0, &[], 1),
            (1, &[], 1),
            (2, &["PUBSUB", "SHARDNUMSUB", "a", "b", "z"], 1),
            (2, &["PUBSUB", "SHARDCHANNELS", "a*"], 1),
            (2, &["PUBSUB", "SHARDCHANNELS", "a", "b"], 1),
            (2, &["PUBSUB", "NUMSUB", "a"], 1),
            (0, &["SET", "k", "v"], 1),
            (0, &["PING", "x"], 1),
            (0, &["SUNSUBSCRIBE", "b", "zz"], 2),
            (0, &["PUNSUBSCRIBE"], 1),
            (0, &["SUNSUBSCRIBE"], 1),
            (0, &["SET", "k", "v"], 1),
            (3, &["HELLO", "3"], 1),
            (3, &["SSUBSCRIBE", "r3"], 1),
            (3, &["GET", "k"], 1),
            (2, &["SPUBLISH", "r3", "p"], 1),
            (3, &[], 1),
            (3, &["SUNSUBSCRIBE", "r3", "r3"], 2),
            (2, &["MULTI"], 1),
            (2, &["SSUBSCRIBE", "m"], 1),
            (2, &["EXEC"], 1),
            (2, &["SPUBLISH", "a"], 1),
            (
                2,
                &[
                    "ACL",
                    "SETUSER",
                    "u",
                    "on",
                    "nopass",
                    "+@all",
                    "resetchannels",
                    "&ok*",
                ],
                1,
            ),
            (4, &["AUTH", "u", "x"], 1),
            (4, &["SPUBLISH", "no", "m"], 1),
            (4, &["SPUBLISH", "okay", "m"], 1),
            (4, &["SSUBSCRIBE", "okay", "no"], 1),
            (4, &["SSUBSCRIBE", "okay"], 1),
        ],
        &|_, v, ids| {
            // HELLO's map carries the client id.
            match v {
                V::Map(pairs) => V::Map(
                    pairs
                        .iter()
                        .map(|(k, v)| match (k.bytes(), v) {
                            (Some(b"id"), V::Int(i)) if ids.contains(i) => (k.clone(), V::Int(0)),
                            _ => (k.clone(), v.clone()),
                        })
                        .collect(),
                ),
                other => other.clone(),
            }
        },
    );
}
