//! The seeded command generator: a small key space shared by every family (so commands
//! collide on types and take the WRONGTYPE paths), values that exercise parsing (integers,
//! floats, negatives, empty strings, binary bytes), and deliberate errors (wrong arity, bad
//! numbers, bad options, unknown commands).
//!
//! Each family lists its commands with a weight; a command muxis's table does not have is
//! left out, so families merged later are covered as soon as they land.

use super::{gen_basic, gen_data, gen_stream, gen_types, gen_zset};
use std::collections::HashSet;

pub type Cmd = Vec<Vec<u8>>;

/// What the runner does with one generated item.
pub enum Step {
    /// One command; its replies are compared.
    One(Cmd),
    /// A SCAN-family command iterated to completion on each server separately (the cursor
    /// is argument `cursor`); the deduplicated, sorted results are compared, since cursors
    /// and batch boundaries are implementation details. `pairs` for HSCAN/ZSCAN.
    ScanAll {
        cmd: Cmd,
        cursor: usize,
        pairs: bool,
    },
}

/// splitmix64: small, seedable, the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`%.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }
}

/// Command families; the data families each own two keys of the key space.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Family {
    Strings,
    Keys,
    Expire,
    Connection,
    Multi,
    Misc,
    Lists,
    Hashes,
    Sets,
    ZSets,
    Streams,
    Bits,
    Hll,
    Geo,
}

impl Family {
    /// The first of the two keys the family owns (the next family owns the two after);
    /// `None`: the family works on every type (keys, expiry, transactions).
    fn home(self) -> Option<usize> {
        match self {
            Family::Strings => Some(0),
            Family::Lists => Some(2),
            Family::Hashes => Some(4),
            Family::Sets => Some(6),
            Family::ZSets => Some(8),
            Family::Streams => Some(10),
            Family::Bits => Some(12),
            Family::Hll => Some(14),
            Family::Geo => Some(16),
            _ => None,
        }
    }
}

/// One generated command kind: `name` gates it on muxis's command table (empty: always on).
pub struct Entry {
    pub name: &'static str,
    pub weight: u32,
    pub family: Family,
    pub make: fn(&mut Gen) -> Vec<Step>,
}

/// Commands whose last argument is a timeout.
const BLOCKING: &[&str] = &[
    "blpop",
    "brpop",
    "blmove",
    "brpoplpush",
    "blmpop",
    "bzpopmin",
    "bzpopmax",
    "bzmpop",
];

/// The shared key space: mixed names, including empty, binary, non-ASCII and glob characters.
pub const KEYS: &[&[u8]] = &[
    b"k1",
    b"k2",
    b"foo",
    b"bar",
    b"{t}a",
    b"{t}b",
    b"key:1",
    "ключ".as_bytes(),
    b"a b",
    b"",
    b"\x00\xffbin",
    b"k*",
    b"bm1",
    b"bm:2",
    b"hll1",
    b"{h}ll2",
    b"geo1",
    b"geo:2",
];

pub struct Gen {
    pub rng: Rng,
    /// Unix seconds when the generator was made: absolute expiry times derive from it.
    now_s: u64,
    /// Expiry "slots" already used: every relative or absolute expiry is a distinct multiple
    /// of 1000 s, so no two deadlines are close enough for EXPIRE GT/LT to depend on the
    /// millisecond a server happened to run the command in.
    used_slots: HashSet<u64>,
    /// Whether the connection is inside MULTI (the generator tracks it exactly: only the
    /// transaction family opens or closes one, and it never mutates those commands).
    pub in_multi: bool,
    /// Whether the run speaks RESP3 (HELLO must keep the protocol the runner chose).
    pub resp3: bool,
    /// Highest stream millisecond used, so XADD IDs mostly grow.
    pub stream_ms: i64,
    entries: Vec<&'static Entry>,
    total: u32,
    pub skipped: Vec<&'static str>,
}

impl Gen {
    /// `all`: generate every family, whatever muxis has (for the harness self-check).
    pub fn new(seed: u64, resp3: bool, all: bool) -> Gen {
        let now_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs();
        let mut entries = Vec::new();
        let mut skipped = Vec::new();
        for family in [
            gen_basic::ENTRIES,
            gen_types::ENTRIES,
            gen_zset::ENTRIES,
            gen_stream::ENTRIES,
            gen_data::ENTRIES,
        ] {
            for e in family {
                if all || e.name.is_empty() || muxis::cmd::TABLE.lookup(e.name.as_bytes()).is_some()
                {
                    entries.push(e);
                } else if !skipped.contains(&e.name) {
                    skipped.push(e.name);
                }
            }
        }
        let total = entries.iter().map(|e| e.weight).sum();
        Gen {
            rng: Rng::new(seed),
            now_s,
            used_slots: HashSet::new(),
            in_multi: false,
            resp3,
            stream_ms: 1,
            entries,
            total,
            skipped,
        }
    }

