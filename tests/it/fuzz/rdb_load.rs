//! The RDB loader target: DUMP payloads through RESTORE's `restore_value` and whole files
//! through `load_bytes`. Inputs start from what the writer produces (every type and
//! encoding, old ziplist/zipmap encodings built by hand) and are mutated with the footer's
//! CRC64 made valid again, so the mutations reach the value parsers instead of stopping at
//! the checksum. Whatever the bytes, loading gives a value or an error, never a panic, a
//! hang or an absurd allocation; a value it gives DUMPs to a payload that restores to it.

use bytes::Bytes;
use muxis::db::stream::{Consumer, Group, Pending, Stream, StreamId};
use muxis::db::zset::ZSet;
use muxis::db::{EncLimits, Hash, Set, Value};
use muxis::persist::rdb::{self, Access, Aux, CRC64, Loader, Options, Writer};
use proptest::prelude::*;

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

/// One value of every type and encoding the writer produces, kept small so that a
/// mutated copy is quick to load.
fn sample_values() -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("int", Value::str(b"12345")),
        ("negint", Value::str(b"-7")),
        ("int64", Value::str(b"-123456789012")),
        ("empty", Value::str(b"")),
        ("embstr", Value::str(b"hello")),
        // Over 20 bytes and repetitive: LZF-compressed when compression is on.
        ("raw", Value::Str(Bytes::from(vec![b'a'; 100]))),
        (
            "binary",
            Value::Str(Bytes::from(
                (0..=63u8).map(|i| i.wrapping_mul(37)).collect::<Vec<_>>(),
            )),
        ),
        (
            "list",
            Value::List(
                (0..12)
                    .map(|i| {
                        if i % 3 == 0 {
                            b(&(i as i64 * 1000 - 4000).to_string())
                        } else {
                            b(&"x".repeat(i * 7))
                        }
                    })
                    .collect(),
            ),
        ),
    ];
    let mut s = Set::default();
    for v in [1i64, -70000, 40000, i64::MAX, i64::MIN] {
        s.insert(v.to_string().as_bytes());
    }
    out.push(("intset", Value::Set(s)));
    let mut s = Set::default();
    for m in ["a", "bb", "12", "ccc"] {
        s.insert(m.as_bytes());
    }
    out.push(("set", Value::Set(s)));
    // Grown past the intset and shrunk again: written as a hashtable set of integers.
    let mut s = Set::default();
    for i in 0..600 {
        s.insert(i.to_string().as_bytes());
    }
    for i in 5..600 {
        s.remove(i.to_string().as_bytes());
    }
    assert_eq!(s.encoding(), "hashtable");
    out.push(("bigset", Value::Set(s)));
    // The same fields packed, and in a table (as a hash that once outgrew the limits).
    let mut packed = Hash::default();
    let mut table = Hash::default();
    let grown = EncLimits {
        hash_entries: 0,
        ..EncLimits::default()
    };
    for (f, v) in [("f1", "v1"), ("n", "-4000"), ("big", "9223372036854775807")] {
        packed.insert(f.as_bytes(), v.as_bytes(), &EncLimits::default());
        table.insert(f.as_bytes(), v.as_bytes(), &grown);
    }
    out.push(("hash", Value::Hash(packed)));
    out.push(("bighash", Value::Hash(table)));
    let mut z = ZSet::new();
    for (m, s) in [("a", 1.5), ("b", -3.0), ("c", f64::INFINITY), ("d", 0.1)] {
        z.insert(b(m), s);
    }
    out.push(("zset", Value::ZSet(Box::new(z))));
    let mut z = ZSet::new_large();
    for (i, m) in ["p", "q", "r", "s", "t"].iter().enumerate() {
        z.insert(b(m), i as f64 / 7.0 - 0.5);
    }
    z.insert(b("neg"), f64::NEG_INFINITY);
    out.push(("skiplist", Value::ZSet(Box::new(z))));
    out.push(("stream", Value::Stream(Box::new(sample_stream()))));
    out.push(("emptystream", Value::Stream(Box::new(Stream::new()))));
    out
}

