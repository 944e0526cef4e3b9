//! APPEND, STRLEN, GETRANGE/SUBSTR and SETRANGE, and the string size limit.

use super::*;

#[test]
fn append() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["APPEND", "k", "Hello "], ":6\r\n");
    rt(&mut r, &["APPEND", "k", "World"], ":11\r\n");
    rt(&mut r, &["APPEND", "k", ""], ":11\r\n");
    rt(&mut r, &["GET", "k"], &bulk("Hello World"));
    rt(&mut r, &["APPEND", "e", ""], ":0\r\n");
    rt(&mut r, &["GET", "e"], EMPTY);
    rt(&mut r, &["SET", "t", "a", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["APPEND", "t", "b"], ":2\r\n");
    past_100ms();
    rt(&mut r, &["GET", "t"], NIL);
    rt(&mut r, &["APPEND", "k"], &wrong_arity("append"));
}

#[test]
fn strlen() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["STRLEN", "k"], ":0\r\n");
    rt(&mut r, &["SET", "k", "Hello world"], "+OK\r\n");
    rt(&mut r, &["STRLEN", "k"], ":11\r\n");
    r.roundtrip(&resp(&[b"SET", b"b", b"\0\r\n\xff"]), b"+OK\r\n");
    rt(&mut r, &["STRLEN", "b"], ":4\r\n");
    rt(&mut r, &["STRLEN"], &wrong_arity("strlen"));
}

#[test]
fn getrange_and_substr() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "This is a string"], "+OK\r\n");
    for cmd in ["GETRANGE", "SUBSTR"] {
        rt(&mut r, &[cmd, "k", "0", "3"], &bulk("This"));
        rt(&mut r, &[cmd, "k", "-3", "-1"], &bulk("ing"));
        rt(&mut r, &[cmd, "k", "0", "-1"], &bulk("This is a string"));
        rt(&mut r, &[cmd, "k", "10", "100"], &bulk("string"));
        rt(&mut r, &[cmd, "k", "-100", "3"], &bulk("This"));
        rt(&mut r, &[cmd, "k", "5", "5"], &bulk("i"));
        rt(&mut r, &[cmd, "k", "3", "1"], EMPTY);
        rt(&mut r, &[cmd, "k", "-1", "-5"], EMPTY);
        rt(&mut r, &[cmd, "k", "16", "20"], EMPTY);
        rt(
            &mut r,
            &[cmd, "k", "-9223372036854775808", "9223372036854775807"],
            &bulk("This is a string"),
        );
        rt(&mut r, &[cmd, "missing", "0", "-1"], EMPTY);
        rt(&mut r, &[cmd, "k", "a", "1"], NOT_INTEGER);
        rt(&mut r, &[cmd, "k", "0", "9223372036854775808"], NOT_INTEGER);
    }
    rt(&mut r, &["SET", "e", ""], "+OK\r\n");
    rt(&mut r, &["GETRANGE", "e", "0", "-1"], EMPTY);
    rt(&mut r, &["GETRANGE", "k", "0"], &wrong_arity("getrange"));
}

#[test]
fn setrange() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "Hello World"], "+OK\r\n");
    rt(&mut r, &["SETRANGE", "k", "6", "Redis"], ":11\r\n");
    rt(&mut r, &["GET", "k"], &bulk("Hello Redis"));
    rt(&mut r, &["SETRANGE", "k", "11", "!!"], ":13\r\n");
    rt(&mut r, &["SETRANGE", "k", "0", "J"], ":13\r\n");
    rt(&mut r, &["GET", "k"], &bulk("Jello Redis!!"));
    rt(&mut r, &["SETRANGE", "p", "6", "Redis"], ":11\r\n");
    r.roundtrip(&resp(&[b"GET", b"p"]), b"$11\r\n\0\0\0\0\0\0Redis\r\n");
    rt(&mut r, &["SETRANGE", "q", "2", "x"], ":3\r\n");
    rt(&mut r, &["SETRANGE", "q", "5", "y"], ":6\r\n");
    r.roundtrip(&resp(&[b"GET", b"q"]), b"$6\r\n\0\0x\0\0y\r\n");
    // An empty value changes nothing and creates nothing, whatever the offset.
    rt(&mut r, &["SETRANGE", "none", "5", ""], ":0\r\n");
    rt(&mut r, &["SETRANGE", "none", "536870912", ""], ":0\r\n");
    rt(&mut r, &["GET", "none"], NIL);
    rt(&mut r, &["SETRANGE", "k", "100", ""], ":13\r\n");
    rt(&mut r, &["SETRANGE", "k", "536870912", ""], ":13\r\n");
    rt(&mut r, &["STRLEN", "k"], ":13\r\n");
    // SETRANGE keeps the TTL.
    rt(&mut r, &["SET", "t", "abc", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["SETRANGE", "t", "1", "X"], ":3\r\n");
    rt(&mut r, &["GET", "t"], &bulk("aXc"));
    past_100ms();
    rt(&mut r, &["GET", "t"], NIL);
}

#[test]
fn setrange_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "v"], "+OK\r\n");
    rt(
        &mut r,
        &["SETRANGE", "k", "-1", "x"],
        "-ERR offset is out of range\r\n",
    );
    rt(
        &mut r,
        &["SETRANGE", "n", "-1", ""],
        "-ERR offset is out of range\r\n",
    );
    rt(&mut r, &["SETRANGE", "k", "x", "x"], NOT_INTEGER);
    rt(
        &mut r,
        &["SETRANGE", "k", "9223372036854775808", "x"],
        NOT_INTEGER,
    );
    // 512 MB is the most a string may hold; nothing is allocated when refusing.
    rt(&mut r, &["SETRANGE", "k", "536870912", "x"], TOO_LONG);
    rt(&mut r, &["SETRANGE", "k", "536870911", "xx"], TOO_LONG);
    rt(&mut r, &["SETRANGE", "n", "536870912", "x"], TOO_LONG);
    rt(
        &mut r,
        &["SETRANGE", "k", "9223372036854775807", "x"],
        TOO_LONG,
    );
    rt(&mut r, &["GET", "k"], &bulk("v"));
    rt(&mut r, &["GET", "n"], NIL);
    rt(&mut r, &["SETRANGE", "k", "0"], &wrong_arity("setrange"));
}

#[test]
fn string_growth_obeys_proto_max_bulk_len() {
    let s = TestServer::with(|cfg| cfg.proto_max_bulk_len = 1000);
    let mut r = s.raw();
    let half = "x".repeat(500);
    rt(&mut r, &["APPEND", "k", &half], ":500\r\n");
    rt(&mut r, &["APPEND", "k", &half], ":1000\r\n");
    rt(&mut r, &["APPEND", "k", "y"], TOO_LONG);
    rt(&mut r, &["SETRANGE", "k", "999", "z"], ":1000\r\n");
    rt(&mut r, &["SETRANGE", "k", "1000", "z"], TOO_LONG);
    rt(&mut r, &["SETRANGE", "n", "996", "abcde"], TOO_LONG);
    rt(&mut r, &["SETRANGE", "n", "995", "abcde"], ":1000\r\n");
    rt(&mut r, &["STRLEN", "k"], ":1000\r\n");
}
