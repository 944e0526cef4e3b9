//! Generators for the data families of issue 11: bitmaps, HyperLogLog, geo and SORT, from
//! the Redis 7.0 docs. Bitmaps work on strings, so they also meet the string family's keys.

use super::generator::{Entry, Family, Gen, Step, one};
use crate::cmd;

use Family::Bits as B;
use Family::{Lists, Sets, ZSets};

#[rustfmt::skip]
pub const ENTRIES: &[Entry] = &[
    Entry { name: "setbit", weight: 6, family: B, make: |g| { let o = bit_offset(g); let v = g.rng.pick(&["0", "1", "1", "2", "-1", "x"]); one(cmd!["SETBIT", g.key(B), o, v]) } },
    Entry { name: "getbit", weight: 3, family: B, make: |g| { let o = bit_offset(g); one(cmd!["GETBIT", g.key(B), o]) } },
    Entry { name: "bitcount", weight: 4, family: B, make: |g| one(bit_range(g, "BITCOUNT", None)) },
    Entry { name: "bitpos", weight: 4, family: B, make: |g| { let b = g.rng.pick(&["0", "1", "1", "0", "2"]); one(bit_range(g, "BITPOS", Some(b))) } },
    Entry { name: "bitop", weight: 3, family: B, make: bitop },
    Entry { name: "bitfield", weight: 6, family: B, make: |g| one(bitfield(g, "BITFIELD")) },
    Entry { name: "bitfield_ro", weight: 2, family: B, make: |g| one(bitfield(g, "BITFIELD_RO")) },
    // HyperLogLog: GET shows the representation, byte for byte.
    Entry { name: "pfadd", weight: 6, family: Family::Hll, make: pfadd },
    Entry { name: "pfcount", weight: 3, family: Family::Hll, make: |g| { let mut c = cmd!["PFCOUNT"]; c.extend(g.keys(Family::Hll, 3)); one(c) } },
    Entry { name: "pfmerge", weight: 2, family: Family::Hll, make: |g| { let mut c = cmd!["PFMERGE", g.key(Family::Hll)]; for _ in 0..g.rng.below(3) { c.push(g.key(Family::Hll)); } one(c) } },
    Entry { name: "pfdebug", weight: 1, family: Family::Hll, make: |g| { let s = g.rng.pick(&["ENCODING", "DECODE", "TODENSE", "foo"]); one(cmd!["PFDEBUG", s, g.key(Family::Hll)]) } },
    Entry { name: "get", weight: 3, family: Family::Hll, make: |g| one(cmd!["GET", g.key(Family::Hll)]) },
    // Geo: scores via ZRANGE, distances, hashes and positions, searches in every form.
    Entry { name: "geoadd", weight: 6, family: Family::Geo, make: geoadd },
    Entry { name: "geodist", weight: 2, family: Family::Geo, make: |g| { let mut c = cmd!["GEODIST", g.key(Family::Geo), place(g), place(g)]; if g.rng.chance(60) { c.push(geo_unit(g)); } one(c) } },
    Entry { name: "geohash", weight: 2, family: Family::Geo, make: |g| { let mut c = cmd!["GEOHASH", g.key(Family::Geo)]; for _ in 0..g.rng.below(4) { c.push(place(g)); } one(c) } },
    Entry { name: "geopos", weight: 2, family: Family::Geo, make: |g| { let mut c = cmd!["GEOPOS", g.key(Family::Geo)]; for _ in 0..g.rng.below(4) { c.push(place(g)); } one(c) } },
    Entry { name: "zrange", weight: 2, family: Family::Geo, make: |g| one(cmd!["ZRANGE", g.key(Family::Geo), "0", "-1", "WITHSCORES"]) },
    Entry { name: "georadius", weight: 3, family: Family::Geo, make: |g| { let (x, y) = (lon(g), lat(g)); let r = geo_radius(g); let u = geo_unit(g); let mut c = cmd!["GEORADIUS", g.key(Family::Geo), x, y, r, u]; geo_opts(g, &mut c, true); one(c) } },
    Entry { name: "georadius_ro", weight: 1, family: Family::Geo, make: |g| { let (x, y) = (lon(g), lat(g)); let r = geo_radius(g); let u = geo_unit(g); let mut c = cmd!["GEORADIUS_RO", g.key(Family::Geo), x, y, r, u]; geo_opts(g, &mut c, false); one(c) } },
    Entry { name: "georadiusbymember", weight: 2, family: Family::Geo, make: |g| { let m = place(g); let r = geo_radius(g); let u = geo_unit(g); let mut c = cmd!["GEORADIUSBYMEMBER", g.key(Family::Geo), m, r, u]; geo_opts(g, &mut c, true); one(c) } },
    Entry { name: "georadiusbymember_ro", weight: 1, family: Family::Geo, make: |g| { let m = place(g); let r = geo_radius(g); let u = geo_unit(g); let mut c = cmd!["GEORADIUSBYMEMBER_RO", g.key(Family::Geo), m, r, u]; geo_opts(g, &mut c, false); one(c) } },
    Entry { name: "geosearch", weight: 3, family: Family::Geo, make: |g| { let mut c = cmd!["GEOSEARCH", g.key(Family::Geo)]; geosearch(g, &mut c); one(c) } },
    Entry { name: "geosearchstore", weight: 2, family: Family::Geo, make: |g| { let d = g.key(Family::Geo); let mut c = cmd!["GEOSEARCHSTORE", d, g.key(Family::Geo)]; geosearch(g, &mut c); if g.rng.chance(40) { c.push(b"STOREDIST".to_vec()); } one(c) } },
    // SORT reads the list, set and sorted-set families' keys; `k*` names the string keys
    // `k1`/`k2` after elements 1 and 2, `{t}*->f1` the hashes `{t}a`/`{t}b` after a and b.
    Entry { name: "sort", weight: 5, family: Family::Lists, make: |g| one(sort(g, "SORT")) },
    Entry { name: "sort_ro", weight: 2, family: Family::Lists, make: |g| one(sort(g, "SORT_RO")) },
];

