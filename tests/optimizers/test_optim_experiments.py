"""The notes' forms against torch.optim's, and the page's other experiments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.optimizers import (
    DIVERGENCE_BOUND,
    LEARNING_RATE_GRID,
    OPTIMIZERS,
    SETTLED_DISTANCE,
    SURFACES,
    Adadelta,
    Adagrad,
    RunSpec,
    adam_bias_correction,
    adam_counterexample,
    adam_step_sizes,
    classical_nesterov_path,
    compare_paths,
    divergence_step,
    effective_learning_rates,
    ema_momentum_path,
    logistic_regression,
    momentum_forms,
    nesterov_forms,
    run_trajectories,
    torch_trajectory,
    tune_learning_rates,
    weight_decay_forms,
)
from core.optimizers._experiments import _weight_difference

QUAD = SURFACES["quadratic"]
ROSEN = SURFACES["rosenbrock"]
RASTRIGIN = SURFACES["rastrigin"]


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


def test_diverging_runs_are_compared_only_before_they_diverge():
    """alpha = 0.05 on Rosenbrock: the runs explode to 1e100+ within ten steps. The same method in two
    forms must still pass its check (the absolute difference there used to read 5.8e+109), and the page
    gets the step where each run diverged."""
    momentum = momentum_forms(ROSEN, 0.05, 0.9, 500)
    assert momentum.scaled_diff <= 1e-9
    assert momentum.diverged["notes_ema"] is not None and momentum.diverged["torch_scaled"] is not None
    assert abs(momentum.diverged["notes_ema"] - momentum.diverged["torch_scaled"]) <= 1
    assert momentum.diverged["torch_dampened"] is not None
    # positions 0 .. (first divergence - 1) compared: that many steps
    first = min(momentum.diverged["notes_ema"], momentum.diverged["torch_dampened"])
    assert momentum.dampened_compared == first - 1
    assert np.isfinite(momentum.dampened_diff) and momentum.dampened_diff <= 2 * DIVERGENCE_BOUND
    nesterov = nesterov_forms(ROSEN, 0.05, 0.9, 500)
    assert nesterov.change_of_variable_diff <= 1e-9
    assert all(step is not None for step in nesterov.diverged.values())
    assert np.isnan(nesterov.gap_notes) and np.isnan(nesterov.gap_corrected)
    # the first step a run left the bound, by brute force
    for key, path in (("notes_ema", momentum.notes), ("torch_dampened", momentum.torch_dampened)):
        k = momentum.diverged[key]
        assert np.all(np.abs(path[:k]) <= DIVERGENCE_BOUND)
        assert not np.all(np.abs(path[k]) <= DIVERGENCE_BOUND)  # also true for NaN


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_chaotic_paths_pass_their_checks(beta):
    """Rastrigin with alpha = 1: the paths jump around chaotically without leaving the surface, so two free
    runs of the same method part by amplified rounding; the checks replay single steps and still pass."""
    momentum = momentum_forms(RASTRIGIN, 1.0, beta, 500)
    nesterov = nesterov_forms(RASTRIGIN, 1.0, beta, 500)
    bias = adam_bias_correction(RASTRIGIN, 1.0, (0.9, 0.999), 1e-8, 500)
    assert momentum.checked == nesterov.checked == bias.checked == 300
    assert max(momentum.scaled_diff, nesterov.change_of_variable_diff, bias.corrected_vs_torch) <= 1e-9


def test_compare_paths():
    a = np.array([[0.0, 0.0], [1.0, 1.0], [2e4, 1.0], [np.nan, np.nan]])
    b = np.array([[0.0, 0.0], [1.0, 1.5], [3e4, 1.0], [np.inf, 1.0]])
    result = compare_paths(a, b)
    assert (result.max_abs_diff, result.compared_steps, result.diverged_a, result.diverged_b) == (
        0.5,
        1,
        2,
        2,
    )
    assert result.check == 0.5
    # only one run diverged: not the same run, whatever their common stretch shows
    c = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    assert compare_paths(a, c).check == np.inf
    assert compare_paths(a, c).max_abs_diff == 0.0
    assert divergence_step(c) is None and divergence_step(a) == 2
    with pytest.raises(ValueError, match="same shape"):
        compare_paths(a, c[:2])


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
    effective = effective_learning_rates(ROSEN, specs, steps)
    rates = effective.rates
    assert rates.shape == (steps, 2, 2)
    # both runs replayed through torch.optim
    assert effective.checked == 100 and np.all(effective.torch_diff <= 1e-12)
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
    assert result.adam_l2_settled
    assert result.adamw_to_minimum > 0.05
    assert result.adamw_gradient > 100 * result.adam_l2_gradient
    assert result.torch_diff <= 1e-12 and result.checked == 100
    assert result.diverged == {"adam_l2": None, "adamw": None}


def test_the_l2_reference_is_the_minimum_next_to_adam_l2_not_the_global_one():
    """On Rastrigin Adam + L2 stops in a local minimum near (-3, 3): the reference point is the minimum of
    f + lambda/2 |w|^2 there (not Rastrigin's global minimum (0, 0), 4.2 away)."""
    lam = 0.1
    result = weight_decay_forms(RASTRIGIN, 0.01, lam, 3000)
    end = result.adam_l2[-1]
    assert np.linalg.norm(end - np.array([-2.98, 2.98])) < 0.01
    np.testing.assert_allclose(
        RASTRIGIN.gradient(result.l2_minimum) + lam * result.l2_minimum, 0.0, atol=1e-8
    )
    # a minimum, not a saddle: the Hessian of f + lambda/2 |w|^2 there (finite differences) is positive
    h = 1e-5
    hess = np.column_stack(
        [
            (RASTRIGIN.gradient(result.l2_minimum + h * e) - RASTRIGIN.gradient(result.l2_minimum - h * e))
            / (2 * h)
            + lam * e
            for e in np.eye(2)
        ]
    )
    assert np.all(np.linalg.eigvalsh(0.5 * (hess + hess.T)) > 0)
    assert result.adam_l2_to_minimum < SETTLED_DISTANCE and result.adam_l2_settled


def test_adam_l2_that_has_not_settled_is_reported_so():
    result = weight_decay_forms(ROSEN, 0.01, 0.1, 50)
    assert not result.adam_l2_settled
    assert result.adam_l2_to_minimum > SETTLED_DISTANCE


def test_diverging_adam_l2_has_no_reference_point():
    result = weight_decay_forms(ROSEN, 1e5, 0.1, 20)  # Adam's steps are about lr long: 1e5 leaves the surface
    assert result.diverged["adam_l2"] == 1
    assert np.isnan(result.l2_minimum).all() and not result.adam_l2_settled


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
    # the test loss is the plain cross-entropy (no penalty): recomputed here from scratch
    assert np.all(result.test_loss[:, 0] == pytest.approx(np.log(2)))


def test_logistic_torch_check_replays_steps_so_large_learning_rates_do_not_fail_it():
    # side-by-side runs drifted apart by up to 46 at these learning rates (rounding, amplified)
    specs = [
        RunSpec("RMSprop", {"lr": 10.0}),
        RunSpec("Adam", {"lr": 3.0}),
        RunSpec("NAdam", {"lr": 10.0}),
        RunSpec("Adagrad", {"lr": 5.0}),
        RunSpec("SGD", {"lr": 5.0, "momentum": 0.9, "nesterov": True}),
        RunSpec("Adadelta", {"lr": 50.0}),
    ]
    result = logistic_regression(specs, epochs=30)
    assert result.torch_diff <= 1e-10


def test_logistic_test_loss_has_no_penalty():
    from core.optimizers._experiments import _load_breast_cancer, _logistic_loss

    _, x_test, _, y_test = _load_breast_cancer(0)
    w, b = np.full(30, 0.05), np.array([0.1])
    z = x_test @ w + b[0]
    p = 1 / (1 + np.exp(-z))
    cross_entropy = -np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p))
    assert _logistic_loss(w, b, x_test, y_test, 0.0) == pytest.approx(cross_entropy, rel=1e-12)


