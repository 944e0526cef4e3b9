//! Connection commands (PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET) and CLIENT, checked
//! byte for byte against Redis 7.0.15's replies.

use crate::common::*;

/// Reads one line, CRLF included.
fn read_line(c: &mut Raw) -> Vec<u8> {
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        line.extend(c.read_n(1));
    }
    line
}

/// Sends `cmd` and reads a bulk or verbatim reply; returns its payload (for a verbatim
/// string, without the `txt:` prefix) and the type byte.
fn bulk_reply(c: &mut Raw, cmd: &[&[u8]]) -> (u8, String) {
    c.send(&resp(cmd));
    let header = read_line(c);
    let len: usize = std::str::from_utf8(&header[1..header.len() - 2])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a bulk header: {}", String::from_utf8_lossy(&header)));
    let body = c.read_n(len + 2);
    let mut text = String::from_utf8(body[..len].to_vec()).expect("utf-8");
    if header[0] == b'=' {
        assert!(text.starts_with("txt:"), "verbatim format: {text}");
        text.drain(..4);
    }
    (header[0], text)
}

/// `CLIENT INFO` of `c`, as its one line (newline stripped).
fn client_info(c: &mut Raw) -> String {
    let (_, text) = bulk_reply(c, &[b"CLIENT", b"INFO"]);
    assert!(text.ends_with('\n'), "line ends in a newline: {text:?}");
    text.trim_end().to_string()
}

/// `CLIENT LIST` (with extra arguments) as lines.
fn client_list(c: &mut Raw, args: &[&[u8]]) -> Vec<String> {
    let mut cmd: Vec<&[u8]> = vec![b"CLIENT", b"LIST"];
    cmd.extend_from_slice(args);
    let (_, text) = bulk_reply(c, &cmd);
    assert!(text.is_empty() || text.ends_with('\n'));
    text.lines().map(str::to_string).collect()
}

/// The value of `key=` in a `CLIENT LIST` line.
fn field(line: &str, key: &str) -> String {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
        .to_string()
}

fn client_id(c: &mut Raw) -> u64 {
    c.send(&resp(&[b"CLIENT", b"ID"]));
    let line = read_line(c);
    assert_eq!(line[0], b':');
    std::str::from_utf8(&line[1..line.len() - 2])
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("an id")
}

/// HELLO's reply for client `id` in the given protocol.
fn hello_reply(id: u64, proto: u8) -> Vec<u8> {
    let head = if proto == 3 { "%7" } else { "*14" };
    format!(
        "{head}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:{proto}\r\n\
         $2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n\
         $7\r\nmodules\r\n*0\r\n"
    )
    .into_bytes()
}

#[test]
fn ping_and_echo() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
    c.roundtrip(&resp(&[b"PING", b"hi there"]), b"$8\r\nhi there\r\n");
    c.roundtrip(
        &resp(&[b"PING", b"a", b"b"]),
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    );
    c.roundtrip(&resp(&[b"ECHO", b""]), b"$0\r\n\r\n");
    c.roundtrip(
        &resp(&[b"ECHO"]),
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
    c.roundtrip(
        &resp(&[b"ECHO", b"a", b"b"]),
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
    // RESP3 changes neither reply.
    let id = client_id(&mut c);
    c.roundtrip(&resp(&[b"HELLO", b"3"]), &hello_reply(id, 3));
    c.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
    c.roundtrip(&resp(&[b"PING", b"x"]), b"$1\r\nx\r\n");
}

#[test]
fn quit_replies_ok_then_closes() {
    let s = TestServer::start();
    let mut c = s.raw();
    // The PING after QUIT is never answered.
    c.send(&[resp(&[b"QUIT"]), resp(&[b"PING"])].concat());
    assert_eq!(c.read_to_close(), b"+OK\r\n");
    // Redis 7.0 ignores QUIT's arguments.
    let mut c = s.raw();
    c.send(&resp(&[b"QUIT", b"now"]));
    assert_eq!(c.read_to_close(), b"+OK\r\n");
}

#[test]
fn hello_switches_the_protocol() {
    let s = TestServer::start();
    let mut c = s.raw();
    let id = client_id(&mut c);
    c.roundtrip(&resp(&[b"HELLO"]), &hello_reply(id, 2));
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    // The HELLO 3 reply is itself RESP3, and so is everything after it.
    c.roundtrip(&resp(&[b"HELLO", b"3"]), &hello_reply(id, 3));
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"_\r\n");
    assert_eq!(bulk_reply(&mut c, &[b"CLIENT", b"INFO"]).0, b'=');
    assert_eq!(field(&client_info(&mut c), "resp"), "3");
    // HELLO without a version keeps the current one.
    c.roundtrip(&resp(&[b"HELLO"]), &hello_reply(id, 3));
    c.roundtrip(&resp(&[b"HELLO", b"2"]), &hello_reply(id, 2));
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    assert_eq!(bulk_reply(&mut c, &[b"CLIENT", b"INFO"]).0, b'$');
    // Pipelined: the command right behind HELLO 3 already gets RESP3.
    c.send(&[resp(&[b"HELLO", b"3"]), resp(&[b"CLIENT", b"GETNAME"])].concat());
    c.expect(&[hello_reply(id, 3), b"_\r\n".to_vec()].concat());
}

