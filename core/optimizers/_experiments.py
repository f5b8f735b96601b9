r"""The optimizers page's experiments: the notes' formulas run beside torch.optim's, and what they show.

- :func:`momentum_forms`: the notes' EMA momentum :math:`m_t = \beta m_{t-1} + (1-\beta) g_t`,
  :math:`w_{t+1} = w_t - \alpha m_t` is torch's ``SGD(lr=alpha*(1-beta), momentum=beta)``; torch's
  ``dampening=beta`` is the same recursion from the second step on, but starts its buffer at
  :math:`g_1` instead of :math:`(1-\beta) g_1`.
- :func:`nesterov_forms`: classical look-ahead Nesterov and torch's reformulation (the same points
  after :math:`\phi = \theta + \mu v`), and how far off the notes' look-ahead point is.
- :func:`adam_bias_correction`: Adam with and without bias correction.
- :func:`effective_learning_rates`: AdaGrad's vanishing effective learning rate, RMSprop's for contrast.
- :func:`adam_counterexample`: Reddi et al. (2018)'s problem where Adam converges to the worst point
  and AMSGrad to the best.
- :func:`weight_decay_forms`: Adam with L2 vs AdamW, where they differ.
- :func:`tune_learning_rates`: a fair comparison, every optimizer with its best learning rate.
- :func:`logistic_regression`: our optimizers training a real model on scikit-learn's bundled
  breast-cancer data.

Everything here is numpy; the torch runs use :mod:`core.optimizers`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core._validation import check_number, check_whole
from core.budget import check_budget
from core.datasets import load as load_dataset
from core.datasets import stratified_split
from core.errors import InputError
from core.lazy import LazyModule
from core.optimizers._algorithms import OPTIMIZERS, Adam
from core.optimizers._batched import RunSpec, full_hyperparameters
from core.optimizers._surfaces import Surface, run_trajectories
from core.optimizers._torch_reference import (
    compare_paths,
    divergence_step,
    load_state,
    replay_check,
    replay_path,
    torch_optimizer,
    torch_trajectory,
)

torch = LazyModule("torch")  # imported when first used (core/lazy.py)
_scipy_optimize = LazyModule("scipy.optimize")

__all__ = [
    "FRAMEWORK",
    "LEARNING_RATE_GRID",
    "SETTLED_DISTANCE",
    "AdamStepSizes",
    "adam_bias_correction",
    "adam_counterexample",
    "adam_step_sizes",
    "effective_learning_rates",
    "logistic_regression",
    "momentum_forms",
    "nesterov_forms",
    "tune_learning_rates",
    "weight_decay_forms",
]

Gradient = Callable[[np.ndarray], np.ndarray]

#: the notes' framework, one row per optimizer: first moment m_t, second moment V_t, step eta_t
#: (w_{t+1} = w_t - eta_t); torch's forms, with torch's symbols (gamma = lr), except Adagrad's lr_decay,
#: written kappa here because eta_t is the step; Adadelta's Delta_t is its update before the factor gamma.
FRAMEWORK: dict[str, tuple[str, str, str]] = {
    "SGD": (
        r"b_t = \mu b_{t-1} + (1-\tau) g_t,\ b_1 = g_1;\ m_t = b_t \text{ or } g_t + \mu b_t",
        r"1",
        r"\gamma\, m_t",
    ),
    "Adagrad": (
        r"g_t",
        r"V_0 + \sum_{i \le t} g_i^2",
        r"\dfrac{\gamma}{1 + (t-1)\kappa}\,\dfrac{g_t}{\sqrt{V_t} + \epsilon}",
    ),
    "Adadelta": (
        r"g_t",
        r"v_t = \rho v_{t-1} + (1-\rho) g_t^2",
        r"\gamma\,\Delta_t,\ \Delta_t = \dfrac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t,\ "
        r"u_t = \rho u_{t-1} + (1-\rho)\,\Delta_t^2",
    ),
    "RMSprop": (
        r"g_t \ (\text{momentum: } b_t = \mu b_{t-1} + g_t/(\sqrt{\tilde v_t} + \epsilon))",
        r"\tilde v_t = v_t \text{ or } v_t - \bar g_t^2,\ v_t = \alpha v_{t-1} + (1-\alpha) g_t^2",
        r"\gamma\, \dfrac{g_t}{\sqrt{\tilde v_t} + \epsilon} \ \text{or}\ \gamma\, b_t",
    ),
    "Adam": (
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2\ (\text{AMSGrad: } \max_{i\le t} v_i)",
        r"\gamma\, \dfrac{m_t / (1-\beta_1^t)}{\sqrt{v_t / (1-\beta_2^t)} + \epsilon}",
    ),
    "NAdam": (
        r"m_t' = \dfrac{\mu_{t+1} m_t}{1 - \prod_{i \le t+1} \mu_i}"
        r" + \dfrac{(1-\mu_t)\, g_t}{1 - \prod_{i \le t} \mu_i}",
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2",
        r"\gamma\, \dfrac{m_t'}{\sqrt{v_t / (1-\beta_2^t)} + \epsilon},\ "
        r"\mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi})",
    ),
    "AdamW": (
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
        r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2",
        r"\gamma\, \dfrac{m_t / (1-\beta_1^t)}{\sqrt{v_t / (1-\beta_2^t)} + \epsilon} + \gamma \lambda w_t",
    ),
}


def _surface_gradient(surface: Surface) -> Callable[[np.ndarray, int], np.ndarray]:
    return lambda x, _t: surface.gradient(x)


# --- momentum: the notes' EMA vs torch ------------------------------------------------------------------


def ema_momentum_path(
    gradient: Gradient,
    start: np.ndarray,
    alpha: float,
    beta: float,
    steps: int,
    moments: np.ndarray | None = None,
) -> np.ndarray:
    r"""The notes' SGD with momentum, literally: positions after 0..steps steps.

    .. math:: m_t = \beta m_{t-1} + (1 - \beta) g_t, \quad w_{t+1} = w_t - \alpha m_t, \quad m_0 = 0

    ``moments`` (optional, shape ``(steps + 1, *start.shape)``) receives :math:`m_t` after each step.
    """
    w = np.array(start, dtype=float)
    m = np.zeros_like(w)
    out = np.empty((steps + 1, *w.shape))
    out[0] = w
    if moments is not None:
        moments[0] = m
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            # m_t = beta m_{t-1} + (1 - beta) g_t
            m = beta * m + (1 - beta) * gradient(w)
            # w_{t+1} = w_t - alpha m_t
            w = w - alpha * m
            out[t] = w
            if moments is not None:
                moments[t] = m
    return out


@dataclass
class MomentumForms:
    notes: np.ndarray  # the notes' EMA momentum, (steps + 1, 2)
    torch_scaled: np.ndarray  # torch SGD(lr=alpha (1 - beta), momentum=beta)
    torch_dampened: np.ndarray  # torch SGD(lr=alpha, momentum=beta, dampening=beta)
    scaled_diff: float  # torch SGD replayed from the notes' points and buffers: max |diff| (replay_path)
    checked: int  # steps replayed
    dampened_diff: float  # max |notes - torch_dampened| over the first dampened_compared steps
    dampened_compared: int  # steps compared: all, or those before one of the two runs diverged
    first_step_ratio: float  # |first step of torch_dampened| / |first step of notes| = 1 / (1 - beta)
    diverged: dict[str, int | None]  # first step each run left DIVERGENCE_BOUND (None: never)


def momentum_forms(
    surface: Surface, alpha: float, beta: float, steps: int, start: Sequence[float] | None = None
) -> MomentumForms:
    r"""Run the notes' EMA momentum and torch's two candidate forms of it on ``surface``.

    torch's buffer is a sum, :math:`b_t = \beta b_{t-1} + g_t` (with :math:`b_1 = g_1`), so
    :math:`m_t = (1 - \beta) b_t` and :math:`\alpha m_t = \alpha (1-\beta) b_t`: the same points as
    ``SGD(lr=alpha*(1-beta), momentum=beta)``, up to rounding. With ``dampening=beta`` torch's buffer is
    the EMA from the second step on, but :math:`b_1 = g_1` (not :math:`(1-\beta) g_1`), so its first
    step is :math:`1/(1-\beta)` times the notes' and the paths separate from there.

    Runs that diverge are compared only up to the step before they do
    (:func:`core.optimizers.compare_paths`); ``diverged`` says where each one did.
    """
    check_number("alpha", alpha, low=0.0, low_open=True)
    check_number("beta", beta, low=0.0, high=1.0, high_open=True)  # a decay rate
    check_whole("steps", steps, low=1)
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    moments = np.empty((steps + 1, *x0.shape))
    notes = ema_momentum_path(surface.gradient, x0, alpha, beta, steps, moments=moments)
    grad = _surface_gradient(surface)
    scaled = torch_trajectory(RunSpec("SGD", {"lr": alpha * (1 - beta), "momentum": beta}), x0, grad, steps)
    dampened = torch_trajectory(
        RunSpec("SGD", {"lr": alpha, "momentum": beta, "dampening": beta}), x0, grad, steps
    )
    notes_first = np.linalg.norm(notes[1] - notes[0])
    ratio = (
        float(np.linalg.norm(dampened[1] - dampened[0]) / notes_first) if notes_first > 0 else float("nan")
    )
    # the check: torch's SGD replayed from the notes' points, its buffer b_t = m_t / (1 - beta)
    spec = RunSpec("SGD", {"lr": alpha * (1 - beta), "momentum": beta})
    states = [None] + [{"momentum_buffer": m / (1 - beta)} if beta > 0 else None for m in moments[1:]]
    check, checked = replay_path(spec, notes, states, surface.gradient)
    same, apart = compare_paths(notes, scaled), compare_paths(notes, dampened)
    diverged = {
        "notes_ema": same.diverged_a,
        "torch_scaled": same.diverged_b,
        "torch_dampened": apart.diverged_b,
    }
    return MomentumForms(
        notes,
        scaled,
        dampened,
        check,
        checked,
        apart.max_abs_diff,
        apart.compared_steps,
        ratio,
        diverged,
    )


# --- Nesterov --------------------------------------------------------------------------------------------


def classical_nesterov_path(
    gradient: Gradient, start: np.ndarray, lr: float, mu: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Sutskever et al. (2013)'s look-ahead Nesterov momentum: (positions, velocities), 0..steps.

    .. math::
        v_{t+1} = \mu v_t - \epsilon \nabla f(\theta_t + \mu v_t), \quad \theta_{t+1} = \theta_t + v_{t+1}
    """
    theta = np.array(start, dtype=float)
    v = np.zeros_like(theta)
    thetas, vs = np.empty((steps + 1, *theta.shape)), np.empty((steps + 1, *theta.shape))
    thetas[0], vs[0] = theta, v
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            # v_{t+1} = mu v_t - lr grad f(theta_t + mu v_t)
            v = mu * v - lr * gradient(theta + mu * v)
            # theta_{t+1} = theta_t + v_{t+1}
            theta = theta + v
            thetas[t], vs[t] = theta, v
    return thetas, vs


