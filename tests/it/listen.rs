//! Listening: several `bind` addresses (Redis 7's syntax, `-` for one that may be missing),
//! and the Unix-domain socket beside TCP, served by the same I/O threads.

use crate::common::{TestServer, resp};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn sock_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("muxis-{}-{name}.sock", std::process::id()))
}

fn unix_call(path: &PathBuf, cmd: &[u8]) -> Vec<u8> {
    let mut s = UnixStream::connect(path).expect("unix socket connects");
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    s.write_all(cmd).expect("send");
    let mut buf = vec![0; 4096];
    let n = s.read(&mut buf).expect("reply");
    buf.truncate(n);
    buf
}

#[test]
fn unix_socket_serves_beside_tcp_with_its_permissions() {
    let path = sock_path("serve");
    let p = path.clone();
    let srv = TestServer::with(move |c| {
        c.unixsocket = Some(p);
        c.unixsocketperm = 0o700;
    });
    let mode = std::fs::metadata(&path)
        .expect("socket file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    assert_eq!(unix_call(&path, &resp(&[b"SET", b"k", b"v"])), b"+OK\r\n");
    let mut tcp = srv.client();
    let v: String = redis::cmd("GET").arg("k").query(&mut tcp).expect("GET");
    assert_eq!(v, "v");
    let list = unix_call(&path, b"CLIENT INFO\r\n");
    let text = String::from_utf8_lossy(&list);
    let want = format!("addr={}:0 laddr={}:0", path.display(), path.display());
    assert!(text.contains(&want), "{text}");
    assert!(text.contains("flags=U "), "{text}");
    let got: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("unixsocket*")
        .query(&mut tcp)
        .expect("CONFIG GET");
    assert_eq!(
        got,
        [
            "unixsocket".to_string(),
            path.display().to_string(),
            "unixsocketperm".into(),
            "700".into()
        ]
    );
    drop(srv);
    assert!(!path.exists(), "the socket file outlived the server");
}

#[test]
fn stale_socket_file_is_replaced() {
    let path = sock_path("stale");
    std::fs::write(&path, b"left over").expect("write");
    let p = path.clone();
    let _srv = TestServer::with(move |c| c.unixsocket = Some(p));
    assert_eq!(unix_call(&path, b"PING\r\n"), b"+PONG\r\n");
}

#[test]
fn redis_cli_and_benchmark_work_over_the_unix_socket() {
    let have = |t: &str| Command::new(t).arg("--version").output().is_ok();
    if !have("redis-cli") || !have("redis-benchmark") {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-tools missing in CI"
        );
        eprintln!("SKIPPED: redis-cli/redis-benchmark are not installed");
        return;
    }
    let path = sock_path("tools");
    let p = path.clone();
    let _srv = TestServer::with(move |c| c.unixsocket = Some(p));
    let sock = path.to_string_lossy().into_owned();
    let out = Command::new("redis-cli")
        .args(["-s", &sock, "SET", "via", "unix"])
        .output()
        .expect("redis-cli runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK");
    let out = Command::new("redis-benchmark")
        .args(["-s", &sock, "-q", "-t", "set,get", "-n", "20000", "-P", "8"])
        .output()
        .expect("redis-benchmark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("SET:") && text.contains("GET:"),
        "redis-benchmark over the socket: {text}"
    );
}

#[test]
fn several_bind_addresses_and_an_optional_missing_one() {
    // 127.0.0.2 is on the loopback interface too; 192.0.2.1 (TEST-NET) is on no interface,
    // so binding it fails, which the '-' allows.
    let srv = TestServer::with(|c| c.bind = "127.0.0.1 127.0.0.2 -192.0.2.1".into());
    for ip in ["127.0.0.1", "127.0.0.2"] {
        let mut s = std::net::TcpStream::connect((ip, srv.port())).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(5))).ok();
        s.write_all(b"PING\r\n").expect("send");
        let mut buf = [0u8; 7];
        s.read_exact(&mut buf).expect("reply");
        assert_eq!(&buf, b"+PONG\r\n", "over {ip}");
    }
    let mut c = srv.client();
    let got: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("bind")
        .query(&mut c)
        .expect("CONFIG GET");
    assert_eq!(got[1], "127.0.0.1 127.0.0.2 -192.0.2.1");
}

#[test]
fn a_required_address_that_cannot_be_bound_stops_the_start() {
    let config = muxis::config::Config {
        port: 0,
        bind: "127.0.0.1 192.0.2.1".into(),
        ..Default::default()
    };
    let err = muxis::server::start(config).err().expect("start fails");
    assert!(err.to_string().contains("192.0.2.1"), "{err}");
}
