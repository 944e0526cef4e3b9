//! Unit tests of the stream model: IDs given by XADD, trimming, deletion bookkeeping, the
//! node layout and the read counters. Expected numbers were measured on Redis 7.0.15.

use super::*;

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .flat_map(|(f, v)| {
            [
                Bytes::copy_from_slice(f.as_bytes()),
                Bytes::copy_from_slice(v.as_bytes()),
            ]
        })
        .collect()
}

/// A stream with entries 1-0 ..= n-0, each `a <i>`.
fn numbered(n: u64) -> Stream {
    let mut s = Stream::new();
    for i in 1..=n {
        s.push(id(i, 0), fields(&[("a", &i.to_string())]));
    }
    s
}

#[test]
fn next_id_follows_the_clock_and_never_goes_back() {
    let mut s = Stream::new();
    assert_eq!(s.next_id(None, 1000), Ok(id(1000, 0)));
    s.push(id(1000, 0), fields(&[("a", "1")]));
    // Same millisecond, or a clock that went back: next sequence of the last ID.
    assert_eq!(s.next_id(None, 1000), Ok(id(1000, 1)));
    assert_eq!(s.next_id(None, 5), Ok(id(1000, 1)));
    assert_eq!(s.next_id(None, 2000), Ok(id(2000, 0)));
    // Explicit IDs must grow.
    assert_eq!(
        s.next_id(Some((id(1000, 0), true)), 0),
        Err(AddError::TooSmall)
    );
    assert_eq!(
        s.next_id(Some((id(999, 9), true)), 0),
        Err(AddError::TooSmall)
    );
    assert_eq!(s.next_id(Some((id(1000, 1), true)), 0), Ok(id(1000, 1)));
    // `<ms>-*`: the next sequence within the last ID's millisecond, else 0.
    assert_eq!(s.next_id(Some((id(1000, 0), false)), 0), Ok(id(1000, 1)));
    assert_eq!(s.next_id(Some((id(1001, 0), false)), 0), Ok(id(1001, 0)));
    assert_eq!(
        s.next_id(Some((id(999, 0), false)), 0),
        Err(AddError::TooSmall)
    );
    s.last_id = id(7, u64::MAX);
    assert_eq!(
        s.next_id(Some((id(7, 0), false)), 0),
        Err(AddError::TooSmall)
    );
    assert_eq!(s.next_id(None, 0), Ok(id(8, 0)));
}

#[test]
fn push_tracks_first_last_and_count() {
    let s = numbered(3);
    assert_eq!(
        (s.len(), s.first_id, s.last_id, s.entries_added),
        (3, id(1, 0), id(3, 0), 3)
    );
    assert_eq!(s.get(&id(2, 0)), Some(&fields(&[("a", "2")])));
    assert_eq!(s.first_entry().map(|(k, _)| *k), Some(id(1, 0)));
    assert_eq!(s.last_entry().map(|(k, _)| *k), Some(id(3, 0)));
}

#[test]
fn delete_records_the_largest_deleted_id_and_the_new_first() {
    let mut s = numbered(5);
    assert_eq!(s.delete(&[id(3, 0), id(3, 0), id(9, 0)]), 1);
    assert_eq!((s.max_deleted_id, s.first_id), (id(3, 0), id(1, 0)));
    assert_eq!(s.delete(&[id(1, 0), id(2, 0)]), 2);
    assert_eq!((s.max_deleted_id, s.first_id), (id(3, 0), id(4, 0)));
    assert_eq!(s.delete(&[id(5, 0), id(4, 0)]), 2);
    // Empty but kept: its last ID and counters stay.
    assert!(s.is_empty());
    assert_eq!(
        (s.first_id, s.last_id, s.entries_added),
        (StreamId::MIN, id(5, 0), 5)
    );
    assert_eq!(s.max_deleted_id, id(5, 0));
    assert_eq!(s.radix_keys(), 0);
}

