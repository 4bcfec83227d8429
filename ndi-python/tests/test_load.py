"""load() and iter_batches(): folders, threads, rejected files, bounded batches."""

import json
import os
import shutil
import subprocess
from collections import defaultdict

import pyarrow as pa
import pytest

import ndi_toolkit

from conftest import CORPORA, DEMO


def sorted_rows(table: pa.Table):
    return sorted(map(repr, table.to_pylist()))


def test_load_a_folder_gives_the_rows_of_reading_each_file():
    tables = ndi_toolkit.load(DEMO, threads=2)
    expected = defaultdict(int)
    for path in sorted(DEMO.iterdir()):
        for name, table in ndi_toolkit.read(path).items():
            expected[name] += table.num_rows
    assert {k: t.num_rows for k, t in tables.items()} == dict(expected)
    assert tables["documents"].num_rows == len(list(DEMO.iterdir()))
    assert set(tables["documents"].column("status").to_pylist()) <= {"ok", "warning"}
    for name, table in tables.items():
        assert table.schema == ndi_toolkit.schemas()[name]


def test_threads_and_batch_size_do_not_change_the_rows():
    one = ndi_toolkit.load([DEMO], threads=1)
    two = ndi_toolkit.load(str(DEMO), threads=2, batch_size=7)
    for name in one:
        if name == "documents":
            one_t, two_t = (t.drop_columns(["loaded_at"]) for t in (one[name], two[name]))
        else:
            one_t, two_t = one[name], two[name]
        assert sorted_rows(one_t) == sorted_rows(two_t), name
        assert all(b.num_rows <= 7 for b in two[name].to_batches())


def test_a_folder_with_a_rejected_file_loads_the_others(tmp_path):
    shutil.copy(DEMO / "SYSTEM on WKS7276548.ndi.gz", tmp_path / "good.ndi.gz")
    shutil.copy(CORPORA / "ndi" / "invalid" / "truncated-gzip.ndi.gz", tmp_path / "bad.ndi.gz")
    (tmp_path / ".hidden.ndi").write_bytes(b"not even XML")
    tables = ndi_toolkit.load(tmp_path)
    documents = {os.path.basename(d["source_path"]): d for d in tables["documents"].to_pylist()}
    assert set(documents) == {"good.ndi.gz", "bad.ndi.gz"}
    bad = documents["bad.ndi.gz"]
    assert bad["status"] == "rejected"
    assert bad["error_rule"] == "gzip"
    assert (bad["error_line"], bad["error_column"], bad["error_offset"]) == (30, 81, 1353)
    assert bad["error_element_path"] == "/Inventory/Hardware[1]/Class[4]/Instance[1]"
    assert documents["good.ndi.gz"]["status"] == "ok"
    alone = ndi_toolkit.read(tmp_path / "good.ndi.gz")
    for name in tables:
        if name != "documents":
            assert sorted_rows(tables[name]) == sorted_rows(alone[name]), name
    # None of the bad document's rows is kept.
    bad_id = bad["document_id"]
    for name, table in tables.items():
        if name != "documents":
            assert bad_id not in table.column("document_id").to_pylist(), name


def test_a_missing_path_raises_and_bytes_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        ndi_toolkit.load([DEMO, tmp_path / "missing"])
    with pytest.raises(TypeError):
        ndi_toolkit.load(b"<Inventory/>")
    with pytest.raises(ValueError):
        ndi_toolkit.load(DEMO, threads=0)


def test_iter_batches_yields_the_rows_of_load_in_bounded_batches():
    seen = defaultdict(list)
    for name, batch in ndi_toolkit.iter_batches(DEMO, threads=2, batch_size=64):
        assert isinstance(batch, pa.RecordBatch)
        assert batch.num_rows <= 64
        assert batch.schema == ndi_toolkit.schemas()[name]
        seen[name].append(batch)
    loaded = ndi_toolkit.load(DEMO, threads=2)
    for name, table in loaded.items():
        streamed = pa.Table.from_batches(seen[name], schema=table.schema)
        if name == "documents":
            table, streamed = (t.drop_columns(["loaded_at"]) for t in (table, streamed))
        assert sorted_rows(streamed) == sorted_rows(table), name


def test_iter_batches_can_stop_early_and_start_again():
    it = ndi_toolkit.iter_batches(DEMO, threads=1, batch_size=1)
    first = next(it)
    assert first[1].num_rows == 1
    it.close()
    with pytest.raises(StopIteration):
        next(it)
    # A broken-off load leaves nothing behind that stops the next one.
    count = sum(b.num_rows for n, b in ndi_toolkit.iter_batches(DEMO, batch_size=1) if n == "documents")
    assert count == len(list(DEMO.iterdir()))


def test_load_counts_match_ndi_tool_convert(tmp_path):
    tool = os.environ.get("NDI_TOOL")
    if not tool:
        if os.environ.get("CI"):
            pytest.fail("NDI_TOOL (the ndi-tool binary) must be set in CI")
        pytest.skip("NDI_TOOL not set")
    out = tmp_path / "out"
    subprocess.run([tool, "convert", str(DEMO), "--out", str(out), "--quiet"], check=True)
    manifest = json.loads((out / "_manifest.json").read_text())
    tables = ndi_toolkit.load(DEMO)
    assert {k: t.num_rows for k, t in tables.items()} == manifest["rows"]
