//! Loading bad AOFs: a torn tail (cut at many offsets) loads under `aof-load-truncated yes`
//! with the torn command dropped and is refused under `no`; corrupt content, unknown
//! commands and a torn non-last file are refused naming the file and offset; an old
//! single-file `appendonly.aof` is taken into a new directory.

use super::proc::*;
use std::path::Path;

/// Offsets where a command starts, and the file's length.
fn boundaries(data: &[u8]) -> Vec<usize> {
    let mut out = vec![0];
    let mut pos = 0;
    let line = |pos: usize| -> (usize, usize) {
        let nl = data[pos..].iter().position(|&b| b == b'\n').expect("line") + pos;
        let n = std::str::from_utf8(&data[pos + 1..nl - 1])
            .expect("utf8")
            .parse()
            .expect("n");
        (n, nl + 1)
    };
    while pos < data.len() {
        let (argc, mut p) = line(pos);
        for _ in 0..argc {
            let (len, q) = line(p);
            p = q + len + 2;
        }
        pos = p;
        out.push(pos);
    }
    out
}

/// An AOF directory with a base and an incr file holding `SET k<i> <i>` for i in 0..n,
/// with a MULTI/EXEC of two more at the end.
fn written(n: usize) -> std::path::PathBuf {
    let dir = tmpdir("torn");
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("starts");
    let mut c = m.conn();
    for i in 0..n {
        let _: () = redis::cmd("SET")
            .arg(format!("k{i}"))
            .arg(i)
            .query(&mut c)
            .expect("SET");
    }
    let _: redis::Value = redis::pipe()
        .atomic()
        .cmd("SET")
        .arg(format!("k{n}"))
        .arg(n)
        .cmd("SET")
        .arg(format!("k{}", n + 1))
        .arg(n + 1)
        .query(&mut c)
        .expect("MULTI");
    m.shutdown();
    dir
}

fn keys(dir: &Path, args: &[&str]) -> Result<usize, String> {
    let mut all = vec!["--appendonly", "yes"];
    all.extend_from_slice(args);
    let m = muxis(dir, &all)?;
    let mut c = m.conn();
    let n: usize = redis::cmd("DBSIZE").query(&mut c).expect("DBSIZE");
    for i in 0..n {
        let v: Option<usize> = redis::cmd("GET")
            .arg(format!("k{i}"))
            .query(&mut c)
            .expect("GET");
        assert_eq!(
            v,
            Some(i),
            "the loaded keys are a prefix of what was written"
        );
    }
    m.kill9();
    Ok(n)
}

