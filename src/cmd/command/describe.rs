//! COMMAND INFO's description of one command: arity, flags, key positions, ACL categories
//! and key specs, in Redis 7.0's layout.

use super::Entry;
use crate::engine::out::Out;
use crate::engine::table::flag::{self, *};

/// ACL categories in Redis's order. The table has no category field, so they are derived
/// from the group and flags, plus the few commands Redis marks dangerous or blocking
/// without an admin flag.
pub(super) fn categories(cmd: &str, full: &str, group: &str, flags: u32) -> Vec<&'static str> {
    const DANGEROUS: &[&str] = &[
        "flushdb",
        "flushall",
        "keys",
        "info",
        "swapdb",
        "sort",
        "migrate",
        "restore",
        "role",
        "client|list",
        "client|kill",
        "client|pause",
        "client|unpause",
        "client|reply",
        "client|no-evict",
        "client|tracking",
    ];
    const BLOCKING: &[&str] = &[
        "blpop",
        "brpop",
        "brpoplpush",
        "blmove",
        "blmpop",
        "bzpopmin",
        "bzpopmax",
        "bzmpop",
        "xread",
        "xreadgroup",
        "wait",
    ];
    const KEYSPACE: &[&str] = &["dbsize", "flushdb", "flushall", "swapdb"];
    let mut cats = Vec::new();
    let mut add = |on: bool, c: &'static str| {
        if on {
            cats.push(c)
        }
    };
    add(group == "generic" || KEYSPACE.contains(&cmd), "keyspace");
    add(flags & READONLY != 0, "read");
    add(flags & WRITE != 0, "write");
    for (g, c) in [
        ("set", "set"),
        ("sorted-set", "sortedset"),
        ("list", "list"),
        ("hash", "hash"),
        ("string", "string"),
        ("bitmap", "bitmap"),
        ("hyperloglog", "hyperloglog"),
        ("geo", "geo"),
        ("stream", "stream"),
    ] {
        add(group == g, c);
    }
    add(group == "pubsub" || flags & PUBSUB != 0, "pubsub");
    add(flags & ADMIN != 0, "admin");
    add(flags & FAST != 0, "fast");
    add(flags & FAST == 0, "slow");
    add(BLOCKING.contains(&cmd), "blocking");
    add(flags & ADMIN != 0 || DANGEROUS.contains(&full), "dangerous");
    add(group == "connection" || cmd == "command", "connection");
    add(group == "transactions", "transaction");
    add(group == "scripting", "scripting");
    cats
}

/// Key spec flags: what a command does with its keys, from its read/write flags.
pub(super) fn key_flags(flags: u32) -> &'static [&'static str] {
    if flags & WRITE != 0 {
        &["RW", "update"]
    } else {
        &["RO", "access"]
    }
}

/// One command's 10-element description, as Redis 7.0 writes it.
pub(super) fn write_info(out: &mut Out, e: Entry) {
    let (arity, keys) = match e {
        Entry::Cmd(c) => (c.arity, c.keys),
        Entry::Sub(_, s) => (s.arity, (0, 0, 0)),
    };
    out.array(10);
    out.bulk(e.name().as_bytes());
    out.int(arity as i64);
    let flags: Vec<&str> = flag::NAMES
        .iter()
        .filter(|(f, _)| e.flags() & f != 0)
        .map(|&(_, n)| n)
        .collect();
    out.set(flags.len());
    for f in flags {
        out.simple(f);
    }
    out.int(keys.0 as i64);
    out.int(keys.1 as i64);
    out.int(keys.2 as i64);
    let cats = e.categories();
    out.set(cats.len());
    for c in cats {
        out.simple(&format!("@{c}"));
    }
    out.set(0); // tips
    write_key_specs(out, keys, e.flags());
    match e {
        Entry::Cmd(c) => {
            out.set(c.subcommands.len());
            for s in c.subcommands {
                write_info(out, Entry::Sub(c, s));
            }
        }
        Entry::Sub(..) => out.set(0),
    }
}

/// The key spec equivalent to the legacy (first, last, step) triple.
fn write_key_specs(out: &mut Out, (first, last, step): (i32, i32, i32), flags: u32) {
    if first <= 0 {
        return out.set(0);
    }
    out.set(1);
    out.map(3);
    out.bulk(b"flags");
    let kf = key_flags(flags);
    out.set(kf.len());
    for f in kf {
        out.simple(f);
    }
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    out.bulk(b"index");
    out.bulk(b"spec");
    out.map(1);
    out.bulk(b"index");
    out.int(first as i64);
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    out.bulk(b"range");
    out.bulk(b"spec");
    out.map(3);
    out.bulk(b"lastkey");
    // Relative to the first key, or from the end when negative.
    out.int(if last < 0 {
        last as i64
    } else {
        last as i64 - first as i64
    });
    out.bulk(b"keystep");
    out.int(step as i64);
    out.bulk(b"limit");
    out.int(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_redis_order() {
        assert_eq!(
            categories("get", "get", "string", READONLY | FAST),
            ["read", "string", "fast"]
        );
        assert_eq!(
            categories("info", "info", "server", LOADING | STALE),
            ["slow", "dangerous"]
        );
        assert_eq!(
            categories("flushdb", "flushdb", "server", WRITE),
            ["keyspace", "write", "slow", "dangerous"]
        );
        assert_eq!(
            categories("config", "config|get", "server", ADMIN | NOSCRIPT),
            ["admin", "slow", "dangerous"]
        );
    }
}
