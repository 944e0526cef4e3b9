//! The command table against a live redis-server 7.0: COMMAND INFO and COMMAND DOCS for
//! every command and subcommand both have, field for field but the summary (ours are in
//! our own words, and must differ); COMMAND COUNT and LIST (with every filter) consistent
//! with them; COMMAND GETKEYS and GETKEYSANDFLAGS for representative invocations of every
//! key-taking command muxis implements, movable keys and subcommands included.
//!
//! Redis lists subcommands in its hash tables' order, so they are compared sorted by name.
//! muxis implements two CLIENT subcommands of Redis 7.2 ([`EXTRA_SUBS`]); they are
//! checked to be the only extras. ZRANK and ZREVRANK take 7.2's WITHSCORE, so their
//! entries are 7.2's ([`NEWER`]): only their summaries are compared.

use super::command_data::connect;
use super::redis_proc::RedisProc;
use super::resp::{Conn, V, show};
use crate::common::TestServer;
use muxis::cmd::TABLE;

/// Subcommands muxis has that redis-server 7.0 does not (they came in 7.2).
const EXTRA_SUBS: &[&str] = &["client|no-touch", "client|setinfo"];

/// Commands whose entries are a later Redis's, marked `newer` in the data file.
const NEWER: &[&str] = &["zrank", "zrevrank"];

fn call(c: &mut Conn, argv: &[&str]) -> V {
    let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.as_bytes().to_vec()).collect();
    c.call(&argv).expect("reply")
}

fn text(v: &V) -> String {
    String::from_utf8_lossy(v.bytes().unwrap_or(b"?")).into_owned()
}

/// Both servers, or None (and a loud skip) without redis-server.
fn servers() -> Option<(RedisProc, TestServer)> {
    let Some(redis) = RedisProc::start() else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return None;
    };
    Some((redis, TestServer::start()))
}

/// A COMMAND INFO entry with its subcommands sorted and limited to `keep`.
fn info_norm(v: &V, keep: &dyn Fn(&str) -> bool) -> V {
    let V::Array(items) = v else {
        return v.clone();
    };
    let mut items = items.clone();
    if let Some(subs) = items.get(9).and_then(V::items) {
        let mut subs: Vec<V> = subs
            .iter()
            .filter(|s| keep(&text(&s.items().expect("sub")[0])))
            .map(|s| info_norm(s, keep))
            .collect();
        subs.sort_by_key(|s| text(&s.items().expect("sub")[0]));
        // An empty list is a set, a non-empty one an array: compare the contents.
        items[9] = V::Array(subs);
    }
    V::Array(items)
}

/// A COMMAND DOCS map without its summaries, subcommands sorted and limited to `keep`;
/// the summaries are returned by full name.
fn docs_norm(
    name: &str,
    v: &V,
    keep: &dyn Fn(&str) -> bool,
    summaries: &mut Vec<(String, String)>,
) -> V {
    let V::Map(fields) = v else {
        panic!("{name}: docs must be a map, got {}", show(v))
    };
    let mut out = Vec::new();
    for (k, val) in fields {
        match text(k).as_str() {
            "summary" => summaries.push((name.to_string(), text(val))),
            "subcommands" => {
                let V::Map(subs) = val else {
                    panic!("{name}: subcommands must be a map")
                };
                let mut subs: Vec<(V, V)> = subs
                    .iter()
                    .filter(|(n, _)| keep(&text(n)))
                    .map(|(n, d)| (n.clone(), docs_norm(&text(n), d, keep, summaries)))
                    .collect();
                subs.sort_by_key(|(n, _)| text(n));
                out.push((k.clone(), V::Map(subs)));
            }
            _ => out.push((k.clone(), val.clone())),
        }
    }
    V::Map(out)
}

/// Every implemented name, subcommands included.
fn muxis_names() -> Vec<String> {
    TABLE
        .commands
        .iter()
        .flat_map(|c| {
            std::iter::once(c.name.to_string()).chain(
                c.subcommands
                    .iter()
                    .filter(|s| s.implemented())
                    .map(|s| s.name.to_string()),
            )
        })
        .collect()
}

