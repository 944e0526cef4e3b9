//! OBJECT: how a value is stored.

use crate::db::{Track, lru};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("object", object)];

const NO_LRU: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const NO_LFU: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/// ```text
/// OBJECT ENCODING key | REFCOUNT key | IDLETIME key | FREQ key | HELP
/// ```
/// Encodings are the ones Redis 7.0 would report for the same contents. IDLETIME (seconds
/// since the last access) needs an LRU or no policy, FREQ an LFU one: the key's access
/// record holds one or the other. Looking a key up here does not count as an access.
fn object(ctx: &mut Ctx) {
    let sub = ctx.arg(1).to_ascii_lowercase();
    // HELP takes no key: with one, it is an arity error like the others below.
    if sub == b"help" && ctx.argv.len() == 2 {
        let lines = [
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help.",
        ];
        ctx.out.help(&lines);
        return;
    }
    let known = [&b"encoding"[..], b"refcount", b"idletime", b"freq", b"help"];
    if !known.contains(&sub.as_slice()) {
        let msg = crate::error::unknown_subcommand("object", ctx.arg(1));
        return ctx.error(&msg);
    }
    if ctx.argv.len() != 3 || sub == b"help" {
        let name = format!("object|{}", String::from_utf8_lossy(&sub));
        return ctx.error(&crate::error::wrong_arity(&name));
    }
    let now = ctx.now();
    let argv = ctx.argv;
    let limits = ctx.srv.config.enc;
    let track = ctx.srv.config.mem.track();
    let Some(entry) = ctx.db().peek(&argv[2], now) else {
        return ctx.out.null();
    };
    match sub.as_slice() {
        b"encoding" => {
            let enc = entry.encoding(&limits);
            ctx.out.bulk(enc.as_bytes());
        }
        b"refcount" => ctx.out.int(1),
        b"idletime" => match track {
            Track::Lru => {
                let idle = lru::idle_ms(entry.lru(), now) / 1000;
                ctx.out.int(idle as i64)
            }
            Track::Lfu { .. } => ctx.error(NO_LRU),
        },
        _ => match track {
            Track::Lfu { decay_time, .. } => {
                let freq = lru::lfu_count(entry.lru(), now, decay_time);
                ctx.out.int(freq as i64)
            }
            Track::Lru => ctx.error(NO_LFU),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::keys::tests::T;

    #[test]
    fn object_help_with_an_argument_is_an_arity_error() {
        let mut t = T::new();
        assert_eq!(
            t.run(&["OBJECT", "HELP", "x"]),
            "-ERR wrong number of arguments for 'object|help' command\r\n"
        );
        assert!(t.run(&["OBJECT", "help"]).starts_with("*"));
    }
}
