//! Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN, CONFIG, COMMAND.
//!
//! Tests that need keys write them with SET (and SELECT), which other command families
//! provide: until those are in the table they return early, saying so on stderr.

use crate::common::*;
use redis::Value;
use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Reads one CRLF-terminated line (without the CRLF).
fn read_line(c: &mut Raw) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        c.stream.read_exact(&mut b).expect("reply arrives");
        line.push(b[0]);
    }
    line.truncate(line.len() - 2);
    String::from_utf8_lossy(&line).into_owned()
}

/// Sends `args` and reads a bulk string reply.
fn raw_bulk(c: &mut Raw, args: &[&str]) -> String {
    let bytes: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send(&resp(&bytes));
    let header = read_line(c);
    let n: usize = header
        .strip_prefix('$')
        .and_then(|n| n.parse().ok())
        .expect("a bulk string");
    let body = c.read_n(n + 2);
    String::from_utf8_lossy(&body[..n]).into_owned()
}

fn info_text(c: &mut Raw, sections: &[&str]) -> String {
    let mut args = vec!["INFO"];
    args.extend_from_slice(sections);
    raw_bulk(c, &args)
}

/// The `# Title` headers of an INFO text, in order.
fn titles(text: &str) -> Vec<&str> {
    text.split("\r\n")
        .filter_map(|l| l.strip_prefix("# "))
        .collect()
}

