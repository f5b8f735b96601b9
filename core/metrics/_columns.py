"""Which column is the label, which are the scores and the weight, and which label value is positive.

The guessing works on a :class:`ColumnSample`: the column names of a file and a sample of its values,
whatever the format (the CSV sniffer's sample of text rows, ``core.metrics._sniff``; a Parquet file's
schema and first typed rows, ``core.metrics._parquet_parser``). The rules (see ``core.metrics._scores``):

- **label**: the column named like ``label y y_true target class ...`` (any case), else the only column
  with exactly two distinct values (a text one beats 0/1 predictions);
- **weight** (optional): the numeric column named like ``weight count n cnt ...``;
- **scores**: every other numeric column, except id-like ones, or the ones named by the caller;
- **positive value**: obvious for the pairs 0/1, -1/1, true/false, yes/no, ... (:data:`KNOWN_PAIRS`);
  any other pair needs ``pos_label``. Values are compared in :func:`canonical` form (``1`` = ``1.0``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.metrics._score_file import ScoreFileError, is_number, to_float

# Names and values the guessing relies on. Column names are compared after norm().
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
MOSTLY = 0.8
_SCORE_HINTS = ("score", "prob", "pred", "yhat", "logit", "margin", "分数", "得分", "概率", "预测")

# Label pairs whose positive value is obvious: {negative, positive} -> positive (canonical forms).
KNOWN_PAIRS: dict[frozenset[str], str] = {
    frozenset(pair): pair[1]
    for pair in (
        ("0", "1"), ("-1", "1"), ("false", "true"), ("f", "t"), ("no", "yes"), ("n", "y"),
        ("neg", "pos"), ("negative", "positive"), ("否", "是"), ("假", "真"), ("阴性", "阳性"),
    )
}  # fmt: skip
# What pos_label=True / False may mean, in order of preference.
_TRUE_FORMS = ("true", "1", "yes", "t", "y", "pos", "positive")
_FALSE_FORMS = ("false", "0", "no", "f", "n", "neg", "negative")


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


def norm(name: str) -> str:
    """A column name as the guessing compares it: stripped, lower case, spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


class ColumnSample:
    """A file's columns and a sample of its values: what the guessing asks about.

    Subclasses set ``columns`` (every column, in order), ``decimal`` (the decimal mark of text
    numbers), ``encoding`` and ``delimiter`` (reported in the table) and answer :meth:`is_numeric` and
    :meth:`sample_label_counts`.
    """

    columns: list[str]
    decimal: str
    encoding: str
    delimiter: str

    def is_numeric(self, column: str, *, share: float = 1.0) -> bool:
        """Whether the column holds numbers (at least ``share`` of its non-missing sample values)."""
        raise NotImplementedError

    def sample_label_counts(self, column: str) -> dict[str, int]:
        """Distinct non-missing values of a column in the sample as text, with counts, in order of
        appearance."""
        raise NotImplementedError

    def resolve(self, name: str, role: str) -> str:
        """The column called name (exact, else unique case-insensitive match), or a clear error."""
        if name in self.columns:
            return name
        matches = [c for c in self.columns if norm(c) == norm(name)]
        if len(matches) == 1:
            return matches[0]
        listed = ", ".join(repr(c) for c in self.columns)
        raise ScoreFileError(
            f"metrics.no_{role}_column",
            f"There is no {role} column {name!r} in the file; its columns are: {listed}.",
            name=repr(name),
            listed=listed,
        )


# ---------------------------------------------------------------------------------------------------
# The header


def check_header(header: list[str], *, has_rows: bool) -> None:
    """A header (its cells, stripped) must name two columns or more, and rows must follow it."""
    if len(header) < 2:
        raise ScoreFileError(
            "metrics.one_column",
            f"The file has only one column ({header[0]!r} on its first line): it needs a label column "
            "and at least one score column, separated by commas, semicolons or tabs.",
            column=repr(header[0]),
        )
    if not has_rows:
        raise ScoreFileError(
            "metrics.no_rows",
            f"The file has a header ({', '.join(header)}) but no data rows: add rows below the header.",
            header=", ".join(header),
        )


def header_columns(header: list[str], header_text: str, decimal: str) -> list[str]:
    """The column names a header gives (an empty cell is ``column <k>``): names, not data, each once."""
    if all(is_number(name, decimal) for name in header if name):
        raise ScoreFileError(
            "metrics.header_is_data",
            f"The first line ({header_text[:60]!r}) looks like data, not column names: add a header "
            "line such as label,score at the top of the file.",
            line=repr(header_text[:60]),
        )
    columns = [name or f"column {k}" for k, name in enumerate(header, start=1)]
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise ScoreFileError(
            "metrics.column_twice",
            f"The file has two columns named {twice!r}: rename one so each column has its own name.",
            column=repr(twice),
        )
    return columns


