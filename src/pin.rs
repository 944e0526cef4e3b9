//! Pinning the calling thread to CPUs.

/// The CPUs this process may run on.
pub fn available() -> Vec<usize> {
    core_affinity::get_core_ids()
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// Restricts the calling thread to `cpus`; an empty list means every available CPU (unpin).
/// Returns false if the kernel refused.
pub fn set(cpus: &[usize]) -> bool {
    let cpus = if cpus.is_empty() {
        available()
    } else {
        cpus.to_vec()
    };
    // SAFETY: `cpu_set_t` is a plain bitmask for which all-zero is the empty set. CPU_SET
    // writes inside it only for ids below CPU_SETSIZE, which is checked first. The kernel
    // reads exactly `size_of::<cpu_set_t>()` bytes from the pointer we pass, which points at
    // that live local. pid 0 is the calling thread only.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &cpu in &cpus {
            if cpu < libc::CPU_SETSIZE as usize {
                libc::CPU_SET(cpu, &mut set);
            }
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}