/// A stream with deleted entries, two groups, a pending entry and two consumers.
fn sample_stream() -> Stream {
    let mut s = Stream::new();
    for i in 1..=12u64 {
        let fields = if i % 5 == 0 {
            vec![b("other"), b(&i.to_string())]
        } else {
            vec![b("name"), b(&format!("n{i}")), b("age"), b(&i.to_string())]
        };
        s.push(
            StreamId {
                ms: 1000 + i / 3,
                seq: i % 3,
            },
            fields,
        );
    }
    s.delete(&[StreamId { ms: 1001, seq: 1 }]);
    let mut g = Group::new(StreamId { ms: 1002, seq: 0 }, Some(6));
    let id = StreamId { ms: 1001, seq: 2 };
    g.pel.insert(
        id,
        Pending {
            consumer: b("alice"),
            delivery_time: 1_700_000_000_123,
            delivery_count: 3,
        },
    );
    let mut c = Consumer {
        seen_time: 1_700_000_000_456,
        ..Consumer::default()
    };
    c.pel.insert(id);
    g.consumers.insert(b("alice"), c);
    g.consumers.insert(b("bob"), Consumer::default());
    s.groups.insert(b("g1"), g);
    s.groups
        .insert(b("g2"), Group::new(StreamId::default(), None));
    s
}

/// A string as RDB writes it without compression (short lengths only: seeds are small).
fn lenstr(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() < 64 {
        out.push(s.len() as u8);
    } else {
        out.push(0x40 | (s.len() >> 8) as u8);
        out.push(s.len() as u8);
    }
    out.extend_from_slice(s);
}

