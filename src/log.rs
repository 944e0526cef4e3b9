//! Logging: tracing to `logfile` (standard output when ""), at `loglevel`, which CONFIG
//! SET changes at runtime. Only the binary sets it up; servers started in-process (tests)
//! log nowhere unless their host does, and `set_level` is then a no-op.

use crate::config::Config;
use std::sync::OnceLock;
use tracing_subscriber::{EnvFilter, Registry, reload};

static FILTER: OnceLock<reload::Handle<EnvFilter, Registry>> = OnceLock::new();

/// The filter for `config`: `RUST_LOG` wins when set, for debugging.
fn filter(config: &Config) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(config.tracing_level()))
}

/// Installs the global subscriber. Fails when `logfile` cannot be opened for appending
/// (Redis refuses to start then too).
pub fn init(config: &Config) -> std::io::Result<()> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let (filter, handle) = reload::Layer::new(filter(config));
    let fmt = tracing_subscriber::fmt::layer().with_target(false);
    let registry = tracing_subscriber::registry().with(filter);
    let r = if config.logfile.is_empty() {
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
        registry
            .with(fmt.with_writer(std::io::stdout).with_ansi(ansi))
            .try_init()
    } else {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&config.logfile)
            .map_err(|e| std::io::Error::new(e.kind(), format!("Can't open the log file: {e}")))?;
        registry
            .with(
                fmt.with_writer(std::sync::Mutex::new(file))
                    .with_ansi(false),
            )
            .try_init()
    };
    if r.is_ok() {
        let _ = FILTER.set(handle);
    }
    Ok(())
}

/// Applies a new `loglevel` (CONFIG SET).
pub fn set_level(config: &Config) {
    if let Some(h) = FILTER.get() {
        let _ = h.reload(filter(config));
    }
}
