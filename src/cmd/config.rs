//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the settings in `config.rs`.
//!
//! Each parameter has Redis's name, type and bounds here, so errors read as Redis 7.0's;
//! the value is then stored through `Config::set`, the one place that knows the fields.
//! A few parameters that clients read at start (redis-benchmark asks for `save` and
//! `appendonly`) are reported with fixed values: setting one to its current value is
//! accepted, any other value is refused as immutable.

use super::command::sub_arity;
use crate::config::{Config, parse_memory};
use crate::engine::ctx::Ctx;
use crate::engine::state::Server;
use crate::engine::table::Handler;
use crate::error;
use crate::util::glob::glob_match;
use crate::util::number::parse_i64;

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

/// How a value is checked before `Config::set` stores it, with Redis's bounds.
enum Kind {
    Int(i64, i64),
    Memory(u64, u64),
    Enum(&'static [&'static str]),
    Bool,
    Text,
}

/// Whether CONFIG SET may change a parameter.
#[derive(PartialEq)]
enum Access {
    Mutable,
    /// Fixed at start (port, threads...).
    Immutable,
    /// Not ours to change (no persistence, no eviction): only its current value is accepted.
    Fixed,
}

struct Param {
    name: &'static str,
    access: Access,
    kind: Kind,
    /// The value CONFIG GET shows.
    get: fn(&Server) -> String,
}

const INT_MAX: i64 = i32::MAX as i64;
const LONG_MAX: u64 = i64::MAX as u64;
const MB: u64 = 1024 * 1024;
const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning"];
const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

#[rustfmt::skip]
const PARAMS: &[Param] = &[
    Param { name: "bind", access: Access::Immutable, kind: Kind::Text, get: |s| s.config.bind.clone() },
    Param { name: "unixsocket", access: Access::Immutable, kind: Kind::Text, get: |s| s.config.unixsocket.as_ref().map(|p| p.display().to_string()).unwrap_or_default() },
    Param { name: "unixsocketperm", access: Access::Immutable, kind: Kind::Text, get: |s| format!("{:o}", s.config.unixsocketperm) },
    Param { name: "port", access: Access::Immutable, kind: Kind::Int(0, 65535), get: |s| s.addr.port().to_string() },
    Param { name: "io-threads", access: Access::Mutable, kind: Kind::Int(1, crate::shared::MAX_IO_THREADS as i64), get: |s| s.shared.active().to_string() },
    Param { name: "io-cpus", access: Access::Mutable, kind: Kind::Text, get: |s| cpu_list(s.config.io_cpus.as_deref()) },
    Param { name: "main-cpu", access: Access::Mutable, kind: Kind::Text, get: |s| s.config.main_cpu.map(|n| n.to_string()).unwrap_or_default() },
    Param { name: "maxclients", access: Access::Mutable, kind: Kind::Int(1, u32::MAX as i64), get: |s| s.config.maxclients.to_string() },
    Param { name: "databases", access: Access::Immutable, kind: Kind::Int(1, INT_MAX), get: |s| s.config.databases.to_string() },
    Param { name: "loglevel", access: Access::Mutable, kind: Kind::Enum(LOGLEVELS), get: |s| s.config.loglevel.clone() },
    Param { name: "proto-max-bulk-len", access: Access::Mutable, kind: Kind::Memory(MB, LONG_MAX), get: |s| s.config.proto_max_bulk_len.to_string() },
    Param { name: "client-query-buffer-limit", access: Access::Mutable, kind: Kind::Memory(MB, LONG_MAX), get: |s| s.config.client_query_buffer_limit.to_string() },
    Param { name: "client-output-buffer-limit", access: Access::Mutable, kind: Kind::Text, get: |s| s.config.output_limits_text() },
    Param { name: "tcp-backlog", access: Access::Immutable, kind: Kind::Int(0, INT_MAX), get: |s| s.config.tcp_backlog.to_string() },
    Param { name: "hz", access: Access::Mutable, kind: Kind::Int(0, INT_MAX), get: |s| s.config.hz.to_string() },
    Param { name: "engine", access: Access::Immutable, kind: Kind::Text, get: |s| if s.config.stub_engine { "stub".into() } else { "full".into() } },
    Param { name: "save", access: Access::Fixed, kind: Kind::Text, get: |_| String::new() },
    Param { name: "appendonly", access: Access::Fixed, kind: Kind::Bool, get: |_| "no".into() },
    Param { name: "maxmemory", access: Access::Fixed, kind: Kind::Memory(0, LONG_MAX), get: |_| "0".into() },
    Param { name: "maxmemory-policy", access: Access::Fixed, kind: Kind::Enum(POLICIES), get: |_| "noeviction".into() },
    Param { name: "timeout", access: Access::Fixed, kind: Kind::Int(0, INT_MAX), get: |_| "0".into() },
    Param { name: "tcp-keepalive", access: Access::Fixed, kind: Kind::Int(0, INT_MAX), get: |_| "300".into() },
    Param { name: "io-threads-do-reads", access: Access::Fixed, kind: Kind::Bool, get: |_| "yes".into() },
];

