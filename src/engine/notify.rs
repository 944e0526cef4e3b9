//! Keyspace notifications (`notify-keyspace-events`): the key events a command recorded
//! (`effects.rs`) are named and classed as Redis 7.0 names them, then published as
//! `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>`
//! (message: the key) through the pub/sub registry, in the same executor round, so
//! subscribers on every I/O thread see them in order.
//!
//! Handlers only say which keys they changed ([`Server::modified`]); which event that was
//! is decided here from the command, its arguments and whether the key still exists, a
//! table in place of Redis's `notifyKeyspaceEvent` calls spread over every command. While
//! `notify-keyspace-events` is empty nothing is recorded, so commands pay nothing.

use super::effects::KeyEvent;
use super::out::Outs;
use super::state::Server;
use crate::config::values::{E, EV, G, HASH, K, KM, L, NEW, SET, STR, T, X, Z};
use bytes::{Bytes, BytesMut};

/// One notification: its class (a `notify-keyspace-events` flag) and Redis's event name.
type Named = (u32, &'static str);

impl Server {
    /// Applies `notify-keyspace-events`: recording of key events is on only while some
    /// class is asked for.
    pub fn apply_notify_config(&mut self) {
        // The stored value, not CONFIG GET's text (which drops `n` after `A`).
        let text = crate::config::params::lookup(b"notify-keyspace-events")
            .map(|f| self.config.val(f.index))
            .and_then(|v| match v {
                crate::config::Val::Text(t) => Some(t),
                _ => None,
            })
            .unwrap_or_default();
        self.notify_flags = crate::config::values::notify_flags(&text).unwrap_or(0);
        let on = self.notify_flags != 0;
        if on != self.effects.record_events {
            self.effects.record_events = on;
            self.effects.events.clear();
            self.update_expired_tracking();
        }
    }

    /// A read lookup found no `key` in `db` (Redis's `lookupKeyRead` miss): counted in
    /// `keyspace_misses` and, when class `m` is asked for, announced as `keymiss`.
    pub fn key_miss(&mut self, db: usize, key: &[u8]) {
        key_miss(
            &mut self.stats,
            &mut self.effects,
            self.notify_flags,
            db,
            key,
        );
    }

    /// Whether key creations (`new`, class `n`) are asked for: only then does a write look
    /// up its keys before it runs.
    pub fn notify_new(&self) -> bool {
        self.notify_flags & NEW != 0
    }
}

/// Publishes the key events recorded since the last call. `argv` is the command that
/// recorded those not removed by the server itself (`expired`/`evicted`, which go first:
/// a command meets its expired keys before it changes anything); `created` lists the keys
/// it created, announced as `new` before the command's own events.
pub fn deliver(srv: &mut Server, outs: &mut Outs, argv: &[Bytes], created: &[(usize, Bytes)]) {
    let events = std::mem::take(&mut srv.effects.events);
    let flags = srv.notify_flags;
    let mut out: Vec<(usize, Bytes, Named)> = Vec::new();
    for ev in events.iter().filter(|e| is_server_event(e.event)) {
        let class = if ev.event == "expired" { X } else { EV };
        out.push((ev.db, ev.key.clone(), (class, ev.event)));
    }
    let mut created = created.to_vec();
    let mut own: Vec<&KeyEvent> = events
        .iter()
        .filter(|e| !is_server_event(e.event))
        .collect();
    // A list move pushes onto the destination before it announces the pop (Redis's
    // lmoveGenericCommand): the destination's events go first.
    // The command's first own event (a read miss is not one).
    let first = own.iter().find(|e| e.event != KEYMISS).map(|e| e.event);
    if matches!(first, Some("rpoplpush" | "brpoplpush" | "lmove" | "blmove")) {
        let src = argv.get(1);
        own.sort_by_key(|e| src.is_some_and(|s| *s == e.key));
    }
    // MOVE and RENAME add the destination (`new`) before announcing either side.
    if matches!(first, Some("move" | "rename" | "renamenx")) {
        for (db, key) in created.drain(..) {
            out.push((db, key, (NEW, "new")));
        }
    }
    let mut last: Option<&KeyEvent> = None;
    for ev in own {
        // Read misses are announced as they happened, each one (MGET k k: two).
        if ev.event == KEYMISS {
            out.push((ev.db, ev.key.clone(), (KM, KEYMISS)));
            last = None;
            continue;
        }
        // A handler may signal a key once per element it changed; Redis notifies once,
        // except for the commands that set one key once per argument pair.
        if last.is_some_and(|l| l == ev) && !per_pair(ev.event) {
            continue;
        }
        last = Some(ev);
        // A key the command created is announced as `new` before its first event, as
        // Redis's dbAdd does.
        if let Some(i) = created
            .iter()
            .position(|(d, k)| *d == ev.db && *k == ev.key)
        {
            let (db, key) = created.swap_remove(i);
            out.push((db, key, (NEW, "new")));
        }
        let now = srv.now_ms;
        let exists = srv
            .dbs
            .get_mut(ev.db)
            .is_some_and(|d| d.contains(&ev.key, now));
        for named in name(ev.event, argv, &ev.key, exists) {
            out.push((ev.db, ev.key.clone(), named));
        }
    }
    for (db, key, (class, event)) in out {
        if flags & class == 0 {
            continue;
        }
        if flags & K != 0 {
            let channel = channel(b"__keyspace@", db, &key);
            crate::cmd::pubsub::deliver(srv, outs, &channel, event.as_bytes());
        }
        if flags & E != 0 {
            let channel = channel(b"__keyevent@", db, event.as_bytes());
            crate::cmd::pubsub::deliver(srv, outs, &channel, &key);
        }
    }
    // Keep the buffer's capacity for the next command.
    let mut events = events;
    events.clear();
    srv.effects.events = events;
}

/// [`Server::key_miss`] on the fields it needs, for a caller that holds a borrow of the
/// databases (the entry it found, on the hit path).
pub fn key_miss(
    stats: &mut crate::stats::ExecStats,
    effects: &mut super::effects::Effects,
    flags: u32,
    db: usize,
    key: &[u8],
) {
    stats.keyspace_misses += 1;
    if flags & KM != 0 {
        effects.events.push(KeyEvent {
            db,
            key: Bytes::copy_from_slice(key),
            event: KEYMISS,
        });
    }
}

/// The event a read of a missing key records (not a command's name).
const KEYMISS: &str = "keymiss";

/// Commands that may set one key twice and announce each (MSET k 1 k 2 notifies twice,
/// as Redis's msetGenericCommand does per pair).
fn per_pair(event: &str) -> bool {
    matches!(event, "mset" | "msetnx")
}

fn is_server_event(event: &str) -> bool {
    event == "expired" || event == "evicted"
}

/// `__keyspace@<db>__:<suffix>` or `__keyevent@<db>__:<suffix>`.
fn channel(prefix: &[u8], db: usize, suffix: &[u8]) -> Bytes {
    let mut c = BytesMut::with_capacity(prefix.len() + 8 + suffix.len());
    c.extend_from_slice(prefix);
    c.extend_from_slice(db.to_string().as_bytes());
    c.extend_from_slice(b"__:");
    c.extend_from_slice(suffix);
    c.freeze()
}

/// Argument `i` lowercased, or empty.
fn arg_lower(argv: &[Bytes], i: usize) -> Vec<u8> {
    argv.get(i).map_or(Vec::new(), |a| a.to_ascii_lowercase())
}

fn has_option(argv: &[Bytes], from: usize, options: &[&[u8]]) -> bool {
    argv.iter()
        .skip(from)
        .any(|a| options.iter().any(|o| a.eq_ignore_ascii_case(o)))
}

/// The notifications Redis 7.0 sends for `key` changed by command `cmd` (`argv`), given
/// whether `key` exists afterwards. Empty for a command Redis does not notify for.
fn name(cmd: &str, argv: &[Bytes], key: &[u8], exists: bool) -> Vec<Named> {
    let first = argv.get(1).is_some_and(|a| &a[..] == key);
    let second = argv.get(2).is_some_and(|a| &a[..] == key);
    // Writes that store a computed result delete the destination when it is empty.
    let store = |event: &'static str| {
        if exists {
            vec![(store_class(event), event)]
        } else {
            vec![(G, "del")]
        }
    };
    // Removals delete a container they empty: their event, then `del`.
    let removal = |class: u32, event: &'static str| {
        let mut v = vec![(class, event)];
        if !exists {
            v.push((G, "del"));
        }
        v
    };
    let pop_side = |side: &[u8], class: u32, left: &'static str, right: &'static str| {
        if side.eq_ignore_ascii_case(b"left") || side.eq_ignore_ascii_case(b"min") {
            removal(class, left)
        } else {
            removal(class, right)
        }
    };
    match cmd {
        "set" => {
            let mut v = vec![(STR, "set")];
            if has_option(argv, 3, &[b"ex", b"px", b"exat", b"pxat"]) {
                v.push((G, "expire"));
            }
            v
        }
        "setex" | "psetex" => vec![(STR, "set"), (G, "expire")],
        "setnx" | "mset" | "msetnx" | "getset" => vec![(STR, "set")],
        "getdel" | "del" | "unlink" => vec![(G, "del")],
        "getex" => {
            if !exists {
                vec![(G, "del")]
            } else if has_option(argv, 2, &[b"persist"]) {
                vec![(G, "persist")]
            } else {
                vec![(G, "expire")]
            }
        }
        "setrange" => vec![(STR, "setrange")],
        "append" => vec![(STR, "append")],
        // Redis names all four `incrby` (its incrDecrCommand).
        "incr" | "incrby" | "decr" | "decrby" => vec![(STR, "incrby")],
        "incrbyfloat" => vec![(STR, "incrbyfloat")],
        "setbit" | "bitfield" => vec![(STR, "setbit")],
        "bitop" => store("set"),
        "pfadd" | "pfmerge" => vec![(STR, "pfadd")],
        "expire" | "pexpire" | "expireat" | "pexpireat" => {
            if exists {
                vec![(G, "expire")]
            } else {
                vec![(G, "del")]
            }
        }
        "persist" => vec![(G, "persist")],
        "rename" | "renamenx" => {
            if exists {
                vec![(G, "rename_to")]
            } else {
                vec![(G, "rename_from")]
            }
        }
        "copy" => vec![(G, "copy_to")],
        "move" => {
            if exists {
                vec![(G, "move_to")]
            } else {
                vec![(G, "move_from")]
            }
        }
        "restore" => vec![(G, "restore")],
        "sort" => store("sortstore"),
        "lpush" | "lpushx" => vec![(L, "lpush")],
        "rpush" | "rpushx" => vec![(L, "rpush")],
        "linsert" => vec![(L, "linsert")],
        "lset" => vec![(L, "lset")],
        "lrem" => removal(L, "lrem"),
        "ltrim" => removal(L, "ltrim"),
        "lpop" | "blpop" => removal(L, "lpop"),
        "rpop" | "brpop" => removal(L, "rpop"),
        "lmpop" => pop_side(&mpop_side(argv, 2), L, "lpop", "rpop"),
        "blmpop" => pop_side(&mpop_side(argv, 3), L, "lpop", "rpop"),
        "rpoplpush" | "brpoplpush" => moved(first, second, exists, b"right", b"left"),
        "lmove" => moved(
            first,
            second,
            exists,
            &arg_lower(argv, 3),
            &arg_lower(argv, 4),
        ),
        "blmove" => moved(
            first,
            second,
            exists,
            &arg_lower(argv, 3),
            &arg_lower(argv, 4),
        ),
        "sadd" => vec![(SET, "sadd")],
        "srem" => removal(SET, "srem"),
        "spop" => removal(SET, "spop"),
        "smove" => {
            if first {
                removal(SET, "srem")
            } else {
                vec![(SET, "sadd")]
            }
        }
        "sinterstore" => store("sinterstore"),
        "sunionstore" => store("sunionstore"),
        "sdiffstore" => store("sdiffstore"),
        "hset" | "hmset" | "hsetnx" => vec![(HASH, "hset")],
        "hdel" => removal(HASH, "hdel"),
        "hincrby" => vec![(HASH, "hincrby")],
        "hincrbyfloat" => vec![(HASH, "hincrbyfloat")],
        "zadd" => {
            if has_option(argv, 2, &[b"incr"]) {
                vec![(Z, "zincr")]
            } else {
                vec![(Z, "zadd")]
            }
        }
        "geoadd" => vec![(Z, "zadd")],
        "zincrby" => vec![(Z, "zincr")],
        "zrem" => removal(Z, "zrem"),
        "zremrangebyscore" => removal(Z, "zremrangebyscore"),
        "zremrangebyrank" => removal(Z, "zremrangebyrank"),
        "zremrangebylex" => removal(Z, "zremrangebylex"),
        "zpopmin" | "bzpopmin" => removal(Z, "zpopmin"),
        "zpopmax" | "bzpopmax" => removal(Z, "zpopmax"),
        "zmpop" => pop_side(&mpop_side(argv, 2), Z, "zpopmin", "zpopmax"),
        "bzmpop" => pop_side(&mpop_side(argv, 3), Z, "zpopmin", "zpopmax"),
        "zunionstore" => store("zunionstore"),
        "zinterstore" => store("zinterstore"),
        "zdiffstore" => store("zdiffstore"),
        "zrangestore" => store("zrangestore"),
        "georadius" | "georadiusbymember" => store("georadiusstore"),
        "geosearchstore" => store("geosearchstore"),
        "xadd" => vec![(T, "xadd")],
        "xtrim" => vec![(T, "xtrim")],
        "xdel" => vec![(T, "xdel")],
        "xsetid" => vec![(T, "xsetid")],
        "xclaim" => vec![(T, "xclaim")],
        "xautoclaim" => vec![(T, "xautoclaim")],
        "xreadgroup" => vec![(T, "xgroup-createconsumer")],
        _ => match cmd.strip_prefix("xgroup|").or_else(|| {
            (cmd == "xgroup")
                .then(|| argv.get(1).map(|a| a.to_ascii_lowercase()))
                .flatten()
                .and_then(|s| std::str::from_utf8(&s).ok().map(str::to_owned))
                .and_then(|s| XGROUP.iter().find(|x| **x == s).copied())
        }) {
            Some("create") => vec![(T, "xgroup-create")],
            Some("setid") => vec![(T, "xgroup-setid")],
            Some("destroy") => vec![(T, "xgroup-destroy")],
            Some("createconsumer") => vec![(T, "xgroup-createconsumer")],
            Some("delconsumer") => vec![(T, "xgroup-delconsumer")],
            _ => Vec::new(),
        },
    }
}

