//! SET and its relatives SETNX, SETEX, PSETEX, plus GETEX, which shares SET's option parser
//! and expire-time arithmetic (Redis's `parseExtendedStringArgumentsOrReply` and
//! `getExpireMillisecondsOrReply`).

use super::{Found, Got, get_generic, read};
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

// Option flags, as Redis's OBJ_* flags.
const NX: u16 = 1;
const XX: u16 = 1 << 1;
const GET: u16 = 1 << 2;
const KEEPTTL: u16 = 1 << 3;
const PERSIST: u16 = 1 << 4;
const EX: u16 = 1 << 5;
const PX: u16 = 1 << 6;
const EXAT: u16 = 1 << 7;
const PXAT: u16 = 1 << 8;
/// The options that take an expire time.
const EXPIRES: u16 = EX | PX | EXAT | PXAT;

/// Parsed options: the flags, and the argument of the last expire option given.
#[derive(Debug, PartialEq)]
struct Opts<'a> {
    flags: u16,
    expire: Option<&'a [u8]>,
}

/// Which command the options belong to: SET takes NX, XX, GET and KEEPTTL; GETEX PERSIST.
#[derive(Clone, Copy, PartialEq)]
enum For {
    Set,
    Getex,
}

/// Parses `argv[from..]` with Redis's rules, `None` meaning a syntax error. An option that
/// conflicts with one already seen is a syntax error (NX with XX; an expire option with
/// another kind of expire, KEEPTTL or PERSIST), but repeating an option is allowed and the
/// last expire argument wins.
fn parse_opts(argv: &[Bytes], from: usize, cmd: For) -> Option<Opts<'_>> {
    let set = cmd == For::Set;
    let mut opts = Opts {
        flags: 0,
        expire: None,
    };
    let mut j = from;
    while j < argv.len() {
        let opt = c_str(&argv[j]);
        let is = |name: &[u8]| opt.eq_ignore_ascii_case(name);
        let flags = opts.flags;
        if set && is(b"NX") && flags & XX == 0 {
            opts.flags |= NX;
        } else if set && is(b"XX") && flags & NX == 0 {
            opts.flags |= XX;
        } else if set && is(b"GET") {
            opts.flags |= GET;
        } else if set && is(b"KEEPTTL") && flags & (PERSIST | EXPIRES) == 0 {
            opts.flags |= KEEPTTL;
        } else if !set && is(b"PERSIST") && flags & (KEEPTTL | EXPIRES) == 0 {
            opts.flags |= PERSIST;
        } else if let Some(unit) = expire_option(opt)
            && flags & (KEEPTTL | PERSIST | (EXPIRES & !unit)) == 0
            && j + 1 < argv.len()
        {
            opts.flags |= unit;
            j += 1;
            opts.expire = Some(&argv[j]);
        } else {
            return None;
        }
        j += 1;
    }
    Some(opts)
}

/// The flag of an expire option name.
fn expire_option(opt: &[u8]) -> Option<u16> {
    [
        (&b"EX"[..], EX),
        (b"PX", PX),
        (b"EXAT", EXAT),
        (b"PXAT", PXAT),
    ]
    .into_iter()
    .find_map(|(name, flag)| opt.eq_ignore_ascii_case(name).then_some(flag))
}

/// The argument up to its first NUL byte. Redis compares option names as C strings, so it
/// reads `EX\0junk` as `EX`; so do we.
fn c_str(arg: &[u8]) -> &[u8] {
    arg.iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul])
}

/// Why an expire time was refused.
#[derive(Clone, Copy, Debug, PartialEq)]
enum BadExpire {
    /// Not an integer: `ERR value is not an integer or out of range`.
    NotInteger,
    /// Not positive, or overflowing once in milliseconds or made absolute:
    /// `ERR invalid expire time in '<cmd>' command`.
    Invalid,
}

/// The absolute Unix-ms time an expire option means: `arg` is seconds for EX/EXAT and
/// milliseconds for PX/PXAT, relative to `now` for EX/PX. Every step is checked, because
/// Redis refuses (rather than wraps) a time that overflows a signed 64-bit millisecond count.
fn expire_at(arg: &[u8], flags: u16, now: u64) -> Result<u64, BadExpire> {
    let n = parse_i64(arg).ok_or(BadExpire::NotInteger)?;
    if n <= 0 {
        return Err(BadExpire::Invalid);
    }
    let ms = if flags & (EX | EXAT) != 0 {
        n.checked_mul(1000).ok_or(BadExpire::Invalid)?
    } else {
        n
    };
    let at = if flags & (EX | PX) != 0 {
        let now = i64::try_from(now).map_err(|_| BadExpire::Invalid)?;
        ms.checked_add(now).ok_or(BadExpire::Invalid)?
    } else {
        ms
    };
    Ok(at as u64)
}