#[test]
fn command_info_and_docs_match_redis() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let ours = muxis_names();
    let keep = |n: &str| ours.iter().any(|o| o == n) && !EXTRA_SUBS.contains(&n);
    for resp3 in [false, true] {
        let (mut r, mut m) = if resp3 {
            (connect(redis.addr), connect(muxis.addr))
        } else {
            (
                Conn::connect(redis.addr).expect("redis"),
                Conn::connect(muxis.addr).expect("muxis"),
            )
        };
        let mut failures = Vec::new();
        for c in &TABLE.commands {
            let one = |v: V| match v {
                V::Array(mut a) if a.len() == 1 => info_norm(&a.remove(0), &keep),
                other => panic!("{}: one entry expected, got {}", c.name, show(&other)),
            };
            let ri = one(call(&mut r, &["COMMAND", "INFO", c.name]));
            let mi = one(call(&mut m, &["COMMAND", "INFO", c.name]));
            if ri != mi && !NEWER.contains(&c.name) {
                failures.push(format!(
                    "COMMAND INFO {}\n  redis: {}\n  muxis: {}",
                    c.name,
                    show(&ri),
                    show(&mi)
                ));
            }
            let (mut rs, mut ms) = (Vec::new(), Vec::new());
            let doc = |v: V, sums: &mut Vec<(String, String)>| -> V {
                match v {
                    V::Map(mut kv) if kv.len() == 1 => {
                        let (_, d) = kv.remove(0);
                        docs_norm(c.name, &d, &keep, sums)
                    }
                    // RESP2: a flat array; compare it whole, summaries masked below.
                    other => other,
                }
            };
            let rd = doc(call(&mut r, &["COMMAND", "DOCS", c.name]), &mut rs);
            let md = doc(call(&mut m, &["COMMAND", "DOCS", c.name]), &mut ms);
            if resp3 {
                if rd != md && !NEWER.contains(&c.name) {
                    failures.push(format!(
                        "COMMAND DOCS {}\n  redis: {}\n  muxis: {}",
                        c.name,
                        show(&rd),
                        show(&md)
                    ));
                }
                rs.sort();
                ms.sort();
                assert_eq!(rs.len(), ms.len(), "{}: summaries", c.name);
                for ((rn, rt), (mn, mt)) in rs.iter().zip(&ms) {
                    assert_eq!(rn, mn);
                    assert!(!mt.is_empty(), "{mn}: no summary");
                    assert_ne!(rt, mt, "{mn}: the summary must be in our own words");
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        // The `newer` entries are exactly the listed ones, and really differ.
        for c in &TABLE.commands {
            let newer = c.arity != call_arity(&mut r, c.name);
            assert_eq!(newer, NEWER.contains(&c.name), "{}", c.name);
        }
        // The only subcommands Redis 7.0 does not know are the 7.2 ones listed.
        for name in &ours {
            if name.contains('|') && !EXTRA_SUBS.contains(&name.as_str()) {
                let v = call(&mut r, &["COMMAND", "INFO", name]);
                assert!(
                    matches!(&v, V::Array(a) if a.len() == 1 && a[0] != V::NullBulk && a[0] != V::Null),
                    "{name} unknown to redis-server: {}",
                    show(&v)
                );
            }
        }
    }
}

/// A command's arity as redis-server reports it.
fn call_arity(r: &mut Conn, name: &str) -> i32 {
    match call(r, &["COMMAND", "INFO", name]) {
        V::Array(a) => match a.first().and_then(V::items) {
            Some(info) => match info[1] {
                V::Int(n) => n as i32,
                _ => panic!("arity"),
            },
            None => panic!("{name} unknown to redis-server"),
        },
        other => panic!("{}", show(&other)),
    }
}

/// A reply's strings, sorted.
fn names(v: &V) -> Vec<String> {
    let mut n: Vec<String> = v.items().expect("a list").iter().map(text).collect();
    n.sort();
    n
}

#[test]
fn command_count_and_list_match_redis() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let (mut r, mut m) = (connect(redis.addr), connect(muxis.addr));
    let ours = muxis_names();
    let ours_only = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .filter(|n| ours.contains(n) && !EXTRA_SUBS.contains(&n.as_str()))
            .collect()
    };
    assert_eq!(
        call(&mut m, &["COMMAND", "COUNT"]),
        V::Int(TABLE.commands.len() as i64)
    );
    let all = names(&call(&mut m, &["COMMAND", "LIST"]));
    let mut expected = ours.clone();
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(
        call(&mut m, &["COMMAND"]).items().map(<[V]>::len),
        Some(TABLE.commands.len())
    );
    // Every category Redis knows, and a few patterns: the same names, among ours.
    let cats = call(&mut r, &["ACL", "CAT"]);
    let cats: Vec<String> = cats.items().expect("categories").iter().map(text).collect();
    assert!(cats.len() > 20);
    let mut filters: Vec<(String, String)> = cats
        .into_iter()
        .map(|c| ("ACLCAT".to_string(), c))
        .collect();
    for p in [
        "*", "x*", "*|*", "CLIENT|*", "z*store", "?et", "[gs]et*", "nosuch",
    ] {
        filters.push(("PATTERN".into(), p.into()));
    }
    filters.push(("MODULE".into(), "x".into()));
    for (kind, arg) in &filters {
        let q = ["COMMAND", "LIST", "FILTERBY", kind, arg];
        let theirs = ours_only(names(&call(&mut r, &q)));
        let mine: Vec<String> = names(&call(&mut m, &q))
            .into_iter()
            .filter(|n| !EXTRA_SUBS.contains(&n.as_str()))
            .collect();
        assert_eq!(mine, theirs, "COMMAND LIST FILTERBY {kind} {arg}");
    }
    for bad in [
        &["COMMAND", "LIST", "FILTERBY", "FOO", "x"][..],
        &["COMMAND", "LIST", "x"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN"],
        &["COMMAND", "COUNT", "x"],
        &["COMMAND", "INFO", "get", "nosuch", "CONFIG|GET", "get|x"],
        &["COMMAND", "DOCS", "nosuch", "config|nosuch"],
    ] {
        assert_eq!(call(&mut r, bad), call(&mut m, bad), "{bad:?}");
    }
}

/// Invocations beyond the generated ones: movable keys, options that change the flags,
/// malformed key counts, subcommands.
const INVOCATIONS: &[&[&str]] = &[
    &["SET", "k", "v", "GET"],
    &["SET", "k", "v", "EX", "10", "get"],
    &["SET", "k", "v", "GETX"],
    &["LMPOP", "2", "a", "b", "LEFT"],
    &["LMPOP", "2", "a", "b", "LEFT", "COUNT", "3"],
    &["LMPOP", "5", "a", "b", "LEFT"],
    &["LMPOP", "0", "a", "LEFT"],
    &["LMPOP", "-1", "a", "LEFT"],
    &["LMPOP", "1abc", "a", "LEFT"],
    &["LMPOP", " 1", "a", "LEFT"],
    &["BLMPOP", "0", "2", "a", "b", "RIGHT"],
    &["BLMPOP", "0", "3", "a", "b", "RIGHT"],
    &["ZMPOP", "2", "a", "b", "MIN"],
    &["BZMPOP", "1", "1", "a", "MAX", "COUNT", "2"],
    &["ZUNIONSTORE", "d", "2", "a", "b"],
    &["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
    &["ZUNIONSTORE", "d", "3", "a", "b"],
    &["ZINTERSTORE", "d", "1", "a"],
    &["ZDIFFSTORE", "d", "0", "a"],
    &["ZUNION", "2", "a", "b", "WITHSCORES"],
    &["ZINTER", "1", "a"],
    &["ZDIFF", "3", "a", "b", "c"],
    &["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
    &["ZINTERCARD", "x", "a"],
    &["SINTERCARD", "2", "a", "b"],
    &["SINTERCARD", "3", "a", "b"],
    &["ZRANGESTORE", "d", "s", "0", "-1"],
    &["XREAD", "STREAMS", "a", "b", "0", "0"],
    &["XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "a", "0"],
    &["XREAD", "STREAMS", "a", "b", "0"],
    &["XREAD", "COUNT", "1", "x", "STREAMS", "a", "0"],
    &["XREAD", "streams", "streams", "streams", "0", "0"],
    &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "0"],
    &[
        "XREADGROUP",
        "GROUP",
        "g",
        "c",
        "NOACK",
        "COUNT",
        "2",
        "STREAMS",
        "a",
        "b",
        ">",
        ">",
    ],
    &["XREADGROUP", "GROUP", "streams", "c", "STREAMS", "a", "0"],
    &["OBJECT", "ENCODING", "k"],
    &["OBJECT", "FREQ", "k"],
    &["OBJECT", "HELP"],
    &["OBJECT", "NOSUCH", "k"],
    &["XINFO", "STREAM", "k", "FULL", "COUNT", "1"],
    &["XINFO", "GROUPS", "k"],
    &["XINFO", "CONSUMERS", "k", "g"],
    &["XGROUP", "CREATE", "k", "g", "$", "MKSTREAM"],
    &["XGROUP", "SETID", "k", "g", "0"],
    &["XGROUP", "DESTROY", "k", "g"],
    &["XGROUP", "CREATECONSUMER", "k", "g", "c"],
    &["XGROUP", "DELCONSUMER", "k", "g", "c"],
    &["CONFIG", "GET", "x"],
    &["CONFIG"],
    &["MSET", "a", "1", "b"],
    &["BLPOP", "a", "b", "c", "0"],
    &["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"],
    &["LMOVE", "a", "b", "LEFT", "RIGHT"],
    &["RPOPLPUSH", "a", "b"],
    &["SMOVE", "a", "b", "m"],
    &["RENAME", "a", "b"],
    &["COPY", "a", "b", "DB", "1"],
    &["SDIFFSTORE", "d", "a", "b"],
    &["GETEX", "k", "PERSIST"],
    &["XADD", "k", "*", "f", "v"],
    &["EXPIRE", "k", "10", "NX"],
    // Redis 7.0's arity for these (muxis also takes 7.2's WITHSCORE).
    &["ZRANK", "z", "m"],
    &["ZREVRANK", "z", "m"],
];

/// One invocation per key-taking command, from its arity: the name, then `k1`, `k2`...
/// (two more than the minimum for a variadic one, so that ranges and steps show).
fn generated() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut add = |spec: &muxis::engine::table::Spec, prefix: &[&str]| {
        if !spec.has_keys() {
            return;
        }
        let argc = if spec.arity < 0 {
            (-spec.arity) as usize + 2
        } else {
            spec.arity as usize
        };
        let mut argv: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        while argv.len() < argc {
            argv.push(format!("k{}", argv.len()));
        }
        out.push(argv);
    };
    for c in TABLE.commands.iter().filter(|c| !NEWER.contains(&c.name)) {
        add(c.spec, &[c.name]);
        for s in c.subcommands.iter().filter(|s| s.implemented()) {
            let (parent, sub) = s.name.split_once('|').expect("a|b");
            add(s, &[parent, sub]);
        }
    }
    out
}

#[test]
fn command_getkeys_matches_redis() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let (mut r, mut m) = (connect(redis.addr), connect(muxis.addr));
    let mut all: Vec<Vec<String>> = generated();
    all.extend(
        INVOCATIONS
            .iter()
            .map(|i| i.iter().map(|s| s.to_string()).collect()),
    );
    // Every key-taking command is exercised.
    for c in &TABLE.commands {
        if c.has_keys() {
            assert!(
                all.iter().any(|a| a[0].eq_ignore_ascii_case(c.name)),
                "{} untested",
                c.name
            );
        }
    }
    let mut failures = Vec::new();
    for argv in &all {
        for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
            let mut q = vec!["COMMAND", sub];
            q.extend(argv.iter().map(String::as_str));
            let (theirs, mine) = (call(&mut r, &q), call(&mut m, &q));
            if theirs != mine {
                failures.push(format!(
                    "{}\n  redis: {}\n  muxis: {}",
                    q.join(" "),
                    show(&theirs),
                    show(&mine)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
