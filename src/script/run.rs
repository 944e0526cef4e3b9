//! Running a script or a function on the engine: KEYS/ARGV, `redis.call` through the
//! engine's one call path with Redis's rules for scripts, the reply, and the busy state.
//!
//! The script runs inside the unit the calling command opened (see `effects.rs`): the
//! commands it runs propagate as themselves, wrapped in MULTI/EXEC when there are several;
//! EVAL itself changed nothing, so it never propagates.

use super::vm::{RunState, Vm, error_text};
use super::{Request, reply};
use crate::engine::dispatch::Engine;
use crate::engine::out::Target;
use crate::engine::table::flag;
use crate::shared::Shared;
use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// `busy-reply-threshold`'s index in the parameter table, looked up once (the lookup by
/// name is a scan; a script's run must not pay for it).
static THRESHOLD: std::sync::LazyLock<Option<usize>> = std::sync::LazyLock::new(|| {
    crate::config::params::lookup(b"busy-reply-threshold").map(|f| f.index)
});

/// The state one `redis.call` needs: the engine, and the rules of this run.
struct Call<'e> {
    engine: &'e mut Engine,
    id: u64,
    /// The database the script's commands run in (SELECT inside a script changes it for
    /// the rest of the script only).
    db: usize,
    ro: bool,
    allow_oom: bool,
    /// The server was over `maxmemory` when the script started.
    oom: bool,
    wrote: bool,
    state: std::rc::Rc<RunState>,
    shared: Arc<Shared>,
}

/// An error table `{err=msg}` (msg already carries its code).
fn err_table(lua: &Lua, msg: &str) -> mlua::Result<(Value, bool)> {
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set("err", msg)?;
    Ok((Value::Table(t), true))
}

impl Call<'_> {
    /// `redis.call`/`redis.pcall`: the reply as a Lua value, and whether it is an error.
    fn call(&mut self, lua: &Lua, args: MultiValue) -> mlua::Result<(Value, bool)> {
        if args.is_empty() {
            return err_table(
                lua,
                "ERR Please specify at least one argument for this redis lib call",
            );
        }
        let mut argv = Vec::with_capacity(args.len());
        for a in &args {
            let bytes = match a {
                Value::String(s) => Bytes::copy_from_slice(&s.as_bytes()),
                Value::Integer(n) => Bytes::from(n.to_string()),
                Value::Number(n) => Bytes::from(format_number(*n)),
                _ => {
                    return err_table(
                        lua,
                        "ERR Lua redis lib command arguments must be strings or integers",
                    );
                }
            };
            argv.push(bytes);
        }
        let table = self.engine.table;
        let Some(spec) = table.find(&argv[0]).and_then(|c| c.target(&argv)) else {
            return err_table(lua, "ERR Unknown Redis command called from script");
        };
        if !spec.arity_ok(argv.len()) {
            return err_table(
                lua,
                "ERR Wrong number of args calling Redis command from script",
            );
        }
        if spec.flags & flag::NOSCRIPT != 0 {
            return err_table(lua, "ERR This Redis command is not allowed from script");
        }
        if let Some(msg) = self.acl_denied(spec, &argv) {
            return err_table(lua, msg);
        }
        if self.ro && spec.flags & (flag::WRITE | flag::MAY_REPLICATE) != 0 {
            return err_table(
                lua,
                "ERR Write commands are not allowed from read-only scripts.",
            );
        }
        if spec.flags & flag::DENYOOM != 0 && self.oom && !self.allow_oom && !self.wrote {
            return err_table(
                lua,
                "OOM command not allowed when used memory > 'maxmemory'.",
            );
        }
        let dirty = self.engine.srv.effects.dirty;
        let reply = self
            .engine
            .call_captured(self.id, self.db, &argv, self.state.resp.get() == 3);
        if self.engine.srv.effects.dirty != dirty && !self.wrote {
            self.wrote = true;
            self.shared.script.wrote.store(true, Relaxed);
        }
        if let Some(c) = self.engine.srv.clients.get(&self.id) {
            self.db = c.db;
        }
        reply::to_lua(lua, &reply)
    }
}

