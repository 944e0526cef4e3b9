//! HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST. A HLL is a plain
//! string (`Value::Str`) in Redis's exact format (see `sketch.rs`), so GET, SET, DUMP and
//! replicas move it between muxis and Redis unchanged.
//!
//! As in Redis, PFCOUNT of one key writes the computed cardinality into the string's cache,
//! which is a change (it propagates); a HLL that grows past `hll-sparse-max-bytes` turns
//! dense.

mod selftest;
mod sketch;

use crate::db::{Value, ValueRef};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use bytes::Bytes;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("pfadd", pfadd),
    ("pfcount", pfcount),
    ("pfmerge", pfmerge),
    ("pfdebug", pfdebug),
    ("pfselftest", pfselftest),
];

const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const CORRUPT: &str = "INVALIDOBJ Corrupted HLL object detected";

/// What a key holds, as a HLL command sees it.
enum Hll<'a> {
    Missing,
    Valid(&'a [u8]),
    /// Replied with an error already.
    Bad,
}

/// Looks a HLL up (counting a hit or miss when `read`), replying WRONGTYPE for other types
/// and for strings that are not HLLs (Redis's `isHLLObjectOrReply`).
fn lookup<'c>(ctx: &'c mut Ctx, key: &[u8], read: bool) -> Hll<'c> {
    let now = ctx.now();
    let v = if read {
        crate::cmd::read_value(ctx.srv, ctx.db, key)
    } else {
        ctx.srv.dbs[ctx.db].get(key, now).map(|e| e.value())
    };
    match v {
        None => Hll::Missing,
        Some(ValueRef::Str(s)) if sketch::is_valid(s) => Hll::Valid(s),
        Some(ValueRef::Str(_)) => {
            ctx.out.error(NOT_HLL);
            Hll::Bad
        }
        Some(_) => {
            ctx.out.error(error::WRONGTYPE);
            Hll::Bad
        }
    }
}

/// Runs `f` on the HLL string stored at `key` (which must be a string), in place when
/// nothing else shares its buffer.
fn edit<R>(ctx: &mut Ctx, key: &[u8], f: impl FnOnce(&mut Vec<u8>) -> R) -> Option<R> {
    let now = ctx.now();
    match ctx.srv.dbs[ctx.db].get_mut(key, now) {
        Some(Value::Str(s)) => {
            let mut v: Vec<u8> = std::mem::take(s).into();
            let r = f(&mut v);
            *s = Bytes::from(v);
            Some(r)
        }
        _ => None,
    }
}

/// ```text
/// PFADD key [element [element ...]]
/// ```
/// Replies 1 if the key was created or a register changed, else 0.
fn pfadd(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let key = &argv[1];
    let created = match lookup(ctx, key, false) {
        Hll::Bad => return,
        Hll::Valid(_) => false,
        Hll::Missing => {
            ctx.db()
                .set(key, Value::Str(Bytes::from(sketch::new_sparse())), None);
            true
        }
    };
    let max_bytes = ctx.srv.config.hll_sparse_max_bytes;
    let res = edit(ctx, key, |s| {
        let mut updated = 0u64;
        for e in &argv[2..] {
            if sketch::add(s, e, max_bytes)? {
                updated += 1;
            }
        }
        // A new key counts as an update too: its cache is marked stale.
        if updated > 0 || created {
            sketch::invalidate(s);
        }
        Ok(updated)
    });
    let updated = match res {
        Some(Ok(n)) => n + u64::from(created),
        // Elements added before the corrupt part was met stay, unreported, as in Redis.
        Some(Err(sketch::Corrupt)) | None => return ctx.error(CORRUPT),
    };
    if updated > 0 {
        ctx.modified_n(key, updated);
    }
    ctx.out.int(i64::from(updated > 0));
}

