//! SLOWLOG over TCP: what is logged and when, entry layout, trimming, the limits.

use crate::common::{TestServer, run};
use redis::Value;

/// SLOWLOG GET count, each entry as (id, usec, argv, addr, name).
fn entries(c: &mut redis::Connection, count: i64) -> Vec<(i64, i64, Vec<String>, String, String)> {
    let v = run(c, &["SLOWLOG", "GET", &count.to_string()]).expect("slowlog get");
    let Value::Array(items) = v else {
        panic!("an array: {v:?}")
    };
    items
        .into_iter()
        .map(|e| {
            let Value::Array(f) = e else {
                panic!("an entry")
            };
            let int = |v: &Value| match v {
                Value::Int(n) => *n,
                other => panic!("an integer: {other:?}"),
            };
            let s = |v: &Value| match v {
                Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                other => panic!("a bulk: {other:?}"),
            };
            let Value::Array(args) = &f[3] else {
                panic!("argv")
            };
            assert!(int(&f[1]) > 1_600_000_000, "a unix time");
            (
                int(&f[0]),
                int(&f[2]),
                args.iter().map(s).collect(),
                s(&f[4]),
                s(&f[5]),
            )
        })
        .collect()
}

#[test]
fn logs_every_command_at_zero_and_none_at_minus_one() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["CONFIG", "SET", "slowlog-log-slower-than", "0"]).expect("set");
    run(&mut c, &["SLOWLOG", "RESET"]).expect("reset");
    run(&mut c, &["CLIENT", "SETNAME", "me"]).expect("setname");
    run(&mut c, &["SET", "k", "v"]).expect("set");
    let e = entries(&mut c, 10);
    assert_eq!(e.len(), 3, "{e:?}");
    // Newest first; ids go on across RESET.
    assert_eq!(e[0].2, ["SET", "k", "v"]);
    assert_eq!(e[0].4, "me");
    assert!(e[0].3.starts_with("127.0.0.1:"), "{}", e[0].3);
    assert_eq!(e[1].2, ["CLIENT", "SETNAME", "me"]);
    assert_eq!(e[2].2, ["SLOWLOG", "RESET"]);
    assert_eq!(e[0].0, e[1].0 + 1);
    assert!(e.iter().all(|x| x.1 >= 0));
    let len = run(&mut c, &["SLOWLOG", "LEN"]).expect("len");
    assert_eq!(len, Value::Int(4));
    run(&mut c, &["CONFIG", "SET", "slowlog-log-slower-than", "-1"]).expect("set");
    run(&mut c, &["SLOWLOG", "RESET"]).expect("reset");
    run(&mut c, &["SET", "k", "v"]).expect("set");
    assert_eq!(
        run(&mut c, &["SLOWLOG", "LEN"]).expect("len"),
        Value::Int(0)
    );
}

#[test]
fn long_commands_are_trimmed_and_the_log_is_bounded() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["CONFIG", "SET", "slowlog-log-slower-than", "0"]).expect("set");
    let big = "b".repeat(300);
    let mut args = vec!["RPUSH", "l", big.as_str()];
    let nums: Vec<String> = (0..50).map(|i| i.to_string()).collect();
    args.extend(nums.iter().map(String::as_str));
    run(&mut c, &args).expect("rpush");
    let e = &entries(&mut c, 1)[0];
    assert_eq!(e.2.len(), 32);
    assert_eq!(e.2[31], "... (22 more arguments)");
    assert_eq!(e.2[2], format!("{}... (172 more bytes)", "b".repeat(128)));
    run(&mut c, &["CONFIG", "SET", "slowlog-max-len", "2"]).expect("set");
    for _ in 0..5 {
        run(&mut c, &["PING"]).expect("ping");
    }
    assert_eq!(
        run(&mut c, &["SLOWLOG", "LEN"]).expect("len"),
        Value::Int(2)
    );
    assert_eq!(entries(&mut c, -1).len(), 2);
    assert_eq!(entries(&mut c, 1).len(), 1);
    let err = run(&mut c, &["SLOWLOG", "GET", "-5"]).expect_err("bad count");
    assert!(
        err.to_string()
            .contains("count should be greater than or equal to -1")
    );
}

#[test]
fn a_slow_script_is_logged_with_its_whole_duration_and_exec_is_not() {
    let s = TestServer::start();
    let mut c = s.client();
    run(
        &mut c,
        &["CONFIG", "SET", "slowlog-log-slower-than", "5000"],
    )
    .expect("set");
    let slow = "local i = 0 while i < 3000000 do i = i + 1 end return i";
    run(&mut c, &["EVAL", slow, "0"]).expect("eval");
    run(&mut c, &["GET", "k"]).expect("get");
    let e = entries(&mut c, -1);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].2[0], "EVAL");
    assert!(e[0].1 >= 5000, "{e:?}");
    // EXEC is never logged (skip_slowlog); what it runs is, one by one.
    run(&mut c, &["CONFIG", "SET", "slowlog-log-slower-than", "0"]).expect("set");
    run(&mut c, &["SLOWLOG", "RESET"]).expect("reset");
    run(&mut c, &["MULTI"]).expect("multi");
    run(&mut c, &["INCR", "n"]).expect("queued");
    run(&mut c, &["EXEC"]).expect("exec");
    let names: Vec<String> = entries(&mut c, -1)
        .into_iter()
        .map(|e| e.2[0].clone())
        .collect();
    assert_eq!(names, ["INCR", "MULTI", "SLOWLOG"]);
}

#[test]
fn passwords_are_redacted() {
    let s = TestServer::start();
    let mut c = s.client();
    run(&mut c, &["CONFIG", "SET", "slowlog-log-slower-than", "0"]).expect("set");
    let _ = run(&mut c, &["AUTH", "someone", "secret"]);
    run(
        &mut c,
        &["CONFIG", "SET", "requirepass", "pw", "maxmemory", "0"],
    )
    .expect("set");
    let e = entries(&mut c, 2);
    assert_eq!(
        e[0].2,
        [
            "CONFIG",
            "SET",
            "requirepass",
            "(redacted)",
            "maxmemory",
            "0"
        ]
    );
    assert_eq!(e[1].2, ["AUTH", "(redacted)", "(redacted)"]);
}
