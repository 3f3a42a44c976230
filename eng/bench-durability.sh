#!/usr/bin/env bash
# The cost of FacePing:Store:Durability: upsert throughput and latency through the store (FaceStore.UpsertAsync, the
# Api's write path, no HTTP) against a Redis 8 primary running the shipped deploy/redis/redis.conf with one replica.
# Cases: the state before durable acknowledgements (none, appendfsync everysec), none/local with the shipped
# appendfsync always, local with everysec (WAITAOF then waits for the next once-a-second fsync), and replica.
# Each case runs --runs times for --seconds with --concurrency writers; prints each run and the medians.
#   eng/bench-durability.sh [--runs 3] [--seconds 10] [--concurrency 4] [--batch 1]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./eng/provision-redis.sh >/dev/null

runs=3; seconds=10; concurrency=4; batch=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

server=.cache/redis/bin/redis-server
cli=.cache/redis/bin/redis-cli
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# The shipped settings as redis-server arguments (the array conf).
source eng/redis-conf-args.sh

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
primary="$(free_port)"; replica="$(free_port)"
mkdir -p "$work/p" "$work/r"
"$server" "${conf[@]}" --bind 127.0.0.1 --port "$primary" --dir "$work/p" --logfile "$work/p/redis.log" & pids+=($!)
"$server" "${conf[@]}" --bind 127.0.0.1 --port "$replica" --dir "$work/r" --logfile "$work/r/redis.log" \
  --replicaof 127.0.0.1 "$primary" & pids+=($!)
until "$cli" -p "$primary" PING 2>/dev/null | grep -q PONG; do sleep 0.1; done
until "$cli" -p "$primary" INFO replication | grep -q "state=online"; do sleep 0.2; done

dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null
bench=FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll
echo "disk of the data directory: $(df -h "$work" | awk 'NR==2 {print $1}'); $(nproc) cores"
# Rounds interleave the cases (each round runs every case once), so load from elsewhere on the machine falls on all
# cases alike; the medians are over the rounds.
cases=(none:everysec none:always local:always local:everysec replica:always)
declare -A rates p50s
for run in $(seq 1 "$runs"); do
  for case in "${cases[@]}"; do
    mode="${case%%:*}"; fsync="${case##*:}"
    "$cli" -p "$primary" CONFIG SET appendfsync "$fsync" >/dev/null
    "$cli" -p "$replica" CONFIG SET appendfsync "$fsync" >/dev/null
    line="$(dotnet "$bench" store-upsert --redis "127.0.0.1:$primary" --durability "$mode" --seconds "$seconds" \
      --concurrency "$concurrency" --batch "$batch" || true)" # a run with refused writes exits 1 and says so
    echo "  round $run, appendfsync $fsync: $line" >&2
    rates[$case]+="$(sed -n 's/.*: \([0-9]*\) vectors\/s.*/\1/p' <<<"$line") "
    p50s[$case]+="$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' <<<"$line") "
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for case in "${cases[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  echo "durability=${case%%:*} appendfsync=${case##*:}: median $(median ${rates[$case]}) vectors/s," \
    "median p50 $(median ${p50s[$case]}) ms"
done
