//! Settings: command-line options and redis.conf files resolved into a [`Config`].
//!
//! Names are Redis's. As with `redis-server`, the command line is an optional config file
//! then `--directive value...` options, which are read as more lines of that file, so a
//! flag overrides the same directive in the file. Every value, from a file, a flag or
//! CONFIG SET, goes through one parser (`values.rs`) and one table (`params.rs`).
//!
//! # Layout
//! - `params.rs`: the table of parameters (names, aliases, types and bounds, flags,
//!   defaults, which field holds each).
//! - `values.rs`: parsing and formatting values, with Redis's rules and error strings.
//! - `file.rs`: reading config files (`include` too) and CONFIG REWRITE.

pub mod file;
pub mod params;
pub mod values;

pub use values::{OUTPUT_CLASSES, OutputLimit, Val, parse_cpu_list, parse_memory};

use params::{PARAMS, Slot, flag};
use std::fmt;
use std::path::PathBuf;
use values::{Kind, Special};

/// Index of the normal class in [`Config::output_limits`].
pub const NORMAL_CLASS: usize = 0;
/// Index of the pubsub class in [`Config::output_limits`].
pub const PUBSUB_CLASS: usize = 2;

/// The command line, split as `redis-server` splits it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Args {
    /// The config file: the first argument when it is not an option, or `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--name value...` options, each a directive line (name first).
    pub options: Vec<Vec<String>>,
    pub help: bool,
    pub version: bool,
}

impl Args {
    /// Splits `args` (without the program name) as `redis-server` does: values follow
    /// their `--name` until the next `--name`; `--save` alone means `save ""`.
    pub fn parse_from<I: IntoIterator<Item = String>>(args: I) -> Args {
        let mut out = Args::default();
        let mut args = args.into_iter().peekable();
        if let Some(first) = args.next_if(|a| !a.starts_with('-')) {
            out.config = Some(PathBuf::from(first));
        }
        while let Some(a) = args.next() {
            match a.as_str() {
                "-h" | "--help" => out.help = true,
                "-v" | "--version" => out.version = true,
                "--config" => out.config = args.next().map(PathBuf::from),
                name if name.starts_with("--") && name.len() > 2 => {
                    out.options.push(vec![name[2..].to_string()]);
                }
                _ => match out.options.last_mut() {
                    Some(line) => line.push(a),
                    // A value before any option: Redis reads it as a bad directive too.
                    None => out.options.push(vec![a]),
                },
            }
        }
        for line in &mut out.options {
            if line.len() == 1 && line[0].eq_ignore_ascii_case("save") {
                line.push(String::new());
            }
        }
        out
    }
}

/// The `--help` text.
pub const HELP: &str = "\
Usage: muxis [/path/to/redis.conf] [--directive value...]
       muxis --config /path/to/redis.conf [--directive value...]
       muxis -v | --version
       muxis -h | --help

