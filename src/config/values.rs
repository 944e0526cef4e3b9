//! Parameter values: how each type of parameter is parsed (from a config file line, a
//! command-line flag or CONFIG SET alike), shown by CONFIG GET and written by CONFIG
//! REWRITE, with Redis 7.0's rules and error strings (`config.c`).

use crate::util::number::parse_i64;

/// A parsed value. Special parameters keep a canonical text form (`save`, `bind`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Bool(bool),
    Int(i128),
    Text(String),
    Limits([OutputLimit; 3]),
}

/// One class of `client-output-buffer-limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

/// The classes of `client-output-buffer-limit`, in Redis's order and names.
pub const OUTPUT_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// How a number is written and read (Redis's `INTEGER_CONFIG`, `MEMORY_CONFIG`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Int,
    Memory,
    Octal,
    /// A memory value or `N%` (stored negative, as Redis does).
    MemoryPercent,
}

/// The type of a parameter, with Redis's bounds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Bool,
    Num { min: i128, max: i128, fmt: Fmt },
    Enum(&'static [&'static str]),
    Str(StrCheck),
    Special(Special),
}

/// Extra validation of a string parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrCheck {
    Any,
    BaseName,
    NonEmptyBaseName,
    Hostname,
    ProcTitle,
}

/// Parameters with their own syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Save,
    OutputLimits,
    OomValues,
    Notify,
    /// A list of words kept as given (`bind`).
    Words,
    ReplicaOf,
    Percentiles,
    Dir,
    /// muxis's `io-cpus`: a CPU list like `0-3,8`, or "" for none.
    CpuList,
    /// muxis's `main-cpu`: a CPU number, or "" for none.
    OptCpu,
    /// `shutdown-on-sigint`/`-sigterm`: a set of flags.
    Shutdown,
}

pub const INT_MAX: i128 = i32::MAX as i128;
pub const INT_MIN: i128 = i32::MIN as i128;
pub const UINT_MAX: i128 = u32::MAX as i128;
pub const LONG_MAX: i128 = i64::MAX as i128;
pub const ULLONG_MAX: i128 = u64::MAX as i128;

/// Parses a memory size as Redis's `memtoull`: digits then `b`, `k` (1000), `kb` (1024),
/// `m`, `mb`, `g`, `gb`, any case. Like Redis, no digits reads as 0 and a number past
/// 2^64-1 saturates.
pub fn memtoull(s: &str) -> Option<u64> {
    if s.starts_with('-') {
        return None;
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits.len() >= 128 {
        return None;
    }
    let val = digits.bytes().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    val.checked_mul(mul)
}

/// Parses a memory size for code outside the parameter table (`1k` = 1000, `1kb` = 1024).
pub fn parse_memory(value: &str, min: u64) -> Result<u64, String> {
    let n = memtoull(value.trim()).ok_or_else(|| format!("'{value}' is not a memory size"))?;
    if n < min {
        return Err(format!("'{value}' is below the minimum of {min} bytes"));
    }
    Ok(n)
}

/// Parses a CPU list such as `0-3,8`.
pub fn parse_cpu_list(value: &str) -> Result<Vec<usize>, String> {
    let mut cpus = Vec::new();
    for part in value.split(',').map(str::trim) {
        let bad = || format!("'{value}' is not a CPU list like 0-3,8");
        if let Some((a, b)) = part.split_once('-') {
            let a: usize = a.trim().parse().map_err(|_| bad())?;
            let b: usize = b.trim().parse().map_err(|_| bad())?;
            if a > b || b - a > 4096 {
                return Err(bad());
            }
            cpus.extend(a..=b);
        } else {
            cpus.push(part.parse().map_err(|_| bad())?);
        }
    }
    Ok(cpus)
}

/// Parses the arguments of one parameter. `words` are the arguments (one for a plain
/// parameter; CONFIG SET splits a multi-argument value at each space, as Redis does);
/// `cur` is the current value (`client-output-buffer-limit` changes only the classes
/// named). The error is Redis's text.
pub fn parse(kind: Kind, words: &[String], cur: &Val) -> Result<Val, String> {
    let one = words.first().map(String::as_str).unwrap_or("");
    match kind {
        Kind::Bool => match one.to_ascii_lowercase().as_str() {
            "yes" => Ok(Val::Bool(true)),
            "no" => Ok(Val::Bool(false)),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        Kind::Num { min, max, fmt } => parse_num(one, min, max, fmt).map(Val::Int),
        Kind::Enum(names) => {
            let v = one.to_ascii_lowercase();
            match names.iter().find(|n| **n == v) {
                Some(n) => Ok(Val::Text(n.to_string())),
                None => Err(format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                )),
            }
        }
        Kind::Str(check) => {
            check_str(check, one)?;
            Ok(Val::Text(one.to_string()))
        }
        Kind::Special(s) => parse_special(s, words, cur),
    }
}

fn parse_num(s: &str, min: i128, max: i128, fmt: Fmt) -> Result<i128, String> {
    let n: i128 = match fmt {
        Fmt::Memory => memtoull(s)
            .map(i128::from)
            .ok_or("argument must be a memory value")?,
        Fmt::MemoryPercent => match memtoull(s) {
            Some(n) => i128::from(n),
            None => match s.strip_suffix('%').and_then(|p| parse_i64(p.as_bytes())) {
                Some(p) if p >= 0 && s.len() > 1 => -i128::from(p),
                _ => return Err("argument must be a memory or percent value".into()),
            },
        },
        Fmt::Octal => i128::from(
            i64::from_str_radix(s, 8)
                .ok()
                .filter(|_| !s.is_empty() && !s.starts_with('+'))
                .ok_or("argument couldn't be parsed as an octal number")?,
        ),
        Fmt::Int => i128::from(
            parse_i64(s.as_bytes()).ok_or("argument couldn't be parsed into an integer")?,
        ),
    };
    if fmt == Fmt::MemoryPercent && n < 0 {
        if n < min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                -min
            ));
        }
        return Ok(n);
    }
    if n < min || n > max {
        return Err(if fmt == Fmt::Octal {
            format!("argument must be between {min:o} and {max:o} inclusive")
        } else {
            format!("argument must be between {min} and {max} inclusive")
        });
    }
    Ok(n)
}

