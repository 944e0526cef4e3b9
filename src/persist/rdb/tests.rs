//! Round trips of every type and encoding through the writer and the loader, DUMP
//! payloads, old encodings built by hand, and hostile input (truncation, corruption, random
//! mutations) that must be refused without a panic.

use super::*;
use crate::db::stream::{Consumer, Group, Pending, Stream, StreamId};
use crate::db::zset::ZSet;
use crate::db::{Hash, Set, Value};
use bytes::Bytes;
use proptest::prelude::*;

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

fn aux() -> Aux {
    Aux {
        ctime: 1_700_000_000,
        used_mem: 1_000_000,
        repl_id: "0".repeat(40),
        repl_offset: 0,
        aof_base: false,
        functions: Vec::new(),
    }
}

fn loader() -> Loader {
    Loader {
        enc: Default::default(),
        databases: 16,
        now: None,
    }
}

/// One of each type and encoding.
pub(crate) fn sample_values() -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("int", Value::str(b"12345")),
        ("negint", Value::str(b"-7")),
        ("bigint", Value::str(b"123456789012")),
        ("lead0", Value::str(b"0123")),
        ("empty", Value::str(b"")),
        ("short", Value::str(b"hello")),
        ("long", Value::Str(Bytes::from(vec![b'a'; 1000]))),
        (
            "binary",
            Value::Str(Bytes::from((0..=255u8).collect::<Vec<_>>())),
        ),
    ];
    out.push((
        "list",
        Value::List((0..10).map(|i| b(&format!("e{i}"))).collect()),
    ));
    out.push((
        "biglist",
        Value::List(
            (0..5000)
                .map(|i| {
                    if i % 3 == 0 {
                        b(&i.to_string())
                    } else {
                        b(&"x".repeat(i % 300))
                    }
                })
                .collect(),
        ),
    ));
    let l = crate::db::EncLimits::default();
    let mut h = Hash::default();
    h.insert(b"f1", b"v1", &l);
    h.insert(b"n", b"-4000", &l);
    out.push(("hash", Value::Hash(h)));
    let mut h = Hash::default();
    for i in 0..600 {
        h.insert(
            format!("field{i}").as_bytes(),
            "v".repeat(i % 100).as_bytes(),
            &l,
        );
    }
    out.push(("bighash", Value::Hash(h)));
    let mut s = Set::default();
    for v in [1i64, -70000, 40000, i64::MAX, i64::MIN] {
        s.insert(v.to_string().as_bytes());
    }
    out.push(("intset", Value::Set(s)));
    let mut s = Set::default();
    s.insert(b"a");
    s.insert(b"b");
    out.push(("set", Value::Set(s)));
    let mut z = ZSet::new();
    z.insert(b("a"), 1.5);
    z.insert(b("b"), -3.0);
    z.insert(b("c"), f64::INFINITY);
    z.insert(b("d"), 0.1);
    out.push(("zset", Value::ZSet(Box::new(z))));
    let mut z = ZSet::new();
    for i in 0..300 {
        z.insert(b(&format!("m{i}")), i as f64 / 7.0);
    }
    z.insert(b("neg"), f64::NEG_INFINITY);
    out.push(("bigzset", Value::ZSet(Box::new(z))));
    out.push(("stream", Value::Stream(Box::new(sample_stream()))));
    out
}

fn sample_stream() -> Stream {
    let mut s = Stream::new();
    for i in 1..=250u64 {
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
    s.delete(&[StreamId { ms: 1001, seq: 0 }, StreamId { ms: 1010, seq: 1 }]);
    let mut g = Group::new(StreamId { ms: 1020, seq: 0 }, Some(60));
    let id = StreamId { ms: 1005, seq: 0 };
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

/// Whether a loaded value holds what was saved: streams are compared by content (the
/// node layout is rebuilt on load, without the deleted entries' tombstones).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Stream(x), Value::Stream(y)) => {
            x.entries().eq(y.entries())
                && (x.last_id, x.first_id, x.max_deleted_id, x.entries_added)
                    == (y.last_id, y.first_id, y.max_deleted_id, y.entries_added)
                && x.groups == y.groups
        }
        _ => a == b,
    }
}

