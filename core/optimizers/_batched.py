r"""Many optimizers of different kinds moved by one set of array operations: the notes' framework, literally.

The notes put every optimizer into one frame: a first moment :math:`m_t`, a second moment :math:`V_t`,
a step :math:`\eta_t = \alpha\, m_t / \sqrt{V_t}`. :class:`BatchedOptimizers` runs that frame on the rows
of one ``(runs, dim)`` array, each row with its own optimizer (SGD ... AdamW) and hyperparameters, all
written as per-row coefficients of one generic update:

.. math::
    g &\leftarrow s\, g + \lambda_{L2}\, \theta, \qquad \theta \leftarrow d\, \theta
        && \text{(maximize sign, L2, decoupled decay)} \\
    V &\leftarrow a_V V + b_V g^2, \qquad \bar g \leftarrow \bar g + c_{\bar g} (g - \bar g)
        && \text{(second moment, centred mean)} \\
    D &\leftarrow \sqrt{\frac{k_t \max(V, V^{\max}) + e_{in} - \bar g^2}{U + e_U}} + e_{out},
        \qquad q \leftarrow g / D
        && \text{(normaliser; for AdaDelta } q \text{ is the update } \Delta) \\
    U &\leftarrow a_U U + b_U q^2
        && \text{(AdaDelta's average of squared updates)} \\
    M &\leftarrow a_t M + b_t\, (g \text{ or } q)
        && \text{(first moment / momentum buffer)} \\
    \theta &\leftarrow \theta - c^{(q)}_t\, q - c^{(M)}_t\, M / (D \text{ or } 1)
        && \text{(step)}

with coefficients chosen so that each row computes exactly its optimizer's formulas (SGD: :math:`V = 1`
so :math:`D = 1`; Adagrad: :math:`a_V = b_V = 1`; Adam: :math:`M` an EMA divided by :math:`D`; ...).
Time-dependent
coefficients (bias corrections, NAdam's momentum schedule, Adagrad's decay, SGD's first step) are
tabulated for every step up front.

Why a second implementation beside :mod:`core.optimizers`? A 2-D surface is a tiny array, so the cost
is Python and numpy call overhead, not arithmetic: seven optimizer objects cost seven sets of calls per
step. Here one set of about thirty ``out=`` ufunc calls moves every run, whatever the number of runs or
kinds (all seven optimizers, or seven optimizers x 21 learning rates when tuning). Rows are
independent, so a diverging row never touches another. The tests check this class against
:mod:`core.optimizers` and, step by step, against torch.optim; :meth:`BatchedOptimizers.torch_state`
gives each row's state under torch's names so a check can load it into a torch optimizer.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core._validation import check_whole
from core.budget import check_budget
from core.optimizers._algorithms import OPTIMIZERS

__all__ = ["BatchedOptimizers", "RunSpec", "full_hyperparameters"]


@dataclass(frozen=True)
class RunSpec:
    """One optimizer run: the torch class name (``"Adam"``) and its hyperparameters (torch names)."""

    optimizer: str
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.optimizer


def full_hyperparameters(optimizer: str, hyperparameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every hyperparameter of ``optimizer``: torch's defaults, overridden by ``hyperparameters``.

    The values are validated by building the optimizer of :mod:`core.optimizers` (same ValueErrors as
    torch, e.g. ``Invalid beta parameter at index 0: 1.2``).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
    cls = OPTIMIZERS[optimizer]
    signature = inspect.signature(cls.__init__)
    empty = inspect.Parameter.empty
    defaults = {name: p.default for name, p in signature.parameters.items() if p.default is not empty}
    unknown = set(hyperparameters or {}) - set(defaults)
    if unknown:
        raise ValueError(
            f"{optimizer} has no hyperparameter {', '.join(sorted(unknown))}; it takes {', '.join(defaults)}."
        )
    full = {**defaults, **(hyperparameters or {})}
    cls([np.zeros(1)], **full)  # validates, raising torch's messages
    return full


def _nadam_mu(beta1: float, psi: float, t: np.ndarray) -> np.ndarray:
    # mu_t = beta1 (1 - 0.5 * 0.96^(t psi))
    return beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))


class BatchedOptimizers:
    r"""Move row ``r`` of ``x`` (shape ``(runs, dim)``, float64, updated in place) by optimizer ``specs[r]``.

    Parameters
    ----------
    x : the stacked parameters, one run per row; updated in place by :meth:`step`.
    specs : one :class:`RunSpec` per row.
    max_steps : how many steps will be taken (time-dependent coefficients are tabulated up front).
    """

    def __init__(self, x: np.ndarray, specs: Sequence[RunSpec], max_steps: int) -> None:
        if not isinstance(x, np.ndarray) or x.dtype != np.float64 or x.ndim != 2 or not x.flags.c_contiguous:
            raise ValueError("x must be a C-contiguous float64 array of shape (runs, dim).")
        if len(specs) != x.shape[0]:
            raise ValueError(f"Got {len(specs)} optimizer specs for {x.shape[0]} rows of x.")
        check_whole("max_steps", max_steps, low=1)
        # the work asked for, before any of it: every run's every coordinate updated at every step
        check_budget("steps", "step_parameters", max_steps * x.size)
        check_budget("steps", "elements", max_steps * x.size)  # the paths kept: (steps, runs, dim)
        self.x = x
        self.specs = list(specs)
        self.hyper = [full_hyperparameters(s.optimizer, s.hyperparameters) for s in self.specs]
        self.max_steps = int(max_steps)
        self.step_count = 0
        runs, dim = x.shape
        self._flat = x.reshape(-1)  # a view: updating it updates x
        n = runs * dim
        t = np.arange(1, max_steps + 1, dtype=float)

        # constant per-row coefficients, expanded to one value per element (broadcasting costs more
        # than it saves on arrays this small)
        const = {k: np.zeros(runs) for k in ("sign", "l2", "decay", "a_v", "b_v", "e_in", "e_out")}
        const.update({k: np.zeros(runs) for k in ("c_gbar", "a_u", "b_u", "e_u", "g_in", "q_in")})
        const["m_div"] = np.ones(runs)  # M is divided by D (SGD rows have D = 1) except for RMSprop
        const["sign"][:] = 1.0
        const["decay"][:] = 1.0
        const["a_v"][:] = 1.0  # SGD rows keep V = 1 (a_V = 1, b_V = 0, V_0 = 1), so D = 1
        const["e_u"][:] = 1.0  # non-AdaDelta rows: U + e_U = 0 + 1
        const["g_in"][:] = 1.0
        table = {k: np.zeros((max_steps, runs)) for k in ("k", "a_m", "b_m", "c_q", "c_m")}
        table["k"][:] = 1.0
        self._amsgrad = np.zeros(runs, dtype=bool)
        v0 = np.ones(runs)

        for r, (spec, h) in enumerate(zip(self.specs, self.hyper, strict=True)):
            kind = spec.optimizer
            lr = float(h["lr"])
            if h.get("maximize"):
                const["sign"][r] = -1.0
            decoupled = kind == "AdamW" or h.get("decoupled_weight_decay", False)
            if decoupled:
                const["decay"][r] = 1 - lr * h["weight_decay"]
            else:
                const["l2"][r] = h["weight_decay"]
            if kind == "SGD":
                mu, tau = h["momentum"], h["dampening"]
                if mu != 0:
                    # b_1 = g_1, then b_t = mu b_{t-1} + (1 - tau) g_t
                    table["a_m"][1:, r] = mu
                    table["b_m"][:, r] = 1 - tau
                    table["b_m"][0, r] = 1.0
                    # nesterov: theta -= lr (g + mu b);  else theta -= lr b
                    table["c_q"][:, r] = lr if h["nesterov"] else 0.0
                    table["c_m"][:, r] = lr * mu if h["nesterov"] else lr
                else:
                    table["c_q"][:, r] = lr
            elif kind == "Adagrad":
                v0[r] = h["initial_accumulator_value"]
                const["a_v"][r] = const["b_v"][r] = 1.0
                const["e_out"][r] = h["eps"]
                # lr_t = lr / (1 + (t - 1) eta)
                table["c_q"][:, r] = lr / (1 + (t - 1) * h["lr_decay"])
            elif kind == "Adadelta":
                rho = h["rho"]
                v0[r] = 0.0
                const["a_v"][r], const["b_v"][r] = rho, 1 - rho
                const["e_in"][r] = h["eps"]
                const["a_u"][r], const["b_u"][r], const["e_u"][r] = rho, 1 - rho, h["eps"]
                table["c_q"][:, r] = lr
            elif kind == "RMSprop":
                alpha = h["alpha"]
                v0[r] = 0.0
                const["a_v"][r], const["b_v"][r] = alpha, 1 - alpha
                const["e_out"][r] = h["eps"]
                if h["centered"]:
                    const["c_gbar"][r] = 1 - alpha
                if h["momentum"] > 0:
                    # b_t = mu b_{t-1} + g_t / D,  theta -= lr b_t  (M is not divided by D again)
                    const["g_in"][r], const["q_in"][r] = 0.0, 1.0
                    const["m_div"][r] = 0.0
                    table["a_m"][:, r] = h["momentum"]
                    table["b_m"][:, r] = 1.0
                    table["c_m"][:, r] = lr
                else:
                    # theta -= lr g / D
                    table["c_q"][:, r] = lr
            else:  # Adam, AdamW, NAdam
                beta1, beta2 = (float(b) for b in h["betas"])
                v0[r] = 0.0
                const["a_v"][r], const["b_v"][r] = beta2, 1 - beta2
                const["e_out"][r] = h["eps"]
                table["a_m"][:, r], table["b_m"][:, r] = beta1, 1 - beta1
                # v_hat = v / (1 - beta2^t)
                table["k"][:, r] = 1 / (1 - beta2**t)
                if kind == "NAdam":
                    psi = h["momentum_decay"]
                    mu, mu_next = _nadam_mu(beta1, psi, t), _nadam_mu(beta1, psi, t + 1)
                    mu_product = np.cumprod(mu)
                    # theta -= lr (1 - mu_t) / (1 - prod_{i<=t} mu_i) * g / D
                    table["c_q"][:, r] = lr * (1.0 - mu) / (1.0 - mu_product)
                    #        + lr mu_{t+1} / (1 - prod_{i<=t+1} mu_i) * m / D
                    table["c_m"][:, r] = lr * mu_next / (1.0 - mu_product * mu_next)
                else:
                    self._amsgrad[r] = h["amsgrad"]
                    # theta -= lr / (1 - beta1^t) * m / D
                    table["c_m"][:, r] = lr / (1 - beta1**t)

        def per_element(values: np.ndarray) -> np.ndarray:
            expanded = np.repeat(values[..., None], dim, axis=-1)
            return np.ascontiguousarray(expanded.reshape(*values.shape[:-1], n))

        self._c = {k: per_element(v) for k, v in const.items()}
        self._t = {k: per_element(v) for k, v in table.items()}
        # which parts of the generic update some row needs (the others are skipped)
        self._need = {
            "sign": bool(np.any(const["sign"] != 1)),
            "l2": bool(np.any(const["l2"] != 0)),
            "decay": bool(np.any(const["decay"] != 1)),
            "gbar": bool(np.any(const["c_gbar"] != 0)),
            "amsgrad": bool(self._amsgrad.any()),
            "u": bool(np.any(const["b_u"] != 0)),
            "q_in": bool(np.any(const["q_in"] != 0)),
            "m_div": bool(np.any(const["m_div"] != 1)),
            "m": bool(np.any(table["c_m"] != 0)),
            "c_q": bool(np.any(table["c_q"] != 0)),
        }
        self._ams = per_element(self._amsgrad.astype(float)[None])[0]
        # state, one value per element of x (flat), named after the notes' framework
        self.v = per_element(v0[None])[0].copy()  # V: second moment (sum, square_avg, exp_avg_sq)
        self.v_max = np.zeros(n)  # V^max (AMSGrad)
        self.g_bar = np.zeros(n)  # mean gradient (centered RMSprop)
        self.u = np.zeros(n)  # U: AdaDelta's average of squared updates
        self.m = np.zeros(n)  # M: first moment / momentum buffer
        # work arrays
        self._g, self._d, self._q, self._w = (np.empty(n) for _ in range(4))

    def step(self, grad: np.ndarray) -> None:
        """One step of every row, with ``grad`` the gradient at ``x`` (same shape as ``x``)."""
        if self.step_count >= self.max_steps:
            raise ValueError(f"All {self.max_steps} tabulated steps are used; build a new BatchedOptimizers.")
        i = self.step_count
        self.step_count += 1
        c, tb, need = self._c, self._t, self._need
        x, g, d, q, w = self._flat, self._g, self._d, self._q, self._w
        mul, add = np.multiply, np.add
        np.copyto(g, grad.reshape(-1))  # (the caller's array is left alone)
        if need["sign"]:
            # g <- -g for maximize
            mul(g, c["sign"], out=g)
        if need["l2"]:
            # g <- g + lambda theta   (L2 weight decay)
            add(g, mul(c["l2"], x, out=w), out=g)
        if need["decay"]:
            # theta <- (1 - lr lambda) theta   (decoupled weight decay)
            mul(x, c["decay"], out=x)
        # V <- a_V V + b_V g^2
        mul(self.v, c["a_v"], out=self.v)
        mul(c["b_v"], g, out=w)
        add(self.v, mul(w, g, out=w), out=self.v)
        if need["amsgrad"]:
            # V^max <- max(V^max, V), used by AMSGrad rows
            np.maximum(self.v_max, self.v, out=self.v_max)
            np.subtract(self.v_max, self.v, out=w)
            add(self.v, mul(w, self._ams, out=w), out=d)
            mul(d, tb["k"][i], out=d)
        else:
            mul(self.v, tb["k"][i], out=d)
        # D <- sqrt((k_t V + e_in - gbar^2) / (U + e_U)) + e_out
        if need["u"]:
            add(d, c["e_in"], out=d)
        if need["gbar"]:
            # gbar <- gbar + (1 - alpha) (g - gbar)
            np.subtract(g, self.g_bar, out=w)
            add(self.g_bar, mul(w, c["c_gbar"], out=w), out=self.g_bar)
            np.subtract(d, mul(self.g_bar, self.g_bar, out=w), out=d)
        if need["u"]:
            # AdaDelta rows: divide by U + eps inside the root (U + e_U = 1 for the other rows)
            np.divide(d, add(self.u, c["e_u"], out=w), out=d)
        np.sqrt(d, out=d)
        add(d, c["e_out"], out=d)
        # q <- g / D   (for AdaDelta rows this is the update delta = sqrt(U + eps) / sqrt(V + eps) * g)
        np.divide(g, d, out=q)
        if need["u"]:
            # U <- rho U + (1 - rho) delta^2
            mul(self.u, c["a_u"], out=self.u)
            mul(c["b_u"], q, out=w)
            add(self.u, mul(w, q, out=w), out=self.u)
        if need["m"]:
            # M <- a_t M + b_t (g, or q for RMSprop rows)
            mul(self.m, tb["a_m"][i], out=self.m)
            if need["q_in"]:
                mul(g, c["g_in"], out=w)
                add(w, mul(q, c["q_in"], out=g), out=w)
                mul(w, tb["b_m"][i], out=w)
            else:
                mul(g, tb["b_m"][i], out=w)
            add(self.m, w, out=self.m)
            # theta <- theta - c_t^(M) M / D   (D = 1 for SGD rows; not divided for RMSprop rows)
            mul(self.m, tb["c_m"][i], out=w)
            if need["m_div"]:
                # D' = 1 + m_div (D - 1): D where m_div = 1, else 1
                np.subtract(d, 1.0, out=d)
                add(mul(d, c["m_div"], out=d), 1.0, out=d)
            np.divide(w, d, out=w)
            np.subtract(x, w, out=x)
        if need["c_q"]:
            # theta <- theta - c_t^(q) q   (q = delta for AdaDelta rows)
            np.subtract(x, mul(q, tb["c_q"][i], out=w), out=x)

    STATE_NAMES = ("v", "v_max", "g_bar", "u", "m")

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of the state arrays (flat, one value per element of ``x``): ``v v_max g_bar u m``."""
        return {name: getattr(self, name).copy() for name in self.STATE_NAMES}

    def torch_state(
        self, row: int, snapshot: Mapping[str, np.ndarray] | None = None, step: int | None = None
    ) -> dict[str, Any]:
        """Row ``row``'s optimizer state under torch's names (``exp_avg``, ``square_avg``, ...), as numpy.

        From ``snapshot`` taken after ``step`` steps (default: the current state). Arrays have shape
        ``(dim,)``; ``step`` is the number of steps taken. SGD keeps no step count and has no momentum
        buffer before its first step, as in torch.
        """
        snap = self.snapshot() if snapshot is None else snapshot
        step = self.step_count if step is None else step
        dim = self.x.shape[1]
        sl = slice(row * dim, (row + 1) * dim)
        v, v_max, g_bar, u, m = (snap[name][sl].copy() for name in self.STATE_NAMES)
        kind, h = self.specs[row].optimizer, self.hyper[row]
        if kind == "SGD":
            return {"momentum_buffer": m} if h["momentum"] != 0 and step > 0 else {}
        state: dict[str, Any] = {"step": step}
        if kind == "Adagrad":
            state["sum"] = v
        elif kind == "Adadelta":
            state["square_avg"], state["acc_delta"] = v, u
        elif kind == "RMSprop":
            state["square_avg"] = v
            if h["momentum"] > 0:
                state["momentum_buffer"] = m
            if h["centered"]:
                state["grad_avg"] = g_bar
        else:
            state["exp_avg"], state["exp_avg_sq"] = m, v
            if kind == "NAdam":
                beta1, psi = float(h["betas"][0]), h["momentum_decay"]
                # prod_{i<=t} mu_i
                state["mu_product"] = float(np.prod(_nadam_mu(beta1, psi, np.arange(1.0, step + 1))))
            elif h["amsgrad"]:
                state["max_exp_avg_sq"] = v_max
        return state
