"""The notes' forms against torch.optim's, and the page's other experiments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.optim_experiments import (
    LEARNING_RATE_GRID,
    adam_bias_correction,
    adam_counterexample,
    classical_nesterov_path,
    effective_learning_rates,
    ema_momentum_path,
    logistic_regression,
    momentum_forms,
    nesterov_forms,
    tune_learning_rates,
    weight_decay_forms,
)
from core.optim_reference import torch_trajectory
from core.optimizers import OPTIMIZERS, Adagrad
from core.surfaces import SURFACES, RunSpec, run_trajectories

QUAD = SURFACES["quadratic"]
ROSEN = SURFACES["rosenbrock"]


class GradientSequence:
    """Gradients that ignore the position: g_t from a fixed list, so two methods see the same g_1, g_2, ..."""

    def __init__(self, steps, seed=0):
        self.g = np.random.default_rng(seed).normal(size=(steps + 1, 2))
        self.t = 0

    def __call__(self, _w, t=None):
        if t is None:
            self.t += 1
            t = self.t
        return self.g[t]


# --- momentum ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_ema_momentum_is_torch_sgd_with_scaled_lr_exactly(beta):
    alpha, steps = 0.05, 300
    grads = GradientSequence(steps)
    notes = ema_momentum_path(grads, np.zeros(2), alpha, beta, steps)
    torch_path = torch_trajectory(
        RunSpec("SGD", {"lr": alpha * (1 - beta), "momentum": beta}), np.zeros(2), grads, steps
    )
    np.testing.assert_allclose(notes, torch_path, rtol=1e-12, atol=1e-12)


def test_ema_momentum_equals_torch_on_a_surface():
    result = momentum_forms(QUAD, 0.02, 0.9, 400)
    assert result.scaled_diff <= 1e-12
    assert result.dampened_diff > 1e-3  # a real, visible difference


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_dampening_differs_from_the_notes_only_through_the_first_step(beta):
    r"""torch's dampened buffer d_1 = g_1 vs the notes' m_1 = (1-b) g_1; afterwards the same recursion.

    So d_t - m_t = b^t g_1 and the positions differ by exactly -alpha g_1 sum_{s<=t} b^s.
    """
    alpha, steps = 0.05, 200
    grads = GradientSequence(steps, seed=1)
    notes = ema_momentum_path(grads, np.zeros(2), alpha, beta, steps)
    dampened = torch_trajectory(
        RunSpec("SGD", {"lr": alpha, "momentum": beta, "dampening": beta}), np.zeros(2), grads, steps
    )
    powers = np.concatenate([[0.0], np.cumsum(beta ** np.arange(1, steps + 1))])
    expected = notes - alpha * powers[:, None] * grads.g[1]
    np.testing.assert_allclose(dampened, expected, rtol=1e-11, atol=1e-12)
    # the first step is 1/(1 - b) times the notes' first step
    np.testing.assert_allclose(dampened[1], notes[1] / (1 - beta), rtol=1e-13)


def test_momentum_first_step_ratio():
    result = momentum_forms(ROSEN, 1e-3, 0.9, 50)
    assert result.first_step_ratio == pytest.approx(10.0, rel=1e-12)


# --- Nesterov ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("surface", ["quadratic", "rosenbrock", "beale"])
def test_classical_nesterov_is_torchs_after_the_change_of_variable(surface):
    surf = SURFACES[surface]
    alpha = surf.learning_rates["SGD"]
    result = nesterov_forms(surf, alpha, 0.9, 300)
    scale = max(1.0, float(np.abs(result.torch).max()))
    assert result.change_of_variable_diff <= 1e-12 * scale
    # the corrected look-ahead (c = beta) is the classical method with lr = alpha (1 - beta), mu = beta
    np.testing.assert_allclose(result.corrected, result.classical, rtol=1e-10, atol=1e-12)
    assert result.overshoot == pytest.approx(1 / 0.9 - 1)
    assert result.notes_vs_corrected > 1e-6  # the notes' look-ahead point changes the path


def test_classical_nesterov_against_torch_with_fixed_gradients():
    """Gradients that ignore the position: torch's parameters are phi_t = theta_t + mu v_t."""
    steps, lr, mu = 100, 0.1, 0.8
    grads = GradientSequence(steps, seed=3)
    thetas, vs = classical_nesterov_path(grads, np.zeros(2), lr, mu, steps)
    grads.t = 0
    torch_path = torch_trajectory(
        RunSpec("SGD", {"lr": lr, "momentum": mu, "nesterov": True}), np.zeros(2), grads, steps
    )
    np.testing.assert_allclose(torch_path, thetas + mu * vs, rtol=1e-12, atol=1e-13)


