//! The keyspace side of a point-in-time snapshot (BGSAVE, the AOF rewrite): which entries
//! a running snapshot still owes, and the old values writes must hand it first.
//!
//! A snapshot starts by giving the database a new epoch. Every entry older than it is
//! owed, once: the walk ([`Db::capture_walk`]) takes them down the table with the same
//! cursor rule as SCAN (entries only move down, so every entry present throughout is
//! reached), and every write path (`get_mut`, `set`, `remove`, `set_expire`) first hands
//! over the old value of an entry still owed ([`Db::preserve`]). Handing over stamps the
//! entry with the epoch, so it is never handed over twice; entries created after the start
//! carry the epoch from birth and are never handed over. A flush hands the whole old
//! table over instead of copying it ([`Capture::freeze`]).
//!
//! Values are handed over as copies (a string's bytes, a collection's contents). Serializing happens elsewhere (the snapshot's writer thread).

use super::keyspace::Db;
use super::moves::Table;
use super::node::Node;
use super::value::Value;
use bytes::Bytes;
use indexmap::map::MutableKeys;

/// One key as the snapshot saw it.
#[derive(Debug, Clone)]
pub struct Record {
    pub key: Bytes,
    pub value: Value,
    pub expire_at: Option<u64>,
    /// The access record (see `lru.rs`).
    pub lru: u32,
}

impl Record {
    pub fn of(n: &Node, expire_at: Option<u64>) -> Record {
        Record {
            key: Bytes::copy_from_slice(n.key()),
            value: n.value().to_value(),
            expire_at,
            lru: n.lru(),
        }
    }
}

/// A snapshot in progress on one database.
#[derive(Debug)]
pub struct Capture {
    /// The database's number when the snapshot started (SWAPDB moves a whole `Db`, its
    /// capture with it, and the file must keep the numbers of the start).
    index: usize,
    /// The walk reached the bottom of the table.
    walked: bool,
    epoch: u32,
    /// The walk's position (a table position, going down); None before the first step.
    cursor: Option<u64>,
    /// Records handed over and not yet taken by the snapshot.
    pub out: Vec<Record>,
    /// Tables a flush removed while entries in them were still owed.
    pub frozen: Vec<Table>,
}

impl Capture {
    /// Keeps a table a flush removed: its entries not yet handed over are still owed.
    pub(super) fn freeze(&mut self, table: Table) {
        if !table.is_empty() {
            self.frozen.push(table);
        }
    }
}

impl Db {
    /// Starts a snapshot of this database, number `index`: from now on every entry
    /// present is owed once.
    pub fn capture_start(&mut self, index: usize) {
        self.epoch = self.epoch.wrapping_add(1);
        self.capture = Some(Box::new(Capture {
            index,
            walked: false,
            epoch: self.epoch,
            cursor: None,
            out: Vec::new(),
            frozen: Vec::new(),
        }));
    }

    /// Whether a snapshot is running here.
    pub fn capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// The number this database had when the snapshot started.
    pub fn capture_index(&self) -> Option<usize> {
        self.capture.as_ref().map(|c| c.index)
    }

    /// Whether the snapshot's walk of this database still has positions to visit.
    pub fn capture_walking(&self) -> bool {
        self.capture.as_ref().is_some_and(|c| !c.walked)
    }

    /// The epoch a table frozen by this snapshot marks handed-over entries with.
    pub fn capture_epoch(&self) -> Option<u32> {
        self.capture.as_ref().map(|c| c.epoch)
    }

    /// Hands over the old value of `key` if the running snapshot still owes it. Called by
    /// every write path before it changes or removes an entry.
    pub(super) fn preserve(&mut self, key: &[u8]) {
        let Some(cap) = self.capture.as_deref_mut() else {
            return;
        };
        if let Some((_, n, _)) = self.map.get_full_mut2(key)
            && n.snap() != cap.epoch
        {
            n.set_snap(cap.epoch);
            let at = expire_of(&self.volatile, n);
            cap.out.push(Record::of(n, at));
        }
    }

