//! Tests of `parser.rs`, kept apart so the module itself stays readable.

use super::*;
use proptest::prelude::*;

type Cmds = Vec<Vec<Vec<u8>>>;

/// Feeds `chunks` one after the other, draining every complete command
/// after each. Returns the commands seen before the first error (if any),
/// the error, and how many bytes were left unparsed.
fn run(chunks: &[&[u8]], limits: &Limits) -> (Cmds, Option<ParseError>, usize) {
    let mut p = Parser::new();
    let mut buf = BytesMut::new();
    let mut cmds = Vec::new();
    let mut args = Vec::new();
    for c in chunks {
        buf.extend_from_slice(c);
        loop {
            args.clear();
            match p.parse(&mut buf, &mut args, limits) {
                Ok(Some(n)) => {
                    assert!(n >= 1);
                    assert_eq!(n, args.len());
                    cmds.push(args.iter().map(|a| a.to_vec()).collect());
                }
                Ok(None) => break,
                Err(e) => {
                    assert!(args.is_empty(), "no args left behind on error");
                    // What is left after an error depends on how much had
                    // arrived, and the connection is closed anyway.
                    return (cmds, Some(e), 0);
                }
            }
        }
    }
    (cmds, None, buf.len())
}

fn all(input: &[u8]) -> (Cmds, Option<ParseError>, usize) {
    run(&[input], &Limits::default())
}

fn ok(input: &[u8]) -> Cmds {
    let (cmds, err, left) = all(input);
    assert_eq!(err, None);
    assert_eq!(left, 0);
    cmds
}

fn err(input: &[u8]) -> ParseError {
    all(input).1.expect("expected a protocol error")
}

