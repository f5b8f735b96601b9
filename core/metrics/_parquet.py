"""Parquet score files: recognised by their magic bytes, opened here, read by the score reader.

The reader guesses a Parquet file's columns on its first rows as CSV text (:func:`parquet_as_csv`):
``pyarrow.csv.write_csv`` writes every double in its shortest round-trip form (the same float64 comes
back), booleans as ``true``/``false`` (an obvious label pair) and nulls as empty fields (missing values,
refused or dropped as in a CSV), so the column guessing and the label decision are the CSV reader's. The
rows themselves are then read typed, batch by batch, only the columns needed
(``core.metrics._scores._ParquetParser``). A file too large for memory goes through the DuckDB engine
(``core.metrics._duckdb``), which reads Parquet column by column out of core.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

MAGIC = b"PAR1"


class ParquetError(ValueError):
    """A file that starts like Parquet but cannot be read."""


def is_parquet(source: Any) -> bool:
    """Whether ``source`` (path, bytes or binary file object) starts with Parquet's magic ``PAR1``.

    A file object's position is left where it was."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:4]) == MAGIC
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read(4) == MAGIC
        except OSError:
            return False  # the reader reports the error in its own words
    if isinstance(source, io.BytesIO):
        return source.getbuffer()[source.tell() : source.tell() + 4].tobytes() == MAGIC
    if hasattr(source, "read") and hasattr(source, "seek") and not isinstance(source, io.TextIOBase):
        try:
            start = source.tell()
            head = source.read(4)
            source.seek(start)
        except (OSError, ValueError):
            return False
        return isinstance(head, bytes) and head == MAGIC
    return False


def open_parquet(source: Any) -> pq.ParquetFile:
    """The Parquet file at ``source`` (path, bytes or binary file object; an open ``ParquetFile`` is
    returned as it is), its footer read. Raises :class:`ParquetError` when it is not readable."""
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
        raise ParquetError(f"The file starts like Parquet but cannot be read as Parquet: {exc}") from None


def parquet_as_csv(source: Any, *, max_rows: int | None = None) -> bytes:
    """The Parquet file (or its first ``max_rows`` rows) as CSV bytes: how the score reader guesses
    columns (``detect_columns``) and how the CSV form of a file is defined.

    Raises :class:`ParquetError` (a ``ValueError``; the reader raises it as its ScoreFileError) when the
    file is not readable.
    """
    parquet = open_parquet(source)
    try:
        if max_rows is None:
            table = parquet.read()
        else:
            batches = []
            taken = 0
            for batch in parquet.iter_batches(batch_size=min(max_rows, 65_536)):
                batches.append(batch)
                taken += batch.num_rows
                if taken >= max_rows:
                    break
            table = pa.Table.from_batches(batches, schema=parquet.schema_arrow).slice(0, max_rows)
    except (pa.ArrowException, OSError) as exc:
        raise ParquetError(f"The file starts like Parquet but cannot be read as Parquet: {exc}") from None
    for i, field in enumerate(table.schema):
        if not has_text_form(field.type):
            table = table.set_column(i, field.name, as_text(table.column(i)))
    out = io.BytesIO()
    try:
        pacsv.write_csv(table, out)
    except (pa.ArrowException, OSError) as exc:
        raise ParquetError(f"The Parquet file's columns cannot be read as a table of values: {exc}") from None
    return out.getvalue()


def has_text_form(kind: pa.DataType) -> bool:
    """Whether CSV writes a column of this type as it is: numbers, booleans, text, dates and times
    (plain or dictionary-encoded). Binary and nested columns are not labels or scores."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_temporal(kind)
        or pa.types.is_null(kind)
    )


def as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column of another type as text (e.g. a string view), or missing values where it has none
    (binary, nested): the CSV form's cells, and what the typed reader sees."""
    if pa.types.is_dictionary(column.type):  # its values decide (a dictionary of bytes is bytes)
        column = pc.cast(column, column.type.value_type)
    if not (pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)):
        try:
            return pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            pass
    return pa.nulls(len(column), pa.string())