#[test]
fn a_torn_tail_loads_under_aof_load_truncated_yes_and_is_refused_under_no() {
    let n = 30;
    let dir = written(n);
    let incr = last_incr(&dir);
    let whole = std::fs::read(&incr).expect("incr");
    let bounds = boundaries(&whole);
    // Commands: SELECT, n SETs, MULTI, SET, SET, EXEC.
    assert_eq!(bounds.len(), n + 6, "{bounds:?}");
    let multi_at = bounds[n + 1];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut cuts: Vec<usize> = (0..10)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            1 + (seed as usize) % (whole.len() - 1)
        })
        .collect();
    cuts.push(whole.len() - 1); // within EXEC: the whole transaction goes
    cuts.push(bounds[n + 4]); // right before EXEC: a MULTI without EXEC is torn too
    for cut in cuts {
        std::fs::write(&incr, &whole[..cut]).expect("cut");
        if bounds.contains(&cut) && cut <= multi_at {
            assert!(
                keys(&dir, &["--aof-load-truncated", "no"]).is_ok(),
                "cut {cut} is whole"
            );
            continue;
        }
        let log = keys(&dir, &["--aof-load-truncated", "no"]).expect_err("refused under no");
        assert!(
            log.contains(
                "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof"
            ),
            "cut {cut}: {log}"
        );
        let valid = bounds
            .iter()
            .copied()
            .filter(|&b| b <= cut.min(multi_at))
            .max()
            .unwrap_or(0);
        assert!(log.contains(&format!("offset {valid}")), "cut {cut}: {log}");
        assert_eq!(
            std::fs::metadata(&incr).expect("incr").len() as usize,
            cut,
            "untouched under no"
        );

        let loaded = keys(&dir, &["--aof-load-truncated", "yes"]).expect("loads under yes");
        // SELECT and `loaded` SETs are whole; the file is cut back to their end.
        let whole_cmds = bounds.iter().position(|&b| b == valid).expect("a boundary");
        assert_eq!(loaded, whole_cmds.saturating_sub(1), "cut {cut}");
        assert_eq!(
            std::fs::metadata(&incr).expect("incr").len() as usize,
            valid
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_content_unknown_commands_and_a_torn_base_are_refused_with_file_and_offset() {
    let dir = written(5);
    let incr = last_incr(&dir);
    let whole = std::fs::read(&incr).expect("incr");
    let at = boundaries(&whole)[3];
    let mut bad = whole[..at].to_vec();
    bad.extend_from_slice(b"+garbage\r\n");
    bad.extend_from_slice(&whole[at..]);
    std::fs::write(&incr, &bad).expect("write");
    for setting in ["yes", "no"] {
        let log = keys(&dir, &["--aof-load-truncated", setting]).expect_err("refused");
        assert!(
            log.contains(&format!(
                "Bad file format reading the append only file appendonly.aof.1.incr.aof at offset {at}"
            )),
            "{log}"
        );
    }
    let mut bad = whole[..at].to_vec();
    bad.extend_from_slice(b"*2\r\n$7\r\nNOSUCHX\r\n$1\r\na\r\n");
    std::fs::write(&incr, &bad).expect("write");
    let log = keys(&dir, &[]).expect_err("refused");
    assert!(
        log.contains(&format!(
            "Unknown command 'NOSUCHX' reading the append only file appendonly.aof.1.incr.aof at offset {at}"
        )),
        "{log}"
    );
    // A torn RDB preamble is refused, naming the file.
    std::fs::write(&incr, &whole).expect("write");
    let base = dir.join("appendonlydir/appendonly.aof.1.base.rdb");
    let rdb = std::fs::read(&base).expect("the default base is RDB");
    assert!(rdb.starts_with(b"REDIS0010"));
    std::fs::write(&base, &rdb[..rdb.len() - 3]).expect("write");
    for setting in ["yes", "no"] {
        let log = keys(&dir, &["--aof-load-truncated", setting]).expect_err("refused");
        assert!(
            log.contains("Bad RDB preamble in the AOF file appendonly.aof.1.base.rdb"),
            "{log}"
        );
    }
    // A torn base (not the last file) is refused even under yes (a base in command form
    // under the name the manifest gives).
    std::fs::write(
        &base,
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1",
    )
    .expect("write");
    let log = keys(&dir, &["--aof-load-truncated", "yes"]).expect_err("refused");
    assert!(
        log.contains("the truncated file appendonly.aof.1.base.rdb is not the last file"),
        "{log}"
    );
    // A manifest naming a file that is not there.
    std::fs::remove_file(&base).expect("rm");
    let log = keys(&dir, &[]).expect_err("refused");
    assert!(
        log.contains("The AOF file appendonly.aof.1.base.rdb doesn't exist"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_old_single_file_aof_moves_into_a_new_directory() {
    let dir = tmpdir("upgrade");
    std::fs::write(
        dir.join("appendonly.aof"),
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$3\r\naof\r\n",
    )
    .expect("write");
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("starts");
    let mut c = m.conn();
    let v: String = redis::cmd("GET").arg("old").query(&mut c).expect("GET");
    assert_eq!(v, "aof");
    let _: () = redis::cmd("SET")
        .arg("new")
        .arg("1")
        .query(&mut c)
        .expect("SET");
    m.shutdown();
    assert!(!dir.join("appendonly.aof").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest"))
            .expect("manifest"),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    let m = muxis(&dir, &["--appendonly", "yes"]).expect("restarts");
    assert_eq!(keys_of(&m), ["new", "old"]);
    let _ = std::fs::remove_dir_all(&dir);
}

fn keys_of(m: &Proc) -> Vec<String> {
    let mut c = m.conn();
    let mut k: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).expect("KEYS");
    k.sort();
    k
}

#[test]
fn a_failing_aof_write_refuses_writes_with_misconf_as_redis() {
    let dir = tmpdir("misconf");
    muxis(&dir, &["--appendonly", "yes"])
        .expect("starts")
        .shutdown();
    // The manifest keeps only the base, and the incremental file the next start creates
    // is /dev/full: every write to it fails with ENOSPC.
    let incr = last_incr(&dir);
    let manifest = dir.join("appendonlydir/appendonly.aof.manifest");
    std::fs::write(&manifest, "file appendonly.aof.1.base.rdb seq 1 type b\n").expect("write");
    std::fs::remove_file(&incr).expect("rm");
    std::os::unix::fs::symlink("/dev/full", &incr).expect("symlink");
    let m = muxis(&dir, &["--appendonly", "yes", "--appendfsync", "everysec"]).expect("starts");
    let mut c = m.conn();
    // The first write is answered (Redis too: the error is known only after it).
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg("1")
        .query(&mut c)
        .expect("SET");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while info(&mut c, "aof_last_write_status") != "err" {
        assert!(
            std::time::Instant::now() < deadline,
            "the failed write is not reported"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let err = redis::cmd("SET")
        .arg("b")
        .arg("2")
        .query::<()>(&mut c)
        .expect_err("refused");
    assert_eq!(err.code(), Some("MISCONF"), "{err:?}");
    assert!(
        err.to_string()
            .contains("Errors writing to the AOF file: No space left on device"),
        "{err}"
    );
    assert!(
        redis::cmd("PING").query::<String>(&mut c).is_err(),
        "PING is refused too"
    );
    // Reads go on.
    let v: String = redis::cmd("GET").arg("a").query(&mut c).expect("GET");
    assert_eq!(v, "1");
    m.kill9();
    let _ = std::fs::remove_dir_all(&dir);
}
