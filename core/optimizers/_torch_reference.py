"""The same runs through torch.optim: what the page's live checks and the benchmark compare against.

Two ways to compare a run with torch:

- **free-running**: torch.optim runs on its own from the same start with the same gradient function
  (:func:`torch_trajectory`). On a smooth, stable path the two agree to rounding. On a path that
  oscillates or wanders chaotically (RMSprop bouncing around a minimum, Rastrigin) differences of one
  rounding error (torch uses fused multiply-add, numpy does not) grow exponentially, so the distance
  between the runs measures the chaos, not the algorithm.
- **replayed** (:func:`replay_check`): at each checked step torch.optim starts from *our* parameters and
  *our* optimizer state (moment estimates, step count), takes one step with the same gradient, and
  we compare where it lands with where we landed. That is "step for step" literally, and it does
  not depend on how chaotic the path is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.lazy import LazyModule
from core.optimizers._batched import RunSpec, full_hyperparameters
from core.optimizers._surfaces import DIVERGENCE_BOUND, Surface, Trajectories

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

__all__ = [
    "DIVERGENCE_BOUND",
    "PathComparison",
    "compare_paths",
    "divergence_step",
    "load_state",
    "replay_check",
    "replay_path",
    "torch_optimizer",
    "torch_trajectory",
]

# a run counts as diverged from the first step where a coordinate is not a number or larger than
# DIVERGENCE_BOUND (1e4) in size: the same bound as core.optimizers.run_trajectories


def divergence_step(path: np.ndarray, bound: float = DIVERGENCE_BOUND) -> int | None:
    r"""The first step :math:`t` with :math:`\lVert x_t \rVert_\infty > ` ``bound`` or a non-finite
    coordinate, for ``path`` of shape ``(steps + 1, ...)``; ``None`` if the run never gets there."""
    flat = np.asarray(path, dtype=float).reshape(len(path), -1)
    with np.errstate(invalid="ignore"):
        # bounded_t = all coordinates finite and |x_t,i| <= bound
        bounded = np.all(np.isfinite(flat) & (np.abs(flat) <= bound), axis=1)
    bad = np.flatnonzero(~bounded)
    return int(bad[0]) if bad.size else None


@dataclass(frozen=True)
class PathComparison:
    """Two runs compared over the steps where both stay bounded (see :func:`compare_paths`)."""

    max_abs_diff: float  # max |a_t - b_t| over the compared steps (NaN if none)
    compared_steps: int  # the positions after 0..compared_steps steps were compared
    diverged_a: int | None  # first step where a left the bound (None: never)
    diverged_b: int | None

    @property
    def check(self) -> float:
        """The figure for a live check: ``max_abs_diff``, or infinity if only one of the runs diverged
        (then they are not the same run, whatever their common stretch shows)."""
        if (self.diverged_a is None) != (self.diverged_b is None):
            return float("inf")
        return self.max_abs_diff


def compare_paths(a: np.ndarray, b: np.ndarray, bound: float = DIVERGENCE_BOUND) -> PathComparison:
    r"""Largest :math:`|a_t - b_t|` over the steps before either run diverges.

    Once a run explodes, its coordinates grow like :math:`10^{100}` within a few steps, and a rounding
    difference of one part in :math:`10^{16}` between two forms of the same method becomes an absolute
    difference of :math:`10^{84}`: a comparison there measures the size of the numbers, not whether the
    methods agree. So both runs are compared only while both stay within ``bound``
    (:data:`DIVERGENCE_BOUND`), and the steps where each diverged are reported.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"The two paths must have the same shape, got {a.shape} and {b.shape}.")
    div_a, div_b = divergence_step(a, bound), divergence_step(b, bound)
    # compare t = 0 .. min(divergence steps) - 1
    n = min(len(a) if d is None else d for d in (div_a, div_b))
    diff = float(np.max(np.abs(a[:n] - b[:n]))) if n > 0 else float("nan")
    return PathComparison(diff, max(n - 1, 0), div_a, div_b)


def torch_optimizer(name: str, params: Sequence[torch.Tensor], hyperparameters: Mapping[str, Any]):
    """``torch.optim.<name>(params, **hyperparameters)``, with NAdam's running product of momenta in float64.

    torch keeps NAdam's ``mu_product`` in the default dtype (float32 unless changed globally); we set
    the initial state ourselves, in float64, instead of changing torch's global default dtype.
    """
    hyper = full_hyperparameters(name, hyperparameters)
    opt = getattr(torch.optim, name)(list(params), **hyper)
    if name == "NAdam":
        for p in params:
            opt.state[p] = {
                "step": torch.tensor(0.0),
                "mu_product": torch.tensor(1.0, dtype=torch.float64),
                "exp_avg": torch.zeros_like(p),
                "exp_avg_sq": torch.zeros_like(p),
            }
    return opt


def load_state(opt: torch.optim.Optimizer, param: torch.Tensor, state: Mapping[str, Any]) -> None:
    """Replace ``param``'s state in ``opt`` by ``state`` (torch names, numpy arrays or numbers)."""
    loaded: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key == "step":
            loaded[key] = torch.tensor(float(value))
        elif key == "mu_product":
            loaded[key] = torch.tensor(float(value), dtype=torch.float64)
        else:
            loaded[key] = torch.from_numpy(np.array(value, dtype=np.float64))
    opt.state[param] = loaded


