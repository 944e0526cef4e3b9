//! Scripting commands: EVAL and its kin, SCRIPT, FUNCTION and FCALL. The handlers check
//! arguments, find or compile the script, apply the script's flags, and leave a
//! [`Request`] that the engine runs right after (`script/run.rs`).

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::script::{Flags, Request, dump};
use crate::util::number::parse_i64;
use bytes::Bytes;

pub const HANDLERS: &[(&str, Handler)] = &[
    ("eval", eval),
    ("evalsha", evalsha),
    ("eval_ro", eval_ro),
    ("evalsha_ro", evalsha_ro),
    ("fcall", fcall),
    ("fcall_ro", fcall_ro),
    ("script", script),
    ("function", function),
];

/// ```text
/// EVAL script numkeys [key ...] [arg ...]
/// ```
fn eval(ctx: &mut Ctx) {
    eval_generic(ctx, false, false);
}

/// ```text
/// EVALSHA sha1 numkeys [key ...] [arg ...]
/// ```
fn evalsha(ctx: &mut Ctx) {
    eval_generic(ctx, true, false);
}

/// ```text
/// EVAL_RO script numkeys [key ...] [arg ...]
/// ```
fn eval_ro(ctx: &mut Ctx) {
    eval_generic(ctx, false, true);
}

/// ```text
/// EVALSHA_RO sha1 numkeys [key ...] [arg ...]
/// ```
fn evalsha_ro(ctx: &mut Ctx) {
    eval_generic(ctx, true, true);
}

/// ```text
/// FCALL function numkeys [key ...] [arg ...]
/// ```
fn fcall(ctx: &mut Ctx) {
    fcall_generic(ctx, false);
}

/// ```text
/// FCALL_RO function numkeys [key ...] [arg ...]
/// ```
fn fcall_ro(ctx: &mut Ctx) {
    fcall_generic(ctx, true);
}

/// The number of keys, checked against the arguments as Redis checks it.
fn numkeys(ctx: &mut Ctx) -> Option<usize> {
    let Some(n) = parse_i64(ctx.arg(2)) else {
        ctx.error("ERR value is not an integer or out of range");
        return None;
    };
    if n > (ctx.argv.len() - 3) as i64 {
        ctx.error("ERR Number of keys can't be greater than number of args");
        return None;
    }
    if n < 0 {
        ctx.error("ERR Number of keys can't be negative");
        return None;
    }
    Some(n as usize)
}

/// Whether the server is over `maxmemory` now (Redis's `pre_command_oom_state`).
fn over_maxmemory(ctx: &Ctx) -> bool {
    let max = ctx.srv.config.mem.maxmemory;
    max > 0 && crate::alloc::used_memory().unwrap_or(0) > max
}

/// The checks a script's declared flags call for before it runs (Redis's
/// `scriptPrepareForRun`); false when it must not run (the reply is written).
fn flags_allow(ctx: &mut Ctx, flags: Flags, ro: bool) -> bool {
    if flags.compat {
        return true;
    }
    if !flags.no_writes && ro {
        ctx.error("ERR Can not execute a script with write flag using *_ro command.");
        return false;
    }
    if !(flags.allow_oom || flags.no_writes) && over_maxmemory(ctx) {
        ctx.error(
            "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
        );
        return false;
    }
    true
}

fn eval_generic(ctx: &mut Ctx, by_sha: bool, ro: bool) {
    let Some(n) = numkeys(ctx) else { return };
    let shared = ctx.srv.shared.clone();
    let sha = if by_sha {
        let mut sha = [0u8; 40];
        let arg = ctx.arg(1);
        if arg.len() != 40 {
            return ctx.error("NOSCRIPT No matching script. Please use EVAL.");
        }
        sha.copy_from_slice(arg);
        sha.make_ascii_lowercase();
        if !ctx.srv.scripting.scripts.contains_key(&sha) {
            return ctx.error("NOSCRIPT No matching script. Please use EVAL.");
        }
        sha
    } else {
        let body = ctx.argv[1].clone();
        match ctx.srv.scripting.load(&shared, &body) {
            Ok(sha) => sha,
            Err(e) => return ctx.error(&format!("ERR {e}")),
        }
    };
    let flags = ctx
        .srv
        .scripting
        .scripts
        .get(&sha)
        .map(|s| s.flags)
        .unwrap_or_default();
    if !flags_allow(ctx, flags, ro) {
        return;
    }
    ctx.srv.script_request = Some(Request {
        name: Bytes::copy_from_slice(&sha),
        function: false,
        numkeys: n,
        first_key: 3,
        flags,
        ro,
    });
}

