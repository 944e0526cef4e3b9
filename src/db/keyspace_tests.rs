//! Unit tests of the keyspace: expiry, TTL bookkeeping, random keys, renames and copies,
//! and values kept inline or not.

use super::*;
use crate::db::node::INLINE_MAX;

fn s(v: &str) -> Value {
    Value::str(v.as_bytes())
}

#[test]
fn expired_keys_are_never_visible() {
    let mut db = Db::new();
    db.set(b"a", s("1"), Some(100));
    assert!(db.get(b"a", 99).is_some());
    assert!(db.get(b"a", 100).is_none());
    assert_eq!(db.len(), 0);
    assert_eq!(db.volatile_len(), 0);
    assert_eq!(db.expired, 1);
}

#[test]
fn ttl_bookkeeping_follows_set_and_persist() {
    let mut db = Db::new();
    db.set(b"a", s("1"), Some(100));
    assert_eq!(db.volatile_len(), 1);
    db.set(b"a", s("2"), None);
    assert_eq!(db.volatile_len(), 0);
    assert!(db.set_expire(b"a", Some(50), 0));
    assert_eq!(db.volatile_len(), 1);
    assert!(db.set_expire(b"a", None, 0));
    assert_eq!(db.volatile_len(), 0);
    assert!(!db.set_expire(b"zz", Some(1), 0));
}

#[test]
fn random_key_is_uniform_enough_and_skips_expired() {
    let mut db = Db::new();
    let mut x = 7u64;
    let mut rand = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x >> 11
    };
    assert_eq!(db.random_key(0, &mut rand), None);
    for i in 0..4 {
        db.set(format!("k{i}").as_bytes(), s("v"), None);
    }
    let mut hist = std::collections::HashMap::new();
    for _ in 0..4000 {
        *hist
            .entry(db.random_key(0, &mut rand).expect("a key"))
            .or_insert(0) += 1;
    }
    assert_eq!(hist.len(), 4);
    assert!(hist.values().all(|&n| n > 800), "{hist:?}");
    // 1000 expired keys and one live one: always the live one, never giving up.
    let mut db = Db::new();
    for i in 0..1000 {
        db.set(format!("x{i}").as_bytes(), s("v"), Some(10));
    }
    db.set(b"live", s("v"), None);
    assert_eq!(db.random_key(10, &mut rand).as_deref(), Some(&b"live"[..]));
    db.delete(b"live", 10);
    assert_eq!(db.random_key(10, &mut rand), None);
    assert_eq!((db.len(), db.volatile_len()), (0, 0));
    assert_eq!(db.expired, 1000);
}

#[test]
fn rename_moves_entry_and_ttl_bookkeeping() {
    let mut db = Db::new();
    db.set(b"a", s("1"), Some(500));
    db.set(b"b", s("2"), None);
    assert!(db.rename(b"a", b"b", 0));
    assert_eq!(db.expiry(b"b", 0), Some(Some(500)));
    assert!(!db.contains(b"a", 0));
    assert_eq!((db.len(), db.volatile_len()), (1, 1));
    // Back onto a key with a TTL: the source's lack of TTL wins.
    db.set(b"c", s("3"), None);
    assert!(db.rename(b"c", b"b", 0));
    assert_eq!(db.expiry(b"b", 0), Some(None));
    assert_eq!((db.len(), db.volatile_len()), (1, 0));
    assert!(db.rename(b"b", b"b", 0), "onto itself");
    assert_eq!(db.get(b"b", 0).map(|n| n.value().to_value()), Some(s("3")));
    assert!(!db.rename(b"nope", b"b", 0));
    // An expired source is missing; an expired destination is reclaimed and counted.
    db.set(b"old", s("x"), Some(5));
    assert!(!db.rename(b"old", b"b", 5));
    db.set(b"d", s("4"), Some(5));
    assert!(db.rename(b"b", b"d", 5));
    assert_eq!(db.expired, 2);
    assert_eq!((db.len(), db.volatile_len()), (1, 0));
}

