//! Bitmap commands over TCP: growth with zero bytes, ranges in bytes and bits, BITOP,
//! BITFIELD's overflow rules and every error string, as redis-server 7.0.15 replies (each
//! expectation was read off one). Also: a SETBIT that changes nothing leaves WATCH alone.

use crate::common::*;

fn rt(r: &mut Raw, args: &[&[u8]], reply: impl AsRef<[u8]>) {
    r.roundtrip(&resp(args), reply.as_ref());
}

#[test]
fn setbit_grows_with_zero_bytes_and_reports_the_old_bit() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &[b"SETBIT", b"b", b"7", b"1"], ":0\r\n");
    rt(&mut r, &[b"SETBIT", b"b", b"7", b"1"], ":1\r\n");
    rt(&mut r, &[b"SETBIT", b"b", b"23", b"0"], ":0\r\n");
    rt(&mut r, &[b"GET", b"b"], "$3\r\n\x01\x00\x00\r\n");
    rt(&mut r, &[b"GETBIT", b"b", b"7"], ":1\r\n");
    rt(&mut r, &[b"GETBIT", b"b", b"1000000"], ":0\r\n");
    rt(&mut r, &[b"GETBIT", b"nokey", b"3"], ":0\r\n");
    let off = "-ERR bit offset is not an integer or out of range\r\n";
    rt(&mut r, &[b"SETBIT", b"b", b"-1", b"1"], off);
    rt(&mut r, &[b"SETBIT", b"b", b"4294967296", b"1"], off);
    rt(&mut r, &[b"GETBIT", b"b", b"x"], off);
    let bit = "-ERR bit is not an integer or out of range\r\n";
    rt(&mut r, &[b"SETBIT", b"b", b"1", b"2"], bit);
    rt(&mut r, &[b"SETBIT", b"b", b"1", b"-1"], bit);
    rt(&mut r, &[b"RPUSH", b"l", b"x"], ":1\r\n");
    let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    rt(&mut r, &[b"SETBIT", b"l", b"1", b"1"], wrong);
    rt(&mut r, &[b"GETBIT", b"l", b"1"], wrong);
    rt(&mut r, &[b"BITCOUNT", b"l"], wrong);
}

#[test]
fn bit_offsets_obey_proto_max_bulk_len() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &[b"CONFIG", b"SET", b"proto-max-bulk-len", b"1048576"],
        "+OK\r\n",
    );
    let off = "-ERR bit offset is not an integer or out of range\r\n";
    rt(&mut r, &[b"SETBIT", b"b", b"8388608", b"1"], off);
    rt(&mut r, &[b"SETBIT", b"b", b"8388607", b"1"], ":0\r\n");
    rt(&mut r, &[b"STRLEN", b"b"], ":1048576\r\n");
}

#[test]
fn bitcount_and_bitpos_take_byte_and_bit_ranges() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &[b"SET", b"s", b"foobar"], "+OK\r\n");
    rt(&mut r, &[b"BITCOUNT", b"s"], ":26\r\n");
    rt(&mut r, &[b"BITCOUNT", b"s", b"1", b"1"], ":6\r\n");
    rt(&mut r, &[b"BITCOUNT", b"s", b"5", b"30", b"BIT"], ":17\r\n");
    rt(&mut r, &[b"BITCOUNT", b"s", b"-1", b"-5"], ":0\r\n");
    rt(&mut r, &[b"BITCOUNT", b"s", b"0"], "-ERR syntax error\r\n");
    rt(
        &mut r,
        &[b"BITCOUNT", b"s", b"0", b"1", b"foo"],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &[b"BITCOUNT", b"s", b"a", b"1"],
        "-ERR value is not an integer or out of range\r\n",
    );
    // A missing key answers before its arguments are looked at (Redis 7.0).
    rt(&mut r, &[b"BITCOUNT", b"nokey", b"a", b"b"], ":0\r\n");
    rt(&mut r, &[b"SET", b"z", b"\xff\xf0\x00"], "+OK\r\n");
    rt(&mut r, &[b"BITPOS", b"z", b"0"], ":12\r\n");
    rt(&mut r, &[b"BITPOS", b"z", b"1", b"2"], ":-1\r\n");
    rt(
        &mut r,
        &[b"BITPOS", b"z", b"1", b"7", b"15", b"BIT"],
        ":7\r\n",
    );
    rt(
        &mut r,
        &[b"BITPOS", b"z", b"0", b"1", b"1", b"BIT"],
        ":-1\r\n",
    );
    rt(
        &mut r,
        &[b"BITPOS", b"z", b"2"],
        "-ERR The bit argument must be 1 or 0.\r\n",
    );
    rt(&mut r, &[b"SET", b"ones", b"\xff\xff"], "+OK\r\n");
    // Looking for 0 without an end, the string is padded with zeros; with an end, it is not.
    rt(&mut r, &[b"BITPOS", b"ones", b"0"], ":16\r\n");
    rt(&mut r, &[b"BITPOS", b"ones", b"0", b"0"], ":16\r\n");
    rt(&mut r, &[b"BITPOS", b"ones", b"0", b"0", b"-1"], ":-1\r\n");
    rt(&mut r, &[b"BITPOS", b"nokey", b"0"], ":0\r\n");
    rt(&mut r, &[b"BITPOS", b"nokey", b"1"], ":-1\r\n");
}

