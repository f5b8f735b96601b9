r"""Batch, stochastic and mini-batch gradient descent on the page's real model (logistic regression on
the bundled breast-cancer data), and their check against ``torch.optim.SGD`` over a ``DataLoader``.

- :func:`batch_size_runs`: plain SGD (no momentum) with the same learning rate and the same number of
  epochs for every batch size, from 1 (stochastic) to the whole training set (batch); the training loss
  after every update, and the spread of every step's mini-batch gradient around the full gradient at the
  same weights.
- :func:`gradient_spread`: the mean squared deviation of a mini-batch gradient from the full gradient at
  fixed weights, from the formula of sampling without replacement and measured by drawing batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core._validation import check_number, check_whole
from core.budget import check_budget
from core.errors import InputError
from core.lazy import LazyModule
from core.optimizers._algorithms import SGD
from core.optimizers._batched import RunSpec
from core.optimizers._experiments import _load_breast_cancer, _logistic_loss, _weight_difference

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

__all__ = [
    "BatchSizeRuns",
    "GradientSpread",
    "NoisyRavine",
    "batch_size_runs",
    "gradient_spread",
    "noisy_ravine",
    "sample_gradients",
]


def sample_gradients(w: np.ndarray, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Every sample's gradient of its cross-entropy, ``(n, d + 1)`` (weights, then bias).

    .. math:: g_i = (\sigma(x_i^\top w + b) - y_i)\,(x_i, 1)
    """
    p = 0.5 * (1.0 + np.tanh(0.5 * (x @ w + b)))
    r = p - y
    return np.column_stack([x * r[:, None], r])


@dataclass
class GradientSpread:
    batch_sizes: list[int]
    n: int  # samples the batches are drawn from
    variance: float  # S^2 = sum_i |g_i - g|^2 / (n - 1), the per-sample gradients' spread
    formula: np.ndarray  # S^2 / b (1 - b / n) per batch size
    measured: np.ndarray  # mean |g_B - g|^2 over ``draws`` batches drawn without replacement
    draws: int


def gradient_spread(
    grads: np.ndarray, batch_sizes: Sequence[int], draws: int, rng: np.random.Generator
) -> GradientSpread:
    r"""The spread of a mini-batch's mean gradient around the full mean gradient.

    For a batch of :math:`b` of the :math:`n` samples drawn without replacement,
    :math:`\mathbb{E}\lVert g_B - g\rVert^2 = \frac{S^2}{b}\left(1 - \frac{b}{n}\right)` with
    :math:`S^2 = \frac{1}{n-1}\sum_i \lVert g_i - g\rVert^2`; ``measured`` draws ``draws`` batches of each
    size from ``rng`` and averages :math:`\lVert g_B - g\rVert^2`.
    """
    n = grads.shape[0]
    if n < 2:
        raise ValueError("gradient_spread needs at least two samples.")
    check_whole("draws", draws, low=1)
    for b in batch_sizes:
        check_whole("batch_size", b, low=1, high=n)
    full = grads.mean(axis=0)
    variance = float(np.sum((grads - full) ** 2) / (n - 1))
    formula = np.array([variance / b * (1 - b / n) for b in batch_sizes])
    measured = np.empty(len(batch_sizes))
    for k, b in enumerate(batch_sizes):
        total = 0.0
        for _ in range(draws):
            idx = rng.choice(n, size=b, replace=False)
            total += float(np.sum((grads[idx].mean(axis=0) - full) ** 2))
        measured[k] = total / draws
    return GradientSpread(list(batch_sizes), n, variance, formula, measured, draws)


