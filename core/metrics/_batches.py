"""Decoding a score file's columns, batch by batch, into the table's arrays; deciding the classes.

Both parsers (``core.metrics._csv_parser`` for CSV text, ``core.metrics._parquet_parser`` for Parquet's
typed columns) hand :class:`BatchDecoder` the label column as text and each score and weight column as
float64 (or as text to parse). It writes global label codes and finite floats straight into
preallocated numpy arrays, finds the first invalid row (or drops the invalid rows), and finishes the
:class:`~core.metrics._score_file.ScoreTable`: the positive class, the weights' checks, the error
sentences (the parser says where a row is: ``where``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.metrics._columns import ColumnSample, canonical, decide_classes
from core.metrics._score_file import (
    DECIMAL_COMMA_NUMBER,
    MISSING,
    NUMBER_RE,
    ScoreFileError,
    ScoreTable,
    is_number,
)

_MAX_LABEL_VALUES = 100  # more distinct labels than this: certainly not a binary label column


class BatchDecoder:
    """Decodes batches of (label, numbers) columns into preallocated arrays and finishes the table.

    ``doc`` describes the file (its ``columns``, ``encoding``, ``delimiter`` and ``decimal``).
    """

    def __init__(
        self,
        doc: ColumnSample,
        label: str,
        scores: list[str],
        weight: str | None,
        pos_label: Any,
        drop_invalid: bool,
    ) -> None:
        self.doc, self.label, self.score_cols, self.weight_col = doc, label, scores, weight
        self.pos_label, self.drop_invalid = pos_label, drop_invalid
        self.numeric = [*scores, *([weight] if weight else [])]
        self.values: list[str] = []  # distinct raw label values (global codes index this list)
        self.code_of: dict[str, int] = {}
        self.missing_code: list[bool] = []
        self.pool = pa.system_memory_pool()  # returns freed slices to the OS: keeps the RSS peak low

    def _complete(self, codes: np.ndarray, out: dict[str, np.ndarray], kept: int, seen: int) -> ScoreTable:
        """The table from every batch decoded (``seen`` rows read, ``kept`` valid), or why there is none."""
        doc = self.doc
        if seen == 0:
            raise ScoreFileError(
                "metrics.no_rows",
                f"The file has a header ({', '.join(doc.columns)}) but no data rows: add rows below "
                "the header.",
                header=", ".join(doc.columns),
            )
        if kept == 0:
            raise ScoreFileError(
                "metrics.every_row_invalid",
                f"Every one of the {seen:,} rows is invalid (missing label, or missing, non-numeric or "
                "infinite score), so nothing is left to evaluate.",
                rows=f"{seen:,}",
            )
        return self._finish(codes, out, kept, seen)

    def _add_batch(
        self,
        columns: dict[str, pa.Array],
        text_columns: set[str],
        codes: np.ndarray,
        out: dict[str, np.ndarray],
        kept: int,
        fail: Callable[..., ScoreFileError],
    ) -> int:
        """Decode one batch into ``codes`` and ``out`` from row ``kept`` on; return the rows kept.

        ``text_columns``: numeric columns that arrive as text. The first invalid row raises
        ``fail(column, row_in_batch)`` (``fail(None, row, value)`` for a negative weight) unless invalid
        rows are dropped; dropped rows are compacted away."""
        k = len(columns[self.label])
        seg_codes = codes[kept : kept + k]
        bad_label = self._label_codes(columns[self.label], seg_codes)
        problems = {self.label: bad_label} if bad_label.any() else {}
        negative = -1
        for name in self.numeric:
            target = out[name][kept : kept + k]
            bad = self._numbers(columns[name], target, name in text_columns)
            if bad.any():
                problems[name] = bad
            if name == self.weight_col and (target < 0).any():
                negative = int(np.argmax(target < 0))
        first_problem = min((int(np.argmax(m)), c) for c, m in problems.items()) if problems else None
        if negative >= 0 and (self.drop_invalid or first_problem is None or negative < first_problem[0]):
            raise fail(None, negative, float(out[self.weight_col][kept + negative]))
        if first_problem is not None and not self.drop_invalid:
            first, column = first_problem
            raise fail(column, first)
        if not problems:
            return k
        keep = ~np.logical_or.reduce(list(problems.values()))
        keep_count = int(np.count_nonzero(keep))
        for array in (codes, *out.values()):
            array[kept : kept + keep_count] = array[kept : kept + k][keep]
        return keep_count

    def _label_codes(self, column: pa.Array, target: np.ndarray) -> np.ndarray:
        """Writes global label codes into target; returns the mask of missing labels.

        Labels are read as text (cheaper for Arrow than a dictionary column). When every label of the
        batch is one byte long (0/1, y/n, t/f: the common case), the bytes themselves are the values and
        are mapped through a 256-entry table; otherwise Arrow dictionary-encodes the batch.
        """
        offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[
            column.offset : column.offset + len(column) + 1
        ]
        if column.null_count == 0 and len(column) and (np.diff(offsets) == 1).all():
            raw = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
            low, high = int(raw.min()), int(raw.max())
            if high - low < 8:  # which byte values occur: a few comparisons beat a bincount
                present = [b for b in range(low, high + 1) if b in (low, high) or (raw == b).any()]
            else:
                present = np.flatnonzero(np.bincount(raw, minlength=256)).tolist()
            lut = np.zeros(256, dtype=np.int8)
            lut[present] = [self._code(bytes([b]).decode("utf-8", errors="replace")) for b in present]
            np.take(lut, raw, out=target)
        else:
            encoded = pc.dictionary_encode(column)
            lut = np.array([self._code(v) for v in encoded.dictionary.to_pylist()], dtype=np.int8)
            target[:] = lut[encoded.indices.to_numpy(zero_copy_only=False)]
        missing = np.asarray(self.missing_code, dtype=bool)
        return missing[target] if missing.any() else np.zeros(len(target), dtype=bool)

    def _code(self, value: str) -> int:
        """The global code of a raw label value, given on first sight."""
        code = self.code_of.get(value)
        if code is None:
            if len(self.values) >= _MAX_LABEL_VALUES:
                shown = ", ".join(repr(v) for v in self.values[:5])
                raise ScoreFileError(
                    "metrics.label_not_binary",
                    f"The label column {self.label!r} takes more than {_MAX_LABEL_VALUES} different "
                    f"values ({shown}, ...): it does not look like a binary label. Choose the label column.",
                    column=repr(self.label),
                    most=_MAX_LABEL_VALUES,
                    shown=shown,
                )
            code = self.code_of[value] = len(self.values)
            self.values.append(value)
            self.missing_code.append(value.strip().lower() in MISSING)
        return code

    def _numbers(self, column: pa.Array, target: np.ndarray, as_text: bool) -> np.ndarray:
        """Writes floats into target (NaN where invalid); returns the mask of invalid cells."""
        if as_text:
            column = _text_to_float(column, self.doc.decimal)
        target[:] = column.to_numpy(zero_copy_only=False)  # nulls become NaN
        # finite check: NaN (missing / not a number) and +-inf are invalid
        return ~np.isfinite(target)

    # -- finishing -----------------------------------------------------------------------------------

    def _finish(self, codes: np.ndarray, out: dict[str, np.ndarray], kept: int, seen: int) -> ScoreTable:
        codes = codes[:kept]
        counts = {}
        for code, value in enumerate(self.values):
            if not self.missing_code[code]:
                n = int(np.count_nonzero(codes == code))
                if n:
                    counts[value.strip()] = counts.get(value.strip(), 0) + n
        pos, neg = decide_classes(self.label, counts, self.pos_label, decimal=self.doc.decimal)
        positive_canon = canonical(pos, self.doc.decimal)
        y_true = np.zeros(kept, dtype=bool)
        for code, value in enumerate(self.values):
            if not self.missing_code[code] and canonical(value, self.doc.decimal) == positive_canon:
                y_true |= codes == code
        arrays = {name: _trim(out[name], kept) for name in self.numeric}
        weight = arrays.pop(self.weight_col) if self.weight_col else None
        if weight is not None:
            weighted = weight > 0
            for cls_name, mask in ((pos, y_true), (neg, ~y_true)):
                if not np.any(weighted & mask):
                    raise ScoreFileError(
                        "metrics.class_weight_zero",
                        f"Every row with label {cls_name!r} has weight 0 in column {self.weight_col!r}: an "
                        "evaluation needs positive and negative rows with some weight.",
                        label=repr(cls_name),
                        column=repr(self.weight_col),
                    )
        return ScoreTable(
            y_true=y_true,
            scores={name: arrays[name] for name in self.score_cols},
            weight=weight,
            label_column=self.label,
            weight_column=self.weight_col,
            pos_label=pos,
            neg_label=neg,
            n_rows=kept,
            n_dropped=seen - kept,
            encoding=self.doc.encoding,
            delimiter=self.doc.delimiter,
            decimal=self.doc.decimal,
            columns=list(self.doc.columns),
        )

    # -- error messages ------------------------------------------------------------------------------

    def _invalid_at(self, column: str, where: str, raw_value: Callable[[], str], row: int) -> ScoreFileError:
        """The error for an invalid cell of ``column`` at ``where`` (``raw_value()``: the cell's text), in
        the ``row``-th data row (1-based). Its code says which cell and what is wrong with it
        (``metrics.cell_<role>_<problem>``); the English sentence says where, in the file's terms."""
        fix = "fix or remove that row, or drop invalid rows (drop_invalid=True) to skip every such row."
        if column == self.label:
            message = f"The label column {column!r} is missing in {where}: {fix}"
            return ScoreFileError("metrics.cell_label_missing", message, column=repr(column), row=f"{row:,}")
        raw = raw_value()
        role = "weight" if column == self.weight_col else "score"
        if raw.lower() in MISSING:
            problem = "empty" if raw == "" else "missing"
            what = "is empty" if raw == "" else f"is missing ({raw!r})"
        elif is_number(raw, self.doc.decimal):
            problem, what = "infinite", f"is infinite ({raw!r})"
        else:
            problem, what = "not_number", f"has {raw!r}, which is not a number,"
            if self.doc.decimal == "." and DECIMAL_COMMA_NUMBER.match(raw):
                problem, fix = "decimal_comma", "write numbers with a decimal point (0.75), or " + fix
        message = f"The {role} column {column!r} {what} in {where}: {fix}"
        return ScoreFileError(
            f"metrics.cell_{role}_{problem}", message, column=repr(column), row=f"{row:,}", value=repr(raw)
        )

    def _negative_weight_at(self, where: str, value: float, row: int) -> ScoreFileError:
        return ScoreFileError(
            "metrics.cell_weight_negative",
            f"The weight column {self.weight_col!r} is negative ({value:g}) in {where}: weights and counts "
            "must be zero or more.",
            column=repr(self.weight_col),
            value=f"{value:g}",
            row=f"{row:,}",
        )


def _trim(array: np.ndarray, n: int) -> np.ndarray:
    """array[:n], copied when that frees a noticeable part of the preallocated array."""
    return array[:n].copy() if n < 0.9 * len(array) else array[:n]


def _text_to_float(column: pa.Array, decimal: str) -> pa.Array:
    """Text cells -> float64, null where a cell is missing or not a number (same rules as Arrow's)."""
    text = pc.utf8_trim_whitespace(column)
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    ok = pc.match_substring_regex(text, NUMBER_RE, ignore_case=True)
    return pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
