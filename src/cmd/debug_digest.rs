//! DEBUG DIGEST and DIGEST-VALUE: Redis 7.0's dataset signature (`debug.c`'s
//! `computeDatasetDigest`), so that the same data gives the same 40 hex digits here and in
//! redis-server. SHA-1 blocks are mixed (order matters: strings, list elements, stream
//! entries) or XORed (order does not: keys, set members, hash and sorted set pairs).

use crate::db::{Entry, Value};
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
fn type_code(v: &Value) -> u32 {
    match v {
        Value::Str(_) => 0,
        Value::List(_) => 1,
        Value::Set(..) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(..) => 4,
        Value::Stream(_) => 6,
    }
}

/// A score as Redis 7.0 prints it for the digest (`%.17g`).
fn score(s: f64) -> Vec<u8> {
    crate::util::number::format_double(s)
}

/// Redis's `xorObjectDigest`: the value (and whether it has a TTL) into `d`.
pub fn object(d: &mut Digest, entry: &Entry) {
    let v = &entry.value;
    mix(d, &type_code(v).to_be_bytes());
    match v {
        Value::Str(s) => mix(d, s),
        Value::List(l) => l.iter().for_each(|e| mix(d, e)),
        Value::Set(s) => s.iter().for_each(|m| xor(d, &m)),
        Value::ZSet(z) => {
            for (m, s) in z.iter() {
                let mut e = [0u8; 20];
                mix(&mut e, m);
                mix(&mut e, &score(s));
                xor(d, &e);
            }
        }
        Value::Hash(h) => {
            for (f, val) in h.iter() {
                let mut e = [0u8; 20];
                mix(&mut e, f);
                mix(&mut e, val);
                xor(d, &e);
            }
        }
        Value::Stream(s) => {
            for (id, fields) in s.entries() {
                mix(d, format!("{}.{}", id.ms, id.seq).as_bytes());
                fields.iter().for_each(|f| mix(d, f));
            }
        }
    }
    if entry.expire_at().is_some() {
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
        for (key, entry) in db.iter(0) {
            let mut d = [0u8; 20];
            mix(&mut d, key);
            object(&mut d, entry);
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
        let e = Entry::new(Value::str(b"bar"), None);
        let mut d = [0u8; 20];
        object(&mut d, &e);
        assert_ne!(d, [0u8; 20]);
        assert_eq!(hex(&[0u8; 20]), "0".repeat(40));
        let mut with_ttl = [0u8; 20];
        object(&mut with_ttl, &Entry::new(Value::str(b"bar"), Some(1)));
        assert_ne!(d, with_ttl);
    }
}
