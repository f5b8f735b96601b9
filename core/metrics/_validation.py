"""Input validation shared by every metric: labels, scores, weights, thresholds (ValueError with a
sentence naming the problem)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from core._validation import check_number

# ----------------------------------------------------------------------------------------------------
# Input validation
# ----------------------------------------------------------------------------------------------------


class OneClassError(ValueError):
    """The documented refusal of a figure that needs both classes when ``y_true`` holds only one (where
    scikit-learn warns and returns NaN). A ``ValueError``; its own class so a caller can tell it apart."""


def _as_1d(values: ArrayLike, name: str) -> np.ndarray:
    """``np.asarray(values)`` as one dimension; a column vector ``(n, 1)`` is accepted and flattened."""
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per row), but it has shape {array.shape}."
        )
    return array


def _first_row(mask: np.ndarray) -> int:
    """Index of the first True in a boolean mask (which must have one)."""
    return int(np.argmax(mask))


def _show(values: np.ndarray, limit: int = 6) -> str:
    """A short human list of (distinct) values for an error message: ``0, 1, 2``."""
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def _labels_to_bool(y: np.ndarray) -> np.ndarray:
    """Map binary labels (bool, 0/1 or -1/1) to a bool array with True = positive; reject anything else."""
    if y.dtype.kind == "b":
        return y
    if y.dtype.kind not in "iuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"y_true must hold binary labels 0/1, True/False or -1/1, but it holds text such as "
                f"{_show(np.unique(y.astype(str)), 3)}: map the labels to 0/1 first."
            ) from None
    if y.dtype.kind == "f":
        missing = np.isnan(y)
        if missing.any():
            raise ValueError(
                f"y_true has {int(missing.sum())} missing (NaN) labels, the first at row "
                f"{_first_row(missing)}: every row needs a label 0 or 1."
            )
    low, high = y.min(), y.max()
    # Two valid label sets: {0, 1} and {-1, 1}; a single value of either set is "one class" (caller's check).
    if low == high:
        if low not in (0, 1, -1):
            raise ValueError(
                f"y_true holds the single value {low.item()!r}: labels must be 0/1, True/False or -1/1."
            )
        return y == 1
    if (low, high) in ((0, 1), (-1, 1)) and not np.any((y != low) & (y != high)):
        return y == 1
    distinct = np.unique(y)
    if distinct.size > 2:
        raise ValueError(
            f"y_true must be binary (0/1, True/False or -1/1), but it has {distinct.size} distinct "
            f"values: {_show(distinct)} (multiclass format is not supported with one score per row: give "
            f"one score column per class)."
        )
    raise ValueError(
        f"y_true takes the values {{{_show(distinct)}}}: label the positive class 1 and the negative "
        f"class 0 (or -1), or pass booleans."
    )


def _validate(
    y_true: ArrayLike,
    y_score: ArrayLike,
    sample_weight: ArrayLike | None = None,
    *,
    metric: str = "ROC AUC",
    need_both_classes: bool = True,
    score_name: str = "y_score",
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check the inputs shared by every metric and return them as ``(bool, float64, float64 | None)``.

    Raises ``ValueError`` with a user-readable sentence for: empty input, length mismatch, labels that
    are not binary, a NaN label, non-numeric or non-finite scores, negative / NaN / infinite weights,
    all-zero weights, and (when ``need_both_classes``) a single class, where ``metric`` names what needs
    both classes. No copy is made of inputs that are already bool / float64 arrays.
    """
    y = _as_1d(y_true, "y_true")
    try:
        scores = _as_1d(y_score, score_name).astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        if "one-dimensional" in str(error):
            raise
        raise ValueError(f"{score_name} must hold numbers (one real score per row): {error}") from None
    if y.size == 0 and scores.size == 0:
        raise ValueError(f"y_true and {score_name} are empty: there is nothing to evaluate.")
    if y.size != scores.size:
        raise ValueError(
            f"y_true has {y.size} values but {score_name} has {scores.size}: "
            f"they must have one entry per row."
        )
    labels = _labels_to_bool(y)
    finite = np.isfinite(scores)
    if not finite.all():
        bad = ~finite
        raise ValueError(
            f"{score_name} has {int(bad.sum())} non-finite values (NaN or ±inf), the first at row "
            f"{_first_row(bad)} ({scores[_first_row(bad)]!r}): drop or fix these rows."
        )
    weights = None
    if sample_weight is not None:
        try:
            weights = _as_1d(sample_weight, "sample_weight").astype(np.float64, copy=False)
        except (TypeError, ValueError) as error:
            if "one-dimensional" in str(error):
                raise
            raise ValueError(f"sample_weight must hold numbers (one weight per row): {error}") from None
        if weights.size != y.size:
            raise ValueError(
                f"sample_weight has {weights.size} values but y_true has {y.size}: "
                f"they must have one entry per row."
            )
        finite = np.isfinite(weights)
        if not finite.all():
            bad = ~finite
            raise ValueError(
                f"sample_weight has {int(bad.sum())} NaN or infinite values, the first at row "
                f"{_first_row(bad)}: every weight must be a finite number >= 0."
            )
        negative = weights < 0
        if negative.any():
            row = _first_row(negative)
            raise ValueError(
                f"sample_weight has {int(negative.sum())} negative values, the first at row {row} "
                f"({weights[row]!r}): weights must be >= 0."
            )
        if not weights.any():
            raise ValueError("sample_weight is 0 for every row: at least one row needs a positive weight.")
    if need_both_classes:
        n_pos = int(np.count_nonzero(labels))
        if n_pos == 0 or n_pos == labels.size:
            only = y[0].item()
            if isinstance(only, float) and only.is_integer():
                only = int(only)
            raise OneClassError(
                f"y_true has only one class (all {only}): {metric} needs both positives and negatives."
            )
        if weights is not None:
            for name, mask in (("positive", labels), ("negative", ~labels)):
                if not weights[mask].any():
                    raise OneClassError(
                        f"every {name} row has sample_weight 0: {metric} needs positives and negatives "
                        f"with weight > 0."
                    )
    return labels, scores, weights


def _check_probability(value: float, name: str) -> float:
    """A level strictly between 0 and 1."""
    return check_number(name, value, low=0.0, high=1.0, low_open=True, high_open=True)


def _check_threshold(threshold: float) -> float:
    """A real, non-NaN threshold (±inf allowed: predict nothing / everything positive)."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number, got {threshold!r}.") from None
    if math.isnan(value):
        raise ValueError("threshold is NaN: give a number (rows with score >= threshold are positive).")
    return value
