//! Connection commands: PING, ECHO, QUIT, HELLO, SELECT, RESET.

use crate::engine::ctx::Ctx;
use crate::engine::table::{Command, flag::*};

pub const COMMANDS: &[Command] = &[
    Command::new("ping", -1, FAST | STALE, ping, "connection", "1.0.0", "Returns the server's liveliness response.", "[message]"),
    Command::new("echo", 2, FAST, echo, "connection", "1.0.0", "Returns the given string.", "message"),
];

/// ```text
/// PING [message]
/// ```
fn ping(ctx: &mut Ctx) {
    match ctx.argv.len() {
        1 => ctx.out.simple("PONG"),
        2 => ctx.out.bulk(&ctx.argv[1]),
        _ => ctx.error(&crate::error::wrong_arity("ping")),
    }
}

/// ```text
/// ECHO message
/// ```
fn echo(ctx: &mut Ctx) {
    ctx.out.bulk(&ctx.argv[1]);
}
