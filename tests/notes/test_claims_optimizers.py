"""The notes' claims on optimizers ("深度学习优化算法对比"), settled by numbers: each test is named by a
claim of ``data/notes/claims.json`` (ids ``opt-...``) and compares the notes' formula, or the verified
statement, with ``torch.optim`` (float64) or with a brute-force computation, at explicit tolerances."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import torch

from core.optimizers import SURFACES, adam_counterexample, momentum_forms, nesterov_forms


def _torch_steps(cls, grads, **hyper) -> tuple[list[np.ndarray], torch.optim.Optimizer]:
    """``cls`` on one parameter (starting at 0) fed the gradients ``grads`` in turn: the parameter after
    every step, and the optimizer (its state)."""
    p = torch.zeros(np.shape(grads[0]), dtype=torch.float64, requires_grad=True)
    opt = cls([p], **hyper)
    points = []
    for g in grads:
        p.grad = torch.as_tensor(np.asarray(g, dtype=float)).clone()
        opt.step()
        points.append(p.detach().numpy().copy())
    return points, opt


def _torch_run(cls, grad_fn, x0, steps, **hyper) -> np.ndarray:
    """``cls`` on the parameter ``x0`` with the exact gradient ``grad_fn(x)``: the path, (steps + 1, dim)."""
    p = torch.tensor(np.asarray(x0, dtype=float), requires_grad=True)
    opt = cls([p], **hyper)
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.as_tensor(grad_fn(p.detach().numpy().copy()))
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


# --- the top of the part: moments, the chain ----------------------------------------------------------------


def test_moments_are_linear_combinations():
    """opt-first-moment-linear, opt-second-moment-linear: torch's SGD buffer and Adam's two averages are
    fixed-weight sums of the gradients (of their squares); AMSGrad's maximum is not."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(30, 3))
    t, mu, b1, b2 = len(grads), 0.9, 0.9, 0.999
    _, sgd = _torch_steps(torch.optim.SGD, grads, lr=0.01, momentum=mu)
    buffer = sgd.state[sgd.param_groups[0]["params"][0]]["momentum_buffer"].numpy()
    weights = mu ** np.arange(t - 1, -1, -1)
    np.testing.assert_allclose(buffer, weights @ grads, rtol=1e-12)
    _, adam = _torch_steps(torch.optim.Adam, grads, lr=0.01)
    state = adam.state[adam.param_groups[0]["params"][0]]
    np.testing.assert_allclose(
        state["exp_avg"].numpy(), (1 - b1) * (b1 ** np.arange(t - 1, -1, -1)) @ grads, rtol=1e-12
    )
    np.testing.assert_allclose(
        state["exp_avg_sq"].numpy(), (1 - b2) * (b2 ** np.arange(t - 1, -1, -1)) @ grads**2, rtol=1e-12
    )
    # AMSGrad keeps the running maximum of v: not a linear combination (scaling one gradient breaks it)
    _, ams = _torch_steps(torch.optim.Adam, grads, lr=0.01, amsgrad=True)
    v_max = ams.state[ams.param_groups[0]["params"][0]]["max_exp_avg_sq"].numpy()
    v_all = np.array([(1 - b2) * (b2 ** np.arange(k - 1, -1, -1)) @ grads[:k] ** 2 for k in range(1, t + 1)])
    np.testing.assert_allclose(v_max, v_all.max(axis=0), rtol=1e-12)


def test_momentum_speeds_up_a_constant_slope():
    """opt-inertia-steep, opt-momentum-steep: on a constant gradient torch's momentum step grows to
    lr * g / (1 - mu), ten times plain SGD's for mu = 0.9; the notes' averaged form only reaches alpha * g."""
    g, lr, beta, steps = 2.0, 0.01, 0.9, 200
    sgd, _ = _torch_steps(torch.optim.SGD, [np.array([g])] * steps, lr=lr)
    heavy, _ = _torch_steps(torch.optim.SGD, [np.array([g])] * steps, lr=lr, momentum=beta)
    plain_step = abs(sgd[-1][0] - sgd[-2][0])
    momentum_step = abs(heavy[-1][0] - heavy[-2][0])
    assert momentum_step / plain_step == pytest.approx(1 / (1 - beta), rel=1e-8)
    m = 0.0  # the notes' EMA: m_t -> g, so the step alpha * m_t -> alpha * g (plain SGD's)
    for _ in range(steps):
        m = beta * m + (1 - beta) * g
    assert lr * m == pytest.approx(plain_step, rel=1e-8)