impl Call<'_> {
    /// Redis's `scriptVerifyACL`: the caller's user must be allowed the command; a denial
    /// is logged (ACL LOG context `lua`).
    fn acl_denied(
        &mut self,
        spec: &'static crate::engine::table::Spec,
        argv: &[Bytes],
    ) -> Option<&'static str> {
        let user = self.engine.srv.clients.get(&self.id)?.user.clone();
        let denied = crate::acl::check(&user, spec, argv).err()?;
        self.engine
            .srv
            .acl_denied(self.id, denied, "lua", spec, argv);
        Some(match denied {
            crate::acl::Denied::Command => {
                "ERR The user executing the script can't run this command or subcommand"
            }
            crate::acl::Denied::Key(_) => {
                "ERR The user executing the script can't access at least one of the keys \
                 mentioned in the command arguments"
            }
            crate::acl::Denied::Channel(_) => {
                "ERR The user executing the script can't publish to the channel mentioned in \
                 the command"
            }
        })
    }
}

/// A Lua number as a command argument (integers without a fraction, as Redis's
/// `fpconv_dtoa` prints them).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The handles a run needs, cloned out of the state so the engine can be borrowed.
struct Handles {
    lua: Lua,
    globals: Table,
    redis: Table,
    handler: Function,
    run0: Function,
    run2: Function,
    state: std::rc::Rc<RunState>,
}

impl Handles {
    fn of(vm: &Vm) -> Self {
        Handles {
            lua: vm.lua.clone(),
            globals: vm.globals.clone(),
            redis: vm.redis.clone(),
            handler: vm.handler.clone(),
            run0: vm.run0.clone(),
            run2: vm.run2.clone(),
            state: vm.state.clone(),
        }
    }
}

impl Engine {
    /// Runs what a scripting handler asked for, answering `target`.
    pub fn run_script(&mut self, id: u64, target: Target, db: usize, args: &[Bytes], req: Request) {
        let shared = self.srv.shared.clone();
        let found = if req.function {
            self.srv
                .scripting
                .functions
                .find(&req.name)
                .map(|(vm, f)| (Handles::of(vm), f.callback.clone()))
        } else {
            let sha: Option<[u8; 40]> = req.name[..].try_into().ok();
            let scripts = &self.srv.scripting.scripts;
            let func = sha
                .and_then(|sha| scripts.get(&sha))
                .map(|s| s.func.clone());
            match (func, self.srv.scripting.vm(&shared)) {
                (Some(f), Ok(vm)) => Some((Handles::of(vm), f)),
                _ => None,
            }
        };
        let Some((h, func)) = found else {
            self.outs
                .to(target)
                .error("NOSCRIPT No matching script. Please use EVAL.");
            return;
        };
        let keys = &args[req.first_key..req.first_key + req.numkeys];
        let argv = &args[req.first_key + req.numkeys..];
        let threshold = match THRESHOLD.map(|i| self.srv.config.val(i)) {
            Some(crate::config::Val::Int(ms)) => u64::try_from(ms).unwrap_or(0),
            _ => 5000,
        };
        let s = &h.state;
        s.resp.set(2);
        s.repl.set(3);
        s.start.set(Instant::now());
        s.threshold.set(Duration::from_millis(threshold));
        s.timed_out.set(false);
        s.killed.set(false);
        s.shutdown.set(false);
        s.function.set(req.function);
        *s.user.borrow_mut() = self.srv.clients.get(&id).map(|c| c.user.clone());
        shared.script.kill.store(0, Relaxed);
        shared.script.wrote.store(false, Relaxed);
        let maxmemory = self.srv.config.mem.maxmemory;
        let oom = maxmemory > 0 && crate::alloc::used_memory().unwrap_or(0) > maxmemory;
        let mut call = Call {
            engine: self,
            id,
            db,
            ro: req.ro || (!req.flags.compat && req.flags.no_writes),
            allow_oom: !req.flags.compat && req.flags.allow_oom,
            oom,
            wrote: false,
            state: h.state.clone(),
            shared: shared.clone(),
        };
        let result = run_lua(&h, &mut call, func, keys, argv, req.function);
        let caller_db = db;
        if let Some(c) = self.srv.clients.get_mut(&id) {
            c.db = caller_db;
        }
        shared.script.state.store(0, Relaxed);
        shared.script.kill.store(0, Relaxed);
        if h.state.shutdown.get() {
            self.srv.shutdown = true;
        }
        let mut out = self.outs.to(target);
        let name = String::from_utf8_lossy(&req.name);
        match result {
            Ok(mut ret) => {
                let ok = matches!(ret.pop_front(), Some(Value::Boolean(true)));
                let value = ret.pop_front().unwrap_or(Value::Nil);
                if ok {
                    reply::to_resp(&mut out, &value, 0, h.state.resp.get() == 3);
                } else if matches!(&value, Value::Table(t) if reply::counted(t)) {
                    out.error_counted_before(&error_message(&value, &name));
                } else {
                    out.error(&error_message(&value, &name));
                }
            }
            Err(e) => out.error(&format!(
                "ERR Error running script {name}, {}",
                error_text(&e)
            )),
        }
    }
}

