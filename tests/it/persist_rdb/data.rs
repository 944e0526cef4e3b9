//! A dataset with every type and encoding, and a canonical text of a server's whole
//! dataset to compare two servers (or one before and after a restart) by.

use redis::{Connection, Value};

/// Fills databases 0 and 1 with every type and encoding Redis 7.0 has, TTLs included.
pub fn fill(c: &mut Connection) {
    let mut run = |args: Vec<String>| {
        let _: Value = redis::cmd(&args[0])
            .arg(&args[1..])
            .query(c)
            .expect("fill command");
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    run(s(&["SET", "int", "12345"]));
    run(s(&["SET", "negint", "-99"]));
    run(s(&["SET", "bigint", "9223372036854775807"]));
    run(s(&["SET", "embstr", "hello world"]));
    run(s(&["SET", "raw", &"compressible ".repeat(40)]));
    run(s(&["SET", "empty", ""]));
    run(s(&["SET", "ttl", "soon", "PX", "500000"]));
    run(s(&["SET", "binary", "\u{0}\u{1}\u{ff}zz"]));
    let mut l = s(&["RPUSH", "smalllist"]);
    l.extend(s(&["a", "1", "-5", "300000", "b"]));
    run(l);
    let mut l = s(&["RPUSH", "biglist"]);
    l.extend((0..3000).map(|i| {
        if i % 2 == 0 {
            i.to_string()
        } else {
            format!("elem-{i}-{}", "x".repeat(i % 50))
        }
    }));
    run(l);
    run(s(&["HSET", "smallhash", "f1", "v1", "f2", "2", "n", "-1"]));
    let mut h = s(&["HSET", "bighash"]);
    for i in 0..700 {
        h.push(format!("field{i}"));
        h.push(format!("value{i}"));
    }
    run(h);
    run(s(&["HSET", "longvalhash", "f", &"v".repeat(100)]));
    run(s(&["SADD", "intset", "1", "-2", "70000", "5000000000"]));
    run(s(&["SADD", "strset", "a", "b", "c"]));
    let mut st = s(&["SADD", "bigintset"]);
    st.extend((0..600).map(|i| i.to_string()));
    run(st);
    run(s(&[
        "ZADD", "smallz", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "0.1", "e",
    ]));
    let mut z = s(&["ZADD", "bigz"]);
    for i in 0..200 {
        z.push(format!("{}", i as f64 / 3.0));
        z.push(format!("m{i}"));
    }
    run(z);
    for i in 1..=150 {
        let id = format!("{}-{}", 1000 + i / 2, i % 2);
        if i % 7 == 0 {
            run(s(&["XADD", "stream", &id, "other", &i.to_string()]));
        } else {
            run(s(&[
                "XADD",
                "stream",
                &id,
                "name",
                &format!("n{i}"),
                "age",
                &i.to_string(),
            ]));
        }
    }
    run(s(&["XDEL", "stream", "1010-0", "1020-1"]));
    run(s(&["XGROUP", "CREATE", "stream", "g1", "0"]));
    run(s(&["XGROUP", "CREATE", "stream", "g2", "$"]));
    run(s(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "alice",
        "COUNT",
        "5",
        "STREAMS",
        "stream",
        ">",
    ]));
    run(s(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "bob",
        "COUNT",
        "3",
        "STREAMS",
        "stream",
        ">",
    ]));
    run(s(&["XACK", "stream", "g1", "1000-1"]));
    run(s(&["XGROUP", "CREATECONSUMER", "stream", "g2", "carol"]));
    run(s(&["XADD", "emptystream", "5-5", "f", "v"]));
    run(s(&["XDEL", "emptystream", "5-5"]));
    run(s(&["SELECT", "1"]));
    run(s(&["SET", "in-db1", "x"]));
    run(s(&["RPUSH", "list-db1", "y"]));
    run(s(&["SELECT", "0"]));
}

fn text(v: &Value) -> String {
    format!("{v:?}")
}

