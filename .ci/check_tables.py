#!/usr/bin/env python3
"""Checks `ndi-tool convert` output with real readers: DuckDB and pyarrow.

usage: check_tables.py INPUT_DIR OUT_DIR DOCS_TABLES_MD

- every table opens in DuckDB (hive_partitioning) and in pyarrow;
- row counts match _manifest.json;
- column types are the ones docs/TABLES.md documents;
- no attribute value of the input is missing from the tables (multiset comparison).
"""
import collections
import datetime
import glob
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {
    "utf8": {"string", "large_string"},
    "int64": {"int64"},
    "int32": {"int32"},
    "bool": {"bool"},
    "date32": {"date32[day]"},
    # Parquet has no seconds unit: files store milliseconds (see docs/TABLES.md).
    "timestamp[s]": {"timestamp[ms]"},
    "timestamp[s, tz=UTC]": {"timestamp[ms, tz=UTC]"},
    "map<utf8,utf8>": {"map<string, string>"},
}
DUCKDB_TYPES = {
    "utf8": {"VARCHAR"},
    "int64": {"BIGINT"},
    "int32": {"INTEGER"},
    "bool": {"BOOLEAN"},
    "date32": {"DATE"},
    "timestamp[s]": {"TIMESTAMP", "TIMESTAMP_MS"},
    "timestamp[s, tz=UTC]": {"TIMESTAMP WITH TIME ZONE"},
    "map<utf8,utf8>": {"MAP(VARCHAR, VARCHAR)"},
}
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def documented_columns(doc_path):
    """The loader's tables as TABLES.md lists them (between the columns markers; the
    reconciled tables further down are written by `reconcile`, not by `convert`)."""
    tables, current, inside = {}, None, False
    for line in open(doc_path, encoding="utf-8"):
        if line.startswith("<!-- columns:begin -->"):
            inside = True
            continue
        if line.startswith("<!-- columns:end -->"):
            inside = False
            continue
        if not inside:
            continue
        m = re.match(r"### `(\w+)`", line)
        if m:
            current = tables.setdefault(m.group(1), [])
            continue
        m = re.match(r"\| `(\w+)` \| `([^`]+)` \| (yes|no) \|", line)
        if m and current is not None:
            current.append((m.group(1), m.group(2)))
    return tables


def arrow_type_name(t):
    if pa.types.is_map(t):
        return f"map<{t.key_type}, {t.item_type}>"
    return str(t)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def norm(v):
    v = ILLEGAL.sub("\ufffd", v)
    return v.lower() if v.lower() in ("true", "false") else v


def render(v):
    if v is None:
        return []
    if isinstance(v, bool):
        return [str(v).lower()]
    if isinstance(v, datetime.datetime):
        return [v.strftime("%Y%m%dT%H%M%S")]
    if isinstance(v, datetime.date):
        return [v.strftime("%Y%m%d")]
    if isinstance(v, list):  # map: list of (key, value)
        return [x[1] for x in v if x[1] is not None]
    return [str(v)]


TAG = re.compile(r"<([A-Za-z_:][^\s/>?!]*)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>")
ATTR = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def unescape(v):
    v = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), v)
    v = re.sub(r"&#([0-9]+);", lambda m: chr(int(m.group(1))), v)
    v = v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    v = re.sub(r"[\t\r\n]", " ", v)
    return v.replace("&amp;", "&")


def regex_attributes(text):
    out = []
    for tag in TAG.finditer(text):
        for m in ATTR.finditer(tag.group(2)):
            out.append(unescape(m.group(2) if m.group(2) is not None else m.group(3)))
    return out


def input_values(input_dir):
    values = collections.Counter()
    files = [p for p in glob.glob(os.path.join(input_dir, "**", "*"), recursive=True)
             if os.path.isfile(p) and not os.path.basename(p).startswith(".")]
    for path in files:
        data = open(path, "rb").read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data.startswith(b"\xef\xbb\xbf") or not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = ILLEGAL.sub("\ufffd", data.decode("utf-8", "replace")).encode("utf-8")
        try:
            root = ET.fromstring(data)
            found = [v for el in root.iter() for v in el.attrib.values()]
        except ET.ParseError as e:
            # expat refuses what XML 1.0 forbids (`&#1;`) and some vendor markup
            # (`<?XML::NAMESPACE ...?>`); read such files' attributes with a plain scanner.
            print(f"note: expat refuses {path} ({e}); attributes read by a regex scanner")
            found = regex_attributes(data.decode("utf-8", "replace"))
        for v in found:
            values[norm(v)] += 1
    return values, len(files)


