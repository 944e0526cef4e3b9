//! SET and its options, SETNX, SETEX, PSETEX and GETEX: expire times and their errors.

use super::*;

#[test]
fn set_nx_and_xx() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "1", "XX"], NIL);
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["SET", "k", "1", "NX"], "+OK\r\n");
    rt(&mut r, &["SET", "k", "2", "nx"], NIL);
    rt(&mut r, &["GET", "k"], &bulk("1"));
    rt(&mut r, &["SET", "k", "3", "xx"], "+OK\r\n");
    rt(&mut r, &["GET", "k"], &bulk("3"));
    rt(&mut r, &["SET", "k", "4", "NX", "NX"], NIL);
}

#[test]
fn set_get_replies_with_the_old_value() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "1", "GET"], NIL);
    rt(&mut r, &["GET", "k"], &bulk("1"));
    rt(&mut r, &["SET", "k", "2", "get"], &bulk("1"));
    rt(&mut r, &["SET", "k", "3", "GET", "GET"], &bulk("2"));
    // NX stops the write but the old value is still the reply.
    rt(&mut r, &["SET", "k", "4", "NX", "GET"], &bulk("3"));
    rt(&mut r, &["GET", "k"], &bulk("3"));
    rt(&mut r, &["SET", "n", "1", "XX", "GET"], NIL);
    rt(&mut r, &["GET", "n"], NIL);
    rt(
        &mut r,
        &["SET", "k", "5", "GET", "XX", "EX", "100"],
        &bulk("3"),
    );
    rt(&mut r, &["GET", "k"], &bulk("5"));
}

#[test]
fn set_option_conflicts_are_syntax_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    let bad: &[&[&str]] = &[
        &["NX", "XX"],
        &["XX", "NX"],
        &["EX", "10", "PX", "100"],
        &["PX", "100", "EX", "10"],
        &["EXAT", "10", "PXAT", "100"],
        &["EX", "10", "EXAT", "10"],
        &["EX", "10", "KEEPTTL"],
        &["KEEPTTL", "PX", "10"],
        &["PXAT", "10", "KEEPTTL"],
        &["PERSIST"],
        &["EX"],
        &["NX", "PX"],
        &["FOO"],
        &["EX", "10", "20"],
        &["NXX"],
    ];
    for opts in bad {
        let mut args = vec!["SET", "k", "v"];
        args.extend_from_slice(opts);
        rt(&mut r, &args, SYNTAX);
    }
    rt(&mut r, &["GET", "k"], NIL);
    // Repeats are fine; the last expire time counts.
    rt(
        &mut r,
        &["SET", "k", "v", "EX", "10", "EX", "20"],
        "+OK\r\n",
    );
    rt(&mut r, &["SET", "k", "v", "KEEPTTL", "KEEPTTL"], "+OK\r\n");
    rt(
        &mut r,
        &["SET", "k", "v", "px", "100000", "xx", "get"],
        &bulk("v"),
    );
}

#[test]
fn set_option_names_end_at_a_nul_byte_as_in_redis() {
    let s = TestServer::start();
    let mut r = s.raw();
    r.roundtrip(
        &resp(&[b"SET", b"k", b"v", b"PX\0junk", b"100"]),
        b"+OK\r\n",
    );
    r.roundtrip(
        &resp(&[b"SET", b"k", b"v", b"XX\0", b"KEEPTTL\0x"]),
        b"+OK\r\n",
    );
    past_100ms();
    rt(&mut r, &["GET", "k"], NIL);
}

#[test]
fn set_expire_time_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    let invalid = invalid_expire("set");
    for (opt, t) in [
        ("EX", "0"),
        ("EX", "-1"),
        ("PX", "0"),
        ("PX", "-100"),
        ("EXAT", "0"),
        ("PXAT", "-1"),
        // Overflows once in milliseconds, or once made absolute.
        ("EX", "9223372036854775"),
        ("EX", "9223372036854776"),
        ("EXAT", "9223372036854776"),
        ("PX", "9223372036854775807"),
    ] {
        rt(&mut r, &["SET", "k", "v", opt, t], &invalid);
    }
    for t in ["abc", "1.5", " 1", "9223372036854775808", ""] {
        rt(&mut r, &["SET", "k", "v", "EX", t], NOT_INTEGER);
    }
    // The expire time is checked before GET replies or anything is stored.
    rt(&mut r, &["SET", "k", "v", "GET", "EX", "0"], &invalid);
    rt(&mut r, &["GET", "k"], NIL);
    // Far but representable absolute times are accepted.
    rt(
        &mut r,
        &["SET", "k", "v", "EXAT", "9223372036854775"],
        "+OK\r\n",
    );
    rt(
        &mut r,
        &["SET", "k", "v", "PXAT", "9223372036854775807"],
        "+OK\r\n",
    );
    rt(&mut r, &["GET", "k"], &bulk("v"));
}

#[test]
fn set_expire_times_take_effect() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "px", "v", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["SET", "ex", "v", "EX", "100"], "+OK\r\n");
    rt(&mut r, &["SET", "pxat", "v", "PXAT", "1"], "+OK\r\n");
    rt(&mut r, &["SET", "exat", "v", "EXAT", "1"], "+OK\r\n");
    rt(
        &mut r,
        &["SET", "future", "v", "EXAT", "32503680000"],
        "+OK\r\n",
    );
    rt(&mut r, &["GET", "pxat"], NIL);
    rt(&mut r, &["GET", "exat"], NIL);
    past_100ms();
    rt(&mut r, &["GET", "px"], NIL);
    rt(&mut r, &["GET", "ex"], &bulk("v"));
    rt(&mut r, &["GET", "future"], &bulk("v"));
}

