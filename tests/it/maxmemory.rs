//! maxmemory over TCP: each policy keeps `used_memory` near the limit and evicts the keys
//! it should; noeviction refuses writes with Redis's OOM error; CONFIG SET maxmemory
//! below the current usage evicts; evictions invalidate WATCH. Each server is a process
//! of its own (see `hostile/proc.rs`), so its `used_memory` counts nothing but its own.

mod access;
mod lazy;

use crate::hostile::proc::Proc;
use redis::Connection;
use std::time::{Duration, Instant};

/// Bytes per value the fills store.
const VALUE: usize = 1000;
/// Room above the empty server's own usage that each test allows.
const ROOM: u64 = 8 << 20;

pub(crate) fn start() -> (Proc, Connection) {
    let p = Proc::start(&["--io-threads", "1"]);
    let c = redis::Client::open(format!("redis://{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("connects");
    (p, c)
}

pub(crate) fn info_field(c: &mut Connection, section: &str, name: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg(section).query(c).expect("INFO");
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in INFO {section}"))
}

pub(crate) fn used(c: &mut Connection) -> u64 {
    info_field(c, "memory", "used_memory")
}

fn evicted(c: &mut Connection) -> u64 {
    info_field(c, "stats", "evicted_keys")
}

fn config_set(c: &mut Connection, pairs: &[(&str, &str)]) {
    let mut cmd = redis::cmd("CONFIG");
    cmd.arg("SET");
    for (k, v) in pairs {
        cmd.arg(*k).arg(*v);
    }
    let _: () = cmd.query(c).expect("CONFIG SET");
}

/// Sets maxmemory to the server's current usage plus [`ROOM`], with `policy`; returns it.
fn limit(c: &mut Connection, policy: &str) -> u64 {
    let max = used(c) + ROOM;
    config_set(
        c,
        &[
            ("maxmemory", &max.to_string()),
            ("maxmemory-policy", policy),
        ],
    );
    max
}

/// Writes `n` keys `{prefix}{i}` of [`VALUE`] bytes, 100 per pipeline, with `EX ttl` if
/// given (`ttl(i)`). Returns the errors the server gave (OOM), if any.
fn fill(
    c: &mut Connection,
    prefix: &str,
    n: usize,
    ttl: Option<&dyn Fn(usize) -> u64>,
) -> Vec<String> {
    fill_sized(c, prefix, n, ttl, VALUE)
}

fn fill_sized(
    c: &mut Connection,
    prefix: &str,
    n: usize,
    ttl: Option<&dyn Fn(usize) -> u64>,
    size: usize,
) -> Vec<String> {
    let value = vec![b'v'; size];
    let mut errors = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        for &i in chunk {
            let cmd = pipe.cmd("SET").arg(format!("{prefix}{i}")).arg(&value[..]);
            if let Some(ttl) = ttl {
                cmd.arg("EX").arg(ttl(i));
            }
        }
        let replies: Vec<redis::RedisResult<redis::Value>> = pipe.query(c).expect("pipeline");
        for r in replies {
            if let Err(e) = r {
                errors.push(format!(
                    "{} {}",
                    e.code().unwrap_or_default(),
                    e.detail().unwrap_or_default()
                ));
            }
        }
    }
    errors
}

/// How many of `{prefix}0..n` still exist.
fn surviving(c: &mut Connection, prefix: &str, n: usize) -> usize {
    let mut alive = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut cmd = redis::cmd("EXISTS");
        for &i in chunk {
            cmd.arg(format!("{prefix}{i}"));
        }
        let k: usize = cmd.query(c).expect("EXISTS");
        alive += k;
    }
    alive
}

fn assert_within(c: &mut Connection, max: u64) {
    let u = used(c);
    assert!(
        u <= max + max / 20,
        "used_memory {u} is more than 5% over maxmemory {max}"
    );
}

#[test]
fn every_policy_stays_within_the_limit_and_volatile_ones_spare_persistent_keys() {
    for policy in [
        "allkeys-lru",
        "allkeys-lfu",
        "allkeys-random",
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let (_p, mut c) = start();
        // Persistent keys first, then keys with a TTL past the limit.
        assert!(fill(&mut c, "keep:", 1000, None).is_empty());
        let max = limit(&mut c, policy);
        let errors = fill(&mut c, "ttl:", 20_000, Some(&|_| 10_000));
        assert!(errors.is_empty(), "{policy}: {:?}", errors.first());
        assert_within(&mut c, max);
        let gone = evicted(&mut c);
        assert!(gone > 5000, "{policy}: only {gone} evicted");
        let kept = surviving(&mut c, "keep:", 1000);
        if policy.starts_with("volatile") {
            assert_eq!(kept, 1000, "{policy} evicted a key without a TTL");
        } else {
            assert!(kept < 1000, "{policy} never evicted a persistent key");
        }
        let dbsize: u64 = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
        assert_eq!(dbsize + gone, 21_000, "{policy}: keys unaccounted for");
    }
}

