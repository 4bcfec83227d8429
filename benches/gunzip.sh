#!/usr/bin/env bash
# The flate2 backends side by side on the gzipped files of a folder (one thread, in memory):
# zlib-rs with and without CPU feature detection, miniz_oxide, C zlib and zlib-ng. Builds one
# binary per backend (benches/gunzip/, its own crate), then alternates them for some rounds.
#
#   benches/gunzip.sh [DIR] [ROUNDS]     DIR defaults to the 1,000-file corpus of compare.sh
#
# Needs the Rust toolchain and a C compiler; installs cmake (for zlib-ng) with apt-get when
# missing. See benches/README.md for the latest figures.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/compare-corpus-1000-seed42}
rounds=${2:-3}
if [ ! -d "$dir" ]; then
    echo "== generating $dir"
    cargo run --quiet --release -p ndi-tool -- generate --out "$dir" --count 1000 --seed 42 >&2
fi
if ! command -v cmake >/dev/null 2>&1; then
    echo "== installing cmake (zlib-ng builds with it)"
    sudo_cmd=()
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq cmake >/dev/null
fi
backends=(zlib-rs-runtime-detection zlib-rs zlib-ng miniz-oxide zlib)
for b in "${backends[@]}"; do
    cargo build --quiet --release --manifest-path benches/gunzip/Cargo.toml \
        --features "$b" --target-dir "target/gunzip-$b"
done
for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds"
    for b in "${backends[@]}"; do
        printf '  %-28s %s\n' "$b" "$("target/gunzip-$b/release/gunzip-backends" "$dir" 5)"
    done
done
