//! The long fuzz runs (issue 12 asks for 10 M executions per target), where proptest's
//! per-case overhead is too high: a hand-rolled mutation loop on the crate's xorshift
//! generator over each target's seeds, a pool of mutants the target accepted (so the
//! mutations wander into deeper valid structure), and the same checks as the CI targets.
//!
//! ```text
//! FUZZ_TARGET=rdb FUZZ_EXECS=10000000 nice -n 10 \
//!   cargo test --release --test it fuzz_long -- --ignored --nocapture
//! ```
//!
//! `FUZZ_TARGET` is one of resp, inline, config, acl, rdb; `FUZZ_SEED` makes a run
//! repeatable. An input that panics is written to `tests/it/fuzz/<target>/crash-<hash>`
//! (the CI replay then covers it); one running over 20 s is written as `hang-<hash>` and
//! the run aborts; one taking over 100 ms twice in a row is written as `slow-<hash>`. The
//! address space is capped at 2 GiB over the start, so an absurd allocation aborts the run
//! instead of passing unnoticed on an overcommitting kernel.

use muxis::util::rand::Rng;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A target: its seeds, tokens worth splicing in, the longest input, and the check
/// (true when the input was accepted, i.e. worth mutating further).
struct Target {
    seeds: Vec<Vec<u8>>,
    dict: Vec<Vec<u8>>,
    max_len: usize,
    check: fn(&[u8]) -> bool,
}

fn corpus_inputs(name: &str) -> Vec<Vec<u8>> {
    super::corpus(name).into_iter().map(|(_, b)| b).collect()
}

fn tokens(list: &[&str]) -> Vec<Vec<u8>> {
    list.iter().map(|t| t.as_bytes().to_vec()).collect()
}

fn resp_check(input: &[u8]) -> bool {
    let n = input.len().max(1);
    super::check_request(input, &[n / 3, n / 2 + 1])
}

/// Config text without the directives that act on the process or the file system (a
/// mutated `dir` would change this process's working directory). CONFIG REWRITE's round
/// trip is checked on one input in 8: it costs five times the parse, which is the target.
fn config_check(input: &[u8]) -> bool {
    static N: AtomicU64 = AtomicU64::new(0);
    let text = String::from_utf8_lossy(input);
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| {
            let first = muxis::resp::parser::split_args(line.trim().as_bytes())
                .ok()
                .and_then(|a| a.first().map(|w| w.to_ascii_lowercase()));
            !first.is_some_and(|w| {
                super::CONFIG_SKIPPED
                    .iter()
                    .any(|s| s.as_bytes() == w.as_slice())
            })
        })
        .collect();
    let round_trip = N.fetch_add(1, Ordering::Relaxed).is_multiple_of(8);
    super::check_config_with(&kept.join("\n"), round_trip)
}

fn acl_check(input: &[u8]) -> bool {
    let text = String::from_utf8_lossy(input);
    let words: Vec<String> = text
        .split([' ', '\n'])
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    super::check_acl(&words)
}

