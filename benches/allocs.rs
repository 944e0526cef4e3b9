//! Heap allocations per GET and per SET in steady state, counted by a wrapping allocator.
//! Runs the same executor path as `benches/executor.rs`, and the parser, and prints
//! allocations per command. The stored value of a SET is one allocation by design (values are
//! copied out of the read buffer so they never pin it); the target is zero besides that.
//!
//! Counts are the same whatever allocator serves them, so this wraps the system one.
//!
//! `cargo bench --bench allocs`

mod common;

use bytes::{Bytes, BytesMut};
use common::resolve;
use muxis::resp::parser::{Limits, Parser};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The system allocator, counting calls.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the same arguments, so `Counting` upholds
// exactly the contract `System` does; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` via `alloc`/`realloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: `ptr` came from `System` with `layout`; forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations per call of `f`, after a warm-up that lets buffers reach their size.
fn per_call(n: u64, mut f: impl FnMut(u64)) -> f64 {
    for i in 0..n {
        f(i);
    }
    let before = ALLOCS.load(Relaxed);
    for i in 0..n {
        f(i);
    }
    (ALLOCS.load(Relaxed) - before) as f64 / n as f64
}

fn main() {
    // An engine with one client and no keys yet: the setup the other benches share.
    let mut engine = common::engine(0, 16);
    let (get, set) = (resolve("get"), resolve("set"));
    let keys: Vec<Bytes> = (0..1000).map(|k| Bytes::from(format!("key:{k}"))).collect();
    let value = Bytes::from_static(b"0123456789abcdef");
    let n = 100_000;

    // Overwrites of existing keys: the value copy is the only allocation SET needs.
    let sets = per_call(n, |i| {
        let k = keys[(i % 1000) as usize].clone();
        engine.command(
            common::CLIENT,
            set,
            &[Bytes::from_static(b"SET"), k, value.clone()],
        );
        if i % 64 == 0 {
            engine.outs.threads[0].clear();
        }
    });
    let gets = per_call(n, |i| {
        let k = keys[(i % 1000) as usize].clone();
        engine.command(common::CLIENT, get, &[Bytes::from_static(b"GET"), k]);
        if i % 64 == 0 {
            engine.outs.threads[0].clear();
        }
    });

    // The parser on a reused read buffer, as an I/O thread runs it.
    let mut parser = Parser::new();
    let mut args = Vec::with_capacity(64);
    let mut buf = BytesMut::with_capacity(1 << 16);
    let limits = Limits::default();
    let command = b"*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$16\r\n0123456789abcdef\r\n".repeat(16);
    let parses = per_call(n / 16, |_| {
        buf.extend_from_slice(&command);
        while let Ok(Some(_)) = parser.parse(&mut buf, &mut args, &limits) {}
        args.clear();
    }) / 16.0;

    println!("allocations per SET (overwrite, 16 B value): {sets:.3}  (1 = the stored value)");
    println!("allocations per GET (hit):                   {gets:.3}");
    println!("allocations per parsed SET command:          {parses:.3}");
}
