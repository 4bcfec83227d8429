#!/usr/bin/env python3
"""Checks the Delta tables `ndi-tool import` writes with real readers.

usage: check_delta.py PARQUET_OUT DELTA_ROOT            (deltalake and Polars)
       check_delta.py --duckdb PARQUET_OUT DELTA_ROOT   (DuckDB's delta_scan only)

PARQUET_OUT is `ndi-tool convert --partition-by date` of the same inputs. For every table:
- it opens as a Delta table (deltalake: to_pyarrow_table; Polars: read_delta; DuckDB:
  delta_scan);
- its row count equals the Parquet output's;
- its columns and types equal the Parquet output's, timestamps compared by zone only (Delta
  stores microseconds, our Parquet milliseconds: see docs/TABLES.md);
- in `documents`, every document_id has exactly one row whose status is not `duplicate`, and
  every `duplicate` row names the file it copies (`duplicate_of`).
"""
import os
import sys

TABLES = [
    "documents", "inventories", "hardware", "installer_evidence", "file_evidence",
    "service_providers", "usage", "vdi_access", "discovery", "schedule_triggers",
    "policy_packages", "elements",
]


def fail(message):
    print(f"check_delta: {message}", file=sys.stderr)
    sys.exit(1)


def arrow_kind(t):
    import pyarrow as pa
    if pa.types.is_timestamp(t):
        return f"timestamp(tz={t.tz})"
    if pa.types.is_large_string(t) or pa.types.is_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_map(t):
        return f"map<{arrow_kind(t.key_type)},{arrow_kind(t.item_type)}>"
    if pa.types.is_dictionary(t):
        return arrow_kind(t.value_type)
    return str(t)


def polars_kind(t):
    import polars as pl
    if isinstance(t, pl.Datetime):
        return f"datetime(tz={t.time_zone})"
    return str(t)


def parquet_table(parquet_out, table):
    import pyarrow.dataset as ds
    return ds.dataset(
        os.path.join(parquet_out, table), format="parquet", partitioning="hive",
        exclude_invalid_files=True,
    ).to_table()


def check_deltalake_polars(parquet_out, root):
    import deltalake
    import polars as pl
    import pyarrow.compute as pc
    for table in TABLES:
        path = os.path.join(root, table)
        expected = parquet_table(parquet_out, table)
        got = deltalake.DeltaTable(path).to_pyarrow_table()
        if got.num_rows != expected.num_rows:
            fail(f"{table}: deltalake reads {got.num_rows} rows, Parquet has {expected.num_rows}")
        want_cols = {f.name: arrow_kind(f.type) for f in expected.schema}
        # The Parquet output's load_date comes from the folder name (hive); compare it apart.
        want_cols["load_date"] = "date32[day]"
        got_cols = {f.name: arrow_kind(f.type) for f in got.schema}
        if got_cols != want_cols:
            diff = {k: (got_cols.get(k), want_cols.get(k))
                    for k in set(got_cols) | set(want_cols) if got_cols.get(k) != want_cols.get(k)}
            fail(f"{table}: deltalake columns differ (delta, parquet): {diff}")
        frame = pl.read_delta(path)
        if frame.height != expected.num_rows:
            fail(f"{table}: Polars reads {frame.height} rows, Parquet has {expected.num_rows}")
        reference = pl.from_arrow(expected)
        want = {k: polars_kind(v) for k, v in reference.schema.items() if k != "load_date"}
        have = {k: polars_kind(v) for k, v in frame.schema.items() if k != "load_date"}
        if have != want:
            diff = {k: (have.get(k), want.get(k))
                    for k in set(have) | set(want) if have.get(k) != want.get(k)}
            fail(f"{table}: Polars columns differ (delta, parquet): {diff}")
        if str(frame.schema["load_date"]) != "Date":
            fail(f"{table}: load_date is {frame.schema['load_date']}, not Date")
        if table == "documents":
            copy = pc.equal(got.column("status"), "duplicate")
            own = got.filter(pc.invert(copy))
            if len(pc.unique(own.column("document_id"))) != own.num_rows:
                fail("documents: a document_id has more than one row that is not a duplicate")
            copies = got.filter(copy)
            if copies.column("duplicate_of").null_count:
                fail("documents: a duplicate row without duplicate_of")
        print(f"  {table}: {got.num_rows} rows, {len(got_cols)} columns (deltalake, Polars)")


def check_duckdb(parquet_out, root):
    import duckdb
    import glob
    import importlib.util
    con = duckdb.connect()
    # The duckdb-extension-delta package ships the extension file for its DuckDB version.
    spec = importlib.util.find_spec("duckdb_extension_delta")
    files = []
    for location in (spec.submodule_search_locations or []) if spec else []:
        files += glob.glob(os.path.join(location, "**", "delta.duckdb_extension"), recursive=True)
    try:
        con.execute(f"LOAD '{files[0]}'" if files else "LOAD delta")
    except Exception as e:  # not installed for this DuckDB, or needs the network
        print(f"  DuckDB delta extension not available offline ({e}); skipped")
        return
    for table in TABLES:
        path = os.path.join(root, table)
        pattern = os.path.join(parquet_out, table, "**", "*.parquet")
        got = con.execute(f"SELECT count(*) FROM delta_scan('{path}')").fetchone()[0]
        want = con.execute(
            f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)"
        ).fetchone()[0]
        if got != want:
            fail(f"{table}: delta_scan reads {got} rows, Parquet has {want}")
        print(f"  {table}: {got} rows (DuckDB delta_scan)")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--duckdb":
        check_duckdb(*args[1:3])
    elif len(args) == 2:
        check_deltalake_polars(*args)
    else:
        fail(__doc__)
    print("check_delta: ok")


if __name__ == "__main__":
    main()
