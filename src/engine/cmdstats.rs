//! Per-command and per-error counters: what INFO commandstats, errorstats and latencystats
//! report, with Redis 7.0's rules for what counts as a call, a rejected call and a failed
//! one.
//!
//! The counters sit in a `Vec` indexed by the command's `acl_id` (every command and
//! subcommand has one), so the per-command cost is one index and a few adds: no hashing,
//! no allocation (a command's latency histogram is allocated on its first call).
//!
//! Error replies are counted where they are written ([`ErrorStats`] lives beside the reply
//! buffers, `out.rs`), by their first word, as Redis's `afterErrorReply`. A call *failed*
//! when an error reply was written since the previous command finished (Redis's
//! `incrCommandStatsOnError` keeps exactly that one global mark, quirks included); a call
//! is *rejected* when it never ran (arity, ACL, OOM, MISCONF...).

use super::dispatch::Engine;
use super::latency::Hist;
use super::state::Server;
use super::table::spec::{SPECS, Spec};
use crate::config::{Val, params};
use bytes::Bytes;
use std::collections::BTreeMap;
use std::time::Duration;

/// One command's counters.
#[derive(Debug, Default)]
pub struct CmdStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Call durations (`latency-tracking`), allocated on first use.
    pub hist: Option<Box<Hist>>,
}

/// Every command's counters plus the error mark.
#[derive(Debug)]
pub struct CmdStats {
    /// Indexed by [`Spec::acl_id`].
    pub by_id: Vec<CmdStat>,
    /// Total error replies when the last command finished (Redis's `prev_err_count`).
    prev_errors: u64,
    /// `latency-tracking`.
    pub tracking: bool,
}

impl Default for CmdStats {
    fn default() -> Self {
        CmdStats {
            by_id: (0..spec_count()).map(|_| CmdStat::default()).collect(),
            prev_errors: 0,
            tracking: true,
        }
    }
}

/// How many commands and subcommands the data file has (the ids run 0..this).
fn spec_count() -> usize {
    fn count(s: &Spec) -> usize {
        1 + s.subcommands.iter().map(count).sum::<usize>()
    }
    SPECS.commands.iter().map(count).sum()
}

impl CmdStats {
    /// Whether errors were replied since the last command finished; moves the mark.
    fn errors_since(&mut self, total_errors: u64) -> bool {
        let any = total_errors > self.prev_errors;
        self.prev_errors = total_errors;
        any
    }

    /// A call of `spec` that ran for `usec` microseconds.
    /// `uncounted`: it replied an error that is not counted (a script's, passed on).
    pub fn called(&mut self, spec: &Spec, usec: u64, total_errors: u64, uncounted: bool) {
        let failed = self.errors_since(total_errors) || uncounted;
        let tracking = self.tracking;
        let Some(s) = self.by_id.get_mut(spec.acl_id as usize) else {
            return;
        };
        s.calls += 1;
        s.usec += usec;
        s.failed += u64::from(failed);
        if tracking {
            // Redis records microseconds scaled to nanoseconds.
            s.hist
                .get_or_insert_with(Default::default)
                .record(usec.saturating_mul(1000));
        }
    }

    /// A command refused before it ran: counted against `spec` when it is known.
    pub fn rejected(&mut self, spec: Option<&Spec>, total_errors: u64) {
        let errored = self.errors_since(total_errors);
        if let Some(s) = spec.and_then(|s| self.by_id.get_mut(s.acl_id as usize))
            && errored
        {
            s.rejected += 1;
        }
    }

    /// CONFIG RESETSTAT.
    pub fn reset(&mut self) {
        for s in &mut self.by_id {
            *s = CmdStat::default();
        }
    }

    /// Each command and subcommand with something to report, in the data file's order.
    pub fn each(&self) -> impl Iterator<Item = (&'static Spec, &CmdStat)> {
        fn walk(s: &'static Spec, out: &mut Vec<&'static Spec>) {
            out.push(s);
            for sub in &s.subcommands {
                walk(sub, out);
            }
        }
        let mut all = Vec::new();
        for c in &SPECS.commands {
            walk(c, &mut all);
        }
        all.into_iter().filter_map(|spec| {
            let s = self.by_id.get(spec.acl_id as usize)?;
            (s.calls > 0 || s.rejected > 0 || s.failed > 0).then_some((spec, s))
        })
    }

    /// The counters of `spec`.
    pub fn get(&self, spec: &Spec) -> Option<&CmdStat> {
        self.by_id.get(spec.acl_id as usize)
    }
}

impl Server {
    /// Takes `latency-tracking`, the slow log's and the latency monitor's settings from the
    /// configuration (at start and after CONFIG SET), so the hot path reads plain fields.
    pub fn apply_observe_config(&mut self) {
        let val = |name: &str| params::lookup(name.as_bytes()).map(|f| self.config.val(f.index));
        if let Some(Val::Bool(on)) = val("latency-tracking") {
            self.cmdstats.tracking = on;
        }
        if let Some(Val::Int(n)) = val("slowlog-log-slower-than") {
            self.slowlog.slower_than = n.clamp(-1, i64::MAX as i128) as i64;
        }
        if let Some(Val::Int(n)) = val("slowlog-max-len") {
            self.slowlog
                .set_max_len(n.clamp(0, usize::MAX as i128) as usize);
        }
        if let Some(Val::Int(n)) = val("latency-monitor-threshold") {
            self.latency.threshold = n.clamp(0, u64::MAX as i128) as u64;
        }
    }

