# Sourced by the benchmark scripts: fills the array `conf` with the shipped deploy/redis/redis.conf as redis-server
# arguments, one per directive (the AppHost's rule: FacePing.AppHost/RedisConfigFile.cs), so they run what ships.
conf=()
while read -r -a parts; do
  [ ${#parts[@]} -eq 0 ] && continue
  case "${parts[0]}" in \#*) continue ;; esac
  conf+=("--${parts[0]}")
  for p in "${parts[@]:1}"; do [ "$p" = '""' ] && conf+=("") || conf+=("$p"); done
done < "$(dirname "${BASH_SOURCE[0]}")/../deploy/redis/redis.conf"
