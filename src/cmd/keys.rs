//! Keyspace commands (Redis's "generic" group): DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN,
//! RENAME, RENAMENX, RANDOMKEY, COPY, TOUCH. The TTL commands live in `expire.rs`.
//!
//! Handlers parse arguments and write replies; the keyspace work is `Db`'s. Lookups that
//! Redis makes with `lookupKeyRead` count toward `keyspace_hits`/`keyspace_misses`; write
//! lookups (DEL, RENAME...) and whole-keyspace walks (KEYS, SCAN) do not.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::glob::glob_match;
use bytes::Bytes;

const SAME_OBJECT: &str = "ERR source and destination objects are the same";
const INVALID_CURSOR: &str = "ERR invalid cursor";
const INT_RANGE: &str = "ERR value is out of range, value must between -2147483648 and 2147483647";
/// SCAN's default COUNT.
const SCAN_COUNT: usize = 10;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("del", del),
    ("unlink", unlink),
    ("exists", exists),
    ("type", type_),
    ("keys", keys),
    ("scan", scan),
    ("rename", rename),
    ("renamenx", renamenx),
    ("randomkey", randomkey),
    ("copy", copy),
    ("touch", touch),
];

/// Counts a read lookup of `key` in the keyspace hit/miss statistics (a miss may be a
/// `keymiss` event), as Redis's `lookupKeyRead`.
pub(super) fn count_lookup(ctx: &mut Ctx, key: &[u8], hit: bool) {
    if hit {
        ctx.srv.stats.keyspace_hits += 1;
    } else {
        ctx.srv.key_miss(ctx.db, key);
    }
}

/// ```text
/// DEL key [key ...]
/// ```
fn del(ctx: &mut Ctx) {
    del_generic(ctx, false);
}

/// ```text
/// UNLINK key [key ...]
/// ```
/// Big values are freed on the lazy-free thread (see `db/lazyfree.rs`).
fn unlink(ctx: &mut Ctx) {
    del_generic(ctx, true);
}

/// Deletes every named key; replies with how many existed (a repeated key counts once).
/// DEL frees lazily too under `lazyfree-lazy-user-del`.
fn del_generic(ctx: &mut Ctx, lazy: bool) {
    let now = ctx.now();
    let lazy = lazy || ctx.srv.config.mem.lazy_user_del;
    let mut deleted = 0;
    for key in &ctx.argv[1..] {
        let db = &mut ctx.srv.dbs[ctx.db];
        if let Some(e) = db.delete(key, now) {
            db.drop_entry(e, lazy);
            deleted += 1;
            ctx.srv.modified(ctx.db, key);
        }
    }
    ctx.out.int(deleted);
}

/// ```text
/// EXISTS key [key ...]
/// ```
/// A key named twice counts twice, as in Redis.
fn exists(ctx: &mut Ctx) {
    let n = count_existing(ctx);
    ctx.out.int(n);
}

/// ```text
/// TOUCH key [key ...]
/// ```
/// Records an access to each key (its LRU clock or LFU counter), as a read would.
fn touch(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    let mut n = 0;
    for key in &argv[1..] {
        let hit = ctx.srv.dbs[ctx.db].get(key, now).is_some();
        count_lookup(ctx, key, hit);
        n += i64::from(hit);
    }
    ctx.out.int(n);
}

/// How many of the named keys are live, counting each lookup as a hit or a miss.
fn count_existing(ctx: &mut Ctx) -> i64 {
    let argv = ctx.argv;
    let now = ctx.now();
    let mut n = 0;
    for key in &argv[1..] {
        let hit = ctx.srv.dbs[ctx.db].contains(key, now);
        count_lookup(ctx, key, hit);
        n += i64::from(hit);
    }
    n
}

/// ```text
/// TYPE key
/// ```
fn type_(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let now = ctx.now();
    // Not an access (Redis's LOOKUP_NOTOUCH).
    let name = ctx.srv.dbs[ctx.db]
        .peek(&ctx.argv[1], now)
        .map(|e| e.value().type_name());
    count_lookup(ctx, &argv[1], name.is_some());
    ctx.out.simple(name.unwrap_or("none"));
}

/// ```text
/// KEYS pattern
/// ```
/// Expired keys are left out but not reclaimed, as Redis 7.0's `keyIsExpired` check.
fn keys(ctx: &mut Ctx) {
    let now = ctx.now();
    let pattern = &ctx.argv[1];
    // The matcher does not let `*` match the empty key; Redis skips it for a plain `*`.
    let all = pattern.as_ref() == b"*";
    let found: Vec<Bytes> = ctx.srv.dbs[ctx.db]
        .iter(now)
        .filter(|(n, _)| all || glob_match(pattern, n.key(), false))
        .map(|(n, _)| Bytes::copy_from_slice(n.key()))
        .collect();
    ctx.out.bulks(found.iter().map(|k| k.as_ref()));
}

