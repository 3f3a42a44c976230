#!/usr/bin/env bash
# Ingestion throughput against the pipeline's own: starts Redis 8, Inference, Api and Ingestion (Release) and a local
# FTP server holding N copies of a single-face photo, then measures
#   1. the pipeline alone: POST /v1/analyze?embed=largest, C concurrent callers (C = the worker's file concurrency);
#   2. a folder job: POST /groups/{g}/process-ftp-folder until the job completes, files/s from the job's timestamps.
#   eng/bench-ingestion.sh [files=1000] [concurrency=4]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
files="${1:-1000}"
concurrency="${2:-4}"
./eng/setup.sh --test >/dev/null

echo "building (Release)..." >&2
for p in FacePing.Api FacePing.Inference FacePing.Ingestion; do dotnet build "$p" -c Release -v q -nologo >/dev/null; done

# shellcheck source=eng/scratch.sh
source eng/scratch.sh

photo="$root/fixtures/faces/Tom_Cruise_avp_2014_4.jpg"
mkdir -p "$work/ftp"
for i in $(seq -w 1 "$files"); do cp "$photo" "$work/ftp/face-$i.jpg"; done

redis_port="$(free_port)"; inference_port="$(free_port)"; api_port="$(free_port)"; ingestion_port="$(free_port)"; ftp_port="$(free_port)"
.cache/redis/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes \
  --appendfsync everysec --save "" --logfile "$work/redis.log" &
pids+=($!)
/usr/bin/python3 -m pyftpdlib -i 127.0.0.1 -p "$ftp_port" -u bench -P bench-pass -d "$work/ftp" -r 40000-40100 \
  >"$work/ftp.log" 2>&1 &
pids+=($!)

common=(Logging__LogLevel__Default=Warning ConnectionStrings__redis="127.0.0.1:$redis_port"
        services__inference__http__0="http://127.0.0.1:$inference_port")
admin_key="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
env ASPNETCORE_URLS="http://127.0.0.1:$inference_port" Logging__LogLevel__Default=Warning \
  dotnet FacePing.Inference/bin/Release/net10.0/FacePing.Inference.dll >"$work/inference.log" 2>&1 &
pids+=($!)
env "${common[@]}" ASPNETCORE_URLS="http://127.0.0.1:$api_port" FacePing__AdminKey="$admin_key" \
  FacePing__RateLimit__Enabled=false FacePing__Ftp__AllowedHosts__0=127.0.0.1 \
  dotnet FacePing.Api/bin/Release/net10.0/FacePing.Api.dll >"$work/api.log" 2>&1 &
pids+=($!)
env "${common[@]}" ASPNETCORE_URLS="http://127.0.0.1:$ingestion_port" FacePing__Ingestion__Concurrency="$concurrency" \
  FacePing__Ftp__AllowedHosts__0=127.0.0.1 \
  dotnet FacePing.Ingestion/bin/Release/net10.0/FacePing.Ingestion.dll >"$work/ingestion.log" 2>&1 &
pids+=($!)

for port in "$api_port" "$ingestion_port"; do
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { tail -n 30 "$work"/*.log >&2; exit 1; }
done

/usr/bin/python3 - "$api_port" "$inference_port" "$ftp_port" "$admin_key" "$photo" "$files" "$concurrency" <<'PY'
import json, sys, time, statistics, urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
api, inference, ftp, admin, photo, files, conc = sys.argv[1:8]
files, conc = int(files), int(conc)
def call(url, body=None, headers={}, method=None):
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")
image = open(photo, "rb").read()
analyze = f"http://127.0.0.1:{inference}/v1/analyze?embed=largest"
for _ in range(10): call(analyze, image, {"content-type": "application/octet-stream"})  # warm-up
n = min(files, 300)
def one(_):
    t = time.perf_counter(); call(analyze, image, {"content-type": "application/octet-stream"}); return time.perf_counter() - t
start = time.perf_counter()
with ThreadPoolExecutor(conc) as pool: latencies = list(pool.map(one, range(n)))
pipeline_rate = n / (time.perf_counter() - start)
print(f"pipeline alone: {n} images, {conc} callers: {pipeline_rate:.1f} images/s, p50 {statistics.median(latencies)*1000:.1f} ms")

key = call(f"http://127.0.0.1:{api}/admin/keys", json.dumps({"name": "bench"}).encode(),
           {"Authorization": f"Bearer {admin}", "content-type": "application/json"})["key"]
auth = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
call(f"http://127.0.0.1:{api}/groups/bench", b"", auth, "POST")
job = call(f"http://127.0.0.1:{api}/groups/bench/process-ftp-folder",
           json.dumps({"host": "127.0.0.1", "port": int(ftp), "username": "bench", "password": "bench-pass", "folderPath": "/"}).encode(), auth)
while True:
    status = call(f"http://127.0.0.1:{api}/jobs/{job['jobId']}", headers=auth)
    if status["status"] in ("completed", "failed"): break
    time.sleep(0.5)
parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
seconds = (parse(status["completedAt"]) - parse(status["createdAt"])).total_seconds()
rate = status["successCount"] / seconds
print(f"ingestion: {status['status']}, {status['successCount']}/{status['totalFiles']} stored, {len(status['failed'])} failed, "
      f"{seconds:.1f} s from submit to completion: {rate:.1f} files/s")
print(f"ingestion / pipeline: {rate / pipeline_rate:.2f}")
PY
