//! Keyspace notifications against redis-server 7.0.15: a subscriber (its own connection,
//! so on another I/O thread than the writer's in muxis) listens on `__key*__:*` while a
//! writer runs the same commands on both servers; the messages it receives, in order,
//! must be the same.

use crate::common::TestServer;
use crate::differential::redis_proc::RedisProc;
use crate::differential::resp::{Conn, show};
use std::net::SocketAddr;

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Sets `flags`, runs `script` on one connection while another listens, and returns what
/// the listener got (one line per message), after the replies of the CONFIG SET.
fn run(addr: SocketAddr, flags: &str, script: &[&[&str]]) -> Vec<String> {
    let mut sub = Conn::connect(addr).expect("connect");
    sub.call(&argv(&["PSUBSCRIBE", "__key*__:*"]))
        .expect("psubscribe");
    sub.call(&argv(&["SUBSCRIBE", "end"])).expect("subscribe");
    let mut w = Conn::connect(addr).expect("connect");
    let set = w.call(&argv(&["CONFIG", "SET", "notify-keyspace-events", flags]));
    let get = w.call(&argv(&["CONFIG", "GET", "notify-keyspace-events"]));
    let mut out = vec![
        show(&set.expect("config set")),
        show(&get.expect("config get")),
    ];
    for words in script {
        if words == &["SLEEP"] {
            std::thread::sleep(std::time::Duration::from_millis(30));
            continue;
        }
        // Long enough for active expiry (hz 10) to find a key nobody reads.
        if words == &["SLEEP-LONG"] {
            std::thread::sleep(std::time::Duration::from_millis(400));
            continue;
        }
        w.call(&argv(words)).expect("command");
    }
    w.call(&argv(&["PUBLISH", "end", "."])).expect("publish");
    w.call(&argv(&["CONFIG", "SET", "notify-keyspace-events", ""]))
        .expect("config set");
    loop {
        let m = sub.read().expect("message");
        let line = show(&m);
        if line.contains("\"end\"") {
            break;
        }
        out.push(line);
    }
    out
}

fn compare(flags: &str, script: &[&[&str]]) {
    let Some(redis) = RedisProc::start() else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::start();
    let want = run(redis.addr, flags, script);
    let got = run(muxis.addr, flags, script);
    assert!(want.len() > 2, "the script notified nothing: {want:?}");
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(
            g, w,
            "{flags}: message {i} differs: muxis (left), redis-server (right)"
        );
    }
    assert_eq!(
        got.len(),
        want.len(),
        "{flags}: muxis {got:#?}\nredis {want:#?}"
    );
}

const STRINGS_AND_GENERIC: &[&[&str]] = &[
    &["SET", "s", "1"],
    &["SET", "s", "2", "EX", "100"],
    &["SETNX", "s", "3"],
    &["SETEX", "s2", "100", "v"],
    &["MSET", "a", "1", "b", "2"],
    &["INCR", "a"],
    &["INCRBY", "a", "5"],
    &["DECR", "a"],
    &["DECRBY", "a", "2"],
    &["INCRBYFLOAT", "a", "1.5"],
    &["APPEND", "b", "x"],
    &["SETRANGE", "b", "3", "yy"],
    &["GETSET", "b", "z"],
    &["GETDEL", "b"],
    &["GETEX", "a", "EX", "50"],
    &["GETEX", "a", "PERSIST"],
    &["EXPIRE", "a", "100"],
    &["PEXPIRE", "a", "100000"],
    &["PERSIST", "a"],
    &["EXPIRE", "a", "-1"],
    &["RENAME", "s", "r"],
    &["COPY", "r", "c"],
    &["DEL", "r", "c", "missing"],
    &["SET", "t", "v", "PX", "1"],
    &["SLEEP"],
    &["GET", "t"],
    &["SETBIT", "bits", "3", "1"],
    &["PFADD", "hll", "a", "b"],
    &["PFCOUNT", "hll"],
    &["UNLINK", "bits", "hll", "s2"],
];

const CONTAINERS: &[&[&str]] = &[
    &["RPUSH", "l", "a", "b", "c"],
    &["LPUSH", "l", "z"],
    &["LINSERT", "l", "BEFORE", "a", "q"],
    &["LSET", "l", "0", "y"],
    &["LREM", "l", "1", "q"],
    &["LTRIM", "l", "0", "2"],
    &["LPOP", "l"],
    &["RPOPLPUSH", "l", "l2"],
    &["LMOVE", "l", "l2", "LEFT", "RIGHT"],
    &["LMPOP", "1", "l2", "RIGHT", "COUNT", "5"],
    &["SADD", "s", "a", "b", "c"],
    &["SREM", "s", "a"],
    &["SMOVE", "s", "s2", "b"],
    &["SINTERSTORE", "d", "s", "s2"],
    &["SUNIONSTORE", "d", "s", "s2"],
    &["SPOP", "s"],
    &["HSET", "h", "f", "1", "g", "2"],
    &["HSETNX", "h", "x", "1"],
    &["HINCRBY", "h", "f", "2"],
    &["HINCRBYFLOAT", "h", "f", "0.5"],
    &["HDEL", "h", "f", "g", "x"],
    &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
    &["ZADD", "z", "INCR", "5", "a"],
    &["ZINCRBY", "z", "1", "b"],
    &["ZREM", "z", "c"],
    &["ZPOPMIN", "z"],
    &["ZPOPMAX", "z"],
    &["ZUNIONSTORE", "zu", "1", "z"],
    &["ZRANGESTORE", "zr", "z", "0", "-1"],
    &["ZREMRANGEBYRANK", "z", "0", "-1"],
    &["XADD", "x", "1-1", "f", "v"],
    &["XADD", "x", "2-1", "f", "v"],
    &["XGROUP", "CREATE", "x", "g", "0"],
    &["XDEL", "x", "1-1"],
    &["XTRIM", "x", "MAXLEN", "0"],
];