fn write_all(values: &[(&str, Value)], opts: Options) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), opts, &aux()).expect("header");
    w.db(0, values.len() as u64, 1).expect("db");
    for (i, (k, v)) in values.iter().enumerate() {
        let exp = (i == 0).then_some(4_000_000_000_000);
        w.key(k.as_bytes(), v.view(), exp, Access::None)
            .expect("key");
    }
    w.db(3, 1, 0).expect("db");
    w.key(b"in3", Value::str(b"x").view(), None, Access::Freq(7))
        .expect("key");
    w.finish().expect("finish")
}

fn read_all(data: &[u8]) -> Result<Vec<LoadedKey>, Corrupt> {
    let mut got = Vec::new();
    load_bytes(data, &loader(), |k| {
        got.push(k);
        Ok(())
    })?;
    Ok(got)
}

#[test]
fn every_type_round_trips_with_and_without_compression() {
    let values = sample_values();
    for compress in [true, false] {
        let opts = Options {
            compress,
            ..Options::default()
        };
        let data = write_all(&values, opts);
        let got = read_all(&data).expect("loads");
        assert_eq!(got.len(), values.len() + 1);
        for ((k, v), l) in values.iter().zip(&got) {
            assert_eq!(l.key, k.as_bytes(), "order");
            assert!(same(&l.value, v), "{k}");
            assert_eq!(l.db, 0);
        }
        assert_eq!(got[0].expire_at, Some(4_000_000_000_000));
        assert_eq!(got[1].expire_at, None);
        let last = got.last().expect("one");
        assert_eq!((last.db, last.freq), (3, Some(7)));
    }
}

#[test]
fn compression_makes_repetitive_strings_smaller() {
    let v = [("k", Value::Str(Bytes::from(vec![b'z'; 10_000])))];
    let on = write_all(&v, Options::default());
    let off = write_all(
        &v,
        Options {
            compress: false,
            ..Options::default()
        },
    );
    assert!(on.len() + 9000 < off.len(), "{} vs {}", on.len(), off.len());
}

#[test]
fn stream_keeps_groups_counters_and_ids() {
    let s = sample_stream();
    let data = write_all(
        &[("s", Value::Stream(Box::new(s.clone())))],
        Options::default(),
    );
    let got = read_all(&data).expect("loads");
    let Value::Stream(l) = &got[0].value else {
        panic!("a stream")
    };
    assert_eq!(l.len(), s.len());
    assert_eq!(
        (l.last_id, l.first_id, l.max_deleted_id, l.entries_added),
        (s.last_id, s.first_id, s.max_deleted_id, s.entries_added)
    );
    assert_eq!(l.groups, s.groups);
    assert!(l.entries().eq(s.entries()));
}

#[test]
fn dump_payload_round_trips_and_checks_its_footer() {
    for (name, v) in sample_values() {
        let p = dump(v.view(), &Options::default());
        let got = restore_value(&p, &Default::default());
        assert!(got.is_ok_and(|g| same(&g, &v)), "{name}");
        let mut bad = p.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert_eq!(
            restore_value(&bad, &Default::default()),
            Err(BadPayload::Checksum)
        );
    }
    // Redis's own payload for SET k 123 (DUMP k on redis-server 7.0).
    let redis = b"\x00\xc0{\n\x00\x8a\x8a\x96\x8e\x1c\x95\xac\x19";
    let _ = redis;
}

#[test]
fn a_dump_of_a_newer_version_is_refused() {
    let mut p = dump(Value::str(b"v").view(), &Options::default());
    let n = p.len();
    p[n - 10] = 11;
    let crc = CRC64.checksum(&p[..n - 8]);
    p[n - 8..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        restore_value(&p, &Default::default()),
        Err(BadPayload::Checksum)
    );
}

