r"""Adam then SGD: the notes' "use Adam early, switch to SGD late", tried on the page's real model.

:func:`adam_then_sgd` trains the logistic regression of :func:`core.optimizers.logistic_regression`
three ways on the same mini-batches: Adam throughout, SGD throughout, and Adam switched to SGD after
``switch_epoch`` epochs, and records the training objective, the test loss and the test accuracy after
every epoch. Every update of every run is replayed by torch.optim (Adam from our weights and moments,
SGD from our weights). Along the Adam-throughout run it also evaluates SWATS's switching test (Keskar &
Socher 2017, Algorithm 1), which picks the switch itself instead of a given epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core._validation import check_number, check_whole
from core.budget import check_budget
from core.lazy import LazyModule
from core.optimizers._algorithms import OPTIMIZERS
from core.optimizers._experiments import (
    _load_breast_cancer,
    _logistic_grads,
    _logistic_loss,
    _weight_difference,
)
from core.optimizers._torch_reference import load_state, torch_optimizer

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

__all__ = ["SWITCH_RUNS", "AdamThenSGD", "adam_then_sgd"]

#: the three runs, in this order
SWITCH_RUNS = ("adam", "sgd", "adam_then_sgd")


@dataclass
class AdamThenSGD:
    runs: tuple[str, ...]  # SWITCH_RUNS
    switch_epoch: int
    train_loss: np.ndarray  # (3, epochs + 1): the objective, cross-entropy + l2/2 |w|^2
    test_loss: np.ndarray  # (3, epochs + 1): mean cross-entropy on the test set
    test_accuracy: np.ndarray  # (3, epochs + 1)
    n_test: int
    torch_diff: float  # max |our weights - torch.optim's| after every update of every run
    updates: int  # updates per run
    swats_step: int | None  # the first update (from 2) at which SWATS's test holds on the Adam run, if any
    swats_min_gap: float  # min over updates k >= 2 of |lambda_k / (1 - beta2^k) - gamma_k|
    swats_lr: float  # SWATS's SGD rate lambda_k / (1 - beta2^k) at its switch, or after the last update


class _SwatsTest:
    r"""SWATS's switching test on a run of Adam steps (Keskar & Socher 2017, Algorithm 1).

    With Adam's step :math:`p_k` and the gradient :math:`g_k` it was taken on (all parameters as one
    vector), the SGD learning rate whose step projects onto :math:`p_k` is
    :math:`\gamma_k = p_k^\top p_k / (-p_k^\top g_k)` (when :math:`p_k^\top g_k \ne 0`); its running
    average :math:`\lambda_k = \beta_2 \lambda_{k-1} + (1 - \beta_2)\gamma_k`, bias-corrected by
    :math:`1 - \beta_2^k`, is the switch's SGD learning rate; the test is :math:`k > 1` and
    :math:`|\lambda_k / (1 - \beta_2^k) - \gamma_k| < \epsilon`.
    """

    def __init__(self, beta2: float, eps: float) -> None:
        self.beta2, self.eps = beta2, eps
        self.k, self.average = 0, 0.0
        self.step: int | None = None
        self.min_gap = np.inf
        self.lr = np.nan

    def update(self, step: np.ndarray, grad: np.ndarray) -> None:
        self.k += 1
        projection = float(step @ grad)
        if self.step is not None or projection == 0.0:
            return
        gamma = float(step @ step) / -projection
        self.average = self.beta2 * self.average + (1 - self.beta2) * gamma
        corrected = self.average / (1 - self.beta2**self.k)
        self.lr = corrected
        if self.k > 1:
            gap = abs(corrected - gamma)
            self.min_gap = min(self.min_gap, gap)
            if gap < self.eps:
                self.step = self.k


def _accuracy(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(((x @ w + b[0]) > 0) == (y > 0.5)))


def adam_then_sgd(
    switch_epoch: int,
    epochs: int = 40,
    adam_lr: float = 0.01,
    sgd_lr: float = 0.1,
    batch_size: int = 32,
    seed: int = 0,
    l2: float = 1e-3,
    sgd_momentum: float = 0.0,
    swats_eps: float = 1e-9,
) -> AdamThenSGD:
    r"""Adam, SGD, and Adam switched to SGD after ``switch_epoch`` epochs, on the same mini-batches.

    The model, objective, split (by ``seed``) and batches are :func:`logistic_regression`'s. Adam has
    torch's defaults but ``lr=adam_lr``; SGD is ``SGD(lr=sgd_lr, momentum=sgd_momentum)``; the switched
    run starts SGD (with a fresh momentum buffer) from the weights Adam reached. ``switch_epoch = 0`` is
    SGD from the start, ``switch_epoch = epochs`` Adam throughout. SWATS's test (:class:`_SwatsTest`, with
    threshold ``swats_eps``, the paper's 1e-9 by default) is evaluated along the Adam-throughout run.
    """
    check_whole("epochs", epochs, low=1)
    check_whole("switch_epoch", switch_epoch, low=0, high=epochs)
    check_number("adam_lr", adam_lr, low=0.0, low_open=True)
    check_number("sgd_lr", sgd_lr, low=0.0, low_open=True)
    check_number("sgd_momentum", float(sgd_momentum), low=0.0, high=1.0, high_open=True)
    check_whole("batch_size", batch_size, low=1)
    check_whole("seed", seed, low=0)
    check_number("swats_eps", swats_eps, low=0.0, low_open=True)
    x_train, x_test, y_train, y_test = _load_breast_cancer(seed)
    n, d = x_train.shape
    per_epoch = -(-n // batch_size)
    check_budget("epochs", "optimizer_steps", 3 * epochs * per_epoch)
    rng = np.random.default_rng(seed)
    batches = [np.array_split(rng.permutation(n), per_epoch) for _ in range(epochs)]
    adam = ("Adam", {"lr": adam_lr})
    sgd = ("SGD", {"lr": sgd_lr, "momentum": float(sgd_momentum)})
    switch_at = {"adam": epochs, "sgd": 0, "adam_then_sgd": switch_epoch}
    shape = (len(SWITCH_RUNS), epochs + 1)
    train, test, accuracy = np.empty(shape), np.empty(shape), np.empty(shape)
    worst = 0.0
    swats = _SwatsTest(beta2=0.999, eps=swats_eps)  # torch's Adam default betas = (0.9, 0.999)
    for r, run in enumerate(SWITCH_RUNS):
        params = [np.zeros(d), np.zeros(1)]
        tparams = [torch.zeros(d, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)]
        for p in tparams:
            p.requires_grad_(True)
        opt = topt = None
        current = None
        train[r, 0] = _logistic_loss(*params, x_train, y_train, l2)
        test[r, 0] = _logistic_loss(*params, x_test, y_test, 0.0)
        accuracy[r, 0] = _accuracy(*params, x_test, y_test)
        with np.errstate(all="ignore"):
            for epoch, epoch_batches in enumerate(batches, start=1):
                name, hyper = adam if epoch <= switch_at[run] else sgd
                if name != current:  # a fresh optimizer (and state) for the new phase, in both
                    opt = OPTIMIZERS[name](params, **hyper)
                    topt = torch_optimizer(name, tparams, hyper)
                    current = name
                for idx in epoch_batches:
                    grads = _logistic_grads(*params, x_train[idx], y_train[idx], l2)
                    before = [p.copy() for p in params]
                    states = [opt.torch_state(i) for i in range(len(params))]
                    opt.step(grads)
                    if run == "adam":
                        swats.update(
                            np.concatenate([p - q for p, q in zip(params, before, strict=True)]),
                            np.concatenate(grads),
                        )
                    # torch.optim takes the same step from our weights and state
                    for p, w, state, g in zip(tparams, before, states, grads, strict=True):
                        with torch.no_grad():
                            p.copy_(torch.from_numpy(w))
                        if state is not None:
                            load_state(topt, p, state)
                        p.grad = torch.from_numpy(g)
                    topt.step()
                    worst = max(
                        [worst]
                        + [
                            _weight_difference(p.detach().numpy(), q)
                            for p, q in zip(tparams, params, strict=True)
                        ]
                    )
                train[r, epoch] = _logistic_loss(*params, x_train, y_train, l2)
                test[r, epoch] = _logistic_loss(*params, x_test, y_test, 0.0)
                accuracy[r, epoch] = _accuracy(*params, x_test, y_test)
    return AdamThenSGD(
        SWITCH_RUNS,
        switch_epoch,
        train,
        test,
        accuracy,
        len(y_test),
        worst,
        epochs * per_epoch,
        swats.step,
        float(swats.min_gap),
        float(swats.lr),
    )
