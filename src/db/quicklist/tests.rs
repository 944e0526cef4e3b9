//! The quicklist against a naive model, a `VecDeque` of elements: random operation
//! sequences (proptest) must leave both with the same elements, and the node invariants
//! (no empty node, counts adding up to the length, no packed node past its bound) must
//! hold after every step.

use super::*;
use proptest::prelude::*;
use std::collections::VecDeque;

type Model = VecDeque<Vec<u8>>;

#[derive(Debug, Clone)]
enum Op {
    PushBack(Vec<u8>),
    PushFront(Vec<u8>),
    PopBack,
    PopFront,
    DrainFront(usize),
    DrainBack(usize),
    Set(usize, Vec<u8>),
    Insert(usize, Vec<u8>),
    Keep(usize, usize),
    Remove(usize, usize, u8),
}

fn elem() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => prop::collection::vec(b'a'..b'd', 0..3),
        1 => prop::collection::vec(any::<u8>(), 100..300),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => elem().prop_map(Op::PushBack),
        4 => elem().prop_map(Op::PushFront),
        1 => Just(Op::PopBack),
        1 => Just(Op::PopFront),
        1 => (0..8usize).prop_map(Op::DrainFront),
        1 => (0..8usize).prop_map(Op::DrainBack),
        1 => (0..64usize, elem()).prop_map(|(i, e)| Op::Set(i, e)),
        2 => (0..64usize, elem()).prop_map(|(i, e)| Op::Insert(i, e)),
        1 => (0..64usize, 0..64usize).prop_map(|(a, b)| Op::Keep(a, b)),
        1 => (0..64usize, 0..4usize, b'a'..b'd').prop_map(|(f, n, c)| Op::Remove(f, n, c)),
    ]
}

fn apply(l: &mut List, m: &mut Model, op: &Op) {
    match op {
        Op::PushBack(e) => {
            l.push_back(e);
            m.push_back(e.clone());
        }
        Op::PushFront(e) => {
            l.push_front(e);
            m.push_front(e.clone());
        }
        Op::PopBack => assert_eq!(l.pop_back().map(|b| b.to_vec()), m.pop_back()),
        Op::PopFront => assert_eq!(l.pop_front().map(|b| b.to_vec()), m.pop_front()),
        Op::DrainFront(n) => {
            let want: Vec<Vec<u8>> = m.drain(..(*n).min(m.len())).collect();
            let got: Vec<Vec<u8>> = l.drain_front(*n).iter().map(|b| b.to_vec()).collect();
            assert_eq!(got, want);
        }
        Op::DrainBack(n) => {
            let start = m.len() - (*n).min(m.len());
            let want: Vec<Vec<u8>> = m.drain(start..).rev().collect();
            let got: Vec<Vec<u8>> = l.drain_back(*n).iter().map(|b| b.to_vec()).collect();
            assert_eq!(got, want);
        }
        Op::Set(i, e) => {
            assert_eq!(l.set(*i, e), *i < m.len());
            if let Some(x) = m.get_mut(*i) {
                *x = e.clone();
            }
        }
        Op::Insert(i, e) => {
            let i = (*i).min(m.len());
            l.insert(i, e);
            m.insert(i, e.clone());
        }
        Op::Keep(a, b) => {
            if a <= b && *a < m.len() {
                let b = (*b).min(m.len() - 1);
                l.keep(*a, b);
                m.truncate(b + 1);
                m.drain(..*a);
            }
        }
        Op::Remove(from, n, c) => {
            let limit = if *n == 0 { usize::MAX } else { *n };
            let mut removed = 0;
            let mut i = 0;
            m.retain(|e| {
                let gone = i >= *from && removed < limit && e == &[*c];
                i += 1;
                removed += usize::from(gone);
                !gone
            });
            assert_eq!(l.remove_matching(*from, limit, |e| e == [*c]), removed);
        }
    }
}