fn q(c: &mut Connection, args: &[&str]) -> Value {
    redis::cmd(args[0])
        .arg(&args[1..])
        .query(c)
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Every key of databases 0..2 with its type, encoding, content and whether it has a TTL,
/// as one comparable text. Streams are compared by entries, counters, groups, PELs and
/// consumers (not by the radix tree's layout).
pub fn dump_all(c: &mut Connection) -> Vec<String> {
    let mut out = Vec::new();
    for db in 0..2 {
        let _: () = redis::cmd("SELECT").arg(db).query(c).expect("select");
        let mut keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(c).expect("keys");
        keys.sort();
        for k in keys {
            let key = String::from_utf8_lossy(&k).to_string();
            let ty: String = redis::cmd("TYPE").arg(&k).query(c).expect("type");
            let enc = text(&q(c, &["OBJECT", "ENCODING", &key]));
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(c).expect("pttl");
            let content = match ty.as_str() {
                "string" => text(&q(c, &["GET", &key])),
                "list" => text(&q(c, &["LRANGE", &key, "0", "-1"])),
                "hash" => {
                    // A hashtable's order is its own: compare the pairs sorted.
                    let m: Vec<Vec<u8>> = redis::cmd("HGETALL").arg(&k).query(c).expect("hgetall");
                    let mut pairs: Vec<_> = m.chunks(2).map(|p| p.to_vec()).collect();
                    pairs.sort();
                    format!("{pairs:?}")
                }
                "set" => {
                    let mut m: Vec<Vec<u8>> =
                        redis::cmd("SMEMBERS").arg(&k).query(c).expect("smembers");
                    m.sort();
                    format!("{m:?}")
                }
                "zset" => text(&q(c, &["ZRANGE", &key, "0", "-1", "WITHSCORES"])),
                "stream" => {
                    let mut t = text(&q(c, &["XRANGE", &key, "-", "+"]));
                    let info = q(c, &["XINFO", "STREAM", &key]);
                    // Keep the counters, drop the layout (radix-tree-keys/nodes).
                    if let Value::Array(items) = &info {
                        for p in items.chunks(2) {
                            let name = text(&p[0]);
                            if !name.contains("radix") {
                                t.push_str(&format!(" {name}={}", text(&p[1])));
                            }
                        }
                    }
                    t.push_str(&text(&q(c, &["XINFO", "GROUPS", &key])));
                    let groups: Vec<Vec<Value>> = redis::cmd("XINFO")
                        .arg("GROUPS")
                        .arg(&k)
                        .query(c)
                        .expect("groups");
                    for g in groups {
                        let name = g.get(1).map(text).unwrap_or_default();
                        let name = name.trim_matches(|ch| ch == '"').to_string();
                        let gname = match &g[1] {
                            Value::BulkString(b) => String::from_utf8_lossy(b).to_string(),
                            _ => name,
                        };
                        // The summary form: the extended one carries idle times, which tick.
                        t.push_str(&text(&q(c, &["XPENDING", &key, &gname])));
                        // Consumers' idle times tick; their names and pending counts don't.
                        if let Value::Array(cs) = q(c, &["XINFO", "CONSUMERS", &key, &gname]) {
                            for cons in cs {
                                if let Value::Array(f) = cons {
                                    t.push_str(&format!(" {}:{}", text(&f[1]), text(&f[3])));
                                }
                            }
                        }
                    }
                    t
                }
                other => panic!("type {other}"),
            };
            out.push(format!(
                "db{db} {key} {ty} {enc} ttl={} {content}",
                pttl > 0
            ));
        }
    }
    let _: () = redis::cmd("SELECT").arg(0).query(c).expect("select");
    out
}

/// Asserts two dumps are the same, naming the first key that differs.
pub fn assert_same(a: &[String], b: &[String], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: key counts differ");
    for (x, y) in a.iter().zip(b) {
        assert!(
            x == y,
            "{what}: first difference:\n  {}\n  {}",
            &x[..x.len().min(400)],
            &y[..y.len().min(400)]
        );
    }
}
