"""Command line: evaluate score files and print the report as one JSON object.

Usage (``core/metrics/__main__.py`` hands ``python -m core.metrics`` over to :func:`main`)::

    python -m core.metrics FILE [FILE ...] [--engine auto|memory|duckdb] [--decimals K]
                           [--duckdb-memory 512MB] [--duckdb-threads 1]
                           [--label COL] [--score COL ...] [--weight COL]
                           [--pos-label V] [--threshold 0.5] [--drop-invalid]
                           [--ci delong|hanley-mcneil|bootstrap] [--level 0.95] [--html OUT]
                           [--cost-fp C --cost-fn C [--cost-tp C] [--cost-tn C]]
                           [--min-recall X | --min-precision X | --max-fpr X | --top X]
                           [--bootstrap N [--seed 0]]
                           [--segment COL] [--psi OTHER_FILE] [--bands N]

``FILE`` is a CSV or Parquet file (recognised by its content), a glob pattern (quoted, so the shell leaves
it alone: ``'scores/part-*.parquet'``), or ``-`` for standard input; several files are read as one table
(same columns). Engines:

* ``memory``: the rows are read into this process (``core.scores.load_scores``) and evaluated;
* ``duckdb``: DuckDB aggregates the files out of core (``GROUP BY score, label``) and every figure is
  computed from the aggregated table (``core.metrics.evaluate_counts``); memory is O(distinct scores);
* ``auto`` (default): ``duckdb`` for several files or more than 256 MB, ``memory`` otherwise.

The JSON schema is the same for every engine: the file's mapping (label, positive value, weight, rows,
dropped rows), one entry per score column under ``"models"`` (``core.metrics.model_entry``:
``Evaluation.to_dict()``, ``"calibration"`` when the scores are probabilities, ``"ci"`` with ``--ci``;
the same schema as the page's JSON download), and with several score columns a DeLong comparison of
each pair under ``"comparisons"`` (it pairs rows: the memory engine without ``--decimals`` only).
``--decimals K`` rounds the scores to K places before grouping (for files with too many distinct
scores) and adds ``"decimals"`` and ``"auc_bound"`` (the largest change of the AUC the rounding can
have caused) to each model. The decision flags add blocks to each model (``core.metrics.decision_blocks``):
``"cost"`` (``--cost-fp --cost-fn``: the threshold of least mean cost per row), ``"constraint"``
(``--min-recall/--min-precision/--max-fpr/--top``: the best threshold meeting it and its confusion matrix,
or ``"error"``, the sentence saying that none does) and ``"bootstrap"`` (``--bootstrap N``: stratified
bootstrap intervals of AUC, AP, KS and the metrics at ``--threshold``). ``--segment``, ``--psi`` and
``--bands`` add the blocks of ``core.metrics._cli_blocks`` (per-segment figures, the PSI against another file,
the score-band tables; Holm's p-value beside each comparison). A bad file prints one line
``error: <what is wrong and what to do>`` on stderr and exits with status 2.

A file with a label of 3 or more classes and a score column per class (``core.metrics.detect_multiclass``)
gets the multiclass report instead (``core.metrics._multiclass_report``; memory engine, ``--html OUT``
writes it as HTML too).

Confidence intervals and DeLong tests take unweighted rows. A weight column of whole numbers is a
count column (a pre-aggregated table), so its rows are repeated that many times for them; with
fractional weights they are left out and ``"notes"`` says why.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

from core.metrics._cli_blocks import add_blocks
from core.metrics._confidence import _delong_variance_from_counts, _hanley_mcneil_se, auc_confidence_interval
from core.metrics._counts import ScoreCounts, evaluate_counts, score_counts
from core.metrics._decision_report import decision_blocks
from core.metrics._duckdb import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, aggregate_files, expand_sources
from core.metrics._evaluation import evaluate
from core.metrics._multiclass_report import multiclass_cli_report, multiclass_report_html
from core.metrics._report import comparison_frame, file_fields, model_entry, report_document
from core.metrics._scores import ScoreFileError, ScoreTable, load_scores

__all__ = ["main"]

# Counts expanded into rows for DeLong / CI only up to this many rows (memory: 9 bytes per row).
_MAX_EXPANDED_ROWS = 50_000_000
_CI_METHODS = ("delong", "hanley-mcneil", "bootstrap")
_ENGINES = ("auto", "memory", "duckdb")
# the constraint flags -> threshold_for's keyword and what the flag asks
_CONSTRAINT_FLAGS = {
    "--min-recall": "the best precision with recall >= X",
    "--min-precision": "the best recall with precision >= X",
    "--max-fpr": "the best recall (TPR) with FPR <= X",
    "--top": "the most rows flagged with at most the share X of the rows (a review capacity)",
}
_CONSTRAINT_NAMES = {
    "--min-recall": "min_recall",
    "--min-precision": "min_precision",
    "--max-fpr": "max_fpr",
    "--top": "top_fraction",
}
# --engine auto reads files larger than this (in all) with DuckDB
AUTO_DUCKDB_BYTES = 256 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.metrics",
        description="Evaluate CSV or Parquet files of labels and model scores; print the report as JSON.",
    )
    parser.add_argument(
        "file", nargs="+", help="score file(s): CSV or Parquet, a glob pattern, or '-' for standard input"
    )
    parser.add_argument(
        "--engine",
        choices=_ENGINES,
        default="auto",
        help="memory: read the rows; duckdb: aggregate out of core; auto (default): duckdb for several "
        "files or more than 256 MB",
    )
    parser.add_argument(
        "--decimals",
        type=int,
        metavar="K",
        help="round scores to K decimals before grouping; the report gives the bound on the AUC's change",
    )
    parser.add_argument(
        "--duckdb-memory",
        default=DEFAULT_MEMORY_LIMIT,
        metavar="SIZE",
        help=f"duckdb engine: memory limit, beyond which it spills to disk (default {DEFAULT_MEMORY_LIMIT})",
    )
    parser.add_argument(
        "--duckdb-threads",
        type=int,
        default=DEFAULT_THREADS,
        metavar="N",
        help=f"duckdb engine: threads (default {DEFAULT_THREADS}: one hash table; more need more memory)",
    )
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
    decisions = parser.add_argument_group("decisions (issue 24): one block per model in the JSON")
    for name in ("fp", "fn", "tp", "tn"):
        decisions.add_argument(
            f"--cost-{name}",
            type=float,
            metavar="C",
            help=f"cost of a {name.upper()} per row (--cost-fp and --cost-fn together; TP and TN default 0): "
            'adds "cost", the threshold of least mean cost',
        )
    limits = decisions.add_mutually_exclusive_group()
    for flag, words in _CONSTRAINT_FLAGS.items():
        limits.add_argument(flag, type=float, metavar="X", help=f'adds "constraint": {words}')
    decisions.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help='adds "bootstrap": stratified bootstrap intervals (N replicates, at --level) of AUC, AP, KS '
        "and the metrics at --threshold",
    )
    decisions.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    parser.add_argument(
        "--html", metavar="OUT", help="multiclass files: also write the report as HTML to OUT"
    )
    parser.add_argument("--segment", metavar="COL", help="add each model's figures per value of this column")
    parser.add_argument("--psi", metavar="OTHER_FILE", help="add each model's PSI from FILE to OTHER_FILE")
    parser.add_argument("--bands", type=int, metavar="N", help="add each model's table of N score bands")
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
    if args.decimals is not None and not 0 <= args.decimals <= 15:
        return _fail(f"--decimals must be a whole number from 0 to 15, not {args.decimals}.")
    if args.duckdb_threads < 1:
        return _fail(f"--duckdb-threads must be at least 1, not {args.duckdb_threads}.")
    decisions = _decision_options(args)
    if isinstance(decisions, str):
        return _fail(decisions)
    args.decisions = decisions
    if args.bands is not None and args.bands < 1:
        return _fail(f"--bands must be at least 1, not {args.bands}.")
    if args.file == ["-"] and args.segment is not None:
        return _fail("--segment reads the file again: give a path, not standard input.")
    if "-" in args.file and len(args.file) > 1:
        return _fail("'-' (standard input) cannot be combined with other files.")
    options = {
        "label": args.label,
        "score": args.score,
        "weight": args.weight,
        "pos_label": args.pos_label,
        "drop_invalid": args.drop_invalid,
    }
    if (multiclass := _multiclass(args)) is not None:  # a K-class label with a score column per class
        return multiclass
    try:
        engine = _engine(args)
        if engine == "duckdb":
            aggregated = aggregate_files(
                args.file,
                decimals=args.decimals,
                memory_limit=args.duckdb_memory,
                threads=args.duckdb_threads,
                **options,
            )
            report = _counts_report(args, aggregated, aggregated.counts, [])
            rows, counts, paths = None, aggregated.counts, list(args.file)
        else:
            rows = table = _load(args.file, options)
            paths = [] if args.file == ["-"] else expand_sources(args.file)
            counts = None
            if args.decimals is None:
                report = _report(args, table)
            else:
                counts = {
                    name: score_counts(table.y_true, score, sample_weight=table.weight).rounded(args.decimals)
                    for name, score in table.scores.items()
                }
                report = _counts_report(args, table, counts, [])
        report = add_blocks(
            report,
            args,
            paths=paths,
            rows=rows,
            counts=counts,
            load_other=lambda path: _other(args, engine, path, options),
            options=options,
        )
    except (ScoreFileError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read {' '.join(args.file)}: {exc.strerror or exc}")
    ascii_only = (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
    sys.stdout.write(json.dumps(report, ensure_ascii=ascii_only, indent=2) + "\n")
    return 0


def _decision_options(args: argparse.Namespace) -> dict[str, Any] | str:
    """``decision_blocks``' keywords from the flags, or the sentence saying what is wrong with them."""
    options: dict[str, Any] = {}
    costs = {f"cost_{n}": getattr(args, f"cost_{n}") for n in ("fp", "fn", "tp", "tn")}
    if any(v is not None for v in costs.values()):
        if costs["cost_fp"] is None or costs["cost_fn"] is None:
            return "--cost-fp and --cost-fn go together (--cost-tp and --cost-tn are optional, default 0)."
        bad = [k for k, v in costs.items() if v is not None and not math.isfinite(v)]
        if bad:
            return f"--{bad[0].replace('_', '-')} must be a finite number."
        options["costs"] = {k: (0.0 if v is None else v) for k, v in costs.items()}
    for flag, name in _CONSTRAINT_NAMES.items():
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            if not 0.0 <= value <= 1.0:
                return f"{flag} must be a number from 0 to 1, not {value}."
            options["constraint"] = (name, value)
    if args.bootstrap is not None:
        if args.bootstrap < 2:
            return f"--bootstrap must be at least 2 replicates, not {args.bootstrap}."
        if args.seed < 0:
            return f"--seed must be a whole number >= 0, not {args.seed}."
        options |= {"n_boot": args.bootstrap, "level": args.level, "seed": args.seed}
    return options


