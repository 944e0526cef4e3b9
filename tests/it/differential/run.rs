//! One seed's run: the generator's commands sent to both servers over raw sockets, each
//! pair of replies normalised and compared, and the state repairs and probes the
//! normalisation needs (INCRBYFLOAT text, lex ranges over mixed scores, SCAN iteration).

use super::generator::{Cmd, Gen, Step};
use super::norm;
use super::resp::{self, Conn, V, show, show_cmd};
use crate::cmd;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;

/// One seed's run: a connection to each server and the generator.
pub struct Run {
    m: Conn,
    r: Conn,
    g: Gen,
    seed: u64,
    resp3: bool,
    keep_going: bool,
    /// Whether the connections are inside MULTI (from the replies), and what got queued.
    multi: bool,
    queued: Vec<Cmd>,
    /// The last commands and their (normalised) replies, for failure messages.
    history: VecDeque<String>,
    pub failures: Vec<String>,
    pub stats: Stats,
}

/// What Redis replied, per command name: for MUXIS_DIFF_STATS, to see how much of the
/// generated stream gets past argument checks and type checks.
#[derive(Default)]
pub struct Stats {
    /// Replies, errors, WRONGTYPE errors.
    counts: BTreeMap<String, [u32; 3]>,
    /// How often each error text came back.
    errors: BTreeMap<(String, String), u32>,
}

impl Stats {
    fn record(&mut self, name: &str, r: &V) {
        let c = self.counts.entry(name.to_string()).or_default();
        c[0] += 1;
        if let V::Error(e) = r {
            c[1] += 1;
            c[2] += u32::from(e.starts_with(b"WRONGTYPE"));
            let e = String::from_utf8_lossy(&e[..e.len().min(70)]).into_owned();
            *self.errors.entry((name.to_string(), e)).or_default() += 1;
        }
    }

    pub fn merge(&mut self, other: Stats) {
        for (k, v) in other.counts {
            let c = self.counts.entry(k).or_default();
            (0..3).for_each(|i| c[i] += v[i]);
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }

    pub fn print(&self) {
        eprintln!("command: replies / errors / WRONGTYPE");
        for (k, v) in &self.counts {
            eprintln!("  {k:16} {:6} {:6} {:6}", v[0], v[1], v[2]);
        }
        eprintln!("errors:");
        for ((c, e), n) in &self.errors {
            eprintln!("  {c:16} {n:6} {e}");
        }
    }
}

impl Run {
    pub fn new(
        muxis: SocketAddr,
        redis: SocketAddr,
        seed: u64,
        resp3: bool,
        keep_going: bool,
        all: bool,
    ) -> Run {
        let g = Gen::new(seed, resp3, all);
        let mut run = Run {
            m: Conn::connect(muxis).expect("connect to muxis"),
            r: Conn::connect(redis).expect("connect to redis-server"),
            g,
            seed,
            resp3,
            keep_going,
            multi: false,
            queued: Vec::new(),
            history: VecDeque::new(),
            failures: Vec::new(),
            stats: Stats::default(),
        };
        run.reset();
        run
    }

    /// Both servers back to a fresh connection state and empty databases; not compared.
    fn reset(&mut self) {
        for c in [&mut self.m, &mut self.r] {
            for cmd in [&cmd!["RESET"], &cmd!["FLUSHALL"]] {
                let v = c.call(cmd).expect("reply");
                assert!(!v.is_error(), "{}: {}", show_cmd(cmd), show(&v));
            }
        }
        self.hello();
        self.multi = false;
        self.queued.clear();
        self.g.in_multi = false;
    }

    /// Switches both connections to RESP3 in a RESP3 run (the HELLO reply holds the
    /// connection id, so it is not compared here; the generator sends comparable ones).
    fn hello(&mut self) {
        if self.resp3 {
            for c in [&mut self.m, &mut self.r] {
                let hello = cmd!["HELLO", "3"];
                let v = c.call(&hello).expect("reply");
                assert!(matches!(v, V::Map(_)), "HELLO 3: {}", show(&v));
            }
        }
    }

    pub fn go(&mut self, count: usize) {
        for i in 0..count {
            for step in self.g.next() {
                match step {
                    Step::One(cmd) => self.one(i, cmd),
                    Step::ScanAll { cmd, cursor, pairs } => self.scan_all(i, cmd, cursor, pairs),
                }
            }
        }
    }

