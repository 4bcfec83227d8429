"""ndi-toolkit's parser in Python: FlexNet-style IT-asset files into Arrow tables.

Documents are parsed in Rust with the GIL released, and the tables of the contract
(``docs/TABLES.md``: ``documents``, ``inventories``, ``hardware``, ``installer_evidence``, ...)
reach Python as :class:`pyarrow.Table` / :class:`pyarrow.RecordBatch` through the Arrow C
Data Interface: pyarrow takes the Rust buffers as they are, nothing is copied, and no Python
code runs per row. Polars (``polars.from_arrow``) and DuckDB take those tables without copying
either.

- :func:`read` one document (a path or bytes, gzipped or not) into every table;
- :func:`load` files and folders in parallel into every table;
- :func:`iter_batches` the same, as ``(table_name, RecordBatch)`` pairs with bounded memory;
- :func:`schemas` the Arrow schema of every table;
- :func:`validate`, :func:`diff`, :func:`next_runs`, :func:`effective_packages`: what the
  ``ndi-tool`` commands of those names answer, as lists of dicts;
- :mod:`ndi_toolkit.spark`: the same tables as Spark DataFrames, parsed on the executors.

A document that cannot be read raises :class:`NdiFormatError` (a :class:`ValueError`) with
its ``rule``, ``line``, ``column``, ``offset``, ``element_path`` and ``path``; in
:func:`load` and :func:`iter_batches` it is a ``rejected`` row of ``documents`` instead, and
the other files load.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import pyarrow as pa

from . import _native
from ._native import NdiFormatError

__all__ = [
    "NdiFormatError",
    "Document",
    "Paths",
    "read",
    "load",
    "iter_batches",
    "schemas",
    "validate",
    "diff",
    "next_runs",
    "effective_packages",
]

#: A document: its bytes (gzipped or not) or the path of its file.
Document = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]
#: One path (a file or a folder) or several.
Paths = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]


def _document(doc: Document) -> Union[bytes, str]:
    if isinstance(doc, bytes):
        return doc
    if isinstance(doc, (bytearray, memoryview)):
        return bytes(doc)
    if isinstance(doc, (str, os.PathLike)):
        return os.fspath(doc)
    raise TypeError(f"expected a path or bytes, got {type(doc).__name__}")


def _paths(paths: Paths) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    if isinstance(paths, (bytes, bytearray)):
        raise TypeError("load() takes paths; use read() for a document in memory")
    return [os.fspath(p) for p in paths]


def read(document: Document, *, batch_size: int = 65536) -> Dict[str, pa.Table]:
    """Parse one document into every table of the contract.

    ``document`` is a path or the document's bytes (plain, gzipped, UTF-16 or a legacy
    encoding: detected from the content). Returns ``{table_name: pyarrow.Table}`` for every
    table, empty ones included, each with the contract's schema. Tables that would hold more
    than ``batch_size`` rows are made of several record batches.

    Raises :class:`NdiFormatError` when the document cannot be read (its rule and position are
    attributes of the exception), :class:`FileNotFoundError` for a missing path.
    """
    return dict(_native.read(_document(document), batch_size))


def load(
    paths: Paths, threads: Optional[int] = None, batch_size: int = 65536
) -> Dict[str, pa.Table]:
    """Parse files and folders into every table of the contract, on ``threads`` threads.

    Folders are walked as ``ndi-tool convert`` walks them (recursively, sorted, hidden files
    skipped, a file reached twice loaded once). A file that cannot be read does not raise: it
    is a ``rejected`` row of ``documents`` (with ``error_rule``, ``error_line``, ...) and the
    others load. ``threads=None`` uses one thread per core. Returns
    ``{table_name: pyarrow.Table}`` for every table.

    Raises :class:`FileNotFoundError` when a given path does not exist.
    """
    return dict(_native.load(_paths(paths), threads, batch_size))


def iter_batches(
    paths: Paths, threads: Optional[int] = None, batch_size: int = 65536
) -> Iterator[Tuple[str, pa.RecordBatch]]:
    """Parse files and folders like :func:`load`, yielding ``(table_name, RecordBatch)``.

    Batches come out as soon as the worker threads make them (at most ``batch_size`` rows
    each; the batches of one table arrive in input order within each chunk of files, the
    chunks interleaved). Workers wait while ``threads`` batches are waiting to be taken, so
    memory stays bounded by ``batch_size`` times ``threads`` whatever the number of files.
    Stopping early (``break``, or ``close()`` on the generator) stops the load.
    """
    it = _native.iter_batches(_paths(paths), threads, batch_size)
    try:
        yield from it
    finally:
        it.close()


def schemas() -> Dict[str, pa.Schema]:
    """The Arrow schema of every table of the contract, by table name."""
    return dict(_native.schemas())


def validate(document: Document) -> List[Dict[str, Any]]:
    """Check one document as ``ndi-tool validate`` does; return its findings.

    Each finding is a dict with ``severity`` (``"error"`` or ``"warning"``), ``rule``,
    ``message``, ``line``, ``column``, ``offset``, ``element_path`` and ``path`` (``None``
    where not known). An empty list means the document is valid. A file that cannot be read
    as a document gives one error finding; a missing path raises :class:`FileNotFoundError`.
    """
    report = json.loads(_native.validate(_document(document)))
    return report["findings"]


def diff(old: Document, new: Document) -> List[Dict[str, Any]]:
    """What changed from document ``old`` to document ``new``, as ``ndi-tool diff --json``.

    Each change is a dict with ``kind`` (``added``, ``removed``, ``changed``), ``section``,
    ``key``, ``key_fields``, ``old``, ``new`` and ``changed_attributes``; records are matched
    by natural keys, whatever the layout, attribute order or compression. An empty list means
    equivalent documents. Raises :class:`NdiFormatError` when either cannot be read.
    """
    return json.loads(_native.diff(_document(old), _document(new)))


def next_runs(
    nds: Document,
    tz: str,
    count: int = 10,
    seed: int = 0,
    start: Optional[Union[datetime, str]] = None,
) -> List[Dict[str, Any]]:
    """The next ``count`` runs of a schedule (``.nds``) in device-local time zone ``tz``.

    ``tz`` is an IANA name (``"Europe/Berlin"``); ``seed`` makes the random delays
    reproducible; ``start`` is the device-local time to count from (a naive
    :class:`~datetime.datetime` or ``"YYYY-MM-DDTHH:MM:SS"``; default now). Each run is a dict
    with ``event``, ``event_id``, ``trigger``, ``nominal``, ``start``, ``start_utc`` and
    ``delay_s``; event triggers (logon, ...) follow with ``on`` describing the event.
    Raises :class:`NdiFormatError` for a schedule with an error that would make the runs
    wrong, as ``ndi-tool schedule`` refuses it.
    """
    if isinstance(start, datetime):
        if start.tzinfo is not None:
            raise ValueError("start is device-local time: give a naive datetime")
        start = start.strftime("%Y-%m-%dT%H:%M:%S")
    return json.loads(_native.next_runs(_document(nds), tz, count, seed, start))


def effective_packages(npl: Document) -> List[Dict[str, Any]]:
    """The effective packages of a policy (``.npl``), as ``ndi-tool policy --json``.

    Each package is a dict with ``policy_guid``, ``href``, ``object_id``, ``precedence`` and
    ``candidates``. Raises :class:`NdiFormatError` for a policy with an error.
    """
    return json.loads(_native.effective_packages(_document(npl)))
