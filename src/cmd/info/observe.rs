//! INFO's sections about what commands did and cost: CPU time, the (empty) module list,
//! commandstats, errorstats and latencystats, in Redis 7.0's field names and formats.

use super::ErrorStats;
use crate::engine::state::Server;
use std::fmt::Write;

/// `used_cpu_*`: the process's, its children's, and this (the executor's) thread's CPU
/// time, as Redis's `getrusage` figures.
pub(super) fn cpu(out: &mut String, _: &mut Server, _: &ErrorStats) {
    let [me, children, thread] = [
        libc::RUSAGE_SELF,
        libc::RUSAGE_CHILDREN,
        libc::RUSAGE_THREAD,
    ]
    .map(rusage);
    let secs = |t: libc::timeval| format!("{}.{:06}", t.tv_sec, t.tv_usec);
    field!(out, "used_cpu_sys", "{}", secs(me.ru_stime));
    field!(out, "used_cpu_user", "{}", secs(me.ru_utime));
    field!(out, "used_cpu_sys_children", "{}", secs(children.ru_stime));
    field!(out, "used_cpu_user_children", "{}", secs(children.ru_utime));
    field!(out, "used_cpu_sys_main_thread", "{}", secs(thread.ru_stime));
    field!(
        out,
        "used_cpu_user_main_thread",
        "{}",
        secs(thread.ru_utime)
    );
}

/// `getrusage(who)`, zeroes if it fails.
fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: rusage is plain integers, for which all-zero is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage for the call to fill.
    unsafe { libc::getrusage(who, &mut ru) };
    ru
}

/// No modules can be loaded: the section is its header alone.
pub(super) fn modules(_: &mut String, _: &mut Server, _: &ErrorStats) {}

pub(super) fn commandstats(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    for (spec, s) in srv.cmdstats.each() {
        let per_call = if s.calls == 0 {
            0.0
        } else {
            s.usec as f64 / s.calls as f64
        };
        field!(
            out,
            format_args!("cmdstat_{}", spec.name),
            "calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}",
            s.calls,
            s.usec,
            s.rejected,
            s.failed
        );
    }
}

pub(super) fn errorstats(out: &mut String, _: &mut Server, errors: &ErrorStats) {
    for (code, n) in &errors.by_code {
        field!(
            out,
            format_args!("errorstat_{}", String::from_utf8_lossy(code)),
            "count={n}"
        );
    }
}

/// `latency_percentiles_usec_<cmd>:p50=..,p99=..` for the commands with a histogram, at
/// `latency-tracking-info-percentiles`.
pub(super) fn latencystats(out: &mut String, srv: &mut Server, _: &ErrorStats) {
    let percentiles = srv.latency_percentiles();
    for (spec, s) in srv.cmdstats.each() {
        let Some(h) = &s.hist else { continue };
        let _ = write!(out, "latency_percentiles_usec_{}:", spec.name);
        for (i, p) in percentiles.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "p{p}={:.3}", h.percentile(*p) as f64 / 1000.0);
        }
        out.push_str("\r\n");
    }
}