/// ```text
/// PFCOUNT key [key ...]
/// ```
/// One key: its cached cardinality, recomputed and cached when stale. Several: the
/// cardinality of their union, computed without changing them.
fn pfcount(ctx: &mut Ctx) {
    let argv = ctx.argv;
    if argv.len() > 2 {
        let mut max = vec![0u8; sketch::REGISTERS];
        for key in &argv[1..] {
            match lookup(ctx, key, true) {
                Hll::Bad => return,
                Hll::Missing => {}
                Hll::Valid(s) => {
                    if sketch::merge_into(&mut max, s).is_err() {
                        return ctx.error(CORRUPT);
                    }
                }
            }
        }
        return ctx.out.int(sketch::count_registers(&max) as i64);
    }
    let key = &argv[1];
    let s = match lookup(ctx, key, true) {
        Hll::Bad => return,
        Hll::Missing => return ctx.out.int(0),
        Hll::Valid(s) => s,
    };
    if let Some(card) = sketch::cached(s) {
        return ctx.out.int(card as i64);
    }
    let Ok(card) = sketch::count(s) else {
        return ctx.error(CORRUPT);
    };
    edit(ctx, key, |s| sketch::set_cache(s, card));
    ctx.modified(key);
    ctx.out.int(card as i64);
}

/// ```text
/// PFMERGE destkey [sourcekey [sourcekey ...]]
/// ```
/// The destination (itself one of the sources) gets every register's maximum; it turns
/// dense if any source is dense. Always a change, as in Redis.
fn pfmerge(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let mut max = vec![0u8; sketch::REGISTERS];
    let mut dense = false;
    for key in &argv[1..] {
        match lookup(ctx, key, true) {
            Hll::Bad => return,
            Hll::Missing => {}
            Hll::Valid(s) => {
                dense |= s[4] == sketch::DENSE;
                if sketch::merge_into(&mut max, s).is_err() {
                    return ctx.error(CORRUPT);
                }
            }
        }
    }
    let dest = &argv[1];
    let now = ctx.now();
    if !ctx.db().contains(dest, now) {
        ctx.db()
            .set(dest, Value::Str(Bytes::from(sketch::new_sparse())), None);
    }
    let max_bytes = ctx.srv.config.hll_sparse_max_bytes;
    let res = edit(ctx, dest, |s| {
        if dense {
            sketch::to_dense(s)?;
        }
        for (i, &m) in max.iter().enumerate() {
            if m > 0 {
                sketch::set(s, i, m, max_bytes)?;
            }
        }
        sketch::invalidate(s);
        Ok::<(), sketch::Corrupt>(())
    });
    if !matches!(res, Some(Ok(()))) {
        return ctx.error(CORRUPT);
    }
    ctx.modified(dest);
    ctx.out.ok();
}

/// ```text
/// PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key
/// ```
fn pfdebug(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (sub, key) = (&argv[1], &argv[2]);
    let is = |w: &[u8]| sub.eq_ignore_ascii_case(w);
    let s = match lookup(ctx, key, false) {
        Hll::Bad => return,
        Hll::Missing => return ctx.error("ERR The specified key does not exist"),
        Hll::Valid(s) => Bytes::copy_from_slice(s),
    };
    if is(b"getreg") || is(b"todense") {
        let converted = if s[4] == sketch::SPARSE {
            match edit(ctx, key, sketch::to_dense) {
                Some(Ok(_)) => {
                    // Forces propagation of the encoding change (Redis bumps dirty only).
                    ctx.srv.effects.dirty += 1;
                    true
                }
                _ => return ctx.error(CORRUPT),
            }
        } else {
            false
        };
        if is(b"todense") {
            return ctx.out.int(i64::from(converted));
        }
        let now = ctx.now();
        let Some(ValueRef::Str(s)) = ctx.srv.dbs[ctx.db].get(key, now).map(|e| e.value()) else {
            return ctx.error(CORRUPT);
        };
        let regs: Vec<u8> = sketch::dense_registers(s).collect();
        ctx.out.array(regs.len());
        for r in regs {
            ctx.out.int(i64::from(r));
        }
    } else if is(b"decode") {
        if s[4] != sketch::SPARSE {
            return ctx.error("ERR HLL encoding is not sparse");
        }
        ctx.out.bulk(sketch::decode(&s).as_bytes());
    } else if is(b"encoding") {
        ctx.out.simple(if s[4] == sketch::DENSE {
            "dense"
        } else {
            "sparse"
        });
    } else {
        let msg = format!(
            "ERR Unknown PFDEBUG subcommand '{}'",
            String::from_utf8_lossy(sub)
        );
        ctx.error(&msg);
    }
}

/// ```text
/// PFSELFTEST
/// ```
/// Checks the register packing and the estimator's error on this build; OK or an error
/// naming what failed.
fn pfselftest(ctx: &mut Ctx) {
    match selftest::run(&mut ctx.srv.rng) {
        Ok(()) => ctx.out.ok(),
        Err(msg) => ctx.error(&msg),
    }
}
