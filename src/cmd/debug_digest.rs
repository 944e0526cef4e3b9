//! DEBUG DIGEST and DIGEST-VALUE: Redis 7.0's dataset signature (`debug.c`'s
//! `computeDatasetDigest`), so that the same data gives the same 40 hex digits here and in
//! redis-server. SHA-1 blocks are mixed (order matters: strings, list elements, stream
//! entries) or XORed (order does not: keys, set members, hash and sorted set pairs).

use crate::db::ValueRef;
use crate::script::sha1::digest as sha1;

type Digest = [u8; 20];

/// XORs SHA-1(`data`) into `d`.
fn xor(d: &mut Digest, data: &[u8]) {
    for (a, b) in d.iter_mut().zip(sha1(data)) {
        *a ^= b;
    }
}

/// XORs SHA-1(`data`) into `d`, then replaces `d` by SHA-1(`d`).
fn mix(d: &mut Digest, data: &[u8]) {
    xor(d, data);
    *d = sha1(&d[..]);
}

/// Redis's type numbers.
fn type_code(v: ValueRef<'_>) -> u32 {
    match v {
        ValueRef::Str(_) => 0,
        ValueRef::List(_) => 1,
        ValueRef::Set(..) => 2,
        ValueRef::ZSet(_) => 3,
        ValueRef::Hash(..) => 4,
        ValueRef::Stream(_) => 6,
    }
}

/// A score as Redis 7.0 prints it for the digest (`%.17g`).
fn score(s: f64) -> Vec<u8> {
    crate::util::number::format_double(s)
}

/// Redis's `xorObjectDigest`: the value (and whether its key has a TTL) into `d`.
pub fn object(d: &mut Digest, v: ValueRef<'_>, has_ttl: bool) {
    mix(d, &type_code(v).to_be_bytes());
    match v {
        ValueRef::Str(s) => mix(d, s),
        ValueRef::List(l) => l.iter().for_each(|e| mix(d, e)),
        ValueRef::Set(s) => s.iter().for_each(|m| xor(d, &m)),
        ValueRef::ZSet(z) => {
            for (m, s) in z.iter() {
                let mut e = [0u8; 20];
                mix(&mut e, m);
                mix(&mut e, &score(s));
                xor(d, &e);
            }
        }
        ValueRef::Hash(h) => {
            for (f, val) in h.iter() {
                let mut e = [0u8; 20];
                mix(&mut e, f);
                mix(&mut e, val);
                xor(d, &e);
            }
        }
        ValueRef::Stream(s) => {
            for (id, fields) in s.entries() {
                mix(d, format!("{}.{}", id.ms, id.seq).as_bytes());
                fields.iter().for_each(|f| mix(d, f));
            }
        }
    }
    if has_ttl {
        xor(d, b"!!expire!!");
    }
}

/// The whole dataset's digest: all zeros when it is empty.
pub fn dataset(srv: &crate::engine::state::Server) -> Digest {
    let mut out = [0u8; 20];
    for (j, db) in srv.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        mix(&mut out, &(j as u32).to_be_bytes());
        // Logically expired keys count too, as in Redis (they are still in its table).
        for (n, at) in db.iter(0) {
            let mut d = [0u8; 20];
            mix(&mut d, n.key());
            object(&mut d, n.value(), at.is_some());
            xor(&mut out, &d);
        }
    }
    out
}

/// 40 lowercase hex digits.
pub fn hex(d: &Digest) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_object_digest_is_not_zero_but_an_empty_dataset_is() {
        let mut d = [0u8; 20];
        object(&mut d, ValueRef::Str(b"bar"), false);
        assert_ne!(d, [0u8; 20]);
        assert_eq!(hex(&[0u8; 20]), "0".repeat(40));
        let mut with_ttl = [0u8; 20];
        object(&mut with_ttl, ValueRef::Str(b"bar"), true);
        assert_ne!(d, with_ttl);
    }
}
