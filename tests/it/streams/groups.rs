//! Consumer groups: XGROUP, XREADGROUP (without blocking), XACK, XPENDING, XCLAIM and
//! XAUTOCLAIM. Each reply is what redis-server 7.0.15 sent for the same commands; idle times
//! are masked (the in-process tests pin them with a controlled clock).

use super::script;
use crate::common::*;

#[test]
#[rustfmt::skip]
fn xgroup_create_and_setid() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XGROUP CREATE s g $", "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"),
            ("XGROUP CREATE s g $ MKSTREAM", "+OK\r\n"),
            ("XGROUP CREATE s g $ MKSTREAM", "-BUSYGROUP Consumer Group name already exists\r\n"),
            ("XGROUP CREATE s g2 0 foo", "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
            ("XGROUP CREATE s g2 0 ENTRIESREAD", "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
            ("XGROUP CREATE s g2 0 ENTRIESREAD -2", "-ERR value for ENTRIESREAD must be positive or -1\r\n"),
            ("XGROUP CREATE s g2 0 ENTRIESREAD x", "-ERR value is not an integer or out of range\r\n"),
            ("XGROUP CREATE s g2 x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XGROUP CREATE s g2 -", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XGROUP CREATE s g2 +", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XGROUP CREATE s g2 0 ENTRIESREAD 3", "+OK\r\n"),
            ("XGROUP CREATE s", "-ERR wrong number of arguments for 'xgroup|create' command\r\n"),
            ("XGROUP CREATE s g 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM", "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
            ("XGROUP CREATE nokey g 0", "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"),
            ("XGROUP CREATE nokey g 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM", "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
            ("EXISTS nokey", ":0\r\n"),
            ("XGROUP SETID s g3 0", "-NOGROUP No such consumer group 'g3' for key name 's'\r\n"),
            ("XGROUP SETID nokey g 0", "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"),
            ("XGROUP SETID s g 0 foo", "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
            ("XGROUP SETID s g 0 ENTRIESREAD 5 x", "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
            ("XGROUP SETID s g 0 ENTRIESREAD 1 ENTRIESREAD 2", "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
            ("XGROUP SETID s g x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XGROUP SETID s g (5", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XGROUP SETID s g -", "+OK\r\n"),
            ("XGROUP SETID s g +", "+OK\r\n"),
            ("XGROUP SETID s g $", "+OK\r\n"),
            ("XGROUP SETID s g 7 ENTRIESREAD 5", "+OK\r\n"),
            ("XINFO GROUPS s", "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n7-0\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"),
            ("XGROUP SETID s g 7", "+OK\r\n"),
            ("XINFO GROUPS s", "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n7-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xgroup_destroy_and_consumers() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XGROUP DESTROY nokey g", "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"),
            ("XGROUP CREATE s g 0 MKSTREAM", "+OK\r\n"),
            ("XGROUP DESTROY s nog", ":0\r\n"),
            ("XGROUP DESTROY s g x", "-ERR wrong number of arguments for 'xgroup|destroy' command\r\n"),
            ("XGROUP CREATECONSUMER s nog c", "-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
            ("XGROUP CREATECONSUMER nokey g c", "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"),
            ("XGROUP CREATECONSUMER s g c", ":1\r\n"),
            ("XGROUP CREATECONSUMER s g c", ":0\r\n"),
            ("XGROUP DELCONSUMER s nog c", "-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
            ("XGROUP DELCONSUMER s g nobody", ":0\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XREADGROUP GROUP g c STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XGROUP DELCONSUMER s g c", ":2\r\n"),
            ("XPENDING s g", "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"),
            ("XGROUP DELCONSUMER s g c", ":0\r\n"),
            ("XGROUP DESTROY s g", ":1\r\n"),
            ("XGROUP DESTROY s g", ":0\r\n"),
            ("XINFO GROUPS s", "*0\r\n"),
            ("XGROUP foo s", "-ERR unknown subcommand 'foo'. Try XGROUP HELP.\r\n"),
            ("XGROUP HELP", "*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal use).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove the specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified group.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the current group ID and entries_read counter.\r\n+HELP\r\n+    Prints this help.\r\n"),
            ("XGROUP HELP x", "-ERR wrong number of arguments for 'xgroup|help' command\r\n"),
            ("XGROUP", "-ERR wrong number of arguments for 'xgroup' command\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xreadgroup_delivers_and_tracks_pending() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XREADGROUP STREAMS s >", "-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
            ("XREADGROUP COUNT 1 STREAMS s >", "-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
            ("XREADGROUP GROUP g c STREAMS s >", "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"),
            ("XREADGROUP GROUP g c STREAMS s1 s2 >", "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 c 3", "$3\r\n3-0\r\n"),
            ("XREADGROUP GROUP g c STREAMS s >", "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"),
            ("XGROUP CREATE s g 0", "+OK\r\n"),
            ("XREADGROUP GROUP g c STREAMS s $", "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n"),
            ("XREADGROUP GROUP g c STREAMS s x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XREADGROUP GROUP g c STREAMS s nokey > >", "-NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option\r\n"),
            ("XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XREADGROUP GROUP g c2 STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("XREADGROUP GROUP g c3 STREAMS s >", "*-1\r\n"),
            ("XREADGROUP GROUP g c1 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XREADGROUP GROUP g c2 COUNT 1 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREADGROUP GROUP g c2 STREAMS s 2-0", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("XREADGROUP GROUP g c4 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"),
            ("XPENDING s g", "*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc2\r\n$1\r\n2\r\n"),
            ("XINFO GROUPS s", "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-0\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n"),
            ("XDEL s 3-0", ":1\r\n"),
            ("XREADGROUP GROUP g c2 STREAMS s 0", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*-1\r\n"),
            ("XADD s 4-0 d 4", "$3\r\n4-0\r\n"),
            ("XREADGROUP GROUP g c5 NOACK STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XPENDING s g", "*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc2\r\n$1\r\n2\r\n"),
            ("XGROUP SETID s g 0", "+OK\r\n"),
            ("XREADGROUP GROUP g c5 COUNT 1 STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XPENDING s g", "*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*2\r\n*2\r\n$2\r\nc2\r\n$1\r\n2\r\n*2\r\n$2\r\nc5\r\n$1\r\n1\r\n"),
            ("XREADGROUP GROUP g c5 STREAMS s s > >", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XREADGROUP GROUP g c5 GROUP g c6 STREAMS s >", "*-1\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:204\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XREADGROUP GROUP g c5 STREAMS s 0", "%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XREADGROUP GROUP g c6 STREAMS s >", "_\r\n"),
            ("XPENDING s g", "*4\r\n:4\r\n$3\r\n1-0\r\n$3\r\n4-0\r\n*2\r\n*2\r\n$2\r\nc2\r\n$1\r\n1\r\n*2\r\n$2\r\nc5\r\n$1\r\n3\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xack_and_xpending() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XACK nokey g 1-0", ":0\r\n"),
            ("XACK nokey g x", ":0\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 c 3", "$3\r\n3-0\r\n"),
            ("XACK s g 1-0", ":0\r\n"),
            ("XGROUP CREATE s g 0", "+OK\r\n"),
            ("XPENDING s g", "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"),
            ("XREADGROUP GROUP g alice COUNT 2 STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XREADGROUP GROUP g bob STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("XPENDING s g", "*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n"),
            ("XPENDING s g - + 0", "*0\r\n"),
            ("XPENDING s g - + -1", "*0\r\n"),
            ("XPENDING s g - + 10 nobody", "*0\r\n"),
            ("~XPENDING s g (1-0 + 1", "*1\r\n*4\r\n$3\r\n2-0\r\n$5\r\nalice\r\n:0\r\n:1\r\n"),
            ("~XPENDING s g - (2 10 alice", "*2\r\n*4\r\n$3\r\n1-0\r\n$5\r\nalice\r\n:0\r\n:1\r\n*4\r\n$3\r\n2-0\r\n$5\r\nalice\r\n:0\r\n:1\r\n"),
            ("XPENDING s g IDLE 1000000 - + 10", "*0\r\n"),
            ("XPENDING s nog", "-NOGROUP No such key 's' or consumer group 'nog'\r\n"),
            ("XPENDING nokey g", "-NOGROUP No such key 'nokey' or consumer group 'g'\r\n"),
            ("XPENDING nokey g - + 10", "-NOGROUP No such key 'nokey' or consumer group 'g'\r\n"),
            ("XPENDING s g - +", "-ERR syntax error\r\n"),
            ("~XPENDING s g - + 10 alice bob junk", "*2\r\n*4\r\n$3\r\n1-0\r\n$5\r\nalice\r\n:1\r\n:1\r\n*4\r\n$3\r\n2-0\r\n$5\r\nalice\r\n:1\r\n:1\r\n"),
            ("XPENDING s g IDLE 5 - +", "-ERR syntax error\r\n"),
            ("XPENDING s g IDLE x - + 1", "-ERR value is not an integer or out of range\r\n"),
            ("XPENDING s g - + x", "-ERR value is not an integer or out of range\r\n"),
            ("XPENDING s g x + 1", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XPENDING s g (18446744073709551615-18446744073709551615 + 1", "-ERR invalid start ID for the interval\r\n"),
            ("XPENDING s g - (0-0 1", "-ERR invalid end ID for the interval\r\n"),
            ("XACK s g x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XACK s g 1-0 x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XACK s g 1-0 1-0 9-0 3", ":2\r\n"),
            ("XACK s g 1-0", ":0\r\n"),
            ("XPENDING s g", "*4\r\n:1\r\n$3\r\n2-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n"),
            ("XACK s g 2-0 3-0", ":1\r\n"),
            ("XPENDING s g", "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:205\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XPENDING s g", "*4\r\n:0\r\n_\r\n_\r\n_\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xclaim_moves_pending_entries() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XCLAIM nokey g c 0 1-0", "-NOGROUP No such key 'nokey' or consumer group 'g'\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 c 3", "$3\r\n3-0\r\n"),
            ("XADD s 4-0 d 4", "$3\r\n4-0\r\n"),
            ("XCLAIM s g c 0 1-0", "-NOGROUP No such key 's' or consumer group 'g'\r\n"),
            ("XGROUP CREATE s g 0", "+OK\r\n"),
            ("XREADGROUP GROUP g alice STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XCLAIM s g bob x 1-0", "-ERR Invalid min-idle-time argument for XCLAIM\r\n"),
            ("XCLAIM s g bob 0 1-0 foo", "-ERR Unrecognized XCLAIM option 'foo'\r\n"),
            ("XCLAIM s g bob 0 1-0 IDLE x", "-ERR Invalid IDLE option argument for XCLAIM\r\n"),
            ("XCLAIM s g bob 0 1-0 TIME x", "-ERR Invalid TIME option argument for XCLAIM\r\n"),
            ("XCLAIM s g bob 0 1-0 RETRYCOUNT x", "-ERR Invalid RETRYCOUNT option argument for XCLAIM\r\n"),
            ("XCLAIM s g bob 0 1-0 LASTID x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XCLAIM s g bob 0 1-0 IDLE", "-ERR Unrecognized XCLAIM option 'IDLE'\r\n"),
            ("XCLAIM s g bob 0 x 1-0", "-ERR Unrecognized XCLAIM option 'x'\r\n"),
            ("XCLAIM s g bob 1000000 1-0", "*0\r\n"),
            ("~XINFO CONSUMERS s g", "*1\r\n*6\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:4\r\n$4\r\nidle\r\n:1\r\n"),
            ("XCLAIM s g bob 0 1-0 2-0 9-0", "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("XCLAIM s g bob 0 3-0 JUSTID", "*1\r\n$3\r\n3-0\r\n"),
            ("XCLAIM s g bob 0 4-0 RETRYCOUNT 7 JUSTID", "*1\r\n$3\r\n4-0\r\n"),
            ("XCLAIM s g bob -5 1-0 RETRYCOUNT 0 LASTID 10-0", "*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("XINFO GROUPS s", "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$4\r\n10-0\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n"),
            ("XDEL s 2-0", ":1\r\n"),
            ("XCLAIM s g carol 0 2-0 3-0 JUSTID", "*1\r\n$3\r\n3-0\r\n"),
            ("XADD s 11-0 e 5", "$4\r\n11-0\r\n"),
            ("XCLAIM s g carol 0 11-0", "*0\r\n"),
            ("XCLAIM s g carol 0 11-0 FORCE", "*1\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"),
            ("XCLAIM s g carol 0 12-0 FORCE", "*0\r\n"),
            ("XCLAIM s g carol 0 4-0 FORCE JUSTID", "*1\r\n$3\r\n4-0\r\n"),
            ("XPENDING s g", "*4\r\n:4\r\n$3\r\n1-0\r\n$4\r\n11-0\r\n*2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n3\r\n"),
        ],
    );
}

#[test]
#[rustfmt::skip]
fn xautoclaim_scans_the_pel() {
    let s = TestServer::start();
    script(
        &s,
        &[
            ("XAUTOCLAIM nokey g c 0 0", "-NOGROUP No such key 'nokey' or consumer group 'g'\r\n"),
            ("XADD s 1-0 a 1", "$3\r\n1-0\r\n"),
            ("XADD s 2-0 b 2", "$3\r\n2-0\r\n"),
            ("XADD s 3-0 c 3", "$3\r\n3-0\r\n"),
            ("XADD s 4-0 d 4", "$3\r\n4-0\r\n"),
            ("XAUTOCLAIM s g c 0 0", "-NOGROUP No such key 's' or consumer group 'g'\r\n"),
            ("XGROUP CREATE s g 0", "+OK\r\n"),
            ("XREADGROUP GROUP g alice STREAMS s >", "*1\r\n*2\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n"),
            ("XDEL s 2-0", ":1\r\n"),
            ("XAUTOCLAIM s g bob x 0", "-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n"),
            ("XAUTOCLAIM s g bob 0 x", "-ERR Invalid stream ID specified as stream command argument\r\n"),
            ("XAUTOCLAIM s g bob 0 (18446744073709551615-18446744073709551615", "-ERR invalid start ID for the interval\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT 0", "-ERR COUNT must be > 0\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT x", "-ERR COUNT must be > 0\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT 9223372036854775807", "-ERR COUNT must be > 0\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT", "-ERR syntax error\r\n"),
            ("XAUTOCLAIM s g bob 0 0 foo", "-ERR syntax error\r\n"),
            ("XAUTOCLAIM s g bob 1000000 0", "*3\r\n$3\r\n0-0\r\n*0\r\n*1\r\n$3\r\n2-0\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT 1", "*3\r\n$3\r\n3-0\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n"),
            ("XAUTOCLAIM s g bob 0 0 COUNT 2", "*3\r\n$3\r\n4-0\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*0\r\n"),
            ("XAUTOCLAIM s g carol 0 (1-0 COUNT 1 JUSTID", "*3\r\n$3\r\n4-0\r\n*1\r\n$3\r\n3-0\r\n*0\r\n"),
            ("XAUTOCLAIM s g carol 0 - JUSTID", "*3\r\n$3\r\n0-0\r\n*3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n$3\r\n4-0\r\n*0\r\n"),
            ("XAUTOCLAIM s g carol -1 4", "*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*0\r\n"),
            ("XPENDING s g", "*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n4-0\r\n*1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n3\r\n"),
            ("~HELLO 3", "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:207\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
            ("XAUTOCLAIM s g carol 0 0 COUNT 1", "*3\r\n$3\r\n3-0\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n"),
        ],
    );
}
