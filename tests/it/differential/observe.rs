//! INFO commandstats / errorstats / latencystats, SLOWLOG and LATENCY against
//! redis-server 7.0.15: the same command stream gives the same counters per command (calls,
//! rejected and failed calls; times aside), the same errors by code, the same section
//! sets for INFO / default / all / everything, the same slow log entries (ids, arguments,
//! redactions, client names; clocks, durations and ports aside) and the same LATENCY
//! replies where they do not depend on timing.

use super::redis_proc::RedisProc;
use super::resp::{Conn, V, show};
use crate::common::TestServer;
use std::collections::BTreeMap;

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn text(v: &V) -> String {
    match v {
        V::Verbatim(_, t) => String::from_utf8_lossy(t).into_owned(),
        _ => String::from_utf8_lossy(v.bytes().unwrap_or_default()).into_owned(),
    }
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

/// Commands that succeed, fail (run but reply an error) and are rejected (never run),
/// with subcommands, MULTI/EXEC and a script among them.
const STREAM: &[&[&str]] = &[
    &["SET", "k", "v"],
    &["GET", "k"],
    &["GET"],
    &["INCR", "k"],
    &["LPUSH", "k", "x"],
    &["NOSUCHCOMMAND", "a"],
    &["CONFIG", "NOSUCH"],
    &["CONFIG", "GET"],
    &["CLIENT", "GETNAME"],
    &["CLIENT", "SETNAME", "observer"],
    &["HSET", "h", "f"],
    &["MULTI"],
    &["SET", "a", "1"],
    &["INCR", "k"],
    &["EXEC"],
    &["MULTI"],
    &["SUBSCRIBE", "c"],
    &["WATCH", "k"],
    &["GET"],
    &["EXEC"],
    &["EXEC"],
    &["EVAL", "return redis.call('incr', KEYS[1])", "1", "n"],
    &["EVAL", "return redis.call('incr', KEYS[1])", "1", "k"],
    &["XADD", "s", "0-0", "f", "v"],
    &["ZADD", "z", "nan", "m"],
    &["AUTH", "nosuch", "pass"],
    &["SELECT", "100"],
    &["OBJECT", "ENCODING", "nokey"],
];

fn play(c: &mut Conn) -> Vec<String> {
    STREAM
        .iter()
        .map(|words| {
            let reply = c.call(&argv(words)).expect("reply");
            format!("{} -> {}", words.join(" "), show(&reply))
        })
        .collect()
}

/// INFO `section` as (field, value) lines.
fn info(c: &mut Conn, section: &str) -> Vec<(String, String)> {
    let reply = c.call(&argv(&["INFO", section])).expect("INFO");
    text(&reply)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// commandstats without the times: name → "calls=..,rejected_calls=..,failed_calls=..".
fn counters(c: &mut Conn) -> BTreeMap<String, String> {
    info(c, "commandstats")
        .into_iter()
        .map(|(k, v)| {
            let kept: Vec<&str> = v.split(',').filter(|f| !f.starts_with("usec")).collect();
            (k, kept.join(","))
        })
        .collect()
}

#[test]
fn differential_info_command_and_error_stats() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");
    for c in [&mut r, &mut m] {
        c.call(&argv(&["CONFIG", "RESETSTAT"])).expect("resetstat");
    }
    let (want, got) = (play(&mut r), play(&mut m));
    assert_eq!(got, want, "the stream's replies differ");
    assert_eq!(counters(&mut m), counters(&mut r), "commandstats differ");
    assert_eq!(info(&mut m, "errorstats"), info(&mut r, "errorstats"));
    let errors = |c: &mut Conn| {
        info(c, "stats")
            .into_iter()
            .find(|(k, _)| k == "total_error_replies")
    };
    assert_eq!(errors(&mut m), errors(&mut r));
    // Every latencystats line: a command with a histogram, and the three percentiles.
    let shape = |c: &mut Conn| -> Vec<(String, Vec<String>)> {
        info(c, "latencystats")
            .into_iter()
            .map(|(k, v)| {
                let labels = v
                    .split(',')
                    .map(|p| p.split('=').next().unwrap_or("").to_string());
                (k, labels.collect())
            })
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect()
    };
    assert_eq!(shape(&mut m), shape(&mut r));
    let cpu = |c: &mut Conn| {
        info(c, "cpu")
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
    };
    assert_eq!(cpu(&mut m), cpu(&mut r));
    // RESETSTAT forgets them all.
    for c in [&mut r, &mut m] {
        c.call(&argv(&["CONFIG", "RESETSTAT"])).expect("resetstat");
    }
    assert_eq!(counters(&mut m), counters(&mut r));
    assert_eq!(info(&mut m, "errorstats"), info(&mut r, "errorstats"));
}

#[test]
fn differential_info_section_sets() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");
    // Something in every section that shows only with data.
    for c in [&mut r, &mut m] {
        c.call(&argv(&["SET", "k", "v"])).expect("set");
        c.call(&argv(&["GET"])).expect("an error");
    }
    let titles = |c: &mut Conn, args: &[&str]| -> Vec<String> {
        let mut words = vec!["INFO"];
        words.extend_from_slice(args);
        let reply = c.call(&argv(&words)).expect("INFO");
        text(&reply)
            .lines()
            .filter(|l| l.starts_with('#'))
            // Ours alone.
            .filter(|l| *l != "# Threads")
            .map(str::to_string)
            .collect()
    };
    for args in [
        &[][..],
        &["default"],
        &["all"],
        &["everything"],
        &["commandstats"],
        &["modules"],
        &["cpu", "errorstats", "latencystats"],
        &["ALL", "modules"],
    ] {
        assert_eq!(titles(&mut m, args), titles(&mut r, args), "INFO {args:?}");
    }
}