#[test]
fn hello_options_and_errors() {
    let s = TestServer::start();
    let mut c = s.raw();
    let id = client_id(&mut c);
    c.roundtrip(
        &resp(&[b"HELLO", b"4"]),
        b"-NOPROTO unsupported protocol version\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"1"]),
        b"-NOPROTO unsupported protocol version\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"three"]),
        b"-ERR Protocol version is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"3", b"AUTH", b"nobody", b"pw"]),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"3", b"auth", b"a"]),
        b"-ERR Syntax error in HELLO option 'auth'\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"3", b"SETNAME"]),
        b"-ERR Syntax error in HELLO option 'SETNAME'\r\n",
    );
    c.roundtrip(
        &resp(&[b"HELLO", b"3", b"SETNAME", b"a b"]),
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    // A SETNAME before a bad option stays, but the protocol does not switch.
    c.roundtrip(
        &resp(&[b"HELLO", b"3", b"SETNAME", b"early", b"BAR"]),
        b"-ERR Syntax error in HELLO option 'BAR'\r\n",
    );
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$5\r\nearly\r\n");
    // The default user has no password: any password authenticates it.
    c.roundtrip(
        &resp(&[
            b"HELLO",
            b"3",
            b"AUTH",
            b"default",
            b"whatever",
            b"SETNAME",
            b"conn1",
        ]),
        &hello_reply(id, 3),
    );
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$5\r\nconn1\r\n");
}

#[test]
fn auth_without_a_configured_password() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &resp(&[b"AUTH", b"secret"]),
        b"-ERR AUTH <password> called without any password configured for the default user. \
          Are you sure your configuration is correct?\r\n",
    );
    c.roundtrip(&resp(&[b"AUTH", b"default", b"secret"]), b"+OK\r\n");
    c.roundtrip(
        &resp(&[b"AUTH", b"alice", b"secret"]),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.roundtrip(
        &resp(&[b"AUTH", b"a", b"b", b"c"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &resp(&[b"AUTH"]),
        b"-ERR wrong number of arguments for 'auth' command\r\n",
    );
}

#[test]
fn select_checks_the_index() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&resp(&[b"SELECT", b"15"]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "db"), "15");
    c.roundtrip(
        &resp(&[b"SELECT", b"16"]),
        b"-ERR DB index is out of range\r\n",
    );
    c.roundtrip(
        &resp(&[b"SELECT", b"-1"]),
        b"-ERR DB index is out of range\r\n",
    );
    c.roundtrip(
        &resp(&[b"SELECT", b"x"]),
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &resp(&[b"SELECT", b"1.5"]),
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.roundtrip(
        &resp(&[b"SELECT", b"99999999999"]),
        b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    );
    // A failed SELECT keeps the database.
    assert_eq!(field(&client_info(&mut c), "db"), "15");
    c.roundtrip(&resp(&[b"SELECT", b"0"]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "db"), "0");
    c.roundtrip(
        &resp(&[b"SELECT"]),
        b"-ERR wrong number of arguments for 'select' command\r\n",
    );
}

#[test]
fn select_respects_the_databases_setting() {
    let s = TestServer::with(|c| c.databases = 2);
    let mut c = s.raw();
    c.roundtrip(&resp(&[b"SELECT", b"1"]), b"+OK\r\n");
    c.roundtrip(
        &resp(&[b"SELECT", b"2"]),
        b"-ERR DB index is out of range\r\n",
    );
}

#[test]
fn reset_restores_a_fresh_connection() {
    let s = TestServer::start();
    let mut c = s.raw();
    let id = client_id(&mut c);
    c.roundtrip(&resp(&[b"SELECT", b"3"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"CLIENT", b"SETNAME", b"me"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"HELLO", b"3"]), &hello_reply(id, 3));
    c.roundtrip(&resp(&[b"RESET"]), b"+RESET\r\n");
    c.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    let info = client_info(&mut c);
    assert_eq!(field(&info, "db"), "0");
    assert_eq!(field(&info, "resp"), "2");
    assert_eq!(field(&info, "name"), "");
    // Still the same connection.
    assert_eq!(field(&info, "id"), id.to_string());
    c.roundtrip(
        &resp(&[b"RESET", b"x"]),
        b"-ERR wrong number of arguments for 'reset' command\r\n",
    );
}

#[test]
fn client_id_setname_getname() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    let (ia, ib) = (client_id(&mut a), client_id(&mut b));
    assert_ne!(ia, ib);
    a.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    a.roundtrip(&resp(&[b"CLIENT", b"SETNAME", b"worker-1"]), b"+OK\r\n");
    a.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$8\r\nworker-1\r\n");
    b.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    let bad = b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
    for name in [&b"a b"[..], b"a\nb", b"caf\xc3\xa9", b"\x01"] {
        a.roundtrip(&resp(&[b"CLIENT", b"SETNAME", name]), bad);
    }
    a.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$8\r\nworker-1\r\n");
    // An empty name removes it.
    a.roundtrip(&resp(&[b"client", b"setname", b""]), b"+OK\r\n");
    a.roundtrip(&resp(&[b"CLIENT", b"GETNAME"]), b"$-1\r\n");
    a.roundtrip(
        &resp(&[b"CLIENT", b"SETNAME"]),
        b"-ERR wrong number of arguments for 'client|setname' command\r\n",
    );
    a.roundtrip(
        &resp(&[b"CLIENT", b"ID", b"x"]),
        b"-ERR wrong number of arguments for 'client|id' command\r\n",
    );
    a.roundtrip(
        &resp(&[b"CLIENT"]),
        b"-ERR wrong number of arguments for 'client' command\r\n",
    );
    a.roundtrip(
        &resp(&[b"CLIENT", b"foo"]),
        b"-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n",
    );
}

