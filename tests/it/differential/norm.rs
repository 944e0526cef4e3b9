//! Normalisation and comparison: the documented places where two correct servers may
//! answer differently, each with the reason. Everything else must match exactly, error
//! messages included.
//!
//! Not compared here because the generator never sends them (see the comments there):
//! INFO, CLIENT, CONFIG, COMMAND, TIME, DEBUG, QUIT, SUBSCRIBE (server-specific or
//! connection-changing); XADD `*` and `XTRIM ~` (server clock, radix-tree layout); SET with
//! an EXAT/PXAT already past (Redis counts the key in DBSIZE until active expiry samples
//! it); relative TTLs shorter than 1000 s; and three muxis differences still open, each
//! marked KNOWN DIFFERENCE in the generator: WATCH dirtied by writes that change nothing,
//! subcommand errors inside MULTI, and the bytes echoed in unknown-command errors.

use super::generator::Cmd;
use super::resp::{V, show};

fn name(cmd: &Cmd) -> String {
    String::from_utf8_lossy(&cmd[0]).to_ascii_lowercase()
}

fn arg_is(cmd: &Cmd, i: usize, s: &str) -> bool {
    cmd.get(i)
        .is_some_and(|a| a.eq_ignore_ascii_case(s.as_bytes()))
}

/// Normalises one reply to `cmd`; `queued` are the commands an EXEC runs.
pub fn normalise(cmd: &Cmd, queued: &[Cmd], v: V) -> V {
    if v.is_error() {
        return v;
    }
    match name(cmd).as_str() {
        // Unordered in Redis: hash-table (or listpack) iteration order.
        "keys" | "smembers" | "sinter" | "sunion" | "sdiff" | "hkeys" | "hvals" => sorted(v),
        "hgetall" => sorted_pairs(v),
        // BY a pattern without `*` keeps a set's own (hash-table) order.
        // ... and LIMIT then cuts that order: only the shape is comparable.
        "sort" | "sort_ro"
            if sort_unordered(cmd) && cmd.iter().any(|a| a.eq_ignore_ascii_case(b"limit")) =>
        {
            shape(v)
        }
        "sort" | "sort_ro" if sort_unordered(cmd) => sorted(v),
        // Random picks: only the shape (types, lengths) is specified. SPOP's key is deleted
        // by the generator right after, so the two keyspaces stay equal.
        "srandmember" | "hrandfield" | "zrandmember" | "randomkey" | "spop" => shape(v),
        "object" => object(cmd, v),
        "hello" => fields(v, |k, val| {
            // Connection ids are per-server counters.
            if k == b"id" {
                *val = V::Int(0);
            }
        }),
        "xpending" if cmd.len() > 3 => xpending(v),
        "xinfo" => xinfo(cmd, v),
        "exec" => match v {
            V::Array(items) if items.len() == queued.len() => V::Array(
                items
                    .into_iter()
                    .zip(queued)
                    .map(|(v, c)| normalise(c, &[], v))
                    .collect(),
            ),
            v => v,
        },
        _ => v,
    }
}

/// Whether two normalised replies to `cmd` agree.
pub fn equal(cmd: &Cmd, queued: &[Cmd], a: &V, b: &V) -> bool {
    match (name(cmd).as_str(), a, b) {
        // Both servers set the deadline from their own clock a moment apart, and the test
        // reads it a moment later: whole seconds may differ by one, milliseconds by a second.
        ("ttl" | "expiretime", V::Int(x), V::Int(y)) if *x >= 0 && *y >= 0 => (x - y).abs() <= 1,
        ("pttl" | "pexpiretime", V::Int(x), V::Int(y)) if *x >= 0 && *y >= 0 => {
            (x - y).abs() <= 1000
        }
        ("incrbyfloat" | "hincrbyfloat", V::Bulk(x), V::Bulk(y)) => float_close(x, y),
        ("incrbyfloat" | "hincrbyfloat", x, y) if x.is_error() != y.is_error() => {
            // Beyond 1e300 Redis's long double still has room where an f64 overflows.
            [x, y].iter().any(|v| v.bytes().is_some_and(huge))
        }
        ("exec", V::Array(x), V::Array(y)) if x.len() == queued.len() && y.len() == x.len() => x
            .iter()
            .zip(y)
            .zip(queued)
            .all(|((x, y), c)| equal(c, &[], x, y)),
        _ => a == b,
    }
}

