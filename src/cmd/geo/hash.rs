//! Redis's geohash arithmetic: the 52-bit interleave of longitude and latitude that is a
//! geo member's sorted-set score, its decoding, the 8 neighbouring cells, the cells a
//! search must scan, and the haversine distance on Redis's earth radius. Each function
//! follows `geohash.c`/`geohash_helper.c` operation for operation, so that scores,
//! coordinates and distances come out bit-identical.

pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
pub const LAT_MIN: f64 = -85.051_128_78;
pub const LAT_MAX: f64 = 85.051_128_78;
/// Bits per coordinate in a score.
pub const STEP_MAX: u8 = 26;
const MERCATOR_MAX: f64 = 20_037_726.37;
const EARTH_RADIUS_M: f64 = 6_372_797.560_856;
const D_R: f64 = std::f64::consts::PI / 180.0;

/// A cell: `step` bits per coordinate, interleaved (longitude in the odd bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Cell {
    pub bits: u64,
    pub step: u8,
}

impl Cell {
    /// Redis's `HASHISZERO`: a neighbour ruled out.
    pub fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }

    /// The cell as a 52-bit score prefix.
    pub fn align52(&self) -> u64 {
        self.bits << (52 - u32::from(self.step) * 2)
    }
}

/// A box in degrees.
#[derive(Clone, Copy, Debug, Default)]
pub struct Area {
    pub lon: (f64, f64),
    pub lat: (f64, f64),
}

fn deg_rad(a: f64) -> f64 {
    a * D_R
}

fn rad_deg(a: f64) -> f64 {
    a / D_R
}

