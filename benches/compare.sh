#!/usr/bin/env bash
# Side-by-side comparison of `ndi-tool convert` with its ceiling, its floor and a Python
# baseline, on a generated corpus. See benches/README.md.
#
#   benches/compare.sh --files N [--threads T] [--rounds R] [--seed S]
#       ndi-tool convert (Parquet, T threads), the bare pipeline (read + gunzip + quick-xml,
#       T threads), `gzip -dcf` of the same files (T parallel processes; the floor) and the
#       Python converter (1 process, and T processes), alternating, R rounds each.
#   benches/compare.sh --scaling --files N[,N2...] [--rounds R] [--seed S]
#       convert and the bare pipeline on 1 and 2 threads for each corpus size: 1 -> 2 thread
#       scaling, convert / bare at each thread count, and peak RSS per corpus size.
#
# Corpora are cached in target/compare-corpus-N-seedS; outputs go to a temporary folder under
# /tmp (removed at the end); the Python venv is target/compare-venv. Wall time is measured
# around each command, peak RSS with GNU time (`%M`: the largest resident set of the process
# or of its largest descendant; for xargs/multiprocessing runs that is one worker, not the sum).
set -euo pipefail

usage() {
    sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

FILES=1000
THREADS=2
ROUNDS=3
SEED=42
SCALING=0
# shellcheck source=benches/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_args "$@"
for arg in "${REST[@]}"; do
    case "$arg" in
        --scaling) SCALING=1 ;;
        -h|--help) usage ;;
        *) echo "compare.sh: unknown argument $arg" >&2; usage ;;
    esac
done

bench_setup ndi-compare
BIN="$TARGET/release"
VENV="$TARGET/compare-venv"

# --- what it needs -------------------------------------------------------------------------
apt_install() { # Debian packages, when a tool is missing
    echo "compare.sh: installing $* (apt-get)" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "$@" >&2
}
[ -x /usr/bin/time ] || apt_install time
if [ "$SCALING" = 0 ] && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3 python3-venv
fi
echo "compare.sh: building (release)" >&2
cargo build --release -q -p ndi-tool -p ndi-benches >&2
if [ "$SCALING" = 0 ] && ! "$VENV/bin/python" -c 'import pyarrow' 2>/dev/null; then
    echo "compare.sh: creating $VENV with pyarrow" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check pyarrow >&2
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3

corpus() { # corpus N -> prints the folder, generating it once
    bench_corpus "$BIN/ndi-tool" "$1" "$SEED"
}