    /// `latency-tracking-info-percentiles`, as numbers.
    pub fn latency_percentiles(&self) -> Vec<f64> {
        let text =
            params::lookup(b"latency-tracking-info-percentiles").map(|f| self.config.val(f.index));
        match text {
            Some(Val::Text(t)) => t.split(' ').filter_map(|w| w.parse().ok()).collect(),
            _ => Vec::new(),
        }
    }
}

impl Engine {
    /// Records a finished call of `spec` by client `id` that took `took`: its counters,
    /// its histogram, the slow log and the latency monitor (Redis's `call()` epilogue).
    /// `script`: the call came from a script (`redis.call`).
    pub(super) fn observe(
        &mut self,
        spec: &'static Spec,
        id: u64,
        args: &[Bytes],
        took: Duration,
        script: bool,
    ) {
        let usec = took.as_micros() as u64;
        let srv = &mut self.srv;
        let uncounted = std::mem::take(&mut self.outs.errors.failed_uncounted);
        srv.cmdstats
            .called(spec, usec, self.outs.errors.total, uncounted);
        if srv.latency.threshold > 0 {
            let event = if spec.flags & super::table::flag::FAST != 0 {
                "fast-command"
            } else {
                "command"
            };
            srv.latency
                .add_if_needed(event, usec / 1000, srv.now_ms / 1000);
        }
        if srv.slowlog.wants(usec) && spec.flags & super::table::flag::SKIP_SLOWLOG == 0 {
            let (addr, name) = match srv.clients.get(&id) {
                // A script's calls run as Redis's Lua client, which has no address.
                Some(c) if !script => (c.info.addr.clone(), c.name.clone().unwrap_or_default()),
                _ => ("?:0".to_string(), Bytes::new()),
            };
            let hidden = super::slowlog::redacted(spec.name, args);
            let argv = hidden.as_deref().unwrap_or(args);
            let now = super::state::unix_ms() / 1000;
            srv.slowlog.push(argv, usec, now, addr, name);
        }
    }

    /// A command refused before it ran (`spec` when it is known).
    pub(super) fn observe_rejected(&mut self, spec: Option<&Spec>) {
        self.srv.cmdstats.rejected(spec, self.outs.errors.total);
    }
}

/// Error replies by code (the first word), as Redis's `server.errors`.
#[derive(Debug, Default)]
pub struct ErrorStats {
    /// Every error reply written (`total_error_replies`).
    pub total: u64,
    /// By code, in byte order (Redis keeps them in a rax).
    pub by_code: BTreeMap<Box<[u8]>, u64>,
    /// An error was replied without being counted (see `Out::error_counted_before`): the
    /// command running fails all the same.
    pub failed_uncounted: bool,
}

/// Redis looks for the code's end within the first 32 bytes of `-CODE message`.
const CODE_SEARCH: usize = 31;

impl ErrorStats {
    /// Counts one error reply (`msg` without the leading '-').
    pub fn count(&mut self, msg: &[u8]) {
        self.total += 1;
        let head = &msg[..msg.len().min(CODE_SEARCH)];
        let code = match head.iter().position(|&b| b == b' ') {
            Some(end) => &msg[..end],
            // No code Redis can find: it falls back on ERR.
            None => b"ERR",
        };
        match self.by_code.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                self.by_code.insert(code.into(), 1);
            }
        }
    }

    pub fn reset(&mut self) {
        self.total = 0;
        self.by_code.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_count_by_first_word() {
        let mut e = ErrorStats::default();
        e.count(b"ERR syntax error");
        e.count(b"WRONGTYPE Operation against a key holding the wrong kind of value");
        e.count(b"ERR no such key");
        e.count(b"NOSPACEINTHISVERYLONGERRORCODEWHATSOEVER");
        e.count(b"MYCODE x");
        assert_eq!(e.total, 5);
        let got: Vec<(String, u64)> = e
            .by_code
            .iter()
            .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), *v))
            .collect();
        assert_eq!(
            got,
            [
                ("ERR".to_string(), 3),
                ("MYCODE".to_string(), 1),
                ("WRONGTYPE".to_string(), 1)
            ]
        );
    }

    #[test]
    fn failed_means_an_error_since_the_last_command() {
        let get = SPECS.get("get").expect("get");
        let set = SPECS.get("set").expect("set");
        let mut s = CmdStats::default();
        s.called(get, 3, 0, false);
        s.called(set, 4, 1, false);
        s.rejected(Some(get), 2);
        s.rejected(Some(get), 2);
        s.rejected(None, 3);
        let g = s.get(get).expect("get stats");
        assert_eq!((g.calls, g.usec, g.failed, g.rejected), (1, 3, 0, 1));
        let st = s.get(set).expect("set stats");
        assert_eq!((st.calls, st.failed), (1, 1));
        assert_eq!(s.each().count(), 2);
        s.reset();
        assert_eq!(s.each().count(), 0);
    }
}
