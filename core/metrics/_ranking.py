r"""Binary-classification metrics in numpy: ROC, PR, AUC, KS, Gini, confusion matrix, confidence intervals.

The notes' chapter on the confusion matrix, made exact and fast. Every function takes

* ``y_true``: binary labels, ``0/1``, ``False/True`` or ``-1/1`` (the positive class is ``1``/``True``);
* ``y_score``: one finite real score per row, higher meaning "more likely positive";
* ``sample_weight`` (where offered): one non-negative weight per row.

and validates them at the door with :func:`_validate`, which raises :class:`ValueError` with a sentence
naming the problem.

One building block serves everything, as in scikit-learn's ``_ranking.py``: the distinct scores in
descending order :math:`t_1 > t_2 > \dots > t_U` and the cumulative (weighted) counts

.. math::

    \mathrm{TP}_k = \sum_{i:\, s_i \ge t_k} w_i\, [y_i = 1], \qquad
    \mathrm{FP}_k = \sum_{i:\, s_i \ge t_k} w_i\, [y_i = 0],

i.e. the confusion matrix of the rule "predict positive where ``score >= t_k``" at every distinct
threshold at once (:func:`_threshold_counts`). ROC, PR, AUC, AP, KS, the best thresholds, gains and the
threshold table are all arithmetic on these arrays. :func:`evaluate` sorts once and returns an
:class:`Evaluation` holding them, so a threshold slider only does a binary search.

Conventions (the same as scikit-learn's where it has the metric):

* a ratio that is undefined (0/0) is reported as ``0.0``, as scikit-learn's default ``zero_division``;
* ``roc_curve`` starts at the threshold ``inf`` (nothing predicted positive) and drops collinear points
  by scikit-learn's rule; ``precision_recall_curve`` ends at ``precision=1, recall=0``;
* KS is the *signed* maximum :math:`\max_t (\mathrm{TPR}(t) - \mathrm{FPR}(t))` (Youden's J), which
  equals the two-sample Kolmogorov-Smirnov statistic when the ROC curve's largest distance from the
  diagonal lies above it (any useful model).
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "MAX_BOOTSTRAP_DRAWS",
    "MAX_PAIRWISE_PAIRS",
    "PAIRWISE_BLOCK_PAIRS",
    "Confusion",
    "Curve",
    "DeLongTest",
    "Evaluation",
    "auc_confidence_interval",
    "auc_pairwise",
    "auc_rank",
    "average_precision_score",
    "confusion_at",
    "decimate_curve",
    "delong_test",
    "evaluate",
    "gini",
    "ks_statistic",
    "precision_recall_curve",
    "roc_auc_score",
    "roc_curve",
    "score_histogram",
]

# auc_pairwise compares every positive with every negative: O(M*N) work. It works through blocks of at
# most this many pairs (a block holds two boolean M_b x N_b temporaries: 2 x 16 MB) ...
PAIRWISE_BLOCK_PAIRS = 16_000_000
# ... and refuses more pairs than this (about 0.7 ns per pair on one core here: ~2-3 s at the cap).
MAX_PAIRWISE_PAIRS = 2_000_000_000
# The bootstrap draws (positives + negatives) x n_bootstraps rows in all; above this many draws each
# replicate resamples a smaller stratified sample (m-out-of-n bootstrap, see auc_confidence_interval).
MAX_BOOTSTRAP_DRAWS = 20_000_000
# The running sums over the n sorted rows and the scans over the U distinct thresholds (AUC, AP, KS, best
# F1, the ROC turning points) work through slices of this many entries, so their temporaries take a few
# MiB instead of 8 bytes x n (or U) each.
_CHUNK = 1 << 18


# ----------------------------------------------------------------------------------------------------
# Input validation
# ----------------------------------------------------------------------------------------------------


def _as_1d(values: ArrayLike, name: str) -> np.ndarray:
    """``np.asarray(values)`` as one dimension; a column vector ``(n, 1)`` is accepted and flattened."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per row), but it has shape {array.shape}."
        )
    return array


def _first_row(mask: np.ndarray) -> int:
    """Index of the first True in a boolean mask (which must have one)."""
    return int(np.argmax(mask))


def _show(values: np.ndarray, limit: int = 6) -> str:
    """A short human list of (distinct) values for an error message: ``0, 1, 2``."""
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def _labels_to_bool(y: np.ndarray) -> np.ndarray:
    """Map binary labels (bool, 0/1 or -1/1) to a bool array with True = positive; reject anything else."""
    if y.dtype.kind == "b":
        return y
    if y.dtype.kind not in "iuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"y_true must hold binary labels 0/1, True/False or -1/1, but it holds text such as "
                f"{_show(np.unique(y.astype(str)), 3)}: map the labels to 0/1 first."
            ) from None
    if y.dtype.kind == "f":
        missing = np.isnan(y)
        if missing.any():
            raise ValueError(
                f"y_true has {int(missing.sum())} missing (NaN) labels, the first at row "
                f"{_first_row(missing)}: every row needs a label 0 or 1."
            )
    low, high = y.min(), y.max()
    # Two valid label sets: {0, 1} and {-1, 1}; a single value of either set is "one class" (caller's check).
    if low == high:
        if low not in (0, 1, -1):
            raise ValueError(
                f"y_true holds the single value {low.item()!r}: labels must be 0/1, True/False or -1/1."
            )
        return y == 1
    if (low, high) in ((0, 1), (-1, 1)) and not np.any((y != low) & (y != high)):
        return y == 1
    distinct = np.unique(y)
    if distinct.size > 2:
        raise ValueError(
            f"y_true must be binary (0/1, True/False or -1/1), but it has {distinct.size} distinct "
            f"values: {_show(distinct)}."
        )
    raise ValueError(
        f"y_true takes the values {{{_show(distinct)}}}: label the positive class 1 and the negative "
        f"class 0 (or -1), or pass booleans."
    )


