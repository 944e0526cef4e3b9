//! The one table of parameters: every directive of Redis 7.0's redis.conf (name, alias,
//! type with Redis's bounds, flags, default) plus muxis's own, and where each value lives.
//!
//! A parameter muxis implements is a field of [`Config`] that the server reads; the others
//! are kept as given (`Slot::Stored`) so that CONFIG GET/SET and CONFIG REWRITE behave as
//! in Redis. Those that would mislead if accepted (persistence, replication, cluster,
//! passwords: a feature muxis lacks, where pretending could lose data or expose it) accept
//! only their default value (`UNSUPPORTED`).

use super::Config;
use super::values::*;

/// Redis's flags, and muxis's.
pub mod flag {
    /// Only at start (Redis's `IMMUTABLE_CONFIG`).
    pub const IMMUTABLE: u8 = 1;
    /// CONFIG SET only with `enable-protected-configs` (Redis's `PROTECTED_CONFIG`).
    pub const PROTECTED: u8 = 1 << 1;
    /// A secret (Redis's `SENSITIVE_CONFIG`).
    pub const SENSITIVE: u8 = 1 << 2;
    /// Left out of CONFIG GET globs (Redis's `HIDDEN_CONFIG`).
    pub const HIDDEN: u8 = 1 << 3;
    /// Takes several arguments (Redis's `MULTI_ARG_CONFIG`).
    pub const MULTI: u8 = 1 << 4;
    /// A feature muxis does not have: only the default value is accepted.
    pub const UNSUPPORTED: u8 = 1 << 5;
    /// Changeable at runtime in Redis, only at start in muxis (CONFIG SET takes the
    /// current value only).
    pub const STARTUP: u8 = 1 << 6;
    /// muxis's own, not Redis's.
    pub const MUXIS: u8 = 1 << 7;
}
use flag::*;

/// Where a value lives.
#[derive(Clone, Copy)]
pub enum Slot {
    /// A [`Config`] field the server reads.
    Field(fn(&Config) -> Val, fn(&mut Config, Val)),
    /// Kept in `Config::stored` only: accepted and reported, without effect.
    Stored,
}

/// One parameter.
pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub flags: u8,
    pub kind: Kind,
    /// The default, as a config file would give it.
    pub default: &'static str,
    pub slot: Slot,
}

impl Param {
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// Whether the value is stored but has no effect in muxis.
    pub fn stored_only(&self) -> bool {
        matches!(self.slot, Slot::Stored)
    }
}

const BOOL: Kind = Kind::Bool;
const STR: Kind = Kind::Str(StrCheck::Any);
const fn int(min: i128, max: i128) -> Kind {
    Kind::Num {
        min,
        max,
        fmt: Fmt::Int,
    }
}
const fn mem(min: i128, max: i128) -> Kind {
    Kind::Num {
        min,
        max,
        fmt: Fmt::Memory,
    }
}
const fn special(s: Special) -> Kind {
    Kind::Special(s)
}

macro_rules! p {
    ($name:expr, $alias:expr, $flags:expr, $kind:expr, $default:expr) => {
        p!($name, $alias, $flags, $kind, $default, Slot::Stored)
    };
    ($name:expr, $alias:expr, $flags:expr, $kind:expr, $default:expr, $slot:expr) => {
        Param {
            name: $name,
            alias: $alias,
            flags: $flags,
            kind: $kind,
            default: $default,
            slot: $slot,
        }
    };
}

/// A numeric field.
macro_rules! num {
    ($($f:ident).+ : $t:ty) => {
        Slot::Field(
            |c| Val::Int(c.$($f).+ as i128),
            |c, v| {
                if let Val::Int(n) = v {
                    c.$($f).+ = n as $t;
                }
            },
        )
    };
}

/// A yes/no field.
macro_rules! flag {
    ($($f:ident).+) => {
        Slot::Field(
            |c| Val::Bool(c.$($f).+),
            |c, v| {
                if let Val::Bool(b) = v {
                    c.$($f).+ = b;
                }
            },
        )
    };
}

