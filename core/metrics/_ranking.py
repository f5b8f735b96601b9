"""The shared building block (cumulative counts at the distinct thresholds) and what is computed from it:
ROC and PR curves, AUC, average precision, KS, Gini, and the notes' two ways of computing AUC.

The counts are described in ``core/metrics/__init__.py``."""

from __future__ import annotations

import bisect
import operator

import numpy as np
from numpy.typing import ArrayLike

from core.metrics._validation import _validate

# auc_pairwise compares every positive with every negative: O(M*N) work. It works through blocks of at
# most this many pairs (a block holds two boolean M_b x N_b temporaries: 2 x 16 MB) ...
PAIRWISE_BLOCK_PAIRS = 16_000_000
# ... and refuses more pairs than this (about 0.7 ns per pair on one core here: ~2-3 s at the cap).
MAX_PAIRWISE_PAIRS = 2_000_000_000
# The running sums over the n sorted rows and the scans over the U distinct thresholds (AUC, AP, KS, best
# F1, the ROC turning points) work through slices of this many entries, so their temporaries take a few
# MiB instead of 8 bytes x n (or U) each.
_CHUNK = 1 << 18


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


def _ks_from_counts(thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray) -> tuple[float, float, int]:
    r"""Two-sided KS, its threshold and its direction: :math:`\max_k |\mathrm{TPR}_k - \mathrm{FPR}_k|`.

    Returns ``(statistic, threshold, direction)`` with ``direction`` = ``+1`` when the gap is
    :math:`\mathrm{TPR} - \mathrm{FPR} > 0` there (positives score higher) and ``-1`` when it is
    :math:`\mathrm{FPR} - \mathrm{TPR} > 0` (negatives score higher: an inverted model). The first
    (highest) threshold reaching the maximum wins a tie, the positive direction before the negative one
    at the same threshold. All classes at one score give TPR = FPR = 1 at the lowest threshold, so
    the maximum is >= 0 and always at a finite threshold.
    """
    best, best_value, best_sign = 0, -np.inf, 1
    for part in _chunks(tps.size):
        # J_k = TP_k / P - FP_k / N
        separation = tps[part] / tps[-1]
        separation -= fps[part] / fps[-1]
        for sign in (1, -1):
            # |J_k| on the side of this sign: +J_k or -J_k
            k = int(np.argmax(sign * separation))
            value = float(sign * separation[k])
            index = part.start + k
            # strictly larger wins; an equal value wins only at a higher threshold (smaller index)
            if value > best_value or (value == best_value and index < best):
                best, best_value, best_sign = index, value, sign
    if best_value == 0.0:
        best_sign = 1  # no separation at all: no direction to report
    return best_value, float(thresholds[best]), best_sign


def _youden_from_counts(thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray) -> float:
    r"""The threshold maximising Youden's :math:`J = \mathrm{TPR} - \mathrm{FPR}` (signed; the first,
    highest, arg max): the best cut-off of the rule ``score >= threshold``."""
    best, best_value = 0, -np.inf
    for part in _chunks(tps.size):
        # J_k = TP_k / P - FP_k / N
        separation = tps[part] / tps[-1]
        separation -= fps[part] / fps[-1]
        k = int(np.argmax(separation))
        if separation[k] > best_value:  # strictly: the first (highest) threshold wins a tie
            best, best_value = part.start + k, float(separation[k])
    return float(thresholds[best])


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
    r"""Two-sided Kolmogorov-Smirnov statistic of the two classes' scores and the threshold where it is
    reached.

    .. math::

        \mathrm{KS} = \max_t \big|\mathrm{TPR}(t) - \mathrm{FPR}(t)\big|
                    = \max_x \big|F_-(x) - F_+(x)\big|,

    the largest vertical distance between the ROC curve and the diagonal, on either side, i.e. between
    the empirical score distributions of negatives :math:`F_-` and positives :math:`F_+` (the notes
    list KS without defining it). Unweighted, this equals ``scipy.stats.ks_2samp(pos, neg).statistic``
    for every model, an inverted one (high score = negative) included. The threshold is the highest
    one reaching the maximum, for the rule ``score >= threshold``; whether positives or negatives lie
    above it is :attr:`Evaluation.ks_direction` (``evaluate``).

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
    >>> ks_statistic([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])  # inverted: negatives score higher
    (1.0, 0.3)
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="KS")
    statistic, threshold, _ = _ks_from_counts(*_threshold_counts(labels, scores, weights))
    return statistic, threshold


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
