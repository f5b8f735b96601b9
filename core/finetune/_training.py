"""Training with a progress callback, evaluation, features and their 2-D projection."""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from core._validation import check_whole
from core.budget import check_budget
from core.finetune._settings import (  # the light part (no torch), re-exported
    Progress as Progress,
)
from core.finetune._settings import (
    TrainLog as TrainLog,
)
from core.finetune._settings import (
    TrainPlan as TrainPlan,
)
from core.training import run_steps

_DEFAULT_PLAN = TrainPlan()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Class predictions ``argmax_k logits_k`` of ``model`` on ``x`` (the model's mode is kept)."""
    return model(x).argmax(dim=1)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    r"""Test accuracy :math:`\frac{1}{N}\sum_i [\hat y_i = y_i]`."""
    # mean of [y_hat == y]
    return float((predict(model, x) == y).double().mean())


def train(
    model: nn.Module,
    param_groups: list[dict],
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    plan: TrainPlan = _DEFAULT_PLAN,
    seed: int = 0,
    test: tuple[torch.Tensor, torch.Tensor] | None = None,
    progress: Progress | None = None,
) -> TrainLog:
    r"""Minimise the cross-entropy :math:`-\frac{1}{B}\sum_i \log \operatorname{softmax}(f(x_i))_{y_i}`
    with ``torch.optim.Adam(param_groups)`` for ``plan.steps`` steps on minibatches of ``x, y``.

    Minibatches: when the training set has more than ``plan.batch_size`` examples, a fresh random
    permutation (from ``seed``) is walked through batch by batch; otherwise every step sees all of it.
    ``progress(step, steps, loss)`` is called after each step.

    Raises
    ------
    ValueError
        If ``param_groups`` is empty, ``x`` and ``y`` differ in length, or the plan is not positive.
    """
    if not param_groups:
        raise ValueError("param_groups is empty: nothing would train.")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must be non-empty and of one length, got {len(x)} and {len(y)}.")
    for name in ("steps", "batch_size", "eval_every"):
        check_whole(name, getattr(plan, name), low=1)
    check_whole("seed", seed, low=0)
    # steps x the parameters the optimizer updates, before the first step
    trainable = sum(p.numel() for group in param_groups for p in group["params"] if p.requires_grad)
    check_budget("steps", "step_parameters", plan.steps * trainable)
    start = time.thread_time()
    optimizer = torch.optim.Adam(param_groups)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    log = TrainLog()
    n = len(x)
    batches = {"order": torch.arange(n), "cursor": n}  # start with a fresh permutation
    running = {"sum": 0.0, "count": 0}
    model.train()
    if test is not None:
        log.steps.append(0)
        log.train_loss.append(float("nan"))
        log.test_accuracy.append(accuracy(model, *test))

    def loss_of(step: int) -> torch.Tensor:
        if n <= plan.batch_size:
            xb, yb = x, y
        else:
            if batches["cursor"] + plan.batch_size > n:
                batches["order"] = torch.randperm(n, generator=generator)
                batches["cursor"] = 0
            index = batches["order"][batches["cursor"] : batches["cursor"] + plan.batch_size]
            batches["cursor"] += plan.batch_size
            xb, yb = x[index], y[index]
        return loss_fn(model(xb), yb)

    def after_step(step: int, value: float) -> None:
        running["sum"] += value
        running["count"] += 1
        if test is not None and (step % plan.eval_every == 0 or step == plan.steps):
            log.steps.append(step)
            log.train_loss.append(running["sum"] / running["count"])
            log.test_accuracy.append(accuracy(model, *test))
            running["sum"], running["count"] = 0.0, 0

    report = None if progress is None else (lambda done, total, loss: progress(done, total, loss))
    run_steps(optimizer, loss_of, plan.steps, after_step=after_step, progress=report)
    log.cpu_seconds = time.thread_time() - start
    return log


@torch.no_grad()
def features(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    """The backbone's output (the head's input) for ``x``, float64 ``(N, FEATURES)``."""
    return model.backbone(x).double().numpy()


def pca_2d(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Projection of ``data`` ``(N, D)`` on its first two principal components.

    With :math:`X_c = X - \bar X` and the SVD :math:`X_c = U S V^\top`, the scores are
    :math:`X_c V_{:, :2}` and the explained variance ratios :math:`s_k^2 / \sum_j s_j^2`. Each
    component's sign is fixed as scikit-learn fixes it (its largest-magnitude loading is positive).

    Returns
    -------
    scores : ``(N, 2)``.
    explained : ``(2,)``, the share of the total variance each component carries.

    Raises
    ------
    ValueError
        With fewer than 2 rows or columns, or non-finite values.
    """
    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 2 or not np.isfinite(data).all():
        raise ValueError(f"data must be a finite (N, D) array with N, D >= 2, got shape {data.shape}.")
    # X_c = X - mean
    centered = data - data.mean(axis=0)
    # X_c = U S V^T
    _, s, vt = np.linalg.svd(centered, full_matrices=False)
    components = vt[:2]
    # sign: the largest |loading| of each component is positive
    signs = np.sign(components[np.arange(2), np.abs(components).argmax(axis=1)])
    signs[signs == 0] = 1.0
    components = components * signs[:, None]
    # explained ratio s_k^2 / sum s_j^2
    total = float((s**2).sum())
    explained = (s[:2] ** 2) / total if total > 0 else np.zeros(2)
    return centered @ components.T, explained


def nearest_centroid_accuracy(
    train_features: np.ndarray, train_labels: np.ndarray, test_features: np.ndarray, test_labels: np.ndarray
) -> float:
    r"""How well classes separate in a feature space: each test point gets the class of the nearest
    class mean of the training points, :math:`\hat y = \arg\min_k \lVert z - \mu_k \rVert_2`, and the
    accuracy of that rule is returned (no training, so it measures the features alone).

    Raises
    ------
    ValueError
        If the feature widths differ or a label array does not match its features.
    """
    train_features = np.asarray(train_features, dtype=np.float64)
    test_features = np.asarray(test_features, dtype=np.float64)
    train_labels, test_labels = np.asarray(train_labels), np.asarray(test_labels)
    if (
        train_features.ndim != 2
        or test_features.ndim != 2
        or train_features.shape[1] != test_features.shape[1]
    ):
        raise ValueError(
            "features must be (N, D) arrays of one width, "
            f"got {train_features.shape} and {test_features.shape}."
        )
    if len(train_labels) != len(train_features) or len(test_labels) != len(test_features):
        raise ValueError("each label array must have one label per row of its features.")
    classes = np.unique(train_labels)
    # mu_k = mean of the training features of class k
    centroids = np.stack([train_features[train_labels == k].mean(axis=0) for k in classes])
    # ||z - mu_k||^2 for every test point and class
    distances = ((test_features[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    predicted = classes[distances.argmin(axis=1)]
    return float((predicted == test_labels).mean())
