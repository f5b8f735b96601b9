"""Where the metrics page's segments come from: a column read beside the label and the scores.

The page keeps no rows (``ui.metrics.kept``), so a segment column is turned into per-segment score
tables (``core.metrics.SegmentTables``) where the rows are at hand:

* a bundled example: read again from its file, once for every visitor (``ui.compute.shared``);
* an upload: when it is read (``ui.metrics.source.read_upload`` calls :func:`keep_upload_segments` with
  the rows and the file's bytes), for the columns that look like segments (at most
  :data:`MAX_UPLOAD_COLUMNS`), kept in the session beside the summary; no rows are kept, only the tables;
* files on the server: DuckDB's ``GROUP BY segment, score, label`` on request (the files stay on disk).

The segment column is read by ``core.metrics.read_segment_column`` (that one column, as text, in file
order): the least invasive way, since the score reader and its ``ScoreTable`` stay as they are. Its rows
line up with the score table's when no row was dropped; a file read with dropped rows has no segments
in memory (the files on the server, which DuckDB groups, have them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from core.metrics import (
    ScoreTable,
    SegmentReport,
    SegmentTables,
    aggregate_segments,
    detect_columns,
    evaluate_segments,
    first_with_rows,
    load_scores,
    read_segment_column,
    segment_candidates,
    segment_tables,
)
from ui.compute import shared
from ui.metrics.kept import KeptSource
from ui.state import session_memo

UPLOAD_SEGMENTS = "metrics_upload_segments"  # {"source_id", "candidates", "tables": {column: SegmentTables}}
MAX_UPLOAD_COLUMNS = 4  # segment columns of an upload turned into tables when it is read
CHECK_GROUPS = 400_000  # (score, label) groups the live scikit-learn check of the segments looks at


def _load(path: Path, mapping: tuple[Any, ...]) -> ScoreTable:
    return load_scores(
        path, label=mapping[0], score=list(mapping[1]), weight=mapping[2], pos_label=mapping[3],
        drop_invalid=mapping[4],
    )  # fmt: skip


def example_candidates(path: Path, mapping: tuple[Any, ...]) -> list[str]:
    """The segment-like columns of a bundled example (shared by every visitor)."""
    return segment_candidates(path, detect_columns(path), exclude=list(mapping[1]))


def example_tables(path: Path, mapping: tuple[Any, ...], column: str) -> SegmentTables:
    """A bundled example's tables per model and segment of ``column`` (shared by every visitor)."""
    table = _load(path, mapping)
    return segment_tables(
        table.y_true,
        table.scores,
        read_segment_column(path, column),
        sample_weight=table.weight,
        column=column,
    )


def keep_upload_segments(source_id: str, data: Any, table: ScoreTable, mapping: tuple[Any, ...]) -> None:
    """Called while an upload is read (its rows and bytes still here): the tables of each segment-like
    column, kept in the session; nothing when rows were dropped (they would not line up)."""
    st.session_state.pop(UPLOAD_SEGMENTS, None)
    kept: dict[str, Any] = {"source_id": source_id, "candidates": [], "tables": {}}
    try:
        guess = detect_columns(data())
        columns = segment_candidates(data(), guess, exclude=list(mapping[1]))[:MAX_UPLOAD_COLUMNS]
        if table.n_dropped == 0:
            for column in columns:
                values = read_segment_column(data(), column)
                if len(values) == table.y_true.size:
                    kept["tables"][column] = segment_tables(
                        table.y_true, table.scores, values, sample_weight=table.weight, column=column
                    )
        kept["candidates"] = list(kept["tables"])
    except ValueError:  # a column that cannot be read: no segments, the report stands
        pass
    st.session_state[UPLOAD_SEGMENTS] = kept


def candidates(kept: KeptSource, source: Any) -> list[str]:
    """The segment columns offered for the kept source (none for a table handed over by another page)."""
    if source is not None and source.kind == "example":
        return shared(example_candidates, source.example, kept.mapping)
    if source is not None and source.kind == "files" and kept.guess is not None:
        return session_memo(
            "segment_candidates",
            (kept.source_id, kept.mapping),
            lambda: segment_candidates(
                first_with_rows(source.paths), kept.guess, exclude=list(kept.mapping[1])
            ),
        )
    held = st.session_state.get(UPLOAD_SEGMENTS)
    if held is not None and held["source_id"] == kept.source_id:
        return list(held["candidates"])
    return []


def tables(kept: KeptSource, source: Any, column: str) -> SegmentTables:
    """The per-segment tables of ``column``. Raises ValueError (ScoreFileError) for files that cannot be
    grouped."""
    if source is not None and source.kind == "example":
        return shared(example_tables, source.example, kept.mapping, column)
    if source is not None and source.kind == "files":
        label, scores, weight, pos_label, drop_invalid = kept.mapping
        return session_memo(
            "segment_tables",
            (kept.source_id, kept.mapping, column),
            lambda: aggregate_segments(
                source.pattern,
                column,
                root=source.folder,
                label=label,
                score=list(scores),
                weight=weight,
                pos_label=pos_label,
                drop_invalid=drop_invalid,
            ),
        )
    return st.session_state[UPLOAD_SEGMENTS]["tables"][column]


# ---------------------------------------------------------------- figures per segment, with their check


def segment_check(tables: SegmentTables, model: str) -> tuple[float, int]:
    """Each evaluated segment's AUC and AP against scikit-learn's on its (score, label) groups weighted by
    their counts (the same figures as on the rows they stand for), for segments of at most
    :data:`CHECK_GROUPS` groups together: max |diff| and the rows checked."""
    from sklearn.metrics import average_precision_score as sk_ap
    from sklearn.metrics import roc_auc_score as sk_auc

    report = evaluate_segments(tables.tables[model])
    worst, rows, budget = 0.0, 0, CHECK_GROUPS
    for row in report.frame.itertuples(index=False):
        table = tables.tables[model][row.segment]
        if table.size > budget:  # scikit-learn re-sorts each table: the check stays within seconds
            continue
        budget -= table.size
        labels = np.arange(2 * table.size) < table.size
        scores = np.concatenate([table.scores, table.scores])
        weights = np.concatenate([table.positives, table.negatives]).astype(np.float64)
        keep = weights > 0
        y, s, w = labels[keep], scores[keep], weights[keep]
        worst = max(worst, abs(row.roc_auc - sk_auc(y, s, sample_weight=w)))
        worst = max(worst, abs(row.average_precision - sk_ap(y, s, sample_weight=w)))
        rows += int(row.rows)
    return worst, rows


def _figures_of(tables: SegmentTables, model: str) -> tuple[SegmentReport, tuple[float, int]]:
    return evaluate_segments(tables.tables[model]), segment_check(tables, model)


def example_figures(
    path: Path, mapping: tuple[Any, ...], column: str, model: str
) -> tuple[SegmentReport, tuple[float, int]]:
    """:func:`figures` of a bundled example (shared by every visitor)."""
    return _figures_of(shared(example_tables, path, mapping, column), model)


def figures(
    kept: KeptSource, source: Any, column: str, model: str
) -> tuple[SegmentTables, SegmentReport, tuple[float, int]]:
    """The tables of ``column``, ``model``'s per-segment figures and their scikit-learn check."""
    found = tables(kept, source, column)
    if source is not None and source.kind == "example":
        report, check = shared(example_figures, source.example, kept.mapping, column, model)
    else:
        report, check = session_memo(
            "segment_figures",
            (kept.source_id, kept.mapping, column, model),
            lambda: _figures_of(found, model),
        )
    return found, report, check
