//! SORT and SORT_RO: the elements of a list, set or sorted set, sorted numerically or
//! alphabetically, by themselves or by keys named after them (`BY weight_*`,
//! `BY h_*->field`), cut by LIMIT, projected by GET patterns, replied or STOREd as a list.
//!
//! Redis's rules followed here (its `sortCommandGeneric`): a BY pattern without `*` means
//! "do not sort" (lists and sorted sets keep their order, LIMIT taken directly; a set is
//! sorted ALPHA anyway when STOREd, so replicas get the same list); numeric ties are broken
//! by comparing the elements; a missing BY key weighs 0 (or sorts first with ALPHA); a
//! weight that is not a number fails the command. Without STORE, ALPHA compares as C
//! strings (`strcoll` in the C locale, up to a NUL byte); with STORE, as binary strings.

use crate::db::zset::ZSet;
use crate::db::{List, Set, Value};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::{parse_i64, parse_score};
use bytes::Bytes;
use std::cmp::Ordering;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("sort", sort), ("sort_ro", sort_ro)];

const NOT_DOUBLE: &str = "ERR One or more scores can't be converted into double";

/// ```text
/// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
///   [ASC | DESC] [ALPHA] [STORE destination]
/// ```
fn sort(ctx: &mut Ctx) {
    sort_generic(ctx, false);
}

/// ```text
/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
///   [ASC | DESC] [ALPHA]
/// ```
fn sort_ro(ctx: &mut Ctx) {
    sort_generic(ctx, true);
}

/// SORT's options.
#[derive(Default)]
struct Opts {
    desc: bool,
    alpha: bool,
    limit: Option<(i64, i64)>,
    by: Option<Bytes>,
    gets: Vec<Bytes>,
    store: Option<Bytes>,
}

/// `every_key`: the user may read any key, which BY and GET patterns need.
fn parse(argv: &[Bytes], ro: bool, every_key: bool) -> Result<Opts, &'static str> {
    let mut o = Opts::default();
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        let is = |w: &[u8]| a.eq_ignore_ascii_case(w);
        if is(b"asc") {
            o.desc = false;
        } else if is(b"desc") {
            o.desc = true;
        } else if is(b"alpha") {
            o.alpha = true;
        } else if is(b"limit") && left >= 2 {
            let (Some(start), Some(count)) = (parse_i64(&argv[j + 1]), parse_i64(&argv[j + 2]))
            else {
                return Err(error::NOT_INTEGER);
            };
            o.limit = Some((start, count));
            j += 2;
        } else if !ro && is(b"store") && left >= 1 {
            o.store = Some(argv[j + 1].clone());
            j += 1;
        } else if is(b"by") && left >= 1 {
            if argv[j + 1].contains(&b'*') && !every_key {
                return Err("ERR BY option of SORT denied due to insufficient ACL permissions.");
            }
            o.by = Some(argv[j + 1].clone());
            j += 1;
        } else if is(b"get") && left >= 1 {
            if !every_key {
                return Err("ERR GET option of SORT denied due to insufficient ACL permissions.");
            }
            o.gets.push(argv[j + 1].clone());
            j += 1;
        } else {
            return Err(error::SYNTAX);
        }
        j += 1;
    }
    Ok(o)
}

/// One element being sorted, with what it sorts by.
struct Item {
    elem: Bytes,
    score: f64,
    /// The BY value for ALPHA sorts by pattern (`None`: the key is missing).
    cmp: Option<Bytes>,
}

