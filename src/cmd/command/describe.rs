//! COMMAND INFO's and COMMAND DOCS's description of one command, rendered from its
//! [`Spec`] in Redis 7.0's layout and reply types (sets of status strings for flags, maps
//! for key specs and docs), field for field as `server.c`'s `addReplyCommand*` write them.
//!
//! Subcommands muxis does not implement are left out, as if the container had only the
//! ones it runs.

use crate::engine::out::Out;
use crate::engine::table::flag;
use crate::engine::table::spec::{Arg, Begin, Find, KeySpec, Spec, key_flag};

/// The subcommands muxis implements.
pub(super) fn subs(spec: &'static Spec) -> impl Iterator<Item = &'static Spec> {
    spec.subcommands.iter().filter(|s| s.implemented())
}

fn statuses<'a>(out: &mut Out, names: impl ExactSizeIterator<Item = &'a str>) {
    out.set(names.len());
    for n in names {
        out.simple(n);
    }
}

/// Flag bits as a set of their names, in the table's order.
fn flag_names<T: Copy + std::ops::BitAnd<Output = T> + PartialEq + Default>(
    out: &mut Out,
    bits: T,
    table: &[(T, &str)],
) {
    let on = || table.iter().filter(move |(b, _)| bits & *b != T::default());
    out.set(on().count());
    for (_, n) in on() {
        out.simple(n);
    }
}

/// The access flags of one key, as GETKEYSANDFLAGS and the key specs list them.
pub(super) fn key_flags(out: &mut Out, flags: u32) {
    flag_names(out, flags, key_flag::NAMES);
}

/// One command's 10-element description, as Redis 7.0 writes it.
pub(super) fn write_info(out: &mut Out, spec: &'static Spec) {
    out.array(10);
    out.bulk(spec.name.as_bytes());
    out.int(spec.arity as i64);
    flag_names(out, spec.flags, flag::NAMES);
    out.int(spec.keys.0 as i64);
    out.int(spec.keys.1 as i64);
    out.int(spec.keys.2 as i64);
    out.set(spec.acl_categories.len());
    for c in &spec.acl_categories {
        out.simple(&format!("@{c}"));
    }
    // Tips are bulk strings, unlike the other lists.
    out.set(spec.tips.len());
    for t in &spec.tips {
        out.bulk(t.as_bytes());
    }
    out.set(spec.key_specs.len());
    for k in &spec.key_specs {
        write_key_spec(out, k);
    }
    // Redis answers an empty set when there are none, an array otherwise.
    let n = subs(spec).count();
    if n == 0 {
        out.set(0);
    } else {
        out.array(n);
        for s in subs(spec) {
            write_info(out, s);
        }
    }
}

fn write_key_spec(out: &mut Out, k: &KeySpec) {
    out.map(3 + k.notes.is_some() as usize);
    if let Some(notes) = k.notes {
        out.bulk(b"notes");
        out.bulk(notes.as_bytes());
    }
    out.bulk(b"flags");
    key_flags(out, k.flags);
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    match k.begin {
        Begin::Index(i) => {
            out.bulk(b"index");
            out.bulk(b"spec");
            out.map(1);
            out.bulk(b"index");
            out.int(i as i64);
        }
        Begin::Keyword { keyword, startfrom } => {
            out.bulk(b"keyword");
            out.bulk(b"spec");
            out.map(2);
            out.bulk(b"keyword");
            out.bulk(keyword.as_bytes());
            out.bulk(b"startfrom");
            out.int(startfrom as i64);
        }
        Begin::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    let ints: [(&[u8], i32); 3] = match k.find {
        Find::Range {
            lastkey,
            keystep,
            limit,
        } => {
            out.bulk(b"range");
            [
                (b"lastkey", lastkey),
                (b"keystep", keystep),
                (b"limit", limit),
            ]
        }
        Find::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            out.bulk(b"keynum");
            [
                (b"keynumidx", keynumidx),
                (b"firstkey", firstkey),
                (b"keystep", keystep),
            ]
        }
        Find::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            return out.map(0);
        }
    };
    out.bulk(b"spec");
    out.map(3);
    for (name, v) in ints {
        out.bulk(name);
        out.int(v as i64);
    }
}

/// One command's documentation map: summary, since, group, complexity, doc flags,
/// deprecation, history, arguments, subcommands.
pub(super) fn write_doc(out: &mut Out, spec: &'static Spec) {
    let d = &spec.doc;
    let n_subs = subs(spec).count();
    let fields = 2 // summary (every implemented command has one), group
        + !d.since.is_empty() as usize
        + d.complexity.is_some() as usize
        + !d.doc_flags.is_empty() as usize
        + d.deprecated_since.is_some() as usize
        + d.replaced_by.is_some() as usize
        + !d.history.is_empty() as usize
        + !d.arguments.is_empty() as usize
        + (n_subs > 0) as usize;
    out.map(fields);
    out.bulk(b"summary");
    out.bulk(d.summary.as_bytes());
    if !d.since.is_empty() {
        out.bulk(b"since");
        out.bulk(d.since.as_bytes());
    }
    out.bulk(b"group");
    out.bulk(d.group.as_bytes());
    if let Some(c) = d.complexity {
        out.bulk(b"complexity");
        out.bulk(c.as_bytes());
    }
    if !d.doc_flags.is_empty() {
        out.bulk(b"doc_flags");
        statuses(out, d.doc_flags.iter().copied());
    }
    for (name, v) in [
        (&b"deprecated_since"[..], d.deprecated_since),
        (b"replaced_by", d.replaced_by),
    ] {
        if let Some(v) = v {
            out.bulk(name);
            out.bulk(v.as_bytes());
        }
    }
    if !d.history.is_empty() {
        out.bulk(b"history");
        out.set(d.history.len());
        for (version, what) in &d.history {
            out.array(2);
            out.bulk(version.as_bytes());
            out.bulk(what.as_bytes());
        }
    }
    if !d.arguments.is_empty() {
        out.bulk(b"arguments");
        write_args(out, &d.arguments);
    }
    if n_subs > 0 {
        out.bulk(b"subcommands");
        out.map(n_subs);
        for s in subs(spec) {
            out.bulk(s.name.as_bytes());
            write_doc(out, s);
        }
    }
}

fn write_args(out: &mut Out, args: &[Arg]) {
    out.array(args.len());
    for a in args {
        let strs = [
            (&b"token"[..], a.token),
            (b"summary", a.summary),
            (b"since", a.since),
            (b"deprecated_since", a.deprecated_since),
        ];
        out.map(
            2 + a.key_spec_index.is_some() as usize
                + strs.iter().filter(|(_, v)| v.is_some()).count()
                + !a.flags.is_empty() as usize
                + !a.arguments.is_empty() as usize,
        );
        out.bulk(b"name");
        out.bulk(a.name.as_bytes());
        out.bulk(b"type");
        out.bulk(a.kind.as_bytes());
        if let Some(i) = a.key_spec_index {
            out.bulk(b"key_spec_index");
            out.int(i);
        }
        for (name, v) in strs {
            if let Some(v) = v {
                out.bulk(name);
                out.bulk(v.as_bytes());
            }
        }
        if !a.flags.is_empty() {
            out.bulk(b"flags");
            statuses(out, a.flags.iter().copied());
        }
        if !a.arguments.is_empty() {
            out.bulk(b"arguments");
            write_args(out, &a.arguments);
        }
    }
}