def _validate(
    y_true: ArrayLike,
    y_score: ArrayLike,
    sample_weight: ArrayLike | None = None,
    *,
    metric: str = "ROC AUC",
    need_both_classes: bool = True,
    score_name: str = "y_score",
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check the inputs shared by every metric and return them as ``(bool, float64, float64 | None)``.

    Raises ``ValueError`` with a user-readable sentence for: empty input, length mismatch, labels that
    are not binary, a NaN label, non-numeric or non-finite scores, negative / NaN / infinite weights,
    all-zero weights, and (when ``need_both_classes``) a single class, where ``metric`` names what needs
    both classes. No copy is made of inputs that are already bool / float64 arrays.
    """
    y = _as_1d(y_true, "y_true")
    try:
        scores = _as_1d(y_score, score_name).astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        if "one-dimensional" in str(error):
            raise
        raise ValueError(f"{score_name} must hold numbers (one real score per row): {error}") from None
    if y.size == 0 and scores.size == 0:
        raise ValueError(f"y_true and {score_name} are empty: there is nothing to evaluate.")
    if y.size != scores.size:
        raise ValueError(
            f"y_true has {y.size} values but {score_name} has {scores.size}: "
            f"they must have one entry per row."
        )
    labels = _labels_to_bool(y)
    finite = np.isfinite(scores)
    if not finite.all():
        bad = ~finite
        raise ValueError(
            f"{score_name} has {int(bad.sum())} non-finite values (NaN or ±inf), the first at row "
            f"{_first_row(bad)} ({scores[_first_row(bad)]!r}): drop or fix these rows."
        )
    weights = None
    if sample_weight is not None:
        try:
            weights = _as_1d(sample_weight, "sample_weight").astype(np.float64, copy=False)
        except (TypeError, ValueError) as error:
            if "one-dimensional" in str(error):
                raise
            raise ValueError(f"sample_weight must hold numbers (one weight per row): {error}") from None
        if weights.size != y.size:
            raise ValueError(
                f"sample_weight has {weights.size} values but y_true has {y.size}: "
                f"they must have one entry per row."
            )
        finite = np.isfinite(weights)
        if not finite.all():
            bad = ~finite
            raise ValueError(
                f"sample_weight has {int(bad.sum())} NaN or infinite values, the first at row "
                f"{_first_row(bad)}: every weight must be a finite number >= 0."
            )
        negative = weights < 0
        if negative.any():
            row = _first_row(negative)
            raise ValueError(
                f"sample_weight has {int(negative.sum())} negative values, the first at row {row} "
                f"({weights[row]!r}): weights must be >= 0."
            )
        if not weights.any():
            raise ValueError("sample_weight is 0 for every row: at least one row needs a positive weight.")
    if need_both_classes:
        n_pos = int(np.count_nonzero(labels))
        if n_pos == 0 or n_pos == labels.size:
            only = y[0].item()
            if isinstance(only, float) and only.is_integer():
                only = int(only)
            raise ValueError(
                f"y_true has only one class (all {only}): {metric} needs both positives and negatives."
            )
        if weights is not None:
            for name, mask in (("positive", labels), ("negative", ~labels)):
                if not weights[mask].any():
                    raise ValueError(
                        f"every {name} row has sample_weight 0: {metric} needs positives and negatives "
                        f"with weight > 0."
                    )
    return labels, scores, weights


def _check_probability(value: float, name: str) -> float:
    """A level strictly between 0 and 1."""
    if not isinstance(value, (int, float, np.floating, np.integer)) or not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}.")
    return float(value)


def _check_threshold(threshold: float) -> float:
    """A real, non-NaN threshold (±inf allowed: predict nothing / everything positive)."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number, got {threshold!r}.") from None
    if math.isnan(value):
        raise ValueError("threshold is NaN: give a number (rows with score >= threshold are positive).")
    return value


# ----------------------------------------------------------------------------------------------------
# The shared building block: cumulative counts at the distinct thresholds
# ----------------------------------------------------------------------------------------------------


