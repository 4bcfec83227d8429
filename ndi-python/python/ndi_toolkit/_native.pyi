"""Type stub of the native module (Rust, PyO3); use the wrappers in ``ndi_toolkit``."""

from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import pyarrow as pa

_Document = Union[bytes, str]

class NdiFormatError(ValueError):
    """A document could not be read."""

    rule: str
    """Stable rule id, e.g. ``xml-syntax``, ``gzip``, ``limit-depth``, ``nds-timestart``."""
    message: str
    """What is wrong, without the location."""
    line: Optional[int]
    """Line in the XML text, from 1 (``None`` when the error is not inside the text)."""
    column: Optional[int]
    """Column in characters, from 1."""
    offset: Optional[int]
    """Byte offset in the XML text (after gunzip and transcoding)."""
    element_path: Optional[str]
    """Element path such as ``/Inventory/Hardware[1]/Class[2]``."""
    path: Optional[str]
    """The file, when the document was read from a path."""

class BatchIterator(Iterator[Tuple[str, pa.RecordBatch]]):
    def __iter__(self) -> "BatchIterator": ...
    def __next__(self) -> Tuple[str, pa.RecordBatch]: ...
    def close(self) -> None:
        """Stops the load; later calls yield nothing."""

def schemas() -> Dict[str, pa.Schema]: ...
def read(document: _Document, batch_size: int = 65536) -> Dict[str, pa.Table]: ...
def load(
    paths: Sequence[str], threads: Optional[int] = None, batch_size: int = 65536
) -> Dict[str, pa.Table]: ...
def iter_batches(
    paths: Sequence[str], threads: Optional[int] = None, batch_size: int = 65536
) -> BatchIterator: ...
def decode_files(
    files: pa.RecordBatch, batch_size: int = 65536
) -> List[Tuple[str, pa.RecordBatch]]:
    """Documents in a batch with ``path`` (string) and ``content`` (binary) columns."""

def validate(document: _Document) -> str:
    """JSON: ``{"format", "valid", "findings"}``."""

def diff(old: _Document, new: _Document) -> str:
    """JSON array of changes."""

def next_runs(
    nds: _Document, tz: str, count: int = 10, seed: int = 0, start: Optional[str] = None
) -> str:
    """JSON array of runs, then event triggers."""

def effective_packages(npl: _Document) -> str:
    """JSON array of packages."""
