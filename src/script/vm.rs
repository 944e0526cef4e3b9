//! One Lua 5.1 state set up as Redis 7.0.15 sets up its own: the libraries it loads and no
//! others, read-only globals, the `redis` table, Redis's PRNG behind `math.random`, the
//! error handler that adds `source`/`line` to errors, and the instruction-count hook that
//! notices a script running past `busy-reply-threshold` and a kill request.
//!
//! EVAL scripts and FUNCTION libraries each get their own state, as in Redis (SCRIPT FLUSH
//! drops the scripts' state and leaves the functions alone).
//!
//! What a script's `redis.call` reaches (the engine) is not here: `run.rs` plugs it in for
//! the length of one run, through `hooks.call`.

use super::libs;
use crate::shared::Shared;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// The globals Redis 7.0.15 leaves scripts (besides KEYS and ARGV, set per run).
const ALLOWED: &[&str] = &[
    "_G",
    "_VERSION",
    "__redis__err__handler",
    "assert",
    "bit",
    "cjson",
    "cmsgpack",
    "collectgarbage",
    "coroutine",
    "error",
    "gcinfo",
    "getmetatable",
    "ipairs",
    "load",
    "loadstring",
    "math",
    "next",
    "pairs",
    "pcall",
    "rawequal",
    "rawget",
    "rawset",
    "redis",
    "select",
    "setmetatable",
    "string",
    "struct",
    "table",
    "tonumber",
    "tostring",
    "type",
    "unpack",
    "xpcall",
];

/// Instructions between two looks at the clock and the kill flag (Redis's count hook).
const HOOK_EVERY: u32 = 100_000;

/// What the hook and the `redis` functions share with the run in progress.
#[derive(Debug)]
pub struct RunState {
    /// The protocol `redis.call` replies are read in (`redis.setresp`).
    pub resp: Cell<u8>,
    /// `redis.set_repl` flags.
    pub repl: Cell<u8>,
    pub start: Cell<Instant>,
    pub threshold: Cell<Duration>,
    /// Past the threshold: the I/O threads answer BUSY.
    pub timed_out: Cell<bool>,
    /// A kill request was honoured; every later hook call raises again.
    pub killed: Cell<bool>,
    /// The kill came from SHUTDOWN NOSAVE.
    pub shutdown: Cell<bool>,
    /// This run is a function (FCALL), not an EVAL script.
    pub function: Cell<bool>,
    /// The error table of the error reply `redis.call` is raising (see [`MARKER`]).
    pub stash: std::cell::RefCell<Option<Table>>,
    /// The ACL user the running script's caller is logged in as.
    pub user: std::cell::RefCell<Option<Arc<crate::acl::User>>>,
}

/// The error `redis.call` raises for an error reply: Rust callbacks cannot raise a table,
/// so the table waits in [`RunState::stash`] and the error handler (or `pcall`) takes it.
pub const MARKER: &str = "\u{1}muxis: error reply";

impl RunState {
    fn new() -> Self {
        RunState {
            resp: Cell::new(2),
            repl: Cell::new(3),
            start: Cell::new(Instant::now()),
            threshold: Cell::new(Duration::from_secs(5)),
            timed_out: Cell::new(false),
            killed: Cell::new(false),
            shutdown: Cell::new(false),
            function: Cell::new(false),
            stash: std::cell::RefCell::new(None),
            user: std::cell::RefCell::new(None),
        }
    }
}

/// The message a killed script fails with.
pub const KILLED: &str = "Script killed by user with SCRIPT KILL...";
pub const KILLED_FUNCTION: &str = "Script killed by user with FUNCTION KILL...";

pub struct Vm {
    pub lua: Lua,
    /// The environment scripts run in (an empty read-only proxy of the globals).
    pub env: Table,
    /// The real globals (KEYS and ARGV are set here, raw).
    pub globals: Table,
    /// The real `redis` table: `call` and `pcall` are set in it for each run.
    pub redis: Table,
    /// `__redis__err__handler`.
    pub handler: Function,
    /// `xpcall(f, handler)`, and the same calling `f(keys, args)` (functions).
    pub run0: Function,
    pub run2: Function,
    /// Returns a read-only proxy of a table.
    pub protect: Function,
    /// Points the environment at another table of globals (a library's load-time API).
    pub set_api: Function,
    pub state: Rc<RunState>,
}

