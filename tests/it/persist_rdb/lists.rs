//! Lists through an RDB file: every element shape under four node fills survives DEBUG
//! RELOAD in muxis, and redis-server 7.0.15 loads muxis's file to the same lists.

use super::proc::{Kind, Scratch, Srv, redis_available};
use crate::lists::nodes::{elements, lrange};

const FILLS: [&str; 4] = ["-2", "-5", "1", "3"];

#[test]
fn lists_survive_debug_reload_and_load_in_redis() {
    let dir = Scratch::new("lists");
    let want = elements();
    let m = Srv::start(Kind::Muxis, &dir.0, &["--enable-debug-command", "yes"]);
    let mut c = m.conn();
    for fill in FILLS {
        let () = redis::cmd("CONFIG")
            .arg("SET")
            .arg("list-max-listpack-size")
            .arg(fill)
            .query(&mut c)
            .expect("config");
        for e in &want {
            let _: i64 = redis::cmd("RPUSH")
                .arg(format!("l{fill}"))
                .arg(e)
                .query(&mut c)
                .expect("rpush");
        }
    }
    let () = redis::cmd("DEBUG")
        .arg("RELOAD")
        .query(&mut c)
        .expect("reload");
    for fill in FILLS {
        assert_eq!(
            lrange(&mut c, &format!("l{fill}")),
            want,
            "reloaded, fill {fill}"
        );
        let enc: String = redis::cmd("OBJECT")
            .arg("ENCODING")
            .arg(format!("l{fill}"))
            .query(&mut c)
            .expect("encoding");
        assert_eq!(enc, "quicklist");
    }
    let () = redis::cmd("SAVE").query(&mut c).expect("save");
    drop(m);
    if !redis_available() {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        return;
    }
    let r = Srv::start(Kind::Redis, &dir.0, &[]);
    let mut c = r.conn();
    for fill in FILLS {
        assert_eq!(
            lrange(&mut c, &format!("l{fill}")),
            want,
            "in redis-server, fill {fill}"
        );
    }
}