/// Spreads the 32 bits of `x` to the even bits of a u64.
fn spread(x: u32) -> u64 {
    let mut x = u64::from(x);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// Gathers the even bits of `x` into 32 bits.
fn squash(x: u64) -> u32 {
    let mut x = x & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// Encodes a position in the ranges `lon_r`/`lat_r` with `step` bits each; `None` outside
/// Redis's limits. The offsets are truncated to integers as C's conversion to `uint32_t`.
pub fn encode(lon_r: (f64, f64), lat_r: (f64, f64), lon: f64, lat: f64, step: u8) -> Option<Cell> {
    if !(LONG_MIN..=LONG_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    if lat < lat_r.0 || lat > lat_r.1 || lon < lon_r.0 || lon > lon_r.1 {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let lat_off = (lat - lat_r.0) / (lat_r.1 - lat_r.0) * scale;
    let lon_off = (lon - lon_r.0) / (lon_r.1 - lon_r.0) * scale;
    Some(Cell {
        bits: spread(lat_off as u32) | (spread(lon_off as u32) << 1),
        step,
    })
}

/// [`encode`] in the ranges Redis stores positions in.
pub fn encode_wgs84(lon: f64, lat: f64, step: u8) -> Option<Cell> {
    encode((LONG_MIN, LONG_MAX), (LAT_MIN, LAT_MAX), lon, lat, step)
}

/// The box a cell covers.
pub fn decode(cell: Cell) -> Option<Area> {
    if cell.is_zero() {
        return None;
    }
    let lat_i = squash(cell.bits);
    let lon_i = squash(cell.bits >> 1);
    let scale = (1u64 << cell.step) as f64;
    let (lat_s, lon_s) = (LAT_MAX - LAT_MIN, LONG_MAX - LONG_MIN);
    Some(Area {
        lat: (
            LAT_MIN + (f64::from(lat_i) / scale) * lat_s,
            LAT_MIN + (f64::from(lat_i.wrapping_add(1)) / scale) * lat_s,
        ),
        lon: (
            LONG_MIN + (f64::from(lon_i) / scale) * lon_s,
            LONG_MIN + (f64::from(lon_i.wrapping_add(1)) / scale) * lon_s,
        ),
    })
}

/// Redis's `(uint64_t)score` as x86-64 computes it: a negative score wraps (-2 is all
/// ones but the last bit, a cell at the top right corner) where Rust's `as` saturates to
/// 0; NaN and scores below -2^63 give the "integer indefinite" 2^63, and 2^64 or more 0.
fn score_bits(score: f64) -> u64 {
    if score.is_nan() {
        1 << 63
    } else if score < 0.0 {
        score as i64 as u64
    } else if score >= 18_446_744_073_709_551_616.0 {
        // 2^64 and over: the conversion's overflow leaves 0.
        0
    } else {
        score as u64
    }
}

/// A score's position: the centre of its cell, clamped to the limits.
pub fn decode_score(score: f64) -> Option<(f64, f64)> {
    let area = decode(Cell {
        bits: score_bits(score),
        step: STEP_MAX,
    })?;
    let lon = ((area.lon.0 + area.lon.1) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.lat.0 + area.lat.1) / 2.0).clamp(LAT_MIN, LAT_MAX);
    Some((lon, lat))
}

/// The score GEOADD stores for a position.
pub fn score(lon: f64, lat: f64) -> Option<u64> {
    encode_wgs84(lon, lat, STEP_MAX).map(|c| c.align52())
}

/// GEOHASH's 11-character string: the position re-encoded in the standard ranges.
pub fn text(score: f64) -> Option<[u8; 11]> {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let (lon, lat) = decode_score(score)?;
    let cell = encode((-180.0, 180.0), (-90.0, 90.0), lon, lat, 26)?;
    let mut out = [b'0'; 11];
    for (i, c) in out.iter_mut().enumerate().take(10) {
        let idx = (cell.bits >> (52 - (i + 1) * 5)) & 0x1f;
        *c = ALPHABET[idx as usize];
    }
    Some(out)
}

fn move_x(c: &mut Cell, d: i8) {
    if d == 0 {
        return;
    }
    let shift = 64 - u32::from(c.step) * 2;
    let mut x = c.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = c.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64 >> shift;
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x |= zz;
        x = x.wrapping_sub(zz + 1);
    }
    x &= 0xaaaa_aaaa_aaaa_aaaau64 >> shift;
    c.bits = x | y;
}

fn move_y(c: &mut Cell, d: i8) {
    if d == 0 {
        return;
    }
    let shift = 64 - u32::from(c.step) * 2;
    let x = c.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = c.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64 >> shift;
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y |= zz;
        y = y.wrapping_sub(zz + 1);
    }
    y &= 0x5555_5555_5555_5555u64 >> shift;
    c.bits = x | y;
}

fn moved(c: Cell, dx: i8, dy: i8) -> Cell {
    let mut c = c;
    move_x(&mut c, dx);
    move_y(&mut c, dy);
    c
}

/// What a search looks for around its centre: a circle or a box, in the unit of `conv`
/// meters (kept apart, as Redis multiplies at each use).
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub kind: Kind,
    pub conv: f64,
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Radius(f64),
    Box { width: f64, height: f64 },
}

/// The bounding box of a search, in degrees: (min lon, min lat, max lon, max lat).
fn bounding_box(center: (f64, f64), shape: Shape) -> (f64, f64, f64, f64) {
    let (lon, lat) = center;
    let c = shape.conv;
    let (h, w) = match shape.kind {
        Kind::Radius(r) => (c * r, c * r),
        Kind::Box { width, height } => (c * (height / 2.0), c * (width / 2.0)),
    };
    let lat_delta = rad_deg(h / EARTH_RADIUS_M);
    let top = rad_deg(w / EARTH_RADIUS_M / deg_rad(lat + lat_delta).cos());
    let bottom = rad_deg(w / EARTH_RADIUS_M / deg_rad(lat - lat_delta).cos());
    let d = if lat < 0.0 { bottom } else { top };
    (lon - d, lat - lat_delta, lon + d, lat + lat_delta)
}