const XGROUP: &[&str] = &[
    "create",
    "setid",
    "destroy",
    "createconsumer",
    "delconsumer",
];

/// The class of a stored result's event (`sortstore` is generic, `sinterstore` a set's...).
fn store_class(event: &str) -> u32 {
    match event {
        "set" => STR,
        "sinterstore" | "sunionstore" | "sdiffstore" => SET,
        "zunionstore" | "zinterstore" | "zdiffstore" | "zrangestore" | "georadiusstore"
        | "geosearchstore" => Z,
        _ => G,
    }
}

/// LMPOP's / ZMPOP's LEFT|RIGHT or MIN|MAX, after `numkeys` (argument `at`) and the keys.
fn mpop_side(argv: &[Bytes], at: usize) -> Vec<u8> {
    let n = argv
        .get(at)
        .and_then(|a| std::str::from_utf8(a).ok())
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    arg_lower(argv, at + 1 + n)
}

/// A list move (LMOVE, RPOPLPUSH): the source is popped on `from`, the destination pushed
/// on `to`; the same key is both.
fn moved(first: bool, second: bool, exists: bool, from: &[u8], to: &[u8]) -> Vec<Named> {
    let mut v = Vec::new();
    if first {
        let pop = if from.eq_ignore_ascii_case(b"left") {
            "lpop"
        } else {
            "rpop"
        };
        v.push((L, pop));
    }
    if second {
        let push = if to.eq_ignore_ascii_case(b"left") {
            "lpush"
        } else {
            "rpush"
        };
        v.push((L, push));
    }
    if first && !exists {
        v.push((G, "del"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<Bytes> {
        a.iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn names_follow_redis() {
        let set = argv(&["set", "k", "v", "EX", "10"]);
        assert_eq!(
            name("set", &set, b"k", true),
            vec![(STR, "set"), (G, "expire")]
        );
        let pop = argv(&["lpop", "k"]);
        assert_eq!(
            name("lpop", &pop, b"k", false),
            vec![(L, "lpop"), (G, "del")]
        );
        let mv = argv(&["lmove", "a", "b", "LEFT", "RIGHT"]);
        assert_eq!(name("lmove", &mv, b"a", true), vec![(L, "lpop")]);
        assert_eq!(name("lmove", &mv, b"b", true), vec![(L, "rpush")]);
        let mp = argv(&["zmpop", "2", "a", "b", "MAX"]);
        assert_eq!(name("zmpop", &mp, b"a", true), vec![(Z, "zpopmax")]);
        let st = argv(&["sinterstore", "d", "a", "b"]);
        assert_eq!(name("sinterstore", &st, b"d", false), vec![(G, "del")]);
        assert_eq!(
            name("pfcount", &argv(&["pfcount", "h"]), b"h", true),
            vec![]
        );
    }
}
