//! SINTER, SUNION, SDIFF, their STORE variants and SINTERCARD.

use super::*;

#[test]
fn sinter_sunion_sdiff() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SADD", "a", "1", "2", "3", "4"], ":4\r\n");
    rt(&mut r, &["SADD", "b", "3", "4", "5"], ":3\r\n");
    rt(&mut r, &["SADD", "c", "4", "5", "6"], ":3\r\n");
    rt(&mut r, &["SINTER", "a", "b"], &agg("*", &["3", "4"]));
    rt(&mut r, &["SINTER", "a", "b", "c"], &agg("*", &["4"]));
    rt(&mut r, &["SINTER", "a"], &agg("*", &["1", "2", "3", "4"]));
    rt(
        &mut r,
        &["SINTER", "a", "a"],
        &agg("*", &["1", "2", "3", "4"]),
    );
    rt(&mut r, &["SINTER", "a", "nokey"], "*0\r\n");
    rt(&mut r, &["SINTER", "nokey"], "*0\r\n");
    rt(
        &mut r,
        &["SUNION", "a", "b", "c"],
        &agg("*", &["1", "2", "3", "4", "5", "6"]),
    );
    rt(
        &mut r,
        &["SUNION", "nokey", "c"],
        &agg("*", &["4", "5", "6"]),
    );
    rt(&mut r, &["SUNION", "nokey"], "*0\r\n");
    rt(&mut r, &["SDIFF", "a", "b"], &agg("*", &["1", "2"]));
    rt(&mut r, &["SDIFF", "a", "b", "c"], &agg("*", &["1", "2"]));
    rt(
        &mut r,
        &["SDIFF", "a", "nokey"],
        &agg("*", &["1", "2", "3", "4"]),
    );
    rt(&mut r, &["SDIFF", "nokey", "a"], "*0\r\n");
    rt(&mut r, &["SDIFF", "a", "a"], "*0\r\n");
    rt(&mut r, &["SINTER"], &wrong_arity("sinter"));
    rt(&mut r, &["SUNION"], &wrong_arity("sunion"));
    rt(&mut r, &["SDIFF"], &wrong_arity("sdiff"));
    // Non-integer members: compared as sets.
    let mut con = s.client();
    run(&mut con, &["SADD", "x", "a", "b", "c", "d"]).expect("SADD");
    run(&mut con, &["SADD", "y", "c", "d", "e"]).expect("SADD");
    assert_eq!(
        members(&mut con, &["SINTER", "x", "y"]),
        set_of(&["c", "d"])
    );
    assert_eq!(
        members(&mut con, &["SUNION", "x", "y"]),
        set_of(&["a", "b", "c", "d", "e"])
    );
    assert_eq!(members(&mut con, &["SDIFF", "x", "y"]), set_of(&["a", "b"]));
    assert_eq!(members(&mut con, &["SDIFF", "y", "x"]), set_of(&["e"]));
}

#[test]
fn store_variants_reply_sizes_and_replace_or_delete_the_destination() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SADD", "a", "1", "2", "3"], ":3\r\n");
    rt(&mut r, &["SADD", "b", "2", "3", "4"], ":3\r\n");
    rt(&mut r, &["SINTERSTORE", "d", "a", "b"], ":2\r\n");
    rt(&mut r, &["SMEMBERS", "d"], &agg("*", &["2", "3"]));
    rt(&mut r, &["SUNIONSTORE", "d", "a", "b"], ":4\r\n");
    rt(&mut r, &["SMEMBERS", "d"], &agg("*", &["1", "2", "3", "4"]));
    rt(&mut r, &["SDIFFSTORE", "d", "a", "b"], ":1\r\n");
    rt(&mut r, &["SMEMBERS", "d"], &agg("*", &["1"]));
    // An empty result deletes the destination.
    rt(&mut r, &["SINTERSTORE", "d", "a", "nokey"], ":0\r\n");
    rt(&mut r, &["EXISTS", "d"], ":0\r\n");
    rt(&mut r, &["SADD", "d", "9"], ":1\r\n");
    rt(&mut r, &["SDIFFSTORE", "d", "a", "a"], ":0\r\n");
    rt(&mut r, &["EXISTS", "d"], ":0\r\n");
    rt(&mut r, &["SUNIONSTORE", "d", "nokey"], ":0\r\n");
    rt(&mut r, &["EXISTS", "d"], ":0\r\n");
    // The destination's type and TTL do not matter: it is replaced.
    rt(&mut r, &["SET", "str", "x", "EX", "100"], "+OK\r\n");
    rt(&mut r, &["SUNIONSTORE", "str", "a"], ":3\r\n");
    rt(&mut r, &["TYPE", "str"], "+set\r\n");
    rt(&mut r, &["TTL", "str"], ":-1\r\n");
    // The destination may be a source.
    rt(&mut r, &["SINTERSTORE", "a", "a", "b"], ":2\r\n");
    rt(&mut r, &["SMEMBERS", "a"], &agg("*", &["2", "3"]));
    rt(&mut r, &["SINTERSTORE", "d"], &wrong_arity("sinterstore"));
    rt(&mut r, &["SUNIONSTORE", "d"], &wrong_arity("sunionstore"));
    rt(&mut r, &["SDIFFSTORE", "d"], &wrong_arity("sdiffstore"));
}

#[test]
fn sintercard_counts_with_limit_and_checks_its_arguments() {
    let s = TestServer::start();
    let mut r = s.raw();
    rt(&mut r, &["SADD", "a", "1", "2", "3", "4"], ":4\r\n");
    rt(&mut r, &["SADD", "b", "2", "3", "4", "5"], ":4\r\n");
    rt(&mut r, &["SINTERCARD", "2", "a", "b"], ":3\r\n");
    rt(&mut r, &["SINTERCARD", "1", "a"], ":4\r\n");
    rt(&mut r, &["SINTERCARD", "2", "a", "nokey"], ":0\r\n");
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "2"],
        ":2\r\n",
    );
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "limit", "0"],
        ":3\r\n",
    );
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "9223372036854775807"],
        ":3\r\n",
    );
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "5"],
        ":3\r\n",
    );
    let numkeys = "-ERR numkeys should be greater than 0\r\n";
    rt(&mut r, &["SINTERCARD", "0", "a"], numkeys);
    rt(&mut r, &["SINTERCARD", "-1", "a"], numkeys);
    rt(&mut r, &["SINTERCARD", "x", "a"], numkeys);
    rt(&mut r, &["SINTERCARD", "0", "a", "LIMIT", "-1"], numkeys);
    let too_many = "-ERR Number of keys can't be greater than number of args\r\n";
    rt(&mut r, &["SINTERCARD", "3", "a", "b"], too_many);
    rt(
        &mut r,
        &["SINTERCARD", "9223372036854775807", "a"],
        too_many,
    );
    let negative = "-ERR LIMIT can't be negative\r\n";
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "-1"],
        negative,
    );
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "x"],
        negative,
    );
    rt(
        &mut r,
        &["SINTERCARD", "2", "a", "b", "LIMIT", "-1", "foo"],
        negative,
    );
    rt(&mut r, &["SINTERCARD", "2", "a", "b", "LIMIT"], SYNTAX);
    rt(&mut r, &["SINTERCARD", "2", "a", "b", "foo", "1"], SYNTAX);
    rt(&mut r, &["SINTERCARD", "1", "a", "b"], SYNTAX);
    rt(&mut r, &["SINTERCARD", "1"], &wrong_arity("sintercard"));
}
