#!/usr/bin/env python3
"""Many small commits, then `table optimize`: reader time before and after.

usage: delta_commits.py NDI_TOOL CORPUS WORK --runs N

Imports N files as N runs (`--max-files 1`: one commit per table with rows, per run, like a
day of one-minute passes), then times reading every table with deltalake (to_pyarrow_table)
and Polars (read_delta), median of 3; optimizes; times again; checks the row counts match.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import time

import deltalake
import polars as pl

TABLES = ["documents", "inventories", "hardware", "installer_evidence", "file_evidence",
          "service_providers", "usage", "vdi_access", "discovery", "schedule_triggers",
          "policy_packages", "elements"]


def read_all(lake):
    rows = {}
    t0 = time.monotonic()
    for t in TABLES:
        rows[t] = deltalake.DeltaTable(os.path.join(lake, t)).to_pyarrow_table().num_rows
    t1 = time.monotonic()
    for t in TABLES:
        assert pl.read_delta(os.path.join(lake, t)).height == rows[t]
    t2 = time.monotonic()
    return rows, t1 - t0, t2 - t1


def timed(lake):
    runs = [read_all(lake) for _ in range(3)]
    return (runs[0][0], statistics.median(r[1] for r in runs),
            statistics.median(r[2] for r in runs))


def files(lake):
    return sum(len(deltalake.DeltaTable(os.path.join(lake, t)).file_uris()) for t in TABLES)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bin")
    p.add_argument("corpus")
    p.add_argument("work")
    p.add_argument("--runs", type=int, default=1440)
    a = p.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    incoming, lake = os.path.join(a.work, "incoming"), os.path.join(a.work, "lake")
    os.makedirs(incoming)
    sources = sorted(glob.glob(os.path.join(a.corpus, "*")))
    for n in range(a.runs):
        src = sources[n % len(sources)]
        os.link(src, os.path.join(incoming, f"{n:06d}-{os.path.basename(src)}"))
    t0 = time.monotonic()
    subprocess.run([a.bin, "import", incoming, "--table", lake, "--settle-secs", "0",
                    "--max-files", "1", "--delete-processed", "-q"], check=True,
                   stdout=subprocess.DEVNULL)
    t1 = time.monotonic()
    version = deltalake.DeltaTable(os.path.join(lake, "documents")).version()
    before_files = files(lake)
    rows, dl_before, pl_before = timed(lake)
    t2 = time.monotonic()
    subprocess.run([a.bin, "table", "optimize", lake], check=True, stdout=subprocess.DEVNULL)
    t3 = time.monotonic()
    after_files = files(lake)
    rows_after, dl_after, pl_after = timed(lake)
    assert rows == rows_after, (rows, rows_after)
    print(f"commits: {a.runs} runs imported in {t1 - t0:.1f} s ({(t1 - t0) / a.runs * 1000:.0f} ms"
          f" per run), documents at version {version}, {before_files} data files")
    print(f"  read all tables before optimize: deltalake {dl_before:.2f} s, Polars {pl_before:.2f} s")
    print(f"  optimize: {t3 - t2:.1f} s, {before_files} -> {after_files} data files")
    print(f"  read all tables after optimize:  deltalake {dl_after:.2f} s, Polars {pl_after:.2f} s")


if __name__ == "__main__":
    main()
