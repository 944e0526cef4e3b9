//! The forms stream commands propagate as (Redis's `streamPropagateXCLAIM` and
//! `streamPropagateGroupID`): a consumer group's state changes by reads and claims whose
//! outcome depends on time and on the PEL, so they are replayed as explicit, deterministic
//! commands instead of as themselves.

use crate::db::stream::{Stream, StreamId};
use bytes::Bytes;

fn id_arg(id: &StreamId) -> Bytes {
    Bytes::copy_from_slice(id.fmt().as_bytes())
}

fn num(n: impl ToString) -> Bytes {
    Bytes::from(n.to_string())
}

/// The pending entry `id` of `group` as it now is: `XCLAIM key group consumer 0 id TIME t
/// RETRYCOUNT n FORCE JUSTID LASTID last`. An ID no longer pending (its entry was deleted
/// and dropped from the PEL) becomes `XACK key group id`.
pub(super) fn xclaim(s: &Stream, key: &Bytes, group: &[u8], id: &StreamId) -> Vec<Bytes> {
    let g = s.groups.get(group);
    let group = Bytes::copy_from_slice(group);
    let Some((g, p)) = g.and_then(|g| g.pel.get(id).map(|p| (g, p))) else {
        return vec![Bytes::from_static(b"XACK"), key.clone(), group, id_arg(id)];
    };
    vec![
        Bytes::from_static(b"XCLAIM"),
        key.clone(),
        group,
        p.consumer.clone(),
        Bytes::from_static(b"0"),
        id_arg(id),
        Bytes::from_static(b"TIME"),
        num(p.delivery_time),
        Bytes::from_static(b"RETRYCOUNT"),
        num(p.delivery_count),
        Bytes::from_static(b"FORCE"),
        Bytes::from_static(b"JUSTID"),
        Bytes::from_static(b"LASTID"),
        id_arg(&g.last_id),
    ]
}

/// The group's last delivered ID and read counter: `XGROUP SETID key group id ENTRIESREAD n`.
pub(super) fn setid(s: &Stream, key: &Bytes, group: &[u8]) -> Option<Vec<Bytes>> {
    let g = s.groups.get(group)?;
    Some(vec![
        Bytes::from_static(b"XGROUP"),
        Bytes::from_static(b"SETID"),
        key.clone(),
        Bytes::copy_from_slice(group),
        id_arg(&g.last_id),
        Bytes::from_static(b"ENTRIESREAD"),
        num(g.entries_read.unwrap_or(-1)),
    ])
}

/// `XGROUP CREATECONSUMER key group consumer`.
pub(super) fn create_consumer(key: &Bytes, group: &[u8], consumer: &[u8]) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XGROUP"),
        Bytes::from_static(b"CREATECONSUMER"),
        key.clone(),
        Bytes::copy_from_slice(group),
        Bytes::copy_from_slice(consumer),
    ]
}
