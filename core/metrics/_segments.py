r"""The same models evaluated per segment (region, channel, month ...), from aggregated counts.

Every ranking figure of a segment needs only its positives and negatives at each distinct score, so the
segments are :class:`~core.metrics.ScoreCounts` tables: built from rows in memory
(:func:`segment_tables`: one stable sort of the segment codes, then one table per segment and model) or
by DuckDB out of core (:func:`aggregate_segments`: ``GROUP BY segment, score, label``), and each table
evaluated by :func:`evaluate_segments` (rows, positives, AUC with DeLong's interval, KS, AP, Gini). A
segment with one class, or with fewer than ``min_class`` rows of a class, is listed with its reason and
skipped, never an error.

The segment column is read beside the label and the scores: :func:`read_segment_column` reads that one
column of a file (as text, as the CSV and Parquet readers read a label), in the file's row order, so
it lines up with ``load_scores``'s rows when no row was dropped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from core._validation import check_number, check_whole
from core.metrics._columns import ColumnGuess
from core.metrics._counts import ScoreCounts, _group, evaluate_counts, score_counts
from core.metrics._score_file import ARROW_NULLS, MISSING, ScoreFileError
from core.metrics._validation import _validate

__all__ = [
    "MISSING_SEGMENT",
    "SegmentReport",
    "SegmentTables",
    "aggregate_segments",
    "evaluate_segments",
    "read_segment_column",
    "segment_candidates",
    "segment_tables",
]

MISSING_SEGMENT = "—"  # the segment of rows whose segment cell is empty
MIN_CLASS_ROWS = 5  # a segment needs at least this many rows of each class to be evaluated
MAX_SEGMENTS = 50  # a column with more distinct values is not offered as a segment
SEGMENT_COLUMNS = (
    "segment", "rows", "positives", "negatives", "prevalence", "roc_auc", "auc_low", "auc_high", "auc_se",
    "ks", "average_precision", "gini",
)  # fmt: skip


@dataclass(frozen=True)
class SegmentReport:
    """Per-segment figures of one model (``frame``, columns :data:`SEGMENT_COLUMNS`, in segment order)
    and the segments skipped (``skipped``: segment rows positives negatives reason, the reason being
    ``one_class`` or ``too_small``)."""

    frame: pd.DataFrame
    skipped: pd.DataFrame


@dataclass(frozen=True)
class SegmentTables:
    """Score tables per model and segment (``tables[model][segment]``), with the rows they came from."""

    column: str
    tables: dict[str, dict[str, ScoreCounts]]
    n_rows: int
    n_dropped: int = 0
    weighted: bool = False
    segments: list[str] = field(default_factory=list)


def _one_table(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray | None) -> ScoreCounts:
    """The (score, positives, negatives) table of some rows, one class or both."""
    if weights is None and labels.any() and not labels.all():
        return score_counts(labels, scores)
    if weights is None:
        positives = labels.astype(np.int64)
        return _group(scores, positives, 1 - positives, int(labels.size), False)
    return _group(
        scores, np.where(labels, weights, 0.0), np.where(labels, 0.0, weights), int(labels.size), True
    )


def _segment_names(values: ArrayLike) -> tuple[np.ndarray, list[str]]:
    """Codes 0..G-1 of the segment values (as stripped text; a missing value is MISSING_SEGMENT), and
    the names, sorted."""
    raw = np.asarray(values, dtype=object).reshape(-1)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    names = [_segment_text(value) for value in uniques.tolist()]
    # several raw values may have the same text (1 and "1", " a" and "a"): one segment each text
    distinct = sorted(set(names) | ({MISSING_SEGMENT} if (codes < 0).any() else set()))
    position = {name: k for k, name in enumerate(distinct)}
    mapping = np.array(
        [position[name] for name in names] + [position.get(MISSING_SEGMENT, 0)], dtype=np.int64
    )
    return mapping[codes], distinct


def _segment_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING_SEGMENT
    text = str(value).strip()
    return MISSING_SEGMENT if text.lower() in MISSING else text


def segment_tables(
    y_true: ArrayLike,
    scores: Mapping[str, ArrayLike],
    segments: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    column: str = "segment",
) -> SegmentTables:
    """One :class:`ScoreCounts` per model and segment, from rows in memory (one stable sort of the
    segment codes; each segment's rows then a slice). ``segments``: one value per row (any type; text
    after stripping names the segment, a missing value is :data:`MISSING_SEGMENT`)."""
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError("scores must map model names to their scores.")
    checked = {}
    labels = weights = None
    for name, values in scores.items():
        labels, checked[str(name)], weights = _validate(
            y_true, values, sample_weight, need_both_classes=False, score_name=str(name)
        )
    assert labels is not None
    codes, names = _segment_names(segments)
    if codes.size != labels.size:
        raise ValueError(
            f"segments has {codes.size:,} values for {labels.size:,} rows: one per row is needed."
        )
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    sorted_labels = labels[order]
    sorted_weights = None if weights is None else weights[order]
    tables: dict[str, dict[str, ScoreCounts]] = {}
    for model, values in checked.items():
        sorted_scores = values[order]
        tables[model] = {}
        for k, segment in enumerate(names):
            part = slice(bounds[k], bounds[k + 1])
            w = None if sorted_weights is None else sorted_weights[part]
            tables[model][segment] = _one_table(sorted_labels[part], sorted_scores[part], w)
    return SegmentTables(column, tables, int(labels.size), 0, weights is not None, names)


def evaluate_segments(
    tables: Mapping[str, ScoreCounts], *, level: float = 0.95, min_class: int = MIN_CLASS_ROWS
) -> SegmentReport:
    """Rows, positives, AUC with DeLong's interval (unweighted tables), KS, AP and Gini of each
    segment's table (:func:`core.metrics.evaluate_counts`, so equal to ``evaluate`` on its rows); a
    segment with one class or fewer than ``min_class`` rows of a class is skipped with its reason."""
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    check_whole("min_class", min_class, low=1)
    rows, skipped = [], []
    for segment, table in tables.items():
        n_pos, n_neg = table.n_pos, table.n_neg
        base = {"segment": segment, "rows": table.n_rows, "positives": n_pos, "negatives": n_neg}
        if not n_pos or not n_neg:
            skipped.append({**base, "reason": "one_class"})
            continue
        if not table.weighted and min(n_pos, n_neg) < min_class:
            skipped.append({**base, "reason": "too_small"})
            continue
        ev = evaluate_counts(table)
        low = high = se = np.nan
        if not table.weighted:
            low, high, se = ev.delong_interval(level)
        rows.append(
            {
                **base,
                "prevalence": ev.prevalence,
                "roc_auc": ev.roc_auc,
                "auc_low": low,
                "auc_high": high,
                "auc_se": se,
                "ks": ev.ks,
                "average_precision": ev.average_precision,
                "gini": ev.gini,
            }
        )
    frame = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    skipped_frame = pd.DataFrame(skipped, columns=["segment", "rows", "positives", "negatives", "reason"])
    return SegmentReport(frame, skipped_frame)


# ----------------------------------------------------------------------------------------------------
# The segment column of a file


def segment_candidates(source: Any, guess: ColumnGuess, *, exclude: Sequence[str] = ()) -> list[str]:
    """Columns of the file that look like segments: 2 to :data:`MAX_SEGMENTS` distinct values in the
    column guessing's sample, other than the label, the weight and ``exclude`` (the chosen scores)."""
    from core.metrics._parquet_parser import ParquetSample
    from core.metrics._sniff import Document
    from core.metrics._sources import is_parquet, open_parquet, read_sample

    if is_parquet(source):
        sample: Any = ParquetSample(open_parquet(source))
    else:
        head, extras, text_source = read_sample(source)
        sample = Document.from_sample(head, extras, text_source=text_source)
    skip = {guess.label, guess.weight, *exclude}
    found = []
    for column in guess.columns:
        if column in skip:
            continue
        distinct = len(sample.sample_label_counts(column))
        if 2 <= distinct <= MAX_SEGMENTS:
            found.append(column)
    return found