fn sort_generic(ctx: &mut Ctx, ro: bool) {
    let argv = ctx.argv;
    let name: &[u8] = if ro { b"sort_ro" } else { b"sort" };
    let every_key = match (ctx.srv.clients.get(&ctx.id), crate::cmd::TABLE.find(name)) {
        (Some(c), Some(cmd)) => crate::acl::reads_every_key(&c.user, cmd.spec, argv),
        _ => true,
    };
    let mut o = match parse(argv, ro, every_key) {
        Ok(o) => o,
        Err(e) => return ctx.error(e),
    };
    let mut dontsort = o.by.as_ref().is_some_and(|p| !p.contains(&b'*'));
    // The elements, in the order a "do not sort" reply keeps.
    let (elems, is_set): (Vec<Bytes>, bool) =
        match crate::cmd::read_value(ctx.srv, ctx.db, &argv[1]) {
            None => (Vec::new(), false),
            Some(crate::db::ValueRef::List(l)) => (list_elems(l), false),
            Some(crate::db::ValueRef::Set(s)) => (set_elems(s), true),
            Some(crate::db::ValueRef::ZSet(z)) => (zset_elems(z), false),
            Some(_) => return ctx.error(error::WRONGTYPE),
        };
    // Redis converts a sorted set it sorts to a skiplist, for good (even SORT_RO does).
    let now = ctx.now();
    if let Ok(Some(z)) = ctx.srv.dbs[ctx.db].typed_mut::<ZSet>(&argv[1], now) {
        z.make_large();
    }
    if dontsort && is_set && o.store.is_some() {
        dontsort = false;
        o.alpha = true;
        o.by = None;
    }
    let len = elems.len() as i64;
    let (start, end) = window(o.limit, len);
    let mut items: Vec<Item> = elems
        .into_iter()
        .map(|elem| Item {
            elem,
            score: 0.0,
            cmp: None,
        })
        .collect();
    if dontsort {
        // Lists and sorted sets keep their order, reversed by DESC; a set its own.
        if o.desc && !is_set {
            items.reverse();
        }
    } else {
        let mut bad = false;
        for it in &mut items {
            let by = match &o.by {
                Some(p) => match lookup(ctx, p, &it.elem) {
                    Some(v) => v,
                    None => continue,
                },
                None => it.elem.clone(),
            };
            if o.alpha {
                if o.by.is_some() {
                    it.cmp = Some(by);
                }
            } else {
                match strtod(&by) {
                    Some(s) => it.score = s,
                    None => bad = true,
                }
            }
        }
        let (alpha, by, store) = (o.alpha, o.by.is_some(), o.store.is_some());
        // Stable, as glibc's merge-sorting qsort is for the ties ALPHA BY leaves.
        items.sort_by(|a, b| {
            let c = compare(a, b, alpha, by, store);
            if o.desc { c.reverse() } else { c }
        });
        if bad {
            return ctx.error(NOT_DOUBLE);
        }
    }
    let picked = if end >= start {
        &items[start as usize..=end as usize]
    } else {
        &[][..]
    };
    let mut out: Vec<Option<Bytes>> = Vec::new();
    for it in picked {
        if o.gets.is_empty() {
            out.push(Some(it.elem.clone()));
        }
        for g in &o.gets {
            out.push(lookup(ctx, g, &it.elem));
        }
    }
    match o.store {
        None => {
            ctx.out.array(out.len());
            for v in &out {
                match v {
                    Some(v) => ctx.out.bulk(v),
                    None => ctx.out.null(),
                }
            }
        }
        Some(dest) => store(ctx, &dest, out),
    }
}

/// STORE: the result replaces `dest` as a list (without TTL); an empty one deletes it.
fn store(ctx: &mut Ctx, dest: &Bytes, out: Vec<Option<Bytes>>) {
    let n = out.len();
    if n == 0 {
        let now = ctx.now();
        if ctx.db().delete(dest, now).is_some() {
            ctx.modified(dest);
        }
        return ctx.out.int(0);
    }
    let mut list = List::with_fill(ctx.db().enc.list_fill);
    out.iter()
        .for_each(|e| list.push_back(e.as_deref().unwrap_or_default()));
    ctx.db().set(dest, Value::List(list), None);
    ctx.modified_n(dest, n as u64);
    ctx.signal_ready(dest);
    ctx.out.int(n as i64);
}

