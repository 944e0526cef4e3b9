//! Which key each request uses, with memtier_benchmark's key patterns, so figures can be
//! compared with published memtier runs:
//!
//! - `R` uniform random over the range;
//! - `G` Gaussian around the middle of the range (standard deviation range/6, memtier's
//!   default), clamped to it;
//! - `S` sequential: each connection walks the whole range from its start, wrapping;
//! - `P` parallel: the range split into one slice per connection, each walked sequentially.
//!
//! `--key-pattern SET:GET` picks one pattern for SETs and one for GETs. Each connection has
//! its own random generator; as in memtier they all start from the same seed unless
//! `--distinct-client-seed`.

use crate::mix::{Op, Rng};

/// The seed every connection starts from (plus its index under `--distinct-client-seed`).
pub const SEED: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Random,
    Gaussian,
    Sequential,
    Parallel,
}

impl Pattern {
    fn parse(c: &str) -> Option<Pattern> {
        match c {
            "R" | "r" => Some(Pattern::Random),
            "G" | "g" => Some(Pattern::Gaussian),
            "S" | "s" => Some(Pattern::Sequential),
            "P" | "p" => Some(Pattern::Parallel),
            _ => None,
        }
    }

    fn letter(self) -> char {
        match self {
            Pattern::Random => 'R',
            Pattern::Gaussian => 'G',
            Pattern::Sequential => 'S',
            Pattern::Parallel => 'P',
        }
    }
}

/// The key range (`first..first + count`) and the pattern of SETs and GETs.
#[derive(Clone, Debug, PartialEq)]
pub struct Keys {
    pub first: u64,
    pub count: u64,
    pub set: Pattern,
    pub get: Pattern,
}

impl Keys {
    /// Parses `SET:GET` (e.g. `R:R`, `P:P`, `S:G`).
    pub fn new(first: u64, count: u64, pattern: &str) -> Result<Keys, String> {
        let bad = || format!("--key-pattern: '{pattern}' is not SET:GET with each of R, G, S, P");
        let (s, g) = pattern.split_once(':').ok_or_else(bad)?;
        Ok(Keys {
            first,
            count,
            set: Pattern::parse(s).ok_or_else(bad)?,
            get: Pattern::parse(g).ok_or_else(bad)?,
        })
    }

    /// The pattern in the form `new` reads.
    pub fn describe(&self) -> String {
        format!("{}:{}", self.set.letter(), self.get.letter())
    }
}

/// One connection's key state: its generator and its place in a sequential walk.
pub struct Cursor {
    pub rng: Rng,
    /// Connection `index` of `of` (the parallel pattern's slice).
    index: u64,
    of: u64,
    /// Requests of each sequential walk issued so far (SET, GET).
    walked: [u64; 2],
}

impl Cursor {
    /// Connection `index` of `of`; `distinct` gives it its own seed, else all share `seed`.
    pub fn new(seed: u64, index: u64, of: u64, distinct: bool) -> Cursor {
        let seed = if distinct {
            seed.wrapping_add(index)
        } else {
            seed
        };
        Cursor {
            rng: Rng::new(seed),
            index,
            of: of.max(1),
            walked: [0; 2],
        }
    }

    /// The key number for the next `op` (INCR and PING follow the GET pattern).
    pub fn next(&mut self, keys: &Keys, op: Op) -> u64 {
        let (pattern, walk) = match op {
            Op::Set => (keys.set, 0),
            _ => (keys.get, 1),
        };
        let n = keys.count;
        let offset = match pattern {
            Pattern::Random => self.rng.next() % n,
            Pattern::Gaussian => gaussian(&mut self.rng, n),
            Pattern::Sequential => {
                let i = self.walked[walk];
                self.walked[walk] += 1;
                i % n
            }
            Pattern::Parallel => {
                // Slices as even as integer division allows; a connection past the keys
                // (more connections than keys) shares the last one.
                let lo = n * self.index.min(self.of - 1) / self.of;
                let hi = (n * (self.index.min(self.of - 1) + 1) / self.of).max(lo + 1);
                let i = self.walked[walk];
                self.walked[walk] += 1;
                (lo + i % (hi - lo)).min(n - 1)
            }
        };
        keys.first + offset
    }
}

/// A key offset in 0..n, normally distributed around n/2 with deviation n/6 (Box-Muller),
/// clamped to the range.
fn gaussian(rng: &mut Rng, n: u64) -> u64 {
    let unit = |r: &mut Rng| ((r.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let (u1, u2) = (unit(rng), unit(rng));
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    let x = n as f64 / 2.0 + z * n as f64 / 6.0;
    (x.max(0.0) as u64).min(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_describe() {
        let k = Keys::new(0, 10, "p:G").expect("valid");
        assert_eq!((k.set, k.get), (Pattern::Parallel, Pattern::Gaussian));
        assert_eq!(k.describe(), "P:G");
        for bad in ["R", "R:X", "", "RR", ":"] {
            assert!(Keys::new(0, 10, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sequential_walks_the_range_and_parallel_splits_it() {
        let keys = Keys::new(100, 10, "S:P").expect("valid");
        let mut c = Cursor::new(1, 0, 2, false);
        let set: Vec<u64> = (0..12).map(|_| c.next(&keys, Op::Set)).collect();
        assert_eq!(
            set,
            [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 100, 101]
        );
        let mut second = Cursor::new(1, 1, 2, false);
        let get: Vec<u64> = (0..6).map(|_| second.next(&keys, Op::Get)).collect();
        assert_eq!(get, [105, 106, 107, 108, 109, 105]);
    }

    #[test]
    fn random_and_gaussian_stay_in_range_and_gaussian_centres() {
        let keys = Keys::new(1000, 600, "R:G").expect("valid");
        let mut c = Cursor::new(7, 0, 1, false);
        let mut near_middle = 0;
        for _ in 0..6000 {
            let r = c.next(&keys, Op::Set);
            assert!((1000..1600).contains(&r));
            let g = c.next(&keys, Op::Get);
            assert!((1000..1600).contains(&g));
            // Within one standard deviation (100 keys) of the middle: ~68%.
            near_middle += u64::from((1200..1400).contains(&g));
        }
        assert!((3700..4500).contains(&near_middle), "{near_middle}");
    }

    #[test]
    fn clients_share_a_seed_unless_distinct() {
        let keys = Keys::new(0, 1 << 40, "R:R").expect("valid");
        let draw = |i, distinct| {
            let mut c = Cursor::new(5, i, 4, distinct);
            (0..4).map(|_| c.next(&keys, Op::Get)).collect::<Vec<_>>()
        };
        assert_eq!(draw(0, false), draw(3, false));
        assert_ne!(draw(0, true), draw(3, true));
    }
}