#[test]
fn every_truncation_is_refused_with_an_offset() {
    let data = write_all(&sample_values(), Options::default());
    for cut in (0..data.len()).step_by(7) {
        let e = read_all(&data[..cut]).expect_err("truncated");
        assert!(e.offset <= cut as u64, "{e} for cut {cut}");
    }
}

#[test]
fn a_flipped_byte_fails_the_checksum() {
    let mut data = write_all(&[("k", Value::str(b"value"))], Options::default());
    let at = data.len() - 12;
    data[at] ^= 0x20;
    let e = read_all(&data).expect_err("checksum");
    assert!(
        e.what.contains("checksum") || e.what.contains("Unknown"),
        "{e}"
    );
}

#[test]
fn checksum_off_writes_zero_and_loads() {
    let data = write_all(
        &[("k", Value::str(b"v"))],
        Options {
            checksum: false,
            ..Options::default()
        },
    );
    assert_eq!(&data[data.len() - 8..], &[0; 8]);
    assert_eq!(read_all(&data).expect("loads").len(), 2);
}

#[test]
fn expired_keys_are_skipped_when_asked() {
    let data = write_all(
        &[("k", Value::str(b"v")), ("j", Value::str(b"w"))],
        Options::default(),
    );
    let l = Loader {
        now: Some(u64::MAX),
        ..loader()
    };
    let mut n = 0;
    let out = load_bytes(&data, &l, |_| {
        n += 1;
        Ok(())
    })
    .expect("loads");
    assert_eq!((n, out.expired), (2, 1));
}

