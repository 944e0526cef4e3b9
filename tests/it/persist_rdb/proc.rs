//! A muxis or redis-server process in a scratch directory, its log kept in that directory.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("muxis-rdb-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Muxis,
    Redis,
}

pub fn redis_available() -> bool {
    Path::new("/usr/bin/redis-server").exists()
}

/// A server process; killed (SIGKILL) and reaped when dropped.
pub struct Srv {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

fn command(kind: Kind) -> Command {
    match kind {
        Kind::Muxis => Command::new(env!("CARGO_BIN_EXE_muxis")),
        Kind::Redis => Command::new("/usr/bin/redis-server"),
    }
}

impl Srv {
    /// Starts `kind` in `dir` with `args` on a free port; waits until it accepts.
    pub fn start(kind: Kind, dir: &Path, args: &[&str]) -> Srv {
        Srv::try_start(kind, dir, args).unwrap_or_else(|log| panic!("server did not start:\n{log}"))
    }

    /// [`Srv::start`], or the log when the process exits before accepting.
    pub fn try_start(kind: Kind, dir: &Path, args: &[&str]) -> Result<Srv, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.join(format!("{kind:?}-{port}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let child = command(kind)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--dir", &dir.to_string_lossy()])
            .args(["--save", ""])
            .args(args)
            .stdout(Stdio::from(out.try_clone().expect("dup")))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("spawn");
        let mut s = Srv {
            child,
            addr: ([127, 0, 0, 1], port).into(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(_)) = s.child.try_wait() {
                return Err(s.log_text());
            }
            if TcpStream::connect(s.addr).is_ok() {
                // Listening comes before loading the file: a PING answers once loaded.
                if s.ping() {
                    return Ok(s);
                }
                s.wait_exit(10);
                return Err(s.log_text());
            }
            assert!(Instant::now() < deadline, "server never accepted");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server answers a PING (within the bound).
    fn ping(&self) -> bool {
        let Ok(c) = redis::Client::open(format!("redis://{}/", self.addr)) else {
            return false;
        };
        let Ok(mut con) = c.get_connection_with_timeout(Duration::from_secs(30)) else {
            return false;
        };
        con.set_read_timeout(Some(Duration::from_secs(30))).ok();
        redis::cmd("PING").query::<String>(&mut con).is_ok()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn conn(&self) -> redis::Connection {
        let c = redis::Client::open(format!("redis://{}/", self.addr)).expect("url");
        let con = c.get_connection().expect("connects");
        con.set_read_timeout(Some(Duration::from_secs(60))).ok();
        con
    }

    /// Sends SIGTERM and waits for the exit (bounded).
    pub fn term(mut self) -> String {
        // SAFETY: kill(2) on the pid of a child this test owns and has not reaped.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.log_text()
    }

    /// Waits (bounded) for the process to exit by itself; true if it did.
    pub fn wait_exit(&mut self, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Srv {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An INFO field as text.
pub fn info(c: &mut redis::Connection, section: &str, name: &str) -> String {
    let text: String = redis::cmd("INFO").arg(section).query(c).expect("INFO");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in INFO {section}"))
        .trim()
        .to_string()
}

/// Waits (bounded) until a background save finished.
pub fn wait_bgsave(c: &mut redis::Connection) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while info(c, "persistence", "rdb_bgsave_in_progress") != "0" {
        assert!(Instant::now() < deadline, "BGSAVE never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
}
