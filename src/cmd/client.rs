//! CLIENT and its subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, SETINFO, NO-EVICT,
//! NO-TOUCH, REPLY, PAUSE, UNPAUSE, UNBLOCK, HELP (TRACKING and its kin live in tracking.rs).
//!
//! Everything here reads or changes the executor's half of clients (`engine::client`);
//! closing another client is asked of the executor through `Server::pending_closes`.

use super::command::sub_arity;
use crate::engine::client::{Client, Kind, Reply};
use crate::engine::ctx::Ctx;
use crate::engine::pause::Mode;
use crate::engine::state::Server;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;
use std::time::Instant;

/// The commands this family implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("client", client)];

/// Each subcommand's handler, with the name `CLIENT LIST` shows in its `cmd=` field
/// (Redis 7 names subcommands `container|sub`).
const SUB_HANDLERS: &[(&str, Handler)] = &[
    ("client|id", id),
    ("client|setname", setname),
    ("client|getname", getname),
    ("client|list", list),
    ("client|info", info),
    ("client|kill", kill),
    ("client|setinfo", setinfo),
    ("client|no-evict", no_evict),
    ("client|no-touch", no_touch),
    ("client|reply", reply),
    ("client|pause", pause),
    ("client|unpause", unpause),
    ("client|unblock", unblock),
    ("client|help", help),
    ("client|tracking", super::tracking::tracking),
    ("client|caching", super::tracking::caching),
    ("client|getredir", super::tracking::getredir),
    ("client|trackinginfo", super::tracking::trackinginfo),
];

const BAD_NAME: &str = "ERR Client names cannot contain spaces, newlines or special characters.";
const NO_SUCH_CLIENT: &str = "ERR No such client";
const INVALID_ID: &str = "ERR Invalid client ID";
const KILL_ID: &str = "ERR client-id should be greater than 0";
const PAUSE_MODE: &str = "ERR CLIENT PAUSE mode must be WRITE or ALL";
const UNBLOCK_REASON: &str = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";

/// ```text
/// CLIENT <subcommand> [<arg> ...]
/// ```
/// Finds the subcommand, checks its arity (the I/O thread checked only CLIENT's own), and
/// records it as the client's last command before running it.
fn client(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "client") else {
        return;
    };
    let Some(&(name, handler)) = SUB_HANDLERS
        .iter()
        .find(|(n, _)| n.strip_prefix("client|") == Some(sub))
    else {
        let asked = ctx.arg(1);
        return ctx.error(&error::unknown_subcommand("client", asked));
    };
    if let Some(c) = ctx.client() {
        c.last_cmd = name;
    }
    handler(ctx);
}

/// ```text
/// CLIENT ID
/// ```
fn id(ctx: &mut Ctx) {
    ctx.out.int(ctx.id as i64);
}

/// ```text
/// CLIENT SETNAME connection-name
/// ```
fn setname(ctx: &mut Ctx) {
    let argv = ctx.argv;
    if set_name(ctx, &argv[2]) {
        ctx.out.ok();
    }
}

/// Names the calling client (an empty name removes it), or replies with Redis's error and
/// returns false. Shared with HELLO's SETNAME option.
pub fn set_name(ctx: &mut Ctx, name: &[u8]) -> bool {
    if !printable(name) {
        ctx.error(BAD_NAME);
        return false;
    }
    if let Some(c) = ctx.client() {
        // A copy: a slice of argv would pin the connection's whole read buffer.
        c.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(name));
    }
    true
}

