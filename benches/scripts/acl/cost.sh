#!/bin/sh
# The ACL check's cost: SET/GET at -P 16 as the default user (allows everything: one
# branch) and as a user with key patterns (command bit test + a glob per key), alternating
# so that drift on a shared machine hits both alike. muxis runs with --io-threads 1.
# Usage: benches/scripts/acl/cost.sh [MUXIS_BIN] [ROUNDS] [REQUESTS]
bin=${1:-target/release/muxis}; rounds=${2:-3}; n=${3:-2000000}
port=$((20000 + $$ % 20000))
"$bin" --port $port --bind 127.0.0.1 --io-threads 1 --save "" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for i in $(seq 50); do redis-cli -p $port ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p $port ACL SETUSER u on '>p' '~key:*' '~counter:*' '~other:*' +@all >/dev/null
run() { redis-benchmark -p $port -P 16 -t set,get -n $n -r 100000 -q "$@" 2>/dev/null |
        tr '\r' '\n' | grep 'requests per second' | awk '{print $1, $2}' | tr '\n' ' '; }
for r in $(seq $rounds); do
    echo "round $r default: $(run)"
    echo "round $r user u:  $(run --user u -a p)"
done