/// A bit offset: small, near byte edges, sometimes out of range or not a number.
fn bit_offset(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(20) {
        0 => g
            .rng
            .pick(&["-1", "4294967296", "4294967295", "abc", ""])
            .into(),
        1..=3 => g.rng.range(0, 200).to_string().into_bytes(),
        _ => g.rng.range(0, 40).to_string().into_bytes(),
    }
}

/// BITCOUNT or BITPOS with an optional range and unit.
fn bit_range(g: &mut Gen, name: &str, bit: Option<&str>) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(B)];
    if let Some(b) = bit {
        c.push(b.into());
    }
    let n = g.rng.below(4);
    if n >= 1 {
        c.push(g.int(-20, 20));
    }
    if n >= 2 || (bit.is_none() && n == 1 && g.rng.chance(80)) {
        c.push(g.int(-20, 20));
    }
    if n >= 3 {
        c.push(g.rng.pick(&["BIT", "BYTE", "bit", "foo"]).into());
    }
    c
}

fn bitop(g: &mut Gen) -> Vec<Step> {
    let op = g.rng.pick(&["AND", "OR", "XOR", "NOT", "not", "FOO"]);
    let mut c = cmd!["BITOP", op, g.key(B)];
    let n = if op.eq_ignore_ascii_case("not") && g.rng.chance(85) {
        1
    } else {
        1 + g.rng.below(3)
    };
    for _ in 0..n {
        c.push(g.key(B));
    }
    one(c)
}

/// A field type: mostly valid, sometimes u64 or nonsense.
fn field_type(g: &mut Gen) -> String {
    match g.rng.below(20) {
        0 => g.rng.pick(&["u64", "i65", "i0", "x8", "I8", "u"]).into(),
        1 => "i64".into(),
        2 => "u63".into(),
        _ => format!("{}{}", g.rng.pick(&["i", "u"]), 1 + g.rng.below(16)),
    }
}