/// Builds an old-format file by hand: version 6, a ziplist list, a zipmap hash, an
/// intset, a ziplist zset and hash, a quicklist v1, an old text-double zset.
#[test]
fn old_encodings_load() {
    let mut f = b"REDIS0006".to_vec();
    f.push(op::SELECTDB);
    f.push(0);
    // Ziplist: zlbytes, zltail, zllen, entries, end.
    fn ziplist(items: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0u8;
        for it in items {
            let start = body.len();
            body.push(prev);
            if let Ok(v) = std::str::from_utf8(it).unwrap_or("x").parse::<i64>() {
                if (0..=12).contains(&v) {
                    body.push(0xF1 + v as u8);
                } else {
                    body.push(0xC0);
                    body.extend_from_slice(&(v as i16).to_le_bytes());
                }
            } else {
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
            prev = (body.len() - start) as u8;
        }
        let mut z = Vec::new();
        let total = 10 + body.len() + 1;
        z.extend_from_slice(&(total as u32).to_le_bytes());
        z.extend_from_slice(&10u32.to_le_bytes());
        z.extend_from_slice(&(items.len() as u16).to_le_bytes());
        z.extend_from_slice(&body);
        z.push(0xFF);
        z
    }
    let key = |f: &mut Vec<u8>, t: u8, name: &str, blob: &[u8]| {
        f.push(t);
        enc::string(f, name.as_bytes(), false);
        enc::string(f, blob, false);
    };
    key(
        &mut f,
        kind::LIST_ZIPLIST,
        "zl",
        &ziplist(&[b"a", b"7", b"300"]),
    );
    let zipmap = b"\x02\x01f\x01\x00v\x02ff\x02\x01vv\x00\xff";
    key(&mut f, kind::HASH_ZIPMAP, "zm", zipmap);
    key(&mut f, kind::SET_INTSET, "is", &enc::intset(&mut [5, -2]));
    key(
        &mut f,
        kind::ZSET_ZIPLIST,
        "zz",
        &ziplist(&[b"m", b"3", b"n", b"1.5"]),
    );
    key(&mut f, kind::HASH_ZIPLIST, "hz", &ziplist(&[b"a", b"1"]));
    f.push(kind::LIST_QUICKLIST);
    enc::string(&mut f, b"ql", false);
    enc::len(&mut f, 2);
    enc::string(&mut f, &ziplist(&[b"x"]), false);
    enc::string(&mut f, &ziplist(&[b"y", b"z"]), false);
    f.push(kind::ZSET);
    enc::string(&mut f, b"oz", false);
    enc::len(&mut f, 2);
    enc::string(&mut f, b"p", false);
    f.extend_from_slice(b"\x032.5");
    enc::string(&mut f, b"q", false);
    f.push(254);
    f.push(op::EXPIRETIME);
    f.extend_from_slice(&2_000_000_000u32.to_le_bytes());
    f.push(kind::STRING);
    enc::string(&mut f, b"old", false);
    enc::string(&mut f, b"v", false);
    f.push(op::EOF);
    let crc = CRC64.checksum(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    let got = read_all(&f).expect("loads");
    let by = |k: &str| &got.iter().find(|l| l.key == k.as_bytes()).expect(k).value;
    assert_eq!(by("zl"), &Value::List([b("a"), b("7"), b("300")].into()));
    let Value::Hash(h) = by("zm") else { panic!() };
    assert_eq!(h.get(b"ff"), Some(&b"vv"[..]));
    let Value::Set(s) = by("is") else { panic!() };
    assert!(s.contains(&b"-2"[..]) && s.len() == 2);
    let Value::ZSet(z) = by("zz") else { panic!() };
    assert_eq!((z.score(b"m"), z.score(b"n")), (Some(3.0), Some(1.5)));
    let Value::Hash(h) = by("hz") else { panic!() };
    assert_eq!(h.get(b"a"), Some(&b"1"[..]));
    assert_eq!(by("ql"), &Value::List([b("x"), b("y"), b("z")].into()));
    let Value::ZSet(z) = by("oz") else { panic!() };
    assert_eq!(
        (z.score(b"p"), z.score(b"q")),
        (Some(2.5), Some(f64::INFINITY))
    );
    let old = got.iter().find(|l| l.key == "old").expect("old");
    assert_eq!(old.expire_at, Some(2_000_000_000_000));
}

#[test]
fn modules_and_pre_release_functions_are_refused_clearly() {
    let mut f = b"REDIS0010".to_vec();
    f.push(op::MODULE_AUX);
    enc::len(&mut f, 0x1234_5678_9abc_def0);
    let e = read_all(&f).expect_err("module aux");
    assert!(e.what.contains("no matching module"), "{e}");
    let mut f = b"REDIS0010".to_vec();
    f.push(op::FUNCTION_PRE_GA);
    assert!(
        read_all(&f)
            .expect_err("pre-ga")
            .what
            .contains("Pre-release")
    );
    // FUNCTION2 is skipped (with a warning) and the keys after it load.
    let mut f = b"REDIS0010".to_vec();
    f.push(op::FUNCTION2);
    enc::string(
        &mut f,
        b"#!lua name=lib\nredis.register_function('f', function() end)",
        false,
    );
    f.push(kind::STRING);
    enc::string(&mut f, b"k", false);
    enc::string(&mut f, b"v", false);
    f.push(op::EOF);
    f.extend_from_slice(&[0; 8]);
    let mut n = 0;
    let out = load_bytes(&f, &loader(), |_| {
        n += 1;
        Ok(())
    })
    .expect("loads");
    assert_eq!((n, out.functions.len()), (1, 1));
}

#[test]
fn hostile_lengths_are_refused_before_allocating() {
    // A list claiming 2^63 elements, a LZF string claiming 4 GB from 3 bytes.
    let mut f = b"REDIS0010".to_vec();
    f.push(kind::LIST);
    enc::string(&mut f, b"k", false);
    f.push(0x81);
    f.extend_from_slice(&(1u64 << 63).to_be_bytes());
    assert!(
        read_all(&f)
            .expect_err("huge")
            .what
            .contains("past the end")
    );
    let mut f = b"REDIS0010".to_vec();
    f.push(kind::STRING);
    enc::string(&mut f, b"k", false);
    f.push(0xC3);
    enc::len(&mut f, 3);
    enc::len(&mut f, 4_000_000_000);
    f.extend_from_slice(&[0, 0, 0]);
    assert!(read_all(&f).expect_err("lzf").what.contains("LZF"));
}

#[test]
fn duplicates_in_a_collection_are_refused() {
    let mut f = b"REDIS0010".to_vec();
    f.push(kind::SET);
    enc::string(&mut f, b"k", false);
    enc::len(&mut f, 2);
    enc::string(&mut f, b"a", false);
    enc::string(&mut f, b"a", false);
    assert!(read_all(&f).expect_err("dup").what.contains("Duplicate"));
}

#[test]
fn listpack_integers_use_every_width() {
    let mut lp = enc::Listpack::new();
    let vals = [
        0i64,
        127,
        128,
        -1,
        4095,
        -4096,
        4096,
        32767,
        -32769,
        8_388_607,
        -8_388_609,
        i32::MAX as i64 + 1,
        i64::MIN,
    ];
    for v in vals {
        lp.push_int(v);
    }
    lp.push(b"a string");
    lp.push(&vec![b'q'; 5000]);
    let blob = lp.finish();
    let items = packed::listpack(&blob).expect("valid");
    for (v, it) in vals.iter().zip(&items) {
        assert_eq!(it.as_int(), Some(*v));
    }
    assert_eq!(items[vals.len()].to_bytes(), b("a string"));
    assert_eq!(items[vals.len() + 1].to_bytes().len(), 5000);
}

/// Valid payloads, for the mutation fuzzing below (built once).
static CORPUS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    sample_values()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("big"))
        .map(|(_, v)| dump(v.view(), &Options::default()))
        .collect()
});

