//! Real processes for the AOF tests: the muxis binary and redis-server, each in its own
//! directory (the AOF lives under `dir`, which is per process), killed when dropped.
//! Also a dataset writer that covers every type, and a dump to compare datasets with.

use redis::Value;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A fresh directory under the system temp dir.
pub fn tmpdir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let p = std::env::temp_dir().join(format!("muxis-aof-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&p).expect("temp dir");
    p
}

/// A child process that is killed and reaped when dropped.
pub struct Proc {
    child: Child,
    pub port: u16,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    pub fn conn(&self) -> redis::Connection {
        let c = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("url");
        let con = c.get_connection().expect("connects");
        con.set_read_timeout(Some(Duration::from_secs(30))).ok();
        con
    }

    /// kill -9.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SHUTDOWN (NOSAVE for redis-server: its data is in the AOF) and wait for the exit.
    pub fn shutdown(mut self) {
        if let Ok(mut c) = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port))
            .and_then(|c| c.get_connection())
        {
            let _: redis::RedisResult<Value> = redis::cmd("SHUTDOWN").query(&mut c);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not exit after SHUTDOWN");
    }
}

/// Starts the muxis binary in `dir` with `args`; `Err(log)` if it exits instead of
/// listening.
pub fn muxis(dir: &Path, args: &[&str]) -> Result<Proc, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_muxis"))
        .args(["--port", "0", "--io-threads", "1", "--dir"])
        .arg(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    for out in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let (log, tx) = (log.clone(), tx.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let addr = rest.split(';').next().unwrap_or_default();
                    let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                    let _ = tx.send(port);
                }
                let mut l = log.lock().expect("lock");
                l.push_str(&line);
                l.push('\n');
            }
            let _ = tx.send(None);
        });
    }
    drop(tx);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(port)) = rx.recv_timeout(Duration::from_millis(50)) {
            // It listens before it loads; commands wait for the load, and a failed load
            // ends the process (PING then fails and the exit is awaited below).
            let ping = redis::Client::open(format!("redis://127.0.0.1:{port}/"))
                .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(10)))
                .and_then(|mut c| {
                    c.set_read_timeout(Some(Duration::from_secs(60)))?;
                    redis::cmd("PING").query::<String>(&mut c)
                });
            if ping.is_ok() {
                return Ok(Proc { child, port });
            }
            // A failed load exits by itself; a hung one is killed, never left behind.
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            return Err(log.lock().expect("lock").clone());
        }
        if let Ok(Some(_)) = child.try_wait() {
            std::thread::sleep(Duration::from_millis(100));
            return Err(log.lock().expect("lock").clone());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("muxis did not start");
        }
    }
}