def _threshold_counts(
    labels: np.ndarray, scores: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Distinct scores (descending) and cumulative TP / FP counts at each: the one sort of the module.

    Returns ``thresholds`` (:math:`t_1 > \dots > t_U`), ``tps`` and ``fps`` with
    :math:`\mathrm{TP}_k = \sum_{s_i \ge t_k} w_i [y_i=1]`, :math:`\mathrm{FP}_k = \sum_{s_i \ge t_k}
    w_i [y_i=0]`. Identical to scikit-learn's ``confusion_matrix_at_thresholds`` (its ``fps, tps,
    thresholds``), including the removal of zero-weight rows.

    Unweighted: counts are exact integers and the order of tied rows does not matter, so no argsort of
    the raw scores is needed. A row's label is one bit, so the positives' and the negatives' scores are
    each sorted by value (``ndarray.sort``: a SIMD sort, about 10x faster than ``np.argsort`` on this
    hardware) and the two sorted runs are merged by numpy's stable sort, which detects the runs and
    merges them (about a twentieth of the cost of an argsort of unsorted scores); each sorted position's
    label comes from a binary search of the smaller class's scores in the other class's. Every row is
    sorted once; the result is that of a stable descending argsort.

    Weighted: cumulative sums are ``float64`` (as scikit-learn: float32 sums lose counts beyond 2^24
    and drift with tens of millions of rows) and are taken in the order of a stable descending argsort,
    scikit-learn's order, so they match its results bit for bit.
    """
    if weights is None:
        n = labels.size
        n_pos = int(np.count_nonzero(labels))
        # positives' scores then negatives' scores, in one buffer
        merged = np.empty(n, dtype=np.float64)
        end_pos, end_neg = 0, n_pos
        for part in _chunks(n):  # in chunks: np.compress would build an index array of the whole class
            chunk_labels, chunk_scores = labels[part], scores[part]
            chunk_pos, chunk_neg = chunk_scores[chunk_labels], chunk_scores[~chunk_labels]
            merged[end_pos : end_pos + chunk_pos.size] = chunk_pos
            merged[end_neg : end_neg + chunk_neg.size] = chunk_neg
            end_pos += chunk_pos.size
            end_neg += chunk_neg.size
        # sort each class by value (ascending, in place), no indices to carry
        merged[:n_pos].sort()
        merged[n_pos:].sort()
        # Merge the two sorted runs (a stable merge: among equal scores, positives first). Only the
        # merged position of each row of the smaller class is computed: a positive's position is its
        # rank among the positives + the negatives below it (#{N < p}); a negative's is its rank +
        # #{P <= n}. No n-long index array (memory: 8 bytes per row of the smaller class).
        positives, negatives = merged[:n_pos], merged[n_pos:]
        if n_pos <= n - n_pos:
            is_positive = np.zeros(n, dtype=bool)
            at = np.searchsorted(negatives, positives, side="left")
            for part in _chunks(n_pos):
                at[part] += np.arange(part.start, part.stop)
            is_positive[at] = True
        else:
            is_positive = np.ones(n, dtype=bool)
            at = np.searchsorted(positives, negatives, side="right")
            for part in _chunks(n - n_pos):
                at[part] += np.arange(part.start, part.stop)
            is_positive[at] = False
        del at, positives, negatives
        # the scores in merged order: the same merge, in place (cheaper in memory than a gather)
        merged.sort(kind="stable")
        # descending views: the highest score first, as the thresholds are read
        descending = merged[::-1]
        positive_desc = is_positive[::-1]
        del merged  # (the view keeps it alive until the thresholds are taken)
    else:
        # Filter out zero-weighted rows: they must not create thresholds (as scikit-learn).
        if not weights.all():
            keep = weights != 0
            labels, scores, weights = labels[keep], scores[keep], weights[keep]
        n = scores.size
        # One stable descending argsort (ties keep their row order, as in scikit-learn), done as a value
        # sort of the complex keys -score + i * row: numpy orders complex numbers by real part, then
        # imaginary part, so this is exactly that permutation (1.6x faster than np.argsort at 10M rows).
        key = np.empty(n, dtype=np.complex128)
        key.real = scores
        key.real *= -1.0
        for part in _chunks(n):
            key.imag[part] = np.arange(part.start, part.stop, dtype=np.float64)
        key.sort()
        order = key.imag.astype(np.int64)
        # -score in descending-score order (a view): ties and their ends are the same as the scores'
        descending = key.real
    # the last row of each run of equal scores (in descending order), and the very last row
    is_last = np.empty(n, dtype=bool)
    np.not_equal(descending[1:], descending[:-1], out=is_last[:-1])
    is_last[-1] = True
    last_of_group = np.flatnonzero(is_last)
    del is_last
    thresholds = descending[last_of_group]
    del descending
    if weights is None:
        tps = np.empty(last_of_group.size, dtype=np.int64)
        count = 0
        for part in _chunks(n):
            # running count of positives (exact int64), TP_k read where a tie run ends
            running = np.cumsum(positive_desc[part], dtype=np.int64)
            running += count
            count = int(running[-1])
            low, high = np.searchsorted(last_of_group, (part.start, part.stop))
            tps[low:high] = running[last_of_group[low:high] - part.start]
        # FP_k = rows so far - TP_k (in place in the index array)
        fps = last_of_group
        fps += 1
        fps -= tps
    else:
        thresholds *= -1.0  # back from -score to score (exact)
        del key
        # w_i [y_i = 1] and w_i [y_i = 0]: float64 running sums, FP its own sum (not rows - TP) so that it
        # never decreases despite rounding, as in scikit-learn. Chunked, with the carry added to each
        # chunk's first term, so the additions are those of one sequential cumsum (bit for bit).
        tps = np.empty(last_of_group.size, dtype=np.float64)
        fps = np.empty(last_of_group.size, dtype=np.float64)
        carry_pos = carry_neg = 0.0
        for part in _chunks(n):
            rows = order[part]
            weight = weights[rows]
            positive = np.where(labels[rows], weight, 0.0)
            negative = np.subtract(weight, positive, out=weight)
            positive[0] += carry_pos
            negative[0] += carry_neg
            np.cumsum(positive, out=positive)
            np.cumsum(negative, out=negative)
            carry_pos, carry_neg = float(positive[-1]), float(negative[-1])
            low, high = np.searchsorted(last_of_group, (part.start, part.stop))
            ends = last_of_group[low:high] - part.start
            tps[low:high] = positive[ends]
            fps[low:high] = negative[ends]
    return thresholds, tps, fps


def _chunks(size: int) -> list[slice]:
    """Consecutive slices of at most ``_CHUNK`` entries covering ``range(size)``."""
    return [slice(start, min(start + _CHUNK, size)) for start in range(0, size, _CHUNK)]


def _n_at_or_above(thresholds: np.ndarray, threshold: float) -> int:
    """How many of the descending ``thresholds`` are >= ``threshold``: O(log U) binary search.

    ``np.searchsorted`` needs an ascending, contiguous array; on the reversed view it would first copy
    all U values (O(U)). Python's ``bisect`` on the descending array through a negating key does the same
    binary search with no copy.
    """
    return bisect.bisect_right(thresholds, -threshold, key=operator.neg)


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


def _roc_from_counts(
    thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray, drop_intermediate: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds) exactly as scikit-learn's ``roc_curve`` builds them from the counts."""
    if drop_intermediate and tps.size > 2:
        # keep a point where the curve turns: a non-zero second difference of FP or TP (scikit-learn's
        # rule; some collinear points survive, which is harmless)
        # (diff(a, 2) != 0 written as "consecutive first differences differ": equal for finite floats, as
        # x - y == 0 exactly when x == y, and one pass cheaper)
        keep = np.empty(tps.size, dtype=bool)
        keep[0] = keep[-1] = True
        for part in _chunks(tps.size - 2):
            # point i = part + 1 and its neighbours i - 1, i + 1
            window = slice(part.start, part.stop + 2)
            step = np.diff(fps[window])
            np.not_equal(step[1:], step[:-1], out=keep[part.start + 1 : part.stop + 1])
            step = np.diff(tps[window])
            keep[part.start + 1 : part.stop + 1] |= step[1:] != step[:-1]
        thresholds, tps, fps = thresholds[keep], tps[keep], fps[keep]
    # an extra first point (threshold +inf, nothing predicted positive) so the curve starts at (0, 0)
    zero = np.zeros(1, dtype=tps.dtype)
    tps = np.concatenate((zero, tps))
    fps = np.concatenate((zero, fps))
    # FPR = FP / N,  TPR = TP / P
    fpr = fps / fps[-1]
    tpr = tps / tps[-1]
    thresholds = np.concatenate(([np.inf], thresholds))
    return fpr, tpr, thresholds


def _pr_from_counts(
    thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray, drop_intermediate: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) exactly as scikit-learn's ``precision_recall_curve``."""
    if drop_intermediate and fps.size > 2:
        # keep only the first and last point of each run of equal TP (equal recall)
        keep = np.empty(tps.size, dtype=bool)
        keep[0] = keep[-1] = True
        np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:]), out=keep[1:-1])
        thresholds, tps, fps = thresholds[keep], tps[keep], fps[keep]
    # precision = TP / (TP + FP); TP + FP > 0 at every distinct threshold (each holds a row of weight > 0)
    precision = tps / (tps + fps)
    # recall = TP / P
    recall = tps / tps[-1]
    # recall increasing -> decreasing, and the end point (recall 0, precision 1)
    precision = np.concatenate((precision[::-1], [1.0]))
    recall = np.concatenate((recall[::-1], [0.0]))
    return precision, recall, thresholds[::-1]


