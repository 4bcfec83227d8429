#!/usr/bin/env bash
# ndi_toolkit (the Python package) against `ndi-tool convert` and the Python iterparse peer,
# on a generated corpus. See benches/README.md ("From Python").
#
#   benches/python.sh [--files N] [--threads T] [--rounds R] [--seed S] [--spark]
#       per round, alternating: ndi-tool convert (Parquet, T threads), ndi_toolkit.load
#       (pyarrow tables in memory, T threads), the Python converter of benches/compare
#       (1 process); with --spark, ndi_toolkit.spark.read_tables in local[2] counting every
#       table, once per round.
#
# Release builds; the wheel is built with maturin into target/python-bench-venv (or $VENV); corpora are
# shared with compare.sh (target/compare-corpus-N-seedS).
set -euo pipefail
FILES=1000 THREADS=2 ROUNDS=3 SEED=42 SPARK=0
# shellcheck source=benches/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_args "$@"
for arg in "${REST[@]}"; do
    case "$arg" in
        --spark) SPARK=1 ;;
        *) sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
bench_setup ndi-python-bench
VENV="${VENV:-$TARGET/python-bench-venv}"

cargo build --release -q --locked -p ndi-tool >&2
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
extra=""
[ "$SPARK" = 1 ] && extra="pyspark>=3.5,<5 pandas>=2.2,<3"
# shellcheck disable=SC2086
"$VENV/bin/pip" install -q --disable-pip-version-check "maturin>=1.7,<2" pyarrow $extra >&2
"$VENV/bin/maturin" build --release -q -m ndi-python/Cargo.toml -o "$WORK/wheel" >&2
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$WORK"/wheel/*.whl >&2
PY="$VENV/bin/python"
TOOL="$TARGET/release/ndi-tool"
DIR=$(bench_corpus "$TOOL" "$FILES" "$SEED")
XML=$(find "$DIR" -type f -exec gzip -dcf {} + | wc -c)

now() { date +%s.%N; }
declare -A RUNS
run() { # run NAME command... -> wall seconds appended to RUNS[NAME]
    local name=$1 t0 t1; shift
    t0=$(now); "$@" >"$WORK/last" 2>&1 || { cat "$WORK/last" >&2; exit 1; }; t1=$(now)
    RUNS[$name]+="$(echo "$t1 - $t0" | bc -l | xargs printf '%.2f') "
}
for r in $(seq "$ROUNDS"); do
    echo "python.sh: round $r of $ROUNDS" >&2
    rm -rf "$WORK/out"
    run convert "$TOOL" convert "$DIR" --out "$WORK/out" --threads "$THREADS" --quiet
    run load "$PY" benches/compare/ndi_toolkit_run.py load "$DIR" "$THREADS"
    RUNS[load_call]+="$(tail -1 "$WORK/last" | cut -d' ' -f1) "
    rm -rf "$WORK/py"
    run python "$PY" benches/compare/python_convert.py "$DIR" --out "$WORK/py"
    if [ "$SPARK" = 1 ]; then
        run spark env PYSPARK_PYTHON="$PY" SPARK_LOCAL_IP=127.0.0.1 "$PY" benches/compare/ndi_toolkit_run.py spark "$DIR"
        RUNS[spark_call]+="$(tail -1 "$WORK/last" | cut -d' ' -f1) "
    fi
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
CONVERT=$(echo "${RUNS[convert]}" | median)
echo
echo "corpus: $FILES files, $((XML / 1000000)) MB XML; $THREADS threads; $ROUNDS rounds"
echo
echo "| tool | median s | MB/s XML | throughput vs convert | runs (s) |"
echo "|---|---:|---:|---:|---|"
for name in convert load load_call python spark spark_call; do
    [ -n "${RUNS[$name]:-}" ] || continue
    m=$(echo "${RUNS[$name]}" | median)
    label=$name
    case $name in
        convert) label="ndi-tool convert ($THREADS t, Parquet)" ;;
        load) label="ndi_toolkit.load ($THREADS t, whole process)" ;;
        load_call) label="ndi_toolkit.load ($THREADS t, the call)" ;;
        python) label="python iterparse+pyarrow (1 process)" ;;
        spark) label="Spark local[2] read_tables, all tables counted (whole process)" ;;
        spark_call) label="Spark local[2] read_tables (session up)" ;;
    esac
    printf '| %s | %.2f | %.1f | %.2fx | %s |\n' "$label" "$m" \
        "$(echo "$XML / 1000000 / $m" | bc -l)" "$(echo "$CONVERT / $m" | bc -l)" "${RUNS[$name]% }"
done
