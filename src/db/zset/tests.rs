//! The sorted set against a naive model: a `Vec` of (score, member) kept sorted. Random
//! operation sequences (proptest) must leave both in the same state and answer every
//! query the same way, and the skiplist's invariants (spans, links, order) must hold after
//! every step.

use super::*;
use proptest::prelude::*;

/// The model: elements sorted by (score, member).
#[derive(Default, Debug)]
struct Model(Vec<(f64, Vec<u8>)>);

impl Model {
    fn find(&self, m: &[u8]) -> Option<usize> {
        self.0.iter().position(|(_, x)| x == m)
    }

    fn put(&mut self, m: &[u8], s: f64) {
        if let Some(i) = self.find(m) {
            self.0.remove(i);
        }
        let at = self
            .0
            .iter()
            .position(|(t, x)| *t > s || (*t == s && x.as_slice() > m))
            .unwrap_or(self.0.len());
        self.0.insert(at, (s, m.to_vec()));
    }

    /// Redis's zsetAdd, written the obvious way.
    fn add(&mut self, m: &[u8], s: f64, f: AddFlags) -> Result<Outcome, NotANumber> {
        match self.find(m) {
            None if f.xx => Ok(Outcome::Skipped),
            None => {
                self.put(m, s);
                Ok(Outcome::Added(s))
            }
            Some(_) if f.nx => Ok(Outcome::Skipped),
            Some(i) => {
                let cur = self.0[i].0;
                let s = if f.incr { cur + s } else { s };
                if s.is_nan() {
                    return Err(NotANumber);
                }
                if (f.lt && s >= cur) || (f.gt && s <= cur) {
                    Ok(Outcome::Skipped)
                } else if s == cur {
                    Ok(Outcome::Same(s))
                } else {
                    self.put(m, s);
                    Ok(Outcome::Updated(s))
                }
            }
        }
    }

    /// The ranks of the leading run satisfying `lo_pred`, to the end of the run satisfying
    /// `hi_pred`, as `ZSet::*_span` computes them.
    fn span(
        &self,
        below: impl Fn(&(f64, Vec<u8>)) -> bool,
        upto: impl Fn(&(f64, Vec<u8>)) -> bool,
    ) -> Range<usize> {
        let lo = self.0.iter().take_while(|e| below(e)).count();
        let hi = self.0.iter().take_while(|e| upto(e)).count();
        lo..hi.max(lo)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<u8>, f64, AddFlags),
    Remove(Vec<u8>),
    Pop(bool),
    RemoveRanks(usize, usize),
}

fn member() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![Just(b'a'), Just(b'b'), Just(b'c'), Just(0xff)],
        0..3,
    )
}

fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-3i32..4).prop_map(f64::from),
        Just(0.5),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
    ]
}

fn flags() -> impl Strategy<Value = AddFlags> {
    (0u8..32).prop_map(|b| AddFlags {
        nx: b & 1 != 0 && b & 2 == 0,
        xx: b & 2 != 0,
        gt: b & 4 != 0 && b & 8 == 0,
        lt: b & 8 != 0,
        incr: b & 16 != 0,
    })
}

fn op(score: BoxedStrategy<f64>) -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (member(), score, flags()).prop_map(|(m, s, f)| Op::Add(m, s, f)),
        2 => member().prop_map(Op::Remove),
        1 => any::<bool>().prop_map(Op::Pop),
        1 => (0usize..12, 0usize..12).prop_map(|(a, b)| Op::RemoveRanks(a, b)),
    ]
}

fn apply(z: &mut ZSet, model: &mut Model, op: &Op) {
    match op {
        Op::Add(m, s, f) => assert_eq!(z.add(m, *s, *f), model.add(m, *s, *f)),
        Op::Remove(m) => {
            let want = model.find(m).map(|i| model.0.remove(i).0);
            assert_eq!(z.remove(m), want);
        }
        Op::Pop(max) => {
            let want = if model.0.is_empty() {
                None
            } else if *max {
                model.0.pop()
            } else {
                Some(model.0.remove(0))
            };
            let got = z.pop(*max).map(|(m, s)| (s, m.to_vec()));
            assert_eq!(got, want);
        }
        Op::RemoveRanks(a, b) => {
            let end = (*b).min(model.0.len());
            let start = (*a).min(end);
            let n = z.remove_ranks(*a..*b);
            model.0.drain(start..end);
            assert_eq!(n, end - start);
        }
    }
}

