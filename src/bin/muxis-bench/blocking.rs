//! Blocking request helpers outside the measured run: PING (is the server up?) and the
//! prefill of every key. Both are bounded by socket timeouts.

use crate::args::Load;
use crate::error::Error;
use crate::mix::{self, Op};
use crate::resp;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
/// SETs per round trip while prefilling: enough to amortise the trip, small enough that
/// neither side buffers much.
const PREFILL_BATCH: u64 = 1000;

fn connect(addr: SocketAddr, timeout: Duration) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Reads until `want` complete replies have arrived; returns how many were errors.
fn replies(s: &mut TcpStream, want: u64) -> Result<u64, Error> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let (mut got, mut errors) = (0, 0);
    while got < want {
        let n = s.read(&mut chunk).map_err(Error::io("reading replies"))?;
        if n == 0 {
            return Err(Error::Server("server closed the connection".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
        let (c, used) = resp::scan_all(&buf)
            .map_err(|_| Error::Server("server sent a malformed reply".into()))?;
        buf.drain(..used);
        got += c.replies;
        errors += c.errors;
    }
    Ok(errors)
}

/// Whether the server at `addr` answers PING within `timeout`.
pub fn ping(addr: SocketAddr, timeout: Duration) -> bool {
    let Ok(mut s) = connect(addr, timeout) else {
        return false;
    };
    let mut req = Vec::new();
    mix::encode(&mut req, Op::Ping, b"", 0, b"");
    s.write_all(&req).is_ok() && matches!(replies(&mut s, 1), Ok(0))
}

/// SETs every key of the run's range to the run's value, so GETs in the run find them.
pub fn prefill(addr: SocketAddr, load: &Load) -> Result<(), Error> {
    let mut s = connect(addr, TIMEOUT).map_err(Error::io(format!("connecting to {addr}")))?;
    let value = vec![b'x'; load.value_size];
    let mut req = Vec::new();
    let (mut key, end) = (load.keys.first, load.keys.first + load.keys.count);
    while key < end {
        let n = PREFILL_BATCH.min(end - key);
        req.clear();
        for k in key..key + n {
            mix::encode(&mut req, Op::Set, &load.key_prefix, k, &value);
        }
        s.write_all(&req).map_err(Error::io("prefill"))?;
        let errors = replies(&mut s, n)?;
        if errors > 0 {
            return Err(Error::Server(format!("prefill: {errors} SETs failed")));
        }
        key += n;
    }
    Ok(())
}