/// A slow log entry without what differs by nature: time, duration and the client's port.
fn entry_norm(v: &V) -> String {
    let items = v.items().expect("an entry");
    assert_eq!(items.len(), 6, "{}", show(v));
    assert!(
        matches!(items[1], V::Int(t) if t > 1_600_000_000),
        "a unix time"
    );
    assert!(matches!(items[2], V::Int(d) if d >= 0), "a duration");
    let addr = text(&items[4]);
    let host = addr.rsplit_once(':').map_or(addr.as_str(), |(h, _)| h);
    format!(
        "id={} argv={} addr={host} name={}",
        show(&items[0]),
        show(&items[3]),
        show(&items[5])
    )
}

#[test]
fn differential_slowlog() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");
    let long = "x".repeat(200);
    let mut many = vec!["RPUSH", "list"];
    let nums: Vec<String> = (0..40).map(|i| i.to_string()).collect();
    many.extend(nums.iter().map(String::as_str));
    let script: Vec<Vec<&str>> = vec![
        vec!["SLOWLOG", "HELP"],
        vec!["CONFIG", "SET", "slowlog-log-slower-than", "0"],
        vec!["SLOWLOG", "RESET"],
        vec!["SET", "k", &long],
        many.clone(),
        vec!["CLIENT", "SETNAME", "slowpoke"],
        vec!["AUTH", "secret"],
        vec!["AUTH", "someone", "secret"],
        vec![
            "HELLO", "2", "AUTH", "default", "nopass", "SETNAME", "again",
        ],
        vec!["CONFIG", "SET", "masterauth", "hidden"],
        vec!["EXEC"],
        vec!["MULTI"],
        vec!["INCR", "n"],
        vec!["EXEC"],
        vec![
            "EVAL",
            "return redis.call('set', KEYS[1], 'v')",
            "1",
            "fromlua",
        ],
        vec!["SLOWLOG", "LEN"],
        vec!["SLOWLOG", "GET", "-2"],
        vec!["SLOWLOG", "GET", "x"],
        vec!["SLOWLOG", "LEN", "x"],
        vec!["SLOWLOG", "NOSUCH"],
    ];
    let run = |c: &mut Conn| -> Vec<String> {
        let mut out: Vec<String> = script
            .iter()
            .map(|w| {
                let reply = c.call(&argv(w)).expect("reply");
                // HELLO's reply holds the client id, which differs.
                let shown = if w[0] == "HELLO" && !reply.is_error() {
                    "(hello)".to_string()
                } else {
                    show(&reply)
                };
                format!("{} -> {shown}", w.join(" "))
            })
            .collect();
        let all = c.call(&argv(&["SLOWLOG", "GET", "-1"])).expect("get");
        out.extend(all.items().expect("entries").iter().map(entry_norm));
        let two = c.call(&argv(&["SLOWLOG", "GET", "2"])).expect("get");
        out.push(format!(
            "GET 2: {} entries",
            two.items().map_or(0, <[V]>::len)
        ));
        c.call(&argv(&["CONFIG", "SET", "slowlog-max-len", "3"]))
            .expect("set");
        let len = c.call(&argv(&["SLOWLOG", "LEN"])).expect("len");
        out.push(format!("after max-len 3: {}", show(&len)));
        c.call(&argv(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"]))
            .expect("set");
        c.call(&argv(&["SLOWLOG", "RESET"])).expect("reset");
        c.call(&argv(&["GET", "k"])).expect("get");
        let len = c.call(&argv(&["SLOWLOG", "LEN"])).expect("len");
        out.push(format!("disabled: {}", show(&len)));
        out
    };
    let (want, got) = (run(&mut r), run(&mut m));
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn differential_latency() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");
    let script: &[&[&str]] = &[
        &["LATENCY", "HELP"],
        &["LATENCY", "DOCTOR"],
        &["LATENCY", "LATEST"],
        &["LATENCY", "HISTORY", "command"],
        &["LATENCY", "GRAPH", "command"],
        &["LATENCY", "RESET"],
        &["LATENCY", "RESET", "command", "nosuch"],
        &["LATENCY", "NOSUCH"],
        &["LATENCY", "HISTORY"],
        &["CONFIG", "SET", "latency-monitor-threshold", "100"],
        &["LATENCY", "DOCTOR"],
        &["CONFIG", "RESETSTAT"],
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["CLIENT", "GETNAME"],
        &["LATENCY", "HISTOGRAM", "nosuch"],
        &["CONFIG", "SET", "latency-tracking", "no"],
        &["GET", "a"],
        &["CONFIG", "SET", "latency-tracking", "yes"],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "50 90",
        ],
    ];
    let run = |c: &mut Conn| -> Vec<String> {
        let mut out: Vec<String> = script
            .iter()
            .map(|w| {
                format!(
                    "{} -> {}",
                    w.join(" "),
                    show(&c.call(&argv(w)).expect("reply"))
                )
            })
            .collect();
        // Histograms: the commands and their call counts (bucket edges depend on timing).
        for args in [&["set", "client", "get", "config|set"][..], &[]] {
            let mut words = vec!["LATENCY", "HISTOGRAM"];
            words.extend_from_slice(args);
            let v = c.call(&argv(&words)).expect("histogram");
            let items = v.items().expect("RESP2 map as array").to_vec();
            let mut shown = Vec::new();
            for pair in items.chunks(2) {
                let fields = pair[1].items().expect("fields");
                assert_eq!(text(&fields[0]), "calls");
                assert_eq!(text(&fields[2]), "histogram_usec");
                let buckets = fields[3].items().expect("buckets");
                let calls = match fields[1] {
                    V::Int(n) => n,
                    _ => -1,
                };
                // The last bucket holds every call.
                assert_eq!(buckets.last(), Some(&V::Int(calls)), "{}", show(&pair[1]));
                shown.push(format!("{}={calls}", text(&pair[0])));
            }
            shown.sort();
            out.push(format!("HISTOGRAM {args:?}: {}", shown.join(" ")));
        }
        // A spike: the report's text, numbers masked, without the expire-cycle event
        // (redis-server records one whenever a cycle takes a millisecond on a busy box).
        for w in [
            &["CONFIG", "SET", "latency-monitor-threshold", "1"][..],
            &[
                "EVAL",
                "local i = 0 while i < 3000000 do i = i + 1 end return i",
                "0",
            ],
        ] {
            c.call(&argv(w)).expect("reply");
        }
        for slowlog in ["10000", "-1"] {
            c.call(&argv(&[
                "CONFIG",
                "SET",
                "slowlog-log-slower-than",
                slowlog,
            ]))
            .expect("set");
            let doctor = text(&c.call(&argv(&["LATENCY", "DOCTOR"])).expect("doctor"));
            for line in doctor.lines() {
                if line.contains("expire-cycle") || line.contains("'hz'") {
                    continue;
                }
                let masked: String = line
                    .split(' ')
                    .map(|w| {
                        if w.starts_with(|ch: char| ch.is_ascii_digit()) {
                            "N"
                        } else {
                            w
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(masked);
            }
        }
        let lines = info(c, "latencystats");
        let mut keys: Vec<String> = lines
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}:{}",
                    v.split(',')
                        .map(|p| p.split('=').next().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            })
            .collect();
        keys.sort();
        out.push(keys.join(" "));
        out
    };
    let (want, got) = (run(&mut r), run(&mut m));
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len());
}

