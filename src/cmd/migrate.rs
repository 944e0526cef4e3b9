//! MIGRATE: moves keys to another server (muxis or Redis) as DUMP payloads sent with
//! RESTORE, as Redis 7.0's `migrateCommand` does outside cluster mode.
//!
//! Like Redis, it blocks for at most its timeout while it talks to the target. A migrated
//! key is deleted here only once the target acknowledged it, and the command propagates
//! as the DEL of exactly those keys. Connections are not cached between calls (Redis keeps
//! one for 10 s): each MIGRATE connects, so it always sends SELECT.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::net::outbound::{Failed, Outbound};
use crate::persist::{file, rdb};
use crate::util::number::parse_i64;
use bytes::{Bytes, BytesMut};
use std::time::Duration;

pub const HANDLERS: &[(&str, Handler)] = &[("migrate", migrate)];

/// The options after `host port key db timeout`.
#[derive(Default)]
struct Opts<'a> {
    copy: bool,
    replace: bool,
    user: Option<&'a [u8]>,
    password: Option<&'a [u8]>,
    /// Index of the first key in argv (the KEYS form) or 3 (the one key).
    first_key: usize,
}

fn options(argv: &[Bytes]) -> Result<Opts<'_>, &'static str> {
    let mut o = Opts {
        first_key: 3,
        ..Opts::default()
    };
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let a = &argv[j];
        if a.eq_ignore_ascii_case(b"copy") {
            o.copy = true;
        } else if a.eq_ignore_ascii_case(b"replace") {
            o.replace = true;
        } else if a.eq_ignore_ascii_case(b"auth") && more >= 1 {
            o.password = Some(&argv[j + 1]);
            j += 1;
        } else if a.eq_ignore_ascii_case(b"auth2") && more >= 2 {
            o.user = Some(&argv[j + 1]);
            o.password = Some(&argv[j + 2]);
            j += 2;
        } else if a.eq_ignore_ascii_case(b"keys") {
            if !argv[3].is_empty() {
                return Err(
                    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
                );
            }
            o.first_key = j + 1;
            break;
        } else {
            return Err(error::SYNTAX);
        }
        j += 1;
    }
    Ok(o)
}

fn command(buf: &mut BytesMut, argv: &[&[u8]]) {
    buf.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
    for a in argv {
        buf.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        buf.extend_from_slice(a);
        buf.extend_from_slice(b"\r\n");
    }
}

/// ```text
/// MIGRATE host port <key | ""> destination-db timeout [COPY] [REPLACE]
///   [AUTH password | AUTH2 username password] [KEYS key [key ...]]
/// ```
fn migrate(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let o = match options(argv) {
        Ok(o) => o,
        Err(e) => return ctx.error(e),
    };
    let (Some(timeout), Some(dbid)) = (parse_i64(&argv[5]), parse_i64(&argv[4])) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let timeout = Duration::from_millis(if timeout <= 0 { 1000 } else { timeout as u64 });
    let keys: &[Bytes] = if o.first_key == 3 {
        &argv[3..4]
    } else {
        &argv[o.first_key..]
    };
    // The keys here now, their payloads and remaining time to live.
    let opts = file::Settings::of(ctx.srv).opts;
    let now = ctx.now();
    let mut found: Vec<(&Bytes, Vec<u8>, i64)> = Vec::new();
    for key in keys {
        let db = &mut ctx.srv.dbs[ctx.db];
        // The lookup records the access; the node is then read without changing anything.
        if db.get(key, now).is_none() {
            continue;
        }
        let Some(entry) = db.stored(key) else {
            continue;
        };
        let ttl = db
            .expire_of(entry)
            .map_or(0, |at| (at.saturating_sub(now)).max(1) as i64);
        found.push((key, rdb::dump(entry.value(), &opts), ttl));
    }
    if found.is_empty() {
        return ctx.out.simple("NOKEY");
    }
    let mut batch = BytesMut::new();
    if let Some(password) = o.password {
        match o.user {
            Some(user) => command(&mut batch, &[b"AUTH", user, password]),
            None => command(&mut batch, &[b"AUTH", password]),
        }
    }
    let db = dbid.to_string();
    command(&mut batch, &[b"SELECT", db.as_bytes()]);
    for (key, payload, ttl) in &found {
        let ttl = ttl.to_string();
        let mut cmd: Vec<&[u8]> = vec![b"RESTORE", key, ttl.as_bytes(), payload];
        if o.replace {
            cmd.push(b"REPLACE");
        }
        command(&mut batch, &cmd);
    }
    let (host, port) = (
        String::from_utf8_lossy(&argv[1]).into_owned(),
        parse_i64(&argv[2]).and_then(|p| u16::try_from(p).ok()),
    );
    let conn = port.ok_or(Failed::Connecting).and_then(|port| {
        let mut c = Outbound::connect(&host, port, timeout)?;
        c.send(&batch)?;
        Ok(c)
    });
    let mut conn = match conn {
        Ok(c) => c,
        Err(Failed::Connecting) => {
            return ctx.error("IOERR error or timeout connecting to the client");
        }
        Err(_) => return ctx.error("IOERR error or timeout writing to target instance"),
    };
    // The AUTH and SELECT replies come first; a failure of either fails every key.
    let mut failed: Option<String> = None;
    let prefix = usize::from(o.password.is_some()) + 1;
    for _ in 0..prefix {
        match conn.read_line() {
            Ok(line) => {
                if let Some(e) = line.strip_prefix('-') {
                    failed.get_or_insert_with(|| e.to_string());
                }
            }
            Err(_) => return ctx.error("IOERR error or timeout reading to target instance"),
        }
    }
    let prefix_failed = failed.is_some();
    let mut moved: Vec<Bytes> = Vec::new();
    let mut socket_error = false;
    for (key, _, _) in &found {
        let line = match conn.read_line() {
            Ok(l) => l,
            Err(_) => {
                socket_error = true;
                break;
            }
        };
        // As Redis: a key is gone from here once the target took it, even when another
        // key of the batch failed.
        if let Some(e) = line.strip_prefix('-') {
            failed.get_or_insert_with(|| e.to_string());
        } else if !prefix_failed && !o.copy {
            moved.push((*key).clone());
        }
    }
    let db = ctx.db;
    for key in &moved {
        let d = &mut ctx.srv.dbs[db];
        if let Some(e) = d.delete(key, now) {
            d.drop_entry(e, ctx.srv.config.mem.lazy_server_del);
            ctx.srv.modified(db, key);
        }
    }
    if !moved.is_empty() {
        let mut del = vec![Bytes::from_static(b"DEL")];
        del.extend(moved);
        ctx.rewrite(del);
    }
    match failed {
        Some(e) => ctx.error(&format!("ERR Target instance replied with error: {e}")),
        None if socket_error => ctx.error("IOERR error or timeout reading to target instance"),
        None => ctx.out.ok(),
    }
}
