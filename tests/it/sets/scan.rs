//! SSCAN: reply shape, options and errors, and full iterations that return every member.

use super::*;

#[test]
fn sscan_reply_shape_options_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    rt(&mut r, &["SSCAN", "nokey", "0"], empty);
    rt(&mut r, &["SSCAN", "nokey", "0", "COUNT", "0"], empty);
    // An intset comes whole, in order, whatever COUNT says.
    rt(
        &mut r,
        &["SADD", "i", "5", "4", "3", "2", "1", "10"],
        ":6\r\n",
    );
    rt(
        &mut r,
        &["SSCAN", "i", "0", "COUNT", "1"],
        "*2\r\n$1\r\n0\r\n*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$2\r\n10\r\n",
    );
    rt(
        &mut r,
        &["SSCAN", "i", "0", "MATCH", "1*"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$2\r\n10\r\n",
    );
    rt(&mut r, &["SSCAN", "i", "0", "MATCH", "9"], empty);
    let invalid = "-ERR invalid cursor\r\n";
    rt(&mut r, &["SSCAN", "i", "x"], invalid);
    rt(&mut r, &["SSCAN", "nokey", "1x"], invalid);
    rt(&mut r, &["SSCAN", "i", "0", "COUNT", "0"], SYNTAX);
    rt(&mut r, &["SSCAN", "i", "0", "COUNT", "-1"], SYNTAX);
    rt(&mut r, &["SSCAN", "i", "0", "COUNT", "x"], NOT_INTEGER);
    rt(&mut r, &["SSCAN", "i", "0", "TYPE", "set"], SYNTAX);
    rt(&mut r, &["SSCAN", "i", "0", "COUNT"], SYNTAX);
    rt(&mut r, &["SSCAN", "i"], &wrong_arity("sscan"));
}

#[test]
fn sscan_full_iteration_returns_every_member() {
    let s = TestServer::start();
    let mut con = s.client();
    let all: HashSet<String> = (0..600).map(|i| format!("member:{i}")).collect();
    for chunk in all.iter().collect::<Vec<_>>().chunks(100) {
        let mut args = vec!["SADD", "s"];
        args.extend(chunk.iter().map(|m| m.as_str()));
        run(&mut con, &args).expect("SADD");
    }
    let sscan =
        |con: &mut redis::Connection, cursor: &str, opts: &[&str]| -> (String, Vec<String>) {
            let mut c = redis::cmd("SSCAN");
            c.arg("s").arg(cursor);
            for o in opts {
                c.arg(*o);
            }
            c.query(con).expect("SSCAN replies")
        };
    for opts in [
        &["COUNT", "1"][..],
        &[],
        &["COUNT", "100000"],
        &["MATCH", "member:1*", "COUNT", "3"],
    ] {
        let mut seen = HashSet::new();
        let mut cursor = "0".to_string();
        let mut calls = 0;
        loop {
            let (next, found) = sscan(&mut con, &cursor, opts);
            seen.extend(found);
            calls += 1;
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
        let expect: HashSet<String> = if opts.contains(&"MATCH") {
            all.iter()
                .filter(|m| m.starts_with("member:1"))
                .cloned()
                .collect()
        } else {
            all.clone()
        };
        assert_eq!(seen, expect, "{opts:?}");
        if opts == ["COUNT", "1"] {
            assert!(calls > 100, "a big set comes in steps ({calls} calls)");
        }
    }
    // Members removed and added while iterating: every member present throughout comes back.
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0;
    loop {
        let (next, found) = sscan(&mut con, &cursor, &["COUNT", "5"]);
        seen.extend(found);
        round += 1;
        if round < 250 {
            run(&mut con, &["SREM", "s", &format!("member:{}", 300 + round)]).expect("SREM");
            run(&mut con, &["SADD", "s", &format!("new:{round}")]).expect("SADD");
        }
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    for i in (0..=300).chain(550..600) {
        assert!(seen.contains(&format!("member:{i}")), "member:{i} missed");
    }
}
