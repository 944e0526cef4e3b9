# Protected mode seen from a non-loopback peer: run by tests/it/limits.rs inside a fresh
# network namespace (unshare -rn), where 10.9.9.9 is added to lo and nothing outside can
# reach the server. $1 is the server binary (muxis or redis-server); prints every reply.
trap "" PIPE
ip link set lo up && ip addr add 10.9.9.9/32 dev lo || exit 77
server=$1; shift
"$server" --port 7000 --bind 127.0.0.1 10.9.9.9 --save "" --appendonly no "$@" >/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/7000) 2>/dev/null && break; sleep 0.05; done
probe() { exec 3<>/dev/tcp/$1/7000; sleep 0.2; printf "$2" >&3 2>/dev/null; timeout 5 cat <&3; exec 3<&-; echo; }
echo "== remote"; probe 10.9.9.9 'PING\r\nQUIT\r\n'
echo "== local"; probe 127.0.0.1 'PING\r\nACL SETUSER default >pw\r\nQUIT\r\n'
echo "== remote with password"; probe 10.9.9.9 'PING\r\nAUTH pw\r\nPING\r\nQUIT\r\n'
echo "== local"; probe 127.0.0.1 'AUTH pw\r\nACL SETUSER default nopass\r\nQUIT\r\n'
echo "== remote"; probe 10.9.9.9 'PING\r\nQUIT\r\n'
echo "== local"; probe 127.0.0.1 'CONFIG SET protected-mode no\r\nQUIT\r\n'
echo "== remote, mode off"; probe 10.9.9.9 'PING\r\nQUIT\r\n'
kill $pid; wait $pid
