#!/usr/bin/env bash
# TLS throughput: redis-benchmark --tls -t set,get -c 50 against muxis (io-threads 1 and 2)
# and Debian's redis-server 7.0.15 (built with TLS), all serving TLS only, at -P 1 and -P 16,
# alternating run by run so machine drift cancels in the ratios. Prints ops/s and each
# server's CPU-seconds per million requests (from /proc). Certificates are made here with
# openssl in a temporary directory (client certificates not required: tls-auth-clients no).
# Everything listens on 127.0.0.1; every server started here is stopped by its PID.
# Usage: benches/scripts/tls.sh [requests at -P 1] [rounds]
set -u
N=${1:-200000}
ROUNDS=${2:-2}
BIN=${MUXIS_BIN:-target/release/muxis}
TCK=$(getconf CLK_TCK)
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=muxis-bench-ca \
  -keyout "$D/ca.key" -out "$D/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$D/srv.key" -out "$D/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$D/ext"
openssl x509 -req -in "$D/srv.csr" -CA "$D/ca.crt" -CAkey "$D/ca.key" -CAcreateserial -days 2 \
  -extfile "$D/ext" -out "$D/srv.crt" 2>/dev/null
TLS=(--tls-cert-file "$D/srv.crt" --tls-key-file "$D/srv.key" --tls-ca-cert-file "$D/ca.crt" --tls-auth-clients no)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
run() { # name port pid pipeline requests
  local before after out
  before=$(cpu "$3")
  out=$(timeout 300 redis-benchmark --tls --cacert "$D/ca.crt" -h 127.0.0.1 -p "$2" -t set,get -c 50 \
    -n "$5" -P "$4" -q 2>&1 | tr '\r' '\n' | grep 'per second')
  after=$(cpu "$3")
  echo "$1 P=$4 SET=$(echo "$out" | awk '/^SET/{print $2}') GET=$(echo "$out" | awk '/^GET/{print $2}')" \
    "cpu_s_per_M=$(echo "scale=3; ($after-$before)/$TCK/(2*$5/1000000)" | bc)"
}
"$BIN" --port 0 --tls-port 6611 --io-threads 1 "${TLS[@]}" >/dev/null 2>&1 & M1=$!
"$BIN" --port 0 --tls-port 6612 --io-threads 2 "${TLS[@]}" >/dev/null 2>&1 & M2=$!
redis-server --port 0 --tls-port 6613 --bind 127.0.0.1 --save '' --appendonly no "${TLS[@]}" >/dev/null 2>&1 & R=$!
sleep 1
for _ in $(seq "$ROUNDS"); do
  for P in 1 16; do
    n=$N; [ "$P" = 16 ] && n=$((N * 4))
    run muxis-io1 6611 "$M1" "$P" "$n"; run muxis-io2 6612 "$M2" "$P" "$n"; run redis 6613 "$R" "$P" "$n"
  done
done
kill "$M1" "$M2" "$R"; wait
