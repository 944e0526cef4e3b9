//! The AOF's base file: the dataset at one point of the propagated stream.
//!
//! With `aof-use-rdb-preamble yes` (Redis's default) the base is an RDB file
//! (`….base.rdb`): the point-in-time snapshot (`persist/snapshot.rs`) is started aimed at
//! the temp base file, the executor only walks the keyspace in bounded steps, and the
//! snapshot's writer thread reports to the AOF when the file is written. With `no` it is
//! the dataset written as commands (`rewriteAppendOnlyFileRio`): [`Base::capture`] encodes
//! it in memory on the executor and [`Base::write_to`] writes it off the executor.

use crate::db::{Db, ValueRef};
use crate::engine::state::Server;
use crate::persist::{file, snapshot};
use bytes::Bytes;
use std::io::Write;
use std::path::Path;

/// Elements per command when a collection is written out (Redis's
/// `AOF_REWRITE_ITEMS_PER_CMD`), so that no command in the file is huge.
const ITEMS_PER_CMD: usize = 64;

/// What a finished base write reports: its size, or why it failed.
pub type Done = Box<dyn FnOnce(std::io::Result<u64>) + Send>;

/// A dataset captured for a new base file.
pub enum Base {
    /// The dataset as RESP commands, ready to write.
    Commands(Vec<u8>),
    /// A snapshot is writing it in RDB format; its `done` reports.
    Snapshot,
}

impl Base {
    /// Whether `aof-use-rdb-preamble` is on.
    pub fn preamble(srv: &Server) -> bool {
        srv.config.get("aof-use-rdb-preamble").as_deref() == Some("yes")
    }

    /// Captures the dataset as it is now (on the executor). With the RDB preamble a
    /// snapshot starts aimed at `tmp` and calls `done` once written; Err when another
    /// snapshot (a BGSAVE) runs. Without it the commands are encoded now and `done` is
    /// dropped (the caller writes them with [`Base::write_to`]).
    pub fn capture(srv: &mut Server, tmp: &Path, done: Done) -> Result<Base, &'static str> {
        if !Self::preamble(srv) {
            return Ok(Self::commands(srv));
        }
        let target = snapshot::Target {
            path: tmp.to_path_buf(),
            done: Box::new(move |r: &std::io::Result<u64>| {
                let r = match r {
                    Ok(n) => Ok(*n),
                    Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
                };
                done(r);
            }),
        };
        snapshot::start_to(srv, Some(target))?;
        Ok(Base::Snapshot)
    }

    /// The dataset as commands, encoded now on the executor.
    pub fn commands(srv: &Server) -> Base {
        let mut out = Vec::new();
        // The libraries first, as Redis's `rewriteFunctions`.
        for code in crate::persist::functions::codes(srv) {
            command(&mut out, &[&b"FUNCTION"[..], b"LOAD", &code]);
        }
        for (i, db) in srv.dbs.iter().enumerate() {
            write_db(&mut out, i, db, srv.now_ms);
        }
        Base::Commands(out)
    }

    /// Writes a base of the dataset to `path` at once, on the executor (at start, when
    /// the AOF directory is new: nothing runs yet). Returns whether it is RDB.
    pub fn write_now(srv: &Server, path: &Path) -> std::io::Result<bool> {
        if Self::preamble(srv) {
            file::save_to(srv, path, true)?;
            return Ok(true);
        }
        super::writer::write_base(path, Self::commands(srv))?;
        Ok(false)
    }

    /// Whether the base is in RDB format (its file name ends in `.rdb`).
    pub fn is_rdb(&self) -> bool {
        matches!(self, Base::Snapshot)
    }

    /// Writes the base out; returns the bytes written (runs off the executor). A
    /// snapshot's base is written by the snapshot: nothing here.
    pub fn write_to(self, w: &mut impl Write) -> std::io::Result<u64> {
        match self {
            Base::Commands(bytes) => {
                w.write_all(&bytes)?;
                Ok(bytes.len() as u64)
            }
            Base::Snapshot => Ok(0),
        }
    }
}

/// Appends one database's keys as commands, preceded by its SELECT.
fn write_db(out: &mut Vec<u8>, index: usize, db: &Db, now: u64) {
    let mut first = true;
    for (node, expire_at) in db.iter(now) {
        let key = node.key();
        if first {
            command(out, &[&b"SELECT"[..], index.to_string().as_bytes()]);
            first = false;
        }
        write_value(out, key, node.value());
        if let Some(at) = expire_at {
            command(out, &[&b"PEXPIREAT"[..], key, at.to_string().as_bytes()]);
        }
    }
}

