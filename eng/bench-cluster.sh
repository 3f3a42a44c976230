#!/usr/bin/env bash
# Clustering quality on LFW through the real pipeline: starts the Inference service (Release) on a free port and runs
# the cluster-lfw benchmark against it (every photo of the people with at least 5 photos, embedded as the Api stores a
# face, then clustered by the code a cluster job runs; docs/clustering.md).
#   eng/bench-cluster.sh <LFW folder> [extra benchmark arguments, e.g. --sweep --cache FILE --out FILE]
# <LFW folder> holds one folder per person (Name/Name_0001.jpg). Nothing here reads any other path: the dataset stays
# outside the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
lfw="$(cd "$1" && pwd)"; shift
cd "$root"
./eng/provision-models.sh >/dev/null

echo "building (Release)..." >&2
dotnet build FacePing.Inference -c Release -v q -nologo >/dev/null
dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port="$(free_port)"
log="$(mktemp)"
env ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
  dotnet FacePing.Inference/bin/Release/net10.0/FacePing.Inference.dll >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { cat "$log" >&2; exit 1; }

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll cluster-lfw \
  --inference "http://127.0.0.1:$port" --lfw "$lfw" "$@"
