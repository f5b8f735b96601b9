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


def _model(names: list[str], epochs: int, batch_size: int):
    from ui.optimizers.state import MODEL_LEARNING_RATES
    from ui.optimizers.views import model_view

    specs = [RunSpec(n, full_hyperparameters(n, {"lr": MODEL_LEARNING_RATES[n]})) for n in names]
    return model_view(specs, epochs, batch_size), {"specs": specs, "epochs": epochs, "batch_size": batch_size}


def _model_default():
    from ui.optimizers.state import DEFAULT_SELECTION, DEFAULT_SURFACE, experiment_defaults

    defaults = experiment_defaults(DEFAULT_SURFACE)
    return _model(list(DEFAULT_SELECTION), defaults["model_epochs"], defaults["model_batch"])


@register(
    "optimizers",
    "model",
    default=_model_default,
    other=lambda: _model(["SGD", "Adadelta", "AdamW"], 8, 128),
)
def model(view: Any, *, specs: list[RunSpec], epochs: int, batch_size: int):
    """``view``: the section's :class:`ui.optimizers.views.ModelView`; EXPECTED: each optimizer's final
    training objective, test loss and accuracy and scikit-learn's minimum, from the shared result the view
    was built from (None for a run that left float64)."""
    from ui.compute import shared
    from ui.optimizers import live

    result = shared(live.logistic, live.spec_key(specs), epochs, batch_size)
    params = {
        "epochs": int(epochs),
        "batch_size": int(batch_size),
        "l2": 1e-3,
        "seed": 0,
        "optimizers": {spec.optimizer: _settings(spec) for spec in specs},
    }
    expected: dict[str, Any] = {}
    for r, spec in enumerate(specs):
        train, test = result.train_loss[r, -1], result.test_loss[r, -1]
        finite = bool(np.isfinite(train) and np.isfinite(test))
        expected[spec.optimizer] = {
            "train_loss": float(train) if finite else None,
            "test_loss": float(test) if finite else None,
            "test_accuracy": float(result.test_accuracy[r]) if finite else None,
        }
    expected["reference_train_loss"] = float(result.reference_train_loss)
    return params, expected


def _amsgrad(big: float, lr: float, n: int):
    from ui.optimizers.views import amsgrad_view

    return amsgrad_view(big, lr, n), {"big": big, "lr": lr, "n": n}


def _amsgrad_default():
    from ui.optimizers.state import DEFAULT_SURFACE, experiment_defaults

    d = experiment_defaults(DEFAULT_SURFACE)
    return _amsgrad(d["ams_c"], d["ams_lr"], d["ams_steps"])


@register("optimizers", "amsgrad", default=_amsgrad_default, other=lambda: _amsgrad(5.0, 0.05, 600))
def amsgrad(view: Any, *, big: float, lr: float, n: int):
    """``view``: the comparison's :class:`ui.optimizers.views.FormView`; EXPECTED: where Adam and AMSGrad
    end and their average regrets, from the shared run the view was built from."""
    from ui.compute import shared
    from ui.optimizers import live

    ce = shared(live.counterexample, big, lr, n)
    params = {"C": float(big), "lr": float(lr), "steps": int(n)}
    expected = {
        "adam_end": float(ce.adam[-1]),
        "amsgrad_end": float(ce.amsgrad[-1]),
        "adam_regret": float(ce.adam_regret),
        "amsgrad_regret": float(ce.amsgrad_regret),
    }
    return params, expected


def _switch(switch: int, epochs: int, adam_lr: float, sgd_lr: float, seed: int):
    from ui.optimizers.views import switch_view

    inputs = {"switch": switch, "epochs": epochs, "adam_lr": adam_lr, "sgd_lr": sgd_lr, "seed": seed}
    return switch_view(switch, epochs, adam_lr, sgd_lr, seed), inputs


def _switch_default():
    from ui.optimizers.state import DEFAULT_SURFACE, experiment_defaults

    d = experiment_defaults(DEFAULT_SURFACE)
    return _switch(d["sw_switch"], d["sw_epochs"], d["sw_adam_lr"], d["sw_sgd_lr"], d["sw_seed"])


@register("optimizers", "adam-then-sgd", default=_switch_default, other=lambda: _switch(3, 8, 0.003, 0.3, 2))
def adam_then_sgd(view: Any, *, switch: int, epochs: int, adam_lr: float, sgd_lr: float, seed: int):
    """``view``: the section's :class:`ui.optimizers.views.SwitchView`; EXPECTED: each run's final training
    objective, test loss and accuracy, from the shared result the view was built from."""
    from ui.compute import shared
    from ui.optimizers import live

    switch = min(int(switch), int(epochs))  # as the view reads it
    sw = shared(live.switch, switch, int(epochs), float(adam_lr), float(sgd_lr), int(seed))
    params = {
        "switch_epoch": switch,
        "epochs": int(epochs),
        "adam_lr": float(adam_lr),
        "sgd_lr": float(sgd_lr),
        "seed": int(seed),
        "batch_size": 32,
    }
    expected = {
        run: {
            "train_loss": float(sw.train_loss[r, -1]),
            "test_loss": float(sw.test_loss[r, -1]),
            "test_accuracy": float(sw.test_accuracy[r, -1]),
        }
        for r, run in enumerate(sw.runs)
    }
    return params, expected