def check_documented_reader_settings(out_dir, manifest, con):
    """What docs/TABLES.md ("Reading the tables") says readers show, and its pyarrow setting."""
    import pyarrow.dataset as ds
    docs = os.path.join(out_dir, "documents")
    loaded_at = pq.read_table(docs).schema.field("loaded_at").type
    if str(loaded_at) != "timestamp[ms, tz=UTC]":
        fail(f"pyarrow reads loaded_at as {loaded_at}, TABLES.md says timestamp[ms, tz=UTC]")
    if manifest.get("partition"):
        plain = pq.read_table(docs).schema.field("load_date").type
        if pa.types.is_date(plain):
            fail("pyarrow now reads load_date as a date without the partitioning: update TABLES.md")
        part = ds.partitioning(pa.schema([("load_date", pa.date32())]), flavor="hive")
        typed = pq.read_table(docs, partitioning=part).schema.field("load_date").type
        if typed != pa.date32():
            fail(f"with TABLES.md's partitioning pyarrow reads load_date as {typed}")
        pattern = os.path.join(docs, "**", "*.parquet")
        duck = con.sql(f"SELECT typeof(load_date), typeof(loaded_at) FROM read_parquet('{pattern}', hive_partitioning = true) LIMIT 1").fetchall()[0]
        if duck != ("DATE", "TIMESTAMP WITH TIME ZONE"):
            fail(f"DuckDB reads load_date, loaded_at as {duck}, TABLES.md says DATE, TIMESTAMP WITH TIME ZONE")
    print("ok  reader settings of TABLES.md (pyarrow load_date as date, loaded_at with its zone)")


def main():
    input_dir, out_dir, doc_path = sys.argv[1:4]
    manifest = json.load(open(os.path.join(out_dir, "_manifest.json")))
    documented = documented_columns(doc_path)
    if set(documented) != set(manifest["rows"]):
        fail(f"documented tables {sorted(documented)} != manifest {sorted(manifest['rows'])}")
    con = duckdb.connect()
    in_tables = collections.Counter()
    for table, expected_rows in manifest["rows"].items():
        pattern = os.path.join(out_dir, table, "**", "*.parquet")
        files = glob.glob(pattern, recursive=True)
        if not files:
            fail(f"{table}: no files")
        rel = con.sql(f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)")
        n = con.sql(f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)").fetchall()[0][0]
        if n != expected_rows:
            fail(f"{table}: DuckDB counts {n} rows, manifest says {expected_rows}")
        duck_types = dict(zip(rel.columns, [str(t) for t in rel.types]))
        arrow = pq.ParquetDataset(os.path.join(out_dir, table)).read()
        if arrow.num_rows != expected_rows:
            fail(f"{table}: pyarrow reads {arrow.num_rows} rows, manifest says {expected_rows}")
        arrow_types = {f.name: arrow_type_name(f.type) for f in arrow.schema}
        for column, doc_type in documented[table]:
            if arrow_types.get(column) not in ARROW_TYPES[doc_type]:
                fail(f"{table}.{column}: pyarrow type {arrow_types.get(column)}, documented {doc_type}")
            if duck_types.get(column) not in DUCKDB_TYPES[doc_type]:
                fail(f"{table}.{column}: DuckDB type {duck_types.get(column)}, documented {doc_type}")
        for row in arrow.to_pylist():
            for k, v in row.items():
                if k in ("document_id", "load_date"):
                    continue
                for s in render(v):
                    in_tables[norm(s)] += 1
        print(f"ok  {table:20} {expected_rows:8} rows  {len(files)} file(s)")
    check_documented_reader_settings(out_dir, manifest, con)
    values, nfiles = input_values(input_dir)
    if manifest["inputs"]["total"] != nfiles:
        fail(f"manifest accounts for {manifest['inputs']['total']} inputs, folder has {nfiles}")
    missing = {v: n - in_tables[v] for v, n in values.items() if in_tables[v] < n}
    if missing:
        sample = list(missing.items())[:10]
        fail(f"{len(missing)} attribute values of the input are missing from the tables, e.g. {sample}")
    print(f"ok  {sum(values.values())} attribute values of {nfiles} inputs all found in the tables")


if __name__ == "__main__":
    main()