/// The step whose cells are about as large as the search.
fn steps_for(range_m: f64, lat: f64) -> u8 {
    if range_m == 0.0 {
        return 26;
    }
    let mut range = range_m;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// The cells to scan, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW); ruled-out
/// neighbours are zero cells.
pub fn search_cells(center: (f64, f64), shape: Shape) -> [Cell; 9] {
    let (min_lon, min_lat, max_lon, max_lat) = bounding_box(center, shape);
    let radius = match shape.kind {
        Kind::Radius(r) => r,
        Kind::Box { width, height } => {
            ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
        }
    } * shape.conv;
    let mut steps = steps_for(radius, center.1);
    let cells_at = |steps: u8| {
        let hash = encode_wgs84(center.0, center.1, steps).unwrap_or_default();
        let n = [
            hash,
            moved(hash, 0, 1),
            moved(hash, 0, -1),
            moved(hash, 1, 0),
            moved(hash, -1, 0),
            moved(hash, 1, 1),
            moved(hash, -1, 1),
            moved(hash, 1, -1),
            moved(hash, -1, -1),
        ];
        (n, decode(hash).unwrap_or_default())
    };
    let (mut n, mut area) = cells_at(steps);
    let a = |c: Cell| decode(c).unwrap_or_default();
    let decrease = a(n[1]).lat.1 < max_lat
        || a(n[2]).lat.0 > min_lat
        || a(n[3]).lon.1 < max_lon
        || a(n[4]).lon.0 > min_lon;
    if steps > 1 && decrease {
        steps -= 1;
        (n, area) = cells_at(steps);
    }
    if steps >= 2 {
        let zero = Cell::default();
        if area.lat.0 < min_lat {
            (n[2], n[8], n[7]) = (zero, zero, zero);
        }
        if area.lat.1 > max_lat {
            (n[1], n[5], n[6]) = (zero, zero, zero);
        }
        if area.lon.0 < min_lon {
            (n[4], n[8], n[6]) = (zero, zero, zero);
        }
        if area.lon.1 > max_lon {
            (n[3], n[7], n[5]) = (zero, zero, zero);
        }
    }
    n
}

/// The distance in meters along the north-south line between two latitudes.
fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_M * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// The haversine distance in meters between two positions.
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let v = ((deg_rad(lon2) - deg_rad(lon1)) / 2.0).sin();
    // Same longitude: the cheaper formula Redis 7.0 takes.
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let (lat1r, lat2r) = (deg_rad(lat1), deg_rad(lat2));
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

/// The distance from `center` to `p` if `p` lies in the shape.
pub fn within(center: (f64, f64), shape: Shape, p: (f64, f64)) -> Option<f64> {
    match shape.kind {
        Kind::Radius(r) => {
            let d = distance(center.0, center.1, p.0, p.1);
            (d <= r * shape.conv).then_some(d)
        }
        Kind::Box { width, height } => {
            let (w, h) = (width * shape.conv, height * shape.conv);
            if lat_distance(p.1, center.1) > h / 2.0 {
                return None;
            }
            if distance(p.0, p.1, center.0, p.1) > w / 2.0 {
                return None;
            }
            Some(distance(center.0, center.1, p.0, p.1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_redis() {
        // GEOADD Sicily 13.361389 38.115556 "Palermo" stores 3479099956230698 in Redis.
        assert_eq!(score(13.361389, 38.115556), Some(3_479_099_956_230_698));
        assert_eq!(score(15.087269, 37.502669), Some(3_479_447_370_796_909));
        assert_eq!(score(181.0, 0.0), None);
        let t = text(3_479_099_956_230_698.0).expect("valid");
        assert_eq!(&t, b"sqc8b49rny0");
    }

    #[test]
    fn distances_match_redis() {
        let (a, b) = (
            decode_score(3_479_099_956_230_698.0).expect("valid"),
            decode_score(3_479_447_370_796_909.0).expect("valid"),
        );
        // GEODIST Sicily Palermo Catania: "166274.1516".
        assert_eq!(
            format!("{:.4}", distance(a.0, a.1, b.0, b.1)),
            "166274.1516"
        );
    }
}
