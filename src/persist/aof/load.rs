//! Loading an AOF at start: each file of the manifest in order, every command replayed
//! through the engine's one call path (`Engine::call_for_reply`) as Redis's fake AOF client
//! does, a MULTI's commands run only once its EXEC is read.
//!
//! A file that opens with an RDB preamble (Redis's `aof-use-rdb-preamble`) is read by the
//! RDB loader first, then the commands after it are replayed.
//!
//! Bad input never crashes: a torn last command (a crash mid-write) is dropped and the file
//! truncated under `aof-load-truncated yes`, refused under `no`; anything else that is not
//! the AOF's RESP is refused. Each error names the file and the byte offset.

use crate::engine::dispatch::Engine;
use crate::engine::msg::{ConnId, ConnInfo};
use bytes::Bytes;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// How a file loaded.
#[derive(Debug, PartialEq, Eq)]
pub enum Loaded {
    /// Every command (possibly none: an empty file).
    Whole,
    /// A torn tail was dropped; the file is truncated to its last whole command.
    Truncated,
}

/// Why a file stopped short.
enum Stop {
    /// Not the AOF format, at this offset.
    Format(usize),
    /// The file ends within a command; the offset is where the last whole one ended.
    Eof(usize),
    /// A command muxis does not know, at this offset.
    Unknown(String, usize),
    /// The file could not be read.
    Io(String),
    /// The file starts with an RDB preamble.
    Preamble,
    /// The RDB preamble could not be loaded: why.
    Rdb(String),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Io(e.to_string())
    }
}

/// The longest annotation line taken: Redis's are `#TS:<seconds>`.
const ANNOTATION_MAX: usize = 64 * 1024; // 64 KB

/// Bytes read from an AOF file at a time.
const CHUNK: usize = 1 << 20; // 1 MB

/// The part of a file read and not yet consumed.
struct Window<R> {
    src: R,
    buf: Vec<u8>,
    /// The file offset of `buf[0]`.
    base: usize,
    chunk: usize,
}

impl<R: Read> Window<R> {
    /// Reads up to one more chunk; false when the file has no more.
    fn more(&mut self) -> std::io::Result<bool> {
        let n = (&mut self.src)
            .take(self.chunk as u64)
            .read_to_end(&mut self.buf)?;
        Ok(n > 0)
    }

    /// Drops the bytes before `pos`; returns where `pos` now is (0).
    fn compact(&mut self, pos: usize) -> usize {
        self.buf.drain(..pos);
        self.base += pos;
        0
    }
}

/// The id of the fake client that runs the loaded commands.
const LOADER: u64 = u64::MAX - 7;

/// Replays AOF files into an engine.
pub struct Loader<'e> {
    engine: &'e mut Engine,
    /// `aof-load-truncated`.
    truncated_ok: bool,
    /// Commands run (for the log).
    pub commands: u64,
}

