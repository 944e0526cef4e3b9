//! INFO rendering: the `# Section` / `field:value` text Redis clients parse.
//!
//! Field names and formats are Redis 7.0's, so tools that read INFO (redis-cli, exporters,
//! client libraries checking `redis_version` or `role`) work unchanged. Sections we have
//! nothing for are left out, as Redis leaves out an unknown section. `threads` is ours: one
//! line per I/O thread plus the executor, the numbers that tuning needs.
//!
//! Reads the executor's state and the shared atomics; never touches a socket.
//!
//! `observe.rs` renders the sections about commands and errors (commandstats, errorstats,
//! latencystats) and CPU time.

use crate::engine::cmdstats::ErrorStats;
use crate::engine::state::Server;
use crate::shared::IoSnapshot;
use crate::stats::ratio;
use bytes::Bytes;
use std::fmt::Write;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The Redis version we report: clients switch features on it, and we follow 7.0.
pub const REDIS_VERSION: &str = "7.0.15";

/// One INFO section: its name as asked for (lower case), its header, its renderer, and
/// which of `INFO` / `INFO default` (`DEFAULT`) and `INFO all` (`ALL`) include it;
/// `INFO everything` includes every one.
struct Section {
    name: &'static str,
    title: &'static str,
    render: fn(&mut String, &mut Server, &ErrorStats),
    in_default: bool,
    in_all: bool,
}

/// The error counters live beside the reply buffers; INFO is handed them.
type Render = fn(&mut String, &mut Server, &ErrorStats);

const fn section(name: &'static str, title: &'static str, render: Render) -> Section {
    Section {
        name,
        title,
        render,
        in_default: true,
        in_all: true,
    }
}

/// Every section, in the order Redis 7.0 prints them; `threads` (ours) last.
const SECTIONS: &[Section] = &[
    section("server", "Server", server),
    section("clients", "Clients", clients),
    section("memory", "Memory", memory),
    section("persistence", "Persistence", persistence),
    section("stats", "Stats", stats),
    section("replication", "Replication", replication),
    section("cpu", "CPU", observe::cpu),
    // No modules: the list is empty, as a Redis without modules prints it.
    section("modules", "Modules", observe::modules),
    Section {
        in_default: false,
        ..section("commandstats", "Commandstats", observe::commandstats)
    },
    section("errorstats", "Errorstats", observe::errorstats),
    Section {
        in_default: false,
        ..section("latencystats", "Latencystats", observe::latencystats)
    },
    section("cluster", "Cluster", cluster),
    section("keyspace", "Keyspace", keyspace),
    section("threads", "Threads", threads),
];

/// Renders the sections `args` ask for: none or `default` (the default ones), `all` (all
/// but modules' own), `everything`, or section names. Names are case-insensitive; unknown
/// ones add nothing.
pub fn render(srv: &mut Server, errors: &ErrorStats, args: &[Bytes]) -> String {
    let mut wanted: [bool; SECTIONS.len()] =
        std::array::from_fn(|i| args.is_empty() && SECTIONS[i].in_default);
    for arg in args {
        let is = |n: &str| arg.eq_ignore_ascii_case(n.as_bytes());
        for (i, s) in SECTIONS.iter().enumerate() {
            wanted[i] |= is("everything")
                || is("all") && s.in_all
                || is("default") && s.in_default
                || is(s.name)
                || is("module_list") && s.name == "modules";
        }
    }
    let mut out = String::with_capacity(4096);
    for (i, s) in SECTIONS.iter().enumerate() {
        if !wanted[i] {
            continue;
        }
        // Sections are separated by an empty line, as Redis does.
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        out.push_str("# ");
        out.push_str(s.title);
        out.push_str("\r\n");
        (s.render)(&mut out, srv, errors);
    }
    out
}

/// Appends `name:value\r\n`.
macro_rules! field {
    ($out:expr, $name:expr, $($arg:tt)*) => {{
        let _ = write!($out, "{}:", $name);
        let _ = write!($out, $($arg)*);
        $out.push_str("\r\n");
    }};
}