def _multiclass(args: argparse.Namespace) -> int | None:
    """The multiclass report of one file (memory engine), or None when the file is not multiclass."""
    if len(args.file) != 1 or args.file == ["-"] or glob.has_magic(args.file[0]) or args.engine == "duckdb":
        return None
    try:
        report = multiclass_cli_report(args.file[0], args.label, args.score)
        if report is not None and args.html:
            with open(args.html, "w", encoding="utf-8") as handle:
                handle.write(multiclass_report_html(report))
    except ValueError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read {args.file[0]}: {exc.strerror or exc}")
    if report is None:
        return None
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0


def _other(args: argparse.Namespace, engine: str, path: str, options: dict[str, Any]) -> Any:
    """--psi's other file, read by the same engine with the same columns."""
    if engine == "duckdb":
        return aggregate_files(
            path,
            decimals=args.decimals,
            memory_limit=args.duckdb_memory,
            threads=args.duckdb_threads,
            **options,
        ).counts
    return _load([path], options)


def _engine(args: argparse.Namespace) -> str:
    """The engine to use: ``--engine``, or for ``auto`` duckdb with several files or > 256 MB."""
    if args.engine != "auto":
        if args.engine == "duckdb" and args.file == ["-"]:
            raise ScoreFileError("The duckdb engine reads files, not standard input: give a path.")
        return args.engine
    if args.file == ["-"]:
        return "memory"
    paths = expand_sources(args.file)
    if len(paths) > 1 or sum(os.path.getsize(p) for p in paths) > AUTO_DUCKDB_BYTES:
        return "duckdb"
    return "memory"


