//! FUNCTION libraries: loading a library's code (`#!lua name=...` then Lua that calls
//! `redis.register_function`), the registry of libraries and their functions, in their own
//! Lua state, as Redis 7.0's `functions.c` and `function_lua.c`.
//!
//! While a library's code runs, its globals are only `redis` with the registration API
//! (Redis's library API); its functions, when called, see the ordinary script globals.

use super::Flags;
use super::vm::{Vm, error_text};
use crate::shared::Shared;
use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One registered function.
pub struct Func {
    pub name: Bytes,
    pub callback: Function,
    pub flags: Flags,
    pub description: Option<Bytes>,
}

/// One library: its code and its functions.
pub struct Library {
    pub name: Bytes,
    pub code: Bytes,
    pub functions: BTreeMap<Bytes, Func>,
}

/// The loaded libraries and the Lua state their functions live in.
#[derive(Default)]
pub struct Registry {
    vm: Option<Vm>,
    pub libraries: BTreeMap<Bytes, Library>,
    /// Function name → its library's name.
    pub index: BTreeMap<Bytes, Bytes>,
}

/// Whether `name` is a valid library or function name: letters, digits, `_`, at least one.
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Reads a library's first line: `#!<engine> name=<name>`; returns the library name.
pub fn metadata(code: &[u8]) -> Result<Bytes, String> {
    if !code.starts_with(b"#!") {
        return Err("Missing library metadata".to_string());
    }
    let Some(end) = code.iter().position(|&b| b == b'\n') else {
        return Err("Invalid library metadata".to_string());
    };
    let line = String::from_utf8_lossy(&code[2..end]).into_owned();
    let mut parts = line.split_ascii_whitespace();
    let engine = parts.next().unwrap_or("");
    let mut name = None;
    for part in parts {
        if part.len() >= 5 && part[..5].eq_ignore_ascii_case("name=") {
            if name.is_some() {
                return Err(
                    "Invalid metadata value, name argument was given multiple times".to_string(),
                );
            }
            name = Some(Bytes::copy_from_slice(&part.as_bytes()[5..]));
            continue;
        }
        return Err(format!("Invalid metadata value given: {part}"));
    }
    let Some(name) = name else {
        return Err("Library name was not given".to_string());
    };
    if !engine.eq_ignore_ascii_case("lua") {
        return Err(format!("Engine '{engine}' not found"));
    }
    Ok(name)
}

impl Registry {
    fn vm(&mut self, shared: &Arc<Shared>) -> Result<&Vm, String> {
        if self.vm.is_none() {
            self.vm = Some(Vm::new(shared.clone()).map_err(|e| e.to_string())?);
        }
        self.vm.as_ref().ok_or_else(String::new)
    }

    /// The function `name` and the state it runs in.
    pub fn find(&self, name: &[u8]) -> Option<(&Vm, &Func)> {
        let lib = self.index.get(name)?;
        let f = self.libraries.get(lib)?.functions.get(name)?;
        Some((self.vm.as_ref()?, f))
    }

    /// FUNCTION LOAD: compiles and runs `code`, registering its functions; returns the
    /// library's name. Errors are the reply's text without the `ERR ` code.
    pub fn load(
        &mut self,
        shared: &Arc<Shared>,
        code: &[u8],
        replace: bool,
    ) -> Result<Bytes, String> {
        let name = metadata(code)?;
        if !valid_name(&name) {
            return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".to_string());
        }
        if self.libraries.contains_key(&name) && !replace {
            return Err(format!(
                "Library '{}' already exists",
                String::from_utf8_lossy(&name)
            ));
        }
        let skip = code.iter().position(|&b| b == b'\n').unwrap_or(code.len());
        let vm = self.vm(shared)?;
        let functions = register(vm, &code[skip..])?;
        if functions.is_empty() {
            return Err("No functions registered".to_string());
        }
        for f in functions.keys() {
            if let Some(other) = self.index.get(f)
                && *other != name
            {
                return Err(format!(
                    "Function {} already exists",
                    String::from_utf8_lossy(f)
                ));
            }
        }
        self.delete(&name);
        for f in functions.keys() {
            self.index.insert(f.clone(), name.clone());
        }
        self.libraries.insert(
            name.clone(),
            Library {
                name: name.clone(),
                code: Bytes::copy_from_slice(code),
                functions,
            },
        );
        Ok(name)
    }

    /// Removes a library and its functions; false if there is none by that name.
    pub fn delete(&mut self, name: &[u8]) -> bool {
        let Some(lib) = self.libraries.remove(name) else {
            return false;
        };
        for f in lib.functions.keys() {
            self.index.remove(f);
        }
        true
    }

    /// FUNCTION FLUSH: every library, and their Lua state.
    pub fn flush(&mut self) {
        self.libraries.clear();
        self.index.clear();
        self.vm = None;
    }

    /// Bytes of the libraries' code (INFO's `used_memory_functions`).
    pub fn code_bytes(&self) -> usize {
        self.libraries.values().map(|l| l.code.len()).sum()
    }

    pub fn function_count(&self) -> usize {
        self.index.len()
    }

    /// Memory of the functions' Lua state.
    pub fn memory(&self) -> usize {
        self.vm.as_ref().map_or(0, |v| v.used_memory())
    }
}

