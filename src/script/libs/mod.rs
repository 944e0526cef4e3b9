//! The libraries Redis loads into its Lua states beyond Lua's own: `bit` (LuaBitOp),
//! `cjson` (lua-cjson), `struct` (lua-struct) and `cmsgpack` (lua-cmsgpack). The vendored
//! Lua 5.1 has none of them, so they are written here against the same behaviour.

pub mod bit;
pub mod cjson;
pub mod cmsgpack;
pub mod structs;

use mlua::{Lua, MultiValue, Value};

/// The argument error Lua's `luaL_checknumber` raises, in its words.
pub(crate) fn arg_error(
    lua: &Lua,
    i: usize,
    func: &str,
    expected: &str,
    got: Option<&Value>,
) -> mlua::Error {
    super::vm::lua_error(
        lua,
        &format!(
            "bad argument #{} to '{}' ({} expected, got {})",
            i + 1,
            func,
            expected,
            got.map_or("no value", |v| v.type_name())
        ),
    )
}

/// Argument `i` as a number (numeric strings too), or Lua's argument error.
pub(crate) fn check_number(
    lua: &Lua,
    args: &MultiValue,
    i: usize,
    func: &str,
) -> mlua::Result<f64> {
    match args.get(i) {
        Some(Value::Number(n)) => Ok(*n),
        Some(Value::Integer(n)) => Ok(*n as f64),
        Some(v @ Value::String(s)) => std::str::from_utf8(&s.as_bytes())
            .ok()
            .and_then(|t| crate::util::number::parse_f64(t.trim().as_bytes()))
            .ok_or_else(|| arg_error(lua, i, func, "number", Some(v))),
        other => Err(arg_error(lua, i, func, "number", other)),
    }
}

/// Argument `i` as a string (numbers converted as Lua does), or Lua's argument error.
pub(crate) fn check_string(
    lua: &Lua,
    args: &MultiValue,
    i: usize,
    func: &str,
) -> mlua::Result<Vec<u8>> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
        Some(v @ (Value::Number(_) | Value::Integer(_))) => Ok(lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .unwrap_or_default()),
        other => Err(arg_error(lua, i, func, "string", other)),
    }
}

/// The largest key and the number of keys of `t` when every key is a positive integer
/// (`None` when any is not): what lua-cjson and lua-cmsgpack decide "is an array" from.
pub(crate) fn integer_keys(t: &mlua::Table) -> mlua::Result<Option<(usize, usize)>> {
    let mut max = 0usize;
    let mut count = 0usize;
    for pair in t.pairs::<mlua::Value, mlua::Value>() {
        let (k, _) = pair?;
        let n = match k {
            mlua::Value::Integer(i) => i as f64,
            mlua::Value::Number(n) => n,
            _ => return Ok(None),
        };
        if n < 1.0 || n.fract() != 0.0 {
            return Ok(None);
        }
        max = max.max(n as usize);
        count += 1;
    }
    Ok(Some((max, count)))
}
