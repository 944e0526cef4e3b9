//! PFSELFTEST's checks, run on the live build.

use super::sketch::*;

/// PFSELFTEST: every register keeps what is written to it without disturbing its
/// neighbours, and a sparse and a dense HLL fed the same elements agree and stay within
/// five standard errors of the true count. The error names the failure as Redis's does.
pub fn run(rng: &mut crate::util::rand::Rng) -> Result<(), String> {
    let mut regs = vec![0u8; DENSE_SIZE - HDR];
    let mut bytes = vec![0u8; REGISTERS];
    for _ in 0..100 {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (rng.next_u64() & u64::from(REGISTER_MAX)) as u8;
            dense_put(&mut regs, i, *b);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let v = dense_get(&regs, i);
            if v != b {
                return Err(format!("TESTFAILED Register {i} should be {b} but is {v}"));
            }
        }
    }
    let (mut sparse, mut dense) = (new_sparse(), new_sparse());
    to_dense(&mut dense).map_err(|_| "TESTFAILED dense conversion".to_string())?;
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let seed = rng.next_u64();
    let mut checkpoint = 1u64;
    for j in 1..=100_000u64 {
        let ele = (seed ^ j).to_le_bytes();
        let (a, b) = (add(&mut sparse, &ele, 3000), add(&mut dense, &ele, 3000));
        if a.is_err() || b.is_err() {
            return Err("TESTFAILED corrupted HLL".into());
        }
        if j != checkpoint {
            continue;
        }
        checkpoint *= 10;
        let (a, b) = (count(&sparse), count(&dense));
        let (Ok(a), Ok(b)) = (a, b) else {
            return Err("TESTFAILED corrupted HLL".into());
        };
        if a != b {
            return Err(format!("TESTFAILED dense/sparse disagree: {b} vs {a}"));
        }
        let abserr = (j as f64 - a as f64).abs();
        let maxerr = (relerr * 5.0 * j as f64).ceil().max(2.0);
        if abserr > maxerr {
            return Err(format!(
                "TESTFAILED Too big error. card:{j} abserr:{abserr} maxerr:{maxerr}"
            ));
        }
    }
    Ok(())
}