/// Every query the commands make, against the model.
fn compare(z: &ZSet, model: &Model) {
    z.check();
    let all: Vec<(f64, Vec<u8>)> = z.iter().map(|(m, s)| (s, m.to_vec())).collect();
    assert_eq!(all, model.0);
    assert_eq!(z.len(), model.0.len());
    let n = model.0.len();
    for (i, (s, m)) in model.0.iter().enumerate() {
        assert_eq!(z.score(m), Some(*s));
        assert_eq!(z.rank(m, false), Some((i, *s)));
        assert_eq!(z.rank(m, true), Some((n - 1 - i, *s)));
        let fwd: Vec<_> = z
            .iter_from(i, false)
            .map(|(m, s)| (s, m.to_vec()))
            .collect();
        assert_eq!(fwd, model.0[i..]);
        let back: Vec<_> = z.iter_from(i, true).map(|(m, s)| (s, m.to_vec())).collect();
        let want: Vec<_> = model.0[..=i].iter().rev().cloned().collect();
        assert_eq!(back, want);
    }
    assert_eq!(z.iter_from(n, false).count(), 0);
    assert_eq!(z.iter_from(usize::MAX, true).count(), 0);
    let mut positions: Vec<_> = (0..n)
        .map(|p| z.at_position(p).map(|(m, s)| (s, m.to_vec())))
        .collect::<Option<_>>()
        .expect("every position holds an element");
    positions.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let mut sorted = model.0.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    assert_eq!(positions, sorted);
}

fn score_ranges(z: &ZSet, model: &Model) {
    let bounds = [
        f64::NEG_INFINITY,
        -3.0,
        -1.0,
        0.0,
        0.5,
        1.0,
        3.0,
        f64::INFINITY,
    ];
    for &min in &bounds {
        for &max in &bounds {
            for (minex, maxex) in [(false, false), (true, false), (false, true), (true, true)] {
                let r = ScoreRange {
                    min,
                    max,
                    minex,
                    maxex,
                };
                let want = model.span(|e| !r.gte_min(e.0), |e| r.lte_max(e.0));
                assert_eq!(z.score_span(&r), want, "{r:?}");
                // The span is exactly the elements in range.
                let inside = model
                    .0
                    .iter()
                    .filter(|e| r.gte_min(e.0) && r.lte_max(e.0))
                    .count();
                assert_eq!(want.len(), inside, "{r:?}");
            }
        }
    }
}

