# Sourced by the benchmark scripts that call the face pipeline as the Api does: builds the Inference service and
# FacePing.Benchmarks in Release, starts the service on a free loopback port (stopped when the script exits) and
# waits for its /health. Sets `inference_url`.
echo "building (Release)..." >&2
dotnet build FacePing.Inference -c Release -v q -nologo >/dev/null
dotnet build FacePing.Benchmarks -c Release -v q -nologo >/dev/null

inference_port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
inference_url="http://127.0.0.1:$inference_port"
inference_log="$(mktemp)"
env ASPNETCORE_URLS="$inference_url" Logging__LogLevel__Default=Warning \
  dotnet FacePing.Inference/bin/Release/net10.0/FacePing.Inference.dll >"$inference_log" 2>&1 &
inference_pid=$!
trap 'kill $inference_pid 2>/dev/null || true; wait $inference_pid 2>/dev/null || true; rm -f "$inference_log"' EXIT
for _ in $(seq 1 120); do curl -fsS "$inference_url/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$inference_url/health" >/dev/null || { cat "$inference_log" >&2; exit 1; }
