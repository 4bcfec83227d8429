#!/usr/bin/env bash
# Load test of `ndi-tool serve` over loopback: generates a corpus, starts a release server
# on a fresh incoming folder, runs the serve-load harness (its own hyper client) and checks
# every upload. Usage: benches/serve-load.sh [UPLOADS] [CONNECTIONS] [FILES] [RATE]
# (RATE: offered uploads per second, open loop; without it, as fast as answers come).
# SERVE_LOAD_TMP=/dev/shm puts the incoming folder on a tmpfs (fsync costs nothing there),
# which separates the server's own latency from the disk's.
# Leave 30 s between runs: ext4 skips inodes freed in the last 30 s when it creates files, so
# a run right after the previous one deleted its 20,000 files measures that scan (docs/SERVE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
uploads=${1:-20000}
connections=${2:-200}
files=${3:-2000}
rate=${4:-}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked -p ndi-tool -p ndi-benches --bin ndi-tool --bin serve-load
corpus=$target/serve-load-corpus-$files
if [ ! -d "$corpus" ]; then
  "$target/release/ndi-tool" generate --out "$corpus" --count "$files" --seed 7
fi
work=$(mktemp -d "${SERVE_LOAD_TMP:-/tmp}/serve-load.XXXXXX")
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
"$target/release/ndi-tool" serve --incoming "$work/in" --listen "127.0.0.1:$port" -q \
  --max-connections 4096 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do
  grep -q listening "$work/serve.err" && break
  sleep 0.1
done
"$target/release/serve-load" --corpus "$corpus" --url "http://127.0.0.1:$port/ManageSoftRL" \
  --incoming "$work/in" --uploads "$uploads" --connections "$connections" --server-pid "$pid" ${rate:+--rate "$rate"}
kill -TERM "$pid"
wait "$pid"
