#!/bin/bash
# EVALSHA throughput on a fresh server, muxis or redis-server, one run:
#   benches/scripts/evalsha.sh muxis PORT [MUXIS_BINARY]   or   benches/scripts/evalsha.sh redis PORT
# Prints requests/s and the memory fields after the run. Alternate the two kinds and compare
# means (the machine is shared): e.g. muxis, redis, redis, muxis, three times.
set -euo pipefail
kind=$1
port=$2
bin=${3:-target/release/muxis}
if [ "$kind" = muxis ]; then
    "$bin" --port "$port" --bind 127.0.0.1 --io-threads 1 >/dev/null 2>&1 &
else
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
fi
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
sha=$(redis-cli -p "$port" script load "return redis.call('incr', KEYS[1])")
redis-benchmark -p "$port" -n 200000 -c 50 -q evalsha "$sha" 1 key 2>/dev/null |
    tr '\r' '\n' | grep -o "[0-9.]* requests per second" | tail -1
redis-cli -p "$port" info memory | grep -E "^used_memory:|used_memory_lua:" | tr -d '\r'