#[test]
fn client_list_fields() {
    let s = TestServer::with(|c| c.io_threads = 3);
    let mut a = s.raw();
    let mut b = s.raw();
    let ib = client_id(&mut b);
    b.roundtrip(&resp(&[b"CLIENT", b"SETNAME", b"bee"]), b"+OK\r\n");
    b.roundtrip(&resp(&[b"SELECT", b"2"]), b"+OK\r\n");
    let ia = client_id(&mut a);
    let lines = client_list(&mut a, &[]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Redis lists clients in id order.
    assert_eq!(field(&lines[0], "id"), ia.min(ib).to_string());
    let keys: Vec<&str> = lines[0]
        .split(' ')
        .map(|kv| kv.split('=').next().unwrap_or(""))
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "addr",
            "laddr",
            "fd",
            "name",
            "age",
            "idle",
            "flags",
            "db",
            "sub",
            "psub",
            "ssub",
            "multi",
            "qbuf",
            "qbuf-free",
            "argv-mem",
            "multi-mem",
            "rbs",
            "rbp",
            "obl",
            "oll",
            "omem",
            "tot-mem",
            "events",
            "cmd",
            "user",
            "redir",
            "resp",
            "lib-name",
            "lib-ver",
            "io-thread"
        ]
    );
    let me = lines
        .iter()
        .find(|l| field(l, "id") == ia.to_string())
        .expect("caller listed");
    let other = lines
        .iter()
        .find(|l| field(l, "id") == ib.to_string())
        .expect("other listed");
    assert_eq!(field(me, "cmd"), "client|list");
    assert_eq!(
        field(me, "addr"),
        a.stream.local_addr().expect("addr").to_string()
    );
    assert_eq!(field(me, "laddr"), s.addr.to_string());
    assert_eq!(field(me, "flags"), "N");
    assert_eq!(field(me, "user"), "default");
    assert_eq!(field(other, "name"), "bee");
    assert_eq!(field(other, "db"), "2");
    assert_eq!(field(other, "cmd"), "select");
    // Two I/O threads serving clients (1 and 2; 0 is the executor's), balanced: one
    // client on each.
    let mut threads = [field(me, "io-thread"), field(other, "io-thread")];
    threads.sort();
    assert_eq!(threads, ["1", "2"]);

    // Filters.
    assert_eq!(client_list(&mut a, &[b"TYPE", b"normal"]).len(), 2);
    for kind in [&b"pubsub"[..], b"master", b"replica", b"slave"] {
        assert!(client_list(&mut a, &[b"type", kind]).is_empty());
    }
    let ids = [
        ib.to_string(),
        "999999".to_string(),
        "-3".to_string(),
        ib.to_string(),
    ];
    let ids: Vec<&[u8]> = ids.iter().map(|s| s.as_bytes()).collect();
    let mut args: Vec<&[u8]> = vec![b"ID"];
    args.extend(ids);
    let only_b = client_list(&mut a, &args);
    assert_eq!(only_b.len(), 2, "asked twice, listed twice");
    assert!(only_b.iter().all(|l| field(l, "name") == "bee"));

    // Errors.
    let err = |a: &mut Raw, args: &[&[u8]], reply: &[u8]| {
        let mut cmd: Vec<&[u8]> = vec![b"CLIENT", b"LIST"];
        cmd.extend_from_slice(args);
        a.roundtrip(&resp(&cmd), reply);
    };
    err(
        &mut a,
        &[b"TYPE", b"foo"],
        b"-ERR Unknown client type 'foo'\r\n",
    );
    err(&mut a, &[b"ID", b"1", b"x"], b"-ERR Invalid client ID\r\n");
    err(&mut a, &[b"TYPE"], b"-ERR syntax error\r\n");
    err(&mut a, &[b"ID"], b"-ERR syntax error\r\n");
    err(
        &mut a,
        &[b"TYPE", b"normal", b"x"],
        b"-ERR syntax error\r\n",
    );
    err(&mut a, &[b"foo"], b"-ERR syntax error\r\n");
}

