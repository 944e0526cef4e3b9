//! The AOF thread: appends each executor round's propagated bytes to the current
//! incremental file, fsyncs by `appendfsync`, and carries out rewrites (a new incremental
//! file at once, the new base written by a helper thread, then the manifest switched over).
//! Nothing here runs on the executor, which holds each round's replies until
//! [`Status::synced`] reaches that round (written; under `always` fsynced too) and this
//! thread wakes it.

use super::base::Base;
use super::manifest::{self, Manifest};
use bytes::Bytes;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, AtomicU64, Ordering::*};
use std::time::{Duration, Instant};

/// `appendfsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fsync {
    No = 0,
    Always = 1,
    EverySec = 2,
}

impl Fsync {
    pub fn parse(s: &str) -> Fsync {
        match s {
            "always" => Fsync::Always,
            "no" => Fsync::No,
            _ => Fsync::EverySec,
        }
    }

    fn from_u8(v: u8) -> Fsync {
        match v {
            0 => Fsync::No,
            1 => Fsync::Always,
            _ => Fsync::EverySec,
        }
    }
}

/// What the AOF thread and the executor both see: progress, settings, INFO figures.
#[derive(Debug)]
pub struct Status {
    /// The last round handed to the AOF thread (set by the executor's sink).
    pub written: AtomicU64,
    /// The last round written and, under `always`, fsynced: its replies may go.
    pub synced: AtomicU64,
    policy: AtomicU8,
    /// `aof-timestamp-enabled`: a `#TS:` annotation precedes each new second's writes.
    pub timestamps: AtomicBool,
    /// The AOF's size: base and incremental files (`aof_current_size`).
    pub current_size: AtomicU64,
    pub base_size: AtomicU64,
    /// The size at the last rewrite, which `auto-aof-rewrite-percentage` grows from.
    pub rewrite_base_size: AtomicU64,
    pub write_ok: AtomicBool,
    /// Why the last write failed (`strerror`'s words), for the MISCONF error.
    pub write_error: parking_lot::Mutex<String>,
    pub rewriting: AtomicBool,
    /// When the running rewrite started (Unix ms), for `aof_current_rewrite_time_sec`.
    pub rewrite_started_ms: AtomicU64,
    pub last_rewrite_secs: AtomicI64,
    pub last_rewrite_ok: AtomicBool,
    pub rewrites: AtomicU64,
    pub rewrite_failures: AtomicU64,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            written: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            policy: AtomicU8::new(Fsync::EverySec as u8),
            timestamps: AtomicBool::new(false),
            current_size: AtomicU64::new(0),
            base_size: AtomicU64::new(0),
            rewrite_base_size: AtomicU64::new(0),
            write_ok: AtomicBool::new(true),
            write_error: parking_lot::Mutex::new(String::new()),
            rewriting: AtomicBool::new(false),
            rewrite_started_ms: AtomicU64::new(0),
            last_rewrite_secs: AtomicI64::new(-1),
            last_rewrite_ok: AtomicBool::new(true),
            rewrites: AtomicU64::new(0),
            rewrite_failures: AtomicU64::new(0),
        }
    }
}

impl Status {
    pub fn policy(&self) -> Fsync {
        Fsync::from_u8(self.policy.load(Relaxed))
    }

    pub fn set_policy(&self, p: Fsync) {
        self.policy.store(p as u8, Relaxed);
    }
}

/// What the executor (and the rewrite helper) tell the AOF thread.
pub enum Msg {
    /// A round's propagated bytes and its sequence number.
    Write(Bytes, u64),
    /// Start a rewrite: from now on appends go to a new incremental file; `base` (the
    /// dataset at this very point of the stream) becomes the new base.
    Rewrite(Base),
    /// The helper thread finished writing the new base to a temp file.
    RewriteDone(Result<(PathBuf, u64, bool), String>),
    /// Write and fsync everything, then exit; the sender is told when done.
    Stop(Sender<()>),
}

/// Where the AOF lives: its directory, its files' prefix (`appendfilename`), its manifest.
pub struct Files {
    pub dir: PathBuf,
    pub prefix: String,
    pub manifest: Manifest,
}

