//! AUTH and ACL against redis-server 7.0.15: the same scripts of commands, over several
//! connections, give the same replies (ACL LOG's clock and client details aside).
//!
//! Redis lists a user's single-command rules in its hash table's order, which changes
//! from one process to the next; the users here differ from their categories by at most
//! one command wherever their rules are shown, so the text is deterministic in both.

use super::redis_proc::RedisProc;
use super::resp::{Conn, V, show};
use crate::common::TestServer;
use std::net::SocketAddr;

/// One step: on connection `conn` (opened on first use), send `words`. `"RECONNECT"`
/// replaces the connection with a fresh one.
pub(super) type Step<'a> = (usize, &'a [&'a str]);

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Blanks what differs by nature: ACL LOG's age and client line, HELLO's client id.
fn normalize(v: &V) -> V {
    match v {
        V::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut blank_next = false;
            for item in items {
                out.push(if blank_next {
                    V::Simple(b"_".to_vec())
                } else {
                    normalize(item)
                });
                blank_next = matches!(item.bytes(), Some(b"age-seconds" | b"client-info" | b"id"));
            }
            V::Array(out)
        }
        V::Map(pairs) => V::Map(
            pairs
                .iter()
                .map(|(k, val)| match k.bytes() {
                    Some(b"age-seconds" | b"client-info" | b"id") => {
                        (k.clone(), V::Simple(b"_".to_vec()))
                    }
                    _ => (normalize(k), normalize(val)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn run(addr: SocketAddr, script: &[Step]) -> Vec<String> {
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut out = Vec::new();
    for (i, words) in script {
        while conns.len() <= *i {
            conns.push(None);
        }
        if words == &["RECONNECT"] {
            conns[*i] = None;
            continue;
        }
        let c = conns[*i].get_or_insert_with(|| Conn::connect(addr).expect("connect"));
        let reply = match c.call(&argv(words)) {
            Ok(v) => show(&normalize(&v)),
            Err(_) => "(closed)".to_string(),
        };
        out.push(format!("[{i}] {} -> {reply}", words.join(" ")));
    }
    out
}

pub(super) fn compare(name: &str, script: &[Step]) {
    compare_configured(name, &[], script);
}

/// [`compare`] with both servers started with the same `(parameter, value)` settings.
pub(super) fn compare_configured(name: &str, settings: &[(&str, &str)], script: &[Step]) {
    let extra: Vec<String> = settings
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.to_string()])
        .collect();
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let Some(redis) = RedisProc::start_with(&extra) else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::with(|c| {
        for (k, v) in settings {
            c.set(k, v).expect("valid setting");
        }
    });
    let want = run(redis.addr, script);
    let got = run(muxis.addr, script);
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "{name}: muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn differential_acl_rules_and_descriptions() {
    compare(
        "rules",
        &[
            (0, &["ACL", "LIST"]),
            (
                0,
                &[
                    "ACL", "SETUSER", "alice", "on", ">p1", "~k*", "%R~r*", "%W~w*", "&ch*", "+get",
                ],
            ),
            (0, &["ACL", "GETUSER", "alice"]),
            (0, &["ACL", "SETUSER", "bob"]),
            (0, &["ACL", "GETUSER", "bob"]),
            (0, &["ACL", "SETUSER", "carol", "reset"]),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "dave",
                    "on",
                    "nopass",
                    "+@all",
                    "-@dangerous",
                    "allkeys",
                ],
            ),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "erin",
                    "+@read",
                    "-get",
                    "(~s* +set)",
                    "(+@hash ~h*)",
                ],
            ),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "frank",
                    "+select|0",
                    "+@string",
                    "resetchannels",
                    "&x",
                ],
            ),
            (
                0,
                &["ACL", "SETUSER", "gina", "+@all", "-config", "+config|get"],
            ),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "hank",
                    "on",
                    "#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                ],
            ),
            (0, &["ACL", "LIST"]),
            (0, &["ACL", "USERS"]),
            (0, &["ACL", "GETUSER", "erin"]),
            (0, &["ACL", "GETUSER", "nobody"]),
            // Errors, and a failed SETUSER changes nothing.
            (0, &["ACL", "SETUSER", "alice", "off", "allkeys", "~x"]),
            (0, &["ACL", "SETUSER", "alice", "+nosuch"]),
            (0, &["ACL", "SETUSER", "alice", "+@nosuch"]),
            (0, &["ACL", "SETUSER", "alice", "bogus"]),
            (0, &["ACL", "SETUSER", "alice", "%X~a"]),
            (0, &["ACL", "SETUSER", "alice", "%~a"]),
            (0, &["ACL", "SETUSER", "t1", "%R", "%RW~", "%W~"]),
            (0, &["ACL", "LIST"]),
            (0, &["ACL", "SETUSER", "alice", "+config|get|x"]),
            (0, &["ACL", "SETUSER", "alice", "+select|"]),
            (0, &["ACL", "SETUSER", "alice", "<nope"]),
            (0, &["ACL", "SETUSER", "alice", "#abc"]),
            (0, &["ACL", "SETUSER", "alice", "(~a", "+get"]),
            (0, &["ACL", "SETUSER", "alice", "(on)"]),
            (0, &["ACL", "SETUSER", "alice", "allchannels", "&y"]),
            (0, &["ACL", "SETUSER", "a b"]),
            (0, &["ACL", "GETUSER", "alice"]),
            (
                0,
                &["ACL", "SETUSER", "alice", ">p2", "<p1", "clearselectors"],
            ),
            (0, &["ACL", "GETUSER", "alice"]),
            (0, &["ACL", "DELUSER", "default"]),
            (0, &["ACL", "DELUSER", "bob", "nobody", "carol"]),
            (0, &["ACL", "USERS"]),
            (0, &["ACL", "CAT"]),
            (0, &["ACL", "CAT", "nosuch"]),
            (0, &["ACL", "GENPASS", "0"]),
            (0, &["ACL", "GENPASS", "4097"]),
            (0, &["ACL", "WHOAMI"]),
            (0, &["ACL", "LOAD"]),
            (0, &["ACL", "SAVE"]),
            (0, &["ACL", "NOSUCH"]),
            (0, &["ACL"]),
        ],
    );
}