/// Runs a library's code with the registration API as its only globals; returns what it
/// registered.
fn register(vm: &Vm, code: &[u8]) -> Result<BTreeMap<Bytes, Func>, String> {
    let lua = &vm.lua;
    let chunk = vm
        .compile(code, "@user_function")
        .map_err(|e| format!("Error compiling function: {e}"))?;
    let mut found: BTreeMap<Bytes, Func> = BTreeMap::new();
    let result: mlua::Result<Option<String>> = lua.scope(|scope| {
        let reg = scope.create_function_mut(|lua, args: MultiValue| {
            register_one(lua, args, &mut found)
        })?;
        let api_redis = lua.create_table()?;
        api_redis.raw_set("register_function", reg)?;
        let real: Table = vm.globals.raw_get("redis")?;
        for k in [
            "log",
            "setresp",
            "LOG_DEBUG",
            "LOG_VERBOSE",
            "LOG_NOTICE",
            "LOG_WARNING",
            "REDIS_VERSION",
            "REDIS_VERSION_NUM",
        ] {
            api_redis.raw_set(k, real.get::<Value>(k)?)?;
        }
        // Only `redis` (with the registration API) is visible, and reading anything else,
        // in the globals or in `redis`, fails as a missing global does.
        let strict = lua
            .load(
                "local redis_api, protect = ...
                 local function strict(t)
                   return setmetatable(t, {__index = function(_, n)
                     error(\"Script attempted to access nonexistent global variable '\" .. tostring(n) .. \"'\", 2)
                   end})
                 end
                 return strict({redis = protect(strict(redis_api))})",
            )
            .set_name("=muxis_api")
            .call::<Table>((api_redis, vm.protect.clone()))?;
        vm.set_api.call::<()>(strict)?;
        let r = vm.run0.call::<MultiValue>((chunk, vm.handler.clone()));
        vm.set_api.call::<()>(Value::Nil)?;
        let mut r = r?.into_iter();
        if matches!(r.next(), Some(Value::Boolean(true))) {
            return Ok(None);
        }
        let msg = match r.next() {
            Some(Value::Table(t)) => match t.raw_get::<Value>("err")? {
                Value::String(s) => String::from_utf8_lossy(&s.as_bytes()).into_owned(),
                _ => "ERR unknown error".to_string(),
            },
            _ => "ERR unknown error".to_string(),
        };
        Ok(Some(msg))
    });
    match result {
        Ok(None) => Ok(found),
        Ok(Some(msg)) => Err(format!("Error registering functions: {msg}")),
        Err(e) => Err(format!("Error registering functions: {}", error_text(&e))),
    }
}

fn fail(msg: &str) -> mlua::Error {
    super::vm::raise(msg)
}

/// `redis.register_function(name, callback)` or `redis.register_function{function_name=...,
/// callback=..., flags={...}, description=...}`.
fn register_one(_: &Lua, args: MultiValue, found: &mut BTreeMap<Bytes, Func>) -> mlua::Result<()> {
    let (name, callback, flags, description) = match (args.len(), args.front()) {
        (1, Some(Value::Table(t))) => {
            let mut name = None;
            let mut callback = None;
            let mut flags = Flags::default();
            let mut description = None;
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair?;
                let key = match &k {
                    Value::String(s) => s.as_bytes().to_vec(),
                    _ => {
                        return Err(fail(
                            "named argument key given to redis.register_function is not a string",
                        ));
                    }
                };
                match key.as_slice() {
                    b"function_name" => match v {
                        Value::String(s) => name = Some(Bytes::copy_from_slice(&s.as_bytes())),
                        _ => {
                            return Err(fail(
                                "function_name argument given to redis.register_function must be a string",
                            ));
                        }
                    },
                    b"description" => match v {
                        Value::String(s) => {
                            description = Some(Bytes::copy_from_slice(&s.as_bytes()))
                        }
                        _ => {
                            return Err(fail(
                                "description argument given to redis.register_function must be a string",
                            ));
                        }
                    },
                    b"callback" => match v {
                        Value::Function(f) => callback = Some(f),
                        _ => {
                            return Err(fail(
                                "callback argument given to redis.register_function must be a function",
                            ));
                        }
                    },
                    b"flags" => match v {
                        Value::Table(ft) => {
                            for f in ft.sequence_values::<Value>() {
                                match f? {
                                    Value::String(s) if flags.set(&s.as_bytes()) => {}
                                    _ => return Err(fail("unknown flag given")),
                                }
                            }
                        }
                        _ => {
                            return Err(fail(
                                "flags argument to redis.register_function must be a table representing function flags",
                            ));
                        }
                    },
                    _ => return Err(fail("unknown argument given to redis.register_function")),
                }
            }
            let Some(name) = name else {
                return Err(fail(
                    "redis.register_function must get a function name argument",
                ));
            };
            let Some(callback) = callback else {
                return Err(fail("redis.register_function must get a callback argument"));
            };
            (name, callback, flags, description)
        }
        (2, _) => {
            let name = match &args[0] {
                Value::String(s) => Bytes::copy_from_slice(&s.as_bytes()),
                _ => {
                    return Err(fail(
                        "first argument to redis.register_function must be a string",
                    ));
                }
            };
            let callback = match &args[1] {
                Value::Function(f) => f.clone(),
                _ => {
                    return Err(fail(
                        "second argument to redis.register_function must be a function",
                    ));
                }
            };
            (name, callback, Flags::default(), None)
        }
        _ => return Err(fail("wrong number of arguments to redis.register_function")),
    };
    if !valid_name(&name) {
        return Err(fail(
            "Function names can only contain letters, numbers, or underscores(_) and must be at least one character long",
        ));
    }
    if found.contains_key(&name) {
        return Err(fail("Function already exists in the library"));
    }
    found.insert(
        name.clone(),
        Func {
            name,
            callback,
            flags,
            description,
        },
    );
    Ok(())
}
