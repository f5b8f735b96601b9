r"""Multiclass evaluation: one label column with K classes and K probability (or score) columns.

:func:`evaluate_multiclass` returns a :class:`MulticlassEvaluation` with

* the K x K confusion matrix (rows: true class, columns: predicted class) of the decision rule: the
  arg max of the scores (the first column on a tie, as ``numpy.argmax``), or "class c where its score
  :math:`\ge t`, else the arg max of the other classes";
* per class precision, recall, F1 and support, and their macro / micro / weighted averages, equal to
  ``sklearn.metrics.classification_report`` (a 0/0 ratio is 0, its default ``zero_division``);
* one-vs-rest, per class: the aggregated table of that column's scores (positives = rows of the class,
  negatives = the others, :func:`~core.metrics._counts.score_counts`: the one building block), hence its
  ROC and PR curves, ROC AUC and average precision, and its reliability curve; macro and weighted OvR
  AUC (the classes' AUCs averaged, weighted by support);
* one-vs-one AUC (Hand & Till), macro and prevalence-weighted: it pairs the rows of two classes, so it
  needs the rows themselves (per-class tables do not say how two classes' scores interleave);
* top-k accuracy (scikit-learn's tie order) and log loss (probabilities clipped to
  :math:`[\varepsilon, 1 - \varepsilon]`, as scikit-learn).

A class with no row (or every row) has no OvR curve or AUC (NaN): averages are over the classes that
have both (scikit-learn would warn and return NaN). Everything but the OvO AUC is a function of the K
per-class tables, the confusion matrix and three running sums.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

import core.metrics._ranking as _ranking
from core._validation import check_number, check_whole
from core.metrics._averaging import ovo_auc
from core.metrics._calibration import calibration_curve
from core.metrics._counts import ScoreCounts, score_counts

__all__ = [
    "MAX_CLASSES",
    "MulticlassEvaluation",
    "decision_figures",
    "evaluate_multiclass",
    "multiclass_report",
    "multiclass_report_json",
]

#: the largest number of classes accepted (a K x K matrix on a page, K(K-1)/2 one-vs-one pairs)
MAX_CLASSES = 50


@dataclass(frozen=True, eq=False)
class MulticlassEvaluation:
    """The figures of a multiclass classifier (see the module). Arrays are per class, in ``classes``'
    order; ``confusion[i, j]`` is the (weighted) rows of true class i predicted j."""

    classes: tuple[str, ...]
    n: int
    weighted: bool
    decision: tuple[int, float] | None
    confusion: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    accuracy: float
    averages: dict[str, tuple[float, float, float]]
    tables: tuple[ScoreCounts | None, ...]
    ovr_auc: np.ndarray
    ovr_ap: np.ndarray
    auc_macro: float
    auc_weighted: float
    ovo_macro: float | None
    ovo_weighted: float | None
    top_k: dict[int, float]
    log_loss: float
    notes: tuple[str, ...] = field(default=())

    @property
    def k(self) -> int:
        """K, the number of classes."""
        return len(self.classes)

    def _table(self, index: int) -> ScoreCounts:
        check_whole("class index", index, low=0, high=self.k - 1)
        table = self.tables[index]
        if table is None:
            raise ValueError(
                f"class {self.classes[index]!r} has no one-vs-rest curve: it needs rows of the class and "
                f"rows of other classes."
            )
        return table

    def roc(self, index: int, drop_intermediate: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One-vs-rest ROC curve of class ``index``: ``(fpr, tpr, thresholds)`` as ``roc_curve``."""
        return _ranking._roc_from_counts(*self._table(index).cumulative(), drop_intermediate)

    def pr(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One-vs-rest precision-recall curve of class ``index``, as ``precision_recall_curve``."""
        return _ranking._pr_from_counts(*self._table(index).cumulative())

    def reliability(self, index: int, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Reliability curve of class ``index`` (``prob_true, prob_pred``), as scikit-learn's
        ``calibration_curve(y == class, proba[:, index], n_bins=n_bins)``."""
        return calibration_curve(self._table(index), n_bins=n_bins)

    def report_rows(self) -> list[dict[str, object]]:
        """classification_report's rows: one per class, then micro (as accuracy), macro, weighted."""
        rows: list[dict[str, object]] = [
            {
                "class": name,
                "precision": float(self.precision[i]),
                "recall": float(self.recall[i]),
                "f1": float(self.f1[i]),
                "support": float(self.support[i]),
                "roc_auc_ovr": float(self.ovr_auc[i]),
                "average_precision": float(self.ovr_ap[i]),
            }
            for i, name in enumerate(self.classes)
        ]
        total = float(self.support.sum())
        for name, (p, r, f) in self.averages.items():
            auc = {"macro": self.auc_macro, "weighted": self.auc_weighted}.get(name, math.nan)
            ap = _average_of(self.ovr_ap, self.support, name)
            rows.append(
                {
                    "class": f"{name} avg",
                    "precision": p,
                    "recall": r,
                    "f1": f,
                    "support": total,
                    "roc_auc_ovr": auc,
                    "average_precision": ap,
                }
            )
        return rows


def _average_of(values: np.ndarray, support: np.ndarray, how: str) -> float:
    """Mean of the defined (non-NaN) per-class values, plain or weighted by support; NaN for micro."""
    defined = ~np.isnan(values)
    if how == "micro" or not defined.any():
        return math.nan
    if how == "weighted":
        weights = support[defined]
        return float(np.average(values[defined], weights=weights)) if weights.sum() > 0 else math.nan
    return float(values[defined].mean())


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator with 0/0 = 0 (scikit-learn's default zero_division)."""
    out = np.zeros(np.shape(numerator), dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=np.asarray(denominator) != 0)
    return out


def _encode(y: np.ndarray, classes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Class codes 0..K-1 of each row and the classes (sorted distinct labels unless given)."""
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y_true has missing (NaN) labels: every row needs a class.")
    if classes is None:
        classes = np.unique(y)
    else:
        classes = np.asarray(classes)
        if np.unique(classes).size != classes.size:
            raise ValueError("classes must be distinct: each class names one score column.")
    order = np.argsort(classes, kind="stable")
    position = np.searchsorted(classes[order], y)
    position = np.clip(position, 0, classes.size - 1)
    found = classes[order][position] == y
    if not found.all():
        row = int(np.argmax(~found))
        raise ValueError(
            f"y_true has {int((~found).sum())} labels that are not among the classes, the first at row "
            f"{row} ({y[row]!r}): the classes are {', '.join(map(str, classes.tolist()))}."
        )
    return order[position], classes


def _check_inputs(
    y_true: ArrayLike, y_proba: ArrayLike, classes: ArrayLike | None, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    y = np.asarray(y_true)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y_true must be one label per row, but it has shape {y.shape}.")
    try:
        proba = np.asarray(y_proba, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"y_proba must hold numbers: {error}") from None
    if proba.ndim != 2 or proba.shape[0] != y.size:
        raise ValueError(
            f"y_proba must have one row per label and one column per class: shape {proba.shape} for "
            f"{y.size} labels."
        )
    if not np.isfinite(proba).all():
        raise ValueError("y_proba has NaN or infinite values: every score must be a finite number.")
    codes, names = _encode(y, None if classes is None else np.asarray(classes))
    if names.size != proba.shape[1]:
        raise ValueError(
            f"y_true has {names.size} classes ({', '.join(map(str, names.tolist()[:8]))}) but y_proba has "
            f"{proba.shape[1]} columns: one column per class (pass classes= to name them)."
        )
    if not 2 <= names.size <= MAX_CLASSES:
        raise ValueError(f"a multiclass evaluation needs 2 to {MAX_CLASSES} classes, got {names.size}.")
    weights = None
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if (
            weights.size != y.size
            or not np.isfinite(weights).all()
            or (weights < 0).any()
            or not weights.any()
        ):
            raise ValueError("sample_weight must hold one finite weight >= 0 per row, not all 0.")
    return codes, names, proba, weights


def _predict(proba: np.ndarray, decision: tuple[int, float] | None) -> np.ndarray:
    """Predicted class per row: arg max, or class c where its score >= t, else the arg max of the rest."""
    if decision is None:
        return np.argmax(proba, axis=1)
    chosen, threshold = decision
    # the arg max of the other classes: the arg max of all, except where that is the chosen class (only
    # those rows are copied, with the chosen column at -inf; elsewhere the two arg maxes are equal)
    predicted = np.argmax(proba, axis=1)
    top_is_chosen = np.flatnonzero(predicted == chosen)
    if top_is_chosen.size:
        rows = proba[top_is_chosen]
        rows[:, chosen] = -np.inf
        predicted[top_is_chosen] = np.argmax(rows, axis=1)
    predicted[proba[:, chosen] >= threshold] = chosen
    return predicted


def _top_k(codes: np.ndarray, proba: np.ndarray, k: int, weights: np.ndarray | None) -> float:
    r"""Share of rows whose true class is among the k highest scores. Ties in scikit-learn's order (a
    stable ascending sort, reversed: of equal scores the later column ranks first): the true class's rank
    is #{j: s_j > s_t} + #{j > t: s_j = s_t}."""
    true_score = proba[np.arange(codes.size), codes][:, None]
    later = np.arange(proba.shape[1])[None, :] > codes[:, None]
    rank = (proba > true_score).sum(axis=1) + ((proba == true_score) & later).sum(axis=1)
    hit = rank < k
    return float(np.average(hit, weights=weights))


def _log_loss(codes: np.ndarray, proba: np.ndarray, weights: np.ndarray | None) -> float:
    r"""Multiclass log loss :math:`-\frac{1}{\sum w}\sum_i w_i \ln \tilde p_{i, y_i}`, scikit-learn's
    clipping :math:`\tilde p = \min(\max(p, \varepsilon), 1 - \varepsilon)`."""
    eps = np.finfo(np.float64).eps
    p_true = np.clip(proba[np.arange(codes.size), codes], eps, 1 - eps)
    return float(np.average(-np.log(p_true), weights=weights))


def decision_figures(
    codes: np.ndarray,
    proba: np.ndarray,
    decision: tuple[int, float] | None = None,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """The figures of one decision rule on class codes ``0..K-1`` and scores ``(n, K)``: ``confusion``
    (K x K, rows true), per class ``precision``, ``recall``, ``f1``, ``support``, ``accuracy`` and the
    ``averages`` (micro / macro / weighted: (precision, recall, F1)), as ``classification_report``."""
    k = proba.shape[1]
    if decision is not None:
        decision = (
            check_whole("decision class", decision[0], low=0, high=k - 1),
            check_number("decision threshold", decision[1]),
        )
    predicted = _predict(proba, decision)
    # K x K confusion: rows true, columns predicted (weighted sums; whole counts unweighted)
    flat = codes * k + predicted
    if weights is None:
        confusion = np.bincount(flat, minlength=k * k).reshape(k, k)
    else:
        confusion = np.bincount(flat, weights=weights, minlength=k * k).reshape(k, k)
    true_positive = np.diag(confusion).astype(np.float64)
    predicted_total = confusion.sum(axis=0).astype(np.float64)
    support = confusion.sum(axis=1).astype(np.float64)
    precision = _ratio(true_positive, predicted_total)
    recall = _ratio(true_positive, support)
    # F1 = 2PR / (P + R)
    f1 = _ratio(2 * precision * recall, precision + recall)
    accuracy = float(true_positive.sum()) / float(support.sum())
    averages = {
        # micro: every row counted once, so precision = recall = F1 = accuracy
        "micro": (accuracy, accuracy, accuracy),
        "macro": (float(precision.mean()), float(recall.mean()), float(f1.mean())),
        "weighted": tuple(float(np.average(v, weights=support)) for v in (precision, recall, f1)),
    }
    return {
        "confusion": confusion,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "support": support,
        "accuracy": accuracy,
        "averages": averages,
    }


def evaluate_multiclass(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    decision: tuple[int, float] | None = None,
    top_k: tuple[int, ...] = (1, 2, 3),
    with_ovo: bool = True,
) -> MulticlassEvaluation:
    """Evaluate a multiclass classifier (see the module).

    ``classes`` names the columns of ``y_proba`` (default: the sorted distinct labels of ``y_true``, which
    must then number K); ``decision`` = ``(class index, threshold)`` for the thresholded rule instead of
    the arg max; ``with_ovo=False`` skips the one-vs-one AUC (it pairs rows); the OvO AUC is also left out
    (None) with weights, which it does not take (as scikit-learn).

    Examples
    --------
    >>> e = evaluate_multiclass([0, 1, 2, 2], [[.8, .1, .1], [.2, .7, .1], [.1, .2, .7], [.3, .3, .4]])
    >>> e.confusion.tolist(), e.accuracy, e.auc_macro
    ([[1, 0, 0], [0, 1, 0], [0, 0, 2]], 1.0, 1.0)
    """
    codes, names, proba, weights = _check_inputs(y_true, y_proba, classes, sample_weight)
    k = names.size
    # k of top-k: at least 1; values above K (every class) are left out
    top_k = tuple(v for v in (check_whole("top k", value, low=1) for value in top_k) if v <= k)
    figures = decision_figures(codes, proba, decision, weights)
    # one-vs-rest: one aggregated table per class (None where the class has no row, or every row)
    tables: list[ScoreCounts | None] = []
    ovr_auc = np.full(k, np.nan)
    ovr_ap = np.full(k, np.nan)
    notes = []
    for index in range(k):
        is_class = codes == index
        present = weights[is_class].sum() if weights is not None else is_class.sum()
        absent = weights[~is_class].sum() if weights is not None else (~is_class).sum()
        if present == 0 or absent == 0:
            tables.append(None)
            notes.append(f"class {str(names[index])!r} has {'no' if present == 0 else 'every'} row")
            continue
        table = score_counts(is_class, proba[:, index], sample_weight=weights)
        tables.append(table)
        _, tps, fps = table.cumulative()
        ovr_auc[index] = _ranking._auc_from_counts(tps, fps)
        ovr_ap[index] = _ranking._average_precision(tps, fps)
    ovo_macro = ovo_weighted = None
    if with_ovo and weights is None:
        ovo_macro = ovo_auc(codes, proba, average="macro")
        ovo_weighted = ovo_auc(codes, proba, average="weighted")
    return MulticlassEvaluation(
        classes=tuple(str(c) for c in names.tolist()),
        n=int(codes.size),
        weighted=weights is not None,
        decision=None if decision is None else (int(decision[0]), float(decision[1])),
        confusion=figures["confusion"],
        precision=figures["precision"],
        recall=figures["recall"],
        f1=figures["f1"],
        support=figures["support"],
        accuracy=figures["accuracy"],
        averages=figures["averages"],
        tables=tuple(tables),
        ovr_auc=ovr_auc,
        ovr_ap=ovr_ap,
        auc_macro=_average_of(ovr_auc, figures["support"], "macro"),
        auc_weighted=_average_of(ovr_auc, figures["support"], "weighted"),
        ovo_macro=ovo_macro,
        ovo_weighted=ovo_weighted,
        top_k={value: _top_k(codes, proba, value, weights) for value in top_k},
        log_loss=_log_loss(codes, proba, weights),
        notes=tuple(notes),
    )


def _number(value: float) -> float | None:
    """A float for JSON: NaN as null."""
    return None if value is None or math.isnan(value) else float(value)


def multiclass_report(
    e: MulticlassEvaluation, *, name: str = "", decision: tuple[int, float] | None = None, figures=None
) -> dict[str, Any]:
    """The multiclass report as plain data (the page's JSON download and the command line's output).

    ``figures`` (from :func:`decision_figures`) replaces the arg-max rule's confusion and per-class
    figures when a thresholded rule is shown; ``decision`` says which."""
    f = figures or {
        "confusion": e.confusion,
        "precision": e.precision,
        "recall": e.recall,
        "f1": e.f1,
        "support": e.support,
        "accuracy": e.accuracy,
        "averages": e.averages,
    }
    rule = (
        {"rule": "argmax"}
        if decision is None
        else {"rule": "threshold", "class": e.classes[decision[0]], "threshold": float(decision[1])}
    )
    return {
        "file": name,
        "task": "multiclass",
        "n": e.n,
        "weighted": e.weighted,
        "classes": list(e.classes),
        "decision": rule,
        "accuracy": float(f["accuracy"]),
        "confusion": {"rows": "true class", "columns": "predicted class", "matrix": f["confusion"].tolist()},
        "per_class": [
            {
                "class": c,
                "precision": float(f["precision"][i]),
                "recall": float(f["recall"][i]),
                "f1": float(f["f1"][i]),
                "support": float(f["support"][i]),
                "roc_auc_ovr": _number(e.ovr_auc[i]),
                "average_precision": _number(e.ovr_ap[i]),
            }
            for i, c in enumerate(e.classes)
        ],
        "averages": {
            how: {"precision": p, "recall": r, "f1": f1} for how, (p, r, f1) in f["averages"].items()
        },
        "roc_auc": {
            "ovr_macro": _number(e.auc_macro),
            "ovr_weighted": _number(e.auc_weighted),
            "ovo_macro": _number(e.ovo_macro),
            "ovo_weighted": _number(e.ovo_weighted),
        },
        "top_k_accuracy": {str(k): v for k, v in e.top_k.items()},
        "log_loss": e.log_loss,
        "notes": list(e.notes),
    }


def multiclass_report_json(
    e: MulticlassEvaluation, *, name: str = "", decision: tuple[int, float] | None = None, figures=None
) -> str:
    """:func:`multiclass_report` as indented JSON text."""
    return json.dumps(multiclass_report(e, name=name, decision=decision, figures=figures), indent=2)
