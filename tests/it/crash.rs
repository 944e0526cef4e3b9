//! What a bug in a handler does (triggered with DEBUG PANIC): the real binary prints a bug
//! report and aborts; an in-process server closes every connection instead of hanging.
//! Also DEBUG's `enable-debug-command` gate.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOT_ALLOWED: &[u8] = b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n";

#[test]
fn debug_is_refused_unless_enable_debug_command_allows_it() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(b"DEBUG PANIC\r\n", NOT_ALLOWED);
    c.roundtrip(b"DEBUG HELP\r\n", NOT_ALLOWED);
    c.roundtrip(
        b"CONFIG GET enable-debug-command\r\n",
        b"*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n",
    );
    // "local": a loopback client may (these tests connect over 127.0.0.1).
    let s = TestServer::with(|c| c.set("enable-debug-command", "local").expect("valid"));
    let mut c = s.raw();
    // Redis 7.0.15's help, for the subcommands muxis has.
    let help: Vec<String> = redis::cmd("DEBUG")
        .arg("HELP")
        .query(&mut s.client())
        .expect("help");
    assert_eq!(help.len(), 37);
    assert_eq!(
        help[0],
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    let reload = [
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
    ];
    assert!(help.windows(reload.len()).any(|w| w == reload), "{help:?}");
    assert!(
        help.windows(2)
            .any(|w| w == ["PANIC", "    Crash the server simulating a panic."])
    );
    assert_eq!(help[help.len() - 2..], ["HELP", "    Prints this help."]);
    c.roundtrip(
        b"DEBUG NOPE\r\n",
        b"-ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.\r\n",
    );
}

#[test]
fn debug_panic_in_process_closes_connections_instead_of_hanging() {
    let s = TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"));
    let mut bystander = s.raw();
    bystander.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut c = s.raw();
    c.send(b"DEBUG PANIC\r\n");
    // No reply: the connection closes. So does everybody else's.
    assert_eq!(c.read_to_close(), b"");
    assert_eq!(bystander.read_to_close(), b"");
    // Nobody is accepting any more: a new client is refused or closed at once, not left
    // waiting for replies that would never come.
    if let Ok(mut late) = TcpStream::connect(s.addr) {
        late.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let _ = late.write_all(b"PING\r\n");
        let mut buf = [0u8; 16];
        let n = late.read(&mut buf);
        assert!(
            matches!(n, Ok(0) | Err(_)),
            "a late client was answered: {n:?}"
        );
    }
}

#[test]
fn debug_panic_aborts_the_binary_with_a_bug_report() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_muxis"))
        .args(["--port", "0", "--enable-debug-command", "yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    // The log, and so the bug report, goes to standard output when `logfile` is "".
    let stdout = child.stdout.take().expect("stdout piped");
    let log = Arc::new(Mutex::new(String::new()));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if let Some(rest) = line.split("listening on ").nth(1) {
                let addr = rest.split(';').next().unwrap_or_default().to_string();
                let _ = addr_tx.send(addr);
            }
            let mut log = sink.lock().expect("lock");
            log.push_str(&line);
            log.push('\n');
        }
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a start-up line");
    let mut c = TcpStream::connect(addr.as_str()).expect("connects");
    c.set_read_timeout(Some(Duration::from_secs(10))).ok();
    c.write_all(b"PING\r\n").expect("send");
    let mut pong = [0u8; 7];
    c.read_exact(&mut pong).expect("PONG");
    assert_eq!(&pong, b"+PONG\r\n");
    c.write_all(b"DEBUG PANIC\r\n").expect("send");
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    assert_eq!(got, b"", "no reply: the connection just ends");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not exit after a panic");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "exited with {status}");
    std::thread::sleep(Duration::from_millis(100)); // the reader thread's last lines
    let log = log.lock().expect("lock").clone();
    let start = log.find(muxis::crash::REPORT_START).expect("report start");
    let end = log.find(muxis::crash::REPORT_END).expect("report end");
    let report = &log[start..end];
    assert!(
        report.contains("DEBUG PANIC called at Unix time"),
        "{report}"
    );
    assert!(report.contains("thread 'muxis-main'"), "{report}");
    assert!(report.contains("------ STACK TRACE ------"), "{report}");
}
