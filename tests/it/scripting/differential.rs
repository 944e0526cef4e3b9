//! The same scripts, in the same order, on muxis and on redis-server 7.0.15: every reply
//! must be the same value of the same RESP type (errors included, with their texts and
//! script names), in RESP2 and in RESP3, and the dataset they leave must be the same.

use crate::common::TestServer;
use crate::differential::redis_proc::RedisProc;
use crate::differential::resp::{Conn, V, show};

/// (script, keys, args). Run in order: later ones read what earlier ones wrote.
const SCRIPTS: &[(&str, &[&str], &[&str])] = &[
    ("return 1", &[], &[]),
    ("return 3.99", &[], &[]),
    ("return -3.7", &[], &[]),
    ("return 1e20", &[], &[]),
    ("return 'str'", &[], &[]),
    ("return true", &[], &[]),
    ("redis.setresp(3) return true", &[], &[]),
    ("redis.setresp(3) return false", &[], &[]),
    ("return false", &[], &[]),
    ("return nil", &[], &[]),
    ("return {1,2,3,'ciao',{1,2}}", &[], &[]),
    ("return {1,2,nil,4}", &[], &[]),
    ("return {1,{err='e'},{ok='s'},true,false}", &[], &[]),
    ("return {err='My Error'}", &[], &[]),
    ("return {ok='FINE'}", &[], &[]),
    ("return redis.error_reply('My Error')", &[], &[]),
    ("return redis.error_reply('Oops')", &[], &[]),
    ("return redis.error_reply('-OOPS x')", &[], &[]),
    ("return redis.status_reply('FINE')", &[], &[]),
    ("return {double=3.5}", &[], &[]),
    ("return {double=0.1}", &[], &[]),
    ("return {map={a=1}}", &[], &[]),
    ("return {set={a=true}}", &[], &[]),
    (
        "return {verbatim_string={format='txt',string='abc'}}",
        &[],
        &[],
    ),
    ("return redis.sha1hex('')", &[], &[]),
    ("return redis.sha1hex('Pizza & Mandolino')", &[], &[]),
    (
        "return KEYS[1]..ARGV[1]..#KEYS..#ARGV",
        &["k1", "k2"],
        &["a1"],
    ),
    (
        "return redis.call('set', KEYS[1], ARGV[1])",
        &["s1"],
        &["v1"],
    ),
    ("return redis.call('get', KEYS[1])", &["s1"], &[]),
    ("return redis.call('get', 'nokey')", &[], &[]),
    ("return type(redis.call('get', 'nokey'))", &[], &[]),
    (
        "redis.call('rpush', 'l1', 'a', 'b', 'c') return redis.call('lrange', 'l1', 0, -1)",
        &[],
        &[],
    ),
    (
        "redis.call('hset', 'h1', 'f', 'v') return redis.call('hgetall', 'h1')",
        &[],
        &[],
    ),
    (
        "redis.setresp(3) return redis.call('hgetall', 'h1')",
        &[],
        &[],
    ),
    (
        "redis.setresp(3) return type(redis.call('hgetall', 'h1').map)",
        &[],
        &[],
    ),
    (
        "redis.setresp(3) return redis.call('get', 'nokey')",
        &[],
        &[],
    ),
    (
        "redis.setresp(3) return type(redis.call('get', 'nokey'))",
        &[],
        &[],
    ),
    (
        "redis.call('zadd', 'z1', 1.5, 'm') redis.setresp(3) return redis.call('zscore', 'z1', 'm')",
        &[],
        &[],
    ),
    (
        "redis.setresp(3) return redis.call('zscore', 'z1', 'm').double",
        &[],
        &[],
    ),
    (
        "redis.call('sadd', 'set1', 'x') redis.setresp(3) return redis.call('smembers', 'set1')",
        &[],
        &[],
    ),
    ("return redis.call('incr', 'ctr')", &[], &[]),
    ("return redis.call('incr', 's1')", &[], &[]),
    ("return redis.pcall('incr', 's1')", &[], &[]),
    ("return redis.call('lpush', 's1', 'x')", &[], &[]),
    (
        "local ok, e = pcall(redis.call, 'lpush', 's1', 'x') return {tostring(ok), e}",
        &[],
        &[],
    ),
    ("return redis.call('nosuch')", &[], &[]),
    ("return redis.pcall('nosuch')", &[], &[]),
    ("return redis.call('get')", &[], &[]),
    ("return redis.call()", &[], &[]),
    ("return redis.call({})", &[], &[]),
    ("return redis.call('eval', 'return 1', 0)", &[], &[]),
    ("return redis.call('set', 'n', 1.5)", &[], &[]),
    ("return redis.call('get', 'n')", &[], &[]),
    ("return redis.call('set', 'i', 10)", &[], &[]),
    ("error('boom')", &[], &[]),
    ("error({err='CUSTOM failure'})", &[], &[]),
    ("a = 5", &[], &[]),
    ("return x", &[], &[]),
    ("string.foo = 1", &[], &[]),
    ("redis.call = nil", &[], &[]),
    ("rawset(_G, 'a', 1)", &[], &[]),
    ("local function f() g = 1 end f()", &[], &[]),
    ("return 1 +", &[], &[]),
    ("return redis.setresp(4)", &[], &[]),
    (
        "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM",
        &[],
        &[],
    ),
    (
        "local t={} for k in pairs(_G) do t[#t+1]=k end table.sort(t) return t",
        &[],
        &[],
    ),
    (
        "return struct.pack('>iHbc3s', -5, 513, 7, 'abc', 'zt')",
        &[],
        &[],
    ),
    (
        "return {struct.unpack('<i2I4d', struct.pack('<i2I4d', -2, 4000000000, 1.5))}",
        &[],
        &[],
    ),
    (
        "return {struct.unpack('!4bi', struct.pack('!4bi', 1, 2))}",
        &[],
        &[],
    ),
    (
        "return {struct.size('>ihd'), struct.size('!8bd')}",
        &[],
        &[],
    ),
    (
        "return {struct.unpack('bc0', struct.pack('bc0', 3, 'xyz'))}",
        &[],
        &[],
    ),
    ("return struct.pack('q', 1)", &[], &[]),
    ("return struct.unpack('i', 'ab')", &[], &[]),
    (
        "return cmsgpack.pack({1, 2, 3}, 'str', true, false, -1, -200, 70000, 2^40, 1.5, 0.1, {a = 1})",
        &[],
        &[],
    ),
    (
        "return cmsgpack.pack(string.rep('x', 40), string.rep('y', 300))",
        &[],
        &[],
    ),
    (
        "local t = {cmsgpack.unpack(cmsgpack.pack({1, {2, 3}}, 'x', -7, 3.25))} return {#t, t[1][2][2], t[2], t[3], tostring(t[4])}",
        &[],
        &[],
    ),
    (
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 0)}",
        &[],
        &[],
    ),
    (
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 0)}",
        &[],
        &[],
    ),
    ("return cmsgpack.unpack('\\205')", &[], &[]),
    (
        "local t={} for k in pairs(redis) do t[#t+1]=k end table.sort(t) return t",
        &[],
        &[],
    ),
    ("return getmetatable('').__index == string", &[], &[]),
    ("return cjson.encode({1, 2, {a = 1}})", &[], &[]),
    (
        "return cjson.encode({a = 'x/y\\n', b = cjson.null, c = true})",
        &[],
        &[],
    ),
    (
        "return cjson.decode('[1,2,{\"a\":[true,false,null]}]')[3].a[1]",
        &[],
        &[],
    ),
    ("return cjson.decode('{\"a\":1.5e3}').a", &[], &[]),
    ("return cjson.decode('[1,')", &[], &[]),
    ("return bit.tohex(bit.band(0xff00, 0x0ff0))", &[], &[]),
    (
        "return {bit.bnot(0), bit.bor(1, 2, 4), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-16, 2)}",
        &[],
        &[],
    ),
    (
        "return {bit.tobit(0xffffffff), bit.bswap(0x12345678), bit.rol(1, 33), bit.tohex(-1, -4)}",
        &[],
        &[],
    ),
    ("return tostring(math.floor(2.5))", &[], &[]),
    (
        "return string.format('%5.2f|%s|%d', 3.14159, 'x', 42)",
        &[],
        &[],
    ),
    ("return table.concat({'a','b','c'}, '-')", &[], &[]),
    ("return loadstring('return 7')()", &[], &[]),
    ("local t = loadstring('x = 1') return pcall(t)", &[], &[]),
    (
        "redis.call('select', 1) redis.call('set', 'in1', 'v') return redis.call('dbsize')",
        &[],
        &[],
    ),
    ("return redis.call('exists', 'in1')", &[], &[]),
    ("return redis.call('del', 's1', 'ctr')", &[], &[]),
    (
        "#!lua flags=no-writes\nreturn redis.call('get', 'i')",
        &[],
        &[],
    ),
    (
        "#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')",
        &[],
        &[],
    ),
    ("#!lua flags=bad\nreturn 1", &[], &[]),
    ("#!luax\nreturn 1", &[], &[]),
    ("#!lua name=x\nreturn 1", &[], &[]),
    ("#!lua\nreturn redis.call('set', 'sheb', '1')", &[], &[]),
];

