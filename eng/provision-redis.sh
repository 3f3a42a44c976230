#!/usr/bin/env bash
# Provisions a private Redis 8 (vector sets) into .cache/redis when no redis-server >= 8 is on PATH.
# Debian 12 ships Redis 7; Debian 13's packages run here through their own loader, never installed system-wide.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.cache/redis"
wrapper="$dest/bin/redis-server"

if [ -x "$wrapper" ] && "$wrapper" --version 2>/dev/null | grep -q 'v=8\.'; then exit 0; fi
if command -v redis-server >/dev/null && redis-server --version | grep -qE 'v=([89]|[1-9][0-9])\.'; then
  mkdir -p "$dest/bin"
  ln -sf "$(command -v redis-server)" "$dest/bin/redis-server"
  ln -sf "$(command -v redis-cli)" "$dest/bin/redis-cli"
  exit 0
fi

# The Debian mirror comes from this machine's own apt configuration.
mirror="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
if [ -z "$mirror" ]; then
  mirror="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
fi
[ -n "$mirror" ] || { echo "provision-redis: no Debian mirror found in the apt configuration" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs"
echo "deb [trusted=yes] $mirror trixie main" > "$work/sources.list"
apt_opts=(-o "Dir::State::Lists=$work/lists" -o "Dir::Etc::SourceList=$work/sources.list"
          -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::Cache::Archives=$work/archives"
          -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
echo "provision-redis: fetching Redis 8 packages from Debian trixie"
apt-get "${apt_opts[@]}" update -qq
pkgs=(redis-server redis-tools libc6 libstdc++6 libgcc-s1 libatomic1 libjemalloc2 liblzf1 libssl3t64
      libsystemd0 libcap2 libgcrypt20 liblz4-1 liblzma5 libzstd1 libgpg-error0)
(cd "$work/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]/%//trixie}" >/dev/null)
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$dest.tmp/root"; done
mkdir -p "$dest.tmp/bin"
for tool in redis-server redis-cli; do
  cat > "$dest.tmp/bin/$tool" <<WRAP
#!/usr/bin/env bash
here="\$(cd "\$(dirname "\${BASH_SOURCE[0]}")/.." && pwd)"
lib="\$here/root/usr/lib/x86_64-linux-gnu"
exec "\$lib/ld-linux-x86-64.so.2" --library-path "\$lib" "\$here/root/usr/bin/$tool" "\$@"
WRAP
  chmod +x "$dest.tmp/bin/$tool"
done
rm -rf "$dest" && mv "$dest.tmp" "$dest"
"$wrapper" --version