mod observe;

fn server(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    let uptime = srv.started.elapsed().as_secs();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    field!(out, "redis_version", "{REDIS_VERSION}");
    field!(out, "muxis_version", "{}", env!("CARGO_PKG_VERSION"));
    field!(out, "redis_git_sha1", "00000000");
    field!(out, "redis_git_dirty", "0");
    field!(out, "redis_build_id", "0");
    field!(out, "redis_mode", "standalone");
    field!(out, "os", "{}", os_name());
    field!(out, "arch_bits", "{}", usize::BITS);
    field!(out, "monotonic_clock", "POSIX clock_gettime");
    field!(out, "multiplexing_api", "epoll");
    field!(out, "process_id", "{}", std::process::id());
    field!(out, "process_supervised", "no");
    field!(out, "run_id", "{}", run_id());
    field!(out, "tcp_port", "{}", srv.addr.port());
    field!(out, "server_time_usec", "{}", now.as_micros());
    field!(out, "uptime_in_seconds", "{uptime}");
    field!(out, "uptime_in_days", "{}", uptime / 86_400);
    field!(out, "hz", "{}", srv.config.hz);
    field!(out, "configured_hz", "{}", srv.config.hz);
    // Redis's LRU clock: seconds, 24 bits.
    field!(out, "lru_clock", "{}", now.as_secs() & ((1 << 24) - 1));
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    field!(out, "executable", "{exe}");
    let file = srv.config.config_file.as_ref().map(|p| {
        std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string()
    });
    field!(out, "config_file", "{}", file.unwrap_or_default());
    // Our I/O threads always do the reads and writes.
    field!(out, "io_threads_active", "1");
}

fn clients(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    field!(out, "connected_clients", "{}", srv.clients.len());
    field!(out, "cluster_connections", "0");
    field!(out, "maxclients", "{}", srv.config.maxclients);
    field!(out, "client_recent_max_input_buffer", "0");
    field!(out, "client_recent_max_output_buffer", "0");
    let blocked = srv.clients.values().filter(|c| c.blocked.is_some()).count();
    field!(out, "blocked_clients", "{blocked}");
    field!(out, "tracking_clients", "{}", srv.tracking.clients);
    field!(
        out,
        "clients_in_timeout_table",
        "{}",
        srv.blocking.deadlines.len()
    );
}

