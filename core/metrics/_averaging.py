r"""scikit-learn's full interface of the four ranking functions, on the one building block.

:func:`roc_curve`, :func:`precision_recall_curve`, :func:`roc_auc_score` and :func:`average_precision_score`
accept what scikit-learn's (1.9.1) accept and return the same results:

* any positive label (``pos_label``; text, booleans, numbers), the positive class of a two-valued
  ``y_true`` being found as scikit-learn finds it;
* a label-indicator matrix (multilabel) or a label column with K values and a score matrix with K columns
  (multiclass), averaged ``micro`` / ``macro`` / ``weighted`` / ``samples`` / ``None`` (per column);
* ``max_fpr``: the partial ROC AUC over :math:`\mathrm{FPR} \le f`, with McClish's standardisation
  :math:`\tfrac12\big(1 + \frac{A_f - f^2/2}{f - f^2/2}\big)` (0.5 for a random model, 1 for a perfect one);
* ``multi_class="ovr"`` (each class against the rest: a binary problem per column) and ``"ovo"`` (each pair
  of classes on the rows of those two classes, Hand & Till's :math:`M`; it needs the rows, not only
  per-class counts).

Every figure is one of the binary ones of ``_ranking`` (the counts of ``_threshold_counts``) on a column, a
raveled matrix or a subset of rows; nothing is computed a second way. What stays refused, with a sentence:
a column (or row, for ``samples``) where only one class occurs (scikit-learn warns and returns NaN; here
:class:`~core.metrics._validation.OneClassError`, a ``ValueError``, as the binary functions always did),
labels given as bytes, and scores that are not finite.
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike

import core.metrics._ranking as _ranking
from core._validation import check_number
from core.metrics._validation import _validate

__all__ = ["average_precision_score", "precision_recall_curve", "roc_auc_score", "roc_curve"]

_AVERAGES = (None, "micro", "macro", "weighted", "samples")


# ----------------------------------------------------------------------------------------------------
# What kind of target: binary, multiclass, multilabel-indicator
# ----------------------------------------------------------------------------------------------------


def _refuse_bytes(y: np.ndarray) -> None:
    """Labels as bytes are ambiguous (which encoding?): refused, as scikit-learn does."""
    if y.dtype.kind == "S" or (y.dtype.kind == "O" and any(isinstance(v, bytes) for v in y.ravel()[:1000])):
        raise TypeError(
            "Support for labels represented as bytes is not supported: decode them to text (str) or map "
            "them to integers first."
        )


def _target_type(y: np.ndarray) -> str:
    """``binary``, ``multiclass``, ``multilabel-indicator``, ``continuous`` or ``unknown`` (scikit-learn's
    ``type_of_target`` for what these functions meet). Cheap for a numeric column: min and max, one pass."""
    _refuse_bytes(y)
    if y.ndim == 2 and y.shape[1] > 1:
        if y.dtype.kind in "biuf" and y.size and np.isin(y, (0, 1)).all():
            return "multilabel-indicator"
        return "unknown"
    if y.ndim == 2:
        y = y[:, 0]
    if y.ndim != 1 or y.size == 0:
        return "unknown"
    if y.dtype.kind == "b":
        return "binary"
    if y.dtype.kind in "iuf":
        if y.dtype.kind == "f" and np.isnan(y).any():
            return "binary"  # the binary check names the missing labels
        if y.dtype.kind == "f" and not np.array_equal(y, np.floor(y)):
            return "continuous"
        low, high = y.min(), y.max()
        if low == high or not np.any((y != low) & (y != high)):
            return "binary"
        return "multiclass"
    return "binary" if np.unique(y.astype(str) if y.dtype.kind == "O" else y).size <= 2 else "multiclass"


def _describe(y: np.ndarray) -> str:
    """What y_true holds, for a message: its shape, or its number of distinct values."""
    if y.ndim > 1 and y.shape[1] > 1:
        return f"has shape {y.shape}"
    distinct = _classes(y.reshape(-1))
    shown = ", ".join(repr(v) for v in distinct[:6].tolist()) + (", ..." if distinct.size > 6 else "")
    return f"has {distinct.size} distinct values: {shown}"


def _shape_error(y: np.ndarray, shape: tuple) -> ValueError:
    """A multiclass label with one score per row."""
    return ValueError(
        f"y_true {_describe(y)} (multiclass), so `y_score` needs to be of shape `(n_samples, n_classes)`, "
        f"one score column per class. Got `y_score.shape={shape}`."
    )


def _classes(y: np.ndarray) -> np.ndarray:
    """The sorted distinct labels (scikit-learn's order: the positive of two is the larger)."""
    return np.unique(y)


def _implicit_pos_label(y: np.ndarray, metric: str) -> np.ndarray:
    """Labels with no ``pos_label`` given: 0/1, -1/1 or booleans (the existing contract, checked by
    ``_validate``); text labels need ``pos_label``."""
    if y.dtype.kind in "OU":
        classes = ", ".join(repr(c) for c in _classes(y).tolist())
        raise ValueError(
            f"y_true takes value in {{{classes}}} and pos_label is not specified: either make y_true take "
            f"value in {{0, 1}} or {{-1, 1}} or pass pos_label explicitly (for {metric})."
        )
    return y


def _positive_mask(y: np.ndarray, pos_label: object) -> np.ndarray:
    """``y == pos_label`` as booleans (a NaN label stays an error, not a negative)."""
    if y.dtype.kind == "f" and np.isnan(y).any():
        missing = np.isnan(y)
        raise ValueError(
            f"y_true has {int(missing.sum())} missing (NaN) labels, the first at row "
            f"{int(np.argmax(missing))}: every row needs a label."
        )
    return np.asarray(y == pos_label, dtype=bool).reshape(y.shape)


def _binary_column(y_true: ArrayLike, pos_label: object, metric: str, *, curve: bool) -> np.ndarray:
    """One label column for a binary figure: the target type checked, ``pos_label`` applied."""
    y = np.asarray(y_true)
    kind = _target_type(y)
    if kind != "binary":
        raise ValueError(
            f"{kind} format is not supported: {metric} needs one binary label per row, but y_true "
            f"{_describe(y)}."
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if pos_label is None:
        return _implicit_pos_label(y, metric)
    return _positive_mask(y, pos_label)


# ----------------------------------------------------------------------------------------------------
# The binary figures (one column), each from _threshold_counts
# ----------------------------------------------------------------------------------------------------


def _binary_auc(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None, max_fpr: float | None
) -> float:
    r"""ROC AUC of one binary column, or its standardised partial area up to ``max_fpr``.

    Partial: the ROC curve cut at :math:`\mathrm{FPR} = f` (the point there interpolated linearly between
    its neighbours), its trapezoid area :math:`A_f` and McClish's standardisation
    :math:`\tfrac12 (1 + (A_f - f^2/2) / (f - f^2/2))`: :math:`f^2/2` is the area under the diagonal
    (a random model), :math:`f` the largest possible area.
    """
    labels, scores, weights = _validate(y_true, y_score, sample_weight)
    thresholds, tps, fps = _ranking._threshold_counts(labels, scores, weights)
    if max_fpr is None or max_fpr == 1.0:
        return _ranking._auc_from_counts(tps, fps)
    fpr, tpr, _ = _ranking._roc_from_counts(thresholds, tps, fps, True)
    stop = int(np.searchsorted(fpr, max_fpr, "right"))
    # the curve up to FPR = f, its last point interpolated on the segment that crosses f
    tpr_at = np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
    fpr = np.append(fpr[:stop], max_fpr)
    tpr = np.append(tpr[:stop], tpr_at)
    # A_f by the trapezoid rule
    partial = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    # McClish: 1/2 (1 + (A_f - f^2/2) / (f - f^2/2))
    min_area = 0.5 * max_fpr**2
    return 0.5 * (1.0 + (partial - min_area) / (max_fpr - min_area))


def _binary_ap(y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None) -> float:
    """Average precision of one binary column (``_ranking._average_precision`` on its counts)."""
    labels, scores, weights = _validate(y_true, y_score, sample_weight, metric="average precision")
    _, tps, fps = _ranking._threshold_counts(labels, scores, weights)
    return _ranking._average_precision(tps, fps)


# ----------------------------------------------------------------------------------------------------
# Averaging over the columns of an indicator matrix
# ----------------------------------------------------------------------------------------------------


def _check_average(average: str | None, options: tuple = _AVERAGES, suffix: str = "") -> None:
    if average not in options:
        raise ValueError(f"average must be one of {options}{suffix}, got {average!r}.")


def _weights_1d(sample_weight: ArrayLike | None, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    if weights.size != n:
        raise ValueError(
            f"sample_weight has {weights.size} values but y_true has {n} rows: one weight per row."
        )
    return weights


def _average_columns(
    binary, y_true: np.ndarray, y_score: np.ndarray, average: str | None, sample_weight: ArrayLike | None
) -> float | np.ndarray:
    r"""A binary figure per column of an indicator matrix, then averaged (scikit-learn's
    ``_average_binary_score``).

    ``micro``: one figure on the raveled matrix (each cell a row, its row's weight repeated); ``macro``: the
    mean over columns; ``weighted``: weighted by each column's (weighted) positives; ``samples``: one
    figure per row over its columns, averaged with the row weights; ``None``: the per-column figures. A
    column of zero average weight is not computed (it counts 0 with weight 0, as in scikit-learn); a
    ``weighted`` column without positives says so with scikit-learn's warning.
    """
    y_score = np.asarray(y_score, dtype=np.float64) if np.asarray(y_score).dtype.kind != "f" else y_score
    if y_score.shape != y_true.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_score has shape {y_score.shape}: one score per label "
            f"column and row."
        )
    weights = _weights_1d(sample_weight, y_true.shape[0])
    if average == "micro":
        repeated = None if weights is None else np.repeat(weights, y_true.shape[1])
        return binary(y_true.ravel(), y_score.ravel(), repeated)
    score_weight, average_weight, axis_columns = weights, None, True
    if average == "weighted":
        # support: the (weighted) positives of each column
        average_weight = (y_true * (1.0 if weights is None else weights[:, None])).sum(axis=0)
        if np.isclose(average_weight.sum(), 0.0):
            return 0.0
    elif average == "samples":
        score_weight, average_weight, axis_columns = None, weights, False
    n_parts = y_true.shape[1] if axis_columns else y_true.shape[0]
    scores = np.zeros(n_parts, dtype=np.float64)
    for c in range(n_parts):
        if average_weight is not None and average_weight[c] == 0:
            if average == "weighted":
                warnings.warn(
                    f"No positive class found in y_true in column {c}: it has weight 0 in the weighted "
                    "average and is left out of it.",
                    UserWarning,
                    stacklevel=3,
                )
            continue  # weight 0: not computed, counts 0
        if axis_columns:
            scores[c] = binary(y_true[:, c], y_score[:, c], score_weight)
        else:
            scores[c] = binary(y_true[c], y_score[c], None)
    if average is None:
        return scores
    return float(np.average(scores, weights=average_weight))


def _indicator(y: np.ndarray) -> np.ndarray:
    """A multilabel-indicator matrix as 0/1 integers."""
    return y.astype(np.int8)


def _binarize(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """One indicator column per class, ``y == classes[k]`` (scikit-learn's ``label_binarize``)."""
    return (y[:, None] == classes[None, :]).astype(np.int8)


def _score_matrix(y_score: ArrayLike) -> np.ndarray:
    try:
        scores = np.asarray(y_score, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"y_score must hold numbers: {error}") from None
    if not np.isfinite(scores).all():
        raise ValueError("y_score has NaN or infinite values: every score must be a finite number.")
    return scores


# ----------------------------------------------------------------------------------------------------
# The public functions
# ----------------------------------------------------------------------------------------------------


def roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's ``roc_curve``: ``_ranking.roc_curve`` on the column ``y_true == pos_label``.

    ``pos_label=None``: labels 0/1, -1/1 or booleans (1 / True positive).

    Examples
    --------
    >>> fpr, tpr, _ = roc_curve(["cat", "dog", "dog"], [0.2, 0.9, 0.4], pos_label="dog")
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 1.0, 1.0])
    """
    labels = _binary_column(y_true, pos_label, "a ROC curve", curve=True)
    return _ranking.roc_curve(
        labels, y_score, sample_weight=sample_weight, drop_intermediate=drop_intermediate
    )


def precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's ``precision_recall_curve``: ``_ranking.precision_recall_curve`` on the column
    ``y_true == pos_label``."""
    labels = _binary_column(y_true, pos_label, "a precision-recall curve", curve=True)
    return _ranking.precision_recall_curve(
        labels, y_score, sample_weight=sample_weight, drop_intermediate=drop_intermediate
    )


def average_precision_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    pos_label: object = 1,
    sample_weight: ArrayLike | None = None,
) -> float | np.ndarray:
    """scikit-learn's ``average_precision_score``: binary (any ``pos_label``), multilabel-indicator or
    multiclass (one-vs-rest, ``y_score`` of shape ``(n, K)``), averaged over the columns by ``average``.

    Examples
    --------
    >>> scores = [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]
    >>> round(average_precision_score([0, 1, 2, 2], scores), 6)
    1.0
    """
    _check_average(average)
    y = np.asarray(y_true)
    kind = _target_type(y)
    if kind == "binary":
        if y.ndim == 2:
            y = y[:, 0]
        present = _classes(y)
        if present.size == 2 and pos_label not in present.tolist():
            raise ValueError(f"pos_label={pos_label!r} is not a valid label. It should be one of {present}")
        return _binary_ap(_positive_mask(y, pos_label), y_score, sample_weight)
    if kind == "multilabel-indicator":
        if pos_label != 1:
            raise ValueError(
                "Parameter pos_label is fixed to 1 for multilabel-indicator y_true. Do not set pos_label "
                "or set pos_label to 1."
            )
        return _average_columns(_binary_ap, _indicator(y), _score_matrix(y_score), average, sample_weight)
    if kind == "multiclass":
        if pos_label != 1:
            raise ValueError(
                "Parameter pos_label is fixed to 1 for multiclass y_true. Do not set pos_label or set "
                "pos_label to 1."
            )
        scores = _score_matrix(y_score)
        indicator = _binarize(y, _classes(y))
        if scores.shape != indicator.shape:
            raise _shape_error(y, scores.shape)
        return _average_columns(_binary_ap, indicator, scores, average, sample_weight)
    raise ValueError(
        f"{kind} format is not supported: average precision needs binary, multiclass or "
        f"multilabel-indicator labels."
    )