def torch_trajectory(
    spec: RunSpec,
    start: np.ndarray,
    gradient: Callable[[np.ndarray, int], np.ndarray],
    steps: int,
    project: Callable[[torch.Tensor], None] | None = None,
) -> np.ndarray:
    """Free-running torch.optim run: the positions after 0..steps steps, shape ``(steps + 1, *start.shape)``.

    ``gradient(x, t)`` gives the gradient at ``x`` for step ``t`` (1-based); ``project`` (optional)
    modifies the parameter in place after each step (e.g. clipping to an interval).
    """
    p = torch.tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    opt = torch_optimizer(spec.optimizer, [p], spec.hyperparameters)
    out = np.empty((steps + 1, *p.shape))
    out[0] = start
    for t in range(1, steps + 1):
        with np.errstate(all="ignore"):  # a diverging run overflows; it shows as inf / NaN
            grad = np.asarray(gradient(p.detach().numpy(), t), dtype=np.float64)
        p.grad = torch.from_numpy(grad)
        opt.step()
        if project is not None:
            with torch.no_grad():
                project(p)
        out[t] = p.detach().numpy()
    return out


def _checked_steps(steps: int, max_checks: int) -> np.ndarray:
    """All steps 0..steps-1 if few; else the first 50 and the rest evenly spread (``max_checks`` in all)."""
    if steps <= max_checks:
        return np.arange(steps)
    head = np.arange(min(50, max_checks))
    rest = np.linspace(head[-1] + 1, steps - 1, max_checks - len(head)).round().astype(int)
    return np.unique(np.concatenate([head, rest]))


def replay_check(
    surface: Surface, trajectories: Trajectories, max_checks: int = 300
) -> tuple[np.ndarray, int]:
    r"""Replay steps of every run through torch.optim from our state; the largest difference per run.

    ``trajectories`` must come from :func:`core.optimizers.run_trajectories` with ``record_states=True``.
    For each checked step :math:`t` of run :math:`r`: load our :math:`\theta_t` and optimizer state into a
    fresh ``torch.optim`` optimizer, give it :math:`\nabla f(\theta_t)`, step, and measure
    :math:`\max |\theta^{torch}_{t+1} - \theta_{t+1}|`. Steps from the one where a run diverged on
    (:func:`divergence_step`: a coordinate beyond :data:`DIVERGENCE_BOUND` or not a number) are skipped:
    on numbers of size :math:`10^{100}` one rounding error is an absolute difference of :math:`10^{84}`.

    Returns ``(max_abs_diff per run, number of steps checked per run)``.
    """
    if trajectories.states is None or trajectories.optimizers is None:
        raise ValueError("replay_check needs trajectories run with record_states=True.")
    batch = trajectories.optimizers
    steps = trajectories.positions.shape[0] - 1
    checked = _checked_steps(steps, max_checks)
    worst = np.zeros(len(batch.specs))
    for r, spec in enumerate(batch.specs):
        p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        opt = torch_optimizer(spec.optimizer, [p], spec.hyperparameters)
        for t in checked:
            here, there = trajectories.positions[t, r], trajectories.positions[t + 1, r]
            if divergence_step(np.stack([here, there])) is not None:
                break
            with torch.no_grad():
                p.copy_(torch.from_numpy(here))
            load_state(opt, p, batch.torch_state(r, trajectories.states[t], step=int(t)))
            p.grad = torch.from_numpy(surface.gradient(here))
            opt.step()
            worst[r] = max(worst[r], float(np.max(np.abs(p.detach().numpy() - there))))
    return worst, len(checked)


def replay_path(
    spec: RunSpec,
    positions: np.ndarray,
    states: Sequence[Mapping[str, Any] | None],
    gradient: Callable[[np.ndarray], np.ndarray],
    max_checks: int = 300,
) -> tuple[float, int]:
    r"""Replay a path computed some other way (e.g. the notes' formula) through torch.optim, step by step.

    ``positions[t]`` is the point after ``t`` steps and ``states[t]`` the matching torch.optim state of
    ``spec``'s optimizer (torch's names; ``None``: a fresh optimizer, as before the first step). For each
    checked step, torch.optim starts from ``positions[t]`` with ``states[t]``, steps with
    ``gradient(positions[t])``, and must land on ``positions[t + 1]``. Unlike two free-running paths,
    this does not amplify rounding on chaotic paths. Steps from the one where the path diverged on are
    skipped. Returns ``(max |diff|, number of steps checked)``.
    """
    positions = np.asarray(positions, dtype=float)
    steps = len(positions) - 1
    end = divergence_step(positions)
    usable = steps if end is None else max(0, end - 1)
    checked = _checked_steps(usable, max_checks) if usable > 0 else np.arange(0)
    worst = 0.0
    p = torch.zeros(positions.shape[1:], dtype=torch.float64, requires_grad=True)
    for t in checked:
        opt = torch_optimizer(spec.optimizer, [p], spec.hyperparameters)
        with torch.no_grad():
            p.copy_(torch.from_numpy(positions[t]))
        if states[t] is not None:
            load_state(opt, p, states[t])
        p.grad = torch.from_numpy(np.asarray(gradient(positions[t]), dtype=np.float64))
        opt.step()
        worst = max(worst, float(np.max(np.abs(p.detach().numpy() - positions[t + 1]))))
    return worst, len(checked)
