"""The optimizers page's computations, each run once for every visitor through ``ui.compute.shared``:
the surface runs with their torch.optim replay, the learning-rate tuning, the notes-vs-torch comparisons,
the model, and the surfaces' heat-map grids.

They run on the shared workers: every argument is hashable (run specs as :data:`SpecKey` tuples), and
nothing here reads session state or translates (a result is the same for every visitor and language).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from core.optimizers import (
    SURFACES,
    EffectiveRates,
    RunSpec,
    Tuning,
    adam_bias_correction,
    adam_counterexample,
    adam_step_sizes,
    adam_then_sgd,
    batch_size_runs,
    effective_learning_rates,
    grid_values,
    logistic_regression,
    momentum_forms,
    nesterov_forms,
    noisy_ravine,
    replay_check,
    run_trajectories,
    tune_learning_rates,
    weight_decay_forms,
)

SpecKey = tuple[tuple[str, tuple[tuple[str, Any], ...], str], ...]


def spec_key(specs: list[RunSpec]) -> SpecKey:
    """A hashable form of run specs (an argument of ``ui.compute.shared``)."""
    return tuple((s.optimizer, tuple(sorted(s.hyperparameters.items())), s.label) for s in specs)


def specs_from_key(key: SpecKey) -> list[RunSpec]:
    return [RunSpec(name, dict(items), label) for name, items, label in key]


def surface_run(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> dict[str, Any]:
    """Trajectories of every spec, plus the torch.optim replay check of every run."""
    surf = SURFACES[surface]
    result = run_trajectories(surf, specs_from_key(key), steps, start, record_states=True)
    worst, checked = replay_check(surf, result, max_checks=100)
    return {
        "positions": result.positions,
        "gap": result.gap,
        "names": result.names,
        "check": worst,
        "checked": checked,
    }


def tuning(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> Tuning:
    return tune_learning_rates(SURFACES[surface], specs_from_key(key), steps, start)


class SurfaceGrid(NamedTuple):
    """The heat-map background: cell centres ``xs`` (columns), ``ys`` (rows, increasing) and
    ``level[j, i] = log10(f(xs[i], ys[j]) - f* + 1e-3)``."""

    xs: np.ndarray
    ys: np.ndarray
    level: np.ndarray


def surface_grid(surface: str) -> SurfaceGrid:
    """The heat-map background: a grid (60 x 60, finer for Rastrigin) of log10(f - f* + 1e-3)."""
    xs, ys, gap = grid_values(SURFACES[surface], SURFACES[surface].grid_points)
    return SurfaceGrid(xs, ys, np.log10(np.maximum(gap, 0.0) + 1e-3))


def momentum(surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]):
    return momentum_forms(SURFACES[surface], alpha, beta, steps, start)


def nesterov(surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]):
    return nesterov_forms(SURFACES[surface], alpha, beta, steps, start)


def bias(surface: str, lr: float, betas: tuple[float, float], eps: float, steps: int, start):
    return adam_bias_correction(SURFACES[surface], lr, betas, eps, steps, start)


def adam_steps(
    surface: str, lr: float, betas: tuple[float, float], eps: float, scale: float, steps: int, start
):
    return adam_step_sizes(SURFACES[surface], lr, betas, eps, scale, steps, start)


def effective_rates(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> EffectiveRates:
    return effective_learning_rates(SURFACES[surface], specs_from_key(key), steps, start)


def counterexample(c: float, lr: float, steps: int):
    return adam_counterexample(c, lr, steps)


def adamw_forms(surface: str, lr: float, weight_decay: float, steps: int, start: tuple[float, float]):
    return weight_decay_forms(SURFACES[surface], lr, weight_decay, steps, start)


def logistic(key: SpecKey, epochs: int, batch_size: int):
    return logistic_regression(specs_from_key(key), epochs=epochs, batch_size=batch_size)


def batch_sizes(sizes: tuple[int, ...], epochs: int, lr: float, progress=None):
    return batch_size_runs(sizes, epochs, lr, progress=progress)


def ravine(lr: float, beta: float, noise: float, steps: int, seed: int):
    return noisy_ravine(lr, beta, noise, steps, seed)


def switch(switch_epoch: int, epochs: int, adam_lr: float, sgd_lr: float, seed: int):
    return adam_then_sgd(switch_epoch, epochs, adam_lr, sgd_lr, seed=seed)
