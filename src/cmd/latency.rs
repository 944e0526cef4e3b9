//! LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP: the latency
//! monitor's events and the per-command histograms (`engine/latency.rs`), in Redis 7.0's
//! reply shapes.

use super::command::sub_arity;
use crate::engine::ctx::Ctx;
use crate::engine::latency::{Hist, Series};
use crate::engine::out::Out;
use crate::engine::table::{Handler, spec::Spec};
use std::fmt::Write;

mod sparkline;

pub const HANDLERS: &[(&str, Handler)] = &[("latency", latency)];

const HELP: &[&str] = &[
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HELP",
    "    Prints this help.",
];

/// ```text
/// LATENCY <LATEST | HISTORY event | RESET [event ...] | GRAPH event | DOCTOR |
///          HISTOGRAM [command ...] | HELP>
/// ```
fn latency(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "latency") else {
        return;
    };
    match sub {
        "latest" => latest(ctx),
        "history" => history(ctx),
        "reset" => {
            let mon = &mut ctx.srv.latency;
            let n = if ctx.argv.len() == 2 {
                mon.reset(None)
            } else {
                ctx.argv[2..].iter().map(|e| mon.reset(Some(e))).sum()
            };
            ctx.out.int(n as i64);
        }
        "graph" => graph(ctx),
        "doctor" => {
            let report = doctor(ctx);
            ctx.out.verbatim(report.as_bytes());
        }
        "histogram" => histogram(ctx),
        _ => ctx.out.help(HELP),
    }
}

/// Each event: name, time of its latest sample, that sample, and the worst ever.
fn latest(ctx: &mut Ctx) {
    let events = &ctx.srv.latency.events;
    ctx.out.array(events.len());
    for (name, s) in events {
        let (time, ms) = s.samples.back().copied().unwrap_or_default();
        ctx.out.array(4);
        ctx.out.bulk(name.as_bytes());
        ctx.out.int(time as i64);
        ctx.out.int(ms as i64);
        ctx.out.int(s.max as i64);
    }
}

/// An event's samples, oldest first, as (time, milliseconds) pairs.
fn history(ctx: &mut Ctx) {
    let Some((_, s)) = ctx.srv.latency.get(&ctx.argv[2]) else {
        return ctx.out.array(0);
    };
    ctx.out.array(s.samples.len());
    for &(time, ms) in &s.samples {
        ctx.out.array(2);
        ctx.out.int(time as i64);
        ctx.out.int(ms as i64);
    }
}

fn graph(ctx: &mut Ctx) {
    let now = ctx.now() / 1000;
    let Some((name, s)) = ctx.srv.latency.get(&ctx.argv[2]) else {
        let msg = format!(
            "ERR No samples available for event '{}'",
            String::from_utf8_lossy(&ctx.argv[2])
        );
        return ctx.error(&msg);
    };
    let text = sparkline::event_graph(name, s, now);
    ctx.out.verbatim(text.as_bytes());
}

