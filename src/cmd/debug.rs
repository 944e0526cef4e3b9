//! DEBUG: only what muxis needs so far, PANIC (the trigger that tests the crash path) and
//! HELP, behind Redis 7.0's `enable-debug-command` gate.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("debug", debug)];

/// Redis 7.0's refusal when `enable-debug-command` does not allow the caller.
const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "PANIC",
    "    Crash the server simulating a panic.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Available options:",
    "    * MERGE: Merge the content of the RDB instead of flushing the data first.",
    "    * NOFLUSH: Do not flush the RAM before loading the data.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "HELP",
    "    Print this help.",
];

/// ```text
/// DEBUG PANIC
/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
/// DEBUG HELP
/// ```
fn debug(ctx: &mut Ctx) {
    let allowed = match ctx.srv.config.get("enable-debug-command").as_deref() {
        Some("yes") => true,
        // "local": Unix-socket and loopback connections, as Redis's `islocalClient`.
        Some("local") => ctx
            .client()
            .is_some_and(|c| c.info.unix || is_loopback(&c.info.addr)),
        _ => false,
    };
    if !allowed {
        return ctx.error(NOT_ALLOWED);
    }
    let sub = ctx.arg(1);
    if sub.eq_ignore_ascii_case(b"panic") {
        // What a bug in a handler does: see `crate::crash` for what follows.
        let now = ctx.now() / 1000;
        panic!("DEBUG PANIC called at Unix time {now}");
    }
    if sub.eq_ignore_ascii_case(b"reload") {
        return reload(ctx);
    }
    if sub.eq_ignore_ascii_case(b"help") && ctx.argv.len() == 2 {
        ctx.out.array(HELP.len());
        for line in HELP {
            ctx.out.simple(line);
        }
        return;
    }
    let msg = format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
        crate::error::sanitize(sub)
    );
    ctx.error(&msg);
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
