//! Files and DUMP payloads exchanged with redis-server 7.0.15, both ways.

use super::data::{assert_same, dump_all, fill};
use super::proc::{Kind, Scratch, Srv, redis_available};
use redis::Value;

fn save(c: &mut redis::Connection) {
    let _: () = redis::cmd("SAVE").query(c).expect("SAVE");
}

/// A file muxis wrote passes redis-check-rdb and loads into redis-server with the same
/// data, encodings and TTLs.
#[test]
fn muxis_file_passes_check_rdb_and_loads_into_redis() {
    if !redis_available() {
        return;
    }
    let dir = Scratch::new("m2r");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    fill(&mut c);
    let before = dump_all(&mut c);
    save(&mut c);
    drop(m);
    let check = std::process::Command::new("/usr/bin/redis-check-rdb")
        .arg(dir.file("dump.rdb"))
        .output()
        .expect("redis-check-rdb runs");
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && out.contains("RDB looks OK"),
        "{out}"
    );
    let r = Srv::start(Kind::Redis, &dir.0, &[]);
    let after = dump_all(&mut r.conn());
    assert_same(&before, &after, "muxis file in redis-server");
}

/// A file redis-server wrote loads into muxis with the same data, encodings and TTLs.
#[test]
fn redis_file_loads_into_muxis() {
    if !redis_available() {
        return;
    }
    let dir = Scratch::new("r2m");
    let r = Srv::start(Kind::Redis, &dir.0, &[]);
    let mut c = r.conn();
    fill(&mut c);
    let before = dump_all(&mut c);
    save(&mut c);
    drop(r);
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let after = dump_all(&mut m.conn());
    assert_same(&before, &after, "redis-server file in muxis");
    assert!(
        m.log_text().contains("DB loaded from disk"),
        "{}",
        m.log_text()
    );
}

/// The same with compression and checksums off on the writing side.
#[test]
fn uncompressed_unchecked_files_load_both_ways() {
    if !redis_available() {
        return;
    }
    for (writer, reader) in [(Kind::Muxis, Kind::Redis), (Kind::Redis, Kind::Muxis)] {
        let dir = Scratch::new("plain");
        let w = Srv::start(
            writer,
            &dir.0,
            &["--rdbcompression", "no", "--rdbchecksum", "no"],
        );
        let mut c = w.conn();
        fill(&mut c);
        let before = dump_all(&mut c);
        save(&mut c);
        drop(w);
        let r = Srv::start(reader, &dir.0, &[]);
        assert_same(
            &before,
            &dump_all(&mut r.conn()),
            &format!("{writer:?} -> {reader:?}"),
        );
    }
}

fn keys(c: &mut redis::Connection) -> Vec<Vec<u8>> {
    let mut k: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(c).expect("keys");
    k.sort();
    k
}

/// DUMP on one server, RESTORE on the other, for every key of the dataset, both ways.
#[test]
fn dump_payloads_restore_both_ways() {
    if !redis_available() {
        return;
    }
    let (d1, d2) = (Scratch::new("dr1"), Scratch::new("dr2"));
    for (from, to) in [(Kind::Redis, Kind::Muxis), (Kind::Muxis, Kind::Redis)] {
        let a = Srv::start(from, &d1.0, &[]);
        let b = Srv::start(to, &d2.0, &[]);
        let (mut ca, mut cb) = (a.conn(), b.conn());
        fill(&mut ca);
        let _: () = redis::cmd("FLUSHALL").query(&mut cb).expect("flush");
        for k in keys(&mut ca) {
            let payload: Vec<u8> = redis::cmd("DUMP").arg(&k).query(&mut ca).expect("DUMP");
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(&mut ca).expect("pttl");
            let ttl = pttl.max(0);
            let r: Value = redis::cmd("RESTORE")
                .arg(&k)
                .arg(ttl)
                .arg(&payload)
                .query(&mut cb)
                .expect("RESTORE");
            assert_eq!(
                r,
                Value::Okay,
                "{from:?} -> {to:?}: {}",
                String::from_utf8_lossy(&k)
            );
        }
        // Database 1 is not part of this exchange.
        let _: () = redis::cmd("SELECT").arg(1).query(&mut ca).expect("select");
        let _: () = redis::cmd("FLUSHDB").query(&mut ca).expect("flushdb");
        let _: () = redis::cmd("SELECT").arg(0).query(&mut ca).expect("select");
        assert_same(
            &dump_all(&mut ca),
            &dump_all(&mut cb),
            &format!("DUMP {from:?} -> RESTORE {to:?}"),
        );
    }
}

