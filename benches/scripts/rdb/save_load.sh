#!/bin/bash
# Run from the repository root after: mkdir -p /tmp/rdbm && python3 benches/scripts/rdb/gen.py > /tmp/rdbm/data.resp
# SAVE and load time, file size: 1M mixed keys, muxis and redis-server alternating.
M=${MUXIS:-target/release/muxis}
R=/usr/bin/redis-server
for round in 1 2; do
for kind in muxis redis; do
  d=/tmp/rdbm/$kind; rm -rf $d; mkdir -p $d
  if [ $kind = muxis ]; then BIN=$M; else BIN=$R; fi
  $BIN --port 7501 --bind 127.0.0.1 --dir $d --save "" --daemonize no > $d/log1 2>&1 & pid=$!
  sleep 0.5
  timeout 120 redis-cli -p 7501 --pipe < /tmp/rdbm/data.resp > /dev/null
  keys=$(redis-cli -p 7501 dbsize)
  t0=$(date +%s.%N); redis-cli -p 7501 save > /dev/null; t1=$(date +%s.%N)
  kill $pid; wait $pid 2>/dev/null
  size=$(stat -c %s $d/dump.rdb)
  $BIN --port 7501 --bind 127.0.0.1 --dir $d --save "" --daemonize no > $d/log2 2>&1 & pid=$!
  for i in $(seq 1 300); do redis-cli -p 7501 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  loaded=$(grep -o "DB loaded from disk: [0-9.]* seconds" $d/log2)
  rss=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
  kill $pid; wait $pid 2>/dev/null
  echo "round $round $kind keys=$keys save=$(echo "$t1 - $t0" | bc) s size=$size $loaded rss_after_load=${rss}kB"
done; done
