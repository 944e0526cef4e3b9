//! Settings: clap flags and redis.conf-style files (raw) resolved into a [`Config`].
//!
//! Flag and directive names are Redis's, so users recognise them. A flag given on the
//! command line overrides the same directive in `--config FILE`.

use clap::Parser;
use std::fmt;
use std::path::PathBuf;

/// Raw command-line flags. Every value is optional so that a config file can supply it.
#[derive(Parser, Debug, Default)]
#[command(
    name = "muxis",
    version,
    about = "A Redis-compatible in-memory data server with threaded I/O"
)]
pub struct Args {
    /// Read settings from a redis.conf-style file ("directive value..." lines).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Addresses to listen on, e.g. "127.0.0.1 -::1" ('-': may be missing).
    #[arg(long)]
    pub bind: Option<String>,
    /// A Unix-domain socket to listen on as well.
    #[arg(long, value_name = "PATH")]
    pub unixsocket: Option<String>,
    /// Permissions of the Unix socket, in octal (e.g. 700).
    #[arg(long, value_name = "MODE")]
    pub unixsocketperm: Option<String>,
    /// TCP port (0 picks a free one).
    #[arg(long)]
    pub port: Option<u16>,
    /// I/O threads [default: available cores - 1, at least 1, at most 8].
    #[arg(long = "io-threads")]
    pub io_threads: Option<usize>,
    /// CPUs to pin the I/O threads to, e.g. "0-3,8" (thread i gets the i-th CPU, cycling).
    #[arg(long = "io-cpus", value_name = "LIST")]
    pub io_cpus: Option<String>,
    /// CPU to pin the main (executor) thread to.
    #[arg(long = "main-cpu", value_name = "N")]
    pub main_cpu: Option<usize>,
    /// Maximum connected clients [default: 10000].
    #[arg(long)]
    pub maxclients: Option<usize>,
    /// Number of databases [default: 16].
    #[arg(long)]
    pub databases: Option<usize>,
    /// debug, verbose, notice or warning [default: notice].
    #[arg(long)]
    pub loglevel: Option<String>,
    /// Largest bulk string a client may send, e.g. 512mb.
    #[arg(long = "proto-max-bulk-len", value_name = "BYTES")]
    pub proto_max_bulk_len: Option<String>,
    /// Largest pending query per client, e.g. 1gb.
    #[arg(long = "client-query-buffer-limit", value_name = "BYTES")]
    pub client_query_buffer_limit: Option<String>,
    /// Executor timer frequency (active expiry, timeouts), 1..=500 [default: 10].
    #[arg(long)]
    pub hz: Option<u32>,
    /// "full", or "stub": answer +OK (and a fixed value to GET) without a keyspace, to
    /// measure what the I/O threads alone can carry [default: full].
    #[arg(long)]
    pub engine: Option<String>,
}

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
    pub client_query_buffer_limit: u64,
    pub hz: u32,
    /// `tcp-backlog`: the listen queue length (the kernel caps it at `somaxconn`).
    pub tcp_backlog: u32,
    /// The stub engine: replies without touching a keyspace (see `--engine`).
    pub stub_engine: bool,
    /// `client-output-buffer-limit`: (hard, soft bytes, soft seconds) for the normal,
    /// replica and pubsub classes. The normal and pubsub classes are enforced by the I/O
    /// threads; there are no replicas yet.
    pub output_limits: [OutputLimit; 3],
    pub config_file: Option<PathBuf>,
}

/// One class of `client-output-buffer-limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

/// The classes of `client-output-buffer-limit`, in Redis's order and names.
pub const OUTPUT_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];
/// Index of the normal class in [`Config::output_limits`].
pub const NORMAL_CLASS: usize = 0;
/// Index of the pubsub class in [`Config::output_limits`].
pub const PUBSUB_CLASS: usize = 2;

/// Why settings could not be resolved.
#[derive(Debug, PartialEq)]
pub enum ConfigError {
    /// A file could not be read.
    Io(String),
    /// A config file line that is not understood: (file, line number, message).
    Line(String, usize, String),
    /// A bad value for a setting.
    Value(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(m) | ConfigError::Value(m) => f.write_str(m),
            ConfigError::Line(file, line, m) => write!(f, "{file}:{line}: {m}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The default I/O thread count: one per core left after the executor's, between 1 and 8.
/// Eight I/O threads already carry more than one executor can run (see tuning.md).
pub fn default_io_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_sub(1).clamp(1, 8)
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1".into(),
            unixsocket: None,
            unixsocketperm: 0,
            port: 6379,
            io_threads: default_io_threads(),
            io_cpus: None,
            main_cpu: None,
            maxclients: 10_000,
            databases: 16,
            loglevel: "notice".into(),
            proto_max_bulk_len: 512 * 1024 * 1024, // 512 MB
            client_query_buffer_limit: 1024 * 1024 * 1024, // 1 GB
            hz: 10,
            tcp_backlog: 511,
            stub_engine: false,
            output_limits: [
                OutputLimit {
                    hard: 0,
                    soft: 0,
                    soft_secs: 0,
                },
                OutputLimit {
                    hard: 256 << 20,
                    soft: 64 << 20,
                    soft_secs: 60,
                },
                OutputLimit {
                    hard: 32 << 20,
                    soft: 8 << 20,
                    soft_secs: 60,
                },
            ],
            config_file: None,
        }
    }
}

