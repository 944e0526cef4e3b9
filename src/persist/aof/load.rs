//! Loading an AOF at start: each file of the manifest in order, every command replayed
//! through the engine's one call path (`Engine::call_for_reply`) as Redis's fake AOF client
//! does, a MULTI's commands run only once its EXEC is read.
//!
//! Bad input never crashes: a torn last command (a crash mid-write) is dropped and the file
//! truncated under `aof-load-truncated yes`, refused under `no`; anything else that is not
//! the AOF's RESP is refused. Each error names the file and the byte offset.

use crate::engine::dispatch::Engine;
use crate::engine::msg::{ConnId, ConnInfo};
use bytes::Bytes;
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
        let data = std::fs::read(path).map_err(|e| {
            format!("Fatal error: can't open the append log file {name} for reading: {e}")
        })?;
        if data.starts_with(b"REDIS") {
            return Err(format!(
                "The AOF file {name} starts with an RDB preamble, which this build of muxis cannot load yet (offset 0)"
            ));
        }
        // Each file starts on a fresh client, in database 0, as Redis's loader.
        self.set_db(0);
        match self.replay(&data) {
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
        }
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

    /// Parses and runs every command of `data`.
    fn replay(&mut self, data: &[u8]) -> Result<(), Stop> {
        let mut pos = 0;
        let mut valid = 0;
        // Inside MULTI: the queued commands, and where the MULTI began.
        let mut multi: Option<(Vec<Vec<Bytes>>, usize)> = None;
        while pos < data.len() {
            // Where a torn tail would be cut: before an unfinished MULTI, as Redis.
            let cut = multi.as_ref().map_or(valid, |m| m.1);
            if data[pos] == b'#' {
                // An annotation (`#TS:...`): skipped, as Redis does.
                let (_, next) = line(data, pos).ok_or(Stop::Eof(cut))?;
                pos = next;
                continue;
            }
            let start = pos;
            let argv = parse_command(data, &mut pos).map_err(|e| match e {
                Stop::Eof(_) => Stop::Eof(cut),
                f => f,
            })?;
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
                valid = pos;
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

/// The number after a `*` or `$` line's first byte.
fn header(data: &[u8], pos: &mut usize, mark: u8, valid: usize) -> Result<usize, Stop> {
    let at = *pos;
    let (l, next) = line(data, at).ok_or(Stop::Eof(valid))?;
    if l.first() != Some(&mark) {
        return Err(Stop::Format(at));
    }
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
            }
        }
        Ok(out)
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
        // A huge count with little data behind it is only a torn file, never an allocation.
        assert_eq!(
            parse_all(b"*4000000000\r\n$1\r\na\r\n").err().as_deref(),
            Some("eof after 0")
        );
    }
}