    /// The next steps (usually one command).
    pub fn next(&mut self) -> Vec<Step> {
        // Inside a transaction, end it after a few commands.
        if self.in_multi && self.rng.chance(18) {
            return gen_basic::end_multi(self);
        }
        let mut r = self.rng.below(self.total as usize) as u32;
        let entry = self
            .entries
            .iter()
            .find(|e| {
                if r < e.weight {
                    return true;
                }
                r -= e.weight;
                false
            })
            .copied()
            .expect("weights add up");
        let mut steps = (entry.make)(self);
        // Only the first step: the others repair state (SPOP's DEL) and must run as made.
        if entry.family != Family::Multi
            && entry.family != Family::Connection
            && let Some(Step::One(cmd)) = steps.first_mut()
        {
            self.mutate(cmd);
        }
        if self.in_multi {
            for step in &mut steps {
                // Lex ranges need a score check first (see norm::lex_range), which
                // cannot happen inside MULTI.
                if let Step::One(cmd) = step
                    && super::norm::lex_range(cmd).is_some()
                {
                    *cmd = vec![b"PING".to_vec()];
                }
            }
        }
        steps
    }

    /// Deliberate damage: a dropped or an extra argument (arity and syntax errors), and
    /// a random-case command name (lookups are case-insensitive).
    fn mutate(&mut self, cmd: &mut Cmd) {
        match self.rng.below(100) {
            0 | 1 if cmd.len() > 1 => {
                cmd.pop();
            }
            // Not after a blocking command's timeout: a trailing 0 would block forever.
            // Nor after ZRANK/ZREVRANK: muxis takes Redis 7.2's WITHSCORE there (the issue
            // asks for it), so an extra argument is a syntax error, not 7.0's arity error.
            // KNOWN DIFFERENCE.
            2 | 3
                if !BLOCKING
                    .iter()
                    .chain(["zrank", "zrevrank"].iter())
                    .any(|b| cmd[0].eq_ignore_ascii_case(b.as_bytes())) =>
            {
                cmd.push(self.rng.pick(&[&b"x"[..], b"0", b"COUNT"]).to_vec())
            }
            _ => {}
        }
        if self.rng.chance(10) {
            for b in cmd[0].iter_mut() {
                if self.rng.chance(50) {
                    b.make_ascii_lowercase();
                }
            }
        }
    }

    // ----- keys and values -----

    /// A key: mostly one of the two `family` owns; sometimes the next family's, or any, so
    /// that commands also meet the wrong type.
    pub fn key(&mut self, family: Family) -> Vec<u8> {
        let Some(home) = family.home() else {
            return self.any_key();
        };
        match self.rng.below(100) {
            // Whichever family creates a key first keeps it until it is deleted, so the
            // foreign picks stay rare.
            0..=45 => KEYS[home].to_vec(),
            46..=91 => KEYS[home + 1].to_vec(),
            92..=94 => KEYS[(home + 2) % KEYS.len()].to_vec(),
            _ => self.any_key(),
        }
    }

    /// A key for commands that overwrite any type (SET, MSET...): almost always one the
    /// family owns, since an overwritten key of another type would stay the wrong type
    /// for its family until something deletes it.
    pub fn own_key(&mut self, family: Family) -> Vec<u8> {
        match family.home() {
            Some(home) if self.rng.chance(97) => KEYS[home + self.rng.below(2)].to_vec(),
            _ => self.any_key(),
        }
    }

    pub fn any_key(&mut self) -> Vec<u8> {
        self.rng.pick(KEYS).to_vec()
    }

    /// 1..=n keys of a family.
    pub fn keys(&mut self, family: Family, n: usize) -> Vec<Vec<u8>> {
        let n = 1 + self.rng.below(n);
        (0..n).map(|_| self.key(family)).collect()
    }

