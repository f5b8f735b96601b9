r"""From scores to decisions: the cost of every threshold, the best threshold under a constraint and the
decision curve, all from the aggregated score table (the bootstrap is in ``_bootstrap``).

Every function here reads only the distinct scores :math:`t_1 > \dots > t_U` and the cumulative counts
:math:`\mathrm{TP}_k, \mathrm{FP}_k` of an :class:`~core.metrics.Evaluation` (what ``evaluate`` and
``evaluate_counts`` return), so it is exact at any number of rows and costs O(U). The candidate rules are
"predict positive where ``score >= t_k``" for every distinct score and "predict none" (threshold
``+inf``, :math:`\mathrm{TP}_0 = \mathrm{FP}_0 = 0`): U + 1 candidates, every confusion matrix a
threshold can give.

* :func:`min_cost_threshold`: the candidate of least mean cost per row,
  :math:`(c_{TP}\mathrm{TP} + c_{FP}\mathrm{FP} + c_{FN}\mathrm{FN} + c_{TN}\mathrm{TN}) / n`;
* :func:`threshold_for`: the best candidate under one constraint (recall, precision, FPR, review
  capacity);
* :func:`net_benefit`: Vickers & Elkin's (2006) net benefit
  :math:`\mathrm{NB}(p_t) = \mathrm{TP}/n - \mathrm{FP}/n \cdot p_t/(1-p_t)` at probability thresholds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_number
from core.errors import InputError
from core.metrics._counts import ScoreCounts, evaluate_counts
from core.metrics._evaluation import Confusion, Evaluation
from core.metrics._ranking import _n_at_or_above

__all__ = [
    "CONSTRAINTS",
    "cost_curve",
    "min_cost_threshold",
    "net_benefit",
    "threshold_for",
    "treat_all_net_benefit",
]

#: the constraints :func:`threshold_for` takes, in its keyword order
CONSTRAINTS = ("min_recall", "min_precision", "max_fpr", "top_fraction")


# ----------------------------------------------------------------------------------------------------
# The candidates: every distinct score and "predict none"
# ----------------------------------------------------------------------------------------------------


def _table_check(evaluation: object) -> None:
    if not isinstance(evaluation, Evaluation):
        raise InputError(
            "metrics.not_an_evaluation",
            f"evaluation must be what evaluate or evaluate_counts returns, got {type(evaluation).__name__}.",
            got=type(evaluation).__name__,
        )


def _table(evaluation: Evaluation | ScoreCounts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(thresholds, tps, fps)`` of the U + 1 candidates, "predict none" (``+inf``, 0, 0) first."""
    if isinstance(evaluation, ScoreCounts):
        evaluation = evaluate_counts(evaluation)
    if not isinstance(evaluation, Evaluation):
        raise InputError(
            "metrics.not_an_evaluation",
            f"evaluation must be what evaluate or evaluate_counts returns, got {type(evaluation).__name__}.",
            got=type(evaluation).__name__,
        )
    # one pass each: the concatenation casts the counts to float64 as it copies them
    thresholds = np.concatenate(([np.inf], evaluation.thresholds))
    tps = np.concatenate((np.zeros(1), evaluation.tps), dtype=np.float64)
    fps = np.concatenate((np.zeros(1), evaluation.fps), dtype=np.float64)
    return thresholds, tps, fps


def _confusion(thresholds: np.ndarray, tps: np.ndarray, fps: np.ndarray, k: int) -> Confusion:
    """The confusion matrix of candidate ``k`` (FN = P - TP, TN = N - FP)."""
    tp, fp = float(tps[k]), float(fps[k])
    return Confusion(float(thresholds[k]), tp, fp, float(tps[-1]) - tp, float(fps[-1]) - fp)


