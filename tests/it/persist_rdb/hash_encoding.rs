//! A hash's encoding across DEBUG RELOAD and a restart: loading picks it again from the
//! content, as Redis 7.0's loader does (a table of few short fields comes back packed, a
//! listpack stays packed whatever its lengths, as only its count is checked), and the
//! fields come back in order. Checked against fixed expectations, and against
//! redis-server 7.0.15 when it is installed.

use super::proc::{Kind, Scratch, Srv, redis_available};

/// Writes under changing limits, then the encodings before and after DEBUG RELOAD and
/// after a restart, and a packed hash's fields.
fn script(kind: Kind, dir: &Scratch) -> Vec<String> {
    let s = Srv::start(kind, &dir.0, &["--enable-debug-command", "yes"]);
    let mut c = s.conn();
    let x40 = "x".repeat(40);
    let writes: &[&[&str]] = &[
        &["CONFIG", "SET", "hash-max-listpack-value", "64"],
        &["HSET", "lp", "a", &x40, "b", ""],
        &["HSET", "few", "a", "1", "b", "2"],
        &["CONFIG", "SET", "hash-max-listpack-value", "8"],
        &["HSET", "few", "long", &x40],
        &["HSET", "few", "c", "3"],
        &["HDEL", "few", "long"],
        &["HSET", "kept", "a", "1", "b", &x40],
        &["HSET", "small", "z", "1", "", "\u{0}\u{ff}", "y", "2"],
        &[
            "HSET", "many", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
        ],
        &["CONFIG", "SET", "hash-max-listpack-entries", "4"],
    ];
    for w in writes {
        let mut cmd = redis::cmd(w[0]);
        for a in &w[1..] {
            cmd.arg(*a);
        }
        let _: redis::Value = cmd.query(&mut c).expect("write");
    }
    let keys = ["lp", "few", "kept", "small", "many"];
    let mut out = Vec::new();
    let mut encodings = |c: &mut redis::Connection, when: &str| {
        for k in keys {
            let e: String = redis::cmd("OBJECT")
                .arg("ENCODING")
                .arg(k)
                .query(c)
                .expect("OBJECT ENCODING");
            out.push(format!("{when} {k} {e}"));
        }
    };
    encodings(&mut c, "written");
    let _: () = redis::cmd("DEBUG")
        .arg("RELOAD")
        .query(&mut c)
        .expect("DEBUG RELOAD");
    encodings(&mut c, "reloaded");
    let _: () = redis::cmd("SAVE").query(&mut c).expect("SAVE");
    drop(s);
    // Restarted with the limits of the command line (the defaults).
    let s = Srv::start(kind, &dir.0, &[]);
    let mut c = s.conn();
    encodings(&mut c, "restarted");
    let small: Vec<Vec<u8>> = redis::cmd("HGETALL")
        .arg("small")
        .query(&mut c)
        .expect("HGETALL");
    out.push(format!("small {small:?}"));
    out
}

#[test]
fn hash_encodings_are_picked_again_on_load() {
    let got = script(Kind::Muxis, &Scratch::new("hash-enc-m"));
    let want = [
        "written lp listpack",
        "written few hashtable",
        "written kept hashtable",
        "written small listpack",
        "written many listpack",
        "reloaded lp listpack",
        "reloaded few listpack",
        "reloaded kept hashtable",
        "reloaded small listpack",
        "reloaded many hashtable",
        "restarted lp listpack",
        "restarted few listpack",
        // The defaults again: 40 bytes fit.
        "restarted kept listpack",
        "restarted small listpack",
        "restarted many listpack",
    ];
    assert_eq!(got[..want.len()], want.map(String::from));
    assert_eq!(
        got[want.len()],
        format!(
            "small {:?}",
            [&b"z"[..], b"1", b"", "\u{0}\u{ff}".as_bytes(), b"y", b"2"].map(<[u8]>::to_vec)
        )
    );
    if redis_available() {
        assert_eq!(got, script(Kind::Redis, &Scratch::new("hash-enc-r")));
    }
}