impl Config {
    /// Resolves flags (and the file they name) over the defaults.
    pub fn from_args(args: &Args) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        if let Some(path) = &args.config {
            let text = std::fs::read_to_string(path).map_err(|e| {
                ConfigError::Io(format!("cannot read config file {}: {e}", path.display()))
            })?;
            cfg.apply_file(&path.display().to_string(), &text)?;
            cfg.config_file = Some(path.clone());
        }
        let mut set = |name: &str, v: Option<String>| match v {
            Some(v) => cfg
                .set(name, &v)
                .map_err(|e| ConfigError::Value(format!("--{name}: {e}"))),
            None => Ok(()),
        };
        set("bind", args.bind.clone())?;
        set("unixsocket", args.unixsocket.clone())?;
        set("unixsocketperm", args.unixsocketperm.clone())?;
        set("port", args.port.map(|v| v.to_string()))?;
        set("io-threads", args.io_threads.map(|v| v.to_string()))?;
        set("io-cpus", args.io_cpus.clone())?;
        set("main-cpu", args.main_cpu.map(|v| v.to_string()))?;
        set("maxclients", args.maxclients.map(|v| v.to_string()))?;
        set("databases", args.databases.map(|v| v.to_string()))?;
        set("loglevel", args.loglevel.clone())?;
        set("proto-max-bulk-len", args.proto_max_bulk_len.clone())?;
        set(
            "client-query-buffer-limit",
            args.client_query_buffer_limit.clone(),
        )?;
        set("hz", args.hz.map(|v| v.to_string()))?;
        set("engine", args.engine.clone())?;
        Ok(cfg)
    }

    /// Applies a redis.conf-style text: one `directive value...` per line, `#` comments,
    /// values optionally in double or single quotes.
    pub fn apply_file(&mut self, file: &str, text: &str) -> Result<(), ConfigError> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |m: String| ConfigError::Line(file.to_string(), i + 1, m);
            let words = split_words(line).ok_or_else(|| err("unbalanced quotes".into()))?;
            let Some((name, values)) = words.split_first() else {
                continue;
            };
            if values.is_empty() {
                return Err(err(format!("directive '{name}' needs a value")));
            }
            self.set(&name.to_ascii_lowercase(), &values.join(" "))
                .map_err(|m| err(format!("'{line}': {m}")))?;
        }
        Ok(())
    }

    /// Sets one setting by its Redis name. The error says what is wrong with the value.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "bind" => {
                crate::net::listen::parse_bind(value)?;
                self.bind = value.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            "unixsocket" => {
                self.unixsocket = (!value.trim().is_empty()).then(|| PathBuf::from(value.trim()))
            }
            "unixsocketperm" => {
                self.unixsocketperm = u32::from_str_radix(value.trim(), 8)
                    .ok()
                    .filter(|&p| p <= 0o777)
                    .ok_or_else(|| format!("'{value}' is not an octal permission mode"))?
            }
            "port" => self.port = parse_num(value, 0, 65535)? as u16,
            "io-threads" => self.io_threads = parse_num(value, 1, 128)? as usize,
            // An empty value unpins (CONFIG SET io-cpus "").
            "io-cpus" if value.trim().is_empty() => self.io_cpus = None,
            "io-cpus" => self.io_cpus = Some(parse_cpu_list(value)?),
            "main-cpu" if value.trim().is_empty() => self.main_cpu = None,
            "main-cpu" => self.main_cpu = Some(parse_num(value, 0, 4095)? as usize),
            "maxclients" => self.maxclients = parse_num(value, 1, 1_000_000)? as usize,
            "databases" => self.databases = parse_num(value, 1, 1_000_000)? as usize,
            "loglevel" => {
                let v = value.to_ascii_lowercase();
                if !["debug", "verbose", "notice", "warning", "nothing"].contains(&v.as_str()) {
                    return Err(format!(
                        "'{value}' is not one of debug, verbose, notice, warning, nothing"
                    ));
                }
                self.loglevel = v;
            }
            "proto-max-bulk-len" => self.proto_max_bulk_len = parse_memory(value, 1024 * 1024)?,
            "client-query-buffer-limit" => {
                self.client_query_buffer_limit = parse_memory(value, 1024 * 1024)?
            }
            "hz" => self.hz = parse_num(value, 1, 500)? as u32,
            "tcp-backlog" => self.tcp_backlog = parse_num(value, 0, i32::MAX as i64)? as u32,
            "client-output-buffer-limit" => self.set_output_limits(value)?,
            "engine" => {
                self.stub_engine = match value.to_ascii_lowercase().as_str() {
                    "full" => false,
                    "stub" => true,
                    _ => return Err(format!("'{value}' is not one of full, stub")),
                }
            }
            _ => return Err(format!("unknown directive '{name}'")),
        }
        Ok(())
    }

    /// Parses `class hard soft seconds [class hard soft seconds ...]`, as redis.conf and
    /// CONFIG SET take it; classes not named keep their limits.
    fn set_output_limits(&mut self, value: &str) -> Result<(), String> {
        let words: Vec<&str> = value.split_whitespace().collect();
        if words.is_empty() || !words.len().is_multiple_of(4) {
            return Err("wrong number of arguments".into());
        }
        let mut next = self.output_limits;
        for w in words.chunks_exact(4) {
            let class = match w[0].to_ascii_lowercase().as_str() {
                "normal" => NORMAL_CLASS,
                "slave" | "replica" => 1,
                "pubsub" => PUBSUB_CLASS,
                _ => return Err(format!("invalid client class '{}'", w[0])),
            };
            let soft_secs = w[3]
                .parse::<u64>()
                .map_err(|_| format!("'{}' is not a number", w[3]))?;
            next[class] = OutputLimit {
                hard: parse_memory(w[1], 0)?,
                soft: parse_memory(w[2], 0)?,
                soft_secs,
            };
        }
        self.output_limits = next;
        Ok(())
    }

    /// `client-output-buffer-limit` as CONFIG GET shows it.
    pub fn output_limits_text(&self) -> String {
        OUTPUT_CLASSES
            .iter()
            .zip(self.output_limits)
            .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_secs))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The CPUs I/O thread `i` is pinned to: the `i`-th of `io-cpus`, cycling; empty when
    /// unpinned.
    pub fn io_cpus_for(&self, i: usize) -> Vec<usize> {
        match &self.io_cpus {
            Some(list) if !list.is_empty() => vec![list[i % list.len()]],
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

fn parse_num(value: &str, min: i64, max: i64) -> Result<i64, String> {
    match value.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(format!("'{value}' is out of range ({min}..={max})")),
        Err(_) => Err(format!("'{value}' is not a number")),
    }
}

/// Parses a memory size the way redis.conf does: `1k` = 1000, `1kb` = 1024, also m/mb, g/gb.
/// `min` keeps a limit from being set so low the server cannot work.
pub fn parse_memory(value: &str, min: u64) -> Result<u64, String> {
    let v = value.trim().to_ascii_lowercase();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let mul: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return Err(format!("'{value}' is not a memory size")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{value}' is not a memory size"))?;
    let bytes = n
        .checked_mul(mul)
        .ok_or_else(|| format!("'{value}' is too large"))?;
    if bytes < min {
        return Err(format!("'{value}' is below the minimum of {min} bytes"));
    }
    Ok(bytes)
}

/// Parses a CPU list such as `0-3,8`.
pub fn parse_cpu_list(value: &str) -> Result<Vec<usize>, String> {
    let mut cpus = Vec::new();
    for part in value.split(',').map(str::trim) {
        let bad = || format!("'{value}' is not a CPU list like 0-3,8");
        if let Some((a, b)) = part.split_once('-') {
            let a: usize = a.trim().parse().map_err(|_| bad())?;
            let b: usize = b.trim().parse().map_err(|_| bad())?;
            if a > b || b - a > 4096 {
                return Err(bad());
            }
            cpus.extend(a..=b);
        } else {
            cpus.push(part.parse().map_err(|_| bad())?);
        }
    }
    Ok(cpus)
}

/// Splits a config line into words, honouring double and single quotes.
fn split_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else {
            return Some(words);
        };
        let mut word = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            loop {
                match chars.next() {
                    None => return None,
                    Some(c) if c == first => break,
                    Some('\\') if first == '"' => word.push(chars.next()?),
                    Some(c) => word.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            e.to_string(),
            "t.conf:2: 'frobnicate yes': unknown directive 'frobnicate'"
        );
    }

    #[test]
    fn memory_sizes_follow_redis_units() {
        assert_eq!(parse_memory("1k", 0), Ok(1000));
        assert_eq!(parse_memory("1kb", 0), Ok(1024));
        assert_eq!(parse_memory("512mb", 0), Ok(512 << 20));
        assert_eq!(parse_memory("1GB", 0), Ok(1 << 30));
        assert!(parse_memory("12x", 0).is_err());
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-3,8"), Ok(vec![0, 1, 2, 3, 8]));
        assert!(parse_cpu_list("3-1").is_err());
        assert!(parse_cpu_list("a").is_err());
    }
}
