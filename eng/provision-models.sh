#!/usr/bin/env bash
# Fetches the face models from their npm package (no install scripts run), pinned by version and SHA-256.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${FACEPING_MODELS_DIR:-$root/.cache/models}"
package="faceplugin-face-recognition-js@0.0.1"
declare -A sums=(
  [fr_detect.onnx]=6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854
  [fr_landmark.onnx]=f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258
  [fr_feature.onnx]=87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581
)

verify() {
  local ok=0
  for f in "${!sums[@]}"; do
    [ -f "$dest/$f" ] || return 1
    echo "${sums[$f]}  $dest/$f" | sha256sum --quiet -c - >/dev/null 2>&1 || { ok=1; echo "provision-models: checksum mismatch for $f" >&2; }
  done
  return $ok
}

if verify 2>/dev/null; then exit 0; fi
command -v npm >/dev/null || { echo "provision-models: npm is required to fetch $package (install Node.js and npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "provision-models: npm pack $package"
(cd "$work" && npm pack "$package" --silent >/dev/null)
tarball="$(ls "$work"/*.tgz)"
mkdir -p "$dest"
for f in "${!sums[@]}"; do
  tar -xzf "$tarball" -C "$work" "package/model/$f"
  actual="$(sha256sum "$work/package/model/$f" | cut -d' ' -f1)"
  if [ "$actual" != "${sums[$f]}" ]; then
    echo "provision-models: SHA-256 of $f is $actual, expected ${sums[$f]}; refusing to use it" >&2
    exit 1
  fi
  mv "$work/package/model/$f" "$dest/$f"
done
echo "provision-models: models verified in $dest"
