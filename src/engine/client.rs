//! The executor's half of a connection: everything about a client that commands read or
//! change (selected DB, protocol version, name). The I/O half (socket, buffers, parser) lives
//! in `net/` and the two are joined by the connection id.

use super::msg::{ConnId, ConnInfo};
use super::out::Target;
use bytes::Bytes;
use std::io::Write;
use std::time::Instant;

/// A client's type, as `CLIENT LIST TYPE` and `CLIENT KILL TYPE` name it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Normal,
    Replica,
    PubSub,
    Master,
}

impl Kind {
    /// Redis's names, any case; `slave` is the old name of `replica`.
    pub fn parse(name: &[u8]) -> Option<Kind> {
        let kinds: [(&[u8], Kind); 5] = [
            (b"normal", Kind::Normal),
            (b"slave", Kind::Replica),
            (b"replica", Kind::Replica),
            (b"pubsub", Kind::PubSub),
            (b"master", Kind::Master),
        ];
        kinds
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, k)| k)
    }
}

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
    /// `CLIENT NO-EVICT ON`: shown as flag `e`; nothing evicts clients yet.
    pub no_evict: bool,
    /// `CLIENT NO-TOUCH ON`: shown as flag `T`; commands should leave keys' access time.
    pub no_touch: bool,
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
            no_evict: false,
            no_touch: false,
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

    /// Every client is a normal one: there is no replication, and subscriptions are not
    /// tracked here yet (a subscribed client is `PubSub` in Redis).
    pub fn kind(&self) -> Kind {
        Kind::Normal
    }

    /// Appends this client's `CLIENT LIST` line and its newline: Redis 7.0.15's fields in
    /// its order, then 7.2's `lib-name`/`lib-ver` and our `io-thread`. The buffer and memory
    /// figures belong to the I/O threads and are not known here: they show as 0.
    pub fn write_info(&self, buf: &mut Vec<u8>, now: Instant) {
        let age = now.saturating_duration_since(self.created).as_secs();
        let idle = now.saturating_duration_since(self.last_active).as_secs();
        let info = &self.info;
        // Writing to a Vec cannot fail.
        let _ = write!(
            buf,
            "id={} addr={} laddr={} fd={} name=",
            self.id(),
            info.addr,
            info.laddr,
            info.fd
        );
        buf.extend_from_slice(self.name.as_deref().unwrap_or_default());
        let _ = write!(buf, " age={age} idle={idle} flags=");
        let start = buf.len();
        if self.no_evict {
            buf.push(b'e');
        }
        if self.no_touch {
            buf.push(b'T');
        }
        if buf.len() == start {
            buf.push(b'N');
        }
        let _ = write!(
            buf,
            " db={} sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 \
             rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={} user=default redir=-1 \
             resp={} lib-name=",
            self.db,
            self.last_cmd,
            if self.resp3 { 3 } else { 2 }
        );
        buf.extend_from_slice(self.lib_name.as_deref().unwrap_or_default());
        buf.extend_from_slice(b" lib-ver=");
        buf.extend_from_slice(self.lib_ver.as_deref().unwrap_or_default());
        let _ = writeln!(buf, " io-thread={}", self.thread);
    }
}
