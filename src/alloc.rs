//! The global allocator, chosen at build time: mimalloc by default (tuning.md has the
//! measurement), jemalloc with `--features jemalloc`, the system allocator with
//! `--no-default-features`.
//!
//! A program registers it with [`use_allocator!`]; the library itself registers none, so
//! `benches/allocs.rs` can install its counting allocator instead.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::AtomicIsize;
use std::sync::atomic::Ordering::Relaxed;

/// Registers the allocator the build's features choose as the global allocator, wrapped
/// in [`Counting`] so that INFO's `used_memory` and `maxmemory` see the bytes in use.
#[macro_export]
macro_rules! use_allocator {
    () => {
        #[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
        #[global_allocator]
        static GLOBAL: $crate::alloc::Counting<mimalloc::MiMalloc> =
            $crate::alloc::Counting(mimalloc::MiMalloc);

        #[cfg(feature = "jemalloc")]
        #[global_allocator]
        static GLOBAL: $crate::alloc::Counting<tikv_jemallocator::Jemalloc> =
            $crate::alloc::Counting(tikv_jemallocator::Jemalloc);

        #[cfg(not(any(feature = "mimalloc", feature = "jemalloc")))]
        #[global_allocator]
        static GLOBAL: $crate::alloc::Counting<std::alloc::System> =
            $crate::alloc::Counting(std::alloc::System);
    };
}

/// Wraps an allocator to count the bytes allocated and not yet freed, as Redis's zmalloc
/// does for `used_memory`. Each thread keeps its own running difference and adds it to the
/// shared total only once it passes 64 KB either way, so the count costs a thread-local
/// add per call and one shared atomic per 64 KB of churn: no cache line that every
/// allocation of every thread writes. The total is therefore exact to within 64 KB per
/// thread.
pub struct Counting<A>(pub A);

/// Bytes in use, as flushed by the threads.
static USED: AtomicIsize = AtomicIsize::new(0);
/// What a thread's running difference may reach before it goes into [`USED`].
const FLUSH_AT: isize = 64 * 1024;

thread_local! {
    // A const-initialised Cell: no lazy initialisation and no destructor, so it can be
    // used from inside the allocator.
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

#[inline]
fn account(delta: isize) {
    let kept = PENDING.try_with(|p| {
        let v = p.get() + delta;
        if v >= FLUSH_AT || v <= -FLUSH_AT {
            USED.fetch_add(v, Relaxed);
            p.set(0);
        } else {
            p.set(v);
        }
    });
    if kept.is_err() {
        // The thread is being torn down: straight to the total.
        USED.fetch_add(delta, Relaxed);
    }
}

// SAFETY: every method forwards to the wrapped allocator with the caller's arguments
// unchanged and returns its result unchanged; the counting touches only a thread-local
// Cell and an atomic and never allocates, so the wrapped allocator's contract carries over.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received (see the impl's comment).
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { self.0.dealloc(ptr, layout) };
        account(-(layout.size() as isize));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Bytes allocated through [`Counting`] and not freed, or `None` when the program did not
/// install it (the library's own unit tests, the allocation-counting bench).
pub fn used_memory() -> Option<u64> {
    // Without the counting allocator nothing is ever counted; with it, the asking thread
    // has at least allocated something of its own.
    let mine = PENDING.try_with(Cell::get).unwrap_or(0);
    let flushed = USED.load(Relaxed);
    (flushed != 0 || mine != 0).then(|| (flushed + mine).max(0) as u64)
}

/// The allocator the build's features choose, for INFO's `mem_allocator`.
pub const NAME: &str = if cfg!(feature = "jemalloc") {
    "jemalloc"
} else if cfg!(feature = "mimalloc") {
    "mimalloc"
} else {
    "libc"
};

/// Hands memory that has been freed back to the system, now rather than at the allocator's
/// leisure. A thread calls it for itself when it goes idle after freeing something big (a
/// client's burst of output, a huge value): mimalloc purges freed pages lazily, on the
/// owning thread's next allocations, so a thread that then sleeps would hold them forever.
/// It is forced (every free page, not only those past the purge delay) because it runs
/// once per idle spell, never on the request path; purging on every free instead
/// (`purge_delay=0`) halved SET throughput with 20 KB values in our measurement.
pub fn release_freed() {
    #[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
    // SAFETY: mi_collect only walks and trims the calling thread's own heap and mimalloc's
    // caches; it takes no pointers and may be called at any time from any thread.
    unsafe {
        libmimalloc_sys::mi_collect(true)
    };
}