impl Files {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes the manifest durably: a temp file, fsynced, renamed over, directory fsynced.
    pub fn persist(&self) -> std::io::Result<()> {
        let tmp = self.path(&manifest::temp_manifest_name(&self.prefix));
        let mut f = File::create(&tmp)?;
        f.write_all(self.manifest.render().as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, self.path(&manifest::manifest_name(&self.prefix)))?;
        sync_dir(&self.dir)
    }

    /// The sizes of the base and of every file to load.
    pub fn sizes(&self) -> (u64, u64) {
        let size = |name: &str| std::fs::metadata(self.path(name)).map_or(0, |m| m.len());
        let base = self.manifest.base.as_ref().map_or(0, |b| size(&b.name));
        let total = self.manifest.load_order().map(|f| size(&f.name)).sum();
        (base, total)
    }

    /// Deletes the history files and drops them from the manifest.
    pub fn delete_history(&mut self) {
        if self.manifest.history.is_empty() {
            return;
        }
        for f in std::mem::take(&mut self.manifest.history) {
            tracing::info!("Removing the history file {} in the background", f.name);
            let _ = std::fs::remove_file(self.path(&f.name));
        }
        if let Err(e) = self.persist() {
            tracing::warn!("Error writing the AOF manifest: {e}");
        }
    }
}

/// Fsyncs a directory, so that a rename in it survives a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Opens `name` in the AOF directory for appending, creating it.
pub fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// The AOF thread's state.
pub struct Writer {
    files: Files,
    file: File,
    /// The temp incremental file collecting appends until a rewrite started by
    /// `CONFIG SET appendonly yes` completes (Redis's `AOF_WAIT_REWRITE`); the manifest
    /// names it only then.
    temp_incr: Option<PathBuf>,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    status: Arc<Status>,
    /// Woken when a round is synced under `always` (the executor holds its replies).
    wake: SyncedBell,
    unsynced: bool,
    /// The current file's length: a failed write is cut back to it.
    file_len: u64,
    last_fsync: Instant,
    last_ts: u64,
    buf: Vec<u8>,
    /// A rewrite started here and its base is being written: only then does a
    /// `RewriteDone` switch the manifest (a snapshot may report after a failed start).
    pending: bool,
}

/// How the writer tells the executor that a round is synced: a token on its channel,
/// then the doorbell, in case the executor sleeps in its reactor's poll.
pub struct SyncedBell {
    pub tx: Sender<()>,
    pub shared: Arc<crate::shared::Shared>,
}

impl SyncedBell {
    fn ring(&self) {
        let _ = self.tx.try_send(());
        self.shared.bell.ring();
    }
}

impl Writer {
    /// A writer appending to `file` (the last incremental file, or a temp one).
    pub fn new(
        files: Files,
        file: File,
        temp_incr: Option<PathBuf>,
        chan: (Sender<Msg>, Receiver<Msg>),
        status: Arc<Status>,
        wake: SyncedBell,
    ) -> Writer {
        let file_len = file.metadata().map_or(0, |m| m.len());
        Writer {
            files,
            file_len,
            file,
            temp_incr,
            rx: chan.1,
            tx: chan.0,
            status,
            wake,
            unsynced: false,
            last_fsync: Instant::now(),
            last_ts: 0,
            buf: Vec::new(),
            pending: false,
        }
    }