fn bitfield(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut c = cmd![name, g.key(B)];
    for _ in 0..g.rng.below(4) {
        match g.rng.below(10) {
            0 | 1 => c.extend(cmd![
                "OVERFLOW",
                g.rng.pick(&["WRAP", "SAT", "FAIL", "fail", "bad"])
            ]),
            2..=4 => {
                let t = field_type(g);
                c.extend(cmd!["GET", t, field_offset(g)]);
            }
            5 | 6 => {
                let t = field_type(g);
                let o = field_offset(g);
                c.extend(cmd!["SET", t, o, field_value(g)]);
            }
            _ => {
                let t = field_type(g);
                let o = field_offset(g);
                c.extend(cmd!["INCRBY", t, o, field_value(g)]);
            }
        }
    }
    c
}

fn field_offset(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(25) {
        return format!("#{}", g.rng.range(0, 6)).into_bytes();
    }
    bit_offset(g)
}

/// A value for SET or INCRBY: small, near the edges of small widths, or 64-bit extremes.
fn field_value(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0 => g.bad_int(),
        1 => g
            .rng
            .pick(&[
                "127", "128", "-128", "-129", "255", "256", "32767", "-32768", "65535",
            ])
            .into(),
        2 => g
            .rng
            .pick(&[
                "9223372036854775807",
                "-9223372036854775808",
                "4611686018427387904",
            ])
            .into(),
        _ => g.rng.range(-300, 300).to_string().into_bytes(),
    }
}

/// SORT on a list, set or sorted set with a mix of options. ALPHA is never combined with a
/// BY pattern: ties between equal BY values keep the input order, and a set's input order
/// is its hash table's (KNOWN DIFFERENCE: not reproducible).
fn sort(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let family = g.rng.pick(&[Lists, Lists, Sets, ZSets]);
    let mut c = cmd![name, g.key(family)];
    let mut by_pattern = false;
    let mut alpha = false;
    for _ in 0..g.rng.below(5) {
        match g.rng.below(12) {
            0 | 1 => {
                let p = g
                    .rng
                    .pick(&["nosort", "k*", "*", "{t}*->f1", "{t}*->", "w_*", "#"]);
                by_pattern |= p.contains('*');
                c.extend(cmd!["BY", p]);
            }
            2 | 3 => c.extend(cmd!["LIMIT", g.int(-2, 5), g.int(-2, 5)]),
            4 | 5 => {
                let p = g
                    .rng
                    .pick(&["#", "k*", "{t}*->f1", "{t}*->a", "nokey", "*"]);
                c.extend(cmd!["GET", p]);
            }
            6 => c.push(g.rng.pick(&["ASC", "DESC", "desc"]).into()),
            7 | 8 => {
                alpha = true;
                c.push(b"ALPHA".to_vec());
            }
            9 => {
                let d = g.key(Lists);
                c.extend(cmd!["STORE", d]);
            }
            10 => c.push(b"BAD".to_vec()),
            _ => c.push(b"LIMIT".to_vec()),
        }
    }
    if alpha && by_pattern {
        c.retain(|a| !a.eq_ignore_ascii_case(b"alpha"));
    }
    c
}

/// PFADD of a few elements, sometimes many (the sparse form grows and turns dense).
fn pfadd(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["PFADD", g.key(Family::Hll)];
    let n = if g.rng.chance(10) {
        50 + g.rng.below(400)
    } else {
        g.rng.below(4)
    };
    for _ in 0..n {
        if g.rng.chance(70) {
            c.push(g.rng.range(0, 100_000).to_string().into_bytes());
        } else {
            c.push(g.value());
        }
    }
    one(c)
}

