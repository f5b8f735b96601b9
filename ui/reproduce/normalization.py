"""The normalization page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.normalization import TRUE_MEAN, TRUE_STD, epsilon_curves, padding_effect, running_statistics
from ui.compute import shared
from ui.reproduce import register


def _running(momentum: float | None, batches: int, batch_size: int):
    from ui.normalization import running_view

    inputs = {"momentum": momentum, "batches": batches, "batch_size": batch_size}
    return running_view(momentum, batches, batch_size), inputs


@register(
    "normalization",
    "running-statistics",
    default=lambda: _running(0.1, 100, 8),
    other=lambda: _running(None, 60, 3),
)
def running(view: Any, *, momentum: float | None, batches: int, batch_size: int):
    """``view``: the section's view; EXPECTED: the figures of its sentence, from the same shared result the
    view was built from (``ui.compute.shared`` hands back the stored one)."""
    stats = shared(running_statistics, momentum, batches, batch_size)
    params = {
        "momentum": momentum,
        "batches": int(batches),
        "batch_size": int(batch_size),
        "mean": TRUE_MEAN,
        "std": TRUE_STD,
        "seed": 0,
    }
    expected = {
        "running_mean": float(stats.running_mean[-1]),
        "running_var": float(stats.running_var[-1]),
        "mean_biased_var": float(np.mean(stats.batch_var_biased)),
        "running_var_if_biased": float(stats.running_var_if_biased[-1]),
        "mean_unbiased_var": float(np.mean(stats.batch_var_unbiased)),
    }
    return params, expected


def _eps(eps: float):
    from ui.normalization import eps_view

    return eps_view(eps), {"eps": eps}


@register("normalization", "epsilon", default=lambda: _eps(1e-5), other=lambda: _eps(1e-3))
def epsilon(view: Any, *, eps: float):
    """``view``: the section's view; EXPECTED: the output std of both formulas at variance = eps and eps^2
    (the figures of its sentence), from the shared curves the view was built from."""
    curves = shared(epsilon_curves, eps)
    at_eps = int(np.argmin(np.abs(np.log(curves.variance / eps))))
    at_eps2 = int(np.argmin(np.abs(np.log(curves.variance / eps**2))))
    params = {
        "eps": float(eps),
        "size": 32,
        "low": -14.0,
        "high": 2.0,
        "points": int(curves.variance.size),
        "seed": 0,
    }
    expected = {
        "torch_at_eps": float(curves.torch_std[at_eps]),
        "notes_at_eps": float(curves.notes_std[at_eps]),
        "torch_at_eps2": float(curves.torch_std[at_eps2]),
        "notes_at_eps2": float(curves.notes_std[at_eps2]),
    }
    return params, expected


def _padding():
    from ui.normalization import padding_view

    return padding_view(), {}


@register("normalization", "transformers", default=_padding)
def transformers(view: Any):
    """``view``: the section's (table, text, check); EXPECTED: how far the sentence's outputs moved per
    layer and companion length, from the shared result the view was built from (the section has no inputs:
    one state)."""
    pad = shared(padding_effect)
    params = {"sentence_length": 4, "others": list(pad.lengths), "features": 8, "seed": 0}
    expected = {
        "layer": [float(v) for v in pad.layer_change],
        "batch": [float(v) for v in pad.batch_change],
        "rms": [float(v) for v in pad.rms_change],
        "rms_vs_layer": float(pad.rms_vs_layer),
    }
    return params, expected
