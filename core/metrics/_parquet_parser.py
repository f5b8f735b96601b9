"""Parquet score files: the columns guessed from the schema and the first typed rows, the rows read typed.

- **Guessing** (:class:`ParquetSample`): a column's Arrow type decides whether it holds numbers
  (integers, floats and decimals do, whatever their first rows hold, nulls included; booleans do not);
  the label candidates and their values come from the first rows' typed values (``pyarrow.compute.
  value_counts``: one entry per distinct value), written as text the way the file's CSV form writes
  them (``1`` for 1.0, ``true`` for a boolean); a text column is judged on its values as a CSV cell is.
  No CSV text is written or parsed.
- **Reading** (:class:`ParquetParser`): only the label, score and weight columns, one row batch at a
  time, into the same arrays and by the same rules as the CSV parser.

The *CSV form* of a Parquet file, :func:`parquet_as_csv` (``pyarrow.csv.write_csv``: every double in its
shortest round-trip form, booleans as ``true``/``false``, nulls as empty fields), defines what the file
holds for the score reader: reading the file gives the table, the label decision and the errors of
reading its CSV form (``tests/metrics/test_parquet.py``), a row being named by its number. A file too
large for memory goes through the DuckDB engine (``core.metrics._duckdb``), which reads Parquet column
by column out of core.
"""

from __future__ import annotations

import functools
import io
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.metrics._batches import BatchDecoder
from core.metrics._columns import ColumnSample, check_header, header_columns
from core.metrics._score_file import MISSING, ScoreFileError, ScoreTable, is_number
from core.metrics._sources import open_parquet

# rows of a Parquet file the columns are guessed on
_SAMPLE_ROWS = 20_000
_BATCH_ROWS = 1 << 20  # rows decoded at once (peak memory ~ result + one batch)


def _unreadable(exc: Exception) -> ScoreFileError:
    return ScoreFileError(
        "metrics.parquet_unreadable",
        f"The file starts like Parquet but cannot be read as Parquet: {exc}",
        detail=str(exc),
    )


class ParquetSample(ColumnSample):
    """A Parquet file's schema and its first rows, typed: what the column guessing asks about."""

    encoding = "parquet"
    delimiter = ","  # as its CSV form: numbers are written with a decimal point
    decimal = "."

    def __init__(self, parquet: pq.ParquetFile, max_rows: int = _SAMPLE_ROWS) -> None:
        self.parquet = parquet
        names = parquet.schema_arrow.names
        try:
            head = _first_rows(parquet, max_rows)
        except (pa.ArrowException, OSError) as exc:
            raise _unreadable(exc) from None
        # the header as the CSV form's first line holds it: the names, stripped
        header = [name.strip() for name in names]
        check_header(header, has_rows=head.num_rows > 0)
        header_text = ",".join('"' + name.replace('"', '""') + '"' for name in names)
        self.columns = header_columns(header, header_text, self.decimal)
        self.field_of = dict(zip(self.columns, names, strict=True))  # column -> the file's own name
        self.head = {column: head.column(k).combine_chunks() for k, column in enumerate(self.columns)}

    def _type(self, column: str) -> pa.DataType:
        kind = self.head[column].type
        return kind.value_type if pa.types.is_dictionary(kind) else kind

    def _text_counts(self, column: str) -> dict[str, int]:
        """Distinct non-missing values of the sample as text (stripped), with counts, in order of
        appearance."""
        values = self.head[column]
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        if not has_text_form(values.type):
            values = as_text(values)  # binary and nested columns: missing values, as in the CSV form
        distinct = pc.value_counts(values)  # (values, counts), in order of appearance
        texts = label_text(distinct.field("values")).to_pylist()
        counts: dict[str, int] = {}
        for text, count in zip(texts, distinct.field("counts").to_pylist(), strict=True):
            text = text.strip()
            if text.lower() not in MISSING:
                counts[text] = counts.get(text, 0) + count
        return counts

    def is_numeric(self, column: str, *, share: float = 1.0) -> bool:
        """Integers, floats and decimals are numbers by their type; booleans are not; any other column
        by its values, as a CSV cell (at least ``share`` of the non-missing ones, and one)."""
        kind = self._type(column)
        if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            return True
        if pa.types.is_boolean(kind):
            return False
        counts = self._text_counts(column)
        numbers = sum(count for text, count in counts.items() if is_number(text, self.decimal))
        return numbers > 0 and numbers >= share * sum(counts.values())

    def sample_label_counts(self, column: str) -> dict[str, int]:
        return self._text_counts(column)


