//! Incremental, zero-copy parser for RESP client requests.
//!
//! A connection appends whatever it read from the socket to a `BytesMut` and
//! calls [`Parser::parse`] until it returns `Ok(None)`. Every complete command
//! is cut off the front of the buffer with a single `split_to().freeze()`, and
//! its arguments are `Bytes` slices of that frozen chunk: the payload of a
//! multibulk request is never copied. Only inline arguments that use quotes or
//! escapes have to be rebuilt into a fresh buffer.
//!
//! The grammar and the error replies follow Redis 7 (`processMultibulkBuffer`
//! and `processInlineBuffer` in networking.c, `sdssplitargs` in sds.c), so
//! clients see the same protocol errors they would see talking to Redis.
//!
//! This module only turns bytes into argument vectors. It never sees sockets,
//! the keyspace or command tables: reading, replying, closing the connection
//! and dispatching commands are the caller's business.
//!
//! The parser keeps its position between calls. A command arriving in many
//! small reads is scanned exactly once: a line resumes its terminator search
//! where the previous call stopped, and a bulk of known length is not looked
//! at until all of it is there. Feeding a 100 MB value in 16 KB reads is
//! therefore O(total), not O(n^2).

use bytes::{Buf, Bytes, BytesMut};
use std::fmt;

/// Longest line (inline request, `*<count>` or `$<len>`) we accept before the
/// terminator shows up. Redis's PROTO_INLINE_MAX_SIZE.
const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;

/// Redis preallocates at most this many argv slots from the announced count,
/// so that `*2147483647\r\n` can't make us allocate gigabytes up front.
const ARGV_PREALLOC_MAX: usize = 1024;

/// Above this capacity the range vector is released after the command, so a
/// single huge MSET doesn't pin memory for the life of the connection.
const RANGES_KEEP_MAX: usize = 4096;

/// Limits the connection enforces while parsing (configurable at runtime by the caller).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest accepted bulk length (`proto-max-bulk-len`, default 512 MB).
    pub max_bulk_len: u64,
    /// Largest incomplete command we are willing to buffer
    /// (`client-query-buffer-limit`, default 1 GB).
    pub max_query_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            max_query_len: 1024 * 1024 * 1024,
        }
    }
}

/// A protocol error. The connection must reply with [`ParseError::message`]
/// and be closed: we can't know where the next command would start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    InvalidMultibulkLen,
    InvalidBulkLen,
    ExpectedDollar(u8),
    TooBigInline,
    TooBigMbulkCount,
    TooBigBulkCount,
    UnbalancedQuotes,
    ExpectedCrlf,
    QueryBufferLimit,
}