/// The node invariants, and the list's content against the model, every way it is read.
fn check(l: &List, m: &Model) {
    assert_eq!(l.len(), m.len());
    assert_eq!(l.nodes().map(Pack::len).sum::<usize>(), l.len());
    assert!(l.nodes().all(|n| !n.is_empty()), "an empty node");
    let got: Vec<&[u8]> = l.iter().collect();
    let want: Vec<&[u8]> = m.iter().map(|e| &e[..]).collect();
    assert_eq!(got, want);
    let rev: Vec<&[u8]> = l.iter_rev().collect();
    assert_eq!(l.iter().len(), m.len());
    assert_eq!(rev, want.iter().rev().copied().collect::<Vec<_>>());
    for (i, e) in want.iter().enumerate() {
        assert_eq!(l.get(i), Some(*e));
    }
    assert_eq!(l.get(m.len()), None);
    if !m.is_empty() {
        let (a, b) = (m.len() / 3, m.len() - 1 - m.len() / 4);
        let part: Vec<&[u8]> = l.range(a, b).collect();
        assert_eq!(part, want[a..=b].to_vec());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn matches_a_deque(fill in prop_oneof![Just(1), Just(3), Just(-1), Just(-2)],
                       ops in prop::collection::vec(op(), 0..120)) {
        let mut l = List::with_fill(fill);
        let mut m = Model::new();
        for op in &ops {
            apply(&mut l, &mut m, op);
            check(&l, &m);
        }
    }
}

#[test]
fn nodes_follow_the_fill() {
    // Positive: that many entries per node.
    let mut l = List::with_fill(3);
    (0..10).for_each(|i| l.push_back(format!("{i}").as_bytes()));
    assert_eq!(l.nodes().map(Pack::len).collect::<Vec<_>>(), [3, 3, 3, 1]);
    (0..4).for_each(|i| l.push_front(format!("{i}").as_bytes()));
    assert_eq!(
        l.nodes().map(Pack::len).collect::<Vec<_>>(),
        [1, 3, 3, 3, 3, 1]
    );
    // Negative: bytes. Elements of 100 bytes take 101 packed; a node of 7 + 101 * k bytes
    // takes one more while that plus Redis's estimate for it (103) stays within 8 KB.
    let mut l = List::new();
    (0..100).for_each(|_| l.push_back(&[b'x'; 100]));
    assert_eq!(l.nodes().map(Pack::len).collect::<Vec<_>>(), [81, 19]);
    l.set_fill(-1);
    (0..100).for_each(|_| l.push_back(&[b'x'; 100]));
    assert_eq!(
        l.nodes().map(Pack::len).collect::<Vec<_>>(),
        [81, 40, 40, 39]
    );
}

#[test]
fn a_big_element_sits_alone() {
    let mut l = List::new();
    l.push_back(b"a");
    l.push_back(&[b'x'; 10_000]);
    l.push_back(b"b");
    l.push_front(&[b'y'; 9_000]);
    assert_eq!(l.nodes().map(Pack::len).collect::<Vec<_>>(), [1, 1, 1, 1]);
    // Inserting into a full node splits it at the insertion point.
    let mut l = List::with_fill(2);
    l.push_back(b"a");
    l.push_back(b"c");
    l.insert(1, b"b");
    assert_eq!(l.iter().collect::<Vec<_>>(), [b"a", b"b", b"c"]);
    assert_eq!(l.nodes().map(Pack::len).collect::<Vec<_>>(), [2, 1]);
}

#[test]
fn a_short_list_is_small() {
    // Ten short elements: one node of ten packed entries and one slot in the node table,
    // where a `VecDeque<Bytes>` took a 320-byte table and a block per element.
    let l: List = (0..10).map(|i| format!("element:{i}")).collect();
    assert_eq!(l.nodes().len(), 1);
    let packed = 10 * (1 + "element:0".len());
    assert_eq!(l.nodes().map(Pack::bytes).sum::<usize>(), packed);
    assert!(
        l.heap_bytes() <= packed + std::mem::size_of::<Pack>(),
        "{} heap bytes",
        l.heap_bytes()
    );
    // Held inline in a `Value`, beside a string's `Bytes`.
    assert_eq!(std::mem::size_of::<List>(), 32);
}

#[test]
fn index_walks_nodes_not_elements() {
    // 100k elements in about a hundred nodes: the middle is found by node counts.
    let l: List = (0..100_000).map(|i| format!("{i:06}")).collect();
    assert!(l.nodes().len() < 200, "{} nodes", l.nodes().len());
    assert_eq!(l.get(50_000), Some(&b"050000"[..]));
    assert_eq!(l.get(99_999), Some(&b"099999"[..]));
    assert_eq!(
        l.range(49_999, 50_001).collect::<Vec<_>>(),
        [b"049999", b"050000", b"050001"]
    );
}
