//! The `muxis` binary: read the command line and config file as `redis-server` does,
//! daemonize if asked (before any thread starts), log, write the pidfile, run the server,
//! map the result to an exit code. The start-up and shutdown log lines carry the phrases
//! scripts wait for in Redis's ("Server initialized", "Ready to accept connections",
//! "ready to exit, bye bye").

use muxis::config::{Args, Config, HELP};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

muxis::use_allocator!();

/// Where a daemonized server writes its pid when no `pidfile` is given (Redis uses
/// /var/run/redis.pid).
const DEFAULT_PIDFILE: &str = "/var/run/muxis.pid";

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse_from(std::env::args().skip(1));
    if args.help {
        print!("{HELP}");
        return Ok(());
    }
    if args.version {
        println!(
            "muxis v={} (speaks Redis 7.0.15)",
            env!("CARGO_PKG_VERSION")
        );
        return Ok(());
    }
    let config = Config::from_args(&args)?;
    if config.daemonize {
        daemonize()?;
    }
    muxis::log::init(&config)?;
    // From here a panic anywhere is a bug report in the log and an abort (see crash.rs).
    muxis::crash::install(&config.logfile);
    tracing::warn!("oO0OoO0OoO0Oo muxis is starting oO0OoO0OoO0Oo");
    tracing::warn!(
        "muxis version={}, bits=64, pid={}, just started",
        env!("CARGO_PKG_VERSION"),
        std::process::id()
    );
    match &config.config_file {
        Some(_) => tracing::warn!("Configuration loaded"),
        None => tracing::warn!(
            "Warning: no config file specified, using the default config. In order to specify a config file use muxis /path/to/redis.conf"
        ),
    }
    let pidfile = match (&config.pidfile, config.daemonize) {
        (p, _) if !p.is_empty() => Some(p.clone()),
        (_, true) => Some(DEFAULT_PIDFILE.to_string()),
        _ => None,
    };
    if let Some(p) = &pidfile
        && let Err(e) = std::fs::write(p, format!("{}\n", std::process::id()))
    {
        // As Redis: a pidfile that cannot be written is worth a warning, not a stop.
        tracing::warn!("Failed to write PID file: {e}");
    }
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, stop.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, stop.clone())?;
    let unix = config.unixsocket.is_some();
    let handle = match muxis::server::start_with_stop(config, stop) {
        Ok(h) => h,
        Err(e) => {
            remove_pidfile(pidfile.as_deref());
            return Err(e.into());
        }
    };
    tracing::warn!("Server initialized");
    tracing::info!("Ready to accept connections tcp");
    if unix {
        tracing::info!("Ready to accept connections unix");
    }
    handle.wait();
    remove_pidfile(pidfile.as_deref());
    tracing::warn!("muxis is now ready to exit, bye bye...");
    Ok(())
}

fn remove_pidfile(path: Option<&str>) {
    if let Some(p) = path {
        tracing::info!("Removing the pid file.");
        let _ = std::fs::remove_file(p);
    }
}

/// Forks into the background as Redis's `daemonize()`: the parent exits, the child starts
/// a new session with standard input and outputs on /dev/null. Must run before any thread
/// is started: only the calling thread survives a fork.
fn daemonize() -> std::io::Result<()> {
    // SAFETY: no other thread exists yet (nothing has been spawned: logging, signal flags
    // and the server all start after this), so the child inherits a consistent process.
    match unsafe { libc::fork() } {
        -1 => return Err(std::io::Error::last_os_error()),
        0 => {}
        _ => std::process::exit(0),
    }
    // SAFETY: setsid has no memory effects; it only detaches the child from the terminal.
    unsafe { libc::setsid() };
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    use std::os::fd::AsRawFd;
    for fd in 0..3 {
        // SAFETY: both descriptors are open (ours for the call's duration; 0..3 are the
        // standard streams); dup2 only replaces the standard stream's descriptor.
        unsafe { libc::dup2(null.as_raw_fd(), fd) };
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("muxis: {e}");
            ExitCode::FAILURE
        }
    }
}
