//! `muxis-bench sweep`: starts muxis at io-threads 1..=N (unpinned, and pinned with --pin),
//! optionally alternating with another server, loads each run the same way, and reports the
//! median per configuration, the ratio to the other server, a CSV row per run and an SVG.
//!
//! Runs alternate (muxis config, other server, next config, other server, ...) and each
//! muxis run is divided by the other-server run right after it, so drift of the machine
//! (thermal, noisy neighbours) cancels in the ratio.

use crate::args::{Load, SweepFlags};
use crate::blocking;
use crate::error::Error;
use crate::plot::{self, Series};
use crate::report::{self, Summary, Value, per};
use crate::run::{self, Progress};
use crate::server::{self, Server};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// One muxis configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub io_threads: usize,
    pub pinned: bool,
}

/// One measured run.
struct Record {
    round: usize,
    /// None: another server (`other`).
    config: Option<Config>,
    /// Which other server, when `config` is None.
    other: usize,
    summary: Summary,
    server_cpu_s: f64,
    /// This muxis run's throughput over the first other server's run that followed it.
    ratio: Option<f64>,
}

impl Record {
    fn server_cpu_s_per_mreq(&self) -> f64 {
        per(self.server_cpu_s * 1e6, self.summary.ops as f64)
    }
}

/// Every configuration to run, in order: io-threads 1..=max, each unpinned then pinned.
pub fn configs(max: usize, pin: bool) -> Vec<Config> {
    let mut out = Vec::new();
    for io_threads in 1..=max {
        out.push(Config {
            io_threads,
            pinned: false,
        });
        if pin {
            out.push(Config {
                io_threads,
                pinned: true,
            });
        }
    }
    out
}

/// muxis's command line for `config` on `port`: pinned runs put I/O thread i (i >= 1) on
/// CPU i - 1 mod cores and the executor (with I/O thread 0) on the last core.
pub fn muxis_argv(bin: &Path, config: Config, port: u16, cores: usize) -> Vec<String> {
    let mut argv: Vec<String> = vec![bin.display().to_string()];
    let n = config.io_threads.to_string();
    argv.extend(
        [
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--io-threads",
            &n,
            "--loglevel",
            "warning",
        ]
        .map(String::from),
    );
    if config.pinned {
        // I/O thread 0 is the executor's own thread; the others take the CPUs in turn.
        let cpus: Vec<String> = (1..config.io_threads.max(2))
            .map(|i| ((i - 1) % cores).to_string())
            .collect();
        argv.extend([
            "--io-cpus".into(),
            cpus.join(","),
            "--main-cpu".into(),
            (cores - 1).to_string(),
        ]);
    }
    argv
}

/// `--compare-cmd`'s (label, words): `NAME=CMD` or just `CMD`, labelled by its program.
fn other_server(cmd: &str) -> Result<(String, Vec<String>), Error> {
    let (name, cmd) = match cmd.split_once('=') {
        Some((n, rest))
            if !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) =>
        {
            (Some(n.to_string()), rest)
        }
        _ => (None, cmd),
    };
    let words = match server::split_words(cmd) {
        Some(w) if !w.is_empty() => w,
        _ => {
            return Err(Error::Usage(
                "--compare-cmd: empty or unbalanced quotes".into(),
            ));
        }
    };
    let name = name.unwrap_or_else(|| {
        Path::new(&words[0])
            .file_name()
            .map_or(words[0].clone(), |n| n.to_string_lossy().into_owned())
    });
    Ok((name, words))
}

/// The `muxis` binary next to this executable, as cargo and installs place them.
fn default_server_bin() -> Result<PathBuf, Error> {
    let me = std::env::current_exe().map_err(Error::io("locating muxis-bench"))?;
    let bin = me.with_file_name("muxis");
    if !bin.is_file() {
        return Err(Error::Usage(format!(
            "no muxis binary at {}; pass --server-bin",
            bin.display()
        )));
    }
    Ok(bin)
}

