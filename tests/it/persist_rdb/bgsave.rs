//! BGSAVE: the file holds exactly the dataset as it was when BGSAVE was called, whatever
//! the writes (overwrites, deletes, new keys, SWAPDB, FLUSHALL) during the save.

use super::proc::{Kind, Scratch, Srv, info, wait_bgsave};
use muxis::persist::rdb;
use redis::Value;
use std::collections::HashMap;

const KEYS: usize = 200_000;

#[test]
fn bgsave_saves_the_state_at_its_start_under_concurrent_writes() {
    let dir = Scratch::new("bgsave");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    // The state at BGSAVE: k<i> = v<i>, a few collections, TTLs on some.
    let mut pipe = redis::pipe();
    for i in 0..KEYS {
        pipe.cmd("SET")
            .arg(format!("k{i}"))
            .arg(format!("v{i}"))
            .ignore();
        if pipe.len() >= 5000 {
            let _: () = pipe.query(&mut c).expect("fill");
            pipe = redis::pipe();
        }
    }
    if !pipe.is_empty() {
        let _: () = pipe.query(&mut c).expect("fill");
    }
    let _: () = redis::cmd("RPUSH")
        .arg("list")
        .arg(&["a", "b", "c"])
        .query(&mut c)
        .expect("rpush");
    let _: () = redis::cmd("HSET")
        .arg("hash")
        .arg(&["f", "v"])
        .query(&mut c)
        .expect("hset");
    let started: String = redis::cmd("BGSAVE").query(&mut c).expect("BGSAVE");
    assert_eq!(started, "Background saving started");
    // Writes while it runs, pipelined so they land between the walk's steps.
    let mut writes = 0;
    let mut round = 0;
    while info(&mut c, "persistence", "rdb_bgsave_in_progress") == "1" && round < 200 {
        let mut p = redis::pipe();
        for j in 0..500 {
            let i = (round * 7919 + j * 104_729) % KEYS;
            match j % 5 {
                0 => p.cmd("SET").arg(format!("k{i}")).arg("overwritten"),
                1 => p.cmd("DEL").arg(format!("k{i}")),
                2 => p.cmd("SET").arg(format!("new{round}-{j}")).arg("x"),
                3 => p.cmd("APPEND").arg(format!("k{i}")).arg("+"),
                _ => p.cmd("EXPIRE").arg(format!("k{i}")).arg(1000),
            };
            p.ignore();
        }
        p.cmd("RPUSH").arg("list").arg("d").ignore();
        p.cmd("HSET").arg("hash").arg("f").arg("changed").ignore();
        let _: () = p.query(&mut c).expect("writes");
        writes += 500;
        round += 1;
        if round == 2 {
            // The save keeps the numbers databases had at its start.
            let _: Value = redis::cmd("SWAPDB")
                .arg(0)
                .arg(1)
                .query(&mut c)
                .expect("swapdb");
        }
        if round == 3 {
            let _: Value = redis::cmd("FLUSHALL").query(&mut c).expect("flushall");
        }
    }
    wait_bgsave(&mut c);
    assert_eq!(info(&mut c, "persistence", "rdb_last_bgsave_status"), "ok");
    assert!(writes > 0, "no write landed during the save");
    assert!(
        round > 3,
        "the save ended before the FLUSHALL ({round} rounds)"
    );
    let data = std::fs::read(dir.file("dump.rdb")).expect("file");
    let mut got: HashMap<Vec<u8>, muxis::db::Value> = HashMap::new();
    let loader = rdb::Loader {
        enc: Default::default(),
        databases: 16,
        now: None,
    };
    rdb::load_bytes(&data, &loader, |k| {
        assert!(k.expire_at.is_none(), "no TTL existed at the start");
        assert_eq!(k.db, 0, "every key was in database 0 at the start");
        assert!(
            got.insert(k.key.to_vec(), k.value).is_none(),
            "a key saved twice"
        );
        Ok(())
    })
    .expect("the file loads");
    assert_eq!(got.len(), KEYS + 2, "exactly the keys present at the start");
    for i in 0..KEYS {
        let v = got.get(format!("k{i}").as_bytes()).expect("every key");
        assert_eq!(
            v,
            &muxis::db::Value::str(format!("v{i}").as_bytes()),
            "k{i}"
        );
    }
    assert_eq!(
        got.get(&b"list"[..]),
        Some(&muxis::db::Value::List(
            [bytes::Bytes::from("a"), "b".into(), "c".into()].into()
        ))
    );
    // The file also passes Redis's checker.
    if std::path::Path::new("/usr/bin/redis-check-rdb").exists() {
        let out = std::process::Command::new("/usr/bin/redis-check-rdb")
            .arg(dir.file("dump.rdb"))
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A second BGSAVE while one runs is refused; SCHEDULE inside MULTI is scheduled.
    let _: String = redis::cmd("BGSAVE").query(&mut c).expect("again");
    let e = redis::cmd("BGSAVE").query::<String>(&mut c);
    if let Err(e) = e {
        assert!(e.to_string().contains("already in progress"), "{e}");
    }
    wait_bgsave(&mut c);
}
