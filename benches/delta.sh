#!/usr/bin/env bash
# Delta import benches (see benches/README.md, "Delta import"):
#   throughput  one-shot `import` of N generated files against `convert` to Parquet, alternating
#   latency     `import --watch --interval 1` fed at 10 and 200 files/s: landing -> visible
#   commits     1,440 one-file runs (one commit each), reader time before and after `optimize`
# usage: benches/delta.sh [throughput|latency|commits|all] (FILES=1000 ROUNDS=3 THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
FILES=${FILES:-1000}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release/ndi-tool"
VENV="$TARGET/delta-bench-venv"
echo "delta.sh: building (release)" >&2
cargo build --release -q -p ndi-tool >&2
if ! "$VENV/bin/python" -c 'import deltalake, polars' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check deltalake polars pyarrow >&2
fi
WORK=$(mktemp -d /tmp/delta-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=benches/common.sh
. "$(dirname "$0")/common.sh"
corpus() { # corpus N -> the folder (shared with compare.sh), generated once
    bench_corpus "$BIN" "$1" 1
}

seconds() { # seconds CMD... -> wall seconds of the command
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

throughput() {
    local src bytes
    src=$(corpus "$FILES")
    bytes=$(du -sb "$src" | cut -f1)
    echo "throughput: $FILES files, $bytes bytes, $THREADS threads, $ROUNDS alternating rounds"
    echo -e "round\tconvert_s\timport_s\timport_fresh_s\tratio_old\tratio_fresh"
    for round in $(seq "$ROUNDS"); do
        rm -rf "$WORK/pq" "$WORK/lake" "$WORK/in" "$WORK/lake2" "$WORK/in2"
        sync
        local c i f
        c=$(seconds "$BIN" convert "$src" --out "$WORK/pq" -q --threads "$THREADS")
        # Hard-linked copies: import moves (here deletes) them, the corpus stays. Once with
        # files older than an hour, once with fresh ones (docs/TABLES.md, "Incomplete files").
        cp -al "$src" "$WORK/in"
        find "$WORK/in" -type f -exec touch -h -d '2 hours ago' {} +
        sync
        i=$(seconds "$BIN" import "$WORK/in" --table "$WORK/lake" --settle-secs 0 \
            --delete-processed -q --threads "$THREADS")
        cp -al "$src" "$WORK/in2"
        find "$WORK/in2" -type f -exec touch -h {} +
        sync
        f=$(seconds "$BIN" import "$WORK/in2" --table "$WORK/lake2" --settle-secs 0 \
            --delete-processed -q --threads "$THREADS")
        printf '%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n' "$round" "$c" "$i" "$f" \
            "$(echo "$c / $i" | bc -l)" "$(echo "$c / $f" | bc -l)"
    done
}

latency() {
    local src
    src=$(corpus "$FILES")
    for rate in 10 200; do
        "$VENV/bin/python" benches/delta_latency.py "$BIN" "$src" "$WORK/latency-$rate" \
            --rate "$rate" --seconds "${LATENCY_SECONDS:-20}" --threads "$THREADS"
    done
}

commits() {
    local src
    src=$(corpus "$FILES")
    "$VENV/bin/python" benches/delta_commits.py "$BIN" "$src" "$WORK/commits" --runs 1440
}

case "$what" in
    throughput) throughput ;;
    latency) latency ;;
    commits) commits ;;
    all) throughput; latency; commits ;;
    *) sed -n '2,8p' "$0"; exit 2 ;;
esac
