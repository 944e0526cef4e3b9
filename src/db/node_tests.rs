//! Unit tests of the node block: layout round trips for every value kind, key lengths
//! across the one-byte/eight-byte boundary, strings around the inline threshold, and
//! clone/drop ownership.

use super::*;
use crate::db::value::{Hash, List, Set};
use bytes::Bytes;

fn kinds() -> Vec<Value> {
    let mut h = Hash::new();
    h.insert(b"f", b"v", &crate::db::EncLimits::default());
    let mut l = List::default();
    l.push_back(b"a");
    let mut s = Set::new();
    s.insert(b"m");
    vec![
        Value::str(b""),
        Value::str(b"short"),
        Value::str(&[7u8; 5000]),
        Value::List(l),
        Value::Hash(h),
        Value::Set(s),
        Value::ZSet(Box::default()),
        Value::Stream(Box::default()),
    ]
}

#[test]
fn every_kind_round_trips_under_every_key_length() {
    for klen in [0, 1, 254, 255, 256, 70_000] {
        let key: Vec<u8> = (0..klen).map(|i| (i % 251) as u8).collect();
        for v in kinds() {
            let mut n = Node::new(&key, v.clone(), 0x12_3456, 77);
            assert_eq!(n.key(), &key[..]);
            assert_eq!(n.value(), v);
            assert_eq!((n.lru(), n.snap(), n.has_ttl()), (0x12_3456, 77, false));
            n.set_ttl_flag(true);
            n.set_lru(0xFF_FFFF);
            n.set_snap(3);
            assert_eq!((n.lru(), n.snap(), n.has_ttl()), (0xFF_FFFF, 3, true));
            assert_eq!(n.key(), &key[..], "flags leave the key alone");
            let c = n.clone();
            assert_eq!(
                (c.key(), c.value(), c.lru(), c.snap()),
                (&key[..], n.value(), n.lru(), 3)
            );
            assert!(c.has_ttl());
            drop(n);
            assert_eq!(c.into_value(), v, "the clone owns its own copy");
        }
    }
}

#[test]
fn strings_around_the_inline_threshold() {
    for len in [
        0,
        1,
        44,
        45,
        INLINE_MAX - 1,
        INLINE_MAX,
        INLINE_MAX + 1,
        4096,
    ] {
        let data = vec![b'z'; len];
        for n in [
            Node::with_str(b"key", &data, 1, 2),
            Node::new(b"key", Value::str(&data), 1, 2),
        ] {
            assert_eq!(n.value(), ValueRef::Str(&data));
            assert_eq!(n.as_value().is_none(), len <= INLINE_MAX, "{len}");
            let inline_size = HEADER + 1 + 3 + 1 + len;
            if len <= INLINE_MAX {
                assert_eq!(n.block_size(), inline_size);
            }
        }
    }
}

#[test]
fn value_mut_moves_an_inline_string_out_and_keeps_the_header() {
    let mut n = Node::with_str(b"k", b"abc", 5, 6);
    n.set_ttl_flag(true);
    match n.value_mut() {
        Value::Str(s) => *s = Bytes::from_static(b"abcdef"),
        other => panic!("{other:?}"),
    }
    assert_eq!(n.value(), ValueRef::Str(b"abcdef"));
    assert!(n.as_value().is_some());
    assert_eq!(
        (n.key(), n.lru(), n.snap(), n.has_ttl()),
        (&b"k"[..], 5, 6, true)
    );
    // A value node hands out the same value.
    *n.value_mut() = Value::Set(Set::new());
    assert_eq!(n.value().type_name(), "set");
}

#[test]
fn overwrite_is_in_place_only_for_same_length_inline_strings() {
    let mut n = Node::with_str(b"k", b"aaaa", 0, 0);
    assert!(n.overwrite_str(b"bbbb"));
    assert_eq!(n.value(), ValueRef::Str(b"bbbb"));
    assert!(!n.overwrite_str(b"ccc"));
    let mut big = Node::with_str(b"k", &[1; 300], 0, 0);
    assert!(!big.overwrite_str(&[2; 300]));
    assert_eq!(big.value(), ValueRef::Str(&[1; 300]));
}

#[test]
fn rekey_keeps_value_and_flags() {
    for v in kinds() {
        let mut n = Node::new(b"old", v.clone(), 9, 4);
        n.set_ttl_flag(true);
        let long = vec![b'k'; 300];
        let m = n.rekey(&long);
        assert_eq!(
            (m.key(), m.value(), m.lru(), m.snap()),
            (&long[..], v.view(), 9, 4)
        );
        assert!(m.has_ttl());
        let back = m.rekey(b"x");
        assert_eq!((back.key(), back.value()), (&b"x"[..], v.view()));
    }
}

#[test]
fn nodes_hash_and_compare_as_their_key_bytes() {
    let st = ahash::RandomState::new();
    let n = Node::with_str(b"hello", b"v", 0, 0);
    assert_eq!(st.hash_one(&n), st.hash_one(&b"hello"[..]));
    let mut map: indexmap::IndexMap<Node, (), ahash::RandomState> = Default::default();
    map.insert(n, ());
    assert!(map.contains_key(&b"hello"[..]));
    assert!(!map.contains_key(&b"hell"[..]));
}

#[test]
fn a_node_is_one_pointer_and_send() {
    fn send<T: Send + Sync>() {}
    send::<Node>();
    assert_eq!(size_of::<Node>(), 8);
    assert_eq!(size_of::<Option<Node>>(), 8);
}
