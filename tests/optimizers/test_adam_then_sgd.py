"""Adam then SGD on the logistic regression: every update against torch.optim, and the switch itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.errors import InputError
from core.optimizers import adam_then_sgd
from core.optimizers._experiments import _load_breast_cancer


@pytest.fixture(scope="module")
def result():
    return adam_then_sgd(3, epochs=6, adam_lr=0.01, sgd_lr=0.1, seed=1)


def test_every_update_equals_torch_optim(result):
    assert result.torch_diff < 1e-12
    assert result.updates == 6 * 13  # 398 samples in batches of 32


def test_the_switched_run_is_adam_then_sgd(result):
    """Up to the switch the switched run is Adam's run, bit for bit; after it, it differs from both."""
    np.testing.assert_array_equal(result.train_loss[2, :4], result.train_loss[0, :4])
    assert not np.allclose(result.train_loss[2, 4:], result.train_loss[0, 4:])
    assert not np.allclose(result.train_loss[2, 4:], result.train_loss[1, 4:])


def test_the_end_points_of_the_switch():
    always_sgd = adam_then_sgd(0, epochs=3, seed=0)
    always_adam = adam_then_sgd(3, epochs=3, seed=0)
    np.testing.assert_array_equal(always_sgd.test_loss[2], always_sgd.test_loss[1])
    np.testing.assert_array_equal(always_adam.test_loss[2], always_adam.test_loss[0])


def test_a_free_running_torch_training_agrees():
    """torch.optim.Adam for 2 epochs, then torch.optim.SGD for 2, on the same batches: the same test loss."""
    result = adam_then_sgd(2, epochs=4, adam_lr=0.01, sgd_lr=0.1, seed=0)
    x, xt, y, yt = _load_breast_cancer(0)
    rng = np.random.default_rng(0)
    batches = [np.array_split(rng.permutation(398), 13) for _ in range(4)]
    w = torch.zeros(30, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    for epoch, epoch_batches in enumerate(batches):
        if epoch == 0:
            opt = torch.optim.Adam([w, b], lr=0.01)
        elif epoch == 2:
            opt = torch.optim.SGD([w, b], lr=0.1)
        for idx in epoch_batches:
            opt.zero_grad()
            z = X[idx] @ w + b
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, Y[idx]) + 0.5e-3 * (w @ w)
            loss.backward()
            opt.step()
    with torch.no_grad():
        z = torch.from_numpy(xt) @ w + b
        test = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.from_numpy(yt)).item()
    assert result.test_loss[2, -1] == pytest.approx(test, rel=1e-10)


def test_inputs_are_checked():
    with pytest.raises(InputError):
        adam_then_sgd(5, epochs=3)
    with pytest.raises(InputError):
        adam_then_sgd(1, epochs=3, sgd_lr=0.0)
    with pytest.raises(ValueError):
        adam_then_sgd(1, epochs=10_000)


def _swats_by_hand(epochs: int, eps: float, seed: int = 0) -> tuple[int | None, float, float]:
    """SWATS's test (Keskar & Socher 2017, Algorithm 1) written out over a free-running torch.optim.Adam."""
    x, _, y, _ = _load_breast_cancer(seed)
    rng = np.random.default_rng(seed)
    batches = [np.array_split(rng.permutation(398), 13) for _ in range(epochs)]
    w = torch.zeros(30, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.01)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    lam, gaps, lrs = 0.0, [], []
    for k, idx in enumerate((i for epoch in batches for i in epoch), start=1):
        before = torch.cat([w, b]).detach().clone()
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(X[idx] @ w + b, Y[idx]) + 0.5e-3 * (w @ w)
        loss.backward()
        g = torch.cat([w.grad, b.grad]).clone()
        opt.step()
        p = torch.cat([w, b]).detach() - before
        gamma = (p @ p).item() / -(p @ g).item()
        lam = 0.999 * lam + 0.001 * gamma
        lrs.append(lam / (1 - 0.999**k))
        if k > 1:
            gaps.append(abs(lrs[-1] - gamma))
            if gaps[-1] < eps:
                return k, min(gaps), lrs[-1]
    return None, min(gaps), lrs[-1]


@pytest.mark.parametrize("eps", [1e-9, 1e-3])
def test_swats_switching_test_equals_the_papers_algorithm(eps):
    """The paper's threshold (1e-9) never holds here; a loose one (1e-3) does, at the same update."""
    result = adam_then_sgd(2, epochs=10, adam_lr=0.01, seed=0, swats_eps=eps)
    step, min_gap, lr = _swats_by_hand(10, eps)
    assert result.swats_step == step
    assert result.swats_min_gap == pytest.approx(min_gap, rel=1e-8)
    assert result.swats_lr == pytest.approx(lr, rel=1e-8)
    assert (step is None) == (eps == 1e-9)
