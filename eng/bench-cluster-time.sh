#!/usr/bin/env bash
# How long a cluster job of a large group takes (docs/clustering.md): synthetic 640-d vectors shaped like faces.
#   eng/bench-cluster-time.sh [--count 100000] [--threads 2] [--redis]
# Without --redis: the in-memory part of the job (neighbour search and clusters). With --redis: starts Redis 8 on a
# free port (AOF everysec as in production), stores the vectors in a group (not timed), then times the job's whole
# path: reading the group, clustering, writing every clustered vector's label.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
args=()
redis=false
while [ $# -gt 0 ]; do
  case "$1" in
    --redis) redis=true; shift ;;
    *) args+=("$1" "$2"); shift 2 ;;
  esac
done

echo "building (Release)..." >&2
dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null

if $redis; then
  ./eng/provision-redis.sh
  work="$(mktemp -d)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  .cache/redis/bin/redis-server --bind 127.0.0.1 --port "$port" --dir "$work" --appendonly yes \
    --appendfsync everysec --save "" --logfile "$work/redis.log" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 50); do .cache/redis/bin/redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  args+=(--redis "127.0.0.1:$port")
fi

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll cluster-time "${args[@]}"
