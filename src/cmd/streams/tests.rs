//! In-process tests of the stream commands for what a test over TCP cannot pin down: the
//! clock (generated IDs, idle times, delivery and seen times) and what a blocking read asks
//! the executor for. Replies are compared byte for byte; the server's clock is set by the test.

use crate::cmd::TABLE;
use crate::cmd::keys::tests::{NOW, T};
use crate::engine::blocking::TimeoutReply;

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// A stream `s` with entries 1-0 (a=1) and 2-0 (b=2), and group `g` that has delivered both
/// to consumer `c1` at NOW.
fn with_group() -> T {
    let mut t = T::new();
    t.run(&["XADD", "s", "1-0", "a", "1"]);
    t.run(&["XADD", "s", "2-0", "b", "2"]);
    assert_eq!(t.run(&["XGROUP", "CREATE", "s", "g", "0"]), "+OK\r\n");
    t.run(&["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"]);
    t
}

#[test]
fn table_entries_match_redis() {
    let expect = [
        ("xadd", -5, (1, 1, 1)),
        ("xlen", 2, (1, 1, 1)),
        ("xrange", -4, (1, 1, 1)),
        ("xrevrange", -4, (1, 1, 1)),
        ("xdel", -3, (1, 1, 1)),
        ("xtrim", -4, (1, 1, 1)),
        ("xsetid", -3, (1, 1, 1)),
        ("xread", -4, (0, 0, 0)),
        ("xreadgroup", -7, (0, 0, 0)),
        ("xgroup", -2, (0, 0, 0)),
        ("xack", -4, (1, 1, 1)),
        ("xpending", -3, (1, 1, 1)),
        ("xclaim", -6, (1, 1, 1)),
        ("xautoclaim", -6, (1, 1, 1)),
        ("xinfo", -2, (0, 0, 0)),
    ];
    for (name, arity, keys) in expect {
        let c = TABLE.get(TABLE.lookup(name.as_bytes()).expect(name));
        assert_eq!((c.arity, c.keys), (arity, keys), "{name}");
        assert_eq!(c.doc.group, "stream", "{name}");
    }
}

#[test]
fn generated_ids_come_from_the_clock() {
    let mut t = T::new();
    assert_eq!(
        t.run(&["XADD", "s", "*", "a", "1"]),
        bulk(&format!("{NOW}-0"))
    );
    assert_eq!(
        t.run(&["XADD", "s", "*", "a", "1"]),
        bulk(&format!("{NOW}-1"))
    );
    // `<ms>-*` in the same millisecond continues the sequence.
    assert_eq!(
        t.run(&["XADD", "s", &format!("{NOW}-*"), "a", "1"]),
        bulk(&format!("{NOW}-2"))
    );
    t.advance(5);
    assert_eq!(
        t.run(&["XADD", "s", "*", "a", "1"]),
        bulk(&format!("{}-0", NOW + 5))
    );
    // A clock behind the stream's last ID never makes it go back.
    t.run(&["XADD", "s2", &format!("{}-7", NOW + 100), "a", "1"]);
    assert_eq!(
        t.run(&["XADD", "s2", "*", "a", "1"]),
        bulk(&format!("{}-8", NOW + 100))
    );
}

#[test]
fn xpending_reports_idle_times_and_filters_on_them() {
    let mut t = with_group();
    t.advance(100);
    t.run(&["XCLAIM", "s", "g", "c2", "0", "2-0"]);
    t.advance(50);
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "10"]),
        "*2\r\n*4\r\n$3\r\n1-0\r\n$2\r\nc1\r\n:150\r\n:1\r\n*4\r\n$3\r\n2-0\r\n$2\r\nc2\r\n:50\r\n:2\r\n"
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "IDLE", "100", "-", "+", "10"]),
        "*1\r\n*4\r\n$3\r\n1-0\r\n$2\r\nc1\r\n:150\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "IDLE", "151", "-", "+", "10"]),
        "*0\r\n"
    );
}

#[test]
fn xclaim_respects_min_idle_and_sets_delivery_times() {
    let mut t = with_group();
    t.advance(100);
    assert_eq!(
        t.run(&["XCLAIM", "s", "g", "c2", "101", "1-0", "JUSTID"]),
        "*0\r\n"
    );
    assert_eq!(
        t.run(&["XCLAIM", "s", "g", "c2", "100", "1-0", "JUSTID"]),
        "*1\r\n$3\r\n1-0\r\n"
    );
    // IDLE sets how long ago it was delivered; TIME sets when; both clamp to now.
    t.run(&["XCLAIM", "s", "g", "c2", "0", "1-0", "IDLE", "40"]);
    t.run(&[
        "XCLAIM",
        "s",
        "g",
        "c2",
        "0",
        "2-0",
        "TIME",
        &(NOW + 80).to_string(),
    ]);
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "10"]),
        "*2\r\n*4\r\n$3\r\n1-0\r\n$2\r\nc2\r\n:40\r\n:2\r\n*4\r\n$3\r\n2-0\r\n$2\r\nc2\r\n:20\r\n:2\r\n"
    );
    t.run(&[
        "XCLAIM",
        "s",
        "g",
        "c2",
        "0",
        "1-0",
        "IDLE",
        "-5",
        "TIME",
        "99999999999999",
    ]);
    t.run(&[
        "XCLAIM",
        "s",
        "g",
        "c2",
        "0",
        "2-0",
        "TIME",
        "-1",
        "RETRYCOUNT",
        "9",
    ]);
    assert_eq!(
        t.run(&["XPENDING", "s", "g", "-", "+", "10"]),
        "*2\r\n*4\r\n$3\r\n1-0\r\n$2\r\nc2\r\n:0\r\n:3\r\n*4\r\n$3\r\n2-0\r\n$2\r\nc2\r\n:0\r\n:9\r\n"
    );
}