/// The `field:value` lines of an INFO text.
fn fields(text: &str) -> HashMap<String, String> {
    text.split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("not field:value: {l:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// `a=1,b=2` into pairs, in order.
fn pairs(v: &str) -> Vec<(String, String)> {
    v.split(',')
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("not k=v: {p:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn num(f: &HashMap<String, String>, name: &str) -> u64 {
    f.get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} missing or not a number: {f:?}"))
}

/// What `INFO` and `INFO default` show: Redis 7.0's default sections, then ours.
const DEFAULT_TITLES: &[&str] = &[
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Errorstats",
    "Cluster",
    "Keyspace",
    "Threads",
];

/// What `INFO all` and `INFO everything` show: commandstats and latencystats too.
const ALL_TITLES: &[&str] = &[
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Commandstats",
    "Errorstats",
    "Latencystats",
    "Cluster",
    "Keyspace",
    "Threads",
];

#[test]
fn info_sections_default_all_and_selected() {
    let s = TestServer::start();
    let mut c = s.raw();
    for (args, want) in [
        (&[][..], DEFAULT_TITLES),
        (&["default"], DEFAULT_TITLES),
        (&["all"], ALL_TITLES),
        (&["everything"], ALL_TITLES),
        (&["ALL", "server"], ALL_TITLES),
    ] {
        let text = info_text(&mut c, args);
        assert_eq!(titles(&text), want, "INFO {args:?}");
        // Sections are separated by one empty line; the text ends with a field line.
        assert!(text.contains("\r\n\r\n# Clients\r\n") && !text.ends_with("\r\n\r\n"));
    }
    let text = info_text(&mut c, &["keyspace", "SERVER", "server", "nosuch"]);
    assert_eq!(titles(&text), ["Server", "Keyspace"]);
    assert!(text.starts_with("# Server\r\nredis_version:7.0.15\r\n"));
    c.roundtrip(&resp(&[b"INFO", b"nosuch"]), b"$0\r\n\r\n");
    c.roundtrip(&resp(&[b"INFO", b"keyspace"]), b"$12\r\n# Keyspace\r\n\r\n");
}

#[test]
fn info_server_fields() {
    let s = TestServer::start();
    let f = fields(&info_text(&mut s.raw(), &["server"]));
    assert_eq!(f["redis_version"], "7.0.15");
    assert_eq!(f["muxis_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(f["redis_mode"], "standalone");
    assert_eq!(num(&f, "tcp_port"), s.port() as u64);
    assert_eq!(num(&f, "process_id"), std::process::id() as u64);
    assert_eq!(num(&f, "arch_bits"), usize::BITS as u64);
    assert_eq!(num(&f, "hz"), 10);
    assert!(f["run_id"].len() == 40 && f["run_id"].bytes().all(|b| b.is_ascii_hexdigit()));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as u64;
    assert!(
        num(&f, "server_time_usec").abs_diff(now) < 3_600_000_000,
        "server_time_usec is the wall clock"
    );
    assert_eq!(
        num(&f, "uptime_in_days"),
        num(&f, "uptime_in_seconds") / 86_400
    );
    for name in ["os", "executable", "config_file", "io_threads_active"] {
        assert!(f.contains_key(name), "{name}");
    }
    // The run id is per process: a second server reports the same one.
    let other = fields(&info_text(&mut TestServer::start().raw(), &["server"]));
    assert_eq!(other["run_id"], f["run_id"]);
}

#[test]
fn info_clients_memory_and_stats() {
    let s = TestServer::start();
    let mut c = s.raw();
    let mut other = s.raw();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let f = fields(&info_text(&mut c, &["clients", "memory", "stats"]));
    assert_eq!(num(&f, "connected_clients"), 2);
    assert_eq!(num(&f, "maxclients"), 10_000);
    assert_eq!(num(&f, "blocked_clients"), 0);
    assert!(num(&f, "used_memory") > 0);
    assert!(f["used_memory_human"].ends_with(['B', 'K', 'M', 'G']));
    assert!(num(&f, "used_memory_peak") >= num(&f, "used_memory"));
    assert_eq!(
        (f["maxmemory"].as_str(), f["mem_allocator"].as_str()),
        ("0", muxis::alloc::NAME)
    );
    assert_eq!(num(&f, "total_connections_received"), 2);
    assert_eq!(num(&f, "total_commands_processed"), 1); // the PING; INFO counts once done
    assert!(num(&f, "total_net_input_bytes") >= 6);
    for name in [
        "instantaneous_ops_per_sec",
        "rejected_connections",
        "expired_keys",
        "keyspace_hits",
        "keyspace_misses",
    ] {
        num(&f, name);
    }
    let f = fields(&info_text(&mut c, &["stats"]));
    assert_eq!(num(&f, "total_commands_processed"), 2);
}

#[test]
fn info_threads_reports_every_io_thread() {
    let s = TestServer::with(|cfg| cfg.io_threads = 3);
    let mut conns: Vec<Raw> = (0..3).map(|_| s.raw()).collect();
    for c in &mut conns {
        c.roundtrip(b"PING\r\n", b"+PONG\r\n");
    }
    let f = fields(&info_text(&mut conns[0], &["threads"]));
    assert_eq!(num(&f, "io_threads"), 3);
    let want = [
        "clients",
        "reads",
        "writes",
        "read_bytes",
        "written_bytes",
        "commands",
        "batches",
        "avg_batch",
        "busy_pct",
        "wakes_sent",
        "wakes_skipped",
        "recent_ops_per_sec",
        "recent_busy_pct",
    ];
    let (mut clients, mut commands) = (0, 0);
    for i in 0..3 {
        let line = pairs(&f[&format!("io_thread_{i}")]);
        assert_eq!(
            line.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            want
        );
        for (k, v) in &line {
            assert!(v.parse::<f64>().is_ok(), "io_thread_{i} {k}={v}");
        }
        clients += line[0].1.parse::<u64>().unwrap_or(0);
        commands += line[5].1.parse::<u64>().unwrap_or(0);
    }
    assert_eq!(
        clients, 3,
        "connections are balanced over the threads and all counted"
    );
    assert!(commands >= 3, "the PINGs were parsed by the I/O threads");
    assert_eq!(f.keys().filter(|k| k.starts_with("io_thread_")).count(), 3);
    let exec = pairs(&f["executor"]);
    let keys: Vec<&str> = exec.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "commands",
            "batches",
            "avg_batch",
            "busy_pct",
            "ops_per_sec",
            "queue_depth"
        ]
    );
    assert_eq!(exec[0].1, "3");
    assert!(
        ["executor", "io", "client_or_network"].contains(&f["bottleneck"].as_str()),
        "{f:?}"
    );
    for k in [
        "capacity_per_io_thread_ops",
        "capacity_executor_ops",
        "suggested_io_threads",
    ] {
        assert!(f[k].parse::<f64>().is_ok(), "{k} is a number: {f:?}");
    }
    assert!(
        f["suggested_io_threads"]
            .parse::<u64>()
            .is_ok_and(|n| n >= 1)
    );
}

#[test]
fn keyspace_dbsize_and_flushes() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&resp(&[b"DBSIZE"]), b":0\r\n");
    c.roundtrip(
        &resp(&[b"DBSIZE", b"x"]),
        b"-ERR wrong number of arguments for 'dbsize' command\r\n",
    );
    for cmd in [&b"FLUSHDB"[..], b"FLUSHALL"] {
        c.roundtrip(&resp(&[cmd]), b"+OK\r\n");
        c.roundtrip(&resp(&[cmd, b"sync"]), b"+OK\r\n");
        c.roundtrip(&resp(&[cmd, b"ASYNC"]), b"+OK\r\n");
        c.roundtrip(&resp(&[cmd, b"now"]), b"-ERR syntax error\r\n");
        c.roundtrip(&resp(&[cmd, b"sync", b"async"]), b"-ERR syntax error\r\n");
    }
    c.roundtrip(&resp(&[b"SET", b"a", b"1"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"SET", b"b", b"2", b"EX", b"100"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"SELECT", b"3"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"SET", b"c", b"3"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"DBSIZE"]), b":1\r\n");
    let text = info_text(&mut c, &["keyspace"]);
    assert_eq!(
        text,
        "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"
    );
    c.roundtrip(&resp(&[b"FLUSHDB"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"DBSIZE"]), b":0\r\n");
    c.roundtrip(&resp(&[b"SELECT", b"0"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"DBSIZE"]), b":2\r\n");
    c.roundtrip(&resp(&[b"FLUSHALL", b"ASYNC"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"DBSIZE"]), b":0\r\n");
    assert_eq!(info_text(&mut c, &["keyspace"]), "# Keyspace\r\n");
}

