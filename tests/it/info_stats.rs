//! INFO commandstats / errorstats / latencystats / cpu / modules over TCP: what counts as
//! a call, a rejected call and a failed one, how errors are counted by code, and that
//! CONFIG RESETSTAT forgets them.

use crate::common::{TestServer, run};
use std::collections::HashMap;

/// INFO `section` as field → value.
fn info(con: &mut redis::Connection, section: &str) -> HashMap<String, String> {
    let text: String = redis::cmd("INFO").arg(section).query(con).expect("INFO");
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One commandstats entry as (calls, rejected, failed), if present.
fn stat(con: &mut redis::Connection, cmd: &str) -> Option<(u64, u64, u64)> {
    let all = info(con, "commandstats");
    let line = all.get(&format!("cmdstat_{cmd}"))?;
    let get = |name: &str| -> u64 {
        line.split(',')
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    };
    Some((get("calls"), get("rejected_calls"), get("failed_calls")))
}

#[test]
fn calls_rejections_and_failures_are_counted_per_command() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["SET", "k", "v"]).expect("set");
    run(&mut c, &["GET", "k"]).expect("get");
    assert!(run(&mut c, &["GET"]).is_err());
    assert!(run(&mut c, &["INCR", "k"]).is_err());
    assert!(run(&mut c, &["CLIENT", "INFO", "x"]).is_err());
    run(&mut c, &["CLIENT", "ID"]).expect("client id");
    assert!(run(&mut c, &["NOSUCH"]).is_err());
    assert_eq!(stat(&mut c, "set"), Some((1, 0, 0)));
    assert_eq!(stat(&mut c, "get"), Some((1, 1, 0)));
    assert_eq!(stat(&mut c, "incr"), Some((1, 0, 1)));
    // Subcommands are counted under `container|sub`, arity rejections included.
    assert_eq!(stat(&mut c, "client|info"), Some((0, 1, 0)));
    assert_eq!(stat(&mut c, "client|id"), Some((1, 0, 0)));
    assert_eq!(stat(&mut c, "nosuch"), None);
    let line = &info(&mut c, "commandstats")["cmdstat_set"];
    assert!(line.starts_with("calls=1,usec="), "{line}");
    assert!(line.contains(",usec_per_call="), "{line}");
    // Errors by code: arity, INCR, CLIENT INFO arity, unknown command.
    let errors = info(&mut c, "errorstats");
    assert_eq!(errors["errorstat_ERR"], "count=4");
    assert_eq!(info(&mut c, "stats")["total_error_replies"], "4");
    assert!(run(&mut c, &["LPUSH", "k", "x"]).is_err());
    assert_eq!(info(&mut c, "errorstats")["errorstat_WRONGTYPE"], "count=1");
    assert_eq!(info(&mut c, "stats")["total_error_replies"], "5");
}

#[test]
fn transactions_and_blocked_commands_count_once_each() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["MULTI"]).expect("multi");
    run(&mut c, &["SET", "a", "1"]).expect("queued");
    run(&mut c, &["INCR", "a"]).expect("queued");
    run(&mut c, &["EXEC"]).expect("exec");
    assert_eq!(stat(&mut c, "set"), Some((1, 0, 0)));
    assert_eq!(stat(&mut c, "incr"), Some((1, 0, 0)));
    assert_eq!(stat(&mut c, "exec"), Some((1, 0, 0)));
    // A command inside MULTI that is refused makes EXEC fail as a whole: EXEC runs and
    // replies EXECABORT, a failed call (as in Redis).
    run(&mut c, &["MULTI"]).expect("multi");
    assert!(run(&mut c, &["GET"]).is_err());
    assert!(run(&mut c, &["EXEC"]).is_err());
    assert_eq!(stat(&mut c, "get"), Some((0, 1, 0)));
    assert_eq!(stat(&mut c, "exec"), Some((2, 0, 1)));
    // BLPOP that blocks, then is served: one call.
    let mut waiter = s.client();
    let t = std::thread::spawn(move || run(&mut waiter, &["BLPOP", "list", "5"]));
    std::thread::sleep(std::time::Duration::from_millis(100));
    run(&mut c, &["RPUSH", "list", "x"]).expect("rpush");
    t.join().expect("thread").expect("blpop");
    assert_eq!(stat(&mut c, "blpop"), Some((1, 0, 0)));
}

#[test]
fn latencystats_follow_the_percentiles_config() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["SET", "k", "v"]).expect("set");
    let line = info(&mut c, "latencystats")["latency_percentiles_usec_set"].clone();
    let labels: Vec<&str> = line
        .split(',')
        .map(|p| p.split('=').next().unwrap_or(""))
        .collect();
    assert_eq!(labels, ["p50", "p99", "p99.9"]);
    for p in line.split(',') {
        let v = p.split('=').nth(1).expect("a value");
        assert_eq!(v.split('.').nth(1).map(str::len), Some(3), "{line}");
    }
    run(
        &mut c,
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "0 100",
        ],
    )
    .expect("set");
    let line = info(&mut c, "latencystats")["latency_percentiles_usec_set"].clone();
    assert!(line.starts_with("p0=") && line.contains(",p100="), "{line}");
    // Tracking off: no new histograms.
    run(&mut c, &["CONFIG", "SET", "latency-tracking", "no"]).expect("set");
    run(&mut c, &["GET", "k"]).expect("get");
    assert!(!info(&mut c, "latencystats").contains_key("latency_percentiles_usec_get"));
    // Not in the default INFO, in `all`.
    assert!(!info(&mut c, "").contains_key("latency_percentiles_usec_set"));
    assert!(info(&mut c, "all").contains_key("latency_percentiles_usec_set"));
}

#[test]
fn resetstat_forgets_command_and_error_stats() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["SET", "k", "v"]).expect("set");
    assert!(run(&mut c, &["GET"]).is_err());
    run(&mut c, &["CONFIG", "RESETSTAT"]).expect("resetstat");
    assert_eq!(stat(&mut c, "set"), None);
    assert_eq!(stat(&mut c, "get"), None);
    assert_eq!(stat(&mut c, "config|resetstat"), Some((1, 0, 0)));
    assert!(!info(&mut c, "errorstats").contains_key("errorstat_ERR"));
    assert_eq!(info(&mut c, "stats")["total_error_replies"], "0");
    assert!(!info(&mut c, "latencystats").contains_key("latency_percentiles_usec_set"));
}

#[test]
fn cpu_and_modules_sections() {
    let s = TestServer::start();
    let mut c = s.client();
    let cpu = info(&mut c, "cpu");
    for f in [
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
        "used_cpu_sys_main_thread",
        "used_cpu_user_main_thread",
    ] {
        let v = &cpu[f];
        let (secs, micros) = v.split_once('.').expect("seconds.micros");
        assert!(secs.parse::<u64>().is_ok() && micros.len() == 6, "{f}:{v}");
    }
    let text: String = redis::cmd("INFO")
        .arg("modules")
        .query(&mut c)
        .expect("INFO");
    assert_eq!(text, "# Modules\r\n");
}