#[test]
fn differential_acl_permissions() {
    compare(
        "permissions",
        &[
            (
                0,
                &[
                    "ACL", "SETUSER", "al", "on", ">pw", "~k*", "%R~r*", "%W~w*", "&ch*", "+@all",
                    "-set",
                ],
            ),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "sel",
                    "on",
                    ">pw",
                    "+get",
                    "~a*",
                    "(+set ~b*)",
                ],
            ),
            (
                0,
                &[
                    "ACL",
                    "SETUSER",
                    "fa",
                    "on",
                    "nopass",
                    "+select|0",
                    "allkeys",
                ],
            ),
            (1, &["AUTH", "al", "pw"]),
            (1, &["ACL", "WHOAMI"]),
            (1, &["SET", "k1", "v"]),
            (1, &["GET", "k1"]),
            (1, &["GET", "x"]),
            (1, &["GET", "r1"]),
            (1, &["APPEND", "r1", "v"]),
            (1, &["APPEND", "w1", "v"]),
            (1, &["GET", "w1"]),
            (1, &["COPY", "r1", "w1"]),
            (1, &["MSET", "k1", "v", "x", "v"]),
            (1, &["EXISTS", "r1", "w1", "x"]),
            (1, &["PUBLISH", "ch1", "m"]),
            (1, &["PUBLISH", "zz", "m"]),
            (1, &["CLIENT", "GETNAME"]),
            (1, &["SORT", "k9"]),
            (1, &["SORT", "k9", "BY", "nosort"]),
            (1, &["SORT", "k9", "BY", "w_*"]),
            (1, &["SORT", "k9", "GET", "#"]),
            (1, &["SORT_RO", "k9", "GET", "#"]),
            (1, &["MULTI"]),
            (1, &["GET", "x"]),
            (1, &["GET", "k1"]),
            (1, &["EXEC"]),
            (1, &["PSUBSCRIBE", "ch*"]),
            (1, &["RECONNECT"]),
            (1, &["PSUBSCRIBE", "ch1*"]),
            (1, &["RECONNECT"]),
            (2, &["AUTH", "sel", "pw"]),
            (2, &["GET", "a1"]),
            (2, &["GET", "b1"]),
            (2, &["SET", "b1", "v"]),
            (2, &["SET", "a1", "v"]),
            (2, &["DEL", "a1"]),
            (3, &["AUTH", "fa", "anything"]),
            (3, &["SELECT", "0"]),
            (3, &["SELECT", "1"]),
            // The rules change between MULTI and EXEC.
            (1, &["AUTH", "al", "pw"]),
            (1, &["MULTI"]),
            (1, &["GET", "k1"]),
            (1, &["INCR", "k2"]),
            (0, &["ACL", "SETUSER", "al", "-get", "resetkeys", "~k2"]),
            (1, &["EXEC"]),
            (0, &["ACL", "DRYRUN", "al", "get", "x"]),
            (0, &["ACL", "DRYRUN", "al", "incr", "k2"]),
            (0, &["ACL", "DRYRUN", "al", "incr", "k3"]),
            (0, &["ACL", "DRYRUN", "al", "publish", "zz", "m"]),
            (0, &["ACL", "DRYRUN", "al", "nosuchcmd"]),
            (0, &["ACL", "DRYRUN", "nobody", "get", "x"]),
            (0, &["ACL", "DRYRUN", "al", "get"]),
            (0, &["ACL", "DRYRUN", "sel", "set", "b1", "v"]),
            (0, &["ACL", "DRYRUN", "sel", "set", "c1", "v"]),
            // Disabled users cannot log in; their open connections go on.
            (0, &["ACL", "SETUSER", "al", "off"]),
            (1, &["INCR", "k2"]),
            (4, &["AUTH", "al", "pw"]),
            (0, &["CLIENT", "KILL", "USER", "nobody"]),
            (0, &["CLIENT", "KILL", "USER", "sel"]),
            (2, &["PING"]),
            // Deleting a user closes its connections.
            (0, &["ACL", "DELUSER", "al"]),
            (1, &["PING"]),
        ],
    );
}

