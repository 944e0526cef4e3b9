//! Regenerates `src/engine/commands.json`, the command table's metadata, from a live
//! redis-server's COMMAND INFO and COMMAND DOCS:
//!
//! ```text
//! cargo test --release --test it regenerate_command_data -- --ignored
//! ```
//!
//! (`MUXIS_REDIS_SERVER=path` picks another redis-server.) Every field Redis reports is
//! taken from it; the fields that are ours are kept from the current file: `summary` (our
//! own words, present for the commands muxis implements), `getkeys_proc` (which of Redis's
//! hard-coded key finders backs a command's key specs) and `muxis_flags` (dispatch rules
//! Redis hard-codes by command). Entries Redis does not have (subcommands from later Redis
//! versions muxis implements), and entries marked `newer` (taken from a later Redis whose
//! additions muxis implements, such as ZRANK's WITHSCORE), are kept as they are.

use super::redis_proc::RedisProc;
use super::resp::{Conn, V};
use muxis::util::json::{self, Json};
use std::borrow::Cow;

/// The fields of an entry that are ours, not Redis's.
const OURS: &[&str] = &["summary", "getkeys_proc", "muxis_flags"];

pub fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/commands.json")
}

fn s(x: &str) -> Cow<'static, str> {
    Cow::Owned(x.to_string())
}

fn text(v: &V) -> String {
    String::from_utf8_lossy(v.bytes().expect("a string")).into_owned()
}

/// A reply as JSON: maps become objects (in reply order), arrays and sets arrays.
pub fn to_json(v: &V) -> Json<'static> {
    match v {
        V::Bulk(b) | V::Simple(b) => Json::Str(Cow::Owned(String::from_utf8_lossy(b).into())),
        V::Int(i) => Json::Int(*i),
        V::Array(a) | V::Set(a) => Json::Array(a.iter().map(to_json).collect()),
        V::Map(m) => Json::Object(m.iter().map(|(k, v)| (s(&text(k)), to_json(v))).collect()),
        V::Null | V::NullBulk | V::NullArray => Json::Null,
        other => panic!("unexpected reply in command metadata: {other:?}"),
    }
}

/// One COMMAND INFO entry plus its COMMAND DOCS map, as a data-file entry, with our fields
/// taken from `old`.
fn entry(info: &V, docs: &V, old: Option<&Json>) -> (String, Json<'static>) {
    let info = info.items().expect("COMMAND INFO entry");
    let name = text(&info[0]);
    if let Some(old) = old.filter(|o| o.get("newer").is_some()) {
        return (name, owned(old));
    }
    let V::Map(doc) = docs else {
        panic!("docs of {name} must be a map")
    };
    let doc_field = |k: &str| {
        doc.iter()
            .find(|(dk, _)| dk.bytes() == Some(k.as_bytes()))
            .map(|(_, v)| v)
    };
    let mut fields: Vec<(Cow<'static, str>, Json<'static>)> = Vec::new();
    if let Some(summary) = old.and_then(|o| o.get("summary")) {
        fields.push((s("summary"), owned(summary)));
    }
    for k in [
        "since",
        "group",
        "complexity",
        "doc_flags",
        "deprecated_since",
        "replaced_by",
        "history",
    ] {
        if let Some(v) = doc_field(k) {
            fields.push((s(k), to_json(v)));
        }
    }
    fields.push((s("arity"), to_json(&info[1])));
    fields.push((s("flags"), to_json(&info[2])));
    fields.push((
        s("key_range"),
        Json::Array(info[3..6].iter().map(to_json).collect()),
    ));
    let cats = info[6].items().expect("categories");
    fields.push((
        s("acl_categories"),
        Json::Array(
            cats.iter()
                .map(|c| Json::Str(s(text(c).trim_start_matches('@'))))
                .collect(),
        ),
    ));
    fields.push((s("tips"), to_json(&info[7])));
    fields.push((s("key_specs"), to_json(&info[8])));
    if let Some(args) = doc_field("arguments") {
        fields.push((s("arguments"), to_json(args)));
    }
    for k in &OURS[1..] {
        if let Some(v) = old.and_then(|o| o.get(k)) {
            fields.push((s(k), owned(v)));
        }
    }
    let subs = info[9].items().expect("subcommands");
    if !subs.is_empty() {
        let sub_docs = match doc_field("subcommands") {
            Some(V::Map(m)) => m.clone(),
            _ => panic!("{name}: subcommands without docs"),
        };
        let old_subs = old.and_then(|o| o.get("subcommands"));
        let mut out: Vec<(Cow<'static, str>, Json<'static>)> = subs
            .iter()
            .map(|sub| {
                let sub_name = text(&sub.items().expect("sub")[0]);
                let sub_doc = sub_docs
                    .iter()
                    .find(|(k, _)| text(k) == sub_name)
                    .map(|(_, v)| v)
                    .unwrap_or_else(|| panic!("no docs for {sub_name}"));
                let (n, e) = entry(sub, sub_doc, old_subs.and_then(|o| o.get(&sub_name)));
                (Cow::Owned(n), e)
            })
            .collect();
        keep_extra(&mut out, old_subs);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        fields.push((s("subcommands"), Json::Object(out)));
    }
    (name, Json::Object(fields))
}

