r"""The aggregated score table: one row per distinct score with its (weighted) positives and negatives.

Every ranking figure (ROC, PR, AUC three ways, AP, KS, Gini, lift, the confusion matrix at any threshold,
DeLong's interval from tie groups) depends on the rows only through

.. math::

    p_k = \sum_{i:\, s_i = t_k} w_i [y_i = 1], \qquad n_k = \sum_{i:\, s_i = t_k} w_i [y_i = 0]

at the distinct scores :math:`t_1 > \dots > t_U`: the cumulative sums :math:`\mathrm{TP}_k =
\sum_{j \le k} p_j` and :math:`\mathrm{FP}_k = \sum_{j \le k} n_j` are the counts ``evaluate`` works
from. :class:`ScoreCounts` holds that table (O(U) memory whatever the number of rows), built from rows
(:func:`score_counts`), from an already aggregated ``(score, label, count)`` table
(:func:`counts_from_table`: a warehouse's ``GROUP BY``, DuckDB out of core) or rounded to ``k`` decimals
(:meth:`ScoreCounts.rounded`). :func:`evaluate_counts` gives the :class:`Evaluation` that ``evaluate`` gives
on the rows: identical for unweighted rows and whole-number counts (integer arithmetic), equal to
rounding for fractional weights (the sums are taken per score first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_whole
from core.metrics._evaluation import Evaluation, _evaluation_from_counts
from core.metrics._ranking import _threshold_counts
from core.metrics._validation import _check_threshold, _validate

__all__ = [
    "ScoreCounts",
    "auc_three_ways",
    "counts_from_table",
    "counts_of",
    "evaluate_counts",
    "round_scores",
    "score_counts",
]


@dataclass(frozen=True, eq=False)
class ScoreCounts:
    r"""Distinct scores (descending) with the positives and negatives at each.

    ``scores`` :math:`t_1 > \dots > t_U` (float64), ``positives`` :math:`p_k` and ``negatives``
    :math:`n_k`: int64 row counts when ``weighted`` is False, float64 weighted sums otherwise. ``n_rows``
    is the number of input rows the table summarises (rows of weight 0 included, as ``Evaluation.n``).
    ``auc_bound`` is 0 for exact scores; after :meth:`rounded` it is the largest change of the ROC AUC
    that the rounding can have caused (see there).
    """

    scores: np.ndarray
    positives: np.ndarray
    negatives: np.ndarray
    n_rows: int
    weighted: bool = False
    auc_bound: float = 0.0
    decimals: int | None = None

    @property
    def size(self) -> int:
        """U, the number of distinct scores (rows of the table)."""
        return int(self.scores.size)

    @property
    def n_pos(self) -> float:
        """P, the (weighted) positives."""
        return float(self.positives.sum())

    @property
    def n_neg(self) -> float:
        """N, the (weighted) negatives."""
        return float(self.negatives.sum())

    def cumulative(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r"""``(thresholds, tps, fps)``: :math:`\mathrm{TP}_k = \sum_{j \le k} p_j`, likewise FP."""
        # TP_k = p_1 + ... + p_k, FP_k = n_1 + ... + n_k (int64 exact; float64 sequential sums)
        return self.scores, np.cumsum(self.positives), np.cumsum(self.negatives)

    def to_frame(self) -> dict[str, np.ndarray]:
        """The table as columns ``score, positives, negatives`` (descending score), e.g. for a DataFrame."""
        return {"score": self.scores, "positives": self.positives, "negatives": self.negatives}

    def rounded(self, decimals: int) -> ScoreCounts:
        r"""The table with every score rounded to ``decimals`` places (half away from zero, as SQL's
        ``ROUND``), and the exact bound on how far the ROC AUC can have moved.

        Rounding is monotone, so a positive-negative pair whose scores fall in different rounded groups
        keeps its order; only the pairs that land in the same group :math:`b` become ties and count
        :math:`\tfrac12` instead of their true 0, :math:`\tfrac12` or 1. Hence

        .. math::

            |\mathrm{AUC}_{\text{rounded}} - \mathrm{AUC}| \le
            \frac{1}{2} \frac{\sum_b P_b N_b}{P N},

        computed from the rounded table itself (:math:`P_b, N_b` its positives and negatives at group
        :math:`b`); pairs already tied before rounding are included, so it is an upper bound. Bounds add
        up when a rounded table is rounded again.
        """
        check_whole("decimals", decimals, low=0, high=15)
        new_scores = round_scores(self.scores, int(decimals))
        table = _group(new_scores, self.positives, self.negatives, self.n_rows, self.weighted)
        # bound = 1/2 sum_b P_b N_b / (P N)
        pairs = _pair_sum(table.positives, table.negatives)
        bound = 0.5 * pairs / (table.n_pos * table.n_neg) if table.n_pos and table.n_neg else 0.0
        return ScoreCounts(
            table.scores,
            table.positives,
            table.negatives,
            self.n_rows,
            self.weighted,
            min(1.0, self.auc_bound + bound),
            int(decimals),
        )


def _pair_sum(positives: np.ndarray, negatives: np.ndarray) -> float:
    """sum_b P_b N_b, exactly for integer counts (Python ints) and in float64 for weights."""
    if positives.dtype.kind == "i":
        return float(
            sum(int(p) * int(n) for p, n in zip(positives.tolist(), negatives.tolist(), strict=True))
        )
    return float(np.dot(positives, negatives))


def round_scores(scores: ArrayLike, decimals: int) -> np.ndarray:
    r"""Scores rounded to ``decimals`` places, half away from zero, of their exact binary values, as
    DuckDB's ``ROUND(x, k)`` on a DOUBLE (so the in-memory and DuckDB engines group the same rows):
    ``1.865`` (stored as 1.86499999...) becomes ``1.86``, ``0.125`` (exact) becomes ``0.13``.

    :math:`x \cdot 10^k` in float64 can land exactly on a half when the true product is just below or
    above it, so the few values whose scaled fraction is within a few ulps of 1/2 are decided exactly
    with :class:`decimal.Decimal`; every other value is ``round_half_away(x * 10^k) / 10^k``.
    """
    values = np.asarray(scores, dtype=np.float64)
    power = 10.0**decimals
    scaled = values * power
    # round half away from zero: |x| -> floor(|x|) + [|x| - floor(|x|) >= 1/2], then the sign back
    magnitude = np.abs(scaled)
    whole = np.floor(magnitude)
    fraction = magnitude - whole
    whole += fraction >= 0.5
    result = np.copysign(whole, scaled) / power
    # fractions within a few ulps of 1/2: the float product may have rounded across the half
    # (from 2^52 up every float64 is a whole number: nothing to decide)
    near = np.flatnonzero((np.abs(fraction - 0.5) <= 4.0 * np.spacing(magnitude)) & (magnitude < 2.0**52))
    if near.size:
        quantum = Decimal(1).scaleb(-decimals)
        for i in near.tolist():
            exact = Decimal(float(values[i])).quantize(quantum, rounding=ROUND_HALF_UP)
            result[i] = float(exact)
    return result


def _group(
    scores: np.ndarray, positives: np.ndarray, negatives: np.ndarray, n_rows: int, weighted: bool
) -> ScoreCounts:
    """Sum the counts of equal scores; scores returned distinct and descending; empty groups dropped."""
    distinct, inverse = np.unique(-scores, return_inverse=True)
    size = distinct.size
    if positives.dtype.kind == "i":
        pos = np.zeros(size, dtype=np.int64)
        neg = np.zeros(size, dtype=np.int64)
        np.add.at(pos, inverse, positives)
        np.add.at(neg, inverse, negatives)
    else:
        pos = np.bincount(inverse, weights=positives, minlength=size)
        neg = np.bincount(inverse, weights=negatives, minlength=size)
    keep = (pos + neg) > 0
    return ScoreCounts(-distinct[keep], pos[keep], neg[keep], n_rows, weighted)


def score_counts(
    y_true: ArrayLike, y_score: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> ScoreCounts:
    r"""The aggregated table of rows: :math:`p_k, n_k` at each distinct score (one sort).

    Unweighted, the counts are the differences of ``evaluate``'s integer cumulative counts, so
    :func:`evaluate_counts` on the result is identical to ``evaluate`` on the rows. Weighted, the weights
    are summed per score (rows of weight 0 are left out, as ``evaluate`` leaves them out).

    Examples
    --------
    >>> table = score_counts([0, 0, 1, 1, 1], [0.1, 0.4, 0.4, 0.8, 0.8])
    >>> table.scores.tolist(), table.positives.tolist(), table.negatives.tolist()
    ([0.8, 0.4, 0.1], [2, 1, 0], [0, 1, 1])
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight)
    if weights is None:
        thresholds, tps, fps = _threshold_counts(labels, scores, None)
        # p_k = TP_k - TP_{k-1}, n_k = FP_k - FP_{k-1}
        return ScoreCounts(thresholds, np.diff(tps, prepend=0), np.diff(fps, prepend=0), int(labels.size))
    keep = weights != 0
    positive = np.where(labels, weights, 0.0)[keep]
    negative = np.where(labels, 0.0, weights)[keep]
    return _group(scores[keep], positive, negative, int(labels.size), True)