    /// A string value of any flavour.
    pub fn value(&mut self) -> Vec<u8> {
        match self.rng.below(14) {
            0..=3 => self.rng.range(-100, 100).to_string().into_bytes(),
            4 => self
                .rng
                .range(-1_000_000_000, 1_000_000_000)
                .to_string()
                .into_bytes(),
            5 => self
                .rng
                .pick(&[
                    "0",
                    "-0",
                    "+1",
                    "007",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "9223372036854775808",
                    "-9223372036854775809",
                    " 1",
                    "1 ",
                    "0x10",
                    "1e3",
                ])
                .into(),
            6 | 7 => self.float_text().into(),
            8 => Vec::new(),
            9 => (0..1 + self.rng.below(8))
                .map(|_| self.rng.next() as u8)
                .collect(),
            10 => {
                let n = if self.rng.chance(70) {
                    20 + self.rng.below(100)
                } else {
                    100 + self.rng.below(500)
                };
                let mut v = vec![b'x'; n];
                v.push(b'0' + self.rng.below(10) as u8);
                v
            }
            _ => self
                .rng
                .pick(&[
                    "a", "b", "c", "hello", "world", "foo bar", "ñandú", "\r\n", "*",
                ])
                .into(),
        }
    }

    /// Float text, valid and not: magnitudes stay far below 1e300 (see INCRBYFLOAT in
    /// norm.rs), and "inf"/"nan" spellings test the parsers.
    pub fn float_text(&mut self) -> String {
        match self.rng.below(4) {
            0 => format!("{}.{}", self.rng.range(-50, 50), self.rng.below(100)),
            1 => self.rng.range(-1000, 1000).to_string(),
            _ => self
                .rng
                .pick(&[
                    "0.1", "-0.1", "1.5", "-2.25", "3.0", "1e10", "-1e-5", "2.5e3", ".5", "5.",
                    "0.0", "-0.0", "inf", "-inf", "+inf", "nan", "abc", "", "1e", "1.5x", "1e20",
                    "0x1p3", "1_000",
                ])
                .into(),
        }
    }

    /// An integer argument: usually valid in `lo..=hi`, sometimes not an integer at all.
    pub fn int(&mut self, lo: i64, hi: i64) -> Vec<u8> {
        if self.rng.chance(6) {
            return self.bad_int();
        }
        self.rng.range(lo, hi).to_string().into_bytes()
    }

    pub fn bad_int(&mut self) -> Vec<u8> {
        self.rng
            .pick(&[
                "abc",
                "1.5",
                "",
                " 1",
                "9223372036854775808",
                "-9223372036854775809",
                "9223372036854775807",
                "-9223372036854775808",
                "0x10",
                "-",
            ])
            .into()
    }

    // ----- expiry times (see `used_slots`) -----

    fn slot(&mut self) -> u64 {
        loop {
            let n = 1 + self.rng.below(100_000) as u64;
            if self.used_slots.insert(n) {
                return n;
            }
        }
    }

    /// A relative TTL in seconds, at least 1000 s.
    pub fn ttl_s(&mut self) -> Vec<u8> {
        (self.slot() * 1000).to_string().into_bytes()
    }

    pub fn ttl_ms(&mut self) -> Vec<u8> {
        (self.slot() * 1_000_000).to_string().into_bytes()
    }

    /// An absolute future Unix time in seconds, offset by 500 s from the relative grid.
    pub fn at_s(&mut self) -> Vec<u8> {
        (self.now_s + self.slot() * 1000 + 500)
            .to_string()
            .into_bytes()
    }

    pub fn at_ms(&mut self) -> Vec<u8> {
        ((self.now_s + self.slot() * 1000 + 500) * 1000)
            .to_string()
            .into_bytes()
    }

    /// A time that is already over (or invalid): deletes the key, or errors, at once.
    /// Relative times are never small positive numbers, which would expire mid-run.
    pub fn past(&mut self, ms: bool, absolute: bool) -> Vec<u8> {
        let m = if ms { 1000 } else { 1 };
        match self.rng.below(6) {
            0 => b"0".to_vec(),
            1 => b"-1".to_vec(),
            2 if absolute => ((self.now_s - 1000) * m).to_string().into_bytes(),
            2 => b"-100".to_vec(),
            3 if absolute => b"1".to_vec(),
            3 | 4 => self.bad_int(),
            _ => self
                .rng
                .pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "9223372036854775",
                ])
                .into(),
        }
    }
}

/// Builds a command from byte-ish parts.
#[macro_export]
macro_rules! cmd {
    ($($x:expr),* $(,)?) => {
        vec![$(AsRef::<[u8]>::as_ref(&$x).to_vec()),*]
    };
}

/// One command as the only step.
pub fn one(cmd: Cmd) -> Vec<Step> {
    vec![Step::One(cmd)]
}
