#!/usr/bin/env bash
# One large group through the Api: starts Redis 8 with the shipped settings (deploy/redis/redis.conf: AOF, fsync
# always) and one Api in Release (its indexer builds the HNSW graph behind the writes), runs the load client's
# "million" mode (load rate, Redis bytes per vector, search p50/p99 at concurrency 1 and 16 with recall@10 right after
# the load and once the graph caught up, time until it caught up), then SIGKILLs Redis right after the client's last
# burst of writes and times its restart (until PING answers PONG, i.e. the AOF is loaded).
#   eng/bench-million.sh [--vectors 100000] [--dims 640] [--batch 100] [--in-flight 4] [--queries 100] [--seconds 10]
#                        [--burst 5000] [--events N] [--precision half] [--cluster N] [--graph-shards S]
#                        [--redis-set "name value"]... [--out .cache/bench/million.md]
# --cluster N runs Redis as a cluster of N masters (no replicas) instead of one server, and the restart kills and
# restarts them all; --graph-shards S creates the group with its graph split into S parts (FacePing:Store:GraphShards),
# which spread over the masters.
# --events N gives each identity an event of N in its metadata and measures searches filtered by the query's event.
# --redis-set overrides one of the shipped Redis settings on every server (e.g. "auto-aof-rewrite-percentage 100"),
# to measure what a setting costs or buys; the report names it.
# --precision sets FacePing:Store:VectorPrecision of the Apis: half by default, as the store keeps the face vectors of
# imports and /face (the client sends its vectors through the raw upsert, which `auto` would keep in float32).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./eng/provision-redis.sh >/dev/null
# shellcheck source=redis-conf-args.sh
source eng/redis-conf-args.sh

out="$root/.cache/bench/million.md"
precision=half
nodes=0
shards=1
args=()
overrides=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --precision) precision="$2"; shift 2 ;;
    --cluster) nodes="$2"; shift 2 ;;
    --graph-shards) shards="$2"; shift 2 ;;
    --redis-set) read -r name value <<< "$2"; conf+=("--$name" "$value"); overrides+=("$2"); shift 2 ;;
    *) args+=("$1" "$2"); shift 2 ;;
  esac
done
mkdir -p "$(dirname "$out")"

echo "building (Release)..." >&2
dotnet build FacePing.Api -c Release -v q -nologo >/dev/null
dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null

# shellcheck source=eng/scratch.sh
source eng/scratch.sh

# One server (nodes 0), or the masters of a cluster, each with its own folder; redis_pids[i] is node i's process.
redis_ports=(); bus_ports=(); redis_pids=()
for i in $(seq 0 $(( nodes > 0 ? nodes - 1 : 0 ))); do
  redis_ports+=("$(free_port)"); bus_ports+=("$(free_port)"); mkdir -p "$work/node$i"
done
redis_port="${redis_ports[0]}"
endpoints="$(printf '127.0.0.1:%s,' "${redis_ports[@]}")"; endpoints="${endpoints%,}"
start_redis() {
  redis_pids=()
  for i in "${!redis_ports[@]}"; do
    local extra=()
    [ "$nodes" -gt 0 ] && extra=(--cluster-enabled yes --cluster-config-file "$work/node$i/nodes.conf"
                                 --cluster-port "${bus_ports[$i]}")
    .cache/redis/bin/redis-server "${conf[@]}" --bind 127.0.0.1 --port "${redis_ports[$i]}" --dir "$work/node$i" \
      --logfile "$work/node$i/redis.log" --daemonize no "${extra[@]}" &
    redis_pids+=($!)
    pids+=($!)
  done
}
redis_up() {
  for p in "${redis_ports[@]}"; do
    until [ "$(.cache/redis/bin/redis-cli -p "$p" ping 2>/dev/null)" = "PONG" ]; do sleep 0.05; done
  done
  [ "$nodes" -gt 0 ] || return 0
  for p in "${redis_ports[@]}"; do
    until .cache/redis/bin/redis-cli -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; do sleep 0.1; done
  done
}
start_redis
if [ "$nodes" -gt 0 ]; then
  for p in "${redis_ports[@]}"; do
    until [ "$(.cache/redis/bin/redis-cli -p "$p" ping 2>/dev/null)" = "PONG" ]; do sleep 0.05; done
  done
  .cache/redis/bin/redis-cli --cluster create $(printf '127.0.0.1:%s ' "${redis_ports[@]}") --cluster-replicas 0 \
    --cluster-yes >/dev/null
