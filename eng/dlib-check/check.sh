#!/usr/bin/env bash
# Proves the ONNX conversion of dlib's face-recognition ResNet numerically: runs dlib itself (C++, libdlib-dev)
# and the ONNX model (ONNX Runtime via FacePing.ModelTools onnx-run) on the same chips and compares descriptors.
#
#   eng/dlib-check/check.sh <model.dat> <model.onnx> [--update-reference]
#
# Needs: apt-get install -y libdlib-dev g++ pkg-config python3-pil; the .NET SDK.
# --update-reference rewrites reference.json from dlib's output. The reference chips/*.png are made only when
# missing; remake them on purpose with: eng/dlib-check/make_chips.py <dir> --refresh-reference
# Env: LFW_DIR (an LFW folder: adds 4 LFW crops to the chips), WORK_DIR (default: a fresh temp dir), THREADS_TIMING (default "1 2": batch-1 timing per thread count).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,9p' "$0"
    exit 2
fi
model_dat=$(realpath "$1")
model_onnx=$(realpath "$2")
update_reference=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${WORK_DIR:-$(mktemp -d /tmp/dlib-check.XXXXXX)}
mkdir -p "$work"
echo "work dir: $work"

# Debian's libdlib needs BLAS/LAPACK, libpng/jpeg etc. at link time; pkg-config dlib-1 lists them.
echo "== building dlib_descriptors"
g++ -O2 -std=c++17 -o "$work/dlib_descriptors" "$here/dlib_descriptors.cpp" $(pkg-config --cflags --libs dlib-1)

echo "== making chips"
/usr/bin/python3 "$here/make_chips.py" "$work/chips"
mapfile -t names < "$work/chips/chips.txt"
chips=()
for n in "${names[@]}"; do chips+=("$work/chips/$n.rgb"); done

echo "== dlib"
"$work/dlib_descriptors" "$model_dat" "${chips[@]}" > "$work/dlib.txt"

echo "== onnx runtime"
dotnet build "$repo/FacePing.ModelTools" -c Release -v quiet -nologo > "$work/build.log"
tool=(dotnet "$repo/FacePing.ModelTools/bin/Release/net10.0/FacePing.ModelTools.dll")
"${tool[@]}" onnx-run "$model_onnx" --threads 1 "${chips[@]}" > "$work/onnx.txt"
# A batch run must give the same numbers as the per-chip dlib run; it is also what the service does.
echo "== compare (batch of ${#chips[@]} in one ONNX run)"
status=0
/usr/bin/python3 "$here/compare.py" "$work/chips/chips.txt" "$work/dlib.txt" "$work/onnx.txt" || status=1

for t in ${THREADS_TIMING:-1 2}; do
    "${tool[@]}" onnx-run "$model_onnx" --threads "$t" --time 50 "${chips[0]}" > /dev/null
done

if [[ "$update_reference" == "--update-reference" ]]; then
    /usr/bin/python3 "$here/write_reference.py" "$work/chips" "$work/dlib.txt" "$model_dat" "$here/reference.json"
fi
exit $status
