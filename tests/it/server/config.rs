//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP.

use super::{fields, info_text, num, pairs};
use crate::common::*;

fn cmd(args: &[&str]) -> Vec<u8> {
    let bytes: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    resp(&bytes)
}

/// RESP2 flat array of name/value pairs.
fn flat(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", pairs.len() * 2).into_bytes();
    for (k, v) in pairs {
        out.extend(format!("${}\r\n{k}\r\n${}\r\n{v}\r\n", k.len(), v.len()).into_bytes());
    }
    out
}

#[test]
fn config_get_names_globs_and_compat_values() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "maxclients"]),
        &flat(&[("maxclients", "10000")]),
    );
    // A plain name is echoed as given; a glob reports canonical names; each only once.
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "MAXCLIENTS", "maxc*", "maxmemory-p*"]),
        &flat(&[("MAXCLIENTS", "10000"), ("maxmemory-policy", "noeviction")]),
    );
    c.roundtrip(
        &cmd(&["config", "get", "*MAX*BULK*"]),
        &flat(&[("proto-max-bulk-len", "536870912")]),
    );
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "save", "appendonly"]),
        &flat(&[("save", ""), ("appendonly", "no")]),
    );
    c.roundtrip(&cmd(&["CONFIG", "GET", "nosuch"]), b"*0\r\n");
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "port", "databases", "hz"]),
        &flat(&[
            ("port", &s.port().to_string()),
            ("databases", "16"),
            ("hz", "10"),
        ]),
    );
    c.roundtrip(
        &cmd(&["CONFIG", "GET"]),
        b"-ERR wrong number of arguments for 'config|get' command\r\n",
    );
    c.roundtrip(
        &cmd(&["CONFIG"]),
        b"-ERR wrong number of arguments for 'config' command\r\n",
    );
    c.roundtrip(
        &cmd(&["CONFIG", "FOO"]),
        b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n",
    );
    let mut con = s.client();
    let Ok(redis::Value::Array(all)) = run(&mut con, &["CONFIG", "GET", "*"]) else {
        panic!("an array")
    };
    let names: Vec<String> = all
        .iter()
        .step_by(2)
        .map(|v| redis::from_redis_value_ref(v).unwrap_or_default())
        .collect();
    for want in [
        "bind",
        "port",
        "io-threads",
        "io-cpus",
        "main-cpu",
        "maxclients",
        "databases",
        "loglevel",
        "proto-max-bulk-len",
        "client-query-buffer-limit",
        "hz",
        "save",
        "appendonly",
        "maxmemory",
        "maxmemory-policy",
        "timeout",
        "tcp-keepalive",
        "io-threads-do-reads",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
}

#[test]
fn config_get_is_a_map_in_resp3() {
    let s = TestServer::start();
    let mut c = s.raw();
    // HELLO's reply is skipped by reading up to the PONG sent after it.
    c.send(&cmd(&["HELLO", "3"]));
    c.send(b"PING\r\n");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.ends_with(b"+PONG\r\n") {
        let n = std::io::Read::read(&mut c.stream, &mut buf).expect("reads");
        assert!(n > 0, "closed");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"%"), "HELLO 3 replies with a map");
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "hz"]),
        b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n",
    );
}

#[test]
fn config_set_errors_in_redis_words() {
    let s = TestServer::start();
    let mut c = s.raw();
    let cases: &[(&[&str], &str)] = &[
        (
            &["foo", "bar"],
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
        ),
        (&["maxclients", "10", "foo"], "-ERR syntax error"),
        (
            &["maxclients", "10", "foo", "bar"],
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
        ),
        (
            &["maxclients", "abc"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
        ),
        (
            &["maxclients", "0"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
        ),
        (
            &["MAXCLIENTS", "1", "maxclients", "2"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate parameter",
        ),
        (
            &["hz", "-1"],
            "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive",
        ),
        (
            &["loglevel", "loud"],
            "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        (
            &["proto-max-bulk-len", "abc"],
            "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value",
        ),
        (
            &["proto-max-bulk-len", "1k"],
            "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive",
        ),
        (
            &["client-query-buffer-limit", "-5"],
            "-ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be a memory value",
        ),
        (
            &["Port", "7000"],
            "-ERR CONFIG SET failed (possibly related to argument 'Port') - can't set immutable config",
        ),
        (
            &["maxclients", "5", "databases", "3"],
            "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
        ),
        (
            &["io-threads", "200"],
            "-ERR CONFIG SET failed (possibly related to argument 'io-threads') - argument must be between 1 and 128 inclusive",
        ),
        (
            &["bind", "0.0.0.0"],
            "-ERR CONFIG SET failed (possibly related to argument 'bind') - can't set immutable config",
        ),
        (
            // TLS is implemented (tests/it/tls.rs); its port is taken at start only.
            &["tls-port", "6380"],
            "-ERR CONFIG SET failed (possibly related to argument 'tls-port') - can't set immutable config",
        ),
        (
            &["maxmemory", "1zb"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        ),
    ];
    for (args, err) in cases {
        let mut full = vec!["CONFIG", "SET"];
        full.extend_from_slice(args);
        c.roundtrip(&cmd(&full), format!("{err}\r\n").as_bytes());
    }
    c.roundtrip(
        &cmd(&["CONFIG", "SET", "maxclients"]),
        b"-ERR wrong number of arguments for 'config|set' command\r\n",
    );
    // Nothing of the failed calls was applied.
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "maxclients"]),
        &flat(&[("maxclients", "10000")]),
    );
}

#[test]
fn config_set_is_all_or_nothing_and_applies() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&cmd(&["CONFIG", "SET", "maxclients", "50", "hz", "abc"]), b"-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n");
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "maxclients"]),
        &flat(&[("maxclients", "10000")]),
    );
    c.roundtrip(
        &cmd(&[
            "CONFIG",
            "SET",
            "maxclients",
            "50",
            "HZ",
            "1000",
            "loglevel",
            "WARNING",
        ]),
        b"+OK\r\n",
    );
    c.roundtrip(
        &cmd(&["CONFIG", "GET", "maxclients", "hz", "loglevel"]),
        &flat(&[("maxclients", "50"), ("hz", "500"), ("loglevel", "warning")]),
    );
    c.roundtrip(&cmd(&["CONFIG", "SET", "hz", "0"]), b"+OK\r\n");
    c.roundtrip(&cmd(&["CONFIG", "GET", "hz"]), &flat(&[("hz", "1")]));
    c.roundtrip(
        &cmd(&[
            "CONFIG",
            "SET",
            "client-query-buffer-limit",
            "2mb",
            "proto-max-bulk-len",
            "1048576",
        ]),
        b"+OK\r\n",
    );
    c.roundtrip(
        &cmd(&[
            "CONFIG",
            "GET",
            "client-query-buffer-limit",
            "proto-max-bulk-len",
        ]),
        &flat(&[
            ("client-query-buffer-limit", "2097152"),
            ("proto-max-bulk-len", "1048576"),
        ]),
    );
    // Fixed compat parameters accept their current value, so scripts that set them work.
    c.roundtrip(
        &cmd(&[
            "CONFIG",
            "SET",
            "save",
            "",
            "appendonly",
            "NO",
            "maxmemory",
            "0mb",
        ]),
        b"+OK\r\n",
    );
    let f = fields(&info_text(&mut c, &["server", "clients"]));
    assert_eq!((num(&f, "hz"), num(&f, "maxclients")), (1, 50));
}