/// LIMIT resolved against `len` elements: the inclusive window `start..=end` (empty when
/// `end < start`), clamped as Redis does.
fn window(limit: Option<(i64, i64)>, len: i64) -> (i64, i64) {
    let (start, count) = limit.unwrap_or((0, -1));
    let start = start.max(0).min(len);
    let count = count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    let start = if start >= len {
        end = len - 2;
        len - 1
    } else {
        start
    };
    (start, end.min(len - 1))
}

fn list_elems(l: &List) -> Vec<Bytes> {
    l.iter().map(Bytes::copy_from_slice).collect()
}

/// A set's elements: a set Redis holds as an intset iterates in integer order.
/// A set's members in its own order (ascending for an intset, as Redis iterates it).
fn set_elems(s: &Set) -> Vec<Bytes> {
    s.iter().map(|m| m.to_bytes()).collect()
}

fn zset_elems(z: &ZSet) -> Vec<Bytes> {
    z.iter().map(|(m, _)| Bytes::copy_from_slice(m)).collect()
}

/// Redis's `sortCompare`, ascending.
fn compare(a: &Item, b: &Item, alpha: bool, by: bool, store: bool) -> Ordering {
    let text = |x: &[u8], y: &[u8]| {
        if store {
            x.cmp(y)
        } else {
            c_str(x).cmp(c_str(y))
        }
    };
    if !alpha {
        return a
            .score
            .partial_cmp(&b.score)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.elem.cmp(&b.elem));
    }
    if by {
        return match (&a.cmp, &b.cmp) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => text(x, y),
        };
    }
    text(&a.elem, &b.elem)
}

/// A string as C sees it: up to its first NUL byte.
fn c_str(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == 0).map_or(s, |n| &s[..n])
}

/// Redis's check of a weight with `strtod`: leading white space is skipped, the number ends
/// at a NUL byte, and an empty string is 0. `None` when it is not a number (NaN, trailing
/// garbage, out of range).
fn strtod(s: &[u8]) -> Option<f64> {
    let s = c_str(s);
    if s.is_empty() {
        return Some(0.0);
    }
    let t = s.trim_ascii_start();
    let v = parse_score(t)?;
    (!v.is_nan()).then_some(v)
}

/// Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` of
/// `pattern` is replaced by the element and names a string key, or with `->field` after
/// the `*` a field of a hash. `None` when there is no `*`, the key is missing or of
/// another type, or the field is missing.
fn lookup(ctx: &mut Ctx, pattern: &[u8], elem: &Bytes) -> Option<Bytes> {
    if pattern == b"#" {
        return Some(elem.clone());
    }
    let pattern = c_str(pattern);
    let star = pattern.iter().position(|&b| b == b'*')?;
    let after = &pattern[star + 1..];
    let (postfix, field) = match after.windows(2).position(|w| w == b"->") {
        Some(i) if i + 2 < after.len() => (&after[..i], Some(&after[i + 2..])),
        _ => (after, None),
    };
    let mut key = Vec::with_capacity(pattern.len() + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(postfix);
    match (crate::cmd::read_value(ctx.srv, ctx.db, &key)?, field) {
        (crate::db::ValueRef::Str(s), None) => Some(Bytes::copy_from_slice(s)),
        (crate::db::ValueRef::Hash(h), Some(f)) => h.get(f).map(Bytes::copy_from_slice),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_clamps_like_redis() {
        assert_eq!(window(None, 5), (0, 4));
        assert_eq!(window(Some((1, 2)), 5), (1, 2));
        assert_eq!(window(Some((-3, 100)), 5), (0, 4));
        assert_eq!(window(Some((7, 1)), 5), (4, 3));
        assert_eq!(window(Some((0, 0)), 5), (0, -1));
        assert_eq!(window(None, 0), (-1, -2));
    }

    #[test]
    fn weights_parse_as_strtod() {
        assert_eq!(strtod(b""), Some(0.0));
        assert_eq!(strtod(b" 1.5"), Some(1.5));
        assert_eq!(strtod(b"2\0junk"), Some(2.0));
        assert_eq!(strtod(b"1x"), None);
        assert_eq!(strtod(b"nan"), None);
        assert_eq!(strtod(b"  "), None);
    }
}