    /// Sends `cmd` to both servers (both writes first, so they work in parallel) and reads
    /// both replies.
    fn call(&mut self, cmd: &Cmd) -> (V, V) {
        let bytes = resp::encode(cmd);
        self.m.send(&bytes).expect("send to muxis");
        self.r.send(&bytes).expect("send to redis-server");
        let m = self
            .m
            .read()
            .unwrap_or_else(|e| self.fatal(cmd, "muxis", e));
        let r = self
            .r
            .read()
            .unwrap_or_else(|e| self.fatal(cmd, "redis-server", e));
        (m, r)
    }

    fn fatal(&self, cmd: &Cmd, who: &str, e: std::io::Error) -> ! {
        panic!(
            "seed {:#x}: reading {who}'s reply to {} failed: {e}\nprevious commands:\n{}",
            self.seed,
            show_cmd(cmd),
            self.history.iter().cloned().collect::<Vec<_>>().join("\n")
        );
    }

    fn one(&mut self, i: usize, cmd: Cmd) {
        if !self.multi
            && let Some(lex) = norm::lex_range(&cmd)
            && self.mixed_scores(&lex.src)
        {
            return self.unspecified(i, cmd, lex.dst);
        }
        let (m, r) = self.call(&cmd);
        let name = String::from_utf8_lossy(&cmd[0]).to_ascii_lowercase();
        let queued = std::mem::take(&mut self.queued);
        let (nm, nr) = (
            norm::normalise(&cmd, &queued, m.clone()),
            norm::normalise(&cmd, &queued, r.clone()),
        );
        let ok = norm::equal(&cmd, &queued, &nm, &nr);
        self.stats.record(&name, &r);
        self.queued = queued;
        self.remember(i, &cmd, &nm, &nr);
        if !ok {
            return self.mismatch(i, &cmd, &m, &r);
        }
        // Transaction state, from Redis's replies.
        match (name.as_str(), &r) {
            ("multi", V::Simple(s)) if s == b"OK" => {
                self.multi = true;
                self.queued.clear();
            }
            (_, V::Simple(s)) if self.multi && s == b"QUEUED" => self.queued.push(cmd.clone()),
            ("exec" | "discard" | "reset", _) => {
                self.multi = false;
                self.queued.clear();
            }
            _ => {}
        }
        match name.as_str() {
            "reset" => self.hello(),
            "incrbyfloat" | "hincrbyfloat" => self.repair_float(&cmd, &m, &r),
            _ => {}
        }
    }

    /// Whether `key` is a sorted set whose members have different scores (asked of Redis
    /// only: a read, so the two servers stay in step).
    fn mixed_scores(&mut self, key: &[u8]) -> bool {
        let probe = cmd!["ZRANGE", key, "0", "-1", "WITHSCORES"];
        let v = self.r.call(&probe).expect("reply");
        norm::mixed_scores(&v)
    }

    /// A lex range over mixed scores: its result is unspecified, so only errors are
    /// compared, and a key it wrote is deleted on both servers.
    fn unspecified(&mut self, i: usize, cmd: Cmd, written: Option<Vec<u8>>) {
        let (m, r) = self.call(&cmd);
        let note = V::Simple(b"(unspecified: lex range over mixed scores)".to_vec());
        let (m, r) = match (m.is_error(), r.is_error()) {
            (false, false) => (note.clone(), note),
            _ => (m, r),
        };
        self.remember(i, &cmd, &m, &r);
        if m != r {
            return self.mismatch(i, &cmd, &m, &r);
        }
        if let Some(key) = written {
            self.call(&cmd!["DEL", key]);
        }
    }

    /// INCRBYFLOAT / HINCRBYFLOAT: the replies matched within tolerance, but the stored
    /// text may differ in the last digits (long double vs f64). Give muxis Redis's text,
    /// or drop the value on both when it was too large to compare.
    fn repair_float(&mut self, cmd: &Cmd, m: &V, r: &V) {
        if m == r || cmd.len() < 3 {
            return;
        }
        let hash = cmd[0].eq_ignore_ascii_case(b"hincrbyfloat");
        let key = &cmd[1];
        let fix = match r.bytes() {
            Some(text) if !norm::huge(text) && !hash => cmd!["SET", key, text, "KEEPTTL"],
            Some(text) if !norm::huge(text) => cmd!["HSET", key, cmd[2], text],
            _ => {
                let del = if hash {
                    cmd!["HDEL", key, cmd[2]]
                } else {
                    cmd!["DEL", key]
                };
                let _ = self.r.call(&del).expect("reply");
                del
            }
        };
        let v = self.m.call(&fix).expect("reply");
        assert!(!v.is_error(), "repair {}: {}", show_cmd(&fix), show(&v));
    }