fn cmd(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

/// Same outcome whole, byte by byte, and split at every single boundary.
fn assert_split_invariant(input: &[u8]) {
    let limits = Limits::default();
    let whole = run(&[input], &limits);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(run(&bytes, &limits), whole, "byte by byte: {input:?}");
    for i in 0..=input.len() {
        let (a, b) = input.split_at(i);
        assert_eq!(run(&[a, b], &limits), whole, "split at {i}: {input:?}");
    }
}

fn encode(cmds: &Cmds) -> Vec<u8> {
    let mut out = Vec::new();
    for c in cmds {
        out.extend_from_slice(format!("*{}\r\n", c.len()).as_bytes());
        for a in c {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

#[test]
fn messages() {
    use ParseError::*;
    let cases = [
        (
            InvalidMultibulkLen,
            "ERR Protocol error: invalid multibulk length",
        ),
        (InvalidBulkLen, "ERR Protocol error: invalid bulk length"),
        (
            ExpectedDollar(b'+'),
            "ERR Protocol error: expected '$', got '+'",
        ),
        (
            ExpectedDollar(b'\r'),
            "ERR Protocol error: expected '$', got ' '",
        ),
        (TooBigInline, "ERR Protocol error: too big inline request"),
        (
            TooBigMbulkCount,
            "ERR Protocol error: too big mbulk count string",
        ),
        (
            TooBigBulkCount,
            "ERR Protocol error: too big bulk count string",
        ),
        (
            UnbalancedQuotes,
            "ERR Protocol error: unbalanced quotes in request",
        ),
        (
            ExpectedCrlf,
            "ERR Protocol error: expected '\\r\\n' after bulk data",
        ),
        (
            QueryBufferLimit,
            "ERR Protocol error: query buffer limit exceeded",
        ),
    ];
    for (e, msg) in cases {
        assert_eq!(e.message(), msg);
        assert_eq!(e.to_string(), msg);
    }
}

#[test]
fn invalid_multibulk_len() {
    for bad in [
        &b"*abc\r\n"[..],
        b"*+1\r\n",
        b"*01\r\n",
        b"* 1\r\n",
        b"*1 \r\n",
        b"*-0\r\n",
        b"*\r\n",
        b"*2147483648\r\n",
        b"*99999999999999999999999\r\n",
        b"*1\rX",
    ] {
        assert_eq!(err(bad), ParseError::InvalidMultibulkLen, "{bad:?}");
    }
    // i32::MAX itself is a valid count: we just wait for the bulks.
    assert_eq!(all(b"*2147483647\r\n"), (vec![], None, 13));
}

#[test]
fn invalid_bulk_len() {
    for bad in [
        &b"*1\r\n$-1\r\n"[..],
        b"*1\r\n$abc\r\n",
        b"*1\r\n$\r\n",
        b"*1\r\n$01\r\n",
        b"*1\r\n$+1\r\n",
        b"*1\r\n$3\rX",
        b"*1\r\n$9223372036854775808\r\n",
        b"*1\r\n$536870913\r\n",
    ] {
        assert_eq!(err(bad), ParseError::InvalidBulkLen, "{bad:?}");
    }
    let limits = Limits {
        max_bulk_len: 3,
        ..Limits::default()
    };
    assert_eq!(
        run(&[b"*1\r\n$4\r\n"], &limits).1,
        Some(ParseError::InvalidBulkLen)
    );
    assert_eq!(
        run(&[b"*1\r\n$3\r\nabc\r\n"], &limits).0,
        vec![cmd(&[b"abc"])]
    );
}

#[test]
fn expected_dollar() {
    assert_eq!(err(b"*1\r\n+foo\r\n"), ParseError::ExpectedDollar(b'+'));
    assert_eq!(
        err(b"*2\r\n$1\r\na\r\n:1\r\n"),
        ParseError::ExpectedDollar(b':')
    );
    // Reported as soon as the byte is there, without waiting for the line.
    assert_eq!(err(b"*1\r\nx"), ParseError::ExpectedDollar(b'x'));
    assert_eq!(
        err(b"*1\r\n\r\n").message(),
        "ERR Protocol error: expected '$', got ' '"
    );
}

#[test]
fn too_big_lines() {
    let mut inline = vec![b'a'; PROTO_INLINE_MAX_SIZE];
    assert_eq!(all(&inline).1, None, "exactly 64 KiB is still fine");
    inline.push(b'a');
    assert_eq!(err(&inline), ParseError::TooBigInline);

    let mut count = b"*".to_vec();
    count.resize(PROTO_INLINE_MAX_SIZE + 1, b'1');
    assert_eq!(err(&count), ParseError::TooBigMbulkCount);

    let mut header = b"*1\r\n$".to_vec();
    header.resize(4 + PROTO_INLINE_MAX_SIZE + 1, b'1');
    assert_eq!(err(&header), ParseError::TooBigBulkCount);

    // A long inline line is fine once its '\n' is in.
    let mut long = vec![b'a'; PROTO_INLINE_MAX_SIZE + 10];
    long.push(b'\n');
    assert_eq!(ok(&long)[0][0].len(), PROTO_INLINE_MAX_SIZE + 10);
}

#[test]
fn unbalanced_quotes() {
    for bad in [
        &b"SET \"foo\r\n"[..],
        b"SET 'foo\r\n",
        b"SET \"foo\"bar\r\n",
        b"SET 'foo'bar\n",
        b"SET foo\"bar\"baz\n",
        b"SET \"foo\\\"\n",
        b"\"\\\n",
    ] {
        assert_eq!(err(bad), ParseError::UnbalancedQuotes, "{bad:?}");
    }
}

#[test]
fn expected_crlf() {
    assert_eq!(err(b"*1\r\n$3\r\nfooXY"), ParseError::ExpectedCrlf);
    assert_eq!(err(b"*1\r\n$3\r\nfoo\rX"), ParseError::ExpectedCrlf);
    assert_eq!(err(b"*1\r\n$3\r\nfoo\n\r"), ParseError::ExpectedCrlf);
}

#[test]
fn query_buffer_limit() {
    let limits = Limits {
        max_query_len: 16,
        ..Limits::default()
    };
    let (_, e, _) = run(&[b"*1\r\n$100\r\n", b"0123456789"], &limits);
    assert_eq!(e, Some(ParseError::QueryBufferLimit));
    let (_, e, _) = run(&[b"GET aaaaaaaaaaaaaaaaaaaaaaaa"], &limits);
    assert_eq!(e, Some(ParseError::QueryBufferLimit));
    // Only the command in progress counts, not what was already served.
    let (cmds, e, left) = run(&[b"PING\r\nPING\r\nPING\r\nPING\r\nGET k"], &limits);
    assert_eq!((cmds.len(), e, left), (4, None, 5));
}

#[test]
fn multibulk() {
    assert_eq!(
        ok(b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n"),
        vec![cmd(&[b"SET", b"key", b"value"]), cmd(&[b"PING"])]
    );
    assert_eq!(
        ok(b"*3\r\n$0\r\n\r\n$4\r\n\r\n\r\n\r\n$1\r\n\0\r\n"),
        vec![cmd(&[b"", b"\r\n\r\n", b"\0"])]
    );
}

#[test]
fn empty_commands_are_skipped() {
    assert_eq!(
        ok(b"*0\r\n*-1\r\n*-7\r\n\r\n\n \t \r\n\x0b\nPING\r\n*0\r\n"),
        vec![cmd(&[b"PING"])]
    );
    assert_eq!(all(b"*0\r\n\r\n"), (vec![], None, 0));
}

#[test]
fn inline_splitting() {
    let cases: &[(&[u8], Vec<Vec<u8>>)] = &[
        (b"PING\r\n", cmd(&[b"PING"])),
        (b"PING\n", cmd(&[b"PING"])),
        (b"  SET   a\tb  \r\n", cmd(&[b"SET", b"a", b"b"])),
        (b"SET \"a b\" c\r\n", cmd(&[b"SET", b"a b", b"c"])),
        (
            b"\"\\x41\\x7a\\n\\r\\t\\b\\a\\\\\\\"\\q\"\n",
            cmd(&[b"Az\n\r\t\x08\x07\\\"q"]),
        ),
        (b"\"\\xZZ\" \"\\x4\"\n", cmd(&[b"xZZ", b"x4"])),
        (b"'it\\'s' 'a\\nb' '\"'\n", cmd(&[b"it's", b"a\\nb", b"\""])),
        (b"foo\"bar baz\" x\n", cmd(&[b"foobar baz", b"x"])),
        (b"\"\" ''\n", cmd(&[b"", b""])),
        (b"a\"b\"\x0bc\n", cmd(&[b"ab", b"c"])),
        (b"a\x0bb\r\r\n", cmd(&[b"a\x0bb"])),
        (b"bin\0ary\n", cmd(&[b"bin\0ary"])),
        (b"$3\r\n", cmd(&[b"$3"])),
    ];
    for (input, want) in cases {
        assert_eq!(ok(input), vec![want.clone()], "{input:?}");
    }
}

#[test]
fn args_are_appended_and_zero_copy() {
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nSET a \"b\"\r\n"[..]);
    let range = buf.as_ptr() as usize..buf.as_ptr() as usize + buf.len();
    let mut p = Parser::new();
    let mut args = vec![Bytes::from_static(b"old")];
    let limits = Limits::default();
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(Some(2)));
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(Some(3)));
    assert_eq!(args, [&b"old"[..], b"GET", b"k", b"SET", b"a", b"b"]);
    for a in &args[1..5] {
        assert!(range.contains(&(a.as_ptr() as usize)), "{a:?} was copied");
    }
    assert!(buf.is_empty());
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(None));
}

#[test]
fn split_invariance() {
    let pipelines: &[&[u8]] = &[
        b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n",
        b"PING\r\nSET a b\nGET a\r\n\r\n",
        b"PING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*0\r\nECHO x\n*-1\r\n",
        b"*2\r\n$3\r\nSET\r\n$6\r\na\r\n\r\nb\r\n*1\r\n$2\r\n\r\n\r\n",
        b"*3\r\n$0\r\n\r\n$0\r\n\r\n$1\r\n*\r\n",
        b"SET \"a b\" 'c\\'d' \"\\x41\\n\" foo\"bar\"\r\nGET ''\n",
        b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$3\r\nfooXY",
        b"PING\r\n*1\r\n+x\r\n",
        b"PING\r\n*x\r\n",
        b"SET \"a\r\nPING\r\n",
        b"*1\r\n$2\r\nab",
    ];
    for p in pipelines {
        assert_split_invariant(p);
    }
}

#[test]
fn big_bulk_is_not_rescanned() {
    let value = vec![b'v'; 1 << 20];
    let input = encode(&vec![vec![b"SET".to_vec(), b"k".to_vec(), value.clone()]]);
    let mut p = Parser::new();
    let mut buf = BytesMut::new();
    let mut args = Vec::new();
    let limits = Limits::default();
    let mut chunks = input.chunks(1024);
    let mut wants = 0;
    let got = loop {
        let Some(c) = chunks.next() else {
            panic!("never completed")
        };
        buf.extend_from_slice(c);
        if let Some(n) = p.parse(&mut buf, &mut args, &limits).unwrap() {
            break n;
        }
        if let Some(w) = p.want(&buf) {
            // Exactly what is still missing of the value and its CRLF.
            assert_eq!(w, input.len() - buf.len());
            wants += 1;
        }
    };
    assert_eq!(got, 3);
    assert!(chunks.next().is_none());
    assert_eq!(args[2], value);
    assert!(wants > 1000);
    // Only the header lines were searched, never the value.
    assert!(p.scanned < 64, "scanned {} bytes", p.scanned);
}

#[test]
fn inline_line_resumes_scan() {
    let mut line = vec![b'a'; 60_000];
    line.extend_from_slice(b"\r\n");
    let mut p = Parser::new();
    let mut buf = BytesMut::new();
    let mut args = Vec::new();
    for c in line.chunks(100) {
        buf.extend_from_slice(c);
        let _ = p.parse(&mut buf, &mut args, &Limits::default()).unwrap();
    }
    assert_eq!(args.len(), 1);
    assert!(p.scanned <= line.len(), "scanned {} bytes", p.scanned);
}

#[test]
fn calls_without_new_data_do_not_rescan() {
    let input = b"*2\r\n$1\r\na\r\n$3\r\nbcd\r\nPING\r\n*1\r\n$2\r\nxy\r\n";
    let mut p = Parser::new();
    let mut buf = BytesMut::new();
    let mut args = Vec::new();
    for b in input {
        buf.extend_from_slice(&[*b]);
        for _ in 0..3 {
            let _ = p.parse(&mut buf, &mut args, &Limits::default()).unwrap();
        }
    }
    assert_eq!(args.len(), 4);
    // Bulk data is never scanned, which more than pays for re-reading a
    // line's '\r' while its '\n' is missing; a restart from scratch
    // would blow this bound.
    assert!(p.scanned <= input.len(), "scanned {}", p.scanned);
}

#[test]
fn want_reports_missing_bytes() {
    let mut p = Parser::new();
    let mut args = Vec::new();
    let limits = Limits::default();
    let mut buf = BytesMut::from(&b"*1\r\n$10"[..]);
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(None));
    assert_eq!(p.want(&buf), None);
    buf.extend_from_slice(b"\r\nabc");
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(None));
    assert_eq!(p.want(&buf), Some(9));
    buf.extend_from_slice(b"defghij\r");
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(None));
    assert_eq!(p.want(&buf), Some(1));
    buf.extend_from_slice(b"\n");
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(Some(1)));
    assert_eq!(p.want(&buf), None);
}

