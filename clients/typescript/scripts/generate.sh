#!/usr/bin/env bash
# Regenerates the client's types from the Api itself: builds FacePing.Api, runs it on a free loopback port against a
# throwaway Redis 8 with the shipped settings (.cache/redis, as eng/setup.sh provisions), saves its OpenAPI document as
# openapi.json (without the "servers" entry, which names the port of this run) and writes src/schema.d.ts from it.
# FacePing.Tests/Clients/OpenApiDocumentTests fails while openapi.json differs from what the Api serves.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
./eng/provision-redis.sh >/dev/null
# shellcheck source=../../../eng/redis-conf-args.sh
source eng/redis-conf-args.sh

dotnet build FacePing.Api -c Release -v q -nologo >/dev/null
# shellcheck source=eng/scratch.sh
source eng/scratch.sh

redis_port="$(free_port)"
.cache/redis/bin/redis-server "${conf[@]}" --bind 127.0.0.1 --port "$redis_port" --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!)
api_port="$(free_port)"
env ASPNETCORE_URLS="http://127.0.0.1:$api_port" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  ConnectionStrings__redis="127.0.0.1:$redis_port" FacePing__AdminKey="openapi-$(date +%s%N)" \
  dotnet FacePing.Api/bin/Release/net10.0/FacePing.Api.dll >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$api_port/openapi/v1.json" -o "$work/openapi.json" 2>/dev/null && break
  sleep 0.5
done
[ -s "$work/openapi.json" ] || { cat "$work/api.log" >&2; exit 1; }
python3 - "$work/openapi.json" "$here/openapi.json" <<'PY'
import json, sys
document = json.load(open(sys.argv[1]))
document.pop("servers", None)
with open(sys.argv[2], "w") as out:
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")
PY
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
node scripts/types.mjs
echo "wrote openapi.json and src/schema.d.ts"
