//! `bit`: LuaBitOp 1.0.2 as Redis bundles it. Every operation works on 32-bit integers and
//! returns a signed 32-bit result as a Lua number.

use super::check_number;
use mlua::{Lua, MultiValue};

/// A number as LuaBitOp normalises it: rounded to the nearest integer and wrapped to 32
/// bits (the `n + 2^52 + 2^51` trick `barg` uses, so the same doubles give the same bits).
pub fn tobit(n: f64) -> i32 {
    (n + 6_755_399_441_055_744.0).to_bits() as u32 as i32
}

fn arg(lua: &Lua, args: &MultiValue, i: usize, f: &str) -> mlua::Result<i32> {
    check_number(lua, args, i, f).map(tobit)
}

pub fn open(lua: &Lua) -> mlua::Result<()> {
    let t = lua.create_table()?;
    type Op = fn(i32, i32) -> i32;
    let folds: [(&str, Op); 3] = [
        ("band", |a, b| a & b),
        ("bor", |a, b| a | b),
        ("bxor", |a, b| a ^ b),
    ];
    for (name, op) in folds {
        t.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                let mut acc = arg(lua, &args, 0, name)?;
                for i in 1..args.len() {
                    acc = op(acc, arg(lua, &args, i, name)?);
                }
                Ok(acc as f64)
            })?,
        )?;
    }
    let shifts: [(&str, Op); 5] = [
        ("lshift", |a, n| ((a as u32) << (n & 31)) as i32),
        ("rshift", |a, n| ((a as u32) >> (n & 31)) as i32),
        ("arshift", |a, n| a >> (n & 31)),
        ("rol", |a, n| (a as u32).rotate_left((n & 31) as u32) as i32),
        ("ror", |a, n| {
            (a as u32).rotate_right((n & 31) as u32) as i32
        }),
    ];
    for (name, op) in shifts {
        t.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                Ok(op(arg(lua, &args, 0, name)?, arg(lua, &args, 1, name)?) as f64)
            })?,
        )?;
    }
    t.raw_set(
        "tobit",
        lua.create_function(|lua, args: MultiValue| Ok(arg(lua, &args, 0, "tobit")? as f64))?,
    )?;
    t.raw_set(
        "bnot",
        lua.create_function(|lua, args: MultiValue| Ok(!arg(lua, &args, 0, "bnot")? as f64))?,
    )?;
    t.raw_set(
        "bswap",
        lua.create_function(|lua, args: MultiValue| {
            Ok(arg(lua, &args, 0, "bswap")?.swap_bytes() as f64)
        })?,
    )?;
    t.raw_set(
        "tohex",
        lua.create_function(|lua, args: MultiValue| {
            let b = arg(lua, &args, 0, "tohex")? as u32;
            let mut n = if args.len() > 1 {
                arg(lua, &args, 1, "tohex")?
            } else {
                8
            };
            let upper = n < 0;
            if upper {
                n = -n;
            }
            let n = n.clamp(1, 8) as usize;
            let hex = if upper {
                format!("{b:08X}")
            } else {
                format!("{b:08x}")
            };
            Ok(hex[8 - n..].to_string())
        })?,
    )?;
    lua.globals().raw_set("bit", t)
}

#[cfg(test)]
mod tests {
    use super::tobit;

    #[test]
    fn tobit_wraps_and_rounds_as_luabitop() {
        assert_eq!(tobit(0xffff_ffffu32 as f64), -1);
        assert_eq!(tobit(4294967296.0 + 5.0), 5);
        assert_eq!(tobit(-1.0), -1);
        assert_eq!(tobit(2.5), 2);
        assert_eq!(tobit(3.5), 4);
    }
}
