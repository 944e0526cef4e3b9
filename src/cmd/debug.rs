//! DEBUG, behind Redis 7.0's `enable-debug-command` gate: the subcommands tools and test
//! suites use. PANIC, RELOAD, SLEEP, OBJECT, SET-ACTIVE-EXPIRE, DIGEST, DIGEST-VALUE,
//! PROTOCOL, LISTPACK, QUICKLIST-PACKED-THRESHOLD, STRINGMATCH-TEST, CHANGE-REPL-ID, HELP.

use super::debug_digest as digest;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::{parse_f64, parse_i64};

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("debug", debug)];

/// Redis 7.0's refusal when `enable-debug-command` does not allow the caller.
const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// Redis 7.0.15's words for the subcommands we have.
const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "HELP",
    "    Prints this help.",
];

/// Whether a protected command's setting (`enable-debug-command`, `enable-module-command`)
/// lets the caller run it: `yes`, or `local` from a Unix socket or loopback (Redis's
/// `islocalClient`).
pub(super) fn protected_allowed(ctx: &mut Ctx, param: &str) -> bool {
    match ctx.srv.config.get(param).as_deref() {
        Some("yes") => true,
        Some("local") => ctx
            .client()
            .is_some_and(|c| c.info.unix || is_loopback(&c.info.addr)),
        _ => false,
    }
}

/// ```text
/// DEBUG PANIC
/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
/// DEBUG HELP
/// ```
fn debug(ctx: &mut Ctx) {
    if !protected_allowed(ctx, "enable-debug-command") {
        return ctx.error(NOT_ALLOWED);
    }
    let sub = ctx.arg(1).to_ascii_lowercase();
    let argc = ctx.argv.len();
    match (&sub[..], argc) {
        (b"panic", _) => {
            // What a bug in a handler does: see `crate::crash` for what follows.
            let now = ctx.now() / 1000;
            panic!("DEBUG PANIC called at Unix time {now}");
        }
        (b"reload", _) => reload(ctx),
        (b"help", 2) => ctx.out.help(HELP),
        (b"sleep", 3) => {
            // Blocks the executor, as Redis blocks its main thread: that is the point.
            let secs = parse_f64(ctx.arg(2)).unwrap_or(0.0);
            if secs.is_finite() && secs > 0.0 {
                std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1e9)));
            }
            ctx.out.ok();
        }
        (b"set-active-expire", 3) => {
            // Redis takes atoi: anything but a non-zero number turns it off.
            ctx.srv.active_expire = parse_i64(ctx.arg(2)).unwrap_or(0) != 0;
            ctx.out.ok();
        }
        (b"object", 3) => object(ctx),
        (b"digest", 2) => {
            let d = digest::dataset(ctx.srv);
            ctx.out.simple(&digest::hex(&d));
        }
        (b"digest-value", _) => {
            ctx.out.array(argc - 2);
            for i in 2..argc {
                let key = ctx.argv[i].clone();
                let mut d = [0u8; 20];
                // Logically expired keys too: a debug command looks at what is stored.
                if let Some(e) = ctx.db().stored(&key) {
                    digest::object(&mut d, e.value(), e.has_ttl());
                }
                ctx.out.simple(&digest::hex(&d));
            }
        }
        (b"protocol", 3) => protocol(ctx),
        (b"listpack", 3) => {
            let key = ctx.argv[2].clone();
            let now = ctx.now();
            let enc = ctx.db().enc;
            match ctx.db().peek(&key, now).map(|e| e.encoding(&enc)) {
                None => ctx.error(error::NO_SUCH_KEY),
                Some("listpack") => ctx.out.simple("Listpack structure printed on stdout"),
                Some(_) => ctx.error("ERR Not a listpack encoded object."),
            }
        }
        (b"quicklist-packed-threshold", 3) => {
            // Our lists have no packed/plain nodes: the size is checked as Redis checks it.
            let size = std::str::from_utf8(ctx.arg(2))
                .ok()
                .and_then(crate::config::values::memtoull);
            match size {
                Some(n) if n <= (1 << 32) - (1 << 20) => ctx.out.ok(),
                _ => ctx.error(
                    "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
                ),
            }
        }
        (b"stringmatch-test", 2) => {
            ctx.out
                .simple("Apparently Redis did not crash: test passed");
        }
        (b"change-repl-id", 2) => ctx.out.ok(),
        _ => {
            let msg = format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
                crate::error::sanitize(ctx.arg(1))
            );
            ctx.error(&msg);
        }
    }
}

