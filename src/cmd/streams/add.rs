//! XADD, XTRIM and XSETID: the commands that append to a stream, trim it, or set its
//! counters, with Redis 7.0's shared option parser for MAXLEN / MINID / LIMIT.

use super::{Found, INVALID_ID, int_arg, reply_id, strict_id, write};
use crate::db::Value;
use crate::db::stream::{AddError, Stream, StreamId, Trim, id};
use crate::engine::ctx::Ctx;
use crate::error;

const ZERO_ID: &str = "ERR The ID specified in XADD must be greater than 0-0";
const TOO_SMALL: &str =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
const EXHAUSTED: &str =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
const BOTH_STRATEGIES: &str =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
const MAXLEN_NEGATIVE: &str = "ERR The MAXLEN argument must be >= 0.";
const LIMIT_NEGATIVE: &str = "ERR The LIMIT argument must be >= 0.";
const LIMIT_NO_STRATEGY: &str =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
const NO_STRATEGY: &str = "ERR syntax error, XTRIM must be called with a trimming strategy";
const LIMIT_NOT_APPROX: &str =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";

/// Approximate trimming's default work bound: 100 nodes' worth of entries, at most 10000
/// (Redis: `100 * stream-node-max-entries`).
const DEFAULT_LIMIT: u64 = 10_000;

/// What XADD's and XTRIM's options say.
#[derive(Debug, Default)]
struct AddArgs {
    trim: Option<Trim>,
    approx: bool,
    /// Most entries approximate trimming may remove; 0: no bound.
    limit: u64,
    nomkstream: bool,
    /// XADD's explicit ID and whether its sequence was given (None: `*`).
    id: Option<(StreamId, bool)>,
    /// Where the ID is (XADD) or where the options ended (XTRIM).
    id_pos: usize,
}

/// Parses the options from argument 2 on (Redis's streamParseAddOrTrimArgsOrReply). For XADD
/// parsing stops at the ID (`*` or the first argument that is not an option).
fn parse_args(argv: &[bytes::Bytes], xadd: bool) -> Result<AddArgs, &'static str> {
    let mut a = AddArgs::default();
    let mut limit_given = false;
    let mut i = 2;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let opt = &argv[i][..];
        let is = |name: &str| opt.eq_ignore_ascii_case(name.as_bytes());
        if xadd && opt == b"*" {
            break;
        } else if (is("maxlen") || is("minid")) && more > 0 {
            if a.trim.is_some() {
                return Err(BOTH_STRATEGIES);
            }
            a.approx = false;
            let next = &argv[i + 1][..];
            if more >= 2 && (next == b"~" || next == b"=") {
                a.approx = next == b"~";
                i += 1;
            }
            let arg = &argv[i + 1];
            a.trim = Some(if is("maxlen") {
                let n = int_arg(arg)?;
                Trim::MaxLen(u64::try_from(n).map_err(|_| MAXLEN_NEGATIVE)?)
            } else {
                Trim::MinId(strict_id(arg)?)
            });
            i += 1;
        } else if is("limit") && more > 0 {
            let n = int_arg(&argv[i + 1])?;
            a.limit = u64::try_from(n).map_err(|_| LIMIT_NEGATIVE)?;
            limit_given = true;
            i += 1;
        } else if xadd && is("nomkstream") {
            a.nomkstream = true;
        } else if xadd {
            a.id = Some(id::parse_for_add(opt).ok_or(INVALID_ID)?);
            break;
        } else {
            return Err(error::SYNTAX);
        }
        i += 1;
    }
    a.id_pos = i;
    if limit_given && a.trim.is_none() {
        return Err(LIMIT_NO_STRATEGY);
    }
    if !xadd && a.trim.is_none() {
        return Err(NO_STRATEGY);
    }
    if limit_given {
        if !a.approx {
            return Err(LIMIT_NOT_APPROX);
        }
    } else if a.approx {
        a.limit = DEFAULT_LIMIT;
    } else {
        a.limit = 0;
    }
    Ok(a)
}

