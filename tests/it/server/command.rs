//! COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS / HELP.

use crate::common::*;
use redis::Value;

fn cmd(args: &[&str]) -> Vec<u8> {
    let bytes: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    resp(&bytes)
}

fn array(v: redis::RedisResult<Value>) -> Vec<Value> {
    match v {
        Ok(Value::Array(items)) => items,
        other => panic!("array expected, got {other:?}"),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        other => panic!("string expected, got {other:?}"),
    }
}

fn strings(v: redis::RedisResult<Value>) -> Vec<String> {
    array(v).iter().map(text).collect()
}

#[test]
fn command_count_matches_the_listings() {
    let s = TestServer::start();
    let mut con = s.client();
    let Ok(Value::Int(count)) = run(&mut con, &["COMMAND", "COUNT"]) else {
        panic!("an integer")
    };
    assert_eq!(count as usize, muxis::cmd::TABLE.commands.len());
    assert_eq!(array(run(&mut con, &["COMMAND"])).len(), count as usize);
    assert_eq!(
        array(run(&mut con, &["COMMAND", "INFO"])).len(),
        count as usize
    );
    let list = strings(run(&mut con, &["COMMAND", "LIST"]));
    assert_eq!(
        list.iter().filter(|n| !n.contains('|')).count(),
        count as usize
    );
    for name in [
        "command",
        "command|docs",
        "config",
        "config|get",
        "info",
        "dbsize",
        "shutdown",
        "time",
    ] {
        assert!(list.iter().any(|n| n == name), "{name} not listed");
    }
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["COMMAND", "COUNT", "x"]),
        b"-ERR wrong number of arguments for 'command|count' command\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "FOO"]),
        b"-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n",
    );
    c.send(&cmd(&["COMMAND", "HELP"]));
    c.expect(b"*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n");
}

#[test]
fn command_info_in_redis_format() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["COMMAND", "INFO", "DBSIZE", "nosuch", "config|GET"]),
        b"*3\r\n\
          *10\r\n$6\r\ndbsize\r\n:1\r\n*2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n\
          *3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n\
          *2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_sum\r\n*0\r\n*0\r\n\
          $-1\r\n\
          *10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n\
          :0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n",
    );
    let mut con = s.client();
    let config = array(run(&mut con, &["COMMAND", "INFO", "config"]));
    let Value::Array(info) = &config[0] else {
        panic!("an array")
    };
    assert_eq!(
        (text(&info[0]), &info[1]),
        ("config".to_string(), &Value::Int(-2))
    );
    let Value::Array(subs) = &info[9] else {
        panic!("subcommands array")
    };
    let mut names: Vec<String> = subs
        .iter()
        .map(|s| match s {
            Value::Array(e) => text(&e[0]),
            other => panic!("{other:?}"),
        })
        .collect();
    names.sort(); // Redis answers in its hash table's order
    assert_eq!(
        names,
        [
            "config|get",
            "config|help",
            "config|resetstat",
            "config|rewrite",
            "config|set"
        ]
    );
}

#[test]
fn command_info_key_specs() {
    let s = TestServer::start();
    let mut con = s.client();
    let mset = array(run(&mut con, &["COMMAND", "INFO", "mset"]));
    let Value::Array(info) = &mset[0] else {
        panic!("an array")
    };
    assert_eq!(&info[3..6], [Value::Int(1), Value::Int(-1), Value::Int(2)]);
    let Value::Array(specs) = &info[8] else {
        panic!("key specs")
    };
    let Value::Array(spec) = &specs[0] else {
        panic!("a key spec")
    };
    let find_keys = spec
        .iter()
        .position(|v| *v == Value::BulkString(b"find_keys".to_vec()))
        .expect("find_keys");
    let Value::Array(fk) = &spec[find_keys + 1] else {
        panic!("find_keys map")
    };
    assert_eq!(text(&fk[1]), "range");
    assert_eq!(
        fk[3],
        Value::Array(vec![
            Value::BulkString(b"lastkey".to_vec()),
            Value::Int(-1),
            Value::BulkString(b"keystep".to_vec()),
            Value::Int(2),
            Value::BulkString(b"limit".to_vec()),
            Value::Int(0),
        ])
    );
}

/// Redis 7.0.15's reply bytes with its summary replaced by ours: every other field is the
/// same.
fn with_summary(redis: &[u8], theirs: &str, ours: &str) -> Vec<u8> {
    let from = format!("${}\r\n{theirs}\r\n", theirs.len());
    let to = format!("${}\r\n{ours}\r\n", ours.len());
    let text = String::from_utf8(redis.to_vec()).expect("ASCII");
    assert!(text.contains(&from));
    text.replacen(&from, &to, 1).into_bytes()
}

