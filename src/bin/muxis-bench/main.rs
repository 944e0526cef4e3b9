//! `muxis-bench`: a load generator for benchmarking muxis and other Redis-compatible servers
//! on loopback. `run` drives one server; `sweep` starts muxis at each io-threads count (and
//! optionally another server) and compares them. See `muxis-bench --help`.
//!
//! # Layout
//!
//! - [`args`]: clap flags, resolved into a bounded, loopback-only [`args::Load`].
//! - [`run`]: connects, starts the client threads, prints progress, builds the summary.
//! - [`load`]: one client thread's event loop (closed loop or open-loop schedule).
//! - [`conn`]: one connection's buffers and in-flight start times.
//! - [`resp`]: the reply scanner (counts replies, never panics on bad input).
//! - [`mix`]: the command mix and request encoding.
//! - [`hist`]: HDR latency histograms. [`timer`]: the open loop's timerfd.
//! - [`cpu`]: client and server CPU time. [`blocking`]: PING and prefill.
//! - [`report`]: the summary in text, JSON or CSV.
//! - [`sweep`], [`server`], [`plot`]: the sweep, its child servers, its SVG.

mod args;
mod blocking;
mod conn;
mod cpu;
mod error;
mod hist;
mod keys;
mod load;
mod mix;
mod plot;
mod report;
mod resp;
mod run;
mod server;
mod sweep;
mod timer;

use args::Cmd;
use error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Ok(false): the benchmark ran but lost connections, so its numbers are suspect.
fn run() -> Result<bool, Error> {
    let cli = args::parse();
    // Ctrl-C ends the load early and still reports (and stops any server a sweep started).
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, stop.clone()).map_err(Error::io("signal handler"))?;
    }
    match cli.command.unwrap_or(Cmd::Run(cli.run)) {
        Cmd::Run(flags) => run::main(&flags, &stop),
        Cmd::Sweep(flags) => sweep::main(&flags, &stop),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("muxis-bench: connections were lost; see conn_errors");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("muxis-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
