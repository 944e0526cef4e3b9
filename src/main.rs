//! The `muxis` binary: parse flags, start tracing, run the server, map the result to an exit
//! code.

use clap::Parser;
use muxis::config::{Args, Config};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

muxis::use_allocator!();

fn run() -> Result<(), Box<dyn std::error::Error>> {
    muxis::crash::install();
    let args = Args::parse();
    let config = Config::from_args(&args)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(config.tracing_level())),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, stop.clone())?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, stop.clone())?;
    let handle = muxis::server::start_with_stop(config, stop)?;
    handle.wait();
    tracing::info!("muxis is now ready to exit, bye bye...");
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