#[test]
fn command_docs_exact_reply() {
    let s = TestServer::start();
    let mut c = s.raw();
    let summary = |name: &str| {
        let spec = muxis::cmd::TABLE.find(name.as_bytes()).expect(name);
        spec.doc.summary
    };
    c.roundtrip(
        &cmd(&["COMMAND", "DOCS", "flushdb", "nosuch"]),
        &with_summary(
            b"*2\r\n$7\r\nflushdb\r\n*12\r\n$7\r\nsummary\r\n$41\r\nRemove all keys from the current database\r\n\
              $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n\
              $10\r\ncomplexity\r\n$59\r\nO(N) where N is the number of keys in the selected database\r\n\
              $7\r\nhistory\r\n*2\r\n*2\r\n$5\r\n4.0.0\r\n$41\r\nAdded the `ASYNC` flushing mode modifier.\r\n\
              *2\r\n$5\r\n6.2.0\r\n$40\r\nAdded the `SYNC` flushing mode modifier.\r\n\
              $9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\ntype\r\n$5\r\noneof\r\n\
              $5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n\
              *8\r\n$4\r\nname\r\n$5\r\nasync\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nASYNC\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n\
              *8\r\n$4\r\nname\r\n$4\r\nsync\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nSYNC\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n",
            "Remove all keys from the current database",
            summary("flushdb"),
        ),
    );
    c.roundtrip(&cmd(&["COMMAND", "DOCS", "nosuch"]), b"*0\r\n");
    c.roundtrip(
        &cmd(&["COMMAND", "DOCS", "time"]),
        &with_summary(
            b"*2\r\n$4\r\ntime\r\n*8\r\n$7\r\nsummary\r\n$30\r\nReturn the current server time\r\n\
              $5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n",
            "Return the current server time",
            summary("time"),
        ),
    );
}

/// Checks one argument spec the way redis-cli 7's `cliAddArgument` reads it (it asserts on
/// types and dereferences `name`, `type` and nested `arguments`); returns the hint text.
fn cli_arg(v: &Value) -> String {
    let Value::Array(m) = v else {
        panic!("argument spec must be a map: {v:?}")
    };
    assert!(m.len() % 2 == 0);
    let (mut name, mut kind, mut token, mut nested) = (None, None, String::new(), None);
    let (mut optional, mut multiple, mut multiple_token) = (false, false, false);
    for kv in m.chunks(2) {
        let Value::BulkString(key) = &kv[0] else {
            panic!("key must be a string")
        };
        match &key[..] {
            b"name" => name = Some(text(&kv[1])),
            b"type" => kind = Some(text(&kv[1])),
            b"token" => token = text(&kv[1]),
            b"arguments" => nested = Some(&kv[1]),
            b"flags" => {
                let Value::Array(flags) = &kv[1] else {
                    panic!("flags must be an array")
                };
                for f in flags {
                    let Value::SimpleString(f) = f else {
                        panic!("flags must be status strings: {f:?}")
                    };
                    optional |= f == "optional";
                    multiple |= f == "multiple";
                    multiple_token |= f == "multiple_token";
                }
            }
            _ => {}
        }
    }
    let name = name.expect("every argument has a name");
    let kind = kind.expect("every argument has a type");
    let repeat = match kind.as_str() {
        "key" | "string" | "integer" | "double" | "pattern" | "unix-time" => name,
        "pure-token" => String::new(),
        "oneof" | "block" => {
            let Some(Value::Array(args)) = nested else {
                panic!("{kind} needs arguments")
            };
            let parts: Vec<String> = args.iter().map(cli_arg).collect();
            parts.join(if kind == "oneof" { "|" } else { " " })
        }
        other => panic!("unknown argument type {other}"),
    };
    if !token.is_empty() && kind != "pure-token" {
        token.push(' ');
    }
    let mut hint = format!("{}{token}{repeat}", if optional { "[" } else { "" });
    if multiple {
        hint += &format!(
            " [{}{repeat} ...]",
            if multiple_token { token.as_str() } else { "" }
        );
    }
    if optional {
        hint.push(']');
    }
    hint
}

