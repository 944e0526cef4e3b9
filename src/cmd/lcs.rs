//! LCS: the longest common subsequence of two strings, with its length (LEN) or the
//! matching ranges (IDX, MINMATCHLEN, WITHMATCHLEN), by Redis's dynamic programme and its
//! backward walk, so ranges come out in Redis's order.

use crate::engine::ctx::Ctx;
use crate::engine::table::Handler;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

/// The commands this file implements; their metadata is in `engine/commands.json`.
pub const HANDLERS: &[(&str, Handler)] = &[("lcs", lcs)];

/// ```text
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
/// ```
fn lcs(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let mut strs: [Bytes; 2] = Default::default();
    let mut wrong = false;
    for (i, key) in argv[1..3].iter().enumerate() {
        match crate::cmd::read_value(ctx.srv, ctx.db, key) {
            None => {}
            Some(crate::db::ValueRef::Str(s)) => strs[i] = Bytes::copy_from_slice(s),
            Some(_) => wrong = true,
        }
    }
    if wrong {
        return ctx.error("ERR The specified keys must contain string values");
    }
    let (mut getlen, mut getidx, mut withlen, mut minlen) = (false, false, false, 0u64);
    let mut j = 3;
    while j < argv.len() {
        let o = &argv[j];
        let more = j + 1 < argv.len();
        if o.eq_ignore_ascii_case(b"idx") {
            getidx = true;
        } else if o.eq_ignore_ascii_case(b"len") {
            getlen = true;
        } else if o.eq_ignore_ascii_case(b"withmatchlen") {
            withlen = true;
        } else if o.eq_ignore_ascii_case(b"minmatchlen") && more {
            let Some(n) = parse_i64(&argv[j + 1]) else {
                return ctx.error(error::NOT_INTEGER);
            };
            minlen = n.max(0) as u64;
            j += 1;
        } else {
            return ctx.error(error::SYNTAX);
        }
        j += 1;
    }
    if getidx && getlen {
        return ctx.error("ERR If you want both the length and indexes, please just use IDX.");
    }
    let [a, b] = strs;
    let (alen, blen) = (a.len(), b.len());
    if alen >= u32::MAX as usize - 1 || blen >= u32::MAX as usize - 1 {
        return ctx.error("ERR String too long for LCS");
    }
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells.saturating_mul(4) > ctx.srv.config.proto_max_bulk_len {
        return ctx
            .error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    // table[i][j]: the LCS length of a[..i] and b[..j].
    let w = blen + 1;
    let mut t = vec![0u32; (alen + 1) * w];
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[alen * w + blen];
    if getlen {
        return ctx.out.int(i64::from(total));
    }
    // Walk back from the end, collecting the string and the ranges.
    let mut result = vec![0u8; total as usize];
    let mut ranges: Vec<[u64; 5]> = Vec::new();
    let mut idx = total as usize;
    let (mut i, mut j) = (alen, blen);
    let mut cur: Option<[usize; 4]> = None; // a start, a end, b start, b end
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            match &mut cur {
                None => cur = Some([i - 1, i - 1, j - 1, j - 1]),
                Some(r) if r[0] == i && r[2] == j => {
                    r[0] -= 1;
                    r[2] -= 1;
                }
                Some(_) => emit = true,
            }
            if cur.is_some_and(|r| r[0] == 0 || r[2] == 0) {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = cur.is_some();
        }
        if emit && let Some(r) = cur.take() {
            let len = (r[1] - r[0] + 1) as u64;
            if minlen == 0 || len >= minlen {
                ranges.push([r[0] as u64, r[1] as u64, r[2] as u64, r[3] as u64, len]);
            }
        }
    }
    if !getidx {
        return ctx.out.bulk(&result);
    }
    ctx.out.map(2);
    ctx.out.bulk(b"matches");
    ctx.out.array(ranges.len());
    for r in ranges {
        ctx.out.array(2 + usize::from(withlen));
        ctx.out.array(2);
        ctx.out.int(r[0] as i64);
        ctx.out.int(r[1] as i64);
        ctx.out.array(2);
        ctx.out.int(r[2] as i64);
        ctx.out.int(r[3] as i64);
        if withlen {
            ctx.out.int(r[4] as i64);
        }
    }
    ctx.out.bulk(b"len");
    ctx.out.int(i64::from(total));
}
