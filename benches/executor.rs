//! The executor ceiling: commands per second the executor thread alone runs from
//! pre-parsed batches, with no sockets, channels or wakes. GET and SET at 10k and 1M keys,
//! with 16 B and 512 B values.
//!
//! `cargo bench --bench executor`

mod common;

use common::{BATCH, batches, engine, resolve, run};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

muxis::use_allocator!();

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
        let mut engine = engine(keys, size);
        for name in ["GET", "SET"] {
            // Many distinct batches, so the keys touched are spread over the whole table.
            let work = batches(name, 256, keys, size);
            let cmd = resolve(&name.to_ascii_lowercase());
            let label = format!("{name}/{keys}keys/{size}B");
            let mut i = 0;
            g.bench_function(BenchmarkId::from_parameter(label), |b| {
                b.iter(|| {
                    i = (i + 1) % work.len();
                    run(&mut engine, cmd, &work[i]);
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, ceiling);
criterion_main!(benches);