/// A ziplist of small strings and integers (the pre-7.0 packed encoding).
fn ziplist(items: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev = 0u8;
    for it in items {
        let start = body.len();
        body.push(prev);
        match std::str::from_utf8(it)
            .ok()
            .and_then(|t| t.parse::<i16>().ok())
        {
            Some(v) if (0..=12).contains(&v) => body.push(0xF1 + v as u8),
            Some(v) => {
                body.push(0xC0);
                body.extend_from_slice(&v.to_le_bytes());
            }
            None => {
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
        }
        prev = (body.len() - start) as u8;
    }
    let mut z = Vec::new();
    z.extend_from_slice(&((10 + body.len() + 1) as u32).to_le_bytes());
    z.extend_from_slice(&10u32.to_le_bytes());
    z.extend_from_slice(&(items.len() as u16).to_le_bytes());
    z.extend_from_slice(&body);
    z.push(0xFF);
    z
}

/// DUMP's footer (version 10 and the CRC64) after `body` (a type byte and a value).
pub(super) fn seal(mut body: Vec<u8>) -> Vec<u8> {
    body.extend_from_slice(&rdb::RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

/// Payloads in the encodings Redis 7.0 still loads but no longer writes.
fn old_payloads() -> Vec<(&'static str, Vec<u8>)> {
    let packed = |t: u8, blob: &[u8]| {
        let mut p = vec![t];
        lenstr(&mut p, blob);
        seal(p)
    };
    let mut quicklist = vec![14u8, 2];
    lenstr(&mut quicklist, &ziplist(&[b"x"]));
    lenstr(&mut quicklist, &ziplist(&[b"y", b"300", b"7"]));
    // An old sorted set: scores as text (length byte, or 253/254/255 for nan/inf/-inf).
    let mut textz = vec![3u8, 2];
    lenstr(&mut textz, b"p");
    textz.extend_from_slice(b"\x032.5");
    lenstr(&mut textz, b"q");
    textz.push(254);
    vec![
        (
            "ziplist",
            packed(10, &ziplist(&[b"a", b"7", b"300", b"-2"])),
        ),
        (
            "zipmap",
            packed(9, b"\x02\x01f\x01\x00v\x02ff\x02\x01vv\x00\xff"),
        ),
        (
            "zset-ziplist",
            packed(12, &ziplist(&[b"m", b"3", b"n", b"1.5"])),
        ),
        (
            "hash-ziplist",
            packed(13, &ziplist(&[b"a", b"1", b"b", b"x"])),
        ),
        ("quicklist1", seal(quicklist)),
        ("zset-text", seal(textz)),
    ]
}

/// Every seed payload, named: each sample value DUMPed with and without compression and
/// with small list nodes, then the old encodings.
pub(super) fn seed_payloads() -> Vec<(String, Vec<u8>)> {
    let plain = Options {
        compress: false,
        list_fill: 4,
        ..Options::default()
    };
    let mut out = Vec::new();
    for (name, v) in sample_values() {
        out.push((
            format!("dump-{name}"),
            rdb::dump(v.view(), &Options::default()),
        ));
        let p = rdb::dump(v.view(), &plain);
        if !out.iter().any(|(_, q)| *q == p) {
            out.push((format!("dump-{name}-plain"), p));
        }
    }
    for (name, p) in old_payloads() {
        out.push((format!("dump-{name}"), p));
    }
    out
}

/// A whole file: AUX fields, a function library, two databases, keys with expiries and
/// access records.
pub(super) fn seed_file() -> Vec<u8> {
    let aux = Aux {
        ctime: 1_700_000_000,
        used_mem: 1_000_000,
        repl_id: "0".repeat(40),
        repl_offset: 0,
        aof_base: false,
        functions: vec![b(
            "#!lua name=lib\nredis.register_function('f', function() end)",
        )],
    };
    let values = sample_values();
    let mut w = Writer::new(Vec::new(), Options::default(), &aux).expect("header");
    w.db(0, values.len() as u64, 1).expect("db");
    for (i, (k, v)) in values.iter().enumerate() {
        let exp = (i == 1).then_some(4_000_000_000_000);
        let access = match i % 3 {
            0 => Access::None,
            1 => Access::Idle(i as u64 * 100),
            _ => Access::Freq(i as u8),
        };
        w.key(k.as_bytes(), v.view(), exp, access).expect("key");
    }
    w.db(3, 1, 0).expect("db");
    w.key(b"in3", Value::str(b"x").view(), None, Access::None)
        .expect("key");
    w.finish().expect("finish")
}

/// `p` with its DUMP checksum made right again (the version bytes are left as mutated).
pub(super) fn reseal(p: &[u8]) -> Vec<u8> {
    let mut p = p.to_vec();
    if p.len() >= 10 {
        let n = p.len();
        let crc = CRC64.checksum(&p[..n - 8]);
        p[n - 8..].copy_from_slice(&crc.to_le_bytes());
    }
    p
}

/// Whether two values hold the same thing (the "outgrew its small encoding" marks are
/// recomputed on load; streams are compared by content, their node layout is rebuilt).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Stream(x), Value::Stream(y)) => {
            x.entries().eq(y.entries())
                && (x.last_id, x.first_id, x.max_deleted_id, x.entries_added)
                    == (y.last_id, y.first_id, y.max_deleted_id, y.entries_added)
                && x.groups == y.groups
        }
        (Value::Set(x), Value::Set(y)) => x == y,
        _ => a == b,
    }
}

/// RESTORE's path: a value or a refusal; a value DUMPs to a payload that restores the same.
fn check_payload(p: &[u8], enc: &EncLimits) -> bool {
    let Ok(v) = rdb::restore_value(p, enc) else {
        return false;
    };
    let again = rdb::dump(v.view(), &Options::default());
    let back = rdb::restore_value(&again, enc)
        .unwrap_or_else(|e| panic!("{v:?} restored, but its DUMP does not: {e:?}"));
    assert!(same(&v, &back), "{v:?} DUMPs and restores as {back:?}");
    true
}

