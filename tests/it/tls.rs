//! TLS (`tls-port`): certificates made at test time with rcgen (a CA, a server and a
//! client certificate; no key is ever committed), a small rustls client, and Debian's
//! `redis-cli` and `redis-benchmark` with `--tls`.

use crate::common::resp;
use muxis::config::Config;
use muxis::server::Handle;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use rustls_pki_types::pem::PemObject;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

/// A scratch directory with the test PKI, removed when dropped.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str) -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
        let dir = std::env::temp_dir().join(format!("muxis-{}-tls-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "muxis test CA");
        let ca_key = KeyPair::generate().expect("key");
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        std::fs::write(dir.join("ca.crt"), ca.pem()).expect("write");
        for (who, names) in [
            (
                "server",
                vec!["localhost".to_string(), "127.0.0.1".to_string()],
            ),
            (
                "server2",
                vec!["localhost".to_string(), "127.0.0.1".to_string()],
            ),
            ("client", vec!["client".to_string()]),
        ] {
            let key = KeyPair::generate().expect("key");
            let mut params = CertificateParams::new(names).expect("params");
            params.distinguished_name.push(DnType::CommonName, who);
            let cert = params.signed_by(&key, &ca).expect("sign");
            std::fs::write(dir.join(format!("{who}.crt")), cert.pem()).expect("write");
            std::fs::write(dir.join(format!("{who}.key")), key.serialize_pem()).expect("write");
        }
        Pki { dir }
    }

    /// The server key encrypted with `pass` (PKCS#8, PBES2: PBKDF2-SHA256 and AES-256-CBC,
    /// as `openssl pkcs8 -topk8 -v2 aes256` writes it); returns its path.
    fn encrypted_key(&self, pass: &str) -> String {
        use pkcs8::der::pem::LineEnding;
        let pem = std::fs::read_to_string(self.dir.join("server.key")).expect("key");
        let (_, doc) = pkcs8::SecretDocument::from_pem(&pem).expect("pem");
        let info = pkcs8::PrivateKeyInfo::try_from(doc.as_bytes()).expect("pkcs8");
        let params =
            pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, b"saltsalt", &[7; 16])
                .expect("params");
        let enc = info.encrypt_with_params(params, pass).expect("encrypt");
        let out = enc
            .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
            .expect("pem");
        let path = self.dir.join("server.enc.key");
        std::fs::write(&path, out.as_bytes()).expect("write");
        path.display().to_string()
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A muxis with a plain port (0: a free one) and a TLS port; stopped when dropped.
struct TlsServer {
    plain: SocketAddr,
    tls: SocketAddr,
    handle: Option<Handle>,
}

impl TlsServer {
    fn start(pki: &Pki, auth: &str) -> TlsServer {
        TlsServer::with(pki, |c| c.set("tls-auth-clients", auth).expect("set"))
    }

    fn with(pki: &Pki, f: impl Fn(&mut Config)) -> TlsServer {
        // The TLS port is picked before the start: retry if another test took it meanwhile.
        for _ in 0..5 {
            let mut config = tls_config(pki, free_port());
            f(&mut config);
            match muxis::server::start(config) {
                Ok(handle) => {
                    return TlsServer {
                        plain: handle.addr,
                        tls: handle.tls_addr.expect("a TLS address"),
                        handle: Some(handle),
                    };
                }
                Err(muxis::server::StartError::Bind(..)) => continue,
                Err(e) => panic!("server starts: {e}"),
            }
        }
        panic!("no free TLS port found");
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.stop();
            h.wait();
        }
    }
}

fn tls_config(pki: &Pki, tls_port: u16) -> Config {
    let mut c = Config {
        port: 0,
        io_threads: 2,
        ..Config::default()
    };
    c.set("tls-port", &tls_port.to_string()).expect("set");
    c.set("tls-cert-file", &pki.path("server.crt"))
        .expect("set");
    c.set("tls-key-file", &pki.path("server.key")).expect("set");
    c.set("tls-ca-cert-file", &pki.path("ca.crt")).expect("set");
    c
}

