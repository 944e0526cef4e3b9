//! `cjson`: lua-cjson 2.1 as Redis bundles it, with its defaults: numbers encoded as `%.14g`,
//! `/` escaped, sparse arrays refused past the default ratio, nesting bounded at 1000,
//! `cjson.null` a light userdata NULL.

use super::check_string;
use crate::script::vm::lua_error;
use mlua::{LightUserData, Lua, MultiValue, Table, Value};

/// lua-cjson's default depth limits.
const MAX_DEPTH: usize = 1000;

pub fn open(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    let null = Value::LightUserData(LightUserData(std::ptr::null_mut()));
    t.raw_set("null", null)?;
    t.raw_set(
        "encode",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(lua_error(
                    lua,
                    "bad argument #1 to 'encode' (expected 1 argument)",
                ));
            }
            let mut out = Vec::new();
            encode(lua, &args[0], 0, &mut out)?;
            lua.create_string(&out)
        })?,
    )?;
    t.raw_set(
        "decode",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(lua_error(
                    lua,
                    "bad argument #1 to 'decode' (expected 1 argument)",
                ));
            }
            let text = check_string(lua, &args, 0, "decode")?;
            let mut d = Decoder {
                lua,
                s: &text,
                pos: 0,
                depth: 0,
            };
            let v = d.value()?;
            d.ws();
            if d.pos < d.s.len() {
                return Err(d.expected("the end"));
            }
            Ok(v)
        })?,
    )?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    lua.globals().raw_set("cjson", t)
}

fn encode(lua: &Lua, v: &Value, depth: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    match v {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(p) if p.0.is_null() => out.extend_from_slice(b"null"),
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Integer(_) | Value::Number(_) => number(lua, v, out)?,
        Value::String(s) => string(&s.as_bytes(), out),
        Value::Table(t) => {
            if depth + 1 > MAX_DEPTH {
                return Err(lua_error(
                    lua,
                    &format!("Cannot serialise, excessive nesting ({})", depth + 1),
                ));
            }
            match array_len(lua, t)? {
                Some(n) => {
                    out.push(b'[');
                    for i in 1..=n {
                        if i > 1 {
                            out.push(b',');
                        }
                        encode(lua, &t.raw_get::<Value>(i)?, depth + 1, out)?;
                    }
                    out.push(b']');
                }
                None => {
                    out.push(b'{');
                    let mut first = true;
                    for pair in t.pairs::<Value, Value>() {
                        let (k, val) = pair?;
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        match &k {
                            Value::String(s) => string(&s.as_bytes(), out),
                            Value::Integer(_) | Value::Number(_) => {
                                out.push(b'"');
                                number(lua, &k, out)?;
                                out.push(b'"');
                            }
                            _ => {
                                return Err(lua_error(
                                    lua,
                                    "Cannot serialise table: table key must be a number or string",
                                ));
                            }
                        }
                        out.push(b':');
                        encode(lua, &val, depth + 1, out)?;
                    }
                    out.push(b'}');
                }
            }
        }
        other => {
            return Err(lua_error(
                lua,
                &format!("Cannot serialise {}: type not supported", other.type_name()),
            ));
        }
    }
    Ok(())
}

/// lua-cjson's `lua_array_length`: `Some(max)` when every key is a positive integer and the
/// array is not excessively sparse (max > 10 and max > 2 * items), `None` for an object.
fn array_len(lua: &Lua, t: &Table) -> mlua::Result<Option<usize>> {
    let Some((max, items)) = super::integer_keys(t)? else {
        return Ok(None);
    };
    if max > 10 && max > items * 2 {
        return Err(lua_error(
            lua,
            "Cannot serialise table: excessively sparse array",
        ));
    }
    Ok(if items == 0 { None } else { Some(max) })
}

fn number(lua: &Lua, v: &Value, out: &mut Vec<u8>) -> mlua::Result<()> {
    let n = match v {
        Value::Integer(i) => *i as f64,
        Value::Number(n) => *n,
        _ => 0.0,
    };
    if !n.is_finite() {
        return Err(lua_error(
            lua,
            "Cannot serialise number: must not be NaN or Inf",
        ));
    }
    // Lua's own number formatting is `%.14g`, lua-cjson's default precision.
    if let Some(s) = lua.coerce_string(Value::Number(n))? {
        out.extend_from_slice(&s.as_bytes());
    }
    Ok(())
}

