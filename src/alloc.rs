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
