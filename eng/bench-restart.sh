#!/usr/bin/env bash
# Restart time after a crash: loads N random 512-d unit vectors through the store (FaceStore.UpsertAsync, the Api's
# write path) into a Redis 8 running the shipped deploy/redis/redis.conf, optionally rewrites the AOF once the load
# is done (BGREWRITEAOF), then SIGKILLs Redis, starts it again on the same data and times until it answers
# PING and VCARD (no LOADING). Reports each run, the median, Redis memory and the size of the AOF.
#   eng/bench-restart.sh [--vectors 100000] [--runs 3] [--dir /tmp/faceping-bench-restart] [--reuse] [--no-rewrite]
# --reuse keeps the data directory of an earlier run (no reload); --no-rewrite skips the post-load BGREWRITEAOF, so the
# restart replays whatever tail the automatic rewrite policy left.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./eng/provision-redis.sh >/dev/null

vectors=100000; runs=3; dir="${TMPDIR:-/tmp}/faceping-bench-restart"; reuse=0; rewrite=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vectors) vectors="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --no-rewrite) rewrite=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

server=.cache/redis/bin/redis-server
cli=.cache/redis/bin/redis-cli
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
# The shipped settings as redis-server arguments (the array conf).
source eng/redis-conf-args.sh

pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
start() {
  "$server" "${conf[@]}" --bind 127.0.0.1 --port "$port" --dir "$dir" --logfile "$dir/redis.log" &
  pid=$!
}
r() { "$cli" -p "$port" "$@"; }
info() { r INFO "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
vset='{t:bench}:g:restart:vs'

if [ "$reuse" -eq 0 ] || [ ! -d "$dir/appendonlydir" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null
  start
  until r PING 2>/dev/null | grep -q PONG; do sleep 0.1; done
  echo "loading $vectors vectors through the store (the HNSW insertion on Redis's one thread sets the pace)..." >&2
  dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll store-load --redis "127.0.0.1:$port" \
    --vectors "$vectors"
  if [ "$rewrite" -eq 1 ]; then
    # The policy's last step (docs/operations.md): after a bulk load, rewrite the AOF so a restart loads one RDB
    # snapshot, with the HNSW graphs as they are, instead of replaying the inserts.
    t0=$(date +%s.%N)
    until r BGREWRITEAOF 2>/dev/null | grep -q "started\|scheduled"; do sleep 0.5; done
    sleep 0.2
    while [ "$(info persistence aof_rewrite_in_progress)" = 1 ] ||
      [ "$(info persistence aof_rewrite_scheduled)" = 1 ]; do sleep 0.2; done
    echo "BGREWRITEAOF took $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s" >&2
  fi
  r INFO persistence | tr -d '\r' | grep -E '^aof_(current|base)_size|aof_rewrites:' >&2 || true
else
  start
  until r PING 2>/dev/null | grep -q PONG; do sleep 0.1; done
fi
cards="$(r VCARD "$vset")"
per_vector=$(( $(info memory used_memory) / (cards > 0 ? cards : 1) ))
echo "vectors: $cards; used_memory: $(info memory used_memory_human) ($per_vector bytes per vector);" \
  "AOF on disk: $(du -sh "$dir/appendonlydir" | cut -f1)"

times=()
for run in $(seq 1 "$runs"); do
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  t0=$(date +%s.%N)
  start
  # Answered = PING is PONG and VCARD gives the full count (both fail with LOADING until the data set is in).
  until [ "$(r PING 2>/dev/null)" = PONG ] && [ "$(r VCARD "$vset" 2>/dev/null)" = "$cards" ]; do sleep 0.05; done
  t=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")
  times+=("$t")
  echo "run $run: SIGKILL → answering in $t s" >&2
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "restart after SIGKILL with $cards vectors: median $median s (runs: ${times[*]})"
grep -E "DB loaded|Done loading|RDB|AOF loaded" "$dir/redis.log" | tail -n 4 >&2 || true
