//! CLIENT UNBLOCK, REPLY, KILL filters, LIST/INFO fields.

use crate::common::{Raw, TestServer, resp};
use std::time::Duration;

fn cmd(words: &[&str]) -> Vec<u8> {
    let args: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
    resp(&args)
}

/// The client id of `raw`.
fn id_of(raw: &mut Raw) -> u64 {
    raw.send(&cmd(&["CLIENT", "ID"]));
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        line.extend(raw.read_n(1));
    }
    String::from_utf8_lossy(&line[1..line.len() - 2])
        .parse()
        .expect("an id")
}

fn wait_blocked(c: &mut redis::Connection, n: usize) {
    for _ in 0..200 {
        let list: String = redis::cmd("CLIENT").arg("LIST").query(c).expect("list");
        if list.lines().filter(|l| l.contains(" flags=b ")).count() == n {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("never {n} blocked clients");
}

#[test]
fn unblock_with_the_timeout_reply_or_an_error() {
    let s = TestServer::start();
    let mut admin = s.client();
    let mut blpop = s.raw();
    let id = id_of(&mut blpop);
    blpop.send(&cmd(&["BLPOP", "nothing", "0"]));
    wait_blocked(&mut admin, 1);
    let n: i64 = redis::cmd("CLIENT")
        .arg("UNBLOCK")
        .arg(id)
        .query(&mut admin)
        .expect("unblock");
    assert_eq!(n, 1);
    blpop.expect(b"*-1\r\n");
    // It runs again afterwards, and a client not blocked is not unblocked.
    blpop.roundtrip(&cmd(&["PING"]), b"+PONG\r\n");
    let n: i64 = redis::cmd("CLIENT")
        .arg("UNBLOCK")
        .arg(id)
        .query(&mut admin)
        .expect("unblock");
    assert_eq!(n, 0);

    let mut xread = s.raw();
    let id = id_of(&mut xread);
    let mut pipeline = cmd(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
    pipeline.extend(cmd(&["PING"])); // waits behind the blocked XREAD
    xread.send(&pipeline);
    wait_blocked(&mut admin, 1);
    let n: i64 = redis::cmd("CLIENT")
        .arg("UNBLOCK")
        .arg(id)
        .arg("ERROR")
        .query(&mut admin)
        .expect("unblock");
    assert_eq!(n, 1);
    xread.expect(b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n+PONG\r\n");

    let mut bz = s.raw();
    let id = id_of(&mut bz);
    bz.send(&cmd(&["BZPOPMIN", "z", "0"]));
    wait_blocked(&mut admin, 1);
    let n: i64 = redis::cmd("CLIENT")
        .arg("UNBLOCK")
        .arg(id)
        .arg("TIMEOUT")
        .query(&mut admin)
        .expect("unblock");
    assert_eq!(n, 1);
    bz.expect(b"*-1\r\n");
    // Nobody is left waiting on the keys: a push is not taken by a ghost.
    let _: () = redis::cmd("RPUSH")
        .arg("nothing")
        .arg("x")
        .query(&mut admin)
        .expect("rpush");
    let len: i64 = redis::cmd("LLEN")
        .arg("nothing")
        .query(&mut admin)
        .expect("llen");
    assert_eq!(len, 1);
}

#[test]
fn unblock_arguments() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &cmd(&["CLIENT", "UNBLOCK", "x"]),
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &cmd(&["CLIENT", "UNBLOCK", "1", "foo"]),
        b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
    c.roundtrip(&cmd(&["CLIENT", "UNBLOCK", "999"]), b":0\r\n");
    c.roundtrip(&cmd(&["CLIENT", "UNBLOCK", "-5", "error"]), b":0\r\n");
}

#[test]
fn reply_off_skip_and_on() {
    let s = TestServer::start();
    let mut c = s.raw();
    // OFF answers nothing, nor do the commands after it, errors included.
    c.send(&cmd(&["CLIENT", "REPLY", "OFF"]));
    c.send(&cmd(&["SET", "a", "1"]));
    c.send(&cmd(&["NOSUCHCOMMAND"]));
    c.send(&cmd(&["INCR", "a"]));
    c.roundtrip(&cmd(&["CLIENT", "REPLY", "ON"]), b"+OK\r\n");
    c.roundtrip(&cmd(&["GET", "a"]), b"$1\r\n2\r\n");
    // SKIP drops exactly the next command's reply.
    c.send(&cmd(&["CLIENT", "REPLY", "SKIP"]));
    c.send(&cmd(&["INCR", "a"]));
    c.roundtrip(&cmd(&["INCR", "a"]), b":4\r\n");
    // SKIP while OFF leaves it OFF.
    c.send(&cmd(&["CLIENT", "REPLY", "OFF"]));
    c.send(&cmd(&["CLIENT", "REPLY", "SKIP"]));
    c.send(&cmd(&["INCR", "a"]));
    c.send(&cmd(&["INCR", "a"]));
    c.roundtrip(&cmd(&["CLIENT", "REPLY", "ON"]), b"+OK\r\n");
    c.roundtrip(&cmd(&["GET", "a"]), b"$1\r\n6\r\n");
    c.roundtrip(
        &cmd(&["CLIENT", "REPLY", "maybe"]),
        b"-ERR syntax error\r\n",
    );
}

#[test]
fn reply_off_keeps_a_long_pipeline_flowing() {
    // The I/O thread still counts each silenced command answered: without that, its bound
    // on commands in flight would stop reading this connection.
    let s = TestServer::start();
    let mut c = s.raw();
    let mut pipeline = cmd(&["CLIENT", "REPLY", "OFF"]);
    for _ in 0..20_000 {
        pipeline.extend(cmd(&["INCR", "n"]));
    }
    pipeline.extend(cmd(&["CLIENT", "REPLY", "ON"]));
    pipeline.extend(cmd(&["GET", "n"]));
    c.send(&pipeline);
    c.expect(b"+OK\r\n$5\r\n20000\r\n");
}

/// The `field=` value of `line`.
fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|f| f.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

fn list(c: &mut redis::Connection, args: &[&str]) -> String {
    let mut q = redis::cmd("CLIENT");
    q.arg("LIST");
    for a in args {
        q.arg(*a);
    }
    q.query(c).expect("list")
}

#[test]
fn list_fields_in_redis_order_with_what_the_executor_knows() {
    let s = TestServer::start();
    let mut c = s.client();
    let text = list(&mut c, &[]);
    let line = text.lines().next().expect("a line");
    let names: Vec<&str> = line
        .split(' ')
        .map(|f| f.split_once('=').map_or(f, |(n, _)| n))
        .collect();
    let redis_7_0 = "id addr laddr fd name age idle flags db sub psub ssub multi qbuf \
                     qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd \
                     user redir resp";
    let want: Vec<&str> = redis_7_0.split_whitespace().collect();
    assert_eq!(&names[..want.len()], &want[..]);
    // The running command is in the query buffer: *2 $6 client $4 list.
    assert_eq!(field(line, "qbuf"), "26");
    assert_eq!(field(line, "argv-mem"), "10");
    assert_eq!(field(line, "cmd"), "client|list");
    assert_eq!(field(line, "flags"), "N");
    assert_eq!(field(line, "multi"), "-1");
    let info: String = redis::cmd("CLIENT")
        .arg("INFO")
        .query(&mut c)
        .expect("info");
    assert_eq!(field(&info, "cmd"), "client|info");
    assert_eq!(field(&info, "qbuf"), "26");
    // Inside MULTI: the queued commands' arguments.
    let mut raw = s.raw();
    raw.roundtrip(&cmd(&["MULTI"]), b"+OK\r\n");
    raw.roundtrip(&cmd(&["SET", "k", "v"]), b"+QUEUED\r\n");
    let text = list(&mut c, &[]);
    let line = text
        .lines()
        .find(|l| field(l, "cmd") == "set")
        .expect("the MULTI client");
    assert_eq!(field(line, "flags"), "x");
    assert_eq!(field(line, "multi"), "1");
    assert_eq!(field(line, "multi-mem"), "29"); // 3+1+1 bytes, 8 per argument
}

#[test]
fn list_by_type_and_id() {
    let s = TestServer::start();
    let mut c = s.client();
    let mut sub = s.raw();
    let sub_id = id_of(&mut sub);
    sub.roundtrip(
        &cmd(&["SUBSCRIBE", "ch"]),
        b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
    );
    let pubsub = list(&mut c, &["TYPE", "pubsub"]);
    assert_eq!(pubsub.lines().count(), 1);
    assert_eq!(field(&pubsub, "id"), sub_id.to_string());
    assert_eq!(field(&pubsub, "flags"), "P");
    assert_eq!(field(&pubsub, "sub"), "1");
    let normal = list(&mut c, &["TYPE", "normal"]);
    assert_eq!(normal.lines().count(), 1);
    assert_eq!(list(&mut c, &["TYPE", "replica"]), "");
    assert_eq!(list(&mut c, &["TYPE", "master"]), "");
    let me: u64 = redis::cmd("CLIENT").arg("ID").query(&mut c).expect("id");
    let both = list(
        &mut c,
        &["ID", &sub_id.to_string(), "12345", &me.to_string()],
    );
    let ids: Vec<&str> = both.lines().map(|l| field(l, "id")).collect();
    assert_eq!(ids, [sub_id.to_string(), me.to_string()]);
}

#[test]
fn kill_filters_and_together() {
    let s = TestServer::start();
    let mut admin = s.raw();
    let admin_id = id_of(&mut admin);
    let mut a = s.raw();
    let a_id = id_of(&mut a);
    let mut b = s.raw();
    let b_id = id_of(&mut b);
    // ID and TYPE must both match: b is normal, not pubsub.
    admin.roundtrip(
        &cmd(&["CLIENT", "KILL", "ID", &b_id.to_string(), "TYPE", "pubsub"]),
        b":0\r\n",
    );
    admin.roundtrip(
        &cmd(&["CLIENT", "KILL", "ID", &b_id.to_string(), "TYPE", "normal"]),
        b":1\r\n",
    );
    assert!(b.read_to_close().is_empty());
    // USER: every default-user client but the caller (SKIPME yes by default).
    admin.roundtrip(&cmd(&["CLIENT", "KILL", "USER", "default"]), b":1\r\n");
    assert!(a.read_to_close().is_empty());
    let _ = a_id;
    // ADDR and LADDR from a client's own line; the old form answers OK.
    let mut c = s.raw();
    let mut rc = s.client();
    let text = list(&mut rc, &[]);
    let c_id = id_of(&mut c).to_string();
    let text2 = list(&mut rc, &[]);
    let line = text2
        .lines()
        .find(|l| field(l, "id") == c_id)
        .expect("c's line");
    let _ = text;
    let addr = field(line, "addr").to_string();
    let laddr = field(line, "laddr").to_string();
    admin.roundtrip(
        &cmd(&["CLIENT", "KILL", "ADDR", &addr, "LADDR", "1.2.3.4:5"]),
        b":0\r\n",
    );
    admin.roundtrip(
        &cmd(&["CLIENT", "KILL", "ADDR", &addr, "LADDR", &laddr]),
        b":1\r\n",
    );
    assert!(c.read_to_close().is_empty());
    let mut d = s.raw();
    let d_id = id_of(&mut d).to_string();
    let text = list(&mut rc, &[]);
    let line = text
        .lines()
        .find(|l| field(l, "id") == d_id)
        .expect("d's line");
    let addr = field(line, "addr").to_string();
    admin.roundtrip(&cmd(&["CLIENT", "KILL", &addr]), b"+OK\r\n");
    assert!(d.read_to_close().is_empty());
    admin.roundtrip(&cmd(&["CLIENT", "KILL", &addr]), b"-ERR No such client\r\n");
    // SKIPME no: the caller goes too, after its reply.
    let mut e = s.raw();
    let e_id = id_of(&mut e).to_string();
    e.send(&cmd(&["CLIENT", "KILL", "ID", &e_id, "SKIPME", "no"]));
    assert_eq!(e.read_to_close(), b":1\r\n");
    admin.roundtrip(
        &cmd(&["CLIENT", "KILL", "ID", &admin_id.to_string()]),
        b":0\r\n",
    );
    admin.roundtrip(&cmd(&["CLIENT", "KILL", "TYPE", "master"]), b":0\r\n");
}

#[test]
fn kill_errors_as_redis() {
    let s = TestServer::start();
    let mut c = s.raw();
    for (words, reply) in [
        (
            &["CLIENT", "KILL", "id"][..],
            &b"-ERR No such client\r\n"[..],
        ),
        (
            &["CLIENT", "KILL", "id", "1", "skipme", "maybe"][..],
            &b"-ERR syntax error\r\n"[..],
        ),
        (
            &["CLIENT", "KILL", "type", "foo"][..],
            &b"-ERR Unknown client type 'foo'\r\n"[..],
        ),
        (
            &["CLIENT", "KILL", "user", "nobody"][..],
            &b"-ERR No such user 'nobody'\r\n"[..],
        ),
        (
            &["CLIENT", "KILL", "id", "0"][..],
            &b"-ERR client-id should be greater than 0\r\n"[..],
        ),
        (
            &["CLIENT", "KILL", "maxage", "1"][..],
            &b"-ERR syntax error\r\n"[..],
        ),
    ] {
        c.roundtrip(&cmd(words), reply);
    }
}

#[test]
fn no_evict_flag_shows() {
    let s = TestServer::start();
    let mut c = s.client();
    let _: () = redis::cmd("CLIENT")
        .arg("NO-EVICT")
        .arg("on")
        .query(&mut c)
        .expect("on");
    let info: String = redis::cmd("CLIENT")
        .arg("INFO")
        .query(&mut c)
        .expect("info");
    assert_eq!(field(&info, "flags"), "e");
    let _: () = redis::cmd("CLIENT")
        .arg("NO-EVICT")
        .arg("OFF")
        .query(&mut c)
        .expect("off");
    let info: String = redis::cmd("CLIENT")
        .arg("INFO")
        .query(&mut c)
        .expect("info");
    assert_eq!(field(&info, "flags"), "N");
    let err = redis::cmd("CLIENT")
        .arg("NO-EVICT")
        .arg("maybe")
        .query::<()>(&mut c)
        .expect_err("syntax");
    assert!(err.to_string().contains("syntax error"), "{err}");
}