    /// Runs until told to stop (or the executor is gone).
    pub fn run(mut self) {
        loop {
            let timeout = Duration::from_millis(if self.unsynced { 100 } else { 1000 });
            let first = match self.rx.recv_timeout(timeout) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    // Bytes a failed write kept are tried again, as Redis's cron does.
                    self.write_buf();
                    self.maybe_fsync(false);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.flush_and_sync(0);
                    return;
                }
            };
            // Group commit: every round already queued is written, and fsynced, together.
            let mut last_seq = 0;
            let mut next = Some(first);
            while let Some(msg) = next.take() {
                match msg {
                    Msg::Write(bytes, seq) => {
                        self.annotate();
                        self.buf.extend_from_slice(&bytes);
                        last_seq = seq;
                    }
                    Msg::Rewrite(base) => {
                        self.flush_and_sync(last_seq);
                        self.start_rewrite(base);
                    }
                    Msg::RewriteDone(result) => {
                        self.flush_and_sync(last_seq);
                        self.finish_rewrite(result);
                    }
                    Msg::Stop(done) => {
                        self.flush_and_sync(last_seq);
                        let _ = done.send(());
                        return;
                    }
                }
                if self.buf.len() < 16 << 20 {
                    next = self.rx.try_recv().ok();
                }
            }
            self.write_buf();
            if last_seq > 0 {
                if self.status.policy() == Fsync::Always {
                    self.fsync();
                } else {
                    self.maybe_fsync(false);
                }
                self.status.synced.store(last_seq, Release);
                self.wake.ring();
            }
        }
    }

    /// `aof-timestamp-enabled`: `#TS:<unix seconds>` before the first write of a second.
    fn annotate(&mut self) {
        if !self.status.timestamps.load(Relaxed) {
            return;
        }
        let now = crate::engine::state::unix_ms() / 1000;
        if now > self.last_ts {
            self.last_ts = now;
            self.buf
                .extend_from_slice(format!("#TS:{now}\r\n").as_bytes());
        }
    }

    /// Writes what is buffered. A failed write under `always` ends the server, as in Redis:
    /// replies were promised only after the data is on disk. Under the other policies, as
    /// Redis, a partial write is cut off, the bytes are kept to try again, and writes are
    /// refused (MISCONF, see [`super::writes_refused`]) until a write succeeds.
    fn write_buf(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        match self.file.write_all(&self.buf) {
            Ok(()) => {
                let n = self.buf.len() as u64;
                self.file_len += n;
                self.status.current_size.fetch_add(n, Relaxed);
                if !self.status.write_ok.swap(true, Relaxed) {
                    tracing::warn!("AOF write error looks solved. Redis can write again.");
                }
                self.unsynced = true;
                self.buf.clear();
            }
            Err(e) => {
                if self.status.policy() == Fsync::Always {
                    tracing::error!(
                        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...: {e}"
                    );
                    std::process::exit(1);
                }
                let _ = self.file.set_len(self.file_len);
                if self.status.write_ok.swap(false, Relaxed) {
                    tracing::warn!("Error writing to the AOF file: {e}");
                }
                *self.status.write_error.lock() = strerror(&e);
            }
        }
    }

    fn fsync(&mut self) {
        if !self.unsynced {
            return;
        }
        if let Err(e) = self.file.sync_data() {
            self.status.write_ok.store(false, Relaxed);
            if self.status.policy() == Fsync::Always {
                tracing::error!(
                    "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {e}. Exiting..."
                );
                std::process::exit(1);
            }
            tracing::warn!("Error fsyncing the AOF file: {e}");
            return;
        }
        self.unsynced = false;
        self.last_fsync = Instant::now();
    }

    /// `everysec`: fsync when a second has passed since the last one (or `force`).
    fn maybe_fsync(&mut self, force: bool) {
        let due = self.status.policy() == Fsync::EverySec
            && self.last_fsync.elapsed() >= Duration::from_secs(1);
        if force || due || self.status.policy() == Fsync::Always {
            self.fsync();
        }
    }

    fn flush_and_sync(&mut self, seq: u64) {
        self.write_buf();
        self.fsync();
        if seq > 0 {
            self.status.synced.store(seq, Release);
            self.wake.ring();
        }
    }

    /// Switches appends to a new incremental file (named in the manifest at once, so a
    /// crash during the rewrite loses nothing) and has a helper write `base`.
    fn start_rewrite(&mut self, base: Base) {
        if !self.buf.is_empty() {
            // Bytes a failed write kept belong before the base: they cannot move to the
            // new file, so no rewrite until the disk takes them.
            tracing::warn!("Background AOF rewrite not started: the AOF cannot be written");
            return self.rewrite_failed();
        }
        if self.temp_incr.is_none() {
            let name = self.files.manifest.next_incr(&self.files.prefix);
            let opened = open_append(&self.files.path(&name)).and_then(|f| {
                self.files.persist()?;
                Ok(f)
            });
            match opened {
                Ok(f) => {
                    tracing::info!("Creating AOF incr file {name} on background rewrite");
                    self.file_len = f.metadata().map_or(0, |m| m.len());
                    self.file = f;
                }
                Err(e) => {
                    self.files.manifest.incrs.pop();
                    self.files.manifest.incr_seq -= 1;
                    tracing::warn!("Can't open the append-only file {name}: {e}");
                    return self.rewrite_failed();
                }
            }
        }
        self.pending = true;
        if base.is_rdb() {
            // The snapshot writes the base and reports with `RewriteDone` itself.
            tracing::info!("Background append only file rewriting started");
            return;
        }
        let tmp = self
            .files
            .path(&format!("temp-rewriteaof-bg-{}.aof", std::process::id()));
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("muxis-aof-rewrite".into())
            .spawn(move || {
                let rdb = base.is_rdb();
                let result = write_base(&tmp, base).map(|size| (tmp.clone(), size, rdb));
                if let Err(e) = &result {
                    let _ = std::fs::remove_file(&tmp);
                    tracing::warn!("Error writing the AOF base: {e}");
                }
                if tx
                    .send(Msg::RewriteDone(result.map_err(|e| e.to_string())))
                    .is_err()
                {
                    let _ = std::fs::remove_file(&tmp); // AOF turned off meanwhile
                }
            });
        if spawned.is_err() {
            self.rewrite_failed();
        } else {
            tracing::info!("Background append only file rewriting started");
        }
    }

    fn rewrite_failed(&mut self) {
        self.pending = false;
        self.status.rewriting.store(false, Relaxed);
        self.status.last_rewrite_ok.store(false, Relaxed);
        self.status.rewrite_failures.fetch_add(1, Relaxed);
        tracing::warn!("Background AOF rewrite failed");
    }

    /// The new base is on disk: name it, switch the manifest to it, drop the history.
    fn finish_rewrite(&mut self, result: Result<(PathBuf, u64, bool), String>) {
        if !self.pending {
            if let Ok((tmp, _, _)) = result {
                let _ = std::fs::remove_file(tmp);
            }
            return;
        }
        let Ok((tmp, size, rdb)) = result else {
            return self.rewrite_failed();
        };
        self.pending = false;
        let before = self.files.manifest.clone();
        let name = self.files.manifest.next_base(&self.files.prefix, rdb);
        let mut renamed = std::fs::rename(&tmp, self.files.path(&name));
        if renamed.is_ok()
            && let Some(temp_incr) = self.temp_incr.clone()
        {
            // Appends since `CONFIG SET appendonly yes` become the only incremental file.
            for mut f in self.files.manifest.incrs.drain(..) {
                f.kind = manifest::Kind::History;
                self.files.manifest.history.push(f);
            }
            let incr = self.files.manifest.next_incr(&self.files.prefix);
            renamed = std::fs::rename(&temp_incr, self.files.path(&incr));
            if renamed.is_ok() {
                self.temp_incr = None;
            }
        } else {
            self.files.manifest.incrs_rewritten();
        }
        if let Err(e) = renamed.and_then(|()| self.files.persist()) {
            tracing::warn!("Error switching the AOF to its new base: {e}");
            self.files.manifest = before;
            let _ = std::fs::remove_file(self.files.path(&name));
            return self.rewrite_failed();
        }
        tracing::info!(
            "Successfully renamed the temporary AOF base file {} into {name}",
            tmp.file_name().map_or("".into(), |n| n.to_string_lossy())
        );
        self.files.delete_history();
        let (base, total) = self.files.sizes();
        tracing::debug!("AOF base of {size} bytes written");
        self.status.base_size.store(base, Relaxed);
        self.status.current_size.store(total, Relaxed);
        self.status.rewrite_base_size.store(total, Relaxed);
        let started = self.status.rewrite_started_ms.load(Relaxed);
        let secs = crate::engine::state::unix_ms().saturating_sub(started) / 1000;
        self.status.last_rewrite_secs.store(secs as i64, Relaxed);
        self.status.rewrites.fetch_add(1, Relaxed);
        self.status.last_rewrite_ok.store(true, Relaxed);
        self.status.rewrite_failures.store(0, Relaxed);
        self.status.rewriting.store(false, Relaxed);
        tracing::info!("Background AOF rewrite finished successfully");
    }
}

/// An I/O error in `strerror`'s words (without Rust's "(os error N)").
fn strerror(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Writes a base to `path` durably; returns its size.
pub fn write_base(path: &Path, base: Base) -> std::io::Result<u64> {
    let f = File::create(path)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let size = base.write_to(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    Ok(size)
}