impl<'e> Loader<'e> {
    pub fn new(engine: &'e mut Engine, truncated_ok: bool) -> Loader<'e> {
        let addr = "127.0.0.1:0".to_string();
        let info = ConnInfo {
            addr: addr.clone(),
            laddr: addr,
            unix: false,
            fd: -1,
            alive: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            no_evict: Default::default(),
        };
        engine.open(
            ConnId {
                id: LOADER,
                slot: u32::MAX,
            },
            0,
            Box::new(info),
        );
        Loader {
            engine,
            truncated_ok,
            commands: 0,
        }
    }

    /// Loads one file; `name` is how messages call it, `last` whether it is the AOF's last
    /// file (the only one whose tail may be torn).
    pub fn load(&mut self, path: &Path, name: &str, last: bool) -> Result<Loaded, String> {
        let file = std::fs::File::open(path).map_err(|e| {
            format!("Fatal error: can't open the append log file {name} for reading: {e}")
        })?;
        // Each file starts on a fresh client, in database 0, as Redis's loader.
        self.set_db(0);
        let mut replayed = self.replay(file, CHUNK, 0);
        if let Err(Stop::Preamble) = replayed {
            replayed = self.preamble(path, name);
        }
        match replayed {
            Ok(()) => Ok(Loaded::Whole),
            Err(Stop::Format(at)) => {
                tracing::warn!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                );
                Err(format!(
                    "Bad file format reading the append only file {name} at offset {at}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                ))
            }
            Err(Stop::Eof(valid)) => self.torn(path, name, last, valid),
            Err(Stop::Unknown(cmd, at)) => {
                let msg = format!("Unknown command '{cmd}' reading the append only file {name}");
                tracing::warn!("{msg}");
                Err(format!("{msg} at offset {at}"))
            }
            Err(Stop::Io(e)) => Err(format!(
                "Unrecoverable error reading the append only file {name}: {e}"
            )),
            Err(Stop::Preamble) => Err(format!("Bad RDB preamble in the AOF file {name}")),
            Err(Stop::Rdb(e)) => {
                tracing::warn!("{e}");
                Err(e)
            }
        }
    }

    /// Loads the RDB preamble of the file at `path` into the databases (its keys, expired
    /// ones too as Redis does for a preamble, and its function libraries), then replays the
    /// commands that follow it.
    fn preamble(&mut self, path: &Path, name: &str) -> Result<(), Stop> {
        tracing::info!("Reading RDB base file on AOF loading...");
        let data = std::fs::read(path)?;
        let srv = &mut self.engine.srv;
        let loader = crate::persist::rdb::Loader {
            enc: srv.config.enc,
            databases: srv.dbs.len(),
            now: None,
        };
        let track = srv.config.mem.track();
        let now = srv.now_ms;
        let dbs = &mut srv.dbs;
        let loaded = crate::persist::rdb::load_bytes(&data, &loader, |k| {
            let lru = crate::persist::file::record_of(track, now, k.idle, k.freq);
            let key = k.key.clone();
            if dbs[k.db].load(k.key, k.value, k.expire_at, lru) {
                Ok(())
            } else {
                Err(format!(
                    "RDB has duplicated key '{}' in DB {}",
                    String::from_utf8_lossy(&key),
                    k.db
                ))
            }
        })
        .map_err(|e| {
            Stop::Rdb(format!(
                "Bad RDB preamble in the AOF file {name}: {} (at byte offset {})",
                e.what, e.offset
            ))
        })?;
        for w in &loaded.warnings {
            tracing::warn!("{w}");
        }
        crate::persist::functions::restore(srv, &loaded.functions, false)
            .map_err(|e| Stop::Rdb(format!("Bad function library in the AOF file {name}: {e}")))?;
        tracing::info!("Reading the remaining AOF tail...");
        let used = (loaded.size as usize).min(data.len());
        self.replay(&data[used..], CHUNK, used)
    }

    /// The file ends within a command (or an unfinished MULTI): keep what is whole if
    /// allowed, as Redis does (its log lines), else refuse.
    fn torn(
        &mut self,
        path: &Path,
        name: &str,
        last: bool,
        valid: usize,
    ) -> Result<Loaded, String> {
        if self.truncated_ok && last {
            tracing::warn!("!!! Warning: short read while loading the AOF file {name}!!!");
            tracing::warn!("!!! Truncating the AOF {name} at offset {valid} !!!");
            let cut = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| {
                    f.set_len(valid as u64)?;
                    f.sync_all()
                });
            match cut {
                Ok(()) => {
                    tracing::warn!(
                        "AOF {name} loaded anyway because aof-load-truncated is enabled"
                    );
                    return Ok(Loaded::Truncated);
                }
                Err(e) => tracing::warn!("Error truncating the AOF file {name}: {e}"),
            }
        }
        if self.truncated_ok {
            tracing::warn!("Fatal error: the truncated file is not the last file");
            return Err(format!(
                "Fatal error: the truncated file {name} is not the last file (its last whole command ends at offset {valid})"
            ));
        }
        let msg = format!(
            "Unexpected end of file reading the append only file {name} (the last whole command ends at offset {valid}). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
        );
        tracing::warn!("{msg}");
        Err(msg)
    }

    fn set_db(&mut self, db: usize) {
        if let Some(c) = self.engine.srv.clients.get_mut(&LOADER) {
            c.db = db;
        }
    }

    fn db(&self) -> usize {
        self.engine.srv.clients.get(&LOADER).map_or(0, |c| c.db)
    }

    /// Parses and runs every command read from `src`, `chunk` bytes at a time (a big AOF
    /// is never all in memory).
    /// `origin` is the file offset `src` starts at (past an RDB preamble).
    fn replay(&mut self, src: impl Read, chunk: usize, origin: usize) -> Result<(), Stop> {
        let mut w = Window {
            src,
            buf: Vec::new(),
            base: origin,
            chunk,
        };
        if !w.more()? {
            return Ok(()); // an empty file
        }
        if origin == 0 && w.buf.starts_with(b"REDIS") {
            return Err(Stop::Preamble);
        }
        let mut pos = 0; // in w.buf
        let mut valid = origin; // file offsets from here on
        // Inside MULTI: the queued commands, and where the MULTI began.
        let mut multi: Option<(Vec<Vec<Bytes>>, usize)> = None;
        loop {
            if pos == w.buf.len() {
                pos = w.compact(pos);
                if !w.more()? {
                    break;
                }
            }
            // Where a torn tail would be cut: before an unfinished MULTI, as Redis.
            let cut = multi.as_ref().map_or(valid, |m| m.1);
            let mut next = pos;
            let parsed = if w.buf[pos] == b'#' {
                // An annotation (`#TS:...`): skipped, as Redis does.
                match line(&w.buf, pos) {
                    Some((_, n)) => {
                        next = n;
                        Ok(None)
                    }
                    None if w.buf.len() - pos >= ANNOTATION_MAX => Err(Stop::Format(pos)),
                    None => Err(Stop::Eof(cut)),
                }
            } else {
                parse_command(&w.buf, &mut next).map(Some)
            };
            let argv = match parsed {
                Ok(Some(argv)) => argv,
                Ok(None) => {
                    pos = next;
                    continue;
                }
                Err(Stop::Eof(_)) => {
                    pos = w.compact(pos);
                    if w.more()? {
                        continue;
                    }
                    return Err(Stop::Eof(cut));
                }
                Err(Stop::Format(at)) => return Err(Stop::Format(w.base + at)),
                Err(e) => return Err(e),
            };
            let start = w.base + pos;
            pos = next;
            let name = argv[0].to_ascii_lowercase();
            if self.engine.table.lookup(&name).is_none() {
                let cmd = String::from_utf8_lossy(&argv[0]).into_owned();
                return Err(Stop::Unknown(cmd, start));
            }
            match (&name[..], multi.as_mut()) {
                (b"multi", None) => multi = Some((Vec::new(), start)),
                (b"exec", Some(_)) => {
                    let (queue, _) = multi.take().unwrap_or_default();
                    self.engine.srv.effects.begin();
                    for argv in &queue {
                        self.run(argv);
                    }
                    self.engine.srv.effects.end();
                }
                (_, Some((queue, _))) => queue.push(argv),
                (_, None) => self.run(&argv),
            }
            if multi.is_none() {
                valid = w.base + pos;
            }
        }
        match multi {
            // A MULTI without its EXEC is a torn tail, even if each command is whole.
            Some((_, before)) => {
                tracing::warn!("Revert incomplete MULTI/EXEC transaction in AOF file");
                Err(Stop::Eof(before))
            }
            None => Ok(()),
        }
    }

    fn run(&mut self, argv: &[Bytes]) {
        self.commands += 1;
        if self.commands.is_multiple_of(1024) {
            self.engine.srv.refresh_clock();
        }
        let db = self.db();
        self.engine.call_for_reply(LOADER, db, argv);
    }
}

impl Drop for Loader<'_> {
    fn drop(&mut self) {
        self.engine.closed(LOADER);
    }
}

