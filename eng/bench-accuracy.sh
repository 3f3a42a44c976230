#!/usr/bin/env bash
# LFW face verification through the real pipeline: starts the Inference service (Release) on a free port and runs the
# accuracy benchmark against it, the way the Api calls it (POST /v1/analyze?embed=largest, the largest face).
#   eng/bench-accuracy.sh <LFW folder> <pairs.txt> [pairsDevTrain.txt pairsDevTest.txt] [-- extra benchmark arguments]
# <LFW folder> holds one folder per person (Name/Name_0001.jpg); pairs.txt is the View 2 list (10 folds). The View 1
# lists, when given, calibrate the thresholds for a false-accept rate (docs/accuracy.md). Nothing here reads any other
# path: the dataset stays outside the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
lfw="$(cd "$1" && pwd)"; pairs="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2
dev=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do dev+=(--dev "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift; done
[ "${1:-}" = "--" ] && shift
cd "$root"
./eng/provision-models.sh >/dev/null

source eng/start-inference.sh

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll accuracy \
  --inference "$inference_url" --lfw "$lfw" --pairs "$pairs" "${dev[@]}" "$@"
