//! Function libraries in persistence: saved as FUNCTION2 records and loaded back through
//! FUNCTION LOAD's path, in RDB files exchanged with redis-server 7.0.15 both ways, in the
//! AOF's base (RDB preamble and command form), and across DEBUG RELOAD.

use super::proc::{Kind, Scratch, Srv, redis_available};

const LIB: &str = "#!lua name=mylib\nredis.register_function('hello', function(keys, args) return 'hello ' .. args[1] end)\nredis.register_function{function_name='ro', callback=function() return 7 end, flags={'no-writes'}}";
const LIB2: &str = "#!lua name=other\nredis.register_function('twice', function(keys, args) return args[1] .. args[1] end)";

fn load(c: &mut redis::Connection, code: &str) {
    let _: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg(code)
        .query(c)
        .expect("FUNCTION LOAD");
}

/// What the functions are: each library's code (FUNCTION LIST WITHCODE, in name order:
/// Redis lists in hash order), and two calls.
fn functions(c: &mut redis::Connection) -> (Vec<String>, String, i64) {
    let list: Vec<Vec<redis::Value>> = redis::cmd("FUNCTION")
        .arg("LIST")
        .arg("WITHCODE")
        .query(c)
        .expect("FUNCTION LIST");
    let mut codes: Vec<String> = list
        .iter()
        .filter_map(|lib| {
            let at = lib
                .iter()
                .position(|v| matches!(v, redis::Value::BulkString(b) if b == b"library_code"))?;
            match lib.get(at + 1)? {
                redis::Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
                _ => None,
            }
        })
        .collect();
    codes.sort();
    let hello: String = redis::cmd("FCALL")
        .arg("hello")
        .arg(0)
        .arg("you")
        .query(c)
        .expect("FCALL hello");
    let ro: i64 = redis::cmd("FCALL_RO")
        .arg("ro")
        .arg(0)
        .query(c)
        .expect("FCALL_RO ro");
    (codes, hello, ro)
}

fn save(c: &mut redis::Connection) {
    let _: () = redis::cmd("SAVE").query(c).expect("SAVE");
}

#[test]
fn functions_survive_save_and_restart_both_ways_with_redis() {
    let dir = Scratch::new("fn-m2r");
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    load(&mut c, LIB);
    load(&mut c, LIB2);
    let before = functions(&mut c);
    assert_eq!((before.1.as_str(), before.2), ("hello you", 7));
    assert_eq!(before.0, [LIB, LIB2]);
    save(&mut c);
    drop(m);
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    assert_eq!(functions(&mut m.conn()), before, "muxis restarted");
    drop(m);
    if !redis_available() {
        return;
    }
    let check = std::process::Command::new("/usr/bin/redis-check-rdb")
        .arg(dir.file("dump.rdb"))
        .output()
        .expect("redis-check-rdb runs");
    assert!(check.status.success(), "{:?}", check);
    let r = Srv::start(Kind::Redis, &dir.0, &[]);
    let mut rc = r.conn();
    assert_eq!(functions(&mut rc), before, "muxis's file in redis-server");
    // And back: Redis saves them, muxis loads them.
    let _: String = redis::cmd("FUNCTION")
        .arg("DELETE")
        .arg("other")
        .query(&mut rc)
        .expect("DELETE");
    let theirs = functions(&mut rc);
    save(&mut rc);
    drop(r);
    let m = Srv::start(Kind::Muxis, &dir.0, &[]);
    let mut c = m.conn();
    assert_eq!(functions(&mut c), theirs, "redis-server's file in muxis");
    let err = redis::cmd("FCALL")
        .arg("twice")
        .arg(0)
        .arg("x")
        .query::<String>(&mut c)
        .expect_err("deleted before the save");
    assert!(format!("{err}").contains("Function not found"), "{err}");
}

#[test]
fn functions_survive_aof_rewrites_and_debug_reload() {
    for preamble in ["yes", "no"] {
        let dir = Scratch::new(&format!("fn-aof-{preamble}"));
        let args = [
            "--appendonly",
            "yes",
            "--aof-use-rdb-preamble",
            preamble,
            "--enable-debug-command",
            "yes",
        ];
        let m = Srv::start(Kind::Muxis, &dir.0, &args);
        let mut c = m.conn();
        load(&mut c, LIB);
        let before = functions(&mut c);
        let _: String = redis::cmd("BGREWRITEAOF")
            .query(&mut c)
            .expect("BGREWRITEAOF");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while super::proc::info(&mut c, "persistence", "aof_rewrites") != "1" {
            assert!(std::time::Instant::now() < deadline, "no rewrite");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        drop(m);
        // Only the rewritten base holds the FUNCTION LOAD now.
        let m = Srv::start(Kind::Muxis, &dir.0, &args);
        let mut c = m.conn();
        assert_eq!(functions(&mut c), before, "preamble {preamble}");

        // DEBUG RELOAD saves and loads them; without a flush they are duplicates, as in
        // Redis, unless MERGE.
        let _: () = redis::cmd("DEBUG")
            .arg("RELOAD")
            .query(&mut c)
            .expect("RELOAD");
        assert_eq!(functions(&mut c), before, "DEBUG RELOAD");
        let err = redis::cmd("DEBUG")
            .arg("RELOAD")
            .arg("NOFLUSH")
            .query::<()>(&mut c)
            .expect_err("duplicates");
        assert!(
            format!("{err}").contains("Error trying to load the RDB"),
            "{err}"
        );
        let _: () = redis::cmd("DEBUG")
            .arg("RELOAD")
            .arg("NOSAVE")
            .arg("NOFLUSH")
            .arg("MERGE")
            .query(&mut c)
            .expect("MERGE");
        assert_eq!(functions(&mut c), before, "DEBUG RELOAD MERGE");
    }
}