def counts_from_table(
    score: ArrayLike,
    label: ArrayLike,
    count: ArrayLike | None = None,
    *,
    weighted: bool | None = None,
    n_rows: int | None = None,
) -> ScoreCounts:
    r"""The aggregated table from ``(score, label, count)`` rows, e.g. the output of
    ``SELECT score, label, COUNT(*) AS count ... GROUP BY score, label`` (several rows of the same score
    and label are summed).

    ``count`` defaults to 1 per row. ``weighted``: whether the counts are weights (float sums; no DeLong
    interval) rather than numbers of rows; by default, weighted exactly when some count is not a whole
    number. ``n_rows``: the rows the table stands for, ``Evaluation.n`` (default: the sum of the counts,
    or with weights the number of table rows, as ``evaluate(..., sample_weight=count)`` counts them).
    """
    labels, scores, counts = _validate(label, score, count, need_both_classes=True, score_name="score")
    if counts is None:
        counts = np.ones(labels.size, dtype=np.float64)
    whole = bool(np.all(counts == np.floor(counts))) and float(counts.sum()) < 2.0**53
    if weighted is None:
        weighted = not whole
    if not weighted and not whole:
        raise ValueError("count has fractional values: pass weighted=True to use them as weights.")
    if weighted:
        positive = np.where(labels, counts, 0.0)
        negative = np.where(labels, 0.0, counts)
    else:
        integer = counts.astype(np.int64)
        positive = np.where(labels, integer, 0)
        negative = np.where(labels, 0, integer)
    if n_rows is None:
        n_rows = int(labels.size) if weighted else int(counts.sum())
    return _group(scores, positive, negative, int(n_rows), bool(weighted))


