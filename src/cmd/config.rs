//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the parameter table in
//! `config/params.rs`, which knows every name, type, bound and flag; values are parsed by
//! the same code that reads config files, so errors read as Redis 7.0's.

use super::command::sub_arity;
use crate::config::Config;
use crate::config::params::{self, Found, PARAMS, flag};
use crate::config::values;
use crate::engine::ctx::Ctx;
use crate::engine::state::Server;
use crate::engine::table::Handler;
use crate::error;
use crate::util::glob::glob_match;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("config", config)];

const HELP: &[&str] = &[
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
];

/// Whether protected parameters (`dir`, `dbfilename`) may be set: Redis's
/// `enable-protected-configs` (`local` is taken as yes: muxis serves local clients).
fn protected_allowed(srv: &Server) -> bool {
    srv.config
        .get("enable-protected-configs")
        .is_some_and(|v| v != "no")
}

/// ```text
/// CONFIG <GET | SET | RESETSTAT | REWRITE | HELP> ...
/// ```
fn config(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "config") else {
        return;
    };
    match sub {
        "get" => get(ctx),
        "set" => set(ctx),
        "resetstat" => resetstat(ctx),
        "rewrite" => rewrite(ctx),
        _ => help(ctx),
    }
}

/// The value CONFIG GET shows for a parameter: the live port and I/O thread count where
/// they differ from the settings (port 0 asks for a free one; io-threads moves gradually).
fn shown(srv: &Server, i: usize) -> String {
    match PARAMS[i].name {
        "port" => srv.addr.port().to_string(),
        "io-threads" => srv.shared.active().to_string(),
        _ => values::show(PARAMS[i].kind, &srv.config.val(i)),
    }
}

/// ```text
/// CONFIG GET parameter [parameter ...]
/// ```
///
/// A plain name is echoed as given (Redis does so); a glob matches names and aliases
/// case-insensitively, hidden parameters excepted. Each name appears once however many
/// patterns match it.
fn get(ctx: &mut Ctx) {
    let mut found: Vec<(String, usize)> = Vec::new();
    let seen = |found: &mut Vec<(String, usize)>, name: &str, i: usize| {
        if !found.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            found.push((name.to_string(), i));
        }
    };
    for pattern in &ctx.argv[2..] {
        if !pattern.iter().any(|b| matches!(b, b'[' | b'*' | b'?')) {
            if let Some(f) = params::lookup(pattern) {
                seen(&mut found, &String::from_utf8_lossy(pattern), f.index);
            }
            continue;
        }
        for (i, p) in PARAMS.iter().enumerate() {
            if p.has(flag::HIDDEN) {
                continue;
            }
            for name in std::iter::once(p.name).chain(p.alias) {
                if glob_match(pattern, name.as_bytes(), true) {
                    seen(&mut found, name, i);
                }
            }
        }
    }
    ctx.out.map(found.len());
    for (name, i) in found {
        ctx.out.bulk(name.as_bytes());
        ctx.out.bulk(shown(ctx.srv, i).as_bytes());
    }
}

/// ```text
/// CONFIG SET parameter value [parameter value ...]
/// ```
///
/// All or nothing, as in Redis: every name is checked first (unknown, immutable,
/// protected, duplicate), then every value is parsed into a copy of the settings, which
/// replaces the live ones only if all succeeded.
fn set(ctx: &mut Ctx) {
    if ctx.argv.len() % 2 == 1 {
        return ctx.error(error::SYNTAX);
    }
    let mut unknown: Option<&[u8]> = None;
    let mut refused: Option<(&[u8], &str)> = None;
    let mut chosen: Vec<(Found, &[u8], &[u8])> = Vec::new();
    for pair in ctx.argv[2..].chunks_exact(2) {
        let (name, value) = (&pair[0][..], &pair[1][..]);
        let Some(f) = params::lookup(name) else {
            if refused.is_none() && unknown.is_none() {
                unknown = Some(name);
            }
            continue;
        };
        if unknown.is_some() || refused.is_some() {
            continue;
        }
        let p = &PARAMS[f.index];
        if p.has(flag::IMMUTABLE) {
            refused = Some((name, "can't set immutable config"));
        } else if p.has(flag::PROTECTED) && !protected_allowed(ctx.srv) {
            refused = Some((name, "can't set protected config"));
        } else if chosen.iter().any(|(g, _, _)| *g == f) {
            // Like Redis, a name and its alias are two entries: no duplicate.
            refused = Some((name, "duplicate parameter"));
        } else {
            chosen.push((f, name, value));
        }
    }
    if let Some(name) = unknown {
        let msg = format!(
            "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
            error::sanitize(name)
        );
        return ctx.error(&msg);
    }
    if let Some((name, why)) = refused {
        return ctx.error(&set_failed(&String::from_utf8_lossy(name), why));
    }
    // In argument order: a failed TLS change names the first TLS parameter given.
    let names: Vec<&'static str> = chosen.iter().map(|(f, _, _)| f.name()).collect();
    let mut next = ctx.srv.config.clone();
    for (f, name, value) in chosen {
        let p = &PARAMS[f.index];
        let value = String::from_utf8_lossy(value);
        let parsed = next
            .parse_val(f.index, &params::words(p, &value))
            .map_err(|why| (f.name().to_string(), why))
            .and_then(|v| {
                // Set at start only in muxis: the current value is accepted, as a no-op.
                // Refused like an immutable one, named as given.
                if p.has(flag::STARTUP) && v != next.val(f.index) {
                    let name = String::from_utf8_lossy(name).into_owned();
                    Err((name, "can't set immutable config".to_string()))
                } else {
                    Ok(v)
                }
            });
        match parsed {
            Ok(v) => next.set_val(f.index, v),
            Err((name, why)) => return ctx.error(&set_failed(&name, &why)),
        }
    }
    if let Err((name, why)) = threads_change(ctx.srv, &next) {
        return ctx.error(&set_failed(name, &why));
    }
    if let Err((name, why)) = crate::persist::aof::configure(ctx.srv, &next) {
        return ctx.error(&set_failed(name, &why));
    }
    let tls = &ctx.srv.shared.tls;
    if let Err((name, why)) =
        crate::net::tls_config::reconfigure(tls, &ctx.srv.config, &next, &names)
    {
        return ctx.error(&set_failed(name, &why));
    }
    ctx.srv.shared.limits.store(&next);
    if next.enc != ctx.srv.config.enc {
        for db in ctx.srv.dbs.iter_mut() {
            db.enc = next.enc;
        }
    }
    if next.loglevel != ctx.srv.config.loglevel {
        crate::log::set_level(&next);
    }
    let old_policy = ctx.srv.config.mem.policy;
    let old_pass = ctx.srv.config.get("requirepass");
    ctx.srv.config = next;
    let pass = ctx.srv.config.get("requirepass");
    if pass != old_pass {
        ctx.srv.set_requirepass(&pass.unwrap_or_default());
    }
    ctx.srv.apply_acl_config();
    ctx.srv.apply_notify_config();
    ctx.srv.apply_tracking_config();
    ctx.srv.apply_memory_config(old_policy);
    // A lower maxmemory takes effect at once, as Redis's CONFIG SET maxmemory.
    if ctx.srv.config.mem.maxmemory > 0 {
        ctx.srv.perform_evictions();
    }
    ctx.out.ok();
}

