//! The global allocator, chosen at build time: mimalloc by default (tuning.md has the
//! measurement), jemalloc with `--features jemalloc`, the system allocator with
//! `--no-default-features`.
//!
//! A program registers it with [`use_allocator!`]; the library itself registers none, so
//! `benches/allocs.rs` can install its counting allocator instead.

/// Registers the allocator the build's features choose as the global allocator.
#[macro_export]
macro_rules! use_allocator {
    () => {
        #[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
        #[global_allocator]
        static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

        #[cfg(feature = "jemalloc")]
        #[global_allocator]
        static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
    };
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
