//! Real Redis tools against muxis: redis-cli and a short redis-benchmark run.
//!
//! Outside CI these skip, loudly, when the tools are missing; in CI (`CI` set) a missing tool
//! fails the test, because `.ci/run` installs them.

use crate::common::*;
use std::process::Command;

/// Whether `tool` can run; panics in CI when it cannot.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is missing in CI: .ci/run must install redis-tools"
        );
        eprintln!("SKIPPED: {tool} is not installed (apt-get install redis-tools)");
    }
    ok
}

fn cli(s: &TestServer, args: &[&str]) -> String {
    let port = s.port().to_string();
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port])
        .args(args)
        .output()
        .expect("redis-cli runs");
    assert!(out.status.success(), "redis-cli {args:?} failed");
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

#[test]
fn redis_cli_runs_commands() {
    if !have("redis-cli") {
        return;
    }
    let s = TestServer::start();
    assert_eq!(cli(&s, &["PING"]), "PONG");
    assert_eq!(cli(&s, &["SET", "greeting", "hello world"]), "OK");
    assert_eq!(cli(&s, &["GET", "greeting"]), "hello world");
    assert_eq!(cli(&s, &["INCRBY", "n", "5"]), "5");
    assert_eq!(cli(&s, &["--no-raw", "GET", "missing"]), "(nil)");
    assert_eq!(cli(&s, &["DBSIZE"]), "2");
    // Commands piped on stdin, as `redis-cli < file` users do.
    let port = s.port().to_string();
    let mut child = Command::new("redis-cli")
        .args(["-p", &port])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("redis-cli runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"SET a 1\nINCR a\nGET a\n").expect("write");
    }
    let out = child.wait_with_output().expect("exits");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n2\n2\n");
}

/// Parses `redis-benchmark -q` output into (test name, requests per second).
fn rates(output: &str) -> Vec<(String, f64)> {
    output
        .split(['\r', '\n'])
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(": ")?;
            let rps = rest.split_whitespace().next()?.parse().ok()?;
            rest.contains("requests per second")
                .then(|| (name.to_string(), rps))
        })
        .collect()
}

fn benchmark(s: &TestServer, pipeline: &str, n: &str) {
    let port = s.port().to_string();
    let out = Command::new("redis-benchmark")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-q",
            "-t",
            "ping,set,get,incr,mset",
        ])
        .args(["-P", pipeline, "-n", n, "-c", "20"])
        .output()
        .expect("redis-benchmark runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "redis-benchmark failed: {text}");
    assert!(!text.contains("WARNING"), "redis-benchmark warned: {text}");
    let got = rates(&text);
    for want in [
        "PING_INLINE",
        "PING_MBULK",
        "SET",
        "GET",
        "INCR",
        "MSET (10 keys)",
    ] {
        let rate = got.iter().find(|(n, _)| n == want).map(|(_, r)| *r);
        assert!(
            rate.is_some_and(|r| r > 0.0),
            "{want} reported no rate: {text}"
        );
    }
}

#[test]
fn redis_benchmark_completes_pipelined_and_not() {
    if !have("redis-benchmark") {
        return;
    }
    let s = TestServer::start();
    benchmark(&s, "16", "20000");
    benchmark(&s, "1", "5000");
    // The server still answers and counted the keys redis-benchmark wrote.
    let mut con = s.client();
    let v: String = redis::cmd("GET")
        .arg("key:__rand_int__")
        .query(&mut con)
        .expect("GET");
    assert!(!v.is_empty());
}
