//! `struct`: Roberto Ierusalimschy's lua-struct 0.2, as Redis bundles it: `struct.pack`,
//! `struct.unpack`, `struct.size` over a format of `<` `>` `!n` `x` `b` `B` `h` `H` `l` `L`
//! `T` `i[n]` `I[n]` `f` `d` `s` `c[n]` (native: little-endian, 64-bit longs).

use super::{check_number, check_string};
use crate::script::vm::lua_error;
use mlua::{Lua, MultiValue, Value};

/// Largest integer size (`MAXINTSIZE`) and the platform's maximum alignment (`MAXALIGN`).
const MAX_INT: usize = 32;
const MAX_ALIGN: usize = 8;

struct Header {
    little: bool,
    align: usize,
}

/// One parsed format item: the option and its size.
struct Item {
    opt: u8,
    size: usize,
}

struct Format<'a> {
    fmt: &'a [u8],
    pos: usize,
    /// The Lua function reading it, for argument errors.
    func: &'static str,
}

impl Format<'_> {
    fn num(&mut self, default: usize) -> usize {
        if self.fmt.get(self.pos).is_none_or(|c| !c.is_ascii_digit()) {
            return default;
        }
        let mut n: usize = 0;
        while let Some(c) = self.fmt.get(self.pos).filter(|c| c.is_ascii_digit()) {
            n = n.saturating_mul(10).saturating_add((c - b'0') as usize);
            self.pos += 1;
        }
        n
    }

    /// The next item, after applying the control options (`<`, `>`, `!`, spaces).
    fn next(&mut self, lua: &Lua, h: &mut Header) -> mlua::Result<Option<Item>> {
        while let Some(&opt) = self.fmt.get(self.pos) {
            self.pos += 1;
            let size = match opt {
                b'x' | b'b' | b'B' | b's' => 1,
                b'h' | b'H' => 2,
                b'l' | b'L' | b'T' | b'd' => 8,
                b'f' => 4,
                b'c' => self.num(1),
                b'i' | b'I' => {
                    let n = self.num(4);
                    if n > MAX_INT {
                        return Err(lua_error(
                            lua,
                            &format!("integral size {n} is larger than limit of {MAX_INT}"),
                        ));
                    }
                    n
                }
                b' ' => continue,
                b'>' => {
                    h.little = false;
                    continue;
                }
                b'<' => {
                    h.little = true;
                    continue;
                }
                b'!' => {
                    let a = self.num(MAX_ALIGN);
                    if !a.is_power_of_two() {
                        return Err(lua_error(
                            lua,
                            &format!("alignment {a} is not a power of 2"),
                        ));
                    }
                    h.align = a;
                    continue;
                }
                other => {
                    return Err(lua_error(
                        lua,
                        &format!(
                            "bad argument #1 to '{}' (invalid format option '{}')",
                            self.func, other as char
                        ),
                    ));
                }
            };
            return Ok(Some(Item { opt, size }));
        }
        Ok(None)
    }
}

/// Padding before an item of `size` at offset `len` (`gettoalign`).
fn pad(len: usize, h: &Header, item: &Item) -> usize {
    if item.size == 0 || item.opt == b'c' {
        return 0;
    }
    let size = item.size.min(h.align);
    if size <= 1 {
        return 0;
    }
    (size - (len & (size - 1))) & (size - 1)
}

fn put_int(out: &mut Vec<u8>, n: f64, little: bool, size: usize) {
    let mut v: u64 = if n < 0.0 { n as i64 as u64 } else { n as u64 };
    let mut bytes = vec![0u8; size];
    for b in bytes.iter_mut().take(8) {
        *b = (v & 0xff) as u8;
        v >>= 8;
    }
    if !little {
        bytes.reverse();
    }
    out.extend_from_slice(&bytes);
}

fn pack(lua: &Lua, args: MultiValue) -> mlua::Result<mlua::LuaString> {
    let fmt = check_string(lua, &args, 0, "pack")?;
    let mut f = Format {
        fmt: &fmt,
        pos: 0,
        func: "pack",
    };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut out = Vec::new();
    let mut arg = 1;
    while let Some(item) = f.next(lua, &mut h)? {
        let p = pad(out.len(), &h, &item);
        out.resize(out.len() + p, 0);
        match item.opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = check_number(lua, &args, arg, "pack")?;
                arg += 1;
                put_int(&mut out, n, h.little, item.size);
            }
            b'x' => out.push(0),
            b'f' => {
                let n = check_number(lua, &args, arg, "pack")? as f32;
                arg += 1;
                let b = if h.little {
                    n.to_le_bytes()
                } else {
                    n.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            b'd' => {
                let n = check_number(lua, &args, arg, "pack")?;
                arg += 1;
                let b = if h.little {
                    n.to_le_bytes()
                } else {
                    n.to_be_bytes()
                };
                out.extend_from_slice(&b);
            }
            b'c' | b's' => {
                let s = check_string(lua, &args, arg, "pack")?;
                arg += 1;
                let size = if item.opt == b's' || item.size == 0 {
                    s.len()
                } else {
                    item.size
                };
                if s.len() < size {
                    return Err(lua_error(
                        lua,
                        &format!("bad argument #{arg} to 'pack' (string too short)"),
                    ));
                }
                out.extend_from_slice(&s[..size]);
                if item.opt == b's' {
                    out.push(0);
                }
            }
            _ => {}
        }
    }
    lua.create_string(&out)
}

