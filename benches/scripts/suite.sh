#!/usr/bin/env bash
# redis-benchmark's whole default suite against muxis (io-threads 1 and 4) and Debian's
# redis-server, alternating per pipeline depth, CSV out. Everything on 127.0.0.1, bounded
# by -n, and every server started here is stopped by its PID.
# Usage: benches/scripts/suite.sh [requests] > suite.csv
set -eu
N=${1:-100000}
BIN=${MUXIS_BIN:-target/release/muxis}
echo "server,pipeline,test,rps"
start() { "$@" >/dev/null 2>&1 & echo $!; }
for P in 1 16; do
  for target in muxis-io1 muxis-io4 redis; do
    case $target in
      muxis-io1) pid=$(start "$BIN" --port 6601 --io-threads 1); port=6601;;
      muxis-io4) pid=$(start "$BIN" --port 6602 --io-threads 4); port=6602;;
      redis) pid=$(start redis-server --port 6603 --save '' --appendonly no --bind 127.0.0.1); port=6603;;
    esac
    sleep 0.5
    redis-benchmark -p $port -q -n "$N" -P "$P" --csv 2>/dev/null | tail -n +2 |
      awk -F'","' -v s="$target" -v p="$P" '{gsub(/"/,"",$1); gsub(/"/,"",$2); print s "," p ",\"" $1 "\"," $2}'
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