def _first_rows(parquet: pq.ParquetFile, max_rows: int) -> pa.Table:
    """The first ``max_rows`` rows of every column."""
    batches = []
    taken = 0
    for batch in parquet.iter_batches(batch_size=min(max_rows, 65_536)):
        batches.append(batch)
        taken += batch.num_rows
        if taken >= max_rows:
            break
    return pa.Table.from_batches(batches, schema=parquet.schema_arrow).slice(0, max_rows)


class ParquetParser(BatchDecoder):
    """Reads a Parquet file's typed columns batch by batch into the same arrays, by the same rules.

    Only the label, score and weight columns are decoded, one row batch at a time, with no CSV text:
    integers and floats are cast to float64 exactly (a float32 score keeps its value,
    as DuckDB reads it), text columns are parsed as the CSV reader parses its cells, and the label is
    the text the CSV form of the file would hold (``1`` for 1.0, ``true`` for a boolean), so the label
    values, the positive class and every error are those of the CSV reader; a row is named by its
    number in the file.
    """

    doc: ParquetSample

    def __init__(
        self,
        sample: ParquetSample,
        label: str,
        scores: list[str],
        weight: str | None,
        pos_label: Any,
        drop_invalid: bool,
    ) -> None:
        super().__init__(sample, label, scores, weight, pos_label, drop_invalid)
        self.parquet = sample.parquet
        self.field_of = {column: sample.field_of[column] for column in [label, *self.numeric]}

    def run(self) -> ScoreTable:
        capacity = self.parquet.metadata.num_rows
        codes = np.empty(capacity, dtype=np.int8)
        out = {name: np.empty(capacity, dtype=np.float64) for name in self.numeric}
        kept = seen = 0
        batches = self.parquet.iter_batches(
            batch_size=_BATCH_ROWS, columns=list(dict.fromkeys(self.field_of.values()))
        )
        try:
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                columns = {self.label: label_text(batch.column(self.field_of[self.label]))}
                text_columns = set()
                for name in self.numeric:
                    columns[name], as_text = _parquet_numbers(batch.column(self.field_of[name]))
                    if as_text:
                        text_columns.add(name)
                fail = functools.partial(self._parquet_fail, seen, columns)
                kept += self._add_batch(columns, text_columns, codes, out, kept, fail)
                seen += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise _unreadable(exc) from None
        return self._complete(codes, out, kept, seen)

    def _parquet_fail(
        self, seen: int, columns: dict[str, pa.Array], column: str | None, i: int, value: float = 0.0
    ) -> ScoreFileError:
        where = f"row {seen + i + 1:,} of the file"
        if column is None:
            return self._negative_weight_at(where, value, seen + i + 1)

        def raw() -> str:
            cell = columns[column][i].as_py()
            return "" if cell is None else str(cell).strip()

        return self._invalid_at(column, where, raw, seen + i + 1)


def label_text(column: pa.Array) -> pa.Array:
    """A Parquet label column as the text its CSV form holds (``1``, ``true``, ``yes``); missing: empty."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string()) if has_text_form(column.type) else as_text(column)
    return pc.fill_null(column, "")


def _parquet_numbers(column: pa.Array) -> tuple[pa.Array, bool]:
    """A Parquet score or weight column as float64 (integers and floats, cast exactly) or as text to
    parse (and whether it is text). Other types are text as in the file's CSV form (a boolean's
    ``true`` is not a number); types with no text form (nested, binary) are missing values."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pc.cast(column, pa.float64(), safe=False), False
    # a decimal goes through its text: Arrow's decimal -> double cast can be one ulp off the nearest
    # double, which the text (as in the CSV form) gives
    if has_text_form(kind):
        return pc.cast(column, pa.string()), True
    return as_text(column), True


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


def parquet_as_csv(source: Any, *, max_rows: int | None = None) -> bytes:
    """The Parquet file (or its first ``max_rows`` rows) as CSV bytes: the file's *CSV form*, which
    defines what the typed reader must give (the tests read both and compare). Raises
    :class:`ScoreFileError` when the file is not readable."""
    parquet = open_parquet(source)
    try:
        table = parquet.read() if max_rows is None else _first_rows(parquet, max_rows)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(exc) from None
    for i, field in enumerate(table.schema):
        if not has_text_form(field.type):
            table = table.set_column(i, field.name, as_text(table.column(i)))
    out = io.BytesIO()
    try:
        pacsv.write_csv(table, out)
    except (pa.ArrowException, OSError) as exc:
        raise ScoreFileError(
            "metrics.parquet_columns_unreadable",
            f"The Parquet file's columns cannot be read as a table of values: {exc}",
            detail=str(exc),
        ) from None
    return out.getvalue()