fn check_str(check: StrCheck, s: &str) -> Result<(), String> {
    let base = !s.contains('/');
    match check {
        StrCheck::Any => Ok(()),
        StrCheck::BaseName if !base => Err("dbfilename can't be a path, just a filename".into()),
        StrCheck::NonEmptyBaseName if s.is_empty() => Err("can't be empty".into()),
        StrCheck::NonEmptyBaseName if !base => Err("can't be a path, just a filename".into()),
        StrCheck::Hostname if s.len() >= 256 => {
            Err("Hostnames must be less than 256 characters".into())
        }
        StrCheck::Hostname
            if !s
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.') =>
        {
            Err("Hostnames may only contain alphanumeric characters, hyphens or dots".into())
        }
        StrCheck::ProcTitle if !valid_proc_title(s) => {
            Err("template format is invalid or contains unknown variables".into())
        }
        _ => Ok(()),
    }
}

/// Redis's `validateProcTitleTemplate`: `{name}` variables from a fixed set, balanced.
fn valid_proc_title(s: &str) -> bool {
    const VARS: &[&str] = &[
        "title",
        "listen-addr",
        "server-mode",
        "port",
        "tls-port",
        "unixsocket",
        "config-file",
    ];
    let mut rest = s;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return false;
        }
        let Some(close) = rest[open..].find('}') else {
            return false;
        };
        if !VARS.contains(&&rest[open + 1..open + close]) {
            return false;
        }
        rest = &rest[open + close + 1..];
    }
    !s.trim().is_empty()
}