#[test]
fn client_list_and_info_in_resp3_are_verbatim() {
    let s = TestServer::start();
    let mut c = s.raw();
    let id = client_id(&mut c);
    c.roundtrip(&resp(&[b"HELLO", b"3"]), &hello_reply(id, 3));
    let (kind, text) = bulk_reply(&mut c, &[b"CLIENT", b"LIST"]);
    assert_eq!(kind, b'=');
    assert_eq!(field(&text, "resp"), "3");
    c.roundtrip(
        &resp(&[b"CLIENT", b"LIST", b"ID", b"99999"]),
        b"=4\r\ntxt:\r\n",
    );
    let info = client_info(&mut c);
    assert_eq!(field(&info, "cmd"), "client|info");
    assert_eq!(field(&info, "id"), id.to_string());
    c.roundtrip(
        &resp(&[b"CLIENT", b"INFO", b"x"]),
        b"-ERR wrong number of arguments for 'client|info' command\r\n",
    );
}

#[test]
fn client_kill_by_id() {
    let s = TestServer::start();
    let mut killer = s.raw();
    let mut victim = s.raw();
    let vid = client_id(&mut victim);
    killer.roundtrip(
        &resp(&[b"CLIENT", b"KILL", b"ID", vid.to_string().as_bytes()]),
        b":1\r\n",
    );
    assert_eq!(victim.read_to_close(), b"");
    // Gone from the list, and a second kill finds nothing.
    assert_eq!(client_list(&mut killer, &[]).len(), 1);
    killer.roundtrip(
        &resp(&[b"CLIENT", b"KILL", b"ID", vid.to_string().as_bytes()]),
        b":0\r\n",
    );
    // The filter form skips the caller unless told otherwise.
    let kid = client_id(&mut killer);
    killer.roundtrip(
        &resp(&[b"CLIENT", b"KILL", b"ID", kid.to_string().as_bytes()]),
        b":0\r\n",
    );
    killer.roundtrip(&resp(&[b"CLIENT", b"KILL", b"SKIPME", b"yes"]), b":0\r\n");
    killer.send(
        &[
            resp(&[b"CLIENT", b"KILL", b"SKIPME", b"no"]),
            resp(&[b"PING"]),
        ]
        .concat(),
    );
    assert_eq!(killer.read_to_close(), b":1\r\n");
}