#[test]
fn volatile_policies_refuse_writes_once_no_key_has_a_ttl() {
    let (_p, mut c) = start();
    limit(&mut c, "volatile-lru");
    let errors = fill(&mut c, "p:", 20_000, None);
    assert_eq!(
        errors.first().map(String::as_str),
        Some("OOM command not allowed when used memory > 'maxmemory'.")
    );
    assert_eq!(evicted(&mut c), 0);
}

#[test]
fn noeviction_refuses_writes_but_reads_and_deletes_work() {
    let (_p, mut c) = start();
    let max = limit(&mut c, "noeviction");
    // 4 KB values: with nothing evicted, the last doubling of the key table (about 100
    // bytes a key) is an overshoot nothing takes back; with 1 KB values it alone is ~5%.
    let errors = fill_sized(&mut c, "k:", 5_000, None, 4 * VALUE);
    assert!(!errors.is_empty(), "never refused");
    assert!(errors.iter().all(|e| e.starts_with("OOM ")), "{errors:?}");
    assert_within(&mut c, max);
    assert_eq!(evicted(&mut c), 0);
    let v: Option<Vec<u8>> = redis::cmd("GET").arg("k:0").query(&mut c).expect("GET");
    assert_eq!(v.map(|v| v.len()), Some(4 * VALUE));
    // Raw RESP: the exact error line.
    // Freed I/O buffers may leave room for a few more writes; soon one is refused.
    let e = (0..1000)
        .find_map(|i| {
            redis::cmd("SET")
                .arg(format!("more{i}"))
                .arg(vec![b'v'; 4 * VALUE])
                .query::<()>(&mut c)
                .err()
        })
        .expect("a SET refused");
    assert_eq!(e.code(), Some("OOM"));
    assert_eq!(
        e.detail(),
        Some("command not allowed when used memory > 'maxmemory'.")
    );
    // Inside MULTI any queued command is refused, and EXEC then aborts, as in Redis.
    let _: () = redis::cmd("MULTI").query(&mut c).expect("MULTI");
    let e = redis::cmd("GET")
        .arg("k:0")
        .query::<redis::Value>(&mut c)
        .expect_err("queued GET refused");
    assert_eq!(e.code(), Some("OOM"));
    let e = redis::cmd("EXEC")
        .query::<redis::Value>(&mut c)
        .expect_err("EXEC aborts");
    assert_eq!(e.code(), Some("EXECABORT"));
    // Deleting makes room again.
    let mut del = redis::cmd("DEL");
    for i in 0..1000 {
        del.arg(format!("k:{i}"));
    }
    let n: u64 = del.query(&mut c).expect("DEL");
    assert_eq!(n, 1000);
    let _: () = redis::cmd("SET")
        .arg("one")
        .arg("more")
        .query(&mut c)
        .expect("SET after DEL");
}

#[test]
fn volatile_ttl_evicts_the_soonest_to_expire() {
    let (_p, mut c) = start();
    // 4000 keys expiring over the next hours, soonest first by index.
    assert!(fill(&mut c, "t:", 4000, Some(&|i| 3600 + i as u64)).is_empty());
    limit(&mut c, "volatile-ttl");
    // Fill with keys that expire much later until about 3000 keys went.
    let mut round = 0;
    while evicted(&mut c) < 3000 {
        let prefix = format!("late{round}:");
        assert!(fill(&mut c, &prefix, 1000, Some(&|_| 100_000)).is_empty());
        round += 1;
        assert!(round < 40, "never evicted enough");
    }
    // The keys expiring in hours go well before those expiring in a day, and among them
    // the soonest more than the latest (sampling makes both tendencies, not rules).
    let t = surviving(&mut c, "t:", 4000) as f64 / 4000.0;
    let mut later = 0;
    for r in 0..round {
        later += surviving(&mut c, &format!("late{r}:"), 1000);
    }
    let later = later as f64 / (round * 1000) as f64;
    assert!(
        t * 2.0 < later,
        "{t:.2} of the sooner keys survive, {later:.2} of the later"
    );
    let soon = surviving(&mut c, "t:", 2000);
    let all = surviving(&mut c, "t:", 4000);
    assert!(
        soon < all - soon,
        "of the soonest half {soon} survive, of the latest half {}",
        all - soon
    );
}

#[test]
fn allkeys_lru_keeps_recently_read_keys() {
    let (_p, mut c) = start();
    assert!(fill(&mut c, "old:", 3000, None).is_empty());
    assert!(fill(&mut c, "hot:", 1000, None).is_empty());
    // The LRU clock ticks in seconds: let every key grow idle, then read the hot ones.
    std::thread::sleep(Duration::from_millis(2100));
    for i in 0..1000 {
        let _: Option<Vec<u8>> = redis::cmd("GET")
            .arg(format!("hot:{i}"))
            .query(&mut c)
            .expect("GET");
    }
    limit(&mut c, "allkeys-lru");
    let mut round = 0;
    while evicted(&mut c) < 3500 {
        assert!(fill(&mut c, &format!("new{round}:"), 1000, None).is_empty());
        round += 1;
        assert!(round < 40, "never evicted enough");
    }
    let old = surviving(&mut c, "old:", 3000);
    let hot = surviving(&mut c, "hot:", 1000);
    assert!(hot >= 800, "only {hot} of 1000 recently read keys survive");
    assert!(old <= 1000, "{old} of 3000 idle keys survive");
}

