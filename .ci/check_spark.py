"""Spark check: ndi_toolkit.spark.read_tables in local[2] mode gives, for every table, as
many rows as `ndi-tool convert` wrote from the same files, and the same rows as
ndi_toolkit.load for the tables with maps and timestamps (the types Spark converts).

usage: check_spark.py CORPUS MANIFEST
"""

import json
import os
import sys
import time

from pyspark.sql import SparkSession

import ndi_toolkit
from ndi_toolkit.spark import read_tables


def rows(records):
    return sorted(repr(sorted(r.items())) for r in records)


def main() -> int:
    corpus, manifest_path = sys.argv[1], sys.argv[2]
    expected = json.load(open(manifest_path))["rows"]
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ndi-toolkit-ci")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.monotonic()
    tables = read_tables(spark, os.path.abspath(corpus))
    counts = {name: df.count() for name, df in tables.items()}
    elapsed = time.monotonic() - started
    failed = 0
    for name, want in expected.items():
        got = counts.get(name)
        status = "ok" if got == want else "FAILED"
        failed += got != want
        print(f"spark {name}: {got} rows, convert {want}: {status}")
    local = ndi_toolkit.load(corpus)
    for name in ["inventories", "usage", "installer_evidence"]:
        ours = [
            {k: (dict(v) if isinstance(v, list) else v) for k, v in r.items()}
            for r in local[name].to_pylist()
        ]
        theirs = [
            {k: (dict(v) if isinstance(v, dict) else v) for k, v in r.asDict().items()}
            for r in tables[name].collect()
        ]
        same = rows(ours) == rows(theirs)
        failed += not same
        print(f"spark {name}: values {'equal' if same else 'DIFFER'} to ndi_toolkit.load")
    print(f"spark: parsed and counted {len(counts)} tables in {elapsed:.1f} s")
    spark.stop()
    passed = len(expected) + 3 - failed
    print(f"spark: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
