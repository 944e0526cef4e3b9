//! MONITOR: makes the calling client a monitor (`engine/monitor.rs` feeds it).

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;

pub const HANDLERS: &[(&str, Handler)] = &[("monitor", monitor)];

/// ```text
/// MONITOR
/// ```
fn monitor(ctx: &mut Ctx) {
    // Inside EXEC a client expects one reply per command (Redis's CLIENT_DENY_BLOCKING).
    if ctx.no_block {
        return ctx.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    }
    let id = ctx.id;
    let Some(c) = ctx.client() else { return };
    // Already monitoring: ignored without a reply, as Redis does.
    if c.monitor {
        return;
    }
    c.monitor = true;
    ctx.srv.monitors.push(id);
    ctx.out.ok();
}
