"""What a score file becomes, and the rules every stage of the reader shares.

:class:`ScoreTable` (the validated labels, scores and weights), :class:`ScoreFileError` (one sentence
naming the column, the row and what to do), and what a cell means: which texts are missing values and
which are numbers (the same rules for the sniffing, the column guessing and both parsers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.errors import InputError

# Cells that mean "no value" (compared after strip + lower). Arrow's null list is case-sensitive,
# so it gets the usual spellings.
MISSING = frozenset(("", "na", "n/a", "nan", "-nan", "null", "none", "#n/a"))
ARROW_NULLS = [
    "", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "-nan", "-NaN", "null", "NULL", "Null",
    "None", "none", "NONE", "#N/A",
]  # fmt: skip

# A number as Arrow's float parser reads it (after trimming; "nan" is a missing value, not a number).
NUMBER_RE = r"^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity)$"
_NUMBER = re.compile(NUMBER_RE, re.IGNORECASE)
DECIMAL_COMMA_NUMBER = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")

NOT_CSV = "This does not look like a CSV text file"
SAVE_AS = "save it from your spreadsheet or database as CSV (UTF-8) and try again"


class ScoreFileError(InputError):
    """A score file that cannot be used as it is; the message says where and what to do.

    Raised as ``ScoreFileError("metrics.<name>", "<English sentence>", **values)``: a page says it in its
    language with the locale string ``metrics.error_<name>`` (``tests/metrics/test_error_sentences.py``
    checks every such call has its sentence in both languages). A sentence composed of parts (a row's
    problem, where it is and what to do) is raised with its English text alone, ``ScoreFileError(text)``
    (code ``metrics.score_file``, which has no locale sentence: a page shows the English text).
    """

    def __init__(self, code_or_message: str, message: str | None = None, **values: object) -> None:
        if message is None:
            super().__init__("metrics.score_file", code_or_message)
        else:
            super().__init__(code_or_message, message, **values)


def is_number(text: str, decimal: str) -> bool:
    """Whether a cell's text is a number (``decimal``: the file's decimal mark)."""
    text = text.strip()
    if decimal == ",":
        text = text.replace(",", ".")
    return bool(_NUMBER.match(text))


def to_float(text: str, decimal: str) -> float:
    return float(text.strip().replace(",", ".") if decimal == "," else text.strip())


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