/// A text field.
macro_rules! text {
    ($f:ident) => {
        Slot::Field(
            |c| Val::Text(c.$f.clone()),
            |c, v| {
                if let Val::Text(t) = v {
                    c.$f = t;
                }
            },
        )
    };
}

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
const FACILITIES: &[&str] = &[
    "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];
const SUPERVISED: &[&str] = &["upstart", "systemd", "auto", "no"];
const FSYNC: &[&str] = &["everysec", "always", "no"];
const DISKLESS_LOAD: &[&str] = &["disabled", "on-empty-db", "swapdb"];
const TLS_AUTH: &[&str] = &["no", "yes", "optional"];
const OOM_ADJ: &[&str] = &["no", "yes", "relative", "absolute"];
const PUBSUB_DEFAULT: &[&str] = &["allchannels", "resetchannels"];
const SANITIZE: &[&str] = &["no", "yes", "clients"];
const PROTECTED_ACTION: &[&str] = &["no", "yes", "local"];
const ENDPOINT: &[&str] = &["ip", "hostname", "unknown-endpoint"];
const PROPAGATION: &[&str] = &["ignore", "panic", "panic-on-replicas"];
const ENGINES: &[&str] = &["full", "stub"];

const COB_DEFAULT: &str = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

#[rustfmt::skip]
pub static PARAMS: &[Param] = &[
    // What muxis implements.
    p!("bind", None, MULTI | STARTUP, special(Special::Words), "127.0.0.1", text!(bind)),
    p!("port", None, STARTUP, int(0, 65535), "6379", num!(port: u16)),
    p!("tcp-backlog", None, IMMUTABLE, int(0, INT_MAX), "511", num!(tcp_backlog: u32)),
    p!("unixsocket", None, IMMUTABLE, STR, "", Slot::Field(
        |c| Val::Text(c.unixsocket.as_ref().map(|p| p.display().to_string()).unwrap_or_default()),
        |c, v| if let Val::Text(t) = v { c.unixsocket = (!t.is_empty()).then(|| t.into()); },
    )),
    p!("unixsocketperm", None, IMMUTABLE, Kind::Num { min: 0, max: 0o777, fmt: Fmt::Octal }, "0", num!(unixsocketperm: u32)),
    p!("io-threads", None, 0, int(1, crate::shared::MAX_IO_THREADS as i128), "1", num!(io_threads: usize)),
    p!("maxclients", None, 0, int(1, UINT_MAX), "10000", num!(maxclients: usize)),
    p!("databases", None, IMMUTABLE, int(1, INT_MAX), "16", num!(databases: usize)),
    p!("loglevel", None, 0, Kind::Enum(LOGLEVELS), "notice", text!(loglevel)),
    p!("proto-max-bulk-len", None, 0, mem(1024 * 1024, LONG_MAX), "536870912", num!(proto_max_bulk_len: u64)),
    p!("timeout", None, 0, int(0, INT_MAX), "0", num!(timeout: u64)),
    p!("tcp-keepalive", None, 0, int(0, INT_MAX), "300", num!(tcp_keepalive: u32)),
    p!("protected-mode", None, 0, BOOL, "yes", flag!(protected_mode)),
    p!("client-query-buffer-limit", None, 0, mem(1024 * 1024, LONG_MAX), "1073741824", num!(client_query_buffer_limit: u64)),
    p!("client-output-buffer-limit", None, MULTI, special(Special::OutputLimits), COB_DEFAULT, Slot::Field(
        |c| Val::Limits(c.output_limits),
        |c, v| if let Val::Limits(l) = v { c.output_limits = l; },
    )),
    // Redis accepts any hz and caps it to 1..=500 (CONFIG GET shows the capped value).
    p!("hz", None, 0, int(0, INT_MAX), "10", Slot::Field(
        |c| Val::Int(c.hz as i128),
        |c, v| if let Val::Int(n) = v { c.hz = n.clamp(1, 500) as u32; },
    )),
    p!("daemonize", None, IMMUTABLE, BOOL, "no", Slot::Field(
        |c| Val::Bool(c.daemonize),
        |c, v| if let Val::Bool(b) = v { c.daemonize = b; },
    )),
    p!("pidfile", None, IMMUTABLE, STR, "", text!(pidfile)),
    p!("logfile", None, IMMUTABLE, STR, "", text!(logfile)),
    p!("dir", None, PROTECTED, special(Special::Dir), "", Slot::Field(
        |_| Val::Text(std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default()),
        // Checked by the parser; Redis changes directory at once, so does muxis.
        |_, v| if let Val::Text(d) = v { let _ = std::env::set_current_dir(d); },
    )),
    p!("hash-max-listpack-entries", Some("hash-max-ziplist-entries"), 0, int(0, LONG_MAX), "512", num!(enc.hash_entries: usize)),
    p!("hash-max-listpack-value", Some("hash-max-ziplist-value"), 0, mem(0, LONG_MAX), "64", num!(enc.hash_value: usize)),
    p!("set-max-intset-entries", None, 0, int(0, LONG_MAX), "512", num!(enc.set_intset_entries: usize)),
    p!("zset-max-listpack-entries", Some("zset-max-ziplist-entries"), 0, int(0, LONG_MAX), "128", num!(enc.zset_entries: usize)),
    p!("zset-max-listpack-value", Some("zset-max-ziplist-value"), 0, mem(0, LONG_MAX), "64", num!(enc.zset_value: usize)),
    p!("stream-node-max-bytes", None, 0, mem(0, LONG_MAX), "4096", num!(enc.stream_node_bytes: usize)),
    p!("stream-node-max-entries", None, 0, int(0, LONG_MAX), "100", num!(enc.stream_node_entries: u64)),
    // Lists are always a quicklist in Redis 7.0; this bounds its nodes.
    p!("list-max-listpack-size", Some("list-max-ziplist-size"), 0, int(INT_MIN, INT_MAX), "-2", num!(enc.list_fill: i32)),
    p!("list-compress-depth", None, 0, int(0, INT_MAX), "0"),
    // Memory limits (see engine/evict.rs).
    p!("maxmemory", None, 0, mem(0, ULLONG_MAX), "0", num!(mem.maxmemory: u64)),
    p!("maxmemory-policy", None, 0, Kind::Enum(POLICIES), "noeviction", Slot::Field(
        |c| Val::Text(POLICIES.iter().find(|p| crate::db::Policy::from_name(p) == c.mem.policy).unwrap_or(&"noeviction").to_string()),
        |c, v| if let Val::Text(t) = v { c.mem.policy = crate::db::Policy::from_name(&t); },
    )),
    p!("maxmemory-samples", None, 0, int(1, INT_MAX), "5", num!(mem.samples: u32)),
    p!("maxmemory-eviction-tenacity", None, 0, int(0, 100), "10", num!(mem.tenacity: u32)),
    p!("lfu-log-factor", None, 0, int(0, INT_MAX), "10", num!(mem.lfu_log_factor: u32)),
    p!("lfu-decay-time", None, 0, int(0, INT_MAX), "1", num!(mem.lfu_decay_time: u32)),
    p!("lazyfree-lazy-eviction", None, 0, BOOL, "no", flag!(mem.lazy_eviction)),
    p!("lazyfree-lazy-expire", None, 0, BOOL, "no", flag!(mem.lazy_expire)),
    p!("lazyfree-lazy-server-del", None, 0, BOOL, "no", flag!(mem.lazy_server_del)),
    p!("lazyfree-lazy-user-del", None, 0, BOOL, "no", flag!(mem.lazy_user_del)),
    p!("lazyfree-lazy-user-flush", None, 0, BOOL, "no", flag!(mem.lazy_user_flush)),
    // muxis's own.
    p!("io-cpus", None, MUXIS, special(Special::CpuList), "", Slot::Field(
        |c| Val::Text(c.io_cpus.as_deref().map(cpu_text).unwrap_or_default()),
        |c, v| if let Val::Text(t) = v { c.io_cpus = if t.is_empty() { None } else { parse_cpu_list(&t).ok() }; },
    )),
    p!("main-cpu", None, MUXIS, special(Special::OptCpu), "", Slot::Field(
        |c| Val::Text(c.main_cpu.map(|n| n.to_string()).unwrap_or_default()),
        |c, v| if let Val::Text(t) = v { c.main_cpu = t.parse().ok(); },
    )),
    p!("engine", None, MUXIS | IMMUTABLE, Kind::Enum(ENGINES), "full", Slot::Field(
        |c| Val::Text(if c.stub_engine { "stub" } else { "full" }.into()),
        |c, v| if let Val::Text(t) = v { c.stub_engine = t == "stub"; },
    )),

    // Features muxis does not have: their default only.
    p!("appendonly", None, 0, BOOL, "no"),
    p!("replicaof", Some("slaveof"), IMMUTABLE | MULTI | UNSUPPORTED, special(Special::ReplicaOf), "no one"),
    p!("cluster-enabled", None, IMMUTABLE | UNSUPPORTED, BOOL, "no"),
    p!("requirepass", None, SENSITIVE, STR, ""),
    p!("aclfile", None, IMMUTABLE, STR, ""),
    p!("tls-port", None, STARTUP, int(0, 65535), "0"),

    // Persistence (persist/).
    p!("save", None, MULTI, special(Special::Save), ""),
    p!("rdbchecksum", None, IMMUTABLE, BOOL, "yes"),
    p!("rdbcompression", None, 0, BOOL, "yes"),
    p!("rdb-del-sync-files", None, 0, BOOL, "no"),
    p!("stop-writes-on-bgsave-error", None, 0, BOOL, "yes"),

    // Accepted and reported, without effect (see README).
    p!("io-threads-do-reads", None, IMMUTABLE, BOOL, "yes"),
    p!("always-show-logo", None, IMMUTABLE, BOOL, "no"),
    p!("activerehashing", None, 0, BOOL, "yes"),
    p!("set-proc-title", None, IMMUTABLE, BOOL, "yes"),
    p!("dynamic-hz", None, 0, BOOL, "yes"),
    p!("repl-disable-tcp-nodelay", None, 0, BOOL, "no"),
    p!("repl-diskless-sync", None, 0, BOOL, "yes"),
    p!("aof-rewrite-incremental-fsync", None, 0, BOOL, "yes"),
    p!("no-appendfsync-on-rewrite", None, 0, BOOL, "no"),
    p!("cluster-require-full-coverage", None, 0, BOOL, "yes"),
    p!("rdb-save-incremental-fsync", None, 0, BOOL, "yes"),
    p!("aof-load-truncated", None, 0, BOOL, "yes"),
    p!("aof-use-rdb-preamble", None, 0, BOOL, "yes"),
    p!("aof-timestamp-enabled", None, 0, BOOL, "no"),
    p!("cluster-replica-no-failover", Some("cluster-slave-no-failover"), 0, BOOL, "no"),
    p!("replica-lazy-flush", Some("slave-lazy-flush"), 0, BOOL, "no"),
    p!("replica-serve-stale-data", Some("slave-serve-stale-data"), 0, BOOL, "yes"),
    p!("replica-read-only", Some("slave-read-only"), 0, BOOL, "yes"),
    p!("replica-ignore-maxmemory", Some("slave-ignore-maxmemory"), 0, BOOL, "yes"),
    p!("jemalloc-bg-thread", None, 0, BOOL, "yes"),
    p!("activedefrag", None, 0, BOOL, "no"),
    p!("syslog-enabled", None, IMMUTABLE, BOOL, "no"),
    p!("cluster-allow-reads-when-down", None, 0, BOOL, "no"),
    p!("cluster-allow-pubsubshard-when-down", None, 0, BOOL, "yes"),
    p!("crash-log-enabled", None, 0, BOOL, "yes"),
    p!("crash-memcheck-enabled", None, 0, BOOL, "yes"),
    p!("use-exit-on-panic", None, HIDDEN, BOOL, "no"),
    p!("disable-thp", None, IMMUTABLE, BOOL, "yes"),
    p!("cluster-allow-replica-migration", None, 0, BOOL, "yes"),
    p!("replica-announced", None, 0, BOOL, "yes"),
    p!("latency-tracking", None, 0, BOOL, "yes"),
    p!("aof-disable-auto-gc", None, 0, BOOL, "no"),
    p!("replica-ignore-disk-write-errors", None, 0, BOOL, "no"),
    p!("replica-announce-ip", Some("slave-announce-ip"), 0, STR, ""),
    p!("masteruser", None, SENSITIVE, STR, ""),
    p!("masterauth", None, SENSITIVE, STR, ""),
    p!("cluster-announce-ip", None, 0, STR, ""),
    p!("cluster-config-file", None, IMMUTABLE, STR, "nodes.conf"),
    p!("cluster-announce-hostname", None, 0, Kind::Str(StrCheck::Hostname), ""),
    p!("syslog-ident", None, IMMUTABLE, STR, "redis"),
    p!("dbfilename", None, PROTECTED, Kind::Str(StrCheck::BaseName), "dump.rdb"),
    p!("appendfilename", None, IMMUTABLE, Kind::Str(StrCheck::NonEmptyBaseName), "appendonly.aof"),
    p!("appenddirname", None, IMMUTABLE, Kind::Str(StrCheck::NonEmptyBaseName), "appendonlydir"),
    p!("server_cpulist", None, IMMUTABLE, STR, ""),
    p!("bio_cpulist", None, IMMUTABLE, STR, ""),
    p!("aof_rewrite_cpulist", None, IMMUTABLE, STR, ""),
    p!("bgsave_cpulist", None, IMMUTABLE, STR, ""),
    p!("ignore-warnings", None, 0, STR, ""),
    p!("proc-title-template", None, 0, Kind::Str(StrCheck::ProcTitle), "{title} {listen-addr} {server-mode}"),
    p!("bind-source-addr", None, 0, STR, ""),
    p!("supervised", None, IMMUTABLE, Kind::Enum(SUPERVISED), "no"),
    p!("syslog-facility", None, IMMUTABLE, Kind::Enum(FACILITIES), "local0"),
    p!("repl-diskless-load", None, 0, Kind::Enum(DISKLESS_LOAD), "disabled"),
    p!("appendfsync", None, 0, Kind::Enum(FSYNC), "everysec"),
    p!("oom-score-adj", None, 0, Kind::Enum(OOM_ADJ), "no"),
    p!("acl-pubsub-default", None, 0, Kind::Enum(PUBSUB_DEFAULT), "resetchannels"),
    p!("sanitize-dump-payload", None, 0, Kind::Enum(SANITIZE), "no"),
    p!("enable-protected-configs", None, IMMUTABLE, Kind::Enum(PROTECTED_ACTION), "no"),
    p!("enable-debug-command", None, IMMUTABLE, Kind::Enum(PROTECTED_ACTION), "no"),
    p!("enable-module-command", None, IMMUTABLE, Kind::Enum(PROTECTED_ACTION), "no"),
    p!("cluster-preferred-endpoint-type", None, 0, Kind::Enum(ENDPOINT), "ip"),
    p!("propagation-error-behavior", None, 0, Kind::Enum(PROPAGATION), "ignore"),
    p!("shutdown-on-sigint", None, MULTI, special(Special::Shutdown), "default"),
    p!("shutdown-on-sigterm", None, MULTI, special(Special::Shutdown), "default"),
    p!("auto-aof-rewrite-percentage", None, 0, int(0, INT_MAX), "100"),
    p!("cluster-replica-validity-factor", Some("cluster-slave-validity-factor"), 0, int(0, INT_MAX), "10"),
    p!("cluster-migration-barrier", None, 0, int(0, INT_MAX), "1"),
    p!("active-defrag-cycle-min", None, 0, int(1, 99), "1"),
    p!("active-defrag-cycle-max", None, 0, int(1, 99), "25"),
    p!("active-defrag-threshold-lower", None, 0, int(0, 1000), "10"),
    p!("active-defrag-threshold-upper", None, 0, int(0, 1000), "100"),
    p!("replica-priority", Some("slave-priority"), 0, int(0, INT_MAX), "100"),
    p!("repl-diskless-sync-delay", None, 0, int(0, INT_MAX), "5"),
    p!("replica-announce-port", Some("slave-announce-port"), 0, int(0, 65535), "0"),
    p!("cluster-port", None, IMMUTABLE, int(0, 65535), "0"),
    p!("cluster-announce-bus-port", None, 0, int(0, 65535), "0"),
    p!("cluster-announce-port", None, 0, int(0, 65535), "0"),
    p!("cluster-announce-tls-port", None, 0, int(0, 65535), "0"),
    p!("repl-timeout", None, 0, int(1, INT_MAX), "60"),
    p!("repl-ping-replica-period", Some("repl-ping-slave-period"), 0, int(1, INT_MAX), "10"),
    p!("rdb-key-save-delay", None, HIDDEN, int(INT_MIN, INT_MAX), "0"),
    p!("key-load-delay", None, HIDDEN, int(INT_MIN, INT_MAX), "0"),
    p!("active-expire-effort", None, 0, int(1, 10), "1"),
    p!("min-replicas-to-write", Some("min-slaves-to-write"), 0, int(0, INT_MAX), "0"),
    p!("min-replicas-max-lag", Some("min-slaves-max-lag"), 0, int(0, INT_MAX), "10"),
    p!("watchdog-period", None, HIDDEN, int(0, INT_MAX), "0"),
    p!("shutdown-timeout", None, 0, int(0, INT_MAX), "10"),
    p!("repl-diskless-sync-max-replicas", None, 0, int(0, INT_MAX), "0"),
    p!("socket-mark-id", None, IMMUTABLE, int(0, UINT_MAX), "0"),
    p!("active-defrag-max-scan-fields", None, 0, int(1, LONG_MAX), "1000"),
    p!("slowlog-max-len", None, 0, int(0, LONG_MAX), "128"),
    p!("acllog-max-len", None, 0, int(0, LONG_MAX), "128"),
    p!("busy-reply-threshold", Some("lua-time-limit"), 0, int(0, LONG_MAX), "5000"),
    p!("cluster-node-timeout", None, 0, int(0, LONG_MAX), "15000"),
    p!("slowlog-log-slower-than", None, 0, int(-1, LONG_MAX), "10000"),
    p!("latency-monitor-threshold", None, 0, int(0, LONG_MAX), "0"),
    p!("repl-backlog-size", None, 0, mem(1, LONG_MAX), "1048576"),
    p!("cluster-link-sendbuf-limit", None, 0, mem(0, ULLONG_MAX), "0"),
    p!("active-defrag-ignore-bytes", None, 0, mem(1, LONG_MAX), "104857600"),
    p!("hll-sparse-max-bytes", None, 0, mem(0, LONG_MAX), "3000", num!(hll_sparse_max_bytes: u64)),
    p!("tracking-table-max-keys", None, 0, int(0, LONG_MAX), "1000000"),
    p!("maxmemory-clients", None, 0, Kind::Num { min: -100, max: LONG_MAX, fmt: Fmt::MemoryPercent }, "0"),
    p!("repl-backlog-ttl", None, 0, int(0, LONG_MAX), "3600"),
    p!("auto-aof-rewrite-min-size", None, 0, mem(0, LONG_MAX), "67108864"),
    p!("loading-process-events-interval-bytes", None, HIDDEN, int(1024, INT_MAX), "2097152"),
    p!("tls-session-cache-size", None, 0, int(0, INT_MAX), "20480"),
    p!("tls-session-cache-timeout", None, 0, int(0, INT_MAX), "300"),
    p!("tls-cluster", None, 0, BOOL, "no"),
    p!("tls-replication", None, 0, BOOL, "no"),
    p!("tls-auth-clients", None, 0, Kind::Enum(TLS_AUTH), "yes"),
    p!("tls-prefer-server-ciphers", None, 0, BOOL, "no"),
    p!("tls-session-caching", None, 0, BOOL, "yes"),
    p!("tls-cert-file", None, 0, STR, ""),
    p!("tls-key-file", None, 0, STR, ""),
    p!("tls-key-file-pass", None, SENSITIVE, STR, ""),
    p!("tls-client-cert-file", None, 0, STR, ""),
    p!("tls-client-key-file", None, 0, STR, ""),
    p!("tls-client-key-file-pass", None, SENSITIVE, STR, ""),
    p!("tls-dh-params-file", None, 0, STR, ""),
    p!("tls-ca-cert-file", None, 0, STR, ""),
    p!("tls-ca-cert-dir", None, 0, STR, ""),
    p!("tls-protocols", None, 0, STR, ""),
    p!("tls-ciphers", None, 0, STR, ""),
    p!("tls-ciphersuites", None, 0, STR, ""),
    p!("notify-keyspace-events", None, 0, special(Special::Notify), ""),
    p!("oom-score-adj-values", None, MULTI, special(Special::OomValues), "0 200 800"),
    p!("latency-tracking-info-percentiles", None, MULTI, special(Special::Percentiles), "50 99 99.9"),
];

/// A parameter found by one of its names: its index, and whether the name was the alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub index: usize,
    pub alias: bool,
}

