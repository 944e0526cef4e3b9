//! The append-only file, in Redis 7.0's multi-part layout: a directory (`appenddirname`)
//! holding a base file, incremental files, and the manifest naming them in order.
//!
//! - The executor's propagated stream (`engine/effects.rs`) is this module's input: a sink
//!   hands each round's bytes to the AOF thread ([`writer`]), which appends them to the
//!   current incremental file and fsyncs by `appendfsync`. The executor holds a round's
//!   replies until the AOF thread has written it, and under `always` fsynced it
//!   ([`Aof::must_wait`]).
//! - At start the files are replayed through the engine's call path ([`load`]).
//! - A rewrite (BGREWRITEAOF, automatic, `CONFIG SET appendonly yes`) captures the dataset
//!   ([`base`]) at one point of the stream, switches appends to a new incremental file at
//!   that same point, and has the new base written off the executor. With the RDB preamble
//!   the capture is the point-in-time snapshot BGSAVE uses, one at a time: a BGREWRITEAOF
//!   during a BGSAVE is scheduled, as Redis does with its one child.
//!
//! Files here never touch a socket; the executor calls in between rounds.

pub mod base;
pub mod load;
pub mod manifest;
pub mod writer;

use crate::config::Config;
use crate::engine::dispatch::Engine;
use crate::engine::state::Server;
use base::Base;
use crossbeam_channel::{Receiver, Sender};
use manifest::Manifest;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering::*;
use std::thread::JoinHandle;
use writer::{Files, Fsync, Msg, Status, Writer};

/// The AOF as the executor holds it.
pub struct Aof {
    pub status: Arc<Status>,
    /// The line to the AOF thread, while the AOF is on.
    tx: Option<Sender<Msg>>,
    thread: Option<JoinHandle<()>>,
    sink: Option<u64>,
    /// The AOF thread says here that a round is synced; the executor waits on it.
    pub synced_rx: Receiver<()>,
    synced_tx: Sender<()>,
    /// BGREWRITEAOF asked inside EXEC or a script: the timer starts it.
    scheduled: bool,
}

impl Default for Aof {
    fn default() -> Self {
        let (synced_tx, synced_rx) = crossbeam_channel::bounded(1);
        Aof {
            status: Arc::default(),
            tx: None,
            thread: None,
            sink: None,
            synced_rx,
            synced_tx,
            scheduled: false,
        }
    }
}

impl std::fmt::Debug for Aof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aof").field("on", &self.on()).finish()
    }
}

impl Aof {
    pub fn on(&self) -> bool {
        self.tx.is_some()
    }

    /// The round the replies gathered now must wait for (the last one handed to the AOF
    /// thread), if the AOF thread has not done it yet: written, and under `appendfsync
    /// always` fsynced too. Redis also writes before it replies under every policy, so a
    /// crash of the process (not of the machine) never loses an acknowledged write.
    #[inline]
    pub fn must_wait(&self) -> Option<u64> {
        if !self.on() {
            return None;
        }
        let written = self.status.written.load(Relaxed);
        (written > self.synced()).then_some(written)
    }

    /// The last round the AOF thread has synced.
    #[inline]
    pub fn synced(&self) -> u64 {
        self.status.synced.load(Acquire)
    }