/// What a monitor sees of `script` (timestamps and ports masked), up to the final ECHO.
fn monitored(addr: std::net::SocketAddr, script: &[&[&str]]) -> Vec<String> {
    use std::io::{BufRead, BufReader, Write};
    let mut w = Conn::connect(addr).expect("connect");
    let stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream);
    reader.get_mut().write_all(b"MONITOR\r\n").expect("send");
    // Monitoring before the script starts.
    let mut ok = String::new();
    reader.read_line(&mut ok).expect("+OK");
    assert_eq!(ok, "+OK\r\n");
    let mut replies = Vec::new();
    for words in script {
        let reply = w.call(&argv(words)).expect("reply");
        let shown = if words[0] == "HELLO" && !reply.is_error() {
            "(hello)".to_string()
        } else {
            show(&reply)
        };
        replies.push(format!("{} -> {shown}", words.join(" ")));
    }
    w.call(&argv(&["ECHO", "end"])).expect("echo");
    let mut lines = replies;
    loop {
        let mut l = String::new();
        reader.read_line(&mut l).expect("a monitor line");
        let l = l.trim_end().to_string();
        let masked = match l.split_once(' ') {
            Some((stamp, rest)) if stamp.starts_with('+') && stamp.contains('.') => {
                let rest = match rest.split_once("127.0.0.1:") {
                    Some((a, b)) => {
                        let d = b.find(|c: char| !c.is_ascii_digit()).unwrap_or(b.len());
                        format!("{a}127.0.0.1:P{}", &b[d..])
                    }
                    None => rest.to_string(),
                };
                format!("+T {rest}")
            }
            _ => l.clone(),
        };
        let end = masked.ends_with("\"ECHO\" \"end\"");
        lines.push(masked);
        if end {
            return lines;
        }
    }
}

