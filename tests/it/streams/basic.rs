//! XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD (without blocking) and XSETID, and
//! WRONGTYPE from every stream command. Each reply is what redis-server 7.0.15 sent for the
//! same commands.

use super::script;
use crate::common::*;

#[test]
#[rustfmt::skip]
fn xadd_takes_explicit_and_partial_ids() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s 1-1 a 1", "$3\r\n1-1\r\n"),
            ("XADD s 1-* b 2", "$3\r\n1-2\r\n"),
            ("XADD s 1 c 3", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 2 c 3", "$3\r\n2-0\r\n"),
            ("XADD s 2-* d 4", "$3\r\n2-1\r\n"),
            ("XADD s 5-* e 5", "$3\r\n5-0\r\n"),
            ("XADD s 0-* f 6", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s2 0-* a 1", "$3\r\n0-1\r\n"),
            ("XADD s2 0-* a 1", "$3\r\n0-2\r\n"),
            ("XADD s 18446744073709551615-18446744073709551614 a 1", "$41\r\n18446744073709551615-18446744073709551614\r\n"),
            ("XADD s 18446744073709551615-* a 1", "$41\r\n18446744073709551615-18446744073709551615\r\n"),
            ("XADD s 18446744073709551615-* a 1", "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n"),
            ("XADD s * a 1", "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n"),
            ("XLEN s", ":7\r\n"),
            ("XADD s3 +8-1 a 1", "$3\r\n8-1\r\n"),
            ("XADD s3 9--0 a 1", "$3\r\n9-0\r\n"),
            ("XRANGE s3 - +", "*2\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n9-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xadd_rejects_bad_ids() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s 0-0 a 1", "-ERR The ID specified in XADD must be greater than 0-0\r\n"),
            ("XADD s 0 a 1", "-ERR The ID specified in XADD must be greater than 0-0\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("XADD s NOMKSTREAM 0-0 a 1", "-ERR The ID specified in XADD must be greater than 0-0\r\n"),
            ("XADD s 5-5 a 1", "$3\r\n5-5\r\n"),
            ("XADD s 5-5 a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 5-4 a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 4-* a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 5 a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s - a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s + a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 1-x a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s x a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 9- a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s -9 a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 5-*- a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 18446744073709551616-0 a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 1-18446744073709551616 a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 1--1 a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 1.5 a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xadd_checks_arity_and_options() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s * a", "-ERR wrong number of arguments for 'xadd' command\r\n"),
            ("XADD s * a 1 b", "-ERR wrong number of arguments for 'xadd' command\r\n"),
            ("XADD s MAXLEN 5 a", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s NOMKSTREAM MAXLEN 5", "-ERR wrong number of arguments for 'xadd' command\r\n"),
            ("XADD s MAXLEN -1 * a 1", "-ERR The MAXLEN argument must be >= 0.\r\n"),
            ("XADD s MAXLEN x * a 1", "-ERR value is not an integer or out of range\r\n"),
            ("XADD s MAXLEN 1.5 * a 1", "-ERR value is not an integer or out of range\r\n"),
            ("XADD s MINID - * a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s MINID + * a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s MINID (5 * a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s MINID x * a 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s MAXLEN 1 MINID 1 * a 1", "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n"),
            ("XADD s MAXLEN ~ 1 MAXLEN 2 * a 1", "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n"),
            ("XADD s LIMIT 10 * a 1", "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n"),
            ("XADD s MAXLEN 5 LIMIT 10 * a 1", "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n"),
            ("XADD s MAXLEN = 5 LIMIT 10 * a 1", "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n"),
            ("XADD s MAXLEN ~ 5 LIMIT -1 * a 1", "-ERR The LIMIT argument must be >= 0.\r\n"),
            ("XADD s MAXLEN ~ 5 LIMIT x * a 1", "-ERR value is not an integer or out of range\r\n"),
            ("XADD s MAXLEN ~ x * a 1", "-ERR value is not an integer or out of range\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("XADD s MAXLEN ~ 5 LIMIT 10 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s MAXLEN = 5 2-0 a 1", "$3\r\n2-0\r\n"),
            ("XADD s maxlen 5 limit 0 nomkstream minid ~ 1 3-0 a 1", "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n"),
            ("XADD s MINID = 1 4-0 a 1", "$3\r\n4-0\r\n"),
            ("XRANGE s - +", "*3\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xadd_nomkstream_replies_null() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s NOMKSTREAM * a 1", "$-1\r\n"),
            ("EXISTS s", ":0\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s NOMKSTREAM 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XLEN s", ":2\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:194\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XADD s2 NOMKSTREAM * a 1", "_\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xadd_trims_as_it_adds() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s MAXLEN 2 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s MAXLEN 2 2-0 a 2", "$3\r\n2-0\r\n"),
            ("XADD s MAXLEN 2 3-0 a 3", "$3\r\n3-0\r\n"),
            ("XRANGE s - +", "*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n"),
            ("XADD s MINID 4 4-0 a 4", "$3\r\n4-0\r\n"),
            ("XRANGE s - +", "*1\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n"),
            ("XADD s MINID = 6 5-0 a 5", "$3\r\n5-0\r\n"),
            ("XLEN s", ":0\r\n"),
            ("XADD s MAXLEN 0 6-0 a 6", "$3\r\n6-0\r\n"),
            ("XLEN s", ":0\r\n"),
            ("EXISTS s", ":1\r\n"),
            ("XADD s * a", "-ERR wrong number of arguments for 'xadd' command\r\n"),
            ("XINFO STREAM s", "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n6-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:6\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xrange_and_xrevrange() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 1-1 b 2", "$3\r\n1-1\r\n"),
            ("XADD s 2-0 c 3 d 4", "$3\r\n2-0\r\n"),
            ("XADD s 3-5 e 5", "$3\r\n3-5\r\n"),
            ("XRANGE s - +", "*4\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n3-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"),
            ("XRANGE s 1 1", "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XRANGE s 1-1 2", "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XRANGE s (1-0 (3-5", "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XRANGE s (1 +", "*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n3-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"),
            ("XRANGE s - (2", "*3\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XRANGE s - + COUNT 2", "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XRANGE s - + COUNT 0", "*-1\r\n"),
            ("XRANGE s - + COUNT -1", "*-1\r\n"),
            ("XRANGE s - + COUNT 1 COUNT 3", "*3\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XRANGE s 3 1", "*0\r\n"),
            ("XRANGE s (18446744073709551615-18446744073709551615 +", "-ERR invalid start ID for the interval\r\n"),
            ("XRANGE s - (0-0", "-ERR invalid end ID for the interval\r\n"),
            ("XRANGE s - (0", "*0\r\n"),
            ("XRANGE s ( +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XRANGE s (- +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XRANGE s - (+", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XRANGE s x +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XRANGE s - x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XRANGE s - + COUNT", "-ERR syntax error\r\n"),
            ("XRANGE s - + COUNT x", "-ERR value is not an integer or out of range\r\n"),
            ("XRANGE s - + LIMIT 1", "-ERR syntax error\r\n"),
            ("XRANGE nokey - +", "*0\r\n"),
            ("XRANGE nokey - + COUNT 0", "*0\r\n"),
            ("XREVRANGE s + -", "*4\r\n*2\r\n$3\r\n3-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XREVRANGE s + - COUNT 1", "*1\r\n*2\r\n$3\r\n3-5\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"),
            ("XREVRANGE s (3-5 (1-0", "*2\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREVRANGE s 2 1", "*3\r\n*2\r\n$3\r\n2-0\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XREVRANGE s 1 2", "*0\r\n"),
            ("XREVRANGE s + - COUNT 0", "*-1\r\n"),
            ("XREVRANGE s (0-0 -", "-ERR invalid end ID for the interval\r\n"),
            ("XREVRANGE nokey + -", "*0\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:196\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XRANGE s - + COUNT 0", "_\r\n"),
            ("XRANGE s - 1", "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xdel_and_xlen() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XLEN nokey", ":0\r\n"),
            ("XDEL nokey 1-0", ":0\r\n"),
            ("XDEL nokey x", ":0\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 c 3", "$3\r\n3-0\r\n"),
            ("XDEL s x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XDEL s 2 x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XLEN s", ":3\r\n"),
            ("XDEL s 2 2-0 9-0 -", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XDEL s 2-0 +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XDEL s 1 2 3 4", ":3\r\n"),
            ("XLEN s", ":0\r\n"),
            ("EXISTS s", ":1\r\n"),
            ("XINFO STREAM s", "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n"),
            ("XADD s 3-0 a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 4-* a 1", "$3\r\n4-0\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xtrim_options() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XTRIM nokey MAXLEN 1", ":0\r\n"),
            ("XTRIM nokey foo 1", "-ERR syntax error\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 a 1", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 a 1", "$3\r\n3-0\r\n"),
            ("XTRIM s foo 1", "-ERR syntax error\r\n"),
            ("XTRIM s MAXLEN", "-ERR wrong number of arguments for 'xtrim' command\r\n"),
            ("XTRIM s MAXLEN 1 foo", "-ERR syntax error\r\n"),
            ("XTRIM s MAXLEN x", "-ERR value is not an integer or out of range\r\n"),
            ("XTRIM s MAXLEN -1", "-ERR The MAXLEN argument must be >= 0.\r\n"),
            ("XTRIM s MINID x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XTRIM s MINID -", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XTRIM s MAXLEN 1 MINID 1", "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n"),
            ("XTRIM s MAXLEN 1 LIMIT 1", "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n"),
            ("XTRIM s MAXLEN = 1 LIMIT 1", "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n"),
            ("XTRIM s MAXLEN ~ 1 LIMIT -1", "-ERR The LIMIT argument must be >= 0.\r\n"),
            ("XTRIM s LIMIT 1", "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n"),
            ("XTRIM s MAXLEN ~ 1", ":0\r\n"),
            ("XTRIM s MAXLEN = 2", ":1\r\n"),
            ("XRANGE s - +", "*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XTRIM s MINID 3", ":1\r\n"),
            ("XRANGE s - +", "*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XTRIM s MINID 3", ":0\r\n"),
            ("XTRIM s maxlen 0", ":1\r\n"),
            ("XLEN s", ":0\r\n"),
            ("EXISTS s", ":1\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xread_replies_and_errors() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XREAD STREAMS s", "-ERR wrong number of arguments for 'xread' command\r\n"),
            ("XREAD STREAMS s1 s2 0", "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
            ("XREAD COUNT 1", "-ERR wrong number of arguments for 'xread' command\r\n"),
            ("XREAD foo STREAMS s 0", "-ERR syntax error\r\n"),
            ("XREAD GROUP g c STREAMS s 0", "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n"),
            ("XREAD NOACK STREAMS s 0", "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n"),
            ("XREAD STREAMS s >", "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n"),
            ("XREAD BLOCK x STREAMS s 0", "-ERR timeout is not an integer or out of range\r\n"),
            ("XREAD BLOCK -1 STREAMS s 0", "-ERR timeout is negative\r\n"),
            ("XREAD COUNT x STREAMS s 0", "-ERR value is not an integer or out of range\r\n"),
            ("XREAD STREAMS s x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XREAD STREAMS s +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XREAD STREAMS s -", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XREAD STREAMS s 0", "*-1\r\n"),
            ("XREAD STREAMS s $", "*-1\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XREAD STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREAD STREAMS s 1", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREAD STREAMS s 2", "*-1\r\n"),
            ("XREAD STREAMS s $", "*-1\r\n"),
            ("XREAD COUNT 1 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XREAD COUNT -1 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREAD COUNT 0 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREAD STREAMS s nokey 0 0", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREAD COUNT 1 STREAMS s s 0 1", "*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XADD t 1-0 x y", "$3\r\n1-0\r\n"),
            ("XREAD STREAMS s t 1 0", "*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:199\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XREAD STREAMS s t 1 0", "%2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"),
            ("XREAD STREAMS s 2", "_\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xsetid_sets_the_counters() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XSETID nokey 1-0", "-ERR no such key\r\n"),
            ("XSETID nokey x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 a 1", "$3\r\n2-0\r\n"),
            ("XSETID s 1-0", "-ERR The ID specified in XSETID is smaller than the target stream top item\r\n"),
            ("XSETID s x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XSETID s -", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XSETID s 5-0", "+OK\r\n"),
            ("XSETID s 6-0 ENTRIESADDED 1", "-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n"),
            ("XSETID s 6-0 ENTRIESADDED -1", "-ERR entries_added must be positive\r\n"),
            ("XSETID s 6-0 ENTRIESADDED x", "-ERR value is not an integer or out of range\r\n"),
            ("XSETID s 6-0 MAXDELETEDID 7-0", "-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n"),
            ("XSETID s 6-0 MAXDELETEDID x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XSETID s 6-0 foo", "-ERR syntax error\r\n"),
            ("XSETID s 6-0 ENTRIESADDED", "-ERR syntax error\r\n"),
            ("XSETID s 6-0 MAXDELETEDID 3-0 ENTRIESADDED 10", "+OK\r\n"),
            ("XINFO STREAM s", "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n6-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-0\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XADD s 6-0 a 1", "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"),
            ("XADD s 6-* a 1", "$3\r\n6-1\r\n"),
            ("XDEL s 1-0 2-0 6-1", ":3\r\n"),
            ("XSETID s 0-1", "+OK\r\n"),
            ("XINFO STREAM s", "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:11\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn every_stream_command_refuses_other_types() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("SET str x", "+OK\r\n"),
            ("XADD str * a 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XLEN str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XRANGE str - +", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XREVRANGE str + -", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XDEL str 1-0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XTRIM str MAXLEN 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XSETID str 1-0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XREAD STREAMS str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XREAD STREAMS nokey str 0 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XREADGROUP GROUP g c STREAMS str >", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP CREATE str g 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP CREATE str g 0 MKSTREAM", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP SETID str g 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP DESTROY str g", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP CREATECONSUMER str g c", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XGROUP DELCONSUMER str g c", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XACK str g 1-0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XPENDING str g", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XPENDING str g - + 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XCLAIM str g c 0 1-0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XAUTOCLAIM str g c 0 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XINFO STREAM str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XINFO GROUPS str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("XINFO CONSUMERS str g", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("GET str", "$1\r\nx\r\n"),
        ],
    );
}
