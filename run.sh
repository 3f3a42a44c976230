#!/usr/bin/env bash
# Provisions Redis 8 and the face models, then runs the whole application under the Aspire AppHost with its dashboard.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
exec dotnet run --project FacePing.AppHost --launch-profile http "$@"
