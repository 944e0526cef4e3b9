//! Unit tests for the HLL representation: placement against redis-server, register
//! packing, sparse/dense agreement, corrupt bodies.

use super::*;

#[test]
fn elements_land_where_redis_puts_them() {
    // redis-server 7.0.15: PFADD x a b c; PFDEBUG DECODE x gives
    // Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603.
    let mut s = new_sparse();
    for e in [&b"a"[..], b"b", b"c"] {
        assert_eq!(add(&mut s, e, 3000), Ok(true));
    }
    assert_eq!(decode(&s), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
    assert_eq!(count(&s), Ok(3));
}

#[test]
fn dense_registers_round_trip() {
    let mut regs = vec![0u8; DENSE_SIZE - HDR];
    for i in 0..REGISTERS {
        dense_put(&mut regs, i, (i % 64) as u8);
    }
    for i in 0..REGISTERS {
        assert_eq!(dense_get(&regs, i), (i % 64) as u8);
    }
}

#[test]
fn sparse_and_dense_count_the_same() {
    let mut sparse = new_sparse();
    assert_eq!(sparse.len(), 18);
    let mut dense = new_sparse();
    to_dense(&mut dense).expect("valid");
    for i in 0..500u32 {
        let e = i.to_string();
        add(&mut sparse, e.as_bytes(), 3000).expect("valid");
        add(&mut dense, e.as_bytes(), 3000).expect("valid");
    }
    assert_eq!(sparse[4], SPARSE);
    let mut promoted = sparse.clone();
    to_dense(&mut promoted).expect("valid");
    assert_eq!(promoted[HDR..], dense[HDR..]);
    let (a, b) = (
        count(&sparse).expect("valid"),
        count(&dense).expect("valid"),
    );
    assert_eq!(a, b);
    assert!((480..=520).contains(&a), "{a}");
}

#[test]
fn a_sparse_body_that_does_not_cover_every_register_is_corrupt() {
    let mut s = new_sparse();
    s.truncate(HDR);
    s.push(0x3f); // ZERO:64
    assert_eq!(count(&s), Err(Corrupt));
    assert_eq!(to_dense(&mut s.clone()), Err(Corrupt));
    // "a" lands in register 8436, past the 64 the body covers.
    assert_eq!(add(&mut s, b"a", 3000), Err(Corrupt));
}