fn memory(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    // The counting allocator's figure, as Redis's zmalloc; RSS where it is not installed.
    let rss = rss_bytes();
    let used = crate::alloc::used_memory().unwrap_or(rss);
    srv.stats.peak_memory = srv.stats.peak_memory.max(used);
    let peak = srv.stats.peak_memory;
    let system = total_system_memory();
    field!(out, "used_memory", "{used}");
    field!(out, "used_memory_human", "{}", human(used));
    field!(out, "used_memory_rss", "{rss}");
    field!(out, "used_memory_rss_human", "{}", human(rss));
    field!(out, "used_memory_peak", "{peak}");
    field!(out, "used_memory_peak_human", "{}", human(peak));
    field!(
        out,
        "used_memory_peak_perc",
        "{:.2}%",
        100.0 * ratio(used, peak)
    );
    field!(out, "total_system_memory", "{system}");
    field!(out, "total_system_memory_human", "{}", human(system));
    // The Lua states are built on first use: 0 until a script or library needs one.
    let sc = &srv.scripting;
    let (vm_eval, vm_functions) = (sc.eval_memory(), sc.functions.memory());
    let functions_bytes = sc.functions.code_bytes();
    field!(out, "used_memory_lua", "{vm_eval}");
    field!(out, "used_memory_vm_eval", "{vm_eval}");
    field!(out, "used_memory_lua_human", "{}", human(vm_eval as u64));
    field!(out, "used_memory_scripts_eval", "{}", sc.scripts_bytes);
    field!(out, "number_of_cached_scripts", "{}", sc.scripts.len());
    field!(
        out,
        "number_of_functions",
        "{}",
        sc.functions.function_count()
    );
    field!(out, "used_memory_vm_functions", "{vm_functions}");
    let vm_total = vm_eval + vm_functions;
    field!(out, "used_memory_vm_total", "{vm_total}");
    field!(
        out,
        "used_memory_vm_total_human",
        "{}",
        human(vm_total as u64)
    );
    field!(out, "used_memory_functions", "{functions_bytes}");
    let scripts = sc.scripts_bytes + functions_bytes;
    field!(out, "used_memory_scripts", "{scripts}");
    field!(
        out,
        "used_memory_scripts_human",
        "{}",
        human(scripts as u64)
    );
    let max = srv.config.mem.maxmemory;
    let policy = srv.config.get("maxmemory-policy").unwrap_or_default();
    field!(out, "maxmemory", "{max}");
    field!(out, "maxmemory_human", "{}", human(max));
    field!(out, "maxmemory_policy", "{policy}");
    field!(out, "mem_fragmentation_ratio", "{:.2}", ratio(rss, used));
    field!(out, "mem_allocator", "{}", crate::alloc::NAME);
    // No replica or AOF buffers to leave out of eviction's count yet.
    field!(out, "mem_not_counted_for_evict", "0");
    field!(out, "lazyfree_pending_objects", "{}", srv.lazy.pending());
    field!(out, "lazyfreed_objects", "{}", srv.lazy.freed());
}

fn persistence(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    let p = &srv.persist;
    field!(out, "loading", "0");
    field!(out, "async_loading", "0");
    // No fork, so no copy-on-write: the snapshot's copies are in used_memory.
    field!(out, "current_cow_peak", "0");
    field!(out, "current_cow_size", "0");
    field!(out, "current_cow_size_age", "0");
    field!(out, "current_fork_perc", "0.00");
    field!(out, "current_save_keys_processed", "0");
    field!(out, "current_save_keys_total", "0");
    field!(
        out,
        "rdb_changes_since_last_save",
        "{}",
        crate::persist::changes(srv)
    );
    field!(
        out,
        "rdb_bgsave_in_progress",
        "{}",
        u8::from(p.bgsave.as_ref().is_some_and(|b| b.is_rdb()))
    );
    field!(out, "rdb_last_save_time", "{}", p.lastsave);
    let ok = if p.last_bgsave_ok { "ok" } else { "err" };
    field!(out, "rdb_last_bgsave_status", "{ok}");
    field!(out, "rdb_last_bgsave_time_sec", "{}", p.last_bgsave_secs);
    let current = p
        .bgsave
        .as_ref()
        .filter(|b| b.is_rdb())
        .map_or(-1, |b| b.elapsed_secs() as i64);
    field!(out, "rdb_current_bgsave_time_sec", "{current}");
    field!(out, "rdb_saves", "{}", p.saves);
    field!(out, "rdb_last_cow_size", "0");
    field!(out, "rdb_last_load_keys_expired", "{}", p.load_expired);
    field!(out, "rdb_last_load_keys_loaded", "{}", p.load_keys);
    crate::persist::aof::info_fields(out, srv);
    field!(out, "module_fork_in_progress", "0");
    field!(out, "module_fork_last_cow_size", "0");
    crate::persist::aof::info_sizes(out, srv);
}