#[test]
fn bitop_pads_with_zeros_and_deletes_on_empty_results() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &[b"SET", b"a", b"abc"], "+OK\r\n");
    rt(&mut r, &[b"SET", b"b", b"xyz12"], "+OK\r\n");
    rt(&mut r, &[b"BITOP", b"AND", b"d", b"a", b"b"], ":5\r\n");
    rt(&mut r, &[b"GET", b"d"], "$5\r\n``b\x00\x00\r\n");
    rt(
        &mut r,
        &[b"BITOP", b"xor", b"d", b"a", b"b", b"nokey"],
        ":5\r\n",
    );
    rt(&mut r, &[b"GET", b"d"], "$5\r\n\x19\x1b\x1912\r\n");
    rt(&mut r, &[b"BITOP", b"NOT", b"d", b"a"], ":3\r\n");
    rt(&mut r, &[b"GET", b"d"], b"$3\r\n\x9e\x9d\x9c\r\n");
    rt(&mut r, &[b"EXPIRE", b"d", b"100"], ":1\r\n");
    rt(&mut r, &[b"BITOP", b"OR", b"d", b"a"], ":3\r\n");
    rt(&mut r, &[b"TTL", b"d"], ":-1\r\n");
    rt(&mut r, &[b"BITOP", b"AND", b"d", b"n1", b"n2"], ":0\r\n");
    rt(&mut r, &[b"EXISTS", b"d"], ":0\r\n");
    rt(
        &mut r,
        &[b"BITOP", b"NOT", b"d", b"a", b"b"],
        "-ERR BITOP NOT must be called with a single source key.\r\n",
    );
    rt(
        &mut r,
        &[b"BITOP", b"NAND", b"d", b"a"],
        "-ERR syntax error\r\n",
    );
}

#[test]
fn bitfield_overflow_modes_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(
        &mut r,
        &[
            b"BITFIELD",
            b"f",
            b"SET",
            b"i8",
            b"0",
            b"100",
            b"GET",
            b"i8",
            b"0",
            b"INCRBY",
            b"i8",
            b"0",
            b"100",
        ],
        "*3\r\n:0\r\n:100\r\n:-56\r\n",
    );
    rt(
        &mut r,
        &[
            b"BITFIELD",
            b"f",
            b"OVERFLOW",
            b"SAT",
            b"INCRBY",
            b"i8",
            b"0",
            b"-100",
            b"OVERFLOW",
            b"FAIL",
            b"INCRBY",
            b"i8",
            b"0",
            b"-100",
            b"OVERFLOW",
            b"WRAP",
            b"INCRBY",
            b"u8",
            b"#1",
            b"300",
        ],
        "*3\r\n:-128\r\n$-1\r\n:44\r\n",
    );
    rt(&mut r, &[b"GET", b"f"], b"$2\r\n\x80,\r\n");
    rt(
        &mut r,
        &[
            b"BITFIELD",
            b"f",
            b"SET",
            b"u63",
            b"0",
            b"-1",
            b"GET",
            b"u63",
            b"0",
            b"GET",
            b"i64",
            b"0",
        ],
        "*3\r\n:4617878467915022336\r\n:9223372036854775807\r\n:-2\r\n",
    );
    rt(
        &mut r,
        &[
            b"BITFIELD",
            b"g",
            b"OVERFLOW",
            b"FAIL",
            b"SET",
            b"i8",
            b"0",
            b"1000",
        ],
        "*1\r\n$-1\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD", b"nokey", b"GET", b"u4", b"#3"],
        "*1\r\n:0\r\n",
    );
    rt(&mut r, &[b"BITFIELD", b"nokey"], "*0\r\n");
    let bad_type = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n";
    rt(&mut r, &[b"BITFIELD", b"f", b"GET", b"u64", b"0"], bad_type);
    rt(&mut r, &[b"BITFIELD", b"f", b"GET", b"I8", b"0"], bad_type);
    rt(
        &mut r,
        &[b"BITFIELD", b"f", b"OVERFLOW", b"foo", b"GET", b"i8", b"0"],
        "-ERR Invalid OVERFLOW type specified\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD", b"f", b"GET", b"i8"],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD", b"f", b"SET", b"i8", b"0", b"x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD", b"f", b"GET", b"i8", b"#-1"],
        "-ERR bit offset is not an integer or out of range\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD_RO", b"f", b"GET", b"u8", b"0"],
        "*1\r\n:255\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD_RO", b"f", b"SET", b"u8", b"0", b"1"],
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    rt(
        &mut r,
        &[b"BITFIELD_RO", b"f", b"INCRBY", b"u8", b"0"],
        "-ERR syntax error\r\n",
    );
}

#[test]
fn bit_writes_that_change_nothing_do_not_touch_watchers_nor_propagate() {
    let (s, seen) = TestServer::recording();
    let mut a = s.raw();
    let mut b = s.raw();
    rt(&mut b, &[b"SETBIT", b"k", b"3", b"1"], ":0\r\n");
    rt(&mut a, &[b"WATCH", b"k"], "+OK\r\n");
    rt(&mut b, &[b"SETBIT", b"k", b"3", b"1"], ":1\r\n");
    rt(
        &mut b,
        &[b"BITFIELD", b"k", b"SET", b"u4", b"0", b"1"],
        "*1\r\n:1\r\n",
    );
    rt(
        &mut b,
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"FAIL",
            b"INCRBY",
            b"u4",
            b"0",
            b"100",
        ],
        "*1\r\n$-1\r\n",
    );
    rt(&mut a, &[b"MULTI"], "+OK\r\n");
    rt(&mut a, &[b"PING"], "+QUEUED\r\n");
    rt(&mut a, &[b"EXEC"], "*1\r\n+PONG\r\n");
    rt(&mut b, &[b"SETBIT", b"k", b"3", b"0"], ":1\r\n");
    rt(&mut b, &[b"PING"], "+PONG\r\n");
    let text = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
    assert_eq!(
        text,
        "*2 $6 SELECT $1 0 *4 $6 SETBIT $1 k $1 3 $1 1 *4 $6 SETBIT $1 k $1 3 $1 0 "
    );
}
