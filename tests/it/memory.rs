//! INFO memory: `used_memory` is the allocator's count of bytes in use (as Redis's
//! zmalloc), not the process's resident memory.

use crate::hostile::proc::Proc;

fn used_memory(c: &mut redis::Connection) -> (u64, u64) {
    let info: String = redis::cmd("INFO").arg("memory").query(c).expect("INFO");
    let field = |name: &str| -> u64 {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in INFO memory"))
    };
    (field("used_memory"), field("used_memory_rss"))
}

#[test]
fn used_memory_follows_what_is_stored() {
    // A process of its own: in this one, other tests allocate at the same time.
    let p = Proc::start(&[]);
    let mut c = redis::Client::open(format!("redis://{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("connects");
    let (before, _) = used_memory(&mut c);
    let big = vec![b'x'; 64 << 20];
    let _: () = redis::cmd("SET")
        .arg("big")
        .arg(&big)
        .query(&mut c)
        .expect("SET");
    drop(big);
    let (with, rss) = used_memory(&mut c);
    assert!(
        with >= before + (60 << 20),
        "used_memory {before} -> {with} after storing 64 MB"
    );
    assert!(rss > 0);
    let _: () = redis::cmd("DEL").arg("big").query(&mut c).expect("DEL");
    let (after, _) = used_memory(&mut c);
    assert!(
        after + (60 << 20) <= with,
        "used_memory {with} -> {after} after deleting 64 MB"
    );
    assert!(
        after < before + (4 << 20),
        "{before} at first, {after} at the end"
    );
}
