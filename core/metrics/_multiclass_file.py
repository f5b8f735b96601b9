"""Multiclass score files: a label column with K values (3 to ``MAX_CLASSES``) and K score columns, one per
class, recognised and read into arrays for :func:`~core.metrics._multiclass.evaluate_multiclass`.

A file is multiclass when one column (preferably one named like a label: ``label``, ``target``, ``class``,
``y``, ``digit``, ...) holds between 3 and ``MAX_CLASSES`` distinct values in its first rows and the file
has at least K other numeric columns. The score columns are those named after the classes (``0`` ... ``9``
for digits, ``cat, dog, owl``; compared as text, a whole-number ``1.0`` as ``1``, also with a prefix such
as ``p_cat`` / ``proba_cat`` / ``score_cat``); if the names do not match, the numeric columns in file order,
to be mapped by the user (:attr:`MulticlassGuess.names_match` is False). A file with a two-valued label is
not multiclass: the binary reader takes it, as before.

Read in memory (pandas; CSV with ``,``, ``;``, tab or ``|``, or Parquet): the one-vs-one AUC needs the
rows, so multiclass files stay on the memory engine (no DuckDB aggregation).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.metrics._multiclass import MAX_CLASSES

__all__ = ["MULTICLASS_EXAMPLES", "MulticlassGuess", "detect_multiclass", "read_multiclass"]

_EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "examples"
#: the bundled multiclass example(s): name -> file
MULTICLASS_EXAMPLES: dict[str, Path] = {"digits": _EXAMPLES_DIR / "digits.csv"}

_LABEL_NAMES = ("label", "target", "class", "y", "y_true", "truth", "actual", "digit", "category", "species")
_PREFIXES = ("", "p_", "proba_", "prob_", "score_", "p", "prob", "score")
_SAMPLE_ROWS = 5000
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class MulticlassGuess:
    """The label column, the classes (sorted as text, or numerically when they are all numbers), the
    score column of each class, and whether those columns were found by name."""

    label: str
    classes: tuple[str, ...]
    score_columns: tuple[str, ...]
    names_match: bool
    numeric_columns: tuple[str, ...]


def _class_text(value: Any) -> str:
    """A label as text: a whole-number float as an integer (``1.0`` -> ``1``)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _sorted_classes(values: list[str]) -> tuple[str, ...]:
    """Numbers in numeric order, otherwise text order."""
    try:
        return tuple(sorted(values, key=float))
    except ValueError:
        return tuple(sorted(values))


def _read(source: Any, nrows: int | None = None) -> pd.DataFrame:
    """A frame from a path, bytes or a binary file object (CSV with a sniffed separator, or Parquet).
    With ``nrows``, only the first rows are read (no copy of the whole file)."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            head = handle.read(65536)
    else:
        source.seek(0)
        head = source.read(65536)
        source.seek(0)
    if head[:4] == _PARQUET_MAGIC:
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(source)
        if nrows is None:
            return parquet.read().to_pandas()
        batch = next(parquet.iter_batches(batch_size=nrows), None)
        return batch.to_pandas() if batch is not None else parquet.schema_arrow.empty_table().to_pandas()
    first = head.decode("utf-8", errors="replace").splitlines()[0] if head else ""
    separator = max((",", ";", "\t", "|"), key=first.count)
    return pd.read_csv(source, sep=separator, nrows=nrows, encoding_errors="replace")


def _match_columns(classes: tuple[str, ...], columns: list[str]) -> tuple[str, ...] | None:
    """The column named after each class (optionally with a prefix), or None."""
    lookup = {c.strip().lower(): c for c in columns}
    for prefix in _PREFIXES:
        found = [lookup.get(f"{prefix}{name}".lower()) for name in classes]
        if all(found) and len(set(found)) == len(found):
            return tuple(found)  # type: ignore[arg-type]
    return None


def detect_multiclass(source: Any) -> MulticlassGuess | None:
    """The multiclass layout of a score file, or None when it is not one (e.g. a binary file). Reads
    the first rows only."""
    try:
        frame = _read(source, nrows=_SAMPLE_ROWS)
    except Exception:
        return None  # not a table this reader understands: the binary reader says why
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c]) and frame[c].notna().any()]
    named = sorted(columns, key=lambda c: c.strip().lower() not in _LABEL_NAMES)  # label-like names first
    for label in named:
        values = frame[label].dropna()
        distinct = sorted({_class_text(v) for v in values.tolist()})
        if len(distinct) <= 2 and label.strip().lower() in _LABEL_NAMES:
            return None  # a two-valued label: a binary file (another column's values are not its classes)
        if not 3 <= len(distinct) <= MAX_CLASSES:
            continue
        classes = _sorted_classes(distinct)
        others = [c for c in numeric if c != label]
        matched = _match_columns(classes, others)
        if matched is not None:
            return MulticlassGuess(label, classes, matched, True, tuple(others))
        if label.strip().lower() in _LABEL_NAMES and len(others) >= len(classes):
            return MulticlassGuess(label, classes, tuple(others[: len(classes)]), False, tuple(others))
    return None


def read_multiclass(
    source: Any, label: str, score_columns: tuple[str, ...] | list[str], classes: tuple[str, ...] | list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """``(labels as text, scores of shape (n, K))``, the K columns in the classes' order. Raises
    ``ValueError`` naming the problem (a missing column, an empty or non-numeric cell, a label that is
    not among the classes)."""
    frame = _read(source)
    frame.columns = [str(c) for c in frame.columns]
    for column in (label, *score_columns):
        if column not in frame.columns:
            raise ValueError(f"There is no column {column!r} in the file.")
    if len(set(score_columns)) != len(score_columns):
        raise ValueError("Each class needs its own score column: a column is mapped to two classes.")
    labels = frame[label]
    if labels.isna().any():
        row = int(np.argmax(labels.isna().to_numpy()))
        raise ValueError(f"The label column {label!r} is empty in row {row + 1}: every row needs a class.")
    texts = np.array([_class_text(v) for v in labels.tolist()], dtype=object)
    unknown = ~np.isin(texts, np.array(classes, dtype=object))
    if unknown.any():
        row = int(np.argmax(unknown))
        raise ValueError(
            f"Row {row + 1} has the label {texts[row]!r}, which is not among the classes "
            f"({', '.join(classes)})."
        )
    try:
        scores = frame[list(score_columns)].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "A score column holds text: every score must be a number (one column per class)."
        ) from None
    bad = ~np.isfinite(scores)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"The score column {score_columns[col]!r} is empty or not finite in row {row + 1}: every "
            f"score must be a number."
        )
    return texts.astype(str), scores
