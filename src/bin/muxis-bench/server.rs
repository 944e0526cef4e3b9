//! A server under test run as a child process: spawned on a free loopback port, waited on
//! until it answers PING, measured (CPU from /proc), and stopped by PID — SIGTERM, then
//! SIGKILL if it has not exited in time. Dropping a [`Server`] stops it too.

use crate::blocking;
use crate::cpu;
use crate::error::Error;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const READY_TIMEOUT: Duration = Duration::from_secs(15);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running child server.
pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
}

/// A free port on 127.0.0.1, found by binding port 0 and letting it go.
pub fn free_port() -> Result<u16, Error> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(Error::io("finding a port"))?;
    let port = l.local_addr().map_err(Error::io("finding a port"))?.port();
    Ok(port)
}

impl Server {
    /// Starts `argv` (program first) and waits until 127.0.0.1:`port` answers PING.
    pub fn start(argv: &[String], port: u16) -> Result<Server, Error> {
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| Error::Usage("empty server command".into()))?;
        // The server's log would interleave with ours; its errors (stderr) still show.
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(Error::io(format!("starting {program}")))?;
        let mut server = Server {
            child: Some(child),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        };
        server.wait_ready(program)?;
        Ok(server)
    }

    fn wait_ready(&mut self, program: &str) -> Result<(), Error> {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(child) = &mut self.child
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(Error::Server(format!(
                    "{program} exited at start: {status}"
                )));
            }
            if blocking::ping(self.addr, Duration::from_millis(500)) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(Error::Server(format!(
            "{program} did not answer PING on {} within {READY_TIMEOUT:?}",
            self.addr
        )))
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The server's user + system CPU time so far.
    pub fn cpu(&self) -> Result<Duration, Error> {
        let pid = self
            .pid()
            .ok_or_else(|| Error::Server("server has exited".into()))?;
        cpu::of_pid(pid).map_err(Error::io(format!("reading CPU time of pid {pid}")))
    }

    /// SIGTERM, wait; SIGKILL if it is still running after [`STOP_TIMEOUT`].
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill takes no pointers; the pid is our own unreaped child, so it
            // cannot have been reused by another process.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        eprintln!(
            "muxis-bench: pid {} ignored SIGTERM; killing it",
            child.id()
        );
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Splits a command line into words: whitespace separates, single and double quotes group
/// (`--save ""` is one empty word). None when a quote is left open.
pub fn split_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        let w = split_words(r#"redis-server --port {port} --save "" --appendonly no 'a b'"#);
        assert_eq!(
            w.expect("balanced"),
            [
                "redis-server",
                "--port",
                "{port}",
                "--save",
                "",
                "--appendonly",
                "no",
                "a b"
            ]
        );
        assert_eq!(split_words("x 'open"), None);
        assert_eq!(split_words("   ").expect("balanced"), Vec::<String>::new());
    }

    #[test]
    fn a_server_that_exits_is_reported() {
        let port = free_port().expect("a free port");
        let err = Server::start(&["false".to_string()], port);
        assert!(matches!(err, Err(Error::Server(_))));
    }
}