fn client_config(pki: &Pki, with_cert: bool) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(pki.path("ca.crt")).expect("ca") {
        roots.add(cert.expect("cert")).expect("add");
    }
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots);
    let config = if with_cert {
        let certs = CertificateDer::pem_file_iter(pki.path("client.crt"))
            .expect("client cert")
            .collect::<Result<Vec<_>, _>>()
            .expect("certs");
        let key = PrivateKeyDer::from_pem_file(pki.path("client.key")).expect("key");
        builder
            .with_client_auth_cert(certs, key)
            .expect("client auth")
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(config)
}

type Tls = StreamOwned<ClientConnection, TcpStream>;

fn connect(addr: SocketAddr, config: Arc<ClientConfig>) -> Tls {
    let tcp = TcpStream::connect(addr).expect("connects");
    tcp.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let name = ServerName::try_from("localhost").expect("name");
    let conn = ClientConnection::new(config, name).expect("client");
    StreamOwned::new(conn, tcp)
}

fn read_exact(s: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

/// Sends `cmd` and expects exactly `reply`.
fn roundtrip(s: &mut Tls, cmd: &[u8], reply: &[u8]) {
    s.write_all(cmd).expect("send");
    let got = read_exact(s, reply.len()).expect("reply arrives");
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(reply)
    );
}

/// Whether a PING over this connection is answered (false if the server refused it).
fn pings(s: &mut Tls) -> bool {
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    matches!(read_exact(s, 7), Ok(r) if r == b"+PONG\r\n")
}

fn plain_roundtrip(addr: SocketAddr, cmd: &[u8], reply: &[u8]) {
    let mut s = TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s.write_all(cmd).expect("send");
    let got = read_exact(&mut s, reply.len()).expect("reply");
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(reply)
    );
}

#[test]
fn tls_and_plain_ports_side_by_side() {
    let pki = Pki::new("side");
    let srv = TlsServer::start(&pki, "yes");
    assert_ne!(srv.plain.port(), srv.tls.port());
    let cfg = client_config(&pki, true);
    // Several connections: with two I/O threads some are handed to the other thread.
    let mut conns: Vec<Tls> = (0..4).map(|_| connect(srv.tls, cfg.clone())).collect();
    for (i, c) in conns.iter_mut().enumerate() {
        let key = format!("k{i}");
        roundtrip(c, &resp(&[b"SET", key.as_bytes(), b"over tls"]), b"+OK\r\n");
    }
    plain_roundtrip(srv.plain, &resp(&[b"GET", b"k3"]), b"$8\r\nover tls\r\n");
    plain_roundtrip(srv.plain, &resp(&[b"SET", b"p", b"plain"]), b"+OK\r\n");
    roundtrip(&mut conns[0], &resp(&[b"GET", b"p"]), b"$5\r\nplain\r\n");
    assert_eq!(
        muxis_config_get(&srv, "tls-port"),
        srv.tls.port().to_string()
    );
}

fn muxis_config_get(srv: &TlsServer, name: &str) -> String {
    let mut s = TcpStream::connect(srv.plain).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    s.write_all(&resp(&[b"CONFIG", b"GET", name.as_bytes()]))
        .expect("send");
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).expect("reply");
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    text.trim_end()
        .rsplit("\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn auth_clients_yes_requires_a_certificate() {
    let pki = Pki::new("authyes");
    let srv = TlsServer::start(&pki, "yes");
    let mut without = connect(srv.tls, client_config(&pki, false));
    assert!(
        !pings(&mut without),
        "a client without a certificate was served"
    );
    let mut with = connect(srv.tls, client_config(&pki, true));
    assert!(pings(&mut with));
}

