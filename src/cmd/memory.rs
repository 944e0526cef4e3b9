//! MEMORY and its subcommands: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.
//!
//! Our values are not laid out as Redis's, so MEMORY USAGE does not measure them: it tells
//! what Redis 7.0 (with jemalloc) would use for the same key and value, following its
//! `objectComputeSize` over the encoding Redis would have chosen (see `db/encoding.rs`):
//! object headers, dict tables and entries, sds strings and listpacks rounded up to
//! jemalloc's size classes, sampled the way Redis samples big collections. Tools compare it
//! between keys and against other servers, which an estimate in Redis's terms serves
//! better than our own structures' sizes would. MEMORY STATS reports the counting
//! allocator's figures (`alloc.rs`) under Redis's field names.

use super::command::sub_arity;
use crate::db::ValueRef;
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("memory", memory)];

/// ```text
/// MEMORY <subcommand> [<arg> ...]
/// ```
fn memory(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "memory") else {
        return;
    };
    match sub {
        "usage" => usage(ctx),
        "stats" => stats(ctx),
        "doctor" => doctor(ctx),
        "malloc-stats" => malloc_stats(ctx),
        "purge" => {
            crate::alloc::release_freed();
            ctx.out.ok();
        }
        _ => ctx.out.help(HELP),
    }
}

const HELP: &[&str] = &[
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
];

/// Redis's default number of nested values sampled.
const SAMPLES: usize = 5;

/// ```text
/// MEMORY USAGE key [SAMPLES count]
/// ```
fn usage(ctx: &mut Ctx) {
    let mut samples = SAMPLES;
    let mut i = 3;
    while i < ctx.argv.len() {
        if ctx.arg(i).eq_ignore_ascii_case(b"samples") && i + 1 < ctx.argv.len() {
            match parse_i64(ctx.arg(i + 1)) {
                Some(n) if n < 0 => return ctx.error(error::SYNTAX),
                // 0 samples everything.
                Some(0) => samples = usize::MAX,
                Some(n) => samples = n as usize,
                None => return ctx.error(error::NOT_INTEGER),
            }
            i += 2;
        } else {
            return ctx.error(error::SYNTAX);
        }
    }
    let key = ctx.argv[2].clone();
    let now = ctx.now();
    let enc = ctx.db().enc;
    // No access recorded: MEMORY USAGE looks, it does not use (Redis's LOOKUP_NOTOUCH).
    let Some(entry) = ctx.db().peek(&key, now) else {
        return ctx.out.null();
    };
    let bytes = value_size(entry.value(), &enc, samples) + sds(key.len()) + DICT_ENTRY;
    ctx.out.int(bytes as i64);
}

// Redis 7.0's structure sizes on 64-bit Linux.
const ROBJ: usize = 16;
const DICT_ENTRY: usize = 24;
const DICT: usize = 56;
const QUICKLIST: usize = 48;
const QUICKLIST_NODE: usize = 32;
const ZSET: usize = 16;
const ZSKIPLIST: usize = 32;
/// A skiplist node's fixed part (member, score, backward link); each level adds 16.
const ZNODE: usize = 24;
/// The skiplist header has all 32 levels.
const ZSL_HEADER: usize = ZNODE + 32 * 16;
/// Strings up to this length are embedded in their object header.
const EMBSTR_MAX: usize = 44;
/// A quicklist node's listpack stops growing at 8 KB (`list-max-listpack-size -2`).
const QUICKLIST_NODE_MAX: usize = 8192;

/// jemalloc's size class for an allocation of `n` bytes: 8, then multiples of 16 up to
/// 128, then four classes per doubling.
pub fn size_class(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let lg = usize::BITS - 1 - (n - 1).leading_zeros(); // floor(log2(n - 1))
    let step = 1usize << (lg - 2);
    n.div_ceil(step) * step
}

/// An sds string of `len` bytes as allocated: header by length class, the bytes, a NUL.
fn sds(len: usize) -> usize {
    let header = match len {
        0..32 => 1,
        32..256 => 3,
        256..65536 => 5,
        _ if len as u64 <= u32::MAX as u64 => 9,
        _ => 17,
    };
    size_class(header + len + 1)
}

