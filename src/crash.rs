//! What a bug does: a panic anywhere in the server prints a bug report and aborts the
//! process, as Redis does on `serverPanic`/`serverAssert` ("=== REDIS BUG REPORT START").
//!
//! Why abort rather than catch the panic and answer that command with an error:
//! - a handler that panics may leave the keyspace half-changed (an element popped but not
//!   pushed, a key in the map but not in the expiry index) and the executor's own indexes
//!   (blocked clients, WATCH, the propagated stream) out of step with it. Serving on from
//!   that state would hand clients, and later the AOF and replicas, data that is silently
//!   wrong, which is worse for a data store than going down loudly;
//! - a panic on an I/O thread strands that thread's connections, and the executor cannot
//!   tell which: no partial recovery is sound there either;
//! - supervisors (systemd, Kubernetes, redis-sentinel setups) restart a process that
//!   exits; they cannot see a server that is up but broken.
//!
//! So the binary installs [`install`] before starting: the report goes where the log goes
//! (`logfile`, or standard output), then `abort()` ends the process with SIGABRT. An embedding program (the
//! in-process tests) that does not install it still never hangs: the executor's unwinding
//! tells every I/O thread to close its connections (see `engine/exec.rs`).

use std::io::Write;

/// The first and last lines of a bug report, as Redis words them.
pub const REPORT_START: &str = "=== MUXIS BUG REPORT START: Cut & paste starting from here ===";
pub const REPORT_END: &str =
    "=== MUXIS BUG REPORT END. Make sure to include from START to END. ===";

/// Makes every panic write a bug report to `logfile` ("" for standard output, as the log)
/// and abort the process.
pub fn install(logfile: &str) {
    let logfile = logfile.to_string();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        let location = info
            .location()
            .map_or(String::new(), |l| format!(" #{}:{}", l.file(), l.line()));
        let backtrace = std::backtrace::Backtrace::force_capture();
        // One write of the whole report, so lines from other threads cannot interleave.
        let report = format!(
            "\n\n{REPORT_START}\n# muxis {} crashed by a panic in thread '{name}'\n\
             # Guru Meditation: {message}{location}\n\n------ STACK TRACE ------\n\n\
             {backtrace}\n{REPORT_END}\n\n",
            env!("CARGO_PKG_VERSION"),
        );
        let written = if logfile.is_empty() {
            std::io::stdout().lock().write_all(report.as_bytes())
        } else {
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&logfile)
                .and_then(|mut f| f.write_all(report.as_bytes()))
        };
        if written.is_err() {
            let _ = std::io::stderr().lock().write_all(report.as_bytes());
        }
        std::process::abort();
    }));
}
