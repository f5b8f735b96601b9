"""Confidence intervals for the AUC (DeLong, Hanley-McNeil, stratified bootstrap) and DeLong's test of
two models on the same rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_choice, check_whole
from core.metrics._ranking import _auc_from_counts, _midranks, _threshold_counts
from core.metrics._validation import _check_probability, _validate

# The bootstrap draws (positives + negatives) x n_bootstraps rows in all; above this many draws each
# replicate resamples a smaller stratified sample (m-out-of-n bootstrap, see auc_confidence_interval).
MAX_BOOTSTRAP_DRAWS = 20_000_000

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
    # (float64 counts: np.dot of int64 by float64 misses BLAS and is ~50x slower; exact below 2^53)
    s10 = float(np.dot(tp.astype(np.float64), (v10 - auc) ** 2)) / (m - 1) if m > 1 else 0.0
    s01 = float(np.dot(fp.astype(np.float64), (v01 - auc) ** 2)) / (n - 1) if n > 1 else 0.0
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
    check_choice("method", method, methods)
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
        check_whole("n_bootstraps", n_bootstraps, low=2)
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
