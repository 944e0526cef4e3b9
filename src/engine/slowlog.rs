//! The slow log: commands that ran at least `slowlog-log-slower-than` microseconds, newest
//! first, at most `slowlog-max-len` of them, as Redis 7.0 keeps them (`slowlog.c`).
//!
//! Also home of [`redacted`], the arguments Redis hides from the slow log and MONITOR
//! (passwords given to AUTH, HELLO, ACL SETUSER, MIGRATE and sensitive CONFIG SETs).

use bytes::Bytes;
use std::collections::VecDeque;

/// Arguments kept per entry; the last one kept says how many more there were.
const MAX_ARGC: usize = 32;
/// Bytes kept per argument.
const MAX_STRING: usize = 128;

/// One logged command.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    /// Unix seconds when it was logged.
    pub time: u64,
    pub usec: u64,
    pub argv: Vec<Bytes>,
    /// The client's address (`ip:port`), `?:0` for a script's calls.
    pub addr: String,
    pub name: Bytes,
}

#[derive(Debug)]
pub struct Slowlog {
    /// Newest first.
    pub entries: VecDeque<Entry>,
    /// Ids keep counting across SLOWLOG RESET, as in Redis.
    next_id: u64,
    /// `slowlog-log-slower-than`: -1 logs nothing, 0 everything.
    pub slower_than: i64,
    /// `slowlog-max-len`.
    pub max_len: usize,
}

impl Default for Slowlog {
    fn default() -> Self {
        Slowlog {
            entries: VecDeque::new(),
            next_id: 0,
            slower_than: 10_000,
            max_len: 128,
        }
    }
}

impl Slowlog {
    /// Whether a command that took `usec` is to be logged: the one check on the hot path.
    pub fn wants(&self, usec: u64) -> bool {
        self.slower_than >= 0 && self.max_len > 0 && usec >= self.slower_than as u64
    }

    /// Logs a command (call only when [`Slowlog::wants`] it), trimming its arguments as
    /// Redis's `slowlogCreateEntry`.
    pub fn push(&mut self, argv: &[Bytes], usec: u64, time: u64, addr: String, name: Bytes) {
        let argc = argv.len();
        let kept = argc.min(MAX_ARGC);
        let mut out = Vec::with_capacity(kept);
        for (j, a) in argv.iter().take(kept).enumerate() {
            if kept != argc && j == kept - 1 {
                let more = argc - kept + 1;
                out.push(Bytes::from(format!("... ({more} more arguments)")));
            } else if a.len() > MAX_STRING {
                let mut s = a[..MAX_STRING].to_vec();
                s.extend_from_slice(
                    format!("... ({} more bytes)", a.len() - MAX_STRING).as_bytes(),
                );
                out.push(Bytes::from(s));
            } else {
                // A copy: a slice would pin the whole read buffer it came from.
                out.push(Bytes::copy_from_slice(a));
            }
        }
        self.entries.push_front(Entry {
            id: self.next_id,
            time,
            usec,
            argv: out,
            addr,
            name,
        });
        self.next_id += 1;
        self.entries.truncate(self.max_len);
    }

    /// Applies a new `slowlog-max-len` (dropping the oldest entries past it).
    pub fn set_max_len(&mut self, n: usize) {
        self.max_len = n;
        self.entries.truncate(n);
    }
}

const REDACTED: &[u8] = b"(redacted)";

