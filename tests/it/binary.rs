//! The real `muxis` binary, started as a process: flags, config files, errors, signals.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn muxis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_muxis"))
}

/// A started binary and the start-up line it logged.
struct Proc {
    child: Child,
    addr: SocketAddr,
    banner: String,
}

impl Proc {
    /// Starts the binary with `args` and waits for its "listening on" line (the log goes
    /// to standard output, as Redis's does with `logfile ""`).
    fn start(args: &[&str]) -> Proc {
        let child = muxis()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts");
        // Owned by `Proc` at once, so any panic below still kills and reaps it.
        let mut p = Proc {
            child,
            addr: ([127, 0, 0, 1], 0).into(),
            banner: String::new(),
        };
        let stdout = p.child.stdout.take().expect("stdout piped");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            assert!(Instant::now() < deadline, "no start-up line");
            let line = lines.next().expect("a start-up line").expect("utf-8 log");
            if let Some(rest) = line.split("listening on ").nth(1) {
                p.addr = rest
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .parse()
                    .expect("an address");
                p.banner = line;
                // Keep draining the log so the server never blocks on a full pipe.
                std::thread::spawn(move || for _ in lines {});
                return p;
            }
        }
    }

    fn command(&self, cmd: &[u8]) -> Vec<u8> {
        let mut s = TcpStream::connect(self.addr).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(5))).ok();
        s.write_all(cmd).expect("send");
        let mut buf = vec![0; 4096];
        let n = s.read(&mut buf).unwrap_or(0);
        buf.truncate(n);
        buf
    }

    /// Waits for the process to exit; returns its exit code.
    fn wait(mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, sig: i32) {
        // SAFETY-free: kill(2) through libc on a child we own.
        let rc = unsafe { libc::kill(self.child.id() as i32, sig) };
        assert_eq!(rc, 0, "kill failed");
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_conf(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("muxis-{}-{name}.conf", std::process::id()));
    std::fs::write(&path, text).expect("write config");
    path
}

#[test]
fn sigterm_stops_cleanly_with_exit_0() {
    let p = Proc::start(&["--port", "0", "--io-threads", "3"]);
    assert!(p.banner.contains("io-threads 3"), "{}", p.banner);
    assert_eq!(p.command(b"PING\r\n"), b"+PONG\r\n");
    p.signal(libc::SIGTERM);
    assert_eq!(p.wait(), Some(0));
}

#[test]
fn sigint_stops_cleanly_with_exit_0() {
    let p = Proc::start(&["--port", "0"]);
    p.signal(libc::SIGINT);
    assert_eq!(p.wait(), Some(0));
}

#[test]
fn threads_are_named() {
    let p = Proc::start(&["--port", "0", "--io-threads", "3"]);
    // A thread names itself once it runs, so give the new threads a moment. I/O thread 0
    // runs on the main thread.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut names = Vec::new();
        for task in std::fs::read_dir(format!("/proc/{}/task", p.child.id())).expect("proc") {
            let comm = task.expect("task").path().join("comm");
            names.push(
                std::fs::read_to_string(comm)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            );
        }
        let missing: Vec<_> = ["muxis-io-1", "muxis-io-2", "muxis-main"]
            .into_iter()
            .filter(|want| !names.iter().any(|n| n == want))
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{missing:?} missing in {names:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn config_file_is_read_and_flags_override_it() {
    let conf = temp_conf(
        "ok",
        "# test\nport 0\nio-threads 2\nmaxclients \"77\"\ndatabases 4\n",
    );
    let p = Proc::start(&["--config", conf.to_str().unwrap_or_default()]);
    assert!(p.banner.contains("io-threads 2"), "{}", p.banner);
    assert!(p.banner.contains("maxclients 77"), "{}", p.banner);
    assert!(p.banner.contains("databases 4"), "{}", p.banner);
    drop(p);
    let p = Proc::start(&[
        "--config",
        conf.to_str().unwrap_or_default(),
        "--io-threads",
        "3",
    ]);
    assert!(p.banner.contains("io-threads 3"), "{}", p.banner);
}

#[test]
fn unknown_directive_names_the_line() {
    let conf = temp_conf("bad", "port 0\n\nfrobnicate yes\n");
    let out = muxis().arg("--config").arg(&conf).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at line 3")
            && err.contains(">>> 'frobnicate yes'")
            && err.contains("Bad directive or wrong number of arguments"),
        "{err}"
    );
}

#[test]
fn bad_values_are_clear_errors() {
    let out = muxis()
        .args(["--port", "0", "--io-cpus", "4000"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CPU 4000 is not available"), "{err}");

    let out = muxis()
        .args(["--port", "0", "--main-cpu", "4001"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("CPU 4001 is not available"));

    let out = muxis()
        .args(["--proto-max-bulk-len", "lots"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("proto-max-bulk-len"));

    let out = muxis().args(["--io-cpus", "3-1"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn pinning_to_an_available_cpu_starts() {
    let p = Proc::start(&[
        "--port",
        "0",
        "--io-threads",
        "2",
        "--io-cpus",
        "0",
        "--main-cpu",
        "0",
    ]);
    assert!(p.banner.contains("io-cpus [0]"), "{}", p.banner);
    assert_eq!(p.command(b"PING\r\n"), b"+PONG\r\n");
}

#[test]
fn address_in_use_is_a_clear_error() {
    let p = Proc::start(&["--port", "0"]);
    let port = p.addr.port().to_string();
    let out = muxis().args(["--port", &port]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"));
}

#[test]
fn help_lists_redis_named_flags() {
    let out = muxis().arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--bind",
        "--port",
        "--io-threads",
        "--io-cpus",
        "--main-cpu",
        "--maxclients",
        "--databases",
        "--loglevel",
        "--config",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn shutdown_command_exits_0() {
    let p = Proc::start(&["--port", "0"]);
    let mut s = TcpStream::connect(p.addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    s.write_all(b"SET k v\r\nSHUTDOWN NOSAVE\r\n")
        .expect("send");
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    assert_eq!(got, b"+OK\r\n");
    assert_eq!(p.wait(), Some(0));
}