#[test]
fn flushall_async_frees_big_databases() {
    let s = TestServer::start();
    let mut c = s.raw();
    let mut batch = Vec::new();
    for i in 0..3000 {
        batch.extend(resp(&[b"SET", format!("k{i}").as_bytes(), b"v"]));
    }
    c.send(&batch);
    c.expect(&b"+OK\r\n".repeat(3000));
    c.roundtrip(&resp(&[b"FLUSHDB", b"ASYNC"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"DBSIZE"]), b":0\r\n");
}

#[test]
fn time_is_seconds_and_microseconds() {
    let s = TestServer::start();
    let mut con = s.client();
    let Ok(Value::Array(parts)) = run(&mut con, &["TIME"]) else {
        panic!("TIME replies with an array")
    };
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| match p {
            Value::BulkString(b) => String::from_utf8_lossy(b).parse().expect("a number"),
            other => panic!("bulk string expected, got {other:?}"),
        })
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    assert_eq!(nums.len(), 2);
    assert!(
        nums[0].abs_diff(now) < 3600 && nums[1] < 1_000_000,
        "{nums:?}"
    );
    s.raw().roundtrip(
        &resp(&[b"TIME", b"x"]),
        b"-ERR wrong number of arguments for 'time' command\r\n",
    );
}

#[test]
fn shutdown_closes_and_stops_the_server() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &resp(&[b"SHUTDOWN", b"ABORT"]),
        b"-ERR No shutdown in progress.\r\n",
    );
    c.roundtrip(&resp(&[b"SHUTDOWN", b"FOO"]), b"-ERR syntax error\r\n");
    c.roundtrip(
        &resp(&[b"SHUTDOWN", b"SAVE", b"NOSAVE"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &resp(&[b"SHUTDOWN", b"ABORT", b"NOW"]),
        b"-ERR syntax error\r\n",
    );
    let mut other = s.raw();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    c.send(&resp(&[b"SHUTDOWN", b"NOSAVE", b"NOW"]));
    assert_eq!(c.read_to_close(), b"", "SHUTDOWN writes no reply");
    assert_eq!(other.read_to_close(), b"", "every connection is closed");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(s.addr).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the server still accepts connections"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

mod command;
mod config;
mod table_rules;
