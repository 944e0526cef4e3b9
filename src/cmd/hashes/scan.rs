//! HSCAN, and the cursor, option parsing and reply that SSCAN (and ZSCAN) share with it.
//!
//! The cursor is a position walked downwards (`db/collection_scan.rs` says why no element
//! present for a whole scan is missed). A collection Redis 7.0 would keep in a compact
//! encoding (a listpack hash, an intset) is returned whole in one call with cursor 0, as
//! Redis does, whatever COUNT says.
//!
//! Redis checks the cursor, then the key, then the options: a missing key answers the empty
//! scan even when the options are wrong.

use crate::cmd::read_value as read;
use crate::db::collection_scan;
use crate::engine::ctx::Ctx;
use crate::engine::out::Out;
use crate::error;
use crate::util::glob::glob_match;
use crate::util::number::parse_i64;
use bytes::Bytes;

pub(crate) const INVALID_CURSOR: &str = "ERR invalid cursor";
/// COUNT when none is given.
const DEFAULT_COUNT: usize = 10;

/// ```text
/// HSCAN key cursor [MATCH pattern] [COUNT count]
/// ```
/// MATCH filters on the field; each match is returned with its value.
pub(super) fn hscan(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let Some(cursor) = crate::util::number::parse_cursor(&argv[2]) else {
        return ctx.error(INVALID_CURSOR);
    };
    let Some(value) = read(ctx.srv, ctx.db, &argv[1]) else {
        return reply(&mut ctx.out, 0, &[]);
    };
    let crate::db::ValueRef::Hash(h) = value else {
        return ctx.out.error(error::WRONGTYPE);
    };
    let opts = match ScanOpts::parse(&argv[3..]) {
        Ok(opts) => opts,
        Err(e) => return ctx.out.error(e),
    };
    let mut items: Vec<&[u8]> = Vec::new();
    let mut visit = |(f, v)| {
        if opts.matches(f) {
            items.push(f);
            items.push(v);
        }
    };
    let next = if h.is_listpack() {
        h.iter().for_each(&mut visit);
        0
    } else {
        let (positions, next) = collection_scan::step(h.len(), cursor, opts.count);
        positions
            .rev()
            .filter_map(|i| h.get_index(i))
            .for_each(&mut visit);
        next
    };
    reply(&mut ctx.out, next, &items);
}

/// MATCH and COUNT of a collection scan.
pub(crate) struct ScanOpts<'a> {
    /// `None` matches everything (no MATCH, or a plain `*`).
    pattern: Option<&'a [u8]>,
    /// How many positions one call visits.
    pub count: usize,
}

impl<'a> ScanOpts<'a> {
    /// Parses the options after the cursor, with Redis's errors: a non-integer COUNT is
    /// NOT_INTEGER, a COUNT below 1 or anything unknown (TYPE included: it is for SCAN only)
    /// is a syntax error. A repeated option takes its last value.
    pub(crate) fn parse(args: &'a [Bytes]) -> Result<ScanOpts<'a>, &'static str> {
        let mut opts = ScanOpts {
            pattern: None,
            count: DEFAULT_COUNT,
        };
        let mut i = 0;
        while i < args.len() {
            let Some(value) = args.get(i + 1) else {
                return Err(error::SYNTAX);
            };
            let opt = &args[i];
            if opt.eq_ignore_ascii_case(b"count") {
                let n = parse_i64(value).ok_or(error::NOT_INTEGER)?;
                if n < 1 {
                    return Err(error::SYNTAX);
                }
                opts.count = usize::try_from(n).unwrap_or(usize::MAX);
            } else if opt.eq_ignore_ascii_case(b"match") {
                // The matcher does not let `*` match the empty string; Redis skips a plain
                // `*` altogether, so it matches everything.
                opts.pattern = (value.as_ref() != b"*").then_some(&value[..]);
            } else {
                return Err(error::SYNTAX);
            }
            i += 2;
        }
        Ok(opts)
    }

    pub(crate) fn matches(&self, item: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, item, false))
    }
}

/// Writes a scan reply: the next cursor (a bulk string) and the items found.
pub(crate) fn reply(out: &mut Out, cursor: u64, items: &[&[u8]]) {
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.bulks(items.iter().copied());
}
