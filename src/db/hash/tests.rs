//! Unit tests of [`Hash`]: both encodings, the conversion edges, loading, and the size of a
//! small hash.

use super::*;

fn limits(entries: usize, value: usize) -> EncLimits {
    EncLimits {
        hash_entries: entries,
        hash_value: value,
        ..EncLimits::default()
    }
}

fn pairs(h: &Hash) -> Vec<(Vec<u8>, Vec<u8>)> {
    h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect()
}

fn owned(items: &[(&str, &str)]) -> Vec<(Vec<u8>, Vec<u8>)> {
    items
        .iter()
        .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect()
}

/// Both encodings answer the same: order, updates in place, removal closing the gap.
#[test]
fn packed_and_table_behave_alike() {
    for l in [EncLimits::default(), limits(0, 64)] {
        let mut h = Hash::new();
        assert!(h.insert(b"a", b"1", &l));
        assert!(h.insert(b"b", b"2", &l));
        assert!(h.insert(b"c", b"3", &l));
        assert!(!h.insert(b"a", b"one", &l), "an update is not new");
        assert_eq!(h.is_listpack(), l.hash_entries > 0);
        assert_eq!(h.len(), 3);
        assert_eq!(h.get(b"a"), Some(&b"one"[..]));
        assert_eq!(h.get(b"1"), None, "a value is not a field");
        assert!(h.contains(b"c") && !h.contains(b"d"));
        assert_eq!(pairs(&h), owned(&[("a", "one"), ("b", "2"), ("c", "3")]));
        assert_eq!(h.get_index(1), Some((&b"b"[..], &b"2"[..])));
        assert_eq!(h.get_index(3), None);
        let ix = h.indexed();
        for i in 0..4 {
            assert_eq!(ix.get(i), h.get_index(i));
        }
        assert_eq!(h.fields().collect::<Vec<_>>(), [&b"a"[..], b"b", b"c"]);
        assert_eq!(h.values().collect::<Vec<_>>(), [&b"one"[..], b"2", b"3"]);
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.len(), 2);
        assert!(h.remove(b"b") && h.remove(b"c"));
        assert!(h.is_empty());
        assert_eq!(h.iter().count(), 0);
    }
}

#[test]
fn packed_removal_keeps_insertion_order() {
    let l = EncLimits::default();
    let mut h = Hash::new();
    for f in ["a", "b", "c", "d", "e"] {
        h.insert(f.as_bytes(), f.as_bytes(), &l);
    }
    h.remove(b"b");
    h.remove(b"d");
    h.insert(b"f", b"f", &l);
    assert_eq!(
        h.fields().collect::<Vec<_>>(),
        [&b"a"[..], b"c", b"e", b"f"]
    );
}

#[test]
fn converts_one_past_the_entry_limit_and_never_back() {
    let l = limits(4, 64);
    let mut h = Hash::new();
    for i in 0..4 {
        h.insert(format!("f{i}").as_bytes(), b"v", &l);
    }
    assert!(h.is_listpack(), "exactly at the limit");
    assert!(!h.insert(b"f0", b"w", &l), "an update adds nothing");
    assert!(h.is_listpack());
    h.insert(b"f4", b"v", &l);
    assert!(!h.is_listpack(), "one past");
    assert_eq!(
        h.fields().collect::<Vec<_>>(),
        [&b"f0"[..], b"f1", b"f2", b"f3", b"f4"],
        "the conversion keeps the order"
    );
    assert_eq!(h.get(b"f0"), Some(&b"w"[..]));
    for i in 0..4 {
        h.remove(format!("f{i}").as_bytes());
    }
    assert_eq!(h.len(), 1);
    assert!(!h.is_listpack(), "shrinking does not convert back");
}

#[test]
fn converts_on_a_long_field_or_value() {
    let l = limits(512, 8);
    let at = [b'x'; 8];
    let past = [b'x'; 9];
    let mut h = Hash::new();
    h.insert(&at, &at, &l);
    assert!(h.is_listpack(), "exactly at the value limit");
    h.insert(b"f", &past, &l);
    assert!(!h.is_listpack(), "a value one past");
    let mut h = Hash::new();
    h.insert(&past, b"v", &l);
    assert!(!h.is_listpack(), "a field one past");
    let mut h = Hash::new();
    h.insert(b"f", b"v", &l);
    h.insert(b"f", &past, &l);
    assert!(
        !h.is_listpack(),
        "updating an existing field with a long value"
    );
    assert_eq!(pairs(&h), vec![(b"f".to_vec(), past.to_vec())]);
}

