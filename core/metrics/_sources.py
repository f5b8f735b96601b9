"""Where a score file comes from: a path, the file's bytes or a file object, read whole or sampled.

- :func:`read_all`: the whole file as bytes (no copy for bytes and ``BytesIO`` sources);
- :func:`read_sample`: the head (64 KB) and two 16 KB samples from the middle and the end, reading only
  those bytes of a path or a seekable file, and leaving a file object's position where it was;
- :func:`is_parquet` / :func:`open_parquet`: a Parquet file, told by its magic bytes ``PAR1`` whatever
  its name, opened (its footer read) for the typed reader.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from core.metrics._score_file import ScoreFileError

# Bundled examples (made by scripts/make_examples.py; see data/examples/README.md)
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "examples"
EXAMPLES: dict[str, Path] = {
    "balanced": EXAMPLES_DIR / "balanced.csv",
    "imbalanced": EXAMPLES_DIR / "imbalanced.csv",
    "two_models": EXAMPLES_DIR / "two_models.csv",
}

SAMPLE_BYTES = 64 * 1024  # head of the file used to sniff delimiter, header and column types
EXTRA_SAMPLE_BYTES = 16 * 1024  # middle and tail samples (a file sorted by label shows both classes)

PARQUET_MAGIC = b"PAR1"


def _open_error(path: Any, exc: OSError) -> ScoreFileError:
    reason = str(exc.strerror or exc)
    return ScoreFileError(
        "metrics.cannot_open", f"Cannot read the file '{path}': {reason}.", path=str(path), reason=reason
    )


def read_all(source: Any) -> tuple[bytes | bytearray, bool]:
    """The whole file as bytes (no copy for bytes and BytesIO sources), and whether it was text."""
    if isinstance(source, bytes | bytearray):
        return source, False
    if isinstance(source, memoryview):
        return source.tobytes(), False
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).read_bytes(), False
        except OSError as exc:
            raise _open_error(source, exc) from exc
    if isinstance(source, io.BytesIO):
        # getvalue() shares the buffer a BytesIO was built from (no copy); read from the position.
        position = source.tell()
        value = source.getvalue()
        source.seek(0, io.SEEK_END)
        return (value if position == 0 else value[position:]), False
    if hasattr(source, "read"):
        content = source.read()
        if isinstance(content, str):
            return content.encode("utf-8", errors="surrogatepass"), True
        if isinstance(content, bytes | bytearray):
            return content, False
        raise ValueError(f"source.read() returned {type(content).__name__}, not bytes or str.")
    raise ValueError(
        f"source must be a path, the file's bytes or a file object, not {type(source).__name__}."
    )


def read_sample(source: Any) -> tuple[bytes, list[bytes], bool]:
    """Head, middle and tail of the file (and whether it was text), leaving a file object's position.

    A path or a seekable binary file object is only read where the samples are.
    """
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return (*_sample_from_handle(handle), False)
        except OSError as exc:
            raise _open_error(source, exc) from exc
    if isinstance(source, io.BytesIO):
        return (*_sample_from_bytes(source.getvalue()[source.tell() :]), False)
    if hasattr(source, "read") and _seekable(source):
        start = source.tell()
        try:
            if not isinstance(source, io.TextIOBase):
                samples = _sample_from_handle(source)
                if samples is not None:
                    return (*samples, False)
                source.seek(start)
            data, text_source = read_all(source)
        finally:
            source.seek(start)
    else:
        data, text_source = read_all(source)
    return (*_sample_from_bytes(data), text_source)


def _seekable(handle: Any) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _sample_from_handle(handle: Any) -> tuple[bytes, list[bytes]] | None:
    """Samples read from a seekable binary file (None if it turns out to give text)."""
    start = handle.tell()
    head = handle.read(SAMPLE_BYTES)
    if isinstance(head, str):
        return None
    size = handle.seek(0, io.SEEK_END) - start
    if size <= SAMPLE_BYTES + 2 * EXTRA_SAMPLE_BYTES:
        handle.seek(start)
        return _sample_from_bytes(handle.read())
    extras = []
    for offset in (start + size // 2, start + size - EXTRA_SAMPLE_BYTES):
        handle.seek(offset)
        extras.append(handle.read(EXTRA_SAMPLE_BYTES))
    return head, extras


def _sample_from_bytes(data: bytes | bytearray) -> tuple[bytes, list[bytes]]:
    size = len(data)
    head = bytes(data[:SAMPLE_BYTES])
    if size <= SAMPLE_BYTES:
        return head, []
    middle = size // 2
    return head, [
        bytes(data[middle : middle + EXTRA_SAMPLE_BYTES]),
        bytes(data[max(SAMPLE_BYTES, size - EXTRA_SAMPLE_BYTES) :]),
    ]


def is_parquet(source: Any) -> bool:
    """Whether ``source`` (path, bytes or binary file object) starts with Parquet's magic ``PAR1``.

    A file object's position is left where it was."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:4]) == PARQUET_MAGIC
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read(4) == PARQUET_MAGIC
        except OSError:
            return False  # the reader reports the error in its own words
    if isinstance(source, io.BytesIO):
        return source.getbuffer()[source.tell() : source.tell() + 4].tobytes() == PARQUET_MAGIC
    if hasattr(source, "read") and hasattr(source, "seek") and not isinstance(source, io.TextIOBase):
        try:
            start = source.tell()
            head = source.read(4)
            source.seek(start)
        except (OSError, ValueError):
            return False
        return isinstance(head, bytes) and head == PARQUET_MAGIC
    return False


def open_parquet(source: Any) -> pq.ParquetFile:
    """The Parquet file at ``source`` (path, bytes or binary file object; an open ``ParquetFile`` is
    returned as it is), its footer read. Raises :class:`ScoreFileError` when it is not readable."""
    if isinstance(source, pq.ParquetFile):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        handle: Any = pa.BufferReader(pa.py_buffer(source))  # no copy: Arrow reads the caller's buffer
    elif isinstance(source, str | os.PathLike):
        handle = str(Path(source))
    else:
        handle = source
    try:
        return pq.ParquetFile(handle)
    except (pa.ArrowException, OSError) as exc:
        raise ScoreFileError(
            "metrics.parquet_unreadable",
            f"The file starts like Parquet but cannot be read as Parquet: {exc}",
            detail=str(exc),
        ) from None
