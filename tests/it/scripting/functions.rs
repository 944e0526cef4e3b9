//! FUNCTION libraries: load, call, list, delete, and DUMP/RESTORE in both directions with
//! redis-server 7.0.15 (its payload LZF-compresses the code; ours does not).

use crate::common::*;
use crate::differential::redis_proc::RedisProc;

const LIB: &str = "#!lua name=mylib
local function set(keys, args) return redis.call('set', keys[1], args[1]) end
redis.register_function('my_set', set)
redis.register_function{function_name='my_get', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}
redis.register_function('my_error', function() return error('x') end)
redis.register_function('my_nosuch', function() return redis.call('nosuch') end)";

fn cmd(con: &mut redis::Connection, args: &[&str]) -> redis::RedisResult<redis::Value> {
    run(con, args)
}

fn err(r: redis::RedisResult<redis::Value>) -> String {
    let e = r.expect_err("an error");
    // The redis crate splits the code from the message; put the line back together.
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => e.to_string(),
    }
}

#[test]
fn functions_load_call_list_delete() {
    let s = TestServer::start();
    let mut con = s.client();
    let name: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg(LIB)
        .query(&mut con)
        .expect("load");
    assert_eq!(name, "mylib");
    assert_eq!(
        err(cmd(&mut con, &["FUNCTION", "LOAD", LIB])),
        "ERR Library 'mylib' already exists"
    );
    let _: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg("REPLACE")
        .arg(LIB)
        .query(&mut con)
        .expect("replace");
    let ok: String = redis::cmd("FCALL")
        .arg("my_set")
        .arg(1)
        .arg("k")
        .arg("v")
        .query(&mut con)
        .expect("fcall");
    assert_eq!(ok, "OK");
    let v: String = redis::cmd("FCALL_RO")
        .arg("my_get")
        .arg(1)
        .arg("k")
        .query(&mut con)
        .expect("fcall_ro");
    assert_eq!(v, "v");
    assert_eq!(
        err(cmd(&mut con, &["FCALL_RO", "my_set", "1", "k", "v"])),
        "ERR Can not execute a script with write flag using *_ro command."
    );
    assert_eq!(
        err(cmd(&mut con, &["FCALL", "my_error", "0"])),
        "ERR user_function:5: x script: my_error, on @user_function:5."
    );
    assert_eq!(
        err(cmd(&mut con, &["FCALL", "my_nosuch", "0"])),
        "ERR Unknown Redis command called from script script: my_nosuch, on @user_function:6."
    );
    assert_eq!(
        err(cmd(&mut con, &["FCALL", "nosuch", "0"])),
        "ERR Function not found"
    );
    let list = cmd(&mut con, &["FUNCTION", "LIST", "WITHCODE"]).expect("list");
    let text = format!("{list:?}");
    for want in [
        "mylib",
        "my_get",
        "reads a key",
        "no-writes",
        "register_function",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert_eq!(
        err(cmd(
            &mut con,
            &[
                "FUNCTION",
                "LOAD",
                "#!lua name=other\nredis.register_function('my_set', function() end)"
            ]
        )),
        "ERR Function my_set already exists"
    );
    assert_eq!(
        err(cmd(
            &mut con,
            &["FUNCTION", "LOAD", "#!lua name=bad\nredis.call('ping')"]
        )),
        "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'"
    );
    assert_eq!(
        err(cmd(&mut con, &["FUNCTION", "LOAD", "return 1"])),
        "ERR Missing library metadata"
    );
    assert_eq!(
        err(cmd(&mut con, &["FUNCTION", "LOAD", "#!lua name=e\n"])),
        "ERR No functions registered"
    );
    let _: () = redis::cmd("FUNCTION")
        .arg("DELETE")
        .arg("mylib")
        .query(&mut con)
        .expect("delete");
    assert_eq!(
        err(cmd(&mut con, &["FUNCTION", "DELETE", "mylib"])),
        "ERR Library not found"
    );
    assert_eq!(
        err(cmd(&mut con, &["FCALL", "my_get", "1", "k"])),
        "ERR Function not found"
    );
}

#[test]
fn function_dump_restores_into_redis_server_and_back() {
    let Some(redis) = RedisProc::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-server required when CI is set"
        );
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let s = TestServer::start();
    let mut m = s.client();
    let mut r = redis::Client::open(format!("redis://{}/", redis.addr))
        .expect("url")
        .get_connection()
        .expect("connect redis-server");
    // Long enough that redis-server compresses it.
    let long = format!("{LIB}\n-- {}", "padding ".repeat(200));
    let _: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg(&long)
        .query(&mut r)
        .expect("load on redis");
    let payload: Vec<u8> = redis::cmd("FUNCTION")
        .arg("DUMP")
        .query(&mut r)
        .expect("dump on redis");
    let _: () = redis::cmd("FUNCTION")
        .arg("RESTORE")
        .arg(&payload)
        .query(&mut m)
        .expect("restore on muxis");
    let v: String = redis::cmd("FCALL")
        .arg("my_set")
        .arg(1)
        .arg("k")
        .arg("from-redis")
        .query(&mut m)
        .expect("fcall");
    assert_eq!(v, "OK");
    assert_eq!(
        err(cmd(&mut m, &["FUNCTION", "RESTORE", "garbage"])),
        "ERR DUMP payload version or checksum are wrong"
    );
    // APPEND (the default) refuses a library that exists.
    let again = redis::cmd("FUNCTION")
        .arg("RESTORE")
        .arg(&payload)
        .query::<()>(&mut m);
    assert!(again.is_err());

    let _: String = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg("#!lua name=fromm\nredis.register_function('m_echo', function(k, a) return a[1] end)")
        .query(&mut m)
        .expect("load on muxis");
    let ours: Vec<u8> = redis::cmd("FUNCTION")
        .arg("DUMP")
        .query(&mut m)
        .expect("dump on muxis");
    let _: () = redis::cmd("FUNCTION")
        .arg("RESTORE")
        .arg(&ours)
        .arg("FLUSH")
        .query(&mut r)
        .expect("restore on redis-server");
    let v: String = redis::cmd("FCALL")
        .arg("m_echo")
        .arg(0)
        .arg("hi")
        .query(&mut r)
        .expect("fcall on redis");
    assert_eq!(v, "hi");
    let code: redis::Value = cmd(
        &mut r,
        &["FUNCTION", "LIST", "LIBRARYNAME", "mylib", "WITHCODE"],
    )
    .expect("list");
    assert!(format!("{code:?}").contains("padding"));
}