/// Checks one command's docs map; collects `(name, hint)` for it and its subcommands.
fn cli_doc(name: &str, v: &Value, hints: &mut Vec<(String, String)>) {
    let Value::Array(m) = v else {
        panic!("{name}: docs must be a map")
    };
    let mut hint = String::new();
    for kv in m.chunks(2) {
        match text(&kv[0]).as_str() {
            "summary" | "since" | "group" => {
                assert!(matches!(kv[1], Value::BulkString(_)), "{name}")
            }
            "arguments" => {
                let Value::Array(args) = &kv[1] else {
                    panic!("{name}: arguments must be an array")
                };
                hint = args.iter().map(cli_arg).collect::<Vec<_>>().join(" ");
            }
            "subcommands" => {
                let Value::Array(subs) = &kv[1] else {
                    panic!("{name}: subcommands must be a map")
                };
                for sub in subs.chunks(2) {
                    let sub_name = text(&sub[0]);
                    assert!(sub_name.starts_with(&format!("{name}|")), "{sub_name}");
                    cli_doc(&sub_name, &sub[1], hints);
                }
            }
            _ => {}
        }
    }
    hints.push((name.to_string(), hint));
}

#[test]
fn command_docs_satisfy_redis_cli() {
    let s = TestServer::start();
    let mut con = s.client();
    let docs = array(run(&mut con, &["COMMAND", "DOCS"]));
    let count = muxis::cmd::TABLE.commands.len();
    assert_eq!(docs.len(), 2 * count);
    let mut hints = Vec::new();
    for pair in docs.chunks(2) {
        cli_doc(&text(&pair[0]), &pair[1], &mut hints);
    }
    let hint = |n: &str| {
        hints
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, h)| h.as_str())
    };
    assert_eq!(hint("info"), Some("[section [section ...]]"));
    assert_eq!(
        hint("config|set"),
        Some("parameter value [parameter value ...]")
    );
    assert_eq!(
        hint("shutdown"),
        Some("[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]")
    );
    assert_eq!(
        hint("command|list"),
        Some("[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]")
    );
    assert_eq!(hint("dbsize"), Some(""));
    assert_eq!(
        hint("set").map(|h| h.starts_with("key value [NX|XX]")),
        Some(true)
    );
}

#[test]
fn command_list_filters() {
    let s = TestServer::start();
    let mut con = s.client();
    // Redis lists in its hash tables' order: compare sorted.
    let mut conf = strings(run(
        &mut con,
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "CONF*"],
    ));
    conf.sort();
    assert_eq!(
        conf,
        [
            "config",
            "config|get",
            "config|help",
            "config|resetstat",
            "config|rewrite",
            "config|set"
        ]
    );
    let admin = strings(run(
        &mut con,
        &["COMMAND", "LIST", "filterby", "aclcat", "ADMIN"],
    ));
    for name in ["shutdown", "config|set", "config|get"] {
        assert!(admin.contains(&name.to_string()), "{name} is @admin");
    }
    for name in ["ping", "config", "config|help", "info"] {
        assert!(!admin.contains(&name.to_string()), "{name} is not @admin");
    }
    assert!(
        strings(run(
            &mut con,
            &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"]
        ))
        .is_empty()
    );
    assert!(
        strings(run(
            &mut con,
            &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"]
        ))
        .is_empty()
    );
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["COMMAND", "LIST", "FILTERBY", "FOO", "x"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "LIST", "FILTERBY", "PATTERN"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(&cmd(&["COMMAND", "LIST", "x"]), b"-ERR syntax error\r\n");
}

#[test]
fn command_getkeys() {
    let s = TestServer::start();
    let mut c = s.raw();
    let arity = b"-ERR wrong number of arguments for 'command|getkeys' command\r\n";
    c.roundtrip(&cmd(&["COMMAND", "GETKEYS"]), arity);
    c.roundtrip(&cmd(&["COMMAND", "GETKEYS", "ping"]), arity);
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "nosuch", "a"]),
        b"-ERR Invalid command specified\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "config|get", "a"]),
        b"-ERR Invalid command specified\r\n",
    );
    // Whether the command takes keys is checked before its arity, as Redis does.
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "dbsize", "a"]),
        b"-ERR The command has no key arguments\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "flushdb", "a"]),
        b"-ERR The command has no key arguments\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYSANDFLAGS", "echo", "a"]),
        b"-ERR The command has no key arguments\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"]),
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "get", "k"]),
        b"*1\r\n$1\r\nk\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYS", "get", "k", "x"]),
        b"-ERR Invalid number of arguments specified for command\r\n",
    );
    c.roundtrip(
        &cmd(&["COMMAND", "GETKEYSANDFLAGS", "get", "k"]),
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
}