fn fcall_generic(ctx: &mut Ctx, ro: bool) {
    let Some(n) = numkeys(ctx) else { return };
    let name = ctx.argv[1].clone();
    let Some(flags) = ctx
        .srv
        .scripting
        .functions
        .find(&name)
        .map(|(_, f)| f.flags)
    else {
        return ctx.error("ERR Function not found");
    };
    if !flags_allow(ctx, flags, ro) {
        return;
    }
    ctx.srv.script_request = Some(Request {
        name,
        function: true,
        numkeys: n,
        first_key: 3,
        flags,
        ro,
    });
}

const SCRIPT_HELP: &[&str] = &[
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help.",
];

/// Checks FLUSH's optional `ASYNC|SYNC`; false (and the reply written) when it is wrong.
fn flush_mode(ctx: &mut Ctx, msg: &str) -> bool {
    match ctx.argv.len() {
        2 => true,
        3 if ctx.arg(2).eq_ignore_ascii_case(b"async")
            || ctx.arg(2).eq_ignore_ascii_case(b"sync") =>
        {
            true
        }
        _ => {
            ctx.error(msg);
            false
        }
    }
}

/// ```text
/// SCRIPT LOAD script | EXISTS sha1 [sha1 ...] | FLUSH [ASYNC|SYNC] | KILL | DEBUG mode | HELP
/// ```
fn script(ctx: &mut Ctx) {
    let sub = ctx.arg(1).to_ascii_lowercase();
    match sub.as_slice() {
        b"load" => {
            let shared = ctx.srv.shared.clone();
            let body = ctx.argv[2].clone();
            match ctx.srv.scripting.load(&shared, &body) {
                Ok(sha) => ctx.out.bulk(&sha),
                Err(e) => ctx.error(&format!("ERR {e}")),
            }
        }
        b"exists" => {
            let n = ctx.argv.len() - 2;
            ctx.out.array(n);
            for i in 2..ctx.argv.len() {
                let arg = ctx.arg(i);
                let found = arg.len() == 40 && {
                    let mut sha = [0u8; 40];
                    sha.copy_from_slice(arg);
                    sha.make_ascii_lowercase();
                    ctx.srv.scripting.scripts.contains_key(&sha)
                };
                ctx.out.int(found as i64);
            }
        }
        b"flush" => {
            if flush_mode(ctx, "ERR SCRIPT FLUSH only support SYNC|ASYNC option") {
                ctx.srv.scripting.flush();
                ctx.out.ok();
            }
        }
        // A script running late is killed by the I/O threads' request (see `shared.rs`);
        // one that reaches here has finished.
        b"kill" => ctx.error("NOTBUSY No scripts in execution right now."),
        b"debug" => {
            if ctx.arg(2).eq_ignore_ascii_case(b"no") {
                ctx.out.ok();
            } else if ctx.arg(2).eq_ignore_ascii_case(b"yes")
                || ctx.arg(2).eq_ignore_ascii_case(b"sync")
            {
                ctx.error("ERR muxis has no Lua debugger");
            } else {
                ctx.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
            }
        }
        _ => ctx.out.help(SCRIPT_HELP),
    }
}

const FUNCTION_HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
];

/// ```text
/// FUNCTION LOAD [REPLACE] code | DELETE library | FLUSH [ASYNC|SYNC]
///        | LIST [LIBRARYNAME pattern] [WITHCODE] | DUMP | RESTORE payload [FLUSH|APPEND|REPLACE]
///        | STATS | KILL | HELP
/// ```
fn function(ctx: &mut Ctx) {
    let sub = ctx.arg(1).to_ascii_lowercase();
    match sub.as_slice() {
        b"load" => function_load(ctx),
        b"delete" => {
            let name = ctx.argv[2].clone();
            if ctx.srv.scripting.functions.delete(&name) {
                ctx.srv.effects.dirty += 1;
                ctx.srv.effects.force();
                ctx.out.ok();
            } else {
                ctx.error("ERR Library not found");
            }
        }
        b"flush" => {
            if flush_mode(ctx, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option") {
                ctx.srv.scripting.functions.flush();
                ctx.srv.effects.dirty += 1;
                ctx.srv.effects.force();
                ctx.out.ok();
            }
        }
        b"list" => function_list(ctx),
        b"dump" => {
            let codes: Vec<Bytes> = ctx
                .srv
                .scripting
                .functions
                .libraries
                .values()
                .map(|l| l.code.clone())
                .collect();
            let payload = dump::encode(codes.iter().map(|c| &c[..]));
            ctx.out.bulk(&payload);
        }
        b"restore" => function_restore(ctx),
        b"stats" => {
            ctx.out.map(2);
            ctx.out.bulk(b"running_script");
            ctx.out.null();
            ctx.out.bulk(b"engines");
            ctx.out.map(1);
            ctx.out.bulk(b"LUA");
            ctx.out.map(2);
            ctx.out.bulk(b"libraries_count");
            ctx.out
                .int(ctx.srv.scripting.functions.libraries.len() as i64);
            ctx.out.bulk(b"functions_count");
            ctx.out
                .int(ctx.srv.scripting.functions.function_count() as i64);
        }
        b"kill" => ctx.error("NOTBUSY No scripts in execution right now."),
        _ => ctx.out.help(FUNCTION_HELP),
    }
}