/// The reply of a script that failed: its error, and where (`script: name, on
/// @user_script:line.`).
fn error_message(v: &Value, name: &str) -> String {
    let Value::Table(t) = v else {
        return format!("ERR Error running script {name}, execution failure");
    };
    let err = match t.raw_get::<Value>("err") {
        Ok(Value::String(s)) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
        _ => "ERR unknown error".to_string(),
    };
    let source = t
        .raw_get::<Option<mlua::LuaString>>("source")
        .ok()
        .flatten();
    let line = t.raw_get::<Option<i64>>("line").ok().flatten();
    match (source, line) {
        (Some(src), Some(line)) => format!(
            "{err} script: {name}, on {}:{line}.",
            String::from_utf8_lossy(&src.as_bytes())
        ),
        _ => err,
    }
}

/// Sets KEYS/ARGV (or builds the function's arguments), plugs `redis.call` into the engine
/// for the length of the run, and runs `func` under the error handler.
fn run_lua(
    h: &Handles,
    call: &mut Call<'_>,
    func: Function,
    keys: &[Bytes],
    argv: &[Bytes],
    function: bool,
) -> mlua::Result<MultiValue> {
    let lua = &h.lua;
    let list = |items: &[Bytes]| -> mlua::Result<Table> {
        let t = lua.create_table_with_capacity(items.len(), 0)?;
        for (i, a) in items.iter().enumerate() {
            t.raw_set(i + 1, lua.create_string(a)?)?;
        }
        Ok(t)
    };
    let (k, a) = (list(keys)?, list(argv)?);
    let call = std::cell::RefCell::new(call);
    let state = h.state.clone();
    lua.scope(|scope| {
        let raising = scope.create_function(|lua, args: MultiValue| {
            let (v, failed) = call.borrow_mut().call(lua, args)?;
            if failed && let Value::Table(t) = v {
                *state.stash.borrow_mut() = Some(t);
                return Err(super::vm::raise(super::vm::MARKER));
            }
            Ok(v)
        })?;
        let protected = scope
            .create_function(|lua, args: MultiValue| Ok(call.borrow_mut().call(lua, args)?.0))?;
        h.redis.raw_set("call", raising)?;
        h.redis.raw_set("pcall", protected)?;
        let r = if function {
            h.run2.call::<MultiValue>((func, h.handler.clone(), k, a))
        } else {
            h.globals.raw_set("KEYS", k)?;
            h.globals.raw_set("ARGV", a)?;
            h.run0.call::<MultiValue>((func, h.handler.clone()))
        };
        h.redis.raw_set("call", Value::Nil)?;
        h.redis.raw_set("pcall", Value::Nil)?;
        r
    })
}