fn stats(out: &mut String, srv: &mut Server, errors: &ErrorStats) {
    let io = srv.shared.io_totals();
    let shared = &srv.shared;
    let st = &srv.stats;
    let expired: u64 = srv.dbs.iter().map(|db| db.expired).sum();
    use std::sync::atomic::Ordering::Relaxed;
    field!(
        out,
        "total_connections_received",
        "{}",
        shared.total_connections.load(Relaxed)
    );
    field!(out, "total_commands_processed", "{}", st.commands);
    field!(out, "instantaneous_ops_per_sec", "{}", st.ops_per_sec());
    field!(out, "total_net_input_bytes", "{}", io.read_bytes);
    field!(out, "total_net_output_bytes", "{}", io.written_bytes);
    field!(
        out,
        "rejected_connections",
        "{}",
        shared.rejected.load(Relaxed)
    );
    field!(out, "expired_keys", "{expired}");
    let ev = &srv.evict_stats;
    field!(out, "evicted_keys", "{}", ev.evicted_keys);
    field!(
        out,
        "evicted_clients",
        "{}",
        shared.evicted_clients.load(Relaxed)
    );
    field!(
        out,
        "total_eviction_exceeded_time",
        "{}",
        ev.total_exceeded().as_millis()
    );
    field!(
        out,
        "current_eviction_exceeded_time",
        "{}",
        ev.current_exceeded().as_millis()
    );
    field!(out, "keyspace_hits", "{}", st.keyspace_hits);
    field!(out, "keyspace_misses", "{}", st.keyspace_misses);
    field!(
        out,
        "pubsub_channels",
        "{}",
        srv.pubsub.channels(None).len()
    );
    field!(out, "pubsub_patterns", "{}", srv.pubsub.numpat());
    let shard_channels = srv.pubsub.shard_channels(None).len();
    field!(out, "pubsubshard_channels", "{shard_channels}");
    let (keys, items, prefixes) = srv.tracking.totals();
    field!(out, "tracking_total_keys", "{keys}");
    field!(out, "tracking_total_items", "{items}");
    field!(out, "tracking_total_prefixes", "{prefixes}");
    field!(out, "total_error_replies", "{}", errors.total);
    field!(out, "total_reads_processed", "{}", io.reads);
    field!(out, "total_writes_processed", "{}", io.writes);
    field!(out, "io_threaded_reads_processed", "{}", io.reads);
    field!(out, "io_threaded_writes_processed", "{}", io.writes);
}

fn replication(out: &mut String, _: &mut Server, _: &ErrorStats) {
    field!(out, "role", "master");
    field!(out, "connected_slaves", "0");
    field!(out, "master_failover_state", "no-failover");
    field!(out, "master_replid", "{}", replid());
    field!(out, "master_replid2", "{}", "0".repeat(40));
    field!(out, "master_repl_offset", "0");
    field!(out, "second_repl_offset", "-1");
    field!(out, "repl_backlog_active", "0");
}

fn cluster(out: &mut String, _: &mut Server, _: &ErrorStats) {
    field!(out, "cluster_enabled", "0");
}

fn keyspace(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    for (i, db) in srv.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        // avg_ttl would need a walk over every volatile key; Redis estimates it from
        // sampling during active expiry, which ours does not record.
        field!(
            out,
            format_args!("db{i}"),
            "keys={},expires={},avg_ttl=0",
            db.len(),
            db.volatile_len()
        );
    }
}