#[test]
fn client_kill_by_filters() {
    let s = TestServer::start();
    let mut killer = s.raw();
    let mut v1 = s.raw();
    let mut v2 = s.raw();
    let mut v3 = s.raw();
    for v in [&mut v1, &mut v2, &mut v3] {
        v.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
    }
    let addr = v1.stream.local_addr().expect("addr").to_string();
    killer.roundtrip(
        &resp(&[b"CLIENT", b"KILL", b"ADDR", b"1.2.3.4:5"]),
        b":0\r\n",
    );
    killer.roundtrip(
        &resp(&[
            b"CLIENT",
            b"KILL",
            b"ADDR",
            addr.as_bytes(),
            b"TYPE",
            b"normal",
        ]),
        b":1\r\n",
    );
    assert_eq!(v1.read_to_close(), b"");
    killer.roundtrip(&resp(&[b"CLIENT", b"KILL", b"TYPE", b"pubsub"]), b":0\r\n");
    // LADDR matches every connection to the server; USER default too. The caller is skipped.
    let laddr = s.addr.to_string();
    killer.roundtrip(
        &resp(&[
            b"CLIENT",
            b"KILL",
            b"LADDR",
            laddr.as_bytes(),
            b"USER",
            b"default",
        ]),
        b":2\r\n",
    );
    assert_eq!(v2.read_to_close(), b"");
    assert_eq!(v3.read_to_close(), b"");
    killer.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");

    let err = |c: &mut Raw, args: &[&[u8]], reply: &[u8]| {
        let mut cmd: Vec<&[u8]> = vec![b"CLIENT", b"KILL"];
        cmd.extend_from_slice(args);
        c.roundtrip(&resp(&cmd), reply);
    };
    let k = &mut killer;
    err(
        k,
        &[b"ID", b"x"],
        b"-ERR client-id should be greater than 0\r\n",
    );
    err(
        k,
        &[b"ID", b"0"],
        b"-ERR client-id should be greater than 0\r\n",
    );
    err(k, &[b"ID", b"1", b"ID"], b"-ERR syntax error\r\n");
    err(k, &[b"TYPE", b"foo"], b"-ERR Unknown client type 'foo'\r\n");
    err(k, &[b"USER", b"nobody"], b"-ERR No such user 'nobody'\r\n");
    err(k, &[b"SKIPME", b"maybe"], b"-ERR syntax error\r\n");
    err(k, &[b"MAXAGE", b"5"], b"-ERR syntax error\r\n");
    err(
        k,
        &[],
        b"-ERR wrong number of arguments for 'client|kill' command\r\n",
    );
    // Three arguments is the old form: an address.
    err(k, &[b"ID"], b"-ERR No such client\r\n");
}

#[test]
fn client_kill_old_form() {
    let s = TestServer::start();
    let mut killer = s.raw();
    let mut victim = s.raw();
    victim.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
    let addr = victim.stream.local_addr().expect("addr").to_string();
    killer.roundtrip(
        &resp(&[b"CLIENT", b"KILL", b"1.2.3.4:5"]),
        b"-ERR No such client\r\n",
    );
    killer.roundtrip(&resp(&[b"CLIENT", b"KILL", addr.as_bytes()]), b"+OK\r\n");
    assert_eq!(victim.read_to_close(), b"");
    // The old form may kill the caller itself: it still gets its +OK.
    let own = killer.stream.local_addr().expect("addr").to_string();
    killer.send(&resp(&[b"client", b"kill", own.as_bytes()]));
    assert_eq!(killer.read_to_close(), b"+OK\r\n");
}