/// A threshold lowered between writes applies at the next write, an update included (as
/// Redis checks the count after every set); removals never convert.
#[test]
fn lowered_limits_apply_to_later_writes() {
    let mut h = Hash::new();
    for i in 0..3 {
        h.insert(format!("f{i}").as_bytes(), b"v", &EncLimits::default());
    }
    let lower = limits(2, 64);
    h.remove(b"f9");
    assert!(h.is_listpack());
    h.insert(b"f0", b"w", &lower);
    assert!(
        !h.is_listpack(),
        "3 fields under a limit of 2, after an update"
    );
    let mut h = Hash::new();
    for i in 0..3 {
        h.insert(format!("f{i}").as_bytes(), b"v", &EncLimits::default());
    }
    h.remove(b"f2");
    h.insert(b"f0", b"w", &lower);
    assert!(h.is_listpack(), "2 fields under a limit of 2");
}

#[test]
fn empty_and_binary_strings() {
    let l = EncLimits::default();
    let mut h = Hash::new();
    let bin = [0u8, 0xff, b'\r', b'\n', 0x80];
    assert!(h.insert(b"", b"", &l));
    assert!(h.insert(&bin, &bin[..2], &l));
    assert!(h.insert(&[0x80; 200][..64], b"", &l));
    assert!(h.is_listpack());
    assert_eq!(h.get(b""), Some(&b""[..]));
    assert_eq!(h.get(&bin), Some(&bin[..2]));
    assert_eq!(h.get(&bin[..4]), None);
    assert!(h.remove(b""));
    assert_eq!(h.len(), 2);
    assert_eq!(h.get(&bin), Some(&bin[..2]));
}

#[test]
fn load_picks_the_encoding_from_the_content() {
    let b = |s: &str| Bytes::copy_from_slice(s.as_bytes());
    let l = limits(2, 4);
    let two = || vec![(b("a"), b("1")), (b("b"), b("2"))];
    let h = Hash::load(two(), true, &l).unwrap();
    assert!(h.is_listpack());
    assert_eq!(pairs(&h), owned(&[("a", "1"), ("b", "2")]));
    let mut three = two();
    three.push((b("c"), b("3")));
    assert!(!Hash::load(three.clone(), true, &l).unwrap().is_listpack());
    assert!(!Hash::load(three, false, &l).unwrap().is_listpack());
    let long = vec![(b("a"), b("12345"))];
    assert!(!Hash::load(long.clone(), true, &l).unwrap().is_listpack());
    assert!(
        Hash::load(long, false, &l).unwrap().is_listpack(),
        "a packed payload is taken as is whatever its lengths"
    );
    let dup = vec![(b("a"), b("1")), (b("a"), b("2"))];
    assert_eq!(Hash::load(dup, false, &l), Err(Duplicate));
    assert!(Hash::load(Vec::new(), true, &l).unwrap().is_empty());
}

#[test]
fn equality_ignores_encoding_and_order() {
    let mut a = Hash::new();
    let mut b = Hash::new();
    a.insert(b"x", b"1", &EncLimits::default());
    a.insert(b"y", b"2", &EncLimits::default());
    b.insert(b"y", b"2", &limits(0, 64));
    b.insert(b"x", b"1", &limits(0, 64));
    assert!(a.is_listpack() && !b.is_listpack());
    assert_eq!(a, b);
    b.insert(b"x", b"other", &EncLimits::default());
    assert_ne!(a, b);
}

/// The memory benchmark's hash (2 fields of 8-byte names and 16-byte values) costs one
/// buffer of its entries plus a byte of header each, and the hash itself is no bigger than
/// a string value, so `Value` holds it without a box.
#[test]
fn a_small_hash_stays_within_its_byte_budget() {
    let l = EncLimits::default();
    let mut h = Hash::new();
    h.insert(b"field:01", &[b'v'; 16], &l);
    h.insert(b"field:02", &[b'w'; 16], &l);
    assert_eq!(h.packed_bytes(), Some(2 * (1 + 8 + 1 + 16)));
    assert!(std::mem::size_of::<Hash>() <= std::mem::size_of::<Bytes>());
    // Updates and removals leave no slack beyond what a shrink is worth.
    h.insert(b"field:01", b"v", &l);
    h.remove(b"field:02");
    assert!(h.packed_bytes().unwrap() <= 2 * (1 + 8 + 1 + 16));
}
