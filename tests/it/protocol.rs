//! The wire protocol: inline and multibulk commands, pipelining, and bad input.

use crate::common::*;

#[test]
fn ping_inline_and_multibulk() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.roundtrip(b"PING\r\n", b"+PONG\r\n");
    c.roundtrip(&resp(&[b"ECHO", b"a\r\nb"]), b"$4\r\na\r\nb\r\n");
}
