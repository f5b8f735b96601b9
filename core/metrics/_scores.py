r"""Reading and validating score files: a CSV (or Parquet) file of labels and model scores ->
:class:`ScoreTable`.

A score file has one row per scored example: the true label, one or more model scores, and optionally
a weight (or count, for a table pre-aggregated by ``GROUP BY label, score``)::

    label,score            y;model_a;model_b        标签,分数,数量
    1,0.91                 yes;0,91;0,75            1,0.9,120
    0,0.12                 no;0,08;0,30             0,0.9,30

What is accepted, and how it is guessed:

- **Parquet**: recognised by its magic bytes ``PAR1`` (whatever the name) and read through its CSV form
  (``core.metrics._parquet``), so every rule below applies to its columns; ``encoding`` is ``"parquet"``.
- **Encoding**: UTF-8 with or without a byte-order mark, GBK (Excel on Chinese Windows), UTF-16 with a
  byte-order mark (Excel's "Unicode text"). Anything else, or binary data, is refused.
- **Delimiter**: comma, semicolon, tab or ``|``, sniffed from the header and the first lines (an Excel
  ``sep=;`` first line is honoured). With ``;`` or tab, numbers may use a decimal comma (``0,75``).
- **Label column**: the column named like ``label y y_true target class actual 标签 真实值`` (any case),
  else the only column with exactly two distinct values. The positive value is obvious for the pairs
  0/1, -1/1, true/false, t/f, yes/no, y/n, pos/neg, positive/negative (and 是/否, 真/假, 阳性/阴性); any
  other pair needs ``pos_label``. Case and surrounding spaces are ignored, and ``1`` equals ``1.0``.
- **Weight column** (optional): named like ``weight count n cnt sample_weight 权重 数量``. Weights are
  finite and non-negative.
- **Score columns**: every other numeric column, except id-like ones (``id``, ``index``, ``*_id``, a
  pandas index column with an empty name), or the ones named in ``score=``.

Errors are :class:`ScoreFileError` (a ``ValueError``) with one sentence naming the column, the row and
what to do. Rows are counted from 1 after the header; the message also gives the line of the file
(the header is line 1): ``row 17 (line 18 of the file)``.

Speed. The body is parsed once, by Apache Arrow's multithreaded CSV reader (the engine behind pandas'
``read_csv(engine="pyarrow")``, called directly for its decimal-comma option and explicit column
types), in slices of about 8 MB written straight into preallocated numpy arrays, so the peak memory
is the result plus one slice rather than the whole parsed table plus the result. Validation is
vectorised per slice. A slice that holds a non-numeric score is re-read as text to find and name the
bad row.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.metrics._parquet import (
    ParquetError,
    as_text,
    has_text_form,
    is_parquet,
    open_parquet,
    parquet_as_csv,
)

__all__ = [
    "EXAMPLES",
    "ColumnGuess",
    "ScoreFileError",
    "ScoreTable",
    "detect_columns",
    "load_scores",
]

# ---------------------------------------------------------------------------------------------------
# Bundled examples (made by scripts/make_examples.py; see data/examples/README.md)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "examples"
EXAMPLES: dict[str, Path] = {
    "balanced": EXAMPLES_DIR / "balanced.csv",
    "imbalanced": EXAMPLES_DIR / "imbalanced.csv",
    "two_models": EXAMPLES_DIR / "two_models.csv",
}

# ---------------------------------------------------------------------------------------------------
# Names and values the guessing relies on. Column names are compared after _norm().

_LABEL_NAMES = (
    "label", "labels", "y", "y_true", "ytrue", "target", "class", "actual", "truth", "ground_truth",
    "gt", "标签", "真实值", "真实标签", "类别", "目标",
)  # fmt: skip
_WEIGHT_NAMES = (
    "weight", "weights", "sample_weight", "w", "count", "counts", "cnt", "n", "freq", "frequency",
    "权重", "数量", "计数", "频数", "样本数",
)  # fmt: skip
_ID_NAMES = ("id", "index", "idx", "row", "row_id", "rowid", "key", "uid", "编号", "序号", "行号")
# A column is a score if most of its sample values are numbers (a stray "abc" then gives "row 17 is not
# a number" rather than "no score column"); if its name contains one of these, one number is enough.
_MOSTLY = 0.8
_SCORE_HINTS = ("score", "prob", "pred", "yhat", "logit", "margin", "分数", "得分", "概率", "预测")

# Label pairs whose positive value is obvious: {negative, positive} -> positive (canonical forms).
_KNOWN_PAIRS: dict[frozenset[str], str] = {
    frozenset(pair): pair[1]
    for pair in (
        ("0", "1"), ("-1", "1"), ("false", "true"), ("f", "t"), ("no", "yes"), ("n", "y"),
        ("neg", "pos"), ("negative", "positive"), ("否", "是"), ("假", "真"), ("阴性", "阳性"),
    )
}  # fmt: skip
# What pos_label=True / False may mean, in order of preference.
_TRUE_FORMS = ("true", "1", "yes", "t", "y", "pos", "positive")
_FALSE_FORMS = ("false", "0", "no", "f", "n", "neg", "negative")

# Cells that mean "no value" (compared after strip + lower). Arrow's null list is case-sensitive,
# so it gets the usual spellings.
_MISSING = frozenset(("", "na", "n/a", "nan", "-nan", "null", "none", "#n/a"))
_ARROW_NULLS = [
    "", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "-nan", "-NaN", "null", "NULL", "Null",
    "None", "none", "NONE", "#N/A",
]  # fmt: skip

# A number as Arrow's float parser reads it (after trimming; "nan" is a missing value, not a number).
_NUMBER_RE = r"^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity)$"
_NUMBER = re.compile(_NUMBER_RE, re.IGNORECASE)
_DECIMAL_COMMA_NUMBER = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")

_DELIMITERS = (",", ";", "\t", "|")

_SAMPLE_BYTES = 64 * 1024  # head of the file used to sniff delimiter, header and column types
_EXTRA_SAMPLE_BYTES = 16 * 1024  # middle and tail samples (a file sorted by label shows both classes)
_SAMPLE_ROWS = 2000
_SEGMENT_BYTES = 8 * 1024 * 1024  # slice of the body parsed at once (peak memory ~ result + 1 slice)
_BLOCK_BYTES = 1024 * 1024  # Arrow block: the unit of its parallel parsing
_MAX_LABEL_VALUES = 100  # more distinct labels than this: certainly not a binary label column

_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_NOT_CSV = "This does not look like a CSV text file"
_SAVE_AS = "save it from your spreadsheet or database as CSV (UTF-8) and try again"


# rows of a Parquet file that detect_columns looks at
_PARQUET_SAMPLE_ROWS = 20_000
_PARQUET_BATCH_ROWS = 1 << 20  # rows decoded at once (peak memory ~ result + one batch)


class ScoreFileError(ValueError):
    """A score file that cannot be used as it is; the message says where and what to do."""


@dataclass
class ScoreTable:
    """Labels, scores and weights read from a score file, validated.

    Attributes
    ----------
    y_true : np.ndarray of bool, shape (n_rows,)
        True for the positive class.
    scores : dict[str, np.ndarray of float64]
        One finite score array per model, keyed by column name, in file order.
    weight : np.ndarray of float64 or None
        Non-negative finite weights (or counts), or None when the file has no weight column.
    label_column, weight_column : str, str or None
        Columns the labels and weights came from.
    pos_label, neg_label : str
        The label values taken as positive and negative, as written in the file.
    n_rows : int
        Rows in the table (after dropping invalid rows, if asked to).
    n_dropped : int
        Rows dropped by ``drop_invalid=True`` (missing label, or missing/non-numeric/infinite score or
        weight).
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte-order mark), ``"gbk"``, ``"utf-16"``, ``"text"``
        when the source was an already decoded text stream, or ``"parquet"`` for a Parquet file.
    delimiter, decimal : str
        Field separator and decimal mark found in the file.
    columns : list[str]
        Every column of the file, in order (an empty header cell becomes ``"column <k>"``).
    """

    y_true: np.ndarray
    scores: dict[str, np.ndarray]
    weight: np.ndarray | None
    label_column: str
    weight_column: str | None
    pos_label: str
    neg_label: str
    n_rows: int
    n_dropped: int
    encoding: str
    delimiter: str
    decimal: str
    columns: list[str]

    @property
    def score_columns(self) -> list[str]:
        """Names of the score columns (the models), in file order."""
        return list(self.scores)

    @property
    def n_positive(self) -> int:
        """Number of positive rows (not weighted)."""
        return int(np.count_nonzero(self.y_true))

    @property
    def n_negative(self) -> int:
        """Number of negative rows (not weighted)."""
        return self.n_rows - self.n_positive


@dataclass(frozen=True)
class ColumnGuess:
    """What :func:`detect_columns` guessed from the header and a sample of rows.

    ``label``, ``scores``, ``weight`` and ``pos_label`` are what :func:`load_scores` would use with the
    same arguments; ``label`` or ``pos_label`` is None when it cannot be guessed, and ``notes`` then
    says why (one sentence each). ``label_values`` are the distinct label values seen in the sample.
    """

    columns: tuple[str, ...]
    numeric_columns: tuple[str, ...]
    label: str | None
    scores: tuple[str, ...]
    weight: str | None
    label_values: tuple[str, ...]
    pos_label: str | None
    neg_label: str | None
    encoding: str
    delimiter: str
    decimal: str
    notes: tuple[str, ...]


class _GuessError(ScoreFileError):
    """Automatic detection failed (detect_columns reports it as a note instead of raising)."""


# ---------------------------------------------------------------------------------------------------
# Public functions


def load_scores(
    source: str | os.PathLike | bytes | bytearray | memoryview | Any,
    *,
    label: str | None = None,
    score: str | Sequence[str] | None = None,
    weight: str | None = None,
    pos_label: Any = None,
    drop_invalid: bool = False,
) -> ScoreTable:
    """Read a score file and validate it.

    Parameters
    ----------
    source : path, bytes or file object
        A path (``str`` or ``Path``), the file's bytes, or a binary or text file object (read from its
        current position to the end).
    label : str, optional
        The label column. Default: guessed (see the module docstring).
    score : str or list of str, optional
        The score column(s). Default: every numeric column that is not the label, the weight or an id.
    weight : str, optional
        A weight or count column. Default: the column named like weight/count/n, if any.
    pos_label : str, int, float or bool, optional
        The label value that is positive; needed when the two values are not an obvious pair.
    drop_invalid : bool, default False
        Drop rows with a missing label or a missing, non-numeric or infinite score or weight (and count
        them in ``n_dropped``) instead of raising an error at the first one.

    Returns
    -------
    ScoreTable

    Raises
    ------
    ScoreFileError
        For every problem with the file, naming the column and the first bad row.
    """
    _check_arguments(label, score, weight, drop_invalid)
    parquet = None  # the open Parquet file (asked once: opening it moves a file object's position)
    if is_parquet(source):
        # the columns are picked on the first rows as CSV text (as detect_columns does), then read typed
        parquet = _open_parquet(source)
        doc = _Document.from_sample(_parquet_csv(parquet, max_rows=_PARQUET_SAMPLE_ROWS), [])
    else:
        data, text_source = _read_all(source)
        doc = _Document.from_bytes(data, text_source=text_source)
    label_col = _pick_label(doc, label)
    weight_col = _pick_weight(doc, weight, exclude={label_col, *_explicit_scores(doc, score)})
    score_cols = _pick_scores(doc, score, label_col, weight_col)
    if parquet is not None:
        table = _ParquetParser(doc, parquet, label_col, score_cols, weight_col, pos_label, drop_invalid).run()
        table.encoding = "parquet"
        return table
    return _Parser(doc, label_col, score_cols, weight_col, pos_label, drop_invalid).run()


def detect_columns(
    source: str | os.PathLike | bytes | bytearray | memoryview | Any,
    *,
    label: str | None = None,
    score: str | Sequence[str] | None = None,
    weight: str | None = None,
    pos_label: Any = None,
) -> ColumnGuess:
    """Guess the column mapping from the header and a sample of rows, without reading the whole file.

    Reads the first 64 KB and two 16 KB samples from the middle and the end (for a path or a seekable
    file object, only those bytes are read). Arguments given explicitly are checked against the header
    and used as they are, so a page can show the guess, let the user override it, and call this again.

    Returns
    -------
    ColumnGuess

    Raises
    ------
    ScoreFileError
        If the file is not a readable CSV (binary, empty, one column, no header) or an explicitly named
        column does not exist. A label or positive value that cannot be guessed is not an error here:
        it is None in the result, with a note.
    """
    _check_arguments(label, score, weight, False)
    parquet = is_parquet(source)
    if parquet:
        # the first rows of a Parquet file, as CSV (its columns are typed: no sampling of the middle)
        head, extras, text_source = _parquet_csv(source, max_rows=_PARQUET_SAMPLE_ROWS), [], False
    else:
        head, extras, text_source = _read_sample(source)
    doc = _Document.from_sample(head, extras, text_source=text_source)
    notes: list[str] = []
    label_col: str | None
    try:
        label_col = _pick_label(doc, label)
    except _GuessError as exc:
        label_col, notes = None, [*notes, str(exc)]
    weight_col = _pick_weight(doc, weight, exclude={label_col, *_explicit_scores(doc, score)})
    try:
        score_cols = tuple(_pick_scores(doc, score, label_col, weight_col))
    except _GuessError as exc:
        score_cols, notes = (), [*notes, str(exc)]
    values: tuple[str, ...] = ()
    pos = neg = None
    if label_col is not None:
        counts = doc.sample_label_counts(label_col)
        values = tuple(counts)
        try:
            pos, neg = _decide_classes(label_col, counts, pos_label, decimal=doc.decimal)
        except ScoreFileError as exc:
            notes.append(str(exc))
    return ColumnGuess(
        columns=tuple(doc.columns),
        numeric_columns=tuple(c for c in doc.columns if doc.is_numeric(c, share=_MOSTLY)),
        label=label_col,
        scores=score_cols,
        weight=weight_col,
        label_values=values,
        pos_label=pos,
        neg_label=neg,
        encoding="parquet" if parquet else doc.encoding,
        delimiter=doc.delimiter,
        decimal=doc.decimal,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------------
# Arguments and sources


def _parquet_csv(source: Any, max_rows: int | None = None) -> bytes:
    """A Parquet source as CSV bytes; an unreadable one is a ScoreFileError."""
    try:
        return parquet_as_csv(source, max_rows=max_rows)
    except ParquetError as exc:
        raise ScoreFileError(str(exc)) from None


def _open_parquet(source: Any) -> pq.ParquetFile:
    """A Parquet source opened (its footer read); an unreadable one is a ScoreFileError."""
    try:
        return open_parquet(source)
    except ParquetError as exc:
        raise ScoreFileError(str(exc)) from None


def _check_arguments(label: Any, score: Any, weight: Any, drop_invalid: Any) -> None:
    for name, value in (("label", label), ("weight", weight)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} must be a column name (a string), not {value!r}.")
    if score is not None:
        names = [score] if isinstance(score, str) else score
        if not isinstance(names, Sequence) or not names or not all(isinstance(s, str) for s in names):
            raise ValueError(f"score must be a column name or a non-empty list of names, not {score!r}.")
    if not isinstance(drop_invalid, bool | np.bool_):
        raise ValueError(f"drop_invalid must be True or False, not {drop_invalid!r}.")


def _open_error(path: Any, exc: OSError) -> ScoreFileError:
    return ScoreFileError(f"Cannot read the file '{path}': {exc.strerror or exc}.")


def _read_all(source: Any) -> tuple[bytes | bytearray, bool]:
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


def _read_sample(source: Any) -> tuple[bytes, list[bytes], bool]:
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
            data, text_source = _read_all(source)
        finally:
            source.seek(start)
    else:
        data, text_source = _read_all(source)
    return (*_sample_from_bytes(data), text_source)


def _seekable(handle: Any) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _sample_from_handle(handle: Any) -> tuple[bytes, list[bytes]] | None:
    """Samples read from a seekable binary file (None if it turns out to give text)."""
    start = handle.tell()
    head = handle.read(_SAMPLE_BYTES)
    if isinstance(head, str):
        return None
    size = handle.seek(0, io.SEEK_END) - start
    if size <= _SAMPLE_BYTES + 2 * _EXTRA_SAMPLE_BYTES:
        handle.seek(start)
        return _sample_from_bytes(handle.read())
    extras = []
    for offset in (start + size // 2, start + size - _EXTRA_SAMPLE_BYTES):
        handle.seek(offset)
        extras.append(handle.read(_EXTRA_SAMPLE_BYTES))
    return head, extras


def _sample_from_bytes(data: bytes | bytearray) -> tuple[bytes, list[bytes]]:
    size = len(data)
    head = bytes(data[:_SAMPLE_BYTES])
    if size <= _SAMPLE_BYTES:
        return head, []
    middle = size // 2
    return head, [
        bytes(data[middle : middle + _EXTRA_SAMPLE_BYTES]),
        bytes(data[max(_SAMPLE_BYTES, size - _EXTRA_SAMPLE_BYTES) :]),
    ]


# ---------------------------------------------------------------------------------------------------
# Encoding, header, delimiter


def _check_binary(head: bytes | bytearray) -> None:
    """Refuse well-known binary formats and data with NUL or many control bytes."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ScoreFileError(f"{_NOT_CSV}: it looks like {what}; {_SAVE_AS}.")
    sample = bytes(head[:_SAMPLE_BYTES])
    control = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if b"\x00" in sample or control > max(2, len(sample) // 1000):
        raise ScoreFileError(f"{_NOT_CSV} (it contains binary data); {_SAVE_AS}.")


def _first_non_ascii(buf: bytes | bytearray, start: int) -> int:
    """Offset of the first byte >= 128 in buf[start:], or -1 (no copy of buf)."""
    if start == 0 and buf.isascii():
        return -1
    view = np.frombuffer(buf, dtype=np.uint8)
    step = 1 << 23
    for lo in range(start, len(view), step):
        chunk = view[lo : lo + step]
        if chunk.max(initial=0) >= 128:
            return lo + int(np.argmax(chunk >= 128))
    return -1


def _whole_lines(data: bytes) -> bytes:
    """data cut after its last line end (so no multi-byte character is split), if it has one."""
    last = max(data.rfind(b"\n"), data.rfind(b"\r"))
    return data[: last + 1] if last > 0 else data


def _is_utf8_near(buf: bytes | bytearray, pos: int) -> bool:
    """Whether the lines from the one holding buf[pos] on (64 KB of them) are valid UTF-8."""
    line_start = max(buf.rfind(b"\n", 0, pos), buf.rfind(b"\r", 0, pos)) + 1
    window = bytes(buf[line_start : line_start + _SAMPLE_BYTES])
    if line_start + _SAMPLE_BYTES < len(buf):
        window = _whole_lines(window)
    try:
        window.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _transcode(buf: bytes | bytearray, start: int, codec: str) -> bytes:
    """buf[start:] decoded with codec and re-encoded as UTF-8, in slices (bounded extra memory)."""
    decoder = codecs.getincrementaldecoder(codec)()
    parts = []
    step = 1 << 23
    with memoryview(buf) as view:
        for lo in range(start, len(buf), step):
            try:
                text = decoder.decode(view[lo : lo + step], final=lo + step >= len(buf))
            except UnicodeDecodeError as exc:
                raise ScoreFileError(
                    f"{_NOT_CSV}: it is neither UTF-8 nor GBK text (undecodable bytes near byte "
                    f"{lo + exc.start:,}); {_SAVE_AS}."
                ) from exc
            parts.append(text.encode("utf-8"))
    return b"".join(parts)


def _detect_encoding(
    data: bytes | bytearray, *, text_source: bool, partial: bool
) -> tuple[bytes | bytearray, int, str, str]:
    """(buffer for Arrow, offset past any BOM, encoding to report, codec of the header and samples).

    UTF-8 is tried first, GBK second. The buffer is the input itself unless the rows must be
    transcoded to UTF-8 (UTF-16, or GBK with non-ASCII data rows). Only the first non-ASCII line is
    test-decoded: Arrow checks the UTF-8 of the text columns it reads, and numbers are ASCII.
    partial: data is only the head of the file (detect_columns), so nothing is transcoded.
    """
    if text_source:
        return data, 3 if data.startswith(codecs.BOM_UTF8) else 0, "text", "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = bytes(data).decode("utf-16", errors="ignore" if partial else "strict")
        except UnicodeDecodeError as exc:
            raise ScoreFileError(f"{_NOT_CSV} (broken UTF-16 text); {_SAVE_AS}.") from exc
        converted = text.encode("utf-8")
        _check_binary(converted[:_SAMPLE_BYTES])
        return converted, 0, "utf-16", "utf-8"
    _check_binary(data[:_SAMPLE_BYTES])
    if b"\x00" in data:
        raise ScoreFileError(f"{_NOT_CSV} (it contains binary data); {_SAVE_AS}.")
    if data.startswith(codecs.BOM_UTF8):
        return data, 3, "utf-8-sig", "utf-8"
    first_high = _first_non_ascii(data, 0)
    if first_high < 0 or _is_utf8_near(data, first_high):
        return data, 0, "utf-8", "utf-8"
    try:
        _whole_lines(bytes(data[: first_high + _SAMPLE_BYTES])).decode("gbk")
    except UnicodeDecodeError as exc:
        raise ScoreFileError(f"{_NOT_CSV} (it is neither UTF-8 nor GBK text); {_SAVE_AS}.") from exc
    if partial or _first_non_ascii(data, _Document.header_end(data, 0)) < 0:
        return data, 0, "gbk", "gbk"  # only the header is Chinese: Arrow reads the ASCII rows as they are
    return _transcode(data, 0, "gbk"), 0, "gbk", "utf-8"


def _split_line(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _is_number(text: str, decimal: str) -> bool:
    text = text.strip()
    if decimal == ",":
        text = text.replace(",", ".")
    return bool(_NUMBER.match(text))


def _to_float(text: str, decimal: str) -> float:
    return float(text.strip().replace(",", ".") if decimal == "," else text.strip())


@dataclass
class _Document:
    """A score file after decoding and sniffing: what the parser and the guessing need."""

    buf: bytes | bytearray  # what Arrow parses: UTF-8 (or an ASCII body under a GBK header)
    body_start: int  # offset in buf of the first data row
    newline: bytes
    encoding: str
    delimiter: str
    decimal: str
    columns: list[str]
    sample: dict[str, list[str]]  # column -> sample values (stripped), head + middle + tail
    quoted: bool  # the body contains a quote character

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes | bytearray, *, text_source: bool = False) -> _Document:
        """The whole file: encoding checked (GBK rows transcoded to UTF-8) and header sniffed."""
        buf, start, encoding, codec = _detect_encoding(data, text_source=text_source, partial=False)
        extras: list[bytes] = []
        size = len(buf) - start
        if size > _SAMPLE_BYTES + 2 * _EXTRA_SAMPLE_BYTES:
            middle = start + size // 2
            extras = [
                bytes(buf[middle : middle + _EXTRA_SAMPLE_BYTES]),
                bytes(buf[len(buf) - _EXTRA_SAMPLE_BYTES :]),
            ]
        return cls._sniff(buf, start, codec=codec, encoding=encoding, extras=extras, partial=False)

    @classmethod
    def from_sample(cls, head: bytes, extras: list[bytes], *, text_source: bool = False) -> _Document:
        """Only the head and a few samples of the file: the encoding is judged on the head."""
        buf, start, encoding, codec = _detect_encoding(head, text_source=text_source, partial=True)
        if encoding == "utf-16":
            extras = [e.decode(_utf16_codec(head), errors="ignore").encode("utf-8") for e in extras]
        partial = bool(extras) or len(head) >= _SAMPLE_BYTES
        return cls._sniff(buf, start, codec=codec, encoding=encoding, extras=extras, partial=partial)

    @staticmethod
    def _skip_blank_and_sep(buf: bytes | bytearray, start: int) -> tuple[int, str | None]:
        """(offset of the header line, delimiter given by an Excel 'sep=;' first line)."""
        pos, forced = start, None
        while pos < len(buf):
            end = _line_end(buf, pos)
            line = bytes(buf[pos:end]).strip(b"\r\n")
            if not line.strip():
                pos = end
                continue
            if forced is None and line[:4].lower() == b"sep=" and len(line) == 5:
                forced = line[4:5].decode("ascii", errors="replace")
                pos = end
                continue
            break
        return pos, forced

    @classmethod
    def header_end(cls, buf: bytes | bytearray, start: int) -> int:
        """Offset just past the header line."""
        pos, _ = cls._skip_blank_and_sep(buf, start)
        return _line_end(buf, pos)

    @classmethod
    def _sniff(
        cls,
        buf: bytes | bytearray,
        start: int,
        *,
        codec: str,
        encoding: str,
        extras: list[bytes],
        partial: bool,
    ) -> _Document:
        """Header, delimiter, decimal mark and a sample of rows (partial: buf is only the file's head)."""
        if not bytes(buf[start : start + _SAMPLE_BYTES]).strip():
            raise ScoreFileError("The file is empty: it needs a header line (e.g. label,score) and rows.")
        header_at, forced = cls._skip_blank_and_sep(buf, start)
        body_start = _line_end(buf, header_at)
        newline = b"\r" if buf[body_start - 1 : body_start] == b"\r" else b"\n"
        head = bytes(buf[body_start : body_start + _SAMPLE_BYTES])
        truncated = partial or body_start + _SAMPLE_BYTES < len(buf)  # the last sample row may be cut
        if truncated:
            head = _whole_lines(head)
        try:
            header_text = bytes(buf[header_at:body_start]).decode(codec).strip("\r\n")
            head_text = head.decode(codec)
        except UnicodeDecodeError as exc:
            raise ScoreFileError(f"{_NOT_CSV} (it is neither UTF-8 nor GBK text); {_SAVE_AS}.") from exc
        all_lines = re.split(r"\r\n|\r|\n", head_text)
        lines = [ln for ln in all_lines if ln.strip()][:_SAMPLE_ROWS]

        delimiter = forced or _sniff_delimiter(header_text, lines)
        header = [c.strip() for c in _split_line(header_text, delimiter)]
        if len(header) < 2:
            raise ScoreFileError(
                f"The file has only one column ({header[0]!r} on its first line): it needs a label column "
                "and at least one score column, separated by commas, semicolons or tabs."
            )
        if not lines:
            raise ScoreFileError(
                f"The file has a header ({', '.join(header)}) but no data rows: add rows below the header."
            )
        width = len(header)
        rows = []
        reader = csv.reader(io.StringIO(head_text, newline=""), delimiter=delimiter)
        for row in reader:
            if row and len(row) != width and not (truncated and reader.line_num >= len(all_lines) - 1):
                line = buf.count(newline, 0, header_at) + 1 + reader.line_num
                raise _width_error(line, len(row), width, delimiter.join(row), delimiter)
            if len(row) == width:
                rows.append(row)
        for extra in extras:
            parts = re.split(r"\r\n|\r|\n", extra.decode(codec, errors="replace"))[1:-1]  # whole lines
            rows.extend(r for r in csv.reader(parts, delimiter=delimiter) if len(r) == width)
        decimal = "."
        if delimiter != "," and any(_DECIMAL_COMMA_NUMBER.match(v.strip()) for r in rows[:200] for v in r):
            decimal = ","
        if all(_is_number(name, decimal) for name in header if name):
            raise ScoreFileError(
                f"The first line ({header_text[:60]!r}) looks like data, not column names: add a header "
                "line such as label,score at the top of the file."
            )
        columns = [name or f"column {k}" for k, name in enumerate(header, start=1)]
        if len(set(columns)) != len(columns):
            twice = next(c for c in columns if columns.count(c) > 1)
            raise ScoreFileError(
                f"The file has two columns named {twice!r}: rename one so each column has its own name."
            )
        return cls(
            buf=buf,
            body_start=body_start,
            newline=newline,
            encoding=encoding,
            delimiter=delimiter,
            decimal=decimal,
            columns=columns,
            sample={name: [row[k].strip() for row in rows] for k, name in enumerate(columns)},
            quoted=buf.find(b'"', body_start) >= 0,
        )

    # -- questions about the sample --------------------------------------------------------------

    def is_numeric(self, column: str, *, share: float = 1.0) -> bool:
        """At least `share` of the non-missing sample values (and at least one) are numbers."""
        values = [v for v in self.sample[column] if v.lower() not in _MISSING]
        numbers = sum(_is_number(v, self.decimal) for v in values)
        return numbers > 0 and numbers >= share * len(values)

    def sample_label_counts(self, column: str) -> dict[str, int]:
        """Distinct non-missing values of a column in the sample, with counts, in order of appearance."""
        counts: dict[str, int] = {}
        for value in self.sample[column]:
            if value.lower() not in _MISSING:
                counts[value] = counts.get(value, 0) + 1
        return counts

    def resolve(self, name: str, role: str) -> str:
        """The column called name (exact, else unique case-insensitive match), or a clear error."""
        if name in self.columns:
            return name
        matches = [c for c in self.columns if _norm(c) == _norm(name)]
        if len(matches) == 1:
            return matches[0]
        listed = ", ".join(repr(c) for c in self.columns)
        raise ScoreFileError(f"There is no {role} column {name!r} in the file; its columns are: {listed}.")


def _utf16_codec(head: bytes) -> str:
    return "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"


def _line_end(buf: bytes | bytearray, pos: int) -> int:
    """Offset just past the line starting at pos (handles \\n, \\r\\n and \\r)."""
    n = buf.find(b"\n", pos)
    r = buf.find(b"\r", pos)
    if n < 0 and r < 0:
        return len(buf)
    if n < 0 or (0 <= r < n - 1):
        return r + 1
    return n + 1


def _sniff_delimiter(header: str, lines: list[str]) -> str:
    """The delimiter that splits the header into >= 2 fields and the most sample lines alike."""
    best, best_key = ",", None
    for rank, delimiter in enumerate(_DELIMITERS):
        width = len(_split_line(header, delimiter))
        if width < 2:
            continue
        rows = [r for r in csv.reader(lines[:200], delimiter=delimiter) if r]
        agree = sum(len(r) == width for r in rows)
        key = (agree == len(rows), agree, width, -rank)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


# ---------------------------------------------------------------------------------------------------
# Choosing the columns


def _id_like(name: str) -> bool:
    norm = _norm(name)
    return (
        norm in _ID_NAMES
        or norm.endswith("_id")
        or norm.startswith("unnamed:")
        or re.fullmatch(r"column \d+", name) is not None
    )


def _score_like(name: str) -> bool:
    return any(hint in _norm(name) for hint in _SCORE_HINTS)


def _by_name(doc: _Document, names: tuple[str, ...], exclude: set[str | None]) -> str | None:
    normalised = {_norm(c): c for c in doc.columns if c not in exclude}
    for name in names:
        if name in normalised:
            return normalised[name]
    return None


def _pick_label(doc: _Document, label: str | None) -> str:
    if label is not None:
        return doc.resolve(label, "label")
    named = _by_name(doc, _LABEL_NAMES, set())
    if named is not None:
        return named
    weight_named = _by_name(doc, _WEIGHT_NAMES, set())
    two_valued = [
        c
        for c in doc.columns
        if c != weight_named
        and not _id_like(c)
        and not _score_like(c)
        and len({_canonical(v, doc.decimal) for v in doc.sample_label_counts(c)}) == 2
    ]
    if len(two_valued) > 1:  # a text column with two values beats numeric ones (0/1 predictions)
        textual = [c for c in two_valued if not doc.is_numeric(c)]
        two_valued = textual if len(textual) == 1 else two_valued
    if len(two_valued) == 1:
        return two_valued[0]
    listed = ", ".join(repr(c) for c in doc.columns)
    if len(two_valued) > 1:
        both = " and ".join(repr(c) for c in two_valued)
        raise _GuessError(
            f"Cannot tell which column holds the labels: {both} each take two values. "
            "Choose the label column."
        )
    raise _GuessError(
        f"No label column found among {listed}: name it label (or y, target, class), or choose it."
    )


def _explicit_scores(doc: _Document, score: str | Sequence[str] | None) -> list[str]:
    """The score columns the caller named (an automatic weight column must not take one of them)."""
    if score is None:
        return []
    return [doc.resolve(name, "score") for name in ([score] if isinstance(score, str) else score)]


def _pick_weight(doc: _Document, weight: str | None, exclude: set[str | None]) -> str | None:
    if weight is not None:
        column = doc.resolve(weight, "weight")
        if column in exclude:
            raise ScoreFileError(f"The column {column!r} cannot be the weight: it is the label or a score.")
        return column
    named = _by_name(doc, _WEIGHT_NAMES, exclude)
    return named if named is not None and doc.is_numeric(named, share=0.0) else None


def _pick_scores(
    doc: _Document, score: str | Sequence[str] | None, label: str | None, weight: str | None
) -> list[str]:
    if score is not None:
        names = [score] if isinstance(score, str) else list(score)
        columns = [doc.resolve(name, "score") for name in names]
        for column in columns:
            if column in (label, weight):
                role = "label" if column == label else "weight"
                raise ScoreFileError(f"The column {column!r} is the {role}; it cannot also be a score.")
        if len(set(columns)) != len(columns):
            raise ScoreFileError(f"A score column is named twice in {names!r}.")
        return columns
    columns = [
        c
        for c in doc.columns
        if c not in (label, weight)
        and not _id_like(c)
        and doc.is_numeric(c, share=0.0 if _score_like(c) else _MOSTLY)
    ]
    if not columns:
        others = ", ".join(repr(c) for c in doc.columns if c not in (label, weight)) or "none"
        raise _GuessError(
            f"No numeric score column found besides the label {label!r} (other columns: {others}). "
            "Choose the score column."
        )
    return columns


# ---------------------------------------------------------------------------------------------------
# Label values


def _canonical(value: str, decimal: str = ".") -> str:
    """The form label values are compared in: stripped, lower case, numbers written plainly (1.0 -> 1)."""
    text = value.strip().lower()
    if _is_number(text, decimal):
        number = _to_float(text, decimal)
        return str(int(number)) if number.is_integer() else repr(number)
    return text


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _format_values(values: Any) -> str:
    return "{" + ", ".join(repr(v) for v in sorted(values)) + "}"


def _decide_classes(column: str, counts: dict[str, int], pos_label: Any, *, decimal: str) -> tuple[str, str]:
    """(positive, negative) label values as written, from the distinct values and their counts."""
    classes: dict[str, list[Any]] = {}  # canonical -> [first raw value, count]
    for raw, count in counts.items():
        entry = classes.setdefault(_canonical(raw, decimal), [raw, 0])
        entry[1] += count
    if not classes:
        raise ScoreFileError(f"The label column {column!r} has no values: every label is missing.")
    if len(classes) == 1:
        (raw, count), = classes.values()  # fmt: skip
        raise ScoreFileError(
            f"The label column {column!r} has only one value, {raw!r} ({_rows(count)}): an evaluation "
            "needs both positive and negative rows. Check the label column, or add rows of the other class."
        )
    if len(classes) > 2:
        shown = sorted(classes.values(), key=lambda e: -e[1])
        listed = ", ".join(f"{raw!r}: {_rows(count)}" for raw, count in shown[:5])
        more = f", and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise ScoreFileError(
            f"The label column {column!r} takes {len(classes)} different values ({listed}{more}): a binary "
            "evaluation needs exactly two. Choose another label column, or map the classes to two "
            "(e.g. one class against the rest) first."
        )
    (canon_a, (raw_a, _)), (canon_b, (raw_b, _)) = sorted(classes.items())
    if pos_label is None:
        positive = _KNOWN_PAIRS.get(frozenset((canon_a, canon_b)))
        if positive is None:
            raise ScoreFileError(
                f"The label column {column!r} takes values {_format_values([raw_a, raw_b])}: pass pos_label "
                "to say which one is positive."
            )
    else:
        if isinstance(pos_label, bool | np.bool_):
            forms = _TRUE_FORMS if pos_label else _FALSE_FORMS
            wanted = [f for f in forms if f in (canon_a, canon_b)][:1]
        else:
            wanted = [_canonical(str(pos_label), decimal)]
        if not wanted or wanted[0] not in (canon_a, canon_b):
            raise ScoreFileError(
                f"pos_label {pos_label!r} is not one of the values of the label column {column!r}: "
                f"{_format_values([raw_a, raw_b])}."
            )
        positive = wanted[0]
    if positive == canon_a:
        return raw_a, raw_b
    return raw_b, raw_a


