//! Why a benchmark could not run. Every failure the network, the flags or a child server can
//! cause ends up here, so `main` maps it to a message and an exit code instead of a panic.

use std::fmt;
use std::io;

/// A failed run or sweep.
#[derive(Debug)]
pub enum Error {
    /// Flags that do not make a bounded, loopback-only load.
    Usage(String),
    /// A socket, file or process operation failed: (what was being done, why).
    Io(String, io::Error),
    /// The server under test misbehaved (refused, never answered PING, exited).
    Server(String),
}

impl Error {
    /// Wraps an I/O error with what was being done.
    pub fn io(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |e| Error::Io(what, e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Server(m) => f.write_str(m),
            Error::Io(what, e) => write!(f, "{what}: {e}"),
        }
    }
}

impl std::error::Error for Error {}
