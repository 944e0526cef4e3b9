//! Conversions between Redis replies and Lua values, both ways, as Redis 7.0's
//! `redisProtocolToLuaType` and `luaReplyToRedisReply` do them.
//!
//! A command's reply (RESP2 or RESP3, as `redis.setresp` chose) becomes: integer → number,
//! bulk → string, null → `false` (RESP2) or `nil` (RESP3 `_`), status → `{ok=...}`, error →
//! `{err=...}`, array → table; RESP3 adds map → `{map=...}`, set → `{set=...}`, boolean,
//! double → `{double=...}`, big number → `{big_number=...}`, verbatim →
//! `{verbatim_string={format=..., string=...}}`.
//!
//! A script's return value becomes: string → bulk, number → integer (truncated), boolean →
//! `:1`/null in RESP2 and a boolean in RESP3, nil → null, a table with `err`, `ok`,
//! `double`, `big_number`, `map`, `set` or `verbatim_string` → that reply, any other table →
//! an array of its elements up to the first nil.

use crate::engine::out::Out;
use mlua::{Lua, Table, Value};

/// Nesting a reply may have before conversion gives up (Redis's `lua_checkstack` limit).
const MAX_DEPTH: usize = 2000;

/// Parses one RESP reply from `buf` into a Lua value. Also returns whether it is an error.
pub fn to_lua(lua: &Lua, buf: &[u8]) -> mlua::Result<(Value, bool)> {
    let mut p = Parser { lua, buf, pos: 0 };
    let is_err = buf.first() == Some(&b'-');
    let v = p.value(0)?;
    Ok((v, is_err))
}

struct Parser<'a> {
    lua: &'a Lua,
    buf: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn line(&mut self) -> &[u8] {
        let rest = &self.buf[self.pos.min(self.buf.len())..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or(rest.len());
        self.pos += end + 2;
        &rest[..end]
    }

    fn int(&mut self) -> i64 {
        let line = self.line();
        crate::util::number::parse_i64(line).unwrap_or(0)
    }

    fn bulk(&mut self) -> Option<&[u8]> {
        let n = self.int();
        if n < 0 {
            return None;
        }
        let start = self.pos.min(self.buf.len());
        let end = (start + n as usize).min(self.buf.len());
        self.pos = end + 2;
        Some(&self.buf[start..end])
    }

    fn single(&self, key: &str, v: impl mlua::IntoLua) -> mlua::Result<Value> {
        let t = self.lua.create_table_with_capacity(0, 1)?;
        t.raw_set(key, v)?;
        Ok(Value::Table(t))
    }

    fn value(&mut self, depth: usize) -> mlua::Result<Value> {
        if depth > MAX_DEPTH {
            return Err(super::vm::raise("reached lua stack limit"));
        }
        let Some(&kind) = self.buf.get(self.pos) else {
            return Ok(Value::Nil);
        };
        self.pos += 1;
        let lua = self.lua;
        Ok(match kind {
            b':' => Value::Number(self.int() as f64),
            b'$' => match self.bulk() {
                Some(b) => Value::String(lua.create_string(b)?),
                None => Value::Boolean(false),
            },
            b'+' => {
                let s = lua.create_string(self.line())?;
                self.single("ok", s)?
            }
            b'-' => {
                let s = lua.create_string(self.line())?;
                let t = self.single("err", s)?;
                // Counted when the command replied it: the script passing it on must not
                // count it again (Redis's `ignore_error_stats_update`).
                if let Value::Table(t) = &t {
                    t.raw_set(COUNTED, true)?;
                }
                t
            }
            b'*' | b'>' => {
                let n = self.int();
                if n < 0 {
                    return Ok(Value::Boolean(false));
                }
                let t = lua.create_table_with_capacity(n as usize, 0)?;
                for i in 1..=n {
                    let v = self.value(depth + 1)?;
                    t.raw_set(i, v)?;
                }
                Value::Table(t)
            }
            b'%' => {
                let n = self.int().max(0);
                let m = lua.create_table_with_capacity(0, n as usize)?;
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    let v = self.value(depth + 1)?;
                    m.raw_set(k, v)?;
                }
                self.single("map", m)?
            }
            b'~' => {
                let n = self.int().max(0);
                let s = lua.create_table_with_capacity(0, n as usize)?;
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    s.raw_set(k, true)?;
                }
                self.single("set", s)?
            }
            b'_' => {
                self.line();
                Value::Nil
            }
            b'#' => Value::Boolean(self.line() == b"t"),
            b',' => {
                let line = self.line();
                let d = match line {
                    b"inf" => f64::INFINITY,
                    b"-inf" => f64::NEG_INFINITY,
                    b"nan" => f64::NAN,
                    l => crate::util::number::parse_f64(l).unwrap_or(0.0),
                };
                self.single("double", d)?
            }
            b'(' => {
                let s = lua.create_string(self.line())?;
                self.single("big_number", s)?
            }
            b'=' => {
                let body = self.bulk().unwrap_or(b"txt:");
                let (format, text) = body.split_at(body.len().min(3));
                let v = lua.create_table_with_capacity(0, 2)?;
                v.raw_set("format", lua.create_string(format)?)?;
                v.raw_set("string", lua.create_string(text.get(1..).unwrap_or(b""))?)?;
                self.single("verbatim_string", v)?
            }
            b'|' => {
                // Attributes are skipped: the value after them is the reply.
                let n = self.int().max(0);
                for _ in 0..2 * n {
                    self.value(depth + 1)?;
                }
                return self.value(depth);
            }
            _ => {
                self.line();
                Value::Nil
            }
        })
    }
}