fn unpack(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let fmt = check_string(lua, &args, 0, "unpack")?;
    let data = check_string(lua, &args, 1, "unpack")?;
    let start = if args.len() > 2 {
        check_number(lua, &args, 2, "unpack")? as i64
    } else {
        1
    };
    if start < 1 {
        return Err(lua_error(
            lua,
            "bad argument #3 to 'unpack' (offset must be 1 or greater)",
        ));
    }
    let mut pos = (start - 1) as usize;
    let mut f = Format {
        fmt: &fmt,
        pos: 0,
        func: "unpack",
    };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut out: Vec<Value> = Vec::new();
    let short = |lua: &Lua| lua_error(lua, "bad argument #2 to 'unpack' (data string too short)");
    while let Some(item) = f.next(lua, &mut h)? {
        pos += pad(pos, &h, &item);
        let take = |pos: usize, n: usize| data.get(pos..pos.checked_add(n)?);
        match item.opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let mut bytes = take(pos, item.size).ok_or_else(|| short(lua))?.to_vec();
                if !h.little {
                    bytes.reverse();
                }
                let mut v: u64 = 0;
                for (i, b) in bytes.iter().enumerate().take(8) {
                    v |= (*b as u64) << (8 * i);
                }
                let signed = item.opt.is_ascii_lowercase();
                let n = if signed && item.size < 8 && item.size > 0 {
                    let mask = u64::MAX << (item.size * 8 - 1);
                    if v & mask != 0 {
                        (v | mask) as i64 as f64
                    } else {
                        v as f64
                    }
                } else if signed {
                    v as i64 as f64
                } else {
                    v as f64
                };
                out.push(Value::Number(n));
                pos += item.size;
            }
            b'x' => pos += 1,
            b'f' => {
                let b = take(pos, 4).ok_or_else(|| short(lua))?;
                let a = [b[0], b[1], b[2], b[3]];
                let v = if h.little {
                    f32::from_le_bytes(a)
                } else {
                    f32::from_be_bytes(a)
                };
                out.push(Value::Number(v as f64));
                pos += 4;
            }
            b'd' => {
                let b = take(pos, 8).ok_or_else(|| short(lua))?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                let v = if h.little {
                    f64::from_le_bytes(a)
                } else {
                    f64::from_be_bytes(a)
                };
                out.push(Value::Number(v));
                pos += 8;
            }
            b'c' => {
                let mut size = item.size;
                if size == 0 {
                    match out.pop() {
                        Some(Value::Number(n)) => size = n as usize,
                        _ => return Err(lua_error(lua, "format 'c0' needs a previous size")),
                    }
                }
                let s = take(pos, size).ok_or_else(|| short(lua))?;
                out.push(Value::String(lua.create_string(s)?));
                pos += size;
            }
            b's' => {
                let rest = data.get(pos..).unwrap_or(&[]);
                let Some(end) = rest.iter().position(|&b| b == 0) else {
                    return Err(lua_error(lua, "unfinished string in data"));
                };
                out.push(Value::String(lua.create_string(&rest[..end])?));
                pos += end + 1;
            }
            _ => {}
        }
    }
    out.push(Value::Number((pos + 1) as f64));
    Ok(MultiValue::from_iter(out))
}

fn size(lua: &Lua, args: MultiValue) -> mlua::Result<f64> {
    let fmt = check_string(lua, &args, 0, "size")?;
    let mut f = Format {
        fmt: &fmt,
        pos: 0,
        func: "size",
    };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut total = 0usize;
    while let Some(item) = f.next(lua, &mut h)? {
        if item.opt == b's' || (item.opt == b'c' && item.size == 0) {
            return Err(lua_error(
                lua,
                "bad argument #1 to 'size' (options 'c0' - 's' have undefined sizes)",
            ));
        }
        total += pad(total, &h, &item) + item.size;
    }
    Ok(total as f64)
}

pub fn open(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    t.raw_set("pack", lua.create_function(pack)?)?;
    t.raw_set("unpack", lua.create_function(unpack)?)?;
    t.raw_set("size", lua.create_function(size)?)?;
    lua.globals().raw_set("struct", t)
}
