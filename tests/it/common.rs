//! Starting servers and talking to them.

#![allow(dead_code)]

use muxis::config::Config;
use muxis::server::Handle;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A muxis running in this process on 127.0.0.1:0; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    handle: Option<Handle>,
    /// The server's own `dbfilename`, removed when it stops.
    rdb: String,
}

/// A `dbfilename` no other server uses. In-process servers share the working directory
/// (`dir` is a `chdir`), and a server loads its `dbfilename` at start: with Redis's
/// `dump.rdb` they would load whatever a developer's `cargo run` left in the crate
/// directory, and one test's SAVE would leak into the next.
fn own_rdb_name() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("muxis-test-{}-{n}.rdb", std::process::id())
}

impl TestServer {
    /// Defaults: one I/O thread, run by the executor's own thread (the default on small
    /// machines). Tests about several I/O threads ask for them; `io_threads = n` gives n - 1
    /// threads that serve clients.
    pub fn start() -> TestServer {
        TestServer::with(|_| {})
    }

    /// Defaults changed by `f`.
    pub fn with(f: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config {
            port: 0,
            io_threads: 1,
            ..Config::default()
        };
        let rdb = own_rdb_name();
        config.set("dbfilename", &rdb).expect("dbfilename");
        f(&mut config);
        let handle = muxis::server::start(config).expect("server starts");
        TestServer {
            addr: handle.addr,
            handle: Some(handle),
            rdb,
        }
    }

    /// Defaults with one I/O thread beside the executor's, and a reader of the propagated stream (the bytes the
    /// AOF and replicas will get) that appends each round's bytes to the returned buffer.
    pub fn recording() -> (TestServer, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut config = Config {
            port: 0,
            io_threads: 2,
            ..Config::default()
        };
        let rdb = own_rdb_name();
        config.set("dbfilename", &rdb).expect("dbfilename");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let handle = muxis::server::start_observed(
            config,
            stop,
            vec![Box::new(move |bytes: &bytes::Bytes| {
                sink.lock().expect("sink lock").extend_from_slice(bytes)
            })],
        )
        .expect("server starts");
        let server = TestServer {
            addr: handle.addr,
            handle: Some(handle),
            rdb,
        };
        (server, seen)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// A `redis` crate connection.
    pub fn client(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .expect("valid url")
            .get_connection()
            .expect("connects")
    }

    /// A raw TCP connection for byte-level tests.
    pub fn raw(&self) -> Raw {
        let stream = TcpStream::connect(self.addr).expect("connects");
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        stream.set_nodelay(true).ok();
        Raw { stream }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.stop();
            h.wait();
        }
        // Gone unless the test saved (SAVE, DEBUG RELOAD, a save point).
        let _ = std::fs::remove_file(&self.rdb);
    }
}

/// A plain socket with helpers to send bytes and expect exact replies.
pub struct Raw {
    pub stream: TcpStream,
}

impl Raw {
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Reads exactly `n` bytes.
    pub fn read_n(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        self.stream.read_exact(&mut buf).expect("reply arrives");
        buf
    }

    /// Reads exactly as many bytes as `expected` and compares.
    pub fn expect(&mut self, expected: &[u8]) {
        let got = self.read_n(expected.len());
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "reply bytes differ"
        );
    }

    /// Sends `cmd` and expects `reply`.
    pub fn roundtrip(&mut self, cmd: &[u8], reply: &[u8]) {
        self.send(cmd);
        self.expect(reply);
    }

    /// Reads until the server closes the connection; returns everything read.
    pub fn read_to_close(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return out,
                Err(e) => panic!("read failed before close: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "server did not close the connection"
            );
        }
    }
}

/// Encodes a command as a RESP multibulk.
pub fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Runs a command with the `redis` crate and returns the raw value.
pub fn run(con: &mut redis::Connection, args: &[&str]) -> redis::RedisResult<redis::Value> {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c.query(con)
}