def evaluate_counts(counts: ScoreCounts, *, threshold: float = 0.5) -> Evaluation:
    """:func:`evaluate` from the aggregated table: the same :class:`Evaluation` (every figure, curve and
    the DeLong interval from the tie groups), in O(U) with no rows.

    Examples
    --------
    >>> ev = evaluate_counts(score_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), threshold=0.35)
    >>> ev.roc_auc, ev.ks, ev.confusion.tp
    (0.75, 0.5, 2.0)
    """
    if not isinstance(counts, ScoreCounts):
        raise ValueError(f"counts must be a ScoreCounts table, got {type(counts).__name__}.")
    threshold = _check_threshold(threshold)
    if math.isinf(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}.")
    if not counts.n_pos or not counts.n_neg:
        raise ValueError("the table has only one class: ROC AUC needs both positives and negatives.")
    thresholds, tps, fps = counts.cumulative()
    return _evaluation_from_counts(
        counts.n_rows, thresholds, tps, fps, threshold=threshold, weighted=counts.weighted
    )


def counts_of(evaluation: Evaluation) -> ScoreCounts:
    """The aggregated table behind an :class:`Evaluation` (its per-score counts, the differences of its
    cumulative ``tps`` / ``fps``): what a page needs to keep of a file instead of its rows."""
    # p_k = TP_k - TP_{k-1}, n_k = FP_k - FP_{k-1}
    positives = np.diff(evaluation.tps, prepend=0)
    negatives = np.diff(evaluation.fps, prepend=0)
    return ScoreCounts(evaluation.thresholds, positives, negatives, evaluation.n, evaluation.weighted)


