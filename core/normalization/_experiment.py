r"""The batch-size experiment: the GroupNorm paper's headline result (Wu & He, 2018, figure 1) in
miniature, on scikit-learn's bundled 8x8 digits.

A small CNN, ``conv3x3(1->16) -> norm -> ReLU -> maxpool -> conv3x3(16->32) -> norm -> ReLU -> maxpool
-> linear(128->10)``, is trained with each normalization (BatchNorm, GroupNorm with 4 groups,
LayerNorm = GroupNorm with one group as in the paper, or none) at batch sizes 2 ... 64, for a fixed
number of epochs with SGD + momentum and the linear scaling rule of the paper,

.. math::

    \eta = \eta_{32} \cdot \frac{B}{32},

and evaluated on a held-out quarter of the digits in eval mode (BatchNorm then uses its running
statistics). ``scripts/train_normalization.py`` runs the whole grid with fixed seeds and writes
``data/normalization/batch_size_sweep.json`` (read back by :func:`load_sweep`); the page retrains one
cell live with :func:`train_cell`.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from core import datasets
from core._validation import check_choice, check_whole
from core.budget import check_budget
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)
nn = LazyModule("torch.nn")
_torch_init = LazyModule("core.torch_init")
_training = LazyModule("core.training")


NORMS = ("batch", "group", "layer", "none")
BATCH_SIZES = (2, 4, 8, 16, 32, 64)
SEEDS = (0, 1, 2)
HIDDEN = (64, 64)
GROUPS = 4  # GroupNorm's groups in both hidden layers (16 features per group)
SPLIT_SEED = 0  # the train/test split is the same for every cell
#: the shipped sweep (``scripts/train_normalization.py`` writes it)
SWEEP_PATH = Path(__file__).resolve().parents[2] / "data" / "normalization" / "batch_size_sweep.json"


@dataclass(frozen=True)
class TrainConfig:
    """The training recipe of every cell (the shipped sweep records it)."""

    epochs: int = 8
    lr_at_32: float = 0.1  # learning rate at batch size 32; scaled linearly with the batch size
    momentum: float = 0.9
    weight_decay: float = 1e-4
    test_fraction: float = 0.25

    def lr(self, batch_size: int) -> float:
        # eta = eta_32 * B / 32   (linear scaling rule)
        return self.lr_at_32 * batch_size / 32


@dataclass
class CellResult:
    """One trained cell: test accuracy in eval mode (and, for BatchNorm, what train mode would give)."""

    norm: str
    batch_size: int
    seed: int
    test_accuracy: float
    # the same network left in train mode, fed the test set in batches of batch_size: BatchNorm then
    # normalizes with each test batch's statistics (equal to test_accuracy for the other norms)
    train_mode_accuracy: float
    train_loss: list[float] = field(default_factory=list)  # mean training loss of each epoch
    steps: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def digits_split(
    test_fraction: float = 0.25,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The bundled 8x8 digits as (N, 64) float32 in [0, 1], split with a fixed seed (stratified)."""
    return datasets.digits_split(test_fraction, SPLIT_SEED)


def norm_layer(norm: str, features: int) -> nn.Module:
    """The normalization after a linear layer: torch.nn's own modules (the page checks ours against them)."""
    if norm == "batch":
        return nn.BatchNorm1d(features)
    if norm == "group":
        return nn.GroupNorm(GROUPS, features)
    if norm == "layer":
        return nn.LayerNorm(features)
    if norm == "none":
        return nn.Identity()
    raise ValueError(f"norm must be one of {', '.join(NORMS)}; got {norm!r}.")


def build_model(norm: str) -> nn.Sequential:
    h1, h2 = HIDDEN
    return nn.Sequential(
        nn.Linear(64, h1, bias=norm == "none"),  # (N, 64) pixels -> (N, h1); a norm's bias replaces it
        norm_layer(norm, h1),
        nn.ReLU(),
        nn.Linear(h1, h2, bias=norm == "none"),
        norm_layer(norm, h2),
        nn.ReLU(),
        nn.Linear(h2, 10),
    )


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).float().mean())


