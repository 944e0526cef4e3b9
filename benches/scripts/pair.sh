#!/usr/bin/env bash
# Two muxis binaries side by side: redis-benchmark SET/GET (-c 50, random keys), -P 1 and
# -P 16, small and 20 KB values, alternating A and B run by run so machine drift cancels in
# the ratios. Prints ops/s and each server's CPU-seconds per million requests (from /proc).
# Everything listens on 127.0.0.1; each server started here is stopped by its PID.
# Usage: benches/scripts/pair.sh BIN_A BIN_B [rounds] [io-threads]
set -u
A=$1; B=$2; ROUNDS=${3:-3}; IOT=${4:-1}
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
one() { # label bin pipeline n size
  "$2" --port 6511 --io-threads "$IOT" >/dev/null 2>&1 & local pid=$!
  sleep 0.4
  local before after out
  before=$(cpu "$pid")
  out=$(redis-benchmark -p 6511 -t set,get -c 50 -r 100000 -n "$4" -P "$3" -d "$5" -q 2>&1 | tr '\r' '\n' | grep 'per second')
  after=$(cpu "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null
  echo "$1 P=$3 d=$5 SET=$(echo "$out" | awk '/^SET/{print $2}') GET=$(echo "$out" | awk '/^GET/{print $2}')" \
    "cpu_s_per_M=$(echo "scale=3; ($after-$before)/$TCK/(2*$4/1000000)" | bc)"
}
for r in $(seq "$ROUNDS"); do
  for cfg in "1 200000 100" "16 1000000 100" "16 100000 20000"; do
    set -- $cfg
    one "A#$r" "$A" "$1" "$2" "$3"
    one "B#$r" "$B" "$1" "$2" "$3"
  done
done
