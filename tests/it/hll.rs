//! HyperLogLog over TCP: the string is Redis's byte for byte (a value made by
//! redis-server 7.0.15 is read back and counted, and ours GETs as its did), the sparse form
//! turns dense past `hll-sparse-max-bytes`, PFCOUNT caches, and the error strings.

use crate::common::*;

fn rt(r: &mut Raw, args: &[&[u8]], reply: impl AsRef<[u8]>) {
    r.roundtrip(&resp(args), reply.as_ref());
}

/// `PFADD x a b c` on redis-server 7.0.15, before and after PFCOUNT cached the 3.
const REDIS_ABC: &[u8] =
    b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ";
const REDIS_ABC_CACHED: &[u8] =
    b"HYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ";

fn bulk(b: &[u8]) -> Vec<u8> {
    let mut v = format!("${}\r\n", b.len()).into_bytes();
    v.extend_from_slice(b);
    v.extend_from_slice(b"\r\n");
    v
}

#[test]
fn the_string_is_redis_s_byte_for_byte() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &[b"PFADD", b"x", b"a", b"b", b"c"], ":1\r\n");
    rt(&mut r, &[b"GET", b"x"], bulk(REDIS_ABC));
    rt(
        &mut r,
        &[b"PFDEBUG", b"DECODE", b"x"],
        "$44\r\nZ:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\r\n",
    );
    rt(&mut r, &[b"PFCOUNT", b"x"], ":3\r\n");
    rt(&mut r, &[b"GET", b"x"], bulk(REDIS_ABC_CACHED));
    rt(&mut r, &[b"PFADD", b"x", b"a"], ":0\r\n");
    // A value Redis made, SET here, counts and grows like ours.
    rt(&mut r, &[b"SET", b"y", REDIS_ABC], "+OK\r\n");
    rt(&mut r, &[b"PFCOUNT", b"y"], ":3\r\n");
    rt(&mut r, &[b"PFCOUNT", b"y", b"x", b"nokey"], ":3\r\n");
    rt(&mut r, &[b"PFADD", b"y", b"d"], ":1\r\n");
    rt(&mut r, &[b"PFCOUNT", b"y"], ":4\r\n");
    rt(&mut r, &[b"PFADD", b"e"], ":1\r\n");
    rt(
        &mut r,
        &[b"GET", b"e"],
        bulk(b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"),
    );
    rt(&mut r, &[b"PFADD", b"e"], ":0\r\n");
}

#[test]
fn sparse_turns_dense_past_the_configured_size() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &[b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"60"],
        "+OK\r\n",
    );
    for i in 0..30 {
        let e = format!("e{i}");
        r.send(&resp(&[b"PFADD", b"h", e.as_bytes()]));
        let reply = r.read_n(4);
        assert!(reply == b":1\r\n" || reply == b":0\r\n");
    }
    rt(&mut r, &[b"PFDEBUG", b"ENCODING", b"h"], "+dense\r\n");
    rt(&mut r, &[b"STRLEN", b"h"], ":12304\r\n");
    rt(&mut r, &[b"PFCOUNT", b"h"], ":30\r\n");
    rt(
        &mut r,
        &[b"PFDEBUG", b"DECODE", b"h"],
        "-ERR HLL encoding is not sparse\r\n",
    );
    rt(&mut r, &[b"PFADD", b"sp", b"a"], ":1\r\n");
    rt(&mut r, &[b"PFMERGE", b"sp", b"h"], "+OK\r\n");
    rt(&mut r, &[b"PFDEBUG", b"ENCODING", b"sp"], "+dense\r\n");
    rt(&mut r, &[b"PFCOUNT", b"sp"], ":31\r\n");
    rt(&mut r, &[b"PFDEBUG", b"TODENSE", b"sp"], ":0\r\n");
    rt(&mut r, &[b"PFSELFTEST"], "+OK\r\n");
}

#[test]
fn strings_that_are_not_hlls_are_refused() {
    let s = TestServer::start();
    let mut r = s.raw();
    let not_hll = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
    let corrupt = "-INVALIDOBJ Corrupted HLL object detected\r\n";
    rt(&mut r, &[b"SET", b"s", b"foo"], "+OK\r\n");
    rt(&mut r, &[b"PFADD", b"s", b"a"], not_hll);
    rt(&mut r, &[b"PFCOUNT", b"s"], not_hll);
    rt(&mut r, &[b"PFMERGE", b"d", b"s"], not_hll);
    rt(&mut r, &[b"EXISTS", b"d"], ":0\r\n");
    rt(
        &mut r,
        &[
            b"SET",
            b"v2",
            b"HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        ],
        "+OK\r\n",
    );
    rt(&mut r, &[b"PFCOUNT", b"v2"], not_hll);
    rt(
        &mut r,
        &[
            b"SET",
            b"short",
            b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        ],
        "+OK\r\n",
    );
    rt(&mut r, &[b"PFCOUNT", b"short"], not_hll);
    // A sparse body covering 64 registers instead of 16384.
    rt(
        &mut r,
        &[
            b"SET",
            b"bad",
            b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f",
        ],
        "+OK\r\n",
    );
    rt(&mut r, &[b"PFCOUNT", b"bad"], corrupt);
    rt(&mut r, &[b"PFCOUNT", b"bad", b"bad"], corrupt);
    rt(&mut r, &[b"PFADD", b"bad", b"x"], corrupt);
    rt(&mut r, &[b"RPUSH", b"l", b"a"], ":1\r\n");
    rt(
        &mut r,
        &[b"PFADD", b"l", b"a"],
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    rt(
        &mut r,
        &[b"PFDEBUG", b"ENCODING", b"nokey"],
        "-ERR The specified key does not exist\r\n",
    );
    rt(&mut r, &[b"PFADD", b"h", b"a"], ":1\r\n");
    rt(
        &mut r,
        &[b"PFDEBUG", b"FOO", b"h"],
        "-ERR Unknown PFDEBUG subcommand 'FOO'\r\n",
    );
}

#[test]
fn pfcount_caching_its_result_propagates_once() {
    let (s, seen) = TestServer::recording();
    let mut r = s.raw();
    rt(&mut r, &[b"PFADD", b"h", b"a"], ":1\r\n");
    rt(&mut r, &[b"PFADD", b"h", b"a"], ":0\r\n");
    rt(&mut r, &[b"PFCOUNT", b"h"], ":1\r\n");
    rt(&mut r, &[b"PFCOUNT", b"h"], ":1\r\n");
    rt(&mut r, &[b"PING"], "+PONG\r\n");
    let text = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
    assert_eq!(
        text,
        "*2 $6 SELECT $1 0 *3 $5 PFADD $1 h $1 a *2 $7 PFCOUNT $1 h "
    );
}