#[test]
fn survives_caller_truncating_buffer() {
    let mut p = Parser::new();
    let mut args = Vec::new();
    let limits = Limits::default();
    let mut buf = BytesMut::from(&b"*2\r\n$3\r\nGET\r\n$1"[..]);
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(None));
    buf.clear();
    buf.extend_from_slice(b"PING\r\n");
    assert_eq!(p.parse(&mut buf, &mut args, &limits), Ok(Some(1)));
}

#[test]
fn string2ll_matches_redis() {
    assert_eq!(string2ll(b"0"), Some(0));
    assert_eq!(string2ll(b"-1"), Some(-1));
    assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
    assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
    for bad in [
        &b""[..],
        b"-",
        b"-0",
        b"00",
        b"+1",
        b" 1",
        b"1a",
        b"9223372036854775808",
    ] {
        assert_eq!(string2ll(bad), None, "{bad:?}");
    }
}

#[test]
fn memchr_matches_position() {
    let hay: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8).collect();
    for n in 0..=255u8 {
        for start in 0..20 {
            let h = &hay[start..];
            assert_eq!(memchr(n, h), h.iter().position(|&b| b == n));
        }
    }
}

/// Splits `input` at the given chunk sizes (cycled).
fn chunked<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
        i += 1;
    }
    out
}