/// Starts redis-server 7.0 in `dir` with `args`, or None when it is not installed.
pub fn redis(dir: &Path, args: &[&str]) -> Option<Proc> {
    // Debian's redis-server 7.0, as the differential tests use; MUXIS_REDIS_SERVER overrides.
    let path =
        std::env::var("MUXIS_REDIS_SERVER").unwrap_or_else(|_| "/usr/bin/redis-server".into());
    if !Path::new(&path).exists() {
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(path)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--daemonize", "no", "--dir"])
        .arg(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn redis-server");
    let p = Proc { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Redis answers -LOADING while it loads.
    loop {
        let mut c = p.conn();
        if redis::cmd("PING").query::<String>(&mut c).is_ok() {
            return Some(p);
        }
        assert!(Instant::now() < deadline, "redis-server did not load");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn q(c: &mut redis::Connection, args: &[&str]) -> Value {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Writes a dataset with every type, encodings on both sides of their limits, expiries,
/// and writes whose propagated form differs from what was sent.
pub fn fill(c: &mut redis::Connection) {
    let cmds: &[&[&str]] = &[
        &["SET", "s", "hello"],
        &["SET", "n", "42"],
        &["SET", "ttl", "v", "EX", "1000"],
        &["SET", "gone", "v", "PX", "30"],
        &["INCRBYFLOAT", "f", "1.1"],
        &["INCRBYFLOAT", "f", "2.2"],
        &["SET", "bin", "a\r\nb\x00c"],
        &["SETEX", "ex", "500", "v"],
        &["GETEX", "s", "PX", "800000"],
        &["MULTI"],
        &["INCR", "m1"],
        &["INCR", "m2"],
        &["EXEC"],
        &["SADD", "si", "1", "2", "3", "-7"],
        &["HSET", "h", "a", "1", "b", "2"],
        &[
            "ZADD", "z", "1.5", "a", "-inf", "lo", "+inf", "hi", "0.1", "tenth", "3e100", "big",
        ],
        &["ZINCRBY", "z", "0.2", "tenth"],
        &["RPUSH", "moved", "x", "y"],
        &["LMOVE", "moved", "dst", "LEFT", "RIGHT"],
        &["PEXPIRE", "dst", "900000"],
        &["SELECT", "5"],
        &["XADD", "st", "1-1", "a", "1"],
        &["XADD", "st", "2-1", "b", "2", "c", "3"],
        &["XADD", "st", "3-1", "d", "4"],
        &["XADD", "st", "4-1", "e", "5"],
        &["XDEL", "st", "3-1"],
        &["XGROUP", "CREATE", "st", "g1", "0"],
        &[
            "XREADGROUP",
            "GROUP",
            "g1",
            "c1",
            "COUNT",
            "2",
            "STREAMS",
            "st",
            ">",
        ],
        &["XGROUP", "CREATECONSUMER", "st", "g1", "idle"],
        &["XGROUP", "CREATE", "st", "g2", "$"],
        &["XADD", "empty", "MAXLEN", "0", "7-7", "x", "y"],
        &["SET", "db5", "x"],
        &["SELECT", "0"],
    ];
    for args in cmds {
        q(c, args);
    }
    let many: Vec<String> = (0..200).map(|i| format!("e{i}")).collect();
    let mut rpush = vec!["RPUSH", "l"];
    rpush.extend(many.iter().map(|s| s.as_str()));
    q(c, &rpush);
    let mut sadd = vec!["SADD", "ss"];
    sadd.extend(many.iter().map(|s| s.as_str()));
    q(c, &sadd);
    let mut hset = vec!["HSET", "hb"];
    for m in &many {
        hset.push(m);
        hset.push(m);
    }
    q(c, &hset);
    let mut zadd = vec!["ZADD", "zb"];
    let scores: Vec<String> = (0..200).map(|i| format!("{}", i as f64 / 7.0)).collect();
    for (s, m) in scores.iter().zip(&many) {
        zadd.push(s);
        zadd.push(m);
    }
    q(c, &zadd);
    q(c, &["SPOP", "ss", "3"]);
    q(c, &["SET", "big", &"x".repeat(100_000)]);
    // "gone" expires: its DEL goes into the AOF.
    std::thread::sleep(Duration::from_millis(60));
    q(c, &["GET", "gone"]);
}

/// Every key of every database, described (type, content, absolute expiry), sorted.
pub fn dump(c: &mut redis::Connection) -> Vec<String> {
    let mut out = Vec::new();
    for db in 0..16 {
        q(c, &["SELECT", &db.to_string()]);
        let Value::Array(keys) = q(c, &["KEYS", "*"]) else {
            panic!("KEYS")
        };
        let mut keys: Vec<String> = keys.iter().map(text).collect();
        keys.sort();
        for k in keys {
            let t = text(&q(c, &["TYPE", &k]));
            let v = match t.as_str() {
                "string" => text(&q(c, &["GET", &k])),
                "list" => text(&q(c, &["LRANGE", &k, "0", "-1"])),
                "set" => sorted(q(c, &["SMEMBERS", &k])),
                "hash" => sorted(q(c, &["HGETALL", &k])),
                "zset" => text(&q(c, &["ZRANGE", &k, "0", "-1", "WITHSCORES"])),
                "stream" => stream(c, &k),
                _ => String::new(),
            };
            let at = text(&q(c, &["PEXPIRETIME", &k]));
            out.push(format!("db{db} {k} {t} expire={at} {v}"));
        }
    }
    q(c, &["SELECT", "0"]);
    out
}

fn stream(c: &mut redis::Connection, k: &str) -> String {
    let mut s = text(&q(c, &["XRANGE", k, "-", "+"]));
    let info = q(c, &["XINFO", "STREAM", k]);
    for (f, v) in pairs(&info) {
        if matches!(
            f.as_str(),
            "length" | "last-generated-id" | "max-deleted-entry-id" | "entries-added" | "groups"
        ) {
            s += &format!(" {f}={}", text(&v));
        }
    }
    let Value::Array(groups) = q(c, &["XINFO", "GROUPS", k]) else {
        panic!("XINFO GROUPS")
    };
    for g in &groups {
        let fields = pairs(g);
        let name = fields
            .iter()
            .find(|(f, _)| f == "name")
            .map(|(_, v)| text(v))
            .unwrap_or_default();
        s += &format!(
            " group[{}]",
            fields
                .iter()
                .map(|(f, v)| format!("{f}={}", text(v)))
                .collect::<Vec<_>>()
                .join(",")
        );
        let Value::Array(pending) = q(c, &["XPENDING", k, &name, "-", "+", "100"]) else {
            panic!("XPENDING")
        };
        for p in pending {
            // id, consumer, idle (time passes: left out), deliveries
            if let Value::Array(e) = p {
                s += &format!(" pel={},{},{}", text(&e[0]), text(&e[1]), text(&e[3]));
            }
        }
        let Value::Array(consumers) = q(c, &["XINFO", "CONSUMERS", k, &name]) else {
            panic!("XINFO CONSUMERS")
        };
        for cons in &consumers {
            let f = pairs(cons);
            let get = |n: &str| {
                f.iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| text(v))
                    .unwrap_or_default()
            };
            s += &format!(" consumer={}/{}", get("name"), get("pending"));
        }
    }
    s
}

fn pairs(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Array(a) => a
            .chunks(2)
            .filter(|p| p.len() == 2)
            .map(|p| (text(&p[0]), p[1].clone()))
            .collect(),
        Value::Map(m) => m.iter().map(|(k, v)| (text(k), v.clone())).collect(),
        _ => Vec::new(),
    }
}

fn sorted(v: Value) -> String {
    let Value::Array(items) = v else {
        return text(&v);
    };
    let mut items: Vec<String> = items.iter().map(text).collect();
    items.sort();
    items.join(",")
}

/// A reply as text, recursively.
pub fn text(v: &Value) -> String {
    match v {
        Value::Nil => "nil".into(),
        Value::Int(i) => i.to_string(),
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::Okay => "OK".into(),
        Value::Array(a) | Value::Set(a) => {
            format!("[{}]", a.iter().map(text).collect::<Vec<_>>().join(","))
        }
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", text(k), text(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => format!("{other:?}"),
    }
}

/// The AOF directory's files, by name.
pub fn aof_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("appendonlydir"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The file the manifest lists last (the current incremental file).
pub fn last_incr(dir: &Path) -> PathBuf {
    let m = std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest"))
        .expect("manifest");
    let line = m
        .lines()
        .rev()
        .find(|l| l.ends_with("type i"))
        .expect("an incr file");
    let name = line.split(' ').nth(1).expect("name");
    dir.join("appendonlydir").join(name)
}

/// INFO persistence's field `name`.
pub fn info(c: &mut redis::Connection, name: &str) -> String {
    let text: String = redis::cmd("INFO")
        .arg("persistence")
        .query(c)
        .expect("INFO");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_default()
        .to_string()
}

/// Waits until INFO says no rewrite is running.
pub fn wait_rewrite(c: &mut redis::Connection) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while info(c, "aof_rewrite_in_progress") != "0" {
        assert!(Instant::now() < deadline, "the rewrite did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}
