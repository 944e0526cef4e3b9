# 1M mixed keys as RESP: 700k strings, 100k hashes, 100k lists, 50k sets, 50k zsets.
import sys, random
random.seed(7)
out = sys.stdout.buffer
def cmd(*a):
    b = [b"*%d\r\n" % len(a)]
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        b.append(b"$%d\r\n%s\r\n" % (len(x), x))
    out.write(b"".join(b))
for i in range(700000):
    if i % 3 == 0:
        cmd("SET", f"str:{i}", i * 7)
    else:
        cmd("SET", f"str:{i}", "v" * (10 + i % 90) + str(i))
for i in range(100000):
    cmd("HSET", f"hash:{i}", "name", f"user{i}", "age", i % 90, "city", "somewhere")
for i in range(100000):
    cmd("RPUSH", f"list:{i}", "a", "b", i, "dddddddddd", "e")
for i in range(50000):
    cmd("SADD", f"set:{i}", i, i + 1, i + 2, "x")
for i in range(50000):
    cmd("ZADD", f"zset:{i}", 1, "a", 2.5, "b", i, "c")
