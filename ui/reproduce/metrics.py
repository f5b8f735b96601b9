"""The metrics page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

import math
from typing import Any

from ui.reproduce import register

SEED = 20240607  # scripts/make_examples.py's seed


def _report(example: str, model_index: int = 0):
    from ui.metrics import source as src
    from ui.metrics import views

    source = src.example_source(example)
    kept = src.example_kept(source, src.start_mapping(source, src.guess_of(source)))
    return views.report(kept, kept.models[model_index], source.example), {}


@register(
    "metrics",
    "auc-three-ways",
    default=lambda: _report("balanced"),
    other=lambda: _report("two_models", 1),
)
def three_ways(view: Any):
    """``view``: the page's :class:`ui.metrics.views.Report` of a bundled example (None for a user's own
    file: the script rebuilds the examples only); EXPECTED: its three AUCs, average precision and KS."""
    if view.example is None or view.model not in view.kept.three_ways:
        return None
    aucs, evaluation = view.kept.three_ways[view.model], view.evaluation
    params = {"example": view.example.stem, "model": view.model, "seed": SEED}
    expected = {
        "auc_trapezoid": float(aucs.trapezoid),
        "auc_rank": float(aucs.rank),
        "auc_pairwise": None if aucs.pairwise is None else float(aucs.pairwise),
        "average_precision": float(evaluation.average_precision),
        "ks": float(evaluation.ks),
    }
    return params, expected


def _calibration(example: str, n_bins: int, strategy: str, model_index: int = 0):
    report, _ = _report(example, model_index)
    return report, {"n_bins": n_bins, "strategy": strategy}


@register(
    "metrics",
    "calibration",
    default=lambda: _calibration("balanced", 10, "uniform"),
    other=lambda: _calibration("imbalanced", 5, "quantile"),
)
def calibration(view: Any, *, n_bins: int, strategy: str):
    """``view``: the page's :class:`ui.metrics.views.Report` of a bundled example (None for a user's own
    file); EXPECTED: Brier, log loss, ECE and the reliability curve the section shows (the same shared
    figures)."""
    from ui.compute import shared
    from ui.metrics.views import example_calibration

    if view.example is None:
        return None
    figures = shared(example_calibration, view.example, view.kept.mapping, view.model, n_bins, strategy)
    params = {
        "example": view.example.stem,
        "model": view.model,
        "n_bins": int(n_bins),
        "strategy": strategy,
        "seed": SEED,
    }
    expected = {
        "brier": float(figures["brier"]),
        "log_loss": float(figures["log_loss"]),
        "ece": float(figures["ece"]),
        "predicted": [float(v) for v in figures["curve"]["predicted"]],
        "observed": [float(v) for v in figures["curve"]["observed"]],
    }
    return params, expected


def _explorer(example: str, threshold: float, model_index: int = 0):
    report, _ = _report(example, model_index)
    return report, {"threshold": threshold}


@register(
    "metrics",
    "threshold-explorer",
    default=lambda: _explorer("balanced", 0.5),
    other=lambda: _explorer("two_models", 0.3, 1),
)
def explorer(view: Any, *, threshold: float):
    """``view``: the page's :class:`ui.metrics.views.Report` of a bundled example (None for a user's own
    file); EXPECTED: the confusion matrix and rates at the slider's threshold (``confusion_at``, the call
    the section makes; an undefined rate written as None)."""
    if view.example is None:
        return None
    c = view.evaluation.confusion_at(threshold)
    params = {"example": view.example.stem, "model": view.model, "threshold": float(threshold), "seed": SEED}
    expected: dict[str, Any] = {k: int(getattr(c, k)) for k in ("tp", "fp", "fn", "tn")}
    for name in ("accuracy", "precision", "recall", "specificity", "fpr", "f1", "mcc"):
        value = float(getattr(c, name))
        expected[name] = None if math.isnan(value) else value
    return params, expected