/// Whether `s` fits in a `CLIENT LIST` field: printable ASCII with no spaces.
fn printable(s: &[u8]) -> bool {
    s.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

/// ```text
/// CLIENT GETNAME
/// ```
fn getname(ctx: &mut Ctx) {
    match ctx.srv.clients.get(&ctx.id).and_then(|c| c.name.as_ref()) {
        Some(name) => ctx.out.bulk(name),
        None => ctx.out.null(),
    }
}

/// ```text
/// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
/// ```
/// Redis 7.2's command; clients send it on connect and ignore its errors.
fn setinfo(ctx: &mut Ctx) {
    let (attr, value) = (ctx.arg(2), ctx.arg(3));
    let lib_name = if attr.eq_ignore_ascii_case(b"lib-name") {
        true
    } else if attr.eq_ignore_ascii_case(b"lib-ver") {
        false
    } else {
        let msg = format!("ERR Unrecognized option '{}'", error::sanitize(attr));
        return ctx.error(&msg);
    };
    if !printable(value) {
        let msg = format!(
            "ERR {} cannot contain spaces, newlines or special characters.",
            error::sanitize(attr)
        );
        return ctx.error(&msg);
    }
    let value = (!value.is_empty()).then(|| Bytes::copy_from_slice(value));
    if let Some(c) = ctx.client() {
        if lib_name {
            c.lib_name = value;
        } else {
            c.lib_ver = value;
        }
    }
    ctx.out.ok();
}

/// ```text
/// CLIENT NO-EVICT <ON | OFF>
/// ```
fn no_evict(ctx: &mut Ctx) {
    if let Some(on) = on_off(ctx) {
        if let Some(c) = ctx.client() {
            c.no_evict = on;
            // The I/O thread that owns the connection decides evictions (maxmemory-clients).
            c.info
                .no_evict
                .store(on, std::sync::atomic::Ordering::Relaxed);
        }
        ctx.out.ok();
    }
}

/// ```text
/// CLIENT NO-TOUCH <ON | OFF>
/// ```
fn no_touch(ctx: &mut Ctx) {
    if let Some(on) = on_off(ctx) {
        let was = ctx.client().map(|c| std::mem::replace(&mut c.no_touch, on));
        match (was, on) {
            (Some(false), true) => ctx.srv.no_touch_clients += 1,
            (Some(true), false) => ctx.srv.no_touch_clients -= 1,
            _ => {}
        }
        ctx.out.ok();
    }
}

/// Argument 2 as ON (true) or OFF (false); anything else is a syntax error.
fn on_off(ctx: &mut Ctx) -> Option<bool> {
    let arg = ctx.arg(2);
    if arg.eq_ignore_ascii_case(b"on") {
        Some(true)
    } else if arg.eq_ignore_ascii_case(b"off") {
        Some(false)
    } else {
        ctx.error(error::SYNTAX);
        None
    }
}

/// ```text
/// CLIENT REPLY <ON | OFF | SKIP>
/// ```
/// ON answers OK; OFF and SKIP answer nothing (the engine drops the replies, see
/// `engine::dispatch`). SKIP while OFF changes nothing, as in Redis.
fn reply(ctx: &mut Ctx) {
    let arg = ctx.arg(2);
    let mode = if arg.eq_ignore_ascii_case(b"on") {
        Reply::On
    } else if arg.eq_ignore_ascii_case(b"off") {
        Reply::Off
    } else if arg.eq_ignore_ascii_case(b"skip") {
        Reply::SkipNext
    } else {
        return ctx.error(error::SYNTAX);
    };
    if let Some(c) = ctx.client()
        && (mode != Reply::SkipNext || c.reply != Reply::Off)
    {
        c.reply = mode;
    }
    // ON's own reply goes out even though the command began with replies off (its
    // writer then drops them): to the client's real destination.
    if mode == Reply::On
        && let Some(target) = ctx.srv.clients.get(&ctx.id).map(|c| c.target())
    {
        ctx.out.outs().to(target).ok();
    }
}

/// ```text
/// CLIENT PAUSE timeout [WRITE | ALL]
/// ```
/// Holds the other clients' commands (all, or those that may write) for `timeout` ms; see
/// `engine/pause.rs`. The mode is checked before the timeout, as Redis does.
fn pause(ctx: &mut Ctx) {
    let mode = match ctx.argv.len() {
        3 => Mode::All,
        4 if ctx.arg(3).eq_ignore_ascii_case(b"write") => Mode::Write,
        4 if ctx.arg(3).eq_ignore_ascii_case(b"all") => Mode::All,
        4 => return ctx.error(PAUSE_MODE),
        _ => return ctx.error(&wrong_args(ctx.arg(1))),
    };
    let end = match crate::engine::blocking::parse_timeout(ctx.arg(2), ctx.now(), true) {
        Ok(end) => end.unwrap_or_else(|| ctx.now()),
        Err(msg) => return ctx.error(msg),
    };
    ctx.srv.pause_clients(mode, end);
    ctx.out.ok();
}

/// Redis's `addReplySubcommandSyntaxError`, naming the subcommand as it was given.
fn wrong_args(sub: &[u8]) -> String {
    format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
        error::sanitize(sub)
    )
}

/// ```text
/// CLIENT UNPAUSE
/// ```
fn unpause(ctx: &mut Ctx) {
    ctx.srv.unpause_clients();
    ctx.out.ok();
}