impl Vm {
    /// Builds a state. `busy` is where the hook tells the I/O threads a script is slow and
    /// reads their kill requests.
    pub fn new(shared: Arc<Shared>) -> mlua::Result<Vm> {
        let libs = StdLib::TABLE | StdLib::STRING | StdLib::MATH;
        let lua = Lua::new_with(libs, LuaOptions::new())?;
        let g = lua.globals();
        let state = Rc::new(RunState::new());
        libs::bit::open(&lua)?;
        libs::cjson::open(&lua)?;
        libs::structs::open(&lua)?;
        libs::cmsgpack::open(&lua)?;
        install_random(&lua)?;

        let redis = lua.create_table()?;
        redis.raw_set("sha1hex", lua.create_function(sha1hex)?)?;
        redis.raw_set("log", lua.create_function(log)?)?;
        let s = state.clone();
        redis.raw_set(
            "setresp",
            lua.create_function(move |_, args: MultiValue| {
                if args.len() != 1 {
                    return Err(raise("redis.setresp() requires one argument."));
                }
                match args.front().and_then(number) {
                    Some(v) if v == 2.0 || v == 3.0 => s.resp.set(v as u8),
                    _ => return Err(raise("RESP version must be 2 or 3.")),
                }
                Ok(())
            })?,
        )?;
        let s = state.clone();
        redis.raw_set(
            "set_repl",
            lua.create_function(move |_, args: MultiValue| {
                if args.len() != 1 {
                    return Err(raise("redis.set_repl() requires one argument."));
                }
                match args.front().and_then(number) {
                    Some(v) if (0.0..=3.0).contains(&v) && v.fract() == 0.0 => {
                        s.repl.set(v as u8)
                    }
                    _ => {
                        return Err(raise(
                            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                        ));
                    }
                }
                Ok(())
            })?,
        )?;
        let s = state.clone();
        redis.raw_set(
            "acl_check_cmd",
            lua.create_function(move |_, args| acl_check_cmd(&s, args))?,
        )?;

        let s = state.clone();
        let handler = lua.create_function(move |lua, err| error_handler(lua, &s, err))?;
        g.raw_set("__redis__err__handler", handler.clone())?;
        let hooks = lua.create_table()?;
        let s = state.clone();
        hooks.raw_set(
            "fix",
            // A killed script's error must not be swallowed by a `pcall`: raise it again.
            lua.create_function(move |_, err: Value| {
                if s.killed.get() {
                    return Err(killed(&s));
                }
                Ok(unstash(&s, err))
            })?,
        )?;
        let allowed = lua.create_table()?;
        for name in ALLOWED {
            allowed.raw_set(*name, true)?;
        }
        // Built before the prelude replaces `xpcall` with the script-facing one.
        let runners: (Function, Function) = lua
            .load(
                "local xpcall = xpcall
                 return function(f, h) return xpcall(f, h) end,
                        function(f, h, k, a) return xpcall(function() return f(k, a) end, h) end",
            )
            .set_name("=muxis_run")
            .call(())?;
        let prelude: MultiValue = lua
            .load(include_str!("prelude.lua"))
            .set_name("=muxis")
            .call((g.clone(), redis.clone(), hooks, allowed))?;
        let mut it = prelude.into_iter();
        let (
            Some(Value::Table(env)),
            Some(Value::Function(protect)),
            Some(Value::Function(set_api)),
        ) = (it.next(), it.next(), it.next())
        else {
            return Err(mlua::Error::runtime("prelude returned no environment"));
        };
        let vm = Vm {
            lua,
            env,
            globals: g,
            redis,
            handler,
            run0: runners.0,
            run2: runners.1,
            protect,
            set_api,
            state,
        };
        vm.install_hook(shared)?;
        Ok(vm)
    }

    /// The count hook: marks the run timed out past the threshold (the I/O threads then
    /// answer BUSY) and, once timed out, honours kill requests.
    fn install_hook(&self, shared: Arc<Shared>) -> mlua::Result<()> {
        let s = self.state.clone();
        self.lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_EVERY),
            move |_, _| {
                let busy = &shared.script;
                if s.killed.get() {
                    return Err(killed(&s));
                }
                if !s.timed_out.get() && s.start.get().elapsed() >= s.threshold.get() {
                    s.timed_out.set(true);
                    busy.state
                        .store(if s.function.get() { 2 } else { 1 }, Relaxed);
                    tracing::warn!(
                        "Slow script detected: still in execution after {} milliseconds. You can try killing the script using the {} command.",
                        s.start.get().elapsed().as_millis(),
                        if s.function.get() { "FUNCTION KILL" } else { "SCRIPT KILL" }
                    );
                }
                if s.timed_out.get() {
                    // Clients on the executor's own thread are served from here, so they
                    // get -BUSY and their SCRIPT KILL arrives.
                    crate::engine::exec::host::while_busy();
                    match busy.kill.swap(0, Relaxed) {
                        0 => {}
                        how => {
                            s.killed.set(true);
                            s.shutdown.set(how == 2);
                            tracing::info!("Lua script killed by user with SCRIPT KILL.");
                            return Err(killed(&s));
                        }
                    }
                }
                Ok(VmState::Continue)
            },
        )
    }

    /// Compiles `body` as a chunk named `name` running in the scripts' environment.
    pub fn compile(&self, body: &[u8], name: &str) -> Result<Function, String> {
        self.lua
            .load(body)
            .set_name(name)
            .set_environment(self.env.clone())
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })
    }

    /// Memory the state holds, in bytes.
    pub fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }
}

