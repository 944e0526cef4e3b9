//! Command-line flags in two layers: raw clap flags, then the checked settings a run uses
//! ([`Load`]). Every load resolves to a bounded one: a time limit always applies.

use crate::error::Error;
use crate::keys::Keys;
use crate::mix::Mix;
use crate::report;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  muxis-bench --port 6379 --duration 10
      50 connections, one client thread, GET/SET 1:1 for 10 s
  muxis-bench run --threads 2 --connections 400 --pipeline 16 --mix get=4,set=1 --prefill
  muxis-bench --rate 50000 --duration 20 --format json
      open loop: 50k requests/s spread over the connections, latency from intended send time
  muxis-bench --requests 1000000 --format csv > run.csv
  muxis-bench --ratio 1:10 --key-pattern G:G --key-maximum 999999 --data-size 32 \\
      --distinct-client-seed --prefill -d 10
      memtier_benchmark's flags: SET:GET 1:10, Gaussian keys over 1M keys, 32 B values
  muxis-bench sweep --max-io-threads 4 --pin --rounds 3 --duration 5 \\
      --compare-cmd 'redis-server --port {port} --save \"\" --appendonly no' \\
      --csv sweep.csv --svg sweep.svg

Bounds: --requests alone stops after that many replies or 600 s; with neither --requests nor
--duration a run lasts 10 s. Only loopback addresses (127.0.0.0/8, ::1, localhost) are
accepted. Keys are key:0..K-1 (GET, SET; --key-prefix, --key-minimum, --key-maximum) and
ctr:0..K-1 (INCR).";

/// Raw flags. With no subcommand, the flags are `run`'s.
#[derive(Parser, Debug)]
#[command(
    name = "muxis-bench",
    version,
    about = "Load generator for muxis and other Redis-compatible servers on loopback",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Cmd>,
    #[command(flatten)]
    pub run: RunFlags,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Drive one running server and report throughput and latency (the default).
    Run(RunFlags),
    /// Start muxis at 1..=N I/O threads (and optionally another server), load each the same
    /// way, and report medians per configuration.
    Sweep(SweepFlags),
}

#[derive(Args, Debug, Clone)]
pub struct RunFlags {
    /// Server address (loopback only).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Server port.
    #[arg(long, short = 'p', default_value_t = 6379)]
    pub port: u16,
    #[command(flatten)]
    pub load: LoadFlags,
    /// Final summary format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print a progress line on stderr every second even when it is not a terminal.
    #[arg(long)]
    pub progress: bool,
}

