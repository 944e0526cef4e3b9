//! Client-side caching (CLIENT TRACKING): option errors, TRACKINGINFO, invalidation in
//! default mode, BCAST, OPTIN/OPTOUT, NOLOOP, REDIRECT to RESP3 clients and RESP2
//! subscribers, flushes, expiry, the table's key limit, with tracking clients, writers and
//! redirect targets on different I/O threads. Most scripts also run against
//! redis-server 7.0.15 (`compare_sessions`), reply for reply.

use crate::common::*;
use crate::differential::resp::V;
use crate::shard_pubsub::compare_sessions;

/// Client ids differ between the servers: the ones a reply names are shown as `idN`
/// (TRACKINGINFO's redirect, GETREDIR, `tracking-redir-broken`, HELLO's id).
fn ids_named(words: &[&str], v: &V, ids: &[i64]) -> V {
    let name = |i: &i64| match ids.iter().position(|x| x == i) {
        Some(n) => V::Simple(format!("id{n}").into_bytes()),
        None => V::Int(*i),
    };
    let is_redirect = |k: &V| matches!(k.bytes(), Some(b"redirect" | b"id"));
    match v {
        V::Int(i) if words.len() == 2 && words[1].eq_ignore_ascii_case("getredir") => name(i),
        V::Map(pairs) => V::Map(
            pairs
                .iter()
                .map(|(k, val)| match val {
                    V::Int(i) if is_redirect(k) => (k.clone(), name(i)),
                    _ => (k.clone(), val.clone()),
                })
                .collect(),
        ),
        V::Push(items) | V::Array(items)
            if items.first().and_then(|f| f.bytes()) == Some(b"tracking-redir-broken") =>
        {
            let mut items = items.clone();
            if let Some(V::Int(i)) = items.get(1) {
                items[1] = name(i);
            }
            V::Push(items)
        }
        V::Array(items) => {
            // RESP2 TRACKINGINFO: a flat array.
            let mut out = items.clone();
            for j in 1..out.len() {
                if is_redirect(&items[j - 1])
                    && let V::Int(i) = &items[j]
                {
                    out[j] = name(i);
                }
            }
            V::Array(out)
        }
        other => other.clone(),
    }
}