/// Replies with the error for a refused expire time of command `name`.
fn bad_expire(out: &mut Out, bad: BadExpire, name: &str) {
    match bad {
        BadExpire::NotInteger => out.error(error::NOT_INTEGER),
        BadExpire::Invalid => out.error(&error::invalid_expire(name)),
    }
}

/// ```text
/// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
///     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
/// ```
pub(super) fn set(ctx: &mut Ctx) {
    match parse_opts(ctx.argv, 3, For::Set) {
        Some(opts) => set_generic(ctx, "set", &opts, 2, false),
        None => ctx.error(error::SYNTAX),
    }
}

/// ```text
/// SETNX key value
/// ```
pub(super) fn setnx(ctx: &mut Ctx) {
    set_generic(
        ctx,
        "setnx",
        &Opts {
            flags: NX,
            expire: None,
        },
        2,
        true,
    );
}

/// ```text
/// SETEX key seconds value
/// ```
pub(super) fn setex(ctx: &mut Ctx) {
    let opts = Opts {
        flags: EX,
        expire: Some(&ctx.argv[2]),
    };
    set_generic(ctx, "setex", &opts, 3, false);
}

/// ```text
/// PSETEX key milliseconds value
/// ```
pub(super) fn psetex(ctx: &mut Ctx) {
    let opts = Opts {
        flags: PX,
        expire: Some(&ctx.argv[2]),
    };
    set_generic(ctx, "psetex", &opts, 3, false);
}

/// Stores `argv[val]` at `argv[1]` as `opts` say (Redis's setGenericCommand). Replies +OK,
/// or nil when NX/XX stops it; `int_reply` gives SETNX's :1 and :0 instead. With GET the
/// reply is the old value, whether or not the value was set.
fn set_generic(ctx: &mut Ctx, name: &str, opts: &Opts, val: usize, int_reply: bool) {
    let argv = ctx.argv;
    let now = ctx.now();
    // The expire time is checked before anything is read or written.
    let expire = match opts
        .expire
        .map(|arg| expire_at(arg, opts.flags, now))
        .transpose()
    {
        Ok(at) => at,
        Err(bad) => return bad_expire(&mut ctx.out, bad, name),
    };
    let get = opts.flags & GET != 0;
    if get && get_generic(ctx) == Got::WrongType {
        return;
    }
    let db = &mut ctx.srv.dbs[ctx.db];
    if opts.flags & (NX | XX) != 0 {
        let found = db.contains(&argv[1], now);
        if found == (opts.flags & NX != 0) {
            if !get {
                if int_reply {
                    ctx.out.int(0);
                } else {
                    ctx.out.null();
                }
            }
            return;
        }
    }
    if opts.flags & KEEPTTL != 0 {
        db.set_str_keep_ttl(&argv[1], &argv[val], now);
    } else {
        // An EXAT/PXAT time already past still stores the key, already expired, as Redis does.
        db.set_str(&argv[1], &argv[val], expire);
    }
    ctx.modified(&argv[1]);
    // A relative time is propagated as the absolute one it became (as Redis 7.0 does).
    if let Some(at) = expire
        && opts.flags & PXAT == 0
        && ctx.propagating()
    {
        let at = Bytes::from(at.to_string());
        let (key, val) = (argv[1].clone(), argv[val].clone());
        ctx.rewrite(vec![
            Bytes::from_static(b"SET"),
            key,
            val,
            Bytes::from_static(b"PXAT"),
            at,
        ]);
    }
    if !get {
        if int_reply {
            ctx.out.int(1);
        } else {
            ctx.out.ok();
        }
    }
}

