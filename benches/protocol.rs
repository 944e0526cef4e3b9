//! RESP parser and reply encoder throughput, in commands (or replies) per second.
//!
//! `cargo bench --bench protocol`

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use muxis::resp::encode;
use muxis::resp::parser::{Limits, Parser};
use std::hint::black_box;

fn set_command(key: usize, value: &[u8]) -> Vec<u8> {
    let key = format!("key:{key:08}");
    let mut out = format!(
        "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n",
        key.len(),
        value.len()
    )
    .into_bytes();
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
    out
}

/// Parses every command in `input`, as an I/O thread does after one read.
fn parse_all(input: &[u8], args: &mut Vec<Bytes>) -> usize {
    let mut buf = BytesMut::from(input);
    let mut parser = Parser::new();
    let limits = Limits::default();
    let mut n = 0;
    while let Ok(Some(_)) = parser.parse(&mut buf, args, &limits) {
        n += 1;
    }
    args.clear();
    n
}

fn parser(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    let mut args = Vec::with_capacity(64);
    let one = set_command(1, b"0123456789abcdef");
    g.throughput(Throughput::Elements(1));
    g.bench_function("set_16B_single", |b| {
        b.iter(|| parse_all(black_box(&one), &mut args))
    });

    let pipeline: Vec<u8> = (0..16)
        .flat_map(|i| set_command(i, b"0123456789abcdef"))
        .collect();
    g.throughput(Throughput::Elements(16));
    g.bench_function("set_16B_pipeline_16", |b| {
        b.iter(|| parse_all(black_box(&pipeline), &mut args))
    });

    let inline = b"PING\r\n".repeat(16);
    g.bench_function("ping_inline_pipeline_16", |b| {
        b.iter(|| parse_all(black_box(&inline), &mut args))
    });

    let big = set_command(1, &vec![b'x'; 1 << 20]);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("set_1MB_bulk", |b| {
        b.iter(|| parse_all(black_box(&big), &mut args))
    });
    g.finish();
}

fn encoder(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let mut buf = Vec::with_capacity(1 << 16);
    let value = vec![b'v'; 16];
    g.throughput(Throughput::Elements(16));
    g.bench_function("bulk_16B_x16", |b| {
        b.iter(|| {
            buf.clear();
            for _ in 0..16 {
                encode::bulk(&mut buf, black_box(&value));
            }
        })
    });
    g.bench_function("ok_x16", |b| {
        b.iter(|| {
            buf.clear();
            for _ in 0..16 {
                encode::simple(&mut buf, black_box(b"OK"));
            }
        })
    });
    g.bench_function("int_x16", |b| {
        b.iter(|| {
            buf.clear();
            for i in 0..16 {
                encode::int(&mut buf, black_box(1_000_000 + i));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("double_resp3", |b| {
        b.iter(|| {
            buf.clear();
            encode::double(&mut buf, black_box(3.25), true);
        })
    });
    g.finish();
}

criterion_group!(benches, parser, encoder);
criterion_main!(benches);