#[test]
fn auth_clients_optional_accepts_both() {
    let pki = Pki::new("authopt");
    let srv = TlsServer::start(&pki, "optional");
    assert!(pings(&mut connect(srv.tls, client_config(&pki, false))));
    assert!(pings(&mut connect(srv.tls, client_config(&pki, true))));
}

#[test]
fn auth_clients_no_asks_for_none() {
    let pki = Pki::new("authno");
    let srv = TlsServer::with(&pki, |c| {
        c.set("tls-auth-clients", "no").expect("set");
        // No CA is needed when clients are not checked.
        c.set("tls-ca-cert-file", "").expect("set");
    });
    let mut s = connect(srv.tls, client_config(&pki, false));
    assert!(pings(&mut s));
    assert!(
        s.conn.peer_certificates().is_some_and(|c| !c.is_empty()),
        "the server presents its certificate"
    );
}

#[test]
fn plain_bytes_into_the_tls_port_do_not_disturb_others() {
    let pki = Pki::new("garbage");
    let srv = TlsServer::start(&pki, "yes");
    let mut good = connect(srv.tls, client_config(&pki, true));
    assert!(pings(&mut good));
    for junk in [
        &b"PING\r\n"[..],
        &[0x16, 0x03, 0x01, 0xff, 0xff, 0, 0, 0][..],
    ] {
        let mut bad = TcpStream::connect(srv.tls).expect("connects");
        bad.set_read_timeout(Some(Duration::from_secs(10))).ok();
        bad.write_all(junk).expect("send");
        // The server answers with an alert at most, and closes.
        let mut buf = Vec::new();
        let _ = bad.read_to_end(&mut buf);
        assert!(
            !buf.windows(4).any(|w| w == b"PONG"),
            "plain text got a plain reply"
        );
    }
    // A client that stops halfway through its handshake holds nothing up either.
    let mut stalled = TcpStream::connect(srv.tls).expect("connects");
    stalled.write_all(&[0x16, 0x03, 0x01]).expect("send");
    roundtrip(&mut good, &resp(&[b"SET", b"still", b"here"]), b"+OK\r\n");
    assert!(pings(&mut connect(srv.tls, client_config(&pki, true))));
    plain_roundtrip(srv.plain, b"PING\r\n", b"+PONG\r\n");
    drop(stalled);
}

#[test]
fn large_values_and_pipelines_over_tls() {
    let pki = Pki::new("large");
    let srv = TlsServer::start(&pki, "yes");
    let mut s = connect(srv.tls, client_config(&pki, true));
    let big: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    roundtrip(&mut s, &resp(&[b"SET", b"big", &big]), b"+OK\r\n");
    let mut want = format!("${}\r\n", big.len()).into_bytes();
    want.extend_from_slice(&big);
    want.extend_from_slice(b"\r\n");
    for _ in 0..3 {
        roundtrip(&mut s, &resp(&[b"GET", b"big"]), &want);
    }
    // 1000 commands in one write, their replies in order.
    let mut cmds = Vec::new();
    let mut replies = Vec::new();
    for i in 0..1000 {
        cmds.extend_from_slice(&resp(&[b"INCR", b"n"]));
        replies.extend_from_slice(format!(":{}\r\n", i + 1).as_bytes());
    }
    roundtrip(&mut s, &cmds, &replies);
    // Several big replies pipelined: more than the socket and rustls buffer at once.
    let mut cmds = Vec::new();
    let mut replies = Vec::new();
    for _ in 0..8 {
        cmds.extend_from_slice(&resp(&[b"GET", b"big"]));
        replies.extend_from_slice(&want);
    }
    roundtrip(&mut s, &cmds, &replies);
}

