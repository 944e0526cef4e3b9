//! The real `muxis-bench` binary against muxis: JSON, CSV and open-loop runs, a short sweep
//! that starts its own servers, and its refusals (non-loopback hosts, malformed replies).
//! Only presence, counts and ordering are asserted, never speed.

use crate::common::*;
use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Output};

const BENCH: &str = env!("CARGO_BIN_EXE_muxis-bench");
const MUXIS: &str = env!("CARGO_BIN_EXE_muxis");

/// Every field of the summary, in order.
const FIELDS: &[&str] = &[
    "host",
    "port",
    "mode",
    "threads",
    "connections",
    "pipeline",
    "keyspace",
    "key_pattern",
    "value_size",
    "mix",
    "target_rate",
    "ops",
    "elapsed_s",
    "ops_per_sec",
    "p50_us",
    "p90_us",
    "p99_us",
    "p999_us",
    "max_us",
    "mean_us",
    "errors",
    "nils",
    "conn_errors",
    "unanswered",
    "client_cpu_s",
    "client_cpu_s_per_mreq",
    "client_cpu_pct",
    "lag_mean_us",
    "lag_max_us",
    "unsent",
];

fn bench(args: &[&str]) -> Output {
    let out = Command::new(BENCH)
        .args(args)
        .output()
        .expect("muxis-bench runs");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn bench_ok(args: &[&str]) -> String {
    let out = bench(args);
    assert!(out.status.success(), "muxis-bench {args:?} failed: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Splits `text` at `sep` outside double quotes; quotes are dropped ("" is a quote in CSV).
fn split_quoted(text: &str, sep: char) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().expect("a cell").push('"');
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => cells.push(String::new()),
            c => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells
}

/// Parses the flat JSON object the summary is: `{"name":value,...}`.
fn json(text: &str) -> HashMap<String, String> {
    let body = text
        .trim()
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .expect("one JSON object");
    split_quoted(body, ',')
        .into_iter()
        .map(|pair| {
            let cut = pair.find(':').expect("name:value");
            (pair[..cut].to_string(), pair[cut + 1..].to_string())
        })
        .collect()
}

fn num(m: &HashMap<String, String>, name: &str) -> f64 {
    m.get(name)
        .unwrap_or_else(|| panic!("field {name} missing"))
        .parse()
        .unwrap_or_else(|_| panic!("field {name} is not a number"))
}

/// The checks every successful summary must pass.
fn check_summary(m: &HashMap<String, String>) {
    for f in FIELDS {
        assert!(m.contains_key(*f), "field {f} missing from {m:?}");
    }
    assert!(num(m, "ops") > 0.0);
    assert!(num(m, "ops_per_sec") > 0.0);
    assert_eq!(num(m, "errors"), 0.0);
    assert_eq!(num(m, "conn_errors"), 0.0);
    let p: Vec<f64> = ["p50_us", "p90_us", "p99_us", "p999_us", "max_us"]
        .iter()
        .map(|f| num(m, f))
        .collect();
    assert!(p[0] > 0.0, "p50 is zero");
    assert!(
        p.windows(2).all(|w| w[0] <= w[1]),
        "percentiles out of order: {p:?}"
    );
    assert!(num(m, "client_cpu_s") >= 0.0);
}

#[test]
fn json_run_reports_every_field() {
    let s = TestServer::start();
    let port = s.port().to_string();
    let out = bench_ok(&[
        "--port",
        &port,
        "--duration",
        "2",
        "--connections",
        "4",
        "--threads",
        "2",
        "--prefill",
        "--keyspace",
        "100",
        "--format",
        "json",
    ]);
    let m = json(&out);
    check_summary(&m);
    assert_eq!(m.len(), FIELDS.len(), "unexpected fields in {m:?}");
    assert_eq!(m["mode"], "closed");
    assert_eq!(m["mix"], "get=1,set=1");
    assert_eq!(num(&m, "threads"), 2.0);
    // Every key was prefilled, so no GET misses.
    assert_eq!(num(&m, "nils"), 0.0);
}

#[test]
fn csv_run_answers_every_request() {
    let s = TestServer::start();
    let port = s.port().to_string();
    let out = bench_ok(&[
        "run",
        "--port",
        &port,
        "--requests",
        "3000",
        "--connections",
        "6",
        "--pipeline",
        "8",
        "--mix",
        "get=1,set=1,incr=1,ping=1",
        "--value-size",
        "100",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "header and one row: {out}");
    let header = split_quoted(lines[0], ',');
    let row = split_quoted(lines[1], ',');
    assert_eq!(header, FIELDS);
    assert_eq!(row.len(), header.len());
    let m: HashMap<String, String> = header.into_iter().zip(row).collect();
    check_summary(&m);
    // A request count is exact: each request is answered once.
    assert_eq!(num(&m, "ops"), 3000.0);
    assert_eq!(num(&m, "unanswered"), 0.0);
    assert_eq!(m["mix"], "get=1,set=1,incr=1,ping=1");
}

#[test]
fn memtier_key_range_prefix_and_patterns_reach_the_server() {
    let s = TestServer::start();
    let port = s.port().to_string();
    // SETs only, over keys mt-10..=mt-19: the parallel pattern gives each of the 4
    // connections a slice and walks it, so 200 SETs write every key of the range.
    let out = bench_ok(&[
        "--port",
        &port,
        "--requests",
        "200",
        "--connections",
        "4",
        "--ratio",
        "1:0",
        "--key-minimum",
        "10",
        "--key-maximum",
        "19",
        "--key-prefix",
        "mt-",
        "--key-pattern",
        "P:R",
        "--data-size",
        "7",
        "--format",
        "json",
    ]);
    let m = json(&out);
    assert_eq!(m["key_pattern"], "P:R");
    assert_eq!(num(&m, "keyspace"), 10.0);
    let mut c = s.client();
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).expect("KEYS");
    keys.sort();
    let want: Vec<String> = (10..20).map(|k| format!("mt-{k}")).collect();
    assert_eq!(keys, want);
    let v: String = redis::cmd("GET").arg("mt-15").query(&mut c).expect("GET");
    assert_eq!(v.len(), 7);
}

#[test]
fn open_loop_follows_its_schedule() {
    let s = TestServer::start();
    let port = s.port().to_string();
    let out = bench_ok(&[
        "--port",
        &port,
        "--rate",
        "2000",
        "--duration",
        "2",
        "--connections",
        "4",
        "--format",
        "json",
    ]);
    let m = json(&out);
    check_summary(&m);
    assert_eq!(m["mode"], "open");
    assert_eq!(num(&m, "target_rate"), 2000.0);
    assert!(num(&m, "lag_max_us") >= num(&m, "lag_mean_us"));

    // With a request count the schedule ends, and every request is answered.
    let out = bench_ok(&[
        "--port",
        &port,
        "--rate",
        "5000",
        "--requests",
        "500",
        "--connections",
        "3",
        "--format",
        "json",
    ]);
    let m = json(&out);
    check_summary(&m);
    assert_eq!(num(&m, "ops"), 500.0);
    assert_eq!(num(&m, "unsent"), 0.0);
}

#[test]
fn sweep_writes_csv_and_svg() {
    let dir = std::env::temp_dir().join(format!("muxis-bench-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("sweep.csv");
    let svg = dir.join("sweep.svg");
    // muxis itself stands in for the other server, so the test needs nothing installed;
    // labelled "other" (unlabelled, a server is named after its program).
    let compare = format!("other='{MUXIS}' --port {{port}} --io-threads 1 --loglevel warning");
    let out = bench_ok(&[
        "sweep",
        "--server-bin",
        MUXIS,
        "--max-io-threads",
        "2",
        "--rounds",
        "1",
        "--duration",
        "1",
        "--connections",
        "4",
        "--compare-cmd",
        &compare,
        "--csv",
        csv.to_str().expect("utf-8 path"),
        "--svg",
        svg.to_str().expect("utf-8 path"),
    ]);
    assert!(out.contains("vs other"), "table missing: {out}");
    assert_eq!(out.lines().count(), 4, "header, two configs, other: {out}");

    let text = std::fs::read_to_string(&csv).expect("CSV written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "header and four runs: {text}");
    let header = split_quoted(lines[0], ',');
    assert!(header.starts_with(&["round".to_string(), "server".to_string()]));
    let servers: Vec<String> = lines[1..]
        .iter()
        .map(|l| split_quoted(l, ',')[1].clone())
        .collect();
    assert_eq!(servers, ["muxis", "other", "muxis", "other"]);
    for line in &lines[1..] {
        let m: HashMap<String, String> = header
            .iter()
            .cloned()
            .zip(split_quoted(line, ','))
            .collect();
        check_summary(&m);
        assert!(num(&m, "server_cpu_s") >= 0.0);
    }
    let plot = std::fs::read_to_string(&svg).expect("SVG written");
    assert!(plot.starts_with("<svg"));
    assert!(plot.trim_end().ends_with("</svg>"));
    assert!(plot.contains("<polyline"));
    assert!(
        plot.contains("stroke-dasharray=\"6 4\""),
        "no reference line"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn refuses_a_non_loopback_host() {
    let out = bench(&["--host", "10.1.2.3", "--duration", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn malformed_replies_fail_connections_without_panic() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let fake = std::thread::spawn(move || {
        let mut held = Vec::new();
        for _ in 0..2 {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            s.write_all(b"?this is not RESP\r\n").ok();
            held.push(s);
        }
        // Keep the sockets open until the client has given up on them.
        std::thread::sleep(std::time::Duration::from_secs(2));
    });
    let out = bench(&[
        "--port",
        &port,
        "--connections",
        "2",
        "--duration",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "lost connections exit 2");
    let m = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(num(&m, "conn_errors"), 2.0);
    assert_eq!(num(&m, "ops"), 0.0);
    fake.join().ok();
}
