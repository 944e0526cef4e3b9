//! The TLS settings: rustls's server configuration built from the `tls-*` parameters, at
//! start and again when CONFIG SET changes one (new connections get the new settings,
//! as in Redis; connections already made keep theirs).
//!
//! Errors are Redis's texts where it has one, and always name the file at fault.

use crate::config::Config;
use parking_lot::RwLock;
use rustls::crypto::CryptoProvider;
use rustls::server::{NoServerSessionStorage, ServerSessionMemoryCache, WebPkiClientVerifier};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;

/// The settings new TLS connections get: `None` until TLS is configured.
pub type TlsHolder = RwLock<Option<Arc<ServerConfig>>>;

/// The parameters the TLS settings are built from: a change to any of them rebuilds them.
pub const PARAMS: &[&str] = &[
    "tls-cert-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-ca-cert-file",
    "tls-ca-cert-dir",
    "tls-auth-clients",
    "tls-protocols",
    "tls-ciphersuites",
    "tls-ciphers",
    "tls-prefer-server-ciphers",
    "tls-session-caching",
    "tls-session-cache-size",
    "tls-session-cache-timeout",
    "tls-dh-params-file",
];

/// The `tls-port` setting (0: no TLS listener).
pub fn tls_port(config: &Config) -> u16 {
    config
        .get("tls-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

fn get(config: &Config, name: &str) -> String {
    config.get(name).unwrap_or_default()
}

/// Builds the server settings from `config`, or says why not (Redis's message, naming the
/// file at fault).
pub fn build(config: &Config) -> Result<Arc<ServerConfig>, String> {
    let cert_file = get(config, "tls-cert-file");
    let key_file = get(config, "tls-key-file");
    let ca_file = get(config, "tls-ca-cert-file");
    let ca_dir = get(config, "tls-ca-cert-dir");
    let auth = get(config, "tls-auth-clients");
    if cert_file.is_empty() {
        return Err("No tls-cert-file configured!".into());
    }
    if key_file.is_empty() {
        return Err("No tls-key-file configured!".into());
    }
    if auth != "no" && ca_file.is_empty() && ca_dir.is_empty() {
        return Err(
            "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when \
                    tls-cluster, tls-replication or tls-auth-clients are enabled!"
                .into(),
        );
    }
    let versions = protocols(&get(config, "tls-protocols"))?;
    let provider = Arc::new(provider(&get(config, "tls-ciphersuites"))?);
    let key_provider = provider.key_provider;
    let certs = load_certs(&cert_file)?;
    let key = load_key(&key_file, &get(config, "tls-key-file-pass"))?;

    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| format!("Failed to configure TLS protocols: {e}"))?;
    let builder = if auth == "no" {
        builder.with_no_client_auth()
    } else {
        let roots = Arc::new(load_roots(&ca_file, &ca_dir)?);
        let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider);
        let verifier = if auth == "optional" {
            verifier.allow_unauthenticated()
        } else {
            verifier
        };
        let verifier = verifier
            .build()
            .map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?;
        builder.with_client_cert_verifier(verifier)
    };
    let certified = certified_key(key_provider, certs, key, &cert_file, &key_file)?;
    let mut server = builder.with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
    server.ignore_client_order = get(config, "tls-prefer-server-ciphers") == "yes";
    if get(config, "tls-session-caching") == "yes" {
        // Redis's 0 is OpenSSL's "no limit"; rustls needs a bound.
        let size = match get(config, "tls-session-cache-size").parse::<usize>() {
            Ok(0) | Err(_) => 1 << 20,
            Ok(n) => n,
        };
        server.session_storage = ServerSessionMemoryCache::new(size);
    } else {
        server.session_storage = Arc::new(NoServerSessionStorage {});
        server.send_tls13_tickets = 0;
    }
    Ok(Arc::new(server))
}

/// `tls-protocols`: Redis's names, any case; empty is TLSv1.2 and TLSv1.3 (Redis's
/// default). TLSv1 and TLSv1.1 are accepted as names, but rustls does not speak them.
fn protocols(value: &str) -> Result<Vec<&'static SupportedProtocolVersion>, String> {
    const INVALID: &str = "Invalid tls-protocols specified. Use a combination of 'TLSv1', \
                           'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.";
    if value.trim().is_empty() {
        return Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]);
    }
    let mut out = Vec::new();
    for word in value.split_whitespace() {
        match word.to_ascii_lowercase().as_str() {
            "tlsv1" | "tlsv1.1" => {}
            "tlsv1.2" => out.push(&rustls::version::TLS12),
            "tlsv1.3" => out.push(&rustls::version::TLS13),
            _ => return Err(INVALID.into()),
        }
    }
    if out.is_empty() {
        return Err(format!(
            "Failed to configure TLS protocols: '{value}': muxis supports only TLSv1.2 and TLSv1.3"
        ));
    }
    Ok(out)
}

