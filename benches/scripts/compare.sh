#!/usr/bin/env bash
# redis-benchmark -t set,get -c 50 against muxis (io-threads 1 and 2) and Debian's
# redis-server, alternating run by run so machine drift cancels in the ratios. Also reports
# each server's CPU-seconds per million requests, read from /proc.
# Everything listens on 127.0.0.1; every server started here is stopped by its PID.
# Usage: benches/scripts/compare.sh [requests per test] [rounds]
set -u
N=${1:-1000000}
ROUNDS=${2:-2}
BIN=${MUXIS_BIN:-target/release/muxis}
TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
run() { # name port pid pipeline
  local before after out
  before=$(cpu "$3")
  out=$(redis-benchmark -p "$2" -t set,get -c 50 -n "$N" -P "$4" -q 2>&1 | tr '\r' '\n' | grep 'per second')
  after=$(cpu "$3")
  echo "$1 P=$4 SET=$(echo "$out" | awk '/^SET/{print $2}') GET=$(echo "$out" | awk '/^GET/{print $2}')" \
    "cpu_s_per_M=$(echo "scale=3; ($after-$before)/$TCK/(2*$N/1000000)" | bc)"
}
"$BIN" --port 6501 --io-threads 1 >/dev/null 2>&1 & M1=$!
"$BIN" --port 6502 --io-threads 2 >/dev/null 2>&1 & M2=$!
redis-server --port 6503 --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & R=$!
sleep 0.5
for _ in $(seq "$ROUNDS"); do
  for P in 1 16; do
    run muxis-io1 6501 "$M1" "$P"; run muxis-io2 6502 "$M2" "$P"; run redis 6503 "$R" "$P"
  done
done
kill "$M1" "$M2" "$R"; wait