/// A lexicographic range command: the sorted set it reads, and the key it writes (if any).
pub struct Lex {
    pub src: Vec<u8>,
    pub dst: Option<Vec<u8>>,
}

/// Lex ranges are specified only when every member has the same score: otherwise the
/// result depends on the skiplist's random levels, and two Redis servers disagree.
/// The runner checks the scores first and does not compare the unspecified cases.
pub fn lex_range(cmd: &Cmd) -> Option<Lex> {
    let bylex = cmd.iter().skip(1).any(|a| a.eq_ignore_ascii_case(b"bylex"));
    let (src, dst) = match name(cmd).as_str() {
        "zrangebylex" | "zrevrangebylex" | "zlexcount" => (1, None),
        "zremrangebylex" => (1, Some(1)),
        "zrange" if bylex => (1, None),
        "zrangestore" if bylex => (2, Some(1)),
        _ => return None,
    };
    Some(Lex {
        src: cmd.get(src)?.clone(),
        dst: dst.and_then(|i| cmd.get(i).cloned()),
    })
}

/// Whether a `ZRANGE key 0 -1 WITHSCORES` reply (RESP2 flat or RESP3 pairs) holds more
/// than one distinct score.
pub fn mixed_scores(v: &V) -> bool {
    let Some(items) = v.items() else {
        return false;
    };
    let scores: Vec<&V> = if items.iter().all(|i| matches!(i, V::Array(_))) {
        items.iter().filter_map(|p| p.items()?.get(1)).collect()
    } else {
        items.iter().skip(1).step_by(2).collect()
    };
    scores.windows(2).any(|w| w[0] != w[1])
}

fn parse_f64(b: &[u8]) -> Option<f64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// A float reply too large to compare (see `float_close`).
pub fn huge(b: &[u8]) -> bool {
    parse_f64(b).is_none_or(|x| !x.is_finite() || x.abs() > 1e300)
}

/// INCRBYFLOAT: Redis computes in long double, muxis in f64, so the last digits can
/// differ. Equal within a relative 1e-12; values beyond 1e300 are not compared.
fn float_close(x: &[u8], y: &[u8]) -> bool {
    if x == y || huge(x) || huge(y) {
        return true;
    }
    let (Some(a), Some(b)) = (parse_f64(x), parse_f64(y)) else {
        return false;
    };
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) || (a - b).abs() < 1e-300
}

/// SORT ... BY nosort (a BY pattern without `*`) without STORE: a set comes out in its
/// hash table's order.
fn sort_unordered(cmd: &Cmd) -> bool {
    cmd.windows(2)
        .any(|w| w[0].eq_ignore_ascii_case(b"by") && !w[1].contains(&b'*'))
        && !cmd.iter().any(|a| a.eq_ignore_ascii_case(b"store"))
}

fn sorted(v: V) -> V {
    let sort = |mut items: Vec<V>| {
        items.sort_by_key(show);
        items
    };
    match v {
        V::Array(a) => V::Array(sort(a)),
        V::Set(a) => V::Set(sort(a)),
        v => v,
    }
}

/// A flat field/value array (RESP2) or a map (RESP3), sorted by pair.
fn sorted_pairs(v: V) -> V {
    match v {
        V::Array(a) if a.len() % 2 == 0 => {
            let mut pairs: Vec<Vec<V>> = a.chunks(2).map(|c| c.to_vec()).collect();
            pairs.sort_by_key(|p| show(&V::Array(p.clone())));
            V::Array(pairs.into_iter().flatten().collect())
        }
        V::Map(mut m) => {
            m.sort_by_key(|(k, v)| (show(k), show(v)));
            V::Map(m)
        }
        v => v,
    }
}