/// A string object's size: shared integers and integers live in the header, short strings
/// are embedded in it, longer ones are an sds of their own.
fn string_size(s: &[u8]) -> usize {
    if s.len() <= 20 && parse_i64(s).is_some() {
        ROBJ
    } else if s.len() <= EMBSTR_MAX {
        size_class(ROBJ + 3 + s.len() + 1)
    } else {
        ROBJ + sds(s.len())
    }
}

/// The bytes one element takes in a listpack: an integer encoding for integer text,
/// else a length-prefixed string; then the back-length.
fn lp_entry(s: &[u8]) -> usize {
    let body = match (s.len() <= 20).then(|| parse_i64(s)).flatten() {
        Some(v) if (0..=127).contains(&v) => 1,
        Some(v) if (-4096..4096).contains(&v) => 2,
        Some(v) if i16::try_from(v).is_ok() => 3,
        Some(v) if (-(1 << 23)..(1 << 23)).contains(&v) => 4,
        Some(v) if i32::try_from(v).is_ok() => 5,
        Some(_) => 9,
        None if s.len() < 64 => 1 + s.len(),
        None if s.len() < 4096 => 2 + s.len(),
        None => 5 + s.len(),
    };
    let back = match body {
        0..128 => 1,
        128..16384 => 2,
        16384..2097152 => 3,
        2097152..268435456 => 4,
        _ => 5,
    };
    body + back
}

/// A listpack holding `entries`, as allocated: 6 header bytes, the entries, an end byte.
fn listpack<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    size_class(7 + entries.map(lp_entry).sum::<usize>())
}

/// A score as a zset listpack stores it: integer text when integral, else `%.17g`.
fn score_text(score: f64) -> Vec<u8> {
    if score.fract() == 0.0 && score.abs() < 1e17 {
        format!("{}", score as i64).into_bytes()
    } else {
        crate::util::number::format_double(score)
    }
}

/// A dict's table for `len` entries: 4 slots at least, doubling when full.
fn dict_table(len: usize) -> usize {
    8 * len.next_power_of_two().max(4)
}

/// The average of `per(element)` over the first `samples` elements, times `len`, as
/// Redis extrapolates from its sample.
fn sampled<T>(
    items: impl Iterator<Item = T>,
    len: usize,
    samples: usize,
    per: impl Fn(T) -> usize,
) -> usize {
    let (mut total, mut n) = (0usize, 0usize);
    for item in items.take(samples) {
        total += per(item);
        n += 1;
    }
    if n == 0 {
        0
    } else {
        (total as f64 / n as f64 * len as f64) as usize
    }
}

