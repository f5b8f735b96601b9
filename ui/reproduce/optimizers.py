"""The optimizers page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.optimizers import SURFACES, RunSpec, full_hyperparameters
from ui.reproduce import register


def _settings(spec: RunSpec) -> dict[str, Any]:
    """The learning rate and every hyperparameter that differs from torch's default."""
    defaults = full_hyperparameters(spec.optimizer, {})
    return {
        k: v
        for k, v in full_hyperparameters(spec.optimizer, spec.hyperparameters).items()
        if k == "lr" or v != defaults[k]
    }


def _runs_at(surface: str, names: list[str], steps: int, start: tuple[float, float] | None = None):
    from ui.optimizers.views import surface_runs

    surf = SURFACES[surface]
    specs = [RunSpec(n, full_hyperparameters(n, {"lr": surf.learning_rates[n]})) for n in names]
    start = start or surf.start
    return surface_runs(surface, specs, steps, start), {"surface": surface, "steps": steps, "start": start}


def _runs_default():
    from ui.optimizers.state import DEFAULT_SELECTION, DEFAULT_STEPS, DEFAULT_SURFACE

    return _runs_at(DEFAULT_SURFACE, list(DEFAULT_SELECTION), DEFAULT_STEPS)


def _runs_other():
    return _runs_at("himmelblau", ["SGD", "Adadelta", "AdamW"], 300, (0.5, -1.0))


@register("optimizers", "runs", default=_runs_default, other=_runs_other)
def runs(view: Any, *, surface: str, steps: int, start: tuple[float, float]):
    """``view``: the section's :class:`ui.optimizers.views.SurfaceRuns` (learning rates tuned in the fair
    mode); EXPECTED: f - f* at the last step (None if diverged) and the first step at or below 1e-3."""
    params = {
        "surface": surface,
        "steps": int(steps),
        "start": (float(start[0]), float(start[1])),
        "optimizers": {spec.optimizer: _settings(spec) for spec in view.specs},
    }
    expected = {}
    for r, spec in enumerate(view.specs):
        gap = view.run["gap"][:, r]
        reached = np.flatnonzero(gap <= 1e-3)
        expected[spec.optimizer] = {
            "gap_end": float(gap[-1]) if np.isfinite(gap[-1]) else None,
            "reached": int(reached[0]) if reached.size else None,
        }
    return params, expected