def test_adamw_is_not_adam_with_l2():
    """opt-chain: AdamW (decoupled weight decay) shrinks the weights outside Adam's division by sqrt(v);
    Adam's weight_decay adds lambda * w to the gradient. Different updates; equal for plain SGD."""
    quad = SURFACES["quadratic"]
    grad = lambda x: np.asarray(quad.gradient(np.asarray(x)), dtype=float)  # noqa: E731
    x0, lr, wd = (-2.0, 2.5), 0.01, 0.5
    adam_l2 = _torch_run(torch.optim.Adam, grad, x0, 300, lr=lr, weight_decay=wd)
    adamw = _torch_run(torch.optim.AdamW, grad, x0, 300, lr=lr, weight_decay=wd)
    assert np.abs(adam_l2 - adamw).max() > 1e-2
    # AdamW = shrink by (1 - lr * wd), then Adam's step without decay (one step from the same state)
    p = torch.tensor([0.7, -0.3], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd)
    p.grad = torch.tensor([0.2, 0.4], dtype=torch.float64)
    opt.step()
    adam_step = lr * np.sign([0.2, 0.4]) / (1 + 1e-8 / np.abs([0.2, 0.4]))  # first Adam step: lr * g / |g|
    np.testing.assert_allclose(
        p.detach().numpy(), np.array([0.7, -0.3]) * (1 - lr * wd) - adam_step, atol=1e-15
    )
    sgd_l2 = _torch_run(torch.optim.SGD, grad, x0, 100, lr=lr, weight_decay=wd)
    sgd_then_shrink = [np.array(x0)]
    for _ in range(100):
        x = sgd_then_shrink[-1]
        sgd_then_shrink.append(x - lr * (grad(x) + wd * x))
    np.testing.assert_allclose(sgd_l2, np.array(sgd_then_shrink), atol=1e-12)


# --- the framework ------------------------------------------------------------------------------------------


def test_adam_is_the_notes_formula_with_bias_correction():
    """opt-framework-step, opt-adam-moments, opt-adam-bias-correction, opt-adam-update: torch's Adam is
    w - alpha * m_hat / (eps + sqrt(v_hat)) exactly (to rounding); the framework's alpha * m / sqrt(V)
    without bias correction and eps is not (its first step is (1 - b1) / sqrt(1 - b2) = 3.16 times as
    large)."""
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 4))
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    points, _ = _torch_steps(torch.optim.Adam, grads, lr=lr)
    w, m, v = np.zeros(4), np.zeros(4), np.zeros(4)
    plain = np.zeros(4)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (eps + np.sqrt(v_hat))
        np.testing.assert_allclose(points[t - 1], w, rtol=1e-10, atol=1e-15)
        if t == 1:
            plain = -lr * m / np.sqrt(v)
    np.testing.assert_allclose(np.abs(plain) / np.abs(points[0]), (1 - b1) / math.sqrt(1 - b2), rtol=1e-6)


def test_torch_defaults():
    """opt-momentum-beta, opt-beta2-0999, opt-adam-defaults: the defaults the notes quote, as torch has
    them."""

    def defaults(cls):
        return {k: p.default for k, p in inspect.signature(cls.__init__).parameters.items()}

    adam = defaults(torch.optim.Adam)
    assert (adam["lr"], adam["betas"], adam["eps"]) == (1e-3, (0.9, 0.999), 1e-8)
    assert defaults(torch.optim.SGD)["momentum"] == 0  # off unless set; 0.9 is the usual choice
    assert defaults(torch.optim.RMSprop)["alpha"] == 0.99  # not 0.999
    assert (defaults(torch.optim.Adadelta)["rho"], defaults(torch.optim.Adadelta)["lr"]) == (0.9, 1.0)
    assert defaults(torch.optim.Adagrad)["eps"] == 1e-10


# --- batch and stochastic gradient descent ------------------------------------------------------------------


def _logistic_data(n: int = 96, d: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.normal(size=(n, d)))
    y = torch.as_tensor((rng.random(n) < 0.5).astype(float))
    return x, y