/// What Redis 7.0's `objectComputeSize` gives for `value` in the encoding it would use.
pub fn value_size(value: ValueRef<'_>, enc: &crate::db::EncLimits, samples: usize) -> usize {
    let encoding = value.encoding(enc);
    match value {
        ValueRef::Str(s) => string_size(s),
        ValueRef::List(l) => {
            // Packs elements into nodes as quicklist does, for the sampled nodes only;
            // the rest of the list is assumed packed alike.
            let mut nodes = Vec::new();
            let (mut lp, mut count, mut seen) = (7usize, 0usize, 0usize);
            for e in l.iter() {
                // Redis's `_quicklistNodeAllowInsert`: the listpack's bytes, the element's
                // length and an overhead estimate must fit the node's 8 KB.
                if count > 0 && lp + e.len() + 11 > QUICKLIST_NODE_MAX {
                    nodes.push((size_class(lp), count));
                    if nodes.len() >= samples {
                        break;
                    }
                    (lp, count) = (7, 0);
                }
                lp += lp_entry(e);
                count += 1;
                seen += 1;
            }
            if count > 0 && nodes.len() < samples {
                nodes.push((size_class(lp), count));
            }
            let per_node: usize = nodes.iter().map(|(b, _)| QUICKLIST_NODE + b).sum();
            let total_nodes = if seen >= l.len() {
                nodes.len()
            } else {
                // Elements per node so far tell how many more nodes the rest needs.
                let per = (seen / nodes.len().max(1)).max(1);
                nodes.len() + (l.len() - seen).div_ceil(per)
            };
            let avg = per_node as f64 / nodes.len().max(1) as f64;
            ROBJ + QUICKLIST + (avg * total_nodes as f64) as usize
        }
        ValueRef::Hash(h) if encoding == "listpack" => {
            ROBJ + listpack(h.iter().flat_map(|(f, v)| [f, v]))
        }
        ValueRef::Hash(h) => {
            ROBJ + DICT
                + dict_table(h.len())
                + sampled(h.iter(), h.len(), samples, |(f, v)| {
                    DICT_ENTRY + sds(f.len()) + sds(v.len())
                })
        }
        // The intset's header (width and count) and its integers, in one allocation.
        ValueRef::Set(s) if let Some(ints) = s.as_intset() => {
            ROBJ + size_class(8 + ints.width() * ints.len())
        }
        ValueRef::Set(s) => {
            ROBJ + DICT
                + dict_table(s.len())
                + sampled(s.iter(), s.len(), samples, |m| DICT_ENTRY + sds(m.len()))
        }
        ValueRef::ZSet(z) if z.is_listpack() => {
            let texts: Vec<(Vec<u8>, Vec<u8>)> =
                z.iter().map(|(m, s)| (m.to_vec(), score_text(s))).collect();
            ROBJ + listpack(texts.iter().flat_map(|(m, s)| [&m[..], &s[..]]))
        }
        ValueRef::ZSet(z) => {
            // A node has level 1 with probability 3/4, 2 with 3/16...: the expected
            // allocation, as Redis's sample would average it.
            let node: f64 = (1..=8)
                .map(|lvl| {
                    let p = 0.75 * 0.25f64.powi(lvl as i32 - 1);
                    p * size_class(ZNODE + 16 * lvl) as f64
                })
                .sum();
            ROBJ + ZSET
                + ZSKIPLIST
                + DICT
                + dict_table(z.len())
                + size_class(ZSL_HEADER)
                + sampled(z.iter(), z.len(), samples, |(m, _)| {
                    sds(m.len()) + DICT_ENTRY + node as usize
                })
        }
        ValueRef::Stream(s) => {
            // Each node's listpack is preallocated to `stream-node-max-bytes`; the radix
            // tree, the stream header and each group's and consumer's state come on top.
            let nodes = s.radix_keys().max(1);
            let node_bytes = size_class(enc.stream_node_bytes.max(64));
            let groups: usize = s
                .groups
                .values()
                .map(|g| {
                    // A group, its PEL entries and its consumers (with their PELs).
                    104 + g.pel.len() * (64 + 48)
                        + g.consumers.keys().map(|n| 64 + sds(n.len())).sum::<usize>()
                })
                .sum();
            ROBJ + 496 + nodes * (node_bytes + 88) + groups
        }
    }
}