fn threads(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    let since = srv.stats.since.elapsed().as_nanos().max(1) as f64;
    // Recent rates come from the timer's sample window; totals are since start/RESETSTAT.
    let recent = srv.stats.io_rates();
    field!(out, "io_threads", "{}", srv.shared.active());
    for (i, s) in srv.shared.threads().iter().enumerate() {
        let IoSnapshot {
            clients,
            reads,
            writes,
            read_bytes,
            written_bytes,
            commands,
            batches,
            busy_ns,
            wakes_sent,
            wakes_skipped,
        } = s.snapshot();
        let (ops, busy) = recent.get(i).copied().unwrap_or_default();
        field!(
            out,
            format_args!("io_thread_{i}"),
            "clients={clients},reads={reads},writes={writes},read_bytes={read_bytes},\
             written_bytes={written_bytes},commands={commands},batches={batches},\
             avg_batch={:.2},busy_pct={:.2},wakes_sent={wakes_sent},wakes_skipped={wakes_skipped},\
             recent_ops_per_sec={ops:.0},recent_busy_pct={busy:.2}",
            ratio(commands, batches),
            100.0 * busy_ns as f64 / since,
        );
    }
    let st = &srv.stats;
    field!(
        out,
        "executor",
        "commands={},batches={},avg_batch={:.2},busy_pct={:.2},ops_per_sec={},queue_depth={}",
        st.commands,
        st.batches,
        st.avg_batch(),
        st.busy_percent(),
        st.ops_per_sec(),
        srv.shared
            .exec_queue
            .load(std::sync::atomic::Ordering::Relaxed),
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let v = crate::stats::verdict(st.ops_per_sec() as f64, st.busy_percent(), &recent, cores);
    field!(out, "bottleneck", "{}", v.bottleneck.name());
    field!(out, "capacity_per_io_thread_ops", "{:.0}", v.io_capacity);
    field!(out, "capacity_executor_ops", "{:.0}", v.executor_capacity);
    field!(out, "suggested_io_threads", "{}", v.suggested_io_threads);
}

/// Bytes in Redis's `bytesToHuman` form: `512B`, `1.50K`, `2.00M`, `1.00G`...
pub fn human(n: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (1 << 50, "P"),
        (1 << 40, "T"),
        (1 << 30, "G"),
        (1 << 20, "M"),
        (1 << 10, "K"),
    ];
    for (size, unit) in UNITS {
        if n >= size {
            return format!("{:.2}{unit}", n as f64 / size as f64);
        }
    }
    format!("{n}B")
}

/// This process's resident memory in bytes (`VmRSS` in /proc/self/status, which is in kB
/// and so needs no page size); 0 where /proc is missing.
fn rss_bytes() -> u64 {
    proc_kb("/proc/self/status", "VmRSS:")
}

fn total_system_memory() -> u64 {
    proc_kb("/proc/meminfo", "MemTotal:")
}

/// The `label  N kB` line of a /proc file, in bytes.
fn proc_kb(path: &str, label: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb.saturating_mul(1024))
}

/// `Linux 6.1.0 x86_64`, as Redis prints uname's sysname, release and machine.
fn os_name() -> &'static str {
    static OS: OnceLock<String> = OnceLock::new();
    OS.get_or_init(|| {
        let read = |p: &str| {
            std::fs::read_to_string(p)
                .map(|s| s.trim().to_string())
                .ok()
        };
        let kind =
            read("/proc/sys/kernel/ostype").unwrap_or_else(|| std::env::consts::OS.to_string());
        let release = read("/proc/sys/kernel/osrelease").unwrap_or_default();
        format!("{kind} {release} {}", std::env::consts::ARCH)
    })
}

/// 40 random hex digits chosen once per process, as Redis's run id.
pub fn run_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| random_hex40(1))
}

/// The replication id: random like the run id, but a different value, as in Redis.
pub fn replid() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| random_hex40(2))
}

fn random_hex40(salt: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // The address of a stack value adds ASLR entropy to the clock and pid.
    let local = 0u8;
    let seed = nanos
        ^ (std::process::id() as u64).rotate_left(32)
        ^ (&local as *const u8 as u64)
        ^ salt.rotate_right(8);
    let mut rng = crate::util::rand::Rng::new(seed);
    let mut id = String::with_capacity(48);
    while id.len() < 40 {
        let _ = write!(id, "{:016x}", rng.next_u64());
    }
    id.truncate(40);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_follow_redis() {
        assert_eq!(human(0), "0B");
        assert_eq!(human(1023), "1023B");
        assert_eq!(human(1536), "1.50K");
        assert_eq!(human(916_216), "894.74K");
        assert_eq!(human(12_132_352), "11.57M");
        assert_eq!(human(25_325_268_992), "23.59G");
    }

    #[test]
    fn run_id_is_40_hex_digits_and_stable() {
        let id = run_id();
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, run_id());
        assert_ne!(id, replid());
    }
}
