#!/usr/bin/env bash
# Face detection through the real pipeline: starts the Inference service (Release) on a free port and measures recall
# per face size (< 16, 16–32, 32–64, ≥ 64 px), precision and ms per photo on a labelled public set, asking
# POST /v1/analyze?embed=none for every photo (what the public POST /faces/detect does).
#   eng/bench-detection.sh <images folder> <annotations> [extra benchmark arguments]
# <annotations>: AFW's faces.txt (filenames.txt beside it; photos in <images folder>), WIDER FACE's text ground truth
# (wider_face_*_bbx_gt.txt) or its .mat file (converted with eng/wider-to-text.py, needs python3-scipy; only photos
# present under <images folder> are used). Extra arguments: --iou 0.4 (AFW's loose boxes; default 0.5),
# --thresholds 0.7,0.8 (also score at these detector scores), --concurrency N, --limit N, --out FILE.
# Service settings come from the environment, e.g. FacePing__Models__DetectionSide=1600.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
images="$(cd "$1" && pwd)"; annotations="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2
cd "$root"
./eng/provision-models.sh >/dev/null

if [[ "$annotations" == *.mat ]]; then
  converted="$(mktemp --suffix=.txt)"
  /usr/bin/python3 eng/wider-to-text.py "$annotations" "$images" >"$converted"
  annotations="$converted"
fi

source eng/start-inference.sh

dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll detection \
  --inference "$inference_url" --images "$images" --annotations "$annotations" "$@"
