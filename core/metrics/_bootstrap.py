r"""A stratified bootstrap drawn from the aggregated score table: intervals for AUC, AP, KS and every
metric at a threshold, and pointwise bands on the ROC and PR curves.

A row-level stratified bootstrap draws P positives and N negatives with replacement. All it changes in
the table is how many positives :math:`p_k^*` and negatives :math:`n_k^*` land on each distinct score, and
those counts are distributed exactly as

.. math::

    (p_1^*, \dots, p_U^*) \sim \mathrm{Multinomial}(P; p_1/P, \dots, p_U/P), \qquad
    (n_1^*, \dots, n_U^*) \sim \mathrm{Multinomial}(N; n_1/N, \dots, n_U/N),

so a replicate costs O(U) (two multinomial draws and two cumulative sums) whatever the number of rows,
and every metric of the replicate is the metric of the resampled rows, computed from its counts as
``evaluate`` computes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from core._validation import check_choice, check_number, check_whole
from core.budget import check_budget
from core.errors import InputError
from core.metrics._counts import ScoreCounts, evaluate_counts
from core.metrics._decisions import _table
from core.metrics._evaluation import Evaluation
from core.metrics._ranking import _n_at_or_above

__all__ = [
    "BOOTSTRAP_METRICS",
    "THRESHOLD_METRICS",
    "Bootstrap",
    "bootstrap",
    "bootstrap_ci",
    "bootstrap_replicates",
    "curve_points",
    "threshold_intervals",
]

#: the metrics :func:`bootstrap_ci` takes (the last six at the evaluation's threshold)
BOOTSTRAP_METRICS = (
    "roc_auc",
    "average_precision",
    "ks",
    "accuracy",
    "precision",
    "recall",
    "f1",
    "specificity",
    "mcc",
)
# replicates drawn at once: a block holds a few (block, U) int64 tables of counts and their cumulative sums
_BLOCK_CELLS = 2_000_000


def _bootstrap_table(evaluation: Evaluation | ScoreCounts, rows_only: bool = True) -> Evaluation:
    if isinstance(evaluation, ScoreCounts):
        evaluation = evaluate_counts(evaluation)
    _table(evaluation)  # the type check
    if rows_only and evaluation.weighted:
        raise InputError(
            "metrics.bootstrap_weighted",
            "the bootstrap resamples rows: it is not available with sample weights.",
        )
    return evaluation


def _replicates(evaluation: Evaluation, n_boot: int, seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    r"""Blocks of bootstrap replicates' cumulative counts ``(tps, fps)``, each ``(block, U)`` int64.

    Replicate b draws the positives' counts per distinct score from
    :math:`\mathrm{Multinomial}(P, p_k / P)` and the negatives' from :math:`\mathrm{Multinomial}(N, n_k /
    N)`: the counts a stratified row bootstrap (P positives and N negatives drawn with replacement)
    gives, in O(U) per replicate. The draws come from ``numpy.random.default_rng(seed)`` in a fixed order
    (positives then negatives, block by block), so the same table, ``n_boot`` and seed give the same
    replicates whatever metrics or bands are asked of them.
    """
    rng = np.random.default_rng(seed)
    positives = np.diff(evaluation.tps, prepend=0).astype(np.int64)
    negatives = np.diff(evaluation.fps, prepend=0).astype(np.int64)
    n_pos, n_neg = int(positives.sum()), int(negatives.sum())
    size = positives.size
    block = max(1, min(n_boot, _BLOCK_CELLS // max(size, 1)))
    p_pos, p_neg = positives / n_pos, negatives / n_neg
    done = 0
    while done < n_boot:
        b = min(block, n_boot - done)
        tps = np.cumsum(rng.multinomial(n_pos, p_pos, size=b), axis=1)
        fps = np.cumsum(rng.multinomial(n_neg, p_neg, size=b), axis=1)
        done += b
        yield tps, fps


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _replicate_metrics(
    tps: np.ndarray, fps: np.ndarray, k: int, metrics: Sequence[str]
) -> dict[str, np.ndarray]:
    """Each metric of each replicate (rows of ``tps`` / ``fps``), as :func:`evaluate` computes it on the
    replicate's rows; ``k``: how many distinct scores are >= the evaluation's threshold."""
    n_pos = tps[:, -1:].astype(np.float64)
    n_neg = fps[:, -1:].astype(np.float64)
    out: dict[str, np.ndarray] = {}
    if "roc_auc" in metrics:
        # AUC = sum_k (FP_k - FP_{k-1}) (TP_k + TP_{k-1}) / (2 P N), exact in int64 up to the division
        width = np.diff(fps, axis=1, prepend=0)
        height = tps + np.concatenate((np.zeros((tps.shape[0], 1), np.int64), tps[:, :-1]), axis=1)
        out["roc_auc"] = (width * height).sum(axis=1) / (2.0 * n_pos[:, 0] * n_neg[:, 0])
    if "average_precision" in metrics:
        # AP = sum_k (TP_k - TP_{k-1}) TP_k / (TP_k + FP_k) / P (a score with no row adds nothing)
        step = np.diff(tps, axis=1, prepend=0)
        precision = _ratio(tps.astype(np.float64), (tps + fps).astype(np.float64))
        out["average_precision"] = (step * precision).sum(axis=1) / n_pos[:, 0]
    if "ks" in metrics:
        # KS = max_k |TP_k / P - FP_k / N| (0 for predict none)
        out["ks"] = np.maximum(np.abs(tps / n_pos - fps / n_neg).max(axis=1), 0.0)
    threshold_metrics = [m for m in metrics if m not in ("roc_auc", "average_precision", "ks")]
    if threshold_metrics:
        tp = tps[:, k - 1].astype(np.float64) if k else np.zeros(tps.shape[0])
        fp = fps[:, k - 1].astype(np.float64) if k else np.zeros(tps.shape[0])
        fn, tn = n_pos[:, 0] - tp, n_neg[:, 0] - fp
        values = {
            "accuracy": lambda: (tp + tn) / (tp + fp + fn + tn),
            "precision": lambda: _ratio(tp, tp + fp),
            "recall": lambda: _ratio(tp, tp + fn),
            "specificity": lambda: _ratio(tn, tn + fp),
            "f1": lambda: _ratio(2.0 * tp, 2.0 * tp + fp + fn),
            "mcc": lambda: _ratio(
                tp * tn - fp * fn, np.sqrt((tp + fp) * (tp + fn)) * np.sqrt((tn + fp) * (tn + fn))
            ),
        }
        for metric in threshold_metrics:
            out[metric] = values[metric]()
    return out


def _check_bootstrap(n_boot: int, level: float, seed: int, size: int) -> tuple[int, float, int]:
    n_boot = check_whole("n_boot", n_boot, low=2)
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    seed = check_whole("seed", seed, low=0)
    # every replicate draws the U counts of each class: n_boot x U cells (about 0.3 us each here)
    check_budget("n_boot", "elements", float(n_boot) * size)
    return n_boot, level, seed


def _tpr_at(fpr: np.ndarray, tpr: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The ROC curve (from its start (0, 0)) at each FPR of ``grid``: linear between the last point with
    FPR <= x and the next one (at an FPR where the curve steps up, the top of the step)."""
    j = np.searchsorted(fpr, grid, side="right") - 1
    nxt = np.minimum(j + 1, fpr.size - 1)
    span = fpr[nxt] - fpr[j]
    along = np.zeros_like(grid)
    np.divide(grid - fpr[j], span, out=along, where=span > 0)
    return tpr[j] + along * (tpr[nxt] - tpr[j])


def _precision_at(recall: np.ndarray, precision: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Interpolated precision at each recall of ``grid``: the best precision of the thresholds whose recall
    is at least it (``recall`` ascending, as the thresholds descend; its last value is 1)."""
    best = np.maximum.accumulate(precision[::-1])[::-1]
    k = np.minimum(np.searchsorted(recall, grid, side="left"), recall.size - 1)
    return best[k]


def _curves_at(tp: np.ndarray, fp: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TPR at the FPRs of ``grid`` and interpolated precision at its recalls, from one table's cumulative
    counts (the scores that hold no row are skipped)."""
    kept = np.flatnonzero(np.diff(tp + fp, prepend=0))
    tp_k, fp_k = tp[kept].astype(np.float64), fp[kept].astype(np.float64)
    fpr = np.concatenate(([0.0], fp_k / fp_k[-1]))
    tpr = np.concatenate(([0.0], tp_k / tp_k[-1]))
    return _tpr_at(fpr, tpr, grid), _precision_at(tp_k / tp_k[-1], tp_k / (tp_k + fp_k), grid)


def curve_points(evaluation: Evaluation | ScoreCounts, n_points: int = 101) -> tuple[np.ndarray, ...]:
    """``(grid, tpr, precision)``: the evaluation's own TPR at each FPR of the grid (``n_points`` evenly
    spaced in [0, 1]) and interpolated precision at each recall of it: what :func:`bootstrap` bands."""
    evaluation = _bootstrap_table(evaluation, rows_only=False)
    n_points = check_whole("n_points", n_points, low=2, high=2001)
    grid = np.linspace(0.0, 1.0, n_points)
    return (grid, *_curves_at(evaluation.tps, evaluation.fps, grid))


@dataclass(frozen=True, eq=False)
class Bootstrap:
    """What :func:`bootstrap` returns: ``intervals`` ``{metric: (low, high)}``, and with bands, the
    ``grid`` (FPR for the ROC band, recall for the PR band) and the pointwise percentile bands
    ``roc_low/roc_high`` (TPR) and ``pr_low/pr_high`` (interpolated precision) on it."""

    intervals: dict[str, tuple[float, float]]
    n_boot: int
    level: float
    seed: int
    first: ScoreCounts  # the first replicate's table (what a live check expands into rows)
    first_values: dict[str, float]  # each metric of the first replicate
    grid: np.ndarray | None = None
    roc_low: np.ndarray | None = None
    roc_high: np.ndarray | None = None
    pr_low: np.ndarray | None = None
    pr_high: np.ndarray | None = None


def bootstrap_replicates(
    evaluation: Evaluation | ScoreCounts,
    metrics: Sequence[str] = BOOTSTRAP_METRICS,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    n_points: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Every replicate's value of each metric (``n_boot`` values each; threshold metrics at
    ``evaluation.confusion.threshold``), and with ``n_points`` each replicate's ``"roc"`` TPR and ``"pr"``
    precision on the grid of :func:`curve_points` (``(n_boot, n_points)``). ``progress(done, n_boot)`` is
    called after each block of replicates."""
    return _run(evaluation, metrics, n_boot, seed, n_points, progress)[0]


def _run(
    evaluation: Evaluation | ScoreCounts,
    metrics: Sequence[str],
    n_boot: int,
    seed: int,
    n_points: int | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, np.ndarray], ScoreCounts]:
    """:func:`bootstrap_replicates`, and the first replicate's table (its scores that kept a row)."""
    evaluation = _bootstrap_table(evaluation)
    metrics = [check_choice("metric", m, BOOTSTRAP_METRICS) for m in metrics]
    n_boot, _, seed = _check_bootstrap(n_boot, 0.95, seed, evaluation.thresholds.size)
    check_whole("n_points", n_points, low=2, high=2001, none_ok=True)
    k = _n_at_or_above(evaluation.thresholds, evaluation.confusion.threshold)
    parts: dict[str, list[np.ndarray]] = {m: [] for m in metrics}
    grid = None if n_points is None else np.linspace(0.0, 1.0, n_points)
    curves: dict[str, list[np.ndarray]] = {"roc": [], "pr": []}
    done = 0
    first = None
    for tps, fps in _replicates(evaluation, n_boot, seed):
        if first is None:
            positives, negatives = np.diff(tps[0], prepend=0), np.diff(fps[0], prepend=0)
            kept = (positives + negatives) > 0
            first = ScoreCounts(
                evaluation.thresholds[kept], positives[kept], negatives[kept], int(tps[0, -1] + fps[0, -1])
            )
        for metric, values in _replicate_metrics(tps, fps, k, metrics).items():
            parts[metric].append(values)
        if grid is not None:
            for tp, fp in zip(tps, fps, strict=True):
                roc, pr = _curves_at(tp, fp, grid)
                curves["roc"].append(roc)
                curves["pr"].append(pr)
        done += tps.shape[0]
        if progress is not None:
            progress(done, n_boot)
    out = {m: np.concatenate(v) for m, v in parts.items()}
    if grid is not None:
        out |= {name: np.vstack(rows) for name, rows in curves.items()}
    return out, first


def bootstrap(
    evaluation: Evaluation | ScoreCounts,
    metrics: Sequence[str] = BOOTSTRAP_METRICS,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    n_points: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Bootstrap:
    """Percentile intervals of several metrics and (with ``n_points``) pointwise bands on the ROC and PR
    curves, all from the same replicates in one pass; each interval equals :func:`bootstrap_ci` of its
    metric with the same seed."""
    level = check_number("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    replicates, first = _run(evaluation, metrics, n_boot, seed, n_points, progress)
    first_values = {metric: float(replicates[metric][0]) for metric in metrics}
    q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    intervals = {}
    for metric in metrics:
        low, high = np.quantile(replicates[metric], q)
        intervals[metric] = (float(low), float(high))
    if n_points is None:
        return Bootstrap(intervals, n_boot, level, seed, first, first_values)
    roc_low, roc_high = np.quantile(replicates["roc"], q, axis=0)
    pr_low, pr_high = np.quantile(replicates["pr"], q, axis=0)
    grid = np.linspace(0.0, 1.0, n_points)
    return Bootstrap(
        intervals, n_boot, level, seed, first, first_values, grid, roc_low, roc_high, pr_low, pr_high
    )


def bootstrap_ci(
    evaluation: Evaluation | ScoreCounts,
    metric: str,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    r"""Percentile interval ``(low, high)`` of ``metric`` from a stratified bootstrap of the table.

    ``metric`` is one of ``roc_auc average_precision ks accuracy precision recall f1 specificity mcc``
    (the last six at the evaluation's threshold, ``evaluation.confusion.threshold``). Each of ``n_boot``
    replicates resamples the P positives and the N negatives with replacement, drawn per distinct score
    from the table (see :func:`_replicates`: O(U) per replicate, whatever the number of rows), seeded by
    ``numpy.random.default_rng(seed)``; the interval is the replicates' ``(1 - level)/2`` and
    ``(1 + level)/2`` quantiles (numpy's linear interpolation). Row counts only: a weighted evaluation
    raises ``ValueError``.

    Examples
    --------
    >>> from core.metrics import evaluate
    >>> ev = evaluate([0, 0, 0, 1, 1, 1], [0.1, 0.3, 0.5, 0.4, 0.6, 0.9])
    >>> low, high = bootstrap_ci(ev, "roc_auc", n_boot=200, seed=1)
    >>> 0.0 <= low <= ev.roc_auc <= high <= 1.0
    True
    """
    metric = check_choice("metric", metric, BOOTSTRAP_METRICS)
    return bootstrap(evaluation, (metric,), n_boot=n_boot, level=level, seed=seed).intervals[metric]


THRESHOLD_METRICS = ("accuracy", "precision", "recall", "f1", "specificity", "mcc")


def threshold_intervals(
    evaluation: Evaluation | ScoreCounts,
    threshold: float,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    r"""Percentile intervals of the six metrics at ``threshold`` (accuracy, precision, recall, F1,
    specificity, MCC) from the stratified bootstrap, in O(n_boot) whatever the table.

    At one threshold a replicate's confusion matrix depends only on how many of the P resampled positives
    and of the N resampled negatives score at or above it: :math:`\mathrm{TP}^* \sim \mathrm{Bin}(P,
    \mathrm{TP}/P)` and :math:`\mathrm{FP}^* \sim \mathrm{Bin}(N, \mathrm{FP}/N)`, independent (the sums of
    the multinomial counts of :func:`bootstrap` over the scores >= the threshold). So two binomial draws
    per replicate give the same distribution as the full replicates, without drawing the table: what a
    threshold slider can afford at every move. (Other draws than :func:`bootstrap`'s for the same seed.)
    """
    evaluation = _bootstrap_table(evaluation)
    n_boot, level, seed = _check_bootstrap(n_boot, level, seed, 1)
    c = evaluation.confusion_at(threshold)
    n_pos, n_neg = round(c.tp + c.fn), round(c.fp + c.tn)
    rng = np.random.default_rng(seed)
    tps = rng.binomial(n_pos, c.tp / n_pos, size=n_boot)[:, None]
    fps = rng.binomial(n_neg, c.fp / n_neg, size=n_boot)[:, None]
    # one "distinct score" holding the rows at or above the threshold, one below: k = 1
    table_tps = np.hstack((tps, np.full((n_boot, 1), n_pos)))
    table_fps = np.hstack((fps, np.full((n_boot, 1), n_neg)))
    values = _replicate_metrics(table_tps, table_fps, 1, THRESHOLD_METRICS)
    q = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    out = {}
    for metric in THRESHOLD_METRICS:
        low, high = np.quantile(values[metric], q)
        out[metric] = (float(low), float(high))
    return out
