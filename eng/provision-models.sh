#!/usr/bin/env bash
# Fetches the face models from their npm packages (npm pack: no install scripts run), pinned by version and SHA-256,
# and converts dlib's face ResNet to ONNX with our own converter (FacePing.ModelTools); the result is pinned too.
# The detector (YuNet, 238 kB) is kept in the repository (models/) and copied after the same check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${FACEPING_MODELS_DIR:-$root/.cache/models}"

# file in the models folder | npm package | path in its tarball | SHA-256
models=(
  "fr_landmark.onnx|faceplugin-face-recognition-js@0.0.1|package/model/fr_landmark.onnx|f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258"
  "fr_feature.onnx|faceplugin-face-recognition-js@0.0.1|package/model/fr_feature.onnx|87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581"
  "dlib_face_recognition_resnet_model_v1.dat|face-recognition-models@0.0.0|package/models/dlib_face_recognition_resnet_model_v1.dat|55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
)
# converted file | source file | SHA-256 of the conversion (the converter writes the same bytes every time)
converted=(
  "dlib_face_recognition_resnet_model_v1.onnx|dlib_face_recognition_resnet_model_v1.dat|9ef2bd4e1a5b8f590f65bf348a5560dc6e725c67e2f4520ed816b1e119f83716"
)

# file in the models folder | path in the repository | SHA-256
kept=(
  "yunet_s_dynamic.onnx|models/yunet-2023mar/yunet_s_dynamic.onnx|daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3"
)

matches() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

missing=()
for entry in "${models[@]}"; do
  IFS='|' read -r file package path sum <<<"$entry"
  matches "$dest/$file" "$sum" || missing+=("$entry")
done

if [ ${#missing[@]} -gt 0 ]; then
  command -v npm >/dev/null || { echo "provision-models: npm is required to fetch the face models (install Node.js and npm)" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$dest"
  for package in $(printf '%s\n' "${missing[@]}" | cut -d'|' -f2 | sort -u); do
    echo "provision-models: npm pack $package"
    mkdir -p "$work/$package"
    (cd "$work/$package" && npm pack "$package" --silent >/dev/null)
  done
  for entry in "${missing[@]}"; do
    IFS='|' read -r file package path sum <<<"$entry"
    tar -xzf "$work/$package"/*.tgz -C "$work/$package" "$path"
    actual="$(sha256sum "$work/$package/$path" | cut -d' ' -f1)"
    if [ "$actual" != "$sum" ]; then
      echo "provision-models: SHA-256 of $file from $package is $actual, expected $sum; refusing to use it" >&2
      exit 1
    fi
    mv "$work/$package/$path" "$dest/$file"
  done
fi

for entry in "${kept[@]}"; do
  IFS='|' read -r file path sum <<<"$entry"
  matches "$dest/$file" "$sum" && continue
  if ! matches "$root/$path" "$sum"; then
    echo "provision-models: $path is missing or its SHA-256 is not $sum; refusing to use it" >&2
    exit 1
  fi
  mkdir -p "$dest"
  cp "$root/$path" "$dest/$file"
done

for entry in "${converted[@]}"; do
  IFS='|' read -r file source sum <<<"$entry"
  matches "$dest/$file" "$sum" && continue
  echo "provision-models: converting $source to ONNX"
  dotnet build "$root/FacePing.ModelTools" -c Release -v q -nologo >/dev/null
  dotnet "$root/FacePing.ModelTools/bin/Release/net10.0/FacePing.ModelTools.dll" dlib-to-onnx "$dest/$source" "$dest/$file.tmp" >/dev/null
  actual="$(sha256sum "$dest/$file.tmp" | cut -d' ' -f1)"
  if [ "$actual" != "$sum" ]; then
    rm -f "$dest/$file.tmp"
    echo "provision-models: the conversion of $source has SHA-256 $actual, expected $sum; refusing to use it" >&2
    exit 1
  fi
  mv "$dest/$file.tmp" "$dest/$file"
done
[ ${#missing[@]} -eq 0 ] || echo "provision-models: models verified in $dest"