def _auc_from_counts(tps: np.ndarray, fps: np.ndarray) -> float:
    r"""Area under the ROC curve by the trapezoid rule over every threshold, from the counts.

    .. math::

        \mathrm{AUC} = \sum_k (\mathrm{FPR}_k - \mathrm{FPR}_{k-1})
        \frac{\mathrm{TPR}_k + \mathrm{TPR}_{k-1}}{2}
        = \frac{\sum_k (\mathrm{FP}_k - \mathrm{FP}_{k-1})(\mathrm{TP}_k + \mathrm{TP}_{k-1})}{2PN},
        \qquad \mathrm{TP}_0 = \mathrm{FP}_0 = 0.

    The same area as scikit-learn's trapezoid over the thinned ROC curve (the dropped points are
    collinear and add exactly their share). Unweighted, the numerator is summed in exact integer
    arithmetic (each chunk's int64 sum is below :math:`2PN \le n^2/2`) and rounded once, in the final
    division; weighted, it is a float64 sum. Agrees with scikit-learn to ~1e-16.
    """
    exact = tps.dtype.kind == "i"
    area = 0 if exact else 0.0
    for part in _chunks(tps.size):
        previous = part.start - 1 if part.start else None
        tp_before = tps[previous] if previous is not None else 0
        fp_before = fps[previous] if previous is not None else 0
        # (FP_k - FP_{k-1}) (TP_k + TP_{k-1})
        width = np.diff(fps[part], prepend=fp_before)
        height = tps[part] + np.concatenate(([tp_before], tps[part][:-1]))
        width *= height
        area += int(width.sum()) if exact else float(width.sum())
    # AUC = area / (2 P N): Python int / int is correctly rounded
    return area / (2 * tps[-1].item() * fps[-1].item())


def _average_precision(tps: np.ndarray, fps: np.ndarray) -> float:
    r"""Step-function integral of the PR curve, from the counts at the thresholds (descending).

    .. math::

        \mathrm{AP} = \sum_k (R_k - R_{k-1})\, P_k
        = \frac{1}{P} \sum_k (\mathrm{TP}_k - \mathrm{TP}_{k-1})
          \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FP}_k}, \qquad \mathrm{TP}_0 = 0.

    scikit-learn sums the same terms on the reversed, extended PR curve; this avoids building it (the
    results agree to rounding, ~1e-16).
    """
    total = 0.0
    for part in _chunks(tps.size):
        tp = tps[part]
        # P_k = TP_k / (TP_k + FP_k)
        terms = np.add(tp, fps[part], dtype=np.float64)
        np.divide(tp, terms, out=terms)
        # (TP_k - TP_{k-1}) P_k
        terms *= np.diff(tp, prepend=tps[part.start - 1] if part.start else 0)
        total += float(np.sum(terms))
    # AP = sum / P (clipped at 0 against a rounding -0.0)
    return max(0.0, total / float(tps[-1]))


def _ks_from_counts(thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray) -> tuple[float, float]:
    r"""KS and its threshold: :math:`\max_k (\mathrm{TPR}_k - \mathrm{FPR}_k)`, the first (highest) arg max.

    The lowest threshold gives TPR = FPR = 1, so the maximum is >= 0 and always at a finite threshold.
    """
    best, best_value = 0, -np.inf
    for part in _chunks(tps.size):
        # J_k = TP_k / P - FP_k / N
        separation = tps[part] / tps[-1]
        separation -= fps[part] / fps[-1]
        k = int(np.argmax(separation))
        if separation[k] > best_value:  # strictly: the first (highest) threshold wins a tie
            best, best_value = part.start + k, float(separation[k])
    return best_value, float(thresholds[best])


def _best_f1_threshold(thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray) -> float:
    r"""Threshold of the highest F1 (the first, i.e. highest threshold, on a tie).

    :math:`F_1 = 2PR/(P+R) = 2\,\mathrm{TP} / (2\,\mathrm{TP} + \mathrm{FP} + \mathrm{FN})
    = 2\,\mathrm{TP} / (\mathrm{TP} + \mathrm{FP} + P)` with :math:`P` the positives.
    """
    best, best_value = 0, -np.inf
    for part in _chunks(tps.size):
        # F1_k = 2 TP_k / (TP_k + FP_k + P)
        f1 = np.add(tps[part], fps[part], dtype=np.float64)
        f1 += tps[-1]
        np.divide(2.0 * tps[part], f1, out=f1)
        k = int(np.argmax(f1))
        if f1[k] > best_value:  # strictly: the first (highest) threshold wins a tie
            best, best_value = part.start + k, float(f1[k])
    return float(thresholds[best])


# ----------------------------------------------------------------------------------------------------
# Curves and scalar scores (the scikit-learn / scipy counterparts)
# ----------------------------------------------------------------------------------------------------


def roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Receiver operating characteristic: FPR and TPR at every distinct threshold.

    For the rule "positive where :math:`s \ge t`",

    .. math::

        \mathrm{TPR}(t) = \frac{\mathrm{TP}(t)}{P}, \qquad \mathrm{FPR}(t) = \frac{\mathrm{FP}(t)}{N},

    with :math:`P, N` the (weighted) numbers of positives and negatives. Same output as scikit-learn's
    ``roc_curve`` (1.9.1): a first point at threshold ``inf`` (FPR = TPR = 0) and, with
    ``drop_intermediate``, points where neither FP nor TP changes slope removed.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary labels: 0/1, False/True or -1/1 (1 is positive).
    y_score : array-like of shape (n,)
        Finite scores, higher meaning more likely positive.
    sample_weight : array-like of shape (n,), optional
        Non-negative row weights; rows of weight 0 are ignored.
    drop_intermediate : bool, default True
        Drop the points that lie on a straight segment (no effect on the area or the drawn shape).

    Returns
    -------
    fpr, tpr : ndarray
        Increasing rates; ``fpr[i], tpr[i]`` are those of the rule ``score >= thresholds[i]``.
    thresholds : ndarray
        Decreasing thresholds, ``thresholds[0] = inf``.

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="a ROC curve")
    return _roc_from_counts(*_threshold_counts(labels, scores, weights), bool(drop_intermediate))


def precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Precision and recall at every distinct threshold, in scikit-learn's order.

    .. math::

        \mathrm{precision}(t) = \frac{\mathrm{TP}(t)}{\mathrm{TP}(t) + \mathrm{FP}(t)}, \qquad
        \mathrm{recall}(t) = \frac{\mathrm{TP}(t)}{P}.

    Same output as scikit-learn's ``precision_recall_curve`` (1.9.1): thresholds increasing, recall
    decreasing, and a last point ``precision = 1, recall = 0`` with no threshold.

    Parameters
    ----------
    y_true, y_score, sample_weight
        As in :func:`roc_curve`.
    drop_intermediate : bool, default False
        scikit-learn's option: keep only the first and last point of each run of equal recall.

    Returns
    -------
    precision, recall : ndarray of shape (U + 1,)
    thresholds : ndarray of shape (U,)
        The distinct scores, increasing.

    Examples
    --------
    >>> precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> precision.round(4).tolist(), recall.tolist(), thresholds.tolist()
    ([0.5, 0.6667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="a precision-recall curve")
    return _pr_from_counts(*_threshold_counts(labels, scores, weights), bool(drop_intermediate))


def roc_auc_score(y_true: ArrayLike, y_score: ArrayLike, *, sample_weight: ArrayLike | None = None) -> float:
    r"""Area under the ROC curve (trapezoid rule over :func:`roc_curve`), equal to scikit-learn's.

    Computed from the counts at every threshold (:func:`_auc_from_counts`): unweighted, in exact
    integer arithmetic with one rounding at the end.

    .. math::

        \mathrm{AUC} = \sum_k (\mathrm{FPR}_k - \mathrm{FPR}_{k-1})
        \frac{\mathrm{TPR}_k + \mathrm{TPR}_{k-1}}{2}
        = P(S_+ > S_-) + \tfrac12 P(S_+ = S_-),

    the probability that a random positive outscores a random negative, ties counting one half (the
    notes' statistical meaning; :func:`auc_pairwise` and :func:`auc_rank` compute it that way).

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight)
    _, tps, fps = _threshold_counts(labels, scores, weights)
    return _auc_from_counts(tps, fps)


def average_precision_score(
    y_true: ArrayLike, y_score: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> float:
    r"""Average precision, :math:`\mathrm{AP} = \sum_k (R_k - R_{k-1})\, P_k`, as scikit-learn's.

    The step-function (not trapezoid) area under the PR curve, over thresholds in decreasing order.

    Examples
    --------
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 6)
    0.833333
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="average precision")
    _, tps, fps = _threshold_counts(labels, scores, weights)
    return _average_precision(tps, fps)


