//! Starts a server: binds the listener, spawns the I/O threads and the executor, wires their
//! channels and wakers, pins threads when asked.

use crate::config::Config;
use crate::engine::exec::{Executor, IoLink, Wake};
use crate::engine::state::Server;
use crate::net::reactor::{IoThread, MioWake, Peer};
use crate::shared::Shared;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Why a server could not start.
#[derive(Debug)]
pub enum StartError {
    Bind(SocketAddr, std::io::Error),
    Address(String),
    Cpu(String),
    Io(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            StartError::Address(m) | StartError::Cpu(m) => f.write_str(m),
            StartError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<std::io::Error> for StartError {
    fn from(e: std::io::Error) -> Self {
        StartError::Io(e)
    }
}

/// A running server.
pub struct Handle {
    /// The bound address (the real port when 0 was asked for).
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Handle {
    /// Asks the server to stop; it does within one executor tick.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The flag that stops the server when set (for signal handlers).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Waits for every thread to finish.
    pub fn wait(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Checks that every CPU asked for exists; returns the core ids to pin to.
fn check_cpus(config: &Config) -> Result<(), StartError> {
    let wanted: Vec<usize> = config
        .io_cpus
        .iter()
        .flatten()
        .copied()
        .chain(config.main_cpu)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let available: Vec<usize> = core_affinity::get_core_ids()
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.id)
        .collect();
    for cpu in wanted {
        if !available.contains(&cpu) {
            return Err(StartError::Cpu(format!(
                "CPU {cpu} is not available for pinning (available: {available:?})"
            )));
        }
    }
    Ok(())
}

fn pin(cpu: Option<usize>, what: &str) {
    if let Some(id) = cpu
        && !core_affinity::set_for_current(core_affinity::CoreId { id })
    {
        tracing::warn!("{what}: pinning to CPU {id} failed");
    }
}

/// Binds and starts every thread; returns once the server accepts connections.
pub fn start(config: Config) -> Result<Handle, StartError> {
    start_with_stop(config, Arc::new(AtomicBool::new(false)))
}

/// [`start`], with the flag that stops the server when set (signal handlers set it, so it is
/// registered before the server starts and no early signal is missed).
pub fn start_with_stop(config: Config, stop: Arc<AtomicBool>) -> Result<Handle, StartError> {
    check_cpus(&config)?;
    let ip: std::net::IpAddr = config
        .bind
        .parse()
        .map_err(|_| StartError::Address(format!("'{}' is not an IP address", config.bind)))?;
    let want = SocketAddr::new(ip, config.port);
    let listener = mio::net::TcpListener::bind(want).map_err(|e| StartError::Bind(want, e))?;
    let addr = listener.local_addr()?;
    let n = config.io_threads.max(1);
    let shared = Shared::new(n, &config);

    let (exec_tx, exec_rx) = crossbeam_channel::unbounded();
    let mut polls = Vec::with_capacity(n);
    let mut peers = Vec::with_capacity(n);
    let mut inboxes = Vec::with_capacity(n);
    for _ in 0..n {
        let poll = mio::Poll::new()?;
        let waker = Arc::new(MioWake(mio::Waker::new(
            poll.registry(),
            IoThread::waker_token(),
        )?));
        let (tx, rx) = crossbeam_channel::unbounded();
        peers.push(Peer { tx, waker });
        inboxes.push(rx);
        polls.push(poll);
    }
    let peers = Arc::new(peers);

    let mut threads = Vec::with_capacity(n + 1);
    let mut listener = Some(listener);
    for (i, (poll, rx)) in polls.into_iter().zip(inboxes).enumerate() {
        let io = IoThread::new(
            i,
            poll,
            if i == 0 { listener.take() } else { None },
            rx,
            exec_tx.clone(),
            peers.clone(),
            shared.clone(),
        )?;
        let cpu = config.io_cpus.as_ref().map(|c| c[i % c.len()]);
        threads.push(
            std::thread::Builder::new()
                .name(format!("muxis-io-{i}"))
                .spawn(move || {
                    pin(cpu, "io thread");
                    io.run();
                })?,
        );
    }
    drop(exec_tx);

    let links = peers
        .iter()
        .map(|p| IoLink {
            tx: p.tx.clone(),
            waker: p.waker.clone() as Arc<dyn Wake>,
        })
        .collect();
    tracing::info!(
        "muxis {} listening on {addr}; io-threads {n}, io-cpus {}, main-cpu {}, maxclients {}, databases {}{}",
        env!("CARGO_PKG_VERSION"),
        config
            .io_cpus
            .as_ref()
            .map_or("unpinned".to_string(), |c| format!("{c:?}")),
        config
            .main_cpu
            .map_or("unpinned".to_string(), |c| c.to_string()),
        config.maxclients,
        config.databases,
        if config.stub_engine { ", STUB ENGINE (no keyspace)" } else { "" },
    );
    let main_cpu = config.main_cpu;
    let srv = Server::new(config, addr, shared);
    let executor = Executor::new(srv, exec_rx, links, stop.clone());
    threads.push(
        std::thread::Builder::new()
            .name("muxis-main".into())
            .spawn(move || {
                pin(main_cpu, "main thread");
                executor.run();
            })?,
    );
    Ok(Handle {
        addr,
        stop,
        threads,
    })
}
