#!/usr/bin/env bash
# Peak memory of the Inference service under concurrent worst-case images (issue 20, item 4): builds a real PNG
# that declares SIDE×SIDE pixels in a few hundred KB (grey rows that compress to nothing), starts the service
# (Release), warms it with one photo, then sends N copies at once to POST /v1/analyze and reports the resident set
# before, the peak (VmHWM: the kernel's high-water mark of the process), the answers by status and the wall time.
#   eng/bench-decode-memory.sh [--requests 20] [--side 7070] [--runs 3]
# Each run starts a fresh service, so every peak is that run's own. Extra settings pass through the environment,
# e.g. FacePing__Images__MaxPixelsInFlight=64000000 eng/bench-decode-memory.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

requests=20; side=7070; runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --side) side="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
png="$work/worst-case.png"
/usr/bin/python3 - "$side" "$png" <<'PY'
import struct, sys, zlib
side, path = int(sys.argv[1]), sys.argv[2]
def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
row = b"\0" + b"\x80" * (side * 3)          # filter 0, grey RGB pixels
z = zlib.compressobj(9)
idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()
with open(path, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
PY
echo "worst-case PNG: ${side}x${side}, $(stat -c %s "$png") bytes; $requests at once, $runs runs" >&2

mib() { awk '{printf "%.0f", $1 / 1024}'; }
for run in $(seq 1 "$runs"); do
  (
    source eng/start-inference.sh
    curl -fsS -o /dev/null -H 'content-type: application/octet-stream' \
      --data-binary @fixtures/faces/Tom_Cruise_avp_2014_4.jpg "$inference_url/v1/analyze"
    before="$(awk '/^VmRSS/ {print $2}' /proc/$inference_pid/status | mib)"
    start="$(date +%s.%N)"
    senders=()
    for i in $(seq 1 "$requests"); do
      curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/octet-stream' \
        --data-binary @"$png" "$inference_url/v1/analyze?embed=none" >"$work/status.$i" &
      senders+=($!)
    done
    wait "${senders[@]}"
    elapsed="$(echo "$(date +%s.%N) - $start" | bc)"
    peak="$(awk '/^VmHWM/ {print $2}' /proc/$inference_pid/status | mib)"
    statuses="$(cat "$work"/status.* | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
    printf 'run %s: RSS before %s MiB, peak %s MiB, answers %s in %.1f s\n' "$run" "$before" "$peak" \
      "$statuses" "$elapsed"
  )
done
rm -rf "$work"
