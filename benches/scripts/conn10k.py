#!/usr/bin/env python3
"""usage: conn10k.py PORT PID N -- connect N clients (blocking connects, one after another), PING each,
print connect time and server RSS while all are open, then reset them all."""
import socket, sys, time, struct, re
P, PID, N = map(int, sys.argv[1:4])
def rss(): return int(re.search(r'VmRSS:\s+(\d+)', open(f'/proc/{PID}/status').read()).group(1)) // 1024
r0 = rss(); t0 = time.time(); socks = [socket.create_connection(('127.0.0.1', P), timeout=30) for _ in range(N)]
t1 = time.time()
for s in socks: s.sendall(b'PING\r\n')
ok = sum(s.recv(16) == b'+PONG\r\n' for s in socks)
r1 = rss()
for s in socks: s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); s.close()
print(f'connect {t1-t0:.2f}s pong {ok}/{N} rss_before {r0} MiB rss_open {r1} MiB ({(r1-r0)*1024*1024/N:.0f} B/conn)')
