//! ACL: users and their permissions (`src/acl/` holds the rules; this file the command).

use super::command::sub_arity;
use crate::acl::{self, Denied, selector};
use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;
use std::sync::Arc;

pub const HANDLERS: &[(&str, Handler)] = &[("acl", acl)];

const NO_ACL_FILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

/// ```text
/// ACL <CAT | DELUSER | DRYRUN | GENPASS | GETUSER | LIST | LOAD | LOG | SAVE | SETUSER |
///      USERS | WHOAMI | HELP> ...
/// ```
fn acl(ctx: &mut Ctx) {
    let Some(sub) = sub_arity(ctx, "acl") else {
        return;
    };
    match sub {
        "cat" => cat(ctx),
        "deluser" => deluser(ctx),
        "dryrun" => dryrun(ctx),
        "genpass" => genpass(ctx),
        "getuser" => getuser(ctx),
        "list" => list(ctx),
        "load" => load(ctx),
        "log" => log(ctx),
        "save" => save(ctx),
        "setuser" => setuser(ctx),
        "users" => users(ctx),
        "whoami" => whoami(ctx),
        _ => help(ctx),
    }
}

fn text(arg: &[u8]) -> String {
    String::from_utf8_lossy(arg).into_owned()
}

fn cat(ctx: &mut Ctx) {
    let Some(name) = ctx.argv.get(2) else {
        return ctx
            .out
            .bulks(selector::CATEGORIES.iter().map(|c| c.as_bytes()));
    };
    let name = text(name).to_ascii_lowercase();
    if !selector::CATEGORIES.contains(&name.as_str()) {
        let msg = format!("ERR Unknown category '{}'", error::sanitize(&ctx.argv[2]));
        return ctx.error(&msg);
    }
    let names: Vec<&[u8]> = selector::in_category(&name)
        .map(|s| s.name.as_bytes())
        .collect();
    ctx.out.bulks(names.into_iter());
}

fn deluser(ctx: &mut Ctx) {
    if ctx.argv[2..].iter().any(|n| &n[..] == b"default") {
        return ctx.error("ERR The 'default' user cannot be removed");
    }
    let mut deleted = Vec::new();
    for name in &ctx.argv[2..] {
        if let Some(u) = ctx.srv.acl.remove(name) {
            deleted.push(u);
        }
    }
    ctx.out.int(deleted.len() as i64);
    for u in &deleted {
        ctx.srv.user_deleted(u);
    }
}

fn dryrun(ctx: &mut Ctx) {
    let Some(user) = ctx.srv.acl.get(&ctx.argv[2]).cloned() else {
        let msg = format!("ERR User '{}' not found", text(&ctx.argv[2]));
        return ctx.error(&msg);
    };
    let argv = &ctx.argv[3..];
    let Some(mut spec) = selector::lookup(&text(&argv[0])) else {
        let msg = format!("ERR Command '{}' not found", text(&argv[0]));
        return ctx.error(&msg);
    };
    if !spec.subcommands.is_empty()
        && let Some(sub) = argv.get(1).and_then(|s| spec.sub(s))
    {
        spec = sub;
    }
    if !spec.arity_ok(argv.len()) {
        return ctx.error(&error::wrong_arity(spec.name));
    }
    match acl::check(&user, spec, argv) {
        Ok(()) => ctx.out.ok(),
        Err(d) => {
            let msg = match d {
                Denied::Command => format!(
                    "This user has no permissions to run the '{}' command",
                    spec.name
                ),
                Denied::Key(i) => format!(
                    "This user has no permissions to access the '{}' key",
                    text(&argv[i])
                ),
                Denied::Channel(i) => format!(
                    "This user has no permissions to access the '{}' channel",
                    text(&argv[i])
                ),
            };
            ctx.out.bulk(msg.as_bytes());
        }
    }
}

fn genpass(ctx: &mut Ctx) {
    let bits = match ctx.argv.get(2) {
        None => 256,
        Some(a) => match parse_i64(a).filter(|b| (1..=4096).contains(b)) {
            Some(b) => b as usize,
            None => {
                return ctx.error(
                    "ERR ACL GENPASS argument must be the number of bits for the output \
                     password, a positive number up to 4096",
                );
            }
        },
    };
    match acl::random_hex(bits.div_ceil(4)) {
        Ok(hex) => ctx.out.bulk(hex.as_bytes()),
        Err(e) => ctx.error(&format!("ERR cannot read random bytes: {e}")),
    }
}

fn getuser(ctx: &mut Ctx) {
    let Some(u) = ctx.srv.acl.get(&ctx.argv[2]).cloned() else {
        return ctx.out.null();
    };
    let out = &mut ctx.out;
    out.map(6);
    out.bulk(b"flags");
    out.bulks(u.flags().into_iter().map(str::as_bytes));
    out.bulk(b"passwords");
    out.bulks(u.passwords.iter().map(|p| p.as_bytes()));
    let root = &u.selectors[0];
    out.bulk(b"commands");
    out.bulk(root.commands_text().as_bytes());
    out.bulk(b"keys");
    out.bulk(root.keys_text().as_bytes());
    out.bulk(b"channels");
    out.bulk(root.channels_text().as_bytes());
    out.bulk(b"selectors");
    out.array(u.selectors.len() - 1);
    for s in &u.selectors[1..] {
        out.map(3);
        out.bulk(b"commands");
        out.bulk(s.commands_text().as_bytes());
        out.bulk(b"keys");
        out.bulk(s.keys_text().as_bytes());
        out.bulk(b"channels");
        out.bulk(s.channels_text().as_bytes());
    }
}