fn target(name: &str) -> Target {
    match name {
        "resp" => {
            let mut seeds = corpus_inputs("resp");
            seeds.push(super::multibulk(&[
                b"SET".to_vec(),
                b"k".to_vec(),
                vec![0, 255],
            ]));
            seeds.push(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*1\r\n$4\r\nPING\r\n".to_vec());
            Target {
                seeds,
                dict: tokens(&[
                    "*",
                    "$",
                    "\r\n",
                    "\n",
                    "\r",
                    "-1",
                    "0",
                    "64",
                    "65",
                    "99999999999999999999",
                    "\"",
                    "'",
                    "\\x",
                    " ",
                    "*1\r\n",
                    "$0\r\n\r\n",
                    "*-1\r\n",
                ]),
                max_len: 600,
                check: resp_check,
            }
        }
        "inline" => {
            let mut seeds = corpus_inputs("inline");
            seeds.push(b"SET \"a b\" 'c\\'d' \"\\x41\\n\\t\"".to_vec());
            Target {
                seeds,
                dict: tokens(&[
                    "\"", "'", "\\", "\\x", "\\xzz", "\\x4", " ", "\t", "\r", "\\\"",
                ]),
                max_len: 250,
                check: super::check_inline,
            }
        }
        "config" => {
            let mut seeds = corpus_inputs("config");
            seeds.push(
                b"maxmemory 100mb\nsave 900 1 300 10\nappendonly yes\nport 6380\n\
                  client-output-buffer-limit pubsub 32mb 8mb 60\nrename-command FLUSHALL \"\"\n\
                  notify-keyspace-events \"KEA\"\nhz 10\noom-score-adj-values 0 200 800"
                    .to_vec(),
            );
            let mut dict: Vec<Vec<u8>> = muxis::config::params::PARAMS
                .iter()
                .filter(|p| !super::CONFIG_SKIPPED.contains(&p.name))
                .map(|p| format!("\n{} ", p.name).into_bytes())
                .collect();
            dict.extend(tokens(&[
                "yes",
                "no",
                "\"\"",
                "\"",
                "'",
                "\\x",
                " ",
                "\n",
                "kb",
                "mb",
                "gb",
                "-1",
                "0",
                "9223372036854775807",
                "18446744073709551616",
                "#",
            ]));
            Target {
                seeds,
                dict,
                max_len: 400,
                check: config_check,
            }
        }
        "acl" => {
            let mut seeds: Vec<Vec<u8>> = Vec::new();
            for f in corpus_inputs("acl") {
                for line in String::from_utf8_lossy(&f).lines() {
                    let words: Vec<&str> = line.split(' ').skip(2).collect();
                    seeds.push(words.join(" ").into_bytes());
                }
            }
            seeds.push(b"on >pw ~k* &ch* +@read -get (~x +set) %R~r*".to_vec());
            Target {
                seeds,
                dict: tokens(&[
                    " on",
                    " off",
                    " nopass",
                    " resetpass",
                    " allkeys",
                    " resetkeys",
                    " allchannels",
                    " resetchannels",
                    " allcommands",
                    " nocommands",
                    " reset",
                    " clearselectors",
                    " ~*",
                    " %R~",
                    " %W~",
                    " %RW~",
                    " &*",
                    " +@all",
                    " -@all",
                    " +@read",
                    " -@write",
                    " +get",
                    " -set",
                    " +config|get",
                    " -config|set",
                    " +select|0",
                    " (",
                    ")",
                    " >",
                    " <",
                    " #",
                    " !",
                    "*",
                    "?",
                    "[",
                    "]",
                    "\\",
                    "|",
                    "@",
                ]),
                max_len: 300,
                check: acl_check,
            }
        }
        "rdb" => {
            let mut seeds = corpus_inputs("rdb");
            seeds.extend(super::rdb_load::seed_payloads().into_iter().map(|(_, p)| p));
            seeds.push(super::rdb_load::seed_file());
            let mut dict = Vec::new();
            // Length encodings (6, 14, 32 and 64 bits), special string encodings, type
            // bytes and opcodes, packed-blob terminators and integer headers.
            for t in [
                &[0x80, 0xFF, 0xFF, 0xFF, 0xFF][..],
                &[0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                &[0x7F, 0xFF],
                &[0x40, 0x00],
                &[0xC0],
                &[0xC1],
                &[0xC2],
                &[0xC3],
                &[0xC3, 0x02, 0x7F],
                &[0xFF],
                &[0xFE],
                &[0xF0],
                &[0xF1],
                &[0xF3],
                &[0xF4],
                &[0xE0],
                &[0x00, 0x00],
                &[0xFF, 0xFF, 0xFF, 0xFF],
                &[0x7F, 0xFF, 0xFF, 0xFF],
            ] {
                dict.push(t.to_vec());
            }
            for t in (0u8..=19).chain(245..=255) {
                dict.push(vec![t]);
            }
            Target {
                seeds,
                dict,
                max_len: 16 << 10,
                check: super::rdb_load::check_rdb,
            }
        }
        other => panic!("no fuzz target {other:?} (resp, inline, config, acl, rdb)"),
    }
}

const INTERESTING: [u8; 10] = [0, 1, 0x7F, 0x80, 0xFF, 0x40, 0xC0, 0xFE, 0x3F, 0x20];

/// One mutant of `base` in `out`: one to four edits, sometimes spliced with `other`.
fn mutate(rng: &mut Rng, base: &[u8], other: &[u8], dict: &[Vec<u8>], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(base);
    let edits = 1 + rng.below(4).min(rng.below(4));
    for _ in 0..edits {
        let len = out.len() as u64;
        let at = rng.below(len + 1) as usize;
        match rng.below(12) {
            0 if len > 0 => {
                let i = rng.below(len) as usize;
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len) as usize;
                out[i] = rng.next_u64() as u8;
            }
            2 if len > 0 => {
                let i = rng.below(len) as usize;
                out[i] = INTERESTING[rng.below(INTERESTING.len() as u64) as usize];
            }
            3 => {
                let n = 1 + rng.below(8) as usize;
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                out.splice(at..at, bytes);
            }
            4 if len > 0 => {
                let n = (1 + rng.below(16) as usize).min(out.len() - at.min(out.len()));
                out.drain(at..at + n);
            }
            5 if len > 0 => {
                let from = rng.below(len) as usize;
                let n = (1 + rng.below(32) as usize).min(out.len() - from);
                let piece = out[from..from + n].to_vec();
                out.splice(at..at, piece);
            }
            6 => out.truncate(at),
            7 => {
                let j = rng.below(other.len() as u64 + 1) as usize;
                out.truncate(at);
                out.extend_from_slice(&other[j..]);
            }
            8 => {
                let t = &dict[rng.below(dict.len() as u64) as usize];
                out.splice(at..at, t.iter().copied());
            }
            9 => {
                let t = &dict[rng.below(dict.len() as u64) as usize];
                let end = (at + t.len()).min(out.len());
                out.splice(at..end, t.iter().copied());
            }
            10 if len >= 4 => {
                let i = rng.below(len - 3) as usize;
                let v: u32 = match rng.below(5) {
                    0 => u32::MAX,
                    1 => 0x7FFF_FFFF,
                    2 => 0x8000_0000,
                    3 => 0,
                    _ => rng.below(70_000) as u32,
                };
                let bytes = if rng.below(2) == 0 {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                out[i..i + 4].copy_from_slice(&bytes);
            }
            _ => {
                let i = rng.below(len + 1) as usize;
                let b = b"0123456789-+.e"[rng.below(14) as usize];
                out.insert(i, b);
            }
        }
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3)
    })
}