Every redis.conf directive is also an option, e.g.:
  --bind ADDR           address to listen on [127.0.0.1]
  --port N              TCP port (0 picks a free one) [6379]
  --io-threads N        I/O threads [available cores - 1, 1..=8]
  --io-cpus LIST        CPUs to pin the I/O threads to, e.g. 0-3,8
  --main-cpu N          CPU to pin the executor thread to
  --maxclients N        most connected clients [10000]
  --databases N         number of databases [16]
  --loglevel LEVEL      debug, verbose, notice or warning [notice]
  --logfile FILE        log to FILE (\"\" for standard output)
  --daemonize yes|no    run in the background
  --pidfile FILE        write the process id to FILE
  --dir DIR             working directory
  --proto-max-bulk-len BYTES, --client-query-buffer-limit BYTES, --hz N
  --engine full|stub    stub: answer without a keyspace (measures the I/O threads)
  --config FILE         read a redis.conf-style file

Examples:
  muxis /etc/redis/redis.conf --port 7777 --daemonize no
  muxis --port 6380 --io-threads 4 --save \"\"
";

/// Resolved settings: every value known and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Addresses to listen on, Redis 7's syntax (`127.0.0.1 -::1`).
    pub bind: String,
    pub port: u16,
    /// `unixsocket`: a Unix-domain socket to listen on beside TCP, and its permissions.
    pub unixsocket: Option<PathBuf>,
    pub unixsocketperm: u32,
    pub io_threads: usize,
    pub io_cpus: Option<Vec<usize>>,
    pub main_cpu: Option<usize>,
    pub maxclients: usize,
    pub databases: usize,
    pub loglevel: String,
    pub proto_max_bulk_len: u64,
    /// `hll-sparse-max-bytes`: a sparse HyperLogLog growing past this turns dense.
    pub hll_sparse_max_bytes: u64,
    pub client_query_buffer_limit: u64,
    /// `timeout`: idle clients are closed after this many seconds (0: never).
    pub timeout: u64,
    /// `tcp-keepalive`: TCP keepalive probes every this many seconds on new connections
    /// (0: off).
    pub tcp_keepalive: u32,
    /// `protected-mode`: with no password for `default`, only loopback clients are served.
    pub protected_mode: bool,
    pub hz: u32,
    /// `tcp-backlog`: the listen queue length (the kernel caps it at `somaxconn`).
    pub tcp_backlog: u32,
    /// The stub engine: replies without touching a keyspace (see `--engine`).
    pub stub_engine: bool,
    /// `client-output-buffer-limit`: (hard, soft bytes, soft seconds) for the normal,
    /// replica and pubsub classes. The normal and pubsub classes are enforced by the I/O
    /// threads; there are no replicas yet.
    pub output_limits: [OutputLimit; 3],
    /// `daemonize`: fork into the background before starting threads.
    pub daemonize: bool,
    /// `pidfile`: written at start, removed at exit ("" for none).
    pub pidfile: String,
    /// `logfile`: "" logs to standard output.
    pub logfile: String,
    /// The encoding thresholds OBJECT ENCODING follows.
    pub enc: crate::db::EncLimits,
    /// `maxmemory` and what goes with it.
    pub mem: Memory,
    /// The config file, made absolute (CONFIG REWRITE writes it).
    pub config_file: Option<PathBuf>,
    /// The values of the parameters kept without effect.
    pub stored: Stored,
    /// `user` directives: each line's words after `user` (the ACL users to create).
    pub users: Vec<Vec<String>>,
}

/// `maxmemory`, the eviction policy and its tuning, and the lazy-free switches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// Bytes; 0 for no limit.
    pub maxmemory: u64,
    pub policy: crate::db::Policy,
    /// Keys sampled per database to refill the eviction pool.
    pub samples: u32,
    /// 0..=100: how long one command may spend evicting (see `engine/evict.rs`).
    pub tenacity: u32,
    pub lfu_log_factor: u32,
    /// Minutes per step of LFU counter decay; 0 never decays.
    pub lfu_decay_time: u32,
    pub lazy_eviction: bool,
    pub lazy_expire: bool,
    pub lazy_server_del: bool,
    pub lazy_user_del: bool,
    pub lazy_user_flush: bool,
}

impl Default for Memory {
    fn default() -> Self {
        Memory {
            maxmemory: 0,
            policy: crate::db::Policy::NoEviction,
            samples: 5,
            tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            lazy_eviction: false,
            lazy_expire: false,
            lazy_server_del: false,
            lazy_user_del: false,
            lazy_user_flush: false,
        }
    }
}

impl Memory {
    /// What the keys' access records track under this policy.
    pub fn track(&self) -> crate::db::Track {
        use crate::db::{Policy, Track};
        match self.policy {
            Policy::VolatileLfu | Policy::AllkeysLfu => Track::Lfu {
                log_factor: self.lfu_log_factor,
                decay_time: self.lfu_decay_time,
            },
            _ => Track::Lru,
        }
    }
}

/// The values of parameters kept without effect, by index in the table (opaque, so
/// that `Config { port: 0, ..Config::default() }` still works outside this module).
#[derive(Debug, Clone, PartialEq)]
pub struct Stored(Vec<Val>);