def read_segment_column(source: Any, column: str) -> np.ndarray:
    """The values of one column of a CSV or Parquet file, as stripped text (missing: None), one per data
    row in file order. Raises ScoreFileError when the column is not there."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from core.metrics._parquet_parser import ParquetSample, label_text
    from core.metrics._sniff import Document
    from core.metrics._sources import is_parquet, open_parquet, read_all

    if is_parquet(source):
        sample = ParquetSample(open_parquet(source))
        name = sample.resolve(column, "segment")
        values = sample.parquet.read(columns=[sample.field_of[name]]).column(0).combine_chunks()
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        text = label_text(values).to_pylist()
    else:
        data, text_source = read_all(source)
        doc = Document.from_bytes(data, text_source=text_source)
        name = doc.resolve(column, "segment")
        with memoryview(doc.buf) as view:
            table = pacsv.read_csv(
                pa.py_buffer(view[doc.body_start :]),
                read_options=pacsv.ReadOptions(column_names=doc.columns),
                parse_options=pacsv.ParseOptions(
                    delimiter=doc.delimiter,
                    quote_char='"',
                    double_quote=True,
                    newlines_in_values=doc.quoted,
                    ignore_empty_lines=True,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string()},
                    include_columns=[name],
                    null_values=ARROW_NULLS,
                    strings_can_be_null=True,
                ),
            )
        text = table.column(0).to_pylist()
    out = np.empty(len(text), dtype=object)
    out[:] = [None if value is None else value.strip() or None for value in text]
    return out


def aggregate_segments(
    sources: str | Sequence[str],
    segment: str,
    *,
    root: str | os.PathLike[str] | None = None,
    label: str | None = None,
    score: str | Sequence[str] | None = None,
    weight: str | None = None,
    pos_label: Any = None,
    drop_invalid: bool = False,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> SegmentTables:
    """The per-segment tables out of core: DuckDB runs ``GROUP BY segment, score, label`` (one scan for
    every model) and each (model, segment) group becomes a :class:`ScoreCounts`. Arguments as
    :func:`core.metrics.aggregate_files`; the segment column is read as text (trimmed)."""
    import duckdb

    import core.metrics._duckdb as engine
    from core.metrics._scores import detect_columns
    from core.metrics._sources import is_parquet

    paths = engine.expand_sources(sources, root=root)
    kinds = {is_parquet(p) for p in paths}
    if len(kinds) > 1:
        raise ScoreFileError("metrics.mixed_kinds", "The files mix CSV and Parquet: give files of one kind.")
    parquet = kinds.pop()
    guess = detect_columns(
        engine.first_with_rows(paths), label=label, score=score, weight=weight, pos_label=pos_label
    )
    if guess.label is None or guess.pos_label is None or not guess.scores:
        raise ScoreFileError(" ".join(guess.notes) or "The label or score columns cannot be guessed.")
    segment_column = next((c for c in guess.columns if c == segment), None)
    if segment_column is None:
        listed = ", ".join(repr(c) for c in guess.columns)
        raise ScoreFileError(
            "metrics.no_segment_column",
            f"There is no segment column {segment!r} in the file; its columns are: {listed}.",
            name=repr(segment),
            listed=listed,
        )
    quote = engine._quote_identifier
    source = engine._source_sql(paths, parquet, guess, typed=not drop_invalid, text=(segment_column,))
    models = [quote(c) for c in guess.scores]
    as_double = (lambda c: f"TRY_CAST({c} AS DOUBLE)") if drop_invalid else (lambda c: c)
    weight_sql = as_double(quote(guess.weight)) if guess.weight else "1.0"
    columns = ", ".join(f"CAST({as_double(c)} AS DOUBLE) AS {c}" for c in models)
    finite = " AND ".join(f"isfinite({c})" for c in models)
    if len(models) == 1:
        name = engine._quote_text(guess.scores[0])
        long = f"SELECT ok, y_raw, g, w, {models[0]} AS s, {name} AS model FROM checked"
    else:
        long = f"SELECT * FROM checked UNPIVOT INCLUDE NULLS (s FOR model IN ({', '.join(models)}))"
    sql = f"""
        WITH src AS (
            SELECT {quote(guess.label)} AS y_raw, trim(CAST({quote(segment_column)} AS VARCHAR)) AS g,
                   CAST({weight_sql} AS DOUBLE) AS w, {columns} FROM {source}
        ),
        checked AS (SELECT coalesce(isfinite(w) AND {finite}, false) AS ok, * FROM src),
        long AS ({long})
        SELECT model, g, ok, y_raw, CASE WHEN ok THEN s END AS s, count(*) AS n,
               sum(CASE WHEN ok THEN w END) AS w
        FROM long GROUP BY ALL
    """
    connection = duckdb.connect(
        config={
            "memory_limit": memory_limit or engine.DEFAULT_MEMORY_LIMIT,
            "preserve_insertion_order": False,
        }
    )
    try:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"SET threads = {int(threads or engine.DEFAULT_THREADS)}")
        result = connection.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise engine._read_error(str(exc), root) from None
    finally:
        connection.close()
    return _segment_result(result, guess, segment_column, drop_invalid)


def _codes(column: Any) -> tuple[np.ndarray, list[Any]]:
    """Integer codes of an Arrow column of few distinct values (nulls: -1) and the values."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column).combine_chunks()
    codes = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
    return codes, encoded.dictionary.to_pylist()


