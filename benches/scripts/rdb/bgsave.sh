#!/bin/bash
# Run from the repository root after: mkdir -p /tmp/rdbm && python3 benches/scripts/rdb/gen.py > /tmp/rdbm/data.resp
# BGSAVE of 1M keys under a redis-benchmark load: PING max RTT with and without a BGSAVE
# running, RSS and used_memory before and peak during.
BIN=${BIN:-${MUXIS:-target/release/muxis}}
d=/tmp/rdbm/bg; rm -rf $d; mkdir -p $d
$BIN --port 7502 --bind 127.0.0.1 --dir $d --save "" --daemonize no > $d/log 2>&1 & pid=$!
sleep 0.5
timeout 120 redis-cli -p 7502 --pipe < /tmp/rdbm/data.resp > /dev/null
# The benchmark's own keys exist before the save, so its SETs overwrite keys the save owes.
timeout 60 redis-benchmark -p 7502 -t set -n 2000000 -r 1000000 -P 16 -c 20 -q > /dev/null 2>&1
echo "keys: $(redis-cli -p 7502 dbsize)"
timeout 60 redis-benchmark -p 7502 -t set,get -n 4000000 -r 1000000 -P 16 -c 20 -q > $d/bench.txt 2>&1 & bpid=$!
sleep 2
u_a=$(redis-cli -p 7502 info memory | grep '^used_memory:' | cut -d: -f2 | tr -d '\r')
echo "baseline (load, no BGSAVE): $(python3 benches/scripts/rdb/ping.py 7502 3)"
u_b=$(redis-cli -p 7502 info memory | grep '^used_memory:' | cut -d: -f2 | tr -d '\r')
echo "used_memory drift over 3 s of load without a save: $((u_b - u_a))"
rss0=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
used0=$(redis-cli -p 7502 info memory | grep '^used_memory:' | cut -d: -f2 | tr -d '\r')
python3 benches/scripts/rdb/ping.py 7502 8 > $d/ping_bg.txt & ppid=$!
t0=$(date +%s.%N); redis-cli -p 7502 bgsave > /dev/null
peak=0; upeak=0
while [ "$(redis-cli -p 7502 info persistence | grep rdb_bgsave_in_progress | cut -d: -f2 | tr -d '\r')" = "1" ]; do
  r=$(grep VmRSS /proc/$pid/status | awk '{print $2}'); [ $r -gt $peak ] && peak=$r
  u=$(redis-cli -p 7502 info memory | grep '^used_memory:' | cut -d: -f2 | tr -d '\r'); [ $u -gt $upeak ] && upeak=$u
  sleep 0.05
done
t1=$(date +%s.%N)
wait $ppid
echo "during BGSAVE: $(cat $d/ping_bg.txt)"
echo "bgsave took $(echo "$t1 - $t0" | bc) s; rss before ${rss0}kB peak ${peak}kB; used_memory before $used0 peak $upeak"
kill $bpid 2>/dev/null; wait $bpid 2>/dev/null; tail -2 $d/bench.txt | tr '\r' '\n' | tail -2
grep -i "background" $d/log | tail -3
kill $pid; wait $pid 2>/dev/null