fn argv(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

fn eval(c: &mut Conn, script: &str, keys: &[&str], args: &[&str], ro: bool) -> V {
    let n = keys.len().to_string();
    let mut v: Vec<&[u8]> = vec![
        if ro { b"EVAL_RO" } else { b"EVAL" },
        script.as_bytes(),
        n.as_bytes(),
    ];
    v.extend(keys.iter().map(|k| k.as_bytes()));
    v.extend(args.iter().map(|a| a.as_bytes()));
    c.call(&argv(&v)).expect("reply")
}

/// Every key of databases 0 and 1 with a dump of its value, sorted.
fn dataset(c: &mut Conn) -> Vec<String> {
    let mut out = Vec::new();
    for db in ["0", "1"] {
        c.call(&argv(&[b"SELECT", db.as_bytes()])).expect("select");
        let V::Array(keys) = c.call(&argv(&[b"KEYS", b"*"])).expect("keys") else {
            panic!("KEYS reply");
        };
        for k in keys {
            let V::Bulk(k) = k else { continue };
            let ty = c.call(&argv(&[b"TYPE", &k])).expect("type");
            let dump: &[&[u8]] = match show(&ty).as_str() {
                "+string" => &[b"GET"],
                "+list" => &[b"LRANGE", b"0", b"-1"],
                "+hash" => &[b"HGETALL"],
                "+set" => &[b"SMEMBERS"],
                "+zset" => &[b"ZRANGE", b"0", b"-1", b"WITHSCORES"],
                _ => &[b"TYPE"],
            };
            let mut cmd = vec![dump[0].to_vec(), k.clone()];
            cmd.extend(dump[1..].iter().map(|a| a.to_vec()));
            let v = c.call(&cmd).expect("value");
            out.push(format!("{db} {} {}", String::from_utf8_lossy(&k), show(&v)));
        }
    }
    c.call(&argv(&[b"SELECT", b"0"])).expect("select");
    out.sort();
    out
}

fn run(resp3: bool) {
    let Some(redis) = RedisProc::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "redis-server required when CI is set"
        );
        eprintln!("SKIPPED: redis-server not installed");
        return;
    };
    let muxis = TestServer::start();
    let mut a = Conn::connect(muxis.addr).expect("connect muxis");
    let mut b = Conn::connect(redis.addr).expect("connect redis");
    if resp3 {
        a.call(&argv(&[b"HELLO", b"3"])).expect("hello");
        b.call(&argv(&[b"HELLO", b"3"])).expect("hello");
    }
    for &(script, keys, args) in SCRIPTS {
        for ro in [false, true] {
            let (x, y) = (
                eval(&mut a, script, keys, args, ro),
                eval(&mut b, script, keys, args, ro),
            );
            assert_eq!(
                show(&x),
                show(&y),
                "script {script:?} (ro={ro}, resp3={resp3}): muxis vs redis-server"
            );
        }
    }
    // EVALSHA / SCRIPT on both.
    for cmd in [
        argv(&[b"SCRIPT", b"LOAD", b"return ARGV[1]"]),
        argv(&[
            b"EVALSHA",
            b"4cfeb6ba1b4abcaa0e41d24126d4c2f94c5acf2b",
            b"0",
            b"x",
        ]),
        argv(&[
            b"EVALSHA",
            b"4CFEB6BA1B4ABCAA0E41D24126D4C2F94C5ACF2B",
            b"0",
            b"x",
        ]),
        argv(&[
            b"EVALSHA",
            b"0000000000000000000000000000000000000000",
            b"0",
        ]),
        argv(&[b"EVALSHA", b"short", b"0"]),
        argv(&[
            b"SCRIPT",
            b"EXISTS",
            b"4cfeb6ba1b4abcaa0e41d24126d4c2f94c5acf2b",
            b"nope",
        ]),
        argv(&[b"EVAL", b"return 1", b"-1"]),
        argv(&[b"EVAL", b"return 1", b"3", b"a"]),
        argv(&[b"EVAL", b"return 1", b"x"]),
        argv(&[b"SCRIPT", b"FLUSH", b"xx"]),
        argv(&[b"SCRIPT", b"KILL"]),
        argv(&[b"FUNCTION", b"KILL"]),
        argv(&[b"SCRIPT", b"FLUSH"]),
        argv(&[
            b"SCRIPT",
            b"EXISTS",
            b"4cfeb6ba1b4abcaa0e41d24126d4c2f94c5acf2b",
        ]),
        argv(&[b"SCRIPT", b"HELP"]),
        argv(&[b"FUNCTION", b"HELP"]),
    ] {
        let (x, y) = (a.call(&cmd).expect("muxis"), b.call(&cmd).expect("redis"));
        assert_eq!(
            show(&x),
            show(&y),
            "{:?}",
            String::from_utf8_lossy(&cmd.concat())
        );
    }
    assert_eq!(
        dataset(&mut a),
        dataset(&mut b),
        "datasets differ (resp3={resp3})"
    );
}

#[test]
fn scripts_match_redis_resp2() {
    run(false);
}

#[test]
fn scripts_match_redis_resp3() {
    run(true);
}
