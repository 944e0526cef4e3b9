#!/usr/bin/env bash
# Eviction throughput: muxis (io-threads 1) against redis-server, both at maxmemory 100mb
# allkeys-lru, alternating, ROUNDS rounds. Prints req/s, used memory, evictions and keys
# left. Everything listens on 127.0.0.1; each server is stopped by its PID.
# Usage: benches/scripts/evict.sh [MUXIS_BIN] [ROUNDS]
set -u
M=${1:-target/release/muxis}; ROUNDS=${2:-2}; port=17411
for round in $(seq "$ROUNDS"); do
  for srv in muxis redis; do
    if [ $srv = muxis ]; then
      "$M" --port $port --io-threads 1 --maxmemory 100mb --maxmemory-policy allkeys-lru >/dev/null 2>&1 & pid=$!
    else
      redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no --maxmemory 100mb --maxmemory-policy allkeys-lru >/dev/null 2>&1 & pid=$!
    fi
    for _ in $(seq 50); do redis-cli -p $port ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "== $srv round $round"
    timeout 180 redis-benchmark -p $port -t set -r 10000000 -d 100 -n 2000000 -q 2>&1 | tr '\r' '\n' | grep -v "^$" | tail -1
    redis-cli -p $port info memory | grep -E "^used_memory:|^maxmemory:" | tr -d '\r' | tr '\n' ' '
    redis-cli -p $port info stats | grep -E "^evicted_keys" | tr -d '\r'
    redis-cli -p $port dbsize
    kill $pid; wait $pid 2>/dev/null
  done
done
