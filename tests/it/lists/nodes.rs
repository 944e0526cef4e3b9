//! Lists across node boundaries: elements that are empty, binary or bigger than a node
//! (each then alone in its node), a 100k-element list read by index in the middle, and
//! the same contents after DUMP/RESTORE, whatever the node fill. (DEBUG RELOAD, which
//! writes a file, is in `persist_rdb/lists.rs`, in a scratch directory.)

use crate::common::TestServer;

fn debug_server() -> TestServer {
    TestServer::with(|c| c.set("enable-debug-command", "yes").expect("valid"))
}

pub(crate) fn lrange(c: &mut redis::Connection, key: &str) -> Vec<Vec<u8>> {
    redis::cmd("LRANGE")
        .arg(key)
        .arg(0)
        .arg(-1)
        .query(c)
        .expect("lrange")
}

/// Elements of every shape: empty, every byte value, integers, 9 KB and 70 KB.
pub fn elements() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = vec![Vec::new(), (0..=255u8).collect(), b"-12345".to_vec()];
    v.push(vec![b'x'; 9_000]);
    v.push(b"\r\n\0".to_vec());
    v.push(vec![0xff; 70_000]);
    v.extend((0..300).map(|i| format!("{i}").into_bytes()));
    v.push(Vec::new());
    v
}

#[test]
fn odd_elements_survive_restore_under_every_fill() {
    let s = debug_server();
    let mut c = s.client();
    let want = elements();
    for fill in ["-2", "-5", "1", "3"] {
        let () = redis::cmd("CONFIG")
            .arg("SET")
            .arg("list-max-listpack-size")
            .arg(fill)
            .query(&mut c)
            .expect("config");
        let key = format!("l{fill}");
        for e in &want {
            let _: i64 = redis::cmd("RPUSH")
                .arg(&key)
                .arg(e)
                .query(&mut c)
                .expect("rpush");
        }
        // LPUSH then LPOP at the head leaves the same list.
        let _: i64 = redis::cmd("LPUSH")
            .arg(&key)
            .arg(&want[3])
            .query(&mut c)
            .expect("lpush");
        let _: Vec<u8> = redis::cmd("LPOP").arg(&key).query(&mut c).expect("lpop");
        assert_eq!(lrange(&mut c, &key), want, "fill {fill}");
        let mid: Vec<u8> = redis::cmd("LINDEX")
            .arg(&key)
            .arg(5)
            .query(&mut c)
            .expect("lindex");
        assert_eq!(mid, want[5]);
        let dump: Vec<u8> = redis::cmd("DUMP").arg(&key).query(&mut c).expect("dump");
        let () = redis::cmd("RESTORE")
            .arg(format!("{key}-copy"))
            .arg(0)
            .arg(dump)
            .query(&mut c)
            .expect("restore");
        assert_eq!(
            lrange(&mut c, &format!("{key}-copy")),
            want,
            "restored, fill {fill}"
        );
    }
}

#[test]
fn a_big_element_is_a_node_of_its_own() {
    let s = debug_server();
    let mut c = s.client();
    let big = vec![b'b'; 10_000];
    let _: i64 = redis::cmd("RPUSH")
        .arg("l")
        .arg("a")
        .arg(&big)
        .arg("c")
        .query(&mut c)
        .expect("rpush");
    let line: String = redis::cmd("DEBUG")
        .arg("OBJECT")
        .arg("l")
        .query(&mut c)
        .expect("object");
    // As redis-server 7.0.15: one node each side of the big one.
    assert!(
        line.contains(" ql_nodes:3 ql_avg_node:1.00 ql_listpack_max:-2 "),
        "{line}"
    );
}

#[test]
fn a_long_list_is_read_by_index_in_the_middle() {
    let s = debug_server();
    let mut c = s.client();
    for b in 0..100 {
        let mut cmd = redis::cmd("RPUSH");
        cmd.arg("big");
        for i in b * 1000..(b + 1) * 1000 {
            cmd.arg(format!("element-{i:08}"));
        }
        let _: i64 = cmd.query(&mut c).expect("rpush");
    }
    let line: String = redis::cmd("DEBUG")
        .arg("OBJECT")
        .arg("big")
        .query(&mut c)
        .expect("object");
    // 100k 16-byte elements in 8 KB nodes (redis-server 7.0.15 makes 221).
    let nodes: usize = line
        .split(" ql_nodes:")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("ql_nodes");
    assert!((150..=250).contains(&nodes), "{line}");
    let start = std::time::Instant::now();
    for i in [50_000, 49_999, 0, 99_999, -1, -50_000] {
        let e: Vec<u8> = redis::cmd("LINDEX")
            .arg("big")
            .arg(i)
            .query(&mut c)
            .expect("lindex");
        let at = if i < 0 { 100_000 + i } else { i };
        assert_eq!(e, format!("element-{at:08}").into_bytes());
    }
    let () = redis::cmd("LSET")
        .arg("big")
        .arg(50_000)
        .arg("changed")
        .query(&mut c)
        .expect("lset");
    let n: i64 = redis::cmd("LINSERT")
        .arg("big")
        .arg("AFTER")
        .arg("changed")
        .arg("inserted")
        .query(&mut c)
        .expect("linsert");
    assert_eq!(n, 100_001);
    let mid: Vec<String> = redis::cmd("LRANGE")
        .arg("big")
        .arg(49_999)
        .arg(50_002)
        .query(&mut c)
        .expect("lrange");
    assert_eq!(
        mid,
        [
            "element-00049999",
            "changed",
            "inserted",
            "element-00050001"
        ]
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
