#!/usr/bin/env bash
# Copies the repository's corpora into fuzz/corpus/<target>/ as seed inputs (fuzz/corpus is
# git-ignored: libFuzzer adds what it finds there). Safe to re-run: existing files stay.
#
#   fuzz/seed.sh            # every target
#   fuzz/seed.sh ndi mmi    # only these targets
set -euo pipefail
cd "$(dirname "$0")"
corpora=../corpora

# seed_from TARGET DIR...: copy every input file (not .expected/.md) of DIRs.
seed_from() {
    local target=$1
    shift
    mkdir -p "corpus/$target"
    local dir f
    for dir in "$@"; do
        [ -d "$dir" ] || continue
        for f in "$dir"/*; do
            [ -f "$f" ] || continue
            case "$f" in *.expected | *.md) continue ;; esac
            # Prefix with the folder so valid/x and invalid/x do not collide.
            cp -n "$f" "corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
        done
    done
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(ndi mmi vdi disco npl osd nds gzip_encoding ndi_roundtrip nds_roundtrip)
fi
for t in "${targets[@]}"; do
    case "$t" in
        ndi | mmi | vdi | disco)
            seed_from "$t" "$corpora/$t/valid" "$corpora/$t/invalid" "$corpora/fuzz-regressions"
            ;;
        gzip_encoding)
            seed_from "$t" "$corpora"/*/valid "$corpora"/*/invalid "$corpora/fuzz-regressions"
            ;;
        *)
            # Structured targets (and any target without corpora of its own) start empty;
            # a format crate's target seeds from corpora/<name> when that exists.
            seed_from "$t" "$corpora/$t/valid" "$corpora/$t/invalid"
            ;;
    esac
    echo "corpus/$t: $(find "corpus/$t" -type f | wc -l) files"
done
