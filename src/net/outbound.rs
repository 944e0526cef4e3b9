//! A blocking outbound connection to another server, for MIGRATE: connect, write a batch of
//! commands, read their one-line replies, each step bounded by the caller's timeout.
//!
//! MIGRATE blocks its caller (and, in Redis as here, the executor) for at most the timeout
//! it names; this is the one place outside the I/O threads that touches a socket.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub struct Outbound {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

/// Which step failed, for Redis's IOERR texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    Connecting,
    Writing,
    Reading,
}

impl Outbound {
    pub fn connect(host: &str, port: u16, timeout: Duration) -> Result<Outbound, Failed> {
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|_| Failed::Connecting)?
            .next()
            .ok_or(Failed::Connecting)?;
        // Redis connects without blocking and waits for the socket to be writable: a
        // refused connection shows only when it writes, a silent host as a connect timeout.
        let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| match e.kind() {
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset => {
                Failed::Writing
            }
            _ => Failed::Connecting,
        })?;
        let ok = stream.set_read_timeout(Some(timeout)).is_ok()
            && stream.set_write_timeout(Some(timeout)).is_ok()
            && stream.set_nodelay(true).is_ok();
        let reader = stream.try_clone().map_err(|_| Failed::Connecting)?;
        if !ok {
            return Err(Failed::Connecting);
        }
        Ok(Outbound {
            reader: BufReader::new(reader),
            writer: stream,
        })
    }

    pub fn send(&mut self, bytes: &[u8]) -> Result<(), Failed> {
        self.writer.write_all(bytes).map_err(|_| Failed::Writing)
    }

    /// One reply line without its CRLF (`+OK`, `-ERR ...`): the replies MIGRATE reads are
    /// all status or error lines.
    pub fn read_line(&mut self) -> Result<String, Failed> {
        let mut line = Vec::new();
        match self.reader.read_until(b'\n', &mut line) {
            Ok(n) if n > 0 && line.ends_with(b"\r\n") => {
                line.truncate(line.len() - 2);
                Ok(String::from_utf8_lossy(&line).into_owned())
            }
            _ => Err(Failed::Reading),
        }
    }
}
