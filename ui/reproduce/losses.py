"""The losses page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

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