# --- Adam's bias correction -------------------------------------------------------------------------------


def test_adam_bias_correction():
    result = adam_bias_correction(ROSEN, 0.05, (0.9, 0.999), 1e-8, 300)
    assert result.corrected_vs_torch <= 1e-12
    assert result.step_ratio[0] == pytest.approx(0.1 / np.sqrt(0.001))
    # the first uncorrected step is (1 - b1) / sqrt(1 - b2) times the corrected one (eps aside)
    assert result.step_lengths[0, 1] / result.step_lengths[0, 0] == pytest.approx(
        0.1 / np.sqrt(0.001), rel=1e-6
    )
    assert np.max(np.abs(result.uncorrected - result.corrected)) > 1e-2


# --- AdaGrad ----------------------------------------------------------------------------------------------


def test_adagrad_effective_learning_rate_only_shrinks_and_matches_the_class():
    specs = [RunSpec("Adagrad", {"lr": 0.5, "lr_decay": 0.01}), RunSpec("RMSprop", {"lr": 0.01})]
    steps = 400
    rates = effective_learning_rates(ROSEN, specs, steps)
    assert rates.shape == (steps, 2, 2)
    assert np.all(np.diff(rates[:, 0], axis=0) <= 0)
    assert np.any(np.diff(rates[:, 1], axis=0) > 0)  # RMSprop's can grow again
    # same numbers from the reference class's state
    path = run_trajectories(ROSEN, specs[:1], steps).positions[:, 0]
    x = path[0].copy()
    opt = Adagrad([x], lr=0.5, lr_decay=0.01)
    for t in range(steps):
        opt.step([ROSEN.gradient(path[t])])
        expected = 0.5 / (1 + t * 0.01) / (np.sqrt(opt.state[0]["sum"]) + 1e-10)
        np.testing.assert_allclose(rates[t, 0], expected, rtol=1e-12)


def test_effective_learning_rates_rejects_other_optimizers():
    with pytest.raises(ValueError, match="takes Adagrad and uncentred RMSprop runs, got Adam"):
        effective_learning_rates(ROSEN, [RunSpec("Adam")], 10)


# --- Adam's non-convergence -------------------------------------------------------------------------------


def test_adam_goes_to_the_worst_point_and_amsgrad_to_the_best():
    result = adam_counterexample(3.0, 0.02, 1500)
    assert result.adam[-1] == pytest.approx(1.0)
    assert result.amsgrad[-1] <= -0.95
    assert result.adam_regret > 0.5 > 0.1 > result.amsgrad_regret
    assert result.torch_diff <= 1e-12


def test_counterexample_needs_c_above_two():
    with pytest.raises(ValueError, match="C must be a number above 2"):
        adam_counterexample(2.0)


# --- AdamW ------------------------------------------------------------------------------------------------


def test_adam_l2_settles_at_the_l2_minimum_and_adamw_elsewhere():
    result = weight_decay_forms(ROSEN, 0.01, 0.1, 6000)
    # scipy's minimum of f + lambda/2 |w|^2 is stationary
    np.testing.assert_allclose(ROSEN.gradient(result.l2_minimum) + 0.1 * result.l2_minimum, 0.0, atol=1e-8)
    assert result.adam_l2_to_minimum < 1e-3
    assert result.adamw_to_minimum > 0.05