/// ```text
/// MEMORY STATS
/// ```
/// Redis's fields, in its order; as a map under RESP3, as a flat array under RESP2 (with
/// the ratios as bulk strings there, as Redis's doubles are).
fn stats(ctx: &mut Ctx) {
    let used = crate::alloc::used_memory().unwrap_or_else(rss_bytes);
    let srv = &mut *ctx.srv;
    srv.stats.peak_memory = srv.stats.peak_memory.max(used);
    let peak = srv.stats.peak_memory;
    let rss = rss_bytes();
    let lua = srv.scripting.scripts_bytes as u64;
    let functions = srv.scripting.functions.code_bytes() as u64;
    // Per database with keys: the main and expires tables' overhead, as Redis counts it
    // (a table slot and an entry per key).
    let dbs: Vec<(usize, u64, u64)> = srv
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, db)| !db.is_empty())
        .map(|(i, db)| {
            let main = (db.len() * DICT_ENTRY + dict_table(db.len())) as u64;
            let volatile = db.volatile_len();
            let expires = if volatile == 0 {
                0
            } else {
                (volatile * DICT_ENTRY + dict_table(volatile)) as u64
            };
            (i, main, expires)
        })
        .collect();
    let keys: u64 = srv.dbs.iter().map(|db| db.len() as u64).sum();
    let clients = srv.clients.len() as u64;
    // The executor's part of each client (the I/O side is not visible here).
    let clients_normal = clients * std::mem::size_of::<crate::engine::client::Client>() as u64;
    let overhead: u64 =
        lua + functions + clients_normal + dbs.iter().map(|(_, m, e)| m + e).sum::<u64>();
    let dataset = used.saturating_sub(overhead);
    let perc = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let out = &mut ctx.out;
    let fields = 27 + dbs.len();
    if out.resp3() {
        out.map(fields);
    } else {
        out.array(fields * 2);
    }
    let int = |out: &mut crate::engine::out::Out<'_>, name: &str, v: u64| {
        out.bulk(name.as_bytes());
        out.int(v as i64);
    };
    let dbl = |out: &mut crate::engine::out::Out<'_>, name: &str, v: f64| {
        out.bulk(name.as_bytes());
        out.double(v);
    };
    int(out, "peak.allocated", peak);
    int(out, "total.allocated", used);
    int(out, "startup.allocated", 0);
    int(out, "replication.backlog", 0);
    int(out, "clients.slaves", 0);
    int(out, "clients.normal", clients_normal);
    int(out, "cluster.links", 0);
    int(out, "aof.buffer", 0);
    int(out, "lua.caches", lua);
    int(out, "functions.caches", functions);
    for (i, main, expires) in &dbs {
        out.bulk(format!("db.{i}").as_bytes());
        if out.resp3() {
            out.map(3);
        } else {
            out.array(6);
        }
        int(out, "overhead.hashtable.main", *main);
        int(out, "overhead.hashtable.expires", *expires);
        int(out, "overhead.hashtable.slot-to-keys", 0);
    }
    int(out, "overhead.total", overhead);
    int(out, "keys.count", keys);
    int(
        out,
        "keys.bytes-per-key",
        dataset.checked_div(keys).unwrap_or(0),
    );
    int(out, "dataset.bytes", dataset);
    dbl(out, "dataset.percentage", perc(dataset, used));
    dbl(out, "peak.percentage", perc(used, peak));
    int(out, "allocator.allocated", used);
    int(out, "allocator.active", used);
    int(out, "allocator.resident", rss);
    dbl(out, "allocator-fragmentation.ratio", 1.0);
    int(out, "allocator-fragmentation.bytes", 0);
    dbl(out, "allocator-rss.ratio", ratio(rss, used));
    int(out, "allocator-rss.bytes", rss.saturating_sub(used));
    dbl(out, "rss-overhead.ratio", 1.0);
    int(out, "rss-overhead.bytes", 0);
    dbl(out, "fragmentation", ratio(rss, used));
    int(out, "fragmentation.bytes", rss.saturating_sub(used));
}

/// The process's resident memory, from `/proc/self/statm` (0 where there is none).
fn rss_bytes() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .unwrap_or(0);
    pages * 4096
}

const DOCTOR_EMPTY: &str = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.";
const DOCTOR_FINE: &str = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";

