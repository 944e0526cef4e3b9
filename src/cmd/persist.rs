//! Persistence commands: SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE.
//!
//! The work is in `persist/`; these handlers parse, call, and reply in Redis's words.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::persist::{self, file, rdb, snapshot};
use crate::util::number::parse_i64;
use bytes::Bytes;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("save", save),
    ("bgsave", bgsave),
    ("lastsave", lastsave),
    ("dump", dump),
    ("restore", restore),
    // Cluster slot migration's form: the same command with the ASKING flag.
    ("restore-asking", restore),
];

const BGSAVE_RUNNING: &str = "ERR Background save already in progress";
const BUSYKEY: &str = "BUSYKEY Target key name already exists.";
const BAD_PAYLOAD: &str = "ERR DUMP payload version or checksum are wrong";
const BAD_FORMAT: &str = "ERR Bad data format";

/// ```text
/// SAVE
/// ```
fn save(ctx: &mut Ctx) {
    if snapshot::rdb_running(ctx.srv) {
        return ctx.error(BGSAVE_RUNNING);
    }
    if persist::save(ctx.srv) {
        ctx.out.ok();
    } else {
        ctx.error("ERR");
    }
}

/// ```text
/// BGSAVE [SCHEDULE]
/// ```
fn bgsave(ctx: &mut Ctx) {
    let schedule = match ctx.argv.len() {
        1 => false,
        2 if ctx.arg(1).eq_ignore_ascii_case(b"schedule") => true,
        _ => return ctx.error(error::SYNTAX),
    };
    if snapshot::rdb_running(ctx.srv) {
        return ctx.error(BGSAVE_RUNNING);
    }
    // While an AOF rewrite runs (Redis's other child), or inside MULTI (or a script),
    // Redis only schedules it, for the timer to start.
    let other = persist::aof_rewriting(ctx.srv);
    if other || !ctx.may_block() {
        if schedule || !ctx.may_block() {
            ctx.srv.persist.scheduled = true;
            return ctx.out.simple("Background saving scheduled");
        }
        return ctx.error(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        );
    }
    match snapshot::start(ctx.srv) {
        Ok(()) => ctx.out.simple("Background saving started"),
        Err(e) => ctx.error(e),
    }
}

/// ```text
/// LASTSAVE
/// ```
fn lastsave(ctx: &mut Ctx) {
    let t = ctx.srv.persist.lastsave;
    ctx.out.int(t as i64);
}

/// ```text
/// DUMP key
/// ```
fn dump(ctx: &mut Ctx) {
    let opts = file::Settings::of(ctx.srv).opts;
    let key = ctx.argv[1].clone();
    match super::read_value(ctx.srv, ctx.db, &key) {
        Some(v) => {
            let payload = rdb::dump(v, &opts);
            ctx.out.bulk(&payload);
        }
        None => ctx.out.null(),
    }
}

/// ```text
/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
/// ```
fn restore(ctx: &mut Ctx) {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<u64>, Option<u8>) = (None, None);
    let mut j = 4;
    while j < ctx.argv.len() {
        let more = ctx.argv.len() - j - 1;
        let a = ctx.arg(j);
        if a.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if a.eq_ignore_ascii_case(b"absttl") {
            absttl = true;
        } else if a.eq_ignore_ascii_case(b"idletime") && more >= 1 && freq.is_none() {
            let Some(n) = parse_i64(ctx.arg(j + 1)) else {
                return ctx.error(error::NOT_INTEGER);
            };
            if n < 0 {
                return ctx.error("ERR Invalid IDLETIME value, must be >= 0");
            }
            idle = Some(n as u64);
            j += 1;
        } else if a.eq_ignore_ascii_case(b"freq") && more >= 1 && idle.is_none() {
            let Some(n) = parse_i64(ctx.arg(j + 1)) else {
                return ctx.error(error::NOT_INTEGER);
            };
            if !(0..=255).contains(&n) {
                return ctx.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
            }
            freq = Some(n as u8);
            j += 1;
        } else {
            return ctx.error(error::SYNTAX);
        }
        j += 1;
    }
    let now = ctx.now();
    let key = ctx.argv[1].clone();
    if !replace && ctx.db().contains(&key, now) {
        return ctx.error(BUSYKEY);
    }
    let Some(ttl) = parse_i64(ctx.arg(2)) else {
        return ctx.error(error::NOT_INTEGER);
    };
    if ttl < 0 {
        return ctx.error("ERR Invalid TTL value, must be >= 0");
    }
    let enc = ctx.srv.config.enc;
    let value = match rdb::restore_value(ctx.arg(3), &enc) {
        Ok(v) => v,
        Err(rdb::BadPayload::Checksum) => return ctx.error(BAD_PAYLOAD),
        Err(rdb::BadPayload::Format) => return ctx.error(BAD_FORMAT),
    };
    let deleted = replace && {
        let lazy = ctx.srv.config.mem.lazy_server_del;
        match ctx.db().delete(&key, now) {
            Some(e) => {
                ctx.db().drop_entry(e, lazy);
                true
            }
            None => false,
        }
    };
    let at = match (ttl, absttl) {
        (0, _) => None,
        (t, true) => Some(t as u64),
        (t, false) => Some((now as i64).saturating_add(t) as u64),
    };
    if let Some(at) = at
        && at <= now
    {
        // Already expired: the key is gone (propagated as its deletion), nothing is made.
        if deleted {
            ctx.modified(&key);
            if ctx.propagating() {
                let del = if ctx.srv.config.mem.lazy_server_del {
                    "UNLINK"
                } else {
                    "DEL"
                };
                ctx.rewrite(vec![Bytes::from_static(del.as_bytes()), key.clone()]);
            }
        }
        return ctx.out.ok();
    }
    let lru = file::record_of(ctx.srv.config.mem.track(), now, idle, freq);
    ctx.db().load(key.clone(), value, at, lru);
    if let Some(at) = at
        && !absttl
        && ctx.propagating()
    {
        // A relative TTL propagates as the absolute time it came to.
        let mut argv = ctx.argv.to_vec();
        argv[2] = Bytes::from(at.to_string());
        argv.push(Bytes::from_static(b"ABSTTL"));
        ctx.rewrite(argv);
    }
    ctx.modified(&key);
    ctx.signal_ready(&key);
    ctx.out.ok();
}
