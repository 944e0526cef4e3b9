//! RDB files on disk: writing one crash-safely (a temp name, fsync, rename, fsync of the
//! directory), the settings a save reads from the config, a synchronous save of the whole
//! keyspace (SAVE, SHUTDOWN, SIGTERM), and loading `dbfilename` at start.

use super::functions;
use super::rdb::{self, Access, Aux, Options, Writer};
use crate::db::{Policy, lru};
use crate::engine::state::Server;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The write buffer between the RDB writer and the file.
const WRITE_BUF: usize = 1 << 20; // 1 MB

/// What a save needs from the config, copied so a writer thread can own it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub opts: Options,
    pub aux: Aux,
    pub policy: Policy,
    pub lfu_decay_time: u32,
    /// `dbfilename`, relative to the working directory (`dir`).
    pub path: PathBuf,
    /// When the save started, Unix ms (idle times are measured from it).
    pub now: u64,
    /// `rdb-key-save-delay`: microseconds a background save sleeps per key (a negative
    /// value: one microsecond once in that many keys), for tests, as Redis's `debugDelay`.
    pub key_delay: i64,
}

impl Settings {
    pub fn of(srv: &Server) -> Settings {
        let c = &srv.config;
        let yes = |name: &str| c.get(name).as_deref() != Some("no");
        Settings {
            opts: Options {
                compress: yes("rdbcompression"),
                checksum: yes("rdbchecksum"),
                enc: c.enc,
                list_fill: c
                    .get("list-max-listpack-size")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(-2),
            },
            aux: Aux {
                ctime: srv.now_ms / 1000,
                used_mem: crate::alloc::used_memory().unwrap_or(0),
                repl_id: crate::cmd::info::replid().to_string(),
                repl_offset: 0,
                aof_base: false,
                functions: crate::persist::functions::codes(srv),
            },
            policy: c.mem.policy,
            lfu_decay_time: c.mem.lfu_decay_time,
            path: PathBuf::from(c.get("dbfilename").unwrap_or_else(|| "dump.rdb".into())),
            now: srv.now_ms,
            key_delay: c
                .get("rdb-key-save-delay")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        }
    }

    /// Sleeps `rdb-key-save-delay` after a key (on a background writer only).
    pub fn key_delay(&self, n: u64) {
        let us = match self.key_delay {
            0 => return,
            d if d > 0 => d as u64,
            d if n.is_multiple_of(d.unsigned_abs()) => 1,
            _ => return,
        };
        std::thread::sleep(std::time::Duration::from_micros(us));
    }

    /// The access record Redis saves with a key under the current policy.
    pub fn access(&self, lru_rec: u32) -> Access {
        match self.policy {
            Policy::AllkeysLru | Policy::VolatileLru => {
                Access::Idle(lru::idle_ms(lru_rec, self.now) / 1000)
            }
            Policy::AllkeysLfu | Policy::VolatileLfu => {
                Access::Freq(lru::lfu_count(lru_rec, self.now, self.lfu_decay_time))
            }
            _ => Access::None,
        }
    }
}

