//! MONITOR: every command run, as one line to every monitoring client, in Redis 7.0's
//! format (`+1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"`).
//!
//! Lines are written into the monitors' own reply buffers on the executor, in the order
//! commands run, so a monitor on any I/O thread sees them in that order, and its output is
//! bounded by `client-output-buffer-limit`'s normal class (Redis counts monitors as normal
//! clients) like any reply. With no monitor, feeding costs one branch per command.
//!
//! What is shown, as Redis 7.0's `call()`: a command after it ran (so `SELECT 3` shows db
//! 3), not a rejected one, not an `admin` one; EVAL/EVALSHA/FCALL (`skip_monitor`) before
//! their script, whose calls show as `lua`; EXEC after the commands it ran; a blocked
//! command once, when it first runs. Passwords are redacted as in the slow log.

use super::dispatch::Engine;
use super::table::{flag, spec::Spec};
use bytes::Bytes;

/// Whether a command's run is shown after it ran (the rest are never shown, or, for
/// `skip_monitor` scripts, shown before).
pub fn shown_after(spec: &Spec) -> bool {
    spec.flags & (flag::SKIP_MONITOR | flag::ADMIN) == 0
}

/// One line: `+secs.micros [db origin] "arg" ...\r\n`.
pub fn line(unix_us: u128, db: usize, origin: &str, argv: &[Bytes]) -> Vec<u8> {
    let size: usize = argv.iter().map(|a| a.len() + 3).sum();
    let mut out = Vec::with_capacity(size + origin.len() + 40);
    let secs = unix_us / 1_000_000;
    let micros = unix_us % 1_000_000;
    out.extend_from_slice(format!("+{secs}.{micros:06} [{db} {origin}] ").as_bytes());
    for (j, a) in argv.iter().enumerate() {
        if j > 0 {
            out.push(b' ');
        }
        crate::config::values::repr_into(&mut out, a);
    }
    out.extend_from_slice(b"\r\n");
    out
}

impl Engine {
    /// Sends `args` (run by client `id`, or by a script it runs when `script`) to every
    /// monitor, with the client's database after the command (a script's SELECT moves it
    /// for the script's run).
    pub(super) fn feed_monitors(&mut self, spec: &Spec, id: u64, args: &[Bytes], script: bool) {
        let srv = &self.srv;
        let (db, origin) = match srv.clients.get(&id) {
            Some(c) if script => (c.db, "lua".to_string()),
            Some(c) if c.info.unix => {
                let path = srv.config.unixsocket.as_ref();
                (
                    c.db,
                    format!(
                        "unix:{}",
                        path.map(|p| p.display().to_string()).unwrap_or_default()
                    ),
                )
            }
            Some(c) => (c.db, c.info.addr.clone()),
            None => return,
        };
        let hidden = super::slowlog::redacted(spec.name, args);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        let text = line(now, db, &origin, hidden.as_deref().unwrap_or(args));
        for m in &self.srv.monitors {
            if let Some(c) = self.srv.clients.get(m) {
                self.outs.to(c.target()).raw(&text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_quote_as_sdscatrepr() {
        let argv: Vec<Bytes> = ["SET", "k\"\\", "a\nb\x01\u{7f}", ""]
            .iter()
            .map(|s| Bytes::from(s.to_string()))
            .collect();
        let l = line(1_700_000_000_012_345, 3, "127.0.0.1:5", &argv);
        assert_eq!(
            String::from_utf8_lossy(&l),
            "+1700000000.012345 [3 127.0.0.1:5] \"SET\" \"k\\\"\\\\\" \"a\\nb\\x01\\x7f\" \"\"\r\n"
        );
    }
}
