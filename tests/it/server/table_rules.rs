//! Dispatch rules that come from the command table: subcommands resolved (and refused)
//! before MULTI queues them, `no_multi`, the RESP2 subscribed context, and WATCH seeing
//! keys that only the key specs find (movable keys).

use crate::common::*;

/// The same stream redis-server 7.0.15 answers with these bytes.
#[test]
fn subcommands_no_multi_and_subscribed_context_follow_the_table() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(
        b"MULTI\r\nSHUTDOWN\r\nOBJECT NOPE k\r\nCONFIG GET\r\nOBJECT ENCODING k\r\nEXEC\r\n",
        b"+OK\r\n-ERR Command not allowed inside a transaction\r\n\
          -ERR unknown subcommand 'NOPE'. Try OBJECT HELP.\r\n\
          -ERR wrong number of arguments for 'config|get' command\r\n+QUEUED\r\n\
          -EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.roundtrip(
        b"SUBSCRIBE c\r\nCONFIG GET x\r\nPING\r\nUNSUBSCRIBE\r\nMULTI\r\nQUIT\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n\
          -ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n\
          *2\r\n$4\r\npong\r\n$0\r\n\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n+OK\r\n+OK\r\n",
    );
}

/// LMPOP's keys are found through numkeys (its legacy key range is 0,0,0): a watcher of
/// the list it pops from must still see the change.
#[test]
fn watch_then_lmpop_by_another_client_aborts_exec() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    a.roundtrip(b"RPUSH l x y\r\nWATCH l\r\n", b":2\r\n+OK\r\n");
    b.roundtrip(
        b"LMPOP 2 other l LEFT\r\n",
        b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\nx\r\n",
    );
    a.roundtrip(b"MULTI\r\nGET k\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n*-1\r\n");
    // XGROUP's key is its subcommand's: a watcher of the stream sees XGROUP CREATE.
    a.roundtrip(b"XADD s 1-1 f v\r\nWATCH s\r\n", b"$3\r\n1-1\r\n+OK\r\n");
    b.roundtrip(b"XGROUP CREATE s g 0\r\n", b"+OK\r\n");
    a.roundtrip(b"MULTI\r\nGET k\r\nEXEC\r\n", b"+OK\r\n+QUEUED\r\n*-1\r\n");
}