/// Places: a handful of names, so searches and GEODIST find them.
fn place(g: &mut Gen) -> Vec<u8> {
    g.rng
        .pick(&[
            "rome", "paris", "oslo", "cairo", "lima", "pole", "dateline", "a", "",
        ])
        .into()
}

/// A longitude: mostly around Europe (where the places cluster), sometimes anywhere,
/// at the limits or invalid.
fn lon(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => g
            .rng
            .pick(&["180", "-180", "180.0001", "abc", "inf"])
            .into(),
        1 | 2 => format!("{:.6}", g.rng.range(-180_000_000, 180_000_000) as f64 / 1e6).into_bytes(),
        _ => format!("{:.6}", g.rng.range(-10_000_000, 30_000_000) as f64 / 1e6).into_bytes(),
    }
}

fn lat(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => g
            .rng
            .pick(&["85.05112878", "-85.05112878", "85.06", "-90", "x"])
            .into(),
        1 | 2 => format!("{:.6}", g.rng.range(-85_000_000, 85_000_000) as f64 / 1e6).into_bytes(),
        _ => format!("{:.6}", g.rng.range(35_000_000, 60_000_000) as f64 / 1e6).into_bytes(),
    }
}

fn geo_unit(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(4) {
        return b"furlong".to_vec();
    }
    g.rng.pick(&["m", "km", "KM", "mi", "ft", "km"]).into()
}

fn geo_radius(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => g.rng.pick(&["-1", "x", "0"]).into(),
        _ => g
            .rng
            .pick(&["1", "50", "500", "1000", "3000", "20000", "0.5", "2500000"])
            .into(),
    }
}

fn geoadd(g: &mut Gen) -> Vec<Step> {
    let mut c = cmd!["GEOADD", g.key(Family::Geo)];
    for _ in 0..g.rng.below(3) {
        c.push(g.rng.pick(&["NX", "XX", "CH", "ch"]).into());
    }
    for _ in 0..1 + g.rng.below(3) {
        let (x, y) = (lon(g), lat(g));
        c.extend([x, y, place(g)]);
    }
    one(c)
}

/// GEORADIUS's options; `store` allows STORE/STOREDIST.
fn geo_opts(g: &mut Gen, c: &mut Vec<Vec<u8>>, store: bool) {
    for _ in 0..g.rng.below(4) {
        match g.rng.below(12) {
            0 | 9 => c.push(b"WITHDIST".to_vec()),
            1 => c.push(b"WITHCOORD".to_vec()),
            2 => c.push(b"WITHHASH".to_vec()),
            3 => c.push(g.rng.pick(&["ASC", "DESC"]).into()),
            4 | 5 | 10 => c.extend(cmd!["COUNT", g.int(0, 4)]),
            6 if c.iter().any(|a| a == b"COUNT") || g.rng.chance(10) => c.push(b"ANY".to_vec()),
            7 if store => {
                let k = g.key(Family::Geo);
                c.extend(cmd![g.rng.pick(&["STORE", "STOREDIST"]), k]);
            }
            11 => c.push(b"BAD".to_vec()),
            _ => c.push(b"WITHCOORD".to_vec()),
        }
    }
}

fn geosearch(g: &mut Gen, c: &mut Vec<Vec<u8>>) {
    match g.rng.below(20) {
        0 => {}
        1..=8 => c.extend(cmd!["FROMMEMBER", place(g)]),
        _ => {
            let (x, y) = (lon(g), lat(g));
            c.extend(cmd!["FROMLONLAT", x, y]);
        }
    }
    match g.rng.below(20) {
        0 => {}
        1..=10 => {
            let (r, u) = (geo_radius(g), geo_unit(g));
            c.extend(cmd!["BYRADIUS", r, u]);
        }
        _ => {
            let (w, h, u) = (geo_radius(g), geo_radius(g), geo_unit(g));
            c.extend(cmd!["BYBOX", w, h, u]);
        }
    }
    geo_opts(g, c, false);
}