def notes_nesterov_path(
    gradient: Gradient, start: np.ndarray, alpha: float, beta: float, steps: int, lookahead: float = 1.0
) -> np.ndarray:
    r"""The notes' Nesterov: the EMA momentum with the gradient taken at a look-ahead point.

    .. math:: g_t = \nabla f(w_t - c\,\alpha m_{t-1}), \quad m_t = \beta m_{t-1} + (1-\beta) g_t,
        \quad w_{t+1} = w_t - \alpha m_t

    The notes write :math:`c = 1`; the step's momentum part is :math:`\alpha\beta m_{t-1}`, so the
    point the step will actually reach by momentum alone is at :math:`c = \beta`.
    """
    w = np.array(start, dtype=float)
    m = np.zeros_like(w)
    out = np.empty((steps + 1, *w.shape))
    out[0] = w
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            # g_t = grad f(w_t - c alpha m_{t-1})
            g = gradient(w - lookahead * alpha * m)
            # m_t = beta m_{t-1} + (1 - beta) g_t ;  w_{t+1} = w_t - alpha m_t
            m = beta * m + (1 - beta) * g
            w = w - alpha * m
            out[t] = w
    return out


@dataclass
class NesterovForms:
    classical: np.ndarray  # theta_t of the look-ahead form (lr = alpha (1 - beta), mu = beta)
    lookahead_points: np.ndarray  # phi_t = theta_t + mu v_t
    torch: np.ndarray  # torch SGD(nesterov=True) parameters
    change_of_variable_diff: float  # torch replayed from phi_t and buffer -v_t / lr: max |diff|
    checked: int  # steps replayed
    notes: np.ndarray  # the notes' look-ahead (c = 1)
    corrected: np.ndarray  # look-ahead at c = beta (equal to the classical form)
    notes_vs_corrected: float  # max |notes - corrected| over the first notes_compared steps
    notes_compared: int  # steps compared: all, or those before one of the two runs diverged
    overshoot: float  # the notes look 1/beta times as far ahead as the step goes (1/beta - 1 too far)
    gap_notes: float  # f - f* at the end
    gap_corrected: float
    diverged: dict[str, int | None]  # first step each run left DIVERGENCE_BOUND (None: never)