/// DEBUG OBJECT: Redis's line, with the RDB length of the value and its access clock.
fn object(ctx: &mut Ctx) {
    let key = ctx.argv[2].clone();
    let now = ctx.now();
    let opts = crate::persist::file::Settings::of(ctx.srv).opts;
    let enc = ctx.db().enc;
    let Some(entry) = ctx.db().peek(&key, now) else {
        return ctx.error(error::NO_SUCH_KEY);
    };
    // A DUMP payload is the type byte, the value, 2 version bytes and an 8-byte checksum.
    let serialized = crate::persist::rdb::dump(entry.value(), &opts)
        .len()
        .saturating_sub(11);
    let lru = entry.lru();
    let idle = crate::db::lru::idle_ms(lru, now) / 1000;
    let encoding = entry.encoding(&enc);
    // A stable stand-in for the object's address: the entry's.
    let at = entry as *const _ as usize;
    let mut line = format!(
        "Value at:{at:#x} refcount:1 encoding:{encoding} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{idle}"
    );
    if let crate::db::ValueRef::List(l) = entry.value() {
        // Redis's node size counts a listpack's 7 bytes of header and end mark.
        let bytes: usize = l.nodes().map(|n| n.bytes() + 7).sum();
        let nodes = l.nodes().len();
        line.push_str(&format!(
            " ql_nodes:{nodes} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:0 ql_uncompressed_size:{bytes}",
            l.len() as f64 / nodes.max(1) as f64,
            l.fill()
        ));
    }
    ctx.out.simple(&line);
}

/// DEBUG PROTOCOL <type>: a sample of each reply type, as Redis 7.0 sends it.
fn protocol(ctx: &mut Ctx) {
    let name = ctx.arg(2).to_ascii_lowercase();
    let resp3 = ctx.out.resp3();
    let out = &mut ctx.out;
    match &name[..] {
        b"string" => out.bulk(b"Hello World"),
        b"integer" => out.int(12345),
        // Redis's literal test value, not an approximation of pi.
        #[allow(clippy::approx_constant)]
        b"double" => out.double(3.141),
        b"bignum" => {
            let n = "1234567999999999999999999999999999999";
            if resp3 {
                out.raw(format!("({n}\r\n").as_bytes());
            } else {
                out.bulk(n.as_bytes());
            }
        }
        b"null" => out.null(),
        b"array" => {
            out.array(3);
            (0..3).for_each(|j| out.int(j));
        }
        b"set" => {
            out.set(3);
            (0..3).for_each(|j| out.int(j));
        }
        b"map" => {
            out.map(3);
            for j in 0..3 {
                out.int(j);
                out.boolean(j == 1);
            }
        }
        b"attrib" => {
            if resp3 {
                out.raw(b"|1\r\n");
                out.bulk(b"key-popularity");
                out.array(2);
                out.bulk(b"key:123");
                out.int(90);
            }
            out.bulk(b"Some real reply following the attribute");
        }
        b"push" => {
            if !resp3 {
                return ctx.error("ERR RESP2 is not supported by this command");
            }
            out.push(2);
            out.bulk(b"server-cpu-usage");
            out.int(42);
            out.bulk(b"Some real reply following the push reply");
        }
        b"true" => out.boolean(true),
        b"false" => out.boolean(false),
        b"verbatim" => out.verbatim(b"This is a verbatim\nstring"),
        _ => ctx.error(
            "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
        ),
    }
}

/// DEBUG RELOAD: save, empty the keyspace, load the file back (Redis's test suite uses it
/// to check that every value survives the RDB format).
fn reload(ctx: &mut Ctx) {
    let (mut merge, mut flush, mut save) = (false, true, true);
    for opt in &ctx.argv[2..] {
        if opt.eq_ignore_ascii_case(b"merge") {
            merge = true;
        } else if opt.eq_ignore_ascii_case(b"noflush") {
            flush = false;
        } else if opt.eq_ignore_ascii_case(b"nosave") {
            save = false;
        } else {
            return ctx
                .error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        }
    }
    if ctx.srv.persist.bgsave.is_some() {
        crate::persist::snapshot::abort(ctx.srv);
    }
    if save && !crate::persist::save(ctx.srv) {
        return ctx.error("ERR");
    }
    if flush && !merge {
        for db in ctx.srv.dbs.iter_mut() {
            db.clear();
        }
        // Redis's emptyData takes the functions too: the file brings them back.
        ctx.srv.scripting.functions.flush();
    }
    match crate::persist::file::load(ctx.srv, merge) {
        Ok(()) => {
            tracing::info!("DB reloaded by DEBUG RELOAD");
            ctx.out.ok();
        }
        Err(e) => {
            tracing::warn!("{e}");
            ctx.error("ERR Error trying to load the RDB dump, check server logs.");
        }
    }
}

/// Whether an `ip:port` (or `[ip]:port`, or `ip6:port`) names a loopback address.
fn is_loopback(addr: &str) -> bool {
    if let Ok(a) = addr.parse::<std::net::SocketAddr>() {
        return a.ip().is_loopback();
    }
    addr.rsplit_once(':')
        .and_then(|(ip, _)| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_addresses() {
        assert!(super::is_loopback("127.0.0.1:6379"));
        assert!(super::is_loopback("127.3.2.1:1"));
        assert!(super::is_loopback("[::1]:6379"));
        assert!(super::is_loopback("::1:6379"));
        assert!(!super::is_loopback("10.0.0.1:6379"));
        assert!(!super::is_loopback("/tmp/muxis.sock:0"));
    }
}
