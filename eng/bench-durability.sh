#!/usr/bin/env bash
# The cost of FacePing:Store:Durability: upsert throughput and latency through the store (FaceStore.UpsertAsync, the
# Api's write path, no HTTP) against a Redis 8 primary running the shipped deploy/redis/redis.conf with one replica.
# Cases: the state before durable acknowledgements (none, appendfsync everysec), none/local with the shipped
# appendfsync always, local with everysec (WAITAOF then waits for the next once-a-second fsync), and replica.
# Each case runs --runs times for --seconds with --concurrency writers; prints each run and the medians.
# With --search instead: search latency (p50/p99) while --concurrency writers upsert under Durability=replica, with
# writes and their WAITs on the searches' connection (as before) and on a connection of their own (as now).
#   eng/bench-durability.sh [--runs 3] [--seconds 10] [--concurrency 4] [--batch 1] [--search]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./eng/provision-redis.sh >/dev/null

runs=3; seconds=10; concurrency=4; batch=1; search=no
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --search) search=yes; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

server=.cache/redis/bin/redis-server
cli=.cache/redis/bin/redis-cli
# The shipped settings as redis-server arguments (the array conf).
source eng/redis-conf-args.sh

# shellcheck source=eng/scratch.sh
source eng/scratch.sh
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
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ "$search" = yes ]; then
  declare -A s50 s99
  for run in $(seq 1 "$runs"); do
    for split in no yes; do
      line="$(dotnet "$bench" store-search --redis "127.0.0.1:$primary" --durability replica --split "$split" \
        --seconds "$seconds" --writers "$concurrency" --searchers 2)"
      echo "  round $run: $line" >&2
      s50[$split]+="$(sed -n 's/.*search p50 \([0-9.]*\) ms.*/\1/p' <<<"$line") "
      s99[$split]+="$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$line") "
    done
  done
  for split in no yes; do
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    echo "writes on their own connection: $split: median search p50 $(median ${s50[$split]}) ms," \
      "median p99 $(median ${s99[$split]}) ms"
  done
  exit 0
fi
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
for case in "${cases[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  echo "durability=${case%%:*} appendfsync=${case##*:}: median $(median ${rates[$case]}) vectors/s," \
    "median p50 $(median ${p50s[$case]}) ms"
done