def test_sgd_weight_decay_is_decoupled_decay():
    """For SGD the L2 form and the decoupled form are one update: theta <- (1 - lr lambda) theta - lr g."""
    lr, wd, steps = 1e-3, 0.5, 200
    path = run_trajectories(ROSEN, [RunSpec("SGD", {"lr": lr, "weight_decay": wd})], steps).positions[:, 0]
    w = np.array(ROSEN.start)
    for t in range(steps):
        w = (1 - lr * wd) * w - lr * ROSEN.gradient(w)
        np.testing.assert_allclose(path[t + 1], w, rtol=1e-12)


# --- fair comparison --------------------------------------------------------------------------------------


def test_tuning_picks_the_best_grid_point_by_brute_force():
    specs = [RunSpec("SGD", {"momentum": 0.9}), RunSpec("Adam")]
    grid = np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    steps = 200
    result = tune_learning_rates(ROSEN, specs, steps, grid=grid)
    for k, spec in enumerate(specs):
        for j, lr in enumerate(grid):
            run = run_trajectories(
                ROSEN, [RunSpec(spec.optimizer, {**spec.hyperparameters, "lr": lr})], steps
            )
            score = run.gap[-20:, 0].mean()
            expected = score if np.isfinite(score) else np.inf
            assert (
                result.scores[k, j] == pytest.approx(expected, rel=1e-12) or result.scores[k, j] == expected
            )
        assert result.best_lr[k] == grid[np.argmin(result.scores[k])]
    assert np.isinf(result.scores[0, -1])  # SGD with lr 1 diverges on Rosenbrock
    assert result.at_edge.tolist() == [
        bool(result.best_lr[0] in (1e-4, 1.0)),
        bool(result.best_lr[1] in (1e-4, 1.0)),
    ]


def test_tuning_every_optimizer_on_the_quadratic():
    result = tune_learning_rates(QUAD, [RunSpec(name) for name in OPTIMIZERS], 300)
    assert result.scores.shape == (len(OPTIMIZERS), LEARNING_RATE_GRID.size)
    assert np.all(result.best_score < 0.1)


def test_tuning_validates():
    with pytest.raises(ValueError, match="choose at least one"):
        tune_learning_rates(QUAD, [], 10)
    with pytest.raises(ValueError, match="grid must be a list of positive learning rates"):
        tune_learning_rates(QUAD, [RunSpec("SGD")], 10, grid=np.array([0.1, -1.0]))


# --- logistic regression ----------------------------------------------------------------------------------


def test_logistic_regression_trains_and_matches_torch():
    specs = [
        RunSpec("SGD", {"lr": 0.1, "momentum": 0.9}),
        RunSpec("Adam", {"lr": 0.01}),
        RunSpec("NAdam", {"lr": 0.01}),
    ]
    result = logistic_regression(specs, epochs=8)
    assert result.train_loss.shape == (3, 9) and result.test_loss.shape == (3, 9)
    np.testing.assert_allclose(result.train_loss[:, 0], np.log(2) + 0.0)  # w = 0, b = 0: p = 1/2
    assert np.all(result.train_loss[:, -1] < 0.2)
    assert np.all(
        result.train_loss[:, -1] >= result.reference_train_loss - 1e-9
    )  # the reference is the minimum
    assert np.all(result.test_accuracy > 0.9)
    assert result.torch_diff <= 1e-10


def test_logistic_reference_is_the_objectives_minimum():
    """A long full-batch Adam run gets down to scikit-learn's minimum of the same objective."""
    full_batch = logistic_regression(
        [RunSpec("Adam", {"lr": 0.1})], epochs=400, batch_size=10_000, check_with_torch=False
    )
    assert full_batch.train_loss[0, -1] == pytest.approx(full_batch.reference_train_loss, abs=1e-4)


def test_logistic_regression_validates():
    with pytest.raises(ValueError, match="epochs must be a positive whole number"):
        logistic_regression([RunSpec("SGD")], epochs=0)
    with pytest.raises(ValueError, match=r"Invalid learning rate: -1\.0"):
        logistic_regression([RunSpec("SGD", {"lr": -1.0})], epochs=1, check_with_torch=False)


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)
