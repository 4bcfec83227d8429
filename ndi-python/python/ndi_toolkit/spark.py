"""The tables of the contract as Spark DataFrames, parsed on the executors.

:func:`read_tables` lists the files with Spark's ``binaryFile`` source, so listing and
reading are distributed like any other Spark read (local folders, HDFS, object stores), and
parses them on the executors with ``mapInArrow`` calling the Rust parser of this package
(:func:`ndi_toolkit._native.decode_files`): the parser sees Spark's Arrow batches of file
contents directly, and no Python code runs per row.

Each file is parsed once. The parse yields, per input batch and table, one Arrow IPC
payload; that intermediate DataFrame is persisted (memory, spilling to disk) and each table's
DataFrame decodes its payloads into the contract's columns. Reading a year of archived
uploads on a cluster::

    from ndi_toolkit.spark import read_tables

    tables = read_tables(spark, "s3a://archive/uploads/2025/*/*.ndi.gz")
    tables["installer_evidence"].groupBy("publisher").count().show()
    for name, df in tables.items():
        df.write.mode("overwrite").parquet(f"s3a://warehouse/ndi/{name}")

The package (with pyarrow) must be installed where the executors' Python runs
(``PYSPARK_PYTHON``). Column types follow the contract (``docs/TABLES.md``), with the two
differences Spark needs: timestamps become microseconds (``loaded_at`` is a ``timestamp``,
timestamps without zone are ``timestamp_ntz``), and ``attributes`` maps are
``map<string,string>``. A file that cannot be read is a ``rejected`` row of ``documents``;
``source_path`` is the path as Spark lists it (``file:/...``, ``s3a://...``). Spark itself
skips files and folders whose names start with ``_`` or ``.``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterator, Optional, Tuple

import pyarrow as pa

from . import _native, schemas

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

__all__ = ["read_tables", "spark_schema"]

#: Documents parsed per call of the parser on an executor: bounds the rows held at once.
DOCUMENTS_PER_CALL = 64


def _spark_type(t: pa.DataType) -> Tuple["DataType", pa.DataType]:
    """The Spark type of an Arrow type of the contract, and the Arrow type Spark reads it as."""
    from pyspark.sql import types as T

    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return T.StringType(), pa.string()
    if pa.types.is_int32(t):
        return T.IntegerType(), t
    if pa.types.is_int64(t):
        return T.LongType(), t
    if pa.types.is_boolean(t):
        return T.BooleanType(), t
    if pa.types.is_date32(t):
        return T.DateType(), t
    if pa.types.is_timestamp(t):
        if t.tz is None:
            return T.TimestampNTZType(), pa.timestamp("us")
        return T.TimestampType(), pa.timestamp("us", tz="UTC")
    if pa.types.is_map(t):
        key, key_arrow = _spark_type(t.key_type)
        value, value_arrow = _spark_type(t.item_type)
        return (
            T.MapType(key, value, valueContainsNull=t.item_field.nullable),
            pa.map_(
                pa.field("key", key_arrow, nullable=False),
                pa.field("value", value_arrow, nullable=t.item_field.nullable),
            ),
        )
    raise TypeError(f"no Spark type for Arrow type {t}")


def spark_schema(table: str) -> Tuple["StructType", pa.Schema]:
    """The Spark schema of a table of the contract, and the Arrow schema of its batches."""
    from pyspark.sql import types as T

    fields = []
    arrow_fields = []
    for f in schemas()[table]:
        spark_type, arrow_type = _spark_type(f.type)
        fields.append(T.StructField(f.name, spark_type, nullable=f.nullable))
        arrow_fields.append(pa.field(f.name, arrow_type, nullable=f.nullable))
    return T.StructType(fields), pa.schema(arrow_fields)


def _parse(batch_size: int) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The executors' parse: batches of (path, content) in, (table, ipc) out."""

    def parse(files: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from ndi_toolkit import _native as native

        for batch in files:
            for start in range(0, batch.num_rows, DOCUMENTS_PER_CALL):
                part = batch.slice(start, DOCUMENTS_PER_CALL)
                for name, rows in native.decode_files(part, batch_size):
                    sink = pa.BufferOutputStream()
                    with pa.ipc.new_stream(sink, rows.schema) as writer:
                        writer.write_batch(rows)
                    # One payload per output batch: a JVM row stays a few MB.
                    yield pa.RecordBatch.from_arrays(
                        [
                            pa.array([name], pa.string()),
                            pa.array([sink.getvalue().to_pybytes()], pa.binary()),
                        ],
                        names=["table", "ipc"],
                    )

    return parse


def _decode(target: pa.Schema) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """One table's decode: its IPC payloads in, batches in Spark's Arrow types out."""

    def decode(payloads: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in payloads:
            for payload in batch.column(0):
                with pa.ipc.open_stream(payload.as_buffer()) as reader:
                    for rows in reader:
                        table = pa.Table.from_batches([rows]).cast(target)
                        yield from table.to_batches()

    return decode


def read_tables(
    spark: "SparkSession",
    path_or_glob: str,
    *,
    batch_size: int = 8192,
    persist: bool = True,
    recursive: Optional[bool] = None,
) -> Dict[str, "DataFrame"]:
    """Every table of the contract as a Spark DataFrame, from files Spark lists.

    ``path_or_glob`` is a file, a folder or a glob (``"/archive/2025/*/*.ndi.gz"``), on any
    file system Spark reads. Folders are read recursively (``recursive=None``: when the path
    has no glob character; ``recursiveFileLookup`` of ``binaryFile``). Files are parsed once,
    on the executors; with ``persist`` (default) the parsed intermediate is persisted
    (``MEMORY_AND_DISK``) so that each table's DataFrame reuses it (``spark.catalog.clearCache()``
    releases it); without, every table's first action parses the files again. Returns
    ``{table_name: DataFrame}`` in the contract's order, each with :func:`spark_schema`.
    ``batch_size`` is the rows per Arrow batch (and per intermediate payload) on the
    executors: small enough that a payload stays a few MB of JVM heap.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if recursive is None:
        recursive = not any(c in path_or_glob for c in "*?[{")
    reader = spark.read.format("binaryFile")
    if recursive:
        reader = reader.option("recursiveFileLookup", "true")
    files = reader.load(path_or_glob).select("path", "content")
    parsed = files.mapInArrow(_parse(batch_size), "table string, ipc binary")
    if persist:
        parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
    tables: Dict[str, DataFrame] = {}
    for name in schemas():
        struct, target = spark_schema(name)
        tables[name] = (
            parsed.where(F.col("table") == F.lit(name))
            .select("ipc")
            .mapInArrow(_decode(target), struct)
        )
    return tables
