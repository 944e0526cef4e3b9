//! A TLS client connection: a non-blocking rustls [`ServerConnection`] around the TCP
//! socket, driven by the I/O thread that owns it (the handshake and every record are
//! encrypted and decrypted there, never on the executor).
//!
//! It offers the two operations the reactor already uses on plain sockets: read plaintext
//! into the connection's read buffer, and write plaintext from its output. The handshake
//! needs no state of its own in the reactor: reading feeds rustls and sends whatever it
//! wants sent (handshake records, alerts) at once; what the socket does not take waits in
//! rustls and goes out with the next write pass, which a writable edge schedules.

use bytes::BytesMut;
use mio::net::TcpStream;
use rustls::ServerConnection;
use std::io::{self, BufRead, Write};

pub struct TlsStream {
    pub tcp: TcpStream,
    pub tls: ServerConnection,
    /// The peer's close or a fatal TLS error was seen: reads report end of file.
    eof: bool,
}

fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

impl TlsStream {
    pub fn new(tcp: TcpStream, tls: ServerConnection) -> TlsStream {
        TlsStream {
            tcp,
            tls,
            eof: false,
        }
    }

    /// Reads plaintext into `buf`'s spare capacity (at least `want` bytes of room), as
    /// `Conn::read_some` does for a plain socket: returns (bytes read, room). A read that
    /// filled less than the room means the socket is drained (no edge is lost), so it is
    /// only reported once the socket said `WouldBlock` and rustls holds no more plaintext;
    /// otherwise the room reported equals the bytes read, and the caller reads again.
    pub fn read_plain(&mut self, buf: &mut BytesMut, want: usize) -> io::Result<(usize, usize)> {
        buf.reserve(want);
        let room = buf.capacity() - buf.len();
        let mut drained = false;
        loop {
            match self.tls.reader().fill_buf() {
                Ok(chunk) if !chunk.is_empty() => {
                    let n = chunk.len().min(room);
                    buf.extend_from_slice(&chunk[..n]);
                    self.tls.reader().consume(n);
                    // More may be buffered in rustls or waiting in the socket.
                    let more = n == room || !drained;
                    return Ok((n, if more { n } else { room }));
                }
                // A close_notify: a clean end of the stream.
                Ok(_) => return Ok((0, room)),
                Err(e) if would_block(&e) => {}
                // The socket closed without close_notify: the end of the stream too.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok((0, room)),
                Err(e) => return Err(e),
            }
            if self.eof {
                return Ok((0, room));
            }
            if drained {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            match self.tls.read_tls(&mut self.tcp) {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if would_block(&e) => drained = true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            if let Err(e) = self.tls.process_new_packets() {
                // rustls queued an alert saying why: a best-effort send, then the
                // connection is done (a failed handshake, a client without a certificate
                // when one is required, bytes that are not TLS).
                let _ = self.send_tls();
                tracing::debug!("Error accepting a client connection: {e}");
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            // Handshake records (or a key update) to answer now: the client waits for them.
            self.send_tls()?;
        }
    }

    /// Writes rustls's pending records until it has none or the socket is full.
    /// Ok(true) when none are left.
    pub fn send_tls(&mut self) -> io::Result<bool> {
        while self.tls.wants_write() {
            match self.tls.write_tls(&mut self.tcp) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if would_block(&e) => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Encrypts and sends plaintext: returns how much of `buf` rustls took, or
    /// `WouldBlock` if none (its bounded buffer is full of records the socket will not
    /// take yet, or the handshake has not finished). Records it took but could not send
    /// yet go out with [`TlsStream::send_tls`] on the next write pass.
    pub fn write_plain(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut taken = 0;
        loop {
            let flushed = self.send_tls()?;
            if taken == buf.len() || !flushed {
                break;
            }
            let n = self.tls.writer().write(&buf[taken..])?;
            if n == 0 {
                break;
            }
            taken += n;
        }
        if taken == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(taken)
    }

    /// Ends the TLS session (close_notify) and shuts down the socket's sending side.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        self.tls.send_close_notify();
        let _ = self.send_tls();
        self.tcp.shutdown(std::net::Shutdown::Write)
    }
}
