//! Geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS, and in `search.rs` GEORADIUS(_RO),
//! GEORADIUSBYMEMBER(_RO), GEOSEARCH and GEOSEARCHSTORE. A geo set is a sorted set whose
//! scores are 52-bit geohashes (`hash.rs`), so every sorted-set command works on it.
//!
//! Output follows Redis 7.0: distances are `%.4f` bulk strings (in RESP3 too), coordinates
//! are long doubles printed with 17 decimals, trailing zeros cut (a bulk in RESP2, a double
//! in RESP3).

mod hash;
mod search;

use crate::db::zset::ZSet;
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_score;
use bytes::Bytes;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("geoadd", geoadd),
    ("geodist", geodist),
    ("geohash", geohash),
    ("geopos", geopos),
    ("georadius", search::georadius),
    ("georadius_ro", search::georadius_ro),
    ("georadiusbymember", search::georadiusbymember),
    ("georadiusbymember_ro", search::georadiusbymember_ro),
    ("geosearch", search::geosearch),
    ("geosearchstore", search::geosearchstore),
];

const BAD_UNIT: &str = "ERR unsupported unit provided. please use M, KM, FT, MI";

/// Parses a longitude and a latitude (Redis's `extractLongLatOrReply`).
fn lon_lat(ctx: &mut Ctx, lon: &[u8], lat: &[u8]) -> Option<(f64, f64)> {
    let (Some(x), Some(y)) = (parse_score(lon), parse_score(lat)) else {
        ctx.error(error::NOT_FLOAT);
        return None;
    };
    if !(hash::LONG_MIN..=hash::LONG_MAX).contains(&x)
        || !(hash::LAT_MIN..=hash::LAT_MAX).contains(&y)
    {
        ctx.error(&format!(
            "ERR invalid longitude,latitude pair {x:.6},{y:.6}"
        ));
        return None;
    }
    Some((x, y))
}

/// Meters per unit, or `None` for an unknown unit.
fn unit(arg: &[u8]) -> Option<f64> {
    let is = |u: &[u8]| arg.eq_ignore_ascii_case(u);
    if is(b"m") {
        Some(1.0)
    } else if is(b"km") {
        Some(1000.0)
    } else if is(b"ft") {
        Some(0.3048)
    } else if is(b"mi") {
        Some(1609.34)
    } else {
        None
    }
}

/// A distance as Redis replies it: `%.4f`, always a bulk string.
fn reply_distance(out: &mut Out, d: f64) {
    out.bulk(format!("{d:.4}").as_bytes());
}

/// A coordinate as Redis's `addReplyHumanLongDouble`: 17 decimals, trailing zeros cut.
fn reply_coord(out: &mut Out, v: f64) {
    let mut s = format!("{v:.17}");
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(t);
    }
    if s == "-0" {
        s = "0".into();
    }
    if out.resp3() {
        out.raw(format!(",{s}\r\n").as_bytes());
    } else {
        out.bulk(s.as_bytes());
    }
}

/// Looks a geo set up for reading: `Err` after replying WRONGTYPE.
fn read<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c ZSet>, ()> {
    match crate::cmd::read::<ZSet>(ctx.srv, ctx.db, key) {
        Ok(z) => Ok(z),
        Err(_) => {
            ctx.out.error(error::WRONGTYPE);
            Err(())
        }
    }
}

/// ```text
/// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
/// ```
/// Runs as the ZADD it becomes (and propagates as that ZADD, as in Redis).
fn geoadd(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let (mut nx, mut xx) = (false, false);
    let mut i = 2;
    while let Some(opt) = argv.get(i) {
        if opt.eq_ignore_ascii_case(b"nx") {
            nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            xx = true;
        } else if !opt.eq_ignore_ascii_case(b"ch") {
            break;
        }
        i += 1;
    }
    if !(argv.len() - i).is_multiple_of(3) || (nx && xx) {
        return ctx.error(error::SYNTAX);
    }
    let mut zargv: Vec<Bytes> = Vec::with_capacity(i + (argv.len() - i) / 3 * 2);
    zargv.push(Bytes::from_static(b"zadd"));
    zargv.extend(argv[1..i].iter().cloned());
    for t in argv[i..].chunks_exact(3) {
        let Some((x, y)) = lon_lat(ctx, &t[0], &t[1]) else {
            return;
        };
        let Some(score) = hash::score(x, y) else {
            return ctx.error(error::NOT_FLOAT);
        };
        zargv.push(Bytes::from(score.to_string()));
        zargv.push(t[2].clone());
    }
    let to = ctx.out.target();
    let mut zctx = Ctx {
        argv: &zargv,
        out: ctx.out.outs().to(to),
        srv: &mut *ctx.srv,
        id: ctx.id,
        db: ctx.db,
        no_block: ctx.no_block,
    };
    crate::cmd::zsets::zadd(&mut zctx);
    if ctx.propagating() {
        ctx.rewrite(zargv);
    }
}

/// ```text
/// GEODIST key member1 member2 [M | KM | FT | MI]
/// ```
fn geodist(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let conv = match argv.len() {
        4 => 1.0,
        5 => match unit(&argv[4]) {
            Some(c) => c,
            None => return ctx.error(BAD_UNIT),
        },
        _ => return ctx.error(error::SYNTAX),
    };
    let Ok(z) = read(ctx, &argv[1]) else {
        return;
    };
    let pos = |m: &[u8]| z.and_then(|z| z.score(m)).and_then(hash::decode_score);
    match (pos(&argv[2]), pos(&argv[3])) {
        (Some(a), Some(b)) => {
            let d = hash::distance(a.0, a.1, b.0, b.1) / conv;
            reply_distance(&mut ctx.out, d);
        }
        _ => ctx.out.null(),
    }
}

/// ```text
/// GEOHASH key [member [member ...]]
/// ```
fn geohash(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Ok(z) = read(ctx, &argv[1]) else {
        return;
    };
    let texts: Vec<Option<[u8; 11]>> = argv[2..]
        .iter()
        .map(|m| z.and_then(|z| z.score(m)).and_then(hash::text))
        .collect();
    ctx.out.array(texts.len());
    for t in texts {
        match t {
            Some(t) => ctx.out.bulk(&t),
            None => ctx.out.null(),
        }
    }
}

/// ```text
/// GEOPOS key [member [member ...]]
/// ```
fn geopos(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Ok(z) = read(ctx, &argv[1]) else {
        return;
    };
    let pos: Vec<Option<(f64, f64)>> = argv[2..]
        .iter()
        .map(|m| z.and_then(|z| z.score(m)).and_then(hash::decode_score))
        .collect();
    ctx.out.array(pos.len());
    for p in pos {
        match p {
            Some((x, y)) => {
                ctx.out.array(2);
                reply_coord(&mut ctx.out, x);
                reply_coord(&mut ctx.out, y);
            }
            None => ctx.out.null_array(),
        }
    }
}