fn killed(s: &RunState) -> mlua::Error {
    raise(if s.function.get() {
        KILLED_FUNCTION
    } else {
        KILLED
    })
}

/// An error as Lua's `luaL_error` raises it from a C function: prefixed with the caller's
/// position (`user_script:1: `), as lua-cjson's, LuaBitOp's and the base library's are.
pub fn lua_error(lua: &Lua, msg: &str) -> mlua::Error {
    let place = lua
        .inspect_stack(1, |d| {
            let line = d.current_line()?;
            let src = d.source().short_src?.into_owned();
            Some(format!("{src}:{line}: "))
        })
        .flatten()
        .unwrap_or_default();
    raise(&format!("{place}{msg}"))
}

/// A Lua error with `msg` as its text: the error handler turns it into `ERR msg`.
pub fn raise(msg: &str) -> mlua::Error {
    mlua::Error::RuntimeError(msg.to_string())
}

/// A number argument, as Lua's `lua_tonumber` reads it (numeric strings too).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(n) => Some(*n as f64),
        Value::String(s) => std::str::from_utf8(&s.as_bytes()).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// `redis.sha1hex(s)`.
fn sha1hex(lua: &Lua, args: MultiValue) -> mlua::Result<mlua::LuaString> {
    if args.len() != 1 {
        return Err(raise("wrong number of arguments"));
    }
    let bytes = match args.front() {
        Some(Value::String(s)) => s.as_bytes().to_vec(),
        Some(v @ (Value::Number(_) | Value::Integer(_))) => lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    lua.create_string(super::sha1::hex(&bytes))
}

/// `redis.log(level, message...)`: to the server log at that level.
fn log(lua: &Lua, args: MultiValue) -> mlua::Result<()> {
    if args.len() < 2 {
        return Err(raise("redis.log() requires two arguments or more."));
    }
    let Some(level) = args.front().and_then(number) else {
        return Err(raise("First argument must be a number (log level)."));
    };
    if !(0.0..=3.0).contains(&level) {
        return Err(raise("Invalid debug level."));
    }
    let mut msg = Vec::new();
    for (i, v) in args.iter().skip(1).enumerate() {
        if i > 0 {
            msg.push(b' ');
        }
        if let Some(s) = lua.coerce_string(v.clone())? {
            msg.extend_from_slice(&s.as_bytes());
        }
    }
    let msg = String::from_utf8_lossy(&msg);
    match level as u8 {
        0 => tracing::debug!("{msg}"),
        1 => tracing::debug!("{msg}"),
        2 => tracing::info!("{msg}"),
        _ => tracing::warn!("{msg}"),
    }
    Ok(())
}

/// `redis.acl_check_cmd(cmd, ...)`: whether the script's user may run that command.
fn acl_check_cmd(s: &RunState, args: MultiValue) -> mlua::Result<bool> {
    let name = match args.front() {
        Some(Value::String(s)) => s.as_bytes().to_vec(),
        None => {
            return Err(raise(
                "Please specify at least one argument for this redis lib call",
            ));
        }
        _ => {
            return Err(raise(
                "Lua redis lib command arguments must be strings or integers",
            ));
        }
    };
    let argv: Vec<Vec<u8>> = args
        .iter()
        .map(|v| match v {
            Value::String(s) => s.as_bytes().to_vec(),
            _ => Vec::new(),
        })
        .collect();
    let spec = crate::cmd::TABLE
        .find(&name)
        .and_then(|_| crate::cmd::TABLE.resolve(&argv));
    let Some(spec) = spec else {
        return Err(raise("Invalid command passed to redis.acl_check_cmd()"));
    };
    let argv: Vec<bytes::Bytes> = argv.into_iter().map(bytes::Bytes::from).collect();
    Ok(match s.user.borrow().as_deref() {
        Some(u) => crate::acl::check(u, spec, &argv).is_ok(),
        None => true,
    })
}

/// `__redis__err__handler`: every error becomes a table `{err=..., source=..., line=...}`,
/// where a string error gets the `ERR ` code and the frame is the script's (not a C
/// function's nor muxis's own Lua wrappers').
fn error_handler(lua: &Lua, s: &RunState, err: Value) -> mlua::Result<Value> {
    let table = match unstash(s, err) {
        Value::Table(t) => t,
        other => {
            let mut msg = b"ERR ".to_vec();
            msg.extend_from_slice(&describe(lua, other));
            let t = lua.create_table()?;
            t.raw_set("err", lua.create_string(&msg)?)?;
            t
        }
    };
    for level in 1..8 {
        let frame = lua.inspect_stack(level, |d| {
            let s = d.source();
            (s.what, s.source.map(|c| c.into_owned()), d.current_line())
        });
        let Some((what, source, line)) = frame else {
            break;
        };
        let internal = source.as_deref().is_some_and(|s| s.starts_with("=muxis"));
        if what != "C" && !internal {
            table.raw_set("source", source.unwrap_or_default())?;
            table.raw_set("line", line.map_or(-1, |l| l as i64))?;
            break;
        }
    }
    Ok(Value::Table(table))
}

/// The error table `redis.call` stashed, for its marker error; any other value as it is.
fn unstash(s: &RunState, err: Value) -> Value {
    if let Value::Error(e) = &err
        && error_text(e) == MARKER
        && let Some(t) = s.stash.borrow_mut().take()
    {
        return Value::Table(t);
    }
    err
}

/// The text of a non-table error value, as `tostring` gives it.
fn describe(lua: &Lua, v: Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Error(e) => error_text(&e).into_bytes(),
        Value::Nil => b"nil".to_vec(),
        Value::Boolean(b) => b.to_string().into_bytes(),
        other => lua
            .coerce_string(other.clone())
            .ok()
            .flatten()
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_else(|| other.type_name().as_bytes().to_vec()),
    }
}