/// Writes a script's return value `v` to `out` in the client's protocol. Booleans follow
/// the script's own protocol (`redis.setresp`), as in Redis: `:1`/null unless it chose 3.
pub fn to_resp(out: &mut Out, v: &Value, depth: usize, lua_resp3: bool) {
    match v {
        Value::String(s) => out.bulk(&s.as_bytes()),
        Value::Boolean(b) => {
            if lua_resp3 {
                out.boolean(*b);
            } else if *b {
                out.int(1);
            } else {
                out.null();
            }
        }
        Value::Integer(n) => out.int(*n),
        Value::Number(n) => out.int(truncate(*n)),
        Value::Table(t) => table(out, t, depth, lua_resp3),
        _ => out.null(),
    }
}

/// A double as C's `(long long)` cast gives it on x86-64: out of range or NaN is i64::MIN.
fn truncate(n: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if n.is_nan() || !(-LIMIT..LIMIT).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// The field marking an error table made from a command's error reply.
pub const COUNTED: &str = "ignore_error_stats_update";

/// Whether error table `t` came from a command's error reply (already counted).
pub fn counted(t: &Table) -> bool {
    matches!(field(t, COUNTED), Value::Boolean(true))
}

fn field(t: &Table, name: &str) -> Value {
    t.raw_get::<Value>(name).unwrap_or(Value::Nil)
}

fn table(out: &mut Out, t: &Table, depth: usize, lua_resp3: bool) {
    if depth > MAX_DEPTH {
        out.error("ERR reached lua stack limit");
        return;
    }
    if let Value::String(e) = field(t, "err") {
        // Redis writes the message as given (`-%s`): its first word is the error code.
        let e = e.as_bytes();
        let msg = String::from_utf8_lossy(&e);
        if counted(t) {
            out.error_counted_before(&msg);
        } else {
            out.error(&msg);
        }
        return;
    }
    if let Value::String(s) = field(t, "ok") {
        let s = s.as_bytes();
        let clean: Vec<u8> = s
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
            .collect();
        out.simple(&String::from_utf8_lossy(&clean));
        return;
    }
    match field(t, "double") {
        Value::Number(d) => return out.double(d),
        Value::Integer(d) => return out.double(d as f64),
        _ => {}
    }
    if let Value::String(s) = field(t, "big_number") {
        let s = s.as_bytes();
        if out.resp3() {
            let mut line = b"(".to_vec();
            line.extend(
                s.iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
            line.extend_from_slice(b"\r\n");
            out.raw(&line);
        } else {
            out.bulk(&s);
        }
        return;
    }
    if let Value::Table(m) = field(t, "map") {
        let pairs: Vec<(Value, Value)> = m.pairs().filter_map(Result::ok).collect();
        out.map(pairs.len());
        for (k, v) in &pairs {
            to_resp(out, k, depth + 1, lua_resp3);
            to_resp(out, v, depth + 1, lua_resp3);
        }
        return;
    }
    if let Value::Table(s) = field(t, "set") {
        let keys: Vec<Value> = s
            .pairs::<Value, Value>()
            .filter_map(Result::ok)
            .map(|(k, _)| k)
            .collect();
        out.set(keys.len());
        for k in &keys {
            to_resp(out, k, depth + 1, lua_resp3);
        }
        return;
    }
    if let Value::Table(v) = field(t, "verbatim_string")
        && let (Value::String(format), Value::String(text)) =
            (field(&v, "format"), field(&v, "string"))
        && format.as_bytes().len() == 3
    {
        let f = format.as_bytes();
        let fmt = [f[0], f[1], f[2]];
        let text = text.as_bytes();
        if out.resp3() {
            let mut buf = Vec::with_capacity(text.len() + 16);
            crate::resp::encode::verbatim(&mut buf, &fmt, &text, true);
            out.raw(&buf);
        } else {
            out.bulk(&text);
        }
        return;
    }
    // An array: elements 1, 2, ... up to the first nil.
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(v),
        }
    }
    out.array(items.len());
    for v in &items {
        to_resp(out, v, depth + 1, lua_resp3);
    }
}
