r"""Reading and validating score files: a CSV (or Parquet) file of labels and model scores ->
:class:`ScoreTable`.

A score file has one row per scored example: the true label, one or more model scores, and optionally
a weight (or count, for a table pre-aggregated by ``GROUP BY label, score``)::

    label,score            y;model_a;model_b        标签,分数,数量
    1,0.91                 yes;0,91;0,75            1,0.9,120
    0,0.12                 no;0,08;0,30             0,0.9,30

What is accepted, and how it is guessed:

- **Parquet**: recognised by its magic bytes ``PAR1`` (whatever the name); its columns are guessed from
  its schema and first typed rows and read typed, giving what its CSV form would give
  (``core.metrics._parquet_parser``), so every rule below applies to its columns; ``encoding`` is
  ``"parquet"``.
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

Where each part lives (each private):

* ``_sources``: paths, bytes and file objects, read whole or sampled; Parquet told by its magic bytes;
* ``_sniff``: a CSV file's encoding, delimiter, decimal mark, header and sample rows;
* ``_columns``: the column guessing and the positive class (:class:`ColumnGuess`);
* ``_csv_parser``: the body parsed by Apache Arrow's multithreaded CSV reader, in slices of about 8 MB
  written straight into preallocated numpy arrays (peak memory: the result plus one slice);
* ``_parquet_parser``: a Parquet file's columns guessed from its schema and typed values, its rows read
  typed, batch by batch;
* ``_batches``: the arrays both parsers fill, the validation (vectorised per batch) and the classes;
* ``_score_file``: :class:`ScoreTable`, :class:`ScoreFileError` and what a cell means.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.metrics._columns import ColumnGuess, choose_columns, guess_columns
from core.metrics._csv_parser import CsvParser
from core.metrics._parquet_parser import ParquetParser, ParquetSample
from core.metrics._score_file import ScoreFileError, ScoreTable
from core.metrics._sniff import Document
from core.metrics._sources import EXAMPLES, is_parquet, open_parquet, read_all, read_sample

__all__ = [
    "EXAMPLES",
    "ColumnGuess",
    "ScoreFileError",
    "ScoreTable",
    "detect_columns",
    "load_scores",
]


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
    if is_parquet(source):
        # the columns are guessed on the schema and the first rows, then every row is read typed
        sample = ParquetSample(open_parquet(source))
        label_col, score_cols, weight_col = choose_columns(sample, label, score, weight)
        return ParquetParser(sample, label_col, score_cols, weight_col, pos_label, drop_invalid).run()
    data, text_source = read_all(source)
    doc = Document.from_bytes(data, text_source=text_source)
    label_col, score_cols, weight_col = choose_columns(doc, label, score, weight)
    return CsvParser(doc, label_col, score_cols, weight_col, pos_label, drop_invalid).run()


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
    sample: ParquetSample | Document
    if is_parquet(source):
        sample = ParquetSample(open_parquet(source))  # typed columns: no sampling of the middle
    else:
        head, extras, text_source = read_sample(source)
        sample = Document.from_sample(head, extras, text_source=text_source)
    return guess_columns(
        sample,
        label=label,
        score=score,
        weight=weight,
        pos_label=pos_label,
        encoding=sample.encoding,
        delimiter=sample.delimiter,
    )


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
