//! INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.

use super::*;

#[test]
fn incr_and_decr() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["INCR", "n"], ":1\r\n");
    rt(&mut r, &["INCR", "n"], ":2\r\n");
    rt(&mut r, &["DECR", "n"], ":1\r\n");
    rt(&mut r, &["DECR", "m"], ":-1\r\n");
    rt(&mut r, &["INCRBY", "n", "10"], ":11\r\n");
    rt(&mut r, &["INCRBY", "n", "-20"], ":-9\r\n");
    rt(&mut r, &["DECRBY", "n", "-9"], ":0\r\n");
    rt(&mut r, &["DECRBY", "n", "5"], ":-5\r\n");
    rt(&mut r, &["GET", "n"], &bulk("-5"));
    rt(&mut r, &["SET", "s", "41"], "+OK\r\n");
    rt(&mut r, &["INCR", "s"], ":42\r\n");
    rt(&mut r, &["GET", "s"], &bulk("42"));
    rt(
        &mut r,
        &["INCRBY", "x", "-9223372036854775808"],
        ":-9223372036854775808\r\n",
    );
    rt(
        &mut r,
        &["DECRBY", "y", "9223372036854775807"],
        ":-9223372036854775807\r\n",
    );
    rt(&mut r, &["INCR", "n", "1"], &wrong_arity("incr"));
    rt(&mut r, &["DECRBY", "n"], &wrong_arity("decrby"));
}

#[test]
fn incr_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    for v in [
        "abc",
        "1.5",
        " 1",
        "1 ",
        "+1",
        "-0",
        "007",
        "",
        "9223372036854775808",
    ] {
        rt(&mut r, &["SET", "k", v], "+OK\r\n");
        rt(&mut r, &["INCR", "k"], NOT_INTEGER);
        rt(&mut r, &["DECRBY", "k", "1"], NOT_INTEGER);
        rt(&mut r, &["GET", "k"], &bulk(v));
    }
    for a in [
        "abc",
        "1.0",
        "",
        "9223372036854775808",
        "-9223372036854775809",
    ] {
        rt(&mut r, &["INCRBY", "n", a], NOT_INTEGER);
        rt(&mut r, &["DECRBY", "n", a], NOT_INTEGER);
    }
    rt(&mut r, &["GET", "n"], NIL);
    let overflow = "-ERR increment or decrement would overflow\r\n";
    rt(&mut r, &["SET", "max", "9223372036854775807"], "+OK\r\n");
    rt(&mut r, &["INCR", "max"], overflow);
    rt(&mut r, &["INCRBY", "max", "1"], overflow);
    rt(&mut r, &["DECRBY", "max", "-1"], overflow);
    rt(&mut r, &["SET", "min", "-9223372036854775808"], "+OK\r\n");
    rt(&mut r, &["DECR", "min"], overflow);
    rt(&mut r, &["INCRBY", "min", "-1"], overflow);
    rt(&mut r, &["GET", "max"], &bulk("9223372036854775807"));
    rt(&mut r, &["GET", "min"], &bulk("-9223372036854775808"));
    rt(
        &mut r,
        &["DECRBY", "n", "-9223372036854775808"],
        "-ERR decrement would overflow\r\n",
    );
}

#[test]
fn incr_keeps_the_ttl() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "n", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["INCR", "n"], ":2\r\n");
    rt(&mut r, &["SET", "f", "1", "PX", "100"], "+OK\r\n");
    rt(&mut r, &["INCRBYFLOAT", "f", "0.5"], &bulk("1.5"));
    past_100ms();
    rt(&mut r, &["GET", "n"], NIL);
    rt(&mut r, &["GET", "f"], NIL);
}

#[test]
fn incrbyfloat() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SET", "k", "10.50"], "+OK\r\n");
    rt(&mut r, &["INCRBYFLOAT", "k", "0.1"], &bulk("10.6"));
    rt(&mut r, &["INCRBYFLOAT", "k", "-5"], &bulk("5.6"));
    rt(&mut r, &["GET", "k"], &bulk("5.6"));
    rt(&mut r, &["SET", "k", "5.0e3"], "+OK\r\n");
    rt(&mut r, &["INCRBYFLOAT", "k", "2.0e2"], &bulk("5200"));
    rt(&mut r, &["INCRBYFLOAT", "new", "3"], &bulk("3"));
    rt(&mut r, &["INCRBYFLOAT", "new", "-3"], &bulk("0"));
    rt(&mut r, &["INCRBYFLOAT", "h", "0x10"], &bulk("16"));
    rt(&mut r, &["SET", "i", "7"], "+OK\r\n");
    rt(&mut r, &["INCRBYFLOAT", "i", "1"], &bulk("8"));
    rt(&mut r, &["INCR", "i"], ":9\r\n");
}

#[test]
fn incrbyfloat_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    for a in ["abc", "", " 1", "1 ", "nan", "1e", "0x"] {
        rt(&mut r, &["INCRBYFLOAT", "k", a], NOT_FLOAT);
    }
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["SET", "s", "abc"], "+OK\r\n");
    // The stored value is checked first.
    rt(&mut r, &["INCRBYFLOAT", "s", "1"], NOT_FLOAT);
    let nan_inf = "-ERR increment would produce NaN or Infinity\r\n";
    rt(&mut r, &["INCRBYFLOAT", "k", "inf"], nan_inf);
    rt(&mut r, &["INCRBYFLOAT", "k", "-Infinity"], nan_inf);
    // (Redis adds in a long double, so 1e308 + 1e308 is finite there; see the module notes
    // of util::number. Only results infinite in both are tested.)
    rt(&mut r, &["GET", "k"], NIL);
    rt(&mut r, &["INCRBYFLOAT", "k"], &wrong_arity("incrbyfloat"));
}
