//! `cmsgpack`: lua-cmsgpack 0.4 as Redis bundles it. `pack(...)` encodes each argument and
//! concatenates them; `unpack(s)` returns every object in `s`; `unpack_one(s [, offset])`
//! and `unpack_limit(s, limit [, offset])` return the next offset (-1 at the end) first.
//! Integral numbers become msgpack integers, others float32 when exact, else float64;
//! a table is an array when its keys are exactly 1..n; nesting past 16 encodes nil.

use super::check_string;
use crate::script::vm::lua_error;
use mlua::{Lua, MultiValue, Table, Value};

/// lua-cmsgpack's `LUACMSGPACK_MAX_NESTING`.
const MAX_NESTING: usize = 16;

fn encode(lua: &Lua, v: &Value, depth: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    match v {
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(n) => int(*n, out),
        Value::Number(n) => number(*n, out),
        Value::String(s) => string(&s.as_bytes(), out),
        Value::Table(t) if depth < MAX_NESTING => table(lua, t, depth, out)?,
        _ => out.push(0xc0),
    }
    Ok(())
}

fn number(n: f64, out: &mut Vec<u8>) {
    if n.is_finite() && (n as i64) as f64 == n {
        return int(n as i64, out);
    }
    let f = n as f32;
    if f as f64 == n || n.is_nan() {
        out.push(0xca);
        out.extend_from_slice(&f.to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn int(n: i64, out: &mut Vec<u8>) {
    if n >= 0 {
        let u = n as u64;
        if u <= 127 {
            out.push(u as u8);
        } else if u <= 0xff {
            out.extend_from_slice(&[0xcc, u as u8]);
        } else if u <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(u as u16).to_be_bytes());
        } else if u <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(u as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&u.to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn string(s: &[u8], out: &mut Vec<u8>) {
    let n = s.len();
    if n < 32 {
        out.push(0xa0 | n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[0xd9, n as u8]);
    } else if n <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
    out.extend_from_slice(s);
}

fn header(out: &mut Vec<u8>, n: usize, fix: u8, b16: u8, b32: u8) {
    if n < 16 {
        out.push(fix | n as u8);
    } else if n <= 0xffff {
        out.push(b16);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(b32);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// The array length when `t`'s keys are exactly 1..n (`table_is_an_array`).
fn array_len(t: &Table) -> mlua::Result<Option<usize>> {
    let Some((max, count)) = super::integer_keys(t)? else {
        return Ok(None);
    };
    Ok((max == count).then_some(count))
}

fn table(lua: &Lua, t: &Table, depth: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    match array_len(t)? {
        Some(n) => {
            header(out, n, 0x90, 0xdc, 0xdd);
            for i in 1..=n {
                encode(lua, &t.raw_get::<Value>(i)?, depth + 1, out)?;
            }
        }
        None => {
            let pairs: Vec<(Value, Value)> = t.pairs().collect::<mlua::Result<_>>()?;
            header(out, pairs.len(), 0x80, 0xde, 0xdf);
            for (k, v) in &pairs {
                encode(lua, k, depth + 1, out)?;
                encode(lua, v, depth + 1, out)?;
            }
        }
    }
    Ok(())
}

struct Decoder<'a> {
    lua: &'a Lua,
    s: &'a [u8],
    pos: usize,
    /// Containers open: bounded, so hostile input cannot exhaust the executor's stack.
    depth: usize,
}

/// Nesting a decoded payload may have.
const MAX_DECODE_DEPTH: usize = 1000;

enum Fail {
    Missing,
    Bad,
    Lua(mlua::Error),
}

impl From<mlua::Error> for Fail {
    fn from(e: mlua::Error) -> Self {
        Fail::Lua(e)
    }
}

impl Decoder<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Fail> {
        let end = self.pos.checked_add(n).ok_or(Fail::Missing)?;
        let b = self.s.get(self.pos..end).ok_or(Fail::Missing)?;
        self.pos = end;
        Ok(b)
    }

    fn be(&mut self, n: usize) -> Result<u64, Fail> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    fn str(&mut self, n: usize) -> Result<Value, Fail> {
        let b = self.take(n)?.to_vec();
        Ok(Value::String(self.lua.create_string(&b)?))
    }

    fn enter(&mut self) -> Result<(), Fail> {
        self.depth += 1;
        if self.depth > MAX_DECODE_DEPTH {
            return Err(Fail::Bad);
        }
        Ok(())
    }

    fn array(&mut self, n: usize) -> Result<Value, Fail> {
        self.enter()?;
        let t = self.lua.create_table_with_capacity(n.min(1024), 0)?;
        for i in 1..=n {
            let v = self.value()?;
            t.raw_set(i, v)?;
        }
        self.depth -= 1;
        Ok(Value::Table(t))
    }

    fn map(&mut self, n: usize) -> Result<Value, Fail> {
        self.enter()?;
        let t = self.lua.create_table_with_capacity(0, n.min(1024))?;
        for _ in 0..n {
            let k = self.value()?;
            let v = self.value()?;
            if !k.is_nil() {
                t.raw_set(k, v)?;
            }
        }
        self.depth -= 1;
        Ok(Value::Table(t))
    }

    fn value(&mut self) -> Result<Value, Fail> {
        let c = self.take(1)?[0];
        Ok(match c {
            0x00..=0x7f => Value::Number(c as f64),
            0x80..=0x8f => return self.map((c & 0x0f) as usize),
            0x90..=0x9f => return self.array((c & 0x0f) as usize),
            0xa0..=0xbf => return self.str((c & 0x1f) as usize),
            0xc0 => Value::Nil,
            0xc2 => Value::Boolean(false),
            0xc3 => Value::Boolean(true),
            0xc4 | 0xd9 => {
                let n = self.be(1)? as usize;
                return self.str(n);
            }
            0xc5 | 0xda => {
                let n = self.be(2)? as usize;
                return self.str(n);
            }
            0xc6 | 0xdb => {
                let n = self.be(4)? as usize;
                return self.str(n);
            }
            0xca => Value::Number(f32::from_bits(self.be(4)? as u32) as f64),
            0xcb => Value::Number(f64::from_bits(self.be(8)?)),
            0xcc => Value::Number(self.be(1)? as f64),
            0xcd => Value::Number(self.be(2)? as f64),
            0xce => Value::Number(self.be(4)? as f64),
            0xcf => Value::Number(self.be(8)? as f64),
            0xd0 => Value::Number(self.be(1)? as u8 as i8 as f64),
            0xd1 => Value::Number(self.be(2)? as u16 as i16 as f64),
            0xd2 => Value::Number(self.be(4)? as u32 as i32 as f64),
            0xd3 => Value::Number(self.be(8)? as i64 as f64),
            0xdc => {
                let n = self.be(2)? as usize;
                return self.array(n);
            }
            0xdd => {
                let n = self.be(4)? as usize;
                return self.array(n);
            }
            0xde => {
                let n = self.be(2)? as usize;
                return self.map(n);
            }
            0xdf => {
                let n = self.be(4)? as usize;
                return self.map(n);
            }
            0xe0..=0xff => Value::Number(c as i8 as f64),
            _ => return Err(Fail::Bad),
        })
    }
}

/// Decodes up to `limit` objects (0: all) from `offset`; returns them and the next offset
/// (-1 when the string is used up).
fn decode(lua: &Lua, s: &[u8], limit: usize, offset: usize) -> mlua::Result<(Vec<Value>, i64)> {
    let mut d = Decoder {
        lua,
        s,
        pos: offset,
        depth: 0,
    };
    let mut values = Vec::new();
    while d.pos < s.len() && (limit == 0 || values.len() < limit) {
        match d.value() {
            Ok(v) => values.push(v),
            Err(Fail::Missing) => return Err(lua_error(lua, "Missing bytes in input.")),
            Err(Fail::Bad) => return Err(lua_error(lua, "Bad data format in input.")),
            Err(Fail::Lua(e)) => return Err(e),
        }
    }
    let next = if d.pos >= s.len() { -1 } else { d.pos as i64 };
    Ok((values, next))
}

fn offset_arg(lua: &Lua, args: &MultiValue, i: usize, name: &str) -> mlua::Result<usize> {
    if args.len() <= i {
        return Ok(0);
    }
    let n = super::check_number(lua, args, i, name)?;
    Ok(if n < 0.0 { 0 } else { n as usize })
}

pub fn open(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    t.raw_set(
        "pack",
        lua.create_function(|lua, args: MultiValue| {
            if args.is_empty() {
                return Err(lua_error(lua, "MessagePack pack needs input."));
            }
            let mut out = Vec::new();
            for v in &args {
                encode(lua, v, 0, &mut out)?;
            }
            lua.create_string(&out)
        })?,
    )?;
    t.raw_set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 0, "unpack")?;
            let (values, _) = decode(lua, &s, 0, 0)?;
            Ok(MultiValue::from_iter(values))
        })?,
    )?;
    t.raw_set(
        "unpack_one",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 0, "unpack_one")?;
            let offset = offset_arg(lua, &args, 1, "unpack_one")?;
            let (values, next) = decode(lua, &s, 1, offset)?;
            let mut out = vec![Value::Number(next as f64)];
            out.extend(values);
            Ok(MultiValue::from_iter(out))
        })?,
    )?;
    t.raw_set(
        "unpack_limit",
        lua.create_function(|lua, args: MultiValue| {
            let s = check_string(lua, &args, 0, "unpack_limit")?;
            let limit = offset_arg(lua, &args, 1, "unpack_limit")?;
            let offset = offset_arg(lua, &args, 2, "unpack_limit")?;
            let (values, next) = decode(lua, &s, limit, offset)?;
            let mut out = vec![Value::Number(next as f64)];
            out.extend(values);
            Ok(MultiValue::from_iter(out))
        })?,
    )?;
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    lua.globals().raw_set("cmsgpack", t)
}