def cost_curve(
    evaluation: Evaluation | ScoreCounts,
    *,
    cost_fp: float,
    cost_fn: float,
    cost_tp: float = 0.0,
    cost_tn: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(thresholds, cost)``: the mean cost per row of each of the U + 1 candidates ("predict none",
    threshold ``+inf``, first; then the distinct scores, descending).

    .. math::

        \mathrm{cost}_k = \frac{c_{TP}\mathrm{TP}_k + c_{FP}\mathrm{FP}_k + c_{FN}(P - \mathrm{TP}_k)
        + c_{TN}(N - \mathrm{FP}_k)}{P + N}

    A benefit is a negative cost. Costs are finite numbers of any sign.
    """
    costs = [
        check_number(name, value)
        for name, value in (
            ("cost_tp", cost_tp),
            ("cost_fp", cost_fp),
            ("cost_fn", cost_fn),
            ("cost_tn", cost_tn),
        )
    ]
    c_tp, c_fp, c_fn, c_tn = costs
    thresholds, tps, fps = _table(evaluation)
    n_pos, n_neg = tps[-1], fps[-1]
    # (c_TP TP + c_FP FP + c_FN (P - TP) + c_TN (N - FP)) / (P + N)
    total = c_tp * tps + c_fp * fps + c_fn * (n_pos - tps) + c_tn * (n_neg - fps)
    return thresholds, total / (n_pos + n_neg)


def min_cost_threshold(
    evaluation: Evaluation | ScoreCounts,
    *,
    cost_fp: float,
    cost_fn: float,
    cost_tp: float = 0.0,
    cost_tn: float = 0.0,
) -> tuple[float, float]:
    """``(threshold, cost)``: the candidate of least mean cost per row (see :func:`cost_curve`); on a tie
    the highest threshold ("predict none", ``+inf``, first). O(U).

    Examples
    --------
    >>> from core.metrics import evaluate
    >>> ev = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> min_cost_threshold(ev, cost_fp=1.0, cost_fn=20.0)
    (0.35, 0.25)
    """
    thresholds, cost = cost_curve(
        evaluation, cost_fp=cost_fp, cost_fn=cost_fn, cost_tp=cost_tp, cost_tn=cost_tn
    )
    k = int(np.argmin(cost))  # the first minimum: the highest threshold
    return float(thresholds[k]), float(cost[k])


# ----------------------------------------------------------------------------------------------------
# Constraints
# ----------------------------------------------------------------------------------------------------


def _rates(tps: np.ndarray, fps: np.ndarray) -> dict[str, np.ndarray]:
    """Recall, precision (0 where nothing is predicted positive), FPR and the share of rows flagged."""
    n_pos, n_neg = tps[-1], fps[-1]
    flagged = tps + fps
    precision = np.zeros_like(tps)
    np.divide(tps, flagged, out=precision, where=flagged > 0)
    return {
        "recall": tps / n_pos,
        "precision": precision,
        "fpr": fps / n_neg,
        "flagged": flagged / (n_pos + n_neg),
    }


# constraint -> (the rate it bounds, ">=" or "<=", the rate maximised, the rate maximised on a tie)
_OBJECTIVES = {
    "min_recall": ("recall", ">=", "precision", "recall"),
    "min_precision": ("precision", ">=", "recall", "precision"),
    "max_fpr": ("fpr", "<=", "recall", "precision"),
    "top_fraction": ("flagged", "<=", "flagged", "flagged"),
}


def threshold_for(
    evaluation: Evaluation | ScoreCounts,
    *,
    min_recall: float | None = None,
    min_precision: float | None = None,
    max_fpr: float | None = None,
    top_fraction: float | None = None,
) -> tuple[float, Confusion]:
    r"""The best threshold under exactly one constraint, and its confusion matrix. O(U).

    * ``min_recall=r``: the highest precision with recall >= r (on a tie, the higher recall);
    * ``min_precision=p``: the highest recall with precision >= p (on a tie, the higher precision);
    * ``max_fpr=f``: the highest TPR (recall) with FPR <= f (on a tie, the higher precision);
    * ``top_fraction=k``: the most rows flagged with at most the share k of all rows flagged (a review
      capacity; tied scores are flagged together or not at all).

    The candidates are the distinct scores (positive where ``score >= threshold``) and "predict none"
    (threshold ``+inf``; its precision counts as 0, scikit-learn's ``zero_division``), so ``max_fpr`` and
    ``top_fraction`` are always met, by predicting none at worst. Rates are compared exactly as they are
    computed (``TP / P >= r``). Raises :class:`~core.errors.InputError` (a ``ValueError``) with a sentence
    when no candidate meets the constraint (a precision higher than any threshold reaches).

    Examples
    --------
    >>> from core.metrics import evaluate
    >>> ev = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> threshold, c = threshold_for(ev, min_recall=1.0)
    >>> threshold, c.tp, c.fp, round(c.precision, 4)
    (0.35, 2.0, 1.0, 0.6667)
    """
    given = {
        name: value
        for name, value in zip(CONSTRAINTS, (min_recall, min_precision, max_fpr, top_fraction), strict=True)
        if value is not None
    }
    if len(given) != 1:
        raise InputError(
            "metrics.one_constraint",
            f"give exactly one of {', '.join(CONSTRAINTS)}; got {len(given)}.",
            options=", ".join(CONSTRAINTS),
            got=str(len(given)),
        )
    ((name, value),) = given.items()
    value = check_number(name, value, low=0.0, high=1.0)
    thresholds, tps, fps = _table(evaluation)
    rates = _rates(tps, fps)
    bounded, side, objective, second = _OBJECTIVES[name]
    feasible = rates[bounded] >= value if side == ">=" else rates[bounded] <= value
    if not feasible.any():
        best = float(rates[bounded].max())
        raise InputError(
            "metrics.no_threshold_meets",
            f"no threshold meets {name} = {value:g}: the highest {bounded} any threshold reaches is "
            f"{best:.4g}.",
            constraint=name,
            value=f"{value:g}",
            best=f"{best:.4g}",
        )
    # lexicographic maximum of (objective, second) over the feasible candidates; the first (highest
    # threshold) wins a complete tie
    primary = np.where(feasible, rates[objective], -np.inf)
    top = primary == primary.max()
    secondary = np.where(top, rates[second], -np.inf)
    k = int(np.argmax(secondary))
    return float(thresholds[k]), _confusion(thresholds, tps, fps, k)


# ----------------------------------------------------------------------------------------------------
# Decision curve
# ----------------------------------------------------------------------------------------------------


def _check_probability_thresholds(thresholds: ArrayLike) -> np.ndarray:
    values = np.asarray(thresholds, dtype=np.float64).reshape(-1)
    bad = ~((values >= 0.0) & (values < 1.0))  # NaN is bad too
    if bad.any():
        got = values[bad][0]
        raise InputError(
            "metrics.net_benefit_threshold",
            f"net benefit thresholds are probabilities in [0, 1), got {got!r}.",
            got=repr(float(got)),
        )
    return values


def net_benefit(evaluation: Evaluation | ScoreCounts, thresholds: ArrayLike) -> np.ndarray:
    r"""Net benefit of treating the rows with ``score >= p_t`` at each probability threshold
    :math:`p_t \in [0, 1)` (Vickers & Elkin 2006):

    .. math::

        \mathrm{NB}(p_t) = \frac{\mathrm{TP}(p_t)}{n} - \frac{\mathrm{FP}(p_t)}{n}\,\frac{p_t}{1 - p_t}.

    :math:`n` is all rows (weighted). The weight :math:`p_t/(1-p_t)` is the odds at which a treatment's
    harm equals its benefit: a false positive costs that many true positives. O(U + T log U).

    Examples
    --------
    >>> from core.metrics import evaluate
    >>> ev = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> net_benefit(ev, [0.0, 0.5]).tolist()
    [0.5, 0.25]
    """
    points = _check_probability_thresholds(thresholds)
    if isinstance(evaluation, ScoreCounts):
        evaluation = evaluate_counts(evaluation)
    _table_check(evaluation)
    n = evaluation.n_pos + evaluation.n_neg
    # how many distinct scores are >= each p_t (0: predict none), by binary search: O(T log U)
    k = np.array([_n_at_or_above(evaluation.thresholds, float(p)) for p in points.tolist()], dtype=np.int64)
    tps = np.concatenate((np.zeros(1), evaluation.tps[k[k > 0] - 1]), dtype=np.float64)
    fps = np.concatenate((np.zeros(1), evaluation.fps[k[k > 0] - 1]), dtype=np.float64)
    # position of each point's counts in tps / fps: 0 for predict none, else its rank among the others
    at = np.zeros(k.size, dtype=np.int64)
    at[k > 0] = np.arange(1, int(np.count_nonzero(k)) + 1)
    odds = points / (1.0 - points)
    # NB = TP / n - FP / n * p_t / (1 - p_t)
    return tps[at] / n - fps[at] / n * odds


def treat_all_net_benefit(evaluation: Evaluation | ScoreCounts, thresholds: ArrayLike) -> np.ndarray:
    r"""Net benefit of treating every row: :math:`P/n - N/n \cdot p_t/(1-p_t)` ("treat none" is 0)."""
    points = _check_probability_thresholds(thresholds)
    if isinstance(evaluation, ScoreCounts):
        evaluation = evaluate_counts(evaluation)
    _table_check(evaluation)
    n = evaluation.n_pos + evaluation.n_neg
    return evaluation.n_pos / n - evaluation.n_neg / n * (points / (1.0 - points))
