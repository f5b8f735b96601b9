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
import shutil
import tempfile
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
MAX_GROUP_VALUES = 10_000  # DuckDB groups by a column of at most this many distinct values
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
    if isinstance(values, pd.Categorical):
        codes, uniques = np.asarray(values.codes, dtype=np.int64), list(values.categories)
    else:
        raw = np.asarray(values, dtype=object).reshape(-1)
        codes, found = pd.factorize(raw, use_na_sentinel=True)
        uniques = found.tolist()
    names = [_segment_text(value) for value in uniques]
    # several raw values may have the same text (1 and "1", " a" and "a"): one segment each text
    distinct = sorted(set(names) | ({MISSING_SEGMENT} if (codes < 0).any() else set()))
    position = {name: k for k, name in enumerate(distinct)}
    # the code -1 (a missing value) picks the last entry
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


def read_segment_column(source: Any, column: str) -> pd.Categorical:
    """The values of one column of a CSV or Parquet file as text (a ``pandas.Categorical``: one code per
    data row in file order, the distinct values once; a missing value has no category). Raises
    ScoreFileError when the column is not there."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from core.metrics._parquet_parser import ParquetSample, label_text
    from core.metrics._sniff import Document
    from core.metrics._sources import is_parquet, open_parquet, read_all

    if is_parquet(source):
        sample = ParquetSample(open_parquet(source))
        name = sample.resolve(column, "segment")
        values = sample.parquet.read(columns=[sample.field_of[name]]).column(0).combine_chunks()
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
        values = table.column(0).combine_chunks()
    # the distinct values as text once, a code per row (no Python object per row)
    encoded = values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values)
    codes = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
    texts = [_segment_text(t) for t in label_text(encoded.dictionary).to_pylist()]
    distinct = sorted(set(texts))
    position = np.array([distinct.index(t) for t in texts] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(position[codes], categories=distinct)


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
    quote, text = engine._quote_identifier, engine._quote_text
    source = engine._source_sql(paths, parquet, guess, typed=not drop_invalid, text=(segment_column,))
    models = [quote(c) for c in guess.scores]
    as_double = (lambda c: f"TRY_CAST({c} AS DOUBLE)") if drop_invalid else (lambda c: c)
    weight_sql = as_double(quote(guess.weight)) if guess.weight else "1.0"
    columns = ", ".join(f"CAST({as_double(c)} AS DOUBLE) AS {c}" for c in models)
    finite = " AND ".join(f"isfinite({c})" for c in models)
    src = f"""
        SELECT CAST({quote(guess.label)} AS VARCHAR) AS y_raw,
               trim(CAST({quote(segment_column)} AS VARCHAR)) AS g,
               CAST({weight_sql} AS DOUBLE) AS w, {columns} FROM {source}
    """
    # DuckDB spills its GROUP BY to disk beyond memory_limit, into a temporary folder of our own
    spill = tempfile.mkdtemp(prefix="metrics-duckdb-")
    connection = duckdb.connect(
        config={
            "memory_limit": memory_limit or engine.DEFAULT_MEMORY_LIMIT,
            "preserve_insertion_order": False,
            "temp_directory": spill,
        }
    )
    try:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"SET threads = {int(threads or engine.DEFAULT_THREADS)}")
        # first the few distinct labels and segments, then one GROUP BY per model on their codes: the
        # groups come back as numbers only (a model's groups at a time: O(its distinct scores))
        distinct = connection.sql(f"SELECT DISTINCT y_raw, g FROM ({src})").fetchall()
        label_values = sorted({y for y, _ in distinct if y is not None})
        segment_values = sorted({g for _, g in distinct if g is not None})
        if len(segment_values) > MAX_GROUP_VALUES:
            raise ScoreFileError(
                "metrics.too_many_segments",
                f"The column {segment_column!r} has {len(segment_values):,} distinct values, more than "
                f"{MAX_GROUP_VALUES:,}: choose a column of segments (a region, a channel, a month).",
                column=repr(segment_column),
                found=f"{len(segment_values):,}",
                most=f"{MAX_GROUP_VALUES:,}",
            )
        labels_sql = "[" + ", ".join(text(v) for v in label_values) + "]"
        segments_sql = "[" + ", ".join(text(v) for v in segment_values) + "]"
        results = {}
        for column, name in zip(models, guess.scores, strict=True):
            sql = f"""
                SELECT coalesce(list_position({labels_sql}, y_raw), 0) - 1 AS yi,
                       coalesce(list_position({segments_sql}, g), 0) - 1 AS gi, ok,
                       CASE WHEN ok THEN s END AS s, count(*) AS n, sum(CASE WHEN ok THEN w END) AS w
                FROM (SELECT y_raw, g, w, {column} AS s, coalesce(isfinite(w) AND {finite}, false) AS ok
                      FROM ({src}))
                GROUP BY ALL
            """
            results[name] = connection.sql(sql).fetchnumpy()
            if name == guess.scores[0]:
                n_total, n_bad = _invalid_rows(results[name], label_values, guess, drop_invalid)
    except duckdb.Error as exc:
        raise engine._read_error(str(exc), root) from None
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
    return _segment_tables(results, label_values, segment_values, guess, segment_column, n_total, n_bad)


def _invalid_rows(
    result: dict[str, Any], label_values: list[str], guess: ColumnGuess, drop_invalid: bool
) -> tuple[int, int]:
    """All rows and the invalid ones (a missing or unexpected label, a missing or infinite number);
    invalid rows are an error unless dropped."""
    import core.metrics._duckdb as engine

    rows = np.asarray(result["n"], dtype=np.int64)
    codes = np.append(engine._label_codes(np.array(label_values, dtype=object), guess), -1)
    labels = codes[np.ma.filled(np.ma.asarray(result["yi"]), -1).astype(np.int64)]
    ok = np.asarray(result["ok"], dtype=bool) & (labels >= 0)
    n_total, n_bad = int(rows.sum()), int(rows[~ok].sum())
    if n_bad and not drop_invalid:
        raise engine.invalid_rows_error(n_bad, n_total, guess)
    return n_total, n_bad


def _segment_tables(
    results: dict[str, dict[str, Any]],
    label_values: list[str],
    segment_values: list[str],
    guess: ColumnGuess,
    column: str,
    n_total: int,
    n_bad: int,
) -> SegmentTables:
    """The tables from each model's GROUP BY rows (label and segment codes into the distinct values)."""
    import core.metrics._duckdb as engine

    codes = np.append(engine._label_codes(np.array(label_values, dtype=object), guess), -1)
    # segment names as text (several raw values may read the same), sorted; a null is MISSING_SEGMENT
    texts = [_segment_text(value) for value in segment_values] + [MISSING_SEGMENT]
    first = results[guess.scores[0]]
    first_ok = np.asarray(first["ok"], dtype=bool) & (codes[_filled(first["yi"])] >= 0)
    used = np.unique(_filled(first["gi"])[first_ok]).tolist()
    segments = sorted({texts[k] for k in used})
    position = np.array([segments.index(t) if t in segments else -1 for t in texts], dtype=np.int64)
    weighted = guess.weight is not None
    tables: dict[str, dict[str, ScoreCounts]] = {}
    for name in guess.scores:
        result = results.pop(name)
        labels = codes[_filled(result["yi"])]
        ok = np.asarray(result["ok"], dtype=bool) & (labels >= 0)
        segment_of = position[_filled(result["gi"])]
        rows = np.asarray(result["n"], dtype=np.int64)
        scores = np.asarray(np.ma.filled(np.ma.asarray(result["s"], dtype=np.float64), np.nan), np.float64)
        amounts = rows
        if weighted:
            amounts = np.asarray(np.ma.filled(np.ma.asarray(result["w"], dtype=np.float64), 0.0), np.float64)
        keep = np.flatnonzero(ok)
        order = keep[np.argsort(segment_of[keep], kind="stable")]
        bounds = np.searchsorted(segment_of[order], np.arange(len(segments) + 1))
        tables[name] = {}
        for k, segment in enumerate(segments):
            part = order[bounds[k] : bounds[k + 1]]
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


def _filled(codes: Any) -> np.ndarray:
    """Codes from DuckDB (a NULL, an unknown value: -1) as int64."""
    return np.asarray(np.ma.filled(np.ma.asarray(codes), -1), dtype=np.int64)