def nesterov_forms(
    surface: Surface, alpha: float, beta: float, steps: int, start: Sequence[float] | None = None
) -> NesterovForms:
    r"""Classical Nesterov vs torch's reformulation vs the notes' look-ahead, on ``surface``.

    torch's ``SGD(nesterov=True, lr, momentum=mu)`` keeps :math:`\phi_t = \theta_t + \mu v_t`, the
    look-ahead point itself, as its parameter: :math:`b_t = \mu b_{t-1} + \nabla f(\phi_{t-1})`,
    :math:`\phi_t = \phi_{t-1} - \gamma (\nabla f(\phi_{t-1}) + \mu b_t)`. Written with the notes'
    :math:`\alpha, \beta` (lr :math:`= \alpha(1-\beta)`), the right look-ahead is
    :math:`w_t - \alpha\beta m_{t-1}`; the notes use :math:`w_t - \alpha m_{t-1}`.
    """
    check_number("alpha", alpha, low=0.0, low_open=True)
    check_number("beta", beta, low=0.0, high=1.0, high_open=True)  # a decay rate
    if beta == 0:
        raise InputError(
            "optimizers.nesterov_beta_zero",
            "beta must be above 0 for Nesterov momentum (torch requires a momentum).",
        )
    check_whole("steps", steps, low=1)
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    lr, mu = alpha * (1 - beta), beta
    thetas, vs = classical_nesterov_path(surface.gradient, x0, lr, mu, steps)
    phi = thetas + mu * vs
    torch_path = torch_trajectory(
        RunSpec("SGD", {"lr": lr, "momentum": mu, "nesterov": True}), x0, _surface_gradient(surface), steps
    )
    notes = notes_nesterov_path(surface.gradient, x0, alpha, beta, steps, lookahead=1.0)
    corrected = notes_nesterov_path(surface.gradient, x0, alpha, beta, steps, lookahead=beta)
    with np.errstate(all="ignore"):
        # f - f* at the end; NaN for a run that diverged
        gap_notes, gap_corrected = (
            float(surface.gap(p[-1])) if divergence_step(p) is None else float("nan")
            for p in (notes, corrected)
        )
    # the check: torch replayed from phi_t with its buffer b_t = -v_t / lr
    spec = RunSpec("SGD", {"lr": lr, "momentum": mu, "nesterov": True})
    states = [None] + [{"momentum_buffer": -v / lr} for v in vs[1:]]
    check, checked = replay_path(spec, phi, states, surface.gradient)
    same, apart = compare_paths(torch_path, phi), compare_paths(notes, corrected)
    diverged = {
        "classical": same.diverged_b,
        "torch_nesterov": same.diverged_a,
        "notes_lookahead": apart.diverged_a,
        "corrected_lookahead": apart.diverged_b,
    }
    return NesterovForms(
        thetas,
        phi,
        torch_path,
        check,
        checked,
        notes,
        corrected,
        apart.max_abs_diff,
        apart.compared_steps,
        1 / beta - 1,
        gap_notes,
        gap_corrected,
        diverged,
    )


# --- Adam's bias correction ------------------------------------------------------------------------------