#[test]
fn allkeys_lfu_keeps_frequently_read_keys() {
    let (_p, mut c) = start();
    config_set(&mut c, &[("maxmemory-policy", "allkeys-lfu")]);
    assert!(fill(&mut c, "rare:", 3000, None).is_empty());
    assert!(fill(&mut c, "freq:", 1000, None).is_empty());
    for _ in 0..30 {
        let mut pipe = redis::pipe();
        for i in 0..1000 {
            pipe.cmd("GET").arg(format!("freq:{i}")).ignore();
        }
        let _: () = pipe.query(&mut c).expect("GETs");
    }
    let f: u64 = redis::cmd("OBJECT")
        .arg("FREQ")
        .arg("freq:0")
        .query(&mut c)
        .expect("FREQ");
    assert!(f >= 6, "freq {f} after 30 reads");
    limit(&mut c, "allkeys-lfu");
    let mut round = 0;
    while evicted(&mut c) < 3500 {
        assert!(fill(&mut c, &format!("new{round}:"), 1000, None).is_empty());
        round += 1;
        assert!(round < 40, "never evicted enough");
    }
    let rare = surviving(&mut c, "rare:", 3000);
    let freq = surviving(&mut c, "freq:", 1000);
    // Keys never read rank with the new ones (both at LFU_INIT_VAL), so they go at random
    // among those; the frequently read ones stay.
    assert!(
        freq >= 950,
        "only {freq} of 1000 frequently read keys survive"
    );
    assert!(rare <= 2500, "{rare} of 3000 rarely read keys survive");
}

#[test]
fn config_set_maxmemory_below_usage_evicts() {
    let (_p, mut c) = start();
    let base = used(&mut c);
    assert!(fill(&mut c, "k:", 15_000, None).is_empty());
    config_set(&mut c, &[("maxmemory-policy", "allkeys-random")]);
    let max = base + (4 << 20);
    config_set(&mut c, &[("maxmemory", &max.to_string())]);
    // One pass is bounded in time; the timer carries on until memory is under the limit.
    let deadline = Instant::now() + Duration::from_secs(5);
    while used(&mut c) > max && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_within(&mut c, max);
    assert!(evicted(&mut c) > 5000);
    let mm = info_field(&mut c, "memory", "maxmemory");
    assert_eq!(mm, max);
    // Lift the limit first: near it, the eviction timer may take another key between
    // RESETSTAT and the INFO that reads the count.
    config_set(&mut c, &[("maxmemory", "0")]);
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut c)
        .expect("RESETSTAT");
    assert_eq!(evicted(&mut c), 0);
}

#[test]
fn an_evicted_key_fails_its_watchers_exec() {
    let (_p, mut c) = start();
    // The watched key expires soonest, so volatile-ttl evicts it first.
    let _: () = redis::cmd("SET")
        .arg("watched")
        .arg("v")
        .arg("EX")
        .arg(100)
        .query(&mut c)
        .expect("SET");
    let _: () = redis::cmd("WATCH")
        .arg("watched")
        .query(&mut c)
        .expect("WATCH");
    let mut other = redis::Client::open(format!("redis://{}/", _p.addr))
        .expect("url")
        .get_connection()
        .expect("connects");
    limit(&mut other, "volatile-ttl");
    assert!(fill(&mut other, "f:", 20_000, Some(&|_| 10_000)).is_empty());
    assert!(evicted(&mut other) > 0);
    let exists: u64 = redis::cmd("EXISTS")
        .arg("watched")
        .query(&mut other)
        .expect("EXISTS");
    assert_eq!(exists, 0, "the soonest-expiring key was not evicted");
    let _: () = redis::cmd("MULTI").query(&mut c).expect("MULTI");
    let _: () = redis::cmd("PING").query(&mut c).expect("queued");
    let r: redis::Value = redis::cmd("EXEC").query(&mut c).expect("EXEC");
    assert_eq!(
        r,
        redis::Value::Nil,
        "EXEC ran although its key was evicted"
    );
}

#[test]
fn a_full_key_table_does_not_double_past_the_limit() {
    // Small values: the key table is a large part of the memory, and doubling it at the
    // limit would have to be paid for by evicting most keys.
    let (_p, mut c) = start();
    limit(&mut c, "allkeys-random");
    let mut round = 0;
    while evicted(&mut c) == 0 {
        assert!(fill_sized(&mut c, &format!("a{round}:"), 5000, None, 10).is_empty());
        round += 1;
        assert!(round < 100, "never evicted");
    }
    let at_limit: u64 = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
    for r in 0..40 {
        assert!(fill_sized(&mut c, &format!("b{r}:"), 5000, None, 10).is_empty());
    }
    let after: u64 = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
    assert!(
        after * 10 >= at_limit * 7,
        "{at_limit} keys at the limit, {after} after 200000 more writes"
    );
}
