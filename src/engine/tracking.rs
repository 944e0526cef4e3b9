//! Client-side caching (CLIENT TRACKING), as Redis 7.0's `tracking.c`: the table of keys
//! tracking clients have read, the broadcast prefixes, and the invalidation messages.
//!
//! - Default mode: the keys a read-only command of a tracking client names are
//!   remembered (key name only, any database, as Redis). When one is modified, expired or
//!   evicted, every client that read it gets one `invalidate` and the entry is forgotten,
//!   so a client is told once until it reads the key again.
//! - BCAST: nothing is remembered; a modified key matching a prefix is queued under that
//!   prefix and the queue goes out once per executor round (Redis's `beforeSleep`), the
//!   keys of one prefix in one sorted message.
//! - Messages go to the client itself as a RESP3 push, or to its REDIRECT client: a push
//!   in RESP3, a `__redis__:invalidate` message if that client is a RESP2 subscriber.
//!
//! Invalidations are queued while a command runs and written after it (so a client's own
//! invalidation follows its reply, even after a whole EXEC, as in 7.0.15), through the
//! same reply path as pub/sub messages: every I/O thread gets them in order.

use super::client::Client;
use super::out::Outs;
use super::state::Server;
use super::table::{Spec, flag};
use ahash::RandomState;
use bytes::Bytes;
use indexmap::{IndexMap, IndexSet};
use std::collections::BTreeMap;

/// A client's tracking settings (Redis's `CLIENT_TRACKING_*` flags).
#[derive(Debug, Default, Clone)]
pub struct ClientTracking {
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// CLIENT CACHING was given for the next command.
    pub caching: bool,
    /// The redirect client went away: shown in TRACKINGINFO.
    pub broken_redir: bool,
    /// The client invalidations go to instead (0: none).
    pub redirect: u64,
    /// BCAST prefixes, in Redis's (sorted) order.
    pub prefixes: std::collections::BTreeSet<Bytes>,
}

/// One broadcast prefix: its clients and the keys modified since the last round, each with
/// the client that modified it last (for NOLOOP).
#[derive(Debug, Default)]
struct Prefix {
    clients: IndexSet<u64, RandomState>,
    keys: BTreeMap<Bytes, u64>,
}

/// What is owed to tracking clients once the running command is done.
#[derive(Debug)]
enum Pending {
    Key(u64, Bytes),
    /// FLUSHALL/FLUSHDB: every tracking client gets a null invalidation.
    Flush,
}

#[derive(Debug, Default)]
pub struct Tracking {
    /// Key → the clients that read it since it last changed.
    table: IndexMap<Bytes, IndexSet<u64, RandomState>, RandomState>,
    /// (key, client) pairs in the table (Redis's `tracking_total_items`).
    items: usize,
    prefixes: BTreeMap<Bytes, Prefix>,
    /// Clients with tracking on.
    pub clients: usize,
    pending: Vec<Pending>,
    /// Whether some prefix has keys queued.
    bcast_pending: bool,
    /// The client whose command is running (0: the server itself): NOLOOP's "writer".
    pub current: u64,
    /// `tracking-table-max-keys` (0: no limit).
    pub max_keys: usize,
}

impl Tracking {
    /// Whether a modified key can concern anybody.
    #[inline]
    pub fn active(&self) -> bool {
        !self.table.is_empty() || !self.prefixes.is_empty()
    }

    /// INFO's `tracking_total_keys`, `tracking_total_items`, `tracking_total_prefixes`.
    pub fn totals(&self) -> (usize, usize, usize) {
        (self.table.len(), self.items, self.prefixes.len())
    }
}