def adam_path(
    gradient: Gradient,
    start: np.ndarray,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    steps: int,
    bias_correction: bool = True,
    moments: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    r"""The notes' Adam, literally, with or without bias correction: positions after 0..steps steps.

    .. math:: m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\
        \hat m_t = \frac{m_t}{1-\beta_1^t},\ \hat v_t = \frac{v_t}{1-\beta_2^t},\
        w_{t+1} = w_t - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Without bias correction :math:`\hat m_t = m_t` and :math:`\hat v_t = v_t`. ``moments``
    (optional, two arrays of shape ``(steps + 1, *start.shape)``) receive :math:`m_t` and :math:`v_t`.
    """
    beta1, beta2 = betas
    w = np.array(start, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    out = np.empty((steps + 1, *w.shape))
    out[0] = w
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = gradient(w)
            # m_t = beta1 m_{t-1} + (1 - beta1) g_t ;  v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            if bias_correction:
                # m_hat = m_t / (1 - beta1^t) ;  v_hat = v_t / (1 - beta2^t)
                m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            else:
                m_hat, v_hat = m, v
            # w_{t+1} = w_t - alpha m_hat / (sqrt(v_hat) + eps)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
            out[t] = w
            if moments is not None:
                moments[0][t], moments[1][t] = m, v
    return out


@dataclass
class BiasCorrection:
    corrected: np.ndarray  # the notes' Adam with bias correction, (steps + 1, 2)
    uncorrected: np.ndarray
    torch: np.ndarray  # torch.optim.Adam
    corrected_vs_torch: float  # torch's Adam replayed from the notes' points and moments: max |diff|
    checked: int  # steps replayed
    step_ratio: np.ndarray  # (1 - beta1^t) / sqrt(1 - beta2^t), t = 1..steps
    step_lengths: np.ndarray  # (steps, 2): |w_{t+1} - w_t| with and without correction
    diverged: dict[str, int | None]  # first step each run left DIVERGENCE_BOUND (None: never)


def adam_bias_correction(
    surface: Surface,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    steps: int,
    start: Sequence[float] | None = None,
) -> BiasCorrection:
    r"""Adam with and without bias correction on ``surface``, and torch.optim.Adam beside them.

    For the same :math:`m_t, v_t` (and :math:`\epsilon` negligible) the uncorrected step is
    :math:`(1-\beta_1^t)/\sqrt{1-\beta_2^t}` times the corrected one: with the defaults
    :math:`0.1/\sqrt{0.001} \approx 3.2` at :math:`t = 1`, about 6.5 near :math:`t = 10`, and still
    above 1 after a thousand steps, because :math:`v_t` warms up much more slowly than :math:`m_t`.
    """
    check_number("lr", lr, low=0.0, low_open=True)
    check_number("beta1", betas[0], low=0.0, high=1.0, high_open=True)  # a decay rate
    check_number("beta2", betas[1], low=0.0, high=1.0, high_open=True)  # a decay rate
    check_whole("steps", steps, low=1)
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    moments = (np.zeros((steps + 1, *x0.shape)), np.zeros((steps + 1, *x0.shape)))
    corrected = adam_path(surface.gradient, x0, lr, betas, eps, steps, bias_correction=True, moments=moments)
    uncorrected = adam_path(surface.gradient, x0, lr, betas, eps, steps, bias_correction=False)
    spec = RunSpec("Adam", {"lr": lr, "betas": tuple(betas), "eps": eps})
    torch_path = torch_trajectory(spec, x0, _surface_gradient(surface), steps)
    t = np.arange(1, steps + 1)
    ratio = (1 - betas[0] ** t) / np.sqrt(1 - betas[1] ** t)
    lengths = np.column_stack([np.linalg.norm(np.diff(p, axis=0), axis=1) for p in (corrected, uncorrected)])
    # the check: torch's Adam replayed from the notes' points and moments
    states = [None] + [
        {"step": t, "exp_avg": m, "exp_avg_sq": v}
        for t, (m, v) in enumerate(zip(moments[0][1:], moments[1][1:], strict=True), start=1)
    ]
    check, checked = replay_path(spec, corrected, states, surface.gradient)
    diverged = {"corrected": divergence_step(corrected), "uncorrected": divergence_step(uncorrected)}
    return BiasCorrection(corrected, uncorrected, torch_path, check, checked, ratio, lengths, diverged)


# --- Adam's step: about alpha, whatever the gradient's scale --------------------------------------------


@dataclass
class AdamStepSizes:
    path: np.ndarray  # Adam on f, (steps + 1, 2)
    scaled_path: np.ndarray  # Adam on scale * f (every gradient multiplied by scale)
    step_over_lr: np.ndarray  # (steps,): max_i |w_{t+1,i} - w_{t,i}| / lr on f
    scaled_step_over_lr: np.ndarray  # the same on scale * f
    path_diff: float  # max |path - scaled_path| over the steps before either diverged
    compared: int  # steps compared
    bound: float  # (1 - beta1) / sqrt(1 - beta2): Kingma & Ba's bound on |step| / lr (when above 1)
    sparse_step_over_lr: float  # |step| / lr for a gradient of 1 after sparse_zeros zero gradients
    sparse_zeros: int
    torch_diff: float  # torch.optim.Adam replayed from our points and moments on f: max |diff|
    checked: int
    diverged: dict[str, int | None]


def adam_step_sizes(
    surface: Surface,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    scale: float,
    steps: int,
    start: Sequence[float] | None = None,
    sparse_zeros: int = 3000,
) -> AdamStepSizes:
    r"""Adam (bias-corrected, torch's update) on ``surface`` and on ``scale`` times it: each step's size
    against the learning rate, and how far the two paths differ.

    Multiplying every gradient by :math:`c > 0` multiplies :math:`\hat m_t` and :math:`\sqrt{\hat v_t}`
    by :math:`c`, so only :math:`\epsilon` tells the two runs apart. Each step is about
    :math:`\alpha` or less; Kingma & Ba's bound is :math:`\alpha (1-\beta_1)/\sqrt{1-\beta_2}` when
    that exceeds :math:`\alpha`, reached by a gradient of 1 after ``sparse_zeros`` zero gradients (the
    sparse case), computed here on a one-coordinate sequence.
    """
    check_number("lr", lr, low=0.0, low_open=True)
    check_number("beta1", betas[0], low=0.0, high=1.0, high_open=True)  # a decay rate
    check_number("beta2", betas[1], low=0.0, high=1.0, high_open=True)  # a decay rate
    check_number("scale", scale, low=0.0, low_open=True)
    check_whole("steps", steps, low=1)
    check_budget("steps", "elements", 2 * 2 * steps)  # two paths kept, two coordinates a step
    x0 = np.asarray(surface.start if start is None else start, dtype=float)
    moments = (np.zeros((steps + 1, *x0.shape)), np.zeros((steps + 1, *x0.shape)))
    path = adam_path(surface.gradient, x0, lr, betas, eps, steps, moments=moments)
    scaled = adam_path(lambda w: scale * surface.gradient(w), x0, lr, betas, eps, steps)
    with np.errstate(all="ignore"):
        step_over_lr = np.abs(np.diff(path, axis=0)).max(axis=1) / lr
        scaled_step_over_lr = np.abs(np.diff(scaled, axis=0)).max(axis=1) / lr
    diverged = {"notes_adam": divergence_step(path), "scaled": divergence_step(scaled)}
    ends = [d for d in diverged.values() if d is not None]
    compared = min(ends) - 1 if ends else steps
    path_diff = float(np.abs(path[: compared + 1] - scaled[: compared + 1]).max()) if compared >= 0 else 0.0
    # the sparse case: one gradient of 1, then sparse_zeros zeros, then 1 again
    sequence = np.zeros(sparse_zeros + 2)
    sequence[0] = sequence[-1] = 1.0
    given = iter(sequence)
    sparse = adam_path(lambda w: np.full_like(w, next(given)), np.zeros(1), lr, betas, eps, sparse_zeros + 2)
    spec = RunSpec("Adam", {"lr": lr, "betas": tuple(betas), "eps": eps})
    states = [None] + [
        {"step": t, "exp_avg": m, "exp_avg_sq": v}
        for t, (m, v) in enumerate(zip(moments[0][1:], moments[1][1:], strict=True), start=1)
    ]
    check, checked = replay_path(spec, path, states, surface.gradient)
    return AdamStepSizes(
        path,
        scaled,
        step_over_lr,
        scaled_step_over_lr,
        path_diff,
        max(compared, 0),
        (1 - betas[0]) / math.sqrt(1 - betas[1]),
        float(abs(sparse[-1, 0] - sparse[-2, 0]) / lr),
        sparse_zeros,
        check,
        checked,
        diverged,
    )


# --- AdaGrad's vanishing learning rate -------------------------------------------------------------------


@dataclass
class EffectiveRates:
    rates: np.ndarray  # (steps, runs, 2): the effective learning rate per step, run and coordinate
    torch_diff: np.ndarray  # per run: max |ours - torch.optim| over the replayed steps
    checked: int  # steps replayed through torch.optim per run


def effective_learning_rates(
    surface: Surface, specs: Sequence[RunSpec], steps: int, start: Sequence[float] | None = None
) -> EffectiveRates:
    r"""The per-coordinate effective learning rate of Adagrad / RMSprop / Adadelta runs, step by step.

    Adagrad: :math:`\gamma_t / (\sqrt{V_t} + \epsilon)` with :math:`V_t = V_0 + \sum g_i^2` (it can
    only shrink); RMSprop: :math:`\gamma / (\sqrt{v_t} + \epsilon)` with an average that forgets;
    Adadelta: :math:`\gamma \sqrt{u_{t-1} + \epsilon} / \sqrt{v_t + \epsilon}`, where its second
    average :math:`u` (of squared updates) replaces a learning rate (Zeiler 2012; torch keeps the factor
    :math:`\gamma`, 1 by default).
    ``rates`` has shape ``(steps, runs, 2)``; the runs are checked against torch.optim by
    :func:`core.optimizers.replay_check` (our parameters and state, one torch step, same point).
    """
    for spec in specs:
        if spec.optimizer not in ("Adagrad", "RMSprop", "Adadelta") or full_hyperparameters(
            spec.optimizer, spec.hyperparameters
        ).get("centered"):
            raise ValueError(
                f"effective_learning_rates takes Adagrad and uncentred RMSprop runs, got {spec.optimizer} "
                "(Adadelta runs are taken too)."
            )
    result = run_trajectories(surface, specs, steps, start, record_states=True)
    v = np.stack([s["v"] for s in result.states[1:]]).reshape(steps, len(specs), 2)
    u_before = np.stack([s["u"] for s in result.states[:-1]]).reshape(steps, len(specs), 2)
    rates = np.empty_like(v)
    t = np.arange(1, steps + 1)
    for r, spec in enumerate(specs):
        h = full_hyperparameters(spec.optimizer, spec.hyperparameters)
        if spec.optimizer == "Adadelta":
            # Delta_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t, times lr
            rates[:, r] = h["lr"] * np.sqrt(u_before[:, r] + h["eps"]) / np.sqrt(v[:, r] + h["eps"])
            continue
        lr = (
            h["lr"] / (1 + (t - 1) * h["lr_decay"])
            if spec.optimizer == "Adagrad"
            else np.full(steps, h["lr"])
        )
        rates[:, r] = lr[:, None] / (np.sqrt(v[:, r]) + h["eps"])
    worst, checked = replay_check(surface, result, max_checks=100)
    return EffectiveRates(rates, worst, checked)


# --- Adam's non-convergence (Reddi, Kale & Kumar 2018) ---------------------------------------------------


@dataclass
class Counterexample:
    adam: np.ndarray  # x_t, t = 0..steps
    amsgrad: np.ndarray
    adam_regret: float  # average regret against x* = -1 over the run
    amsgrad_regret: float
    torch_diff: float  # max |ours - torch.optim| over both runs


def counterexample_gradient(c: float) -> Callable[[np.ndarray, int], np.ndarray]:
    r"""Reddi et al.'s online problem: :math:`f_t(x) = C x` when :math:`t \bmod 3 = 1`, else :math:`-x`."""
    return lambda x, t: np.full_like(x, c if t % 3 == 1 else -1.0)


def adam_counterexample(c: float = 3.0, lr: float = 0.02, steps: int = 1500) -> Counterexample:
    r"""Adam vs AMSGrad on Reddi et al. (2018)'s problem, with :math:`x \in [-1, 1]`.

    The losses :math:`f_t(x) = C x` (every third step) and :math:`-x` (otherwise) sum to
    :math:`(C - 2) x` per three steps, so for :math:`C > 2` the best point is :math:`x^\star = -1`.
    With :math:`\beta_1 = 0`, :math:`\beta_2 = 1/(1 + C^2)` (their Theorem 1) Adam's second moment
    forgets the rare large gradient within a step, so each :math:`-1` gradient gets a full-size step
    towards :math:`+1` and the one big gradient a damped one: Adam drifts to :math:`x = +1`, the worst
    point. AMSGrad keeps the largest :math:`v` and goes to :math:`-1`. After each step, :math:`x` is
    clipped to :math:`[-1, 1]` (the projection of the paper).
    """
    if not (np.isfinite(c) and c > 2):
        raise InputError(
            "optimizers.counterexample_c",
            f"C must be a number above 2 (then x = -1 is the best point), got {c}.",
            got=repr(c),
        )
    check_number("lr", lr, low=0.0, low_open=True)
    check_whole("steps", steps, low=1)
    check_budget("steps", "elements", steps)  # the path kept, one coordinate a step
    betas = (0.0, 1.0 / (1.0 + c * c))
    grad = counterexample_gradient(c)
    paths, regrets, diffs = [], [], []
    t = np.arange(1, steps + 1)
    weights = np.where(t % 3 == 1, c, -1.0)
    for amsgrad in (False, True):
        x = np.zeros(1)
        opt = Adam([x], lr=lr, betas=betas, amsgrad=amsgrad)
        path = np.empty(steps + 1)
        path[0] = 0.0
        for step in range(1, steps + 1):
            opt.step([grad(x, step)])
            # projection onto [-1, 1]
            np.clip(x, -1.0, 1.0, out=x)
            path[step] = x[0]
        paths.append(path)
        # regret: sum_t f_t(x_t) - f_t(x*), x_t the point the loss f_t is charged at
        regrets.append(float(np.mean(weights * (path[:-1] - (-1.0)))))
        spec = RunSpec("Adam", {"lr": lr, "betas": betas, "amsgrad": amsgrad})
        ref = torch_trajectory(spec, np.zeros(1), grad, steps, project=lambda p: p.clamp_(-1.0, 1.0))
        diffs.append(float(np.max(np.abs(ref[:, 0] - path))))
    return Counterexample(paths[0], paths[1], regrets[0], regrets[1], max(diffs))


# --- Adam + L2 vs AdamW ----------------------------------------------------------------------------------


#: Adam + L2 counts as settled at the minimum of f + lambda/2 |w|^2 when it ends closer than this to it
SETTLED_DISTANCE = 1e-2


@dataclass
class WeightDecayForms:
    adam_l2: np.ndarray  # torch.optim.Adam(weight_decay) path, via our engine
    adamw: np.ndarray
    l2_minimum: np.ndarray  # argmin f + lambda/2 |w|^2 found by scipy from Adam+L2's end (NaN if it diverged)
    adam_l2_to_minimum: float  # |end of Adam+L2 - l2_minimum|
    adamw_to_minimum: float
    adam_l2_spread: float  # how much each still moves over the last 10% of steps
    adamw_spread: float
    adam_l2_gradient: float  # |grad (f + lambda/2 |w|^2)| at the end of Adam+L2
    adamw_gradient: float  # the same at the end of AdamW
    adam_l2_settled: bool  # Adam+L2 ends within SETTLED_DISTANCE of l2_minimum
    diverged: dict[str, int | None]  # first step each run left DIVERGENCE_BOUND (None: never)
    torch_diff: float  # max |ours - torch.optim| over the replayed steps of both runs
    checked: int  # steps replayed per run


def weight_decay_forms(
    surface: Surface, lr: float, weight_decay: float, steps: int, start: Sequence[float] | None = None
) -> WeightDecayForms:
    r"""Adam with L2 weight decay vs AdamW with the same :math:`\lambda`, on ``surface``.

    Adam's ``weight_decay`` adds :math:`\lambda w` to the gradient, so a run that settles settles at
    a stationary point of :math:`F(w) = f(w) + \tfrac{\lambda}{2}\lVert w \rVert^2`. The reference
    point is the minimum of :math:`F` that scipy's BFGS reaches from where Adam + L2 ended (on a
    surface with many minima, such as Rastrigin, the one next to that run, not the surface's global
    minimum). Whether Adam + L2 really settled there is measured, not assumed: its distance to the point
    (``adam_l2_settled`` if below :data:`SETTLED_DISTANCE`), :math:`\lVert \nabla F \rVert` at its end,
    and how much it still moves. AdamW shrinks :math:`w` by :math:`\gamma\lambda w` outside the
    adaptive normalisation: it is not minimising :math:`F`, and ends elsewhere. For plain SGD the two
    forms are the same update. Both runs are replayed through torch.optim
    (:func:`core.optimizers.replay_check`).
    """
    check_number("lr", lr, low=0.0, low_open=True)
    if not (np.isfinite(weight_decay) and weight_decay > 0):
        raise InputError(
            "optimizers.weight_decay_positive",
            f"weight_decay must be a positive number, got {weight_decay}.",
            got=repr(weight_decay),
        )
    check_whole("steps", steps, low=1)
    check_budget("steps", "elements", 3 * 2 * steps)  # three paths kept, two coordinates a step
    specs = [
        RunSpec("Adam", {"lr": lr, "weight_decay": weight_decay}),
        RunSpec("AdamW", {"lr": lr, "weight_decay": weight_decay}),
    ]
    result = run_trajectories(surface, specs, steps, start, record_states=True)
    worst, checked = replay_check(surface, result, max_checks=100)
    adam_l2, adamw = result.positions[:, 0], result.positions[:, 1]
    diverged = {"adam_l2": divergence_step(adam_l2), "adamw": divergence_step(adamw)}

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        # F(w) = f(w) + lambda/2 |w|^2,  grad F = grad f(w) + lambda w
        return (
            float(surface.value(w)) + 0.5 * weight_decay * float(w @ w),
            surface.gradient(w) + weight_decay * w,
        )

    with np.errstate(all="ignore"):
        if diverged["adam_l2"] is None:
            l2_min = _scipy_optimize.minimize(
                objective, adam_l2[-1], jac=True, method="BFGS", options={"gtol": 1e-12}
            ).x
        else:
            l2_min = np.full(2, np.nan)
        tail = max(1, steps // 10)
        spreads = [float(np.max(np.ptp(p[-tail:], axis=0))) for p in (adam_l2, adamw)]
        dists = [float(np.linalg.norm(p[-1] - l2_min)) for p in (adam_l2, adamw)]
        grads = [float(np.linalg.norm(objective(p[-1])[1])) for p in (adam_l2, adamw)]
    return WeightDecayForms(
        adam_l2,
        adamw,
        l2_min,
        dists[0],
        dists[1],
        spreads[0],
        spreads[1],
        grads[0],
        grads[1],
        bool(dists[0] < SETTLED_DISTANCE),
        diverged,
        float(worst.max()),
        checked,
    )


# --- fair comparison -------------------------------------------------------------------------------------

#: learning rates tried for every optimizer: 1e-4 ... 10, four per decade
LEARNING_RATE_GRID = np.logspace(-4, 1, 21)


@dataclass
class Tuning:
    optimizers: list[str]  # one per spec
    grid: np.ndarray  # learning rates tried
    scores: np.ndarray  # (optimizers, grid): mean f - f* over the last 10% of steps (inf: diverged)
    best_lr: np.ndarray  # per optimizer
    best_score: np.ndarray
    at_edge: np.ndarray  # True if the best lr is the smallest or largest tried


def tune_learning_rates(
    surface: Surface,
    specs: Sequence[RunSpec],
    steps: int,
    start: Sequence[float] | None = None,
    grid: np.ndarray = LEARNING_RATE_GRID,
) -> Tuning:
    r"""Give every optimizer the same budget and the learning rate that serves it best.

    Each spec (its other hyperparameters kept) runs ``steps`` steps with every learning rate of
    ``grid``, all in one batched run. The score of a run is the mean of :math:`f - f^\star` over its
    last 10% of steps (a run that diverged scores infinity); each optimizer keeps its best-scoring
    learning rate.
    """
    if not specs:
        raise ValueError("No optimizers to tune: choose at least one.")
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid) & (grid > 0)):
        raise ValueError("grid must be a list of positive learning rates.")
    runs = [
        RunSpec(spec.optimizer, {**spec.hyperparameters, "lr": float(lr)}, spec.name)
        for spec in specs
        for lr in grid
    ]
    result = run_trajectories(surface, runs, steps, start)
    tail = max(1, steps // 10)
    with np.errstate(all="ignore"):
        scores = result.gap[-tail:].mean(axis=0).reshape(len(specs), grid.size)
    scores = np.where(np.isfinite(scores), scores, np.inf)
    best = np.argmin(scores, axis=1)
    return Tuning(
        [s.name for s in specs],
        grid,
        scores,
        grid[best],
        scores[np.arange(len(specs)), best],
        (best == 0) | (best == grid.size - 1),
    )


# --- a real model ----------------------------------------------------------------------------------------


@dataclass
class LogisticResult:
    names: list[str]
    train_loss: np.ndarray  # (runs, epochs + 1): the objective, cross-entropy + l2/2 |w|^2
    test_loss: np.ndarray  # (runs, epochs + 1): plain mean cross-entropy on the test set
    test_accuracy: np.ndarray  # (runs,) after the last epoch
    reference_train_loss: float  # the objective's minimum (scikit-learn's LogisticRegression)
    torch_diff: float  # max |weights - torch.optim's weights| over all steps and runs
    steps: int


def _load_breast_cancer(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_dataset("breast_cancer")
    x_train, x_test, y_train, y_test = stratified_split(x, y, 0.3, seed)
    # standardise with the training set's mean and standard deviation
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std, y_train.astype(float), y_test.astype(float)


def _logistic_loss(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, l2: float) -> float:
    # mean log(1 + exp(-s z)) with s = 2y - 1, z = x w + b, computed stably; plus l2/2 |w|^2
    z = x @ w + b[0]
    return float(np.mean(np.logaddexp(0.0, -(2 * y - 1) * z)) + 0.5 * l2 * (w @ w))


def _weight_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| over the entries finite in both; infinite if an entry is finite in one and not the other.

    Two runs that both overflowed at the same entries (NaN / inf in both) agree there: that is a run that
    diverged the same way in both implementations, not a mismatch.
    """
    fa, fb = np.isfinite(a), np.isfinite(b)
    infinite = np.isinf(a) & np.isinf(b)
    # a mismatch: finite in one run only, NaN in one only, or infinities of opposite sign
    if np.any(fa != fb) or np.any(np.isnan(a) != np.isnan(b)) or np.any(a[infinite] != b[infinite]):
        return float("inf")
    both = fa & fb
    return float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0


def _logistic_grads(
    w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, l2: float
) -> list[np.ndarray]:
    # p = sigmoid(x w + b);  dL/dw = x^T (p - y) / n + l2 w;  dL/db = mean(p - y)
    p = 0.5 * (1.0 + np.tanh(0.5 * (x @ w + b[0])))
    r = (p - y) / len(y)
    return [x.T @ r + l2 * w, np.array([r.sum()])]


def logistic_regression(
    specs: Sequence[RunSpec],
    epochs: int = 30,
    batch_size: int = 32,
    l2: float = 1e-3,
    seed: int = 0,
    check_with_torch: bool = True,
) -> LogisticResult:
    r"""Train :math:`p(y=1 \mid x) = \sigma(x^\top w + b)` on the breast-cancer data with each optimizer.

    Objective: mean cross-entropy :math:`+ \tfrac{\lambda}{2}\lVert w \rVert^2` (``l2``); 70/30
    stratified split, features standardised on the training part; mini-batches of ``batch_size`` in
    one shuffled order per epoch, the same for every optimizer; parameters ``[w (30,), b (1,)]``
    start at zero. After every epoch we record the training loss (the objective, penalty included)
    and the test loss (the plain mean cross-entropy: the penalty is not a loss on data). The reference is
    the objective's minimum found by scikit-learn's ``LogisticRegression(C = 1 / (l2 n))``, which
    minimises the same function. With ``check_with_torch``, torch.optim runs on the same
    mini-batches, and ``torch_diff`` is the largest difference of the weights over all steps; a
    weight that is a number in one run and not in the other (NaN or infinite) counts as an infinite
    difference, so a mismatch cannot hide behind a NaN.
    """
    if not specs:
        raise ValueError("No optimizers to train with: choose at least one.")
    check_whole("epochs", epochs, low=1)
    check_whole("batch_size", batch_size, low=1)
    if not (np.isfinite(l2) and l2 > 0):
        raise ValueError(f"l2 must be a positive number, got {l2}.")
    from sklearn.linear_model import LogisticRegression

    x_train, x_test, y_train, y_test = _load_breast_cancer(seed)
    n, d = x_train.shape
    # the work asked for, before any of it: every optimizer's d + 1 parameters updated at every step
    steps_per_epoch = max(1, int(np.ceil(n / batch_size)))
    check_budget("epochs", "step_parameters", epochs * steps_per_epoch * len(specs) * (d + 1))
    if check_with_torch:  # torch.optim replays every step: its per-step cost, not the parameters, counts
        check_budget("epochs", "optimizer_steps", epochs * steps_per_epoch * len(specs))
    rng = np.random.default_rng(seed)
    batches = [
        np.array_split(perm, max(1, int(np.ceil(n / batch_size))))
        for perm in (rng.permutation(n) for _ in range(epochs))
    ]
    train, test = np.empty((len(specs), epochs + 1)), np.empty((len(specs), epochs + 1))
    accuracy = np.empty(len(specs))
    worst = 0.0
    for r, spec in enumerate(specs):
        params = [np.zeros(d), np.zeros(1)]
        opt = OPTIMIZERS[spec.optimizer](params, **spec.hyperparameters)
        if check_with_torch:
            tparams = [
                torch.zeros(d, dtype=torch.float64, requires_grad=True),
                torch.zeros(1, dtype=torch.float64),
            ]
            tparams[1].requires_grad_(True)
            topt = torch_optimizer(spec.optimizer, tparams, spec.hyperparameters)
        train[r, 0] = _logistic_loss(*params, x_train, y_train, l2)
        test[r, 0] = _logistic_loss(*params, x_test, y_test, 0.0)
        with np.errstate(all="ignore"):
            for epoch, epoch_batches in enumerate(batches, start=1):
                for idx in epoch_batches:
                    xb, yb = x_train[idx], y_train[idx]
                    grads = _logistic_grads(*params, xb, yb, l2)
                    if check_with_torch:  # our weights and state before the step
                        before = [p.copy() for p in params]
                        states = [opt.torch_state(i) for i in range(len(params))]
                    opt.step(grads)
                    if check_with_torch:
                        # torch replays the same step from our weights and state, so on an unstable path
                        # (large lr) rounding differences are not amplified step after step
                        for p, w, state, g in zip(tparams, before, states, grads, strict=True):
                            with torch.no_grad():
                                p.copy_(torch.from_numpy(w))
                            if state is not None:
                                load_state(topt, p, state)
                            p.grad = torch.from_numpy(g)
                        topt.step()
                        diff = max(
                            _weight_difference(p.detach().numpy(), q)
                            for p, q in zip(tparams, params, strict=True)
                        )
                        worst = max(worst, diff)
                train[r, epoch] = _logistic_loss(*params, x_train, y_train, l2)
                test[r, epoch] = _logistic_loss(*params, x_test, y_test, 0.0)
            accuracy[r] = float(np.mean(((x_test @ params[0] + params[1][0]) > 0) == (y_test > 0.5)))
    model = LogisticRegression(C=1.0 / (l2 * n), tol=1e-12, max_iter=10_000).fit(x_train, y_train)
    reference = _logistic_loss(model.coef_[0], model.intercept_, x_train, y_train, l2)
    return LogisticResult(
        [s.name for s in specs], train, test, accuracy, reference, worst, sum(len(b) for b in batches)
    )