#[test]
fn nodes_hold_a_hundred_entries() {
    let s = numbered(250);
    assert_eq!((s.radix_keys(), s.radix_nodes()), (3, 8));
    // Large entries fill a node by bytes first.
    let mut big = Stream::new();
    for i in 1..=10 {
        big.push(id(i, 0), fields(&[("f", &"x".repeat(1000))]));
    }
    assert_eq!(big.radix_keys(), 3);
}

#[test]
fn approximate_maxlen_removes_whole_nodes_only() {
    let mut s = numbered(250);
    assert_eq!(s.trim(Trim::MaxLen(1), true, 10_000), 200);
    assert_eq!((s.len(), s.first_id, s.radix_keys()), (50, id(201, 0), 1));
    // Nothing more can go whole.
    assert_eq!(s.trim(Trim::MaxLen(1), true, 10_000), 0);
    // LIMIT bounds the work: a node of 100 does not fit in 50.
    let mut s = numbered(250);
    assert_eq!(s.trim(Trim::MaxLen(0), true, 50), 0);
    assert_eq!(s.trim(Trim::MaxLen(0), true, 150), 100);
    assert_eq!(s.len(), 150);
}

#[test]
fn exact_maxlen_trims_inside_a_node() {
    let mut s = numbered(250);
    assert_eq!(s.trim(Trim::MaxLen(10), false, 0), 240);
    assert_eq!((s.len(), s.first_id), (10, id(241, 0)));
    // The last node keeps its 40 tombstones.
    assert_eq!(s.radix_keys(), 1);
    assert_eq!(s.trim(Trim::MaxLen(10), false, 0), 0);
    assert_eq!(s.trim(Trim::MaxLen(0), false, 0), 10);
    assert!(s.is_empty());
    assert_eq!(s.first_id, StreamId::MIN);
    // Trimming is not deleting: the tombstone marker stays where XDEL left it.
    assert_eq!(s.max_deleted_id, StreamId::MIN);
}

#[test]
fn minid_trims_below_the_threshold() {
    let mut s = numbered(250);
    assert_eq!(s.trim(Trim::MinId(id(150, 0)), true, 10_000), 100);
    assert_eq!(s.first_id, id(101, 0));
    assert_eq!(s.trim(Trim::MinId(id(150, 0)), false, 0), 49);
    assert_eq!(s.first_id, id(150, 0));
    assert_eq!(s.trim(Trim::MinId(id(150, 0)), false, 0), 0);
    assert_eq!(s.trim(Trim::MinId(StreamId::MAX), false, 0), 101);
    assert!(s.is_empty());
}

#[test]
fn minid_treats_a_node_ending_in_a_tombstone_as_reaching_it() {
    // Redis compares a node's last entry, deleted or not, with the threshold.
    let mut s = numbered(5);
    s.delete(&[id(5, 0)]);
    assert_eq!(s.trim(Trim::MinId(id(5, 0)), true, 10_000), 0);
    assert_eq!(s.trim(Trim::MinId(id(5, 0)), false, 0), 4);
    assert!(s.is_empty());
    assert_eq!(s.radix_keys(), 1);
}

#[test]
fn read_counters_follow_redis() {
    let mut s = numbered(2);
    s.delete(&[id(1, 0)]);
    let mut g = Group::new(StreamId::MIN, None);
    assert_eq!(s.lag(&g), Some(1));
    s.delete(&[id(2, 0)]);
    assert_eq!(s.lag(&g), Some(0));
    s.push(id(3, 0), fields(&[("a", "3")]));
    assert_eq!(s.lag(&g), Some(1));
    g.last_id = id(3, 0);
    assert_eq!(s.lag(&g), Some(0));
    g.last_id = id(4, 0);
    assert_eq!(s.lag(&g), None);
    // A valid counter and no tombstone after the group: plain arithmetic.
    g = Group::new(id(3, 0), Some(1));
    assert_eq!(s.lag(&g), Some(2));
    // A tombstone ahead of the group makes the lag unknowable.
    let mut s = numbered(4);
    s.delete(&[id(3, 0)]);
    let g = Group::new(id(1, 0), None);
    assert_eq!(s.lag(&g), None);
    assert_eq!(Stream::new().lag(&g), Some(0));
}

