#!/usr/bin/env bash
# The Python package (ndi-python): installed with pip from the source folder as a user would
# (maturin builds it; dev profile here, so the workspace's debug build is reused), its pytest
# suite, then the Spark reader in local[2] mode against `ndi-tool convert` on a generated
# corpus. Needs: python3 with venv, and a JRE (installed from the system packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
venv=$root/target/python-venv

echo "== python: venv with maturin, pytest, pyarrow, polars, duckdb, pandas, pyspark"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "maturin>=1.7,<2" pytest pyarrow polars duckdb "pandas>=2.2,<3" "pyspark>=3.5,<5"

echo "== python: pip install ./ndi-python"
CARGO_TARGET_DIR=$target MATURIN_PEP517_ARGS="--profile dev" \
  "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./ndi-python

echo "== python: pytest ndi-python/tests"
cargo build --quiet --locked -p ndi-tool
export NDI_TOOL=$target/debug/ndi-tool
set +e
(cd ndi-python && "$venv/bin/python" -m pytest -q -p no:cacheprovider tests)
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
elif [ "$rc" -ne 0 ]; then
  exit "$rc"
fi

echo "== python: Spark local[2] row counts against ndi-tool convert"
if ! command -v java >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
corpus=$root/target/ci-spark-corpus
out=$root/target/ci-spark-convert
if [ ! -d "$corpus" ]; then
  "$NDI_TOOL" generate --out "$corpus" --count 60 --seed 16
fi
rm -rf "$out"
"$NDI_TOOL" convert "$corpus" --out "$out" --threads 2 --quiet
PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python SPARK_LOCAL_IP=127.0.0.1 \
  "$venv/bin/python" .ci/check_spark.py "$corpus" "$out/_manifest.json"