fn parse_special(s: Special, words: &[String], cur: &Val) -> Result<Val, String> {
    // Redis reads a single empty argument as no arguments for the list-valued ones.
    let empty = words.len() == 1 && words[0].is_empty();
    let args: &[String] = if empty { &[] } else { words };
    match s {
        Special::Save => {
            let bad = || "Invalid save parameters".to_string();
            if args.len() % 2 == 1 {
                return Err(bad());
            }
            let mut out = Vec::new();
            for (i, w) in args.iter().enumerate() {
                let n = strtoll(w).ok_or_else(bad)?;
                if (i % 2 == 0 && n < 1) || (i % 2 == 1 && n < 0) {
                    return Err(bad());
                }
                out.push(n.to_string());
            }
            Ok(Val::Text(out.join(" ")))
        }
        Special::OutputLimits => {
            let Val::Limits(mut next) = cur.clone() else {
                return Err("wrong value".into());
            };
            if !args.len().is_multiple_of(4) {
                return Err("Wrong number of arguments in buffer limit configuration.".into());
            }
            for w in args.chunks_exact(4) {
                let class = match w[0].to_ascii_lowercase().as_str() {
                    "normal" => 0,
                    "slave" | "replica" => 1,
                    "pubsub" => 2,
                    _ => {
                        return Err(
                            "Invalid client class specified in buffer limit configuration.".into(),
                        );
                    }
                };
                let (hard, soft, secs) = (memtoull(&w[1]), memtoull(&w[2]), strtoll(&w[3]));
                let (Some(hard), Some(soft), Some(secs)) = (hard, soft, secs) else {
                    return Err(BAD_LIMIT.into());
                };
                let soft_secs = u64::try_from(secs).map_err(|_| BAD_LIMIT.to_string())?;
                next[class] = OutputLimit {
                    hard,
                    soft,
                    soft_secs,
                };
            }
            Ok(Val::Limits(next))
        }
        Special::OomValues => {
            if words.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            let mut out = Vec::new();
            for w in words {
                match strtoll(w) {
                    Some(n) if (-2000..=2000).contains(&n) => out.push(n.to_string()),
                    _ => {
                        return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into());
                    }
                }
            }
            Ok(Val::Text(out.join(" ")))
        }
        Special::Notify => {
            if words.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            notify_flags(&words[0])
                .map(|f| {
                    // Redis keeps the flags and prints them without `n` after `A` (its
                    // keyspaceEventsFlagsToString): the value keeps it, CONFIG GET drops it.
                    let mut text = notify_text(f);
                    if f & ALL == ALL && f & NEW != 0 {
                        text.push('n');
                    }
                    Val::Text(text)
                })
                .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
        }
        Special::Words => {
            if args.len() > 16 {
                return Err("Too many bind addresses specified.".into());
            }
            Ok(Val::Text(args.join(" ")))
        }
        Special::ReplicaOf => {
            if words.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            if words[0].eq_ignore_ascii_case("no") && words[1].eq_ignore_ascii_case("one") {
                return Ok(Val::Text(String::new()));
            }
            match strtoll(&words[1]) {
                Some(p) if (0..=65535).contains(&p) => Ok(Val::Text(format!("{} {p}", words[0]))),
                _ => Err("Invalid master port".into()),
            }
        }
        Special::Percentiles => {
            let mut out = Vec::new();
            for w in args {
                let p = crate::util::number::parse_f64(w.as_bytes())
                    .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
                if !(0.0..=100.0).contains(&p) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
                // Redis prints "%f" and trims the zeros: the shortest form, as Rust's.
                out.push(format!("{p}"));
            }
            Ok(Val::Text(out.join(" ")))
        }
        Special::Dir => {
            if words.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            if !std::path::Path::new(&words[0]).is_dir() {
                return Err("No such file or directory".into());
            }
            Ok(Val::Text(words[0].clone()))
        }
        Special::Shutdown => {
            const NAMES: [&str; 5] = ["default", "save", "nosave", "now", "force"];
            let mut bits = 0u32;
            for w in words {
                let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(w)) else {
                    return Err(format!(
                        "argument(s) must be one of the following: {}",
                        NAMES.join(", ")
                    ));
                };
                // "default" is no flag at all.
                bits |= (1 << i) >> 1;
            }
            if words.is_empty() {
                return Err(format!(
                    "argument(s) must be one of the following: {}",
                    NAMES.join(", ")
                ));
            }
            if bits & 3 == 3 {
                return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
            }
            let on: Vec<&str> = (1..5)
                .filter(|i| bits & (1 << (i - 1)) != 0)
                .map(|i| NAMES[i])
                .collect();
            Ok(Val::Text(if on.is_empty() {
                "default".into()
            } else {
                on.join(" ")
            }))
        }
        Special::CpuList => {
            let w = words.join(" ");
            if w.trim().is_empty() {
                return Ok(Val::Text(String::new()));
            }
            let list = parse_cpu_list(&w)?;
            Ok(Val::Text(cpu_text(&list)))
        }
        Special::OptCpu => {
            let w = words.join(" ");
            if w.trim().is_empty() {
                return Ok(Val::Text(String::new()));
            }
            match parse_i64(w.trim().as_bytes()) {
                Some(n) if (0..=4095).contains(&n) => Ok(Val::Text(n.to_string())),
                _ => Err(format!("'{w}' is not a CPU number")),
            }
        }
    }
}

const BAD_LIMIT: &str =
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