/// Redis's `createLatencyReport`, in its words: a summary line per event, then the advice
/// that fits the events muxis records (command, fast-command, expire-cycle).
fn doctor(ctx: &mut Ctx) -> String {
    let now = ctx.now() / 1000;
    let mon = &ctx.srv.latency;
    if mon.events.is_empty() && mon.threshold == 0 {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis \
                instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in \
                order to enable it. If we weren't in a deep space mission I'd suggest to take a \
                look at https://redis.io/topics/latency-monitor.\n"
            .to_string();
    }
    let slowlog = &ctx.srv.slowlog;
    let threshold = mon.threshold;
    let mut out = String::new();
    let (mut slowlog_enable, mut slowlog_tune, mut slowlog_inspect) = (false, false, false);
    let (mut scheduler, mut hz, mut large) = (false, false, false);
    let mut advices = 0;
    for (i, (name, s)) in mon.events.iter().enumerate() {
        if i == 0 {
            out.push_str(
                "Dave, I have observed latency spikes in this Redis instance. You don't mind \
                 talking about it, do you Dave?\n\n",
            );
        }
        let _ = writeln!(out, "{}. {name}: {}", i + 1, summary(s, now));
        match *name {
            "command" => {
                if slowlog.slower_than < 0 || slowlog.max_len == 0 {
                    slowlog_enable = true;
                    advices += 1;
                } else if slowlog.slower_than as u64 / 1000 > threshold {
                    slowlog_tune = true;
                    advices += 1;
                }
                slowlog_inspect = true;
                large = true;
                advices += 2;
            }
            "fast-command" => {
                scheduler = true;
                advices += 1;
            }
            "expire-cycle" => {
                hz = true;
                large = true;
                advices += 2;
            }
            _ => {}
        }
    }
    if mon.events.is_empty() {
        out.push_str(
            "Dave, no latency spike was observed during the lifetime of this Redis instance, \
             not in the slightest bit. I honestly think you ought to sit down calmly, take a \
             stress pill, and think things over.\n",
        );
        return out;
    }
    if advices == 0 {
        out.push_str(
            "\nWhile there are latency events logged, I'm not able to suggest any easy fix. \
             Please use the Redis community to get some help, providing this report in your \
             help request.\n",
        );
        return out;
    }
    out.push_str("\nI have a few advices for you:\n\n");
    let wanted_slowlog = threshold * 1000;
    if slowlog_enable {
        let _ = writeln!(
            out,
            "- There are latency issues with potentially slow commands you are using. Try to \
             enable the Slow Log Redis feature using the command 'CONFIG SET \
             slowlog-log-slower-than {wanted_slowlog}'. If the Slow log is disabled Redis is \
             not able to log slow commands execution for you."
        );
    }
    if slowlog_tune {
        let _ = writeln!(
            out,
            "- Your current Slow Log configuration only logs events that are slower than your \
             configured latency monitor threshold. Please use 'CONFIG SET \
             slowlog-log-slower-than {wanted_slowlog}'."
        );
    }
    if slowlog_inspect {
        out.push_str(
            "- Check your Slow Log to understand what are the commands you are running which \
             are too slow to execute. Please check https://redis.io/commands/slowlog for more \
             information.\n",
        );
    }
    if scheduler {
        out.push_str(
            "- The system is slow to execute Redis code paths not containing system calls. \
             This usually means the system does not provide Redis CPU time to run for long \
             periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM \
             just for Redis if you are running other software in the same system.\n  3) Check \
             if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli \
             --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check \
             if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you \
             are using Jemalloc. However this may create fragmentation problems.\n",
        );
    }
    if hz && ctx.srv.config.hz < 100 {
        out.push_str(
            "- In order to make the Redis keys expiring process more incremental, try to set \
             the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n",
        );
    }
    if large {
        out.push_str(
            "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a \
             blocking operation. If you have very large objects that are often deleted, \
             expired, or evicted, try to fragment those objects into multiple smaller \
             objects.\n",
        );
    }
    out
}

/// `N latency spikes (average Xms, mean deviation Yms, period Z sec). Worst all time event
/// Wms.` as Redis's `analyzeLatencyForEvent` figures them (the period runs from the
/// oldest sample to `now`).
fn summary(s: &Series, now: u64) -> String {
    let n = s.samples.len().max(1) as u64;
    let sum: u64 = s.samples.iter().map(|x| x.1).sum();
    let avg = sum / n;
    let mad = s.samples.iter().map(|x| x.1.abs_diff(avg)).sum::<u64>() / n;
    let oldest = s.samples.front().map_or(now, |x| x.0);
    let period = now.saturating_sub(oldest).max(1);
    format!(
        "{} latency spikes (average {avg}ms, mean deviation {mad}ms, period {:.2} sec). Worst \
         all time event {}ms.",
        s.samples.len(),
        period as f64 / n as f64,
        s.max
    )
}

/// ```text
/// LATENCY HISTOGRAM [command ...]
/// ```
///
/// A map of command → {calls, histogram_usec: {bucket µs → cumulative calls}}: every
/// command with a histogram, or the named ones (a container brings its subcommands).
fn histogram(ctx: &mut Ctx) {
    let stats = &ctx.srv.cmdstats;
    let mut chosen: Vec<(&'static Spec, &Hist)> = Vec::new();
    if ctx.argv.len() == 2 {
        chosen.extend(
            stats
                .each()
                .filter_map(|(spec, s)| Some((spec, s.hist.as_deref()?))),
        );
    } else {
        for name in &ctx.argv[2..] {
            let Some(spec) = crate::cmd::TABLE.by_full_name(name) else {
                continue;
            };
            for spec in std::iter::once(spec).chain(spec.subcommands.iter()) {
                if let Some(h) = stats.get(spec).and_then(|s| s.hist.as_deref()) {
                    chosen.push((spec, h));
                }
            }
        }
    }
    ctx.out.map(chosen.len());
    for (spec, h) in chosen {
        ctx.out.bulk(spec.name.as_bytes());
        cdf(&mut ctx.out, h);
    }
}

/// One command's entry: Redis's `fillCommandCDF`.
fn cdf(out: &mut Out, h: &Hist) {
    out.map(2);
    out.bulk(b"calls");
    out.int(h.total as i64);
    out.bulk(b"histogram_usec");
    let buckets = h.cdf();
    out.map(buckets.len());
    for (usec, calls) in buckets {
        out.int(usec as i64);
        out.int(calls as i64);
    }
}
