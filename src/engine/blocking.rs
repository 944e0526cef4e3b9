//! Blocked clients: who waits on which key, until when, and which keys got data this round.
//!
//! A blocking command (BLPOP, BZPOPMIN, XREAD BLOCK, ...) first tries to serve itself. If it
//! cannot, its handler calls [`Ctx::block`](super::ctx::Ctx::block) instead of replying. The
//! executor then parks the client: its later commands wait in its queue, in order. When a
//! command signals a key as ready (LPUSH, ZADD, XADD, ...), the executor re-runs each waiting
//! client's command on that key, oldest first, until the key has nothing more to give; a
//! client whose re-run blocks again keeps its place. At its deadline a client gets its
//! command's timeout reply. Deadlines are kept ordered, so the executor sleeps exactly until
//! the next one: timeouts are honoured to the millisecond, not to the timer tick.

use bytes::Bytes;
use std::collections::{BTreeSet, HashMap, VecDeque};

/// What a timed-out blocking command replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    /// `*-1` (RESP3 `_`): BLPOP, BLMOVE, BZPOPMIN, BLMPOP, XREAD...
    NullArray,
    /// `$-1` (RESP3 `_`). Redis 7.0 times out even BLMOVE and BRPOPLPUSH with the null
    /// array; this is for commands that document a null bulk.
    NullBulk,
}

/// What a blocked command waits for: the type a ready key must hold to re-run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    List,
    ZSet,
    Stream,
    /// XREADGROUP: a stream, and if the key is deleted or replaced by another type the
    /// client is released with an error (Redis 7.0's `-UNBLOCKED`).
    Group,
}

impl Wait {
    /// Whether `value` is what this waiter can be served from.
    pub fn matches(self, value: crate::db::ValueRef<'_>) -> bool {
        use crate::db::ValueRef as Value;
        matches!(
            (self, value),
            (Wait::List, Value::List(_))
                | (Wait::ZSet, Value::ZSet(_))
                | (Wait::Stream | Wait::Group, Value::Stream(_))
        )
    }
}

/// How a handler asks to block.
#[derive(Debug, Clone)]
pub struct BlockSpec {
    pub on: Wait,
    /// Keys (in the client's database) whose readiness should re-run the command.
    pub keys: Vec<Bytes>,
    /// Absolute deadline in Unix ms; `None` waits forever.
    pub deadline: Option<u64>,
    pub on_timeout: TimeoutReply,
    /// The arguments to re-run with, when they differ from the original (XREAD resolves `$`
    /// to the last ID at block time). `None` re-runs the original arguments.
    pub argv: Option<Vec<Bytes>>,
}

/// A parked client's command.
#[derive(Debug)]
pub struct Blocked {
    pub cmd: u16,
    pub on: Wait,
    pub argv: Vec<Bytes>,
    pub db: usize,
    pub keys: Vec<Bytes>,
    pub deadline: Option<u64>,
    pub on_timeout: TimeoutReply,
}

/// The executor's index of blocked clients.
#[derive(Debug, Default)]
pub struct Blocking {
    /// (db, key) → clients waiting on it, oldest first.
    pub waiters: HashMap<(usize, Bytes), VecDeque<u64>, ahash::RandomState>,
    /// (deadline, client id), earliest first.
    pub deadlines: BTreeSet<(u64, u64)>,
    /// Keys signalled ready since the last check, in signal order.
    pub ready: Vec<(usize, Bytes)>,
}

impl Blocking {
    /// The keys of `db` somebody waits on.
    pub fn waited_in(&self, db: usize) -> Vec<Bytes> {
        self.waiters
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Whether anybody waits on `key` in `db`.
    pub fn is_waited(&self, db: usize, key: &[u8]) -> bool {
        // The common case (nobody blocked) must cost nothing but this test.
        !self.waiters.is_empty()
            && self
                .waiters
                .contains_key(&(db, Bytes::copy_from_slice(key)))
    }

    /// Parks `id` on the keys of `b`.
    pub fn park(&mut self, id: u64, b: &Blocked) {
        for key in &b.keys {
            let q = self.waiters.entry((b.db, key.clone())).or_default();
            if !q.contains(&id) {
                q.push_back(id);
            }
        }
        if let Some(d) = b.deadline {
            self.deadlines.insert((d, id));
        }
    }

    /// Removes `id` from every index it is in for `b`.
    pub fn unpark(&mut self, id: u64, b: &Blocked) {
        for key in &b.keys {
            let k = (b.db, key.clone());
            if let Some(q) = self.waiters.get_mut(&k) {
                q.retain(|&c| c != id);
                if q.is_empty() {
                    self.waiters.remove(&k);
                }
            }
        }
        if let Some(d) = b.deadline {
            self.deadlines.remove(&(d, id));
        }
    }

    /// The earliest deadline, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.deadlines.first().map(|&(d, _)| d)
    }
}

/// Parses a blocking timeout the way Redis 7.0 does (`getTimeoutFromObjectOrReply`).
/// Seconds may be fractional (BLPOP...) and are truncated to whole milliseconds, so a
/// timeout under 1 ms means "forever", as in Redis; milliseconds are an integer (XREAD
/// BLOCK). Returns the absolute deadline in Unix ms (None = forever).
pub fn parse_timeout(arg: &[u8], now_ms: u64, millis: bool) -> Result<Option<u64>, &'static str> {
    const NEGATIVE: &str = "ERR timeout is negative";
    let ms: i64 = if millis {
        crate::util::number::parse_i64(arg)
            .ok_or("ERR timeout is not an integer or out of range")?
    } else {
        let secs = crate::util::number::parse_f64(arg)
            .ok_or("ERR timeout is not a float or out of range")?;
        let ms = secs * 1000.0;
        // Redis casts to a 64-bit integer; on x86-64 anything out of range (inf included)
        // becomes the most negative value, hence its "negative" error.
        if !ms.is_finite() || ms >= i64::MAX as f64 || ms <= i64::MIN as f64 {
            return Err(NEGATIVE);
        }
        ms as i64
    };
    if ms < 0 {
        return Err(NEGATIVE);
    }
    if ms == 0 {
        return Ok(None);
    }
    let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
    if ms > i64::MAX - now {
        return Err("ERR timeout is out of range");
    }
    Ok(Some((now + ms) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_like_redis() {
        assert_eq!(parse_timeout(b"0", 1000, false), Ok(None));
        assert_eq!(parse_timeout(b"1.5", 1000, false), Ok(Some(2500)));
        // Under a millisecond truncates to 0: wait forever, as Redis does.
        assert_eq!(parse_timeout(b"0.0001", 1000, false), Ok(None));
        assert_eq!(
            parse_timeout(b"inf", 0, false),
            Err("ERR timeout is negative")
        );
        assert_eq!(
            parse_timeout(b"9223372036854775807", 0, false),
            Err("ERR timeout is negative")
        );
        assert_eq!(
            parse_timeout(b"9223372036854775807", 5, true),
            Err("ERR timeout is out of range")
        );
        assert_eq!(
            parse_timeout(b"-1", 0, false),
            Err("ERR timeout is negative")
        );
        assert_eq!(
            parse_timeout(b"x", 0, false),
            Err("ERR timeout is not a float or out of range")
        );
        assert_eq!(parse_timeout(b"250", 1000, true), Ok(Some(1250)));
        assert_eq!(
            parse_timeout(b"1.5", 0, true),
            Err("ERR timeout is not an integer or out of range")
        );
    }
}