/// ```text
/// MEMORY DOCTOR
/// ```
/// Redis's report: its "empty" answer under 5 MB, else the checks we can make (peak
/// versus now, RSS versus allocations).
fn doctor(ctx: &mut Ctx) {
    let used = crate::alloc::used_memory().unwrap_or_else(rss_bytes);
    let peak = ctx.srv.stats.peak_memory.max(used);
    let rss = rss_bytes();
    let text = if used < 5 << 20 {
        DOCTOR_EMPTY.to_string()
    } else {
        let mut issues = Vec::new();
        if peak as f64 / used as f64 > 1.5 {
            issues.push(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n".to_string());
        }
        if rss as f64 / used as f64 > 1.4 && rss - used > 10 << 20 {
            issues.push(format!(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"{}\".\n\n", crate::alloc::NAME));
        }
        if issues.is_empty() {
            DOCTOR_FINE.to_string()
        } else {
            format!(
                "Sam, I detected a few issues in this Redis instance memory implants:\n\n{}I'm here to keep you safe, Sam. I want to help you.\n",
                issues.concat()
            )
        }
    };
    ctx.out.verbatim(text.as_bytes());
}

/// ```text
/// MEMORY MALLOC-STATS
/// ```
/// What we know of the allocator: its name and the bytes the counting allocator sees.
fn malloc_stats(ctx: &mut Ctx) {
    let used = crate::alloc::used_memory();
    let text = format!(
        "___ Begin {name} statistics ___\nAllocator: {name}\nAllocated (counted): {}\nResident: {}\n--- End {name} statistics ---\n",
        used.map_or_else(|| "not counted".to_string(), |u| u.to_string()),
        rss_bytes(),
        name = crate::alloc::NAME,
    );
    ctx.out.verbatim(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Value;
    use bytes::Bytes;

    #[test]
    fn jemalloc_size_classes() {
        let cases = [
            (1, 8),
            (8, 8),
            (9, 16),
            (17, 32),
            (33, 48),
            (128, 128),
            (129, 160),
            (257, 320),
            (4096, 4096),
            (4097, 5120),
            (8193, 10240),
        ];
        for (n, class) in cases {
            assert_eq!(size_class(n), class, "{n}");
        }
    }

    #[test]
    fn sizes_match_redis_7_0_for_small_values() {
        // MEMORY USAGE of redis-server 7.0.15 (jemalloc) for the same keys and values.
        let enc = crate::db::EncLimits::default();
        let usage =
            |key: &str, v: &Value| value_size(v.view(), &enc, SAMPLES) + sds(key.len()) + 24;
        assert_eq!(usage("foo", &Value::str(b"bar")), 64);
        assert_eq!(usage("n", &Value::str(b"12345")), 48);
        assert_eq!(usage("big", &Value::str(&[b'x'; 100])), 160);
        assert_eq!(usage("e44", &Value::str(&[b'x'; 44])), 96);
        let list = |items: &[&str]| {
            Value::List(
                items
                    .iter()
                    .map(|s| Bytes::copy_from_slice(s.as_bytes()))
                    .collect(),
            )
        };
        assert_eq!(usage("l1", &list(&["a"])), 144);
        assert_eq!(usage("l3", &list(&["a", "b", "c"])), 144);
        assert_eq!(usage("l5", &list(&["a", "b", "c", "d", "e"])), 160);
        let twenty: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        let twenty: Vec<&str> = twenty.iter().map(|s| s.as_str()).collect();
        assert_eq!(usage("l20", &list(&twenty)), 176);
        let l = crate::db::EncLimits::default();
        let mut h = crate::db::Hash::default();
        h.insert(b"a", b"1", &l);
        h.insert(b"b", b"2", &l);
        assert_eq!(usage("h", &Value::Hash(h)), 80);
        let set = |items: &[&str]| {
            Value::Set(
                items
                    .iter()
                    .map(|s| Bytes::copy_from_slice(s.as_bytes()))
                    .collect(),
            )
        };
        assert_eq!(usage("s", &set(&["1", "2", "3"])), 64);
        assert_eq!(usage("s2", &set(&["a", "b", "c"])), 232);
        let mut big = crate::db::Hash::default();
        for i in 1..=600 {
            big.insert(format!("f{i}").as_bytes(), format!("v{i}").as_bytes(), &l);
        }
        assert_eq!(usage("hb", &Value::Hash(big)), 32296);
        let ints: Vec<String> = (1..=600).map(|i| i.to_string()).collect();
        let ints: Vec<&str> = ints.iter().map(|s| s.as_str()).collect();
        assert_eq!(usage("sb", &set(&ints)), 27496);
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use crate::db::Value;

    #[test]
    fn a_long_list_is_sampled_by_nodes() {
        let enc = crate::db::EncLimits::default();
        let l: crate::db::List = (1..=2000).map(|i| format!("element-number-{i}")).collect();
        let v = Value::List(l);
        // redis-server 7.0.15: 49480 with the default 5 samples, 41368 with all.
        let key = sds(4) + DICT_ENTRY;
        assert_eq!(value_size(v.view(), &enc, usize::MAX) + key, 41328);
        assert_eq!(value_size(v.view(), &enc, SAMPLES) + key, 49440);
    }
}