def _mean_loss_grad(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    w = w.detach().clone().requires_grad_(True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(x @ w, y)
    loss.backward()
    return w.grad.numpy()


def test_full_batch_gradient_is_the_mean_of_sample_gradients():
    """opt-batch-all-samples: batch gradient descent's gradient (of the mean loss over all samples) is the
    mean of the per-sample gradients; one update per pass over the data."""
    x, y = _logistic_data()
    w = torch.as_tensor(np.random.default_rng(2).normal(size=x.shape[1]))
    full = _mean_loss_grad(w, x, y)
    per_sample = np.array([_mean_loss_grad(w, x[i : i + 1], y[i : i + 1]) for i in range(len(y))])
    np.testing.assert_allclose(full, per_sample.mean(axis=0), rtol=1e-12, atol=1e-15)


def test_minibatch_gradient_is_unbiased():
    """opt-sgd-random: a mini-batch gradient is a noisy estimate of the full gradient whose average over
    the batches of a shuffled epoch (equal sizes) is the full gradient exactly."""
    x, y = _logistic_data()
    w = torch.as_tensor(np.random.default_rng(3).normal(size=x.shape[1]))
    full = _mean_loss_grad(w, x, y)
    order = np.random.default_rng(4).permutation(len(y))
    batches = [order[i : i + 16] for i in range(0, len(y), 16)]
    grads = np.array([_mean_loss_grad(w, x[b], y[b]) for b in batches])
    np.testing.assert_allclose(grads.mean(axis=0), full, rtol=1e-12, atol=1e-15)
    assert np.abs(grads - full).max() > 1e-3  # each batch's gradient alone is off: the noise


def test_plain_sgd_step():
    """opt-sgd-no-momentum, opt-sgd-step: torch's SGD without momentum steps by exactly lr * g."""
    rng = np.random.default_rng(5)
    grads = rng.normal(size=(10, 3))
    points, _ = _torch_steps(torch.optim.SGD, grads, lr=0.05)
    np.testing.assert_allclose(points[-1], -0.05 * grads.sum(axis=0), rtol=1e-12)


def test_gradient_descent_zigzags_on_an_ill_conditioned_valley():
    """opt-sgd-slow-oscillate, opt-momentum-damps: with exact gradients (no sampling) on the page's
    quadratic (curvatures 1 and 25), gradient descent at a learning rate close to the steep direction's
    limit 2/25 flips sign across the valley at every step and crawls along it; momentum gets much closer in
    the same number of steps."""
    quad = SURFACES["quadratic"]
    grad = lambda x: np.asarray(quad.gradient(np.asarray(x)), dtype=float)  # noqa: E731
    x0, steps = (-2.0, 2.5), 100
    gd = _torch_run(torch.optim.SGD, grad, x0, steps, lr=0.075)
    phi = math.radians(30)
    v = -(gd[:, 0] - 1) * math.sin(phi) + (gd[:, 1] - 1) * math.cos(phi)  # the steep coordinate
    u = (gd[:, 0] - 1) * math.cos(phi) + (gd[:, 1] - 1) * math.sin(phi)  # along the valley
    assert (np.sign(v[1:21]) != np.sign(v[:20])).all()  # zigzag: the sign flips at every step
    assert abs(u[steps]) > 1e-4  # still on its way along the valley: (1 - 0.075)^100 = 4e-4 of the start
    # heavy ball tuned for curvatures 1 and 25: lr = 4 / (1 + 5)^2, momentum = ((5 - 1) / (5 + 1))^2
    heavy = _torch_run(torch.optim.SGD, grad, x0, steps, lr=4 / 36, momentum=(4 / 6) ** 2)
    f = lambda p: float(quad.gap(np.asarray(p)))  # noqa: E731
    assert f(heavy[steps]) < 1e-6 * f(gd[steps])


# --- momentum and Nesterov ----------------------------------------------------------------------------------


def test_notes_ema_momentum_is_torch_sgd_with_scaled_lr():
    """opt-momentum-formula: the notes' m_t = b m_{t-1} + (1 - b) g_t, w -= alpha m_t is torch's
    SGD(lr=alpha (1 - b), momentum=b) exactly; dampening=b starts at g_1 and its first step is 1/(1 - b)
    times the notes'."""
    quad = SURFACES["quadratic"]
    grad = lambda x: np.asarray(quad.gradient(np.asarray(x)), dtype=float)  # noqa: E731
    alpha, beta, steps, x0 = 0.05, 0.9, 200, np.array([-2.0, 2.5])
    w, m, notes = x0.copy(), np.zeros(2), [x0.copy()]
    for _ in range(steps):
        m = beta * m + (1 - beta) * grad(w)
        w = w - alpha * m
        notes.append(w.copy())
    scaled = _torch_run(torch.optim.SGD, grad, x0, steps, lr=alpha * (1 - beta), momentum=beta)
    np.testing.assert_allclose(scaled, np.array(notes), atol=1e-12)
    dampened = _torch_run(torch.optim.SGD, grad, x0, steps, lr=alpha, momentum=beta, dampening=beta)
    ratio = np.linalg.norm(dampened[1] - x0) / np.linalg.norm(notes[1] - x0)
    assert ratio == pytest.approx(1 / (1 - beta), rel=1e-12)
    # the core's experiment (what the page draws) agrees
    forms = momentum_forms(quad, alpha, beta, steps, tuple(x0))
    assert forms.scaled_diff < 1e-9 and forms.first_step_ratio == pytest.approx(10.0, rel=1e-12)


def test_notes_nesterov_looks_too_far():
    """opt-nesterov-formula: the momentum part of the step is alpha * beta * m_{t-1}, so the look-ahead
    is w - alpha * beta * m_{t-1} (1/beta times nearer than the notes'); with it the notes' recursion is
    classical Nesterov, whose points theta + mu v torch's SGD(nesterov=True) visits."""
    quad = SURFACES["quadratic"]
    forms = nesterov_forms(quad, 0.05, 0.9, 300, (-2.0, 2.5))
    assert forms.overshoot == pytest.approx(1 / 0.9 - 1, rel=1e-12)
    np.testing.assert_allclose(forms.corrected, forms.classical, atol=1e-10)
    assert forms.notes_vs_corrected > 1e-3  # the notes' look-ahead is another path


def test_torch_nesterov_is_classical_nesterov_after_a_change_of_variable():
    """opt-nesterov-into-sgdm: torch stores the look-ahead point phi = theta + mu v as the parameter, so the
    gradient it needs is the one at the stored parameters: its path is classical Nesterov's phi_t."""
    forms = nesterov_forms(SURFACES["rosenbrock"], 5e-4, 0.9, 300, (-1.5, 2.0))
    assert forms.change_of_variable_diff < 1e-9
    np.testing.assert_allclose(forms.torch, forms.lookahead_points, atol=1e-9)


# --- AdaGrad ------------------------------------------------------------------------------------------------


def test_adagrad_state_is_the_sum_of_squares():
    """opt-adagrad-sum, opt-adagrad-delta: torch's Adagrad keeps initial_accumulator_value + sum g^2 and
    steps by lr * g / (sqrt(sum) + eps), eps outside the root."""
    rng = np.random.default_rng(6)
    grads = rng.normal(size=(20, 3))
    lr, eps = 0.1, 1e-10
    points, opt = _torch_steps(torch.optim.Adagrad, grads, lr=lr, eps=eps)
    state = opt.state[opt.param_groups[0]["params"][0]]["sum"].numpy()
    np.testing.assert_allclose(state, (grads**2).sum(axis=0), rtol=1e-12)
    w, total = np.zeros(3), np.zeros(3)
    for g in grads:
        total += g**2
        w = w - lr * g / (np.sqrt(total) + eps)
    np.testing.assert_allclose(points[-1], w, rtol=1e-12)


def test_adagrad_scales_by_gradient_size_not_frequency():
    """opt-adagrad-idea: a coordinate updated at every step with small gradients keeps a larger learning
    rate than one updated once in ten steps with large ones: AdaGrad measures size, not frequency."""
    steps = 100
    grads = [np.array([0.01, 1.0 if t % 10 == 0 else 0.0]) for t in range(steps)]
    _, opt = _torch_steps(torch.optim.Adagrad, grads, lr=0.1)
    total = opt.state[opt.param_groups[0]["params"][0]]["sum"].numpy()
    rate = 0.1 / (np.sqrt(total) + 1e-10)
    assert rate[0] > 3 * rate[1]  # the frequent, small one: lr / 0.1; the rare, large one: lr / sqrt(10)


def test_adagrad_rate_decays_like_one_over_sqrt_t():
    """opt-adagrad-fast-zero, opt-prob-adagrad-decreasing: with a steady gradient AdaGrad's effective rate
    is lr / (|g| sqrt(t)): it only falls, but slowly (a tenth after 100 steps)."""
    g, lr, steps = 0.5, 0.1, 10_000
    _, opt = _torch_steps(torch.optim.Adagrad, [np.array([g])] * 100, lr=lr)
    total = opt.state[opt.param_groups[0]["params"][0]]["sum"].numpy()[0]
    assert lr / (math.sqrt(total) + 1e-10) == pytest.approx(lr / (g * math.sqrt(100)), rel=1e-9)
    rates = lr / (g * np.sqrt(np.arange(1, steps + 1)))
    assert (np.diff(rates) < 0).all() and rates[-1] / rates[0] == pytest.approx(0.01)


def test_a_learning_rate_that_vanishes_too_fast_stalls():
    """opt-prob-lr-to-zero-converges: a learning rate that goes to zero does not make gradient descent
    converge by itself: on f = x^2 / 2 from x = 1 with lr_t = 0.5^t the iterate stops near 0.29 (the product
    of (1 - 0.5^t)), while AdaGrad's 1/sqrt(t) decay still reaches the minimum."""
    x = 1.0
    for t in range(1, 200):
        x -= 0.5**t * x
    assert x == pytest.approx(np.prod(1 - 0.5 ** np.arange(1, 200)), rel=1e-12) and x > 0.28
    ada = _torch_run(torch.optim.Adagrad, lambda w: w.copy(), [1.0], 2000, lr=0.5)
    assert abs(ada[-1][0]) < 1e-6


# --- AdaDelta / RMSProp -------------------------------------------------------------------------------------


def test_adadelta_is_not_rmsprop():
    """opt-adadelta-not-rmsprop: torch's Adadelta is Zeiler's rule with two averages, of squared gradients
    and of squared updates, the step RMS[dx]_{t-1} / RMS[g]_t * g (times lr = 1.0, its default); RMSprop
    with the same decay is another path."""
    rng = np.random.default_rng(7)
    grads = rng.normal(size=(40, 3))
    rho, eps = 0.9, 1e-6
    points, _ = _torch_steps(torch.optim.Adadelta, grads, rho=rho, eps=eps)
    w, v, u = np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads):
        v = rho * v + (1 - rho) * g**2
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta**2
        w = w - delta
        np.testing.assert_allclose(points[t], w, rtol=1e-10, atol=1e-15)
    rms, _ = _torch_steps(torch.optim.RMSprop, grads, lr=1.0, alpha=rho, eps=eps)
    assert np.abs(np.array(rms) - np.array(points)).max() > 1.0


def test_ema_weights():
    """opt-ema-window, opt-prob-fixed-window: an EMA weighs the value k steps old by (1 - b) b^k: no fixed
    window; the last 1/(1 - b) values carry about 1 - 1/e of the weight, and from zero all weights sum to
    1 - b^t (why Adam corrects the bias)."""
    for beta in (0.9, 0.999):
        window = round(1 / (1 - beta))
        weights = (1 - beta) * beta ** np.arange(100_000)
        assert weights[:window].sum() == pytest.approx(1 - math.exp(-1), abs=0.02)
        assert (weights[:1000] > 0).all()  # every past value counts (until float64 underflows)
        t = 50
        assert weights[:t].sum() == pytest.approx(1 - beta**t, rel=1e-12)


def test_rmsprop_square_avg_is_the_notes_average():
    """opt-rmsprop-formula: torch's RMSprop keeps v_t = a v_{t-1} + (1 - a) g_t^2 (its alpha is the notes'
    beta_2) and steps by lr * g / (sqrt(v) + eps)."""
    rng = np.random.default_rng(8)
    grads = rng.normal(size=(25, 3))
    lr, a, eps = 0.01, 0.99, 1e-8
    points, opt = _torch_steps(torch.optim.RMSprop, grads, lr=lr, alpha=a, eps=eps)
    w, v = np.zeros(3), np.zeros(3)
    for g in grads:
        v = a * v + (1 - a) * g**2
        w = w - lr * g / (np.sqrt(v) + eps)
    np.testing.assert_allclose(
        opt.state[opt.param_groups[0]["params"][0]]["square_avg"].numpy(), v, rtol=1e-12
    )
    np.testing.assert_allclose(points[-1], w, rtol=1e-10)


# --- Adam ---------------------------------------------------------------------------------------------------


def test_adam_divides_by_root_mean_square_not_std():
    """opt-adam-variance: with a constant gradient the variance is 0, yet Adam's step is lr (m_hat = g,
    v_hat = g^2): it divides by the root mean square, the uncentred second moment."""
    g, lr = 0.3, 1e-3
    points, _ = _torch_steps(torch.optim.Adam, [np.array([g])] * 20, lr=lr)
    steps = -np.diff(np.concatenate([[0.0], np.array(points)[:, 0]]))
    np.testing.assert_allclose(steps, lr * g / (g + 1e-8), rtol=1e-10)


def test_adam_keeps_two_arrays_per_parameter():
    """opt-adv-cheap: Adam's state is two arrays the size of each parameter (m and v), SGD with momentum's
    one, plain SGD's none."""
    grads = [np.ones((4, 5))]
    _, adam = _torch_steps(torch.optim.Adam, grads, lr=1e-3)
    state = adam.state[adam.param_groups[0]["params"][0]]
    assert {k for k, v in state.items() if v.shape == (4, 5)} == {"exp_avg", "exp_avg_sq"}
    _, heavy = _torch_steps(torch.optim.SGD, grads, lr=1e-3, momentum=0.9)
    assert list(heavy.state[heavy.param_groups[0]["params"][0]]) == ["momentum_buffer"]
    _, plain = _torch_steps(torch.optim.SGD, grads, lr=1e-3)
    assert plain.state[plain.param_groups[0]["params"][0]].get("momentum_buffer") is None


def test_adam_is_invariant_to_rescaling_the_gradient():
    """opt-adv-scale: multiplying every gradient by c > 0 leaves Adam's steps unchanged, up to eps: exactly
    (to rounding) with eps = 0, to 1e-6 with torch's eps = 1e-8 while the gradients are far above it, and
    visibly different when they are near it."""
    rng = np.random.default_rng(9)
    grads = rng.normal(size=(200, 3))
    exact, _ = _torch_steps(torch.optim.Adam, list(grads), lr=1e-2, eps=0.0)
    for c in (1e-6, 1e6):
        scaled, _ = _torch_steps(torch.optim.Adam, list(c * grads), lr=1e-2, eps=0.0)
        np.testing.assert_allclose(np.array(scaled), np.array(exact), rtol=1e-9, atol=1e-15)
    base, _ = _torch_steps(torch.optim.Adam, list(grads), lr=1e-2)
    big, _ = _torch_steps(torch.optim.Adam, list(1e3 * grads), lr=1e-2)
    np.testing.assert_allclose(np.array(big), np.array(base), rtol=1e-6, atol=1e-9)
    tiny, _ = _torch_steps(torch.optim.Adam, list(1e-8 * grads), lr=1e-2)
    assert np.abs(np.array(tiny) - np.array(base)).max() > 0.1  # eps = 1e-8 is no longer negligible


def test_adam_step_is_bounded_by_about_alpha():
    """opt-adv-bounded: for a steady gradient Adam's step is alpha; for random gradients it stays below
    alpha; the worst case, a nonzero gradient after a long run of zeros, is alpha (1 - b1) / sqrt(1 - b2)
    = 3.16 alpha with the defaults (Kingma & Ba, section 2.1)."""
    lr = 1e-3
    rng = np.random.default_rng(10)
    points, _ = _torch_steps(torch.optim.Adam, list(rng.normal(size=(2000, 5))), lr=lr)
    steps = np.abs(np.diff(np.array(points), axis=0))
    assert steps.max() <= 1.01 * lr
    sparse = [np.array([1.0])] + [np.array([0.0])] * 3000 + [np.array([1.0])]
    points, _ = _torch_steps(torch.optim.Adam, sparse, lr=lr)
    last = abs(points[-1][0] - points[-2][0])
    bound = lr * 0.1 / math.sqrt(0.001)
    assert last == pytest.approx(bound, rel=0.05) and last > 3 * lr
    assert bound == pytest.approx(3.162e-3, rel=1e-3)


def test_adam_step_shrinks_with_the_signal_to_noise_ratio():
    """opt-adv-annealing: Adam's step is about alpha * |E g| / sqrt(E g^2): it shrinks when the gradient's
    mean becomes small against its noise (near a minimum of a noisy loss), not by itself; with a steady
    gradient it stays alpha."""
    lr, steps = 1e-3, 20_000
    rng = np.random.default_rng(11)
    for mean, expected in ((1.0, 1 / math.sqrt(2)), (0.1, 0.1 / math.sqrt(1.01))):
        grads = mean + rng.normal(size=(steps, 1))
        points, _ = _torch_steps(torch.optim.Adam, list(grads), lr=lr)
        drift = -(points[-1][0] - points[steps // 2][0]) / (steps - steps // 2 - 1)
        assert drift / lr == pytest.approx(expected, rel=0.15)


# --- Adam's problems ----------------------------------------------------------------------------------------


def test_adam_fails_on_reddis_problem_and_amsgrad_does_not():
    """opt-prob-no-converge: on Reddi et al.'s online problem (C = 3) Adam ends at x = +1, the worst point,
    its average regret staying away from zero; AMSGrad heads to x* = -1. Both replayed through torch.optim."""
    ce = adam_counterexample(3.0, 0.02, 1500)
    assert ce.torch_diff < 1e-9
    assert ce.adam[-1] == pytest.approx(1.0) and ce.adam_regret > 0.3
    assert ce.amsgrad[-1] < -0.5 and ce.amsgrad_regret < ce.adam_regret / 3


def test_adam_effective_rate_can_rise_amsgrad_never():
    """opt-prob-oscillation: Adam's effective rate lr / sqrt(v_hat) rises and falls on Reddi's problem;
    AMSGrad's, with the running maximum of v, never rises."""
    c, b2 = 3.0, 1 / (1 + 9.0)
    grads = [np.array([c if t % 3 == 1 else -1.0]) for t in range(1, 61)]

    def rates(amsgrad: bool) -> np.ndarray:
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=0.02, betas=(0.0, b2), amsgrad=amsgrad)
        out = []
        for t, g in enumerate(grads, start=1):
            p.grad = torch.as_tensor(g)
            opt.step()
            st = opt.state[p]
            v = st["max_exp_avg_sq"] if amsgrad else st["exp_avg_sq"]
            out.append(
                1 / math.sqrt(float(v[0]) / (1 - b2**t)) if not amsgrad else 1 / math.sqrt(float(v[0]))
            )
        return np.array(out)

    assert (np.diff(rates(False)) > 0).sum() >= 10
    assert (np.diff(rates(True)[5:]) <= 1e-12).all()


# --- Nadam --------------------------------------------------------------------------------------------------


def test_torch_nadam_is_dozats_update():
    """opt-nadam-formula: torch's NAdam takes the gradient at the stored parameters (no look-ahead point,
    which the notes' formula could not compute: it needs v_t before g_t) and applies next step's momentum:
    m'_t = mu_{t+1} m_t / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g_t / (1 - prod_{i<=t} mu_i)."""
    rng = np.random.default_rng(12)
    grads = rng.normal(size=(30, 3))
    lr, b1, b2, eps, psi = 2e-3, 0.9, 0.999, 1e-8, 4e-3
    points, _ = _torch_steps(torch.optim.NAdam, grads, lr=lr)
    w, m, v, prod = np.zeros(3), np.zeros(3), np.zeros(3), 1.0
    for t, g in enumerate(grads, start=1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod *= mu
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_prime = mu_next * m / (1 - prod * mu_next) + (1 - mu) * g / (1 - prod)
        w = w - lr * m_prime / (np.sqrt(v / (1 - b2**t)) + eps)
        # torch keeps the running product of mu in float32: agreement to about 1e-7 of a step
        np.testing.assert_allclose(points[t - 1], w, rtol=1e-6, atol=1e-9)
