"""The confusion matrix at one threshold, display helpers, and :func:`evaluate`: one sort, every figure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_whole
from core.metrics._confidence import _delong_variance_from_counts
from core.metrics._ranking import (
    _auc_from_counts,
    _average_precision,
    _best_f1_threshold,
    _ks_from_counts,
    _n_at_or_above,
    _pr_from_counts,
    _roc_from_counts,
    _threshold_counts,
    _youden_from_counts,
)
from core.metrics._validation import _check_probability, _check_threshold, _validate

# ----------------------------------------------------------------------------------------------------
# Confusion matrix at one threshold
# ----------------------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or 0.0 when the denominator is 0 (scikit-learn's zero_division default)."""
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class Confusion:
    r"""Confusion matrix of the rule "predict positive where ``score >= threshold``".

    ========== ================== ==================
    \          predicted positive predicted negative
    ========== ================== ==================
    positive   ``tp``             ``fn``
    negative   ``fp``             ``tn``
    ========== ================== ==================

    (The notes swap the names of TN and FN in their list; the definitions above are the standard ones:
    FN = a positive predicted negative, TN = a negative predicted negative.) Counts are floats
    (weighted counts when weights are given). A ratio whose denominator is 0 is 0.0, as in
    scikit-learn.
    """

    threshold: float
    tp: float
    fp: float
    fn: float
    tn: float

    @property
    def total(self) -> float:
        """All rows (weighted): TP + FP + FN + TN."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def support(self) -> float:
        """Actual positives (weighted), TP + FN: scikit-learn's ``support`` of the positive class."""
        return self.tp + self.fn

    @property
    def accuracy(self) -> float:
        r"""Accuracy = (TP + TN) / all."""
        return _ratio(self.tp + self.tn, self.total)

    @property
    def precision(self) -> float:
        r"""Precision = TP / (TP + FP)."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        r"""Recall = TPR = TP / (TP + FN)."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def tpr(self) -> float:
        r"""True positive rate = recall = TP / (TP + FN)."""
        return self.recall

    @property
    def specificity(self) -> float:
        r"""Specificity = TNR = TN / (TN + FP) = 1 - FPR."""
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def fpr(self) -> float:
        r"""False positive rate = FP / (FP + TN)."""
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def npv(self) -> float:
        r"""Negative predictive value = TN / (TN + FN)."""
        return _ratio(self.tn, self.tn + self.fn)

    @property
    def f1(self) -> float:
        r"""F1 = 2PR / (P + R) = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall."""
        return _ratio(2.0 * self.tp, 2.0 * self.tp + self.fp + self.fn)

    @property
    def mcc(self) -> float:
        r"""Matthews correlation coefficient, 0.0 when a margin is empty (as scikit-learn).

        .. math::

            \mathrm{MCC} = \frac{TP \cdot TN - FP \cdot FN}
            {\sqrt{(TP+FP)(TP+FN)(TN+FP)(TN+FN)}}
        """
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        # sqrt of the product taken in two halves: no overflow for large weighted counts
        denominator = math.sqrt((tp + fp) * (tp + fn)) * math.sqrt((tn + fp) * (tn + fn))
        # MCC = (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))
        return _ratio(tp * tn - fp * fn, denominator)

    def to_dict(self) -> dict[str, float]:
        """The counts and every derived rate, as plain floats (JSON-serialisable)."""
        names = ("threshold", "tp", "fp", "fn", "tn", "accuracy", "precision", "recall", "specificity")
        names += ("f1", "fpr", "mcc", "npv", "support")
        return {name: float(getattr(self, name)) for name in names}


def _confusion_from_counts(
    thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray, threshold: float
) -> Confusion:
    """The confusion matrix of ``score >= threshold`` read off the cumulative counts: O(log U)."""
    # k = how many distinct scores are >= threshold; the counts are those of the k-th threshold
    k = _n_at_or_above(thresholds, threshold)
    tp = float(tps[k - 1]) if k else 0.0
    fp = float(fps[k - 1]) if k else 0.0
    # FN = P - TP, TN = N - FP
    return Confusion(threshold, tp, fp, float(tps[-1]) - tp, float(fps[-1]) - fp)