impl ParseError {
    /// The error line Redis sends, without the leading '-' and trailing CRLF, e.g.
    /// "ERR Protocol error: invalid multibulk length".
    pub fn message(&self) -> String {
        let what = match self {
            ParseError::InvalidMultibulkLen => "invalid multibulk length",
            ParseError::InvalidBulkLen => "invalid bulk length",
            ParseError::ExpectedDollar(b) => {
                // Redis turns CR/LF into spaces in error replies, otherwise the
                // reply itself would break the protocol.
                let c = match *b {
                    b'\r' | b'\n' => ' ',
                    b => char::from(b),
                };
                return format!("ERR Protocol error: expected '$', got '{c}'");
            }
            ParseError::TooBigInline => "too big inline request",
            ParseError::TooBigMbulkCount => "too big mbulk count string",
            ParseError::TooBigBulkCount => "too big bulk count string",
            ParseError::UnbalancedQuotes => "unbalanced quotes in request",
            ParseError::ExpectedCrlf => r"expected '\r\n' after bulk data",
            ParseError::QueryBufferLimit => "query buffer limit exceeded",
        };
        format!("ERR Protocol error: {what}")
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ParseError {}

/// What the parser is waiting for. All offsets in `Parser` are relative to
/// the start of the buffer, which is always the start of the current command
/// because complete commands are cut off the front.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Between commands: the first byte decides inline vs multibulk.
    #[default]
    Start,
    /// Looking for the '\n' that ends an inline request.
    Inline,
    /// Looking for the "\r\n" that ends `*<count>`.
    Count,
    /// Looking for the "\r\n" that ends the `$<len>` line at `pos`.
    Header,
    /// Waiting for `bulk_len` bytes plus "\r\n" at `pos`.
    Data,
}

/// Result of one pass over the buffer, before we touch the `BytesMut`.
enum Step {
    Incomplete,
    /// An empty command of this many bytes: drop it and go on.
    Skip(usize),
    /// A multibulk command of this many bytes, arguments in `ranges`.
    Multibulk(usize),
    /// An inline request whose '\n' is at this offset.
    Inline(usize),
}

#[derive(Debug, Default)]
pub struct Parser {
    state: State,
    /// Start of the element being parsed (a header line or bulk data).
    pos: usize,
    /// Where the terminator search of the current line resumes. Everything
    /// before it is known not to contain the terminator.
    scan: usize,
    /// Bulks still missing from the current multibulk command.
    remaining: usize,
    /// Length of the bulk whose header we already parsed (state `Data`).
    bulk_len: usize,
    /// Argument offsets of the multibulk command so far. The buffer is only
    /// frozen once the command is complete, so we can't hold `Bytes` yet.
    /// Reused across commands to avoid an allocation per command.
    ranges: Vec<(usize, usize)>,
    /// Bytes examined by terminator searches, to prove we never re-scan.
    #[cfg(test)]
    scanned: usize,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses the next complete command at the front of `buf`.
    ///
    /// On success the command's bytes are removed from `buf`, each argument
    /// is pushed onto `args` and the argument count (>= 1) is returned.
    /// `Ok(None)` means more bytes are needed; the scan position is kept.
    /// Empty commands (`*0`, `*-1`, blank inline lines) are consumed silently.
    /// On `Err` the caller replies `-{message}\r\n` and closes the connection.
    pub fn parse(
        &mut self,
        buf: &mut BytesMut,
        args: &mut Vec<Bytes>,
        limits: &Limits,
    ) -> Result<Option<usize>, ParseError> {
        // Our offsets only make sense for the buffer we saw last time. If the
        // caller shrank it behind our back, start over rather than slice out
        // of bounds.
        if self.pos > buf.len() || self.scan > buf.len() {
            self.reset();
        }
        loop {
            let step = match self.step(buf, limits) {
                Ok(step) => step,
                Err(e) => {
                    self.reset();
                    return Err(e);
                }
            };
            match step {
                Step::Incomplete => {
                    // Everything left in the buffer belongs to the command in
                    // progress, since complete ones were cut off already.
                    if buf.len() > limits.max_query_len {
                        self.reset();
                        return Err(ParseError::QueryBufferLimit);
                    }
                    return Ok(None);
                }
                Step::Skip(n) => {
                    buf.advance(n);
                    self.reset();
                }
                Step::Multibulk(n) => {
                    let mut chunk = buf.split_to(n).freeze();
                    let argc = self.ranges.len();
                    // Every argument but the last is a new handle on the chunk (a
                    // reference count taken, and dropped later); the last is the chunk's
                    // own handle, narrowed: two atomic operations fewer per command.
                    if let Some((&(s, e), rest)) = self.ranges.split_last() {
                        args.extend(rest.iter().map(|&(s, e)| chunk.slice(s..e)));
                        chunk.truncate(e);
                        chunk.advance(s);
                        args.push(chunk);
                    }
                    self.reset();
                    return Ok(Some(argc));
                }
                Step::Inline(nl) => {
                    let chunk = buf.split_to(nl + 1).freeze();
                    self.reset();
                    // The line ends at '\n'; a '\r' right before it is part
                    // of the terminator, as in Redis.
                    let len = if nl > 0 && chunk[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    let argc = split_inline(&chunk, len, args)?;
                    if argc > 0 {
                        return Ok(Some(argc));
                    }
                }
            }
        }
    }

    /// When in the middle of a bulk whose length is known: how many more bytes
    /// must be in `buf` before the current command can possibly complete (so
    /// the reader can `reserve` once). Else None.
    pub fn want(&self, buf: &BytesMut) -> Option<usize> {
        if self.state != State::Data {
            return None;
        }
        let need = self.pos.checked_add(self.bulk_len)?.checked_add(2)?;
        need.checked_sub(buf.len()).filter(|&n| n > 0)
    }

    fn reset(&mut self) {
        self.state = State::Start;
        self.pos = 0;
        self.scan = 0;
        self.remaining = 0;
        self.bulk_len = 0;
        if self.ranges.capacity() > RANGES_KEEP_MAX {
            self.ranges = Vec::new();
        } else {
            self.ranges.clear();
        }
    }

    /// Advances the state machine as far as `buf` allows, without consuming.
    fn step(&mut self, buf: &[u8], limits: &Limits) -> Result<Step, ParseError> {
        loop {
            match self.state {
                State::Start => {
                    let Some(&first) = buf.first() else {
                        return Ok(Step::Incomplete);
                    };
                    if first == b'*' {
                        self.state = State::Count;
                        self.scan = 1;
                    } else {
                        self.state = State::Inline;
                        self.scan = 0;
                    }
                }
                State::Inline => {
                    return match self.find(buf, b'\n') {
                        Some(nl) => Ok(Step::Inline(nl)),
                        None if buf.len() > PROTO_INLINE_MAX_SIZE => Err(ParseError::TooBigInline),
                        None => Ok(Step::Incomplete),
                    };
                }
                State::Count => {
                    let Some(cr) = self.line_end(
                        buf,
                        0,
                        ParseError::TooBigMbulkCount,
                        ParseError::InvalidMultibulkLen,
                    )?
                    else {
                        return Ok(Step::Incomplete);
                    };
                    let n = buf
                        .get(1..cr)
                        .and_then(string2ll)
                        .filter(|&n| n <= i64::from(i32::MAX))
                        .ok_or(ParseError::InvalidMultibulkLen)?;
                    if n <= 0 {
                        return Ok(Step::Skip(cr + 2));
                    }
                    // n is in 1..=i32::MAX here, so the cast is lossless.
                    self.remaining = n as usize;
                    self.ranges.reserve(self.remaining.min(ARGV_PREALLOC_MAX));
                    self.enter_header(cr + 2);
                }
                State::Header => {
                    // Redis only checks the '$' once the whole line is in;
                    // looking at it first lets garbage fail fast.
                    match buf.get(self.pos) {
                        None => return Ok(Step::Incomplete),
                        Some(&b'$') => {}
                        Some(&b) => return Err(ParseError::ExpectedDollar(b)),
                    }
                    let Some(cr) = self.line_end(
                        buf,
                        self.pos,
                        ParseError::TooBigBulkCount,
                        ParseError::InvalidBulkLen,
                    )?
                    else {
                        return Ok(Step::Incomplete);
                    };
                    self.bulk_len = buf
                        .get(self.pos + 1..cr)
                        .and_then(string2ll)
                        .filter(|&len| len >= 0 && len as u64 <= limits.max_bulk_len)
                        .and_then(|len| usize::try_from(len).ok())
                        .ok_or(ParseError::InvalidBulkLen)?;
                    self.pos = cr + 2;
                    self.state = State::Data;
                }
                State::Data => {
                    // No scanning here: the length tells us where the bulk
                    // ends, so a partial bulk costs O(1) per call.
                    let end = self
                        .pos
                        .checked_add(self.bulk_len)
                        .ok_or(ParseError::InvalidBulkLen)?;
                    let Some(crlf) = end.checked_add(2).and_then(|e| buf.get(end..e)) else {
                        return Ok(Step::Incomplete);
                    };
                    if crlf != b"\r\n" {
                        return Err(ParseError::ExpectedCrlf);
                    }
                    self.ranges.push((self.pos, end));
                    self.remaining -= 1;
                    if self.remaining == 0 {
                        return Ok(Step::Multibulk(end + 2));
                    }
                    self.enter_header(end + 2);
                }
            }
        }
    }

    fn enter_header(&mut self, pos: usize) {
        self.state = State::Header;
        self.pos = pos;
        // Not pos + 1: the '$' may not be here yet, and scan must never point
        // past the buffer (parse() takes that as a replaced buffer).
        self.scan = pos;
    }

    /// Finds the "\r\n" ending a `*` or `$` line that starts at `start`.
    /// Ok(None) means the line is not complete yet.
    fn line_end(
        &mut self,
        buf: &[u8],
        start: usize,
        too_big: ParseError,
        bad_crlf: ParseError,
    ) -> Result<Option<usize>, ParseError> {
        match self.find(buf, b'\r') {
            None if buf.len() - start > PROTO_INLINE_MAX_SIZE => Err(too_big),
            None => Ok(None),
            Some(cr) => match buf.get(cr + 1) {
                None => Ok(None),
                Some(b'\n') => Ok(Some(cr)),
                Some(_) => Err(bad_crlf),
            },
        }
    }

    /// Searches `needle` from `self.scan` on and remembers where it stopped,
    /// so a line arriving in pieces is scanned once in total.
    fn find(&mut self, buf: &[u8], needle: u8) -> Option<usize> {
        let from = self.scan.min(buf.len());
        let hay = &buf[from..];
        let found = memchr(needle, hay);
        #[cfg(test)]
        {
            self.scanned += found.map_or(hay.len(), |i| i + 1);
        }
        match found {
            Some(i) => {
                // Stay on the terminator: if the byte after it is missing we
                // resume right here, re-reading one byte only.
                self.scan = from + i;
                Some(from + i)
            }
            None => {
                self.scan = buf.len();
                None
            }
        }
    }
}

/// Word-at-a-time byte search. std has no public memchr and the byte loop of
/// `iter().position` is several times slower on long lines.
fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let (words, tail) = hay.as_chunks::<8>();
    for (i, w) in words.iter().enumerate() {
        let v = u64::from_le_bytes(*w) ^ pattern;
        // Classic "has zero byte": may flag bytes above a real zero because
        // of the borrow, never below it, so the lowest flag is exact.
        let zero = v.wrapping_sub(LO) & !v & HI;
        if zero != 0 {
            return Some(i * 8 + (zero.trailing_zeros() / 8) as usize);
        }
    }
    tail.iter()
        .position(|&b| b == needle)
        .map(|i| words.len() * 8 + i)
}

/// Redis `string2ll`: optional '-', no '+', no spaces, no leading zeros
/// (except "0" itself), no overflow. Anything else is not a number.
fn string2ll(s: &[u8]) -> Option<i64> {
    // LONG_STR_SIZE is 21: longer strings can't be an i64 in this syntax.
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        // -(i64::MIN) doesn't fit an i64, hence the detour through i128.
        i64::try_from(-i128::from(v)).ok()
    } else {
        i64::try_from(v).ok()
    }
}

#[cfg(test)]
use super::inline::is_space;
pub use super::inline::split_args;
use super::inline::split_inline;

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