/// Keeps the entries of `old` that Redis did not report.
fn keep_extra(out: &mut Vec<(Cow<'static, str>, Json<'static>)>, old: Option<&Json>) {
    for (k, v) in old.and_then(|o| o.as_object()).unwrap_or(&[]) {
        if !out.iter().any(|(n, _)| n == k) {
            out.push((Cow::Owned(k.to_string()), owned(v)));
        }
    }
}

/// A deep copy that no longer borrows the old file's text.
fn owned(v: &Json) -> Json<'static> {
    match v {
        Json::Null => Json::Null,
        Json::Bool(b) => Json::Bool(*b),
        Json::Int(i) => Json::Int(*i),
        Json::Str(x) => Json::Str(s(x)),
        Json::Array(a) => Json::Array(a.iter().map(owned).collect()),
        Json::Object(o) => Json::Object(o.iter().map(|(k, v)| (s(k), owned(v))).collect()),
    }
}

/// Connects in RESP3, so sets, maps and status strings keep their types.
pub fn connect(addr: std::net::SocketAddr) -> Conn {
    let mut c = Conn::connect(addr).expect("connect");
    c.call(&[b"HELLO".to_vec(), b"3".to_vec()])
        .expect("HELLO 3");
    c
}

#[test]
#[ignore = "rewrites src/engine/commands.json from a live redis-server"]
fn regenerate_command_data() {
    let redis = RedisProc::start().expect("redis-server is needed to regenerate");
    let mut c = connect(redis.addr);
    let version = match c.call(&[b"INFO".to_vec(), b"server".to_vec()]) {
        Ok(V::Verbatim(_, t)) | Ok(V::Bulk(t)) => String::from_utf8_lossy(&t)
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:").map(str::to_string))
            .expect("redis_version"),
        other => panic!("INFO: {other:?}"),
    };
    let info = c
        .call(&[b"COMMAND".to_vec(), b"INFO".to_vec()])
        .expect("INFO");
    let V::Map(docs) = c
        .call(&[b"COMMAND".to_vec(), b"DOCS".to_vec()])
        .expect("DOCS")
    else {
        panic!("COMMAND DOCS must be a map in RESP3")
    };
    let old_text = std::fs::read_to_string(path()).unwrap_or_else(|_| "{}".into());
    let old = json::parse(&old_text).expect("the current data file parses");
    let old_cmds = old.get("commands");
    let mut cmds: Vec<(Cow<'static, str>, Json<'static>)> = info
        .items()
        .expect("COMMAND INFO array")
        .iter()
        .map(|i| {
            let name = text(&i.items().expect("entry")[0]);
            let doc = docs
                .iter()
                .find(|(k, _)| text(k) == name)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no docs for {name}"));
            let (n, e) = entry(i, doc, old_cmds.and_then(|o| o.get(&name)));
            (Cow::Owned(n), e)
        })
        .collect();
    keep_extra(&mut cmds, old_cmds);
    cmds.sort_by(|a, b| a.0.cmp(&b.0));
    let about = old
        .get("about")
        .cloned()
        .map(|a| owned(&a))
        .unwrap_or(Json::Null);
    let file = Json::Object(vec![
        (s("about"), about),
        (s("redis_version"), Json::Str(s(&version))),
        (s("commands"), Json::Object(cmds)),
    ]);
    std::fs::write(path(), json::pretty(&file, 100)).expect("write the data file");
    eprintln!("wrote {}", path().display());
}
