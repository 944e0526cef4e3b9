//! Round trips through the AOF: restart after plain appends, after BGREWRITEAOF, after
//! `CONFIG SET appendonly yes` at runtime; and the files Redis's own tools accept.

use super::proc::*;
use std::process::Command;

#[test]
fn every_type_with_expiries_survives_a_restart_from_incr_and_from_a_rewritten_base() {
    survives_restarts("yes", "rdb");
}

#[test]
fn every_type_survives_restarts_with_a_base_in_command_form() {
    survives_restarts("no", "aof");
}

/// Restarts under `aof-use-rdb-preamble <preamble>`, whose base files end in `.<ext>`.
fn survives_restarts(preamble: &str, ext: &str) {
    let dir = tmpdir(&format!("roundtrip-{preamble}"));
    let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble];
    let m = muxis(&dir, &args).expect("starts");
    let mut c = m.conn();
    fill(&mut c);
    let before = dump(&mut c);
    assert!(before.len() > 20, "{before:?}");
    assert!(!before.iter().any(|l| l.contains(" gone ")));
    m.shutdown();
    assert_eq!(
        aof_files(&dir),
        vec![
            format!("appendonly.aof.1.base.{ext}"),
            "appendonly.aof.1.incr.aof".into(),
            "appendonly.aof.manifest".into()
        ]
    );

    // From the incremental file, then rewritten: the base holds it all.
    let m = muxis(&dir, &args).expect("restarts");
    let mut c = m.conn();
    assert_eq!(dump(&mut c), before);
    let r: String = redis::cmd("BGREWRITEAOF")
        .query(&mut c)
        .expect("BGREWRITEAOF");
    assert_eq!(r, "Background append only file rewriting started");
    wait_rewrite(&mut c);
    assert_eq!(info(&mut c, "aof_rewrites"), "1");
    assert_eq!(info(&mut c, "aof_last_bgrewrite_status"), "ok");
    // Written after the rewrite began: goes to the new incremental file.
    let _: () = redis::cmd("SET")
        .arg("after")
        .arg("rewrite")
        .query(&mut c)
        .expect("SET");
    let before = dump(&mut c);
    m.shutdown();
    assert_eq!(
        aof_files(&dir),
        vec![
            format!("appendonly.aof.2.base.{ext}"),
            "appendonly.aof.2.incr.aof".into(),
            "appendonly.aof.manifest".into()
        ]
    );
    let manifest = std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest"))
        .expect("manifest");
    assert_eq!(
        manifest,
        format!(
            "file appendonly.aof.2.base.{ext} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
        )
    );
    let m = muxis(&dir, &args).expect("restarts");
    assert_eq!(dump(&mut m.conn()), before);
    m.kill9();
    check_aof(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `redis-check-aof` (Redis 7.0's) finds the directory valid.
fn check_aof(dir: &std::path::Path) {
    let tool = "/usr/bin/redis-check-aof";
    if !std::path::Path::new(tool).exists() {
        return;
    }
    let out = Command::new(tool)
        .arg(dir.join("appendonlydir/appendonly.aof.manifest"))
        .output()
        .expect("redis-check-aof runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("All AOF files and manifest are valid"),
        "{text}"
    );
}

#[test]
fn muxis_aof_loads_in_redis_and_redis_aof_loads_in_muxis_with_identical_data() {
    for preamble in ["yes", "no"] {
        muxis_aof_loads_in_redis(preamble);
    }
    // And back: Redis writes its own directory, with either kind of base.
    for preamble in ["no", "yes"] {
        redis_aof_loads_in_muxis(preamble);
    }
}

fn muxis_aof_loads_in_redis(preamble: &str) {
    let dir = tmpdir(&format!("interop-{preamble}"));
    let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble];
    let m = muxis(&dir, &args).expect("starts");
    let mut c = m.conn();
    fill(&mut c);
    let r: String = redis::cmd("BGREWRITEAOF")
        .query(&mut c)
        .expect("BGREWRITEAOF");
    assert!(r.contains("started"));
    wait_rewrite(&mut c);
    let _: i64 = redis::cmd("RPUSH")
        .arg("l")
        .arg("tail")
        .query(&mut c)
        .expect("RPUSH");
    let ours = dump(&mut c);
    m.shutdown();
    let ext = if preamble == "yes" { "rdb" } else { "aof" };
    assert_eq!(aof_files(&dir)[0], format!("appendonly.aof.2.base.{ext}"));
    check_aof(&dir);
    let Some(r) = redis(&dir, &args) else {
        return; // no redis-server here
    };
    let mut rc = r.conn();
    assert_eq!(dump(&mut rc), ours, "redis-server loaded muxis's AOF");
    drop(rc);
    r.kill9();
    let _ = std::fs::remove_dir_all(&dir);
}

fn redis_aof_loads_in_muxis(preamble: &str) {
    let dir = tmpdir(&format!("interop-back-{preamble}"));
    let r = redis(
        &dir,
        &["--appendonly", "yes", "--aof-use-rdb-preamble", preamble],
    )
    .expect("redis");
    let mut rc = r.conn();
    fill(&mut rc);
    let _: String = redis::cmd("BGREWRITEAOF")
        .query(&mut rc)
        .expect("BGREWRITEAOF");
    wait_rewrite(&mut rc);
    let _: i64 = redis::cmd("RPUSH")
        .arg("l")
        .arg("tail")
        .query(&mut rc)
        .expect("RPUSH");
    let theirs = dump(&mut rc);
    drop(rc);
    r.shutdown();
    let ext = if preamble == "yes" { "rdb" } else { "aof" };
    assert_eq!(
        aof_files(&dir)[0],
        format!("appendonly.aof.2.base.{ext}"),
        "redis-server's base"
    );
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("muxis loads Redis's AOF");
    assert_eq!(
        dump(&mut m.conn()),
        theirs,
        "muxis loaded redis-server's AOF"
    );
    m.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_set_appendonly_at_runtime_writes_the_dataset_and_what_follows() {
    let dir = tmpdir("runtime");
    let m = muxis(&dir, &[]).expect("starts");
    let mut c = m.conn();
    fill(&mut c);
    assert_eq!(info(&mut c, "aof_enabled"), "0");
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("appendonly")
        .arg("yes")
        .query(&mut c)
        .expect("on");
    assert_eq!(info(&mut c, "aof_enabled"), "1");
    let _: () = redis::cmd("SET")
        .arg("during")
        .arg("1")
        .query(&mut c)
        .expect("SET");
    wait_rewrite(&mut c);
    let _: () = redis::cmd("SET")
        .arg("after")
        .arg("2")
        .query(&mut c)
        .expect("SET");
    let before = dump(&mut c);
    assert_eq!(
        aof_files(&dir),
        [
            "appendonly.aof.1.base.rdb",
            "appendonly.aof.1.incr.aof",
            "appendonly.aof.manifest"
        ]
    );
    // Off: nothing more is appended.
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("appendonly")
        .arg("no")
        .query(&mut c)
        .expect("off");
    assert_eq!(info(&mut c, "aof_enabled"), "0");
    let _: () = redis::cmd("SET")
        .arg("unlogged")
        .arg("3")
        .query(&mut c)
        .expect("SET");
    m.kill9();
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    assert_eq!(dump(&mut m.conn()), before);
    m.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_aof_rewrites_itself_once_it_grows_past_the_percentage() {
    let dir = tmpdir("auto");
    let m = muxis(
        &dir,
        &[
            "--appendonly",
            "yes",
            "--auto-aof-rewrite-min-size",
            "100kb",
            "--auto-aof-rewrite-percentage",
            "100",
            "--aof-timestamp-enabled",
            "yes",
        ],
    )
    .expect("starts");
    let mut c = m.conn();
    let big = "v".repeat(1000);
    for i in 0..300 {
        let _: () = redis::cmd("SET")
            .arg(format!("k{}", i % 10))
            .arg(&big)
            .query(&mut c)
            .expect("SET");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while info(&mut c, "aof_rewrites") == "0" {
        assert!(std::time::Instant::now() < deadline, "no automatic rewrite");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    wait_rewrite(&mut c);
    let size: u64 = info(&mut c, "aof_current_size").parse().expect("size");
    assert!(size < 100_000, "rewritten to {size}");
    let before = dump(&mut c);
    m.shutdown();
    check_aof(&dir);
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    assert_eq!(dump(&mut m.conn()), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bgrewriteaof_after_writes_of_the_same_round_or_inside_exec_counts_each_write_once() {
    let dir = tmpdir("same-round");
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("starts");
    let mut c = m.conn();
    // One pipeline: the INCR and the rewrite run in the same executor round.
    let (n, r): (i64, String) = redis::pipe()
        .cmd("INCR")
        .arg("x")
        .cmd("BGREWRITEAOF")
        .query(&mut c)
        .expect("pipeline");
    assert_eq!(
        (n, r.as_str()),
        (1, "Background append only file rewriting started")
    );
    wait_rewrite(&mut c);
    // Inside EXEC: scheduled, run by the timer after the transaction is in the stream.
    let (n, r): (i64, String) = redis::pipe()
        .atomic()
        .cmd("INCR")
        .arg("x")
        .cmd("BGREWRITEAOF")
        .query(&mut c)
        .expect("EXEC");
    assert_eq!(
        (n, r.as_str()),
        (2, "Background append only file rewriting scheduled")
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while info(&mut c, "aof_rewrites") != "2" {
        assert!(
            std::time::Instant::now() < deadline,
            "the scheduled rewrite did not run"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(info(&mut c, "aof_rewrite_scheduled"), "0");
    wait_rewrite(&mut c);
    let _: i64 = redis::cmd("INCR").arg("x").query(&mut c).expect("INCR");
    m.kill9();
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    let v: i64 = redis::cmd("GET")
        .arg("x")
        .query(&mut m.conn())
        .expect("GET");
    assert_eq!(v, 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bgrewriteaof_with_the_aof_off_writes_a_base_that_loads() {
    let dir = tmpdir("offline");
    let m = muxis(&dir, &[]).expect("starts");
    let mut c = m.conn();
    fill(&mut c);
    let r: String = redis::cmd("BGREWRITEAOF")
        .query(&mut c)
        .expect("BGREWRITEAOF");
    assert_eq!(r, "Background append only file rewriting started");
    wait_rewrite(&mut c);
    let before = dump(&mut c);
    m.kill9();
    assert_eq!(
        aof_files(&dir),
        ["appendonly.aof.1.base.rdb", "appendonly.aof.manifest"]
    );
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    assert_eq!(dump(&mut m.conn()), before);
    let _ = std::fs::remove_dir_all(&dir);
}
