"""The command line's blocks for many models, segments and stability (issue 25), added to the report:

* ``--bands N``: each model's score-band table (``core.metrics.band_table``) under ``models.<m>.bands``;
* ``--segment COL``: per-segment figures of each model under ``"segments"`` (memory engine:
  the column read beside the rows; duckdb engine: ``GROUP BY segment, score, label``);
* ``--psi OTHER_FILE``: each model's PSI from this file (expected) to ``OTHER_FILE`` (actual, read with
  the same engine and columns) under ``"psi"``, with each bin's contribution;

and each DeLong comparison carries Holm's adjusted p-value (``p_holm``, from ``comparison_frame``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pandas.api.types import union_categoricals

from core.metrics._counts import ScoreCounts, evaluate_counts
from core.metrics._report import jsonable
from core.metrics._segments import (
    SegmentTables,
    aggregate_segments,
    evaluate_segments,
    read_segment_column,
    segment_tables,
)
from core.metrics._stability import band_table, psi_from_counts

__all__ = ["add_blocks"]

PSI_BINS = 10


def _samples(source: Any) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Each model's scores and their counts (rows: None, or the weight column), from rows or tables."""
    if isinstance(source, dict):  # model -> ScoreCounts
        return {m: (t.scores, (t.positives + t.negatives).astype(np.float64)) for m, t in source.items()}
    return {m: (s, source.weight) for m, s in source.scores.items()}


def _segments(args: Any, paths: list[str], rows: Any, options: dict[str, Any]) -> SegmentTables:
    if rows is None:  # duckdb engine
        return aggregate_segments(
            paths, args.segment, memory_limit=args.duckdb_memory, threads=args.duckdb_threads, **options
        )
    if rows.n_dropped:
        raise ValueError(
            f"{rows.n_dropped:,} invalid rows were dropped, so the segment column cannot be lined up with "
            "the rows read: use --engine duckdb with --segment."
        )
    parts = [read_segment_column(path, args.segment) for path in paths]
    values = parts[0] if len(parts) == 1 else union_categoricals(parts)
    return segment_tables(rows.y_true, rows.scores, values, sample_weight=rows.weight, column=args.segment)


def add_blocks(
    report: dict[str, Any],
    args: Any,
    *,
    paths: list[str],
    rows: Any = None,
    counts: dict[str, ScoreCounts] | None = None,
    load_other: Any = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``report`` with the blocks asked for. ``rows``: the ScoreTable (memory engine) or None; ``counts``:
    the aggregated tables (duckdb engine or --decimals); ``load_other(path)``: the other file read the same
    way (a ScoreTable or a dict of ScoreCounts)."""
    options = options or {}
    models = report["models"]
    if getattr(args, "bands", None) is not None:
        for name in models:
            ev = evaluate_counts(counts[name]) if counts is not None else None
            if ev is None:
                from core.metrics._evaluation import evaluate

                ev = evaluate(rows.y_true, rows.scores[name], sample_weight=rows.weight)
            models[name]["bands"] = band_table(ev, n_bands=args.bands).to_dict(orient="records")
    if getattr(args, "segment", None) is not None:
        tables = _segments(args, paths, None if counts is not None and rows is None else rows, options)
        block: dict[str, Any] = {"column": tables.column, "segments": tables.segments, "models": {}}
        for name in models:
            result = evaluate_segments(tables.tables[name], level=args.level)
            block["models"][name] = {
                "segments": result.frame.to_dict(orient="records"),
                "skipped": result.skipped.to_dict(orient="records"),
            }
        report["segments"] = block
    if getattr(args, "psi", None) is not None:
        expected = _samples(counts if counts is not None else rows)
        actual = _samples(load_other(args.psi))
        block = {"expected": report.get("file"), "actual": args.psi, "bins": PSI_BINS, "models": {}}
        for name in models:
            if name not in actual:
                continue
            value, table = psi_from_counts(*expected[name], *actual[name], bins=PSI_BINS)
            block["models"][name] = {"psi": value, "bins": table.to_dict(orient="records")}
        report["psi"] = block
    return jsonable(report)