/// rustls's ring provider, its TLS 1.3 suites limited to `tls-ciphersuites` (OpenSSL's
/// names, `:`-separated) when that is set. TLS 1.2 suites are rustls's (`tls-ciphers`,
/// an OpenSSL cipher string, is stored only).
fn provider(ciphersuites: &str) -> Result<CryptoProvider, String> {
    // Deprecated since rustls 0.23.48 for lacking post-quantum key exchange, which only
    // the aws-lc-rs provider has; that one needs cmake and nasm to build, ring a C
    // compiler only. Classical X25519/P-256 is what Redis with OpenSSL 3.0 offers too.
    #[allow(deprecated)]
    let mut provider = rustls::crypto::ring::default_provider();
    if ciphersuites.trim().is_empty() {
        return Ok(provider);
    }
    let wanted: Vec<&str> = ciphersuites.split(':').map(str::trim).collect();
    provider.cipher_suites.retain(|s| {
        let name = format!("{:?}", s.suite());
        match name.strip_prefix("TLS13_") {
            Some(rest) => wanted.contains(&format!("TLS_{rest}").as_str()),
            None => true,
        }
    });
    if !provider.cipher_suites.iter().any(|s| s.tls13().is_some()) {
        return Err(format!("Failed to configure ciphersuites: {ciphersuites}"));
    }
    Ok(provider)
}

/// The certificate chain with its key, checked to match as OpenSSL checks it. A
/// certificate webpki cannot parse (an X.509 v1 one, as `openssl x509 -req` makes without
/// extensions) cannot be checked; OpenSSL serves those, and so does muxis.
fn certified_key(
    keys: &dyn rustls::crypto::KeyProvider,
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_file: &str,
    key_file: &str,
) -> Result<CertifiedKey, String> {
    let key = keys
        .load_private_key(key)
        .map_err(|e| format!("Failed to load private key: {key_file}: {e}"))?;
    let certified = CertifiedKey::new(certs, key);
    match certified.keys_match() {
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(format!(
                "Failed to load private key: {key_file}: it does not match the certificate in {cert_file}"
            ))
        }
        _ => Ok(certified),
    }
}

fn load_certs(file: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("Failed to load certificate: {file}: {e}");
    let certs = CertificateDer::pem_file_iter(file)
        .map_err(|e| bad(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))?;
    if certs.is_empty() {
        return Err(bad(&"no certificate found"));
    }
    Ok(certs)
}

/// The private key of `tls-key-file`: PKCS#8, PKCS#1 or SEC1 PEM, or an encrypted PKCS#8
/// one (`ENCRYPTED PRIVATE KEY`, PBES2 as OpenSSL 3 writes it) opened with
/// `tls-key-file-pass`. OpenSSL's older encrypted PEM (`Proc-Type: 4,ENCRYPTED`) is refused
/// with a hint to convert it.
fn load_key(file: &str, pass: &str) -> Result<PrivateKeyDer<'static>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("Failed to load private key: {file}: {e}");
    let text = std::fs::read(file).map_err(|e| bad(&e))?;
    let has = |marker: &[u8]| text.windows(marker.len()).any(|w| w == marker);
    if has(b"Proc-Type: 4,ENCRYPTED") {
        return Err(bad(
            &"a legacy OpenSSL encrypted key, which muxis cannot read: convert it to \
              PKCS#8 (openssl pkcs8 -topk8 -v2 aes256)",
        ));
    }
    if has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return decrypt_key(&text, pass).map_err(|e| bad(&e));
    }
    PrivateKeyDer::from_pem_slice(&text).map_err(|e| bad(&e))
}

fn decrypt_key(text: &[u8], pass: &str) -> Result<PrivateKeyDer<'static>, String> {
    use pkcs8::der::Decode;
    if pass.is_empty() {
        return Err("the key is encrypted and tls-key-file-pass is not set".into());
    }
    let text = std::str::from_utf8(text).map_err(|_| "not a PEM file".to_string())?;
    let (_, doc) = pkcs8::SecretDocument::from_pem(text).map_err(|e| e.to_string())?;
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes())
        .map_err(|e| format!("not an encrypted PKCS#8 key: {e}"))?;
    // The pass is never part of an error: it is a secret (CONFIG GET hides it too).
    let key = info
        .decrypt(pass)
        .map_err(|_| "cannot decrypt the key with tls-key-file-pass (wrong pass?)".to_string())?;
    Ok(PrivateKeyDer::Pkcs8(key.as_bytes().to_vec().into()))
}