def ks_statistic(
    y_true: ArrayLike, y_score: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> tuple[float, float]:
    r"""Kolmogorov-Smirnov statistic of the two classes' scores and the threshold where it is reached.

    .. math::

        \mathrm{KS} = \max_t \big(\mathrm{TPR}(t) - \mathrm{FPR}(t)\big)
                    = \max_x \big(F_-(x) - F_+(x)\big),

    the largest vertical gap between the ROC curve and the diagonal, i.e. between the empirical score
    distributions of negatives :math:`F_-` and positives :math:`F_+` (the notes list KS without
    defining it). The threshold is the highest one reaching the maximum; the rule is
    ``score >= threshold`` (it is also the Youden-optimal threshold).

    Unweighted, this equals ``scipy.stats.ks_2samp(pos, neg, alternative="less").statistic``, and the
    usual two-sided statistic whenever the ROC curve's largest distance from the diagonal lies above it
    (any useful model); for a model worse than chance the two-sided statistic is the gap below the
    diagonal, which this signed KS does not report.

    Returns
    -------
    statistic : float
        In [0, 1].
    threshold : float
        A distinct score.

    Examples
    --------
    >>> ks_statistic([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    (0.5, 0.8)
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="KS")
    return _ks_from_counts(*_threshold_counts(labels, scores, weights))


def gini(y_true: ArrayLike, y_score: ArrayLike, *, sample_weight: ArrayLike | None = None) -> float:
    r"""Gini coefficient (accuracy ratio), :math:`G = 2\,\mathrm{AUC} - 1`, in [-1, 1].

    Examples
    --------
    >>> gini([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.5
    """
    # Gini = 2 AUC - 1
    return 2.0 * roc_auc_score(y_true, y_score, sample_weight=sample_weight) - 1.0


# ----------------------------------------------------------------------------------------------------
# The notes' two ways of computing AUC
# ----------------------------------------------------------------------------------------------------


def auc_pairwise(y_true: ArrayLike, y_score: ArrayLike) -> float:
    r"""AUC by the notes' method 1: compare every positive with every negative.

    .. math::

        \mathrm{AUC} = \frac{1}{MN} \sum_{i \in +} \sum_{j \in -} I(s_i, s_j), \qquad
        I(a, b) = \begin{cases} 1 & a > b \\ \tfrac12 & a = b \\ 0 & a < b \end{cases}

    for :math:`M` positives and :math:`N` negatives. (The notes' formula for :math:`I` compares
    :math:`P_{positive}` with itself by a typo; it is the positive's score against the negative's.)

    The work is :math:`O(MN)`: the pairs go through blocks of at most ``PAIRWISE_BLOCK_PAIRS``
    (16 million) so memory stays bounded, and more than ``MAX_PAIRWISE_PAIRS`` (2e9) pairs are refused;
    :func:`auc_rank` or :func:`roc_auc_score` give the same number in :math:`O(n \log n)`.

    Examples
    --------
    >>> auc_pairwise([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    labels, scores, _ = _validate(y_true, y_score, metric="AUC")
    positives, negatives = scores[labels], scores[~labels]
    m, n = positives.size, negatives.size
    if m * n > MAX_PAIRWISE_PAIRS:
        raise ValueError(
            f"auc_pairwise would compare {m:,} positives with {n:,} negatives ({m * n:.2e} pairs), more "
            f"than its limit of {MAX_PAIRWISE_PAIRS:.0e}: it is O(M*N); use auc_rank or roc_auc_score, "
            f"which give the same AUC in O(n log n)."
        )
    # block shape (rows of positives) x (columns of negatives) with at most PAIRWISE_BLOCK_PAIRS cells
    cols = min(n, PAIRWISE_BLOCK_PAIRS)
    rows = max(1, PAIRWISE_BLOCK_PAIRS // cols)
    greater = 0  # pairs with s_pos > s_neg
    ties = 0  # pairs with s_pos == s_neg
    for i in range(0, m, rows):
        block_pos = positives[i : i + rows, None]
        for j in range(0, n, cols):
            block_neg = negatives[None, j : j + cols]
            greater += int(np.count_nonzero(block_pos > block_neg))
            ties += int(np.count_nonzero(block_pos == block_neg))
    # AUC = (#{s+ > s-} + 0.5 #{s+ = s-}) / (M N), in exact integers until the division
    return (2 * greater + ties) / (2 * m * n)


def _midranks(values: np.ndarray) -> np.ndarray:
    r"""Ranks 1..n of ``values`` with ties given their average rank (``scipy.stats.rankdata(x)``).

    One sort: a run of equal values at sorted positions :math:`a, \dots, b-1` (0-based) shares the
    rank :math:`(a + 1 + b)/2`, the mean of :math:`a+1, \dots, b`. Returned as float64 (exact: the
    ranks are halves of integers).
    """
    order = np.argsort(values)
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    ends = np.append(starts[1:], values.size)
    # midrank of a tie run = (a + 1 + b) / 2
    run_rank = (starts + 1 + ends) / 2.0
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(run_rank, ends - starts)
    return ranks


def auc_rank(y_true: ArrayLike, y_score: ArrayLike) -> float:
    r"""AUC by the notes' method 2: the rank sum of the positives (Mann-Whitney U).

    Rank all scores from 1 (lowest) to :math:`n`, tied scores sharing their average rank (midrank).
    The :math:`i`-th lowest positive has rank :math:`r_i` = 1 (itself) + the positives and negatives
    below it; subtracting the positive-positive and self pairs, :math:`1 + 2 + \dots + M`, leaves the
    positive-negative pairs it wins:

    .. math::

        \mathrm{AUC} = \frac{\sum_{i \in +} r_i - \frac{M(M+1)}{2}}{M N}.

    Midranks are exactly what make a tie count one half. A score :math:`x` with :math:`a` scores
    below it and :math:`b` at or below it has midrank :math:`(a + 1 + b)/2`; both counts come from a
    binary search in the sorted scores (a value sort, no argsort), and the sum is exact integer
    arithmetic on doubled ranks until the final division.

    Examples
    --------
    >>> auc_rank([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    labels, scores, _ = _validate(y_true, y_score, metric="AUC")
    m = int(np.count_nonzero(labels))
    n = labels.size - m
    # all scores and the positives' scores, ascending (value sorts: no permutation to carry)
    ordered = np.sort(scores)
    positives = scores[labels]
    positives.sort()
    # a run of equal values at sorted positions a..b-1 has midrank (a + 1 + b) / 2, with
    # a = #scores below x and b = #scores at or below x: twice the midrank is a + b + 1, an integer
    # sum over positives of 2 r_i (exact Python ints; in chunks, so no index array of all positives)
    twice_rank_sum = m
    for part in _chunks(m):
        twice_rank_sum += int(np.searchsorted(ordered, positives[part], side="left").sum())
        twice_rank_sum += int(np.searchsorted(ordered, positives[part], side="right").sum())
    # AUC = (sum r_i - M(M+1)/2) / (M N) = (sum 2 r_i - M(M+1)) / (2 M N)
    return (twice_rank_sum - m * (m + 1)) / (2 * m * n)


# ----------------------------------------------------------------------------------------------------
# Confidence intervals and DeLong's test
# ----------------------------------------------------------------------------------------------------


def _delong_components(positives: np.ndarray, negatives: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""DeLong's structural components for k score columns, by Sun & Xu's (2014) midrank algorithm.

    ``positives`` (k, M), ``negatives`` (k, N). With :math:`\psi(a, b) = 1, \tfrac12, 0` for
    :math:`a >, =, < b`:

    .. math::

        V_{10}(X_i) = \frac1N \sum_j \psi(X_i, Y_j) = \frac{T^Z_i - T^X_i}{N}, \qquad
        V_{01}(Y_j) = \frac1M \sum_i \psi(X_i, Y_j) = 1 - \frac{T^Z_{M+j} - T^Y_j}{M},

    where :math:`T^X, T^Y, T^Z` are midranks within the positives, within the negatives and within
    both: :math:`T^Z_i - T^X_i` counts the negatives below :math:`X_i`, ties one half. Three sorts per
    column instead of the :math:`O(MN)` double sum. Returns ``(v10 (k, M), v01 (k, N))``.
    """
    m = positives.shape[1]
    v10 = np.empty(positives.shape)
    v01 = np.empty(negatives.shape)
    for r in range(positives.shape[0]):
        # T^X, T^Y, T^Z: midranks within positives, within negatives, within all
        t_x = _midranks(positives[r])
        t_y = _midranks(negatives[r])
        t_z = _midranks(np.concatenate((positives[r], negatives[r])))
        # V10_i = (T^Z_i - T^X_i) / N
        v10[r] = (t_z[:m] - t_x) / negatives.shape[1]
        # V01_j = 1 - (T^Z_{M+j} - T^Y_j) / M
        v01[r] = 1.0 - (t_z[m:] - t_y) / m
    return v10, v01


def _delong_variance_from_counts(tps: np.ndarray, fps: np.ndarray, auc: float) -> float:
    r"""DeLong's variance of one AUC from the tie groups of :func:`_threshold_counts`: no further sort.

    Every row of a tie group (score :math:`t_k`, holding :math:`tp_k` positives and :math:`fp_k`
    negatives) has the same structural component, so with :math:`TP_k, FP_k` the counts at or above
    :math:`t_k`:

    .. math::

        V_{10}(t_k) = \frac{N - FP_k + \tfrac12 fp_k}{N}, \qquad
        V_{01}(t_k) = \frac{TP_k - \tfrac12 tp_k}{M}, \qquad
        \mathrm{Var} = \frac{S_{10}}{M} + \frac{S_{01}}{N},

    where :math:`S_{10} = \sum_k tp_k (V_{10}(t_k) - A)^2 / (M - 1)` and likewise :math:`S_{01}`
    (both components average to the AUC :math:`A`; two-pass form about that exact mean). Equal to
    :func:`_delong_components` + :func:`_delong_covariance` for one model, in :math:`O(U)`.
    """
    m, n = int(tps[-1]), int(fps[-1])
    # per-group counts tp_k, fp_k
    tp = np.diff(tps, prepend=0)
    fp = np.diff(fps, prepend=0)
    # V10 for the positives of group k: negatives below, ties one half, over N
    v10 = (n - fps + 0.5 * fp) / n
    # V01 for the negatives of group k: positives above, ties one half, over M
    v01 = (tps - 0.5 * tp) / m
    # S10 = sum_k tp_k (V10_k - A)^2 / (M - 1), S01 likewise (0 for a class of one row)
    s10 = float(np.dot(tp, (v10 - auc) ** 2)) / (m - 1) if m > 1 else 0.0
    s01 = float(np.dot(fp, (v01 - auc) ** 2)) / (n - 1) if n > 1 else 0.0
    # Var(AUC) = S10 / M + S01 / N
    return s10 / m + s01 / n


def _delong_covariance(v10: np.ndarray, v01: np.ndarray) -> np.ndarray:
    r"""DeLong's covariance of the k AUCs: :math:`S = S_{10}/M + S_{01}/N` (sample covariances, ddof 1).

    With one class of a single row its covariance term is taken as 0 (no spread can be estimated).
    """
    m, n = v10.shape[1], v01.shape[1]
    k = v10.shape[0]
    # S10 = cov(V10), S01 = cov(V01) across rows (unbiased)
    s10 = np.atleast_2d(np.cov(v10)) if m > 1 else np.zeros((k, k))
    s01 = np.atleast_2d(np.cov(v01)) if n > 1 else np.zeros((k, k))
    # S = S10 / M + S01 / N
    return s10 / m + s01 / n


def _hanley_mcneil_se(auc: float, m: int, n: int) -> float:
    r"""Hanley & McNeil (1982) standard error of an AUC from M positives and N negatives.

    .. math::

        Q_1 = \frac{A}{2 - A}, \quad Q_2 = \frac{2A^2}{1 + A}, \quad
        \mathrm{SE}^2 = \frac{A(1-A) + (M-1)(Q_1 - A^2) + (N-1)(Q_2 - A^2)}{MN}.

    (Their exponential-score approximation: :math:`Q_1` is the chance that two positives both outscore
    one negative, :math:`Q_2` that one positive outscores two negatives.)
    """
    # Q1 = A / (2 - A)
    q1 = auc / (2.0 - auc)
    # Q2 = 2 A^2 / (1 + A)
    q2 = 2.0 * auc * auc / (1.0 + auc)
    # SE^2 = [A(1-A) + (M-1)(Q1 - A^2) + (N-1)(Q2 - A^2)] / (M N)
    variance = (auc * (1.0 - auc) + (m - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc)) / (m * n)
    return math.sqrt(max(variance, 0.0))


def _pairwise_auc_sorted_negatives(positives: np.ndarray, sorted_negatives: np.ndarray) -> float:
    r"""AUC of two samples, negatives sorted: :math:`\sum_i (\#\{Y < X_i\} + \#\{Y \le X_i\}) / (2MN)`."""
    below = np.searchsorted(sorted_negatives, positives, side="left").sum()
    at_or_below = np.searchsorted(sorted_negatives, positives, side="right").sum()
    return float(below + at_or_below) / (2.0 * positives.size * sorted_negatives.size)


def auc_confidence_interval(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    level: float = 0.95,
    method: Literal["delong", "hanley-mcneil", "bootstrap"] = "delong",
    n_bootstraps: int = 1000,
    random_state: int | None = 0,
) -> tuple[float, float, float]:
    r"""Confidence interval and standard error of the ROC AUC.

    * ``"delong"`` (DeLong, DeLong & Clarke-Pearson 1988; fast midrank algorithm of Sun & Xu 2014,
      :math:`O(n \log n)`): :math:`\mathrm{SE}^2 = S_{10}/M + S_{01}/N` from the structural components
      (see :func:`_delong_components`); interval :math:`\mathrm{AUC} \pm z_{(1+\text{level})/2}\,\mathrm{SE}`.
    * ``"hanley-mcneil"`` (Hanley & McNeil 1982): the SE of :func:`_hanley_mcneil_se`, same normal
      interval. Assumes roughly exponential score distributions; DeLong makes no such assumption.
    * ``"bootstrap"``: stratified resampling (positives and negatives each resampled with
      replacement, so every replicate keeps the class sizes), ``n_bootstraps`` replicates, percentile
      interval, SE = standard deviation of the replicates. The work is capped at
      ``MAX_BOOTSTRAP_DRAWS`` (2e7) resampled rows in all: above it, each replicate resamples
      :math:`m' \le M` positives and :math:`n' \le N` negatives (the same fraction of each class, at
      least one) and the replicates' deviations from the full-data AUC are scaled by
      :math:`\sqrt{(S_{10}/M + S_{01}/N) / (S_{10}/m' + S_{01}/n')}` with DeLong's variance components
      (an m-out-of-n bootstrap: the spread is corrected to the full sample size, the shape kept). Below
      the cap it is the ordinary stratified percentile bootstrap.

    Bounds are clipped to [0, 1].

    Parameters
    ----------
    y_true, y_score
        As in :func:`roc_auc_score` (no weights).
    level : float, default 0.95
        Coverage, strictly between 0 and 1.
    method : {"delong", "hanley-mcneil", "bootstrap"}
    n_bootstraps : int, default 1000
        Replicates for ``"bootstrap"`` (at least 2).
    random_state : int or None, default 0
        Seed of ``numpy.random.default_rng`` for ``"bootstrap"``.

    Returns
    -------
    low, high, se : float
    """
    level = _check_probability(level, "level")
    methods = ("delong", "hanley-mcneil", "bootstrap")
    if method not in methods:
        raise ValueError(f"method must be one of {', '.join(repr(m) for m in methods)}, got {method!r}.")
    labels, scores, _ = _validate(y_true, y_score, metric="an AUC confidence interval")
    _, tps, fps = _threshold_counts(labels, scores, None)
    auc = _auc_from_counts(tps, fps)
    m, n = int(tps[-1]), int(fps[-1])
    # z_{(1 + level) / 2}: 1.959964 for 95 %
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    if method == "hanley-mcneil":
        se = _hanley_mcneil_se(auc, m, n)
        low, high = auc - z * se, auc + z * se
    elif method == "delong":
        se = math.sqrt(max(_delong_variance_from_counts(tps, fps, auc), 0.0))
        low, high = auc - z * se, auc + z * se
    else:
        positives, negatives = scores[labels], scores[~labels]
        if isinstance(n_bootstraps, bool) or not isinstance(n_bootstraps, (int, np.integer)):
            raise ValueError(f"n_bootstraps must be a whole number >= 2, got {n_bootstraps!r}.")
        if n_bootstraps < 2:
            raise ValueError(f"n_bootstraps must be at least 2, got {n_bootstraps}.")
        rng = np.random.default_rng(random_state)
        # rows per replicate: all of them, or the same fraction of each class under the work cap
        fraction = min(1.0, MAX_BOOTSTRAP_DRAWS / (n_bootstraps * (m + n)))
        m_sub, n_sub = max(1, round(m * fraction)), max(1, round(n * fraction))
        scale = 1.0
        if (m_sub, n_sub) != (m, n):
            v10, v01 = _delong_components(positives[None, :], negatives[None, :])
            s10 = float(np.var(v10, ddof=1)) if m > 1 else 0.0
            s01 = float(np.var(v01, ddof=1)) if n > 1 else 0.0
            # scale = sqrt( (S10/M + S01/N) / (S10/m' + S01/n') ): full-sample spread over subsample spread
            sub_variance = s10 / m_sub + s01 / n_sub
            if sub_variance > 0:
                scale = math.sqrt((s10 / m + s01 / n) / sub_variance)
        replicates = np.empty(n_bootstraps)
        for b in range(n_bootstraps):
            resampled_pos = positives[rng.integers(0, m, m_sub)]
            resampled_neg = np.sort(negatives[rng.integers(0, n, n_sub)])
            replicates[b] = _pairwise_auc_sorted_negatives(resampled_pos, resampled_neg)
        # deviations from the full-data AUC, rescaled (scale = 1 without the cap: plain percentiles)
        deviations = scale * (replicates - auc)
        se = float(np.std(deviations, ddof=1))
        low = auc + float(np.quantile(deviations, (1.0 - level) / 2.0))
        high = auc + float(np.quantile(deviations, (1.0 + level) / 2.0))
    return max(0.0, low), min(1.0, high), float(se)


@dataclass(frozen=True)
class DeLongTest:
    r"""DeLong's test of two correlated AUCs (two models scored on the same rows).

    :math:`z = (A_a - A_b) / \sqrt{S_{aa} + S_{bb} - 2 S_{ab}}`, two-sided
    :math:`p = 2\,(1 - \Phi(|z|))`.
    """

    auc_a: float
    auc_b: float
    difference: float  # auc_a - auc_b
    se: float  # standard error of the difference
    z: float
    p_value: float


def delong_test(y_true: ArrayLike, score_a: ArrayLike, score_b: ArrayLike) -> DeLongTest:
    r"""DeLong's test that two models scored on the same rows have the same ROC AUC.

    Both AUCs come from the same positives and negatives, so they are correlated; DeLong's covariance

    .. math::

        S = \frac{S_{10}}{M} + \frac{S_{01}}{N}, \qquad
        S_{10}^{(rs)} = \frac{1}{M-1} \sum_i (V^r_{10}(X_i) - A_r)(V^s_{10}(X_i) - A_s)

    (and :math:`S_{01}` likewise over negatives) gives the variance of the difference,
    :math:`\mathrm{Var}(A_a - A_b) = S_{aa} + S_{bb} - 2 S_{ab}`. Structural components by Sun & Xu's
    midrank algorithm, :math:`O(n \log n)`.

    When the variance of the difference is 0 (e.g. both models separate the classes perfectly):
    ``z = 0, p = 1`` if the AUCs are equal, else ``z = ±inf, p = 0``.
    """
    labels, scores_a, _ = _validate(y_true, score_a, metric="DeLong's test", score_name="score_a")
    _, scores_b, _ = _validate(y_true, score_b, metric="DeLong's test", score_name="score_b")
    stacked = np.vstack((scores_a, scores_b))
    v10, v01 = _delong_components(stacked[:, labels], stacked[:, ~labels])
    covariance = _delong_covariance(v10, v01)
    auc_a = _auc_from_counts(*_threshold_counts(labels, scores_a, None)[1:])
    auc_b = _auc_from_counts(*_threshold_counts(labels, scores_b, None)[1:])
    difference = auc_a - auc_b
    # Var(A_a - A_b) = S_aa + S_bb - 2 S_ab
    variance = float(covariance[0, 0] + covariance[1, 1] - 2.0 * covariance[0, 1])
    se = math.sqrt(max(variance, 0.0))
    if se > 0:
        # z = (A_a - A_b) / SE
        z = difference / se
        # p = 2 (1 - Phi(|z|)), via the upper tail to keep precision for large |z|
        p_value = math.erfc(abs(z) / math.sqrt(2.0))
    elif difference == 0:
        z, p_value = 0.0, 1.0
    else:
        z, p_value = math.copysign(math.inf, difference), 0.0
    return DeLongTest(auc_a, auc_b, difference, se, z, p_value)


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
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 2:
        raise ValueError(f"max_points must be a whole number >= 2, got {max_points!r}.")
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
    ks: float  # max (TPR - FPR)
    ks_threshold: float  # where KS is reached (score >= threshold)
    gini: float  # 2 AUC - 1
    confusion: Confusion  # at the threshold passed to evaluate
    thresholds: np.ndarray = field(repr=False)  # distinct scores, descending
    tps: np.ndarray = field(repr=False)  # cumulative true positives at each threshold
    fps: np.ndarray = field(repr=False)  # cumulative false positives at each threshold
    best_thresholds: dict[str, float] = field(default_factory=dict)  # "f1", "youden", "ks"
    weighted: bool = False

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
        if max_rows is not None and (
            isinstance(max_rows, bool) or not isinstance(max_rows, (int, np.integer)) or max_rows < 2
        ):
            raise ValueError(f"max_rows must be None or a whole number >= 2, got {max_rows!r}.")
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
        if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
            raise ValueError(f"n_bins must be a whole number >= 1, got {n_bins!r}.")
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
    thresholds for F1 and Youden's J = TPR - FPR (the KS threshold) from those counts. Every figure
    equals its scikit-learn / scipy counterpart (see the module docstring). The returned
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
    # P and N: the last cumulative counts
    n_pos, n_neg = float(tps[-1]), float(fps[-1])
    roc_auc = _auc_from_counts(tps, fps)
    average_precision = _average_precision(tps, fps)
    ks, ks_threshold = _ks_from_counts(thresholds, tps, fps)
    return Evaluation(
        n=int(labels.size),
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
            "youden": ks_threshold,
            "ks": ks_threshold,
        },
        weighted=weights is not None,
    )


if __name__ == "__main__":
    from core.cli import main

    raise SystemExit(main())