#[test]
fn put_respects_replace_and_copies_ttl() {
    let mut src = Db::new();
    let mut dst = Db::new();
    src.set(b"a", s("1"), Some(900));
    let e = src.copy_entry(b"a", 0).expect("live");
    assert!(dst.put(b"a", e.clone(), false, 0));
    assert_eq!(dst.expiry(b"a", 0), Some(Some(900)));
    assert_eq!(dst.volatile_len(), 1);
    assert!(!dst.put(b"a", Entry::new(s("2"), None), false, 0));
    assert!(dst.put(b"a", Entry::new(s("2"), None), true, 0));
    assert_eq!(dst.get(b"a", 0).map(|n| n.value().to_value()), Some(s("2")));
    assert_eq!(dst.expiry(b"a", 0), Some(None));
    assert_eq!(dst.volatile_len(), 0);
    // An expired destination does not block.
    dst.set(b"z", s("old"), Some(5));
    assert!(dst.put(b"z", e, false, 5));
    assert_eq!(
        src.get(b"a", 0).map(|n| n.value().to_value()),
        Some(s("1")),
        "source untouched"
    );
}

#[test]
fn expiry_reports_missing_persistent_and_volatile() {
    let mut db = Db::new();
    assert_eq!(db.expiry(b"k", 0), None);
    db.set(b"k", s("v"), None);
    assert_eq!(db.expiry(b"k", 0), Some(None));
    db.set_expire(b"k", Some(10), 0);
    assert_eq!(db.expiry(b"k", 9), Some(Some(10)));
    assert_eq!(db.expiry(b"k", 10), None);
    assert_eq!((db.len(), db.volatile_len()), (0, 0));
}

/// A bucket is a hash and the node pointer: the rest of a key lives in its node.
#[test]
fn a_bucket_is_a_hash_and_a_pointer() {
    assert_eq!(std::mem::size_of::<Node>(), 8);
    assert_eq!(std::mem::size_of::<(u64, Node, ())>(), 16);
}

#[test]
fn strings_round_trip_through_set_get_mut_and_remove() {
    let mut db = Db::new();
    for len in [0, 1, 44, INLINE_MAX - 1, INLINE_MAX, INLINE_MAX + 1, 1000] {
        let v = vec![b'x'; len];
        db.set_str(b"k", &v, None);
        assert_eq!(db.get(b"k", 0).map(|n| n.value()), Some(ValueRef::Str(&v)));
        db.set(b"k2", Value::str(&v), Some(50));
        assert_eq!(db.get(b"k2", 0).map(|n| n.value()), Some(ValueRef::Str(&v)));
        // Changing it in place: an inline string moves out first, keeping its TTL.
        match db.get_mut(b"k2", 0) {
            Some(Value::Str(s)) => *s = Bytes::from_static(b"changed"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            db.get(b"k2", 0).map(|n| n.value()),
            Some(ValueRef::Str(b"changed"))
        );
        assert_eq!(db.expiry(b"k2", 0), Some(Some(50)));
        // Same-length overwrite of an inline string happens in place.
        let w = vec![b'y'; len];
        db.set_str(b"k", &w, Some(9));
        assert_eq!(db.get(b"k", 0).map(|n| n.value()), Some(ValueRef::Str(&w)));
        assert_eq!((db.expiry(b"k", 0), db.volatile_len()), (Some(Some(9)), 2));
        let e = db.remove(b"k").expect("there");
        assert_eq!((e.expire_at(), e.into_value()), (Some(9), Value::str(&w)));
        assert!(db.remove(b"k2").is_some());
        assert_eq!((db.len(), db.volatile_len()), (0, 0));
    }
}

#[test]
fn move_between_databases_keeps_value_and_ttl() {
    let mut a = Db::new();
    let mut b = Db::new();
    a.set(b"k", s("v"), Some(70));
    let e = a.delete(b"k", 0).expect("live");
    assert!(b.put(b"k", e, false, 0));
    assert_eq!(b.expiry(b"k", 0), Some(Some(70)));
    assert_eq!(b.get(b"k", 0).map(|n| n.value()), Some(ValueRef::Str(b"v")));
    assert_eq!(
        b.iter(0)
            .map(|(n, at)| (n.key().to_vec(), at))
            .collect::<Vec<_>>(),
        [(b"k".to_vec(), Some(70))]
    );
    assert_eq!(b.iter(70).count(), 0, "expired keys are skipped");
}
