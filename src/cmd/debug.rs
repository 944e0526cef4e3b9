//! DEBUG: only what muxis needs so far, PANIC (the trigger that tests the crash path) and
//! HELP, behind Redis 7.0's `enable-debug-command` gate.

use crate::engine::ctx::Ctx;
use crate::engine::table::{Command, flag::*};

#[rustfmt::skip]
pub const COMMANDS: &[Command] = &[
    Command::new("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, debug, "server", "1.0.0", "A container for debugging commands", "subcommand [argument ...]"),
];

/// Redis 7.0's refusal when `enable-debug-command` does not allow the caller.
const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "PANIC",
    "    Crash the server simulating a panic.",
    "HELP",
    "    Print this help.",
];

/// ```text
/// DEBUG PANIC
/// DEBUG HELP
/// ```
fn debug(ctx: &mut Ctx) {
    let allowed = match ctx.srv.config.enable_debug_command {
        "yes" => true,
        // "local": loopback connections (Unix sockets will count too).
        "local" => ctx.client().is_some_and(|c| c.info.addr.ip().is_loopback()),
        _ => false,
    };
    if !allowed {
        return ctx.error(NOT_ALLOWED);
    }
    let sub = ctx.arg(1);
    if sub.eq_ignore_ascii_case(b"panic") {
        // What a bug in a handler does: see `crate::crash` for what follows.
        let now = ctx.now() / 1000;
        panic!("DEBUG PANIC called at Unix time {now}");
    }
    if sub.eq_ignore_ascii_case(b"help") && ctx.argv.len() == 2 {
        ctx.out.array(HELP.len());
        for line in HELP {
            ctx.out.simple(line);
        }
        return;
    }
    let msg = format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
        crate::error::sanitize(sub)
    );
    ctx.error(&msg);
}