#[test]
fn lowered_proto_max_bulk_len_is_enforced() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"]),
        b"+OK\r\n",
    );
    // A bulk of exactly the limit is fine.
    let big = vec![b'x'; 1 << 20];
    c.send(&resp(&[b"ECHO", &big]));
    let mut want = b"$1048576\r\n".to_vec();
    want.extend_from_slice(&big);
    want.extend_from_slice(b"\r\n");
    c.expect(&want);
    // One byte more is refused as soon as its length is read, and the connection closed.
    let mut other = s.raw();
    other.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n");
    let got = other.read_to_close();
    assert!(
        got == b"-ERR Protocol error: invalid bulk length\r\n",
        "{}",
        String::from_utf8_lossy(&got)
    );
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn lowered_maxclients_rejects_new_connections() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&cmd(&["CONFIG", "SET", "maxclients", "1"]), b"+OK\r\n");
    let mut extra = s.raw();
    assert_eq!(
        extra.read_to_close(),
        b"-ERR max number of clients reached\r\n"
    );
    let f = fields(&info_text(&mut c, &["stats"]));
    assert_eq!(num(&f, "rejected_connections"), 1);
    c.roundtrip(&cmd(&["CONFIG", "SET", "maxclients", "10"]), b"+OK\r\n");
    s.raw().roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn config_resetstat_zeroes_counters() {
    let s = TestServer::start();
    let mut c = s.raw();
    for _ in 0..5 {
        c.roundtrip(b"PING\r\n", b"+PONG\r\n");
    }
    let before = fields(&info_text(&mut c, &["stats"]));
    assert!(num(&before, "total_commands_processed") >= 5);
    c.roundtrip(&cmd(&["CONFIG", "RESETSTAT"]), b"+OK\r\n");
    c.roundtrip(
        &cmd(&["CONFIG", "RESETSTAT", "x"]),
        b"-ERR wrong number of arguments for 'config|resetstat' command\r\n",
    );
    let f = fields(&info_text(&mut c, &["stats", "threads"]));
    // Counted since the reset: RESETSTAT and the failed RESETSTAT.
    assert_eq!(num(&f, "total_commands_processed"), 2);
    assert_eq!(num(&f, "total_connections_received"), 0);
    assert_eq!(pairs(&f["executor"])[0].1, "2");
    // The I/O threads count a command when they parse it, so the RESETSTAT itself may or
    // may not be counted, depending on whether they published it before the reset.
    let io_commands: u64 = (0..)
        .map_while(|i| f.get(&format!("io_thread_{i}")))
        .map(|t| pairs(t)[5].1.parse::<u64>().unwrap_or(99))
        .sum();
    assert!(io_commands <= 3, "io thread counters were reset: {f:?}");
}

#[test]
fn config_help_and_rewrite() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.send(&cmd(&["CONFIG", "HELP"]));
    let mut want = b"*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n".to_vec();
    want.extend_from_slice(
        b"+    Return parameters matching the glob-like <pattern> and their values.\r\n",
    );
    c.expect(&want);
    let mut con = s.client();
    let Ok(redis::Value::Array(lines)) = run(&mut con, &["CONFIG", "HELP"]) else {
        panic!("an array")
    };
    assert_eq!(lines.len(), 11);
    assert_eq!(
        lines[10],
        redis::Value::SimpleString("    Prints this help.".into())
    );
    s.raw().roundtrip(
        &cmd(&["CONFIG", "REWRITE"]),
        b"-ERR The server is running without a config file\r\n",
    );
}
