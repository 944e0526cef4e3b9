//! COMMAND DOCS argument specs, parsed from a command's syntax line.
//!
//! The table keeps each command's syntax the way the Redis docs print it
//! (`key value [NX | XX] [EX seconds | PX milliseconds]`); COMMAND DOCS must answer with
//! Redis's structured form (name, type, token, flags, nested arguments), which redis-cli 7
//! reads at start to print its hints. The grammar:
//!
//! - a lower-case word is an argument (`key`, `seconds`); its type follows from its name;
//! - an upper-case word is a token: alone it is a `pure-token`, before an argument or a
//!   `<...>` group it is that argument's token (`EX seconds`, `TYPE <NORMAL | PUBSUB>`);
//! - `[...]` is optional, `<...>` required; `|` separates alternatives (a `oneof`), and
//!   several arguments in one alternative form a `block`;
//! - `x [x ...]` makes `x` repeatable (`multiple`); `[x ...]` alone is optional and
//!   repeatable.
//!
//! Malformed input never panics: unbalanced brackets close at the end of the line.

use crate::engine::out::Out;

/// One argument spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: Kind,
    pub token: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    /// The token is repeated with each repetition (`GET pattern [GET pattern ...]`).
    pub multiple_token: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Key,
    String,
    Integer,
    Double,
    Pattern,
    UnixTime,
    PureToken,
    OneOf(Vec<Arg>),
    Block(Vec<Arg>),
}

impl Kind {
    /// Redis's name for the type.
    fn name(&self) -> &'static str {
        match self {
            Kind::Key => "key",
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Double => "double",
            Kind::Pattern => "pattern",
            Kind::UnixTime => "unix-time",
            Kind::PureToken => "pure-token",
            Kind::OneOf(_) => "oneof",
            Kind::Block(_) => "block",
        }
    }
}

impl Arg {
    fn new(name: String, kind: Kind) -> Arg {
        Arg {
            name,
            kind,
            token: None,
            optional: false,
            multiple: false,
            multiple_token: false,
        }
    }

    /// A named value; its type guessed from the name as the Redis docs name them.
    fn value(name: &str) -> Arg {
        Arg::new(name.to_string(), value_kind(name))
    }

    fn pure_token(token: &str) -> Arg {
        let mut a = Arg::new(token.to_ascii_lowercase(), Kind::PureToken);
        a.token = Some(token.to_string());
        a
    }

    /// One argument as is, several as a block named after them.
    fn combine(mut args: Vec<Arg>) -> Arg {
        if args.len() == 1 {
            return args.remove(0);
        }
        Arg::new(joined_names(&args), Kind::Block(args))
    }
}

fn joined_names(args: &[Arg]) -> String {
    args.iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join("_")
}

fn value_kind(name: &str) -> Kind {
    const INTEGERS: &[&str] = &[
        "count",
        "numkeys",
        "seconds",
        "milliseconds",
        "offset",
        "start",
        "end",
        "stop",
        "index",
        "increment",
        "decrement",
        "db",
        "port",
        "cursor",
        "numreplicas",
        "len",
        "protover",
    ];
    const DOUBLES: &[&str] = &[
        "score",
        "timeout",
        "longitude",
        "latitude",
        "radius",
        "float",
    ];
    if name == "key"
        || (name.ends_with("key") && name != "numkeys")
        || name == "source"
        || name == "destination"
    {
        Kind::Key
    } else if name.starts_with("unix-time") {
        Kind::UnixTime
    } else if name == "pattern" {
        Kind::Pattern
    } else if INTEGERS.contains(&name) {
        Kind::Integer
    } else if DOUBLES.contains(&name) {
        Kind::Double
    } else {
        Kind::String
    }
}

/// An upper-case word (`NX`, `NO-EVICT`) is a token; any lower-case letter makes a name.
fn is_token(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_alphanumeric()) && !word.bytes().any(|b| b.is_ascii_lowercase())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Open(bool), // true for '[' (optional), false for '<'
    Close,
    Bar,
    Ellipsis,
    Word(&'a str),
}

fn lex(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let single = match b {
            b'[' => Some(Tok::Open(true)),
            b'<' => Some(Tok::Open(false)),
            b']' | b'>' => Some(Tok::Close),
            b'|' => Some(Tok::Bar),
            _ => None,
        };
        if let Some(t) = single {
            toks.push(t);
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else {
            let start = i;
            while i < bytes.len() && !b"[]<>| \t\r\n".contains(&bytes[i]) {
                i += 1;
            }
            // Word boundaries are ASCII bytes, so the slice is on char boundaries.
            let word = &s[start..i];
            toks.push(if word == "..." {
                Tok::Ellipsis
            } else {
                Tok::Word(word)
            });
        }
    }
    toks
}

