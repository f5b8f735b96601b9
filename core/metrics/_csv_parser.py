"""The CSV parser: a sniffed score file's body parsed by Apache Arrow, in slices, into the table.

The body is parsed once, by Arrow's multithreaded CSV reader (the engine behind pandas'
``read_csv(engine="pyarrow")``, called directly for its decimal-comma option and explicit column
types), in slices of about 8 MB written straight into preallocated numpy arrays
(:class:`~core.metrics._batches.BatchDecoder`), so the peak memory is the result plus one slice rather
than the whole parsed table plus the result. A slice that holds a non-numeric score is re-read as text
to find and name the bad row; a row is named by its number and its line in the file.
"""

from __future__ import annotations

import csv
import functools
import io
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from core.metrics._batches import BatchDecoder
from core.metrics._score_file import ARROW_NULLS, NOT_CSV, SAVE_AS, ScoreFileError, ScoreTable
from core.metrics._sniff import Document, width_error

_SEGMENT_BYTES = 8 * 1024 * 1024  # slice of the body parsed at once (peak memory ~ result + 1 slice)
_BLOCK_BYTES = 1024 * 1024  # Arrow block: the unit of its parallel parsing


class CsvParser(BatchDecoder):
    """Parses the body in slices with Arrow, straight into preallocated numpy arrays."""

    doc: Document

    # -- arrow options -----------------------------------------------------------------------------

    def _read(self, lo: int, hi: int, *, as_text: bool = False, serial_handler: Any = None) -> pa.Table:
        doc = self.doc
        number_type = pa.string() if as_text else pa.float64()
        column_types = {self.label: pa.string()}
        column_types.update({name: number_type for name in self.numeric})
        with memoryview(doc.buf) as view:
            return pacsv.read_csv(
                pa.py_buffer(view[lo:hi]),
                read_options=pacsv.ReadOptions(
                    column_names=doc.columns,
                    block_size=_BLOCK_BYTES,
                    use_threads=serial_handler is None,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=doc.delimiter,
                    quote_char='"',
                    double_quote=True,
                    newlines_in_values=doc.quoted,
                    ignore_empty_lines=True,
                    invalid_row_handler=serial_handler,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=column_types,
                    include_columns=[self.label, *self.numeric],
                    null_values=ARROW_NULLS,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=True,
                    decimal_point=doc.decimal,
                ),
                memory_pool=self.pool,
            )

    def _segments(self) -> Any:
        """(lo, hi) byte ranges of about _SEGMENT_BYTES that start and end at row boundaries."""
        buf, newline = self.doc.buf, self.doc.newline
        lo, size = self.doc.body_start, len(self.doc.buf)
        while lo < size:
            hi = buf.find(newline, min(lo + _SEGMENT_BYTES, size - 1))
            hi = size if hi < 0 else hi + 1
            if self.doc.quoted:
                # A quoted field may hold a newline: extend until the quotes in [lo, hi) pair up.
                while hi < size and buf.count(b'"', lo, hi) % 2:
                    nxt = buf.find(newline, hi)
                    hi = size if nxt < 0 else nxt + 1
            yield lo, hi
            lo = hi

    # -- main loop -------------------------------------------------------------------------------------

    def run(self) -> ScoreTable:
        doc = self.doc
        capacity = _count_lines(doc.buf, doc.body_start)  # rows <= lines (np.empty: untouched pages are free)
        codes = np.empty(capacity, dtype=np.int8)
        out = {name: np.empty(capacity, dtype=np.float64) for name in self.numeric}
        kept = 0  # rows written
        seen = 0  # rows parsed (kept + dropped)
        for lo, hi in self._segments():
            table, as_text = self._read_segment(lo, hi)
            text_columns = set(self.numeric) if as_text else set()
            row0 = 0
            for batch in table.to_batches():
                if batch.num_rows == 0:
                    continue
                fail = functools.partial(self._fail_at, lo, hi, row0, seen)
                columns = dict(zip(batch.schema.names, batch.columns, strict=True))
                kept += self._add_batch(columns, text_columns, codes, out, kept, fail)
                seen += batch.num_rows
                row0 += batch.num_rows
        return self._complete(codes, out, kept, seen)

    def _fail_at(
        self, lo: int, hi: int, row0: int, seen: int, column: str | None, i: int, value: float = 0.0
    ) -> ScoreFileError:
        """The error for row ``i`` of a batch starting at row ``row0`` of the slice ``buf[lo:hi]``
        (``seen`` rows before it); ``column`` None: a negative weight ``value``."""
        if column is None:
            return self._negative_weight(lo, hi, row0 + i, seen + i, value)
        return self._invalid(column, lo, hi, row0 + i, seen + i)

    def _read_segment(self, lo: int, hi: int) -> tuple[pa.Table, bool]:
        try:
            return self._read(lo, hi), False
        except pa.ArrowInvalid as exc:
            if "conversion error" not in str(exc):
                raise self._parse_error(lo, hi, exc) from None
        try:
            return self._read(lo, hi, as_text=True), True
        except pa.ArrowInvalid as exc:
            raise self._parse_error(lo, hi, exc) from None

    # -- error messages ------------------------------------------------------------------------------

    def _where(self, lo: int, hi: int, row_in_segment: int, row: int) -> str:
        line = _line_of_row(self.doc, lo, hi, row_in_segment)
        return f"row {row + 1:,} (line {line:,} of the file)"

    def _raw(self, lo: int, hi: int, row_in_segment: int, column: str) -> str:
        table = self._read(lo, hi, as_text=True)
        cell = table.column(column)[row_in_segment]
        value = cell.as_py() if cell.is_valid else ""
        return value.strip() if isinstance(value, str) else str(value)

    def _invalid(self, column: str, lo: int, hi: int, row_in_segment: int, row: int) -> ScoreFileError:
        where = self._where(lo, hi, row_in_segment, row)
        return self._invalid_at(column, where, lambda: self._raw(lo, hi, row_in_segment, column), row + 1)

    def _negative_weight(
        self, lo: int, hi: int, row_in_segment: int, row: int, value: float
    ) -> ScoreFileError:
        return self._negative_weight_at(self._where(lo, hi, row_in_segment, row), value, row + 1)

    def _parse_error(self, lo: int, hi: int, exc: Exception) -> ScoreFileError:
        try:
            bytes(self.doc.buf[lo:hi]).decode("utf-8")
        except UnicodeDecodeError as bad:
            line = self.doc.buf.count(self.doc.newline, 0, lo + bad.start) + 1
            return ScoreFileError(
                f"{NOT_CSV}: line {line:,} has bytes that are not UTF-8 text (the lines before are); "
                f"{SAVE_AS}."
            )
        found: list[Any] = []

        def handler(row: Any) -> str:
            found.append(row)
            return "error"

        try:
            self._read(lo, hi, as_text=True, serial_handler=handler)
        except pa.ArrowInvalid:
            pass
        if not found or found[0].number is None:
            detail = str(exc).removeprefix("CSV parse error: ")
            return ScoreFileError(
                "metrics.csv_unreadable",
                f"The file could not be read as CSV ({detail}); {SAVE_AS}.",
                detail=detail,
            )
        row = found[0]
        line = _line_of_row(self.doc, lo, hi, row.number - 1)
        return width_error(line, row.actual_columns, row.expected_columns, row.text, self.doc.delimiter)


def _count_lines(buf: bytes | bytearray, start: int) -> int:
    """Lines in buf[start:] as Arrow splits them: on \\n, \\r\\n and a lone \\r."""
    lines = buf.count(b"\n", start) + 1
    carriage_returns = buf.count(b"\r", start)
    if carriage_returns:
        lines += carriage_returns - buf.count(b"\r\n", start)
    return lines


def _line_of_row(doc: Document, lo: int, hi: int, row_in_segment: int) -> int:
    """1-based line of the file holding data row row_in_segment (0-based) of the slice buf[lo:hi].

    Rows skip blank lines as Arrow does; with quotes, a row may span lines (csv module used then).
    """
    newline = doc.newline
    before = doc.buf.count(newline, 0, lo)
    chunk = bytes(doc.buf[lo:hi])
    if not doc.quoted:
        k = -1
        for number, line in enumerate(chunk.split(newline)):
            if line not in (b"", b"\r"):
                k += 1
                if k == row_in_segment:
                    return before + number + 1
        return before + 1
    text = chunk.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=doc.delimiter)
    k, previous = -1, 0
    for row in reader:
        start, previous = previous + 1, reader.line_num
        if row:
            k += 1
            if k == row_in_segment:
                return before + start
    return before + 1