#[test]
fn differential_requirepass_auth_and_acl_log() {
    compare(
        "requirepass",
        &[
            (0, &["AUTH", "x"]),
            (0, &["AUTH", "default", "x"]),
            (0, &["CONFIG", "SET", "requirepass", "sec"]),
            (0, &["CONFIG", "GET", "requirepass"]),
            (0, &["PING"]),
            (1, &["PING"]),
            (1, &["HELLO", "3"]),
            (1, &["HELLO", "2", "AUTH", "default", "bad"]),
            (1, &["AUTH", "bad"]),
            (1, &["AUTH", "a", "b", "c"]),
            (1, &["ECHO", "x"]),
            (1, &["QUIT", "x"]),
            (2, &["AUTH", "sec"]),
            (2, &["ACL", "LIST"]),
            (2, &["ACL", "LOG"]),
            (2, &["ACL", "LOG", "1"]),
            (2, &["ACL", "LOG", "-1"]),
            (2, &["ACL", "LOG", "x"]),
            (2, &["RESET"]),
            (2, &["GET", "a"]),
            (3, &["HELLO", "2", "AUTH", "default", "sec"]),
            (3, &["ACL", "WHOAMI"]),
            (3, &["ACL", "LOG", "RESET"]),
            (3, &["ACL", "LOG"]),
            (3, &["CONFIG", "SET", "requirepass", ""]),
            (4, &["PING"]),
            (4, &["AUTH", "x"]),
        ],
    );
}

#[test]
fn differential_acl_inside_scripts() {
    compare(
        "scripts",
        &[
            (
                0,
                &[
                    "ACL", "SETUSER", "sc", "on", "nopass", "+eval", "+set", "~k*", "&c*",
                ],
            ),
            (1, &["AUTH", "sc", "x"]),
            (1, &["EVAL", "return redis.call('get','a')", "0"]),
            (1, &["EVAL", "return redis.call('set','a','b')", "0"]),
            (1, &["EVAL", "return redis.pcall('set','a','b')", "0"]),
            (1, &["EVAL", "return redis.call('set','k1','b')", "0"]),
            (1, &["EVAL", "return redis.acl_check_cmd('get','a')", "0"]),
            (
                1,
                &["EVAL", "return redis.acl_check_cmd('set','k1','b')", "0"],
            ),
            (
                1,
                &["EVAL", "return redis.acl_check_cmd('set','a','b')", "0"],
            ),
            (1, &["EVAL", "return redis.acl_check_cmd('nosuch')", "0"]),
            (0, &["ACL", "LOG", "2"]),
        ],
    );
}