def _load(files: list[str], options: dict[str, Any]) -> ScoreTable:
    """The rows of one file, or of several (same mapping) stacked into one table."""
    if files == ["-"]:
        return load_scores(sys.stdin.buffer, **options)
    paths = expand_sources(files) if len(files) > 1 or glob.has_magic(files[0]) else files
    tables = [load_scores(path, **options) for path in paths]
    first = tables[0]
    for path, table in zip(paths[1:], tables[1:], strict=True):
        mapping = (table.label_column, table.pos_label, table.weight_column, table.score_columns)
        if mapping != (first.label_column, first.pos_label, first.weight_column, first.score_columns):
            raise ScoreFileError(
                f"{path} does not have the columns of {paths[0]} (label {first.label_column!r} = "
                f"{first.pos_label!r}, scores {first.score_columns}): give files of one layout."
            )
    if len(tables) == 1:
        return first
    first.y_true = np.concatenate([t.y_true for t in tables])
    first.scores = {name: np.concatenate([t.scores[name] for t in tables]) for name in first.scores}
    if first.weight is not None:
        first.weight = np.concatenate([t.weight for t in tables])
    first.n_rows = sum(t.n_rows for t in tables)
    first.n_dropped = sum(t.n_dropped for t in tables)
    return first


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return 2


