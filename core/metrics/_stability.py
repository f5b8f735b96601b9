r"""Score stability: the population stability index (PSI) of two score samples, and the score-band
(decile) table of one evaluation, as credit-risk validation reports print them (toad's ``KS_bucket``).

PSI compares an expected sample (the development sample) with an actual one (a recent sample) on bins
whose edges are the expected scores' quantiles (or given edges):

.. math::

    \mathrm{PSI} = \sum_i (a_i - e_i) \ln \frac{a_i}{e_i},

with :math:`e_i, a_i` the shares of each sample in bin :math:`i`, floored at ``eps`` so that an empty bin
does not make it infinite. Both samples can be given as rows or as an aggregated ``(score, count)``
table (:func:`psi_from_counts`): the quantiles are those of the rows the table stands for, so both give
the same figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from core._validation import check_number, check_whole
from core.metrics._evaluation import Evaluation

__all__ = ["BAND_COLUMNS", "PSI_COLUMNS", "band_table", "psi", "psi_from_counts", "quantile_edges"]

PSI_COLUMNS = (
    "bin", "low", "high", "expected", "actual", "expected_share", "actual_share", "contribution",
)  # fmt: skip
BAND_COLUMNS = (
    "band", "min_score", "max_score", "rows", "positives", "negatives", "positive_rate",
    "cum_positives_share", "cum_negatives_share", "ks",
)  # fmt: skip
# most bins a PSI table may have
MAX_BINS = 1000


def _finite_scores(values: ArrayLike, name: str) -> np.ndarray:
    scores = np.asarray(values, dtype=np.float64).reshape(-1)
    if scores.size == 0:
        raise ValueError(f"{name} is empty: PSI needs scores in both samples.")
    if not np.isfinite(scores).all():
        raise ValueError(f"{name} has a missing or infinite score: PSI needs finite scores.")
    return scores


def _counts_of(scores: ArrayLike, counts: ArrayLike | None, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct scores (ascending) and the rows (or weights) at each."""
    values = _finite_scores(scores, name)
    weights = np.ones(values.size) if counts is None else np.asarray(counts, dtype=np.float64).reshape(-1)
    if weights.shape != values.shape:
        raise ValueError(f"{name}: scores and counts must have the same length.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError(f"{name}: counts must be finite and zero or more.")
    distinct, inverse = np.unique(values, return_inverse=True)
    total = np.bincount(inverse, weights=weights, minlength=distinct.size)
    if not total.sum() > 0:
        raise ValueError(f"{name} has no rows: PSI needs scores in both samples.")
    return distinct, total


def quantile_edges(scores: ArrayLike, counts: ArrayLike | None = None, *, bins: int = 10) -> np.ndarray:
    r"""The ``bins + 1`` quantiles of the rows (``np.quantile``'s default, linear interpolation between
    the sorted rows :math:`x_{(0)} \le \dots \le x_{(n-1)}` at positions :math:`q (n - 1)`), from the
    rows or from an aggregated ``(score, count)`` table of whole counts; repeated edges merged."""
    check_whole("bins", bins, low=1, high=MAX_BINS)
    distinct, total = _counts_of(scores, counts, "scores")
    cumulative = np.cumsum(total)
    n = cumulative[-1]
    # np.quantile's virtual index of the linear method: n q + (1 + q (1 - 1 - 1)) - 1 = q (n - 1)
    q = np.linspace(0.0, 1.0, int(bins) + 1)
    position = n * q + (1 + q * (1 - 1 - 1)) - 1
    below = np.floor(position)
    # the sorted row at position k is the distinct score whose cumulative count first exceeds k
    at = np.minimum(np.searchsorted(cumulative, below, side="right"), distinct.size - 1)
    after = np.minimum(np.searchsorted(cumulative, below + 1, side="right"), distinct.size - 1)
    # x_(k) + (h - k) (x_(k+1) - x_(k)), written as np.quantile's lerp
    fraction = position - below
    lower, upper = distinct[at], distinct[after]
    step = upper - lower
    edges = np.where(fraction >= 0.5, upper - step * (1 - fraction), lower + step * fraction)
    return np.unique(edges)


def psi_from_counts(
    expected_scores: ArrayLike,
    expected_counts: ArrayLike | None,
    actual_scores: ArrayLike,
    actual_counts: ArrayLike | None,
    *,
    bins: int = 10,
    edges: ArrayLike | None = None,
    eps: float = 1e-4,
) -> tuple[float, pd.DataFrame]:
    """:func:`psi` from aggregated ``(score, count)`` tables (counts ``None``: one row per score)."""
    eps = check_number("eps", eps, low=0.0, high=0.5, low_open=True)
    exp_scores, exp_counts = _counts_of(expected_scores, expected_counts, "expected_scores")
    act_scores, act_counts = _counts_of(actual_scores, actual_counts, "actual_scores")
    if edges is None:
        cuts = quantile_edges(exp_scores, exp_counts, bins=bins)
    else:
        cuts = np.unique(_finite_scores(edges, "edges"))
        if cuts.size < 2:
            raise ValueError("edges must hold at least two different values.")
        check_whole("bins", cuts.size - 1, high=MAX_BINS)
    if cuts.size < 2:  # every expected score the same: one bin
        cuts = np.array([cuts[0], cuts[0]])
    inner = cuts[1:-1]

    def binned(scores: np.ndarray, counts: np.ndarray) -> np.ndarray:
        # bin i holds [edge_i, edge_{i+1}); the first and last are open-ended (every score in a bin)
        index = np.searchsorted(inner, scores, side="right")
        return np.bincount(index, weights=counts, minlength=cuts.size - 1)

    expected = binned(exp_scores, exp_counts)
    actual = binned(act_scores, act_counts)
    # shares, floored at eps
    e = np.maximum(expected / expected.sum(), eps)
    a = np.maximum(actual / actual.sum(), eps)
    # (a_i - e_i) ln(a_i / e_i)
    contribution = (a - e) * np.log(a / e)
    low = cuts[:-1].copy()
    high = cuts[1:].copy()
    low[0], high[-1] = -math.inf, math.inf
    table = pd.DataFrame(
        {
            "bin": np.arange(1, cuts.size),
            "low": low,
            "high": high,
            "expected": expected,
            "actual": actual,
            "expected_share": e,
            "actual_share": a,
            "contribution": contribution,
        }
    )
    return float(contribution.sum()), table


def psi(
    expected_scores: ArrayLike,
    actual_scores: ArrayLike,
    *,
    bins: int = 10,
    edges: ArrayLike | None = None,
    eps: float = 1e-4,
) -> tuple[float, pd.DataFrame]:
    r"""Population stability index of ``actual_scores`` against ``expected_scores``, and its table.

    Bins: the ``bins`` quantile bins of the expected scores (edges ``np.quantile(expected,
    linspace(0, 1, bins + 1))``, repeated edges merged), or the given ``edges``; bin :math:`i` holds
    the scores in :math:`[\text{edge}_i, \text{edge}_{i+1})`, and the first and last bins are open
    ended (a score beyond the outer edges counts in them). Shares floored at ``eps``; the value is
    :math:`\sum_i (a_i - e_i)\ln(a_i/e_i)`. The table has one row per bin: ``bin low high expected
    actual expected_share actual_share contribution`` (counts of rows, shares after the floor).

    Examples
    --------
    >>> value, table = psi([1, 2, 3, 4], [1, 2, 3, 4], bins=2)
    >>> value, table["expected"].tolist()
    (0.0, [2.0, 2.0])
    """
    return psi_from_counts(expected_scores, None, actual_scores, None, bins=bins, edges=edges, eps=eps)


def band_table(evaluation: Evaluation, *, n_bands: int = 10) -> pd.DataFrame:
    r"""The score-band (decile) table of an evaluation, highest scores first.

    Bands split the rows (weighted: the weights) into ``n_bands`` parts of about equal size, in
    descending score order, without splitting a score: the rows of the distinct score :math:`t_k` go
    to the band holding the last of them, :math:`b_k = \lceil B\,(\mathrm{TP}_k + \mathrm{FP}_k) / n
    \rceil`. With ``n_bands`` at least the number of distinct scores, every distinct score is a band.
    Columns: ``band min_score max_score rows positives negatives positive_rate cum_positives_share
    cum_negatives_share ks``, with ``ks = |cum_positives_share - cum_negatives_share|`` at the band's
    lower end; the largest ``ks`` is the evaluation's KS when the bands are the distinct scores.
    """
    if not isinstance(evaluation, Evaluation):
        raise ValueError(f"evaluation must be an Evaluation, got {type(evaluation).__name__}.")
    check_whole("n_bands", n_bands, low=1)
    tps = np.asarray(evaluation.tps, dtype=np.float64)
    fps = np.asarray(evaluation.fps, dtype=np.float64)
    size = tps.size
    rows = tps + fps
    total = rows[-1]
    if n_bands >= size:
        band = np.arange(size)
    else:
        # the band of a score's last row: ceil(B * cumulative rows / n) - 1, rounding guarded
        band = np.clip(np.ceil(n_bands * rows / total - 1e-12).astype(np.int64) - 1, 0, n_bands - 1)
    # the last score of each band (bands are runs: band is non-decreasing)
    last = np.flatnonzero(np.append(band[1:] != band[:-1], True))
    first = np.concatenate(([0], last[:-1] + 1))
    cum_pos, cum_neg = tps[last], fps[last]
    positives = np.diff(cum_pos, prepend=0.0)
    negatives = np.diff(cum_neg, prepend=0.0)
    band_rows = positives + negatives
    share_pos = cum_pos / evaluation.n_pos if evaluation.n_pos else np.zeros_like(cum_pos)
    share_neg = cum_neg / evaluation.n_neg if evaluation.n_neg else np.zeros_like(cum_neg)
    frame = pd.DataFrame(
        {
            "band": np.arange(1, last.size + 1),
            "min_score": evaluation.thresholds[last],
            "max_score": evaluation.thresholds[first],
            "rows": band_rows,
            "positives": positives,
            "negatives": negatives,
            "positive_rate": np.divide(
                positives, band_rows, out=np.zeros_like(positives), where=band_rows > 0
            ),
            "cum_positives_share": share_pos,
            "cum_negatives_share": share_neg,
            "ks": np.abs(share_pos - share_neg),
        }
    )
    if not evaluation.weighted:
        for column in ("rows", "positives", "negatives"):
            frame[column] = frame[column].astype(np.int64)
    return frame