/// ```text
/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
///     PXAT unix-time-milliseconds | PERSIST]
/// ```
/// Replies with the value, then changes its TTL. As in Redis, a missing key gets nil and a
/// key of another type WRONGTYPE before the expire time is checked.
pub(super) fn getex(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(opts) = parse_opts(argv, 2, For::Getex) else {
        return ctx.error(error::SYNTAX);
    };
    let now = ctx.now();
    // Computed ahead (it touches nothing), reported only once the key is known to be a string.
    let expire = opts
        .expire
        .map(|arg| expire_at(arg, opts.flags, now))
        .transpose();
    match read(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => return ctx.out.null(),
        Found::Other => return ctx.out.error(error::WRONGTYPE),
        Found::Str(s) => match expire {
            Err(bad) => return bad_expire(&mut ctx.out, bad, "getex"),
            Ok(_) => ctx.out.bulk(s),
        },
    }
    let db = &mut ctx.srv.dbs[ctx.db];
    let key = &argv[1];
    let propagated = match expire {
        // An absolute time already past deletes the key rather than leave it expired.
        Ok(Some(at)) if opts.flags & (EXAT | PXAT) != 0 && at <= now => {
            db.remove(key);
            vec![Bytes::from_static(b"DEL"), key.clone()]
        }
        Ok(Some(at)) => {
            db.set_expire(key, Some(at), now);
            let at = Bytes::from(at.to_string());
            vec![Bytes::from_static(b"PEXPIREAT"), key.clone(), at]
        }
        // PERSIST changes something only if there was a TTL.
        _ if opts.flags & PERSIST != 0 && db.expiry(key, now) != Some(None) => {
            db.set_expire(key, None, now);
            vec![Bytes::from_static(b"PERSIST"), key.clone()]
        }
        _ => return,
    };
    ctx.modified(key);
    if ctx.propagating() {
        ctx.rewrite(propagated);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<Bytes> {
        a.iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    fn flags(a: &[&str], cmd: For) -> Option<u16> {
        let argv = args(a);
        parse_opts(&argv, 0, cmd).map(|o| o.flags)
    }

    #[test]
    fn options_follow_redis_conflict_rules() {
        assert_eq!(
            flags(&["nx", "GET", "ex", "1"], For::Set),
            Some(NX | GET | EX)
        );
        assert_eq!(flags(&["EX", "1", "EX", "2"], For::Set), Some(EX));
        assert_eq!(flags(&["GET", "GET", "NX", "NX"], For::Set), Some(GET | NX));
        assert_eq!(
            flags(&["KEEPTTL", "KEEPTTL", "XX"], For::Set),
            Some(KEEPTTL | XX)
        );
        assert_eq!(flags(&["NX", "XX"], For::Set), None);
        assert_eq!(flags(&["EX", "1", "PX", "1"], For::Set), None);
        assert_eq!(flags(&["PXAT", "1", "EXAT", "1"], For::Set), None);
        assert_eq!(flags(&["KEEPTTL", "EX", "1"], For::Set), None);
        assert_eq!(flags(&["EX", "1", "KEEPTTL"], For::Set), None);
        assert_eq!(flags(&["EX"], For::Set), None);
        assert_eq!(flags(&["PERSIST"], For::Set), None);
        assert_eq!(flags(&["PERSIST", "PERSIST"], For::Getex), Some(PERSIST));
        assert_eq!(flags(&["PERSIST", "EX", "1"], For::Getex), None);
        assert_eq!(flags(&["EX", "1", "PERSIST"], For::Getex), None);
        for opt in ["NX", "XX", "GET", "KEEPTTL"] {
            assert_eq!(flags(&[opt], For::Getex), None, "{opt}");
        }
        assert_eq!(flags(&["EX\0junk", "1"], For::Set), Some(EX));
        assert_eq!(flags(&["EXX", "1"], For::Set), None);
    }

    #[test]
    fn last_expire_argument_wins() {
        let argv = args(&["EX", "1", "EX", "2"]);
        assert_eq!(
            parse_opts(&argv, 0, For::Set).and_then(|o| o.expire),
            Some(&b"2"[..])
        );
    }

    #[test]
    fn expire_arithmetic_refuses_overflow() {
        let now = 1_700_000_000_000;
        assert_eq!(expire_at(b"10", EX, now), Ok(now + 10_000));
        assert_eq!(expire_at(b"10", PX, now), Ok(now + 10));
        assert_eq!(expire_at(b"10", EXAT, now), Ok(10_000));
        assert_eq!(expire_at(b"10", PXAT, now), Ok(10));
        assert_eq!(expire_at(b"0", PX, now), Err(BadExpire::Invalid));
        assert_eq!(expire_at(b"-1", EXAT, now), Err(BadExpire::Invalid));
        assert_eq!(expire_at(b"1.5", EX, now), Err(BadExpire::NotInteger));
        assert_eq!(
            expire_at(b"9223372036854775808", PX, now),
            Err(BadExpire::NotInteger)
        );
        // Seconds that overflow once in milliseconds, and times that overflow once absolute.
        assert_eq!(
            expire_at(b"9223372036854776", EXAT, now),
            Err(BadExpire::Invalid)
        );
        assert_eq!(
            expire_at(b"9223372036854775", EXAT, now),
            Ok(9_223_372_036_854_775_000)
        );
        assert_eq!(
            expire_at(b"9223372036854775", EX, now),
            Err(BadExpire::Invalid)
        );
        let max = i64::MAX as u64;
        assert_eq!(
            expire_at((max - now).to_string().as_bytes(), PX, now),
            Ok(max)
        );
        assert_eq!(
            expire_at((max - now + 1).to_string().as_bytes(), PX, now),
            Err(BadExpire::Invalid)
        );
        assert_eq!(expire_at(b"9223372036854775807", PXAT, now), Ok(max));
    }
}
