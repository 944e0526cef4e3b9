//! Reading `engine/commands.json` into [`Spec`]s: every field checked, flag names mapped to
//! bits, strings borrowed from the embedded `'static` text.

use super::flag;
use super::spec::{Arg, Begin, Doc, Find, GetKeys, KeySpec, Spec, Specs, key_flag};
use crate::util::json::{self, Json};
use std::borrow::Cow;

/// Why the data file could not be read: where, and what.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(at: &str, what: &str) -> Result<T, Error> {
    Err(Error(format!("{at}: {what}")))
}

/// Parses a data file's text.
pub fn parse(text: &'static str) -> Result<Specs, Error> {
    let root = json::parse(text).map_err(|e| Error(e.to_string()))?;
    let redis_version = root
        .get("redis_version")
        .and_then(|v| static_str(v))
        .unwrap_or("");
    let Some(commands) = root.get("commands").and_then(Json::as_object) else {
        return err("root", "no 'commands' object");
    };
    let mut commands: Vec<Spec> = commands
        .iter()
        .map(|(name, v)| spec(name, v))
        .collect::<Result<_, _>>()?;
    let mut next = 0;
    for c in &mut commands {
        number(c, &mut next);
    }
    Ok(Specs {
        commands,
        redis_version,
    })
}

/// Gives `s` and its subcommands the next ACL ids.
fn number(s: &mut Spec, next: &mut u16) {
    s.acl_id = *next;
    *next += 1;
    for sub in &mut s.subcommands {
        number(sub, next);
    }
}

