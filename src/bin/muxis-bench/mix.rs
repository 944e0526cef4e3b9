//! The command mix: which commands a run sends and in what proportions, the key and value
//! each request uses, and how a request is written as RESP.
//!
//! Keys are `key:0..K-1` for GET and SET and `ctr:0..K-1` for INCR, so a mix of SET and INCR
//! never makes INCR meet a non-integer value (which would count as an error).

/// One command kind the generator can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Get,
    Set,
    Incr,
    Ping,
}

impl Op {
    const ALL: [Op; 4] = [Op::Get, Op::Set, Op::Incr, Op::Ping];

    pub fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Set => "set",
            Op::Incr => "incr",
            Op::Ping => "ping",
        }
    }
}

/// Relative weights of each [`Op`].
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    weights: [u64; 4],
    total: u64,
}

/// The largest weight accepted: far more resolution than any mix needs, and no overflow.
const MAX_WEIGHT: u64 = 1_000_000;

impl Mix {
    /// Parses `name=weight,...` (a bare name weighs 1), e.g. `set=1,get=4`.
    pub fn parse(text: &str) -> Result<Mix, String> {
        let mut weights = [0u64; 4];
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part.split_once('=').unwrap_or((part, "1"));
            let name = name.trim().to_ascii_lowercase();
            let Some(i) = Op::ALL.iter().position(|op| op.name() == name) else {
                return Err(format!(
                    "--mix: unknown command '{name}' (use get, set, incr, ping)"
                ));
            };
            let weight: u64 = weight
                .trim()
                .parse()
                .ok()
                .filter(|w| *w <= MAX_WEIGHT)
                .ok_or_else(|| format!("--mix: bad weight in '{part}' (0..={MAX_WEIGHT})"))?;
            weights[i] += weight;
        }
        let total = weights.iter().sum();
        if total == 0 {
            return Err("--mix: every weight is zero".into());
        }
        Ok(Mix { weights, total })
    }

    /// The op for a uniformly random `r`.
    pub fn pick(&self, r: u64) -> Op {
        let mut x = r % self.total;
        for (op, w) in Op::ALL.iter().zip(self.weights) {
            if x < w {
                return *op;
            }
            x -= w;
        }
        Op::Ping
    }

    /// The mix in the form `parse` reads, zero weights left out.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = Op::ALL
            .iter()
            .zip(self.weights)
            .filter(|(_, w)| *w > 0)
            .map(|(op, w)| format!("{}={w}", op.name()))
            .collect();
        parts.join(",")
    }
}

/// A small fast PRNG (xorshift64*): key and command choice only, never anything secret.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // A zero state would stay zero forever.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const CRLF: &[u8] = b"\r\n";

/// Appends the RESP request for `op` on key number `key` to `out`: GET and SET keys are
/// `prefix` and the number; `value` is SET's value.
pub fn encode(out: &mut Vec<u8>, op: Op, prefix: &[u8], key: u64, value: &[u8]) {
    match op {
        Op::Ping => out.extend_from_slice(b"*1\r\n$4\r\nPING\r\n"),
        Op::Get => {
            out.extend_from_slice(b"*2\r\n$3\r\nGET\r\n");
            key_arg(out, prefix, key);
        }
        Op::Set => {
            out.extend_from_slice(b"*3\r\n$3\r\nSET\r\n");
            key_arg(out, prefix, key);
            bulk_header(out, value.len());
            out.extend_from_slice(value);
            out.extend_from_slice(CRLF);
        }
        Op::Incr => {
            out.extend_from_slice(b"*2\r\n$4\r\nINCR\r\n");
            key_arg(out, b"ctr:", key);
        }
    }
}

/// `$<len>\r\n<prefix><n>\r\n`, formatted without allocating.
fn key_arg(out: &mut Vec<u8>, prefix: &[u8], n: u64) {
    let mut digits = [0u8; 20];
    let d = decimal(n, &mut digits);
    bulk_header(out, prefix.len() + d.len());
    out.extend_from_slice(prefix);
    out.extend_from_slice(d);
    out.extend_from_slice(CRLF);
}

fn bulk_header(out: &mut Vec<u8>, len: usize) {
    let mut digits = [0u8; 20];
    out.push(b'$');
    out.extend_from_slice(decimal(len as u64, &mut digits));
    out.extend_from_slice(CRLF);
}

/// Writes `n` in decimal at the end of `buf` and returns those digits.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_parses_weights_and_names() {
        let m = Mix::parse("set=1, GET=3,ping").expect("valid mix");
        assert_eq!(m.describe(), "get=3,set=1,ping=1");
        assert!(Mix::parse("get=0").is_err());
        assert!(Mix::parse("mset=1").is_err());
        assert!(Mix::parse("get=x").is_err());
        assert!(Mix::parse("get=99999999999999999999").is_err());
        assert!(Mix::parse("").is_err());
    }

    #[test]
    fn pick_follows_the_weights() {
        let m = Mix::parse("get=3,set=1").expect("valid mix");
        let picks: Vec<Op> = (0..4).map(|r| m.pick(r)).collect();
        assert_eq!(picks, [Op::Get, Op::Get, Op::Get, Op::Set]);
    }

    #[test]
    fn requests_are_valid_resp() {
        let mut out = Vec::new();
        encode(&mut out, Op::Set, b"key:", 42, b"abc");
        encode(&mut out, Op::Get, b"key:", 0, b"");
        encode(&mut out, Op::Incr, b"key:", 7, b"");
        encode(&mut out, Op::Ping, b"key:", 0, b"");
        assert_eq!(
            out,
            b"*3\r\n$3\r\nSET\r\n$6\r\nkey:42\r\n$3\r\nabc\r\n\
              *2\r\n$3\r\nGET\r\n$5\r\nkey:0\r\n\
              *2\r\n$4\r\nINCR\r\n$5\r\nctr:7\r\n\
              *1\r\n$4\r\nPING\r\n"
        );
        let mut d = [0u8; 20];
        assert_eq!(decimal(u64::MAX, &mut d), b"18446744073709551615");
    }
}