/// The whole-file path: loads, or fails with an offset inside the file.
fn check_file(f: &[u8], enc: &EncLimits) -> bool {
    let loader = Loader {
        enc: *enc,
        databases: 16,
        now: None,
    };
    match rdb::load_bytes(f, &loader, |k| {
        assert!(k.db < 16);
        Ok(())
    }) {
        Ok(out) => {
            assert!(out.size <= f.len() as u64);
            true
        }
        Err(e) => {
            assert!(e.offset <= f.len() as u64, "{e} in {} bytes", f.len());
            false
        }
    }
}

/// The target: `input` as a payload and as a file, each as given and with its checksum
/// made right. True when any of them loaded.
pub(super) fn check_rdb(input: &[u8]) -> bool {
    let enc = EncLimits::default();
    let mut ok = check_payload(input, &enc);
    ok |= check_payload(&reseal(input), &enc);
    ok |= check_file(input, &enc);
    if input.starts_with(b"REDIS") {
        // A file's trailer is the CRC64 of all before it, as a payload's is: right when
        // the EOF opcode sits just before it.
        ok |= check_file(&reseal(input), &enc);
    }
    ok
}

/// The seeds, generated; the corpus files are these plus inputs that found bugs.
fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = seed_payloads().into_iter().map(|(_, p)| p).collect();
    out.push(seed_file());
    out
}

#[test]
fn fuzz_rdb_seeds_load_as_written() {
    let enc = EncLimits::default();
    for (name, p) in seed_payloads() {
        assert!(check_payload(&p, &enc), "{name} restores");
    }
    assert!(check_file(&seed_file(), &enc), "the seed file loads");
}

#[test]
fn fuzz_rdb_loader() {
    for (name, input) in super::corpus("rdb") {
        let r = std::panic::catch_unwind(|| check_rdb(&input));
        assert!(r.is_ok(), "corpus file {name}");
    }
    let seeds = seeds();
    let n = seeds.len();
    let loaded = std::cell::Cell::new(0u64);
    let strategy = (
        0..n,
        prop::collection::vec((any::<u32>(), any::<u8>(), 0u8..4), 1..6),
        any::<u32>(),
    );
    super::runner()
        .run(&strategy, |(which, edits, cut)| {
            let mut p = seeds[which].clone();
            for (pos, byte, how) in edits {
                if p.is_empty() {
                    break;
                }
                let i = pos as usize % p.len();
                match how {
                    0 => p[i] = byte,
                    1 => p[i] ^= 1 << (byte % 8),
                    2 => p.insert(i, byte),
                    _ => {
                        p.remove(i);
                    }
                }
            }
            loaded.set(loaded.get() + u64::from(check_rdb(&p)));
            let cut = cut as usize % (p.len() + 1);
            check_rdb(&p[..cut]);
            Ok(())
        })
        .unwrap();
    // The mutations must reach past the checksum into values that load.
    assert!(
        loaded.get() > u64::from(super::cases()) / 20,
        "{} loaded",
        loaded.get()
    );
    super::runner()
        .run(&prop::collection::vec(any::<u8>(), 0..200), |p| {
            check_rdb(&p);
            let mut f = b"REDIS0010".to_vec();
            f.extend_from_slice(&p);
            check_rdb(&f);
            Ok(())
        })
        .unwrap();
}

/// Writes the generated seeds into the corpus (run by hand after changing the seeds).
#[test]
#[ignore]
fn fuzz_rdb_write_seeds() {
    let dir = format!("{}/tests/it/fuzz/rdb", env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, p) in seed_payloads() {
        std::fs::write(format!("{dir}/{name}"), p).unwrap();
    }
    std::fs::write(format!("{dir}/file-all"), seed_file()).unwrap();
}