def confusion_at(
    y_true: ArrayLike,
    y_score: ArrayLike,
    threshold: float,
    *,
    sample_weight: ArrayLike | None = None,
) -> Confusion:
    r"""Confusion matrix at one threshold: positive where ``score >= threshold``.

    One pass over the rows, no sort. Both classes need not be present (rates that become 0/0 are 0.0).

    Examples
    --------
    >>> c = confusion_at([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.35)
    >>> c.tp, c.fp, c.fn, c.tn, round(c.precision, 4), c.recall
    (2.0, 1.0, 0.0, 1.0, 0.6667, 1.0)
    """
    threshold = _check_threshold(threshold)
    labels, scores, weights = _validate(y_true, y_score, sample_weight, need_both_classes=False)
    predicted = scores >= threshold
    # cell index 2 * actual + predicted: 0 = TN, 1 = FP, 2 = FN, 3 = TP
    cells = np.bincount(2 * labels.view(np.uint8) + predicted.view(np.uint8), weights=weights, minlength=4)
    tn, fp, fn, tp = (float(c) for c in cells)
    return Confusion(threshold, tp, fp, fn, tn)


# ----------------------------------------------------------------------------------------------------
# Display helpers
# ----------------------------------------------------------------------------------------------------


def decimate_curve(
    x: ArrayLike, y: ArrayLike, max_points: int = 2000, keep_indices: Sequence[int] = ()
) -> np.ndarray:
    r"""Sorted indices of at most about ``max_points`` points that keep a curve's shape, for display.

    The points are spread evenly along the curve's arc length after scaling both axes to [0, 1]
    (:math:`s_k = \sum_{i \le k} \sqrt{\Delta x_i^2 + \Delta y_i^2}`): a long straight segment gets
    few points, a bend many. The first and last points and ``keep_indices`` (e.g. the point of the
    chosen threshold) are always included, so the result has at most ``max_points +
    len(keep_indices)`` entries. A curve that already has at most ``max_points`` points is returned
    whole. Compute every metric on all points; use this only for what is sent to the browser.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(
            f"x and y must be one-dimensional and of the same length, got shapes {xs.shape} and {ys.shape}."
        )
    check_whole("max_points", max_points, low=2)
    n = xs.size
    keep = np.asarray(keep_indices, dtype=np.int64).reshape(-1)
    if keep.size and (keep.min() < -n or keep.max() >= n):
        raise ValueError(
            f"keep_indices must be valid indices into a curve of {n} points, got {keep.tolist()}."
        )
    keep = keep % max(n, 1)
    if n <= max_points:
        return np.arange(n, dtype=np.int64)

    def unit(values: np.ndarray) -> np.ndarray:
        finite = values[np.isfinite(values)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        span = high - low if high > low else 1.0
        return np.nan_to_num((values - low) / span, nan=0.0, posinf=1.0, neginf=0.0)

    # cumulative arc length of the unit-scaled curve
    arc = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(unit(xs)), np.diff(unit(ys))))))
    # the first point at or beyond each of max_points - 1 evenly spaced arc lengths
    targets = np.linspace(0.0, arc[-1], max_points - 1)
    picked = np.minimum(np.searchsorted(arc, targets, side="left"), n - 1)
    return np.unique(np.concatenate(([0, n - 1], picked, keep))).astype(np.int64)


def score_histogram(
    y_true: ArrayLike,
    y_score: ArrayLike,
    bins: int | ArrayLike = 50,
    sample_weight: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class (weighted) histograms of the scores on shared bin edges.

    ``bins`` is a number of equal-width bins over [min score, max score] (as ``np.histogram``) or the
    edges themselves. Returns ``(edges, counts_pos, counts_neg)``, counts as float64.
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, need_both_classes=False)
    edges = np.histogram_bin_edges(np.array([scores.min(), scores.max()]), bins=bins)
    counts = []
    for mask in (labels, ~labels):
        hist, _ = np.histogram(scores[mask], bins=edges, weights=None if weights is None else weights[mask])
        counts.append(hist.astype(np.float64))
    return edges, counts[0], counts[1]


# ----------------------------------------------------------------------------------------------------
# evaluate: one sort, everything
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Curve:
    """A curve as three aligned arrays, in scikit-learn's order: ``x``, ``y`` and their ``thresholds``.

    For a PR curve ``thresholds`` has one entry fewer than ``x`` and ``y`` (the end point has none).
    """

    x: np.ndarray
    y: np.ndarray
    thresholds: np.ndarray


@dataclass(eq=False)
class Evaluation:
    r"""Everything :func:`evaluate` computes from one sort of the scores.

    The shared building block is ``thresholds`` (the distinct scores, descending) with ``tps`` and
    ``fps``: predicting positive where ``score >= thresholds[i]`` gives ``tps[i]`` true and ``fps[i]``
    false positives (int64 counts, or float64 weighted sums). Every other figure is arithmetic on these.
    ``roc`` and ``pr`` are computed from them on first access (so a pickled Evaluation stays at three
    arrays); the methods answer a threshold in O(log U) without touching the rows again.
    """

    n: int  # rows given (including rows of weight 0)
    n_pos: float  # positives, weighted: P
    n_neg: float  # negatives, weighted: N
    prevalence: float  # P / (P + N)
    roc_auc: float
    average_precision: float
    ks: float  # two-sided: max |TPR - FPR|
    ks_threshold: float  # where KS is reached (score >= threshold)
    gini: float  # 2 AUC - 1
    confusion: Confusion  # at the threshold passed to evaluate
    thresholds: np.ndarray = field(repr=False)  # distinct scores, descending
    tps: np.ndarray = field(repr=False)  # cumulative true positives at each threshold
    fps: np.ndarray = field(repr=False)  # cumulative false positives at each threshold
    best_thresholds: dict[str, float] = field(default_factory=dict)  # "f1", "youden", "ks"
    weighted: bool = False
    # +1: at the KS threshold TPR - FPR = KS (positives score higher); -1: FPR - TPR = KS (negatives
    # score higher, an inverted model)
    ks_direction: int = 1

    @cached_property
    def roc(self) -> Curve:
        """ROC curve, ``Curve(x=fpr, y=tpr, thresholds)``: equal to ``roc_curve(...)`` (drop_intermediate)."""
        fpr, tpr, thresholds = _roc_from_counts(self.thresholds, self.tps, self.fps, True)
        return Curve(fpr, tpr, thresholds)

    @cached_property
    def pr(self) -> Curve:
        """PR curve, ``Curve(x=recall, y=precision, thresholds)``, equal to ``precision_recall_curve``."""
        precision, recall, thresholds = _pr_from_counts(self.thresholds, self.tps, self.fps)
        return Curve(recall, precision, thresholds)

    def delong_interval(self, level: float = 0.95) -> tuple[float, float, float]:
        """DeLong confidence interval ``(low, high, se)`` of ``roc_auc`` from the stored counts: O(U), no
        sort. Equal to ``auc_confidence_interval(..., method="delong")``. Unweighted evaluations only."""
        if self.weighted:
            raise ValueError(
                "DeLong's interval is defined for individual rows: it is not available with sample weights."
            )
        level = _check_probability(level, "level")
        se = math.sqrt(max(_delong_variance_from_counts(self.tps, self.fps, self.roc_auc), 0.0))
        # AUC +- z_{(1 + level) / 2} SE, clipped to [0, 1]
        z = NormalDist().inv_cdf(0.5 + level / 2.0)
        return max(0.0, self.roc_auc - z * se), min(1.0, self.roc_auc + z * se), se

    def confusion_at(self, threshold: float) -> Confusion:
        """Confusion matrix for ``score >= threshold``, by binary search on the stored thresholds: O(log U).

        Any threshold works: between two scores, exactly at one, or beyond either end.
        """
        return _confusion_from_counts(self.thresholds, self.tps, self.fps, _check_threshold(threshold))

    def threshold_table(self, max_rows: int | None = None) -> dict[str, np.ndarray]:
        """Counts and rates at every distinct threshold (descending), or at most ``max_rows`` of them.

        With ``max_rows`` the rows are spread evenly over the thresholds' positions, always keeping the
        first and the last. Columns: threshold, tp, fp, fn, tn, tpr, fpr, precision, recall, f1,
        specificity, accuracy (a 0/0 rate is 0.0).
        """
        check_whole("max_rows", max_rows, low=2, none_ok=True)
        size = self.thresholds.size
        if max_rows is None or max_rows >= size:
            rows = np.arange(size)
        else:
            # evenly spread positions, the first and the last included
            rows = np.unique(np.round(np.linspace(0, size - 1, max_rows)).astype(np.int64))
        tp = self.tps[rows].astype(np.float64)
        fp = self.fps[rows].astype(np.float64)
        # FN = P - TP, TN = N - FP
        fn = self.n_pos - tp
        tn = self.n_neg - fp

        def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
            out = np.zeros_like(numerator)
            np.divide(numerator, denominator, out=out, where=denominator != 0)
            return out

        return {
            "threshold": self.thresholds[rows],
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            # TPR = recall = TP / P, FPR = FP / N
            "tpr": tp / self.n_pos,
            "fpr": fp / self.n_neg,
            # precision = TP / (TP + FP)
            "precision": ratio(tp, tp + fp),
            "recall": tp / self.n_pos,
            # F1 = 2 TP / (2 TP + FP + FN)
            "f1": ratio(2.0 * tp, 2.0 * tp + fp + fn),
            # specificity = TN / N
            "specificity": tn / self.n_neg,
            # accuracy = (TP + TN) / (P + N)
            "accuracy": (tp + tn) / (self.n_pos + self.n_neg),
        }

    def gains(self, n_bins: int = 10) -> dict[str, np.ndarray]:
        r"""Cumulative gains and lift by population depth (deciles by default), best scores first.

        Targeting the top fraction :math:`d` of the (weighted) population by score:

        .. math::

            \mathrm{captured}(d) = \frac{\text{positives in the top } d}{P}, \qquad
            \mathrm{lift}(d) = \frac{\mathrm{captured}(d)}{d}.

        Ties at a bin edge: rows with equal scores cannot be ordered, so a tie group that straddles an
        edge is split in proportion, as if its rows were in random order (the expected value): the
        positives captured are interpolated linearly within the group. Exact for untied scores.

        Columns (one row per bin, depth = 1/n_bins ... 1): ``depth``, ``population`` (weighted rows
        targeted), ``captured``, ``lift``, ``response_rate`` (positives / rows within the bin),
        ``cumulative_response_rate`` and ``score`` (the score at the bin's lower edge).
        """
        check_whole("n_bins", n_bins, low=1)
        total = self.n_pos + self.n_neg
        # rows targeted when predicting positive down to each threshold: TP_k + FP_k
        cumulative_rows = np.concatenate(([0.0], (self.tps + self.fps).astype(np.float64)))
        cumulative_pos = np.concatenate(([0.0], self.tps.astype(np.float64)))
        depth = np.arange(1, n_bins + 1) / n_bins
        population = depth * total
        population[-1] = total  # exactly everyone at depth 1
        # positives in the top d: linear within the tie group that holds the edge
        captured_pos = np.interp(population, cumulative_rows, cumulative_pos)
        per_bin_pos = np.diff(captured_pos, prepend=0.0)
        per_bin_rows = np.diff(population, prepend=0.0)
        # the tie group holding each edge: first k with TP_k + FP_k >= population (the 1e-12 relative
        # slack keeps an edge that falls exactly on a group's end, up to rounding of depth * total, in
        # that group; integer counts differ by >= 1, far more than the slack below 1e12 rows)
        edge_group = np.minimum(
            np.searchsorted(cumulative_rows[1:], population * (1 - 1e-12), side="left"),
            self.thresholds.size - 1,
        )
        # captured(d) = positives in top d / P;  lift(d) = captured(d) / d
        captured = captured_pos / self.n_pos
        return {
            "depth": depth,
            "population": population,
            "captured": captured,
            "lift": captured / depth,
            "response_rate": per_bin_pos / per_bin_rows,
            "cumulative_response_rate": captured_pos / population,
            "score": self.thresholds[edge_group],
        }

    def score_histogram(self, bins: int | ArrayLike = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-class (weighted) score histograms, equal to the module's :func:`score_histogram`.

        Built from the counts per distinct score (the differences of ``tps`` and ``fps``): no rows needed.
        """
        edges = np.histogram_bin_edges(np.array([self.thresholds[-1], self.thresholds[0]]), bins=bins)
        # rows of each class at each distinct score: TP_k - TP_{k-1}, FP_k - FP_{k-1}
        per_score_pos = np.diff(self.tps, prepend=0)
        per_score_neg = np.diff(self.fps, prepend=0)
        counts_pos, _ = np.histogram(self.thresholds, bins=edges, weights=per_score_pos)
        counts_neg, _ = np.histogram(self.thresholds, bins=edges, weights=per_score_neg)
        return edges, counts_pos.astype(np.float64), counts_neg.astype(np.float64)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary: scalars, the confusion matrix and best thresholds (no arrays)."""
        return {
            "n": int(self.n),
            "n_pos": float(self.n_pos),
            "n_neg": float(self.n_neg),
            "prevalence": float(self.prevalence),
            "weighted": bool(self.weighted),
            "n_thresholds": int(self.thresholds.size),
            "roc_auc": float(self.roc_auc),
            "average_precision": float(self.average_precision),
            "ks": float(self.ks),
            "ks_threshold": float(self.ks_threshold),
            "ks_direction": int(self.ks_direction),
            "gini": float(self.gini),
            "confusion": self.confusion.to_dict(),
            "best_thresholds": {name: float(value) for name, value in self.best_thresholds.items()},
        }


def evaluate(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    threshold: float = 0.5,
    sample_weight: ArrayLike | None = None,
) -> Evaluation:
    r"""The complete binary-classification evaluation of one score column, from one sort.

    Sorts once (:func:`_threshold_counts`: cumulative TP / FP at the distinct scores) and derives
    ROC AUC, average precision, KS, Gini, the confusion matrix at ``threshold``, and the best
    thresholds for F1 and Youden's J = TPR - FPR (the KS threshold unless the model is inverted) from
    those counts. KS is two-sided; ``ks_direction`` says which class scores higher at its threshold.
    Every figure equals its scikit-learn / scipy counterpart (see the module docstring). The returned
    :class:`Evaluation` answers other thresholds in O(log U), with no further sort.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels: 0/1, False/True or -1/1.
    y_score : array-like of shape (n,)
        Finite scores.
    threshold : float, default 0.5
        Finite threshold of the reported confusion matrix (positive where ``score >= threshold``).
    sample_weight : array-like of shape (n,), optional
        Non-negative weights; weight-0 rows are ignored.

    Examples
    --------
    >>> ev = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35)
    >>> ev.roc_auc, round(ev.average_precision, 4), ev.ks, ev.gini
    (0.75, 0.8333, 0.5, 0.5)
    >>> ev.confusion.tp, ev.confusion.fp, ev.best_thresholds
    (2.0, 1.0, {'f1': 0.35, 'youden': 0.8, 'ks': 0.8})
    """
    threshold = _check_threshold(threshold)
    if math.isinf(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}.")
    labels, scores, weights = _validate(y_true, y_score, sample_weight)
    thresholds, tps, fps = _threshold_counts(labels, scores, weights)
    return _evaluation_from_counts(
        int(labels.size), thresholds, tps, fps, threshold=threshold, weighted=weights is not None
    )


def _evaluation_from_counts(
    n: int, thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray, *, threshold: float, weighted: bool
) -> Evaluation:
    """Every figure of :class:`Evaluation` from the cumulative counts at the distinct thresholds (shared by
    :func:`evaluate` on rows and ``evaluate_counts`` on an aggregated table, so both give the same)."""
    # P and N: the last cumulative counts
    n_pos, n_neg = float(tps[-1]), float(fps[-1])
    roc_auc = _auc_from_counts(tps, fps)
    average_precision = _average_precision(tps, fps)
    ks, ks_threshold, ks_direction = _ks_from_counts(thresholds, tps, fps)
    return Evaluation(
        n=n,
        n_pos=n_pos,
        n_neg=n_neg,
        # prevalence = P / (P + N)
        prevalence=n_pos / (n_pos + n_neg),
        roc_auc=roc_auc,
        average_precision=average_precision,
        ks=ks,
        ks_threshold=ks_threshold,
        # Gini = 2 AUC - 1
        gini=2.0 * roc_auc - 1.0,
        confusion=_confusion_from_counts(thresholds, tps, fps, threshold),
        thresholds=thresholds,
        tps=tps,
        fps=fps,
        best_thresholds={
            "f1": _best_f1_threshold(thresholds, tps, fps),
            "youden": _youden_from_counts(thresholds, tps, fps),
            "ks": ks_threshold,
        },
        weighted=weighted,
        ks_direction=ks_direction,
    )