impl Server {
    /// Turns tracking on for client `id` (CLIENT TRACKING ON, options already checked).
    pub fn tracking_enable(&mut self, id: u64, mut t: ClientTracking, new_prefixes: &[Bytes]) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        match &c.tracking {
            Some(old) => {
                // Re-enabling keeps the prefixes (and CACHING); the flags are replaced.
                t.prefixes = old.prefixes.clone();
                t.caching = old.caching;
            }
            None => self.tracking.clients += 1,
        }
        if t.bcast {
            let empty = [Bytes::new()];
            let list = if new_prefixes.is_empty() {
                &empty[..]
            } else {
                new_prefixes
            };
            for p in list {
                t.prefixes.insert(p.clone());
                self.tracking
                    .prefixes
                    .entry(p.clone())
                    .or_default()
                    .clients
                    .insert(id);
            }
        }
        c.tracking = Some(Box::new(t));
        self.update_expired_tracking();
    }

    /// Turns tracking off for client `id` (CLIENT TRACKING OFF, RESET, disconnect). Its
    /// entries in the key table stay until those keys change, as in Redis.
    pub fn tracking_disable(&mut self, id: u64) {
        let Some(t) = self.clients.get_mut(&id).and_then(|c| c.tracking.take()) else {
            return;
        };
        self.tracking_forget(id, &t);
    }

    /// [`Server::tracking_disable`] for a client out of the map (being released).
    pub fn tracking_disable_client(&mut self, id: u64, c: &mut Client) {
        if let Some(t) = c.tracking.take() {
            self.tracking_forget(id, &t);
        }
    }

    fn tracking_forget(&mut self, id: u64, t: &ClientTracking) {
        self.tracking.clients -= 1;
        self.update_expired_tracking();
        for p in &t.prefixes {
            if let Some(prefix) = self.tracking.prefixes.get_mut(p) {
                prefix.clients.shift_remove(&id);
                if prefix.clients.is_empty() {
                    self.tracking.prefixes.remove(p);
                }
            }
        }
    }

    /// After a command of client `id` ran: remembers the keys a read-only command read, if
    /// the client tracks in default mode and OPTIN/OPTOUT let it (Redis's
    /// `trackingRememberKeys`).
    pub fn tracking_remember(&mut self, id: u64, spec: &Spec, args: &[Bytes]) {
        if spec.flags & flag::READONLY == 0
            || spec.flags & flag::PUBSUB != 0
            || matches!(spec.name, "eval_ro" | "evalsha_ro" | "fcall_ro")
        {
            return;
        }
        let Some(t) = self.clients.get(&id).and_then(|c| c.tracking.as_deref()) else {
            return;
        };
        if t.bcast || (t.optin && !t.caching) || (t.optout && t.caching) {
            return;
        }
        for k in spec.keys(args) {
            let Some(key) = args.get(k.pos) else {
                continue;
            };
            let ids = match self.tracking.table.get_mut(&key[..]) {
                Some(ids) => ids,
                None => self
                    .tracking
                    .table
                    .entry(Bytes::copy_from_slice(key))
                    .or_default(),
            };
            if ids.insert(id) {
                self.tracking.items += 1;
            }
        }
        self.tracking_limit();
    }

    /// Evicts keys from the table (invalidating them) while it holds more than
    /// `tracking-table-max-keys`, as Redis's `trackingLimitUsedSlots`.
    fn tracking_limit(&mut self) {
        let max = self.tracking.max_keys;
        while max > 0 && self.tracking.table.len() > max {
            let i = self.rng.below(self.tracking.table.len() as u64) as usize;
            let Some(key) = self.tracking.table.get_index(i).map(|(k, _)| k.clone()) else {
                return;
            };
            // The server evicts it: NOLOOP does not spare the reader.
            let current = std::mem::take(&mut self.tracking.current);
            self.tracking_invalidate(&key);
            self.tracking.current = current;
        }
    }

    /// Client `id`'s command is done (CLIENT's own subcommands aside): CLIENT CACHING's
    /// choice lasted that one command, or, inside MULTI, lasts until EXEC.
    pub fn tracking_command_done(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id)
            && c.multi.is_none()
            && let Some(t) = c.tracking.as_deref_mut()
        {
            t.caching = false;
        }
    }

    /// `key` changed (written, expired, evicted): queues the invalidations owed.
    pub fn tracking_invalidate(&mut self, key: &[u8]) {
        let writer = self.tracking.current;
        let tr = &mut self.tracking;
        for (p, prefix) in tr.prefixes.iter_mut() {
            if key.starts_with(p) {
                prefix.keys.insert(Bytes::copy_from_slice(key), writer);
                tr.bcast_pending = true;
            }
        }
        let Some(ids) = tr.table.swap_remove(key) else {
            return;
        };
        tr.items -= ids.len();
        let key = Bytes::copy_from_slice(key);
        for id in ids {
            let Some(t) = self.clients.get(&id).and_then(|c| c.tracking.as_deref()) else {
                continue;
            };
            if t.bcast || (t.noloop && id == writer) {
                continue;
            }
            self.tracking.pending.push(Pending::Key(id, key.clone()));
        }
    }

    /// A database was flushed: every tracking client gets a null invalidation, and the
    /// table is emptied (Redis's `trackingInvalidateKeysOnFlush`).
    pub fn tracking_flushed(&mut self) {
        if self.tracking.clients > 0
            && !matches!(self.tracking.pending.last(), Some(Pending::Flush))
        {
            self.tracking.pending.push(Pending::Flush);
        }
        self.tracking.table.clear();
        self.tracking.items = 0;
    }

    /// Applies `tracking-table-max-keys` (at start and after CONFIG SET).
    pub fn apply_tracking_config(&mut self) {
        self.tracking.max_keys = self
            .config
            .get("tracking-table-max-keys")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
    }
}

