//! A minimal JSON reader and writer for the data files muxis embeds (the command table's
//! metadata, `engine/commands.json`). Objects keep their key order, since the data mirrors
//! replies whose order matters.
//!
//! The reader hands out `&str` borrowed from the input when a string has no escapes, so
//! parsing a `'static` file allocates only for containers. Numbers are integers only: the
//! data has no fractions, and one that appears is an error rather than a silent rounding.

use std::borrow::Cow;
use std::fmt::Write;

/// One JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Key order is kept.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// The value under `key` of an object (None for a missing key or a non-object).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Json::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }
}

/// Where and why parsing stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub offset: usize,
    pub what: &'static str,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON: {} at byte {}", self.what, self.offset)
    }
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Json<'_>, Error> {
    let mut p = Parser { s: text, i: 0 };
    let v = p.value(0)?;
    p.ws();
    if p.i != text.len() {
        return Err(p.err("trailing data"));
    }
    Ok(v)
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &'static str) -> Error {
        Error {
            offset: self.i,
            what,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), Error> {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err("unexpected character"))
        }
    }

    fn literal(&mut self, word: &str, v: Json<'a>) -> Result<Json<'a>, Error> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, Error> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deep"));
        }
        self.ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("value expected")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, Error> {
        self.i += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Json::Object(fields));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("key expected"));
            }
            let key = self.string()?;
            self.eat(b':')?;
            fields.push((key, self.value(depth + 1)?));
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(fields));
                }
                _ => return Err(self.err("',' or '}' expected")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, Error> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.err("',' or ']' expected")),
            }
        }
    }

    fn number(&mut self) -> Result<Json<'a>, Error> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(self.err("only integers are supported"));
        }
        self.s[start..self.i]
            .parse()
            .map(Json::Int)
            .map_err(|_| self.err("bad integer"))
    }

    /// A string; borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.i += 1; // opening quote
        let start = self.i;
        let bytes = self.s.as_bytes();
        while let Some(&b) = bytes.get(self.i) {
            match b {
                b'"' => {
                    let s = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => return self.escaped(start),
                0..=0x1f => return Err(self.err("control character in string")),
                _ => self.i += 1,
            }
        }
        Err(self.err("unterminated string"))
    }

    /// The rest of a string that has escapes, from its start.
    fn escaped(&mut self, start: usize) -> Result<Cow<'a, str>, Error> {
        let mut out = String::from(&self.s[start..self.i]);
        loop {
            let Some(c) = self.s[self.i..].chars().next() else {
                return Err(self.err("unterminated string"));
            };
            self.i += c.len_utf8();
            match c {
                '"' => return Ok(Cow::Owned(out)),
                '\\' => {
                    let e = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return Err(self.err("bad escape")),
                    });
                }
                c if (c as u32) < 0x20 => return Err(self.err("control character in string")),
                c => out.push(c),
            }
        }
    }

    /// `\uXXXX` (after the `u`), with surrogate pairs.
    fn unicode(&mut self) -> Result<char, Error> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.s[self.i..].starts_with("\\u") {
                return Err(self.err("lone surrogate"));
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.err("bad surrogate pair"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.err("bad code point"))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }
}

/// Writes `v` as indented JSON. An array or object that fits in `width` columns stays on
/// one line: the data files remain short and diff well.
pub fn pretty(v: &Json, width: usize) -> String {
    let mut out = String::new();
    write_pretty(&mut out, v, 0, width);
    out.push('\n');
    out
}

fn write_pretty(out: &mut String, v: &Json, indent: usize, width: usize) {
    let flat = compact(v);
    if indent + flat.len() <= width || is_scalar(v) {
        out.push_str(&flat);
        return;
    }
    let pad = " ".repeat(indent + 2);
    match v {
        Json::Array(items) => {
            out.push_str("[\n");
            for (n, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_pretty(out, item, indent + 2, width);
                out.push_str(if n + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Json::Object(fields) => {
            out.push_str("{\n");
            for (n, (k, item)) in fields.iter().enumerate() {
                out.push_str(&pad);
                write_str(out, k);
                out.push_str(": ");
                write_pretty(out, item, indent + 2, width);
                out.push_str(if n + 1 < fields.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        _ => out.push_str(&flat),
    }
}

fn is_scalar(v: &Json) -> bool {
    match v {
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        _ => true,
    }
}

/// One-line JSON.
pub fn compact(v: &Json) -> String {
    let mut out = String::new();
    write_compact(&mut out, v);
    out
}

fn write_compact(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Json::Str(s) => write_str(out, s),
        Json::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_compact(out, item);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (n, (k, item)) in fields.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_str(out, k);
                out.push_str(": ");
                write_compact(out, item);
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_keeps_key_order() {
        let v = parse(r#" {"b": [1, -2, true, false, null], "a": {"x": "y"}, "e": []} "#)
            .expect("valid");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .iter()
            .map(|(k, _)| &**k)
            .collect();
        assert_eq!(keys, ["b", "a", "e"]);
        assert_eq!(
            v.get("b").and_then(|b| b.as_array()).map(|a| a.len()),
            Some(5)
        );
        assert_eq!(
            v.get("b").expect("b").as_array().expect("a")[1],
            Json::Int(-2)
        );
        assert_eq!(
            v.get("a").and_then(|a| a.get("x")).and_then(|x| x.as_str()),
            Some("y")
        );
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let v = parse(r#"["plain", "a\"b\\c\n\u00e9\ud83d\ude00"]"#).expect("valid");
        let a = v.as_array().expect("array");
        assert!(matches!(&a[0], Json::Str(Cow::Borrowed("plain"))));
        assert_eq!(a[1].as_str(), Some("a\"b\\c\né😀"));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for bad in [
            "",
            "{",
            "[1,",
            "\"abc",
            "{\"a\" 1}",
            "[1 2]",
            "tru",
            "1.5",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "{} x",
            "\"\\u12\"",
            "-",
            "[\"\u{1}\"]",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn pretty_output_parses_back_to_the_same_value() {
        let text = r#"{"name": "zadd", "args": [{"name": "key", "flags": ["optional"]}, {"n": 1}], "s": "q\"\t", "e": {}}"#;
        let v = parse(text).expect("valid");
        for width in [0, 40, 200] {
            let out = pretty(&v, width);
            assert_eq!(parse(&out).expect("round trip"), v, "{out}");
        }
        assert_eq!(pretty(&Json::Array(vec![Json::Int(1)]), 80), "[1]\n");
    }
}