/// The `sweep` subcommand. Ok(false) when a run lost connections.
pub fn main(flags: &SweepFlags, stop: &Arc<AtomicBool>) -> Result<bool, Error> {
    let load = flags.load.resolve()?;
    let bin = match &flags.server_bin {
        Some(b) => b.clone(),
        None => default_server_bin()?,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = flags.max_io_threads.unwrap_or(cores);
    if !(1..=128).contains(&max) {
        return Err(Error::Usage("--max-io-threads must be 1..=128".into()));
    }
    if !(1..=100).contains(&flags.rounds) {
        return Err(Error::Usage("--rounds must be 1..=100".into()));
    }
    let mut others: Vec<(String, Vec<String>)> = Vec::new();
    for cmd in &flags.compare_cmd {
        others.push(other_server(cmd)?);
    }
    let bench = Bench {
        load: &load,
        progress: Progress::pick(flags.progress),
        stop,
    };
    let configs = configs(max, flags.pin);
    let mut records: Vec<Record> = Vec::new();
    'rounds: for round in 1..=flags.rounds {
        for &config in &configs {
            if stop.load(Ordering::Relaxed) {
                break 'rounds;
            }
            let port = server::free_port()?;
            let argv = muxis_argv(&bin, config, port, cores);
            let name = label(config);
            let rec = measure(&bench, round, Some(config), &name, &argv, port)?;
            records.push(rec);
            let mine = records.len() - 1;
            for (i, (other_name, words)) in others.iter().enumerate() {
                let port = server::free_port()?;
                let argv: Vec<String> = words
                    .iter()
                    .map(|w| w.replace("{port}", &port.to_string()))
                    .collect();
                let mut rec = measure(&bench, round, None, other_name, &argv, port)?;
                rec.other = i;
                if i == 0 {
                    let ratio = per(
                        records[mine].summary.ops_per_sec(),
                        rec.summary.ops_per_sec(),
                    );
                    records[mine].ratio = Some(ratio);
                }
                records.push(rec);
            }
        }
    }
    let names: Vec<&str> = others.iter().map(|o| o.0.as_str()).collect();
    let rows = medians(&configs, &records, others.len());
    print!("{}", table(&rows, &names));
    if let Some(path) = &flags.csv {
        write(path, &csv(&records, &names))?;
    }
    if let Some(path) = &flags.svg {
        write(path, &svg(&rows, &names))?;
    }
    Ok(records.iter().all(|r| r.summary.conn_errors == 0))
}

/// Starts the server, prefills if asked, runs the load, reads the server's CPU before and
/// after the measured part, stops the server.
/// What every run of a sweep shares.
struct Bench<'a> {
    load: &'a Load,
    progress: Progress,
    stop: &'a Arc<AtomicBool>,
}

fn measure(
    bench: &Bench,
    round: usize,
    config: Option<Config>,
    name: &str,
    argv: &[String],
    port: u16,
) -> Result<Record, Error> {
    let load = bench.load;
    let mut server = Server::start(argv, port)?;
    if load.prefill {
        blocking::prefill(server.addr, load)?;
    }
    let cpu0 = server.cpu()?;
    let summary = run::execute(server.addr, load, bench.progress, bench.stop)?;
    let cpu1 = server.cpu()?;
    server.stop();
    eprintln!(
        "round {round}  {name:<24} {:>10.0} ops/s  p99 {:>8.1} µs  errors {}",
        summary.ops_per_sec(),
        summary.latency.p99,
        summary.errors + summary.conn_errors
    );
    Ok(Record {
        round,
        config,
        other: 0,
        summary,
        server_cpu_s: cpu1.saturating_sub(cpu0).as_secs_f64(),
        ratio: None,
    })
}

fn label(c: Config) -> String {
    let pin = if c.pinned { " pinned" } else { "" };
    format!("muxis io-threads {}{pin}", c.io_threads)
}

