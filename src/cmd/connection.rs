//! Connection commands: PING, ECHO, QUIT, HELLO, SELECT, RESET, AUTH (users: `src/acl/`).
//!
//! They change only the calling client's executor-side state (protocol, selected DB, name);
//! closing a connection is the executor's job, asked for with `closing`.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[
    ("ping", ping),
    ("echo", echo),
    ("quit", quit),
    ("hello", hello),
    ("select", select),
    ("reset", reset),
    ("auth", auth),
];

/// The version HELLO and INFO report: clients pick features by it, and we answer as 7.0 does.
pub const REDIS_VERSION: &str = "7.0.15";

const NO_PASSWORD: &str = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
const WRONGPASS: &str = crate::acl::WRONGPASS;
const HELLO_NOAUTH: &str = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
const INT_RANGE: &str = "ERR value is out of range, value must between -2147483648 and 2147483647";
const HELLO_PROTOVER: &str = "ERR Protocol version is not an integer or out of range";

/// ```text
/// PING [message]
/// ```
/// A RESP2 client with subscriptions gets `["pong", message]`, as Redis does: its
/// connection otherwise carries only push messages.
fn ping(ctx: &mut Ctx) {
    if ctx.argv.len() > 2 {
        return ctx.error(&error::wrong_arity("ping"));
    }
    let subscribed = !ctx.out.resp3() && ctx.client().is_some_and(|c| c.subscribed());
    if subscribed {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(ctx.argv.get(1).map_or(&b""[..], |m| &m[..]));
    } else if let Some(m) = ctx.argv.get(1) {
        ctx.out.bulk(m);
    } else {
        ctx.out.simple("PONG");
    }
}

/// ```text
/// ECHO message
/// ```
fn echo(ctx: &mut Ctx) {
    ctx.out.bulk(&ctx.argv[1]);
}

/// ```text
/// QUIT
/// ```
/// Redis 7.0 accepts and ignores arguments. The executor closes the connection once `+OK`
/// is written.
fn quit(ctx: &mut Ctx) {
    ctx.out.ok();
    if let Some(c) = ctx.client() {
        c.closing = true;
    }
    let me = ctx.out.target();
    ctx.srv.pending_closes.push(me);
}

/// ```text
/// HELLO [protover [AUTH username password] [SETNAME clientname]]
/// ```
/// Options take effect in order, as in Redis 7.0: a SETNAME before a bad option stays set,
/// while the protocol switches only when every option succeeded.
fn hello(ctx: &mut Ctx) {
    let argc = ctx.argv.len();
    let mut ver = None;
    if argc >= 2 {
        match parse_i64(ctx.arg(1)) {
            Some(v @ 2..=3) => ver = Some(v),
            Some(_) => return ctx.error(error::NOPROTO),
            None => return ctx.error(HELLO_PROTOVER),
        }
    }
    let mut j = 2;
    while j < argc {
        let more = argc - 1 - j;
        let opt = ctx.arg(j);
        if opt.eq_ignore_ascii_case(b"auth") && more >= 2 {
            let argv = ctx.argv;
            if !log_in(ctx, &argv[j + 1], &argv[j + 2]) {
                return ctx.error(WRONGPASS);
            }
            j += 3;
        } else if opt.eq_ignore_ascii_case(b"setname") && more >= 1 {
            let argv = ctx.argv;
            if !super::client::set_name(ctx, &argv[j + 1]) {
                return;
            }
            j += 2;
        } else {
            let msg = format!(
                "ERR Syntax error in HELLO option '{}'",
                error::sanitize(opt)
            );
            return ctx.error(&msg);
        }
    }
    if !ctx.client().is_some_and(|c| c.authenticated) {
        return ctx.error(HELLO_NOAUTH);
    }
    let id = ctx.id;
    let resp3 = match (ver, ctx.client()) {
        (Some(v), Some(c)) => {
            c.resp3 = v == 3;
            c.resp3
        }
        _ => ctx.out.resp3(),
    };
    // The reply already speaks the protocol just chosen, while `ctx.out` was set up with the
    // old one: write the map header by hand (every element is the same in both protocols).
    ctx.out.raw(if resp3 { b"%7\r\n" } else { b"*14\r\n" });
    ctx.out.bulk(b"server");
    ctx.out.bulk(b"redis");
    ctx.out.bulk(b"version");
    ctx.out.bulk(REDIS_VERSION.as_bytes());
    ctx.out.bulk(b"proto");
    ctx.out.int(if resp3 { 3 } else { 2 });
    ctx.out.bulk(b"id");
    ctx.out.int(id as i64);
    ctx.out.bulk(b"mode");
    ctx.out.bulk(b"standalone");
    ctx.out.bulk(b"role");
    ctx.out.bulk(b"master");
    ctx.out.bulk(b"modules");
    ctx.out.array(0);
}

/// Logs the client in as `user` if `password` opens it (Redis's `ACLAuthenticateUser`);
/// a failure is logged (ACL LOG) under the name tried, and changes nothing.
fn log_in(ctx: &mut Ctx, user: &[u8], password: &[u8]) -> bool {
    match ctx.srv.acl.authenticate(user, password) {
        Some(u) => {
            if let Some(c) = ctx.client() {
                c.user = u;
                c.authenticated = true;
            }
            true
        }
        None => {
            let command = ctx.argv[0].clone();
            ctx.srv.acl_auth_failed(ctx.id, &command, user);
            false
        }
    }
}

/// ```text
/// AUTH [username] password
/// ```
/// The one-argument form logs in as `default`, and is an error while that needs no
/// password, as in Redis.
fn auth(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let ok = match argv.len() {
        2 if ctx.srv.acl.default_user().nopass => return ctx.error(NO_PASSWORD),
        2 => log_in(ctx, b"default", &argv[1]),
        3 => log_in(ctx, &argv[1], &argv[2]),
        _ => return ctx.error(error::SYNTAX),
    };
    if ok {
        ctx.out.ok()
    } else {
        ctx.error(WRONGPASS)
    }
}

/// ```text
/// SELECT index
/// ```
fn select(ctx: &mut Ctx) {
    let Some(index) = parse_i64(ctx.arg(1)) else {
        return ctx.error(error::NOT_INTEGER);
    };
    // Redis reads the index as a C int, with its own error past that range.
    if i32::try_from(index).is_err() {
        return ctx.error(INT_RANGE);
    }
    let Some(db) = usize::try_from(index)
        .ok()
        .filter(|&i| i < ctx.srv.dbs.len())
    else {
        return ctx.error(error::DB_INDEX);
    };
    if let Some(c) = ctx.client() {
        c.db = db;
    }
    ctx.out.ok();
}

/// ```text
/// RESET
/// ```
/// Back to a fresh connection's state: DB 0, RESP2, no name. Like Redis 7.0, the library
/// name/version and the NO-EVICT flag stay.
fn reset(ctx: &mut Ctx) {
    let id = ctx.id;
    // Out of the map while it is released, so the registries can be updated beside it.
    if let Some(mut c) = ctx.srv.clients.remove(&id) {
        crate::engine::dispatch::release(ctx.srv, id, &mut c);
        c.db = 0;
        c.resp3 = false;
        c.name = None;
        c.user = ctx.srv.acl.default_user();
        c.authenticated = ctx.srv.acl.starts_authenticated();
        ctx.srv.clients.insert(id, c);
    }
    // The same bytes in RESP2 and RESP3, so the old protocol of `ctx.out` does no harm.
    ctx.out.simple("RESET");
}
