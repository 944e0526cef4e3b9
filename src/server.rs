//! Starts a server: binds the listeners, spawns the I/O threads and the executor, wires their
//! channels and wakers, pins threads when asked.

use crate::config::Config;
use crate::engine::dispatch::Engine;
use crate::engine::effects::Sink;
use crate::engine::exec::host::Inline;
use crate::engine::exec::{Executor, IoLink, Wake};
use crate::engine::msg::ToIo;
use crate::engine::state::Server;
use crate::engine::table::Table;
use crate::net::listen::{self, Listener};
use crate::net::reactor::{Hosted, IoThread, MioWake, Peer, Peers};
use crate::shared::Shared;
use parking_lot::Mutex;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Why a server could not start.
#[derive(Debug)]
pub enum StartError {
    Bind(String, std::io::Error),
    Address(String),
    Cpu(String),
    Io(std::io::Error),
    /// Bad ACL users (the `aclfile` or `user` directives).
    Acl(String),
    /// The data files could not be loaded.
    Load(String),
    /// The `tls-*` settings are wrong (a file missing or unreadable, a bad value).
    Tls(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            StartError::Address(m) | StartError::Cpu(m) | StartError::Load(m) => f.write_str(m),
            StartError::Tls(m) => write!(f, "Failed to configure TLS: {m}"),
            StartError::Acl(m) => write!(f, "Aborting Redis startup because of ACL errors: {m}"),
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
    /// The bound `tls-port` address, if TLS is on.
    pub tls_addr: Option<SocketAddr>,
    stop: Arc<AtomicBool>,
    main: Option<JoinHandle<()>>,
    /// The I/O threads, including any started at runtime.
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
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

    /// Waits for every thread to finish: the executor, then each I/O thread it told to stop.
    pub fn wait(mut self) {
        if let Some(main) = self.main.take() {
            let _ = main.join();
        }
        loop {
            let next = self.threads.lock().pop();
            match next {
                Some(t) => {
                    let _ = t.join();
                }
                None => return,
            }
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
    let available = crate::pin::available();
    for cpu in wanted {
        if !available.contains(&cpu) {
            return Err(StartError::Cpu(format!(
                "CPU {cpu} is not available for pinning (available: {available:?})"
            )));
        }
    }
    Ok(())
}

/// An I/O thread's two queues as the executor holds them: its control messages, and the
/// batches it sends.
type Lines = (
    crossbeam_channel::Sender<ToIo>,
    crossbeam_channel::Receiver<crate::engine::msg::Batch>,
);

/// Starts I/O threads, at start-up and when `CONFIG SET io-threads` adds some.
struct Spawner {
    peers: Peers,
    shared: Arc<Shared>,
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    table: &'static Table,
}

impl Spawner {
    /// Makes I/O thread `i`'s reactor, owning `listeners`, and lists it among the peers.
    fn reactor(
        &self,
        i: usize,
        listeners: Vec<Listener>,
    ) -> std::io::Result<(IoThread, Lines, Arc<MioWake>)> {
        let poll = mio::Poll::new()?;
        let waker = Arc::new(MioWake(mio::Waker::new(
            poll.registry(),
            IoThread::waker_token(),
        )?));
        let (tx, rx) = crossbeam_channel::unbounded();
        let (batch_tx, batch_rx) = crossbeam_channel::unbounded();
        {
            let mut peers = self.peers.write();
            if peers.len() <= i {
                peers.resize_with(i + 1, || None);
            }
            peers[i] = Some(Peer {
                tx: tx.clone(),
                waker: waker.clone(),
            });
        }
        let io = IoThread::new(
            i,
            poll,
            listeners,
            rx,
            batch_tx,
            self.peers.clone(),
            self.shared.clone(),
            self.table,
        )?;
        Ok((io, (tx, batch_rx), waker))
    }

    /// Starts I/O thread `i` (never 0: that one runs on the executor's thread), pinned to
    /// `cpus` if any.
    fn spawn(&self, i: usize, cpus: Vec<usize>) -> std::io::Result<IoLink> {
        let (io, (tx, rx), waker) = self.reactor(i, Vec::new())?;
        let handle = std::thread::Builder::new()
            .name(format!("muxis-io-{i}"))
            .spawn(move || {
                if !cpus.is_empty() && !crate::pin::set(&cpus) {
                    tracing::warn!("io thread {i}: pinning to {cpus:?} failed");
                }
                io.run();
            })?;
        self.threads.lock().push(handle);
        Ok(IoLink {
            tx,
            waker: waker as Arc<dyn Wake>,
            rx,
        })
    }
}

/// Binds and starts every thread; returns once the server accepts connections.
pub fn start(config: Config) -> Result<Handle, StartError> {
    start_with_stop(config, Arc::new(AtomicBool::new(false)))
}

/// [`start`], with the flag that stops the server when set (signal handlers set it, so it is
/// registered before the server starts and no early signal is missed).
pub fn start_with_stop(config: Config, stop: Arc<AtomicBool>) -> Result<Handle, StartError> {
    start_observed(config, stop, Vec::new())
}

/// [`start_with_stop`], with readers of the propagated stream installed from the first
/// command on (see `engine/effects.rs`). Tests use it to record what the server propagates;
/// the AOF writer and replicas will be such readers.
pub fn start_observed(
    config: Config,
    stop: Arc<AtomicBool>,
    sinks: Vec<Sink>,
) -> Result<Handle, StartError> {
    check_cpus(&config)?;
    let users = crate::acl::file::initial_users(&config).map_err(StartError::Acl)?;
    let bind = listen::parse_bind(&config.bind).map_err(StartError::Address)?;
    let unix = config
        .unixsocket
        .as_deref()
        .map(|p| (p, config.unixsocketperm));
    // TLS settings are checked before binding anything: a bad file stops the start.
    let tls_port = crate::net::tls_config::tls_port(&config);
    let tls = match tls_port {
        0 => None,
        _ => Some(crate::net::tls_config::build(&config).map_err(StartError::Tls)?),
    };
    let (mut listeners, addr) = listen::bind_all(&bind, config.port, unix, config.tcp_backlog)
        .map_err(|e| StartError::Bind(e.what, e.error))?;
    let n = config.io_threads.max(1);
    let shared = Shared::new(n, &config);
    let mut tls_addr = None;
    if let Some(tls) = tls {
        *shared.tls.write() = Some(tls);
        let (tls_listeners, a) = listen::bind_tls(&bind, tls_port, config.tcp_backlog, &shared.tls)
            .map_err(|e| StartError::Bind(e.what, e.error))?;
        listeners.extend(tls_listeners);
        tls_addr = Some(a);
        tracing::info!("TLS listening on {a}");
    }

    let spawner = Spawner {
        peers: Arc::new(parking_lot::RwLock::new(Vec::new())),
        shared: shared.clone(),
        threads: Arc::new(Mutex::new(Vec::new())),
        table: &crate::cmd::TABLE,
    };
    // Thread 0 owns the listeners and runs on the executor's thread (`engine/exec/host.rs`);
    // it is made last, so every thread it may hand a new connection to is already there.
    let mut links: Vec<Option<IoLink>> = (0..n).map(|_| None).collect();
    for i in (1..n).rev() {
        links[i] = Some(spawner.spawn(i, config.io_cpus_for(i))?);
    }
    let (io0, (tx0, rx0), waker0) = spawner.reactor(0, listeners)?;
    shared.bell.install(waker0);
    links[0] = Some(IoLink {
        tx: tx0,
        waker: Arc::new(Inline),
        rx: rx0,
    });
    let host = Box::new(Hosted::new(io0));
    let links: Vec<IoLink> = links.into_iter().flatten().collect();
    let threads = spawner.threads.clone();
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
        if config.stub_engine {
            ", STUB ENGINE (no keyspace)"
        } else {
            ""
        },
    );
    let main_cpu: Vec<usize> = config.main_cpu.into_iter().collect();
    let mut srv = Server::new(config, addr, shared);
    srv.load_users(users);
    let mut engine = Engine::new(srv, &crate::cmd::TABLE, links.len());
    // The AOF is loaded before anyone reads the stream, so its commands go nowhere. As in
    // Redis, the AOF (when on) is the dataset; otherwise `dbfilename` is loaded.
    let aof_on = engine.srv.config.get("appendonly").as_deref() == Some("yes");
    let loaded = crate::persist::aof::start(&mut engine).and_then(|()| {
        if aof_on || engine.srv.config.stub_engine {
            Ok(())
        } else {
            crate::persist::file::load_at_start(&mut engine.srv)
        }
    });
    if let Err(e) = loaded {
        for link in &links {
            let _ = link.tx.send(crate::engine::msg::ToIo::Shutdown);
            link.waker.wake();
        }
        return Err(StartError::Load(e));
    }
    for sink in sinks {
        engine.srv.effects.add_sink(sink);
    }
    engine.srv.update_expired_tracking();
    let spawn = Box::new(move |i, cpus| spawner.spawn(i, cpus));
    let executor = Executor::new(engine, links, spawn, stop.clone());
    let main = std::thread::Builder::new()
        .name("muxis-main".into())
        .spawn(move || {
            if !main_cpu.is_empty() && !crate::pin::set(&main_cpu) {
                tracing::warn!("main thread: pinning to {main_cpu:?} failed");
            }
            executor.run(host);
        })?;
    Ok(Handle {
        addr,
        tls_addr,
        stop,
        main: Some(main),
        threads,
    })
}