    /// Walks up to `count` table positions, handing over the entries still owed. Returns
    /// true when the walk is done (every position visited).
    pub fn capture_walk(&mut self, count: usize) -> bool {
        let Some(cap) = self.capture.as_deref_mut() else {
            return true;
        };
        if cap.walked {
            return true;
        }
        let len = self.map.len() as u64;
        let mut pos = match cap.cursor {
            None => len,
            // The table shrank under the cursor: the positions past the end are gone.
            Some(c) => c.min(len),
        };
        let mut visited = 0;
        while pos > 0 && visited < count {
            pos -= 1;
            visited += 1;
            if let Some((n, _)) = self.map.get_index_mut2(pos as usize)
                && n.snap() != cap.epoch
            {
                n.set_snap(cap.epoch);
                let at = expire_of(&self.volatile, n);
                cap.out.push(Record::of(n, at));
            }
        }
        cap.cursor = Some(pos);
        cap.walked = pos == 0;
        cap.walked
    }

    /// Takes what the snapshot was handed so far: records and frozen tables.
    pub fn capture_take(&mut self) -> (Vec<Record>, Vec<Table>) {
        match self.capture.as_deref_mut() {
            Some(c) => (std::mem::take(&mut c.out), std::mem::take(&mut c.frozen)),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Ends the snapshot (done or abandoned); what it still held is dropped.
    pub fn capture_end(&mut self) {
        self.capture = None;
    }
}

/// Whether an entry of a frozen table was already handed over by the snapshot of `epoch`.
pub fn handed_over(n: &Node, epoch: u32) -> bool {
    n.snap() == epoch
}

/// The expiry time of `n`, from the database's volatile map.
fn expire_of(volatile: &super::keyspace::Volatile, n: &Node) -> Option<u64> {
    n.has_ttl()
        .then(|| volatile.get(n.key()).copied())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::str(v.as_bytes())
    }

    /// Writes of every kind during a walk: the snapshot holds exactly the state at its
    /// start, each key once.
    #[test]
    fn snapshot_sees_the_state_at_its_start_under_writes() {
        let mut db = Db::new();
        for i in 0..1000 {
            db.set(format!("k{i}").as_bytes(), s(&format!("v{i}")), None);
        }
        db.capture_start(0);
        let mut got: Vec<Record> = Vec::new();
        let mut frozen = Vec::new();
        let mut round = 0;
        loop {
            let done = db.capture_walk(7);
            round += 1;
            // Overwrite, delete, create, re-create, expire.
            db.set(format!("k{}", round * 13 % 1000).as_bytes(), s("new"), None);
            db.delete(format!("k{}", round * 17 % 1000).as_bytes(), 0);
            db.set(format!("fresh{round}").as_bytes(), s("x"), None);
            db.set_expire(format!("k{}", round * 19 % 1000).as_bytes(), Some(5), 0);
            if let Some(v) = db.get_mut(format!("k{}", round * 23 % 1000).as_bytes(), 0) {
                *v = s("mutated");
            }
            if round == 60 {
                db.clear();
            }
            let (r, f) = db.capture_take();
            got.extend(r);
            frozen.extend(f);
            if done {
                break;
            }
        }
        let epoch = db.capture_epoch().expect("running");
        for t in frozen {
            for (n, at) in t.iter() {
                if !handed_over(n, epoch) {
                    got.push(Record::of(n, at));
                }
            }
        }
        db.capture_end();
        assert_eq!(got.len(), 1000, "each key once");
        let mut seen = std::collections::HashSet::new();
        for r in &got {
            let name = String::from_utf8_lossy(&r.key).to_string();
            assert!(seen.insert(name.clone()), "{name} twice");
            let i = &name[1..];
            assert_eq!(r.value, s(&format!("v{i}")), "{name}");
            assert_eq!(r.expire_at, None, "{name}");
        }
    }
}
