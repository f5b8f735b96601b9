"""Batch, stochastic and mini-batch gradient descent on the logistic regression: against torch.optim.SGD
over a DataLoader, against autograd, and the spread of a mini-batch gradient against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from core.budget import OverBudget
from core.errors import InputError
from core.optimizers import batch_size_runs, gradient_spread, sample_gradients
from core.optimizers._experiments import _load_breast_cancer


@pytest.fixture(scope="module")
def runs():
    return batch_size_runs((1, 7, 32, 398), 2, 0.1)


def test_minibatch_sgd_equals_torch_sgd_over_a_dataloader(runs):
    assert runs.torch_diff < 1e-12
    # every update of every batch size was compared: ceil(398 / b) per epoch
    assert runs.torch_steps == 2 * sum(-(-398 // b) for b in (1, 7, 32, 398))
    assert [len(s) - 1 for s in runs.steps] == [2 * -(-398 // b) for b in (1, 7, 32, 398)]
    # every epoch processes every sample once, whatever the batch size
    for samples in runs.samples:
        assert samples[-1] == 2 * 398


def test_full_batch_is_gradient_descent_on_the_objective(runs):
    """The full batch's two updates are gradient descent on the whole objective (autograd's)."""
    x, _, y, _ = _load_breast_cancer(0)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.zeros(30, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(3):
        z = xt @ w + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yt) + 0.5e-3 * (w @ w)
        losses.append(loss.item())
        gw, gb = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w -= 0.1 * gw
            b -= 0.1 * gb
    np.testing.assert_allclose(runs.epoch_loss[-1], losses, rtol=1e-12)
    np.testing.assert_allclose(runs.train_loss[-1], losses, rtol=1e-12)


def test_sample_gradients_are_autograds():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(9, 4)), (rng.random(9) > 0.5).astype(float)
    w, b = rng.normal(size=4), 0.3
    ours = sample_gradients(w, b, x, y)
    for i in range(9):
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor([b], dtype=torch.float64, requires_grad=True)
        z = torch.from_numpy(x[i]) @ wt + bt
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor([y[i]]))
        gw, gb = torch.autograd.grad(loss, [wt, bt])
        np.testing.assert_allclose(ours[i], np.concatenate([gw.numpy(), gb.numpy()]), rtol=1e-12, atol=1e-15)


def test_spread_formula_is_the_exact_mean_over_every_batch():
    """S^2 / b (1 - b / n) equals the mean of |g_B - g|^2 over all C(n, b) batches (brute force)."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(7, 3))
    full = grads.mean(axis=0)
    spread = gradient_spread(grads, [1, 2, 3, 7], draws=1, rng=np.random.default_rng(0))
    for b, formula in zip(spread.batch_sizes, spread.formula, strict=True):
        exact = np.mean(
            [np.sum((grads[list(c)].mean(axis=0) - full) ** 2) for c in itertools.combinations(range(7), b)]
        )
        assert formula == pytest.approx(exact, rel=1e-12, abs=1e-15)
    assert spread.formula[-1] == 0.0


def test_measured_spread_agrees_with_the_formula():
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 4))
    spread = gradient_spread(grads, [1, 5, 20], draws=20_000, rng=np.random.default_rng(2))
    np.testing.assert_allclose(spread.measured, spread.formula, rtol=0.05)


def test_spread_falls_with_the_batch_size(runs):
    assert np.all(np.diff(runs.spread.formula) < 0)
    assert np.all(np.diff(runs.step_spread) < 0)
    assert runs.step_spread[-1] < 1e-25  # the full batch's gradient is the full gradient


def test_inputs_are_checked():
    with pytest.raises(OverBudget):
        batch_size_runs((1, 398), 100, 0.1)
    with pytest.raises(InputError):
        batch_size_runs((8, 8), 1, 0.1)
    with pytest.raises(InputError):
        batch_size_runs((8,), 1, -0.1)
    with pytest.raises(InputError):
        batch_size_runs((0,), 1, 0.1)


def test_the_check_holds_at_the_largest_learning_rate():
    """lr 10 with batch size 1: an unstable path; every update is replayed from our weights, and checked."""
    runs = batch_size_runs((1, 398), 2, 10.0)
    assert runs.torch_diff < 1e-10
