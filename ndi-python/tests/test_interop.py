"""The tables cross into pyarrow, Polars and DuckDB without being copied."""

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import ndi_toolkit

from conftest import DEMO

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")


def addresses(column: pa.ChunkedArray):
    return [chunk.buffers()[1].address for chunk in column.chunks]


def test_pyarrow_takes_the_rust_buffers_without_allocating():
    before = pa.total_allocated_bytes()
    tables = ndi_toolkit.load(DEMO, threads=2)
    # Every buffer of every table was allocated by Rust and handed over through the C Data
    # Interface: pyarrow's own memory pool did not grow by a byte.
    assert sum(t.nbytes for t in tables.values()) > 100_000
    assert pa.total_allocated_bytes() == before


def test_polars_takes_the_tables_without_copying():
    table = ndi_toolkit.load(DEMO, threads=2)["file_evidence"]
    frame = pl.from_arrow(table, rechunk=False)
    assert frame.height == table.num_rows
    back = frame.to_arrow()
    # Polars holds the very buffers Rust filled: exported again, the int64 column points at
    # the same addresses (Polars converts strings to its own view layout and second
    # timestamps to its units, which it builds; the Arrow side copied nothing).
    assert addresses(back.column("size")) == addresses(table.column("size"))
    assert frame["size"].sum() == pc.sum(table.column("size")).as_py()


def test_duckdb_scans_the_tables_in_place():
    tables = ndi_toolkit.load(DEMO, threads=2)
    evidence = tables["file_evidence"]
    # Many references to the same Rust buffers: ~100 MB to scan, no new memory.
    big = pa.concat_tables([evidence] * max(1, 100_000_000 // evidence.nbytes))
    assert big.nbytes > 90_000_000
    con = duckdb.connect()
    con.execute("SET memory_limit = '64MB'")
    con.execute("SET threads = 1")
    con.execute("SET temp_directory = ''")  # nothing spills to disk: 64 MB is all it has
    con.register("evidence", big)
    rows, total, names = con.execute(
        "SELECT count(*), sum(size), count(DISTINCT file_name) FROM evidence"
    ).fetchone()
    assert rows == big.num_rows
    assert total == pc.sum(big.column("size")).as_py()
    assert names == len(set(evidence.column("file_name").to_pylist()) - {None})
    # The limit is real: copying the same table into DuckDB does not fit in it.
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute("CREATE TABLE copy AS SELECT * FROM evidence")