/// Inline encoding of one argument: bare when safe, else double quoted
/// with \xHH escapes, or single quoted.
fn inline_arg(a: &[u8], style: u8) -> Vec<u8> {
    let bare_ok = !a.is_empty() && !a.iter().any(|&b| is_space(b) || b == b'"' || b == b'\'');
    let single_ok = !a.contains(&b'\\') && !a.contains(&b'\n');
    match style % 3 {
        0 if bare_ok => a.to_vec(),
        1 if single_ok => {
            let mut out = vec![b'\''];
            for &b in a {
                if b == b'\'' {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'\'');
            out
        }
        _ => {
            let mut out = vec![b'"'];
            for &b in a {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
            out.push(b'"');
            out
        }
    }
}

proptest! {
    #[test]
    fn roundtrip_random_chunks(
        cmds in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..6), 1..12),
        inline in prop::collection::vec(any::<(bool, u8)>(), 12),
        sizes in prop::collection::vec(1usize..64, 1..8),
    ) {
        let mut input = Vec::new();
        for (i, c) in cmds.iter().enumerate() {
            let (as_inline, style) = inline[i];
            if as_inline {
                // The first byte of an inline line must not be '*'.
                let mut line = b" ".to_vec();
                for (j, a) in c.iter().enumerate() {
                    line.extend(inline_arg(a, style.wrapping_add(j as u8)));
                    line.push(b' ');
                }
                line.extend_from_slice(b"\r\n");
                input.extend(line);
            } else {
                input.extend(encode(&vec![c.clone()]));
            }
        }
        let (got, e, left) = run(&chunked(&input, &sizes), &Limits::default());
        prop_assert_eq!(e, None);
        prop_assert_eq!(left, 0);
        prop_assert_eq!(got, cmds);
    }

    #[test]
    fn garbage_never_panics_and_is_split_invariant(
        parts in prop::collection::vec(prop::sample::select(vec![
            &b"*"[..], b"$", b"\r\n", b"\r", b"\n", b"0", b"1", b"2", b"3", b"-", b"a",
            b" ", b"\"", b"'", b"\\", b"x", b"4f", b"*2\r\n", b"$1\r\n", b"$0\r\n", b"\0",
            b"\xff",
        ]), 0..60),
        sizes in prop::collection::vec(1usize..16, 1..8),
    ) {
        let input = parts.concat();
        let whole = run(&[&input], &Limits::default());
        prop_assert_eq!(run(&chunked(&input, &sizes), &Limits::default()), whole);
    }
}