/// FUNCTION LOAD [REPLACE] code
fn function_load(ctx: &mut Ctx) {
    let (replace, code) = match ctx.argv.len() {
        3 => (false, ctx.argv[2].clone()),
        4 if ctx.arg(2).eq_ignore_ascii_case(b"replace") => (true, ctx.argv[3].clone()),
        4 => {
            return ctx.error(&format!(
                "ERR Unknown option given: {}",
                String::from_utf8_lossy(ctx.arg(2))
            ));
        }
        _ => return ctx.error("ERR wrong number of arguments for 'function|load' command"),
    };
    let shared = ctx.srv.shared.clone();
    match ctx.srv.scripting.functions.load(&shared, &code, replace) {
        Ok(name) => {
            ctx.srv.effects.dirty += 1;
            ctx.out.bulk(&name);
        }
        Err(e) => ctx.error(&format!("ERR {e}")),
    }
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
fn function_list(ctx: &mut Ctx) {
    let mut with_code = false;
    let mut pattern: Option<Vec<u8>> = None;
    let mut i = 2;
    while i < ctx.argv.len() {
        let a = ctx.arg(i);
        if a.eq_ignore_ascii_case(b"withcode") && !with_code {
            with_code = true;
        } else if a.eq_ignore_ascii_case(b"libraryname") && pattern.is_none() {
            if i + 1 >= ctx.argv.len() {
                return ctx.error("ERR library name argument was not given");
            }
            pattern = Some(ctx.arg(i + 1).to_vec());
            i += 1;
        } else {
            return ctx.error(&format!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(a)
            ));
        }
        i += 1;
    }
    let libs = &ctx.srv.scripting.functions.libraries;
    let chosen: Vec<_> = libs
        .values()
        .filter(|l| {
            pattern
                .as_ref()
                .is_none_or(|p| crate::util::glob::glob_match(p, &l.name, false))
        })
        .collect();
    let out = &mut ctx.out;
    out.array(chosen.len());
    for lib in chosen {
        out.map(if with_code { 4 } else { 3 });
        out.bulk(b"library_name");
        out.bulk(&lib.name);
        out.bulk(b"engine");
        out.bulk(b"LUA");
        out.bulk(b"functions");
        out.array(lib.functions.len());
        for f in lib.functions.values() {
            out.map(3);
            out.bulk(b"name");
            out.bulk(&f.name);
            out.bulk(b"description");
            match &f.description {
                Some(d) => out.bulk(d),
                None => out.null(),
            }
            out.bulk(b"flags");
            let names = f.flags.names();
            out.set(names.len());
            // Status strings, as Redis replies them (not bulks).
            for n in names {
                out.simple(n);
            }
        }
        if with_code {
            out.bulk(b"library_code");
            out.bulk(&lib.code);
        }
    }
}

/// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
fn function_restore(ctx: &mut Ctx) {
    #[derive(PartialEq)]
    enum Policy {
        Append,
        Replace,
        Flush,
    }
    let policy =
        match ctx.argv.get(3).map(|a| a.to_ascii_lowercase()) {
            None => Policy::Append,
            Some(p) if p == b"append" => Policy::Append,
            Some(p) if p == b"replace" => Policy::Replace,
            Some(p) if p == b"flush" => Policy::Flush,
            Some(_) => return ctx.error(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ),
        };
    if ctx.argv.len() > 4 {
        return ctx.error("ERR wrong number of arguments for 'function|restore' command");
    }
    let codes = match dump::decode(ctx.arg(2)) {
        Ok(c) => c,
        Err(e) => return ctx.error(&format!("ERR {e}")),
    };
    let shared = ctx.srv.shared.clone();
    let reg = &mut ctx.srv.scripting.functions;
    if policy == Policy::Append {
        for code in &codes {
            if let Ok(name) = crate::script::function::metadata(code)
                && reg.libraries.contains_key(&name)
            {
                return ctx.error(&format!(
                    "ERR Library {} already exists",
                    String::from_utf8_lossy(&name)
                ));
            }
        }
    }
    if policy == Policy::Flush {
        reg.flush();
    }
    for code in &codes {
        if let Err(e) = reg.load(&shared, code, true) {
            return ctx.error(&format!("ERR {e}"));
        }
    }
    ctx.srv.effects.dirty += 1;
    ctx.out.ok();
}