@dataclass
class BatchSizeRuns:
    batch_sizes: list[int]
    n_train: int
    epochs: int
    lr: float
    steps: list[np.ndarray]  # per batch size: updates done after each recorded point (0 .. all)
    samples: list[np.ndarray]  # per batch size: samples processed (gradient evaluations) at each point
    train_loss: list[np.ndarray]  # per batch size: the objective after each update (and at the start)
    epoch_loss: np.ndarray  # (batch sizes, epochs + 1): the objective at the end of every epoch
    test_loss: np.ndarray  # (batch sizes,): mean cross-entropy on the test set after the last epoch
    test_accuracy: np.ndarray  # (batch sizes,)
    step_spread: np.ndarray  # (batch sizes,): mean over the run's updates of |g_B - g|^2 at that step
    spread: GradientSpread  # at the weights the full-batch run ends at
    torch_diff: float  # max |our weights - torch.optim.SGD's over a DataLoader| over all updates
    torch_steps: int  # updates compared


def _torch_run(
    x: np.ndarray,
    y: np.ndarray,
    orders: list[np.ndarray],
    batch_size: int,
    lr: float,
    l2: float,
    before: list[np.ndarray],
) -> list[np.ndarray]:
    """torch.optim.SGD over a DataLoader fed our order of samples: the weights (w, b) after every update.

    Each update starts from our weights before it (``before``), so on an unstable path (a large lr with
    batch size 1) rounding differences are not amplified from step to step: every step is compared."""
    data = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=lr)
    out = []
    for order in orders:
        loader = torch.utils.data.DataLoader(data, batch_size=batch_size, sampler=order.tolist())
        for xb, yb in loader:
            with torch.no_grad():
                start = before[len(out)]
                w.copy_(torch.from_numpy(start[:-1]))
                b.copy_(torch.from_numpy(start[-1:]))
            opt.zero_grad()
            z = xb @ w + b
            # binary cross-entropy on the logits, mean over the batch: log(1 + e^z) - y z
            loss = (torch.logaddexp(torch.zeros_like(z), z) - yb * z).mean() + 0.5 * l2 * (w @ w)
            loss.backward()
            opt.step()
            out.append(np.concatenate([w.detach().numpy(), b.detach().numpy()]))
    return out


