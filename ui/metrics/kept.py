"""What a session keeps of a score file: its name and summary, never its rows.

A visitor's upload is read once. Everything the metrics page draws afterwards is computed then, from
the rows, and kept in a :class:`KeptSource`: one :class:`core.metrics.Evaluation` per model (O(distinct
scores) arrays), the DeLong intervals, the comparison of models (DeLong's test needs the rows), the
notes' three AUC computations and the live scikit-learn check of every model. The rows, the file's
bytes and Streamlit's own copy of the upload are then let go (``ui.server.forget_upload``,
``ui.server.release_memory``), so a session costs a small fraction of its file, and the memory comes
back to the process (and to the system) for the next visitor (``ui.server`` says what held memory per
session and how each cause is fixed).

A bundled example's summary (:func:`example_summary`) is the same for every visitor: the page asks for
it through ``ui.compute.shared``, which keeps one for all sessions, read-only. A KeptSource is never
changed once built (its Evaluations lose their full-resolution curves before it is returned).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.metrics import (
    AggregatedScores,
    AucThreeWays,
    ColumnGuess,
    Evaluation,
    ScoreCounts,
    ScoreTable,
    auc_pairwise,
    auc_rank,
    auc_three_ways,
    average_precision_score,
    brier_score_loss,
    calibration_curve,
    comparison_frame,
    counts_from_table,
    detect_columns,
    evaluate,
    evaluate_counts,
    file_fields,
    load_scores,
    log_loss,
    roc_auc_score,
    score_counts,
)

PAIRWISE_LIMIT = 200_000_000  # pairs (~0.2 s here); above, the O(M N) method is skipped and the page says so
CHECK_SAMPLE = 200_000  # rows on which the live scikit-learn check runs (all rows below that)
# the calibration section's choices: its scikit-learn check is run for each at load time, on the rows
CALIBRATION_STRATEGIES = ("uniform", "quantile")
CALIBRATION_BINS = ("5", "10", "20")


@dataclass(frozen=True)
class KeptSource:
    """Everything the metrics page shows about one score source, computed from its rows at load time.

    ``source_id`` names the source (``upload:<file id>``, ``example:<name>``, ``incoming:<n>``) and
    ``mapping`` the columns it was read with (label, scores, weight, positive label, drop invalid);
    ``guess`` is the automatic column detection (None for a table handed over by another page).
    """

    source_id: str
    name: str
    mapping: tuple[Any, ...]
    guess: ColumnGuess | None
    fields: dict[str, Any]  # core.metrics.file_fields without the threshold
    n_rows: int
    n_dropped: int
    pos_label: str
    weighted: bool
    evaluations: dict[str, Evaluation]
    cis: dict[str, tuple[float, float, float]]  # DeLong's interval per model (rows or a count column)
    comparison: pd.DataFrame  # DeLong's test of every pair of models (unweighted, several models)
    three_ways: dict[str, AucThreeWays]  # per model (rows or a count column; none with fractional weights)
    checks: dict[str, tuple[float, int]]  # per model: max |diff| against scikit-learn, rows checked
    # per model and (bins, strategy): calibration figures from the table against scikit-learn's on the rows
    calibration_checks: dict[str, dict[tuple[int, str], tuple[float, int]]]
    count_column: str | None  # a weight column of whole numbers: a count column, standing for rows
    # read through DuckDB (aggregated, no rows: no DeLong test of two models, which pairs rows)
    aggregated: bool = False
    decimals: int | None = None  # scores rounded to this many places before grouping
    auc_bounds: dict[str, float] = field(default_factory=dict)  # per model: how far rounding can move the AUC

    @property
    def models(self) -> list[str]:
        return list(self.evaluations)

    def nbytes(self) -> int:
        """Bytes of the arrays kept (the Evaluations' counts and the curves computed from them)."""
        total = 0
        for ev in self.evaluations.values():
            total += ev.thresholds.nbytes + ev.tps.nbytes + ev.fps.nbytes
            for curve in ("roc", "pr"):
                if curve in ev.__dict__:  # computed (cached_property)
                    c = ev.__dict__[curve]
                    total += c.x.nbytes + c.y.nbytes + c.thresholds.nbytes
        return total


def _three_ways(ev: Evaluation, y: np.ndarray, s: np.ndarray) -> AucThreeWays:
    n_pos = int(y.sum())
    pairs = n_pos * (len(y) - n_pos)
    return AucThreeWays(
        trapezoid=ev.roc_auc,
        rank=auc_rank(y, s),
        pairwise=auc_pairwise(y, s) if pairs <= PAIRWISE_LIMIT else None,
        pairs=pairs,
    )


def _sklearn_check(y: np.ndarray, s: np.ndarray, w: np.ndarray | None) -> tuple[float, int]:
    """Our AUC and AP against scikit-learn's on the same rows (a fixed sample of big files)."""
    from sklearn.metrics import average_precision_score as sk_ap
    from sklearn.metrics import roc_auc_score as sk_auc

    y, s, w = _check_sample(y, s, w)
    diff = max(
        abs(roc_auc_score(y, s, sample_weight=w) - sk_auc(y, s, sample_weight=w)),
        abs(average_precision_score(y, s, sample_weight=w) - sk_ap(y, s, sample_weight=w)),
    )
    return diff, len(y)


def _check_sample(
    y: np.ndarray, s: np.ndarray, w: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The rows the live scikit-learn checks run on: all of them, or a fixed sample of big files."""
    if len(y) > CHECK_SAMPLE:
        idx = np.random.default_rng(0).choice(len(y), CHECK_SAMPLE, replace=False)
        return y[idx], s[idx], None if w is None else w[idx]
    return y, s, w


def _calibration_checks(
    y: np.ndarray, s: np.ndarray, w: np.ndarray | None
) -> dict[tuple[int, str], tuple[float, int]]:
    """Our calibration figures from the aggregated table against scikit-learn's on the same rows, for every
    choice of the calibration section (scikit-learn's calibration_curve takes no weights: the curve is
    compared on unweighted files only)."""
    from sklearn.calibration import calibration_curve as sk_curve
    from sklearn.metrics import brier_score_loss as sk_brier
    from sklearn.metrics import log_loss as sk_log_loss

    if len(s) and (s.min() < 0.0 or s.max() > 1.0):  # not probabilities: the page shows no calibration
        return {}
    y, s, w = _check_sample(y, s, w)
    if y.all() or not y.any():  # a sample with one class: nothing to compare
        return {(int(b), st_): (0.0, len(y)) for b in CALIBRATION_BINS for st_ in CALIBRATION_STRATEGIES}
    ours = score_counts(y, s, sample_weight=w)
    scalar = max(
        abs(brier_score_loss(ours) - sk_brier(y, s, sample_weight=w)),
        abs(log_loss(ours) - sk_log_loss(y, s, sample_weight=w, labels=[False, True])),
    )
    checks = {}
    for bins in map(int, CALIBRATION_BINS):
        for strategy in CALIBRATION_STRATEGIES:
            diffs = [scalar]
            if w is None:
                for a, b in zip(
                    calibration_curve(ours, n_bins=bins, strategy=strategy),
                    sk_curve(y, s, n_bins=bins, strategy=strategy),
                    strict=True,
                ):
                    diffs.append(float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf"))
            checks[(bins, strategy)] = (max(diffs), len(y))
    return checks


def summarize(
    table: ScoreTable,
    *,
    source_id: str,
    name: str,
    mapping: tuple[Any, ...],
    guess: ColumnGuess | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> KeptSource:
    """Compute from ``table``'s rows everything the page shows; the result holds no row.

    ``progress(fraction, model)`` is called after each model. One sort per model gives its Evaluation;
    the rank-sum AUC, the pairwise AUC (small files) and the scikit-learn check read the rows once more.
    Raises ValueError (one class only, ...) as :func:`core.metrics.evaluate` does.
    """
    y, w = table.y_true, table.weight
    # a weight column of whole numbers is a count column (an aggregated file): it stands for rows
    counts = w is not None and bool(np.array_equal(w, np.round(w)))
    evaluations, three_ways, checks, calibration_checks, cis = {}, {}, {}, {}, {}
    for i, (model, s) in enumerate(table.scores.items()):
        ev = evaluations[model] = evaluate(y, s, threshold=0.5, sample_weight=w)
        # The notes' AUC methods and DeLong's variance count rows: from the rows themselves, or from the
        # aggregated table of the rows a count column stands for; none with fractional weights.
        if w is None:
            three_ways[model] = _three_ways(ev, y, s)
            cis[model] = ev.delong_interval()
        elif counts:
            three_ways[model], cis[model] = _row_count_figures(counts_from_table(s, y, w, weighted=False))
        checks[model] = _sklearn_check(y, s, w)
        calibration_checks[model] = _calibration_checks(y, s, w)
        if progress is not None:
            progress((i + 1) / len(table.scores), model)
    # DeLong's test of two models needs the rows paired: not from a weight column.
    several = len(evaluations) > 1 and w is None
    comparison = comparison_frame(y, table.scores) if several else pd.DataFrame()
    return _kept_source(
        table,
        evaluations,
        source_id=source_id,
        name=name,
        mapping=mapping,
        guess=guess,
        weighted=w is not None,
        cis=cis,
        comparison=comparison,
        three_ways=three_ways,
        checks=checks,
        calibration_checks=calibration_checks,
        count_column=table.weight_column if counts else None,
    )


def summarize_counts(
    aggregated: AggregatedScores,
    *,
    source_id: str,
    name: str,
    mapping: tuple[Any, ...],
    guess: ColumnGuess | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> KeptSource:
    """What :func:`summarize` gives, from the aggregated tables of :func:`core.metrics.aggregate_files`
    (files read out of core by DuckDB): every figure from the counts, no rows ever in this process.

    The scikit-learn checks run on rows drawn from the table: all the rows it stands for when there are
    at most ``CHECK_SAMPLE``, else a sample of that many drawn without replacement (multivariate
    hypergeometric: exactly a random subset of the rows); a table of fractional weights is checked as
    weighted rows, one per (score, label) group. DeLong's comparison of two models pairs rows, so an
    aggregated source has none.
    """
    weighted = aggregated.weight_column is not None
    count_column = aggregated.weight_column if weighted and aggregated.whole_weights else None
    evaluations, three_ways, checks, calibration_checks, cis, bounds = {}, {}, {}, {}, {}, {}
    for i, (model, table) in enumerate(aggregated.counts.items()):
        evaluations[model] = evaluate_counts(table, threshold=0.5)
        bounds[model] = table.auc_bound
        rows_table = _as_rows_table(table) if not weighted or count_column else None
        if rows_table is not None:
            # the notes' three methods and DeLong's variance count rows: those the table stands for
            three_ways[model], cis[model] = _row_count_figures(rows_table)
            y, s, w = _rows_drawn(rows_table)
        else:
            y, s, w = _weighted_rows(table)
        checks[model] = _sklearn_check(y, s, w)
        calibration_checks[model] = _calibration_checks(y, s, w)
        if progress is not None:
            progress((i + 1) / len(aggregated.counts), model)
    return _kept_source(
        aggregated,
        evaluations,
        source_id=source_id,
        name=name,
        mapping=mapping,
        guess=guess,
        weighted=weighted,
        cis=cis,
        comparison=pd.DataFrame(),
        three_ways=three_ways,
        checks=checks,
        calibration_checks=calibration_checks,
        count_column=count_column,
        aggregated=True,
        decimals=next(iter(aggregated.counts.values())).decimals,
        auc_bounds=bounds,
    )


def _kept_source(
    source: ScoreTable | AggregatedScores, evaluations: dict[str, Evaluation], *, name: str, **figures: Any
) -> KeptSource:
    """The KeptSource of a file read into rows or aggregated by DuckDB (the same header attributes):
    its report header, and the Evaluations without their full-resolution curves."""
    fields = file_fields(source, name, 0.0)
    del fields["threshold"]
    _drop_curves(evaluations)  # before anyone else sees them: a kept summary is never changed later
    return KeptSource(
        name=name,
        fields=fields,
        n_rows=source.n_rows,
        n_dropped=source.n_dropped,
        pos_label=source.pos_label,
        evaluations=evaluations,
        **figures,
    )


def _row_count_figures(table: ScoreCounts) -> tuple[AucThreeWays, tuple[float, float, float]]:
    """The notes' three AUC computations and DeLong's interval from a table of row counts (no rows)."""
    trapezoid, rank, pairwise = auc_three_ways(table)
    pairs = int(table.n_pos) * int(table.n_neg)
    return AucThreeWays(trapezoid, rank, pairwise, pairs), evaluate_counts(table).delong_interval()


def _as_rows_table(table: ScoreCounts) -> ScoreCounts:
    """The table as counts of rows: itself, or a weighted table whose weights are whole numbers."""
    if not table.weighted:
        return table
    positives, negatives = table.positives.astype(np.int64), table.negatives.astype(np.int64)
    n_rows = int(positives.sum() + negatives.sum())
    return ScoreCounts(
        table.scores, positives, negatives, n_rows, False, table.auc_bound, table.decimals
    )  # fmt: skip


def _rows_drawn(table: ScoreCounts) -> tuple[np.ndarray, np.ndarray, None]:
    """Rows (label, score) the table stands for: all of them, or ``CHECK_SAMPLE`` drawn without
    replacement (a fixed seed, as the sample of a file's rows)."""
    counts = np.concatenate([table.positives, table.negatives]).astype(np.int64)
    total = int(counts.sum())
    if total > CHECK_SAMPLE:
        # CHECK_SAMPLE of the ``total`` rows (numbered group by group), each group's share counted:
        # a multivariate hypergeometric draw, for any total (numpy's own refuses 1e9 rows or more)
        picked = np.random.default_rng(0).choice(total, CHECK_SAMPLE, replace=False)
        groups = np.searchsorted(np.cumsum(counts), picked, side="right")
        counts = np.bincount(groups, minlength=counts.size)
    labels = np.repeat(np.arange(2 * table.size) < table.size, counts)
    scores = np.repeat(np.concatenate([table.scores, table.scores]), counts)
    return labels, scores, None


def _weighted_rows(table: ScoreCounts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The table as weighted rows, one per (score, label) group of non-zero weight."""
    weights = np.concatenate([table.positives, table.negatives]).astype(np.float64)
    labels = np.arange(2 * table.size) < table.size
    scores = np.concatenate([table.scores, table.scores])
    keep = weights > 0
    return labels[keep], scores[keep], weights[keep]


# ---------------------------------------------------------------------------------------------------
# Bundled examples: the same for every visitor, so read and summarised once per server process.


def example_summary(path: Path, mapping: tuple[Any, ...]) -> KeptSource:
    """A bundled example read with ``mapping`` (label, scores, weight, positive label, drop invalid) and
    summarised: the same for every visitor, so asked for through ``ui.compute.shared`` (computed once,
    kept for all sessions, read-only: never mutated once returned)."""
    table = load_scores(
        path, label=mapping[0], score=list(mapping[1]), weight=mapping[2], pos_label=mapping[3],
        drop_invalid=mapping[4],
    )  # fmt: skip
    return summarize(
        table, source_id=f"example:{path.stem}", name=path.name, mapping=mapping, guess=detect_columns(path)
    )


def _drop_curves(evaluations: dict[str, Evaluation]) -> None:
    """Forget the full-resolution ROC and PR curves an Evaluation computed on first use (its
    ``cached_property``): twice the size of its counts, and only needed to draw the display frames,
    which are decimated to ~2,000 points (``ui.metrics.views`` draws them from a private copy of the
    Evaluation, so the kept one never holds them again). Only for Evaluations nobody else holds yet."""
    for ev in evaluations.values():
        ev.__dict__.pop("roc", None)
        ev.__dict__.pop("pr", None)