impl Found {
    /// The name this lookup used, in Redis's spelling.
    pub fn name(&self) -> &'static str {
        let p = &PARAMS[self.index];
        match (self.alias, p.alias) {
            (true, Some(a)) => a,
            _ => p.name,
        }
    }
}

/// Finds a parameter by name or alias, ignoring case.
pub fn lookup(name: &[u8]) -> Option<Found> {
    PARAMS.iter().enumerate().find_map(|(index, p)| {
        if name.eq_ignore_ascii_case(p.name.as_bytes()) {
            Some(Found {
                index,
                alias: false,
            })
        } else if p
            .alias
            .is_some_and(|a| name.eq_ignore_ascii_case(a.as_bytes()))
        {
            Some(Found { index, alias: true })
        } else {
            None
        }
    })
}

/// The words of a value: a multi-argument parameter's value is split at each space, as
/// Redis's CONFIG SET does (so two spaces give an empty word).
pub fn words(p: &Param, value: &str) -> Vec<String> {
    if p.has(MULTI) {
        value.split(' ').map(str::to_string).collect()
    } else {
        vec![value.to_string()]
    }
}

/// The default value of parameter `i`, parsed.
pub fn default_val(i: usize) -> Val {
    let p = &PARAMS[i];
    let start = match p.kind {
        Kind::Special(Special::OutputLimits) => Val::Limits(
            [OutputLimit {
                hard: 0,
                soft: 0,
                soft_secs: 0,
            }; 3],
        ),
        _ => Val::Text(String::new()),
    };
    // The table's defaults are valid; a mistake there shows in the unit tests below.
    parse(p.kind, &words(p, p.default), &start).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for (i, p) in PARAMS.iter().enumerate() {
            if !matches!(p.kind, Kind::Special(Special::Dir)) {
                let start = default_val(i);
                let again = parse(p.kind, &words(p, p.default), &start);
                assert!(again.is_ok(), "default of {} does not parse", p.name);
            }
            assert!(names.insert(p.name), "{} twice", p.name);
            if let Some(a) = p.alias {
                assert!(names.insert(a), "{a} twice");
            }
        }
    }

    #[test]
    fn lookup_finds_names_and_aliases_in_any_case() {
        let f = lookup(b"HASH-MAX-ZIPLIST-ENTRIES").map(|f| (f.name(), f.alias));
        assert_eq!(f, Some(("hash-max-ziplist-entries", true)));
        assert_eq!(lookup(b"hz").map(|f| f.name()), Some("hz"));
        assert_eq!(lookup(b"nosuch"), None);
    }
}
