//! The real binary as a child process, for tests that measure its memory (RSS is per
//! process; the in-process servers share theirs with every other test), and small socket
//! helpers for misbehaving clients.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `muxis` process on 127.0.0.1; killed and reaped when dropped.
pub struct Proc {
    child: Child,
    pub addr: SocketAddr,
}

impl Proc {
    /// Starts the binary with `args` on a free port and waits until it accepts connections.
    pub fn start(args: &[&str]) -> Proc {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_muxis"))
            .args(["--port", &port.to_string()])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts");
        let p = Proc {
            child,
            addr: ([127, 0, 0, 1], port).into(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(p.addr).is_err() {
            assert!(Instant::now() < deadline, "server never accepted");
            std::thread::sleep(Duration::from_millis(20));
        }
        p
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB, from /proc.
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("/proc status of the server");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS line")
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        s.set_nodelay(true).ok();
        s
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Closes `s` with a TCP reset instead of a FIN (SO_LINGER 0), as a crashed client or a
/// middlebox does: the server sees an error on the socket, not an orderly close.
pub fn reset(s: TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: the descriptor is open (owned by `s` until the drop below) and `linger` is a
    // valid, properly sized value for SO_LINGER; setsockopt only reads it.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_LINGER");
    drop(s);
}

/// Reads one complete reply line or bulk (`+..`, `-..`, `:..`, `$n` with its data, or a
/// null); enough for the replies these tests read.
pub fn read_reply(s: &mut TcpStream) -> Vec<u8> {
    let mut line = read_line(s);
    if line.first() == Some(&b'$') {
        let n: i64 = std::str::from_utf8(&line[1..line.len() - 2])
            .ok()
            .and_then(|t| t.parse().ok())
            .expect("bulk length");
        if n >= 0 {
            let mut data = vec![0; n as usize + 2];
            s.read_exact(&mut data).expect("bulk data");
            line.extend_from_slice(&data);
        }
    }
    line
}

/// Reads up to and including "\r\n".
pub fn read_line(s: &mut TcpStream) -> Vec<u8> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        s.read_exact(&mut b).expect("a reply line");
        line.push(b[0]);
    }
    line
}

/// Sends `cmd` and reads one reply.
pub fn call(s: &mut TcpStream, cmd: &[u8]) -> Vec<u8> {
    s.write_all(cmd).expect("send");
    read_reply(s)
}

/// `INFO` field `name` as a number, read over `s`.
pub fn info_field(s: &mut TcpStream, name: &str) -> u64 {
    let reply = call(s, b"INFO\r\n");
    let text = String::from_utf8_lossy(&reply);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in INFO"))
}

/// Polls `f` every 20 ms until it is true or `secs` have passed; returns whether it became
/// true. (A liveness bound, not a speed check: the generous limit only stops a hang.)
pub fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
