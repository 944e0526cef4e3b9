//! The RDB preamble's share of the AOF: one snapshot at a time between BGSAVE and
//! BGREWRITEAOF (answered as redis-server 7.0.15 answers, side by side), and an RDB
//! preamble followed by commands in one file (an old single-file AOF) in both servers.

use super::proc::*;
use std::time::{Duration, Instant};

/// Runs `cmd args...`, giving the reply or the error as text.
fn reply(c: &mut redis::Connection, args: &[&str]) -> String {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<redis::Value>(c) {
        Ok(v) => text(&v),
        Err(e) => format!("ERR {}", e.detail().unwrap_or_default()),
    }
}

fn wait_for(c: &mut redis::Connection, name: &str, value: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while info(c, name) != value {
        assert!(Instant::now() < deadline, "{name} never became {value}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// BGSAVE, BGREWRITEAOF (scheduled), then during the rewrite BGSAVE, BGSAVE SCHEDULE and
/// BGREWRITEAOF; the replies and what is in the AOF afterwards.
fn one_at_a_time(p: &Proc) -> (Vec<String>, Vec<String>) {
    let mut c = p.conn();
    let mut pipe = redis::pipe();
    for i in 0..400 {
        pipe.cmd("SET").arg(format!("k{i}")).arg(i).ignore();
    }
    let _: () = pipe.query(&mut c).expect("fill");
    let mut replies = vec![reply(&mut c, &["BGSAVE"])];
    replies.push(reply(&mut c, &["BGREWRITEAOF"]));
    replies.push(info(&mut c, "aof_rewrite_scheduled"));
    replies.push(reply(&mut c, &["SAVE"]));
    wait_for(&mut c, "rdb_bgsave_in_progress", "0");
    wait_for(&mut c, "aof_rewrite_in_progress", "1");
    replies.push(info(&mut c, "aof_rewrite_scheduled"));
    replies.push(reply(&mut c, &["BGSAVE"]));
    replies.push(reply(&mut c, &["BGSAVE", "SCHEDULE"]));
    replies.push(reply(&mut c, &["BGREWRITEAOF"]));
    replies.push(reply(&mut c, &["SET", "during", "rewrite"]));
    wait_rewrite(&mut c);
    wait_for(&mut c, "rdb_bgsave_in_progress", "1");
    wait_for(&mut c, "rdb_bgsave_in_progress", "0");
    replies.push(info(&mut c, "aof_last_bgrewrite_status"));
    replies.push(info(&mut c, "rdb_last_bgsave_status"));
    let data = dump(&mut c);
    (replies, data)
}

#[test]
fn one_snapshot_at_a_time_between_bgsave_and_bgrewriteaof_as_redis() {
    // A millisecond per key keeps each save running long enough to ask during it.
    let args = ["--appendonly", "yes", "--rdb-key-save-delay", "1000"];
    let dir = tmpdir("one-at-a-time");
    let m = muxis(&dir, &args).expect("starts");
    let (ours, data) = one_at_a_time(&m);
    assert_eq!(
        ours[..3],
        [
            "Background saving started",
            "Background append only file rewriting scheduled",
            "1"
        ]
    );
    assert_eq!(
        ours[3], "ERR Background save already in progress",
        "SAVE during BGSAVE"
    );
    assert!(
        ours[5].contains("Another child process is active (AOF?)"),
        "{ours:?}"
    );
    assert_eq!(ours[6], "Background saving scheduled");
    assert!(ours[7].contains("Background append only file rewriting already in progress"));
    assert_eq!(ours[9..], ["ok", "ok"]);
    m.shutdown();
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    assert_eq!(dump(&mut m.conn()), data, "the rewritten AOF holds it all");
    m.shutdown();
    let _ = std::fs::remove_dir_all(&dir);

    let rdir = tmpdir("one-at-a-time-redis");
    let Some(r) = redis(&rdir, &args) else {
        return;
    };
    let (theirs, _) = one_at_a_time(&r);
    assert_eq!(ours, theirs, "muxis vs redis-server");
    r.kill9();
    let _ = std::fs::remove_dir_all(&rdir);
}

#[test]
fn an_old_single_file_aof_with_an_rdb_preamble_and_commands_after_it_loads_in_both() {
    let src = tmpdir("preamble-src");
    let m = muxis(&src, &[]).expect("starts");
    let mut c = m.conn();
    fill(&mut c);
    let _: () = redis::cmd("SAVE").query(&mut c).expect("SAVE");
    m.shutdown();
    let mut file = std::fs::read(src.join("dump.rdb")).expect("dump.rdb");
    file.extend_from_slice(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$5\r\nafter\r\n",
    );
    for kind in ["muxis", "redis"] {
        let dir = tmpdir(&format!("preamble-tail-{kind}"));
        std::fs::write(dir.join("appendonly.aof"), &file).expect("write");
        let p = match kind {
            "muxis" => muxis(&dir, &["--appendonly", "yes"]).expect("starts"),
            _ => match redis(&dir, &["--appendonly", "yes"]) {
                Some(p) => p,
                None => continue,
            },
        };
        let mut c = p.conn();
        let _: () = redis::cmd("SELECT").arg(3).query(&mut c).expect("SELECT");
        let v: String = redis::cmd("GET").arg("tail").query(&mut c).expect("GET");
        assert_eq!(v, "after", "{kind}");
        let _: () = redis::cmd("SELECT").arg(0).query(&mut c).expect("SELECT");
        let n: usize = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
        assert!(n > 5, "{kind}: the preamble's keys");
        p.kill9();
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&src);
}
