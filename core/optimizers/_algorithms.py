r"""SGD, Adagrad, Adadelta, RMSprop, Adam, NAdam, AdamW on numpy arrays, step for step equal to torch.optim.

Every optimizer here fits the notes' one framework: from the gradients :math:`g_1, \dots, g_t` build a
first moment :math:`m_t` and a second moment :math:`V_t`, step by
:math:`\eta_t = \alpha \, m_t / \sqrt{V_t}` and update :math:`w_{t+1} = w_t - \eta_t`.
Each class below states its own :math:`m_t`, :math:`V_t` and step in its docstring, and each line of
its update sits under a comment quoting the formula it computes.

Contract (see DESIGN.md): ``Optimizer(params: list[np.ndarray], **hyperparameters)`` with torch.optim's
argument names and defaults; ``step(grads)`` updates the arrays of ``params`` **in place** and gives the
same numbers as the torch.optim optimizer of the same name, step for step, in float64. The order of
the floating-point operations follows torch's single-tensor CPU code (``torch/optim/*.py``,
torch 2.13), so differences stay at the level of rounding (the tests hold them under 1e-10 relative).

These classes are the readable reference. ``core.optimizers._batched`` runs the same formulas for many
optimizers at once on stacked rows (what the 2-D surfaces need to be fast); the tests hold it to these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from core.errors import InputError

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "NAdam", "Optimizer", "RMSprop"]

Hyper = float


def _check_range(
    message: str, value: float, why: str, name: str, low: float = 0.0, high: float | None = None
) -> None:
    """Raise torch's ValueError ``message`` plus a sentence ``why``, unless ``low <= value`` (``< high``).

    ``high`` is an open bound (betas must be below 1); NaN and infinity are always rejected. The error is
    an :class:`InputError` (``optimizers.hyperparameter_range``) naming the hyperparameter ``name`` and
    its allowed interval, so a page can say it in its own language.
    """
    interval = f"[{low:g}, {high:g})" if high is not None else f"[{low:g}, ∞)"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            "optimizers.hyperparameter_range",
            f"{message}: {value!r} (not a number)",
            name=name,
            got=repr(value),
            interval=interval,
        ) from None
    if not (math.isfinite(number) and number >= low and (high is None or number < high)):
        raise InputError(
            "optimizers.hyperparameter_range",
            f"{message}: {value} ({why})",
            name=name,
            got=repr(value),
            interval=interval,
        )


def _check_nonnegative(message: str, value: float, name: str) -> None:
    _check_range(message, value, f"{name} must be a number >= 0", name)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    r"""``start += weight * (end - start)`` in place, rounded the way ``torch.lerp`` rounds.

    torch computes :math:`s + w (e - s)` for :math:`w < 0.5` and :math:`e - (e - s)(1 - w)` otherwise.
    """
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class Optimizer:
    """What every optimizer here shares: the parameter list, per-parameter state, the step counter.

    Subclasses implement :meth:`_update` for one parameter array; :meth:`step` checks the gradients and
    calls it for each parameter, as torch's single-tensor code loops over a parameter group.
    """

    #: the torch.optim class this one matches, e.g. ``"torch.optim.Adam"``
    reference: ClassVar[str] = ""
    #: whether torch.optim keeps ``state["step"]`` for this optimizer (SGD does not)
    torch_counts_steps: ClassVar[bool] = True

    def __init__(self, params: Sequence[np.ndarray]) -> None:
        params = list(params)
        if not params:
            raise ValueError("params is empty: give the list of numpy arrays the optimizer should update.")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray):
                raise ValueError(f"params[{i}] is a {type(p).__name__}, not a numpy array.")
            if not np.issubdtype(p.dtype, np.floating):
                raise ValueError(
                    f"params[{i}] has dtype {p.dtype}; the optimizer updates arrays in place, "
                    "so they must hold floating-point numbers (use float64 to match torch)."
                )
            if not p.flags.writeable:
                raise ValueError(f"params[{i}] is read-only; the optimizer updates arrays in place.")
        self.params: list[np.ndarray] = params
        #: number of steps taken so far (torch's ``state["step"]``)
        self.step_count = 0
        #: per-parameter state, e.g. ``state[0]["exp_avg"]``, named as in torch
        self.state: list[dict[str, np.ndarray]] = [{} for _ in params]

    def torch_state(self, index: int) -> dict[str, np.ndarray | int] | None:
        """``params[index]``'s state as torch.optim holds it (the same names, copied; ``"step"`` where
        torch counts steps), to load into a torch optimizer; None before the first step, when torch's
        fresh state is the same."""
        if self.step_count == 0:
            return None
        state: dict[str, np.ndarray | int] = {
            name: np.array(v, copy=True) for name, v in self.state[index].items()
        }
        if self.torch_counts_steps:
            state["step"] = self.step_count
        return state

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Take one step with ``grads[i]`` the gradient of the loss with respect to ``params[i]``."""
        if len(grads) != len(self.params):
            raise ValueError(f"Got {len(grads)} gradients for {len(self.params)} parameters.")
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(f"grads[{i}] has shape {np.shape(g)} but params[{i}] has shape {p.shape}.")
        self.step_count += 1
        for p, g, state in zip(self.params, grads, self.state, strict=True):
            self._update(p, np.asarray(g, dtype=p.dtype), state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError


def _check_lr(lr: Hyper) -> None:
    _check_nonnegative("Invalid learning rate", lr, "lr")


def _check_weight_decay(weight_decay: Hyper) -> None:
    _check_nonnegative("Invalid weight_decay value", weight_decay, "weight_decay")


def _check_eps(eps: Hyper) -> None:
    _check_nonnegative("Invalid epsilon value", eps, "eps")


def _check_betas(betas: tuple[Hyper, Hyper]) -> None:
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}.")
    for i, beta in enumerate(betas):
        _check_range(
            f"Invalid beta parameter at index {i}",
            beta,
            "each beta must be in [0, 1)",
            f"betas[{i}]",
            high=1.0,
        )


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay.

    In the notes' framework :math:`V_t = 1`; with momentum :math:`\mu` and dampening :math:`\tau`,

    .. math::
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_1 &\leftarrow g_1, \qquad b_t \leftarrow \mu b_{t-1} + (1 - \tau) g_t \quad (t > 1) \\
        m_t &\leftarrow g_t + \mu b_t \ \text{(nesterov)} \quad \text{else} \quad m_t \leftarrow b_t \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma m_t

    Note the buffer is a *sum* (:math:`\tau = 0`), not the notes' average
    :math:`m_t = \beta m_{t-1} + (1-\beta) g_t`; the two agree when :math:`\gamma = \alpha (1 - \beta)`.
    Without momentum :math:`m_t = g_t`.

    Parameters
    ----------
    params : list of float arrays, updated in place.
    lr : learning rate :math:`\gamma` (default 1e-3).
    momentum : :math:`\mu` (default 0).
    dampening : :math:`\tau` (default 0); torch's first step ignores it (:math:`b_1 = g_1`).
    weight_decay : L2 coefficient :math:`\lambda` (default 0).
    nesterov : use Nesterov momentum (needs momentum > 0 and dampening 0).
    maximize : ascend instead of descend.
    """

    reference = "torch.optim.SGD"
    torch_counts_steps = False

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1e-3,
        momentum: Hyper = 0,
        dampening: Hyper = 0,
        weight_decay: Hyper = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonnegative("Invalid momentum value", momentum, "momentum")
        _check_weight_decay(weight_decay)
        _check_range(
            "Invalid dampening value",
            dampening,
            "dampening must be a finite number",
            "dampening",
            low=-math.inf,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise InputError(
                "optimizers.nesterov_needs_momentum",
                "Nesterov momentum requires a momentum and zero dampening "
                f"(got momentum={momentum}, dampening={dampening}).",
                momentum=repr(momentum),
                dampening=repr(dampening),
            )
        super().__init__(params)
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov, self.maximize = weight_decay, bool(nesterov), bool(maximize)

    def _update(self, p, g, state):
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            # g_t <- g_t + lambda theta_{t-1}
            g = g + self.weight_decay * p
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # b_1 <- g_1   (torch starts the buffer at the first gradient, dampening not applied)
                buf = state["momentum_buffer"] = g.copy()
            else:
                # b_t <- mu b_{t-1} + (1 - tau) g_t
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            # m_t <- g_t + mu b_t (Nesterov)  or  m_t <- b_t
            g = g + self.momentum * buf if self.nesterov else buf
        # theta_t <- theta_{t-1} - gamma m_t
        p -= self.lr * g


class Adagrad(Optimizer):
    r"""AdaGrad: the second moment is the *sum* of all squared gradients.

    .. math::
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        \tilde\gamma_t &\leftarrow \gamma / (1 + (t - 1) \eta) \\
        V_t &\leftarrow V_{t-1} + g_t^2, \qquad V_0 = \text{initial\_accumulator\_value} \\
        \theta_t &\leftarrow \theta_{t-1} - \tilde\gamma_t \, g_t / (\sqrt{V_t} + \epsilon)

    :math:`m_t = g_t`; since :math:`V_t` only grows, the effective learning rate
    :math:`\tilde\gamma_t / (\sqrt{V_t} + \epsilon)` only shrinks (like :math:`1/\sqrt{t}` for a steady
    gradient).

    Parameters
    ----------
    lr : :math:`\gamma` (default 1e-2). lr_decay : :math:`\eta` (default 0).
    weight_decay : :math:`\lambda` (default 0). initial_accumulator_value : :math:`V_0` (default 0).
    eps : :math:`\epsilon`, added *outside* the square root (default 1e-10). maximize : ascend.
    """

    reference = "torch.optim.Adagrad"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1e-2,
        lr_decay: Hyper = 0,
        weight_decay: Hyper = 0,
        initial_accumulator_value: Hyper = 0,
        eps: Hyper = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonnegative("Invalid lr_decay value", lr_decay, "lr_decay")
        _check_weight_decay(weight_decay)
        _check_nonnegative(
            "Invalid initial_accumulator_value value", initial_accumulator_value, "initial_accumulator_value"
        )
        _check_eps(eps)
        super().__init__(params)
        self.lr, self.lr_decay, self.weight_decay = lr, lr_decay, weight_decay
        self.initial_accumulator_value, self.eps = initial_accumulator_value, eps
        self.maximize = bool(maximize)
        for p, state in zip(self.params, self.state, strict=True):
            # V_0 <- initial_accumulator_value
            state["sum"] = np.zeros_like(p) + initial_accumulator_value

    def _update(self, p, g, state):
        t = self.step_count
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            # g_t <- g_t + lambda theta_{t-1}
            g = g + self.weight_decay * p
        # gamma~_t <- gamma / (1 + (t - 1) eta)
        clr = self.lr / (1 + (t - 1) * self.lr_decay)
        # V_t <- V_{t-1} + g_t^2
        state["sum"] += g * g
        # theta_t <- theta_{t-1} - gamma~_t g_t / (sqrt(V_t) + eps)
        std = np.sqrt(state["sum"])
        std += self.eps
        p += (-clr * g) / std


class Adadelta(Optimizer):
    r"""AdaDelta (Zeiler 2012): two running averages, of squared gradients *and* of squared updates.

    .. math::
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &\leftarrow \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta\theta_t &\leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} \, g_t \\
        u_t &\leftarrow \rho u_{t-1} + (1 - \rho) \Delta\theta_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma \Delta\theta_t

    The RMS of past updates :math:`\sqrt{u_{t-1} + \epsilon}` takes the place of a learning rate, which
    is why the paper has none; torch keeps a multiplier :math:`\gamma` (default 1.0, the paper's method).
    This is what separates AdaDelta from RMSprop, which keeps only :math:`v_t`.

    Parameters
    ----------
    lr : :math:`\gamma` (default 1.0). rho : :math:`\rho` (default 0.9).
    eps : :math:`\epsilon`, added *inside* both square roots (default 1e-6).
    weight_decay : :math:`\lambda` (default 0). maximize : ascend.
    """

    reference = "torch.optim.Adadelta"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1.0,
        rho: Hyper = 0.9,
        eps: Hyper = 1e-6,
        weight_decay: Hyper = 0,
        *,
        maximize: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_range("Invalid rho value", rho, "rho must be in [0, 1]", "rho")
        if rho > 1.0:
            raise InputError(
                "optimizers.hyperparameter_range",
                f"Invalid rho value: {rho} (rho must be in [0, 1])",
                name="rho",
                got=repr(rho),
                interval="[0, 1]",
            )
        _check_eps(eps)
        _check_weight_decay(weight_decay)
        super().__init__(params)
        self.lr, self.rho, self.eps, self.weight_decay = lr, rho, eps, weight_decay
        self.maximize = bool(maximize)
        for p, state in zip(self.params, self.state, strict=True):
            state["square_avg"] = np.zeros_like(p)
            state["acc_delta"] = np.zeros_like(p)

    def _update(self, p, g, state):
        rho = self.rho
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            # g_t <- g_t + lambda theta_{t-1}
            g = g + self.weight_decay * p
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        # v_t <- rho v_{t-1} + (1 - rho) g_t^2
        square_avg *= rho
        square_avg += ((1 - rho) * g) * g
        # Delta_t <- sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        delta = np.sqrt(acc_delta + self.eps)
        delta /= np.sqrt(square_avg + self.eps)
        delta *= g
        # u_t <- rho u_{t-1} + (1 - rho) Delta_t^2
        acc_delta *= rho
        acc_delta += ((1 - rho) * delta) * delta
        # theta_t <- theta_{t-1} - gamma Delta_t
        p -= self.lr * delta


class RMSprop(Optimizer):
    r"""RMSprop: the second moment is an exponential moving average of squared gradients.

    .. math::
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        v_t &\leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &\leftarrow \alpha \bar g_{t-1} + (1 - \alpha) g_t, \qquad
            \tilde v_t \leftarrow v_t - \bar g_t^2 \ \text{(centered)} \quad \text{else} \quad
            \tilde v_t \leftarrow v_t \\
        b_t &\leftarrow \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \qquad
            \theta_t \leftarrow \theta_{t-1} - \gamma b_t \ \text{(momentum > 0)} \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon)
            \ \text{(no momentum)}

    ``centered`` divides by an estimate of the standard deviation of the gradient instead of its
    root mean square. There is no bias correction: :math:`v_t` starts at 0.

    Parameters
    ----------
    lr : :math:`\gamma` (default 1e-2). alpha : :math:`\alpha` (default 0.99).
    eps : :math:`\epsilon`, added outside the square root (default 1e-8).
    weight_decay : :math:`\lambda` (default 0). momentum : :math:`\mu` (default 0).
    centered : subtract the squared mean gradient (default False). maximize : ascend.
    """

    reference = "torch.optim.RMSprop"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1e-2,
        alpha: Hyper = 0.99,
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 0,
        momentum: Hyper = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_eps(eps)
        _check_nonnegative("Invalid momentum value", momentum, "momentum")
        _check_weight_decay(weight_decay)
        _check_nonnegative("Invalid alpha value", alpha, "alpha")
        super().__init__(params)
        self.lr, self.alpha, self.eps, self.weight_decay = lr, alpha, eps, weight_decay
        self.momentum, self.centered, self.maximize = momentum, bool(centered), bool(maximize)
        for p, state in zip(self.params, self.state, strict=True):
            state["square_avg"] = np.zeros_like(p)
            if momentum != 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if centered:
                state["grad_avg"] = np.zeros_like(p)

    def _update(self, p, g, state):
        alpha = self.alpha
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            # g_t <- g_t + lambda theta_{t-1}
            g = g + self.weight_decay * p
        square_avg = state["square_avg"]
        # v_t <- alpha v_{t-1} + (1 - alpha) g_t^2
        square_avg *= alpha
        square_avg += ((1 - alpha) * g) * g
        if self.centered:
            grad_avg = state["grad_avg"]
            # gbar_t <- alpha gbar_{t-1} + (1 - alpha) g_t
            _lerp_(grad_avg, g, 1 - alpha)
            # sqrt(v_t - gbar_t^2) + eps
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            # sqrt(v_t) + eps
            avg = np.sqrt(square_avg)
        avg += self.eps
        if self.momentum != 0:
            buf = state["momentum_buffer"]
            # b_t <- mu b_{t-1} + g_t / (sqrt(v~_t) + eps)
            buf *= self.momentum
            buf += g / avg
            # theta_t <- theta_{t-1} - gamma b_t
            p -= self.lr * buf
        else:
            # theta_t <- theta_{t-1} - gamma g_t / (sqrt(v~_t) + eps)
            p += (-self.lr * g) / avg


class Adam(Optimizer):
    r"""Adam: bias-corrected moving averages of the gradient and of the squared gradient.

    .. math::
        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1}
            \quad \text{(or } \theta_{t-1} \leftarrow (1 - \gamma\lambda)\theta_{t-1}
            \text{ if decoupled)} \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad
            v_t^{\max} \leftarrow \max(v_{t-1}^{\max}, v_t) \ \text{(amsgrad)} \\
        \hat m_t &\leftarrow m_t / (1 - \beta_1^t), \qquad \hat v_t \leftarrow v_t / (1 - \beta_2^t) \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma \, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    :math:`v_t` averages :math:`g^2`: it is the *uncentred* second moment :math:`E[g^2]`, not the
    variance :math:`E[g^2] - E[g]^2`. With ``amsgrad`` the denominator uses the running maximum
    :math:`v_t^{\max}` (Reddi et al. 2018), so the effective step never grows back.

    Parameters
    ----------
    lr : :math:`\gamma` (default 1e-3). betas : :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
    eps : :math:`\epsilon`, outside the square root (default 1e-8).
    weight_decay : :math:`\lambda` (default 0), added to the gradient (L2) unless
    ``decoupled_weight_decay``. amsgrad : default False. maximize : ascend.
    decoupled_weight_decay : shrink the weights directly, as AdamW does (default False).
    """

    reference = "torch.optim.Adam"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1e-3,
        betas: tuple[Hyper, Hyper] = (0.9, 0.999),
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_weight_decay(weight_decay)
        super().__init__(params)
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.amsgrad, self.maximize = bool(amsgrad), bool(maximize)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        for p, state in zip(self.params, self.state, strict=True):
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(p)

    def _update(self, p, g, state):
        t = self.step_count
        beta1, beta2 = self.betas
        lr = self.lr
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                # theta_{t-1} <- (1 - gamma lambda) theta_{t-1}
                p *= 1 - lr * self.weight_decay
            else:
                # g_t <- g_t + lambda theta_{t-1}
                g = g + self.weight_decay * p
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        # m_t <- beta1 m_{t-1} + (1 - beta1) g_t
        _lerp_(exp_avg, g, 1 - beta1)
        # v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
        exp_avg_sq *= beta2
        exp_avg_sq += ((1 - beta2) * g) * g
        # bias corrections 1 - beta1^t and sqrt(1 - beta2^t)
        bias_correction1 = 1 - beta1**t
        bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        step_size = lr / bias_correction1
        if self.amsgrad:
            # v_t^max <- max(v_{t-1}^max, v_t)
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            second = state["max_exp_avg_sq"]
        else:
            second = exp_avg_sq
        # sqrt(v_hat_t) + eps = sqrt(v_t) / sqrt(1 - beta2^t) + eps
        denom = np.sqrt(second)
        denom /= bias_correction2_sqrt
        denom += self.eps
        # theta_t <- theta_{t-1} - gamma / (1 - beta1^t) * m_t / (sqrt(v_hat_t) + eps)
        p += (-step_size * exp_avg) / denom


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with *decoupled* weight decay.

    .. math::
        \theta_{t-1} &\leftarrow (1 - \gamma\lambda) \theta_{t-1} \\
        \theta_t &\leftarrow \theta_{t-1} - \gamma \, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    with :math:`\hat m_t, \hat v_t` as in :class:`Adam`, computed from the plain gradient. Adam's
    ``weight_decay`` instead adds :math:`\lambda\theta` to the gradient, where it is divided by
    :math:`\sqrt{\hat v_t}` like the rest: weights with a large gradient history are decayed less.

    Same arguments as :class:`Adam`, but ``weight_decay`` defaults to 1e-2 and is always decoupled.
    """

    reference = "torch.optim.AdamW"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 1e-3,
        betas: tuple[Hyper, Hyper] = (0.9, 0.999),
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True
        )