/// Types and lengths only.
fn shape(v: V) -> V {
    match v {
        V::Bulk(_) => V::Bulk(b"?".to_vec()),
        V::Double(_) => V::Double(b"?".to_vec()),
        V::Array(a) => V::Array(a.into_iter().map(shape).collect()),
        V::Set(a) => V::Set(a.into_iter().map(shape).collect()),
        V::Map(m) => V::Map(m.into_iter().map(|(k, v)| (shape(k), shape(v))).collect()),
        v => v,
    }
}

fn object(cmd: &Cmd, v: V) -> V {
    match v {
        // Encodings are internal; muxis reports Redis's names but thresholds may differ.
        V::Bulk(_) if arg_is(cmd, 1, "encoding") => V::Bulk(b"?".to_vec()),
        // Redis shares small integers (refcount 2147483647) and tracks access times; muxis
        // does neither.
        V::Int(_) if arg_is(cmd, 1, "refcount") || arg_is(cmd, 1, "idletime") => V::Int(0),
        v => v,
    }
}

/// Calls `f` on each field of a map, or of a RESP2 flat key/value array.
fn fields(mut v: V, mut f: impl FnMut(&[u8], &mut V)) -> V {
    match &mut v {
        V::Map(m) => {
            for (k, val) in m {
                if let Some(k) = k.bytes() {
                    f(k, val);
                }
            }
        }
        V::Array(a) if a.len() % 2 == 0 => {
            for pair in a.chunks_mut(2) {
                if let [k, val] = pair
                    && let Some(k) = k.bytes()
                {
                    f(k, val);
                }
            }
        }
        _ => {}
    }
    v
}

/// Sets element `i` of each array in a list to 0 (delivery times and idle times).
fn zero_each(v: &mut V, i: usize) {
    if let V::Array(items) = v {
        for item in items {
            if let V::Array(e) = item
                && let Some(x) = e.get_mut(i)
            {
                *x = V::Int(0);
            }
        }
    }
}

/// XPENDING's extended form: `[id, consumer, idle ms, deliveries]` per entry.
fn xpending(mut v: V) -> V {
    zero_each(&mut v, 2);
    v
}

/// XINFO: idle and seen times are clocks; radix tree sizes are Redis's memory layout.
fn xinfo(cmd: &Cmd, v: V) -> V {
    let times = |k: &[u8], val: &mut V| {
        if matches!(
            k,
            b"idle"
                | b"seen-time"
                | b"active-time"
                | b"inactive"
                | b"radix-tree-keys"
                | b"radix-tree-nodes"
        ) {
            *val = V::Int(0);
        }
    };
    if arg_is(cmd, 1, "consumers") {
        return match v {
            V::Array(items) => V::Array(items.into_iter().map(|c| fields(c, times)).collect()),
            v => v,
        };
    }
    if !arg_is(cmd, 1, "stream") {
        return v;
    }
    fields(v, |k, val| {
        times(k, val);
        if k != b"groups" {
            return;
        }
        // FULL: each group's PEL is [id, consumer, delivery time, count]; each consumer's
        // is [id, delivery time, count].
        if let V::Array(groups) = val {
            for group in groups.iter_mut() {
                // Redis 7.0 names the PEL `pending` in FULL replies.
                *group = fields(std::mem::replace(group, V::Null), |k, val| match k {
                    b"pel" | b"pending" => zero_each(val, 2),
                    b"consumers" => {
                        if let V::Array(cs) = val {
                            for c in cs.iter_mut() {
                                *c = fields(std::mem::replace(c, V::Null), |k, val| {
                                    times(k, val);
                                    if k == b"pel" || k == b"pending" {
                                        zero_each(val, 1);
                                    }
                                });
                            }
                        }
                    }
                    _ => {}
                });
            }
        }
    })
}