/// ```text
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
/// ```
/// The cursor is a table position (see `db/scan.rs` for the guarantee); COUNT is how many
/// positions one call visits.
fn scan(ctx: &mut Ctx) {
    let Some(cursor) = crate::util::number::parse_cursor(&ctx.argv[1]) else {
        return ctx.error(INVALID_CURSOR);
    };
    let mut count = SCAN_COUNT;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let argv = ctx.argv;
    let mut i = 2;
    while i < argv.len() {
        let Some(value) = argv.get(i + 1) else {
            return ctx.error(error::SYNTAX);
        };
        let opt = &argv[i];
        if opt.eq_ignore_ascii_case(b"count") {
            let Some(n) = crate::util::number::parse_i64(value) else {
                return ctx.error(error::NOT_INTEGER);
            };
            if n < 1 {
                return ctx.error(error::SYNTAX);
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if opt.eq_ignore_ascii_case(b"match") {
            // A plain `*` matches everything, the empty key included.
            pattern = (value.as_ref() != b"*").then_some(&value[..]);
        } else if opt.eq_ignore_ascii_case(b"type") {
            type_name = Some(value);
        } else {
            return ctx.error(error::SYNTAX);
        }
        i += 2;
    }
    let now = ctx.now();
    let mut found: Vec<Bytes> = Vec::new();
    let mut typed = 0u64;
    let next = ctx.srv.dbs[ctx.db].scan_reclaim(cursor, count, now, |n| {
        let k = n.key();
        if pattern.is_some_and(|p| !glob_match(p, k, false)) {
            return;
        }
        if let Some(t) = type_name {
            // Redis looks the key up to learn its type: a counted read.
            typed += 1;
            if !t.eq_ignore_ascii_case(n.value().type_name().as_bytes()) {
                return;
            }
        }
        found.push(Bytes::copy_from_slice(k));
    });
    ctx.srv.stats.keyspace_hits += typed;
    ctx.out.array(2);
    ctx.out.bulk(next.to_string().as_bytes());
    ctx.out.bulks(found.iter().map(|k| k.as_ref()));
}

/// ```text
/// RENAME key newkey
/// ```
fn rename(ctx: &mut Ctx) {
    rename_generic(ctx, false);
}

/// ```text
/// RENAMENX key newkey
/// ```
fn renamenx(ctx: &mut Ctx) {
    rename_generic(ctx, true);
}

/// Moves the key with its TTL. `nx`: only when the destination does not exist, replying 1
/// or 0 instead of OK. A missing source is an error even when both names are the same.
fn rename_generic(ctx: &mut Ctx, nx: bool) {
    let now = ctx.now();
    let (from, to) = (&ctx.argv[1], &ctx.argv[2]);
    let db = &mut ctx.srv.dbs[ctx.db];
    if !db.contains(from, now) {
        return ctx.error(error::NO_SUCH_KEY);
    }
    if nx && from != to && db.contains(to, now) {
        return ctx.out.int(0);
    }
    db.rename(from, to, now);
    let same = from == to;
    let to = to.clone();
    // Renaming a key onto itself changes nothing (Redis replies before touching anything).
    if !same {
        let from = from.clone();
        ctx.modified(&from);
        ctx.modified(&to);
    }
    // A list, sorted set or stream renamed onto a key may serve clients blocked on it.
    ctx.signal_ready(&to);
    if nx {
        // Renaming a key to itself is a no-op that RENAMENX reports as "not renamed".
        ctx.out.int(i64::from(!same));
    } else {
        ctx.out.ok();
    }
}

/// ```text
/// RANDOMKEY
/// ```
fn randomkey(ctx: &mut Ctx) {
    let now = ctx.now();
    let srv = &mut *ctx.srv;
    let rng = &mut srv.rng;
    match srv.dbs[ctx.db].random_key(now, || rng.next_u64()) {
        Some(key) => ctx.out.bulk(&key),
        None => ctx.out.null(),
    }
}

/// ```text
/// COPY source destination [DB destination-db] [REPLACE]
/// ```
/// The copy keeps the source's TTL. Values are immutable or deep-cloned, so the copy never
/// shares state with the source.
fn copy(ctx: &mut Ctx) {
    let mut dst_db = ctx.db;
    let mut replace = false;
    let mut i = 3;
    while i < ctx.argv.len() {
        let opt = &ctx.argv[i];
        if opt.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if opt.eq_ignore_ascii_case(b"db") && i + 1 < ctx.argv.len() {
            // getIntFromObjectOrReply: an integer, then its own error outside 32 bits.
            let Some(n) = crate::util::number::parse_i64(&ctx.argv[i + 1]) else {
                return ctx.error(error::NOT_INTEGER);
            };
            let Ok(n) = i32::try_from(n) else {
                return ctx.error(INT_RANGE);
            };
            match usize::try_from(n) {
                Ok(n) if n < ctx.srv.dbs.len() => dst_db = n,
                _ => return ctx.error(error::DB_INDEX),
            }
            i += 1;
        } else {
            return ctx.error(error::SYNTAX);
        }
        i += 1;
    }
    let (key, newkey) = (&ctx.argv[1], &ctx.argv[2]);
    if dst_db == ctx.db && key == newkey {
        return ctx.error(SAME_OBJECT);
    }
    let now = ctx.now();
    let entry = ctx.srv.dbs[ctx.db].copy_entry(key, now);
    count_lookup(ctx, key, entry.is_some());
    let Some(entry) = entry else {
        return ctx.out.int(0);
    };
    let copied = ctx.srv.dbs[dst_db].put(newkey, entry, replace, now);
    if copied {
        let newkey = newkey.clone();
        ctx.srv.modified(dst_db, &newkey);
        ctx.signal_ready_in(dst_db, &newkey);
    }
    ctx.out.int(i64::from(copied));
}

#[cfg(test)]
#[path = "keys_tests.rs"]
pub(super) mod tests;