/// `argv` with what Redis 7.0 redacts replaced by `(redacted)`, or `None` when nothing is.
/// `name` is the command's (or subcommand's) full name.
pub fn redacted(name: &str, argv: &[Bytes]) -> Option<Vec<Bytes>> {
    let hide = |from: usize, to: usize| -> Vec<Bytes> {
        argv.iter()
            .enumerate()
            .map(|(i, a)| {
                if (from..to).contains(&i) {
                    Bytes::from_static(REDACTED)
                } else {
                    a.clone()
                }
            })
            .collect()
    };
    let word = |i: usize, w: &str| {
        argv.get(i)
            .is_some_and(|a| a.eq_ignore_ascii_case(w.as_bytes()))
    };
    match name {
        "auth" => Some(hide(1, argv.len())),
        "hello" => {
            let at = (2..argv.len()).find(|&i| word(i, "auth"))?;
            Some(hide(at + 1, (at + 3).min(argv.len())))
        }
        "acl|setuser" => Some(hide(2, argv.len())),
        "config|set" => {
            const SENSITIVE: [&str; 4] = [
                "requirepass",
                "masterauth",
                "tls-key-file-pass",
                "tls-client-key-file-pass",
            ];
            let mut out: Option<Vec<Bytes>> = None;
            let mut i = 2;
            while i + 1 < argv.len() {
                if SENSITIVE.iter().any(|s| word(i, s)) {
                    out.get_or_insert_with(|| argv.to_vec())[i + 1] = Bytes::from_static(REDACTED);
                }
                i += 2;
            }
            out
        }
        "migrate" => {
            let mut out: Option<Vec<Bytes>> = None;
            for i in 6..argv.len() {
                if word(i, "keys") {
                    break;
                }
                let n = if word(i, "auth") {
                    1
                } else if word(i, "auth2") {
                    2
                } else {
                    continue;
                };
                let v = out.get_or_insert_with(|| argv.to_vec());
                for slot in v.iter_mut().skip(i + 1).take(n) {
                    *slot = Bytes::from_static(REDACTED);
                }
            }
            out
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<Bytes> {
        words.iter().map(|w| Bytes::from(w.to_string())).collect()
    }

    #[test]
    fn long_commands_are_trimmed_as_redis() {
        let mut log = Slowlog::default();
        let mut argv = args(&["sadd", "s"]);
        argv.extend((0..40).map(|i| Bytes::from(i.to_string())));
        argv[1] = Bytes::from(vec![b'a'; 130]);
        log.push(&argv, 5, 1, "1.2.3.4:5".into(), Bytes::new());
        let e = &log.entries[0];
        assert_eq!(e.argv.len(), 32);
        assert_eq!(&e.argv[31][..], b"... (11 more arguments)");
        assert!(e.argv[1].ends_with(b"a... (2 more bytes)"));
        assert_eq!(e.argv[1].len(), 128 + "... (2 more bytes)".len());
    }

    #[test]
    fn entries_are_newest_first_and_bounded() {
        let mut log = Slowlog::default();
        log.set_max_len(2);
        for i in 0..3 {
            log.push(&args(&["get", "k"]), i, 0, String::new(), Bytes::new());
        }
        let ids: Vec<u64> = log.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, [2, 1]);
        log.slower_than = -1;
        assert!(!log.wants(1_000_000));
        log.slower_than = 0;
        assert!(log.wants(0));
    }

    #[test]
    fn secrets_are_redacted() {
        let r = |w: &[&str], name| {
            redacted(name, &args(w)).map(|v| {
                v.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            r(&["auth", "a", "b"], "auth").unwrap(),
            ["auth", "(redacted)", "(redacted)"]
        );
        assert_eq!(
            r(&["hello", "3", "AUTH", "u", "p", "setname", "x"], "hello").unwrap(),
            [
                "hello",
                "3",
                "AUTH",
                "(redacted)",
                "(redacted)",
                "setname",
                "x"
            ]
        );
        assert!(r(&["hello", "3"], "hello").is_none());
        assert_eq!(
            r(
                &["config", "set", "maxmemory", "1", "requirepass", "x"],
                "config|set"
            )
            .unwrap(),
            [
                "config",
                "set",
                "maxmemory",
                "1",
                "requirepass",
                "(redacted)"
            ]
        );
        assert_eq!(
            r(
                &[
                    "migrate", "h", "1", "", "0", "10", "auth2", "u", "p", "keys", "auth"
                ],
                "migrate"
            )
            .unwrap(),
            [
                "migrate",
                "h",
                "1",
                "",
                "0",
                "10",
                "auth2",
                "(redacted)",
                "(redacted)",
                "keys",
                "auth"
            ]
        );
        assert!(r(&["get", "k"], "get").is_none());
    }
}
