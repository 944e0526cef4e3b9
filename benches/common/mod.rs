//! What the in-process benchmarks share: an executor with one client and a prefilled
//! keyspace, and pre-built command batches on pseudo-random keys.

// Each benchmark uses its own subset.
#![allow(dead_code)]

use bytes::Bytes;
use muxis::cmd::TABLE;
use muxis::config::Config;
use muxis::engine::dispatch::Engine;
use muxis::engine::msg::{ConnId, ConnInfo, Resolved};
use muxis::engine::state::Server;
use muxis::shared::Shared;

/// Commands per batch, like one busy executor round.
pub const BATCH: usize = 64;

/// The id of the one client `engine` opens.
pub const CLIENT: u64 = 1;

/// An engine with one client (`CLIENT`) and `keys` keys of `size`-byte values.
pub fn engine(keys: usize, size: usize) -> Engine {
    engine_for(1, keys, size)
}

/// [`engine`] for `threads` I/O threads (the client is on thread 0).
pub fn engine_for(threads: usize, keys: usize, size: usize) -> Engine {
    let config = Config::default();
    let shared = Shared::new(threads, &config);
    let addr = "127.0.0.1:0".parse().expect("address");
    let mut engine = Engine::new(Server::new(config, addr, shared), &TABLE, threads);
    let conn = ConnId {
        id: CLIENT,
        slot: 0,
    };
    let info = ConnInfo {
        addr: addr.to_string(),
        laddr: addr.to_string(),
        unix: false,
        fd: -1,
        alive: Default::default(),
        no_evict: Default::default(),
    };
    engine.open(conn, 0, Box::new(info));
    let set = resolve("set");
    let value = Bytes::from(vec![b'v'; size]);
    for k in 0..keys {
        engine.command(
            CLIENT,
            set,
            &[Bytes::from_static(b"SET"), key(k), value.clone()],
        );
        if k % 1024 == 0 {
            engine.outs.threads[0].clear();
        }
    }
    engine.outs.threads[0].clear();
    engine
}

pub fn resolve(name: &str) -> Resolved {
    Resolved::Known(TABLE.lookup(name.as_bytes()).expect("known command"))
}

pub fn key(k: usize) -> Bytes {
    Bytes::from(format!("key:{k:010}"))
}

/// `n` pre-built batches of `BATCH` GETs or SETs (`name`) on pseudo-random keys below `keys`.
pub fn batches(name: &'static str, n: usize, keys: usize, size: usize) -> Vec<Vec<Vec<Bytes>>> {
    let value = Bytes::from(vec![b'w'; size]);
    let mut seed: u64 = 7;
    (0..n)
        .map(|_| {
            (0..BATCH)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let k = key((seed >> 33) as usize % keys);
                    let mut args = vec![Bytes::from_static(name.as_bytes()), k];
                    if name == "SET" {
                        args.push(value.clone());
                    }
                    args
                })
                .collect()
        })
        .collect()
}

/// Runs one batch as the executor does a round; the replies, handed to an I/O thread in
/// the server, are dropped.
pub fn run(engine: &mut Engine, cmd: Resolved, batch: &[Vec<Bytes>]) {
    // As the executor does with a batch (`engine/prefetch.rs`); MUXIS_NO_PREFETCH=1
    // measures without.
    static OFF: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let off = *OFF.get_or_init(|| std::env::var_os("MUXIS_NO_PREFETCH").is_some());
    if !off && engine.worth_prefetching(batch.len()) {
        for args in batch {
            engine.prefetch(CLIENT, cmd, args);
        }
    }
    for args in batch {
        engine.command(CLIENT, cmd, args);
    }
    engine.outs.threads[0].clear();
}