#[test]
fn groups_deliver_acknowledge_and_claim() {
    let mut s = numbered(4);
    s.groups
        .insert(Bytes::from_static(b"g"), Group::new(StreamId::MIN, None));
    let got = s.read_new(b"g", b"c1", 2, false, 100).expect("group");
    assert_eq!(got, vec![id(1, 0), id(2, 0)]);
    let g = &s.groups[&b"g"[..]];
    assert_eq!(
        (g.last_id, g.entries_read, g.pel.len()),
        (id(2, 0), Some(2), 2)
    );
    assert_eq!(
        s.read_new(b"g", b"c2", 0, true, 100).map(|v| v.len()),
        Some(2)
    );
    assert_eq!(
        s.groups[&b"g"[..]].pel.len(),
        2,
        "NOACK adds nothing to the PEL"
    );
    // History: c1's own entries, each delivered once more.
    s.delete(&[id(2, 0)]);
    let h = s
        .read_history(b"g", b"c1", StreamId::MIN, 0, 200)
        .expect("group");
    assert_eq!(h, vec![(id(1, 0), true), (id(2, 0), false)]);
    assert_eq!(s.groups[&b"g"[..]].pel[&id(1, 0)].delivery_count, 2);
    // Claiming drops entries that are gone and moves the others.
    let opts = Claim {
        min_idle: 0,
        delivery_time: 300,
        retry_count: None,
        force: false,
        justid: false,
        last_id: StreamId::MIN,
    };
    let got = s.claim(b"g", b"c3", &[id(1, 0), id(2, 0)], &opts, 300);
    assert_eq!(got, Some(vec![id(1, 0)]));
    let g = &s.groups[&b"g"[..]];
    assert_eq!(g.pel.len(), 1);
    assert_eq!(g.pel[&id(1, 0)].consumer, Bytes::from_static(b"c3"));
    assert!(g.consumers[&b"c1"[..]].pel.is_empty());
    assert_eq!(g.consumers[&b"c3"[..]].seen_time, 300);
    // Acknowledging removes it from both lists.
    let g = s.groups.get_mut(&b"g"[..]).expect("group");
    assert!(g.ack(&id(1, 0)));
    assert!(!g.ack(&id(1, 0)));
    assert!(g.consumers[&b"c3"[..]].pel.is_empty());
}

#[test]
fn autoclaim_returns_a_cursor_and_the_deleted_ids() {
    let mut s = numbered(4);
    s.groups
        .insert(Bytes::from_static(b"g"), Group::new(StreamId::MIN, None));
    s.read_new(b"g", b"c1", 0, false, 0);
    s.delete(&[id(2, 0)]);
    let opts = |start, min_idle, count, justid| AutoClaim {
        start,
        min_idle,
        count,
        justid,
    };
    let r = s.autoclaim(b"g", b"c2", &opts(StreamId::MIN, 0, 2, false), 10);
    assert_eq!(r, Some((id(3, 0), vec![id(1, 0)], vec![id(2, 0)])));
    let r = s.autoclaim(b"g", b"c2", &opts(id(3, 0), 0, 10, true), 10);
    assert_eq!(r, Some((StreamId::MIN, vec![id(3, 0), id(4, 0)], vec![])));
    // Too recent to claim: scanned but left, and the scan budget is ten per COUNT.
    let r = s.autoclaim(b"g", b"c3", &opts(StreamId::MIN, 1000, 1, false), 20);
    assert_eq!(r, Some((StreamId::MIN, vec![], vec![])));
    assert!(!s.groups[&b"g"[..]].consumers.contains_key(&b"c3"[..]));
}