#[test]
fn bad_files_stop_the_start_and_name_the_file() {
    let pki = Pki::new("badfiles");
    let mut c = tls_config(&pki, free_port());
    c.set("tls-cert-file", &pki.path("missing.crt"))
        .expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("Failed to load certificate") && e.contains("missing.crt"),
        "{e}"
    );
    let mut c = tls_config(&pki, free_port());
    c.set("tls-key-file", &pki.path("ca.crt")).expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("Failed to load private key") && e.contains("ca.crt"),
        "{e}"
    );
    let mut c = tls_config(&pki, free_port());
    c.set("tls-key-file", &pki.path("server2.key"))
        .expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("server2.key") && e.contains("does not match"),
        "{e}"
    );
    // An encrypted key without its pass, or with a wrong one: named, the pass never shown.
    let enc = pki.encrypted_key("hunter2");
    let mut c = tls_config(&pki, free_port());
    c.set("tls-key-file", &enc).expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("server.enc.key") && e.contains("tls-key-file-pass"),
        "{e}"
    );
    let mut c = tls_config(&pki, free_port());
    c.set("tls-key-file", &enc).expect("set");
    c.set("tls-key-file-pass", "wrong-pass").expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("cannot decrypt") && !e.contains("wrong-pass"),
        "{e}"
    );
    // OpenSSL's legacy encrypted PEM: refused with a hint.
    let legacy = pki.dir.join("legacy.key");
    std::fs::write(
        &legacy,
        "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMAA=\n-----END EC PRIVATE KEY-----\n",
    )
    .expect("write");
    let mut c = tls_config(&pki, free_port());
    c.set("tls-key-file", &legacy.display().to_string())
        .expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(e.contains("legacy.key") && e.contains("PKCS#8"), "{e}");
    // Client certificates checked against nothing: Redis's message.
    let mut c = tls_config(&pki, free_port());
    c.set("tls-ca-cert-file", "").expect("set");
    let e = muxis::server::start(c).err().expect("refused").to_string();
    assert!(
        e.contains("Either tls-ca-cert-file or tls-ca-cert-dir must be specified"),
        "{e}"
    );
}

#[test]
fn the_binary_refuses_a_bad_certificate_naming_it() {
    let pki = Pki::new("binary");
    let out = Command::new(env!("CARGO_BIN_EXE_muxis"))
        .args(["--port", "0", "--tls-port", &free_port().to_string()])
        .args(["--tls-cert-file", &pki.path("nope.crt")])
        .args(["--tls-key-file", &pki.path("server.key")])
        .args(["--tls-ca-cert-file", &pki.path("ca.crt")])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("nope.crt"), "{text}");
}

