//! Listening sockets: every `bind` address (Redis 7's syntax: several addresses, `-` for one
//! that may be missing, `*` and `::*` for every IPv4 / IPv6 address) and the `unixsocket`,
//! each with `tcp-backlog` as its accept queue, and the same addresses on `tls-port` for TLS.
//! They all live on I/O thread 0.

use super::stream::Stream;
use super::tls::TlsStream;
use super::tls_config::TlsHolder;
use mio::net::{TcpListener, UnixListener};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

pub enum Listener {
    Tcp(TcpListener),
    /// The socket and its path, removed when the server stops.
    Unix(UnixListener, PathBuf),
    /// A `tls-port` listener and the TLS settings new connections get (CONFIG SET may
    /// replace them: connections already made keep theirs).
    Tls(TcpListener, std::sync::Arc<TlsHolder>),
}

impl Listener {
    pub fn accept(&self) -> io::Result<Stream> {
        match self {
            Listener::Tcp(l) => l.accept().map(|(s, _)| Stream::Tcp(s)),
            Listener::Unix(l, _) => l.accept().map(|(s, _)| Stream::Unix(s)),
            Listener::Tls(l, holder) => {
                let (s, _) = l.accept()?;
                let Some(config) = holder.read().clone() else {
                    return Err(io::Error::other("TLS is not configured"));
                };
                let tls = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
                Ok(Stream::Tls(Box::new(TlsStream::new(s, tls))))
            }
        }
    }

    pub fn source(&mut self) -> &mut dyn mio::event::Source {
        match self {
            Listener::Tcp(l) => l,
            Listener::Unix(l, _) => l,
            Listener::Tls(l, _) => l,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One `bind` address: the IP, and whether failing to bind it is allowed (`-` prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddr {
    pub ip: IpAddr,
    pub optional: bool,
}

/// Parses a `bind` value as Redis 7 reads it: space-separated addresses, each may start
/// with `-`; `*` is every IPv4 address, `::*` every IPv6 address.
pub fn parse_bind(value: &str) -> Result<Vec<BindAddr>, String> {
    let mut out = Vec::new();
    for word in value.split_whitespace() {
        let (optional, addr) = match word.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        let ip = match addr {
            "*" => IpAddr::from([0, 0, 0, 0]),
            "::*" => IpAddr::from([0u16; 8]),
            _ => addr
                .parse()
                .map_err(|_| format!("'{addr}' is not an IP address"))?,
        };
        out.push(BindAddr { ip, optional });
    }
    if out.is_empty() {
        return Err("no address to bind".into());
    }
    Ok(out)
}

/// Why a listener could not be set up.
#[derive(Debug)]
pub struct BindError {
    pub what: String,
    pub error: io::Error,
}

/// Binds every address of `bind` on `port` and the Unix socket if any; returns the
/// listeners and the TCP address the first one got (its real port when 0 was asked for).
pub fn bind_all(
    bind: &[BindAddr],
    port: u16,
    unix: Option<(&Path, u32)>,
    backlog: u32,
) -> Result<(Vec<Listener>, SocketAddr), BindError> {
    let (tcp, addr) = bind_tcp(bind, port, backlog)?;
    let mut listeners: Vec<Listener> = tcp.into_iter().map(Listener::Tcp).collect();
    if let Some((path, perm)) = unix {
        let err = |error| BindError {
            what: path.display().to_string(),
            error,
        };
        // A socket file left by a previous run would make bind fail; Redis removes it too.
        let _ = std::fs::remove_file(path);
        let l = UnixListener::bind(path).map_err(err)?;
        set_backlog(l.as_raw_fd(), backlog).map_err(err)?;
        if perm != 0 {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm)).map_err(err)?;
        }
        listeners.push(Listener::Unix(l, path.to_path_buf()));
    }
    Ok((listeners, addr))
}

/// Binds every address of `bind` on `port`; returns the listeners and the address the
/// first one got.
fn bind_tcp(
    bind: &[BindAddr],
    port: u16,
    backlog: u32,
) -> Result<(Vec<TcpListener>, SocketAddr), BindError> {
    let mut listeners = Vec::new();
    let mut first: Option<SocketAddr> = None;
    for b in bind {
        // Every address after the first uses the port the first one got.
        let port = first.map_or(port, |a| a.port());
        let want = SocketAddr::new(b.ip, port);
        let bound = TcpListener::bind(want).and_then(|l| {
            set_backlog(l.as_raw_fd(), backlog)?;
            Ok(l)
        });
        match bound {
            Ok(l) => {
                first.get_or_insert(l.local_addr().unwrap_or(want));
                listeners.push(l);
            }
            Err(e) if b.optional => {
                tracing::warn!(
                    "Could not create server TCP listening socket {want}: {e} (skipped)"
                );
            }
            Err(error) => {
                return Err(BindError {
                    what: want.to_string(),
                    error,
                });
            }
        }
    }
    let Some(addr) = first else {
        return Err(BindError {
            what: format!("any of the addresses on port {port}"),
            error: io::ErrorKind::AddrNotAvailable.into(),
        });
    };
    Ok((listeners, addr))
}

/// Binds every address of `bind` on `tls-port` (after the plain ones, so 0 for `port`
/// still picks a free port for those): returns the TLS listeners and the first address.
pub fn bind_tls(
    bind: &[BindAddr],
    port: u16,
    backlog: u32,
    holder: &std::sync::Arc<TlsHolder>,
) -> Result<(Vec<Listener>, SocketAddr), BindError> {
    let (tcp, addr) = bind_tcp(bind, port, backlog)?;
    let listeners = tcp
        .into_iter()
        .map(|l| Listener::Tls(l, holder.clone()))
        .collect();
    Ok((listeners, addr))
}

/// Gives a listener `tcp-backlog` as its accept queue (mio listens with 128 or 1024),
/// warning as Redis does when the kernel's `somaxconn` caps it lower.
fn set_backlog(fd: i32, backlog: u32) -> io::Result<()> {
    if let Some(max) = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        && max < backlog
    {
        tracing::warn!(
            "WARNING: The TCP backlog setting of {backlog} cannot be enforced because \
             /proc/sys/net/core/somaxconn is set to the lower value of {max}."
        );
    }
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    // SAFETY: `fd` is a listening socket owned by the caller and open for this call;
    // listen(2) on a listening socket only changes its queue length (Linux), no memory is
    // involved.
    if unsafe { libc::listen(fd, backlog) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_reads_redis_7_syntax() {
        let got = parse_bind("127.0.0.1 -::1").expect("valid");
        assert_eq!(
            got,
            vec![
                BindAddr {
                    ip: "127.0.0.1".parse().expect("ip"),
                    optional: false
                },
                BindAddr {
                    ip: "::1".parse().expect("ip"),
                    optional: true
                },
            ]
        );
        assert_eq!(parse_bind("*").expect("valid")[0].ip.to_string(), "0.0.0.0");
        assert_eq!(parse_bind("-::*").expect("valid")[0].ip.to_string(), "::");
        assert!(parse_bind("localhost").is_err());
        assert!(parse_bind("").is_err());
    }
}
