r"""Calibration of scores that are probabilities: the reliability curve, Brier score, log loss and the
expected calibration error, from rows or from the aggregated table (:class:`ScoreCounts`).

A score :math:`s \in [0, 1]` is calibrated when, among the rows scored :math:`s`, a share :math:`s` is
positive. All four figures are sums over the distinct scores of the table, so the table gives the same
values as the rows:

* reliability curve: bins of the scores; per bin the share of positives (``prob_true``) against the mean
  score (``prob_pred``), as ``sklearn.calibration.calibration_curve`` (uniform or quantile bins);
* Brier score :math:`\frac{1}{W}\sum_i w_i (y_i - s_i)^2` (``sklearn.metrics.brier_score_loss``);
* log loss :math:`-\frac{1}{W}\sum_i w_i [y_i \ln s_i + (1 - y_i)\ln(1 - s_i)]`, the scores clipped to
  :math:`[\varepsilon, 1 - \varepsilon]` with float64's :math:`\varepsilon` (``sklearn.metrics.log_loss``);
* expected calibration error :math:`\mathrm{ECE} = \sum_b \frac{W_b}{W} |\bar y_b - \bar s_b|` over the
  bins of the reliability curve.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_whole
from core.losses import weighted_log_loss
from core.metrics._counts import ScoreCounts, _group, score_counts
from core.metrics._validation import _validate

__all__ = [
    "brier_score_loss",
    "calibration_bin_rows",
    "calibration_curve",
    "expected_calibration_error",
    "log_loss",
]

_STRATEGIES = ("uniform", "quantile")


def _table(
    y_true: ArrayLike | ScoreCounts, y_prob: ArrayLike | None, sample_weight: ArrayLike | None
) -> ScoreCounts:
    """The aggregated table of the inputs (rows aggregated, a table used as it is); scores in [0, 1]."""
    if isinstance(y_true, ScoreCounts):
        if y_prob is not None or sample_weight is not None:
            raise ValueError("with an aggregated table, y_prob and sample_weight must not be given.")
        table = y_true
    else:
        if y_prob is None:
            raise ValueError("y_prob is missing: give one probability per row.")
        table = _score_counts_one_class_ok(y_true, y_prob, sample_weight)
    if table.size and (table.scores[-1] < 0.0 or table.scores[0] > 1.0):
        raise ValueError(
            f"y_prob has values outside [0, 1] (from {table.scores[-1]!r} to {table.scores[0]!r}): "
            "calibration needs probabilities; rescale the scores or skip calibration for this model."
        )
    return table


def _score_counts_one_class_ok(
    y_true: ArrayLike, y_prob: ArrayLike, sample_weight: ArrayLike | None
) -> ScoreCounts:
    """score_counts, but one class only is fine (calibration is defined for it)."""
    labels, scores, weights = _validate(
        y_true, y_prob, sample_weight, need_both_classes=False, score_name="y_prob"
    )
    if weights is None and labels.any() and not labels.all():
        return score_counts(labels, scores)
    if weights is None:
        positive = labels.astype(np.int64)
        return _group(scores, positive, 1 - positive, int(labels.size), False)
    positive = np.where(labels, weights, 0.0)
    negative = np.where(labels, 0.0, weights)
    return _group(scores, positive, negative, int(labels.size), True)


def _check_bins(n_bins: int, strategy: str) -> None:
    check_whole("n_bins", n_bins, low=1)
    if strategy not in _STRATEGIES:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}.")


def _weighted_percentiles(table: ScoreCounts, quantiles: np.ndarray) -> np.ndarray:
    r"""``np.percentile(rows, 100 q)`` (linear interpolation) of the rows a table of counts stands for.

    With :math:`n` rows sorted ascending :math:`x_0 \le \dots \le x_{n-1}`, the percentile at :math:`q`
    is :math:`x_j + (h - j)(x_{j+1} - x_j)` with :math:`h = (n - 1) q`, :math:`j = \lfloor h \rfloor`;
    :math:`x_j` is the score whose cumulative count first exceeds :math:`j`. Weighted tables use the
    weights as counts (the same formula; scikit-learn's calibration_curve has no sample_weight).
    """
    ascending = table.scores[::-1]
    counts = (table.positives + table.negatives)[::-1].astype(np.float64)
    cumulative = np.cumsum(counts)
    total = cumulative[-1]
    # h = (n - 1) q, j = floor(h)
    position = (total - 1.0) * quantiles
    low = np.floor(position)

    def at(index: np.ndarray) -> np.ndarray:
        # x_j: the first score whose cumulative count exceeds j
        return ascending[np.minimum(np.searchsorted(cumulative, index, side="right"), ascending.size - 1)]

    x_low = at(low)
    x_high = at(np.minimum(low + 1, total - 1))
    # x_j + (h - j) (x_{j+1} - x_j), in numpy's lerp form
    fraction = position - low
    return np.where(
        fraction >= 0.5, x_high - (x_high - x_low) * (1 - fraction), x_low + (x_high - x_low) * fraction
    )


def _bins(
    table: ScoreCounts, n_bins: int, strategy: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per non-empty bin: (true weight, score-weighted sum, total weight) and the bin of each score."""
    _check_bins(n_bins, strategy)
    if strategy == "quantile":
        edges = _weighted_percentiles(table, np.linspace(0, 1, n_bins + 1))
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    # the bin of a score: searchsorted in the inner edges (scikit-learn's rule, side="left")
    bin_ids = np.searchsorted(edges[1:-1], table.scores)
    totals = (table.positives + table.negatives).astype(np.float64)
    bin_true = np.bincount(bin_ids, weights=table.positives.astype(np.float64), minlength=n_bins)
    bin_sums = np.bincount(bin_ids, weights=table.scores * totals, minlength=n_bins)
    bin_total = np.bincount(bin_ids, weights=totals, minlength=n_bins)
    return bin_true, bin_sums, bin_total, bin_ids


def calibration_curve(
    y_true: ArrayLike | ScoreCounts,
    y_prob: ArrayLike | None = None,
    *,
    n_bins: int = 5,
    strategy: str = "uniform",
    sample_weight: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Reliability curve ``(prob_true, prob_pred)``: per non-empty bin of the scores, the share of
    positives and the mean score, equal to ``sklearn.calibration.calibration_curve``.

    .. math::

        \mathrm{prob\_true}_b = \frac{\sum_{i \in b} w_i y_i}{\sum_{i \in b} w_i}, \qquad
        \mathrm{prob\_pred}_b = \frac{\sum_{i \in b} w_i s_i}{\sum_{i \in b} w_i}.

    ``strategy="uniform"``: ``n_bins`` equal widths on [0, 1]; ``"quantile"``: edges at the
    percentiles of the scores (bins of about equal population). ``y_true`` may instead be an aggregated
    :class:`ScoreCounts` table (then no ``y_prob``): the same figures from the distinct scores.
    ``sample_weight`` (an extension: scikit-learn's function has none) weights rows; whole-number weights
    give the curve of the repeated rows.

    Examples
    --------
    >>> calibration_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], n_bins=2)
    (array([0.33333333, 1.        ]), array([0.28333333, 0.8       ]))
    """
    table = _table(y_true, y_prob, sample_weight)
    bin_true, bin_sums, bin_total, _ = _bins(table, n_bins, strategy)
    nonzero = bin_total != 0
    return bin_true[nonzero] / bin_total[nonzero], bin_sums[nonzero] / bin_total[nonzero]


def calibration_bin_rows(table: ScoreCounts, n_bins: int = 5, strategy: str = "uniform") -> np.ndarray:
    """The (weighted) rows in each non-empty bin of :func:`calibration_curve` on the same table, aligned
    with its output (for sizing the points of a reliability chart)."""
    if not isinstance(table, ScoreCounts):
        raise ValueError(f"table must be a ScoreCounts table, got {type(table).__name__}.")
    _, _, bin_total, _ = _bins(_table(table, None, None), n_bins, strategy)
    return bin_total[bin_total != 0]


def expected_calibration_error(
    y_true: ArrayLike | ScoreCounts,
    y_prob: ArrayLike | None = None,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    sample_weight: ArrayLike | None = None,
) -> float:
    r"""Expected calibration error over the bins of :func:`calibration_curve`:

    .. math::

        \mathrm{ECE} = \sum_b \frac{W_b}{W} \left|\mathrm{prob\_true}_b - \mathrm{prob\_pred}_b\right|,

    the population-weighted mean gap between the reliability curve and the diagonal (0 for a calibrated
    model, up to 1).

    Examples
    --------
    >>> round(expected_calibration_error([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], n_bins=2), 4)
    0.0875
    """
    table = _table(y_true, y_prob, sample_weight)
    bin_true, bin_sums, bin_total, _ = _bins(table, n_bins, strategy)
    nonzero = bin_total != 0
    # sum_b W_b / W |true_b / W_b - sums_b / W_b| = sum_b |true_b - sums_b| / W
    return float(np.abs(bin_true[nonzero] - bin_sums[nonzero]).sum() / bin_total.sum())


def brier_score_loss(
    y_true: ArrayLike | ScoreCounts,
    y_prob: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
) -> float:
    r"""Brier score, the mean squared distance between the label and the probability, equal to
    ``sklearn.metrics.brier_score_loss``:

    .. math::

        \mathrm{BS} = \frac{\sum_i w_i (y_i - s_i)^2}{\sum_i w_i}
        = \frac{\sum_k p_k (1 - t_k)^2 + n_k t_k^2}{\sum_k p_k + n_k}

    (the second form on the aggregated table). ``y_true`` may be a :class:`ScoreCounts` table.

    Examples
    --------
    >>> round(brier_score_loss([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.1581
    """
    table = _table(y_true, y_prob, sample_weight)
    positives = table.positives.astype(np.float64)
    negatives = table.negatives.astype(np.float64)
    # sum_k p_k (1 - t_k)^2 + n_k t_k^2, over the total weight
    total = np.dot(positives, (1.0 - table.scores) ** 2) + np.dot(negatives, table.scores**2)
    return float(total / (positives.sum() + negatives.sum()))


def log_loss(
    y_true: ArrayLike | ScoreCounts,
    y_prob: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
) -> float:
    r"""Log loss (binary cross-entropy), equal to ``sklearn.metrics.log_loss`` on 1-D probabilities:

    .. math::

        L = -\frac{\sum_k p_k \ln \tilde t_k + n_k \ln(1 - \tilde t_k)}{\sum_k p_k + n_k}, \qquad
        \tilde t_k = \min(\max(t_k, \varepsilon), 1 - \varepsilon),

    with :math:`\varepsilon` = float64's machine epsilon (scikit-learn's clipping), so a confident wrong
    score costs at most :math:`-\ln \varepsilon \approx 36`. ``y_true`` may be a :class:`ScoreCounts` table.

    Examples
    --------
    >>> round(log_loss([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.4723
    """
    table = _table(y_true, y_prob, sample_weight)
    # the formula of core.losses.log_loss, on the table's positive and negative weight per score
    positives = table.positives.astype(np.float64)
    return weighted_log_loss(table.scores, positives, table.negatives.astype(np.float64))
