//! The commands a standalone Redis 7.0 master answers for replication, cluster and modules
//! (ROLE, WAIT, READONLY, READWRITE, ASKING, CLUSTER, FAILOVER, REPLICAOF/SLAVEOF NO ONE,
//! MODULE, RESTORE-ASKING) and LOLWUT, against redis-server; and FUNCTION LIST's reply
//! types.

use super::acl::{compare, compare_configured};

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
            (0, &["CLUSTER", "INFO"]),
            (0, &["CLUSTER", "HELP"]),
            (0, &["CLUSTER", "KEYSLOT", "foo"]),
            (0, &["CLUSTER", "NOSUCH"]),
            (0, &["CLUSTER", "KEYSLOT"]),
            (0, &["FAILOVER"]),
            (0, &["FAILOVER", "ABORT"]),
            (0, &["FAILOVER", "TO", "127.0.0.1", "6000"]),
            (0, &["FAILOVER", "TO", "127.0.0.1", "x"]),
            (0, &["FAILOVER", "TO", "h"]),
            (0, &["FAILOVER", "TIMEOUT", "0"]),
            (0, &["FAILOVER", "TIMEOUT", "100", "FORCE"]),
            (0, &["FAILOVER", "ABORT", "TIMEOUT", "5"]),
            (0, &["FAILOVER", "ABORT", "ABORT"]),
            (0, &["FAILOVER", "FORCE", "FORCE"]),
            (0, &["FAILOVER", "bogus"]),
            (0, &["REPLICAOF", "NO", "ONE"]),
            (0, &["SLAVEOF", "no", "one"]),
            (0, &["REPLICAOF", "127.0.0.1", "x"]),
            (0, &["REPLICAOF", "no", "two"]),
            (0, &["REPLICAOF", "no"]),
            (0, &["MODULE", "LIST"]),
            (0, &["MODULE", "HELP"]),
            (0, &["MODULE", "LIST", "x"]),
            (0, &["MODULE", "LOAD", "/nonexistent.so"]),
            (0, &["MODULE", "LOADEX", "/nonexistent.so"]),
            (0, &["MODULE", "UNLOAD", "foo"]),
            (0, &["MODULE", "NOSUCH"]),
            (0, &["SET", "src", "hello"]),
            (0, &["RESTORE-ASKING", "k", "0", "x"]),
            (0, &["RESTORE-ASKING", "k", "0", "x", "REPLACE"]),
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

#[test]
fn differential_module_commands_when_allowed() {
    compare_configured(
        "module allowed",
        &[("enable-module-command", "yes")],
        &[
            (0, &["MODULE", "LOAD", "/nonexistent.so"]),
            (0, &["MODULE", "LOADEX", "/x.so", "CONFIG", "a", "b"]),
            (0, &["MODULE", "UNLOAD", "foo"]),
            (0, &["MODULE", "LOAD"]),
            (0, &["MODULE", "LIST"]),
        ],
    );
}