#[derive(Debug)]
enum Item<'a> {
    Word(&'a str),
    Ellipsis,
    Group {
        optional: bool,
        alts: Vec<Vec<Item<'a>>>,
    },
}

/// Reads alternatives up to the closing bracket (consumed) or the end.
fn parse_alts<'a>(toks: &[Tok<'a>], pos: &mut usize) -> Vec<Vec<Item<'a>>> {
    let mut alts = vec![Vec::new()];
    while let Some(&t) = toks.get(*pos) {
        *pos += 1;
        let item = match t {
            Tok::Close => break,
            Tok::Bar => {
                alts.push(Vec::new());
                continue;
            }
            Tok::Ellipsis => Item::Ellipsis,
            Tok::Word(w) => Item::Word(w),
            Tok::Open(optional) => Item::Group {
                optional,
                alts: parse_alts(toks, pos),
            },
        };
        if let Some(seq) = alts.last_mut() {
            seq.push(item);
        }
    }
    alts
}

/// The argument specs of a syntax line.
pub fn parse(syntax: &str) -> Vec<Arg> {
    let toks = lex(syntax);
    let mut pos = 0;
    let mut args = Vec::new();
    // A stray closing bracket ends `parse_alts` early; carry on after it.
    while pos < toks.len() {
        let alts = parse_alts(&toks, &mut pos);
        if alts.len() == 1 {
            args.extend(build_seq(&alts[0]));
        } else if let Some(a) = build_group(&alts) {
            args.push(a);
        }
    }
    args
}

fn build_seq(items: &[Item]) -> Vec<Arg> {
    let mut out: Vec<Arg> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Word(w) if is_token(w) => match items.get(i + 1) {
                Some(Item::Word(name)) if !is_token(name) => {
                    let mut a = Arg::value(name);
                    a.token = Some(w.to_string());
                    out.push(a);
                    i += 1;
                }
                Some(Item::Group {
                    optional: false,
                    alts,
                }) => {
                    if let Some(mut a) = build_group(alts) {
                        a.token = Some(w.to_string());
                        out.push(a);
                    }
                    i += 1;
                }
                _ => out.push(Arg::pure_token(w)),
            },
            Item::Word(w) => out.push(Arg::value(w)),
            Item::Ellipsis => {
                if let Some(last) = out.last_mut() {
                    last.multiple = true;
                }
            }
            Item::Group { optional, alts } => match repeated(alts) {
                Some(body) if *optional => repeat(&mut out, body),
                _ => {
                    if let Some(mut a) = build_group(alts) {
                        a.optional |= *optional;
                        out.push(a);
                    }
                }
            },
        }
        i += 1;
    }
    out
}

/// The body of a `[x ...]` group, if that is what `alts` is.
fn repeated(alts: &[Vec<Item>]) -> Option<Vec<Arg>> {
    match alts {
        [seq] if matches!(seq.last(), Some(Item::Ellipsis)) => {
            let body = build_seq(&seq[..seq.len() - 1]);
            (!body.is_empty()).then_some(body)
        }
        _ => None,
    }
}

/// Handles `[x ...]`: when it restates the arguments just before it (`key [key ...]`) those
/// become repeatable; alone it is an optional repeatable argument.
fn repeat(out: &mut Vec<Arg>, body: Vec<Arg>) {
    let n = body.len();
    let restates = out.len() >= n
        && out[out.len() - n..]
            .iter()
            .zip(&body)
            .all(|(a, b)| a.name == b.name);
    let mut a = if restates {
        let prev: Vec<Arg> = out.drain(out.len() - n..).collect();
        Arg::combine(prev)
    } else {
        let mut a = Arg::combine(body.clone());
        a.optional = true;
        a
    };
    a.multiple = true;
    a.multiple_token = restates && body.iter().any(|b| b.token.is_some());
    out.push(a);
}

/// A bracketed group: one argument, a block, or a oneof of its alternatives.
fn build_group(alts: &[Vec<Item>]) -> Option<Arg> {
    let mut built: Vec<Arg> = alts
        .iter()
        .map(|seq| build_seq(seq))
        .filter(|args| !args.is_empty())
        .map(Arg::combine)
        .collect();
    match built.len() {
        0 => None,
        1 => built.pop(),
        _ => Some(Arg::new(joined_names(&built), Kind::OneOf(built))),
    }
}