/// ```text
/// XADD key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id>
///     field value [field value ...]
/// ```
pub(super) fn xadd(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let a = match parse_args(argv, true) {
        Ok(a) => a,
        Err(e) => return ctx.error(e),
    };
    let fields_at = a.id_pos + 1;
    let n = argv.len().saturating_sub(fields_at);
    if fields_at > argv.len() || n < 2 || n % 2 == 1 {
        return ctx.error(&error::wrong_arity("xadd"));
    }
    // Refused before the key is looked at, so no empty stream is left behind.
    if let Some((id, true)) = a.id
        && id.is_zero()
    {
        return ctx.error(ZERO_ID);
    }
    let key = &argv[1];
    let now = ctx.now();
    let s = match write(ctx.srv, ctx.db, key) {
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
        Found::Missing if a.nomkstream => return ctx.out.null(),
        Found::Missing => {
            let db = &mut ctx.srv.dbs[ctx.db];
            db.set(key, Value::Stream(Box::default()), None);
            match db.get_mut(key, now) {
                Some(Value::Stream(s)) => s,
                _ => return ctx.error(error::WRONGTYPE),
            }
        }
    };
    if s.last_id == StreamId::MAX {
        return ctx.error(EXHAUSTED);
    }
    let id = match s.next_id(a.id, now) {
        Ok(id) => id,
        Err(AddError::TooSmall) => return ctx.error(TOO_SMALL),
    };
    // Copies: the arguments are slices of the client's read buffer.
    let fields = argv[fields_at..]
        .iter()
        .map(|f| bytes::Bytes::copy_from_slice(f))
        .collect();
    s.push(id, fields);
    if let Some(how) = a.trim {
        s.trim(how, a.approx, a.limit);
    }
    let len = s.len();
    reply_id(&mut ctx.out, &id);
    ctx.modified(key);
    // Propagated with the ID it got and, when it trimmed, as an exact MAXLEN to the length
    // it left: approximate trimming depends on node layout, which a replica need not share.
    if ctx.propagating() {
        let mut op = vec![bytes::Bytes::from_static(b"XADD"), key.clone()];
        if a.nomkstream {
            op.push(bytes::Bytes::from_static(b"NOMKSTREAM"));
        }
        if a.trim.is_some() {
            op.push(bytes::Bytes::from_static(b"MAXLEN"));
            op.push(bytes::Bytes::from_static(b"="));
            op.push(bytes::Bytes::from(len.to_string()));
        }
        op.push(bytes::Bytes::copy_from_slice(id.fmt().as_bytes()));
        op.extend(argv[fields_at..].iter().cloned());
        ctx.rewrite(op);
    }
    ctx.signal_ready(key);
}

/// ```text
/// XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]
/// ```
pub(super) fn xtrim(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let a = match parse_args(argv, false) {
        Ok(a) => a,
        Err(e) => return ctx.error(e),
    };
    let s = match write(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => return ctx.out.int(0),
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
    };
    let how = a.trim.unwrap_or(Trim::MaxLen(u64::MAX));
    let n = s.trim(how, a.approx, a.limit);
    let len = s.len();
    ctx.out.int(n as i64);
    if n > 0 {
        ctx.modified(&argv[1]);
        if ctx.propagating() {
            let key = argv[1].clone();
            let len = bytes::Bytes::from(len.to_string());
            let (maxlen, eq) = (
                bytes::Bytes::from_static(b"MAXLEN"),
                bytes::Bytes::from_static(b"="),
            );
            ctx.rewrite(vec![
                bytes::Bytes::from_static(b"XTRIM"),
                key,
                maxlen,
                eq,
                len,
            ]);
        }
    }
}

/// ```text
/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
/// ```
pub(super) fn xsetid(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let id = match strict_id(&argv[2]) {
        Ok(id) => id,
        Err(e) => return ctx.error(e),
    };
    let mut added: Option<u64> = None;
    let mut max_deleted = StreamId::MIN;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if argv[i].eq_ignore_ascii_case(b"ENTRIESADDED") && more > 0 {
            match int_arg(&argv[i + 1]) {
                Ok(n) if n < 0 => return ctx.error("ERR entries_added must be positive"),
                Ok(n) => added = Some(n as u64),
                Err(e) => return ctx.error(e),
            }
        } else if argv[i].eq_ignore_ascii_case(b"MAXDELETEDID") && more > 0 {
            match strict_id(&argv[i + 1]) {
                Ok(m) if id < m => {
                    return ctx.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
                Ok(m) => max_deleted = m,
                Err(e) => return ctx.error(e),
            }
        } else {
            return ctx.error(error::SYNTAX);
        }
        i += 2;
    }
    let s = match write(ctx.srv, ctx.db, &argv[1]) {
        Found::Missing => return ctx.error(error::NO_SUCH_KEY),
        Found::Other => return ctx.error(error::WRONGTYPE),
        Found::Stream(s) => s,
    };
    if let Err(e) = set_id(s, id, added, max_deleted) {
        return ctx.error(e);
    }
    ctx.modified(&argv[1]);
    ctx.out.ok();
}

/// XSETID's checks and effect. (Redis 7.0 checks the new ID against the newest entry only,
/// not against the largest deleted one.)
fn set_id(
    s: &mut Stream,
    id: StreamId,
    added: Option<u64>,
    max_deleted: StreamId,
) -> Result<(), &'static str> {
    if let Some((top, _)) = s.last_entry() {
        if id < *top {
            return Err(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            );
        }
        if added.is_some_and(|a| (s.len() as u64) > a) {
            return Err(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            );
        }
    }
    s.last_id = id;
    if let Some(a) = added {
        s.entries_added = a;
    }
    if !max_deleted.is_zero() {
        s.max_deleted_id = max_deleted;
    }
    Ok(())
}