#[test]
fn differential_tracking_options_and_info() {
    compare_sessions(
        "tracking options",
        &[
            (1, &["PING"], 1),
            (0, &["CLIENT", "TRACKINGINFO"], 1),
            (0, &["CLIENT", "GETREDIR"], 1),
            (0, &["CLIENT", "CACHING", "YES"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "PREFIX", "a"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "REDIRECT"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "REDIRECT", "x"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "REDIRECT", "0"], 1),
            (
                0,
                &[
                    "CLIENT", "TRACKING", "ON", "REDIRECT", "{id1}", "REDIRECT", "{id1}",
                ],
                1,
            ),
            (0, &["CLIENT", "TRACKING", "ON", "FOO"], 1),
            (0, &["CLIENT", "TRACKING", "MAYBE"], 1),
            (
                0,
                &[
                    "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a",
                ],
                1,
            ),
            (
                0,
                &[
                    "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b", "PREFIX", "a", "NOLOOP",
                ],
                1,
            ),
            (0, &["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "bb"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTIN"], 1),
            (0, &["CLIENT", "TRACKINGINFO"], 1),
            (0, &["CLIENT", "GETREDIR"], 1),
            (0, &["CLIENT", "TRACKING", "OFF"], 1),
            (
                0,
                &["CLIENT", "TRACKING", "ON", "OPTIN", "REDIRECT", "{id1}"],
                1,
            ),
            (0, &["CLIENT", "CACHING", "NO"], 1),
            (0, &["CLIENT", "CACHING", "MAYBE"], 1),
            (0, &["CLIENT", "CACHING", "YES"], 1),
            (0, &["CLIENT", "TRACKINGINFO"], 1),
            (0, &["CLIENT", "GETREDIR"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTOUT"], 1),
            (0, &["CLIENT", "TRACKING", "OFF"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTOUT", "NOLOOP"], 1),
            (0, &["CLIENT", "CACHING", "NO"], 1),
            (0, &["HELLO", "3"], 1),
            (0, &["CLIENT", "TRACKINGINFO"], 1),
            (0, &["CLIENT", "CACHING", "YES"], 1),
            (0, &["RESET"], 1),
            (0, &["CLIENT", "TRACKINGINFO"], 1),
        ],
        &ids_named,
    );
}

#[test]
fn differential_tracking_default_mode_resp3() {
    compare_sessions(
        "default mode",
        &[
            (0, &["HELLO", "3"], 1),
            (0, &["CLIENT", "TRACKING", "ON"], 1),
            (1, &["SET", "a", "1"], 1),
            (0, &["GET", "a"], 1),
            (0, &["MGET", "b", "c"], 1),
            (0, &["HGET", "h", "f"], 1),
            // Written by another client: one invalidation each, then forgotten.
            (1, &["SET", "a", "2"], 1),
            (0, &[], 1),
            (1, &["SET", "a", "3"], 1),
            (1, &["MSET", "b", "1", "c", "1", "b", "2"], 1),
            (0, &[], 2),
            (1, &["HSET", "h", "f", "v"], 1),
            (0, &[], 1),
            // The client's own write: the invalidation follows its reply.
            (0, &["GET", "a"], 1),
            (0, &["SET", "a", "4"], 2),
            (0, &["GET", "a"], 1),
            (0, &["MULTI"], 1),
            (0, &["INCR", "a"], 1),
            (0, &["GET", "a"], 1),
            (0, &["EXEC"], 2),
            // A write command does not track its keys; an error reply still does.
            (0, &["INCR", "n"], 1),
            (1, &["SET", "n", "x"], 1),
            (0, &["LLEN", "n"], 1),
            (1, &["DEL", "n"], 1),
            (0, &[], 1),
            // Expiry invalidates.
            (0, &["GET", "e"], 1),
            (1, &["SET", "e", "v", "PX", "20"], 1),
            (0, &[], 1),
            (0, &["GET", "e"], 1),
            (1, &["SLEEP"], 0),
            (1, &["GET", "e"], 1),
            (0, &[], 1),
            // Flushes: a null invalidation.
            (0, &["GET", "f"], 1),
            (1, &["FLUSHDB"], 1),
            (0, &[], 1),
            (1, &["SET", "f", "1"], 1),
            (1, &["FLUSHALL"], 1),
            (0, &[], 1),
            (0, &["CLIENT", "TRACKING", "OFF"], 1),
            (0, &["GET", "g"], 1),
            (1, &["SET", "g", "1"], 1),
            (0, &["PING"], 1),
        ],
        &ids_named,
    );
}

#[test]
fn differential_tracking_optin_optout_noloop() {
    compare_sessions(
        "optin/optout/noloop",
        &[
            (0, &["HELLO", "3"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTIN"], 1),
            (0, &["GET", "x"], 1),
            (0, &["CLIENT", "CACHING", "YES"], 1),
            (0, &["GET", "y"], 1),
            (0, &["GET", "z"], 1),
            (1, &["MSET", "x", "1", "y", "1", "z", "1"], 1),
            (0, &["CLIENT", "CACHING", "YES"], 1),
            (0, &["CLIENT", "GETREDIR"], 1),
            (0, &["MULTI"], 1),
            (0, &["GET", "x"], 1),
            (0, &["GET", "z"], 1),
            (0, &["EXEC"], 1),
            (0, &[], 1),
            (1, &["MSET", "x", "2", "z", "2"], 1),
            (0, &[], 2),
            (0, &["CLIENT", "TRACKING", "OFF"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTOUT", "NOLOOP"], 1),
            (0, &["GET", "x"], 1),
            (0, &["CLIENT", "CACHING", "NO"], 1),
            (0, &["GET", "y"], 1),
            (0, &["GET", "w"], 1),
            (0, &["SET", "w", "1"], 1),
            (1, &["MSET", "x", "3", "y", "3", "w", "3"], 1),
            (0, &[], 1),
            (0, &["PING"], 1),
        ],
        &ids_named,
    );
}

#[test]
fn differential_tracking_bcast_and_redirect() {
    compare_sessions(
        "bcast and redirect",
        &[
            // 0: RESP2 subscriber receiving the invalidations of 1 (RESP2, REDIRECT).
            (0, &["SUBSCRIBE", "__redis__:invalidate"], 1),
            (1, &["CLIENT", "TRACKING", "ON", "REDIRECT", "{id0}"], 1),
            (1, &["CLIENT", "TRACKINGINFO"], 1),
            (1, &["CLIENT", "GETREDIR"], 1),
            (1, &["GET", "k"], 1),
            (2, &["SET", "k", "1"], 1),
            (0, &[], 1),
            (2, &["FLUSHALL"], 1),
            (0, &[], 1),
            // 3: RESP3 BCAST on prefixes a and b, NOLOOP.
            (3, &["HELLO", "3"], 1),
            (
                3,
                &[
                    "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "NOLOOP",
                ],
                1,
            ),
            (3, &["CLIENT", "TRACKINGINFO"], 1),
            (2, &["MSET", "b2", "1", "a2", "1", "a1", "2", "c", "1"], 1),
            (3, &[], 2),
            (3, &["SET", "a9", "1"], 1),
            (2, &["SET", "bz", "1"], 1),
            (3, &[], 1),
            // 4: BCAST without prefixes, redirected to RESP3 client 5.
            (5, &["HELLO", "3"], 1),
            (
                4,
                &["CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", "{id5}"],
                1,
            ),
            (2, &["SET", "c", "2"], 1),
            (5, &[], 1),
            (4, &["CLIENT", "TRACKING", "OFF"], 1),
            (3, &["CLIENT", "TRACKING", "OFF"], 1),
            // The redirect target goes away: a RESP3 tracking client is told.
            (6, &["HELLO", "3"], 1),
            (7, &["PING"], 1),
            (6, &["CLIENT", "TRACKING", "ON", "REDIRECT", "{id7}"], 1),
            (6, &["GET", "r"], 1),
            (7, &["CLOSE"], 0),
            (7, &["SLEEP"], 0),
            (2, &["SET", "r", "1"], 1),
            (6, &[], 1),
            (6, &["CLIENT", "TRACKINGINFO"], 1),
            (6, &["CLIENT", "GETREDIR"], 1),
        ],
        &ids_named,
    );
}

/// Tracking client, writer and redirect target on both I/O threads: every invalidation
/// arrives once, in order, whatever thread wrote.
#[test]
fn invalidations_cross_io_threads() {
    let s = TestServer::with(|c| c.io_threads = 3);
    let mut sub = s.raw();
    sub.roundtrip(b"CLIENT ID\r\n", b":1\r\n");
    sub.roundtrip(
        b"SUBSCRIBE __redis__:invalidate\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
    );
    let mut tracker = s.raw();
    tracker.roundtrip(b"CLIENT TRACKING ON REDIRECT 1\r\n", b"+OK\r\n");
    let mut r3 = s.raw();
    r3.send(b"HELLO 3\r\n");
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend(r3.read_n(1));
    }
    r3.roundtrip(b"CLIENT TRACKING ON\r\n", b"+OK\r\n");
    let mut writer = s.raw();
    let n = 200;
    for round in 0..3 {
        let mut reads = Vec::new();
        for i in 0..n {
            reads.extend(resp(&[b"GET", format!("k{i}").as_bytes()]));
        }
        tracker.send(&reads);
        r3.send(&reads);
        let nil = if round == 0 {
            b"$-1\r\n".to_vec()
        } else {
            b"$1\r\nv\r\n".to_vec()
        };
        tracker.expect(&nil.repeat(n));
        let nil3 = if round == 0 {
            b"_\r\n".to_vec()
        } else {
            b"$1\r\nv\r\n".to_vec()
        };
        r3.expect(&nil3.repeat(n));
        let mut writes = Vec::new();
        for i in 0..n {
            writes.extend(resp(&[b"SET", format!("k{i}").as_bytes(), b"v"]));
        }
        writer.send(&writes);
        writer.expect(&b"+OK\r\n".repeat(n));
        for i in 0..n {
            let k = format!("k{i}");
            sub.expect(
                format!(
                    "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n${}\r\n{k}\r\n",
                    k.len()
                )
                .as_bytes(),
            );
            r3.expect(
                format!(">2\r\n$10\r\ninvalidate\r\n*1\r\n${}\r\n{k}\r\n", k.len()).as_bytes(),
            );
        }
    }
    let mut admin = s.client();
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut admin)
        .expect("list");
    assert!(
        list.contains("flags=t redir=") || list.contains(" redir=1 "),
        "{list}"
    );
    let mut threads: Vec<&str> = list
        .lines()
        .flat_map(|l| l.split(' ').filter(|f| f.starts_with("io-thread=")))
        .collect();
    threads.sort_unstable();
    threads.dedup();
    assert_eq!(threads.len(), 2, "clients on both threads: {list}");
}

#[test]
fn table_limit_evicts_with_invalidations_and_info_counts() {
    let s = TestServer::start();
    let mut admin = s.client();
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("tracking-table-max-keys")
        .arg("10")
        .query(&mut admin)
        .expect("config set");
    let mut r3 = s.raw();
    r3.send(b"HELLO 3\r\n");
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend(r3.read_n(1));
    }
    r3.roundtrip(b"CLIENT TRACKING ON\r\n", b"+OK\r\n");
    let mut reads = Vec::new();
    for i in 0..15 {
        reads.extend(resp(&[b"GET", format!("k{i}").as_bytes()]));
    }
    reads.extend(b"PING\r\n");
    r3.send(&reads);
    // 15 nulls, 5 evictions (each an invalidation), PONG, in some interleaving.
    let mut text = Vec::new();
    while !text.ends_with(b"+PONG\r\n") {
        text.extend(r3.read_n(1));
    }
    let text = String::from_utf8_lossy(&text);
    assert_eq!(text.matches("invalidate").count(), 5, "{text}");
    let info: String = redis::cmd("INFO").query(&mut admin).expect("info");
    assert!(info.contains("tracking_total_keys:10\r\n"), "{info}");
    assert!(info.contains("tracking_total_items:10\r\n"), "{info}");
    assert!(info.contains("tracking_clients:1\r\n"), "{info}");
    drop(r3);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let info: String = redis::cmd("INFO").query(&mut admin).expect("info");
        if info.contains("tracking_clients:0\r\n") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{info}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// What a script reads is not remembered (Redis 7.0 tracks the script's own client); a
/// refused command ends CLIENT CACHING's window as any other command does.
#[test]
fn differential_tracking_scripts_and_refused_commands() {
    compare_sessions(
        "scripts and refused commands",
        &[
            (0, &["HELLO", "3"], 1),
            (0, &["CLIENT", "TRACKING", "ON"], 1),
            (0, &["EVAL", "return redis.call('get','s1')", "0"], 1),
            (0, &["EVAL_RO", "return redis.call('get','s2')", "0"], 1),
            (0, &["SORT_RO", "l"], 1),
            (0, &["OBJECT", "ENCODING", "o"], 1),
            (1, &["MSET", "s1", "1", "s2", "1", "l", "1", "o", "1"], 1),
            (0, &[], 2),
            (0, &["CLIENT", "TRACKING", "OFF"], 1),
            (0, &["CLIENT", "TRACKING", "ON", "OPTOUT"], 1),
            (0, &["CLIENT", "CACHING", "NO"], 1),
            (0, &["NOSUCHCMD"], 1),
            (0, &["GET", "q1"], 1),
            (0, &["CLIENT", "CACHING", "NO"], 1),
            (0, &["GET"], 1),
            (0, &["GET", "q2"], 1),
            (1, &["MSET", "q1", "1", "q2", "2"], 1),
            (0, &[], 2),
        ],
        &ids_named,
    );
}