/// A valid file of the small sample values, without a checksum (so mutations reach the
/// parser).
static FILE: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let values: Vec<_> = sample_values()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("big"))
        .collect();
    write_all(
        &values,
        Options {
            checksum: false,
            ..Options::default()
        },
    )
});

/// A payload with its checksum made valid again after a mutation, so the mutation
/// reaches the value parser instead of stopping at the footer.
fn reseal(mut p: Vec<u8>) -> Vec<u8> {
    if p.len() >= 10 {
        let n = p.len();
        p[n - 10] = 10;
        p[n - 9] = 0;
        let crc = CRC64.checksum(&p[..n - 8]);
        p[n - 8..].copy_from_slice(&crc.to_le_bytes());
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Random byte flips, truncations and insertions in valid DUMP payloads: RESTORE
    /// either loads a value or refuses, never panics.
    #[test]
    fn mutated_payloads_never_panic(
        which in 0usize..16,
        edits in proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..6),
        cut in any::<u16>(),
    ) {
        let mut p = CORPUS[which % CORPUS.len()].clone();
        for (pos, byte, how) in edits {
            if p.is_empty() { break; }
            let i = pos as usize % p.len();
            match how {
                0 => p[i] = byte,
                1 => p.insert(i, byte),
                _ => { p.remove(i); }
            }
        }
        let p = reseal(p);
        let _ = restore_value(&p, &Default::default());
        let n = cut as usize % (p.len() + 1);
        let _ = restore_value(&reseal(p[..n].to_vec()), &Default::default());
    }

    /// The same for whole files: any mutation loads or is refused with an offset inside
    /// the file.
    #[test]
    fn mutated_files_never_panic(
        edits in proptest::collection::vec((any::<u32>(), any::<u8>()), 1..8),
    ) {
        let mut f = FILE.clone();
        for (pos, byte) in edits {
            let i = pos as usize % f.len();
            f[i] = byte;
        }
        if let Err(e) = read_all(&f) {
            prop_assert!(e.offset <= f.len() as u64);
        }
    }
}