fn save(target: &str, kind: &str, input: &[u8]) -> String {
    // The ACL corpus holds ACL file lines: `user <name> <rules>`.
    let line;
    let input = if target == "acl" {
        let words = input.iter().map(|&b| if b == b'\n' { b' ' } else { b });
        line = b"user fuzz "
            .iter()
            .copied()
            .chain(words)
            .collect::<Vec<u8>>();
        &line
    } else {
        input
    };
    let path = format!(
        "{}/tests/it/fuzz/{target}/{kind}-{:016x}",
        env!("CARGO_MANIFEST_DIR"),
        fnv(input)
    );
    let _ = std::fs::write(&path, input);
    path
}

/// Caps the address space at 2 GiB over what the process has now.
fn cap_address_space() {
    let Some(vm) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmSize:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
    else {
        return;
    };
    let limit = vm * 1024 + (2 << 30);
    let rl = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: setrlimit only reads the struct passed; this runner runs alone (the test is
    // ignored unless asked for by name).
    unsafe { libc::setrlimit(libc::RLIMIT_AS, &rl) };
}

#[test]
#[ignore]
fn fuzz_long() {
    let name = std::env::var("FUZZ_TARGET").unwrap_or_else(|_| "rdb".into());
    let execs: u64 = std::env::var("FUZZ_EXECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let t = target(&name);
    cap_address_space();
    let mut rng = Rng::new(seed);
    let mut pool: Vec<Vec<u8>> = t.seeds.clone();
    const POOL_MAX: usize = 2000;
    let done = Arc::new(AtomicU64::new(0));
    let current = Arc::new(Mutex::new(Vec::<u8>::new()));
    {
        // The watchdog: no progress for 20 s is a hang; the input is saved, then abort.
        let (done, current, name) = (done.clone(), current.clone(), name.clone());
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            loop {
                std::thread::sleep(Duration::from_secs(20));
                let now = done.load(Ordering::Relaxed);
                if now == last {
                    let input = current.lock().map(|c| c.clone()).unwrap_or_default();
                    eprintln!("HANG at exec {now}: saved {}", save(&name, "hang", &input));
                    std::process::abort();
                }
                last = now;
            }
        });
    }
    // Panics are caught and counted; print only their first line.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let start = Instant::now();
    let (mut accepted, mut crashes, mut slowest) = (0u64, 0u64, Duration::ZERO);
    let mut input = Vec::new();
    let mut slowest_input = Vec::new();
    for i in 0..execs {
        if rng.below(32) == 0 {
            let n = rng.below(t.max_len.min(300) as u64) as usize;
            input.clear();
            input.extend((0..n).map(|_| rng.next_u64() as u8));
        } else {
            let base = &pool[rng.below(pool.len() as u64) as usize];
            let other = &pool[rng.below(pool.len() as u64) as usize];
            mutate(&mut rng, base, other, &t.dict, &mut input);
            input.truncate(t.max_len);
        }
        if let Ok(mut c) = current.lock() {
            c.clear();
            c.extend_from_slice(&input);
        }
        let t0 = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| (t.check)(&input))) {
            Ok(true) => {
                accepted += 1;
                if pool.len() < POOL_MAX {
                    pool.push(input.clone());
                } else if rng.below(8) == 0 {
                    // Replace a mutant, never a seed.
                    let k = t.seeds.len() + rng.below((POOL_MAX - t.seeds.len()) as u64) as usize;
                    pool[k] = input.clone();
                }
            }
            Ok(false) => {}
            Err(_) => {
                crashes += 1;
                eprintln!("CRASH at exec {i}: saved {}", save(&name, "crash", &input));
                assert!(crashes < 20, "too many crashes");
            }
        }
        let took = t0.elapsed();
        if took > Duration::from_millis(100) {
            // Timed again so that a descheduled exec is not taken for a slow input.
            let t1 = Instant::now();
            let _ = catch_unwind(AssertUnwindSafe(|| (t.check)(&input)));
            if t1.elapsed() > Duration::from_millis(100) {
                eprintln!(
                    "SLOW at exec {i}: {:.0} ms, saved {}",
                    t1.elapsed().as_secs_f64() * 1000.0,
                    save(&name, "slow", &input)
                );
            }
        }
        if took > slowest {
            slowest = took;
            slowest_input.clone_from(&input);
        }
        done.store(i + 1, Ordering::Relaxed);
        if (i + 1) % 1_000_000 == 0 {
            eprintln!(
                "{name}: {} execs, {:.0} s, {accepted} accepted, {crashes} crashes",
                i + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    // The slowest exec again, alone: a time far under the first was the machine's load
    // (the scheduler), not the input.
    let again = (0..3)
        .map(|_| {
            let t0 = Instant::now();
            let _ = catch_unwind(AssertUnwindSafe(|| (t.check)(&slowest_input)));
            t0.elapsed()
        })
        .min()
        .unwrap_or_default();
    println!(
        "fuzz_long {name}: seed {seed}, {execs} execs in {secs:.1} s ({:.0}/s), {accepted} \
         accepted, {crashes} crashes, slowest {:.1} ms ({} bytes, {:.2} ms when run again)",
        execs as f64 / secs,
        slowest.as_secs_f64() * 1000.0,
        slowest_input.len(),
        again.as_secs_f64() * 1000.0
    );
    assert_eq!(
        crashes, 0,
        "crashing inputs saved under tests/it/fuzz/{name}/"
    );
}