/// The line starting at `pos` (without its CRLF) and the offset after it; None if the data
/// ends first.
fn line(data: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let nl = data[pos..].iter().position(|&b| b == b'\n')? + pos;
    let l = &data[pos..nl];
    Some((l.strip_suffix(b"\r").unwrap_or(l), nl + 1))
}

/// The longest `*<n>` or `$<n>` line taken (Redis reads them into a 128-byte buffer): a
/// file of garbage without newlines is refused, not read into memory to its end.
const HEADER_MAX: usize = 128;

/// The number after a `*` or `$` line's first byte.
fn header(data: &[u8], pos: &mut usize, mark: u8, valid: usize) -> Result<usize, Stop> {
    let at = *pos;
    match data.get(at) {
        None => return Err(Stop::Eof(valid)),
        Some(&b) if b != mark => return Err(Stop::Format(at)),
        Some(_) => {}
    }
    let Some((l, next)) = line(data, at) else {
        if data.len() - at >= HEADER_MAX {
            return Err(Stop::Format(at));
        }
        return Err(Stop::Eof(valid));
    };
    let n = crate::util::number::parse_i64(&l[1..])
        .and_then(|n| usize::try_from(n).ok())
        .ok_or(Stop::Format(at))?;
    *pos = next;
    Ok(n)
}

