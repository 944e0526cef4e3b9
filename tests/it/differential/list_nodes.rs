//! Differential test of list node layout against redis-server 7.0: with a count fill
//! (`list-max-listpack-size 3`) a quicklist's nodes are observable through DEBUG OBJECT
//! (`ql_nodes`, `ql_avg_node`, `ql_listpack_max`), and pushes at both ends, LINSERT's
//! split, LSET, LREM, LTRIM and pops must leave the same nodes as Redis's, with the same
//! contents. CONFIG SET of the fill reaches new lists only, as in Redis.

use super::redis_proc::RedisProc;
use super::resp::{Conn, show};
use crate::common::TestServer;

fn argv(a: &[&str]) -> Vec<Vec<u8>> {
    a.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// DEBUG OBJECT's quicklist fields that describe the nodes (the byte size counts Redis's
/// own entry encoding, which ours is not).
fn nodes(c: &mut Conn, key: &str) -> String {
    let line = show(
        &c.call(&argv(&["DEBUG", "OBJECT", key]))
            .expect("debug object"),
    );
    let start = line.find("ql_nodes:").unwrap_or(0);
    let end = line.find(" ql_compressed").unwrap_or(line.len());
    line[start..end].to_string()
}

#[test]
fn differential_list_nodes() {
    let Some(redis) = RedisProc::start_with(&["--enable-debug-command", "yes"]) else {
        assert!(std::env::var_os("CI").is_none(), "redis-server required");
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"));
    let mut r = Conn::connect(redis.addr).expect("connect redis");
    let mut m = Conn::connect(muxis.addr).expect("connect muxis");
    let script: &[&[&str]] = &[
        &["CONFIG", "SET", "list-max-listpack-size", "3"],
        &[
            "RPUSH", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
        ],
        &["CONFIG", "SET", "list-max-listpack-size", "-2"],
        // The list keeps the fill it was made with.
        &[
            "RPUSH", "l", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
        ],
        &["LPUSH", "l", "0", "1"],
        &["LINSERT", "l", "BEFORE", "c", "X"],
        &["LINSERT", "l", "AFTER", "X", "Y"],
        &["LSET", "l", "5", ""],
        &["LREM", "l", "2", "a"],
        &["RPUSH", "l", "a", "a", "z", "a"],
        &["LREM", "l", "-2", "a"],
        &["LTRIM", "l", "2", "-3"],
        &["LPOP", "l", "2"],
        &["RPOP", "l", "4"],
        &["LMOVE", "l", "l", "LEFT", "RIGHT"],
        // A new list takes the fill in force.
        &["RPUSH", "l2", "a", "b", "c", "d", "e"],
    ];
    for cmd in script {
        let cmd = argv(cmd);
        let (a, b) = (r.call(&cmd), m.call(&cmd));
        let (a, b) = (a.expect("redis reply"), b.expect("muxis reply"));
        assert_eq!(show(&b), show(&a), "{cmd:?}: muxis (left) and redis-server");
        for key in ["l", "l2"] {
            let range = argv(&["LRANGE", key, "0", "-1"]);
            let (ra, rb) = (
                r.call(&range).expect("lrange"),
                m.call(&range).expect("lrange"),
            );
            assert_eq!(show(&rb), show(&ra), "LRANGE {key} after {cmd:?}");
            assert_eq!(
                nodes(&mut m, key),
                nodes(&mut r, key),
                "nodes of {key} after {cmd:?}"
            );
        }
    }
    // The comparison above saw real node counts, not two equal errors.
    let last = nodes(&mut m, "l");
    assert!(
        last.starts_with("ql_nodes:") && last.contains("ql_listpack_max:3"),
        "{last}"
    );
}