def _segment_result(result: Any, guess: ColumnGuess, column: str, drop_invalid: bool) -> SegmentTables:
    """The tables from the GROUP BY's rows (an Arrow table: its text columns stay compact)."""
    import core.metrics._duckdb as engine

    model_codes, model_names = _codes(result.column("model"))
    segment_codes, segment_values = _codes(result.column("g"))
    label_codes, label_values = _codes(result.column("y_raw"))
    rows = np.asarray(result.column("n").to_numpy(), dtype=np.int64)
    # 1 / 0 / -1 per distinct raw label, by the reader's rules (a missing label: -1)
    mapped = np.append(engine._label_codes(np.array(label_values, dtype=object), guess), -1)
    labels = mapped[label_codes]
    ok = np.asarray(result.column("ok").to_numpy(zero_copy_only=False), dtype=bool) & (labels >= 0)
    first = model_codes == model_names.index(guess.scores[0])
    n_total, n_bad = int(rows[first].sum()), int(rows[first & ~ok].sum())
    if n_bad and not drop_invalid:
        raise ScoreFileError(
            "metrics.invalid_rows",
            f"{n_bad:,} of {n_total:,} rows have a missing or unexpected label (not {guess.pos_label!r} or "
            f"{guess.neg_label!r}) or a missing or infinite score or weight: fix them, or drop invalid rows "
            "(drop_invalid=True, --drop-invalid) to skip every such row.",
            bad=f"{n_bad:,}",
            total=f"{n_total:,}",
            positive=repr(guess.pos_label),
            negative=repr(guess.neg_label),
        )
    # segment names as text (several raw values may read the same), sorted; a null is MISSING_SEGMENT
    texts = [_segment_text(value) for value in segment_values] + [MISSING_SEGMENT]
    used = np.unique(segment_codes[first & ok]).tolist()
    segments = sorted({texts[k] for k in used})
    position = {name: k for k, name in enumerate(segments)}
    segment_of = np.array([position.get(t, -1) for t in texts], np.int64)[segment_codes]
    scores = np.asarray(result.column("s").to_numpy(zero_copy_only=False), dtype=np.float64)
    weighted = guess.weight is not None
    amounts = rows
    if weighted:
        amounts = np.nan_to_num(np.asarray(result.column("w").to_numpy(zero_copy_only=False), np.float64))
    # the kept groups ordered by (model, segment): each table is then a slice
    keep = np.flatnonzero(ok)
    order = keep[np.lexsort((segment_of[keep], model_codes[keep]))]
    width = len(segments) + 1
    key = model_codes[order] * width + segment_of[order]
    tables: dict[str, dict[str, ScoreCounts]] = {}
    for name in guess.scores:
        m = model_names.index(name)
        tables[name] = {}
        for k, segment in enumerate(segments):
            lo, hi = np.searchsorted(key, [m * width + k, m * width + k + 1])
            part = order[lo:hi]
            positive = labels[part] == 1
            amount = amounts[part]
            zero = np.zeros_like(amount)
            tables[name][segment] = _group(
                scores[part],
                np.where(positive, amount, zero),
                np.where(positive, zero, amount),
                int(rows[part].sum()),
                weighted,
            )
    return SegmentTables(column, tables, n_total - n_bad, n_bad, weighted, segments)
