//! A fixed executor workload for instruction counting, which stays stable on a shared,
//! noisy machine where wall-clock times do not. Runs the executor path of
//! `benches/executor.rs` once: `ROUNDS` batches of GET or SET on 10k keys of 16 B values.
//!
//! ```text
//! cargo bench --bench instr --no-run
//! valgrind --tool=callgrind --toggle-collect='*instr*measure*' \
//!     target/release/deps/instr-<hash> get      # or: set; add `acl` to run as a user
//!                                               # with key patterns
//! ```
//! Instructions per command = the `Ir` total / (`ROUNDS` × 64). Without valgrind it prints
//! the commands it ran.

mod common;

use common::{BATCH, batches, engine, resolve, run};
use muxis::engine::dispatch::Engine;
use muxis::engine::msg::Resolved;

muxis::use_allocator!();

const ROUNDS: usize = 2_000;
const KEYS: usize = 10_000;

/// The measured part (callgrind counts only inside it, by its name).
#[inline(never)]
fn measure(engine: &mut Engine, cmd: Resolved, work: &[Vec<Vec<bytes::Bytes>>]) {
    for batch in work {
        run(engine, cmd, batch);
    }
}

fn main() {
    let name = match std::env::args().nth(1).as_deref() {
        Some("set") => "SET",
        _ => "GET",
    };
    let mut engine = engine(KEYS, 16);
    // `acl` as the second argument: the client runs as a user with key patterns, so every
    // command pays the ACL check (the default user skips it).
    if std::env::args().nth(2).as_deref() == Some("acl") {
        let args = |words: &[&'static str]| -> Vec<bytes::Bytes> {
            words
                .iter()
                .map(|w| bytes::Bytes::from_static(w.as_bytes()))
                .collect()
        };
        let setuser = [
            "ACL", "SETUSER", "u", "on", ">p", "~key:*", "~other:*", "+@all",
        ];
        engine.command(common::CLIENT, resolve("acl"), &args(&setuser));
        engine.command(common::CLIENT, resolve("auth"), &args(&["AUTH", "u", "p"]));
        engine.outs.threads[0].clear();
    }
    let work = batches(name, ROUNDS, KEYS, 16);
    let cmd = resolve(&name.to_ascii_lowercase());
    measure(&mut engine, cmd, &work);
    println!("{name}: {} commands", ROUNDS * BATCH);
}