#[test]
fn client_setinfo_shows_in_the_list() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        &resp(&[b"CLIENT", b"SETINFO", b"LIB-NAME", b"redis-py"]),
        b"+OK\r\n",
    );
    c.roundtrip(
        &resp(&[b"CLIENT", b"SETINFO", b"lib-ver", b"5.0.1"]),
        b"+OK\r\n",
    );
    let info = client_info(&mut c);
    assert_eq!(field(&info, "lib-name"), "redis-py");
    assert_eq!(field(&info, "lib-ver"), "5.0.1");
    c.roundtrip(
        &resp(&[b"CLIENT", b"SETINFO", b"lib-ver", b"5 0"]),
        b"-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n",
    );
    c.roundtrip(
        &resp(&[b"CLIENT", b"SETINFO", b"color", b"red"]),
        b"-ERR Unrecognized option 'color'\r\n",
    );
    c.roundtrip(&resp(&[b"CLIENT", b"SETINFO", b"lib-ver", b""]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "lib-ver"), "");
    // RESET keeps the library's name.
    c.roundtrip(&resp(&[b"RESET"]), b"+RESET\r\n");
    assert_eq!(field(&client_info(&mut c), "lib-name"), "redis-py");
}

#[test]
fn client_flags_reply_and_help() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(&resp(&[b"CLIENT", b"NO-EVICT", b"on"]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "flags"), "e");
    c.roundtrip(&resp(&[b"CLIENT", b"NO-TOUCH", b"ON"]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "flags"), "eT");
    c.roundtrip(&resp(&[b"CLIENT", b"NO-EVICT", b"off"]), b"+OK\r\n");
    c.roundtrip(&resp(&[b"CLIENT", b"NO-TOUCH", b"off"]), b"+OK\r\n");
    assert_eq!(field(&client_info(&mut c), "flags"), "N");
    c.roundtrip(
        &resp(&[b"CLIENT", b"NO-EVICT", b"x"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &resp(&[b"CLIENT", b"NO-EVICT"]),
        b"-ERR wrong number of arguments for 'client|no-evict' command\r\n",
    );
    c.roundtrip(&resp(&[b"CLIENT", b"REPLY", b"ON"]), b"+OK\r\n");
    c.roundtrip(
        &resp(&[b"CLIENT", b"REPLY", b"x"]),
        b"-ERR syntax error\r\n",
    );
    c.roundtrip(
        &resp(&[b"CLIENT", b"REPLY", b"OFF", b"x"]),
        b"-ERR wrong number of arguments for 'client|reply' command\r\n",
    );

    c.send(&resp(&[b"CLIENT", b"HELP"]));
    let header = read_line(&mut c);
    let n: usize = std::str::from_utf8(&header[1..header.len() - 2])
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("count");
    assert_eq!(header[0], b'*');
    let lines: Vec<Vec<u8>> = (0..n).map(|_| read_line(&mut c)).collect();
    assert_eq!(
        lines[0],
        b"+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
    );
    assert_eq!(lines[n - 1], b"+    Prints this help.\r\n");
    assert!(lines.iter().all(|l| l[0] == b'+'));
    c.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
}

#[test]
fn client_last_command_is_recorded() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    let ib = client_id(&mut b);
    let line = |a: &mut Raw| client_list(a, &[b"ID", ib.to_string().as_bytes()]).remove(0);
    assert_eq!(field(&line(&mut a), "cmd"), "client|id");
    b.roundtrip(&resp(&[b"ECHO", b"x"]), b"$1\r\nx\r\n");
    assert_eq!(field(&line(&mut a), "cmd"), "echo");
}

#[test]
fn connections_spread_evenly_over_io_threads() {
    let s = TestServer::with(|c| c.io_threads = 5);
    // Opened one after another, each answered before the next, so the balancer sees
    // every earlier one and the executor knows them all before the listing.
    let _conns: Vec<Raw> = (0..300)
        .map(|_| {
            let mut c = s.raw();
            c.roundtrip(&resp(&[b"PING"]), b"+PONG\r\n");
            c
        })
        .collect();
    let mut lister = s.raw();
    let lines = client_list(&mut lister, &[]);
    assert_eq!(lines.len(), 301);
    // Thread 0 is the executor's own: with other threads there, it serves nobody.
    let mut per_thread = [0usize; 5];
    for l in &lines {
        let t: usize = field(l, "io-thread").parse().expect("a thread index");
        per_thread[t] += 1;
    }
    assert_eq!(per_thread[0], 0, "{per_thread:?}");
    for n in &per_thread[1..] {
        assert!(n.abs_diff(75) <= 1, "uneven spread: {per_thread:?}");
    }
}