/// A string of the embedded file: borrowed from it, or (when it had escapes) leaked, since
/// the metadata lives as long as the process.
fn static_str(v: &Json<'static>) -> Option<&'static str> {
    match v {
        Json::Str(Cow::Borrowed(s)) => Some(s),
        Json::Str(Cow::Owned(s)) => Some(Box::leak(s.clone().into_boxed_str())),
        _ => None,
    }
}

// The `Cow` (not `&str`) says whether the name borrows the `'static` file.
#[allow(clippy::ptr_arg)]
fn key_name(name: &Cow<'static, str>) -> &'static str {
    match name {
        Cow::Borrowed(s) => s,
        Cow::Owned(s) => Box::leak(s.clone().into_boxed_str()),
    }
}

fn opt_str(v: &Json<'static>, key: &str, at: &str) -> Result<Option<&'static str>, Error> {
    match v.get(key) {
        None => Ok(None),
        Some(s) => match static_str(s) {
            Some(s) => Ok(Some(s)),
            None => err(at, &format!("'{key}' must be a string")),
        },
    }
}

fn req_str(v: &Json<'static>, key: &str, at: &str) -> Result<&'static str, Error> {
    opt_str(v, key, at)?.map_or_else(|| err(at, &format!("'{key}' missing")), Ok)
}

fn int(v: &Json<'static>, key: &str, at: &str) -> Result<i64, Error> {
    v.get(key)
        .and_then(Json::as_int)
        .map_or_else(|| err(at, &format!("'{key}' must be an integer")), Ok)
}

fn small(v: &Json<'static>, key: &str, at: &str) -> Result<i32, Error> {
    i32::try_from(int(v, key, at)?).or_else(|_| err(at, &format!("'{key}' out of range")))
}

fn strs(v: &Json<'static>, key: &str, at: &str) -> Result<Vec<&'static str>, Error> {
    match v.get(key) {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|s| static_str(s).map_or_else(|| err(at, &format!("'{key}': strings")), Ok))
            .collect(),
        Some(_) => err(at, &format!("'{key}' must be an array")),
    }
}

/// A set of flag names as bits, refusing names the table does not know.
fn bits<T: Copy + std::ops::BitOr<Output = T> + Default>(
    names: &[&str],
    table: &[(T, &str)],
    at: &str,
) -> Result<T, Error> {
    names.iter().try_fold(T::default(), |acc, n| {
        match table.iter().find(|(_, name)| name == n) {
            Some(&(bit, _)) => Ok(acc | bit),
            None => err(at, &format!("unknown flag '{n}'")),
        }
    })
}

#[allow(clippy::ptr_arg)] // see key_name
fn spec(name: &Cow<'static, str>, v: &Json<'static>) -> Result<Spec, Error> {
    let at = &**name;
    let flags = bits(&strs(v, "flags", at)?, flag::NAMES, at)?
        | bits(&strs(v, "muxis_flags", at)?, flag::MUXIS_NAMES, at)?;
    let range = match v.get("key_range").and_then(Json::as_array) {
        Some([f, l, s]) => match (f.as_int(), l.as_int(), s.as_int()) {
            (Some(f), Some(l), Some(s)) => (f as i32, l as i32, s as i32),
            _ => return err(at, "'key_range' must hold integers"),
        },
        _ => return err(at, "'key_range' must be [first, last, step]"),
    };
    let key_specs = match v.get("key_specs") {
        None => Vec::new(),
        Some(Json::Array(specs)) => specs
            .iter()
            .map(|k| key_spec(k, at))
            .collect::<Result<_, _>>()?,
        Some(_) => return err(at, "'key_specs' must be an array"),
    };
    let getkeys = match opt_str(v, "getkeys_proc", at)? {
        None => None,
        Some(p) => match GetKeys::named(p) {
            Some(g) => Some(g),
            None => return err(at, &format!("unknown getkeys_proc '{p}'")),
        },
    };
    let subcommands = match v.get("subcommands") {
        None => Vec::new(),
        Some(Json::Object(subs)) => subs
            .iter()
            .map(|(n, s)| spec(n, s))
            .collect::<Result<_, _>>()?,
        Some(_) => return err(at, "'subcommands' must be an object"),
    };
    let history = match v.get("history") {
        None => Vec::new(),
        Some(Json::Array(h)) => h
            .iter()
            .map(|e| match e.as_array() {
                Some([ver, what]) => match (static_str(ver), static_str(what)) {
                    (Some(a), Some(b)) => Ok((a, b)),
                    _ => err(at, "history entries are [version, text]"),
                },
                _ => err(at, "history entries are [version, text]"),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return err(at, "'history' must be an array"),
    };
    Ok(Spec {
        name: key_name(name),
        acl_id: 0,
        arity: small(v, "arity", at)?,
        flags,
        keys: range,
        acl_categories: strs(v, "acl_categories", at)?,
        tips: strs(v, "tips", at)?,
        key_specs,
        getkeys,
        subcommands,
        doc: Doc {
            summary: opt_str(v, "summary", at)?.unwrap_or(""),
            since: opt_str(v, "since", at)?.unwrap_or(""),
            group: req_str(v, "group", at)?,
            complexity: opt_str(v, "complexity", at)?,
            doc_flags: strs(v, "doc_flags", at)?,
            deprecated_since: opt_str(v, "deprecated_since", at)?,
            replaced_by: opt_str(v, "replaced_by", at)?,
            history,
            arguments: args(v, at)?,
        },
    })
}

fn args(v: &Json<'static>, at: &str) -> Result<Vec<Arg>, Error> {
    match v.get("arguments") {
        None => Ok(Vec::new()),
        Some(Json::Array(a)) => a.iter().map(|x| arg(x, at)).collect(),
        Some(_) => err(at, "'arguments' must be an array"),
    }
}

fn arg(v: &Json<'static>, at: &str) -> Result<Arg, Error> {
    const FLAGS: &[(u8, &str)] = &[(1, "optional"), (2, "multiple"), (4, "multiple_token")];
    let flags = strs(v, "flags", at)?;
    bits(&flags, FLAGS, at)?;
    Ok(Arg {
        name: req_str(v, "name", at)?,
        kind: req_str(v, "type", at)?,
        key_spec_index: v.get("key_spec_index").and_then(Json::as_int),
        token: opt_str(v, "token", at)?,
        summary: opt_str(v, "summary", at)?,
        since: opt_str(v, "since", at)?,
        deprecated_since: opt_str(v, "deprecated_since", at)?,
        flags,
        arguments: args(v, at)?,
    })
}

fn key_spec(v: &Json<'static>, at: &str) -> Result<KeySpec, Error> {
    let flags = bits(&strs(v, "flags", at)?, key_flag::NAMES, at)?;
    let (Some(bs), Some(fk)) = (v.get("begin_search"), v.get("find_keys")) else {
        return err(at, "a key spec needs begin_search and find_keys");
    };
    let empty = Json::Object(Vec::new());
    let bspec = bs.get("spec").unwrap_or(&empty);
    let begin = match bs.get("type").and_then(Json::as_str) {
        Some("index") => Begin::Index(small(bspec, "index", at)?),
        Some("keyword") => Begin::Keyword {
            keyword: req_str(bspec, "keyword", at)?,
            startfrom: small(bspec, "startfrom", at)?,
        },
        Some("unknown") => Begin::Unknown,
        _ => return err(at, "unknown begin_search type"),
    };
    let fspec = fk.get("spec").unwrap_or(&empty);
    let find = match fk.get("type").and_then(Json::as_str) {
        Some("range") => Find::Range {
            lastkey: small(fspec, "lastkey", at)?,
            keystep: small(fspec, "keystep", at)?,
            limit: small(fspec, "limit", at)?,
        },
        Some("keynum") => Find::Keynum {
            keynumidx: small(fspec, "keynumidx", at)?,
            firstkey: small(fspec, "firstkey", at)?,
            keystep: small(fspec, "keystep", at)?,
        },
        Some("unknown") => Find::Unknown,
        _ => return err(at, "unknown find_keys type"),
    };
    Ok(KeySpec {
        notes: opt_str(v, "notes", at)?,
        flags,
        begin,
        find,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_data_is_reported_with_where() {
        let bad = [
            r#"{"commands": {"x": {"group": "g", "arity": 1, "flags": ["nope"], "key_range": [0,0,0]}}}"#,
            r#"{"commands": {"x": {"group": "g", "arity": 1, "key_range": [0,0]}}}"#,
            r#"{"commands": {"x": {"arity": 1, "key_range": [0,0,0]}}}"#,
            r#"{"commands": {"x": {"group": "g", "arity": 1, "key_range": [0,0,0], "getkeys_proc": "f"}}}"#,
            r#"{"commands": {"x": {"group": "g", "arity": 1, "key_range": [0,0,0], "key_specs": [{"flags": [], "begin_search": {"type": "index", "spec": {}}, "find_keys": {"type": "unknown"}}]}}}"#,
            r#"{"nothing": 1}"#,
        ];
        for text in bad {
            let e = parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text} must fail"));
            assert!(!e.0.is_empty());
        }
    }
}