# ---------------------------------------------------------------------------------------------------
# Choosing the columns


def choose_columns(
    sample: ColumnSample, label: str | None, score: str | Sequence[str] | None, weight: str | None
) -> tuple[str, list[str], str | None]:
    """(label, scores, weight) that load_scores reads; a column that cannot be guessed is an error."""
    label_col = _pick_label(sample, label)
    weight_col = _pick_weight(sample, weight, exclude={label_col, *_explicit_scores(sample, score)})
    return label_col, _pick_scores(sample, score, label_col, weight_col), weight_col


def guess_columns(
    sample: ColumnSample,
    *,
    label: str | None,
    score: str | Sequence[str] | None,
    weight: str | None,
    pos_label: Any,
    encoding: str,
    delimiter: str,
) -> ColumnGuess:
    """What detect_columns reports: a column or a positive value that cannot be guessed is None, with a
    note saying why."""
    notes: list[str] = []
    label_col: str | None
    try:
        label_col = _pick_label(sample, label)
    except _GuessError as exc:
        label_col, notes = None, [*notes, str(exc)]
    weight_col = _pick_weight(sample, weight, exclude={label_col, *_explicit_scores(sample, score)})
    try:
        score_cols = tuple(_pick_scores(sample, score, label_col, weight_col))
    except _GuessError as exc:
        score_cols, notes = (), [*notes, str(exc)]
    values: tuple[str, ...] = ()
    pos = neg = None
    if label_col is not None:
        counts = sample.sample_label_counts(label_col)
        values = tuple(counts)
        try:
            pos, neg = decide_classes(label_col, counts, pos_label, decimal=sample.decimal)
        except ScoreFileError as exc:
            notes.append(str(exc))
    return ColumnGuess(
        columns=tuple(sample.columns),
        numeric_columns=tuple(c for c in sample.columns if sample.is_numeric(c, share=MOSTLY)),
        label=label_col,
        scores=score_cols,
        weight=weight_col,
        label_values=values,
        pos_label=pos,
        neg_label=neg,
        encoding=encoding,
        delimiter=delimiter,
        decimal=sample.decimal,
        notes=tuple(notes),
    )


def _id_like(name: str) -> bool:
    normalised = norm(name)
    return (
        normalised in _ID_NAMES
        or normalised.endswith("_id")
        or normalised.startswith("unnamed:")
        or re.fullmatch(r"column \d+", name) is not None
    )


def _score_like(name: str) -> bool:
    return any(hint in norm(name) for hint in _SCORE_HINTS)


def _by_name(sample: ColumnSample, names: tuple[str, ...], exclude: set[str | None]) -> str | None:
    normalised = {norm(c): c for c in sample.columns if c not in exclude}
    for name in names:
        if name in normalised:
            return normalised[name]
    return None


def _pick_label(sample: ColumnSample, label: str | None) -> str:
    if label is not None:
        return sample.resolve(label, "label")
    named = _by_name(sample, _LABEL_NAMES, set())
    if named is not None:
        return named
    weight_named = _by_name(sample, _WEIGHT_NAMES, set())
    two_valued = [
        c
        for c in sample.columns
        if c != weight_named
        and not _id_like(c)
        and not _score_like(c)
        and len({canonical(v, sample.decimal) for v in sample.sample_label_counts(c)}) == 2
    ]
    if len(two_valued) > 1:  # a text column with two values beats numeric ones (0/1 predictions)
        textual = [c for c in two_valued if not sample.is_numeric(c)]
        two_valued = textual if len(textual) == 1 else two_valued
    if len(two_valued) == 1:
        return two_valued[0]
    listed = ", ".join(repr(c) for c in sample.columns)
    if len(two_valued) > 1:
        both = " and ".join(repr(c) for c in two_valued)
        raise _GuessError(
            f"Cannot tell which column holds the labels: {both} each take two values. "
            "Choose the label column."
        )
    raise _GuessError(
        f"No label column found among {listed}: name it label (or y, target, class), or choose it."
    )


def _explicit_scores(sample: ColumnSample, score: str | Sequence[str] | None) -> list[str]:
    """The score columns the caller named (an automatic weight column must not take one of them)."""
    if score is None:
        return []
    return [sample.resolve(name, "score") for name in ([score] if isinstance(score, str) else score)]


def _pick_weight(sample: ColumnSample, weight: str | None, exclude: set[str | None]) -> str | None:
    if weight is not None:
        column = sample.resolve(weight, "weight")
        if column in exclude:
            raise ScoreFileError(
                "metrics.weight_is_taken",
                f"The column {column!r} cannot be the weight: it is the label or a score.",
                column=repr(column),
            )
        return column
    named = _by_name(sample, _WEIGHT_NAMES, exclude)
    return named if named is not None and sample.is_numeric(named, share=0.0) else None


