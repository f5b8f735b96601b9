"""The ravine with noisy gradients: our SGD and momentum against torch.optim.SGD fed the same gradients,
the noise's spread across the valley against the recursion's prediction."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.errors import InputError
from core.optimizers import SURFACES, noisy_ravine


def test_noisy_runs_equal_torch_sgd_fed_the_same_gradients():
    rv = noisy_ravine(0.07, 0.9, 1.0, 400, seed=3)
    assert rv.torch_diff < 1e-12
    assert rv.compared == 400
    # an independent torch run: the same noise, drawn the same way
    eps = np.random.default_rng(3).standard_normal((400, 2))
    p = torch.tensor(SURFACES["quadratic"].start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.07 * 0.1, momentum=0.9)
    for t in range(400):
        p.grad = torch.from_numpy(SURFACES["quadratic"].gradient(p.detach().numpy()) + eps[t])
        opt.step()
    np.testing.assert_allclose(rv.paths[-1, 2], p.detach().numpy(), atol=1e-12)


def test_without_noise_the_noisy_runs_are_the_exact_one():
    rv = noisy_ravine(0.05, 0.5, 0.0, 100)
    np.testing.assert_array_equal(rv.paths[:, 0], rv.paths[:, 1])


def test_noise_keeps_sgd_oscillating_and_momentum_damps_it():
    rv = noisy_ravine(0.07, 0.9, 1.0, 4000, seed=0)
    # the exact run converges (its zigzag dies out); the noisy one keeps crossing the valley floor
    assert rv.rms_across[0] < 1e-10
    assert rv.flips[1] > 0.7 * 4000
    # the stationary spread across the valley is the recursion's, within sampling error
    assert rv.rms_across[1] == pytest.approx(rv.sgd_rms_theory, rel=0.1)
    assert rv.rms_across[2] < 0.6 * rv.rms_across[1]
    assert rv.flips[2] < rv.flips[1] / 3
    assert rv.tail_gap[2] < rv.tail_gap[1]


def test_inputs_are_checked():
    with pytest.raises(InputError):
        noisy_ravine(0.07, 1.0, 1.0, 10)
    with pytest.raises(InputError):
        noisy_ravine(0.07, 0.9, -1.0, 10)
    with pytest.raises(ValueError):
        noisy_ravine(0.07, 0.9, 1.0, 10**9)