/// The message of an error raised by Rust code (a callback or the hook).
pub fn error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::CallbackError { cause, .. } => error_text(cause),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::MemoryError(_) => "not enough memory".to_string(),
        mlua::Error::ExternalError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Redis's `math.random`/`math.randomseed`: its own 48-bit generator (`rand.c`, the same as
/// `lrand48`), so scripts see the sequence Redis gives them.
fn install_random(lua: &Lua) -> mlua::Result<()> {
    let rng = Rc::new(Cell::new(SEED0));
    let math: Table = lua.globals().raw_get("math")?;
    let r = rng.clone();
    math.raw_set(
        "random",
        lua.create_function(move |lua, args: MultiValue| {
            let x = next48(&r);
            let v = (x % i32::MAX as u64) as f64 / i32::MAX as f64;
            let int = |i: usize| -> mlua::Result<i64> {
                match args.get(i).and_then(number) {
                    Some(n) => Ok(n as i64),
                    None => Err(lua_error(
                        lua,
                        &format!(
                            "bad argument #{} to 'random' (number expected, got {})",
                            i + 1,
                            args.get(i).map_or("no value", |v| v.type_name())
                        ),
                    )),
                }
            };
            match args.len() {
                0 => Ok(v),
                1 => {
                    let u = int(0)?;
                    if u < 1 {
                        return Err(lua_error(
                            lua,
                            "bad argument #1 to 'random' (interval is empty)",
                        ));
                    }
                    Ok((v * u as f64).floor() + 1.0)
                }
                2 => {
                    let (l, u) = (int(0)?, int(1)?);
                    if l > u {
                        return Err(lua_error(
                            lua,
                            "bad argument #2 to 'random' (interval is empty)",
                        ));
                    }
                    Ok((v * (u - l + 1) as f64).floor() + l as f64)
                }
                _ => Err(lua_error(lua, "wrong number of arguments")),
            }
        })?,
    )?;
    math.raw_set(
        "randomseed",
        lua.create_function(move |_, seed: Value| {
            let n = number(&seed).unwrap_or(0.0) as i32 as u64;
            rng.set(((n << 16) | 0x330E) & MASK48);
            Ok(())
        })?,
    )?;
    Ok(())
}

const MASK48: u64 = (1 << 48) - 1;
/// Redis's `rand.c` initial state (`X0`, `X1`, `X2`).
const SEED0: u64 = 0x1234_ABCD_330E;

/// One step of the 48-bit LCG; returns the 31-bit `lrand48` value.
fn next48(x: &Cell<u64>) -> u64 {
    let n = (x.get().wrapping_mul(0x5DEE_CE66D).wrapping_add(0xB)) & MASK48;
    x.set(n);
    n >> 17
}