#[test]
fn differential_monitor() {
    let Some((redis, muxis)) = servers() else {
        return;
    };
    let script: &[&[&str]] = &[
        &["SET", "k", "a \"b\"\n\x01\u{7f}\\ é"],
        &["SELECT", "2"],
        &["GET", "k"],
        &["GET"],
        &["NOSUCH"],
        &["CONFIG", "GET", "maxmemory"],
        &["CLIENT", "GETNAME"],
        &["SLOWLOG", "LEN"],
        &["AUTH", "someone", "pw"],
        &["HELLO", "2", "AUTH", "default", "wrong"],
        &["MULTI"],
        &["SET", "a", "1"],
        &["INCR", "a"],
        &["EXEC"],
        &[
            "EVAL",
            "redis.call('select', 5) return redis.call('set', KEYS[1], ARGV[1])",
            "1",
            "x",
            "y",
        ],
        &["EVALSHA", "0000000000000000000000000000000000000000", "0"],
        &["BLPOP", "nolist", "0.01"],
        &["SUBSCRIBE", "ch"],
        &["PING"],
        &["RESET"],
        &["SELECT", "0"],
    ];
    let (want, got) = (monitored(redis.addr, script), monitored(muxis.addr, script));
    assert_eq!(got.len(), want.len(), "muxis: {got:#?}\nredis: {want:#?}");
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "muxis (left) and redis-server (right) differ");
    }
    assert_eq!(got.len(), want.len(), "{got:#?}");
}
