//! The geo searches: GEORADIUS(_RO), GEORADIUSBYMEMBER(_RO), GEOSEARCH, GEOSEARCHSTORE, one
//! body as Redis's `georadiusGeneric`. Members are collected cell by cell in Redis's order
//! (centre, then the 8 neighbours, each by ascending score), kept if inside the shape,
//! then sorted by distance when asked (COUNT without ANY implies ASC).

use super::hash::{self, Cell, Kind, Shape};
use super::{lon_lat, reply_coord, reply_distance, unit};
use crate::db::Value;
use crate::db::zset::{ScoreRange, ZSet};
use crate::engine::ctx::Ctx;
use crate::error;
use crate::util::number::{parse_i64, parse_score};
use bytes::Bytes;

/// Which command is running (Redis's RADIUS_* / GEOSEARCH flags).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Coords { store: bool },
    Member { store: bool },
    Search,
    SearchStore,
}

/// ```text
/// GEORADIUS key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
/// ```
pub(super) fn georadius(ctx: &mut Ctx) {
    generic(ctx, Mode::Coords { store: true });
}

/// ```text
/// GEORADIUS_RO key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
/// ```
pub(super) fn georadius_ro(ctx: &mut Ctx) {
    generic(ctx, Mode::Coords { store: false });
}

/// ```text
/// GEORADIUSBYMEMBER key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
///   [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
/// ```
pub(super) fn georadiusbymember(ctx: &mut Ctx) {
    generic(ctx, Mode::Member { store: true });
}

/// ```text
/// GEORADIUSBYMEMBER_RO key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
/// ```
pub(super) fn georadiusbymember_ro(ctx: &mut Ctx) {
    generic(ctx, Mode::Member { store: false });
}

/// ```text
/// GEOSEARCH key <FROMMEMBER member | FROMLONLAT longitude latitude>
///   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
///   [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
/// ```
pub(super) fn geosearch(ctx: &mut Ctx) {
    generic(ctx, Mode::Search);
}

/// ```text
/// GEOSEARCHSTORE destination source <FROMMEMBER member | FROMLONLAT longitude latitude>
///   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
///   [ASC | DESC] [COUNT count [ANY]] [STOREDIST]
/// ```
pub(super) fn geosearchstore(ctx: &mut Ctx) {
    generic(ctx, Mode::SearchStore);
}

/// A member found in the shape.
struct Point {
    member: Bytes,
    score: f64,
    pos: (f64, f64),
    /// Meters from the centre.
    dist: f64,
}

/// A radius and its unit (Redis's `extractDistanceOrReply`); `Err` after replying.
fn radius(ctx: &mut Ctx, r: &[u8], u: &[u8]) -> Result<(Kind, f64), ()> {
    let Some(r) = parse_score(r) else {
        ctx.error("ERR need numeric radius");
        return Err(());
    };
    if r < 0.0 {
        ctx.error("ERR radius cannot be negative");
        return Err(());
    }
    match unit(u) {
        Some(c) => Ok((Kind::Radius(r), c)),
        None => {
            ctx.error(super::BAD_UNIT);
            Err(())
        }
    }
}

/// A box and its unit (Redis's `extractBoxOrReply`).
fn bbox(ctx: &mut Ctx, w: &[u8], h: &[u8], u: &[u8]) -> Result<(Kind, f64), ()> {
    let Some(w) = parse_score(w) else {
        ctx.error("ERR need numeric width");
        return Err(());
    };
    let Some(h) = parse_score(h) else {
        ctx.error("ERR need numeric height");
        return Err(());
    };
    if h < 0.0 || w < 0.0 {
        ctx.error("ERR height or width cannot be negative");
        return Err(());
    }
    match unit(u) {
        Some(c) => Ok((
            Kind::Box {
                width: w,
                height: h,
            },
            c,
        )),
        None => {
            ctx.error(super::BAD_UNIT);
            Err(())
        }
    }
}

/// The source set, looked up again (no hit or miss counted: the first lookup did).
fn zset<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Option<&'c ZSet> {
    let now = ctx.now();
    ctx.srv.dbs[ctx.db].typed::<ZSet>(key, now).ok().flatten()
}

/// A member's position in the source set, or the error Redis gives for a missing one.
fn member_pos(ctx: &mut Ctx, key: &[u8], m: &[u8]) -> Result<(f64, f64), ()> {
    let pos = zset(ctx, key)
        .and_then(|z| z.score(m))
        .and_then(hash::decode_score);
    match pos {
        Some(p) => Ok(p),
        None => {
            ctx.error("ERR could not decode requested zset member");
            Err(())
        }
    }
}

