//! Per-connection limits applied when a connection is taken on: protected mode (Redis's
//! `clientAcceptHandler` check) and TCP keepalive (Redis's `anetKeepAlive`). Both run once
//! per accepted connection, never per read.

use std::net::{IpAddr, SocketAddr};
use std::os::fd::RawFd;

/// The line Redis 7.0 sends a non-loopback client in protected mode, before closing it.
pub const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode \
is enabled and no password is set for the default user. In this mode connections are only \
accepted from the loopback interface. If you want to connect from external computers to \
Redis you may adopt one of the following solutions: 1) Just disable protected mode sending \
the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to \
Redis from the same host the server is running, however MAKE SURE Redis is not publicly \
accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. \
2) Alternatively you can just disable the protected mode by editing the Redis configuration \
file, and setting the protected mode option to 'no', and then restarting the server. 3) If \
you started the server manually just for testing, restart it with the '--protected-mode no' \
option. 4) Setup a an authentication password for the default user. NOTE: You only need to \
do one of the above things in order for the server to start accepting connections from the \
outside.\r\n";

/// Whether a client must be turned away by protected mode. Redis 7.0 looks only at the
/// setting, the `default` user's `nopass` and the peer: the bind addresses do not matter
/// (a server bound only to loopback addresses has no other peers anyway). Unix-socket
/// clients (`peer` None) are local. Redis tests the peer's text for `127.` or `::1`; an
/// IPv4-mapped loopback address is the same peer and counts as local here too.
pub fn protected_denies(protected_mode: bool, default_nopass: bool, peer: Option<IpAddr>) -> bool {
    protected_mode && default_nopass && peer.is_some_and(|ip| !ip.to_canonical().is_loopback())
}

/// The peer's IP address of a TCP socket, None for Unix sockets (and sockets that have
/// already gone: the first read will see that).
pub fn peer_ip(peer: std::io::Result<SocketAddr>) -> Option<IpAddr> {
    peer.ok().map(|a| a.ip())
}

/// Turns on TCP keepalive probes as Redis does: first probe after `secs` idle, then every
/// `secs / 3` (at least 1), 3 unanswered probes drop the connection. Best effort: a failure
/// only loses the probes.
pub fn set_keepalive(fd: RawFd, secs: u32) {
    if secs == 0 {
        return;
    }
    let secs = secs.min(i32::MAX as u32) as libc::c_int;
    let opts = [
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1),
        (libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, secs),
        (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, (secs / 3).max(1)),
        (libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3),
    ];
    for (level, name, value) in opts {
        // SAFETY: `fd` is an open socket owned by the caller for the duration of the call;
        // the option value is a live c_int whose size is passed alongside it.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                level,
                name,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn protected_mode_turns_away_only_remote_peers_without_a_password() {
        assert!(protected_denies(true, true, ip("192.0.2.7")));
        assert!(protected_denies(true, true, ip("10.0.0.1")));
        assert!(protected_denies(true, true, ip("fd00::2")));
        assert!(protected_denies(true, true, ip("::ffff:192.0.2.7")));
        for local in [
            "127.0.0.1",
            "127.0.0.2",
            "127.255.1.1",
            "::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!protected_denies(true, true, ip(local)), "{local}");
        }
        assert!(!protected_denies(true, true, None), "unix socket");
        assert!(!protected_denies(false, true, ip("192.0.2.7")), "mode off");
        assert!(
            !protected_denies(true, false, ip("192.0.2.7")),
            "password set"
        );
    }

    #[test]
    fn denied_line_is_one_redis_error_line() {
        assert!(DENIED.starts_with("-DENIED Redis is running in protected mode because"));
        assert!(DENIED.ends_with("from the outside.\r\n"));
        assert_eq!(DENIED.matches('\n').count(), 1);
        assert!(!DENIED.contains("  "));
        assert_eq!(DENIED.len(), 1067);
    }

    #[test]
    fn keepalive_is_set_on_a_tcp_socket() {
        use std::os::fd::AsRawFd;
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let s = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        set_keepalive(s.as_raw_fd(), 90);
        let get = |level, name| {
            let mut v: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: a live socket and an out-value of the size given.
            let rc = unsafe {
                libc::getsockopt(
                    s.as_raw_fd(),
                    level,
                    name,
                    (&mut v as *mut libc::c_int).cast(),
                    &mut len,
                )
            };
            assert_eq!(rc, 0);
            v
        };
        assert_eq!(get(libc::SOL_SOCKET, libc::SO_KEEPALIVE), 1);
        assert_eq!(get(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE), 90);
        assert_eq!(get(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL), 30);
        assert_eq!(get(libc::IPPROTO_TCP, libc::TCP_KEEPCNT), 3);
    }
}
