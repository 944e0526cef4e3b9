# Max and p99.9 PING round trip over `secs` seconds (1 ms apart), one connection.
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts = []; end = time.time() + secs
while time.time() < end:
    t = time.perf_counter(); s.sendall(b"PING\r\n"); s.recv(64); rtts.append(time.perf_counter() - t); time.sleep(0.001)
rtts.sort()
print("pings=%d max=%.1fms p99.9=%.1fms p50=%.2fms" % (len(rtts), rtts[-1]*1e3, rtts[int(len(rtts)*0.999)]*1e3, rtts[len(rtts)//2]*1e3))