fn generic(ctx: &mut Ctx, mode: Mode) {
    let _ = generic_inner(ctx, mode);
}

fn generic_inner(ctx: &mut Ctx, mode: Mode) -> Result<(), ()> {
    let argv = ctx.argv;
    let src = if mode == Mode::SearchStore { 2 } else { 1 };
    // The source is looked up (and type-checked) before anything else, as in Redis; later
    // uses look it up again (`zset`), as replies and the store borrow the context.
    let has = match crate::cmd::read_value(ctx.srv, ctx.db, &argv[src]) {
        None => false,
        Some(crate::db::ValueRef::ZSet(_)) => true,
        Some(_) => {
            ctx.error(error::WRONGTYPE);
            return Err(());
        }
    };
    let mut center = (0.0, 0.0);
    let mut shape: Option<(Kind, f64)> = None;
    let base = match mode {
        Mode::Coords { .. } => {
            center = lon_lat(ctx, &argv[2], &argv[3]).ok_or(())?;
            shape = Some(radius(ctx, &argv[4], &argv[5])?);
            6
        }
        Mode::Member { .. } if !has => 5,
        Mode::Member { .. } => {
            center = member_pos(ctx, &argv[src], &argv[2])?;
            shape = Some(radius(ctx, &argv[3], &argv[4])?);
            5
        }
        Mode::Search => 2,
        Mode::SearchStore => 3,
    };
    let search = matches!(mode, Mode::Search | Mode::SearchStore);
    let may_store = matches!(
        mode,
        Mode::Coords { store: true } | Mode::Member { store: true }
    );
    let mut store: Option<Bytes> = (mode == Mode::SearchStore).then(|| argv[1].clone());
    let mut storedist = false;
    let (mut withdist, mut withhash, mut withcoord, mut any) = (false, false, false, false);
    let (mut from_member, mut from_loc, mut by_radius, mut by_box) = (false, false, false, false);
    let mut sort: Option<bool> = None; // Some(true): ascending.
    let mut count: i64 = 0;
    let rest = &argv[base.min(argv.len())..];
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        let left = rest.len() - i - 1;
        let is = |w: &[u8]| a.eq_ignore_ascii_case(w);
        if is(b"withdist") {
            withdist = true;
        } else if is(b"withhash") {
            withhash = true;
        } else if is(b"withcoord") {
            withcoord = true;
        } else if is(b"any") {
            any = true;
        } else if is(b"asc") {
            sort = Some(true);
        } else if is(b"desc") {
            sort = Some(false);
        } else if is(b"count") && left >= 1 {
            let Some(n) = parse_i64(&rest[i + 1]) else {
                ctx.error(error::NOT_INTEGER);
                return Err(());
            };
            if n <= 0 {
                ctx.error("ERR COUNT must be > 0");
                return Err(());
            }
            count = n;
            i += 1;
        } else if (is(b"store") || is(b"storedist")) && left >= 1 && may_store {
            store = Some(rest[i + 1].clone());
            storedist = is(b"storedist");
            i += 1;
        } else if is(b"storedist") && mode == Mode::SearchStore {
            storedist = true;
        } else if is(b"frommember") && left >= 1 && search && !from_loc {
            if has {
                center = member_pos(ctx, &argv[src], &rest[i + 1])?;
            }
            from_member = true;
            i += 1;
        } else if is(b"fromlonlat") && left >= 2 && search && !from_member {
            center = lon_lat(ctx, &rest[i + 1], &rest[i + 2]).ok_or(())?;
            from_loc = true;
            i += 2;
        } else if is(b"byradius") && left >= 2 && search && !by_box {
            shape = Some(radius(ctx, &rest[i + 1], &rest[i + 2])?);
            by_radius = true;
            i += 2;
        } else if is(b"bybox") && left >= 3 && search && !by_radius {
            shape = Some(bbox(ctx, &rest[i + 1], &rest[i + 2], &rest[i + 3])?);
            by_box = true;
            i += 3;
        } else {
            ctx.error(error::SYNTAX);
            return Err(());
        }
        i += 1;
    }
    if store.is_some() && (withdist || withhash || withcoord) {
        let who = if mode == Mode::SearchStore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        ctx.error(&format!(
            "ERR {who} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        ));
        return Err(());
    }
    let name = String::from_utf8_lossy(&argv[0]).into_owned();
    if search && !(from_member || from_loc) {
        ctx.error(&format!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        ));
        return Err(());
    }
    if search && !(by_radius || by_box) {
        ctx.error(&format!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
        ));
        return Err(());
    }
    if any && count == 0 {
        ctx.error("ERR the ANY argument requires COUNT argument");
        return Err(());
    }
    let (true, Some((kind, conv))) = (has, shape) else {
        // No source: an empty reply, or 0 with the destination deleted.
        match store {
            Some(dest) => {
                let now = ctx.now();
                if ctx.db().delete(&dest, now).is_some() {
                    ctx.modified(&dest);
                }
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };
    if count != 0 && sort.is_none() && !any {
        sort = Some(true);
    }
    let shape = Shape { kind, conv };
    let limit = if any { count as usize } else { 0 };
    let mut found = match zset(ctx, &argv[src]) {
        Some(z) => collect(z, center, shape, limit),
        None => Vec::new(),
    };
    if let Some(asc) = sort {
        // Stable, as glibc's qsort is for equal distances.
        found.sort_by(|a, b| {
            let o = a
                .dist
                .partial_cmp(&b.dist)
                .unwrap_or(std::cmp::Ordering::Equal);
            if asc { o } else { o.reverse() }
        });
    }
    let n = if count == 0 {
        found.len()
    } else {
        found.len().min(count as usize)
    };
    found.truncate(n);
    match store {
        None => reply(ctx, &found, conv, withdist, withhash, withcoord),
        Some(dest) => store_points(ctx, &dest, &found, conv, storedist),
    }
    Ok(())
}

/// The members inside `shape`, cell by cell; with `limit` (ANY), stops once that many.
fn collect(z: &ZSet, center: (f64, f64), shape: Shape, limit: usize) -> Vec<Point> {
    let cells = hash::search_cells(center, shape);
    let mut found: Vec<Point> = Vec::new();
    let full = |f: &Vec<Point>| limit > 0 && !f.is_empty() && f.len() >= limit;
    let mut last: Option<Cell> = None;
    for (i, cell) in cells.iter().enumerate() {
        if cell.is_zero() {
            continue;
        }
        // Huge radii make neighbours repeat; Redis skips one equal to the last scanned
        // (comparing only once a neighbour, not the centre, was scanned).
        if i > 0 && last.is_some_and(|l| l == *cell) {
            continue;
        }
        if full(&found) {
            break;
        }
        let min = cell.align52() as f64;
        let max = Cell {
            bits: cell.bits + 1,
            step: cell.step,
        }
        .align52() as f64;
        let range = ScoreRange {
            min,
            max,
            minex: false,
            maxex: true,
        };
        let span = z.score_span(&range);
        for (m, score) in z.iter_from(span.start, false).take(span.len()) {
            if let Some(pos) = hash::decode_score(score)
                && let Some(dist) = hash::within(center, shape, pos)
            {
                found.push(Point {
                    member: Bytes::copy_from_slice(m),
                    score,
                    pos,
                    dist,
                });
            }
            if full(&found) {
                break;
            }
        }
        last = if i > 0 { Some(*cell) } else { last };
    }
    found
}

fn reply(
    ctx: &mut Ctx,
    found: &[Point],
    conv: f64,
    withdist: bool,
    withhash: bool,
    withcoord: bool,
) {
    let extra = usize::from(withdist) + usize::from(withhash) + usize::from(withcoord);
    let out = &mut ctx.out;
    out.array(found.len());
    for p in found {
        if extra > 0 {
            out.array(extra + 1);
        }
        out.bulk(&p.member);
        if withdist {
            reply_distance(out, p.dist / conv);
        }
        if withhash {
            out.int(p.score as i64);
        }
        if withcoord {
            out.array(2);
            reply_coord(out, p.pos.0);
            reply_coord(out, p.pos.1);
        }
    }
}

/// STORE / STOREDIST: the members into a sorted set scored by geohash or by distance.
fn store_points(ctx: &mut Ctx, dest: &Bytes, found: &[Point], conv: f64, storedist: bool) {
    let n = found.len();
    let now = ctx.now();
    if n == 0 {
        if ctx.db().delete(dest, now).is_some() {
            ctx.modified(dest);
        }
        return ctx.out.int(0);
    }
    let mut z = ZSet::new_large();
    for p in found {
        z.insert(
            p.member.clone(),
            if storedist { p.dist / conv } else { p.score },
        );
    }
    let l = ctx.srv.config.enc;
    z.set_limits(l.zset_entries, l.zset_value);
    z.fit_encoding();
    ctx.db().set(dest, Value::ZSet(Box::new(z)), None);
    ctx.modified_n(dest, n as u64);
    ctx.signal_ready(dest);
    ctx.out.int(n as i64);
}