/// Why settings could not be resolved.
#[derive(Debug, PartialEq)]
pub enum ConfigError {
    /// A file could not be read.
    Io(String),
    /// A line of a config file (or of the command-line options) that is wrong.
    Line {
        file: String,
        line: usize,
        text: String,
        msg: String,
    },
    /// A bad value for a setting.
    Value(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(m) | ConfigError::Value(m) => f.write_str(m),
            // Redis's wording, which people search for.
            ConfigError::Line {
                file,
                line,
                text,
                msg,
            } => write!(
                f,
                "\n*** FATAL CONFIG FILE ERROR (muxis {}) ***\n\
                 Reading the configuration file {file}, at line {line}\n>>> '{text}'\n{msg}",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The default I/O thread count, the executor's own thread (I/O thread 0) included. Up to
/// two cores, that thread does all the I/O: the clients or the network stack need the other
/// core, and a hand-off between threads that share one costs more than it saves (tuning.md).
/// Beyond, one I/O thread per core left after the executor's, up to eight: eight already
/// carry more than one executor can run.
pub fn default_io_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores <= 2 { 1 } else { cores.min(9) }
}

impl Default for Config {
    fn default() -> Self {
        let limit = |hard, soft, soft_secs| OutputLimit {
            hard,
            soft,
            soft_secs,
        };
        Config {
            bind: "127.0.0.1".into(),
            port: 6379,
            unixsocket: None,
            unixsocketperm: 0,
            io_threads: default_io_threads(),
            io_cpus: None,
            main_cpu: None,
            maxclients: 10_000,
            databases: 16,
            loglevel: "notice".into(),
            proto_max_bulk_len: 512 * 1024 * 1024, // 512 MB
            hll_sparse_max_bytes: 3000,
            client_query_buffer_limit: 1024 * 1024 * 1024, // 1 GB
            timeout: 0,
            tcp_keepalive: 300,
            protected_mode: true,
            hz: 10,
            tcp_backlog: 511,
            stub_engine: false,
            output_limits: [
                limit(0, 0, 0),
                limit(256 << 20, 64 << 20, 60),
                limit(32 << 20, 8 << 20, 60),
            ],
            daemonize: false,
            pidfile: String::new(),
            logfile: String::new(),
            enc: crate::db::EncLimits::default(),
            mem: Memory::default(),
            config_file: None,
            stored: Stored((0..PARAMS.len()).map(params::default_val).collect()),
            users: Vec::new(),
        }
    }
}

impl Config {
    /// Resolves the command line (and the file it names) over the defaults.
    pub fn from_args(args: &Args) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        let mut loader = file::Loader::default();
        if let Some(path) = &args.config {
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            loader.load_file(&mut cfg, &path.display().to_string())?;
            cfg.config_file = Some(abs);
        }
        for (i, line) in args.options.iter().enumerate() {
            loader
                .directive(&mut cfg, line)
                .map_err(|msg| ConfigError::Line {
                    file: "(command line)".into(),
                    line: i + 1,
                    text: format!("--{}", line.join(" ")),
                    msg,
                })?;
        }
        Ok(cfg)
    }

    /// Applies a redis.conf-style text (`file` names it in errors).
    pub fn apply_file(&mut self, file: &str, text: &str) -> Result<(), ConfigError> {
        file::Loader::default().load_text(self, file, text)
    }

    /// Parameter `i`'s current value.
    pub fn val(&self, i: usize) -> Val {
        match PARAMS[i].slot {
            Slot::Field(get, _) => get(self),
            Slot::Stored => self.stored.0[i].clone(),
        }
    }

    /// Stores parameter `i`'s value (already parsed and checked).
    pub fn set_val(&mut self, i: usize, v: Val) {
        match PARAMS[i].slot {
            Slot::Field(_, set) => set(self, v),
            Slot::Stored => self.stored.0[i] = v,
        }
    }

    /// Parses `words` for parameter `i` and checks it as a config file line would be
    /// checked; the error is Redis's text (or muxis's "not supported").
    pub fn parse_val(&self, i: usize, words: &[String]) -> Result<Val, String> {
        let p = &PARAMS[i];
        let v = values::parse(p.kind, words, &self.val(i))?;
        if p.has(flag::UNSUPPORTED) && v != params::default_val(i) {
            let shown = match p.default {
                "" => "\"\"",
                d => d,
            };
            return Err(format!(
                "'{} {}' is not supported by muxis (it has no such feature yet): only the default, {shown}, is accepted",
                p.name,
                words.join(" ")
            ));
        }
        // muxis checks the addresses when read, not only when binding.
        if let (Kind::Special(Special::Words), Val::Text(t)) = (p.kind, &v) {
            crate::net::listen::parse_bind(t)?;
        }
        // Redis cannot defragment without its own jemalloc; neither can muxis.
        if p.name == "activedefrag" && v == Val::Bool(true) {
            return Err("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution".into());
        }
        Ok(v)
    }

    /// Sets one parameter by name as CONFIG SET would (a multi-argument value is split at
    /// spaces), without CONFIG SET's access checks.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let f =
            params::lookup(name.as_bytes()).ok_or_else(|| format!("unknown directive '{name}'"))?;
        let v = self.parse_val(f.index, &params::words(&PARAMS[f.index], value))?;
        self.set_val(f.index, v);
        Ok(())
    }

