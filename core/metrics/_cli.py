"""Command line: evaluate a score file and print the report as one JSON object.

Usage (``core/metrics/__main__.py`` hands ``python -m core.metrics`` over to :func:`main`)::

    python -m core.metrics scores.csv [--label COL] [--score COL ...] [--weight COL]
                           [--pos-label V] [--threshold 0.5] [--drop-invalid]
                           [--ci delong|hanley-mcneil|bootstrap] [--level 0.95]

The report has the file's mapping (label, positive value, weight, rows, dropped rows), one entry per
score column under ``"models"`` (``core.metrics.model_entry``: ``Evaluation.to_dict()``, plus ``"ci"`` with
``--ci``; the same schema as the page's JSON download), and with several score columns a DeLong
comparison of each pair under ``"comparisons"``. A bad file
prints one line ``error: <what is wrong and what to do>`` on stderr and exits with status 2.

Confidence intervals and DeLong tests take unweighted rows. A weight column of whole numbers is a
count column (a pre-aggregated table), so its rows are repeated that many times for them; with
fractional weights they are left out and ``"notes"`` says why.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.metrics._confidence import auc_confidence_interval
from core.metrics._evaluation import evaluate
from core.metrics._report import comparison_frame, file_fields, model_entry, report_document
from core.metrics._scores import ScoreFileError, ScoreTable, load_scores

__all__ = ["main"]

# Counts expanded into rows for DeLong / CI only up to this many rows (memory: 9 bytes per row).
_MAX_EXPANDED_ROWS = 50_000_000
_CI_METHODS = ("delong", "hanley-mcneil", "bootstrap")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.metrics",
        description="Evaluate a CSV of labels and model scores; print the report as JSON.",
    )
    parser.add_argument("file", help="the score file (CSV); '-' reads standard input")
    parser.add_argument("--label", metavar="COL", help="label column (default: guessed)")
    parser.add_argument(
        "--score",
        metavar="COL",
        nargs="+",
        action="extend",
        help="score column(s), one per model (default: every numeric column but label and weight)",
    )
    parser.add_argument("--weight", metavar="COL", help="weight or count column (default: guessed)")
    parser.add_argument("--pos-label", metavar="V", help="the label value that is positive")
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="predict positive where score >= this (default 0.5)"
    )
    parser.add_argument(
        "--drop-invalid",
        action="store_true",
        help="drop rows with a missing label or a missing/non-numeric/infinite score instead of failing",
    )
    parser.add_argument("--ci", choices=_CI_METHODS, help="add a confidence interval of each ROC AUC")
    parser.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad file or arguments)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, message already printed)
        return int(exc.code or 0)
    if not 0 < args.level < 1:
        return _fail(f"--level must be between 0 and 1, not {args.level}.")
    if not math.isfinite(args.threshold):
        return _fail(f"--threshold must be a finite number, not {args.threshold}.")
    try:
        source = sys.stdin.buffer if args.file == "-" else args.file
        table = load_scores(
            source,
            label=args.label,
            score=args.score,
            weight=args.weight,
            pos_label=args.pos_label,
            drop_invalid=args.drop_invalid,
        )
        report = _report(args, table)
    except (ScoreFileError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    ascii_only = (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
    sys.stdout.write(json.dumps(report, ensure_ascii=ascii_only, indent=2) + "\n")
    return 0


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return 2


def _report(args: argparse.Namespace, table: ScoreTable) -> dict[str, Any]:
    notes: list[str] = []
    needs_rows = args.ci is not None or len(table.scores) > 1
    y_rows, repeats = _unweighted_rows(table, notes) if needs_rows else (None, None)
    models = {}
    for name, score in table.scores.items():
        evaluation = evaluate(table.y_true, score, threshold=args.threshold, sample_weight=table.weight)
        ci = None
        if args.ci is not None and y_rows is not None:
            ci = auc_confidence_interval(y_rows, _expand(score, repeats), level=args.level, method=args.ci)
        models[name] = model_entry(evaluation, ci=ci, ci_method=args.ci or "delong", level=args.level)
    comparison = None
    if len(table.scores) > 1 and y_rows is not None:
        comparison = comparison_frame(y_rows, {n: _expand(s, repeats) for n, s in table.scores.items()})
    report = report_document(models, comparison, **file_fields(table, args.file, args.threshold))
    if notes:
        report["notes"] = notes
    return report


def _unweighted_rows(table: ScoreTable, notes: list[str]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Labels as unweighted rows for DeLong / CI: counts expanded, fractional weights refused."""
    if table.weight is None:
        return table.y_true, None
    weight = table.weight
    if not np.array_equal(weight, np.round(weight)):
        notes.append(
            f"The weight column {table.weight_column!r} has fractional weights: confidence intervals "
            "and DeLong comparisons need unweighted rows (or whole-number counts), so they are left out."
        )
        return None, None
    total = float(weight.sum())
    if total > _MAX_EXPANDED_ROWS:
        notes.append(
            f"The counts in {table.weight_column!r} add up to {total:,.0f} rows, more than "
            f"{_MAX_EXPANDED_ROWS:,}: confidence intervals and DeLong comparisons are left out."
        )
        return None, None
    repeats = weight.astype(np.int64)
    return np.repeat(table.y_true, repeats), repeats


def _expand(values: np.ndarray, repeats: np.ndarray | None) -> np.ndarray:
    return values if repeats is None else np.repeat(values, repeats)


if __name__ == "__main__":
    raise SystemExit(main())
