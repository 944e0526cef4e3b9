//! BGREWRITEAOF. The AOF itself (files, thread, rewrite) is `persist/aof`.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("bgrewriteaof", bgrewriteaof)];

/// ```text
/// BGREWRITEAOF
/// ```
fn bgrewriteaof(ctx: &mut Ctx) {
    match crate::persist::aof::bgrewrite(ctx.srv) {
        Ok(msg) => ctx.out.simple(msg),
        Err(e) => ctx.error(e),
    }
}