/// The CAs client certificates are checked against: `tls-ca-cert-file`, and every
/// certificate in the files of `tls-ca-cert-dir` (files that hold none are skipped).
fn load_roots(ca_file: &str, ca_dir: &str) -> Result<RootCertStore, String> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        format!("Failed to configure CA certificate(s) file/directory: {what}: {e}")
    };
    let mut roots = RootCertStore::empty();
    if !ca_file.is_empty() {
        let certs = CertificateDer::pem_file_iter(ca_file)
            .map_err(|e| bad(ca_file, &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(ca_file, &e))?;
        if certs.is_empty() {
            return Err(bad(ca_file, &"no certificate found"));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| bad(ca_file, &e))?;
        }
    }
    if !ca_dir.is_empty() {
        let entries = std::fs::read_dir(ca_dir).map_err(|e| bad(ca_dir, &e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let Ok(iter) = CertificateDer::pem_file_iter(&path) else {
                continue;
            };
            for cert in iter.flatten() {
                // A file of the directory that is not a CA is skipped, as OpenSSL does.
                let _ = roots.add(cert);
            }
        }
    }
    if roots.is_empty() {
        let what = if ca_file.is_empty() { ca_dir } else { ca_file };
        return Err(bad(what, &"no CA certificate found"));
    }
    Ok(roots)
}

/// Applies a CONFIG SET of the parameters `names` (in the order given): when a `tls-*`
/// parameter changed, rebuilds the settings new connections get. On failure, returns the
/// first TLS parameter given, to name, and Redis's message (the reason goes to the log, as
/// in Redis).
pub fn reconfigure(
    holder: &TlsHolder,
    cur: &Config,
    next: &Config,
    names: &[&'static str],
) -> Result<(), (&'static str, String)> {
    if !PARAMS.iter().any(|p| cur.get(p) != next.get(p)) {
        return Ok(());
    }
    let changed = names
        .iter()
        .copied()
        .find(|n| PARAMS.contains(n))
        .unwrap_or("tls-cert-file");
    // Without TLS (no tls-port) Redis takes the values unchecked, to be used if TLS is
    // configured later; so does muxis, where that means at the next start.
    if holder.read().is_none() {
        return Ok(());
    }
    match build(next) {
        Ok(config) => {
            *holder.write() = Some(config);
            Ok(())
        }
        Err(e) => {
            tracing::warn!("Failed to configure TLS: {e}");
            Err((
                changed,
                "Unable to update TLS configuration. Check server logs.".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_read_redis_names() {
        assert_eq!(protocols("").map(|v| v.len()), Ok(2));
        assert_eq!(protocols("TLSv1.2").map(|v| v.len()), Ok(1));
        assert_eq!(protocols("tlsv1.3 TLSv1.2").map(|v| v.len()), Ok(2));
        assert!(protocols("TLSv1.1").is_err());
        assert!(
            protocols("SSLv3")
                .err()
                .is_some_and(|e| e.starts_with("Invalid tls-protocols specified"))
        );
    }

    #[test]
    fn ciphersuites_take_openssl_names() {
        let p = provider("TLS_AES_256_GCM_SHA384").expect("known suite");
        let tls13: Vec<String> = p
            .cipher_suites
            .iter()
            .filter(|s| s.tls13().is_some())
            .map(|s| format!("{:?}", s.suite()))
            .collect();
        assert_eq!(tls13, vec!["TLS13_AES_256_GCM_SHA384".to_string()]);
        assert!(p.cipher_suites.iter().any(|s| s.tls13().is_none()));
        assert!(provider("NOT_A_SUITE").is_err());
    }

    #[test]
    fn missing_files_are_named() {
        let mut c = Config::default();
        assert_eq!(
            build(&c).err().as_deref(),
            Some("No tls-cert-file configured!")
        );
        c.set("tls-cert-file", "/nonexistent/cert.pem")
            .expect("set");
        c.set("tls-key-file", "/nonexistent/key.pem").expect("set");
        c.set("tls-auth-clients", "no").expect("set");
        let e = build(&c).err().unwrap_or_default();
        assert!(
            e.starts_with("Failed to load certificate: /nonexistent/cert.pem: "),
            "{e}"
        );
        c.set("tls-auth-clients", "yes").expect("set");
        let e = build(&c).err().unwrap_or_default();
        assert!(
            e.starts_with("Either tls-ca-cert-file or tls-ca-cert-dir"),
            "{e}"
        );
    }
}
