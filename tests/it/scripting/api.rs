//! Scripts through real clients: the `redis` crate's `Script` (EVALSHA, falling back to
//! EVAL on NOSCRIPT), the script cache, what a script's writes propagate as, and
//! redis-py's `Lock` when Python and redis-py are at hand.

use crate::common::*;

#[test]
fn redis_crate_script_loads_then_runs_by_sha() {
    let s = TestServer::start();
    let mut con = s.client();
    let script =
        redis::Script::new("redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])");
    let v: String = script
        .key("k")
        .arg("hello")
        .invoke(&mut con)
        .expect("invoke");
    assert_eq!(v, "hello");
    // The first invoke had to load it (NOSCRIPT, then EVAL): now it is cached by its SHA-1.
    let exists: Vec<i64> = redis::cmd("SCRIPT")
        .arg("EXISTS")
        .arg(script.get_hash())
        .query(&mut con)
        .expect("exists");
    assert_eq!(exists, vec![1]);
    let v: i64 = redis::Script::new("return #KEYS + #ARGV")
        .key("a")
        .key("b")
        .arg(1)
        .invoke(&mut con)
        .expect("invoke");
    assert_eq!(v, 3);
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut con)
        .expect("flush");
    let exists: Vec<i64> = redis::cmd("SCRIPT")
        .arg("EXISTS")
        .arg(script.get_hash())
        .query(&mut con)
        .expect("exists");
    assert_eq!(exists, vec![0]);
    // Still works: the client reloads it.
    let v: String = script
        .key("k")
        .arg("again")
        .invoke(&mut con)
        .expect("invoke");
    assert_eq!(v, "again");
}

#[test]
fn script_writes_propagate_as_their_commands_in_one_transaction() {
    let (s, seen) = TestServer::recording();
    let mut r = s.raw();
    r.send(&resp(&[
        b"EVAL",
        b"redis.call('set', KEYS[1], 'a') redis.call('incr', 'c') redis.call('get', 'c') return 1",
        b"1",
        b"k",
    ]));
    r.expect(b":1\r\n");
    r.send(&resp(&[
        b"EVAL",
        b"return redis.call('set', 'one', '1')",
        b"0",
    ]));
    r.expect(b"+OK\r\n");
    r.send(&resp(&[b"EVAL", b"return redis.call('get', 'one')", b"0"]));
    r.expect(b"$1\r\n1\r\n");
    r.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let stream = String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned();
    let expected = concat!(
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n",
        "*1\r\n$5\r\nMULTI\r\n",
        "*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\na\r\n",
        "*2\r\n$4\r\nincr\r\n$1\r\nc\r\n",
        "*1\r\n$4\r\nEXEC\r\n",
        "*3\r\n$3\r\nset\r\n$3\r\none\r\n$1\r\n1\r\n",
    );
    assert_eq!(stream, expected);
}

#[test]
fn eval_inside_multi_runs_at_exec() {
    let s = TestServer::start();
    let mut r = s.raw();
    r.roundtrip(b"MULTI\r\n", b"+OK\r\n");
    r.roundtrip(
        &resp(&[b"EVAL", b"return redis.call('incr', 'x')", b"0"]),
        b"+QUEUED\r\n",
    );
    r.roundtrip(
        &resp(&[b"EVAL", b"return redis.call('incr', 'x')", b"0"]),
        b"+QUEUED\r\n",
    );
    r.roundtrip(b"EXEC\r\n", b"*2\r\n:1\r\n:2\r\n");
}

#[test]
fn select_inside_a_script_leaves_the_caller_in_its_database() {
    let s = TestServer::start();
    let mut r = s.raw();
    r.roundtrip(
        &resp(&[
            b"EVAL",
            b"redis.call('select', 3) return redis.call('set', 'x', 'in3')",
            b"0",
        ]),
        b"+OK\r\n",
    );
    r.roundtrip(&resp(&[b"GET", b"x"]), b"$-1\r\n");
    r.roundtrip(b"SELECT 3\r\n", b"+OK\r\n");
    r.roundtrip(&resp(&[b"GET", b"x"]), b"$3\r\nin3\r\n");
}

#[test]
fn redis_log_and_random_are_usable() {
    let s = TestServer::start();
    let mut con = s.client();
    let v: i64 = redis::Script::new(
        "redis.log(redis.LOG_NOTICE, 'from', 'a script') local r = math.random(10) return r >= 1 and r <= 10 and 1 or 0",
    )
    .invoke(&mut con)
    .expect("invoke");
    assert_eq!(v, 1);
    let e = redis::Script::new("return redis.log(1)")
        .invoke::<()>(&mut con)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("redis.log() requires two arguments or more."),
        "{e}"
    );
}

#[test]
fn redis_py_lock_works_when_python_is_at_hand() {
    let have = std::process::Command::new("python3")
        .args(["-c", "import redis"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        eprintln!(
            "SKIPPED: python3 with redis-py is not installed (CI installs Debian's redis packages only)"
        );
        return;
    }
    let s = TestServer::start();
    let code = format!(
        r#"
import redis, sys
r = redis.Redis(host="127.0.0.1", port={port})
lock = r.lock("resource", timeout=10)
assert lock.acquire(blocking=False)
other = r.lock("resource", timeout=10)
assert not other.acquire(blocking=False)
assert lock.owned()
lock.extend(5)
assert 0 < r.pttl("resource") <= 15000
lock.reacquire()
lock.release()
assert r.get("resource") is None
assert other.acquire(blocking=False)
try:
    lock.release()
    sys.exit("released a lock it did not own")
except redis.exceptions.LockNotOwnedError:
    pass
print("ok")
"#,
        port = s.port()
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &code])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hostile_scripts_fail_without_hurting_the_server() {
    let s = TestServer::start();
    let mut con = s.client();
    let cases = [
        // Deep recursion: Lua's own stack limit.
        "local function f(n) return f(n + 1) + 1 end return f(1)",
        // A msgpack payload nested 100,000 deep.
        "return cmsgpack.unpack(string.rep('\\145', 100000) .. '\\1')",
        // JSON nested past cjson's limit.
        "return cjson.decode(string.rep('[', 5000))",
        // A table that contains itself, encoded.
        "local t = {} t[1] = t return cjson.encode(t)",
    ];
    for script in cases {
        let r = redis::Script::new(script).invoke::<redis::Value>(&mut con);
        assert!(r.is_err(), "{script} gave {r:?}");
    }
    // A reply that contains itself is cut at a nesting bound with an error element, as
    // Redis cuts it (at its Lua stack's limit, 7,995 levels; here 2,000).
    let mut r = s.raw();
    r.send(&resp(&[b"EVAL", b"local t = {} t[1] = t return t", b"0"]));
    let mut got = Vec::new();
    while !got.ends_with(b"-ERR reached lua stack limit\r\n") {
        got.push(r.read_n(1)[0]);
        assert!(got.len() < 100_000, "no end to the reply");
    }
    assert!(got.starts_with(b"*1\r\n*1\r\n"));
    let pong: String = redis::cmd("PING").query(&mut con).expect("still serving");
    assert_eq!(pong, "PONG");
}
