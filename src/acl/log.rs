//! ACL LOG: the recent denials and failed logins, newest first. A denial like one of the
//! last ten (same reason, context, object and user, within 60 s) only bumps its count and
//! moves it to the front, as Redis's `addACLLogEntry`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Entries this close in time group together.
const GROUPING: Duration = Duration::from_secs(60);
/// How many recent entries a new one is compared with.
const SCAN: usize = 10;

#[derive(Debug, Clone)]
pub struct Entry {
    pub count: u64,
    /// `command`, `key`, `channel` or `auth`.
    pub reason: &'static str,
    /// `toplevel`, `multi`, `lua` or `module`.
    pub context: &'static str,
    pub object: String,
    pub username: String,
    pub created: Instant,
    pub client_info: String,
}

#[derive(Debug, Default)]
pub struct Log {
    pub entries: VecDeque<Entry>,
}

impl Log {
    /// Records an entry, keeping at most `max_len` (`acllog-max-len`).
    pub fn add(&mut self, e: Entry, max_len: usize) {
        let similar = self.entries.iter().take(SCAN).position(|o| {
            o.reason == e.reason
                && o.context == e.context
                && o.object == e.object
                && o.username == e.username
                && e.created.duration_since(o.created) < GROUPING
        });
        match similar.and_then(|i| self.entries.remove(i)) {
            Some(mut o) => {
                o.count += 1;
                o.created = e.created;
                o.client_info = e.client_info;
                self.entries.push_front(o);
            }
            None => self.entries.push_front(e),
        }
        self.entries.truncate(max_len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(object: &str) -> Entry {
        Entry {
            count: 1,
            reason: "key",
            context: "toplevel",
            object: object.into(),
            username: "u".into(),
            created: Instant::now(),
            client_info: String::new(),
        }
    }

    #[test]
    fn similar_entries_group_and_move_to_the_front() {
        let mut log = Log::default();
        log.add(entry("a"), 128);
        log.add(entry("b"), 128);
        log.add(entry("a"), 128);
        let objs: Vec<(&str, u64)> = log
            .entries
            .iter()
            .map(|e| (e.object.as_str(), e.count))
            .collect();
        assert_eq!(objs, vec![("a", 2), ("b", 1)]);
        log.add(entry("c"), 2);
        assert_eq!(log.entries.len(), 2);
    }
}