fn lex_ranges(z: &ZSet, model: &Model) {
    let items = [
        LexItem::Min,
        LexItem::Max,
        LexItem::Str(b""),
        LexItem::Str(b"a"),
        LexItem::Str(b"ab"),
        LexItem::Str(b"b"),
        LexItem::Str(b"c\xff"),
    ];
    for &min in &items {
        for &max in &items {
            for (minex, maxex) in [(false, false), (true, false), (false, true), (true, true)] {
                let r = LexRange {
                    min,
                    max,
                    minex,
                    maxex,
                };
                let want = model.span(|e| !r.gte_min(&e.1), |e| r.lte_max(&e.1));
                assert_eq!(z.lex_span(&r), want, "{r:?}");
                let inside = model
                    .0
                    .iter()
                    .filter(|e| r.gte_min(&e.1) && r.lte_max(&e.1))
                    .count();
                assert_eq!(want.len(), inside, "{r:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn matches_the_model(ops in proptest::collection::vec(op(score().boxed()), 1..120)) {
        let mut z = ZSet::new();
        let mut model = Model::default();
        for op in &ops {
            apply(&mut z, &mut model, op);
            compare(&z, &model);
        }
        score_ranges(&z, &model);
    }

    /// Lex ranges are defined when every score is equal.
    #[test]
    fn lex_ranges_match_the_model(ops in proptest::collection::vec(op(Just(0.0).boxed()), 1..80)) {
        let mut z = ZSet::new();
        let mut model = Model::default();
        for op in &ops {
            // INCR would move scores off zero; keep them equal.
            let op = match op {
                Op::Add(m, s, f) => Op::Add(m.clone(), *s, AddFlags { incr: false, ..*f }),
                other => other.clone(),
            };
            apply(&mut z, &mut model, &op);
        }
        compare(&z, &model);
        lex_ranges(&z, &model);
    }
}

/// A large set exercises the higher skiplist levels: ranks and spans stay right through
/// many inserts, score updates and removals.
#[test]
fn large_set_keeps_ranks() {
    let mut z = ZSet::new();
    let n = 5000;
    for i in 0..n {
        // Scores collide in groups of 7 so members break the ties.
        let m = format!("m{:05}", (i * 7919) % n);
        z.insert(Bytes::from(m), f64::from((i % 7) as u32));
    }
    z.check();
    for i in (0..n).step_by(3) {
        let m = format!("m{i:05}");
        assert!(z.remove(m.as_bytes()).is_some());
    }
    for i in (1..n).step_by(3) {
        let m = format!("m{i:05}");
        z.insert(Bytes::from(m), -f64::from(i as u32));
    }
    z.check();
    let ranked: Vec<_> = z.iter().map(|(m, s)| (s, m.to_vec())).collect();
    for (i, (s, m)) in ranked.iter().enumerate().step_by(97) {
        assert_eq!(z.rank(m, false), Some((i, *s)));
        assert_eq!(
            z.iter_from(i, false).next().map(|(m, _)| m.to_vec()),
            Some(m.clone())
        );
    }
    let gone = z.remove_ranks(100..2000);
    assert_eq!(gone, 1900);
    z.check();
    let r = ScoreRange {
        min: 2.0,
        max: 4.0,
        minex: false,
        maxex: true,
    };
    let span = z.score_span(&r);
    let want = z.iter().filter(|(_, s)| (2.0..4.0).contains(s)).count();
    assert_eq!(span.len(), want);
    while z.len() > 10 {
        z.pop(z.len().is_multiple_of(2));
    }
    z.check();
    let Enc::Big(b) = &z.enc else {
        panic!("a set that grew past the limits stays large")
    };
    assert!(b.list.slots() < 200, "the arena shrank: {}", b.list.slots());
    assert!(
        b.dict.capacity() < 200,
        "the hash shrank: {}",
        b.dict.capacity()
    );
    while z.pop(false).is_some() {}
    z.check();
    assert!(z.is_empty());
}

#[test]
fn equality_ignores_layout() {
    let mut a = ZSet::new();
    let mut b = ZSet::new();
    for i in 0..50u32 {
        a.insert(Bytes::from(format!("{i}")), f64::from(i));
        b.insert(Bytes::from(format!("{}", 49 - i)), f64::from(49 - i));
    }
    assert_eq!(a, b);
    b.insert(Bytes::from_static(b"7"), 0.5);
    assert_ne!(a, b);
    assert_eq!(a.max_member_len(), 2);
}

/// A small set costs its box and one packed buffer: ten short members with integral scores
/// take a couple of bytes of overhead each, not a table and a block per member.
#[test]
fn small_set_stays_within_a_byte_budget() {
    let mut z = ZSet::new();
    for i in 0..10u32 {
        z.insert(Bytes::from(format!("member:{i}")), f64::from(i * 1000));
    }
    assert!(z.is_listpack());
    // Per member: 1 + 8 bytes of member, 1 + at most 2 bytes of score.
    assert!(z.packed_bytes() <= 120, "{} bytes", z.packed_bytes());
    assert!(std::mem::size_of::<ZSet>() <= 40);
}

/// The encoding turns large one past either limit, never back on removal, and a computed
/// result converts back when it fits.
#[test]
fn converts_past_the_limits_and_stays_large() {
    let mut z = ZSet::with_limits(4, 8);
    for i in 0..4u32 {
        z.insert(Bytes::from(format!("m{i}")), f64::from(i));
    }
    assert!(z.is_listpack(), "exactly at the entry limit");
    z.insert(Bytes::from_static(b"m4"), 4.0);
    assert!(!z.is_listpack(), "one past the entry limit");
    z.check();
    z.remove(b"m4");
    z.remove(b"m3");
    assert!(!z.is_listpack(), "removals do not convert back");
    z.insert(Bytes::from_static(b"neg"), -0.0);
    assert!(z.score(b"neg").is_some_and(|s| s.is_sign_negative()));
    z.fit_encoding();
    assert!(z.is_listpack());
    assert!(z.score(b"neg").is_some_and(|s| s.is_sign_positive()));
    let got: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
    let want = [("m0", 0.0), ("neg", 0.0), ("m1", 1.0), ("m2", 2.0)];
    let want: Vec<(Vec<u8>, f64)> = want
        .iter()
        .map(|(m, s)| (m.as_bytes().to_vec(), *s))
        .collect();
    assert_eq!(got, want);
    z.check();

    let mut long = ZSet::with_limits(4, 8);
    long.insert(Bytes::from_static(b"12345678"), 1.0);
    assert!(long.is_listpack(), "a member exactly at the value limit");
    long.insert(Bytes::from_static(b"123456789"), 2.0);
    assert!(!long.is_listpack(), "a member one past the value limit");
    long.make_large();
    long.fit_encoding();
    assert!(!long.is_listpack(), "a long member keeps a result large");
}

/// Walking down from a rank, popping from either end and ranks work alike in both
/// encodings, empty and binary members included.
#[test]
fn both_encodings_answer_alike() {
    let members: [&[u8]; 5] = [b"", b"\x00\xff", b"a", b"b\r\n", b"\xff"];
    let mut small = ZSet::new();
    let mut big = ZSet::new_large();
    for (i, m) in members.iter().enumerate() {
        let s = [1.5, -2.0, 1.5, f64::INFINITY, 0.0][i];
        small.insert(Bytes::copy_from_slice(m), s);
        big.insert(Bytes::copy_from_slice(m), s);
    }
    assert!(small.is_listpack() && !big.is_listpack());
    assert_eq!(small, big);
    for rank in 0..6 {
        for rev in [false, true] {
            let a: Vec<_> = small.iter_from(rank, rev).collect();
            let b: Vec<_> = big.iter_from(rank, rev).collect();
            assert_eq!(a, b, "rank {rank} rev {rev}");
        }
    }
    for m in members {
        assert_eq!(small.rank(m, true), big.rank(m, true));
    }
    assert_eq!(small.pop(true), big.pop(true));
    assert_eq!(small.pop(false), big.pop(false));
    assert_eq!(small.remove_ranks(1..9), big.remove_ranks(1..9));
    assert_eq!(small, big);
    small.check();
    big.check();
}
