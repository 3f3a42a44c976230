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

source eng/start-inference.sh

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll cluster-lfw \
  --inference "$inference_url" --lfw "$lfw" "$@"
