//! The executor's half of a connection: everything about a client that commands read or
//! change (selected DB, protocol version, name). The I/O half (socket, buffers, parser) lives
//! in `net/` and the two are joined by the connection id.

use super::blocking::Blocked;
use super::msg::{ConnId, ConnInfo, Resolved};
use super::out::Target;
use crate::acl::User;
use bytes::Bytes;
use indexmap::IndexSet;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::Arc;
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

/// CLIENT REPLY: whether the client's commands are answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reply {
    On,
    /// CLIENT REPLY OFF: no command is answered.
    Off,
    /// CLIENT REPLY SKIP: the next command is not answered.
    SkipNext,
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
    /// Parked by a blocking command (see `engine/blocking.rs`).
    pub blocked: Option<Box<Blocked>>,
    /// Its replies passed the round's bound: its commands wait (in `pending`) until its I/O
    /// thread says the output has drained (`Event::Drained`).
    pub held: bool,
    /// CLIENT REPLY ON, OFF or SKIP.
    pub reply: Reply,
    /// Held by CLIENT PAUSE (`engine/pause.rs`): its first waiting command met the pause.
    pub postponed: bool,
    /// Commands that arrived while blocked or held, run in order once it is free.
    pub pending: VecDeque<(Resolved, Vec<Bytes>)>,
    /// Inside MULTI: the queued commands.
    pub multi: Option<Multi>,
    /// WATCHed keys: (db, key).
    pub watched: Vec<(usize, Bytes)>,
    /// A watched key was touched: the next EXEC fails.
    pub dirty_cas: bool,
    /// Subscribed channels and patterns, in subscription order.
    pub channels: IndexSet<Bytes, ahash::RandomState>,
    pub patterns: IndexSet<Bytes, ahash::RandomState>,
    /// Subscribed shard channels (SSUBSCRIBE), counted apart from the others, as Redis.
    pub shard_channels: IndexSet<Bytes, ahash::RandomState>,
    /// CLIENT TRACKING settings while tracking is on (`engine/tracking.rs`).
    pub tracking: Option<Box<super::tracking::ClientTracking>>,
    /// The ACL user its commands run as (`default` until AUTH).
    pub user: Arc<User>,
    /// Logged in: as `default` when that needs no password, or by AUTH/HELLO.
    pub authenticated: bool,
}

/// A transaction being queued.
#[derive(Debug, Default)]
pub struct Multi {
    pub queue: Vec<(u16, Vec<Bytes>)>,
    /// A command failed to queue (unknown, wrong arity): EXEC answers EXECABORT.
    pub failed: bool,
}

impl Client {
    pub fn new(
        conn: ConnId,
        thread: usize,
        info: Box<ConnInfo>,
        now: Instant,
        user: Arc<User>,
        authenticated: bool,
    ) -> Client {
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
            blocked: None,
            held: false,
            postponed: false,
            reply: Reply::On,
            pending: VecDeque::new(),
            multi: None,
            watched: Vec::new(),
            dirty_cas: false,
            channels: IndexSet::default(),
            patterns: IndexSet::default(),
            shard_channels: IndexSet::default(),
            tracking: None,
            user,
            authenticated,
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

    /// A client with subscriptions is a pub/sub client; there is no replication.
    pub fn kind(&self) -> Kind {
        if self.subscribed() {
            Kind::PubSub
        } else {
            Kind::Normal
        }
    }

    /// Channels plus patterns subscribed to (what (P)SUBSCRIBE's replies count).
    pub fn subscriptions(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    /// Subscribed to anything, shard channels included: Redis's `CLIENT_PUBSUB` flag,
    /// which limits a RESP2 connection to the pub/sub commands.
    pub fn subscribed(&self) -> bool {
        self.subscriptions() > 0 || !self.shard_channels.is_empty()
    }

    /// Appends this client's `CLIENT LIST` line and its newline: Redis 7.0.15's fields in
    /// its order, then 7.2's `lib-name`/`lib-ver` and our `io-thread`.
    /// A client blocked or held by a pause shows the command it waits with, as in Redis.
    pub fn write_info(&self, buf: &mut Vec<u8>, now: Instant) {
        let waiting = match &self.blocked {
            Some(b) => &b.argv[..],
            None if self.postponed => self.pending.front().map_or(&[][..], |(_, a)| &a[..]),
            None => &[],
        };
        self.write_info_running(buf, now, waiting);
    }

    /// [`Client::write_info`] for the client running `argv` (the caller of CLIENT LIST or
    /// INFO): its query buffer holds that command (`qbuf`, as Redis counts it before
    /// trimming) and its arguments (`argv-mem`). The socket buffers (`qbuf-free`, `rbs`,
    /// `obl`, `omem`...) belong to the I/O threads and are not known here: they show as 0.
    pub fn write_info_running(&self, buf: &mut Vec<u8>, now: Instant, argv: &[Bytes]) {
        let argv_mem: usize = argv.iter().map(|a| a.len()).sum();
        let qbuf: usize = if argv.is_empty() {
            0
        } else {
            let header = |n: usize| n.to_string().len() + 3;
            header(argv.len())
                + argv
                    .iter()
                    .map(|a| header(a.len()) + a.len() + 2)
                    .sum::<usize>()
        };
        // Redis's `mstate.argv_len_sums`: the queued arguments and a pointer each.
        let multi_mem: usize = self.multi.as_ref().map_or(0, |m| {
            m.queue
                .iter()
                .map(|(_, a)| a.iter().map(|x| x.len() + 8).sum::<usize>())
                .sum()
        });
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
        if info.unix {
            buf.push(b'U');
        }
        if self.no_evict {
            buf.push(b'e');
        }
        if self.no_touch {
            buf.push(b'T');
        }
        if self.blocked.is_some() || self.postponed {
            buf.push(b'b');
        }
        if self.subscribed() {
            buf.push(b'P');
        }
        if self.multi.is_some() {
            buf.push(b'x');
        }
        if let Some(t) = &self.tracking {
            buf.push(b't');
            if t.broken_redir {
                buf.push(b'R');
            }
            if t.bcast {
                buf.push(b'B');
            }
        }
        if buf.len() == start {
            buf.push(b'N');
        }
        let _ = write!(
            buf,
            " db={} sub={} psub={} ssub={} multi={} qbuf={qbuf} qbuf-free=0 \
             argv-mem={argv_mem} multi-mem={multi_mem} rbs=0 rbp=0 obl=0 oll=0 omem=0 \
             tot-mem={} events=r cmd={} user={} redir={} resp={} lib-name=",
            self.db,
            self.channels.len(),
            self.patterns.len(),
            self.shard_channels.len(),
            self.multi.as_ref().map_or(-1, |m| m.queue.len() as i64),
            qbuf + argv_mem + multi_mem,
            self.last_cmd,
            String::from_utf8_lossy(&self.user.name),
            self.tracking.as_ref().map_or(-1, |t| t.redirect as i64),
            if self.resp3 { 3 } else { 2 }
        );
        buf.extend_from_slice(self.lib_name.as_deref().unwrap_or_default());
        buf.extend_from_slice(b" lib-ver=");
        buf.extend_from_slice(self.lib_ver.as_deref().unwrap_or_default());
        let _ = writeln!(buf, " io-thread={}", self.thread);
    }
}