def batch_statistics_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int) -> float:
    """Accuracy of a copy of ``model`` in train mode (the mistake of forgetting ``model.eval()``), on
    ``x`` split into consecutive batches of at least ``batch_size`` samples (the last one absorbs the
    remainder, so no batch has a single sample)."""
    probe = copy.deepcopy(model).train()  # a copy: train mode would also move the running statistics
    correct = 0
    with torch.no_grad():
        for xb, yb in zip(
            torch.tensor_split(x, max(1, len(x) // batch_size)),
            torch.tensor_split(y, max(1, len(x) // batch_size)),
            strict=True,
        ):
            correct += int((probe(xb).argmax(dim=1) == yb).sum())
    return correct / len(x)


def _steps_per_epoch(n: int, batch_size: int) -> int:
    # drop a last batch of one sample: BatchNorm cannot train on it (as DataLoader(drop_last) would)
    return n // batch_size + (1 if n % batch_size > 1 else 0)


def train_cell(
    norm: str,
    batch_size: int,
    seed: int,
    config: TrainConfig = TrainConfig(),
    progress: Callable[[int, int], None] | None = None,
    data: tuple[torch.Tensor, ...] | None = None,
) -> CellResult:
    """Train one cell of the grid from a fixed seed and return its test accuracy (eval mode).

    ``progress(step, total_steps)`` is called every few steps. ``data`` is :func:`digits_split`'s
    result (passed in to avoid reloading it for every cell).
    """
    check_choice("norm", norm, NORMS)
    check_whole("batch_size", batch_size, low=2, high=512)
    check_whole("seed", seed, low=0)
    check_whole("epochs", config.epochs, low=0)
    x_tr, y_tr, x_te, y_te = data if data is not None else digits_split(config.test_fraction)
    start = time.thread_time()
    # the weights torch.random.manual_seed(seed) gave, from a generator of this call's own
    model = _torch_init.seeded_module(lambda: build_model(norm), seed)
    # steps x parameters before any of the training (the steps as counted below)
    steps = _steps_per_epoch(len(x_tr), batch_size) * config.epochs
    check_budget("epochs", "step_parameters", steps * sum(p.numel() for p in model.parameters()))
    opt = torch.optim.SGD(
        model.parameters(),
        lr=config.lr(batch_size),
        momentum=config.momentum,
        weight_decay=config.weight_decay,
    )
    gen = torch.Generator().manual_seed(seed)
    n = len(x_tr)
    per_epoch = _steps_per_epoch(n, batch_size)
    total = per_epoch * config.epochs
    epoch = {"order": torch.arange(n), "loss": 0.0, "seen": 0, "size": 0}
    losses: list[float] = []

    def loss_of(step: int) -> torch.Tensor:
        b = (step - 1) % per_epoch
        if b == 0:  # a fresh permutation at the start of every epoch
            epoch["order"] = torch.randperm(n, generator=gen)
        idx = epoch["order"][b * batch_size : (b + 1) * batch_size]
        epoch["size"] = len(idx)
        return nn.functional.cross_entropy(model(x_tr[idx]), y_tr[idx])

    def after_step(step: int, value: float) -> None:
        epoch["loss"] += value * epoch["size"]
        epoch["seen"] += epoch["size"]
        if step % per_epoch == 0:  # mean training loss of the epoch
            losses.append(epoch["loss"] / epoch["seen"])
            epoch["loss"], epoch["seen"] = 0.0, 0

    report = None if progress is None else (lambda done, total, loss: progress(done, total))
    model.train()
    step = (
        _training.run_steps(opt, loss_of, total, after_step=after_step, progress=report, progress_every=25)
        if total
        else 0
    )
    model.eval()
    acc = accuracy(model, x_te, y_te)
    train_mode = batch_statistics_accuracy(model, x_te, y_te, batch_size)
    seconds = time.thread_time() - start
    return CellResult(norm, int(batch_size), int(seed), acc, train_mode, losses, step, seconds)


def run_sweep(
    config: TrainConfig = TrainConfig(),
    norms: tuple[str, ...] = NORMS,
    batch_sizes: tuple[int, ...] = BATCH_SIZES,
    seeds: tuple[int, ...] = SEEDS,
    progress: Callable[[CellResult], None] | None = None,
) -> dict:
    """Every cell of the grid; returns the JSON-ready record (config, cells, total CPU seconds)."""
    data = digits_split(config.test_fraction)
    cells = []
    start = time.thread_time()
    for norm in norms:
        for batch_size in batch_sizes:
            for seed in seeds:
                cell = train_cell(norm, batch_size, seed, config, data=data)
                cells.append(cell.to_dict())
                if progress is not None:
                    progress(cell)
    return {
        "config": asdict(config),
        "hidden": list(HIDDEN),
        "groups": GROUPS,
        "train_size": len(data[0]),
        "test_size": len(data[2]),
        "torch_version": torch.__version__,
        "cpu_seconds": time.thread_time() - start,
        "cells": cells,
    }


def summarize(record: dict) -> list[dict]:
    """Mean, min and max test accuracy over the seeds, per (norm, batch size), and the mean accuracy of
    the same networks evaluated in train mode."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for cell in record["cells"]:
        groups.setdefault((cell["norm"], cell["batch_size"]), []).append(cell)
    rows = []
    for (norm, b), cells in groups.items():
        acc = [c["test_accuracy"] for c in cells]
        rows.append(
            {
                "norm": norm,
                "batch_size": b,
                "mean": float(np.mean(acc)),
                "min": min(acc),
                "max": max(acc),
                "train_mode_mean": float(np.mean([c["train_mode_accuracy"] for c in cells])),
                "runs": len(acc),
            }
        )
    return rows


def load_sweep(path: Path | None = None) -> dict:
    """The shipped sweep's record (:func:`run_sweep`'s result as the script wrote it)."""
    with (path or SWEEP_PATH).open(encoding="utf-8") as f:
        return json.load(f)
