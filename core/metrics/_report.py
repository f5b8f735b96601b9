"""Display-ready tables from a :class:`core.metrics.Evaluation`: decimated curves, the KS series,
histograms, metrics against the threshold, the comparison of several models and the report files.

Everything here is computed on all rows and then thinned to at most ``max_points`` points per curve
(``core.metrics.decimate_curve``): that is what reaches a browser or a report.
"""

from __future__ import annotations

import dataclasses
import json
import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.metrics._calibration import (
    brier_score_loss,
    calibration_curve,
    expected_calibration_error,
    log_loss,
)
from core.metrics._comparison import pairwise_delong
from core.metrics._counts import counts_of
from core.metrics._evaluation import Confusion, Evaluation, decimate_curve
from core.metrics._scores import ScoreTable

MAX_POINTS = 2_000
# bins of the reliability curve and the ECE in the reports
CALIBRATION_BINS = 10


def _finite_thresholds(thresholds: np.ndarray) -> np.ndarray:
    """roc_curve's first threshold is +inf (nothing predicted positive): show it as the top score."""
    out = np.asarray(thresholds, dtype=np.float64).copy()
    finite = np.isfinite(out)
    if not finite.all() and finite.any():
        out[~finite] = out[finite].max()
    return out


def curve_frame(ev: Evaluation, which: str, model: str, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """ROC (``which="roc"``: x = FPR, y = TPR) or PR (``"pr"``: x = recall, y = precision) of one
    model, decimated, with columns model, x, y, threshold, order."""
    curve = ev.roc if which == "roc" else ev.pr
    n = len(curve.x)
    # sklearn's PR arrays have one more point than thresholds (the final recall 0, precision 1).
    thresholds = np.empty(n)
    thresholds[: len(curve.thresholds)] = _finite_thresholds(curve.thresholds)
    thresholds[len(curve.thresholds) :] = np.nan
    idx = decimate_curve(curve.x, curve.y, max_points=max_points)
    return pd.DataFrame(
        {"model": model, "x": curve.x[idx], "y": curve.y[idx], "threshold": thresholds[idx], "order": idx}
    )


def ks_frame(ev: Evaluation, names: tuple[str, str], max_points: int = MAX_POINTS) -> pd.DataFrame:
    r"""Cumulative distribution of the scores of each class, against the score.

    With "positive" meaning score :math:`\ge t`, the share of positives scoring below ``t`` is
    :math:`F_{pos}(t) = 1 - TPR(t)`, and of negatives :math:`F_{neg}(t) = 1 - FPR(t)`; KS is the
    largest gap :math:`\max_t |F_{neg}(t) - F_{pos}(t)| = \max_t (TPR - FPR)` for a useful model.
    """
    tpr = ev.tps / ev.n_pos if ev.n_pos else np.zeros_like(ev.tps, dtype=float)
    fpr = ev.fps / ev.n_neg if ev.n_neg else np.zeros_like(ev.fps, dtype=float)
    # At thresholds[i], rows scoring >= thresholds[i] are predicted positive, so the CDF just below
    # thresholds[i] is 1 - rate; sorted ascending for a step plot.
    thresholds = ev.thresholds[::-1]
    cdf_pos = 1.0 - tpr[::-1]
    cdf_neg = 1.0 - fpr[::-1]
    idx = decimate_curve(cdf_neg, cdf_pos, max_points=max_points)
    frame = pd.DataFrame({"threshold": thresholds[idx], names[0]: cdf_pos[idx], names[1]: cdf_neg[idx]})
    return frame.melt(id_vars="threshold", var_name="series", value_name="value")


def ks_gap(ev: Evaluation) -> tuple[float, float, float]:
    """(threshold, lower, upper) of the KS gap, for the bar drawn on the KS chart."""
    c = ev.confusion_at(ev.ks_threshold)
    low, high = sorted((1.0 - c.recall, 1.0 - c.fpr))
    return ev.ks_threshold, low, high


def histogram_frame(ev: Evaluation, names: tuple[str, str], bins: int = 50) -> pd.DataFrame:
    """Per-class score histograms as bars: columns start, end, class, count."""
    edges, pos, neg = ev.score_histogram(bins=bins)
    start, end = edges[:-1], edges[1:]
    return pd.concat(
        [
            pd.DataFrame({"start": start, "end": end, "class": names[0], "count": pos}),
            pd.DataFrame({"start": start, "end": end, "class": names[1], "count": neg}),
        ],
        ignore_index=True,
    )


METRIC_CURVES = ("precision", "recall", "f1", "accuracy", "specificity")


def metrics_frame(ev: Evaluation, labels: Mapping[str, str], max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Precision, recall, F1, accuracy and specificity at (up to ``max_points``) thresholds, long format."""
    table = ev.threshold_table(max_rows=max_points)
    frame = pd.DataFrame({"threshold": table["threshold"]})
    for name in METRIC_CURVES:
        frame[labels[name]] = table[name]
    frame = frame[np.isfinite(frame["threshold"])]
    return frame.melt(id_vars="threshold", var_name="metric", value_name="value")


def confusion_frame(c: Confusion, labels: Mapping[str, str]) -> pd.DataFrame:
    """The 2 x 2 matrix as cells: counts and the rate within the actual class (row)."""
    pos_total = c.tp + c.fn
    neg_total = c.fp + c.tn

    def rate(count: float, total: float) -> float:
        return count / total if total else 0.0

    rows = [
        ("pos", "pos", "TP", c.tp, rate(c.tp, pos_total)),
        ("pos", "neg", "FN", c.fn, rate(c.fn, pos_total)),
        ("neg", "pos", "FP", c.fp, rate(c.fp, neg_total)),
        ("neg", "neg", "TN", c.tn, rate(c.tn, neg_total)),
    ]
    return pd.DataFrame(
        {
            "actual": [labels[f"actual_{a}"] for a, *_ in rows],
            "predicted": [labels[f"predicted_{p}"] for _, p, *_ in rows],
            "cell": [cell for *_, cell, _, _ in rows],
            "count": [count for *_, count, _ in rows],
            "rate": [r for *_, r in rows],
            "text": [f"{cell}\n{_count(count)}\n{r:.1%}" for _, _, cell, count, r in rows],
        }
    )


def _count(x: float) -> str:
    """Integer counts without decimals, weighted counts with a few."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.4g}"


def gains_frame(ev: Evaluation, n_bins: int = 10) -> pd.DataFrame:
    """Cumulative gains and lift by depth, with the random and perfect references and the origin."""
    g = ev.gains(n_bins=n_bins)
    depth = np.concatenate([[0.0], g["depth"]])
    captured = np.concatenate([[0.0], g["captured"]])
    lift = np.concatenate([[np.nan], g["lift"]])
    # A perfect model ranks every positive first: it captures depth / prevalence, capped at 100%.
    perfect = np.minimum(depth / ev.prevalence, 1.0) if ev.prevalence > 0 else np.zeros_like(depth)
    frame = pd.DataFrame(
        {"depth": depth, "captured": captured, "lift": lift, "perfect": perfect, "random": depth}
    )
    return frame


@dataclass(frozen=True)
class AucThreeWays:
    """The notes' claim that three computations of AUC agree, measured."""

    trapezoid: float  # area under the ROC curve (scikit-learn's definition)
    rank: float  # (sum of positive midranks - M(M+1)/2) / (M N)
    pairwise: float | None  # share of (positive, negative) pairs ranked right, ties 1/2; None if too big
    pairs: int  # M * N


def summary_row(
    model: str, ev: Evaluation, ci: tuple[float, float, float] | None, c: Confusion
) -> dict[str, object]:
    """One model's headline figures, and its confusion matrix ``c`` at a chosen threshold."""
    row: dict[str, object] = {
        "model": model,
        "rows": ev.n,
        "positives": ev.n_pos,
        "negatives": ev.n_neg,
        "roc_auc": ev.roc_auc,
    }
    if ci is not None:
        row |= {"auc_ci_low": ci[0], "auc_ci_high": ci[1], "auc_se": ci[2]}
    row |= {
        "average_precision": ev.average_precision,
        "ks": ev.ks,
        "ks_threshold": ev.ks_threshold,
        "ks_direction": ev.ks_direction,
        "gini": ev.gini,
        "threshold": c.threshold,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "tn": c.tn,
        "accuracy": c.accuracy,
        "precision": c.precision,
        "recall": c.recall,
        "specificity": c.specificity,
        "f1": c.f1,
        "mcc": c.mcc,
    }
    calibration = calibration_entry(ev)
    if calibration is not None:
        row |= {key: calibration[key] for key in ("brier", "log_loss", "ece")}
    return row


def comparison_frame(y_true: np.ndarray, scores: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """DeLong's test of every pair of models scored on the same (unweighted) rows, with Holm's adjusted
    p-value over the pairs (``p_holm``): ``core.metrics.pairwise_delong`` (each pair equal to
    ``delong_test``; the structural components computed once for all the models)."""
    if len(scores) < 2:
        return pd.DataFrame()
    return pairwise_delong(y_true, scores)


def jsonable(value: Any) -> Any:
    """numpy scalars and arrays -> Python, dataclasses -> dicts, NaN/inf -> None (JSON has neither)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def model_entry(
    ev: Evaluation,
    confusion: Confusion | None = None,
    ci: tuple[float, float, float] | None = None,
    *,
    ci_method: str = "delong",
    level: float = 0.95,
) -> dict[str, Any]:
    """One model in the JSON schema shared by the page's download and ``python -m core.metrics``:
    :meth:`Evaluation.to_dict`, with ``"confusion"`` at the chosen threshold (``confusion``; default:
    the evaluation's own), ``"ci"`` = {method, level, low, high, se} when an interval was computed, and
    ``"calibration"`` (:func:`calibration_entry`) when the scores are probabilities."""
    entry = ev.to_dict()
    calibration = calibration_entry(ev)
    if calibration is not None:
        entry["calibration"] = calibration
    if confusion is not None:
        entry["confusion"] = confusion.to_dict()
    if ci is not None:
        low, high, se = ci
        entry["ci"] = {"method": ci_method, "level": level, "low": low, "high": high, "se": se}
    return entry


def calibration_entry(
    ev: Evaluation, n_bins: int = CALIBRATION_BINS, strategy: str = "uniform"
) -> dict | None:
    """Calibration of an evaluation whose scores all lie in [0, 1] (else None), from its counts:
    Brier score, log loss, expected calibration error and the reliability curve (``n_bins`` bins)."""
    if ev.thresholds[-1] < 0.0 or ev.thresholds[0] > 1.0:
        return None
    key = (n_bins, strategy)
    cached = _CALIBRATION_CACHE.setdefault(ev, {})
    if key not in cached:
        cached[key] = _calibration_entry(ev, n_bins, strategy)
    return dict(cached[key])


# calibration_entry per Evaluation (O(U) each): the page's downloads ask again on every threshold move
_CALIBRATION_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _calibration_entry(ev: Evaluation, n_bins: int, strategy: str) -> dict:
    table = counts_of(ev)
    prob_true, prob_pred = calibration_curve(table, n_bins=n_bins, strategy=strategy)
    return {
        "brier": brier_score_loss(table),
        "log_loss": log_loss(table),
        "ece": expected_calibration_error(table, n_bins=n_bins, strategy=strategy),
        "n_bins": n_bins,
        "strategy": strategy,
        "prob_true": prob_true.tolist(),
        "prob_pred": prob_pred.tolist(),
    }


def file_fields(table: ScoreTable | Any, file: str, threshold: float) -> dict[str, Any]:
    """The report's header: the file, how it was read (mapping, encoding, delimiter), its rows and the
    threshold of the confusion matrices."""
    return {
        "file": file,
        "rows": table.n_rows,
        "dropped_rows": table.n_dropped,
        "positives": table.n_positive,
        "negatives": table.n_negative,
        "label_column": table.label_column,
        "pos_label": table.pos_label,
        "neg_label": table.neg_label,
        "weight_column": table.weight_column,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "threshold": threshold,
    }


def report_document(
    models: Mapping[str, dict[str, Any]], comparison: pd.DataFrame | None = None, **fields: Any
) -> dict[str, Any]:
    """The whole JSON report: ``fields`` (file, mapping, ...), ``"models"`` (name -> :func:`model_entry`)
    and, for several models, ``"comparisons"`` (the rows of :func:`comparison_frame`). JSON-ready:
    numpy scalars become Python numbers and NaN/inf become null."""
    doc: dict[str, Any] = {**fields, "models": dict(models)}
    if comparison is not None and len(comparison):
        doc["comparisons"] = comparison.to_dict(orient="records")
    return jsonable(doc)


def report_json(
    models: Mapping[str, dict[str, Any]], comparison: pd.DataFrame | None = None, **fields: Any
) -> str:
    """:func:`report_document` as indented JSON text (UTF-8 names kept as they are)."""
    return json.dumps(report_document(models, comparison, **fields), indent=2, ensure_ascii=False)
