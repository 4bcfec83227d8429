#!/usr/bin/env python3
"""Checks `ndi-tool convert --format jsonl` output with real readers against the Parquet
output of the same input: Polars (`scan_ndjson`) and DuckDB (`read_json`).

usage: check_jsonl.py PARQUET_DIR JSONL_DIR

For every table:
- Polars infers the schema from the data and must find every column (nulls are written);
- Polars with the types of `_schema.json`, and DuckDB with its `duckdb` columns, read the same
  rows as pyarrow reads from the Parquet files, value for value (maps compared as
  dictionaries), empty tables included.
"""
import datetime
import glob
import json
import os
import sys

import duckdb
import polars as pl
import pyarrow.parquet as pq

POLARS_TYPES = {
    "utf8": pl.String,
    "int64": pl.Int64,
    "int32": pl.Int32,
    "bool": pl.Boolean,
    "date32": pl.Date,
    "timestamp[s]": pl.Datetime("ms"),
    "timestamp[s, tz=UTC]": pl.Datetime("ms", "UTC"),
}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def canon(v):
    """A value as comparable across readers."""
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, list):  # pyarrow map: list of (key, value)
        return tuple(sorted((k, x) for k, x in v))
    if isinstance(v, dict):  # DuckDB map or JSON object
        return tuple(sorted(v.items()))
    return v


def rows(columns, records):
    return sorted((tuple(canon(r[c]) for c in columns) for r in records), key=repr)


def main():
    parquet_dir, jsonl_dir = sys.argv[1:3]
    con = duckdb.connect()
    manifest = json.load(open(os.path.join(jsonl_dir, "_manifest.json")))
    for table in manifest["rows"]:
        schema = json.load(open(os.path.join(jsonl_dir, table, "_schema.json")))
        names = [c["name"] for c in schema["columns"]]
        pattern = os.path.join(jsonl_dir, table, "**", "*.jsonl")
        files = glob.glob(pattern, recursive=True)
        if not files:
            fail(f"{table}: no JSON-lines files")
        expected = pq.ParquetDataset(os.path.join(parquet_dir, table)).read()
        expected_rows = rows(names, expected.to_pylist())

        # DuckDB with the schema file's columns.
        rel = con.sql(
            f"SELECT * FROM read_json('{pattern}', format = 'newline_delimited', "
            f"columns = {schema['duckdb']!r})"
        )
        duck = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
        if rows(names, duck) != expected_rows:
            fail(f"{table}: DuckDB reads other rows from JSON lines than pyarrow from Parquet")

        # Polars inferring from the data: every column is there (non-empty tables).
        non_empty = [f for f in files if os.path.getsize(f) > 0]
        if non_empty:
            inferred = pl.scan_ndjson(non_empty).collect_schema().names()
            if sorted(inferred) != sorted(names):
                fail(f"{table}: Polars infers columns {inferred}, the table has {names}")

        # Polars with the schema file's types (maps are JSON objects, read as text-free
        # structs by Polars: compared through DuckDB above, left out here).
        typed = {c["name"]: POLARS_TYPES[c["type"]] for c in schema["columns"] if c["type"] in POLARS_TYPES}
        frame = pl.concat(
            [pl.read_ndjson(f, schema=typed) for f in non_empty],
            how="vertical",
        ) if non_empty else pl.DataFrame(schema=typed)
        scalar = [n for n in names if n in typed]
        if rows(scalar, frame.to_dicts()) != rows(scalar, expected.to_pylist()):
            fail(f"{table}: Polars reads other values from JSON lines than pyarrow from Parquet")
        print(f"ok  {table:20} {len(expected_rows):8} rows  JSON lines = Parquet (DuckDB, Polars)")


if __name__ == "__main__":
    main()
