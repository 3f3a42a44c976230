#!/usr/bin/env bash
# Everything FacePing needs on a fresh Debian machine, idempotent: Redis 8, the face models, FTP/SMTP test servers,
# Chromium for the console's browser tests, the TypeScript client's npm packages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

"$here/provision-redis.sh"
"$here/provision-models.sh"

if [ "${1:-}" = "--test" ]; then
  missing=()
  /usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || missing+=(python3-pyftpdlib)
  /usr/bin/python3 -c 'import OpenSSL' 2>/dev/null || missing+=(python3-openssl)
  command -v openssl >/dev/null || missing+=(openssl)
  # The console's browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
  command -v chromium >/dev/null || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # The TypeScript client's packages (its tests compile it and run it from Node): installed as its lock file says.
  ts="$here/../clients/typescript"
  if [ ! -d "$ts/node_modules" ] || [ "$ts/package-lock.json" -nt "$ts/node_modules/.package-lock.json" ]; then
    (cd "$ts" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi

# The AppHost's development SMTP catcher (e-mails from folder ingestion are readable in its web UI).
if [ "${1:-}" != "--test" ] && [ ! -x "$here/../.cache/tools/smtp4dev" ]; then
  dotnet tool install --tool-path "$here/../.cache/tools" Rnwood.Smtp4dev --version 3.15.0 >/dev/null
fi
