# Sourced by the benchmark scripts and clients/typescript/scripts/generate.sh: a scratch folder ($work) and the
# background processes started in it ($pids, append to it), both gone when the script exits however it ends, and
# free_port, a free loopback TCP port for the next server.
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
