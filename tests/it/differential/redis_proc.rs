//! A real `redis-server` child process on an ephemeral port, killed and reaped when dropped
//! (also when the test panics, since unwinding runs `Drop`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's redis-server 7.0; `MUXIS_REDIS_SERVER` names another binary.
pub fn path() -> String {
    std::env::var("MUXIS_REDIS_SERVER").unwrap_or_else(|_| "/usr/bin/redis-server".into())
}

pub struct RedisProc {
    child: Child,
    pub addr: SocketAddr,
}

impl RedisProc {
    /// Starts redis-server, or returns `None` when it is not installed (the caller decides
    /// whether that skips or fails). Retries with another port if the chosen one was taken
    /// between picking and binding.
    pub fn start() -> Option<RedisProc> {
        Self::start_with(&[])
    }

    /// [`RedisProc::start`] with more command-line options.
    pub fn start_with(extra: &[&str]) -> Option<RedisProc> {
        if !Path::new(&path()).exists() {
            return None;
        }
        for _ in 0..5 {
            if let Some(p) = Self::try_start(extra) {
                return Some(p);
            }
        }
        panic!("redis-server did not start after 5 attempts");
    }

    fn try_start(extra: &[&str]) -> Option<RedisProc> {
        // Bind to port 0 to learn a free port, then free it for redis-server.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(path())
            .args(["--port", &port.to_string()])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--bind", "127.0.0.1"])
            .args(["--daemonize", "no"])
            .args(["--dir", &std::env::temp_dir().to_string_lossy()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let mut proc = RedisProc {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = proc.child.try_wait() {
                // It exited (most likely the port was taken): `proc` is dropped and reaped.
                return None;
            }
            if TcpStream::connect(proc.addr).is_ok() {
                return Some(proc);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for RedisProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