fn string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            c if c < 0x20 || c == 0x7f => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            c => out.push(c),
        }
    }
    out.push(b'"');
}

struct Decoder<'a> {
    lua: &'a Lua,
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Decoder<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    /// lua-cjson's "Expected X but found Y at character N".
    fn expected(&self, what: &str) -> mlua::Error {
        let found = match self.s.get(self.pos) {
            None => "T_END",
            Some(b'{') => "T_OBJ_BEGIN",
            Some(b'}') => "T_OBJ_END",
            Some(b'[') => "T_ARR_BEGIN",
            Some(b']') => "T_ARR_END",
            Some(b',') => "T_COMMA",
            Some(b':') => "T_COLON",
            Some(b'"') => "T_STRING",
            Some(b'-' | b'0'..=b'9') => "T_NUMBER",
            _ => "invalid token",
        };
        lua_error(
            self.lua,
            &format!(
                "Expected {what} but found {found} at character {}",
                self.pos + 1
            ),
        )
    }

    fn value(&mut self) -> mlua::Result<Value> {
        self.ws();
        let Some(&c) = self.s.get(self.pos) else {
            return Err(self.expected("value"));
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let s = self.string()?;
                Ok(Value::String(self.lua.create_string(&s)?))
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ if self.s[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(Value::Boolean(true))
            }
            _ if self.s[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(Value::Boolean(false))
            }
            _ if self.s[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Ok(Value::LightUserData(LightUserData(std::ptr::null_mut())))
            }
            _ => Err(self.expected("value")),
        }
    }

    fn nest(&mut self) -> mlua::Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(lua_error(
                self.lua,
                &format!(
                    "Found too many nested data structures ({}) at character {}",
                    self.depth,
                    self.pos + 1
                ),
            ));
        }
        Ok(())
    }

    fn object(&mut self) -> mlua::Result<Value> {
        self.nest()?;
        self.pos += 1;
        let t = self.lua.create_table()?;
        self.ws();
        if self.s.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Table(t));
        }
        loop {
            self.ws();
            if self.s.get(self.pos) != Some(&b'"') {
                return Err(self.expected("object key string"));
            }
            let k = self.string()?;
            self.ws();
            if self.s.get(self.pos) != Some(&b':') {
                return Err(self.expected("colon"));
            }
            self.pos += 1;
            let v = self.value()?;
            t.raw_set(self.lua.create_string(&k)?, v)?;
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Table(t));
                }
                _ => return Err(self.expected("comma or object end")),
            }
        }
    }

    fn array(&mut self) -> mlua::Result<Value> {
        self.nest()?;
        self.pos += 1;
        let t = self.lua.create_table()?;
        self.ws();
        if self.s.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Table(t));
        }
        let mut i = 1;
        loop {
            let v = self.value()?;
            t.raw_set(i, v)?;
            i += 1;
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Table(t));
                }
                _ => return Err(self.expected("comma or array end")),
            }
        }
    }

    fn number(&mut self) -> mlua::Result<Value> {
        let start = self.pos;
        while self.pos < self.s.len()
            && matches!(
                self.s[self.pos],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(n) => Ok(Value::Number(n)),
            Err(_) => {
                self.pos = start;
                Err(self.expected("value"))
            }
        }
    }

    fn string(&mut self) -> mlua::Result<Vec<u8>> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.pos) else {
                self.pos = start;
                return Err(self.expected("value"));
            };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.s.get(self.pos) else {
                        self.pos = start;
                        return Err(self.expected("value"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4().ok_or_else(|| self.expected("value"))?;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.s[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4().ok_or_else(|| self.expected("value"))?;
                                cp = 0x10000
                                    + ((cp - 0xD800) << 10)
                                    + (lo.wrapping_sub(0xDC00) & 0x3ff);
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => {
                            self.pos = start;
                            return Err(self.expected("value"));
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.pos..self.pos + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.pos += 4;
        Some(v)
    }
}