/// Payloads whose lengths claim about 4 GB (or more) with a valid checksum.
fn huge_payloads() -> Vec<(&'static str, Vec<u8>)> {
    const G4: [u8; 5] = [0x80, 0xFF, 0xFF, 0xFF, 0xF0];
    const G64: [u8; 9] = [0x81, 0, 0, 0, 0x10, 0, 0, 0, 0];
    let with = |t: u8, parts: &[&[u8]]| {
        let mut p = vec![t];
        for part in parts {
            p.extend_from_slice(part);
        }
        seal(p)
    };
    // An intset claiming 2^32-1 8-byte members, a listpack and a ziplist claiming 4 GB.
    let intset = [&[8u8, 0, 0, 0][..], &[0xFF; 4], &[1, 0, 0, 0, 0, 0, 0, 0]].concat();
    let mut lp = 0xFFFF_FFF0u32.to_le_bytes().to_vec();
    lp.extend_from_slice(&[0xFF, 0xFF, 0x81, b'a', 2, 0xFF]);
    let mut zl = 0xFFFF_FFF0u32.to_le_bytes().to_vec();
    zl.extend_from_slice(&[10, 0, 0, 0, 0xFF, 0xFF, 0, 1, b'a', 0xFF]);
    let blob = |b: &[u8]| {
        let mut s = Vec::new();
        lenstr(&mut s, b);
        s
    };
    vec![
        ("string", with(0, &[&G4])),
        ("string64", with(0, &[&G64])),
        // LZF: 3 compressed bytes claiming 4 GB once uncompressed.
        ("lzf", with(0, &[&[0xC3, 3], &G4, &[0, b'a', 0]])),
        ("list", with(1, &[&G4])),
        ("set", with(2, &[&G4])),
        ("zset", with(3, &[&G4])),
        ("hash", with(4, &[&G4])),
        ("zset2", with(5, &[&G64])),
        ("intset", with(11, &[&blob(&intset)])),
        ("listpack-hash", with(16, &[&blob(&lp)])),
        ("listpack-zset", with(17, &[&blob(&lp)])),
        ("ziplist", with(10, &[&blob(&zl)])),
        ("quicklist", with(14, &[&G4])),
        ("quicklist2", with(18, &[&G4])),
        ("quicklist2-node", with(18, &[&[1, 2], &blob(&lp)])),
        ("stream", with(19, &[&G4])),
        ("stream-node", with(19, &[&[1, 16], &[0; 16], &blob(&lp)])),
    ]
}

/// The current virtual size of this process, from /proc (Linux).
fn vm_size() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// In a child process (this test run again): the address space is capped at what the
/// process has plus 1 GiB, so a loader allocating for a 4 GB length before checking it
/// aborts the child. Each hostile payload must be refused, and the cap must be real (a
/// 4 GB allocation is refused under it).
fn huge_lengths_child() {
    let limit = vm_size().expect("VmSize") + (1 << 30);
    let rl = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: setrlimit only reads the struct passed; this process is a child running
    // this one test alone.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &rl) }, 0);
    assert!(
        Vec::<u8>::new().try_reserve_exact(4 << 30).is_err(),
        "the address space cap holds"
    );
    let enc = EncLimits::default();
    for (name, p) in huge_payloads() {
        assert!(rdb::restore_value(&p, &enc).is_err(), "{name} refused");
        // The same value in a whole file.
        let mut f = b"REDIS0010".to_vec();
        f.push(p[0]);
        lenstr(&mut f, b"k");
        f.extend_from_slice(&p[1..p.len() - 10]);
        f.push(0xFF);
        f.extend_from_slice(&[0; 8]);
        assert!(!check_file(&f, &enc), "{name} refused in a file");
    }
    let mut f = b"REDIS0010\xFA".to_vec();
    f.extend_from_slice(&[0x80, 0xFF, 0xFF, 0xFF, 0xF0]);
    assert!(!check_file(&f, &enc), "an AUX field of 4 GB refused");
    println!("huge lengths refused: {}", huge_payloads().len());
}

#[test]
fn fuzz_rdb_huge_lengths_refused_before_allocating() {
    if std::env::var_os("MUXIS_FUZZ_HUGE_CHILD").is_some() {
        return huge_lengths_child();
    }
    let me = std::env::current_exe().unwrap();
    let out = std::process::Command::new(me)
        .args([
            "--exact",
            "fuzz::rdb_load::fuzz_rdb_huge_lengths_refused_before_allocating",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MUXIS_FUZZ_HUGE_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("huge lengths refused"),
        "{:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
