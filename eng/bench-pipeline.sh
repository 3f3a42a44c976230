#!/usr/bin/env bash
# Speed of the whole face pipeline on crowd photos and on portraits, every face embedded, against dlib's own pipeline
# (HOG detector, 68-point shape predictor, the same face ResNet) on the same photos and the same machine.
#   eng/bench-pipeline.sh <crowd photos folder> <portraits folder> [photos per set (100)] [dlib upsamples (1)]
# Photos: that many *.jpg spread evenly over each folder's sorted list (sub-folders included).
# FacePing: the Inference service (Release) over HTTP, POST /v1/analyze?embed=all, 2 callers (one per core).
# dlib: eng/dlib-check/dlib_pipeline.cpp, 2 worker threads, OpenBLAS single-threaded when installed; needs
#   apt-get install -y libdlib-dev libdlib-data g++ pkg-config (libopenblas0-pthread: dlib's convolutions use BLAS).
# Prints photos/s, faces/s, ms per face (wall) and CPU ms per face for both.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
crowd="$(cd "$1" && pwd)"; portraits="$(cd "$2" && pwd)"; count="${3:-100}"; upsample="${4:-1}"
cd "$root"
./eng/provision-models.sh >/dev/null
work="$(mktemp -d)"

pick() {
  find "$1" -name '*.jpg' | sort |
    awk -v n="$count" '{ a[NR] = $0 } END { for (i = 0; i < n && i < NR; i++) print a[int(i * NR / n) + 1] }'
}
pick "$crowd" >"$work/crowd.txt"
pick "$portraits" >"$work/portraits.txt"

source eng/start-inference.sh
trap 'kill $inference_pid 2>/dev/null || true; wait $inference_pid 2>/dev/null || true
      rm -rf "$work" "$inference_log"' EXIT
for set in crowd portraits; do
  dotnet FacePing.Benchmarks/bin/Release/net10.0/FacePing.Benchmarks.dll pipeline-speed --inference "$inference_url" \
    --photos "$work/$set.txt" --label "FacePing $set" --concurrency 2 --pid "$inference_pid"
done
kill $inference_pid; wait $inference_pid 2>/dev/null || true

predictor=/usr/share/dlib/shape_predictor_68_face_landmarks.dat
if ! pkg-config --exists dlib-1 || [ ! -f "$predictor" ]; then
  echo "dlib: not measured (apt-get install -y libdlib-dev libdlib-data g++ pkg-config)" >&2
  exit 0
fi
# Built once per version of its source (a few minutes on 2 cores).
binary=".cache/dlib-pipeline-$(cat eng/dlib-check/dlib_pipeline.cpp eng/dlib-check/dlib_resnet.h |
  sha256sum | cut -c1-12)"
if [ ! -x "$binary" ]; then
  echo "building $binary (a few minutes)..." >&2
  g++ -O2 -std=c++17 -DDLIB_JPEG_SUPPORT -DDLIB_PNG_SUPPORT -o "$binary" eng/dlib-check/dlib_pipeline.cpp \
    $(pkg-config --cflags --libs dlib-1)
fi
# dlib's convolutions call BLAS: OpenBLAS (one thread per worker) when installed, else the reference BLAS.
blas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[ -d "$blas" ] || blas=""
for set in crowd portraits; do
  env LD_LIBRARY_PATH="$blas" OPENBLAS_NUM_THREADS=1 "$binary" "$predictor" \
    .cache/models/dlib_face_recognition_resnet_model_v1.dat 2 "$upsample" $(cat "$work/$set.txt") \
    | sed -n "s/^summary /dlib $set: /p"
done