/// Parses one `*<argc>` command at `pos`, moving `pos` past it.
fn parse_command(data: &[u8], pos: &mut usize) -> Result<Vec<Bytes>, Stop> {
    let valid = *pos;
    let argc = header(data, pos, b'*', valid)?;
    if argc < 1 {
        return Err(Stop::Format(valid));
    }
    // A hostile count must not reserve memory the data cannot back.
    let mut argv = Vec::with_capacity(argc.min(1024));
    for _ in 0..argc {
        let len = header(data, pos, b'$', valid)?;
        let end = pos.checked_add(len).ok_or(Stop::Format(*pos))?;
        if end + 2 > data.len() {
            return Err(Stop::Eof(valid));
        }
        if &data[end..end + 2] != b"\r\n" {
            return Err(Stop::Format(end));
        }
        argv.push(Bytes::copy_from_slice(&data[*pos..end]));
        *pos = end + 2;
    }
    Ok(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(data: &[u8]) -> Result<Vec<Vec<Bytes>>, String> {
        let mut pos = 0;
        let mut out = Vec::new();
        while pos < data.len() {
            match parse_command(data, &mut pos) {
                Ok(a) => out.push(a),
                Err(Stop::Eof(v)) => return Err(format!("eof after {v}")),
                Err(Stop::Format(at) | Stop::Unknown(_, at)) => {
                    return Err(format!("format at {at}"));
                }
                Err(Stop::Io(_) | Stop::Preamble | Stop::Rdb(_)) => return Err("other".into()),
            }
        }
        Ok(out)
    }

    fn engine() -> Engine {
        let config = crate::config::Config::default();
        let shared = crate::shared::Shared::new(1, &config);
        let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let srv = crate::engine::state::Server::new(config, addr, shared);
        Engine::new(srv, &crate::cmd::TABLE, 1)
    }

    fn value(e: &mut Engine, db: usize, key: &[u8]) -> Option<crate::db::Value> {
        let now = e.srv.now_ms;
        e.srv.dbs[db].get(key, now).map(|en| en.value().to_value())
    }

    const AOF: &[u8] = b"*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n";

    #[test]
    fn replay_gives_the_same_dataset_whatever_the_read_size() {
        for chunk in [1, 2, 3, 7, 64, CHUNK] {
            let mut e = engine();
            let mut l = Loader::new(&mut e, true);
            assert!(l.replay(AOF, chunk, 0).is_ok(), "chunk {chunk}");
            assert_eq!(l.commands, 4);
            drop(l);
            assert_eq!(
                value(&mut e, 2, b"k"),
                Some(crate::db::Value::str(b"hello"))
            );
            assert_eq!(value(&mut e, 2, b"n"), Some(crate::db::Value::str(b"2")));
            assert!(e.srv.clients.is_empty(), "the loader's client is gone");
        }
    }

    #[test]
    fn a_torn_replay_stops_at_the_last_whole_command_or_before_an_open_multi() {
        let select_end = 23;
        let set_end = AOF.windows(5).position(|w| w == b"hello").expect("SET") + 7;
        let multi_at = set_end;
        for cut in 1..AOF.len() {
            let mut e = engine();
            let mut l = Loader::new(&mut e, true);
            let got = match l.replay(&AOF[..cut], 5, 0) {
                Ok(()) => None,
                Err(Stop::Eof(v)) => Some(v),
                Err(_) => panic!("cut {cut}: not a torn tail"),
            };
            let want = if cut < select_end {
                Some(0)
            } else if cut == select_end || cut == select_end + b"#TS:1700000000\r\n".len() {
                None // a whole annotation ends a file cleanly too
            } else if cut < set_end {
                Some(select_end)
            } else if cut == set_end {
                None
            } else {
                Some(multi_at)
            };
            assert_eq!(got, want, "cut {cut}");
            drop(l);
            // The transaction's INCRs never ran: it had no EXEC.
            assert_eq!(value(&mut e, 2, b"n"), None, "cut {cut}");
        }
    }

    #[test]
    fn an_rdb_preamble_and_bad_bytes_are_named() {
        let mut e = engine();
        let mut l = Loader::new(&mut e, true);
        assert!(matches!(
            l.replay(&b"REDIS0010\xfa"[..], CHUNK, 0),
            Err(Stop::Preamble)
        ));
        // An endless file of zeros (/dev/zero) is refused at once, at every read size.
        for chunk in [1, 100, CHUNK] {
            let zeros = std::io::repeat(0);
            assert!(matches!(l.replay(zeros, chunk, 0), Err(Stop::Format(0))));
            let hashes = std::io::repeat(b'#');
            assert!(matches!(l.replay(hashes, chunk, 0), Err(Stop::Format(0))));
        }
        let mut bad = AOF[..23].to_vec();
        bad.extend_from_slice(b"hello\r\n");
        for chunk in [1, 4, CHUNK] {
            assert!(
                matches!(l.replay(&bad[..], chunk, 0), Err(Stop::Format(23))),
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn commands_parse_and_every_torn_prefix_is_eof_at_the_last_whole_command() {
        let data = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n";
        assert_eq!(parse_all(data).expect("whole").len(), 2);
        let first = 23;
        for cut in 1..data.len() {
            let want = if cut < first {
                "eof after 0"
            } else if cut == first {
                ""
            } else {
                "eof after 23"
            };
            let got = parse_all(&data[..cut]).err().unwrap_or_default();
            assert_eq!(got, want, "cut at {cut}");
        }
    }

    #[test]
    fn bad_content_is_a_format_error_at_its_offset() {
        assert_eq!(parse_all(b"+OK\r\n").err().as_deref(), Some("format at 0"));
        assert_eq!(parse_all(b"*0\r\n").err().as_deref(), Some("format at 0"));
        assert_eq!(
            parse_all(b"*1\r\n:1\r\n").err().as_deref(),
            Some("format at 4")
        );
        assert_eq!(
            parse_all(b"*1\r\n$2\r\nabcd\r\n").err().as_deref(),
            Some("format at 10")
        );
        assert_eq!(
            parse_all(b"*1\r\n$-1\r\n").err().as_deref(),
            Some("format at 4")
        );
        assert_eq!(
            parse_all(b"*1\r\n$99999999999999999999\r\n")
                .err()
                .as_deref(),
            Some("format at 4")
        );
        // No newline in sight: garbage, not a line still being read.
        assert_eq!(parse_all(&[0u8; 200]).err().as_deref(), Some("format at 0"));
        assert_eq!(
            parse_all(&[b'*'; 200]).err().as_deref(),
            Some("format at 0")
        );
        assert_eq!(
            parse_all(&[b'*'; 100]).err().as_deref(),
            Some("eof after 0")
        );
        // A huge count with little data behind it is only a torn file, never an allocation.
        assert_eq!(
            parse_all(b"*4000000000\r\n$1\r\na\r\n").err().as_deref(),
            Some("eof after 0")
        );
    }
}