def batch_size_runs(
    batch_sizes: Sequence[int],
    epochs: int,
    lr: float,
    l2: float = 1e-3,
    seed: int = 0,
    draws: int = 2000,
    progress: Callable[..., None] | None = None,
) -> BatchSizeRuns:
    r"""Plain SGD on the logistic regression with every batch size, for the same epochs and learning rate.

    The model, data, split and objective are :func:`core.optimizers.logistic_regression`'s (mean
    cross-entropy :math:`+ \tfrac{\lambda}{2}\lVert w\rVert^2`, weights from zero). Every epoch visits
    the training samples in one shuffled order (the same for every batch size), cut into consecutive
    batches of ``batch_size`` (the last one shorter), as a ``DataLoader`` does; each update is
    :math:`w \leftarrow w - \text{lr}\, g_B` (:class:`core.optimizers.SGD`). At every update, the full
    gradient at the same weights is computed too, for :math:`\lVert g_B - g\rVert^2`. Then torch.optim.SGD
    runs over a ``DataLoader`` with the same order of samples, every update from our weights before it, and
    ``torch_diff`` is the largest difference of the weights after it, over all updates.
    ``progress(done, total)`` is told after each batch size.
    """
    if not batch_sizes:
        raise ValueError("No batch sizes: choose at least one.")
    check_whole("epochs", epochs, low=1)
    check_number("lr", lr, low=0.0, low_open=True)
    x_train, x_test, y_train, y_test = _load_breast_cancer(seed)
    n, d = x_train.shape
    sizes = []
    for b in batch_sizes:
        check_whole("batch_size", b, low=1)
        sizes.append(min(int(b), n))
    if len(set(sizes)) != len(sizes):
        raise InputError("optimizers.batch_sizes_repeated", "Each batch size may be chosen once.")
    updates = sum(epochs * -(-n // b) for b in sizes)
    check_budget("epochs", "optimizer_steps", updates)  # each update is also replayed in torch
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(n) for _ in range(epochs)]
    steps, samples, losses, step_spread = [], [], [], []
    epoch_loss = np.empty((len(sizes), epochs + 1))
    test_loss, accuracy = np.empty(len(sizes)), np.empty(len(sizes))
    worst, compared = 0.0, 0
    ends = []
    for k, b in enumerate(sizes):
        w, bias = np.zeros(d), np.zeros(1)
        opt = SGD([w, bias], lr=lr)
        loss = [_logistic_loss(w, bias, x_train, y_train, l2)]
        seen, spreads, ours, before = [0], [], [], []
        epoch_loss[k, 0] = loss[0]
        with np.errstate(all="ignore"):
            for epoch, order in enumerate(orders, start=1):
                for start in range(0, n, b):
                    idx = order[start : start + b]
                    per_sample = sample_gradients(w, bias[0], x_train, y_train)
                    full = per_sample.mean(axis=0)
                    batch = per_sample[idx].mean(axis=0)
                    spreads.append(float(np.sum((batch - full) ** 2)))
                    before.append(np.concatenate([w, bias]))
                    # the mini-batch gradient of the objective: mean over the batch + l2 w
                    opt.step([batch[:d] + l2 * w, batch[d:]])
                    ours.append(np.concatenate([w, bias]))
                    loss.append(_logistic_loss(w, bias, x_train, y_train, l2))
                    seen.append(seen[-1] + len(idx))
                epoch_loss[k, epoch] = loss[-1]
        ends.append(np.concatenate([w, bias]))
        test_loss[k] = _logistic_loss(w, bias, x_test, y_test, 0.0)
        accuracy[k] = float(np.mean(((x_test @ w + bias[0]) > 0) == (y_test > 0.5)))
        theirs = _torch_run(x_train, y_train, orders, b, lr, l2, before)
        if len(theirs) != len(ours):
            worst = float("inf")
        else:
            worst = max([worst] + [_weight_difference(a, c) for a, c in zip(ours, theirs, strict=True)])
        compared += len(ours)
        steps.append(np.arange(len(loss)))
        samples.append(np.array(seen))
        losses.append(np.array(loss))
        step_spread.append(float(np.mean(spreads)))
        if progress is not None:
            progress(k + 1, len(sizes))
    # the spread at the weights the largest batch's run ends at
    end = ends[int(np.argmax(sizes))]
    grads = sample_gradients(end[:d], end[d], x_train, y_train)
    spread = gradient_spread(grads, sizes, draws, np.random.default_rng(seed + 1))
    return BatchSizeRuns(
        sizes,
        n,
        epochs,
        lr,
        steps,
        samples,
        losses,
        epoch_loss,
        test_loss,
        accuracy,
        np.array(step_spread),
        spread,
        worst,
        compared,
    )


# --- the notes' ravine with noisy gradients ----------------------------------------------------------------

#: the ravine: the page's quadratic, curvature 1 along the valley (u) and 25 across it (v)
RAVINE = "quadratic"
RAVINE_CURVATURE = 25.0


def _across(path: np.ndarray) -> np.ndarray:
    # v = -(x - 1) sin 30° + (y - 1) cos 30°: the coordinate across the ravine's valley
    return -(path[:, 0] - 1.0) * 0.5 + (path[:, 1] - 1.0) * (3**0.5 / 2)


@dataclass
class NoisyRavine:
    names: list[str]  # "sgd_exact", "sgd_noisy", "momentum_noisy"
    paths: np.ndarray  # (steps + 1, 3, 2)
    across: np.ndarray  # (steps + 1, 3): v, the distance across the valley (signed)
    gap: np.ndarray  # (steps + 1, 3): f - f*
    flips: np.ndarray  # (3,): steps after which v changed sign (the path crossed the valley's floor)
    rms_across: np.ndarray  # (3,): root mean square of v over the second half of the steps
    tail_gap: np.ndarray  # (3,): mean f - f* over the second half of the steps
    sgd_rms_theory: float  # the stationary RMS of v for noisy SGD: lr sigma / sqrt(1 - (1 - lr L)^2)
    torch_diff: float  # max |ours - torch.optim.SGD fed the same noisy gradients|, both noisy runs
    compared: int  # steps compared (before a run diverged, if one did)


def noisy_ravine(
    lr: float, beta: float, noise: float, steps: int, seed: int = 0, start: Sequence[float] | None = None
) -> NoisyRavine:
    r"""SGD and momentum on the ravine (the page's quadratic) with noisy gradients.

    Every step's gradient is the exact one plus :math:`\sigma \varepsilon_t`, :math:`\varepsilon_t` standard
    normal in both coordinates, drawn once from ``numpy.random.default_rng(seed)`` and the same for both
    noisy runs. Plain SGD takes :math:`w \leftarrow w - \text{lr}\, \tilde g_t`; momentum is the notes'
    EMA form :math:`m_t = \beta m_{t-1} + (1-\beta)\tilde g_t`, :math:`w \leftarrow w - \text{lr}\, m_t`
    (torch's ``SGD(lr=lr(1-beta), momentum=beta)``), so both move at the same speed along the valley once
    the average has built up and differ in how much of the noise reaches the step. SGD without noise is
    drawn for reference. Across the valley (curvature :math:`L = 25`) noisy SGD is the recursion
    :math:`v_{t+1} = (1 - \text{lr}L) v_t - \text{lr}\,\sigma\varepsilon_t`, whose stationary root mean
    square is :math:`\text{lr}\,\sigma / \sqrt{1 - (1 - \text{lr}L)^2}`; for lr above :math:`1/L` the
    factor :math:`1 - \text{lr}L` is negative and the path flips sides at nearly every step.
    """
    from core.optimizers._surfaces import SURFACES
    from core.optimizers._torch_reference import compare_paths, torch_trajectory

    check_number("lr", lr, low=0.0, low_open=True)
    check_number("beta", beta, low=0.0, high=1.0, high_open=True)
    check_number("noise", noise, low=0.0)
    check_whole("steps", steps, low=2)
    check_whole("seed", seed, low=0)
    check_budget("steps", "elements", 3 * 2 * steps)
    surface = SURFACES[RAVINE]
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    eps = noise * np.random.default_rng(seed).standard_normal((steps, 2))
    specs = {
        "sgd_exact": ({"lr": lr}, False),
        "sgd_noisy": ({"lr": lr}, True),
        "momentum_noisy": ({"lr": lr * (1 - beta), "momentum": beta}, True),
    }
    paths = np.empty((steps + 1, len(specs), 2))
    worst, compared = 0.0, steps
    for r, (hyper, noisy) in enumerate(specs.values()):
        w = x0.copy()
        opt = SGD([w], **hyper)
        paths[0, r] = w
        with np.errstate(all="ignore"):
            for t in range(1, steps + 1):
                g = surface.gradient(w) + (eps[t - 1] if noisy else 0.0)
                opt.step([g])
                paths[t, r] = w
        if noisy:

            def gradient(x: np.ndarray, t: int) -> np.ndarray:
                return surface.gradient(x) + eps[t - 1]

            theirs = torch_trajectory(RunSpec("SGD", hyper), x0, gradient, steps)
            comparison = compare_paths(paths[:, r], theirs)
            worst = max(worst, comparison.max_abs_diff)
            compared = min(compared, comparison.compared_steps)
    with np.errstate(all="ignore"):
        across = np.stack([_across(paths[:, r]) for r in range(len(specs))], axis=1)
        gap = surface.gap(paths)
        flips = np.sum(across[1:] * across[:-1] < 0, axis=0)
        half = across[steps // 2 :]
        rms = np.sqrt(np.mean(half**2, axis=0))
        tail_gap = gap[steps // 2 :].mean(axis=0)
        factor = 1 - lr * RAVINE_CURVATURE
        theory = lr * noise / np.sqrt(1 - factor**2) if abs(factor) < 1 else float("inf")
    return NoisyRavine(
        list(specs), paths, across, gap, flips, rms, tail_gap, float(theory), float(worst), compared
    )