def _file_name(args: argparse.Namespace) -> str:
    return args.file[0] if len(args.file) == 1 else ", ".join(args.file)


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
        models[name] |= decision_blocks(evaluation, **args.decisions)
    comparison = None
    if len(table.scores) > 1 and y_rows is not None:
        comparison = comparison_frame(y_rows, {n: _expand(s, repeats) for n, s in table.scores.items()})
    report = report_document(models, comparison, **file_fields(table, _file_name(args), args.threshold))
    if notes:
        report["notes"] = notes
    return report


def _counts_report(
    args: argparse.Namespace, source: Any, counts: dict[str, ScoreCounts], notes: list[str]
) -> dict[str, Any]:
    """The report from aggregated tables (the duckdb engine, or --decimals): the same schema."""
    models = {}
    for name, table in counts.items():
        evaluation = evaluate_counts(table, threshold=args.threshold)
        ci = _interval_from_counts(table, evaluation.roc_auc, args, notes) if args.ci is not None else None
        entry = model_entry(evaluation, ci=ci, ci_method=args.ci or "delong", level=args.level)
        if table.decimals is not None:
            entry["decimals"] = table.decimals
            entry["auc_bound"] = table.auc_bound
        models[name] = entry | decision_blocks(evaluation, **args.decisions)
    if len(counts) > 1:
        notes.append(
            "DeLong comparisons of two models pair their rows: they need the memory engine without "
            "--decimals, so they are left out."
        )
    report = report_document(models, None, **file_fields(source, _file_name(args), args.threshold))
    if notes:
        report["notes"] = list(dict.fromkeys(notes))
    return report


def _interval_from_counts(
    table: ScoreCounts, auc: float, args: argparse.Namespace, notes: list[str]
) -> tuple[float, float, float] | None:
    """The AUC interval from the tie groups (DeLong, Hanley-McNeil) or from the rows the counts stand
    for (bootstrap, up to _MAX_EXPANDED_ROWS rows); weighted tables need whole-number weights."""
    positives, negatives = table.positives, table.negatives
    if table.weighted:
        whole = np.array_equal(positives, np.round(positives)) and np.array_equal(
            negatives, np.round(negatives)
        )
        if not whole:
            notes.append(
                "The weights are fractional: confidence intervals need unweighted rows (or whole-number "
                "counts), so they are left out."
            )
            return None
        positives, negatives = positives.astype(np.int64), negatives.astype(np.int64)
    # z_{(1 + level) / 2}
    z = NormalDist().inv_cdf(0.5 + args.level / 2.0)
    tps, fps = np.cumsum(positives), np.cumsum(negatives)
    m, n = int(tps[-1]), int(fps[-1])
    if args.ci == "delong":
        se = math.sqrt(max(_delong_variance_from_counts(tps, fps, auc), 0.0))
    elif args.ci == "hanley-mcneil":
        se = _hanley_mcneil_se(auc, m, n)
    else:
        if m + n > _MAX_EXPANDED_ROWS:
            notes.append(
                f"The table stands for {m + n:,} rows, more than {_MAX_EXPANDED_ROWS:,}: the bootstrap "
                "interval is left out (--ci delong needs only the table)."
            )
            return None
        scores = np.concatenate((np.repeat(table.scores, positives), np.repeat(table.scores, negatives)))
        labels = np.concatenate((np.ones(m, dtype=bool), np.zeros(n, dtype=bool)))
        return auc_confidence_interval(labels, scores, level=args.level, method="bootstrap")
    # AUC +- z SE, clipped to [0, 1]
    return max(0.0, auc - z * se), min(1.0, auc + z * se), se


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