#[test]
fn ca_dir_and_protocols_and_ciphersuites() {
    let pki = Pki::new("options");
    let cadir = pki.dir.join("cadir");
    std::fs::create_dir_all(&cadir).expect("dir");
    std::fs::copy(pki.dir.join("ca.crt"), cadir.join("ca.pem")).expect("copy");
    std::fs::write(cadir.join("README"), "not a certificate").expect("write");
    let srv = TlsServer::with(&pki, |c| {
        c.set("tls-ca-cert-file", "").expect("set");
        c.set("tls-ca-cert-dir", &cadir.display().to_string())
            .expect("set");
        c.set("tls-protocols", "TLSv1.2").expect("set");
    });
    let mut s = connect(srv.tls, client_config(&pki, true));
    assert!(pings(&mut s));
    assert_eq!(
        s.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    drop(srv);
    let srv = TlsServer::with(&pki, |c| {
        c.set("tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
            .expect("set");
    });
    let mut s = connect(srv.tls, client_config(&pki, true));
    assert!(pings(&mut s));
    let suite = s.conn.negotiated_cipher_suite().expect("suite");
    assert_eq!(
        format!("{:?}", suite.suite()),
        "TLS13_CHACHA20_POLY1305_SHA256"
    );
}

#[test]
fn config_set_reloads_certificates_for_new_connections() {
    let pki = Pki::new("reload");
    let srv = TlsServer::start(&pki, "yes");
    let cfg = client_config(&pki, true);
    let mut old = connect(srv.tls, cfg.clone());
    assert!(pings(&mut old));
    let first = old.conn.peer_certificates().expect("certs")[0].to_vec();
    let set = |name: &str, value: &str| {
        let mut s = TcpStream::connect(srv.plain).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        s.write_all(&resp(&[
            b"CONFIG",
            b"SET",
            name.as_bytes(),
            value.as_bytes(),
        ]))
        .expect("send");
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).expect("reply");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    assert_eq!(
        set("tls-cert-file", &pki.path("missing.crt")),
        "-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - \
         Unable to update TLS configuration. Check server logs.\r\n"
    );
    // A failed change changes nothing.
    let mut s = connect(srv.tls, cfg.clone());
    assert!(pings(&mut s));
    assert_eq!(
        s.conn.peer_certificates().expect("certs")[0].to_vec(),
        first
    );
    // The key must match the certificate: both in one CONFIG SET.
    let both = {
        let mut s = TcpStream::connect(srv.plain).expect("connects");
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        s.write_all(&resp(&[
            b"CONFIG",
            b"SET",
            b"tls-cert-file",
            pki.path("server2.crt").as_bytes(),
            b"tls-key-file",
            pki.path("server2.key").as_bytes(),
        ]))
        .expect("send");
        read_exact(&mut s, 5).expect("reply")
    };
    assert_eq!(both, b"+OK\r\n");
    let mut s = connect(srv.tls, cfg.clone());
    assert!(pings(&mut s));
    assert_ne!(
        s.conn.peer_certificates().expect("certs")[0].to_vec(),
        first
    );
    // The connection made before keeps working.
    assert!(pings(&mut old));
    // A failed change names the first TLS parameter given, as Redis.
    let mut s = TcpStream::connect(srv.plain).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let cmd = resp(&[
        b"CONFIG",
        b"SET",
        b"tls-session-cache-size",
        b"10",
        b"tls-ca-cert-file",
        b"/nonexistent/ca.crt",
    ]);
    s.write_all(&cmd).expect("send");
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).expect("reply");
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(
        text.starts_with(
            "-ERR CONFIG SET failed (possibly related to argument 'tls-session-cache-size')"
        ),
        "{text}"
    );
    assert_eq!(muxis_config_get(&srv, "tls-session-cache-size"), "20480");
    // tls-port is taken at start only.
    assert!(set("tls-port", &free_port().to_string()).starts_with("-ERR CONFIG SET failed"));
}

#[test]
fn without_tls_the_settings_are_taken_unchecked() {
    // As Redis with tls-port 0: the values wait, unchecked, for a TLS that is not on.
    let srv = crate::common::TestServer::start();
    let mut con = srv.client();
    for (name, value) in [
        ("tls-protocols", "bogus"),
        ("tls-cert-file", "/nonexistent/cert.pem"),
        ("tls-auth-clients", "optional"),
    ] {
        let ok = crate::common::run(&mut con, &["CONFIG", "SET", name, value]);
        assert_eq!(ok, Ok(redis::Value::Okay), "{name}");
    }
    let got = crate::common::run(&mut con, &["CONFIG", "GET", "tls-protocols"]).expect("get");
    assert_eq!(
        got,
        redis::Value::Array(vec![
            redis::Value::BulkString(b"tls-protocols".to_vec()),
            redis::Value::BulkString(b"bogus".to_vec()),
        ])
    );
}

#[test]
fn encrypted_keys_open_with_tls_key_file_pass() {
    let pki = Pki::new("enckey");
    let enc = pki.encrypted_key("hunter2");
    let srv = TlsServer::with(&pki, |c| {
        c.set("tls-key-file", &enc).expect("set");
        c.set("tls-key-file-pass", "hunter2").expect("set");
    });
    assert!(pings(&mut connect(srv.tls, client_config(&pki, true))));
    // A key OpenSSL encrypted opens too.
    drop(srv);
    let Some(openssl) = tool("openssl") else {
        eprintln!("openssl missing: its key format is not checked");
        return;
    };
    let out_key = pki.dir.join("openssl.enc.key");
    let status = Command::new(openssl)
        .args([
            "pkcs8",
            "-topk8",
            "-v2",
            "aes256",
            "-passout",
            "pass:s3cret",
        ])
        .args(["-in", &pki.path("server.key"), "-out"])
        .arg(&out_key)
        .status()
        .expect("openssl runs");
    assert!(status.success());
    let srv = TlsServer::with(&pki, |c| {
        c.set("tls-key-file", &out_key.display().to_string())
            .expect("set");
        c.set("tls-key-file-pass", "s3cret").expect("set");
    });
    assert!(pings(&mut connect(srv.tls, client_config(&pki, true))));
}

fn tool(name: &str) -> Option<PathBuf> {
    let path = Path::new("/usr/bin").join(name);
    path.exists().then_some(path)
}

fn tls_args(pki: &Pki, port: u16) -> Vec<String> {
    vec![
        "-h".into(),
        "127.0.0.1".into(),
        "-p".into(),
        port.to_string(),
        "--tls".into(),
        "--cacert".into(),
        pki.path("ca.crt"),
        "--cert".into(),
        pki.path("client.crt"),
        "--key".into(),
        pki.path("client.key"),
    ]
}

#[test]
fn redis_cli_and_redis_benchmark_over_tls() {
    let (Some(cli), Some(bench)) = (tool("redis-cli"), tool("redis-benchmark")) else {
        eprintln!("redis-cli or redis-benchmark missing: skipped");
        return;
    };
    let pki = Pki::new("tools");
    let srv = TlsServer::start(&pki, "yes");
    let args = tls_args(&pki, srv.tls.port());
    let out = Command::new(&cli)
        .args(&args)
        .args(["SET", "tool", "hello"])
        .output()
        .expect("redis-cli runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK", "{out:?}");
    let out = Command::new(&cli)
        .args(&args)
        .args(["GET", "tool"])
        .output()
        .expect("redis-cli runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
    // Without its certificate redis-cli is refused.
    let out = Command::new(&cli)
        .args(&args[..7])
        .arg("PING")
        .output()
        .expect("redis-cli runs");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("PONG"),
        "{out:?}"
    );
    let out = Command::new("timeout")
        .arg("120")
        .arg(&bench)
        .args(&args)
        .args(["-n", "2000", "-c", "10", "-q", "-t", "set,get", "-P", "4"])
        .output()
        .expect("redis-benchmark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains("SET: ") && text.contains("GET: ") && text.contains("requests per second"),
        "{text}"
    );
}

#[test]
fn tls_connections_move_when_io_threads_change() {
    let pki = Pki::new("threads");
    let srv = TlsServer::with(&pki, |c| c.io_threads = 3);
    let cfg = client_config(&pki, true);
    let mut conns: Vec<Tls> = (0..6).map(|_| connect(srv.tls, cfg.clone())).collect();
    for c in conns.iter_mut() {
        assert!(pings(c));
    }
    // Shrinking moves the TLS sessions (socket and rustls state) to the remaining thread.
    plain_roundtrip(
        srv.plain,
        &resp(&[b"CONFIG", b"SET", b"io-threads", b"1"]),
        b"+OK\r\n",
    );
    for round in 0..20 {
        for (i, c) in conns.iter_mut().enumerate() {
            let key = format!("k{i}");
            let value = format!("v{round}");
            roundtrip(
                c,
                &resp(&[b"SET", key.as_bytes(), value.as_bytes()]),
                b"+OK\r\n",
            );
        }
    }
    plain_roundtrip(
        srv.plain,
        &resp(&[b"CONFIG", b"SET", b"io-threads", b"2"]),
        b"+OK\r\n",
    );
    for _ in 0..4 {
        assert!(pings(&mut connect(srv.tls, cfg.clone())));
    }
    for c in conns.iter_mut() {
        roundtrip(c, &resp(&[b"GET", b"k0"]), b"$3\r\nv19\r\n");
    }
}
