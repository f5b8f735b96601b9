r"""Two-dimensional test functions with exact gradients, and a vectorised runner for optimizer trajectories.

Each :class:`Surface` knows its formula (``latex``), value, gradient, minima, a start point that shows
something interesting, and a plot range. :func:`run_trajectories` moves many optimizer runs across a
surface at once: all runs share one gradient evaluation per step on a stacked ``(runs, 2)`` array, and
one :class:`core.optimizers.BatchedOptimizers` moves every row with its own optimizer. The per-step
Python work is one gradient call plus one batched step, however many runs and kinds there are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core._validation import check_whole
from core.optimizers._batched import BatchedOptimizers, RunSpec

__all__ = [
    "SURFACES",
    "RunSpec",
    "Surface",
    "Trajectories",
    "decimate_indices",
    "grid_values",
    "run_trajectories",
]

# A run that leaves this box has diverged: from then on its positions and losses are NaN. Every surface's
# minima and plotting window lie within |x|, |y| <= 5.12; past 1e4 a step of these gradients is beyond
# any meaning, and one rounding error of a coordinate (2e-12 at 1e4) stays far below the checks' tolerances.
DIVERGENCE_BOUND = 1e4


@dataclass(frozen=True)
class Surface:
    r"""A 2-D test function :math:`f(x, y)` with its exact gradient.

    ``value(xy, xp)`` and ``gradient(xy)`` take arrays whose last axis holds :math:`(x, y)`; ``value``
    also works on torch tensors when ``xp`` is ``torch`` (the tests check ``gradient`` against
    autograd that way).
    """

    key: str
    latex: str
    value_fn: Callable[[Any, Any, Any], Any]  # (x, y, xp) -> f
    gradient_fn: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]  # (x, y) -> (fx, fy)
    minima: tuple[tuple[float, float], ...]
    min_value: float
    start: tuple[float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    #: a learning rate per optimizer that shows its behaviour here (about 1/3 of the best one found by
    #: core.optimizers.tune_learning_rates over 500 steps, so paths are not at the edge of chaos)
    learning_rates: dict[str, float] = field(default_factory=dict)
    #: points per axis for a plotted grid: enough to resolve the function's wiggles
    grid_points: int = 60

    def value(self, xy: Any, xp: Any = np) -> Any:
        """f at every point of ``xy`` (last axis = (x, y)); ``xp`` is numpy or torch."""
        return self.value_fn(xy[..., 0], xy[..., 1], xp)

    def gap(self, xy: np.ndarray) -> np.ndarray:
        r""":math:`f(x, y) - f^\star`, the distance to the lowest value (what the log-scale plot shows)."""
        return self.value(xy) - self.min_value

    def gradient(self, xy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        r""":math:`\nabla f` at every point of ``xy``, same shape as ``xy`` (into ``out`` if given)."""
        gx, gy = self.gradient_fn(xy[..., 0], xy[..., 1])
        if out is None:
            out = np.empty(np.shape(xy))
        out[..., 0] = gx
        out[..., 1] = gy
        return out


# --- the functions ---------------------------------------------------------------------------------------


def _rosenbrock(x, y, xp):
    # f = (1 - x)^2 + 100 (y - x^2)^2
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    inner = y - x * x
    # df/dx = -2 (1 - x) - 400 x (y - x^2),  df/dy = 200 (y - x^2)
    return -2 * (1 - x) - 400 * x * inner, 200 * inner


def _beale(x, y, xp):
    # f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x, y):
    # in place on few temporaries: with a handful of runs, each numpy call and allocation costs more
    # than its arithmetic, and this gradient runs once per step
    y2 = y * y
    # t1 = y - 1,  t2 = y^2 - 1,  t3 = y^3 - 1
    t1 = y - 1.0
    t2 = y2 - 1.0
    t3 = y2 * y
    t3 -= 1.0
    # a = 1.5 + x t1,  b = 2.25 + x t2,  c = 2.625 + x t3
    a = x * t1
    a += 1.5
    b = x * t2
    b += 2.25
    c = x * t3
    c += 2.625
    # df/dx = 2 (a t1 + b t2 + c t3)
    gx = a * t1
    t2 *= b
    gx += t2
    t3 *= c
    gx += t3
    gx *= 2.0
    # df/dy = 2x (a + 2b y + 3c y^2) = 2x (a + y (2b + 3y c))
    c *= 3.0
    c *= y
    b *= 2.0
    b += c
    b *= y
    b += a
    b *= x
    b *= 2.0
    return gx, b


def _himmelblau(x, y, xp):
    # f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_grad(x, y):
    a = x * x + y - 11
    b = x + y * y - 7
    # df/dx = 4x a + 2b,  df/dy = 2a + 4y b
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _saddle(x, y, xp):
    # f = x^2 / 2 + y^4 / 4 - y^2 / 2   (saddle at the origin, minima at (0, +-1))
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2


def _saddle_grad(x, y):
    # df/dx = x,  df/dy = y^3 - y
    return 1.0 * x, y * y * y - y


_QUAD_KAPPA = 25.0
_QUAD_COS, _QUAD_SIN = math.cos(math.pi / 6), math.sin(math.pi / 6)
_QUAD_CENTRE = (1.0, 1.0)


def _quadratic(x, y, xp):
    # u = (x - 1) cos(phi) + (y - 1) sin(phi),  v = -(x - 1) sin(phi) + (y - 1) cos(phi)
    # f = (u^2 + kappa v^2) / 2
    dx, dy = x - _QUAD_CENTRE[0], y - _QUAD_CENTRE[1]
    u = _QUAD_COS * dx + _QUAD_SIN * dy
    v = -_QUAD_SIN * dx + _QUAD_COS * dy
    return 0.5 * (u**2 + _QUAD_KAPPA * v**2)


def _quadratic_grad(x, y):
    dx, dy = x - _QUAD_CENTRE[0], y - _QUAD_CENTRE[1]
    u = _QUAD_COS * dx + _QUAD_SIN * dy
    kv = _QUAD_KAPPA * (-_QUAD_SIN * dx + _QUAD_COS * dy)
    # grad = R^T (u, kappa v)
    return _QUAD_COS * u - _QUAD_SIN * kv, _QUAD_SIN * u + _QUAD_COS * kv


_RASTRIGIN_A = 10.0
_TWO_PI = 2 * math.pi


def _rastrigin(x, y, xp):
    # f = 2A + x^2 - A cos(2 pi x) + y^2 - A cos(2 pi y)
    a = _RASTRIGIN_A
    return 2 * a + x**2 - a * xp.cos(_TWO_PI * x) + y**2 - a * xp.cos(_TWO_PI * y)


def _rastrigin_grad(x, y):
    c = _RASTRIGIN_A * _TWO_PI
    # df/dx = 2x + 2 pi A sin(2 pi x), likewise for y
    return 2 * x + c * np.sin(_TWO_PI * x), 2 * y + c * np.sin(_TWO_PI * y)


SURFACES: dict[str, Surface] = {
    s.key: s
    for s in [
        Surface(
            "rosenbrock",
            r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
            _rosenbrock,
            _rosenbrock_grad,
            minima=((1.0, 1.0),),
            min_value=0.0,
            start=(-1.5, 2.0),
            x_range=(-2.0, 2.0),
            y_range=(-1.0, 3.0),
            learning_rates={
                "SGD": 0.001,
                "Adagrad": 0.5,
                "Adadelta": 1.0,
                "RMSprop": 0.005,
                "Adam": 0.1,
                "NAdam": 0.05,
                "AdamW": 0.1,
            },
        ),
        Surface(
            "beale",
            r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            _beale,
            _beale_grad,
            minima=((3.0, 0.5),),
            min_value=0.0,
            start=(1.0, 1.5),
            x_range=(-4.5, 4.5),
            y_range=(-4.5, 4.5),
            learning_rates={
                "SGD": 0.01,
                "Adagrad": 0.5,
                "Adadelta": 1.0,
                "RMSprop": 0.01,
                "Adam": 0.1,
                "NAdam": 0.1,
                "AdamW": 0.1,
            },
        ),
        Surface(
            "himmelblau",
            r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            _himmelblau,
            _himmelblau_grad,
            minima=(
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.2831859912861696),
                (3.5844283403304917, -1.8481265269644036),
            ),
            min_value=0.0,
            start=(-0.3, -0.8),
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            learning_rates={
                "SGD": 0.003,
                "Adagrad": 0.3,
                "Adadelta": 1.0,
                "RMSprop": 0.01,
                "Adam": 0.1,
                "NAdam": 0.05,
                "AdamW": 0.1,
            },
        ),
        Surface(
            "saddle",
            r"f(x, y) = \tfrac12 x^2 + \tfrac14 y^4 - \tfrac12 y^2",
            _saddle,
            _saddle_grad,
            minima=((0.0, 1.0), (0.0, -1.0)),
            min_value=-0.25,
            start=(1.8, 0.001),
            x_range=(-2.0, 2.0),
            y_range=(-1.6, 1.6),
            learning_rates={
                "SGD": 0.02,
                "Adagrad": 0.1,
                "Adadelta": 1.0,
                "RMSprop": 0.005,
                "Adam": 0.01,
                "NAdam": 0.01,
                "AdamW": 0.01,
            },
        ),
        Surface(
            "quadratic",
            r"f = \tfrac12\,(u^2 + 25\,v^2),\ \ u = (x-1)\cos 30^\circ + (y-1) \sin 30^\circ,"
            r"\ \ v = -(x-1) \sin 30^\circ + (y-1) \cos 30^\circ",
            _quadratic,
            _quadratic_grad,
            minima=((1.0, 1.0),),
            min_value=0.0,
            start=(-2.0, 2.5),
            x_range=(-3.0, 3.0),
            y_range=(-3.0, 3.0),
            learning_rates={
                "SGD": 0.02,
                "Adagrad": 0.5,
                "Adadelta": 1.0,
                "RMSprop": 0.01,
                "Adam": 0.1,
                "NAdam": 0.1,
                "AdamW": 0.1,
            },
        ),
        Surface(
            "rastrigin",
            r"f(x, y) = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
            _rastrigin,
            _rastrigin_grad,
            minima=((0.0, 0.0),),
            min_value=0.0,
            start=(-3.2, 2.6),
            x_range=(-5.12, 5.12),
            y_range=(-5.12, 5.12),
            grid_points=100,
            learning_rates={
                "SGD": 0.002,
                "Adagrad": 1.0,
                "Adadelta": 1.0,
                "RMSprop": 0.1,
                "Adam": 0.1,
                "NAdam": 0.1,
                "AdamW": 0.1,
            },
        ),
    ]
}


def grid_values(surface: Surface, n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An ``n x n`` grid over the plot range: ``(xs, ys, gap)`` with ``gap[j, i] = f(xs[i], ys[j]) - f*``."""
    if n < 2:
        raise ValueError(f"n must be at least 2 to draw a grid, got {n}.")
    xs = np.linspace(*surface.x_range, n)
    ys = np.linspace(*surface.y_range, n)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, surface.gap(np.stack([xx, yy], axis=-1))


