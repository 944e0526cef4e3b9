//! Saving and loading muxis's own files: restart round trips, corrupt files, save points,
//! SHUTDOWN and SIGTERM, MISCONF.

use super::data::{assert_same, dump_all, fill};
use super::proc::{Kind, Scratch, Srv, info};
use redis::Value;
use std::time::{Duration, Instant};

/// Every type and encoding, with TTLs, survives SAVE and a restart; so does LASTSAVE's
/// meaning and INFO persistence's counters.
#[test]
fn every_type_survives_save_and_restart() {
    let dir = Scratch::new("restart");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    fill(&mut c);
    let before = dump_all(&mut c);
    assert_ne!(
        info(&mut c, "persistence", "rdb_changes_since_last_save"),
        "0"
    );
    let t0: i64 = redis::cmd("LASTSAVE").query(&mut c).expect("lastsave");
    std::thread::sleep(Duration::from_millis(1100));
    let _: () = redis::cmd("SAVE").query(&mut c).expect("SAVE");
    let t1: i64 = redis::cmd("LASTSAVE").query(&mut c).expect("lastsave");
    assert!(t1 > t0);
    assert_eq!(
        info(&mut c, "persistence", "rdb_changes_since_last_save"),
        "0"
    );
    assert_eq!(info(&mut c, "persistence", "rdb_saves"), "1");
    drop(m);
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    assert_same(&before, &dump_all(&mut c), "after restart");
    let loaded: usize = info(&mut c, "persistence", "rdb_last_load_keys_loaded")
        .parse()
        .expect("n");
    assert_eq!(loaded, before.len());
    let log = m.log_text();
    assert!(log.contains("DB loaded from disk"), "{log}");
}

/// A truncated or corrupted file stops the server at start with the file and the byte
/// offset named; the file is left alone.
#[test]
fn corrupt_files_are_refused_at_start_with_file_and_offset() {
    let dir = Scratch::new("corrupt");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    fill(&mut c);
    let _: () = redis::cmd("SAVE").query(&mut c).expect("SAVE");
    drop(m);
    let good = std::fs::read(dir.file("dump.rdb")).expect("file");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("no checksum", good[..good.len() - 8].to_vec()),
        ("bad magic", {
            let mut g = good.clone();
            g[0] = b'X';
            g
        }),
        ("flipped byte", {
            let mut g = good.clone();
            let i = g.len() / 3;
            g[i] ^= 0x5A;
            g
        }),
    ];
    for (what, bytes) in cases {
        std::fs::write(dir.file("dump.rdb"), &bytes).expect("write");
        let log = match Srv::try_start(Kind::Muxis, &dir.0, &[]) {
            Ok(s) => panic!("{what}: started on a corrupt file:\n{}", s.log_text()),
            Err(log) => log,
        };
        assert!(
            log.contains("dump.rdb") && log.contains("offset"),
            "{what}: {log}"
        );
        assert_eq!(
            std::fs::read(dir.file("dump.rdb")).expect("file"),
            bytes,
            "{what}: file untouched"
        );
    }
}

/// `save <seconds> <changes>`: a point reached starts a background save by itself.
#[test]
fn save_points_trigger_a_background_save() {
    let dir = Scratch::new("points");
    let m = Srv::start(Kind::Muxis, &dir.0, &["--save", "3600", "1000", "1", "2"]);
    let mut c = m.conn();
    assert_eq!(
        redis::cmd("CONFIG")
            .arg("GET")
            .arg("save")
            .query::<Vec<String>>(&mut c)
            .expect("get"),
        vec!["save", "3600 1000 1 2"]
    );
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("1")
        .query(&mut c)
        .expect("set");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        info(&mut c, "persistence", "rdb_saves"),
        "0",
        "one change is below both points"
    );
    let _: () = redis::cmd("SET")
        .arg("b")
        .arg("2")
        .query(&mut c)
        .expect("set");
    let deadline = Instant::now() + Duration::from_secs(10);
    while info(&mut c, "persistence", "rdb_saves") == "0" {
        assert!(Instant::now() < deadline, "no save from the save point");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(dir.file("dump.rdb").exists());
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("save")
        .arg("")
        .query(&mut c)
        .expect("set");
    assert_eq!(
        redis::cmd("CONFIG")
            .arg("GET")
            .arg("save")
            .query::<Vec<String>>(&mut c)
            .expect("get"),
        vec!["save", ""]
    );
}

