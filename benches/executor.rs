//! The executor ceiling: commands per second the executor thread alone runs from
//! pre-parsed batches, with no sockets, channels or wakes. GET and SET at 10k and 1M keys,
//! with 16 B and 512 B values.
//!
//! `cargo bench --bench executor`

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use muxis::cmd::TABLE;
use muxis::config::Config;
use muxis::engine::dispatch::Engine;
use muxis::engine::msg::{ConnId, ConnInfo, Resolved};
use muxis::engine::state::Server;
use muxis::shared::Shared;

muxis::use_allocator!();

/// Commands per measured batch, like one busy executor round.
const BATCH: usize = 64;

/// An engine with one client and `keys` keys of `size`-byte values.
fn engine(keys: usize, size: usize) -> (Engine, u64) {
    let config = Config::default();
    let shared = Shared::new(1, &config);
    let addr = "127.0.0.1:0".parse().expect("address");
    let mut engine = Engine::new(Server::new(config, addr, shared), &TABLE, 1);
    let conn = ConnId { id: 1, slot: 0 };
    let info = ConnInfo {
        addr: addr.to_string(),
        laddr: addr.to_string(),
        unix: false,
        fd: -1,
        alive: Default::default(),
    };
    engine.open(conn, 0, Box::new(info));
    let set = resolve("set");
    let value = Bytes::from(vec![b'v'; size]);
    for k in 0..keys {
        engine.command(1, set, &[Bytes::from_static(b"SET"), key(k), value.clone()]);
        if k % 1024 == 0 {
            engine.outs.threads[0].clear();
        }
    }
    engine.outs.threads[0].clear();
    (engine, 1)
}

fn resolve(name: &str) -> Resolved {
    Resolved::Known(TABLE.lookup(name.as_bytes()).expect("known command"))
}

fn key(k: usize) -> Bytes {
    Bytes::from(format!("key:{k:010}"))
}

/// Pre-built argument lists for `BATCH` commands on pseudo-random keys.
fn commands(name: &'static str, keys: usize, size: usize, seed: &mut u64) -> Vec<Vec<Bytes>> {
    let value = Bytes::from(vec![b'w'; size]);
    (0..BATCH)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = key((*seed >> 33) as usize % keys);
            let mut args = vec![Bytes::from_static(name.as_bytes()), k];
            if name == "SET" {
                args.push(value.clone());
            }
            args
        })
        .collect()
}

fn ceiling(c: &mut Criterion) {
    let mut g = c.benchmark_group("executor");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(30);
    for (keys, size) in [
        (10_000, 16),
        (10_000, 512),
        (1_000_000, 16),
        (1_000_000, 512),
    ] {
        let (mut engine, id) = engine(keys, size);
        let mut seed = 7;
        // Many distinct batches, so the keys touched are spread over the whole table.
        let gets: Vec<_> = (0..256)
            .map(|_| commands("GET", keys, size, &mut seed))
            .collect();
        let sets: Vec<_> = (0..256)
            .map(|_| commands("SET", keys, size, &mut seed))
            .collect();
        for (name, batches) in [("GET", &gets), ("SET", &sets)] {
            let cmd = resolve(&name.to_ascii_lowercase());
            let label = format!("{name}/{keys}keys/{size}B");
            let mut i = 0;
            g.bench_function(BenchmarkId::from_parameter(label), |b| {
                b.iter(|| {
                    i = (i + 1) % batches.len();
                    for args in &batches[i] {
                        engine.command(id, cmd, args);
                    }
                    // Replies are handed to an I/O thread once per round; here they are
                    // dropped instead.
                    engine.outs.threads[0].clear();
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, ceiling);
criterion_main!(benches);