class NAdam(Optimizer):
    r"""NAdam (Dozat 2016): Adam with a Nesterov-style momentum and a warming-up momentum schedule.

    .. math::
        \mu_t &\leftarrow \beta_1 \left(1 - \tfrac12 \, 0.96^{t \psi}\right), \qquad
            \mu_{t+1} \leftarrow \beta_1 \left(1 - \tfrac12 \, 0.96^{(t+1) \psi}\right) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
            v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad
            \hat v_t \leftarrow v_t / (1 - \beta_2^t) \\
        \theta_t &\leftarrow \theta_{t-1}
            - \gamma \frac{1 - \mu_t}{1 - \prod_{i \le t} \mu_i} \frac{g_t}{\sqrt{\hat v_t} + \epsilon}
            - \gamma \frac{\mu_{t+1}}{1 - \prod_{i \le t+1} \mu_i} \frac{m_t}{\sqrt{\hat v_t} + \epsilon}

    The gradient is taken at the current point, not at a look-ahead point: the "look ahead" is the
    :math:`\mu_{t+1}` term, next step's momentum applied now.

    Parameters
    ----------
    lr : :math:`\gamma` (default 2e-3). betas : (default (0.9, 0.999)). eps : (default 1e-8).
    weight_decay : :math:`\lambda` (default 0). momentum_decay : :math:`\psi` (default 4e-3).
    decoupled_weight_decay : shrink weights directly as AdamW does (default False). maximize : ascend.

    Notes
    -----
    torch keeps :math:`\prod_i \mu_i` in a tensor of the *default* dtype: float32 unless
    ``torch.set_default_dtype(torch.float64)``. We keep it in float64, i.e. we match torch run with
    float64 defaults (with float32 defaults torch's NAdam differs by about 1e-7 relative).
    """

    reference = "torch.optim.NAdam"

    def __init__(
        self,
        params: Sequence[np.ndarray],
        lr: Hyper = 2e-3,
        betas: tuple[Hyper, Hyper] = (0.9, 0.999),
        eps: Hyper = 1e-8,
        weight_decay: Hyper = 0,
        momentum_decay: Hyper = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_weight_decay(weight_decay)
        _check_nonnegative("Invalid momentum_decay value", momentum_decay, "momentum_decay")
        super().__init__(params)
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.momentum_decay, self.decoupled_weight_decay = momentum_decay, bool(decoupled_weight_decay)
        self.maximize = bool(maximize)
        for p, state in zip(self.params, self.state, strict=True):
            state["mu_product"] = np.ones(())
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)

    def _update(self, p, g, state):
        t = self.step_count
        beta1, beta2 = self.betas
        lr, psi = self.lr, self.momentum_decay
        if self.maximize:
            g = -g
        # 1 - beta2^t
        bias_correction2 = 1 - beta2**t
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                # theta_{t-1} <- (1 - gamma lambda) theta_{t-1}
                p *= 1 - lr * self.weight_decay
            else:
                # g_t <- g_t + lambda theta_{t-1}
                g = g + self.weight_decay * p
        # mu_t <- beta1 (1 - 0.5 * 0.96^(t psi)),  mu_{t+1} likewise
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
        # prod_{i<=t} mu_i
        mu_product = state["mu_product"] = state["mu_product"] * mu
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        # m_t <- beta1 m_{t-1} + (1 - beta1) g_t
        _lerp_(exp_avg, g, 1 - beta1)
        # v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
        exp_avg_sq *= beta2
        exp_avg_sq += ((1 - beta2) * g) * g
        # sqrt(v_hat_t) + eps
        denom = np.sqrt(exp_avg_sq / bias_correction2)
        denom += self.eps
        # theta <- theta - gamma (1 - mu_t) / (1 - prod_{i<=t} mu_i) * g_t / denom
        p += ((-lr * (1.0 - mu) / (1.0 - mu_product)) * g) / denom
        # theta <- theta - gamma mu_{t+1} / (1 - prod_{i<=t+1} mu_i) * m_t / denom
        p += (((-lr * mu_next) / (1.0 - mu_product * mu_next)) * exp_avg) / denom


#: every optimizer of this module, by torch name, in the notes' order
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "SGD": SGD,
    "Adagrad": Adagrad,
    "Adadelta": Adadelta,
    "RMSprop": RMSprop,
    "Adam": Adam,
    "NAdam": NAdam,
    "AdamW": AdamW,
}