    /// The value of a parameter by name, as CONFIG GET shows it.
    pub fn get(&self, name: &str) -> Option<String> {
        let f = params::lookup(name.as_bytes())?;
        Some(values::show(PARAMS[f.index].kind, &self.val(f.index)))
    }

    /// `client-output-buffer-limit` as CONFIG GET shows it.
    pub fn output_limits_text(&self) -> String {
        let kind = values::Kind::Special(values::Special::OutputLimits);
        values::show(kind, &Val::Limits(self.output_limits))
    }

    /// The CPUs I/O thread `i` is pinned to: thread 1 gets the first of `io-cpus`, thread 2
    /// the second, cycling; empty when unpinned. Thread 0 is the executor's own thread,
    /// which `main-cpu` pins.
    pub fn io_cpus_for(&self, i: usize) -> Vec<usize> {
        match &self.io_cpus {
            Some(list) if !list.is_empty() && i > 0 => vec![list[(i - 1) % list.len()]],
            _ => Vec::new(),
        }
    }

    /// The tracing filter for `loglevel`.
    pub fn tracing_level(&self) -> &'static str {
        match self.loglevel.as_str() {
            "debug" => "debug",
            "verbose" => "info",
            "notice" => "info",
            "warning" => "warn",
            _ => "off",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Args {
        Args::parse_from(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn file_sets_values_and_names_bad_lines() {
        let mut c = Config::default();
        c.apply_file(
            "t.conf",
            "# comment\nport 7000\n\nio-threads 3\nmaxclients \"50\"\n",
        )
        .unwrap();
        assert_eq!((c.port, c.io_threads, c.maxclients), (7000, 3, 50));
        let e = c
            .apply_file("t.conf", "port 1\nfrobnicate yes\n")
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("t.conf, at line 2"), "{text}");
        assert!(text.contains(">>> 'frobnicate yes'"), "{text}");
        assert!(
            text.contains("Bad directive or wrong number of arguments"),
            "{text}"
        );
    }

    #[test]
    fn command_line_splits_as_redis_server_does() {
        let a = args(&[
            "/x/redis.conf",
            "--port",
            "7",
            "--save",
            "--bind",
            "127.0.0.1",
            "-::1",
        ]);
        assert_eq!(a.config, Some(PathBuf::from("/x/redis.conf")));
        assert_eq!(
            a.options,
            vec![
                vec!["port".to_string(), "7".into()],
                vec!["save".to_string(), "".into()],
                vec!["bind".to_string(), "127.0.0.1".into(), "-::1".into()],
            ]
        );
        let c =
            Config::from_args(&args(&["--port", "0", "--list-max-listpack-size", "-3"])).unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.get("list-max-ziplist-size").as_deref(), Some("-3"));
        assert!(args(&["--help"]).help);
    }

    #[test]
    fn fields_start_at_the_tables_defaults() {
        let c = Config::default();
        for (i, p) in PARAMS.iter().enumerate() {
            if ["io-threads", "dir"].contains(&p.name) {
                continue;
            }
            assert_eq!(c.val(i), params::default_val(i), "{}", p.name);
        }
    }

    #[test]
    fn unsupported_features_are_refused_by_name() {
        let mut c = Config::default();
        let e = c.set("cluster-enabled", "yes").unwrap_err();
        assert!(e.contains("'cluster-enabled yes' is not supported"), "{e}");
        assert_eq!(c.set("cluster-enabled", "no"), Ok(()));
        // Implemented now (net/tls): accepted.
        assert_eq!(c.set("tls-port", "6380"), Ok(()));
        // Implemented now (persist/aof): accepted.
        assert_eq!(c.set("appendonly", "yes"), Ok(()));
        assert!(c.set("replicaof", "127.0.0.1 6379").is_err());
        assert_eq!(c.set("slaveof", "no one"), Ok(()));
        assert_eq!(c.set("timeout", "30"), Ok(()));
        assert_eq!(c.get("timeout").as_deref(), Some("30"));
    }

    #[test]
    fn bind_takes_several_addresses_and_checks_them() {
        let mut c = Config::default();
        c.set("bind", "-::1 127.0.0.1").unwrap();
        assert_eq!(c.bind, "-::1 127.0.0.1");
        assert!(c.set("bind", "nonsense").is_err());
    }
}