    /// Writes and fsyncs everything handed over, and stops the AOF thread (the AOF is off
    /// afterwards). Blocks until done: at shutdown, or `CONFIG SET appendonly no`.
    pub fn shutdown(&mut self) {
        let Some(tx) = self.tx.take() else { return };
        let (done_tx, done_rx) = crossbeam_channel::bounded(1);
        if tx.send(Msg::Stop(done_tx)).is_ok() {
            let _ = done_rx.recv();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The AOF's settings, read from the config.
struct Settings {
    dir: PathBuf,
    prefix: String,
    truncated_ok: bool,
}

impl Settings {
    fn of(c: &Config) -> Settings {
        let get = |n: &str| c.get(n).unwrap_or_default();
        Settings {
            dir: PathBuf::from(get("appenddirname")),
            prefix: get("appendfilename"),
            truncated_ok: get("aof-load-truncated") == "yes",
        }
    }
}

/// Passes the settings the AOF thread reads on the fly (`appendfsync`,
/// `aof-timestamp-enabled`) to it.
fn apply_settings(status: &Status, c: &Config) {
    status.set_policy(Fsync::parse(&c.get("appendfsync").unwrap_or_default()));
    let ts = c.get("aof-timestamp-enabled").as_deref() == Some("yes");
    status.timestamps.store(ts, Relaxed);
}

/// At start: with `appendonly yes`, loads the AOF (upgrading an old single-file one) and
/// opens it for appending. Runs before the executor does.
pub fn start(engine: &mut Engine) -> Result<(), String> {
    apply_settings(&engine.srv.aof.status, &engine.srv.config);
    if engine.srv.config.get("appendonly").as_deref() != Some("yes") {
        return Ok(());
    }
    let s = Settings::of(&engine.srv.config);
    let mut files = read_files(&s)?;
    if files.manifest.base.is_none() && files.manifest.incrs.is_empty() {
        upgrade(&mut files)?;
    }
    let order: Vec<String> = files
        .manifest
        .load_order()
        .map(|f| f.name.clone())
        .collect();
    if !order.is_empty() {
        let started = std::time::Instant::now();
        let commands = engine.srv.stats.commands;
        let mut loader = load::Loader::new(engine, s.truncated_ok);
        for (i, name) in order.iter().enumerate() {
            let path = files.path(name);
            if !path.exists() {
                return Err(format!("The AOF file {name} doesn't exist"));
            }
            loader.load(&path, name, i + 1 == order.len())?;
            tracing::info!(
                "DB loaded from {} file {name}",
                if i == 0 && files.manifest.base.is_some() {
                    "base"
                } else {
                    "incr"
                }
            );
        }
        drop(loader);
        engine.srv.stats.commands = commands;
        engine.srv.effects.dirty = 0;
        tracing::info!(
            "DB loaded from append only file: {:.3} seconds",
            started.elapsed().as_secs_f64()
        );
    }
    open(&mut engine.srv, files, false)
}

/// The AOF directory's manifest, read if there is one.
fn read_files(s: &Settings) -> Result<Files, String> {
    let path = s.dir.join(manifest::manifest_name(&s.prefix));
    let manifest = match std::fs::read(&path) {
        Ok(text) => Manifest::parse(&text).map_err(|e| format!("{e}: {}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
        Err(e) => {
            return Err(format!(
                "Can't open the AOF manifest file {}: {e}",
                path.display()
            ));
        }
    };
    Ok(Files {
        dir: s.dir.clone(),
        prefix: s.prefix.clone(),
        manifest,
    })
}

/// An old-style single `appendonly.aof` (Redis before 7.0) next to no AOF directory
/// becomes the base of a new one, as Redis's `aofUpgradePrepare`.
fn upgrade(files: &mut Files) -> Result<(), String> {
    let old = Path::new(&files.prefix);
    if !old.is_file() {
        return Ok(());
    }
    std::fs::create_dir_all(&files.dir)
        .and_then(|()| std::fs::rename(old, files.path(&files.prefix)))
        .map_err(|e| {
            format!(
                "Error moving the old AOF file {} into the AOF directory: {e}",
                files.prefix
            )
        })?;
    files.manifest.base = Some(manifest::Info {
        name: files.prefix.clone(),
        seq: 1,
        kind: manifest::Kind::Base,
    });
    files.manifest.base_seq = 1;
    files
        .persist()
        .map_err(|e| format!("Error writing the AOF manifest: {e}"))?;
    tracing::info!("Successfully migrated an old-style AOF into the AOF directory");
    Ok(())
}

/// Opens the AOF for appending and starts its thread. At start (`rewrite` false) the last
/// incremental file is appended to (created, with a base, if there is none); at runtime
/// (`CONFIG SET appendonly yes`) appends collect in a temp file while a new base is
/// written, and both replace the old files when it is done.
fn open(srv: &mut Server, mut files: Files, rewrite: bool) -> Result<(), String> {
    let err = |what: &str, e: std::io::Error| format!("{what}: {e}");
    std::fs::create_dir_all(&files.dir).map_err(|e| {
        err(
            &format!("Can't create the AOF directory {}", files.dir.display()),
            e,
        )
    })?;
    if !rewrite {
        remove_stale_temp_files(&files);
    }
    let (file, temp_incr) = if rewrite {
        let tmp = files.path(&format!("temp-{}.incr", files.prefix));
        let f = std::fs::File::create(&tmp).map_err(|e| err("Can't open the temp incr AOF", e))?;
        (f, Some(tmp))
    } else {
        if files.manifest.base.is_none() && files.manifest.incrs.is_empty() {
            let tmp = files.path(&temp_base_name());
            let rdb =
                Base::write_now(srv, &tmp).map_err(|e| err("Can't write the AOF base file", e))?;
            let name = files.manifest.next_base(&files.prefix, rdb);
            std::fs::rename(&tmp, files.path(&name))
                .map_err(|e| err(&format!("Can't write the AOF base file {name}"), e))?;
            tracing::info!("Creating AOF base file {name} on server start");
        }
        let name = match files.manifest.incrs.last() {
            Some(f) => f.name.clone(),
            None => {
                let name = files.manifest.next_incr(&files.prefix);
                tracing::info!("Creating AOF incr file {name} on server start");
                name
            }
        };
        let f = writer::open_append(&files.path(&name))
            .map_err(|e| err(&format!("Can't open the append-only file {name}"), e))?;
        files
            .persist()
            .map_err(|e| err("Can't write the AOF manifest", e))?;
        files.delete_history();
        (f, None)
    };
    let status = srv.aof.status.clone();
    let (base_size, total) = files.sizes();
    status.base_size.store(base_size, Relaxed);
    status.current_size.store(total, Relaxed);
    status.rewrite_base_size.store(total, Relaxed);
    status.write_ok.store(true, Relaxed);
    apply_settings(&status, &srv.config);
    let (tx, rx) = crossbeam_channel::unbounded();
    let w = Writer::new(
        files,
        file,
        temp_incr,
        (tx.clone(), rx),
        status.clone(),
        writer::SyncedBell {
            tx: srv.aof.synced_tx.clone(),
            shared: srv.shared.clone(),
        },
    );
    let thread = std::thread::Builder::new()
        .name("muxis-aof".into())
        .spawn(move || w.run())
        .map_err(|e| err("Can't start the AOF thread", e))?;
    // What the stream holds so far is in the dataset `base` captures: it goes to the other
    // readers only.
    srv.effects.publish();
    let sink_tx = tx.clone();
    let sink_status = status.clone();
    let id = srv.effects.add_sink(Box::new(move |bytes| {
        let seq = sink_status.written.load(Relaxed) + 1;
        sink_status.written.store(seq, Relaxed);
        let _ = sink_tx.send(Msg::Write(bytes.clone(), seq));
    }));
    // The next op written opens with a SELECT, whatever other readers have seen.
    srv.effects.reselect();
    srv.update_expired_tracking();
    srv.aof.sink = Some(id);
    srv.aof.thread = Some(thread);
    srv.aof.tx = Some(tx);
    if rewrite {
        start_rewrite(srv).map_err(str::to_string)?;
    }
    Ok(())
}

/// The temp name a new base is written under before it is named in the manifest.
fn temp_base_name() -> String {
    format!("temp-rewriteaof-bg-{}.aof", std::process::id())
}

/// Starts a rewrite of the running AOF from a base captured at this point of the stream.
/// The stream's bytes so far go to the current incremental file first: the changes they
/// carry are in the base already, so they must not reach the new one. While a BGSAVE
/// holds the snapshot the base is taken as commands (`CONFIG SET appendonly yes` does not
/// wait; BGREWRITEAOF and the automatic rewrite do).
fn start_rewrite(srv: &mut Server) -> Result<(), &'static str> {
    srv.effects.publish();
    let Some(tx) = srv.aof.tx.clone() else {
        return Err("ERR the AOF is off");
    };
    let tmp = Settings::of(&srv.config).dir.join(temp_base_name());
    let base = if srv.persist.bgsave.is_some() {
        Base::commands(srv)
    } else {
        let path = tmp.clone();
        let done_tx = tx.clone();
        Base::capture(
            srv,
            &tmp,
            Box::new(move |r| {
                let r = r
                    .map(|size| (path.clone(), size, true))
                    .map_err(|e| e.to_string());
                if done_tx.send(Msg::RewriteDone(r)).is_err() {
                    let _ = std::fs::remove_file(&path); // the AOF was turned off
                }
            }),
        )?
    };
    let st = &srv.aof.status;
    st.rewriting.store(true, Relaxed);
    st.rewrite_started_ms
        .store(crate::engine::state::unix_ms(), Relaxed);
    let _ = tx.send(Msg::Rewrite(base));
    // The new incremental file starts on a fresh loader client: it must select its db.
    srv.effects.reselect();
    Ok(())
}

/// At start: what a process that died mid-rewrite left behind (a base being written, the
/// temp incremental file of `CONFIG SET appendonly yes`) and history files are deleted.
fn remove_stale_temp_files(files: &Files) {
    let temp_incr = format!("temp-{}.incr", files.prefix);
    let Ok(dir) = std::fs::read_dir(&files.dir) else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // `temp-<pid>-….rdb`: the snapshot's own temp name for a base it writes.
        let snapshot_temp = name.starts_with("temp-") && name.ends_with(".rdb");
        if name.starts_with("temp-rewriteaof-bg-") || name == temp_incr || snapshot_temp {
            tracing::info!("Removing the stale temp file {name}");
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// `CONFIG SET appendonly yes`: a rewrite builds the AOF from the dataset as it is now.
pub fn enable(srv: &mut Server) -> Result<(), String> {
    if srv.aof.on() {
        return Ok(());
    }
    if srv.aof.status.rewriting.load(Relaxed) {
        return Err("a BGREWRITEAOF is still running".into());
    }
    let files = read_files(&Settings::of(&srv.config))?;
    open(srv, files, true)
}

/// `CONFIG SET appendonly no`: everything written is fsynced, and appends stop.
pub fn disable(srv: &mut Server) {
    if let Some(id) = srv.aof.sink.take() {
        srv.effects.remove_sink(id);
        srv.update_expired_tracking();
    }
    srv.aof.shutdown();
    // Redis kills its rewrite child: the snapshot writing the base stops too.
    if srv.persist.bgsave.as_ref().is_some_and(|b| !b.is_rdb()) {
        crate::persist::snapshot::abort(srv);
    }
    srv.aof.status.rewriting.store(false, Relaxed);
}

/// What BGREWRITEAOF replies.
pub fn bgrewrite(srv: &mut Server) -> Result<&'static str, &'static str> {
    if srv.aof.status.rewriting.load(Relaxed) {
        return Err("ERR Background append only file rewriting already in progress");
    }
    // Inside EXEC (or a script) the transaction's earlier writes are done but not yet in
    // the stream: a base taken now would have them twice. Redis schedules it too.
    // So is one asked while a BGSAVE runs (Redis's other child).
    if srv.effects.nested() || srv.persist.bgsave.is_some() {
        srv.aof.scheduled = true;
        return Ok("Background append only file rewriting scheduled");
    }
    srv.aof.scheduled = false;
    const FAILED: &str = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
    if srv.aof.on() {
        start_rewrite(srv).map_err(|_| FAILED)?;
    } else {
        offline_rewrite(srv).map_err(|e| {
            tracing::warn!("Can't rewrite append only file in background: {e}");
            FAILED
        })?;
    }
    Ok("Background append only file rewriting started")
}

/// BGREWRITEAOF with the AOF off (Redis 7.0 does it too): a new base replaces the files,
/// written by a helper thread.
fn offline_rewrite(srv: &mut Server) -> Result<(), String> {
    let files = read_files(&Settings::of(&srv.config))?;
    std::fs::create_dir_all(&files.dir).map_err(|e| e.to_string())?;
    let status = srv.aof.status.clone();
    let tmp = files.path(&temp_base_name());
    status.rewriting.store(true, Relaxed);
    status
        .rewrite_started_ms
        .store(crate::engine::state::unix_ms(), Relaxed);
    let finish = {
        let (status, tmp) = (status.clone(), tmp.clone());
        move |r: std::io::Result<u64>, rdb: bool| offline_finish(files, &status, &tmp, r, rdb)
    };
    let started = if Base::preamble(srv) {
        Base::capture(srv, &tmp, Box::new(move |r| finish(r, true)))
            .map(drop)
            .map_err(str::to_string)
    } else {
        let base = Base::commands(srv);
        std::thread::Builder::new()
            .name("muxis-aof-rewrite".into())
            .spawn(move || finish(writer::write_base(&tmp, base), false))
            .map(drop)
            .map_err(|e| e.to_string())
    };
    if started.is_err() {
        status.rewriting.store(false, Relaxed);
    }
    started
}

/// An offline rewrite's base is written (or failed): it becomes the only file.
fn offline_finish(
    mut files: Files,
    status: &writer::Status,
    tmp: &Path,
    written: std::io::Result<u64>,
    rdb: bool,
) {
    let name = files.manifest.next_base(&files.prefix, rdb);
    for mut f in files.manifest.incrs.drain(..) {
        f.kind = manifest::Kind::History;
        files.manifest.history.push(f);
    }
    let done = written
        .and_then(|_| std::fs::rename(tmp, files.path(&name)))
        .and_then(|()| files.persist());
    status.rewriting.store(false, Relaxed);
    match done {
        Ok(()) => {
            files.delete_history();
            status.rewrites.fetch_add(1, Relaxed);
            status.last_rewrite_ok.store(true, Relaxed);
            let secs = crate::engine::state::unix_ms()
                .saturating_sub(status.rewrite_started_ms.load(Relaxed))
                / 1000;
            status.last_rewrite_secs.store(secs as i64, Relaxed);
            tracing::info!("Background AOF rewrite finished successfully");
        }
        Err(e) => {
            let _ = std::fs::remove_file(tmp);
            status.last_rewrite_ok.store(false, Relaxed);
            status.rewrite_failures.fetch_add(1, Relaxed);
            tracing::warn!("Background AOF rewrite failed: {e}");
        }
    }
}

/// `CONFIG SET` of AOF parameters: applied before the new settings are committed, so that
/// a failure to turn the AOF on fails the command.
pub fn configure(srv: &mut Server, next: &Config) -> Result<(), (&'static str, String)> {
    apply_settings(&srv.aof.status, next);
    match next.get("appendonly").as_deref() {
        Some("yes") if !srv.aof.on() => enable(srv).map_err(|e| ("appendonly", e)),
        Some("no") if srv.aof.on() => {
            disable(srv);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The timer: an automatic rewrite once the AOF grew past `auto-aof-rewrite-percentage` of
/// its size at the last rewrite (and `auto-aof-rewrite-min-size`).
pub fn cron(srv: &mut Server) {
    if srv.aof.status.rewriting.load(Relaxed) {
        return;
    }
    if srv.aof.scheduled {
        if srv.persist.bgsave.is_some() {
            return;
        }
        if let Err(e) = bgrewrite(srv) {
            tracing::warn!("The scheduled AOF rewrite could not start: {e}");
        }
        return;
    }
    if !srv.aof.on() {
        return;
    }
    let num = |n: &str| {
        srv.config
            .get(n)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (perc, min) = (
        num("auto-aof-rewrite-percentage"),
        num("auto-aof-rewrite-min-size"),
    );
    let st = &srv.aof.status;
    let size = st.current_size.load(Relaxed);
    if perc == 0 || size <= min {
        return;
    }
    let base = st.rewrite_base_size.load(Relaxed).max(1);
    let growth = (size * 100 / base).saturating_sub(100);
    if growth >= perc {
        if srv.persist.bgsave.is_some() {
            return; // a BGSAVE holds the snapshot: the next tick tries again
        }
        tracing::info!("Starting automatic rewriting of AOF on {growth}% growth");
        if let Err(e) = start_rewrite(srv) {
            tracing::warn!("The automatic AOF rewrite could not start: {e}");
        }
    }
}

/// Why writes are refused, if they are: the AOF is on and its last write failed (Redis's
/// `writeCommandsDeniedByDiskError`, with its MISCONF text).
pub fn writes_refused(srv: &Server) -> Option<String> {
    if !srv.aof.on() || srv.aof.status.write_ok.load(Relaxed) {
        return None;
    }
    let why = srv.aof.status.write_error.lock().clone();
    Some(format!("MISCONF Errors writing to the AOF file: {why}"))
}

/// INFO persistence: the `aof_*` lines from `aof_enabled` to `aof_last_cow_size`.
pub fn info_fields(out: &mut String, srv: &Server) {
    let st = &srv.aof.status;
    let rewriting = st.rewriting.load(Relaxed);
    let current = if rewriting {
        let started = st.rewrite_started_ms.load(Relaxed);
        (crate::engine::state::unix_ms().saturating_sub(started) / 1000) as i64
    } else {
        -1
    };
    let ok = |b: bool| if b { "ok" } else { "err" };
    let _ = write!(
        out,
        "aof_enabled:{}\r\naof_rewrite_in_progress:{}\r\naof_rewrite_scheduled:{}\r\n\
         aof_last_rewrite_time_sec:{}\r\naof_current_rewrite_time_sec:{current}\r\n\
         aof_last_bgrewrite_status:{}\r\naof_rewrites:{}\r\naof_rewrites_consecutive_failures:{}\r\n\
         aof_last_write_status:{}\r\naof_last_cow_size:0\r\n",
        u8::from(srv.aof.on()),
        u8::from(rewriting),
        u8::from(srv.aof.scheduled),
        st.last_rewrite_secs.load(Relaxed),
        ok(st.last_rewrite_ok.load(Relaxed)),
        st.rewrites.load(Relaxed),
        st.rewrite_failures.load(Relaxed),
        ok(st.write_ok.load(Relaxed)),
    );
}

/// INFO persistence: the lines Redis shows only while the AOF is on (after
/// `module_fork_last_cow_size`).
pub fn info_sizes(out: &mut String, srv: &Server) {
    if !srv.aof.on() {
        return;
    }
    let st = &srv.aof.status;
    let pending = st.written.load(Relaxed).saturating_sub(srv.aof.synced());
    let _ = write!(
        out,
        "aof_current_size:{}\r\naof_base_size:{}\r\naof_pending_rewrite:0\r\n\
         aof_buffer_length:0\r\naof_pending_bio_fsync:{pending}\r\naof_delayed_fsync:0\r\n",
        st.current_size.load(Relaxed),
        st.base_size.load(Relaxed),
    );
}