/// RESTORE's errors and options, side by side with redis-server.
#[test]
fn restore_errors_and_options_match_redis() {
    if !redis_available() {
        return;
    }
    let (d1, d2) = (Scratch::new("re1"), Scratch::new("re2"));
    let m = Srv::start(Kind::Muxis, &d1.0, &[]);
    let r = Srv::start(Kind::Redis, &d2.0, &[]);
    let (mut cm, mut cr) = (m.conn(), r.conn());
    let mut both = |args: &[&[u8]]| -> (String, String) {
        let run = |c: &mut redis::Connection| {
            let mut cmd = redis::cmd(std::str::from_utf8(args[0]).expect("name"));
            for a in &args[1..] {
                cmd.arg(*a);
            }
            match cmd.query::<Value>(c) {
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("ERR {e}"),
            }
        };
        (run(&mut cm), run(&mut cr))
    };
    let _ = both(&[b"SET", b"src", b"value"]);
    let _ = both(&[b"SET", b"busy", b"x"]);
    let payload: Vec<u8> = {
        let c2 = r.conn();
        let mut c2 = c2;
        redis::cmd("DUMP").arg("src").query(&mut c2).expect("dump")
    };
    let mut bad = payload.clone();
    let n = bad.len();
    bad[n - 1] ^= 0xFF;
    let mut garbage = vec![0x07u8, 0, 0];
    garbage.extend_from_slice(&payload[payload.len() - 10..payload.len() - 8]);
    let crc = {
        let c = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);
        c.checksum(&garbage)
    };
    garbage.extend_from_slice(&crc.to_le_bytes());
    let cases: Vec<Vec<&[u8]>> = vec![
        vec![b"RESTORE", b"busy", b"0", &payload],
        vec![b"RESTORE", b"new", b"0", &bad],
        vec![b"RESTORE", b"new", b"0", b"short"],
        vec![b"RESTORE", b"new", b"0", &garbage],
        vec![b"RESTORE", b"new", b"-1", &payload],
        vec![b"RESTORE", b"new", b"abc", &payload],
        vec![b"RESTORE", b"new", b"0", &payload, b"IDLETIME", b"-1"],
        vec![b"RESTORE", b"new", b"0", &payload, b"FREQ", b"256"],
        vec![
            b"RESTORE",
            b"new",
            b"0",
            &payload,
            b"IDLETIME",
            b"5",
            b"FREQ",
            b"5",
        ],
        vec![b"RESTORE", b"new", b"0", &payload, b"BOGUS"],
        vec![b"RESTORE", b"busy", b"0", &payload, b"REPLACE"],
        vec![b"GET", b"busy"],
        vec![b"RESTORE", b"abs", b"1", &payload, b"ABSTTL"],
        vec![b"EXISTS", b"abs"],
        vec![b"RESTORE", b"idle", b"0", &payload, b"IDLETIME", b"1000"],
        vec![b"OBJECT", b"IDLETIME", b"idle"],
        vec![b"RESTORE", b"ttl", b"100000", &payload],
        vec![b"EXISTS", b"ttl"],
        vec![b"DUMP", b"missing"],
    ];
    for args in cases {
        let (a, b) = both(&args);
        let shown: Vec<String> = args
            .iter()
            .map(|a| String::from_utf8_lossy(a).chars().take(20).collect())
            .collect();
        assert_eq!(a, b, "{shown:?}");
    }
}