/// The medians of one configuration's runs.
pub struct Row {
    pub config: Option<Config>,
    /// Which other server, when `config` is None.
    pub other: usize,
    pub runs: usize,
    pub ops_per_sec: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub server_cpu_per_mreq: f64,
    pub client_cpu_per_mreq: f64,
    pub ratio: Option<f64>,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn medians(configs: &[Config], records: &[Record], others: usize) -> Vec<Row> {
    let groups = configs
        .iter()
        .map(|c| (Some(*c), 0))
        .chain((0..others).map(|i| (None, i)));
    groups
        .map(|(config, other)| {
            let mine: Vec<&Record> = records
                .iter()
                .filter(|r| r.config == config && (config.is_some() || r.other == other))
                .collect();
            let m = |f: &dyn Fn(&Record) -> f64| median(mine.iter().map(|r| f(r)).collect());
            let ratios: Vec<f64> = mine.iter().filter_map(|r| r.ratio).collect();
            Row {
                config,
                other,
                runs: mine.len(),
                ops_per_sec: m(&|r| r.summary.ops_per_sec()),
                p50_us: m(&|r| r.summary.latency.p50),
                p99_us: m(&|r| r.summary.latency.p99),
                server_cpu_per_mreq: m(&|r| r.server_cpu_s_per_mreq()),
                client_cpu_per_mreq: m(&|r| r.summary.client_cpu_s_per_mreq()),
                ratio: (!ratios.is_empty()).then(|| median(ratios)),
            }
        })
        .collect()
}

fn table(rows: &[Row], names: &[&str]) -> String {
    let mut out = format!(
        "{:<12} {:>10} {:>6} {:>4} {:>12} {:>9} {:>9} {:>13} {:>13} {:>9}\n",
        "server",
        "io-threads",
        "pinned",
        "runs",
        "ops/s",
        "p50 µs",
        "p99 µs",
        "srv CPU s/M",
        "cli CPU s/M",
        "vs other"
    );
    for r in rows {
        let (server, threads, pinned) = match r.config {
            Some(c) => (
                "muxis",
                c.io_threads.to_string(),
                if c.pinned { "yes" } else { "no" },
            ),
            None => (
                names.get(r.other).copied().unwrap_or("other"),
                "-".into(),
                "-",
            ),
        };
        let ratio = r.ratio.map_or("-".into(), |x| format!("{x:.3}"));
        out += &format!(
            "{server:<12} {threads:>10} {pinned:>6} {:>4} {:>12.0} {:>9.1} {:>9.1} {:>13.3} {:>13.3} {ratio:>9}\n",
            r.runs, r.ops_per_sec, r.p50_us, r.p99_us, r.server_cpu_per_mreq, r.client_cpu_per_mreq
        );
    }
    out
}

/// Column names before the run summary's own fields.
const CSV_PREFIX: &str = "round,server,io_threads,pinned,server_cpu_s,server_cpu_s_per_mreq,server_cpu_pct,ratio_vs_other";

fn csv(records: &[Record], names: &[&str]) -> String {
    let mut out = format!("{CSV_PREFIX},{}\n", Summary::csv_header());
    for r in records {
        let (server, threads, pinned) = match r.config {
            Some(c) => ("muxis", c.io_threads as u64, u64::from(c.pinned)),
            None => (names.get(r.other).copied().unwrap_or("other"), 0, 0),
        };
        let prefix = [
            Value::Int(r.round as u64),
            Value::Str(server.into()),
            Value::Int(threads),
            Value::Int(pinned),
            Value::Num(r.server_cpu_s),
            Value::Num(r.server_cpu_s_per_mreq()),
            Value::Num(per(r.server_cpu_s * 100.0, r.summary.elapsed_s)),
            Value::Num(r.ratio.unwrap_or(0.0)),
        ];
        let cells: Vec<String> = prefix.iter().map(report::csv_value).collect();
        out += &format!("{},{}\n", cells.join(","), r.summary.csv_row());
    }
    out
}

fn svg(rows: &[Row], names: &[&str]) -> String {
    let mut series = Vec::new();
    for pinned in [false, true] {
        let points: Vec<plot::Point> = rows
            .iter()
            .filter_map(|r| {
                let c = r.config.filter(|c| c.pinned == pinned)?;
                Some((c.io_threads as f64, r.ops_per_sec, r.p99_us))
            })
            .collect();
        if !points.is_empty() {
            let name = if pinned { "muxis pinned" } else { "muxis" };
            series.push(Series {
                name: name.into(),
                points,
            });
        }
    }
    let others: Vec<plot::Reference> = rows
        .iter()
        .filter(|r| r.config.is_none())
        .map(|r| {
            let name = names.get(r.other).copied().unwrap_or("other");
            (name, r.ops_per_sec, r.p99_us)
        })
        .collect();
    plot::render(&series, &others)
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(Error::io(format!("writing {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_configs_cycle_cpus_and_put_main_last() {
        assert_eq!(configs(2, true).len(), 4);
        assert_eq!(configs(3, false).len(), 3);
        let c = Config {
            io_threads: 3,
            pinned: true,
        };
        let argv = muxis_argv(Path::new("/bin/muxis"), c, 7000, 2);
        let tail: Vec<&str> = argv[argv.len() - 4..].iter().map(String::as_str).collect();
        assert_eq!(tail, ["--io-cpus", "0,1", "--main-cpu", "1"]);
        assert!(argv.contains(&"7000".to_string()));
    }

    #[test]
    fn other_servers_are_labelled_by_name_or_program() {
        let (name, words) = other_server("redis8=/opt/redis-server --port {port}").unwrap();
        assert_eq!(name, "redis8");
        assert_eq!(words, ["/opt/redis-server", "--port", "{port}"]);
        let (name, _) = other_server("/usr/bin/redis-server --save ''").unwrap();
        assert_eq!(name, "redis-server");
        // An `=` inside the command is not a label.
        let (name, words) = other_server("valkey-server --dir=/tmp").unwrap();
        assert_eq!(name, "valkey-server");
        assert_eq!(words[1], "--dir=/tmp");
        assert!(other_server("x=").is_err());
        assert!(other_server("'unbalanced").is_err());
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(vec![]), 0.0);
    }
}