/// The commands that rebuild `value` at `key` (Redis's `rewrite*Object`).
fn write_value(out: &mut Vec<u8>, key: &[u8], value: ValueRef<'_>) {
    match value {
        ValueRef::Str(s) => command(out, &[&b"SET"[..], key, s]),
        ValueRef::List(l) => batched(
            out,
            b"RPUSH",
            key,
            l.iter().map(|e| vec![Bytes::copy_from_slice(e)]),
        ),
        ValueRef::Set(s) => batched(out, b"SADD", key, s.iter().map(|e| vec![e.to_bytes()])),
        ValueRef::Hash(h) => batched(
            out,
            b"HMSET",
            key,
            h.iter()
                .map(|(f, v)| vec![Bytes::copy_from_slice(f), Bytes::copy_from_slice(v)]),
        ),
        ValueRef::ZSet(z) => batched(
            out,
            b"ZADD",
            key,
            z.iter().map(|(m, score)| {
                let score = crate::util::number::format_double(score);
                vec![Bytes::from(score), Bytes::copy_from_slice(m)]
            }),
        ),
        ValueRef::Stream(s) => write_stream(out, key, s),
    }
}

/// `name key item...` commands of at most [`ITEMS_PER_CMD`] items each.
fn batched(out: &mut Vec<u8>, name: &[u8], key: &[u8], items: impl Iterator<Item = Vec<Bytes>>) {
    let mut argv: Vec<Bytes> = Vec::new();
    let mut n = 0;
    let head = |argv: &mut Vec<Bytes>| {
        argv.push(Bytes::copy_from_slice(name));
        argv.push(Bytes::copy_from_slice(key));
    };
    for item in items {
        if n == 0 {
            head(&mut argv);
        }
        argv.extend(item);
        n += 1;
        if n == ITEMS_PER_CMD {
            command(out, &argv);
            argv.clear();
            n = 0;
        }
    }
    if n > 0 {
        command(out, &argv);
    }
}

/// A stream: its entries as XADDs, its counters with XSETID, then its groups, their
/// pending entries (XCLAIM ... FORCE) and idle consumers, as Redis's `rewriteStreamObject`.
fn write_stream(out: &mut Vec<u8>, key: &[u8], s: &crate::db::stream::Stream) {
    use crate::db::stream::StreamId;
    let id = |id: &StreamId| Bytes::from(id.to_string());
    if s.is_empty() {
        // An empty stream exists only through an entry added and trimmed away at once.
        command(
            out,
            &[&b"XADD"[..], key, b"MAXLEN", b"0", b"0-1", b"x", b"y"],
        );
    } else {
        let all = s.range(StreamId { ms: 0, seq: 0 }, StreamId::MAX, false);
        for (entry, fields) in all {
            let mut argv = vec![
                Bytes::from_static(b"XADD"),
                Bytes::copy_from_slice(key),
                id(entry),
            ];
            argv.extend(fields.iter().cloned());
            command(out, &argv);
        }
    }
    command(
        out,
        &[
            &b"XSETID"[..],
            key,
            &id(&s.last_id),
            b"ENTRIESADDED",
            s.entries_added.to_string().as_bytes(),
            b"MAXDELETEDID",
            &id(&s.max_deleted_id),
        ],
    );
    for (name, g) in &s.groups {
        let read = g.entries_read.unwrap_or(-1).to_string();
        command(
            out,
            &[
                &b"XGROUP"[..],
                b"CREATE",
                key,
                name,
                &id(&g.last_id),
                b"ENTRIESREAD",
                read.as_bytes(),
            ],
        );
        for (consumer, c) in &g.consumers {
            if c.pel.is_empty() {
                command(
                    out,
                    &[&b"XGROUP"[..], b"CREATECONSUMER", key, name, consumer],
                );
                continue;
            }
            for pending in &c.pel {
                let Some(p) = g.pel.get(pending) else {
                    continue;
                };
                command(
                    out,
                    &[
                        &b"XCLAIM"[..],
                        key,
                        name,
                        consumer,
                        b"0",
                        &id(pending),
                        b"TIME",
                        p.delivery_time.to_string().as_bytes(),
                        b"RETRYCOUNT",
                        p.delivery_count.to_string().as_bytes(),
                        b"JUSTID",
                        b"FORCE",
                    ],
                );
            }
        }
    }
}

/// Appends `argv` as a RESP array of bulk strings.
fn command<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    out.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
    for a in argv {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}
