//! LATENCY over TCP: the monitor's events from a slow command, their history, graph and
//! report, RESET, and HISTOGRAM's layout.

use crate::common::{TestServer, run};
use redis::Value;

/// A script that keeps the executor busy for tens of milliseconds.
const SLOW: &str = "local i = 0 while i < 3000000 do i = i + 1 end return i";

fn text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::VerbatimString { text, .. } => text.clone(),
        Value::SimpleString(s) => s.clone(),
        other => panic!("text: {other:?}"),
    }
}

#[test]
fn a_slow_command_is_an_event() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["EVAL", SLOW, "0"]).expect("eval");
    // Off by default: nothing recorded.
    assert_eq!(
        run(&mut c, &["LATENCY", "LATEST"]).expect("latest"),
        Value::Array(vec![])
    );
    run(&mut c, &["CONFIG", "SET", "latency-monitor-threshold", "1"]).expect("set");
    run(&mut c, &["EVAL", SLOW, "0"]).expect("eval");
    let Value::Array(latest) = run(&mut c, &["LATENCY", "LATEST"]).expect("latest") else {
        panic!("an array")
    };
    assert_eq!(latest.len(), 1);
    let Value::Array(ev) = &latest[0] else {
        panic!("an event")
    };
    assert_eq!(text(&ev[0]), "command");
    let (Value::Int(time), Value::Int(ms), Value::Int(max)) = (&ev[1], &ev[2], &ev[3]) else {
        panic!("integers: {ev:?}")
    };
    assert!(*time > 1_600_000_000 && *ms >= 1 && max >= ms, "{ev:?}");
    let Value::Array(hist) = run(&mut c, &["LATENCY", "HISTORY", "command"]).expect("history")
    else {
        panic!("an array")
    };
    assert_eq!(
        hist,
        vec![Value::Array(vec![Value::Int(*time), Value::Int(*ms)])]
    );
    let graph = text(&run(&mut c, &["LATENCY", "GRAPH", "command"]).expect("graph"));
    assert!(
        graph.starts_with(&format!("command - high {ms} ms, low {ms} ms")),
        "{graph}"
    );
    assert!(graph.contains(&"-".repeat(80)), "{graph}");
    let doctor = text(&run(&mut c, &["LATENCY", "DOCTOR"]).expect("doctor"));
    assert!(doctor.contains("1. command: 1 latency spikes"), "{doctor}");
    assert_eq!(
        run(&mut c, &["LATENCY", "RESET", "command", "x"]).expect("reset"),
        Value::Int(1)
    );
    assert_eq!(
        run(&mut c, &["LATENCY", "LATEST"]).expect("latest"),
        Value::Array(vec![])
    );
    let err = run(&mut c, &["LATENCY", "GRAPH", "command"]).expect_err("no samples");
    assert!(
        err.to_string()
            .contains("No samples available for event 'command'")
    );
}

#[test]
fn histogram_is_a_cumulative_map_per_command() {
    let s = TestServer::start();
    let mut c = s.client();
    for _ in 0..3 {
        run(&mut c, &["SET", "k", "v"]).expect("set");
    }
    run(&mut c, &["CONFIG", "GET", "port"]).expect("config get");
    let v = run(&mut c, &["LATENCY", "HISTOGRAM", "set", "config", "nosuch"]).expect("histogram");
    let Value::Array(items) = v else {
        panic!("RESP2: a flat map")
    };
    let names: Vec<String> = items.iter().step_by(2).map(text).collect();
    assert_eq!(names, ["set", "config|get"]);
    let Value::Array(fields) = &items[1] else {
        panic!("fields")
    };
    assert_eq!(text(&fields[0]), "calls");
    assert_eq!(fields[1], Value::Int(3));
    assert_eq!(text(&fields[2]), "histogram_usec");
    let Value::Array(buckets) = &fields[3] else {
        panic!("buckets")
    };
    let nums: Vec<i64> = buckets
        .iter()
        .map(|b| match b {
            Value::Int(n) => *n,
            other => panic!("int: {other:?}"),
        })
        .collect();
    // Rising bucket bounds with rising cumulative counts, ending at every call.
    assert_eq!(nums.last(), Some(&3));
    for pair in nums.chunks(2).collect::<Vec<_>>().windows(2) {
        assert!(
            pair[1][0] > pair[0][0] && pair[1][1] > pair[0][1],
            "{nums:?}"
        );
    }
}

#[test]
fn a_long_active_expiry_cycle_is_an_event() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["CONFIG", "SET", "latency-monitor-threshold", "1"]).expect("set");
    let fill = "for i = 1, 200000 do redis.call('set', i, 'v', 'px', 1) end return 1";
    run(&mut c, &["EVAL", fill, "0"]).expect("eval");
    // Nobody reads the keys: active expiry removes them, in cycles of a few ms each.
    let seen = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let v = run(&mut c, &["LATENCY", "HISTORY", "expire-cycle"]).expect("history");
        v != Value::Array(vec![])
    });
    assert!(seen, "no expire-cycle event");
}
