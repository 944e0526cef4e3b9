//! The executor's state: databases, clients, settings and counters. Owned by the executor
//! thread alone, so nothing here is locked.

use super::blocking::{BlockSpec, Blocking};
use super::client::Client;
use super::effects::Effects;
use super::multi::Watches;
use super::pubsub::PubSub;
use crate::config::Config;
use crate::db::Db;
use crate::shared::Shared;
use crate::stats::ExecStats;
use crate::util::rand::Rng;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

pub struct Server {
    pub dbs: Vec<Db>,
    pub clients: HashMap<u64, Client, ahash::RandomState>,
    pub config: Config,
    /// The address the listener is bound to (the real port when 0 was asked for).
    pub addr: std::net::SocketAddr,
    pub shared: Arc<Shared>,
    pub stats: ExecStats,
    /// Unix time in milliseconds, refreshed once per batch: every command of a batch sees
    /// the same clock, as Redis caches it per command.
    pub now_ms: u64,
    /// The monotonic clock, refreshed with `now_ms` (client idle times).
    pub clock: Instant,
    /// The OS's monotonic clock at a TSC reading, which `clock` is derived from.
    clocks: crate::util::clock::Clocks,
    pub started: Instant,
    pub rng: Rng,
    /// Set by SHUTDOWN (or a signal): the executor stops after this round.
    pub shutdown: bool,
    /// Blocked clients and ready keys.
    pub blocking: Blocking,
    /// Set by a handler that blocks ([`Ctx::block`](super::ctx::Ctx::block)); taken by the
    /// executor right after the handler returns.
    pub block_request: Option<BlockSpec>,
    /// Set by EXEC's handler with the queued commands; the executor runs them right after.
    pub exec_request: Option<Vec<(u16, Vec<bytes::Bytes>)>>,
    pub watches: Watches,
    /// Set by CONFIG SET io-threads; applied by the executor after this round.
    pub resize_request: Option<usize>,
    /// Set by CONFIG SET io-cpus / main-cpu.
    pub repin_request: bool,
    /// A previous io-threads change is still moving connections.
    pub resizing: bool,
    pub pubsub: PubSub,
    /// Client-side caching: tracked keys, prefixes, queued invalidations.
    pub tracking: super::tracking::Tracking,
    /// Other clients a command closed (CLIENT KILL): the executor closes each after the
    /// command, once what is owed to them so far is written.
    pub pending_closes: Vec<crate::engine::out::Target>,
    /// Clients with CLIENT NO-TOUCH on: while there are none, no command looks its
    /// client up to know.
    pub no_touch_clients: usize,
    /// What commands really did: dirty count, modified keys, the propagated stream.
    pub effects: Effects,
    /// Candidates for eviction, kept between evictions (`engine/evict.rs`).
    pub evict_pool: crate::db::Pool,
    pub evict_stats: super::evict::EvictStats,
    /// The database the random policies evict from next.
    pub next_evict_db: usize,
    /// The lazy-free thread every database hands big values to.
    pub lazy: crate::db::Lazy,
    /// Saves, save points, the background save in progress.
    pub persist: crate::persist::State,
    /// Users, permissions and the ACL LOG.
    pub acl: crate::acl::Acl,
    /// The append-only file (`persist/aof`).
    pub aof: crate::persist::aof::Aof,
    /// Lua scripts and functions (`script/`).
    pub scripting: crate::script::Scripting,
    /// Set by EVAL/FCALL's handlers; the engine runs the script right after.
    pub script_request: Option<crate::script::Request>,
    /// `notify-keyspace-events` as flags (`engine/notify.rs`); 0 when off.
    pub notify_flags: u32,
    /// Per-command calls, time, rejections and failures (INFO commandstats).
    pub cmdstats: super::cmdstats::CmdStats,
    pub slowlog: super::slowlog::Slowlog,
    /// The latency monitor (`latency-monitor-threshold`).
    pub latency: super::latency::Monitor,
    /// MONITOR clients, in the order they started (`engine/monitor.rs`).
    pub monitors: Vec<u64>,
    /// CLIENT PAUSE in force and the clients it holds (`engine/pause.rs`).
    pub pause: super::pause::Pause,
    /// DEBUG SET-ACTIVE-EXPIRE: whether the timer expires keys.
    pub active_expire: bool,
}

impl Server {
    pub fn new(config: Config, addr: std::net::SocketAddr, shared: Arc<Shared>) -> Server {
        let seed = unix_ms() ^ (std::process::id() as u64) << 32;
        let lazy = crate::db::Lazy::default();
        let mut srv = Server {
            dbs: (0..config.databases)
                .map(|_| {
                    let mut db = Db::new();
                    db.enc = config.enc;
                    db.lazy = lazy.clone();
                    db
                })
                .collect(),
            clients: HashMap::default(),
            config,
            addr,
            shared,
            stats: ExecStats::default(),
            now_ms: unix_ms(),
            clock: Instant::now(),
            clocks: Default::default(),
            started: Instant::now(),
            rng: Rng::new(seed),
            shutdown: false,
            blocking: Blocking::default(),
            block_request: None,
            exec_request: None,
            watches: Watches::default(),
            resize_request: None,
            repin_request: false,
            resizing: false,
            pubsub: PubSub::default(),
            tracking: Default::default(),
            pending_closes: Vec::new(),
            no_touch_clients: 0,
            effects: Effects::default(),
            evict_pool: crate::db::Pool::default(),
            evict_stats: Default::default(),
            next_evict_db: 0,
            lazy,
            persist: crate::persist::State::new(unix_ms() / 1000),
            acl: crate::acl::Acl::new(),
            aof: Default::default(),
            scripting: Default::default(),
            script_request: None,
            notify_flags: 0,
            cmdstats: Default::default(),
            slowlog: Default::default(),
            latency: Default::default(),
            monitors: Vec::new(),
            pause: Default::default(),
            active_expire: true,
        };
        srv.apply_acl_config();
        let nopass = srv.shared.limits.default_nopass.clone();
        srv.acl.share_nopass(nopass);
        srv.apply_notify_config();
        srv.apply_observe_config();
        srv.apply_tracking_config();
        let now = srv.now_ms;
        srv.dbs.iter_mut().for_each(|db| db.set_clock(now));
        srv.apply_memory_config(crate::db::Policy::NoEviction);
        srv
    }

    /// Reads the OS's monotonic clock again (once per timer tick), then the time as
    /// [`Server::refresh_clock`] does.
    pub fn resync_clock(&mut self) {
        self.clocks = crate::util::clock::Clocks::synced();
        self.refresh_clock();
    }

    /// Reads the time for a round: the wall clock from the OS, the monotonic one from the
    /// TSC through the OS clock as it read at the last [`Server::resync_clock`]
    /// (`util/clock.rs`).
    pub fn refresh_clock(&mut self) {
        self.refresh_clock_at(crate::util::clock::now());
    }

    /// [`Server::refresh_clock`] with a reading already taken.
    pub fn refresh_clock_at(&mut self, t: crate::util::clock::Instant) {
        self.clock = self.clocks.at(t);
        self.now_ms = unix_ms();
        for db in &mut self.dbs {
            db.set_clock(self.now_ms);
        }
    }
}

pub use crate::util::clock::unix_ms;