/// Writes `path` crash-safely: `body` fills a temp file in the same directory, which is
/// fsynced, renamed over `path`, and the directory fsynced so the rename is durable. On
/// any error the temp file is removed and `path` is left as it was.
pub fn write_atomic(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<u64> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Redis's name for it (`temp-<pid>.rdb`), plus the thread, so a SAVE cannot collide
    // with a BGSAVE writer.
    let temp = dir.join(format!(
        "temp-{}-{:?}.rdb",
        std::process::id(),
        std::thread::current().id()
    ));
    let result = (|| {
        let mut w = BufWriter::with_capacity(WRITE_BUF, File::create(&temp)?);
        body(&mut w)?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        let size = f.metadata()?.len();
        drop(f);
        std::fs::rename(&temp, path)?;
        File::open(&dir)?.sync_all()?;
        Ok(size)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Saves the whole keyspace on the executor (`rdbSave`), as SAVE does.
pub fn save_sync(srv: &mut Server) -> io::Result<u64> {
    let path = Settings::of(srv).path;
    save_to(srv, &path, false)
}

/// Saves the whole keyspace to `path` on the executor; `aof_base` marks it as an AOF's
/// RDB preamble (its `aof-base` AUX field).
pub fn save_to(srv: &Server, path: &Path, aof_base: bool) -> io::Result<u64> {
    let mut s = Settings::of(srv);
    s.path = path.to_path_buf();
    s.aux.aof_base = aof_base;
    let now = srv.now_ms;
    let dbs = &srv.dbs;
    write_atomic(&s.path, |out| {
        let mut w = Writer::new(out, s.opts, &s.aux)?;
        for (i, db) in dbs.iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            w.db(i, db.len() as u64, db.volatile_len() as u64)?;
            for (n, at) in db.iter(now) {
                w.key(n.key(), n.value(), at, s.access(n.lru()))?;
            }
        }
        w.finish()?;
        Ok(())
    })
}

/// Loads `dbfilename` into the (empty) databases at start. A missing file is no error;
/// a corrupt one is, naming the file and offset.
pub fn load_at_start(srv: &mut Server) -> Result<(), String> {
    load(srv, false)
}

/// Loads `dbfilename` into the databases (DEBUG RELOAD); `merge` lets a key of the file
/// replace one already there instead of being refused as a duplicate. Ok when the file
/// is missing.
pub fn load(srv: &mut Server, merge: bool) -> Result<(), String> {
    let path = PathBuf::from(
        srv.config
            .get("dbfilename")
            .unwrap_or_else(|| "dump.rdb".into()),
    );
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("Fatal error loading the DB: {e}. Exiting.")),
    };
    let start = Instant::now();
    let loader = rdb::Loader {
        enc: srv.config.enc,
        databases: srv.dbs.len(),
        now: Some(srv.now_ms),
    };
    let track = srv.config.mem.track();
    let now = srv.now_ms;
    let dbs = &mut srv.dbs;
    let loaded = rdb::load_bytes(&data, &loader, |k| {
        let lru = record_of(track, now, k.idle, k.freq);
        let key = k.key.clone();
        if merge {
            dbs[k.db].remove(&key);
        }
        if dbs[k.db].load(k.key, k.value, k.expire_at, lru) {
            Ok(())
        } else {
            Err(format!(
                "RDB has duplicated key '{}' in DB {}",
                String::from_utf8_lossy(&key),
                k.db
            ))
        }
    });
    let loaded = loaded.and_then(|l| {
        let at = l.size;
        functions::restore(srv, &l.functions, merge)
            .map(|()| l)
            .map_err(|what| rdb::Corrupt { offset: at, what })
    });
    match loaded {
        Ok(l) => {
            for w in &l.warnings {
                tracing::warn!("{w}");
            }
            srv.persist.load_keys = l.keys;
            srv.persist.load_expired = l.expired;
            tracing::info!(
                "Done loading RDB, keys loaded: {}, keys expired: {}.",
                l.keys,
                l.expired
            );
            tracing::info!(
                "DB loaded from disk: {:.3} seconds",
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(e) => {
            // Nothing half-loaded stays: the server does not start.
            for db in srv.dbs.iter_mut() {
                db.clear();
            }
            Err(format!(
                "Bad RDB file {}: {} (at byte offset {}). Exiting.",
                path.display(),
                e.what,
                e.offset
            ))
        }
    }
}

/// The access record of a loaded key (`objectSetLRUOrLFU`): under LFU the saved
/// frequency, else the saved idle time; None when the file gave nothing that applies.
pub fn record_of(track: lru::Track, now: u64, idle: Option<u64>, freq: Option<u8>) -> Option<u32> {
    if track.is_lfu() {
        let minutes = ((now / 60_000) & 0xFFFF) as u32;
        freq.map(|f| minutes << 8 | u32::from(f))
    } else {
        idle.map(|secs| {
            let clock = lru::lru_clock(now) as u64;
            let period = lru::LRU_CLOCK_MAX as u64 + 1;
            ((clock + period - secs % period) % period) as u32
        })
    }
}
