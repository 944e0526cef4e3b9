//! The commands a standalone Redis 7.0 master answers for replication and cluster
//! (ROLE, WAIT, READONLY, READWRITE, ASKING) and LOLWUT, against redis-server; and
//! FUNCTION LIST's reply types.

use super::acl::compare;

#[test]
fn differential_standalone_answers() {
    compare(
        "standalone",
        &[
            (0, &["ROLE"]),
            (0, &["WAIT", "0", "0"]),
            (0, &["WAIT", "1", "10"]),
            (0, &["WAIT", "x", "0"]),
            (0, &["WAIT", "0", "-1"]),
            (0, &["WAIT", "0", "x"]),
            (0, &["READONLY"]),
            (0, &["READWRITE"]),
            (0, &["ASKING"]),
            (0, &["LOLWUT", "VERSION", "1"]),
            (0, &["LOLWUT", "VERSION", "x"]),
            (0, &["LOLWUT", "x"]),
            (
                0,
                &[
                    "FUNCTION",
                    "LOAD",
                    "#!lua name=lib1\nredis.register_function{function_name='f1', \
                     callback=function() return 1 end, flags={'no-writes','allow-stale'}}",
                ],
            ),
            (0, &["FUNCTION", "LIST"]),
            (0, &["HELLO", "3"]),
            (0, &["FUNCTION", "LIST"]),
        ],
    );
}