# --- the runner ------------------------------------------------------------------------------------------


@dataclass
class Trajectories:
    """Where each run was after each step.

    ``positions[t, r]`` is run ``r`` after ``t`` steps (``t = 0`` is the start), ``gap[t, r]`` is
    :math:`f - f^\\star` there; after a run diverges both are NaN.
    """

    positions: np.ndarray  # (steps + 1, runs, 2)
    gap: np.ndarray  # (steps + 1, runs)
    names: list[str]
    #: with ``record_states=True``: the optimizer states after each step, and the optimizers
    states: list[dict[str, np.ndarray]] | None = None
    optimizers: BatchedOptimizers | None = None

    @property
    def diverged(self) -> np.ndarray:
        """True for each run whose last position is not finite."""
        return ~np.isfinite(self.gap[-1])


def run_trajectories(
    surface: Surface,
    specs: Sequence[RunSpec],
    steps: int,
    start: tuple[float, float] | None = None,
    *,
    record_states: bool = False,
) -> Trajectories:
    r"""Run every spec for ``steps`` steps from ``start`` (default: the surface's start point).

    All runs are stacked into one ``(runs, 2)`` array ``X``; each step evaluates
    :math:`\nabla f(X)` once and :class:`~core.optimizers.BatchedOptimizers` updates every row in place.
    A run whose position leaves :math:`[-10^4, 10^4]^2` or becomes NaN is reported as diverged: its
    positions and gaps are NaN from that step on. ``record_states`` keeps every step's optimizer
    state (for replaying steps through torch.optim, see :mod:`core.optimizers`).
    """
    if not specs:
        raise ValueError("No optimizer runs given: choose at least one optimizer.")
    check_whole("steps", steps, low=1)
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    if x0.shape != (2,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be two finite numbers (x, y), got {start!r}.")

    runs = len(specs)
    x = np.tile(x0, (runs, 1))
    optimizers = BatchedOptimizers(x, specs, steps)
    positions = np.empty((steps + 1, runs, 2))
    positions[0] = x
    grad = np.empty_like(x)
    states = [optimizers.snapshot()] if record_states else None
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            optimizers.step(surface.gradient(x, out=grad))
            positions[t] = x
            if states is not None:
                states.append(optimizers.snapshot())
        gap = surface.gap(positions)
    # from the first step outside the box, a run is NaN
    outside = ~(np.abs(positions) <= DIVERGENCE_BOUND).all(axis=2) | ~np.isfinite(gap)
    first_bad = np.where(outside.any(axis=0), outside.argmax(axis=0), steps + 1)
    mask = np.arange(steps + 1)[:, None] >= first_bad[None, :]
    positions[mask] = np.nan
    gap[mask] = np.nan
    names = [spec.name for spec in specs]
    return Trajectories(positions, gap, names, states, optimizers if record_states else None)


def decimate_indices(n: int, max_points: int = 2_000) -> np.ndarray:
    """At most ``max_points`` indices from ``range(n)``, evenly spread, always keeping the first and last."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