/// Writes the invalidations queued by the commands run so far; with `bcast`, also the
/// broadcast ones (once per executor round).
pub fn deliver(srv: &mut Server, outs: &mut Outs, bcast: bool) {
    if !srv.tracking.pending.is_empty() {
        for p in std::mem::take(&mut srv.tracking.pending) {
            match p {
                Pending::Key(id, key) => send(srv, outs, id, Payload::Keys(&[key])),
                Pending::Flush => {
                    let ids: Vec<u64> = srv
                        .clients
                        .iter()
                        .filter(|(_, c)| c.tracking.is_some())
                        .map(|(&id, _)| id)
                        .collect();
                    for id in ids {
                        send(srv, outs, id, Payload::Null);
                    }
                }
            }
        }
    }
    if bcast && std::mem::take(&mut srv.tracking.bcast_pending) {
        let mut sends: Vec<(u64, Vec<Bytes>)> = Vec::new();
        for prefix in srv.tracking.prefixes.values_mut() {
            if prefix.keys.is_empty() {
                continue;
            }
            let keys = std::mem::take(&mut prefix.keys);
            for &id in &prefix.clients {
                let noloop = srv
                    .clients
                    .get(&id)
                    .and_then(|c| c.tracking.as_deref())
                    .is_some_and(|t| t.noloop);
                let list: Vec<Bytes> = keys
                    .iter()
                    .filter(|&(_, &writer)| !(noloop && writer == id))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !list.is_empty() {
                    sends.push((id, list));
                }
            }
        }
        for (id, keys) in sends {
            send(srv, outs, id, Payload::Keys(&keys));
        }
    }
}

enum Payload<'a> {
    Keys(&'a [Bytes]),
    /// A flush: null in the tracking client's own protocol, as Redis sends it.
    Null,
}

/// Sends one invalidation owed to tracking client `id` (Redis's `sendTrackingMessage`).
fn send(srv: &mut Server, outs: &mut Outs, id: u64, payload: Payload) {
    let Some(c) = srv.clients.get_mut(&id).filter(|c| !c.closing) else {
        return;
    };
    let own_resp3 = c.resp3;
    let own_target = c.target();
    let Some(t) = c.tracking.as_deref_mut() else {
        return;
    };
    let (target, redirected, subscribed) = if t.redirect != 0 {
        let redirect = t.redirect;
        match srv.clients.get(&redirect).filter(|r| !r.closing) {
            Some(r) => (r.target(), true, r.subscribed()),
            None => {
                if let Some(t) = srv
                    .clients
                    .get_mut(&id)
                    .and_then(|c| c.tracking.as_deref_mut())
                {
                    t.broken_redir = true;
                }
                if own_resp3 {
                    let mut out = outs.to(own_target);
                    out.push(2);
                    out.bulk(b"tracking-redir-broken");
                    out.int(redirect as i64);
                }
                return;
            }
        }
    } else {
        (own_target, false, false)
    };
    let mut out = if target.resp3 {
        let mut out = outs.to(target);
        out.push(2);
        out.bulk(b"invalidate");
        out
    } else if redirected && subscribed {
        outs.mark_pubsub(&target);
        let mut out = outs.to(target);
        out.push(3);
        out.bulk(b"message");
        out.bulk(b"__redis__:invalidate");
        out
    } else {
        // RESP2 without a subscribed redirect: nowhere to send it.
        return;
    };
    match payload {
        Payload::Keys(keys) => {
            out.array(keys.len());
            for k in keys {
                out.bulk(k);
            }
        }
        Payload::Null if own_resp3 => out.raw(b"_\r\n"),
        Payload::Null => out.raw(b"$-1\r\n"),
    }
}
