//! Lua scripting as Redis 7.0 runs it: EVAL scripts with their cache, FUNCTION libraries,
//! and the Lua states both run in.
//!
//! - [`vm`]: one Lua state set up as Redis's (libraries, read-only globals, `redis.*`,
//!   error handler, the busy/kill hook);
//! - [`reply`]: Redis replies ⇄ Lua values;
//! - [`run`]: running a script or function on the engine, with `redis.call` going through
//!   the engine's one call path (so writes propagate as the commands the script ran);
//! - [`function`]: FUNCTION libraries; [`dump`]: their FUNCTION DUMP payload;
//! - [`libs`]: `bit`, `cjson`.
//!
//! The handlers (`cmd/scripting.rs`) check arguments and find or compile the script; the
//! run itself needs the whole engine, so the handler leaves a [`Request`] that the engine
//! picks up right after it (as EXEC does with its queue).

pub mod dump;
pub mod function;
pub mod libs;
pub mod reply;
pub mod run;
pub mod sha1;
pub mod vm;

use crate::shared::Shared;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Arc;

/// Flags a script declares in its shebang (`#!lua flags=...`) or a function at
/// registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// No shebang: an EVAL script of the old kind (may write, OOM checked per command).
    pub compat: bool,
    pub no_writes: bool,
    pub allow_oom: bool,
    pub allow_stale: bool,
    pub no_cluster: bool,
    pub allow_cross_slot_keys: bool,
}

/// The flag names, as shebangs, `register_function` and FUNCTION LIST spell them.
pub const FLAG_NAMES: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

impl Flags {
    /// Sets the flag called `name`; false if there is no such flag.
    pub fn set(&mut self, name: &[u8]) -> bool {
        match name {
            b"no-writes" => self.no_writes = true,
            b"allow-oom" => self.allow_oom = true,
            b"allow-stale" => self.allow_stale = true,
            b"no-cluster" => self.no_cluster = true,
            b"allow-cross-slot-keys" => self.allow_cross_slot_keys = true,
            _ => return false,
        }
        true
    }

    /// The names of the flags set, in Redis's order.
    pub fn names(&self) -> Vec<&'static str> {
        let on = [
            self.no_writes,
            self.allow_oom,
            self.allow_stale,
            self.no_cluster,
            self.allow_cross_slot_keys,
        ];
        FLAG_NAMES
            .iter()
            .zip(on)
            .filter_map(|(n, on)| on.then_some(*n))
            .collect()
    }
}

/// Reads an EVAL script's shebang line: its flags and the length of the line (the body
/// compiled starts at the line's newline, so line numbers stay the user's).
pub fn shebang(body: &[u8]) -> Result<(Flags, usize), String> {
    if !body.starts_with(b"#!") {
        return Ok((
            Flags {
                compat: true,
                ..Flags::default()
            },
            0,
        ));
    }
    let Some(len) = body.iter().position(|&b| b == b'\n') else {
        return Err("Invalid script shebang".to_string());
    };
    let line = String::from_utf8_lossy(&body[..len]);
    let mut parts = line.split_ascii_whitespace();
    let Some(engine) = parts.next() else {
        return Err("Invalid engine in script shebang".to_string());
    };
    if engine != "#!lua" {
        return Err(format!("Unexpected engine in script shebang: {engine}"));
    }
    let mut flags = Flags::default();
    for part in parts {
        let Some(list) = part.strip_prefix("flags=") else {
            return Err(format!("Unknown lua shebang option: {part}"));
        };
        for f in list.split(',') {
            if !flags.set(f.as_bytes()) {
                return Err(format!("Unexpected flag in script shebang: {f}"));
            }
        }
    }
    Ok((flags, len))
}

/// A cached EVAL script.
pub struct Script {
    pub body: Bytes,
    pub flags: Flags,
    pub func: mlua::Function,
}

/// What the engine runs after a scripting handler.
#[derive(Debug, Clone)]
pub struct Request {
    /// The script's SHA-1, or the function's name.
    pub name: Bytes,
    pub function: bool,
    pub numkeys: usize,
    /// Where the keys start in the command's arguments.
    pub first_key: usize,
    pub flags: Flags,
    /// EVAL_RO / EVALSHA_RO / FCALL_RO.
    pub ro: bool,
}

/// The scripting state of a server: the EVAL scripts' Lua state and cache, the functions'
/// Lua state and libraries. The Lua states are built on first use.
#[derive(Default)]
pub struct Scripting {
    eval: Option<vm::Vm>,
    pub scripts: HashMap<[u8; 40], Script>,
    /// Bytes of the cached scripts' bodies (INFO's `used_memory_scripts_eval`).
    pub scripts_bytes: usize,
    pub functions: function::Registry,
}

// SAFETY: the Lua states (and every handle into them: scripts' and functions' `Function`s)
// live only inside this struct, which lives in the executor's `Server`. They are built on
// first use, on the executor thread, after the `Server` has moved there; they are never
// shared, and nothing keeps a handle outside a call. Moving the whole struct moves every
// reference to a state with it, which is what `Rc`-based handles need.
unsafe impl Send for Scripting {}

impl std::fmt::Debug for Scripting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripting")
            .field("scripts", &self.scripts.len())
            .finish()
    }
}

impl Scripting {
    /// The EVAL scripts' Lua state, built on first use.
    pub fn vm(&mut self, shared: &Arc<Shared>) -> Result<&vm::Vm, String> {
        if self.eval.is_none() {
            self.eval = Some(vm::Vm::new(shared.clone()).map_err(|e| e.to_string())?);
        }
        self.eval.as_ref().ok_or_else(String::new)
    }

    /// Finds the script `body` in the cache, or compiles and caches it; returns its SHA-1.
    pub fn load(&mut self, shared: &Arc<Shared>, body: &[u8]) -> Result<[u8; 40], String> {
        let sha = sha1::hex(body);
        if self.scripts.contains_key(&sha) {
            return Ok(sha);
        }
        let (flags, skip) = shebang(body)?;
        let vm = self.vm(shared)?;
        let func = vm
            .compile(&body[skip..], "@user_script")
            .map_err(|e| format!("Error compiling script (new function): {e}"))?;
        self.scripts_bytes += body.len() + 40;
        self.scripts.insert(
            sha,
            Script {
                body: Bytes::copy_from_slice(body),
                flags,
                func,
            },
        );
        Ok(sha)
    }

    /// SCRIPT FLUSH: forgets every script and the Lua state they ran in.
    pub fn flush(&mut self) {
        self.scripts.clear();
        self.scripts_bytes = 0;
        self.eval = None;
    }

    /// Memory of the EVAL scripts' Lua state (INFO's `used_memory_lua`); a state not built
    /// yet counts as what a fresh one holds in Redis terms: nothing allocated by us yet.
    pub fn eval_memory(&self) -> usize {
        self.eval.as_ref().map_or(0, |v| v.used_memory())
    }
}