def auc_three_ways(counts: ScoreCounts) -> tuple[float, float, float]:
    r"""The notes' three computations of the ROC AUC from the aggregated table, ``(trapezoid, rank,
    pairwise)``, each by its own formula, in O(U) (no rows, no pairs enumerated).

    With the groups in descending score order, :math:`\mathrm{TP}_k, \mathrm{FP}_k` the counts at or
    above group :math:`k` and :math:`p_k, n_k` its own:

    * trapezoid: :math:`\sum_k n_k (\mathrm{TP}_k + \mathrm{TP}_{k-1}) / (2PN)` (the ROC area);
    * rank (method 2): the :math:`p_k` positives of group :math:`k` share the midrank
      :math:`r_k = (\text{rows below}) + (p_k + n_k + 1)/2`, and
      :math:`\mathrm{AUC} = (\sum_k p_k r_k - P(P+1)/2) / (PN)`;
    * pairwise (method 1): each positive of group :math:`k` beats the :math:`N - \mathrm{FP}_k`
      negatives below it and ties the :math:`n_k` beside it:
      :math:`\mathrm{AUC} = \sum_k p_k (N - \mathrm{FP}_k + n_k/2) / (PN)`.

    Unweighted, all three are exact integer arithmetic until one division, so they agree to the last
    bit with each other and with ``auc_rank`` / ``auc_pairwise`` on the rows.

    Examples
    --------
    >>> auc_three_ways(score_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    (0.75, 0.75, 0.75)
    """
    if counts.weighted:
        raise ValueError("the notes' rank and pairwise methods count rows: they need an unweighted table.")
    m, n = int(counts.positives.sum()), int(counts.negatives.sum())
    if not m or not n:
        raise ValueError("the table has only one class: ROC AUC needs both positives and negatives.")
    total = m + n
    if total < 2**31:
        # int64 is exact here: every partial sum is at most 2 P (P + N) + P < 2^63
        p = counts.positives.astype(np.int64)
        q = counts.negatives.astype(np.int64)
        tps, fps = np.cumsum(p), np.cumsum(q)
        # trapezoid: n_k (TP_k + TP_{k-1}) = n_k (2 TP_k - p_k)
        trapezoid = int(np.sum(q * (2 * tps - p)))
        # rank: rows below the group = total - TP_k - FP_k; 2 r_k = 2 below + p_k + n_k + 1
        twice_rank = int(np.sum(p * (2 * (total - tps - fps) + p + q + 1)))
        # pairwise: 2 (N - FP_k) + n_k per positive of the group
        twice_pairs = int(np.sum(p * (2 * (n - fps) + q)))
    else:  # Python integers: no bound
        trapezoid = twice_rank = twice_pairs = tp = fp = 0
        for p_k, n_k in zip(counts.positives.tolist(), counts.negatives.tolist(), strict=True):
            p_k, n_k = int(p_k), int(n_k)
            trapezoid += n_k * (2 * tp + p_k)
            tp += p_k
            fp += n_k
            twice_rank += p_k * (2 * (total - tp - fp) + p_k + n_k + 1)
            twice_pairs += p_k * (2 * (n - fp) + n_k)
    return (
        trapezoid / (2 * m * n),
        # (sum 2 r_k p_k - P(P+1)) / (2 P N)
        (twice_rank - m * (m + 1)) / (2 * m * n),
        twice_pairs / (2 * m * n),
    )