/// Every user as an ACL file line.
fn lines(ctx: &Ctx) -> Vec<String> {
    ctx.srv
        .acl
        .users()
        .map(|u| format!("user {} {}", text(&u.name), u.describe()))
        .collect()
}

fn list(ctx: &mut Ctx) {
    let lines = lines(ctx);
    ctx.out.bulks(lines.iter().map(|l| l.as_bytes()));
}

fn users(ctx: &mut Ctx) {
    let names: Vec<Bytes> = ctx.srv.acl.users().map(|u| u.name.clone()).collect();
    ctx.out.bulks(names.iter().map(|n| &n[..]));
}

fn whoami(ctx: &mut Ctx) {
    let name = ctx
        .client()
        .map(|c| c.user.name.clone())
        .unwrap_or_default();
    ctx.out.bulk(&name);
}

fn setuser(ctx: &mut Ctx) {
    let name = &ctx.argv[2];
    if name.iter().any(|&b| b == b' ' || b == 0) {
        return ctx.error("ERR Usernames can't contain spaces or null characters");
    }
    let rules: Vec<String> = ctx.argv[3..].iter().map(|a| text(a)).collect();
    let old = ctx.srv.acl.get(name).cloned();
    match ctx.srv.acl.set_user(name, &rules) {
        Ok(new) => {
            if let Some(old) = old {
                ctx.srv.user_changed(&old, new);
            }
            ctx.out.ok();
        }
        Err(msg) => ctx.error(&msg),
    }
}

fn log(ctx: &mut Ctx) {
    let count = match ctx.argv.get(2) {
        None => 10,
        Some(a) if a.eq_ignore_ascii_case(b"reset") => {
            ctx.srv.acl.log.entries.clear();
            return ctx.out.ok();
        }
        // Redis reads a long: a negative count shows nothing.
        Some(a) => match parse_i64(a) {
            Some(n) => n.max(0) as usize,
            None => return ctx.error(error::NOT_INTEGER),
        },
    };
    let now = std::time::Instant::now();
    let entries: Vec<_> = ctx
        .srv
        .acl
        .log
        .entries
        .iter()
        .take(count)
        .cloned()
        .collect();
    let out = &mut ctx.out;
    out.array(entries.len());
    for e in entries {
        out.map(7);
        out.bulk(b"count");
        out.int(e.count as i64);
        out.bulk(b"reason");
        out.bulk(e.reason.as_bytes());
        out.bulk(b"context");
        out.bulk(e.context.as_bytes());
        out.bulk(b"object");
        out.bulk(e.object.as_bytes());
        out.bulk(b"username");
        out.bulk(e.username.as_bytes());
        out.bulk(b"age-seconds");
        out.double(now.saturating_duration_since(e.created).as_secs_f64());
        out.bulk(b"client-info");
        out.bulk(e.client_info.as_bytes());
    }
}

fn acl_file(ctx: &Ctx) -> Option<String> {
    ctx.srv.config.get("aclfile").filter(|f| !f.is_empty())
}

fn load(ctx: &mut Ctx) {
    let Some(path) = acl_file(ctx) else {
        return ctx.error(NO_ACL_FILE);
    };
    let users = match acl::file::read(&path, ctx.srv.acl.pubsub_all) {
        Ok(u) => u,
        Err(e) => return ctx.error(&format!("ERR {e}")),
    };
    let old: Vec<Arc<acl::User>> = ctx.srv.acl.users().cloned().collect();
    let old_default = ctx.srv.acl.default_user();
    ctx.srv.acl.replace_all(users);
    let new_default = ctx.srv.acl.default_user();
    ctx.srv.user_changed(&old_default, new_default);
    // Every other user is a new one: connections logged in as the old ones go, as in
    // Redis, whose ACL LOAD frees the old users and their clients.
    for u in old.iter().filter(|u| &u.name[..] != b"default") {
        ctx.srv.user_deleted(u);
    }
    ctx.out.ok();
}

fn save(ctx: &mut Ctx) {
    let Some(path) = acl_file(ctx) else {
        return ctx.error(NO_ACL_FILE);
    };
    let mut body = lines(ctx).join("\n");
    body.push('\n');
    match acl::file::write(&path, &body) {
        Ok(()) => ctx.out.ok(),
        Err(e) => ctx.error(&format!("ERR There was an error trying to save the ACLs. Please check the server logs for more information ({e})")),
    }
}

fn help(ctx: &mut Ctx) {
    const LINES: &[&str] = &[
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Print this help.",
    ];
    ctx.out.array(LINES.len());
    for l in LINES {
        ctx.out.simple(l);
    }
}