def roc_auc_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    sample_weight: ArrayLike | None = None,
    max_fpr: float | None = None,
    multi_class: str = "raise",
    labels: ArrayLike | None = None,
) -> float | np.ndarray:
    r"""scikit-learn's ``roc_auc_score``: binary (the larger of the two labels positive, as scikit-learn;
    0/1, -1/1, booleans as before), multilabel-indicator (averaged by ``average``) or multiclass
    (``multi_class="ovr"`` or ``"ovo"``, probabilities summing to 1 per row); ``max_fpr`` for the
    standardised partial AUC of a binary or multilabel problem.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], max_fpr=0.5)
    0.6666666666666666
    """
    if max_fpr is not None:
        max_fpr = check_number("max_fpr", max_fpr, low=0.0, high=1.0, low_open=True)
    y = np.asarray(y_true)
    kind = _target_type(y)
    scores = np.asarray(y_score)
    if kind == "multiclass" and scores.ndim != 2:
        raise _shape_error(y, scores.shape)
    if kind == "multiclass" or (kind == "binary" and scores.ndim == 2 and scores.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1.0:
            raise ValueError(
                f"Partial AUC computation not available in multiclass setting, 'max_fpr' must be set to "
                f"`None`, received `max_fpr={max_fpr}` instead: a partial area is defined for one "
                f"positive class against the rest."
            )
        if multi_class == "raise":
            raise ValueError(
                "multi_class must be in ('ovo', 'ovr') for a label with more than two classes: say whether "
                "each class is scored against the rest (ovr) or against each other class (ovo)."
            )
        column = y[:, 0] if y.ndim == 2 else y
        return _multiclass_auc(column, scores, labels, multi_class, average, sample_weight)
    _check_average(average)

    def binary(column, score_column, weights):
        return _binary_auc(column, score_column, weights, max_fpr)

    if kind == "binary":
        if y.ndim == 2:
            y = y[:, 0]
        if y.dtype.kind not in "biuf" or not _implicit_ok(y):
            # scikit-learn's label_binarize: the larger of the two labels is the positive class
            y = _positive_mask(y, _classes(y)[-1])
        return binary(y, y_score, sample_weight)
    if kind == "multilabel-indicator":
        return _average_columns(binary, _indicator(y), _score_matrix(y_score), average, sample_weight)
    raise ValueError(
        f"{kind} format is not supported: ROC AUC needs binary, multiclass or multilabel-indicator labels."
    )


def _implicit_ok(y: np.ndarray) -> bool:
    """Numeric labels the binary functions read as they are: 0/1 or -1/1 (or one of them only)."""
    if y.dtype.kind == "b":
        return True
    if y.dtype.kind == "f" and np.isnan(y).any():
        return True  # _validate names the missing labels
    low, high = y.min(), y.max()
    return bool({low.item(), high.item()} <= {0, 1} or {low.item(), high.item()} <= {-1, 1})


def _multiclass_auc(
    y: np.ndarray,
    scores: np.ndarray,
    labels: ArrayLike | None,
    multi_class: str,
    average: str | None,
    sample_weight: ArrayLike | None,
) -> float | np.ndarray:
    """Multiclass ROC AUC, one-vs-rest or one-vs-one (scikit-learn's ``_multiclass_roc_auc_score``)."""
    if scores.ndim != 2:
        raise _shape_error(y, scores.shape)
    scores = _score_matrix(scores)
    if not np.allclose(1, scores.sum(axis=1)):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 "
            "over classes (each row's scores sum to 1)."
        )
    options = ("macro", "weighted", None) if multi_class != "ovr" else ("micro", "macro", "weighted", None)
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems, got {average!r}.")
    if multi_class not in ("ovo", "ovr"):
        raise ValueError(
            f"multi_class={multi_class!r} is not supported for multiclass ROC AUC, multi_class must be in "
            f"('ovo', 'ovr')."
        )
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        given = np.asarray(labels).reshape(-1)
        classes = _classes(given)
        if classes.size != given.size:
            raise ValueError("Parameter 'labels' must be unique: each class once.")
        if not np.array_equal(classes, given):
            raise ValueError("Parameter 'labels' must be ordered (sorted, as the score columns are).")
        if classes.size != scores.shape[1]:
            raise ValueError(
                f"Number of given labels, {classes.size}, not equal to the number of columns in 'y_score', "
                f"{scores.shape[1]}."
            )
        if np.setdiff1d(y, classes).size:
            raise ValueError("'y_true' contains labels not in parameter 'labels'.")
    else:
        classes = _classes(y)
        if classes.size != scores.shape[1]:
            raise ValueError(
                f"Number of classes in y_true not equal to the number of columns in 'y_score' "
                f"({classes.size} classes, {scores.shape[1]} columns): pass labels= to name the columns' "
                f"classes."
            )
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError(
                "sample_weight is not supported for multiclass one-vs-one ROC AUC, 'sample_weight' must be "
                "None in this case."
            )
        return ovo_auc(np.searchsorted(classes, y), scores, average=average)
    return _average_columns(
        lambda c, s, w: _binary_auc(c, s, w, None), _binarize(y, classes), scores, average, sample_weight
    )


def ovo_auc(codes: np.ndarray, scores: np.ndarray, *, average: str = "macro") -> float:
    r"""One-vs-one AUC (Hand & Till's :math:`M`): for each pair of classes :math:`a < b` present in
    ``codes`` (column indices of ``scores``), on the rows of those two classes only,

    .. math::

        A_{ab} = \tfrac12\big(\mathrm{AUC}(y = a;\, s_a) + \mathrm{AUC}(y = b;\, s_b)\big),

    averaged over the pairs (``macro``) or weighted by the pair's share of the rows (``weighted``). It
    needs the rows: the pair's AUC depends on how the two classes' scores interleave, which per-class
    aggregated counts do not keep.
    """
    present = np.unique(codes)
    pair_scores, prevalence = [], []
    for a, b in combinations(present.tolist(), 2):
        a_mask, b_mask = codes == a, codes == b
        rows = a_mask | b_mask
        prevalence.append(float(np.average(rows)))
        a_auc = _binary_auc(a_mask[rows], scores[rows, a], None, None)
        b_auc = _binary_auc(b_mask[rows], scores[rows, b], None, None)
        pair_scores.append((a_auc + b_auc) / 2.0)
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))