/// SHUTDOWN NOSAVE writes nothing; SHUTDOWN SAVE writes without save points; SIGTERM saves
/// when save points are set.
#[test]
fn shutdown_and_sigterm_save_as_redis() {
    let dir = Scratch::new("shutdown");
    let m = Srv::start(Kind::Muxis, &dir.0, &["--save", "3600", "1"]);
    let mut c = m.conn();
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("v1")
        .query(&mut c)
        .expect("set");
    let _ = redis::cmd("SHUTDOWN").arg("NOSAVE").query::<Value>(&mut c);
    drop(m);
    assert!(!dir.file("dump.rdb").exists(), "NOSAVE wrote a file");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("v2")
        .query(&mut c)
        .expect("set");
    let _ = redis::cmd("SHUTDOWN").arg("SAVE").query::<Value>(&mut c);
    let mut m = m;
    assert!(m.wait_exit(10));
    drop(m);
    let m = Srv::start(Kind::Muxis, &dir.0, &["--save", "3600", "1"]);
    let mut c = m.conn();
    let v: String = redis::cmd("GET").arg("k").query(&mut c).expect("get");
    assert_eq!(v, "v2");
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("v3")
        .query(&mut c)
        .expect("set");
    let log = m.term();
    assert!(log.contains("Saving the final RDB snapshot"), "{log}");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let v: String = redis::cmd("GET")
        .arg("k")
        .query(&mut m.conn())
        .expect("get");
    assert_eq!(v, "v3");
}

/// A background save that fails (its directory is gone) stops writes with MISCONF while
/// save points are set and `stop-writes-on-bgsave-error` is on; reads go on.
#[test]
fn failed_bgsave_stops_writes_with_misconf() {
    let dir = Scratch::new("misconf");
    let gone = dir.file("gone");
    std::fs::create_dir_all(&gone).expect("dir");
    let m = Srv::start(Kind::Muxis, &gone, &["--save", "3600", "1"]);
    let mut c = m.conn();
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("v")
        .query(&mut c)
        .expect("set");
    std::fs::remove_dir_all(&gone).expect("rm");
    let _: Value = redis::cmd("BGSAVE").query(&mut c).expect("bgsave");
    super::proc::wait_bgsave(&mut c);
    assert_eq!(info(&mut c, "persistence", "rdb_last_bgsave_status"), "err");
    let e = redis::cmd("SET")
        .arg("k")
        .arg("w")
        .query::<()>(&mut c)
        .expect_err("MISCONF");
    assert!(e.to_string().contains("MISCONF"), "{e}");
    let v: String = redis::cmd("GET")
        .arg("k")
        .query(&mut c)
        .expect("reads go on");
    assert_eq!(v, "v");
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("stop-writes-on-bgsave-error")
        .arg("no")
        .query(&mut c)
        .expect("config");
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("w")
        .query(&mut c)
        .expect("writes again");
}

/// DEBUG RELOAD (which Redis's own test suite leans on): save, flush, load back; every
/// value, encoding and TTL as before. MERGE keeps keys the file lacks.
#[test]
fn debug_reload_keeps_every_value() {
    let dir = Scratch::new("reload");
    let m = Srv::start(Kind::Muxis, &dir.0, &["--enable-debug-command", "yes"]);
    let mut c = m.conn();
    fill(&mut c);
    let before = dump_all(&mut c);
    let _: () = redis::cmd("DEBUG")
        .arg("RELOAD")
        .query(&mut c)
        .expect("reload");
    assert_same(&before, &dump_all(&mut c), "after DEBUG RELOAD");
    let _: () = redis::cmd("SET")
        .arg("only-in-memory")
        .arg("1")
        .query(&mut c)
        .expect("set");
    let _: () = redis::cmd("DEBUG")
        .arg("RELOAD")
        .arg("NOSAVE")
        .arg("MERGE")
        .query(&mut c)
        .expect("merge");
    let v: String = redis::cmd("GET")
        .arg("only-in-memory")
        .query(&mut c)
        .expect("kept");
    assert_eq!(v, "1");
    let e = redis::cmd("DEBUG")
        .arg("RELOAD")
        .arg("BOGUS")
        .query::<()>(&mut c)
        .expect_err("bad option");
    assert!(e.to_string().contains("only supports"), "{e}");
}

/// FLUSHALL with save points set saves the empty dataset at once, as Redis does.
#[test]
fn flushall_with_save_points_saves_the_empty_dataset() {
    let dir = Scratch::new("flushall");
    let m = Srv::start(Kind::Muxis, &dir.0, &["--save", "3600", "1"]);
    let mut c = m.conn();
    let _: () = redis::cmd("SET")
        .arg("k")
        .arg("v")
        .query(&mut c)
        .expect("set");
    let _: () = redis::cmd("SAVE").query(&mut c).expect("save");
    let _: () = redis::cmd("FLUSHALL").query(&mut c).expect("flushall");
    drop(m);
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let n: i64 = redis::cmd("DBSIZE").query(&mut m.conn()).expect("dbsize");
    assert_eq!(n, 0, "the file holds the flushed (empty) dataset");
}
