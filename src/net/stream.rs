//! A client socket, TCP, TLS over TCP or Unix-domain: connections of every kind are served
//! by the same I/O threads through the same code, so this is the one place that tells them
//! apart.

use super::tls::TlsStream;
use crate::engine::msg::Accepted;
use mio::event::Source;
use mio::net::{TcpStream, UnixStream};
use mio::{Interest, Registry, Token};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};

pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    /// Boxed: the TLS state is large, and plain connections should not carry its size.
    Tls(Box<TlsStream>),
}

impl Stream {
    /// Takes a socket accepted on another thread, making it non-blocking.
    pub fn from_accepted(accepted: Accepted) -> io::Result<Stream> {
        Ok(match accepted {
            Accepted::Tcp(s) => {
                s.set_nonblocking(true)?;
                Stream::Tcp(TcpStream::from_std(s))
            }
            Accepted::Unix(s) => {
                s.set_nonblocking(true)?;
                Stream::Unix(UnixStream::from_std(s))
            }
            Accepted::Tls(s, tls) => {
                s.set_nonblocking(true)?;
                Stream::Tls(Box::new(TlsStream::new(TcpStream::from_std(s), *tls)))
            }
        })
    }

    /// The socket as a plain std socket, to hand to another thread.
    pub fn into_accepted(self) -> Accepted {
        use std::os::fd::OwnedFd;
        match self {
            Stream::Tcp(s) => Accepted::Tcp(std::net::TcpStream::from(OwnedFd::from(s))),
            Stream::Unix(s) => {
                Accepted::Unix(std::os::unix::net::UnixStream::from(OwnedFd::from(s)))
            }
            Stream::Tls(t) => {
                let TlsStream { tcp, tls, .. } = *t;
                Accepted::Tls(std::net::TcpStream::from(OwnedFd::from(tcp)), Box::new(tls))
            }
        }
    }

    /// The TCP socket under a TCP or TLS connection.
    pub fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Stream::Tcp(s) => Some(s),
            Stream::Tls(t) => Some(&t.tcp),
            Stream::Unix(_) => None,
        }
    }

    /// Small replies must not wait for Nagle's algorithm (TCP only).
    pub fn set_nodelay(&self) {
        if let Some(s) = self.tcp() {
            let _ = s.set_nodelay(true);
        }
    }

    /// The peer's and our address as `CLIENT LIST` shows them: `ip:port`, or for a Unix
    /// socket its path with `:0`, as Redis prints it.
    pub fn addrs(&self, unix_path: &str) -> (String, String) {
        match self.tcp() {
            Some(s) => {
                let show = |a: io::Result<std::net::SocketAddr>| {
                    a.map_or_else(|_| "0.0.0.0:0".to_string(), |a| a.to_string())
                };
                (show(s.peer_addr()), show(s.local_addr()))
            }
            None => {
                let path = format!("{unix_path}:0");
                (path.clone(), path)
            }
        }
    }

    pub fn is_unix(&self) -> bool {
        matches!(self, Stream::Unix(_))
    }

    pub fn shutdown_write(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Write),
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Write),
            Stream::Tls(t) => t.shutdown_write(),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
            Stream::Tls(t) => t.write_plain(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Tls(t) => t.tcp.as_raw_fd(),
        }
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            Stream::Unix(s) => s.register(r, t, i),
            Stream::Tls(x) => x.tcp.register(r, t, i),
        }
    }

    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            Stream::Unix(s) => s.reregister(r, t, i),
            Stream::Tls(x) => x.tcp.reregister(r, t, i),
        }
    }

    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            Stream::Unix(s) => s.deregister(r),
            Stream::Tls(x) => x.tcp.deregister(r),
        }
    }
}
