//! Tests of the effects layer: what propagates, in which form and unit, and a re-entrant
//! call whose reply comes back as a value.

use super::*;
use std::sync::{Arc, Mutex};

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

fn reader(e: &mut Effects) -> Arc<Mutex<Vec<u8>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    e.add_sink(Box::new(move |bytes| {
        s.lock().expect("lock").extend_from_slice(bytes)
    }));
    seen
}

fn text(seen: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ")
}

/// Runs a fake command that dirties `n` times.
fn command(e: &mut Effects, db: usize, argv: &[&str], n: u64) {
    let argv: Vec<Bytes> = argv.iter().map(|a| b(a)).collect();
    e.begin();
    let outer = e.enter("x");
    e.dirty += n;
    e.leave(outer, db, &argv);
    e.end();
}

#[test]
fn only_changes_propagate_and_select_precedes_a_new_db() {
    let mut e = Effects::default();
    let seen = reader(&mut e);
    command(&mut e, 0, &["SET", "a", "1"], 1);
    command(&mut e, 0, &["SET", "a", "1", "NX"], 0);
    command(&mut e, 3, &["DEL", "b"], 1);
    e.publish();
    assert_eq!(
        text(&seen),
        "*2 $6 SELECT $1 0 *3 $3 SET $1 a $1 1 *2 $6 SELECT $1 3 *2 $3 DEL $1 b "
    );
    assert_eq!(e.dirty, 2);
}

#[test]
fn a_unit_of_several_ops_is_wrapped_in_multi_exec() {
    let mut e = Effects::default();
    let seen = reader(&mut e);
    e.begin(); // EXEC
    command(&mut e, 0, &["SET", "a", "1"], 1);
    command(&mut e, 0, &["GET", "a"], 0);
    e.deleted(0, &b("gone"), false); // expiry goes out at once, ahead of the unit
    command(&mut e, 0, &["INCR", "n"], 1);
    e.end();
    e.publish();
    assert_eq!(
        text(&seen),
        "*2 $6 SELECT $1 0 *2 $3 DEL $4 gone *1 $5 MULTI *3 $3 SET $1 a $1 1 \
         *2 $4 INCR $1 n *1 $4 EXEC "
    );
}

#[test]
fn rewrite_prevent_and_also() {
    let mut e = Effects::default();
    let seen = reader(&mut e);
    e.begin();
    let outer = e.enter("set");
    e.dirty += 1;
    e.rewrite(vec![b("SET"), b("k"), b("v"), b("PXAT"), b("5")]);
    e.leave(outer, 0, &[b("SET"), b("k"), b("v"), b("EX"), b("1")]);
    e.end();
    e.begin();
    let outer = e.enter("xreadgroup");
    e.dirty += 1;
    e.also(0, vec![b("XCLAIM"), b("s")]);
    e.prevent();
    e.leave(outer, 0, &[b("XREADGROUP")]);
    e.end();
    e.publish();
    assert_eq!(
        text(&seen),
        "*2 $6 SELECT $1 0 *5 $3 SET $1 k $1 v $4 PXAT $1 5 *2 $6 XCLAIM $1 s "
    );
}

#[test]
fn nothing_is_built_without_a_reader() {
    let mut e = Effects::default();
    command(&mut e, 0, &["SET", "a", "1"], 1);
    e.deleted(0, &b("k"), true);
    assert!(e.stream.is_empty() && e.ops.is_empty());
    assert_eq!(e.dirty, 1);
}

mod reentrant {
    use crate::config::Config;
    use crate::engine::dispatch::Engine;
    use crate::engine::msg::{ConnId, ConnInfo};
    use crate::engine::state::Server;
    use bytes::Bytes;
    use std::sync::{Arc, Mutex};

    fn argv(args: &[&str]) -> Vec<Bytes> {
        args.iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect()
    }

    #[test]
    fn a_call_for_reply_returns_the_reply_and_propagates_within_the_unit() {
        let shared = crate::shared::Shared::new(1, &Config::default());
        let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let server = Server::new(Config::default(), addr, shared);
        let mut engine = Engine::new(server, &crate::cmd::TABLE, 1);
        let info = ConnInfo {
            addr: addr.to_string(),
            laddr: addr.to_string(),
            unix: false,
            fd: -1,
            alive: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            no_evict: Default::default(),
        };
        engine.open(ConnId { id: 1, slot: 0 }, 0, Box::new(info));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        engine.srv.effects.add_sink(Box::new(move |b| {
            sink.lock().expect("lock").extend_from_slice(b)
        }));
        // A script's unit: its writes go out together.
        engine.srv.effects.begin();
        let replies: Vec<String> = [
            &["SET", "k", "1"][..],
            &["INCR", "k"],
            &["GET", "k"],
            &["SET", "k", "2", "NX"],
            &["BLPOP", "nolist", "0"],
            &["NOPE", "x"],
        ]
        .iter()
        .map(|a| {
            let r = engine.call_for_reply(1, 0, &argv(a));
            String::from_utf8_lossy(&r).into_owned()
        })
        .collect();
        engine.srv.effects.end();
        engine.srv.effects.publish();
        assert_eq!(
            replies,
            [
                "+OK\r\n",
                ":2\r\n",
                "$1\r\n2\r\n",
                "$-1\r\n",
                "*-1\r\n",
                "-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n"
            ]
        );
        let stream = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
        assert_eq!(
            stream,
            "*2 $6 SELECT $1 0 *1 $5 MULTI *3 $3 SET $1 k $1 1 *2 $4 INCR $1 k *1 $4 EXEC "
        );
        // Nothing went to the client's connection, and nobody is blocked.
        assert!(engine.outs.threads[0].buf.is_empty());
        assert!(engine.srv.blocking.waiters.is_empty());
    }
}