/// `0-3,8` style back from a CPU list (kept simple: one number per CPU).
fn cpu_list(cpus: Option<&[usize]>) -> String {
    cpus.unwrap_or_default()
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn lookup(name: &[u8]) -> Option<usize> {
    PARAMS
        .iter()
        .position(|p| name.eq_ignore_ascii_case(p.name.as_bytes()))
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

/// ```text
/// CONFIG GET parameter [parameter ...]
/// ```
///
/// A plain name is echoed as given (Redis does so); a glob matches names case-insensitively.
/// Each parameter appears once however many patterns match it.
fn get(ctx: &mut Ctx) {
    let mut found: Vec<(String, usize)> = Vec::new();
    for pattern in &ctx.argv[2..] {
        if !pattern.iter().any(|b| matches!(b, b'[' | b'*' | b'?')) {
            if let Some(i) = lookup(pattern)
                && !found.iter().any(|&(_, j)| j == i)
            {
                found.push((String::from_utf8_lossy(pattern).into_owned(), i));
            }
            continue;
        }
        for (i, p) in PARAMS.iter().enumerate() {
            if !found.iter().any(|&(_, j)| j == i) && glob_match(pattern, p.name.as_bytes(), true) {
                found.push((p.name.to_string(), i));
            }
        }
    }
    ctx.out.map(found.len());
    for (name, i) in found {
        ctx.out.bulk(name.as_bytes());
        ctx.out.bulk((PARAMS[i].get)(ctx.srv).as_bytes());
    }
}

/// ```text
/// CONFIG SET parameter value [parameter value ...]
/// ```
///
/// All or nothing: every name is checked first, then every value is applied to a copy of
/// the settings, which replaces the live ones only if all succeeded.
fn set(ctx: &mut Ctx) {
    if ctx.argv.len() % 2 == 1 {
        return ctx.error(error::SYNTAX);
    }
    let pairs: Vec<(&[u8], &[u8])> = ctx.argv[2..]
        .chunks_exact(2)
        .map(|p| (&p[0][..], &p[1][..]))
        .collect();
    let mut unknown: Option<&[u8]> = None;
    let mut refused: Option<(&[u8], &str)> = None;
    let mut chosen: Vec<(usize, &[u8])> = Vec::with_capacity(pairs.len());
    for &(name, value) in &pairs {
        let Some(i) = lookup(name) else {
            if refused.is_none() && unknown.is_none() {
                unknown = Some(name);
            }
            continue;
        };
        if unknown.is_some() || refused.is_some() {
            continue;
        }
        let p = &PARAMS[i];
        let fixed_changed = p.access == Access::Fixed && !same_value(p, value, ctx.srv);
        if p.access == Access::Immutable || fixed_changed {
            refused = Some((name, "can't set immutable config"));
        } else if chosen.iter().any(|&(j, _)| j == i) {
            refused = Some((name, "duplicate parameter"));
        } else {
            chosen.push((i, value));
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
    let mut next = ctx.srv.config.clone();
    for (i, value) in chosen {
        let p = &PARAMS[i];
        if p.access == Access::Fixed {
            continue; // same value as now: nothing to store
        }
        if let Err(why) = apply(&mut next, p, value) {
            return ctx.error(&set_failed(p.name, &why));
        }
    }
    if let Err((name, why)) = threads_change(ctx.srv, &next) {
        return ctx.error(&set_failed(name, &why));
    }
    ctx.srv.shared.limits.store(&next);
    ctx.srv.config = next;
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

/// Checks `value` as Redis would for `p`, then stores it through `Config::set`.
fn apply(cfg: &mut Config, p: &Param, value: &[u8]) -> Result<(), String> {
    let text =
        std::str::from_utf8(value).map_err(|_| "argument must be valid UTF-8".to_string())?;
    let text = match p.kind {
        Kind::Int(min, max) => {
            let n = parse_i64(value).ok_or("argument couldn't be parsed into an integer")?;
            if n < min || n > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            // Redis accepts any hz and clamps it to what the timer can do.
            if p.name == "hz" {
                n.clamp(1, 500).to_string()
            } else {
                n.to_string()
            }
        }
        Kind::Memory(min, max) => {
            let n = parse_memory(text, 0).map_err(|_| "argument must be a memory value")?;
            if n < min || n > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            n.to_string()
        }
        Kind::Enum(names) => {
            let v = text.to_ascii_lowercase();
            if !names.contains(&v.as_str()) {
                return Err(format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                ));
            }
            v
        }
        Kind::Bool | Kind::Text => text.to_string(),
    };
    cfg.set(p.name, &text)
}

/// Whether `value` says the same as a fixed parameter's current value.
fn same_value(p: &Param, value: &[u8], srv: &Server) -> bool {
    let current = (p.get)(srv);
    match p.kind {
        Kind::Int(..) => parse_i64(value).is_some_and(|n| n.to_string() == current),
        Kind::Memory(..) => std::str::from_utf8(value)
            .ok()
            .and_then(|v| parse_memory(v, 0).ok())
            .is_some_and(|n| n.to_string() == current),
        Kind::Enum(_) | Kind::Bool => value.eq_ignore_ascii_case(current.as_bytes()),
        Kind::Text => value == current.as_bytes(),
    }
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
    ctx.out.ok();
}

/// ```text
/// CONFIG REWRITE
/// ```
fn rewrite(ctx: &mut Ctx) {
    if ctx.srv.config.config_file.is_none() {
        return ctx.error("ERR The server is running without a config file");
    }
    // Rewriting would have to keep the user's comments and layout, as Redis does; until
    // then, say so rather than lose them.
    ctx.error("ERR Rewriting config file: not supported by this server");
}

/// ```text
/// CONFIG HELP
/// ```
fn help(ctx: &mut Ctx) {
    ctx.out.help(HELP);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_with_redis_words() {
        let mut c = Config::default();
        let p = &PARAMS[lookup(b"maxclients").unwrap_or(0)];
        assert_eq!(
            apply(&mut c, p, b"abc"),
            Err("argument couldn't be parsed into an integer".into())
        );
        assert_eq!(
            apply(&mut c, p, b"0"),
            Err("argument must be between 1 and 4294967295 inclusive".into())
        );
        assert_eq!(apply(&mut c, p, b"77"), Ok(()));
        assert_eq!(c.maxclients, 77);
        let p = &PARAMS[lookup(b"HZ").unwrap_or(0)];
        assert_eq!(apply(&mut c, p, b"100000"), Ok(()));
        assert_eq!(c.hz, 500);
        let p = &PARAMS[lookup(b"proto-max-bulk-len").unwrap_or(0)];
        assert_eq!(
            apply(&mut c, p, b"-1"),
            Err("argument must be a memory value".into())
        );
        assert_eq!(apply(&mut c, p, b"2mb"), Ok(()));
        assert_eq!(c.proto_max_bulk_len, 2 * MB);
    }

    #[test]
    fn fixed_values_compare_by_meaning() {
        let shared = crate::shared::Shared::new(1, &Config::default());
        let c = Server::new(Config::default(), ([127, 0, 0, 1], 6379).into(), shared);
        let p = &PARAMS[lookup(b"maxmemory").unwrap_or(0)];
        assert!(same_value(p, b"0", &c));
        assert!(same_value(p, b"0mb", &c));
        assert!(!same_value(p, b"1gb", &c));
        let p = &PARAMS[lookup(b"appendonly").unwrap_or(0)];
        assert!(same_value(p, b"NO", &c));
        assert!(!same_value(p, b"yes", &c));
    }
}