/// `strtoll` as Redis uses it for `save` and `oom-score-adj-values`: optional sign and
/// leading spaces, digits to the end.
fn strtoll(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// A CPU list as text, one number per CPU.
pub fn cpu_text(cpus: &[usize]) -> String {
    cpus.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

// Keyspace event classes, as Redis's notify.c numbers them.
pub const K: u32 = 1 << 0;
pub const E: u32 = 1 << 1;
pub const G: u32 = 1 << 2;
pub const STR: u32 = 1 << 3;
pub const L: u32 = 1 << 4;
pub const SET: u32 = 1 << 5;
pub const HASH: u32 = 1 << 6;
pub const Z: u32 = 1 << 7;
pub const X: u32 = 1 << 8;
pub const EV: u32 = 1 << 9;
pub const T: u32 = 1 << 10;
pub const KM: u32 = 1 << 11;
pub const MODULE: u32 = 1 << 13;
pub const NEW: u32 = 1 << 14;
pub const ALL: u32 = G | STR | L | SET | HASH | Z | X | EV | T | MODULE;

/// `keyspaceEventsStringToFlags`.
pub fn notify_flags(s: &str) -> Option<u32> {
    let mut f = 0;
    for c in s.chars() {
        f |= match c {
            'A' => ALL,
            'g' => G,
            '$' => STR,
            'l' => L,
            's' => SET,
            'h' => HASH,
            'z' => Z,
            'x' => X,
            'e' => EV,
            'K' => K,
            'E' => E,
            't' => T,
            'm' => KM,
            'd' => MODULE,
            'n' => NEW,
            _ => return None,
        };
    }
    Some(f)
}

/// `keyspaceEventsFlagsToString`.
fn notify_text(f: u32) -> String {
    let mut out = String::new();
    if f & ALL == ALL {
        out.push('A');
    } else {
        for (bit, c) in [
            (G, 'g'),
            (STR, '$'),
            (L, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (Z, 'z'),
            (X, 'x'),
            (EV, 'e'),
            (T, 't'),
            (MODULE, 'd'),
            (NEW, 'n'),
        ] {
            if f & bit != 0 {
                out.push(c);
            }
        }
    }
    for (bit, c) in [(K, 'K'), (E, 'E'), (KM, 'm')] {
        if f & bit != 0 {
            out.push(c);
        }
    }
    out
}

/// A value as CONFIG GET shows it.
pub fn show(kind: Kind, v: &Val) -> String {
    match (kind, v) {
        (_, Val::Bool(b)) => yes_no(*b).into(),
        (Kind::Num { fmt, .. }, Val::Int(n)) => match fmt {
            Fmt::MemoryPercent if *n < 0 => format!("{}%", -n),
            Fmt::Octal => format!("{n:o}"),
            _ => n.to_string(),
        },
        (_, Val::Int(n)) => n.to_string(),
        (Kind::Special(Special::Notify), Val::Text(s)) if s.starts_with('A') => s.replace('n', ""),
        (_, Val::Text(s)) => s.clone(),
        (_, Val::Limits(l)) => OUTPUT_CLASSES
            .iter()
            .zip(l)
            .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_secs))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Redis's `rewriteConfigFormatMemory`: the largest of gb, mb, kb that divides the value.
pub fn format_memory(bytes: u64) -> String {
    const GB: u64 = 1 << 30;
    const MB: u64 = 1 << 20;
    const KB: u64 = 1 << 10;
    match bytes {
        0 => "0".into(),
        b if b % GB == 0 => format!("{}gb", b / GB),
        b if b % MB == 0 => format!("{}mb", b / MB),
        b if b % KB == 0 => format!("{}kb", b / KB),
        b => b.to_string(),
    }
}

/// `sdscatrepr`: a double-quoted string with C escapes, as CONFIG REWRITE writes strings.
pub fn repr(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    repr_into(&mut out, s.as_bytes());
    // Only ASCII is written.
    String::from_utf8_lossy(&out).into_owned()
}

/// [`repr`] of any bytes, appended to `out` (MONITOR quotes arguments this way).
pub fn repr_into(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            32..=126 => out.push(b),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'x',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 15) as usize],
                ]);
            }
        }
    }
    out.push(b'"');
}