#[test]
fn keepttl_keeps_the_expiry_and_plain_set_drops_it() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "kept", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["SET", "kept", "2", "KEEPTTL"], "+OK\r\n");
    rt(&mut r, &["SET", "dropped", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["SET", "dropped", "2"], "+OK\r\n");
    rt(&mut r, &["SET", "new", "1", "KEEPTTL"], "+OK\r\n");
    past_100ms();
    rt(&mut r, &["GET", "kept"], NIL);
    rt(&mut r, &["GET", "dropped"], &bulk("2"));
    rt(&mut r, &["GET", "new"], &bulk("1"));
}

#[test]
fn setnx() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SETNX", "k", "1"], ":1\r\n");
    rt(&mut r, &["SETNX", "k", "2"], ":0\r\n");
    rt(&mut r, &["GET", "k"], &bulk("1"));
    rt(&mut r, &["SETNX", "k"], &wrong_arity("setnx"));
    rt(&mut r, &["SETNX", "k", "1", "NX"], &wrong_arity("setnx"));
}

#[test]
fn setex_and_psetex() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SETEX", "k", "100", "v"], "+OK\r\n");
    rt(&mut r, &["PSETEX", "p", "100", "v"], "+OK\r\n");
    rt(&mut r, &["GET", "k"], &bulk("v"));
    past_100ms();
    rt(&mut r, &["GET", "p"], NIL);
    rt(&mut r, &["GET", "k"], &bulk("v"));
    for t in ["0", "-5", "9223372036854775"] {
        rt(&mut r, &["SETEX", "k", t, "v"], &invalid_expire("setex"));
    }
    for t in ["0", "-5", "9223372036854775807"] {
        rt(&mut r, &["PSETEX", "k", t, "v"], &invalid_expire("psetex"));
    }
    rt(&mut r, &["SETEX", "k", "ten", "v"], NOT_INTEGER);
    rt(&mut r, &["PSETEX", "k", "1.5", "v"], NOT_INTEGER);
    rt(&mut r, &["SETEX", "k", "10"], &wrong_arity("setex"));
    rt(
        &mut r,
        &["PSETEX", "k", "10", "v", "x"],
        &wrong_arity("psetex"),
    );
    rt(&mut r, &["GET", "k"], &bulk("v"));
}

#[test]
fn getex_options() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["GETEX", "k"], NIL);
    rt(&mut r, &["GETEX", "k", "EX", "10"], NIL);
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["SET", "k", "v"], "+OK\r\n");
    rt(&mut r, &["GETEX", "k"], &bulk("v"));
    rt(&mut r, &["GETEX", "k", "PX", "100"], &bulk("v"));
    rt(&mut r, &["SET", "p", "v", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["GETEX", "p", "persist"], &bulk("v"));
    rt(&mut r, &["SET", "e", "v"], "+OK\r\n");
    rt(&mut r, &["GETEX", "e", "ex", "100"], &bulk("v"));
    rt(&mut r, &["SET", "a", "v"], "+OK\r\n");
    rt(&mut r, &["GETEX", "a", "EXAT", "32503680000"], &bulk("v"));
    rt(
        &mut r,
        &["GETEX", "a", "PXAT", "32503680000000"],
        &bulk("v"),
    );
    // An absolute time already past replies with the value and deletes the key.
    rt(&mut r, &["SET", "gone", "v"], "+OK\r\n");
    rt(&mut r, &["GETEX", "gone", "PXAT", "1"], &bulk("v"));
    rt(&mut r, &["GETEX", "gone"], NIL);
    rt(&mut r, &["SETNX", "gone", "v"], ":1\r\n");
    rt(&mut r, &["GETEX", "gone", "EXAT", "1"], &bulk("v"));
    rt(&mut r, &["GET", "gone"], NIL);
    past_100ms();
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["GET", "p"], &bulk("v"));
    rt(&mut r, &["GET", "e"], &bulk("v"));
    rt(&mut r, &["GET", "a"], &bulk("v"));
}

#[test]
fn getex_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "v", "PX", "100"], "+OK\r\n");
    let bad: &[&[&str]] = &[
        &["NX"],
        &["XX"],
        &["GET"],
        &["KEEPTTL"],
        &["EX"],
        &["EX", "10", "PX", "10"],
        &["PERSIST", "EX", "10"],
        &["EX", "10", "PERSIST"],
        &["PXAT", "10", "EXAT", "10"],
        &["FOO"],
    ];
    for opts in bad {
        let mut args = vec!["GETEX", "k"];
        args.extend_from_slice(opts);
        rt(&mut r, &args, SYNTAX);
        // Syntax is checked before the key is even looked at.
        args[1] = "missing";
        rt(&mut r, &args, SYNTAX);
    }
    for (opt, t) in [
        ("EX", "0"),
        ("PX", "-1"),
        ("EXAT", "0"),
        ("PXAT", "-5"),
        ("EX", "9223372036854775"),
    ] {
        rt(&mut r, &["GETEX", "k", opt, t], &invalid_expire("getex"));
        // A missing key replies nil before the time is checked.
        rt(&mut r, &["GETEX", "missing", opt, t], NIL);
    }
    rt(&mut r, &["GETEX", "k", "EX", "x"], NOT_INTEGER);
    rt(&mut r, &["GETEX", "missing", "EX", "x"], NIL);
    rt(&mut r, &["GETEX"], &wrong_arity("getex"));
    // Refused times left the TTL alone.
    past_100ms();
    rt(&mut r, &["GET", "k"], NIL);
}
