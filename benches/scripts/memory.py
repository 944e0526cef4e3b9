#!/usr/bin/env python3
"""Bytes per key by type: each server is started empty, filled with one dataset through
`redis-cli --pipe`, and its RSS (VmRSS) and used_memory are read before and after; the
difference over the key count is the cost of a key with its value.

Datasets (count, type, shape):
  string32   1,000,000 strings of 32 B
  string512  1,000,000 strings of 512 B
  string32ttl 1,000,000 strings of 32 B, each with a TTL (SET ... EX 100000)
  hash2        100,000 hashes of 2 fields (8 B field names, 16 B values)
  list10       100,000 lists of 10 elements of 16 B
  set10        100,000 sets of 10 integers
  zset10       100,000 sorted sets of 10 members of 16 B
  mixed      1,000,000 strings of 32 B + 100,000 hashes of 2 fields (issue 13's dataset)

Every server listens on 127.0.0.1 and is stopped by its PID.
Usage: benches/scripts/memory.py [--datasets a,b] NAME=COMMAND ...
  COMMAND is the server's command line with {port} for the port, e.g.
  muxis='target/release/muxis --port {port}'
  redis7='redis-server --port {port} --bind 127.0.0.1 --save "" --appendonly no'
"""
import os, shlex, subprocess, sys, time

def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)

def strings(n, size, prefix="s", ttl=None):
    v = b"x" * size
    extra = () if ttl is None else ("EX", ttl)
    for i in range(n):
        yield resp("SET", f"{prefix}:{i}", v, *extra)

def hashes(n):
    for i in range(n):
        yield resp("HSET", f"h:{i}", "field:01", "v" * 16, "field:02", "w" * 16)

def lists(n):
    for i in range(n):
        yield resp("RPUSH", f"l:{i}", *[f"{j:016d}" for j in range(10)])

def sets(n):
    for i in range(n):
        yield resp("SADD", f"st:{i}", *range(10))

def zsets(n):
    for i in range(n):
        args = []
        for j in range(10):
            args += [j, f"{j:016d}"]
        yield resp("ZADD", f"z:{i}", *args)

DATASETS = {
    "string32": (1_000_000, lambda: strings(1_000_000, 32)),
    "string512": (1_000_000, lambda: strings(1_000_000, 512)),
    "string32ttl": (1_000_000, lambda: strings(1_000_000, 32, ttl=100_000)),
    "hash2": (100_000, lambda: hashes(100_000)),
    "list10": (100_000, lambda: lists(100_000)),
    "set10": (100_000, lambda: sets(100_000)),
    "zset10": (100_000, lambda: zsets(100_000)),
    "mixed": (1_100_000, lambda: (c for g in (strings(1_000_000, 32), hashes(100_000)) for c in g)),
}

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def info(port, field):
    out = subprocess.run(["redis-cli", "-p", str(port), "info", "memory"],
                         capture_output=True, text=True, timeout=30).stdout
    for line in out.splitlines():
        if line.startswith(field + ":"):
            return int(line.split(":")[1])
    return 0

def measure(cmd, port, name):
    count, gen = DATASETS[name]
    proc = subprocess.Popen(shlex.split(cmd.format(port=port)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"],
                              capture_output=True, timeout=5).returncode == 0:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        rss0, used0 = rss_kb(proc.pid), info(port, "used_memory")
        pipe = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        chunk = []
        for c in gen():
            chunk.append(c)
            if len(chunk) >= 10_000:
                pipe.stdin.write(b"".join(chunk)); chunk = []
        pipe.stdin.write(b"".join(chunk)); pipe.stdin.close()
        pipe.wait(timeout=600)
        time.sleep(1.0)
        rss1, used1 = rss_kb(proc.pid), info(port, "used_memory")
        return (rss1 - rss0) * 1024 / count, (used1 - used0) / count, rss1 / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)

def main():
    argv = sys.argv[1:]
    names = list(DATASETS)
    if argv[:1] == ["--datasets"]:
        names, argv = argv[1].split(","), argv[2:]
    servers = [a.split("=", 1) for a in argv]
    if not servers:
        sys.exit(__doc__)
    print(f"{'dataset':<11} {'server':<10} {'rss B/key':>10} {'used B/key':>11} {'rss MB':>8}")
    port = 17520
    for name in names:
        for label, cmd in servers:
            per_rss, per_used, total = measure(cmd, port, name)
            print(f"{name:<11} {label:<10} {per_rss:>10.1f} {per_used:>11.1f} {total:>8.1f}", flush=True)
            port += 1

if __name__ == "__main__":
    main()