fi
redis_up
admin_key="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# start_api PORT LOG [SETTING=VALUE...]: one Api in Release on the bench's Redis, waited for until healthy.
start_api() {
  local port="$1" log="$2"; shift 2
  env ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    ConnectionStrings__redis="$endpoints" FacePing__AdminKey="$admin_key" FacePing__RateLimit__Enabled=false \
    FacePing__Store__VectorPrecision="$precision" FacePing__Store__GraphShards="$shards" "$@" \
    dotnet FacePing.Api/bin/Release/net10.0/FacePing.Api.dll >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -n 30 "$log" >&2
  exit 1
}
api_port="$(free_port)"
start_api "$api_port" "$work/api.log" "Logging__LogLevel__FacePing.Core.Storage.Scan=Information"
# A second Api without scan copies or indexer: what the HNSW graph alone proposes (filtered searches, a group over the
# scan budget, an Api whose copy is still loading), measured once the graph is built.
graph_port="$(free_port)"
start_api "$graph_port" "$work/graph-api.log" FacePing__Store__ScanCacheMegabytes=0 FacePing__Store__IndexerEnabled=false

{
  dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll million --api "http://127.0.0.1:$api_port" \
    --admin-key "$admin_key" --redis "$endpoints" --graph-api "http://127.0.0.1:$graph_port" \
    "${args[@]}"
  # Killed right after the burst: the AOF tail has the burst's writes (and the indexer's steps) to replay.
  aof_bytes="$(du -scb "$work"/node*/appendonlydir | tail -n 1 | cut -f1)"
  # Every server dies, a rewrite child it forked included (it inherited the listening socket). A killed process
  # holds its sockets until its memory is released (a 2.5 GB server takes a moment), and until then the new server
  # cannot bind the port: poll until each has exited, children too (a zombie: nobody's to reap here, as Redis was
  # started outside this pipeline's subshell). The 1M run of 2026-12-08 04:00 UTC waited for the servers only, and
  # restarted its tenant's primary while a rewrite child still held the port.
  dying=()
  for pid in "${redis_pids[@]}"; do
    # shellcheck disable=SC2207 # pids are words
    dying+=("$pid" $(pgrep -P "$pid" || true))
  done
  kill -9 "${dying[@]}" 2>/dev/null || true
  for pid in "${dying[@]}"; do
    while [ -e "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do
      sleep 0.05
    done
  done
  start="$(date +%s.%N)"
  start_redis
  redis_up
  end="$(date +%s.%N)"
  echo "## Restart after SIGKILL right after the burst"
  echo "- every server answered PONG (and a cluster said cluster_state:ok)" \
       "$(python3 -c "print(f'{$end - $start:.1f}')") s after the restart (AOF $((aof_bytes >> 20)) MiB in all)"
  # Redis's own account of the load: the base file (RDB preamble, the graph stored with its links) and the tail.
  for i in "${!redis_ports[@]}"; do
    [ "$nodes" -gt 0 ] && echo "  node $i:"
    grep -E "Done loading RDB|DB loaded from|Reading RDB base|Reading the remaining|AOF.*loaded" \
      "$work/node$i/redis.log" | tail -n 6 | sed 's/^[0-9]*:M /    /'
  done
  # Started inside this pipeline's subshell, so the cleanup trap does not know them.
  for pid in "${redis_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  echo ""
  echo "Apis: FacePing:Store:VectorPrecision=$precision, GraphShards=$shards, other settings as shipped;" \
       "Redis: $([ "$nodes" -gt 0 ] && echo "a cluster of $nodes masters" || echo "one server")" \
       "${overrides[*]:+with ${overrides[*]}}."
  echo "Api scan copy:"
  grep -h "Scan copy\|scan copy" "$work/api.log" | sed 's/^ */    /' || echo "    (no scan copy was loaded)"
} | tee "$out"
echo "report written to $out" >&2