def _pick_scores(
    sample: ColumnSample, score: str | Sequence[str] | None, label: str | None, weight: str | None
) -> list[str]:
    if score is not None:
        names = [score] if isinstance(score, str) else list(score)
        columns = [sample.resolve(name, "score") for name in names]
        for column in columns:
            if column in (label, weight):
                role = "label" if column == label else "weight"
                raise ScoreFileError(
                    f"metrics.score_is_{role}",
                    f"The column {column!r} is the {role}; it cannot also be a score.",
                    column=repr(column),
                )
        if len(set(columns)) != len(columns):
            raise ScoreFileError(
                "metrics.score_twice", f"A score column is named twice in {names!r}.", names=repr(names)
            )
        return columns
    columns = [
        c
        for c in sample.columns
        if c not in (label, weight)
        and not _id_like(c)
        and sample.is_numeric(c, share=0.0 if _score_like(c) else MOSTLY)
    ]
    if not columns:
        others = ", ".join(repr(c) for c in sample.columns if c not in (label, weight)) or "none"
        raise _GuessError(
            f"No numeric score column found besides the label {label!r} (other columns: {others}). "
            "Choose the score column."
        )
    return columns


# ---------------------------------------------------------------------------------------------------
# Label values


def canonical(value: str, decimal: str = ".") -> str:
    """The form label values are compared in: stripped, lower case, numbers written plainly (1.0 -> 1)."""
    text = value.strip().lower()
    if is_number(text, decimal):
        number = to_float(text, decimal)
        return str(int(number)) if number.is_integer() else repr(number)
    return text


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _format_values(values: Any) -> str:
    return "{" + ", ".join(repr(v) for v in sorted(values)) + "}"


def decide_classes(column: str, counts: dict[str, int], pos_label: Any, *, decimal: str) -> tuple[str, str]:
    """(positive, negative) label values as written, from the distinct values and their counts."""
    classes: dict[str, list[Any]] = {}  # canonical -> [first raw value, count]
    for raw, count in counts.items():
        entry = classes.setdefault(canonical(raw, decimal), [raw, 0])
        entry[1] += count
    if not classes:
        raise ScoreFileError(
            "metrics.labels_missing",
            f"The label column {column!r} has no values: every label is missing.",
            column=repr(column),
        )
    if len(classes) == 1:
        (raw, count), = classes.values()  # fmt: skip
        raise ScoreFileError(
            "metrics.one_class",
            f"The label column {column!r} has only one value, {raw!r} ({_rows(count)}): an evaluation "
            "needs both positive and negative rows. Check the label column, or add rows of the other class.",
            column=repr(column),
            value=repr(raw),
            rows=f"{count:,}",
        )
    if len(classes) > 2:
        shown = sorted(classes.values(), key=lambda e: -e[1])
        listed = ", ".join(f"{raw!r}: {_rows(count)}" for raw, count in shown[:5])
        more = f", and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise ScoreFileError(
            "metrics.many_classes",
            f"The label column {column!r} takes {len(classes)} different values ({listed}{more}): a binary "
            "evaluation needs exactly two. Choose another label column, or map the classes to two "
            "(e.g. one class against the rest) first.",
            column=repr(column),
            n=len(classes),
            listed=listed + more,
        )
    (canon_a, (raw_a, _)), (canon_b, (raw_b, _)) = sorted(classes.items())
    if pos_label is None:
        positive = KNOWN_PAIRS.get(frozenset((canon_a, canon_b)))
        if positive is None:
            raise ScoreFileError(
                "metrics.which_positive",
                f"The label column {column!r} takes values {_format_values([raw_a, raw_b])}: pass pos_label "
                "to say which one is positive.",
                column=repr(column),
                values=_format_values([raw_a, raw_b]),
            )
    else:
        if isinstance(pos_label, bool | np.bool_):
            forms = _TRUE_FORMS if pos_label else _FALSE_FORMS
            wanted = [f for f in forms if f in (canon_a, canon_b)][:1]
        else:
            wanted = [canonical(str(pos_label), decimal)]
        if not wanted or wanted[0] not in (canon_a, canon_b):
            raise ScoreFileError(
                "metrics.positive_not_a_value",
                f"pos_label {pos_label!r} is not one of the values of the label column {column!r}: "
                f"{_format_values([raw_a, raw_b])}.",
                positive=repr(pos_label),
                column=repr(column),
                values=_format_values([raw_a, raw_b]),
            )
        positive = wanted[0]
    if positive == canon_a:
        return raw_a, raw_b
    return raw_b, raw_a