/// ```text
/// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
/// ```
/// 1 if the client was blocked by a blocking command (it then gets its timeout reply, or
/// the UNBLOCKED error), else 0. A client held by CLIENT PAUSE is not blocked this way.
fn unblock(ctx: &mut Ctx) {
    let error = match ctx.argv.len() {
        3 => false,
        4 if ctx.arg(3).eq_ignore_ascii_case(b"timeout") => false,
        4 if ctx.arg(3).eq_ignore_ascii_case(b"error") => true,
        4 => return ctx.error(UNBLOCK_REASON),
        _ => return ctx.error(&wrong_args(ctx.arg(1))),
    };
    let Some(id) = parse_i64(ctx.arg(2)) else {
        return ctx.error(error::NOT_INTEGER);
    };
    let blocked = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.srv.clients.get(&id))
        .is_some_and(|c| c.blocked.is_some() && !c.closing);
    if blocked {
        ctx.srv.pause.unblock.push((id as u64, error));
    }
    ctx.out.int(i64::from(blocked));
}

/// `ERR Unknown client type '<name>'`.
fn unknown_type(name: &[u8]) -> String {
    format!("ERR Unknown client type '{}'", error::sanitize(name))
}

/// The live clients (not being closed) in id order, as Redis lists them.
fn live(srv: &Server) -> Vec<&Client> {
    let mut all: Vec<&Client> = srv.clients.values().filter(|c| !c.closing).collect();
    all.sort_unstable_by_key(|c| c.id());
    all
}

/// ```text
/// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
/// ```
/// One line per client, each ending in a newline, as a verbatim string. `ID` lists the
/// clients in the order asked, an id asked twice twice.
fn list(ctx: &mut Ctx) {
    let argc = ctx.argv.len();
    let now = Instant::now();
    let mut text = Vec::new();
    if argc == 4 && ctx.arg(2).eq_ignore_ascii_case(b"type") {
        let Some(kind) = Kind::parse(ctx.arg(3)) else {
            return ctx.error(&unknown_type(ctx.arg(3)));
        };
        for c in live(ctx.srv).into_iter().filter(|c| c.kind() == kind) {
            write_line(c, &mut text, now, ctx.id, ctx.argv);
        }
    } else if argc > 3 && ctx.arg(2).eq_ignore_ascii_case(b"id") {
        let mut ids = Vec::with_capacity(argc - 3);
        for arg in &ctx.argv[3..] {
            match parse_i64(arg) {
                Some(id) => ids.push(id),
                None => return ctx.error(INVALID_ID),
            }
        }
        for id in ids.into_iter().filter_map(|id| u64::try_from(id).ok()) {
            if let Some(c) = ctx.srv.clients.get(&id).filter(|c| !c.closing) {
                write_line(c, &mut text, now, ctx.id, ctx.argv);
            }
        }
    } else if argc != 2 {
        return ctx.error(error::SYNTAX);
    } else {
        for c in live(ctx.srv) {
            write_line(c, &mut text, now, ctx.id, ctx.argv);
        }
    }
    ctx.out.verbatim(&text);
}

/// ```text
/// CLIENT INFO
/// ```
fn info(ctx: &mut Ctx) {
    let mut text = Vec::new();
    if let Some(c) = ctx.srv.clients.get(&ctx.id) {
        c.write_info_running(&mut text, Instant::now(), ctx.argv);
    }
    ctx.out.verbatim(&text);
}

/// Client `c`'s line; the caller's shows the command it is running.
fn write_line(c: &Client, text: &mut Vec<u8>, now: Instant, me: u64, argv: &[Bytes]) {
    if c.id() == me {
        c.write_info_running(text, now, argv);
    } else {
        c.write_info(text, now);
    }
}

/// What `CLIENT KILL` matches; a client is killed when every given filter matches.
#[derive(Default)]
struct Filter<'a> {
    id: Option<u64>,
    kind: Option<Kind>,
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    user: Option<&'a [u8]>,
    skipme: bool,
}

impl Filter<'_> {
    fn matches(&self, c: &Client, me: u64) -> bool {
        self.id.is_none_or(|id| c.id() == id)
            && self.kind.is_none_or(|k| c.kind() == k)
            && self.addr.is_none_or(|a| a == c.info.addr.as_bytes())
            && self.laddr.is_none_or(|a| a == c.info.laddr.as_bytes())
            && self.user.is_none_or(|u| u == &c.user.name[..])
            && !(self.skipme && c.id() == me)
    }
}

