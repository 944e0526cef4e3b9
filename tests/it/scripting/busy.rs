//! A script running past `busy-reply-threshold`: other clients get `-BUSY`, SCRIPT KILL /
//! FUNCTION KILL from another connection stop it unless it has written, and SHUTDOWN NOSAVE
//! stops the server.

use crate::common::*;
use std::time::Duration;

fn slow_server() -> TestServer {
    slow_server_with(1)
}

/// With `io_threads` 1, the clients live on the executor's own thread, which serves them
/// from the script's hook; with more, their I/O threads answer.
fn slow_server_with(io_threads: usize) -> TestServer {
    let s = TestServer::with(|c| c.io_threads = io_threads);
    let mut r = s.raw();
    r.roundtrip(b"CONFIG SET busy-reply-threshold 50\r\n", b"+OK\r\n");
    s
}

/// One reply line, without its CRLF.
fn line(r: &mut Raw) -> String {
    let mut l = Vec::new();
    while !l.ends_with(b"\r\n") {
        l.push(r.read_n(1)[0]);
    }
    l.truncate(l.len() - 2);
    String::from_utf8_lossy(&l).into_owned()
}

/// Waits for the script just sent to pass the threshold, then checks that a new
/// connection gets `-BUSY` (a command sent before the threshold goes to the executor and
/// waits for the script, so none is sent before), and returns that connection.
fn wait_busy(s: &TestServer, what: &str) -> Raw {
    std::thread::sleep(Duration::from_millis(300));
    let mut r = s.raw();
    r.send(b"GET x\r\n");
    let reply = line(&mut r);
    assert_eq!(
        reply,
        format!(
            "-BUSY Redis is busy running a script. You can only call {what} KILL or SHUTDOWN NOSAVE."
        )
    );
    r
}

#[test]
fn busy_script_is_killed_from_another_connection() {
    busy_script_is_killed(slow_server());
}

#[test]
fn busy_script_is_killed_from_another_io_thread() {
    busy_script_is_killed(slow_server_with(3));
}

fn busy_script_is_killed(s: TestServer) {
    let mut runner = s.raw();
    runner.send(&resp(&[
        b"EVAL",
        b"local i = 0 while true do i = i + 1 end",
        b"0",
    ]));
    let mut other = wait_busy(&s, "SCRIPT");
    other.roundtrip(
        b"FUNCTION KILL\r\n",
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    other.roundtrip(b"SCRIPT KILL\r\n", b"+OK\r\n");
    let reply = line(&mut runner);
    assert!(
        reply.starts_with("-ERR Script killed by user with SCRIPT KILL... script: "),
        "{reply}"
    );
    runner.roundtrip(b"PING\r\n", b"+PONG\r\n");
    other.roundtrip(
        b"SCRIPT KILL\r\n",
        b"-NOTBUSY No scripts in execution right now.\r\n",
    );
}

#[test]
fn kill_cannot_escape_through_pcall() {
    let s = slow_server();
    let mut runner = s.raw();
    runner.send(&resp(&[
        b"EVAL",
        b"while true do pcall(function() local i = 0 while true do i = i + 1 end end) end",
        b"0",
    ]));
    let mut other = wait_busy(&s, "SCRIPT");
    other.roundtrip(b"SCRIPT KILL\r\n", b"+OK\r\n");
    let reply = line(&mut runner);
    assert!(reply.starts_with("-ERR Script killed"), "{reply}");
}

#[test]
fn a_script_that_wrote_is_unkillable() {
    let s = slow_server();
    let mut runner = s.raw();
    runner.send(&resp(&[
        b"EVAL",
        b"redis.call('set', 'w', '1') local t = redis.call('time') while tonumber(redis.call('time')[1]) < t[1] + 2 do for i = 1, 100000 do end end return 'done'",
        b"0",
    ]));
    let mut other = wait_busy(&s, "SCRIPT");
    other.roundtrip(b"SCRIPT KILL\r\n", b"-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n");
    runner.expect(b"$4\r\ndone\r\n");
}

#[test]
fn busy_function_is_killed_with_function_kill() {
    let s = slow_server();
    let mut r = s.raw();
    r.send(&resp(&[
        b"FUNCTION",
        b"LOAD",
        b"#!lua name=slow\nredis.register_function('spin', function() while true do end end)",
    ]));
    r.expect(b"$4\r\nslow\r\n");
    r.send(b"FCALL spin 0\r\n");
    let mut other = wait_busy(&s, "FUNCTION");
    other.roundtrip(
        b"SCRIPT KILL\r\n",
        b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
    );
    other.roundtrip(b"FUNCTION KILL\r\n", b"+OK\r\n");
    let reply = line(&mut r);
    assert!(
        reply.starts_with("-ERR Script killed by user with FUNCTION KILL..."),
        "{reply}"
    );
}

#[test]
fn shutdown_nosave_stops_a_busy_server() {
    let s = slow_server();
    let mut runner = s.raw();
    runner.send(&resp(&[b"EVAL", b"while true do end", b"0"]));
    let mut other = wait_busy(&s, "SCRIPT");
    other.send(b"SHUTDOWN NOSAVE\r\n");
    // The server stops: both connections are closed.
    let rest = other.read_to_close();
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}
