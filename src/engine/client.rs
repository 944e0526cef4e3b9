//! The executor's half of a connection: everything about a client that commands read or
//! change (selected DB, protocol version, name). The I/O half (socket, buffers, parser) lives
//! in `net/` and the two are joined by the connection id.

use super::msg::{ConnId, ConnInfo};
use super::out::Target;
use bytes::Bytes;
use std::time::Instant;

#[derive(Debug)]
pub struct Client {
    pub conn: ConnId,
    /// The I/O thread that owns the socket.
    pub thread: usize,
    pub resp3: bool,
    pub db: usize,
    pub name: Option<Bytes>,
    pub lib_name: Option<Bytes>,
    pub lib_ver: Option<Bytes>,
    pub info: Box<ConnInfo>,
    pub created: Instant,
    pub last_active: Instant,
    /// The last command run, for `CLIENT LIST`'s `cmd=` field.
    pub last_cmd: &'static str,
    /// Being closed (CLIENT KILL, QUIT, protocol error): its remaining commands are dropped.
    pub closing: bool,
}

impl Client {
    pub fn new(conn: ConnId, thread: usize, info: Box<ConnInfo>, now: Instant) -> Client {
        Client {
            conn,
            thread,
            resp3: false,
            db: 0,
            name: None,
            lib_name: None,
            lib_ver: None,
            info,
            created: now,
            last_active: now,
            last_cmd: "NULL",
            closing: false,
        }
    }

    pub fn id(&self) -> u64 {
        self.conn.id
    }

    /// Where this client's replies go.
    pub fn target(&self) -> Target {
        Target {
            thread: self.thread,
            conn: self.conn,
            resp3: self.resp3,
        }
    }
}
