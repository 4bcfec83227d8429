#!/usr/bin/env bash
# Differential well-formedness check against libxml2 (see DIFFERENTIAL.md): makes syntax-level
# mutants of the valid corpus files and compares ndi-format's verdict with
# `xmllint --noout --nonet`. Exits 0 only when every disagreement is in a documented category.
#
#   fuzz/differential.sh [mutants per corpus file, default 150]
#
# Needs the Rust toolchain and apt (installs libxml2-utils when xmllint is missing).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v xmllint >/dev/null 2>&1; then
    echo "== installing libxml2-utils (xmllint)"
    sudo_cmd=()
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libxml2-utils >/dev/null
fi
xmllint --version 2>&1 | sed -n 1p
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --quiet --release --manifest-path differential/Cargo.toml -- .. "$work" "${1:-150}"
