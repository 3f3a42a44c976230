#!/usr/bin/env bash
# One-command performance figures: starts Redis 8 (free port, AOF everysec as in production), Inference and two Apis
# in Release (the default, and one with the scan copies off to compare), then runs the end-to-end load client
# (FacePing.Benchmarks "api" mode) and writes its report.
#   eng/bench.sh [--vectors 100000] [--queries 200] [--seconds 10] [--warmup-seconds 20] [--faces true]
#                [--out .cache/bench/report.md]
# Rate limiting is switched off for the run (FacePing__RateLimit__Enabled=false): the load client is one tenant.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./eng/provision-redis.sh
./eng/provision-models.sh

out="$root/.cache/bench/report.md"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) args+=("$1" "$2"); shift 2 ;;
  esac
done
mkdir -p "$(dirname "$out")"


echo "building (Release)..." >&2
dotnet build FacePing.Api -c Release -v q -nologo >/dev/null
dotnet build FacePing.Inference -c Release -v q -nologo >/dev/null
dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null

# shellcheck source=eng/scratch.sh
source eng/scratch.sh

redis_port="$(free_port)"
.cache/redis/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes \
  --appendfsync everysec --save "" --logfile "$work/redis.log" &
pids+=($!)

inference_port="$(free_port)"
ASPNETCORE_URLS="http://127.0.0.1:$inference_port" Logging__LogLevel__Default=Warning \
  dotnet FacePing.Inference/bin/Release/net10.0/FacePing.Inference.dll >"$work/inference.log" 2>&1 &
pids+=($!)

admin_key="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# Two Apis on the same Redis: the default one (in-memory scan copies) and one searching through HNSW only.
start_api() { # port, log file, extra VAR=value settings
  local port="$1" log="$2"
  shift 2
  env ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    "Logging__LogLevel__FacePing.Core.Storage.Scan=Information" \
    ConnectionStrings__redis="127.0.0.1:$redis_port" FacePing__AdminKey="$admin_key" \
    services__inference__http__0="http://127.0.0.1:$inference_port" FacePing__RateLimit__Enabled=false "$@" \
    dotnet FacePing.Api/bin/Release/net10.0/FacePing.Api.dll >"$log" 2>&1 &
  pids+=($!)
}
api_port="$(free_port)"
start_api "$api_port" "$work/api.log"
index_port="$(free_port)"
start_api "$index_port" "$work/api-index.log" FacePing__Store__ScanCacheMegabytes=0

for port in "$api_port" "$index_port"; do
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "the Api did not become healthy:" >&2; tail -n 30 "$work"/api*.log "$work/inference.log" >&2; exit 1; }
done

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll api --api "http://127.0.0.1:$api_port" \
  --index-api "http://127.0.0.1:$index_port" --inference "http://127.0.0.1:$inference_port" --admin-key "$admin_key" --redis "127.0.0.1:$redis_port" --out "$out" "${args[@]}"
{
  echo ""
  echo "Api log (scan copies):"
  echo ""
  grep -h "Scan copy\|scan budget\|scan copy" "$work/api.log" | sed 's/^ */    /' || echo "    (no scan copy was loaded)"
} | tee -a "$out"
echo "report written to $out" >&2