# with_corpus N: DIR, its N files generated once, and XML, their decompressed size, noted in
# meta.tsv
with_corpus() {
    DIR="$(corpus "$1")"
    XML="$(xml_bytes "$DIR")"
    printf '%s\t%s\t%s\n' "$1" "$1" "$XML" >>"$WORK/meta.tsv"
    echo "corpus $DIR: $1 files, $XML bytes of XML" >&2
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# measure LABEL CORPUS-TAG CMD... : one timed run; appends "label tag seconds rss_kb"
measure() {
    local label="$1" tag="$2"
    shift 2
    rm -rf "$WORK/out"
    sync
    local start end secs rss
    start=$(date +%s.%N)
    if ! /usr/bin/time -f %M -o "$WORK/rss" "$@" >"$WORK/last.log" 2>&1; then
        echo "compare.sh: $label failed:" >&2
        cat "$WORK/last.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    secs=$(awk "BEGIN{printf \"%.4f\", $end - $start}")
    rss=$(tail -n 1 "$WORK/rss")
    printf '%s\t%s\t%s\t%s\n' "$label" "$tag" "$secs" "$rss" >>"$RESULTS"
    printf '  %-40s %8.3f s %6d MB RSS  %s\n' "$label" "$secs" "$((rss / 1024))" \
        "$(grep -E 'files:|bare-pipeline:' "$WORK/last.log" | head -n 1 | cut -c1-100)" >&2
}

xml_bytes() { # total decompressed size of a corpus (also warms the page cache)
    find "$1" -type f ! -name '.*' -print0 | xargs -0 gzip -dcf | wc -c
}

floor_cmd() { # gzip -dcf of every file, $2 processes in parallel (plain files pass through)
    find "$1" -type f ! -name '.*' -print0 | xargs -0 -n 32 -P "$2" gzip -dcf >/dev/null
}
export -f floor_cmd

report() { # report MODE: the table from $RESULTS
    "$PY" - "$1" "$RESULTS" "$WORK/meta.tsv" <<'EOF'
import statistics, sys
mode, results, meta = sys.argv[1:4]
info = {}
for line in open(meta):
    tag, files, xml = line.split()
    info[tag] = (int(files), int(xml))
runs = {}
for line in open(results):
    label, tag, secs, rss = line.rstrip("\n").split("\t")
    runs.setdefault((label, tag), []).append((float(secs), int(rss)))
rows = []
for (label, tag), v in runs.items():
    files, xml = info[tag]
    secs = statistics.median(s for s, _ in v)
    rss = max(r for _, r in v) / 1024
    rows.append((label, tag, files, xml, secs, rss, [s for s, _ in v]))
def find(label, tag):
    for r in rows:
        if r[0] == label and r[1] == tag:
            return r
    return None
if mode == "compare":
    tag = rows[0][1]
    files, xml = info[tag]
    base = next(r for r in rows if r[0].startswith("ndi-tool convert"))
    print(f"corpus: {files} files, {xml / 1e6:.1f} MB of XML; median of {len(base[6])} alternating rounds")
    print()
    print("| tool | median s | MB/s XML | files/s | peak RSS MB | throughput vs convert | runs (s) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, tag, files, xml, secs, rss, all_s in rows:
        ratio = base[4] / secs
        print(f"| {label} | {secs:.2f} | {xml / 1e6 / secs:.1f} | {files / secs:.0f} | "
              f"{rss:.0f} | {ratio:.2f}x | {', '.join(f'{s:.2f}' for s in all_s)} |")
    bare = next(r for r in rows if r[0].startswith("bare pipeline"))
    py = next((r for r in rows if r[0] == "python iterparse+pyarrow (1 process)"), None)
    print()
    print(f"convert / bare pipeline: {bare[4] / base[4] * 100:.0f}% (target >= 80%)")
    if py:
        print(f"convert / python (1 process): {py[4] / base[4]:.1f}x (target >= 10x)")
else:
    print("| corpus files | tool | threads | median s | MB/s XML | files/s | peak RSS MB | runs (s) |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for label, tag, files, xml, secs, rss, all_s in sorted(rows, key=lambda r: (r[2], r[0])):
        tool, threads = label.rsplit(" ", 1)
        print(f"| {files} | {tool} | {threads.strip('t')} | {secs:.2f} | {xml / 1e6 / secs:.1f} | "
              f"{files / secs:.0f} | {rss:.0f} | {', '.join(f'{s:.2f}' for s in all_s)} |")
    print()
    for tag in info:
        c1, c2 = find("convert 1t", tag), find("convert 2t", tag)
        b1, b2 = find("bare 1t", tag), find("bare 2t", tag)
        files = info[tag][0]
        print(f"{files} files: convert 1->2 threads {c1[4] / c2[4]:.2f}x (target >= 1.8x); "
              f"bare 1->2 threads {b1[4] / b2[4]:.2f}x; "
              f"convert / bare at 1 thread {b1[4] / c1[4] * 100:.0f}%, "
              f"at 2 threads {b2[4] / c2[4] * 100:.0f}% (target >= 80%); "
              f"convert peak RSS {max(c1[5], c2[5]):.0f} MB (target < 300 MB, flat)")
EOF
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -h | awk '/^Mem:/{print $2}') RAM" >&2
: >"$WORK/meta.tsv"
if [ "$SCALING" = 0 ]; then
    with_corpus "$FILES"
    for r in $(seq 1 "$ROUNDS"); do
        echo "round $r/$ROUNDS" >&2
        measure "ndi-tool convert (${THREADS}t)" "$FILES" \
            "$BIN/ndi-tool" convert "$DIR" --out "$WORK/out" --threads "$THREADS" --quiet
        measure "bare pipeline (${THREADS}t)" "$FILES" \
            "$BIN/bare-pipeline" "$DIR" --threads "$THREADS"
        measure "gzip -dcf (${THREADS} procs)" "$FILES" bash -c 'floor_cmd "$0" "$1"' "$DIR" "$THREADS"
        measure "python iterparse+pyarrow (1 process)" "$FILES" \
            "$PY" benches/compare/python_convert.py "$DIR" --out "$WORK/out"
        if [ "$THREADS" -gt 1 ]; then
            measure "python iterparse+pyarrow (${THREADS} processes)" "$FILES" \
                "$PY" benches/compare/python_convert.py "$DIR" --out "$WORK/out" \
                --processes "$THREADS"
        fi
    done
    echo
    report compare
else
    IFS=, read -r -a SIZES <<<"$FILES"
    for n in "${SIZES[@]}"; do
        with_corpus "$n"
        for r in $(seq 1 "$ROUNDS"); do
            echo "round $r/$ROUNDS ($n files)" >&2
            for t in 1 2; do
                measure "convert ${t}t" "$n" \
                    "$BIN/ndi-tool" convert "$DIR" --out "$WORK/out" --threads "$t" --quiet
                measure "bare ${t}t" "$n" "$BIN/bare-pipeline" "$DIR" --threads "$t"
            done
        done
    done
    echo
    report scaling
fi