#[test]
fn xautoclaim_respects_min_idle() {
    let mut t = with_group();
    t.advance(10);
    assert_eq!(
        t.run(&["XAUTOCLAIM", "s", "g", "c2", "11", "0", "JUSTID"]),
        "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n"
    );
    assert_eq!(
        t.run(&[
            "XAUTOCLAIM",
            "s",
            "g",
            "c2",
            "10",
            "0",
            "COUNT",
            "1",
            "JUSTID"
        ]),
        "*3\r\n$3\r\n2-0\r\n*1\r\n$3\r\n1-0\r\n*0\r\n"
    );
}

#[test]
fn xinfo_reports_idle_and_seen_times() {
    let mut t = with_group();
    t.run(&["XGROUP", "CREATECONSUMER", "s", "g", "c2"]);
    t.advance(30);
    assert_eq!(
        t.run(&["XINFO", "CONSUMERS", "s", "g"]),
        "*2\r\n*6\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:2\r\n$4\r\nidle\r\n:30\r\n\
         *6\r\n$4\r\nname\r\n$2\r\nc2\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:30\r\n"
    );
    // Reading history refreshes the reader's seen time and the entries' delivery time.
    t.run(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "c1",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        "0",
    ]);
    let full = t.run(&["XINFO", "STREAM", "s", "FULL"]);
    let pel = format!(
        "$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-0\r\n$2\r\nc1\r\n:{}\r\n:2\r\n*4\r\n$3\r\n2-0\r\n$2\r\nc1\r\n:{NOW}\r\n:1\r\n",
        NOW + 30
    );
    assert!(full.contains(&pel), "{full}");
    let c1 = format!(
        "$2\r\nc1\r\n$9\r\nseen-time\r\n:{}\r\n$9\r\npel-count\r\n:2\r\n",
        NOW + 30
    );
    assert!(full.contains(&c1), "{full}");
    let c2 = format!("$2\r\nc2\r\n$9\r\nseen-time\r\n:{NOW}\r\n$9\r\npel-count\r\n:0\r\n");
    assert!(full.contains(&c2), "{full}");
}

#[test]
fn xread_block_parks_with_dollar_resolved_and_a_count() {
    let mut t = T::new();
    t.run(&["XADD", "s", "5-0", "a", "1"]);
    let reply = t.run(&["XREAD", "BLOCK", "250", "STREAMS", "s", "nokey", "$", "$"]);
    assert_eq!(reply, "", "a blocked command writes nothing");
    let spec = t.srv.block_request.take().expect("blocked");
    assert_eq!(spec.keys, vec!["s", "nokey"]);
    assert_eq!(spec.deadline, Some(NOW + 250));
    assert_eq!(spec.on_timeout, TimeoutReply::NullArray);
    let rerun = spec.argv.expect("new arguments");
    assert_eq!(
        rerun,
        vec![
            "XREAD", "BLOCK", "250", "COUNT", "1000", "STREAMS", "s", "nokey", "5-0", "0-0"
        ]
    );
    // Re-run after a write: only what came after the resolved IDs.
    t.run(&["XADD", "s", "6-0", "b", "2"]);
    let args: Vec<&[u8]> = rerun.iter().map(|a| &a[..]).collect();
    assert_eq!(
        t.run_bytes(&args),
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    // BLOCK 0 waits forever; an explicit COUNT is kept.
    t.run(&[
        "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "+inf-ish",
    ]);
    assert!(
        t.srv.block_request.is_none(),
        "a bad ID replies instead of blocking"
    );
    assert_eq!(
        t.run(&["XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "$"]),
        ""
    );
    let spec = t.srv.block_request.take().expect("blocked");
    assert_eq!(spec.deadline, None);
    assert_eq!(
        spec.argv.expect("new arguments"),
        vec!["XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "6-0"]
    );
}

#[test]
fn xread_serves_at_once_instead_of_blocking_when_it_can() {
    let mut t = T::new();
    t.run(&["XADD", "s", "5-0", "a", "1"]);
    assert_eq!(
        t.run(&["XREAD", "BLOCK", "0", "STREAMS", "s", "0"]),
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert!(t.srv.block_request.is_none());
}

#[test]
fn xreadgroup_block_reruns_with_new_entries_or_fails_without_its_group() {
    let mut t = with_group();
    assert_eq!(
        t.run(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c2",
            "BLOCK",
            "10",
            "STREAMS",
            "s",
            ">"
        ]),
        ""
    );
    let spec = t.srv.block_request.take().expect("blocked");
    let rerun = spec.argv.expect("new arguments");
    let args: Vec<&[u8]> = rerun.iter().map(|a| &a[..]).collect();
    // No consumer is created by blocking, as in Redis 7.0.
    assert!(
        t.run(&["XINFO", "CONSUMERS", "s", "g"])
            .starts_with("*1\r\n")
    );
    t.run(&["XADD", "s", "3-0", "c", "3"]);
    assert_eq!(
        t.run_bytes(&args),
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
    );
    assert_eq!(t.run(&["XGROUP", "DESTROY", "s", "g"]), ":1\r\n");
    assert_eq!(
        t.run_bytes(&args),
        "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"
    );
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut t = T::new();
    t.run(&["XADD", "s", "1-0", "a", "1"]);
    let (h, m) = t.hits();
    t.run(&["XLEN", "s"]);
    t.run(&["XRANGE", "nokey", "-", "+"]);
    assert_eq!(t.hits(), (h + 1, m + 1));
    // Writes do not count.
    t.run(&["XADD", "s", "2-0", "a", "1"]);
    t.run(&["XDEL", "nokey", "1"]);
    assert_eq!(t.hits(), (h + 1, m + 1));
}
