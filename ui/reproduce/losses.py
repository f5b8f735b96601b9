"""The losses page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ui.reproduce import register


def _fits(noise: float, outliers: int):
    from ui.losses import fits_view

    return fits_view(noise, outliers), {"noise": noise, "outliers": outliers}


@register("losses", "fits", default=lambda: _fits(0.0, 0), other=lambda: _fits(0.2, 12))
def fits(view: Any, *, noise: float, outliers: int):
    """``view``: the section's :class:`ui.losses.views.FitsView`; EXPECTED: each loss's w, b, J(w, b) and
    its train and clean-test accuracy (the view's :class:`ui.losses.live.ClassifierFits`)."""
    from ui.losses.state import FIT_LAMBDA

    live = view.fits
    params = {
        "label_noise": float(noise),
        "outliers": int(outliers),
        "lam": FIT_LAMBDA,
        "n_train": int(len(live.data.y_train) - outliers),
        "n_test": len(live.data.y_test),
        "seed": 0,
    }
    expected = {
        loss: {
            "w": [float(v) for v in fit.w],
            "b": float(fit.b),
            "objective": float(fit.objective),
            "train_accuracy": float(live.train_accuracy[loss]),
            "test_accuracy": float(live.test_accuracy[loss]),
        }
        for loss, fit in live.fits.items()
    }
    return params, expected


def _batch(logits: str, target: str, weight: str, reduction: str, smoothing: float, ignore_index: int):
    from ui.losses import cross_entropy_view

    inputs = {
        "logits_text": logits,
        "target_text": target,
        "weight_text": weight,
        "reduction": reduction,
        "smoothing": smoothing,
        "ignore_index": ignore_index,
    }
    return cross_entropy_view(logits, target, weight, reduction, smoothing, ignore_index), inputs


def _batch_default():
    from ui.losses.state import DEFAULTS

    keys = ("logits", "target", "weight", "reduction", "smoothing", "ignore")
    return _batch(*(DEFAULTS[f"ls_ce_{k}"] for k in keys))


@register(
    "losses",
    "cross-entropy",
    default=_batch_default,
    other=lambda: _batch("3, -1, 0.5, 2\n0, 0, 0, 0\n1, 2, 3, 4", "3, 1, 7", "1, 2, 0.5, 1", "none", 0.1, 7),
)
def cross_entropy(
    view: Any,
    *,
    logits_text: str,
    target_text: str,
    weight_text: str,
    reduction: str,
    smoothing: float,
    ignore_index: int,
):
    """``view``: the section's :class:`ui.losses.CrossEntropyView`; EXPECTED: core's cross_entropy with
    the chosen options on the parsed batch, the figure the view shows (NaN written as None)."""
    from core import losses as L
    from ui.losses.batch import parse_targets, parse_weight

    logits = view.logits
    target = parse_targets(target_text, logits.shape[0], logits.shape[1], ignore_index)
    weight = parse_weight(weight_text, logits.shape[1])
    result = np.asarray(L.cross_entropy(logits, target, reduction, weight, ignore_index, smoothing), float)
    values = [None if math.isnan(v) else float(v) for v in result.ravel()]
    params = {
        "logits": logits.tolist(),
        "target": [int(v) for v in target],
        "weight": None if weight is None else [float(v) for v in weight],
        "reduction": reduction,
        "label_smoothing": float(smoothing),
        "ignore_index": int(ignore_index),
    }
    return params, {"result": values if reduction == "none" else values[0]}


def _regression(outliers: int, delta: float):
    from ui.losses import regression_view

    return regression_view(outliers, delta), {"outliers": outliers, "delta": delta}


@register("losses", "regression", default=lambda: _regression(4, 1.0), other=lambda: _regression(9, 2.5))
def regression(view: Any, *, outliers: int, delta: float):
    """``view``: the section's view; EXPECTED: each loss's line and mean loss, from the shared fits the view
    was built from."""
    from core import losses as L
    from ui.compute import shared
    from ui.losses import live

    fits = shared(live.regression_fits, int(outliers), float(delta))
    data = fits.data
    params = {"n": len(data.x), "outliers": int(outliers), "shift": 30.0, "delta": float(delta), "seed": 0}
    expected = {
        loss: {
            "slope": float(slope),
            "intercept": float(intercept),
            "risk": L.regression_risk(data.x, data.y, slope, intercept, loss, delta),
        }
        for loss, (slope, intercept) in fits.lines.items()
    }
    return params, expected


def _svm(noise: float, outliers: int, lam: float):
    from ui.losses import svm_view

    return svm_view(noise, outliers, lam), {"noise": noise, "outliers": outliers, "lam": lam}


@register("losses", "svm", default=lambda: _svm(0.0, 0, 0.01), other=lambda: _svm(0.2, 12, 0.1))
def svm(view: Any, *, noise: float, outliers: int, lam: float):
    """``view``: the section's :class:`ui.losses.views.SvmView`; EXPECTED: the figures of its sentence,
    from the shared fit the view was built from."""
    from ui.compute import shared
    from ui.losses import live

    fit = shared(live.svm_fit, noise, outliers, lam)
    data = shared(live.classifier_fits, noise, outliers).data
    params = {
        "label_noise": float(noise),
        "outliers": int(outliers),
        "lam": float(lam),
        "n_train": len(data.y_train) - int(outliers),
        "n_test": len(data.y_test),
        "seed": 0,
    }
    expected = {
        "structural": float(fit.fit.objective),
        "empirical": float(fit.empirical_risk),
        "regulariser": float(fit.regulariser),
        "width": float(fit.width),
        "support": int(fit.support.sum()),
        "test": float(fit.test_risk),
    }
    return params, expected
