//! In-process tests of the expiry commands, with the harness of `keys_tests.rs`: a fixed
//! clock the tests move by hand, so TTL arithmetic is checked to the millisecond.

use crate::cmd::keys::tests::{NOW, T};

#[test]
fn expire_option_errors_in_redis_order() {
    let mut t = T::new();
    t.set("k", "v", None);
    let nx = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
    assert_eq!(t.run(&["EXPIRE", "k", "10", "NX", "XX"]), nx);
    assert_eq!(t.run(&["EXPIRE", "k", "10", "nx", "gt"]), nx);
    assert_eq!(t.run(&["EXPIRE", "k", "10", "lt", "nx"]), nx);
    assert_eq!(
        t.run(&["EXPIRE", "k", "10", "GT", "LT"]),
        "-ERR GT and LT options at the same time are not compatible\r\n"
    );
    assert_eq!(
        t.run(&["EXPIRE", "k", "10", "foo"]),
        "-ERR Unsupported option foo\r\n"
    );
    assert_eq!(
        t.run(&["EXPIRE", "k", "abc", "foo"]),
        "-ERR Unsupported option foo\r\n",
        "options first"
    );
    assert_eq!(
        t.run(&["EXPIRE", "k", "abc", "nx"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        t.run(&["EXPIRE", "nokey", "abc"]),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        t.run(&["EXPIRE", "k"]),
        "-ERR wrong number of arguments for 'expire' command\r\n"
    );
    assert_eq!(
        t.run_bytes(&[b"PEXPIRE", b"k", b"1", b"a\r\nb"]),
        "-ERR Unsupported option a  b\r\n"
    );
    assert_eq!(t.run(&["TTL", "k"]), ":-1\r\n", "nothing changed");
}

#[test]
fn expire_overflow_is_invalid_expire_time() {
    let mut t = T::new();
    t.set("k", "v", None);
    let max = i64::MAX.to_string();
    let min = i64::MIN.to_string();
    let cases = [
        ("EXPIRE", "9223372036854776", "expire"),
        ("EXPIRE", "9223372036854775", "expire"), // fits in ms, not once now is added
        ("EXPIRE", min.as_str(), "expire"),
        ("PEXPIRE", max.as_str(), "pexpire"),
        ("EXPIREAT", "9223372036854776", "expireat"),
    ];
    for (cmd, n, name) in cases {
        let want = format!("-ERR invalid expire time in '{name}' command\r\n");
        assert_eq!(t.run(&[cmd, "k", n]), want, "{cmd} {n}");
        assert_eq!(
            t.run(&[cmd, "missing", n]),
            want,
            "checked before the lookup"
        );
    }
    assert_eq!(t.run(&["PEXPIREAT", "k", &max]), ":1\r\n");
    assert_eq!(t.run(&["PEXPIRETIME", "k"]), format!(":{max}\r\n"));
    assert_eq!(t.run(&["EXPIREAT", "k", "9223372036854775"]), ":1\r\n");
    assert_eq!(t.run(&["EXPIRETIME", "k"]), ":9223372036854775\r\n");
}

#[test]
fn expire_sets_ttl_and_past_times_delete() {
    let mut t = T::new();
    assert_eq!(t.run(&["EXPIRE", "k", "10"]), ":0\r\n");
    t.set("k", "v", None);
    assert_eq!(t.run(&["EXPIRE", "k", "10"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "k"]), ":10000\r\n");
    assert_eq!(t.run(&["PEXPIRE", "k", "1500"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":2\r\n", "rounded to nearest");
    assert_eq!(t.run(&["PEXPIRE", "k", "1499"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":1\r\n");
    let at = (NOW / 1000 + 100).to_string();
    assert_eq!(t.run(&["EXPIREAT", "k", &at]), ":1\r\n");
    assert_eq!(t.run(&["EXPIRETIME", "k"]), format!(":{at}\r\n"));
    assert_eq!(t.run(&["PEXPIRETIME", "k"]), format!(":{at}000\r\n"));
    let pat = (NOW + 1).to_string();
    assert_eq!(t.run(&["PEXPIREAT", "k", &pat]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "k"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":0\r\n");
    for (cmd, n) in [
        ("EXPIRE", "0"),
        ("PEXPIRE", "-5"),
        ("EXPIREAT", "1"),
        ("PEXPIREAT", &NOW.to_string()),
    ] {
        t.set("k", "v", Some(100_000));
        assert_eq!(t.run(&[cmd, "k", n]), ":1\r\n", "{cmd} {n}");
        assert_eq!(t.run(&["EXISTS", "k"]), ":0\r\n", "{cmd} {n}");
    }
    assert_eq!(t.srv.dbs[0].volatile_len(), 0);
    assert_eq!(t.hits().1, 4, "EXPIRE itself is a write lookup");
}

#[test]
fn expire_conditions() {
    let mut t = T::new();
    t.set("k", "v", None);
    // Without a TTL: XX and GT fail, NX and LT (TTL counts as infinite) pass.
    assert_eq!(t.run(&["EXPIRE", "k", "100", "XX"]), ":0\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "100", "GT"]), ":0\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "100", "LT"]), ":1\r\n");
    t.run(&["PERSIST", "k"]);
    assert_eq!(t.run(&["EXPIRE", "k", "100", "nx"]), ":1\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "200", "NX"]), ":0\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "200", "XX"]), ":1\r\n");
    assert_eq!(
        t.run(&["EXPIRE", "k", "200", "GT"]),
        ":0\r\n",
        "equal is not greater"
    );
    assert_eq!(t.run(&["EXPIRE", "k", "100", "GT"]), ":0\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "300", "gt", "xx"]), ":1\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "300", "LT"]), ":0\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "50", "LT"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":50\r\n");
    // LT with a past time deletes.
    assert_eq!(t.run(&["EXPIRE", "k", "-1", "LT"]), ":1\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":-2\r\n");
    assert_eq!(t.run(&["EXPIRE", "k", "10", "NX"]), ":0\r\n");
}

#[test]
fn ttl_family_and_persist() {
    let mut t = T::new();
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        assert_eq!(t.run(&[cmd, "k"]), ":-2\r\n", "{cmd}");
    }
    t.set("k", "v", None);
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        assert_eq!(t.run(&[cmd, "k"]), ":-1\r\n", "{cmd}");
    }
    assert_eq!(t.hits(), (4, 4));
    assert_eq!(t.run(&["PERSIST", "k"]), ":0\r\n");
    assert_eq!(t.run(&["PERSIST", "nokey"]), ":0\r\n");
    t.run(&["PEXPIRE", "k", "2500"]);
    assert_eq!(t.run(&["TTL", "k"]), ":3\r\n");
    t.advance(1000);
    assert_eq!(t.run(&["PTTL", "k"]), ":1500\r\n");
    assert_eq!(t.run(&["PEXPIRETIME", "k"]), format!(":{}\r\n", NOW + 2500));
    assert_eq!(
        t.run(&["EXPIRETIME", "k"]),
        format!(":{}\r\n", NOW / 1000 + 3),
        "2.5 s rounds up"
    );
    assert_eq!(t.run(&["PERSIST", "k"]), ":1\r\n");
    assert_eq!(t.run(&["PTTL", "k"]), ":-1\r\n");
    assert_eq!(t.srv.dbs[0].volatile_len(), 0);
    assert_eq!(t.hits(), (9, 4), "PERSIST is a write lookup");
}

#[test]
fn lazy_expiry_hides_keys_from_every_command() {
    let mut t = T::new();
    t.set("k", "v", Some(50));
    t.set("stay", "v", None);
    t.advance(49);
    assert_eq!(t.run(&["EXISTS", "k"]), ":1\r\n");
    t.advance(1);
    assert_eq!(t.run(&["KEYS", "*"]), "*1\r\n$4\r\nstay\r\n");
    assert_eq!(t.run(&["TTL", "k"]), ":-2\r\n");
    assert_eq!(t.len(), 1, "the access reclaimed it");
    assert_eq!(t.srv.dbs[0].expired, 1);
    t.set("k2", "v", Some(10));
    t.advance(10);
    for cmd in [
        &["EXISTS", "k2"][..],
        &["TYPE", "k2"],
        &["PERSIST", "k2"],
        &["EXPIRE", "k2", "100"],
        &["COPY", "k2", "z"],
        &["DEL", "k2"],
    ] {
        let reply = t.run(cmd);
        assert!(
            reply == ":0\r\n" || reply == "+none\r\n",
            "{cmd:?}: {reply:?}"
        );
    }
}
