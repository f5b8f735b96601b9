"""The report blocks of the decisions and the bootstrap (``"cost"``, ``"constraint"``, ``"bootstrap"`` of a
model's JSON entry), shared by the command line and the page's downloads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from core.budget import OverBudget
from core.errors import InputError
from core.metrics._bootstrap import BOOTSTRAP_METRICS, bootstrap
from core.metrics._counts import ScoreCounts, evaluate_counts
from core.metrics._decisions import min_cost_threshold, threshold_for
from core.metrics._evaluation import Evaluation

__all__ = ["decision_blocks", "row_counts"]


def row_counts(ev: Evaluation) -> Evaluation | None:
    """``ev`` as row counts for the bootstrap: itself unweighted; with weights that are all whole numbers
    (a count column), the same table as counts; None with fractional weights."""
    if not ev.weighted:
        return ev
    positives = np.diff(ev.tps, prepend=0.0)
    negatives = np.diff(ev.fps, prepend=0.0)
    if not (
        np.array_equal(positives, np.round(positives)) and np.array_equal(negatives, np.round(negatives))
    ):
        return None
    table = ScoreCounts(
        ev.thresholds, np.round(positives).astype(np.int64), np.round(negatives).astype(np.int64), ev.n
    )
    return evaluate_counts(table, threshold=ev.confusion.threshold)


def decision_blocks(
    ev: Evaluation,
    *,
    costs: Mapping[str, float] | None = None,
    constraint: tuple[str, float] | None = None,
    n_boot: int | None = None,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, Any]:
    """The blocks asked for, for one model:

    * ``"cost"`` (with ``costs`` = ``{"cost_fp", "cost_fn", "cost_tp", "cost_tn"}``): the costs, the
      threshold of least mean cost per row (``null`` and ``"predict_none": true`` when predicting no row
      positive is cheapest), that cost, and the confusion matrix there;
    * ``"constraint"`` (with ``constraint`` = ``(name, value)``, a keyword of ``threshold_for``): the best
      threshold and its confusion matrix, or ``"error"``: the sentence saying that no threshold meets it;
    * ``"bootstrap"`` (with ``n_boot``): percentile intervals ``{metric: {"low", "high"}}`` of every
      metric of ``bootstrap_ci`` (threshold metrics at the evaluation's threshold), or ``"error"`` when the
      weights are fractional.
    """
    blocks: dict[str, Any] = {}
    if costs is not None:
        threshold, cost = min_cost_threshold(ev, **costs)
        confusion = ev.confusion_at(threshold)
        blocks["cost"] = {
            **{name: float(value) for name, value in costs.items()},
            "threshold": threshold if math.isfinite(threshold) else None,
            "predict_none": not math.isfinite(threshold),
            "mean_cost": cost,
            "confusion": confusion.to_dict(),
        }
    if constraint is not None:
        name, value = constraint
        block: dict[str, Any] = {"name": name, "value": float(value)}
        try:
            threshold, confusion = threshold_for(ev, **{name: value})
        except InputError as err:
            if err.code != "metrics.no_threshold_meets":
                raise
            block["error"] = str(err)
        else:
            block |= {
                "threshold": threshold if math.isfinite(threshold) else None,
                "predict_none": not math.isfinite(threshold),
                "confusion": confusion.to_dict(),
            }
        blocks["constraint"] = block
    if n_boot is not None:
        counts = row_counts(ev)
        block = {"method": "stratified percentile bootstrap", "n_boot": n_boot, "level": level, "seed": seed}
        if counts is None:
            block["error"] = "the bootstrap resamples rows: it is not available with fractional weights."
        else:
            try:
                result = bootstrap(counts, BOOTSTRAP_METRICS, n_boot=n_boot, level=level, seed=seed)
            except OverBudget as err:  # replicates x distinct scores over the limit
                block["error"] = (
                    f"{err} Each replicate draws one count per distinct score ({counts.thresholds.size:,} "
                    "here): give fewer replicates, or round the scores (--decimals K)."
                )
                blocks["bootstrap"] = block
                return blocks
            block["threshold"] = ev.confusion.threshold
            block["intervals"] = {
                m: {"low": low, "high": high} for m, (low, high) in result.intervals.items()
            }
        blocks["bootstrap"] = block
    return blocks