const MORE: &[&[&str]] = &[
    &["MULTI"],
    &["SET", "m1", "a"],
    &["LPUSH", "m2", "a", "b"],
    &["EXEC"],
    &["LPUSHX", "m2", "c"],
    &["RPUSHX", "nope", "c"],
    &["SORT", "m2", "ALPHA", "STORE", "sorted"],
    &["SORT", "nope", "STORE", "sorted"],
    &["SET", "b1", "ab"],
    &["BITOP", "NOT", "b2", "b1"],
    &["BITFIELD", "b2", "SET", "u8", "0", "1"],
    &["SDIFFSTORE", "sd", "nope", "nope2"],
    &["SADD", "sa", "x"],
    &["SDIFFSTORE", "sd", "sa", "nope"],
    &["SDIFFSTORE", "sd", "nope", "sa"],
    &["ZADD", "za", "1", "a", "2", "b"],
    &["ZMPOP", "1", "za", "MAX"],
    &["ZMPOP", "1", "za", "MIN"],
    &["GEOADD", "geo", "13.361389", "38.115556", "Palermo"],
    &[
        "GEOSEARCHSTORE",
        "gs",
        "geo",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ],
    &["SET", "mv", "1"],
    &["MOVE", "mv", "1"],
    &["RENAME", "m1", "m2"],
    &["RENAMENX", "m2", "m3"],
    &["SET", "k", "v", "EX", "100"],
    &["SET", "k", "w", "KEEPTTL"],
    &["EXPIREAT", "k", "1"],
    &["XADD", "x", "MAXLEN", "1", "*", "f", "v"],
    &["XGROUP", "CREATE", "x", "g", "$", "MKSTREAM"],
    &["XGROUP", "CREATE", "newx", "g", "$", "MKSTREAM"],
    &["XGROUP", "CREATECONSUMER", "x", "g", "c1"],
    &["XGROUP", "SETID", "x", "g", "0"],
    &["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "x", ">"],
    &["XGROUP", "DELCONSUMER", "x", "g", "c1"],
    &["XGROUP", "DESTROY", "x", "g"],
    &["XSETID", "x", "9999999999999-0"],
    &["HSET", "hh", "a", "1"],
    &["HDEL", "hh", "nope"],
    &["FLUSHDB"],
];

#[test]
fn notify_transactions_stores_streams_match_redis() {
    compare("KEA", MORE);
    compare("KEAn", MORE);
}

#[test]
fn notify_strings_and_generic_match_redis() {
    compare("KEA", STRINGS_AND_GENERIC);
}

#[test]
fn notify_containers_match_redis() {
    compare("KEA", CONTAINERS);
}

#[test]
fn notify_new_keys_and_class_filters_match_redis() {
    compare("KEn$", STRINGS_AND_GENERIC);
    compare("Elgh", CONTAINERS);
    compare("Kzx", CONTAINERS);
    compare("Egx", STRINGS_AND_GENERIC);
}

#[test]
fn notify_active_expiry_and_blocked_pop_match_redis() {
    compare(
        "KEA",
        &[
            &["SET", "gone", "v", "PX", "20"],
            &["SLEEP-LONG"],
            &["RPUSH", "q", "a"],
            &["BLPOP", "q", "1"],
        ],
    );
}

#[test]
fn notify_config_parsing_matches_redis() {
    // Flags render in Redis's canonical order; a bad class is refused in its words.
    compare("xEKgA", &[&["SET", "k", "v"]]);
}

/// Reads of missing keys (class `m`, Redis's `lookupKeyRead` misses), each one, in
/// command order with the writes; and a key set twice by one MSET is announced twice.
const KEYMISS_AND_REPEATS: &[&[&str]] = &[
    &["GET", "nokey"],
    &["MGET", "a", "nokey", "nokey"],
    &["SET", "a", "1"],
    &["GET", "a"],
    &["EXISTS", "nokey", "a"],
    &["TYPE", "nokey"],
    &["TTL", "nokey"],
    &["HGET", "noh", "f"],
    &["LRANGE", "nol", "0", "-1"],
    &["SMEMBERS", "nos"],
    &["ZSCORE", "noz", "m"],
    &["XRANGE", "nox", "-", "+"],
    &["STRLEN", "nokey"],
    &["SUNIONSTORE", "dst", "nos1", "a2"],
    &["MSET", "k", "1", "k", "2", "j", "1"],
    &["MSETNX", "n", "1", "n", "2"],
    &["SET", "t", "v", "PX", "1"],
    &["SLEEP"],
    &["GET", "t"],
];

#[test]
fn notify_keymiss_and_repeated_keys_match_redis() {
    compare("KEA", KEYMISS_AND_REPEATS);
    compare("Km", KEYMISS_AND_REPEATS);
    compare("E$m", KEYMISS_AND_REPEATS);
}