/// Writes `args` as COMMAND DOCS's `arguments` array.
pub fn write(out: &mut Out, args: &[Arg]) {
    out.array(args.len());
    for a in args {
        write_arg(out, a);
    }
}

fn write_arg(out: &mut Out, a: &Arg) {
    let flags: Vec<&str> = [
        (a.optional, "optional"),
        (a.multiple, "multiple"),
        (a.multiple_token, "multiple_token"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|&(_, name)| name)
    .collect();
    let nested = match &a.kind {
        Kind::OneOf(v) | Kind::Block(v) => Some(v),
        _ => None,
    };
    let key = a.kind == Kind::Key;
    let fields = 2
        + key as usize
        + a.token.is_some() as usize
        + !flags.is_empty() as usize
        + nested.is_some() as usize;
    out.map(fields);
    out.bulk(b"name");
    out.bulk(a.name.as_bytes());
    out.bulk(b"type");
    out.bulk(a.kind.name().as_bytes());
    if key {
        // One key spec per command in our table, so every key argument refers to it.
        out.bulk(b"key_spec_index");
        out.int(0);
    }
    if let Some(t) = &a.token {
        out.bulk(b"token");
        out.bulk(t.as_bytes());
    }
    if !flags.is_empty() {
        out.bulk(b"flags");
        // Status strings: redis-cli asserts on the reply type.
        out.set(flags.len());
        for f in flags {
            out.simple(f);
        }
    }
    if let Some(v) = nested {
        out.bulk(b"arguments");
        write(out, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// redis-cli 7's `cliAddArgument`: how a client turns the specs back into a hint.
    fn hint(args: &[Arg], sep: &str) -> String {
        args.iter().map(hint_one).collect::<Vec<_>>().join(sep)
    }

    fn hint_one(a: &Arg) -> String {
        let repeat = match &a.kind {
            Kind::OneOf(v) => hint(v, "|"),
            Kind::Block(v) => hint(v, " "),
            Kind::PureToken => String::new(),
            _ => a.name.clone(),
        };
        let mut token = a.token.clone().unwrap_or_default();
        if !token.is_empty() && a.kind != Kind::PureToken {
            token.push(' ');
        }
        let mut s = String::new();
        if a.optional {
            s.push('[');
        }
        s += &token;
        s += &repeat;
        if a.multiple {
            s += " [";
            if a.multiple_token {
                s += &token;
            }
            s += &repeat;
            s += " ...]";
        }
        if a.optional {
            s.push(']');
        }
        s
    }

    fn roundtrip(syntax: &str) {
        let want = syntax.replace(" | ", "|").replace(['<', '>'], "");
        assert_eq!(hint(&parse(syntax), " "), want, "{syntax}");
    }

    #[test]
    fn hints_read_back_as_the_syntax() {
        roundtrip(
            "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
        );
        roundtrip("key [key ...]");
        roundtrip("[section [section ...]]");
        roundtrip("parameter value [parameter value ...]");
        roundtrip("[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]");
        roundtrip("[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]");
        roundtrip("[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]");
        roundtrip(
            "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]",
        );
        roundtrip("cursor [MATCH pattern] [COUNT count] [TYPE type]");
        roundtrip("");
    }

    #[test]
    fn set_specs_match_redis() {
        let args = parse("key value [NX | XX] [GET] [EX seconds | PX milliseconds]");
        assert_eq!(args.len(), 5);
        assert_eq!((args[0].name.as_str(), &args[0].kind), ("key", &Kind::Key));
        assert_eq!(args[1].kind, Kind::String);
        let Kind::OneOf(nx) = &args[2].kind else {
            panic!("oneof expected: {:?}", args[2])
        };
        assert!(args[2].optional);
        assert_eq!(nx[0], Arg::pure_token("NX"));
        assert_eq!(
            args[3],
            Arg {
                optional: true,
                ..Arg::pure_token("GET")
            }
        );
        let Kind::OneOf(ex) = &args[4].kind else {
            panic!("oneof expected")
        };
        assert_eq!(
            (ex[0].name.as_str(), ex[0].token.as_deref(), &ex[0].kind),
            ("seconds", Some("EX"), &Kind::Integer)
        );
        let sort = parse("[GET pattern [GET pattern ...]]");
        assert!(sort[0].optional && sort[0].multiple && sort[0].multiple_token);
    }

    #[test]
    fn malformed_syntax_does_not_panic() {
        for s in [
            "[",
            "]",
            "[[a",
            "a ] b",
            "| a |",
            "...",
            "[...]",
            "<",
            "[a | ]",
            "A [B ...",
            "x [y ...] ...",
        ] {
            let _ = parse(s);
        }
    }
}