    /// Iterates a SCAN-family command to the end on each server and compares the sets.
    fn scan_all(&mut self, i: usize, cmd: Cmd, cursor: usize, pairs: bool) {
        let m = scan_one(&mut self.m, &cmd, cursor, pairs);
        let r = scan_one(&mut self.r, &cmd, cursor, pairs);
        self.remember(i, &cmd, &m, &r);
        if m != r {
            self.mismatch(i, &cmd, &m, &r);
        }
    }

    fn remember(&mut self, i: usize, cmd: &Cmd, m: &V, r: &V) {
        if self.history.len() >= history_len() {
            self.history.pop_front();
        }
        let line = if m == r {
            format!("  #{i} {}\n      both: {}", show_cmd(cmd), clip(&show(m)))
        } else {
            format!(
                "  #{i} {}\n      muxis: {}\n      redis: {}",
                show_cmd(cmd),
                clip(&show(m)),
                clip(&show(r))
            )
        };
        self.history.push_back(line);
    }

    fn mismatch(&mut self, i: usize, cmd: &Cmd, m: &V, r: &V) {
        // What the selected database holds on each side (not inside MULTI, where KEYS
        // would be queued).
        let keys = if self.multi {
            String::new()
        } else {
            let (km, kr) = self.call(&cmd!["KEYS", "*"]);
            let keys = cmd!["KEYS"];
            let (km, kr) = (
                norm::normalise(&keys, &[], km),
                norm::normalise(&keys, &[], kr),
            );
            format!(
                "keys now: muxis {}\n          redis {}\n",
                show(&km),
                show(&kr)
            )
        };
        let msg = format!(
            "MISMATCH seed {:#x} ({}) command #{i}: {}\n  muxis: {}\n  redis: {}\n{keys}\
             last commands (normalised replies):\n{}\n\
             rerun: MUXIS_DIFF_SEED={:#x} MUXIS_DIFF_COUNT={} cargo test --release --test it differential_{}",
            self.seed,
            if self.resp3 { "RESP3" } else { "RESP2" },
            show_cmd(cmd),
            show(m),
            show(r),
            self.history.iter().cloned().collect::<Vec<_>>().join("\n"),
            self.seed,
            i + 1,
            if self.resp3 { "resp3" } else { "resp2" },
        );
        if !self.keep_going {
            panic!("{msg}");
        }
        self.failures.push(msg);
        self.history.clear();
        self.reset();
    }
}

/// How many previous commands a failure shows: 10, or `MUXIS_DIFF_HISTORY`.
fn history_len() -> usize {
    std::env::var("MUXIS_DIFF_HISTORY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

/// Shortens very long renderings in the history.
fn clip(s: &str) -> String {
    if s.len() <= 300 {
        return s.to_string();
    }
    let mut end = 300;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &s[..end], s.len())
}

/// Runs a SCAN-family command from cursor 0 to the end; returns the sorted, deduplicated
/// elements (pairs for HSCAN/ZSCAN), or the first error or malformed reply.
fn scan_one(conn: &mut Conn, cmd: &Cmd, cursor: usize, pairs: bool) -> V {
    let mut cmd = cmd.clone();
    let mut seen = Vec::new();
    for _ in 0..100_000 {
        let reply = conn.call(&cmd).expect("scan reply");
        let Some([next, V::Array(items)]) = reply.items() else {
            return reply;
        };
        let Some(next) = next.bytes() else {
            return reply;
        };
        if pairs {
            seen.extend(items.chunks(2).map(|p| V::Array(p.to_vec())));
        } else {
            seen.extend(items.iter().cloned());
        }
        if next == b"0" {
            seen.sort_by_key(show);
            seen.dedup();
            return V::Array(seen);
        }
        cmd[cursor] = next.to_vec();
    }
    V::Error(b"scan did not finish in 100000 calls".to_vec())
}