def test_a_nan_weight_is_a_mismatch_unless_both_runs_have_it():
    a = np.array([1.0, np.nan, np.inf])
    assert _weight_difference(a, np.array([1.0, 2.0, np.inf])) == np.inf
    assert _weight_difference(a, np.array([1.0, np.nan, -np.inf])) == np.inf
    assert _weight_difference(a, np.array([1.5, np.nan, np.inf])) == 0.5
    # a diverging model run: ours and torch overflow at the same weights; the check stays a number
    result = logistic_regression([RunSpec("SGD", {"lr": 1e6})], epochs=2)
    assert np.isfinite(result.torch_diff)


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


def test_adadelta_effective_learning_rate_is_built_from_its_own_updates():
    """Adadelta's rate lr * sqrt(u_{t-1} + eps) / sqrt(v_t + eps), from the reference class's state: it starts
    near sqrt(eps) and grows with the updates made (no learning rate to decay)."""
    specs = [RunSpec("Adadelta", {"lr": 1.0})]
    steps = 300
    effective = effective_learning_rates(ROSEN, specs, steps)
    assert np.all(effective.torch_diff <= 1e-12)
    path = run_trajectories(ROSEN, specs, steps).positions[:, 0]
    x = path[0].copy()
    opt = Adadelta([x], lr=1.0)
    for t in range(steps):
        before = opt.state[0].get("acc_delta", np.zeros(2)).copy()
        opt.step([ROSEN.gradient(path[t])])
        expected = np.sqrt(before + 1e-6) / np.sqrt(opt.state[0]["square_avg"] + 1e-6)
        np.testing.assert_allclose(effective.rates[t, 0], expected, rtol=1e-12)
    assert effective.rates[-1, 0].min() > 10 * effective.rates[0, 0].max()


def test_adam_step_sizes_are_about_lr_and_blind_to_the_gradients_scale():
    """Adam's step on f and on c * f: at most about lr on a surface, the paths equal up to eps's share,
    the bound (1 - b1) / sqrt(1 - b2) nearly reached by a sparse gradient, and torch.optim.Adam replayed."""
    res = adam_step_sizes(QUAD, 0.1, (0.9, 0.999), 1e-8, 1000.0, 300)
    assert res.torch_diff < 1e-12 and res.checked > 0
    assert res.step_over_lr.max() <= 1.0 + 1e-9 and res.scaled_step_over_lr.max() <= 1.0 + 1e-9
    assert res.path_diff < 1e-8 and res.compared == 300
    assert res.bound == pytest.approx(0.1 / np.sqrt(0.001))
    assert 3.0 < res.sparse_step_over_lr < res.bound
    tiny = adam_step_sizes(QUAD, 0.1, (0.9, 0.999), 1e-8, 1e-7, 300)
    assert tiny.path_diff > 1e-3  # gradients near eps: the invariance is gone
    with pytest.raises(ValueError, match="scale must be"):
        adam_step_sizes(QUAD, 0.1, (0.9, 0.999), 1e-8, 0.0, 10)