/// The lines CONFIG REWRITE writes for a value (without deciding whether it must).
pub fn rewrite_lines(name: &str, kind: Kind, v: &Val) -> Vec<String> {
    match (kind, v) {
        (Kind::Special(Special::Save), Val::Text(t)) => {
            let w: Vec<&str> = t.split(' ').filter(|w| !w.is_empty()).collect();
            if w.is_empty() {
                return vec![format!("{name} \"\"")];
            }
            w.chunks(2)
                .map(|p| format!("{name} {}", p.join(" ")))
                .collect()
        }
        (_, Val::Limits(l)) => ["normal", "replica", "pubsub"]
            .iter()
            .zip(l)
            .map(|(c, l)| {
                format!(
                    "{name} {c} {} {} {}",
                    format_memory(l.hard),
                    format_memory(l.soft),
                    l.soft_secs
                )
            })
            .collect(),
        (Kind::Special(Special::Words), Val::Text(t)) if t.is_empty() => {
            vec![format!("{name} \"\"")]
        }
        (
            Kind::Special(
                Special::Words | Special::OomValues | Special::ReplicaOf | Special::Shutdown,
            ),
            Val::Text(t),
        ) => vec![format!("{name} {t}")],
        (Kind::Special(Special::Percentiles), Val::Text(t)) if t.is_empty() => {
            vec![format!("{name} \"\"")]
        }
        (Kind::Special(Special::Percentiles), Val::Text(t)) => vec![format!("{name} {t}")],
        (Kind::Enum(_), Val::Text(t)) => vec![format!("{name} {t}")],
        (_, Val::Text(t)) => vec![format!("{name} {}", repr(t))],
        (_, Val::Bool(b)) => vec![format!("{name} {}", yes_no(*b))],
        (Kind::Num { fmt, .. }, Val::Int(n)) => {
            let text = match fmt {
                Fmt::MemoryPercent if *n < 0 => format!("{}%", -n),
                Fmt::Memory | Fmt::MemoryPercent => format_memory(*n as u64),
                Fmt::Octal => format!("{n:o}"),
                Fmt::Int => n.to_string(),
            };
            vec![format!("{name} {text}")]
        }
        (_, Val::Int(n)) => vec![format!("{name} {n}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn memory_sizes_follow_redis_units() {
        assert_eq!(memtoull("1k"), Some(1000));
        assert_eq!(memtoull("1kb"), Some(1024));
        assert_eq!(memtoull("512mb"), Some(512 << 20));
        assert_eq!(memtoull("1GB"), Some(1 << 30));
        assert_eq!(memtoull(""), Some(0));
        assert_eq!(memtoull("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(memtoull("12x"), None);
        assert_eq!(memtoull("-1"), None);
        assert_eq!(memtoull(" 1"), None);
    }

    #[test]
    fn numbers_check_bounds_in_redis_words() {
        let k = Kind::Num {
            min: 1,
            max: UINT_MAX,
            fmt: Fmt::Int,
        };
        let cur = Val::Int(0);
        assert_eq!(
            parse(k, &w(&["abc"]), &cur),
            Err("argument couldn't be parsed into an integer".into())
        );
        assert_eq!(
            parse(k, &w(&["0"]), &cur),
            Err("argument must be between 1 and 4294967295 inclusive".into())
        );
        assert_eq!(parse(k, &w(&["7"]), &cur), Ok(Val::Int(7)));
        let pct = Kind::Num {
            min: -100,
            max: LONG_MAX,
            fmt: Fmt::MemoryPercent,
        };
        assert_eq!(parse(pct, &w(&["5%"]), &cur), Ok(Val::Int(-5)));
        assert_eq!(show(pct, &Val::Int(-5)), "5%");
        assert_eq!(
            parse(pct, &w(&["200%"]), &cur),
            Err("percentage argument must be less or equal to 100".into())
        );
    }

    #[test]
    fn special_values() {
        let save = Kind::Special(Special::Save);
        let cur = Val::Text(String::new());
        assert_eq!(
            parse(save, &w(&["100", "10", "200", "20"]), &cur),
            Ok(Val::Text("100 10 200 20".into()))
        );
        assert!(parse(save, &w(&["0", "1"]), &cur).is_err());
        assert_eq!(parse(save, &w(&[""]), &cur), Ok(Val::Text(String::new())));
        let n = Kind::Special(Special::Notify);
        assert_eq!(parse(n, &w(&["KEA"]), &cur), Ok(Val::Text("AKE".into())));
        assert_eq!(parse(n, &w(&["Kgx"]), &cur), Ok(Val::Text("gxK".into())));
        assert!(parse(n, &w(&["Q"]), &cur).is_err());
        assert_eq!(parse(n, &w(&["KEAn"]), &cur), Ok(Val::Text("AKEn".into())));
        assert_eq!(show(n, &Val::Text("AKEn".into())), "AKE");
        assert_eq!(format_memory(64 << 20), "64mb");
        assert_eq!(format_memory(2000), "2000");
        assert_eq!(repr("a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-3,8"), Ok(vec![0, 1, 2, 3, 8]));
        assert!(parse_cpu_list("3-1").is_err());
        assert!(parse_cpu_list("a").is_err());
    }
}