/// ```text
/// CLIENT KILL ip:port
/// CLIENT KILL <ID id | TYPE type | USER name | ADDR ip:port | LADDR ip:port | SKIPME yes/no> ...
/// ```
/// The old form replies OK or an error, and may kill the caller; the filter form replies
/// with the number killed and skips the caller unless `SKIPME no`. The caller is closed after
/// this reply; every other victim is closed by the executor right after the command.
fn kill(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let old_form = argv.len() == 3;
    let filter = if old_form {
        Filter {
            addr: Some(&argv[2]),
            ..Filter::default()
        }
    } else {
        match kill_filter(&argv[2..]) {
            Ok(f) => f,
            Err(msg) => return ctx.error(&msg),
        }
    };
    if let Some(u) = filter.user
        && ctx.srv.acl.get(u).is_none()
    {
        return ctx.error(&format!("ERR No such user '{}'", error::sanitize(u)));
    }
    let me = ctx.id;
    let mut killed = 0;
    for c in ctx.srv.clients.values_mut().filter(|c| !c.closing) {
        if !filter.matches(c, me) {
            continue;
        }
        c.closing = true;
        // The executor closes each after this command's reply, the caller included.
        ctx.srv.pending_closes.push(c.target());
        killed += 1;
    }
    match (old_form, killed) {
        (true, 0) => ctx.error(NO_SUCH_CLIENT),
        (true, _) => ctx.out.ok(),
        (false, n) => ctx.out.int(n),
    }
}

/// Parses the filter form's option/value pairs, in Redis's order of checks.
fn kill_filter(args: &[Bytes]) -> Result<Filter<'_>, String> {
    let mut f = Filter {
        skipme: true,
        ..Filter::default()
    };
    let mut pairs = args.chunks(2);
    for pair in &mut pairs {
        let [opt, value] = pair else {
            return Err(error::SYNTAX.into()); // an option without its value
        };
        let opt = &opt[..];
        if opt.eq_ignore_ascii_case(b"id") {
            let id = parse_i64(value).filter(|&v| v >= 1).ok_or(KILL_ID)?;
            f.id = Some(id as u64);
        } else if opt.eq_ignore_ascii_case(b"type") {
            f.kind = Some(Kind::parse(value).ok_or_else(|| unknown_type(value))?);
        } else if opt.eq_ignore_ascii_case(b"addr") {
            f.addr = Some(value);
        } else if opt.eq_ignore_ascii_case(b"laddr") {
            f.laddr = Some(value);
        } else if opt.eq_ignore_ascii_case(b"user") {
            f.user = Some(value);
        } else if opt.eq_ignore_ascii_case(b"skipme") {
            f.skipme = if value.eq_ignore_ascii_case(b"yes") {
                true
            } else if value.eq_ignore_ascii_case(b"no") {
                false
            } else {
                return Err(error::SYNTAX.into());
            };
        } else {
            return Err(error::SYNTAX.into());
        }
    }
    Ok(f)
}

/// The subcommands we implement, in Redis 7.0's words (SETINFO and NO-TOUCH in 7.2's).
const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
    "HELP",
    "    Prints this help.",
];

/// ```text
/// CLIENT HELP
/// ```
fn help(ctx: &mut Ctx) {
    ctx.out.help(HELP);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_its_handler() {
        let client = crate::cmd::TABLE.find(b"client").expect("client");
        let implemented: Vec<&str> = client
            .subcommands
            .iter()
            .filter(|s| s.implemented())
            .map(|s| s.name)
            .collect();
        let mut handled: Vec<&str> = SUB_HANDLERS.iter().map(|(n, _)| *n).collect();
        handled.sort_unstable();
        assert_eq!(implemented, handled);
    }

    #[test]
    fn names_are_printable_without_spaces() {
        assert!(printable(b"a~!"));
        assert!(printable(b""));
        assert!(!printable(b"a b"));
        assert!(!printable(b"a\nb"));
        assert!(!printable("é".as_bytes()));
    }

    #[test]
    fn kill_filters_parse_like_redis() {
        let args = |s: &[&str]| {
            s.iter()
                .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                .collect::<Vec<_>>()
        };
        let err = |s: &[&str]| kill_filter(&args(s)).err().unwrap_or_default();
        assert_eq!(err(&["id", "x"]), KILL_ID);
        assert_eq!(err(&["id", "0"]), KILL_ID);
        assert_eq!(err(&["id", "1", "type"]), error::SYNTAX);
        assert_eq!(err(&["type", "foo"]), "ERR Unknown client type 'foo'");
        // The user is looked up by the command, which has the users (see acl tests).
        assert!(kill_filter(&args(&["user", "nobody"])).is_ok());
        assert_eq!(err(&["skipme", "maybe"]), error::SYNTAX);
        assert_eq!(err(&["maxage", "5"]), error::SYNTAX);
        let owned = args(&["ID", "7", "skipme", "NO", "type", "replica"]);
        let f = kill_filter(&owned).ok();
        let f = f.as_ref();
        assert_eq!(f.and_then(|f| f.id), Some(7));
        assert_eq!(f.map(|f| f.skipme), Some(false));
        assert_eq!(f.and_then(|f| f.kind), Some(Kind::Replica));
    }
}