# ---------------------------------------------------------------------------------------------------
# The parser


class _Parser:
    """Parses the body in slices with Arrow, straight into preallocated numpy arrays."""

    def __init__(
        self,
        doc: _Document,
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
                    null_values=_ARROW_NULLS,
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

    def _complete(self, codes: np.ndarray, out: dict[str, np.ndarray], kept: int, seen: int) -> ScoreTable:
        """The table from every batch decoded (``seen`` rows read, ``kept`` valid), or why there is none."""
        doc = self.doc
        if seen == 0:
            raise ScoreFileError(
                f"The file has a header ({', '.join(doc.columns)}) but no data rows: add rows below "
                "the header."
            )
        if kept == 0:
            raise ScoreFileError(
                f"Every one of the {seen:,} rows is invalid (missing label, or missing, non-numeric or "
                "infinite score), so nothing is left to evaluate."
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
                    f"The label column {self.label!r} takes more than {_MAX_LABEL_VALUES} different "
                    f"values ({shown}, ...): it does not look like a binary label. Choose the label column."
                )
            code = self.code_of[value] = len(self.values)
            self.values.append(value)
            self.missing_code.append(value.strip().lower() in _MISSING)
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
        pos, neg = _decide_classes(self.label, counts, self.pos_label, decimal=self.doc.decimal)
        positive_canon = _canonical(pos, self.doc.decimal)
        y_true = np.zeros(kept, dtype=bool)
        for code, value in enumerate(self.values):
            if not self.missing_code[code] and _canonical(value, self.doc.decimal) == positive_canon:
                y_true |= codes == code
        arrays = {name: _trim(out[name], kept) for name in self.numeric}
        weight = arrays.pop(self.weight_col) if self.weight_col else None
        if weight is not None:
            weighted = weight > 0
            for cls_name, mask in ((pos, y_true), (neg, ~y_true)):
                if not np.any(weighted & mask):
                    raise ScoreFileError(
                        f"Every row with label {cls_name!r} has weight 0 in column {self.weight_col!r}: an "
                        "evaluation needs positive and negative rows with some weight."
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
        return self._invalid_at(column, where, lambda: self._raw(lo, hi, row_in_segment, column))

    def _invalid_at(self, column: str, where: str, raw_value: Callable[[], str]) -> ScoreFileError:
        """The error for an invalid cell of ``column`` at ``where`` (``raw_value()``: the cell's text)."""
        fix = "fix or remove that row, or drop invalid rows (drop_invalid=True) to skip every such row."
        if column == self.label:
            return ScoreFileError(f"The label column {column!r} is missing in {where}: {fix}")
        raw = raw_value()
        role = "weight" if column == self.weight_col else "score"
        if raw.lower() in _MISSING:
            what = "is empty" if raw == "" else f"is missing ({raw!r})"
        elif _is_number(raw, self.doc.decimal):
            what = f"is infinite ({raw!r})"
        else:
            what = f"has {raw!r}, which is not a number,"
            if self.doc.decimal == "." and _DECIMAL_COMMA_NUMBER.match(raw):
                fix = "write numbers with a decimal point (0.75), or " + fix
        return ScoreFileError(f"The {role} column {column!r} {what} in {where}: {fix}")

    def _negative_weight(
        self, lo: int, hi: int, row_in_segment: int, row: int, value: float
    ) -> ScoreFileError:
        return self._negative_weight_at(self._where(lo, hi, row_in_segment, row), value)

    def _negative_weight_at(self, where: str, value: float) -> ScoreFileError:
        return ScoreFileError(
            f"The weight column {self.weight_col!r} is negative ({value:g}) in {where}: weights and counts "
            "must be zero or more."
        )

    def _parse_error(self, lo: int, hi: int, exc: Exception) -> ScoreFileError:
        try:
            bytes(self.doc.buf[lo:hi]).decode("utf-8")
        except UnicodeDecodeError as bad:
            line = self.doc.buf.count(self.doc.newline, 0, lo + bad.start) + 1
            return ScoreFileError(
                f"{_NOT_CSV}: line {line:,} has bytes that are not UTF-8 text (the lines before are); "
                f"{_SAVE_AS}."
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
            return ScoreFileError(f"The file could not be read as CSV ({detail}); {_SAVE_AS}.")
        row = found[0]
        line = _line_of_row(self.doc, lo, hi, row.number - 1)
        return _width_error(line, row.actual_columns, row.expected_columns, row.text, self.doc.delimiter)


class _ParquetParser(_Parser):
    """Reads a Parquet file's typed columns batch by batch into the same arrays, by the same rules.

    Only the label, score and weight columns are decoded, one row batch at a time, with no CSV text:
    integers and floats are cast to float64 exactly (a float32 score keeps its value,
    as DuckDB reads it), text columns are parsed as the CSV reader parses its cells, and the label is
    the text the CSV form of the file would hold (``1`` for 1.0, ``true`` for a boolean), so the label
    values, the positive class and every error are those of the CSV reader; a row is named by its
    number in the file.
    """

    def __init__(
        self,
        doc: _Document,
        parquet: pq.ParquetFile,
        label: str,
        scores: list[str],
        weight: str | None,
        pos_label: Any,
        drop_invalid: bool,
    ) -> None:
        super().__init__(doc, label, scores, weight, pos_label, drop_invalid)
        self.parquet = parquet
        # doc.columns is the file's schema in order (an empty name shows as "column k")
        names = parquet.schema_arrow.names
        self.field_of = {column: names[doc.columns.index(column)] for column in [label, *self.numeric]}

    def run(self) -> ScoreTable:
        capacity = self.parquet.metadata.num_rows
        codes = np.empty(capacity, dtype=np.int8)
        out = {name: np.empty(capacity, dtype=np.float64) for name in self.numeric}
        kept = seen = 0
        batches = self.parquet.iter_batches(
            batch_size=_PARQUET_BATCH_ROWS, columns=list(dict.fromkeys(self.field_of.values()))
        )
        try:
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                columns = {self.label: _label_text(batch.column(self.field_of[self.label]))}
                text_columns = set()
                for name in self.numeric:
                    columns[name], as_text = _parquet_numbers(batch.column(self.field_of[name]))
                    if as_text:
                        text_columns.add(name)
                fail = functools.partial(self._parquet_fail, seen, columns)
                kept += self._add_batch(columns, text_columns, codes, out, kept, fail)
                seen += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            message = f"The file starts like Parquet but cannot be read as Parquet: {exc}"
            raise ScoreFileError(message) from None
        return self._complete(codes, out, kept, seen)

    def _parquet_fail(
        self, seen: int, columns: dict[str, pa.Array], column: str | None, i: int, value: float = 0.0
    ) -> ScoreFileError:
        where = f"row {seen + i + 1:,} of the file"
        if column is None:
            return self._negative_weight_at(where, value)

        def raw() -> str:
            cell = columns[column][i].as_py()
            return "" if cell is None else str(cell).strip()

        return self._invalid_at(column, where, raw)


def _label_text(column: pa.Array) -> pa.Array:
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


def _count_lines(buf: bytes | bytearray, start: int) -> int:
    """Lines in buf[start:] as Arrow splits them: on \\n, \\r\\n and a lone \\r."""
    lines = buf.count(b"\n", start) + 1
    carriage_returns = buf.count(b"\r", start)
    if carriage_returns:
        lines += carriage_returns - buf.count(b"\r\n", start)
    return lines


def _width_error(line: int, actual: int, expected: int, text: str, delimiter: str) -> ScoreFileError:
    hint = ""
    if delimiter == "," and actual > expected:
        hint = (
            " If the numbers use a decimal comma (0,75), separate the columns with semicolons or tabs, or"
            " quote the numbers."
        )
    return ScoreFileError(
        f"Line {line:,} of the file has {actual} fields where the header has {expected} "
        f"({text[:60]!r}).{hint}"
    )


def _trim(array: np.ndarray, n: int) -> np.ndarray:
    """array[:n], copied when that frees a noticeable part of the preallocated array."""
    return array[:n].copy() if n < 0.9 * len(array) else array[:n]


def _text_to_float(column: pa.Array, decimal: str) -> pa.Array:
    """Text cells -> float64, null where a cell is missing or not a number (same rules as Arrow's)."""
    text = pc.utf8_trim_whitespace(column)
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    ok = pc.match_substring_regex(text, _NUMBER_RE, ignore_case=True)
    return pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())


def _line_of_row(doc: _Document, lo: int, hi: int, row_in_segment: int) -> int:
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
