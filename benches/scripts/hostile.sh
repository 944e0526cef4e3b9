#!/usr/bin/env bash
# The hostile-client reproducers (ghost_blpop.py, multi3.py, amplify.py, connload.py, kept
# beside the project in shared/repro) against each server in turn, then conn10k.py on a fresh
# server each. Every server listens on 127.0.0.1 and is stopped by its PID.
# Usage: benches/scripts/hostile.sh REPRO_DIR MUXIS_BIN [OTHER_MUXIS_BIN]
set -u
R=$1; A=$2; B=${3:-}; port=7311
here=$(dirname "$0")
run() { # name cmd...
  local name=$1; shift
  echo "=== $name"
  "$@" --port $port >/dev/null 2>&1 & local pid=$!; sleep 0.7
  echo "--- ghost_blpop"; timeout 60 python3 "$R/ghost_blpop.py" $port 2>&1 | tail -4
  echo "--- multi3 big"; timeout 40 python3 "$R/multi3.py" $port big 2>&1 | tail -2
  echo "--- amplify 3000"; timeout 60 python3 "$R/amplify.py" $port $pid 3000 2>&1
  echo "--- connload 10000 x3"; timeout 400 python3 "$R/connload.py" $port 10000 3 $pid 2>&1
  kill $pid; wait $pid 2>/dev/null
}
fresh() { # name cmd...
  local name=$1; shift
  "$@" --port $port >/dev/null 2>&1 & local pid=$!; sleep 0.7
  echo "conn10k $name: $(timeout 300 python3 "$here/conn10k.py" $port $pid 10000)"
  kill $pid; wait $pid 2>/dev/null
}
run muxis "$A" --io-threads 2
run redis redis-server --save "" --appendonly no --maxclients 10100
[ -n "$B" ] && run muxis-other "$B" --io-threads 2
for round in 1 2; do
  fresh "muxis#$round" "$A" --io-threads 2 --maxclients 20000
  [ -n "$B" ] && fresh "muxis-other#$round" "$B" --io-threads 2 --maxclients 20000
  fresh "redis#$round" redis-server --save "" --maxclients 10100
done