/// Checks a change of io-threads or pinning and asks the executor to apply it after this
/// command: threads are started, retired or re-pinned between rounds, never mid-command.
fn threads_change(srv: &mut Server, next: &Config) -> Result<(), (&'static str, String)> {
    let cur = &srv.config;
    if next.io_threads != srv.shared.active() {
        if srv.resizing {
            return Err((
                "io-threads",
                "a previous change is still moving connections".into(),
            ));
        }
        srv.resize_request = Some(next.io_threads);
    }
    if next.io_cpus != cur.io_cpus || next.main_cpu != cur.main_cpu {
        let available = crate::pin::available();
        let wanted = next.io_cpus.iter().flatten().chain(next.main_cpu.iter());
        for cpu in wanted {
            if !available.contains(cpu) {
                let name = if next.main_cpu == Some(*cpu) {
                    "main-cpu"
                } else {
                    "io-cpus"
                };
                return Err((name, format!("CPU {cpu} is not available")));
            }
        }
        srv.repin_request = true;
    }
    Ok(())
}

fn set_failed(name: &str, why: &str) -> String {
    format!(
        "ERR CONFIG SET failed (possibly related to argument '{}') - {why}",
        error::sanitize(name.as_bytes())
    )
}

/// ```text
/// CONFIG RESETSTAT
/// ```
fn resetstat(ctx: &mut Ctx) {
    ctx.srv.stats.reset();
    ctx.srv.shared.reset_stats();
    for db in ctx.srv.dbs.iter_mut() {
        db.expired = 0;
    }
    ctx.srv.evict_stats.evicted_keys = 0;
    ctx.srv.evict_stats.exceeded_total = std::time::Duration::ZERO;
    ctx.srv.lazy.reset_stats();
    ctx.out.ok();
}

/// ```text
/// CONFIG REWRITE
/// ```
///
/// Rewrites the config file the server was started with, keeping its comments and order
/// (see `config/file.rs`).
fn rewrite(ctx: &mut Ctx) {
    let Some(path) = ctx.srv.config.config_file.clone() else {
        return ctx.error("ERR The server is running without a config file");
    };
    let users: Option<Vec<String>> = match ctx.srv.config.get("aclfile") {
        Some(f) if !f.is_empty() => None,
        _ => Some(
            ctx.srv
                .acl
                .users()
                .map(|u| format!("user {} {}", String::from_utf8_lossy(&u.name), u.describe()))
                .collect(),
        ),
    };
    match crate::config::file::rewrite(&path, &ctx.srv.config, users.as_deref()) {
        Ok(()) => {
            tracing::info!("CONFIG REWRITE executed with success.");
            ctx.out.ok();
        }
        Err(e) => {
            tracing::warn!("CONFIG REWRITE failed: {e}");
            ctx.error(&format!("ERR Rewriting config file: {e}"));
        }
    }
}

/// ```text
/// CONFIG HELP
/// ```
fn help(ctx: &mut Ctx) {
    ctx.out.help(HELP);
}

#[cfg(test)]
mod tests {
    use crate::cmd::keys::tests::T;

    #[test]
    fn set_checks_values_in_redis_words_and_applies_them() {
        let mut t = T::new();
        assert_eq!(
            t.run(&["CONFIG", "SET", "maxclients", "abc"]),
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n"
        );
        assert_eq!(
            t.run(&["CONFIG", "SET", "hz", "100000", "maxclients", "77"]),
            "+OK\r\n"
        );
        assert_eq!((t.srv.config.hz, t.srv.config.maxclients), (500, 77));
        assert_eq!(
            t.run(&["CONFIG", "SET", "set-max-intset-entries", "3"]),
            "+OK\r\n"
        );
        assert_eq!(t.srv.dbs[0].enc.set_intset_entries, 3);
    }
}