/// The load, shared by `run` and `sweep`.
#[derive(Args, Debug, Clone)]
pub struct LoadFlags {
    /// Client threads, each driving its share of the connections with one event loop.
    #[arg(long, short = 't', default_value_t = 1)]
    pub threads: usize,
    /// Connections in total, spread evenly over the threads.
    #[arg(long, short = 'c', default_value_t = 50)]
    pub connections: usize,
    /// Requests in flight per connection (open loop: the most in flight).
    #[arg(long, short = 'P', default_value_t = 1)]
    pub pipeline: usize,
    /// Stop after this many replies in total.
    #[arg(long, short = 'n')]
    pub requests: Option<u64>,
    /// Stop after this many seconds (fractions allowed).
    #[arg(long, short = 'd', value_name = "SECS")]
    pub duration: Option<f64>,
    /// Keys are key:0..K-1 (or --key-minimum..=--key-maximum).
    #[arg(long, short = 'k', default_value_t = 10_000)]
    pub keyspace: u64,
    /// The first key number (memtier's --key-minimum).
    #[arg(long, default_value_t = 0)]
    pub key_minimum: u64,
    /// The last key number, instead of --keyspace (memtier's --key-maximum).
    #[arg(long)]
    pub key_maximum: Option<u64>,
    /// SET:GET key patterns, each R (random), G (Gaussian), S (sequential) or P (parallel
    /// slices per connection), as memtier's --key-pattern.
    #[arg(long, default_value = "R:R")]
    pub key_pattern: String,
    /// Key name prefix of GET and SET keys.
    #[arg(long, default_value = "key:")]
    pub key_prefix: String,
    /// Give every connection its own random seed (memtier's flag; by default all
    /// connections draw the same sequence, as memtier's clients do).
    #[arg(long)]
    pub distinct_client_seed: bool,
    /// SET value size in bytes.
    #[arg(long, visible_alias = "data-size", default_value_t = 3)]
    pub value_size: usize,
    /// Command weights from get, set, incr, ping.
    #[arg(long, default_value = "set=1,get=1")]
    pub mix: String,
    /// SET:GET ratio, as memtier's --ratio (e.g. 1:10); instead of --mix.
    #[arg(long, conflicts_with = "mix")]
    pub ratio: Option<String>,
    /// Open loop: send this many requests/s in total on a fixed schedule.
    #[arg(long, value_name = "REQ_PER_SEC")]
    pub rate: Option<f64>,
    /// SET every key once before the measured run, so GETs hit.
    #[arg(long)]
    pub prefill: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SweepFlags {
    #[command(flatten)]
    pub load: LoadFlags,
    /// The muxis binary [default: `muxis` next to this program].
    #[arg(long, value_name = "PATH")]
    pub server_bin: Option<PathBuf>,
    /// Sweep io-threads 1..=N [default: available cores].
    #[arg(long, value_name = "N")]
    pub max_io_threads: Option<usize>,
    /// Also run every io-threads count pinned (--io-cpus 0..n-1, --main-cpu last core).
    #[arg(long)]
    pub pin: bool,
    /// Another server to compare with, `{port}` replaced by its port; runs alternate.
    /// Repeat for several; `NAME=CMD` labels one (default: the program's file name).
    #[arg(long, value_name = "CMD")]
    pub compare_cmd: Vec<String>,
    /// Runs of every configuration; medians are reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Write one CSV row per run here.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write an SVG plot of throughput and p99 against io-threads here.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Print a progress line on stderr every second during each run.
    #[arg(long)]
    pub progress: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Parses the command line; `--help` lists examples and the summary's field names.
pub fn parse() -> Cli {
    let mut help = String::from(EXAMPLES);
    help.push_str("\n\nSummary fields (--format json: one object; csv: header + one row):\n");
    for (name, doc) in report::FIELDS {
        help.push_str(&format!("  {name:<22} {doc}\n"));
    }
    let matches = Cli::command().after_long_help(help).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// How long a run with --requests but no --duration may last at most.
const REQUESTS_ONLY_LIMIT: Duration = Duration::from_secs(600);
/// How long a run with neither --requests nor --duration lasts.
const DEFAULT_DURATION: Duration = Duration::from_secs(10);
/// The longest --duration accepted.
const MAX_DURATION_SECS: f64 = 24.0 * 3600.0;

/// A checked, bounded load.
#[derive(Clone, Debug)]
pub struct Load {
    pub threads: usize,
    pub connections: usize,
    pub pipeline: usize,
    pub requests: Option<u64>,
    /// The run stops at this time whatever else happens.
    pub duration: Duration,
    pub keyspace: u64,
    /// The key range and patterns.
    pub keys: Keys,
    pub key_prefix: Vec<u8>,
    pub distinct_seed: bool,
    pub value_size: usize,
    pub mix: Mix,
    pub rate: Option<f64>,
    pub prefill: bool,
}

impl LoadFlags {
    pub fn resolve(&self) -> Result<Load, Error> {
        let bad = |m: &str| Err(Error::Usage(m.to_string()));
        if !(1..=10_000).contains(&self.connections) {
            return bad("--connections must be 1..=10000");
        }
        if !(1..=256).contains(&self.threads) {
            return bad("--threads must be 1..=256");
        }
        if !(1..=100_000).contains(&self.pipeline) {
            return bad("--pipeline must be 1..=100000");
        }
        if self.requests == Some(0) {
            return bad("--requests must be at least 1");
        }
        let keyspace = match self.key_maximum {
            Some(max) if max >= self.key_minimum => max - self.key_minimum + 1,
            Some(_) => return bad("--key-maximum must be at least --key-minimum"),
            None => self.keyspace,
        };
        if !(1..=1_000_000_000_000).contains(&keyspace) {
            return bad("--keyspace must be 1..=10^12");
        }
        let keys =
            Keys::new(self.key_minimum, keyspace, &self.key_pattern).map_err(Error::Usage)?;
        let mix = match &self.ratio {
            Some(ratio) => {
                let Some((set, get)) = ratio.split_once(':') else {
                    return bad("--ratio must be SET:GET, e.g. 1:10");
                };
                Mix::parse(&format!("set={set},get={get}"))
            }
            None => Mix::parse(&self.mix),
        };
        if self.value_size > 64 << 20 {
            return bad("--value-size must be at most 64 MB");
        }
        let duration = match (self.duration, self.requests) {
            (Some(d), _) if d > 0.0 && d <= MAX_DURATION_SECS => Duration::from_secs_f64(d),
            (Some(_), _) => return bad("--duration must be > 0 and at most 86400 seconds"),
            (None, Some(_)) => REQUESTS_ONLY_LIMIT,
            (None, None) => DEFAULT_DURATION,
        };
        if let Some(r) = self.rate
            && !(r.is_finite() && r > 0.0 && r <= 1e9)
        {
            return bad("--rate must be > 0 and at most 10^9 requests/s");
        }
        Ok(Load {
            // A thread with no connection would only spin.
            threads: self.threads.min(self.connections),
            connections: self.connections,
            pipeline: self.pipeline,
            requests: self.requests,
            duration,
            keyspace,
            keys,
            key_prefix: self.key_prefix.clone().into_bytes(),
            distinct_seed: self.distinct_client_seed,
            value_size: self.value_size,
            mix: mix.map_err(Error::Usage)?,
            rate: self.rate,
            prefill: self.prefill,
        })
    }
}

/// The server address, refused unless it is on this machine's loopback.
pub fn loopback(host: &str, port: u16) -> Result<SocketAddr, Error> {
    let ip = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse::<IpAddr>()
            .map_err(|_| Error::Usage(format!("--host: '{host}' is not an IP address")))?
    };
    if !ip.is_loopback() {
        return Err(Error::Usage(format!(
            "--host: {ip} is not a loopback address; muxis-bench only loads 127.0.0.0/8 or ::1"
        )));
    }
    if port == 0 {
        return Err(Error::Usage("--port must not be 0".into()));
    }
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(args: &[&str]) -> LoadFlags {
        let mut argv = vec!["muxis-bench"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("flags parse").run.load
    }

    #[test]
    fn every_load_is_bounded() {
        assert_eq!(flags(&[]).resolve().expect("ok").duration, DEFAULT_DURATION);
        let l = flags(&["--requests", "5"]).resolve().expect("ok");
        assert_eq!(l.duration, REQUESTS_ONLY_LIMIT);
        let l = flags(&["-d", "0.5", "-n", "5"]).resolve().expect("ok");
        assert_eq!(l.duration, Duration::from_millis(500));
        for bad in [
            &["-d", "0"][..],
            &["-d", "inf"],
            &["-d", "NaN"],
            &["-n", "0"],
            &["-c", "0"],
            &["--rate", "0"],
            &["--mix", "del=1"],
            &["--ratio", "1"],
            &["--key-pattern", "R:Q"],
            &["--key-minimum", "10", "--key-maximum", "9"],
        ] {
            assert!(flags(bad).resolve().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn memtier_flags_set_the_range_mix_and_patterns() {
        let l = flags(&[
            "--ratio",
            "1:10",
            "--key-minimum",
            "1",
            "--key-maximum",
            "100",
            "--key-pattern",
            "P:G",
            "--data-size",
            "32",
            "--distinct-client-seed",
        ])
        .resolve()
        .expect("ok");
        assert_eq!(l.mix.describe(), "get=10,set=1");
        assert_eq!((l.keys.first, l.keys.count, l.keyspace), (1, 100, 100));
        assert_eq!(l.keys.describe(), "P:G");
        assert_eq!(l.value_size, 32);
        assert!(l.distinct_seed);
        let cli = Cli::try_parse_from(["muxis-bench", "--ratio", "1:1", "--mix", "get"]);
        assert!(cli.is_err(), "--ratio and --mix conflict");
    }

    #[test]
    fn threads_never_exceed_connections() {
        let l = flags(&["-t", "8", "-c", "3"]).resolve().expect("ok");
        assert_eq!(l.threads, 3);
    }

    #[test]
    fn only_loopback_is_accepted() {
        assert!(loopback("127.0.0.1", 6379).is_ok());
        assert!(loopback("127.1.2.3", 6379).is_ok());
        assert!(loopback("::1", 6379).is_ok());
        assert!(loopback("localhost", 6379).is_ok());
        assert!(loopback("10.0.0.1", 6379).is_err());
        assert!(loopback("8.8.8.8", 6379).is_err());
        assert!(loopback("example.com", 6379).is_err());
        assert!(loopback("127.0.0.1", 0).is_err());
    }

    #[test]
    fn subcommand_is_optional() {
        let cli = Cli::try_parse_from(["muxis-bench", "--port", "7000"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.run.port, 7000);
        let cli = Cli::try_parse_from(["muxis-bench", "sweep", "--rounds", "2"]).expect("parses");
        assert!(matches!(cli.command, Some(Cmd::Sweep(s)) if s.rounds == 2));
    }
}
