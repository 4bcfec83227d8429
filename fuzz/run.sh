#!/usr/bin/env bash
# Runs fuzz targets one after the other, one job each, and keeps libFuzzer's log per target
# in fuzz/logs/<target>.log (the last "#N ... cov: ft:" line and the final stats are the
# figures README.md records).
#
#   fuzz/run.sh 240                 # every target, 240 s each
#   fuzz/run.sh 60 ndi gzip_encoding
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); works on the stable toolchain through
# RUSTC_BOOTSTRAP=1 (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-240}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=($(RUSTC_BOOTSTRAP=1 cargo +stable fuzz list))
fi
./seed.sh "${targets[@]}" >/dev/null
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    echo "== $t (${seconds}s)"
    # -rss_limit_mb: a reader must never need much memory; -timeout: nor much time.
    if ! RUSTC_BOOTSTRAP=1 cargo +stable fuzz run "$t" -O -j1 -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536 \
        -print_final_stats=1 >"logs/$t.log" 2>&1; then
        echo "   FAILED: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
        status=1
    fi
    grep -E '^#[0-9]+' "logs/$t.log" | tail -1 || true
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "logs/$t.log" || true
done
exit $status
