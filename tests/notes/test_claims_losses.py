"""The verdicts of the notes' "损失函数总结" part (claims ``loss-*`` of data/notes/claims.json) that a number
settles, each against torch, scikit-learn or SciPy (or a brute force), with explicit tolerances.

The figures the claims quote (test accuracies with outliers, score ranges) are asserted here as well, so a
change of the page's data that moves them fails a test instead of leaving a claim stale.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import integrate, optimize, stats
from sklearn.ensemble import AdaBoostClassifier
from sklearn.metrics import hinge_loss, log_loss, zero_one_loss
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from core import losses as L

TOL = 1e-12
RNG = np.random.default_rng(21)


def _accuracies(outliers: int) -> dict[str, float]:
    data = L.classification_data(n_outliers=outliers)
    fits = L.fit_all_classifiers(data, lam=1e-2)
    return {k: L.accuracy(f, data.x_test, data.y_test) for k, f in fits.items()}


def _svc(x: np.ndarray, y: np.ndarray, c: float) -> SVC:
    return SVC(kernel="linear", C=c, tol=1e-10, max_iter=10_000_000).fit(x, y)


# --- 0-1 ----------------------------------------------------------------------------------------------------


def test_zero_one_loss_is_sklearns():
    y = RNG.choice([-1.0, 1.0], size=500)
    f = RNG.normal(size=500)
    f[:5] = 0.0  # a score of 0 takes no side: an error
    # the predicted labels sign(f), with the side-less score 0 predicting the wrong label
    predicted = np.where(f > 0, 1.0, np.where(f < 0, -1.0, -y))
    ours = L.zero_one(y, f)
    assert (ours[:5] == 1).all()
    assert abs(ours.mean() - zero_one_loss(y, predicted)) <= TOL
    assert ours.sum() == zero_one_loss(y, predicted, normalize=False)  # the number of errors
    assert ours.sum() == np.sum(predicted != y)


def test_zero_one_is_not_convex():
    loss = lambda m: float(L.zero_one(1.0, m))  # noqa: E731
    assert (loss(-1.0), loss(0.0), loss(1.0)) == (1.0, 1.0, 0.0)
    assert loss(0.0) > 0.5 * (loss(-1.0) + loss(1.0))  # above the chord: not convex


def test_surrogates_bound_the_step_except_the_natural_log_logistic():
    m = np.linspace(-5, 5, 200_001)
    step = L.zero_one(1.0, m)
    for name in ("hinge", "exponential", "squared"):
        assert (L.MARGIN_LOSSES[name][0](1.0, m) >= step).all(), name
    assert (np.log2(1 + np.exp(-m)) >= step - 1e-15).all()  # base 2: an upper bound, through (0, 1)
    logistic = L.logistic(1.0, m)
    below = m[logistic < step]
    # ln(1 + e^-m) = 1 at m = -ln(e - 1): SciPy's root, and the interval where the logistic dips below
    root = optimize.brentq(lambda v: math.log1p(math.exp(-v)) - 1.0, -2.0, 0.0, xtol=1e-15)
    assert abs(root - (-math.log(math.e - 1))) <= 1e-12
    assert abs(root - (-0.5413)) <= 1e-4
    assert below.min() == pytest.approx(root, abs=1e-4) and below.max() == 0.0
    # the step gives gradient descent nothing: 0 wherever the derivative exists
    grad = L.zero_one_grad(1.0, m)
    assert (grad[m != 0] == 0).all() and np.isnan(grad[m == 0]).all()


# --- absolute, log, squared ---------------------------------------------------------------------------------


def test_absolute_loss_is_l1_and_its_minimiser_the_median():
    y = RNG.normal(size=101)
    y[:5] += 50.0  # outliers
    p = torch.tensor(RNG.normal(size=101), requires_grad=True)
    ref = F.l1_loss(p, torch.tensor(y), reduction="none")
    ref.sum().backward()
    assert np.abs(L.absolute(y, p.detach().numpy()) - ref.detach().numpy()).max() <= TOL
    assert np.abs(L.absolute_grad(y, p.detach().numpy()) - p.grad.numpy()).max() <= TOL
    best_abs = optimize.minimize_scalar(lambda c: L.absolute(y, c).mean(), bounds=(-60, 60), method="bounded")
    best_sq = optimize.minimize_scalar(lambda c: L.squared(y, c).mean(), bounds=(-60, 60), method="bounded")
    assert best_abs.x == pytest.approx(np.median(y), abs=1e-4)
    assert best_sq.x == pytest.approx(np.mean(y), abs=1e-4)
    assert abs(best_sq.x - best_abs.x) > 2.0  # the outliers drag the mean, not the median


def test_log_loss_is_the_logistic_loss_of_the_margin():
    y = RNG.choice([-1.0, 1.0], size=400)
    f = RNG.normal(scale=3.0, size=400)
    ours = L.logistic(y, f)
    target = (y > 0).astype(np.float64)
    ref = F.binary_cross_entropy_with_logits(torch.tensor(f), torch.tensor(target), reduction="none")
    assert np.abs(ours - ref.numpy()).max() <= TOL
    p = 1.0 / (1.0 + np.exp(-f))  # P(y = 1 | x)
    assert abs(ours.mean() - log_loss(target, p)) <= 1e-10
    p_true = np.where(y > 0, p, 1 - p)  # P(Y | X) of the true class
    assert np.abs(ours - (-np.log(p_true))).max() <= 1e-10


@pytest.mark.parametrize("q", [0.1, 0.3, 0.5, 0.8, 0.97])
def test_log_loss_is_minimised_by_the_true_probability(q):
    expected = lambda p: -q * math.log(p) - (1 - q) * math.log(1 - p)  # noqa: E731
    best = optimize.minimize_scalar(
        expected, bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-10}
    )
    assert best.x == pytest.approx(q, abs=1e-6)


def test_hinge_holds_longer_than_logistic_against_outliers():
    for loss in ("hinge", "logistic"):  # both pull at most 1: bounded gradients
        grad = L.MARGIN_LOSSES[loss][1](1.0, np.linspace(-1e3, 1e3, 20_001))
        assert np.abs(grad).max() <= 1.0
    clean = _accuracies(0)
    assert abs(clean["hinge"] - clean["logistic"]) <= 0.005  # no outliers: hardly any difference
    acc = _accuracies(15)
    assert acc["hinge"] == pytest.approx(0.918, abs=5e-4) and acc["logistic"] == pytest.approx(
        0.827, abs=5e-4
    )


def test_squared_sum_and_mean_share_the_minimiser_not_the_gradient():
    x = RNG.normal(size=50)
    y = 2 * x + 1 + RNG.normal(scale=0.3, size=50)
    grads = {}
    for reduction in ("sum", "mean"):
        theta = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        F.mse_loss(theta[0] * torch.tensor(x) + theta[1], torch.tensor(y), reduction=reduction).backward()
        grads[reduction] = theta.grad.numpy().copy()
    assert np.abs(grads["sum"] - 50 * grads["mean"]).max() <= 1e-10  # N times the gradient
    a = np.column_stack([x, np.ones_like(x)])
    for scale in (1.0, 1 / 50):  # the sum and the mean: one minimiser
        best = optimize.minimize(lambda t, s=scale: s * np.sum((y - a @ t) ** 2), np.zeros(2), tol=1e-12)
        assert np.abs(best.x - np.linalg.lstsq(a, y, rcond=None)[0]).max() <= 1e-5


def test_squared_loss_minimiser_is_the_mean():
    y = RNG.exponential(size=1000)
    best = optimize.minimize_scalar(lambda c: L.squared(y, c).mean(), bounds=(0, 10), method="bounded")
    assert best.x == pytest.approx(y.mean(), abs=1e-5)
    assert abs(best.x - np.median(y)) > 0.2  # a skewed sample: mean and median part


# --- exponential --------------------------------------------------------------------------------------------


def test_exponential_is_the_most_sensitive_to_outliers():
    m = torch.tensor([-5.0, 0.0], dtype=torch.float64, requires_grad=True)
    torch.exp(-m).sum().backward()
    assert m.grad[0] / m.grad[1] == pytest.approx(math.exp(5), rel=1e-12)  # e^5 ~ 148 times the pull
    assert math.exp(5) == pytest.approx(148.4, abs=0.05)
    acc = _accuracies(10)
    assert acc["exponential"] == pytest.approx(0.799, abs=5e-4) and acc["hinge"] == pytest.approx(
        0.924, abs=5e-4
    )
    assert acc["exponential"] == min(acc.values())


def test_adaboost_minimises_the_exponential_loss_stage_by_stage():
    data = L.classification_data(n_train=300, label_noise=0.1)
    x, y = data.x_train, data.y_train
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the algorithm= argument's deprecation, where present
        boost = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=12, random_state=0).fit(
            x, y
        )
    ensemble = np.zeros_like(y)
    assert len(boost.estimators_) == 12
    for tree, weight in zip(boost.estimators_, boost.estimator_weights_, strict=True):
        h = tree.predict(x)
        exp_loss = lambda a, h=h, e=ensemble: float(np.exp(-y * (e + a * h)).sum())  # noqa: E731
        best = optimize.minimize_scalar(
            exp_loss, bounds=(-10, 10), method="bounded", options={"xatol": 1e-12}
        )
        assert best.x == pytest.approx(weight / 2, abs=1e-6)  # SAMME's weight is twice the classic alpha
        ensemble = ensemble + weight / 2 * h


# --- hinge and the SVM --------------------------------------------------------------------------------------


def test_hinge_charges_correct_points_inside_the_margin():
    y = np.array([1.0, 1.0, -1.0, 1.0])
    f = np.array([0.5, 0.999, -0.2, 1.0])  # all classified correctly
    assert (np.sign(f) == y).all()
    ours = L.hinge(y, f)
    assert ours[0] == 0.5 and ours[2] == pytest.approx(0.8, abs=TOL) and ours[3] == 0.0
    assert abs(ours.mean() - hinge_loss(y, f)) <= TOL


def test_hinge_gradient_is_zero_beyond_the_margin():
    f = torch.tensor(np.linspace(-3, 3, 601), dtype=torch.float64, requires_grad=True)
    torch.clamp(1 - f, min=0).sum().backward()
    m = f.detach().numpy()
    assert (f.grad.numpy()[m > 1] == 0).all() and (f.grad.numpy()[m < 1] == -1).all()
    assert np.abs(L.hinge_grad(1.0, m) - f.grad.numpy()).max() <= TOL
    # a wrong point with |f| > 1 pays the most
    assert L.hinge(1.0, -2.0) == 3.0 and L.hinge(1.0, 2.0) == 0.0


@pytest.fixture(scope="module")
def svm():
    data = L.classification_data()
    x, y = data.x_train, data.y_train
    lam = 0.01
    c = 1 / (lam * len(y))
    return x, y, c, _svc(x, y, c), L.fit_svm(x, y, lam=lam)


def test_svm_scores_are_not_confined_to_minus_one_one(svm):
    x, _, _, svc, ours = svm
    for f in (svc.decision_function(x), ours.decision_function(x)):
        assert (np.abs(f) > 1).mean() > 0.75 and np.abs(f).max() > 4.0


def test_svc_support_vectors_are_the_points_on_or_inside_the_margin(svm):
    x, y, _, svc, _ = svm
    margin = y * svc.decision_function(x)
    support = np.zeros(len(y), bool)
    support[svc.support_] = True
    assert (margin[support] <= 1 + 1e-6).all()  # every support vector is on or inside the margin
    assert (margin[~support] >= 1 - 1e-6).all()  # every other point is on or beyond it
    inside = margin < 1 - 1e-6
    assert support[inside].all() and inside.sum() >= 10  # and every point strictly inside is one


def test_svm_primal_with_hinge_slacks_equals_the_dual(svm):
    x, y, c, svc, _ = svm
    w, b = svc.coef_[0], svc.intercept_[0]
    slack = np.maximum(0.0, 1 - y * (x @ w + b))  # xi >= 0 and xi >= 1 - y f, the least such
    primal = 0.5 * w @ w + c * slack.sum()
    alpha_y = svc.dual_coef_[0]  # alpha_i y_i of the support vectors
    assert np.abs(w - alpha_y @ x[svc.support_]).max() <= 1e-9
    dual = np.abs(alpha_y).sum() - 0.5 * w @ w
    assert abs(primal - dual) / abs(primal) <= 1e-7  # no duality gap at the optimum


def test_hinge_holds_longest_but_not_forever():
    acc = _accuracies(20)
    assert acc["hinge"] == pytest.approx(0.916, abs=5e-4) and acc["logistic"] == pytest.approx(
        0.688, abs=5e-4
    )
    assert acc["hinge"] == max(acc.values())
    assert all(a <= 0.55 for a in _accuracies(30).values())  # 30 outliers: every loss fails


@pytest.mark.parametrize("eta", [0.1, 0.3, 0.7, 0.9])
def test_hinge_minimiser_is_the_sign_not_the_probability(eta):
    def expected(loss):
        return lambda f: (
            eta * float(L.MARGIN_LOSSES[loss][0](1.0, f))
            + (1 - eta) * float(L.MARGIN_LOSSES[loss][0](-1.0, f))
        )

    hinge = optimize.minimize_scalar(
        expected("hinge"), bounds=(-3, 3), method="bounded", options={"xatol": 1e-10}
    )
    assert hinge.x == pytest.approx(np.sign(2 * eta - 1), abs=1e-6)
    logistic = optimize.minimize_scalar(expected("logistic"), bounds=(-10, 10), method="bounded")
    assert logistic.x == pytest.approx(math.log(eta / (1 - eta)), abs=1e-5)  # the log-odds: eta comes back


# --- cross-entropy ------------------------------------------------------------------------------------------


def test_the_binary_form_is_the_two_outcome_cross_entropy():
    q = RNG.uniform(0.01, 0.99, size=30)  # one probability of the positive class per example
    p = RNG.uniform(0, 1, size=30)
    binary = -np.sum(p * np.log(q) + (1 - p) * np.log(1 - q))  # the notes' "standard form"
    ref = F.binary_cross_entropy(torch.tensor(q), torch.tensor(p), reduction="sum").item()
    assert abs(binary - ref) <= 1e-10
    # H(p, q) = -sum over the two outcomes of p log q, summed over the examples
    two = -np.sum(np.column_stack([p, 1 - p]) * np.log(np.column_stack([q, 1 - q])))
    assert abs(binary - two) <= 1e-10
    z = np.linspace(-10, 10, 201)  # logits [0, z]: softmax gives class 1 sigma(z)
    for label in (0, 1):
        bce = L.binary_cross_entropy_with_logits(z, np.full_like(z, label), "none")
        ce = F.cross_entropy(
            torch.tensor(np.column_stack([np.zeros_like(z), z])),
            torch.full((len(z),), label),
            reduction="none",
        )
        assert np.abs(bce - ce.numpy()).max() <= TOL


def test_probability_targets_give_the_categorical_form():
    z = RNG.normal(size=(6, 4))
    p = RNG.dirichlet(np.ones(4), size=6)  # a distribution over the classes per example
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(p)).item()
    q = np.exp(z - z.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    assert abs(ref - np.mean(-np.sum(p * np.log(q), axis=1))) <= TOL
    assert abs(ref - L.cross_entropy(z, p)) <= TOL


def test_softmax_twice_squeezes_the_loss():
    c = 5
    low, uniform = L.softmax_twice_bounds(c)
    assert low == pytest.approx(math.log(math.e + c - 1) - 1, abs=TOL) and uniform == pytest.approx(
        math.log(c)
    )
    z = torch.tensor(RNG.normal(scale=8.0, size=(200, c)))
    y = torch.tensor(RNG.integers(0, c, size=200))
    twice = F.cross_entropy(F.softmax(z, dim=1), y, reduction="none").numpy()
    right = F.cross_entropy(z, y, reduction="none").numpy()
    high = math.log(math.e + c - 1)  # certain and wrong
    assert (twice >= low - 1e-12).all() and (twice <= high + 1e-12).all()
    assert high - low == pytest.approx(1.0, abs=TOL)  # the whole range of the loss is 1 wide
    assert right.max() > 5 * uniform  # the right loss is not squeezed: confident mistakes cost a lot


def test_one_hot_dot_product_picks_the_index():
    z = torch.tensor(RNG.normal(size=(7, 3)))
    y = torch.tensor(RNG.integers(0, 3, size=7))
    log_q = F.log_softmax(z, dim=1)
    one_hot = F.one_hot(y, 3).to(torch.float64)
    assert torch.allclose(-(one_hot * log_q).sum(1), -log_q[torch.arange(7), y], atol=0, rtol=0)


def test_cross_entropy_sums_over_classes_then_averages():
    z = RNG.normal(size=(8, 5))
    y = RNG.integers(0, 5, size=8)
    one_hot = np.eye(5)[y]
    log_q = L.log_softmax(z, axis=1)
    elementwise = one_hot * log_q  # the notes' y_i log softmax(...): a vector per example
    assert elementwise.shape == (8, 5)
    loss = -np.mean(elementwise.sum(axis=1))  # the sum over classes, then the mean over examples
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert abs(loss - ref) <= TOL


# --- loss, risk and generalisation --------------------------------------------------------------------------


def test_batch_means_estimate_the_empirical_risk():
    pred, target = RNG.normal(size=1200), RNG.normal(size=1200)
    full = F.mse_loss(torch.tensor(pred), torch.tensor(target)).item()  # reduction="mean": / N
    assert abs(full - L.squared(target, pred).mean()) <= TOL
    batches = [
        F.mse_loss(torch.tensor(pred[i : i + 40]), torch.tensor(target[i : i + 40])).item()
        for i in range(0, 1200, 40)
    ]
    assert abs(np.mean(batches) - full) <= TOL  # over an epoch of equal batches: exactly the empirical risk
    assert np.std(batches) > 0.05  # while one batch is only an estimate


def test_empirical_risk_is_sklearns_mean_loss(svm):
    x, y, _, _, ours = svm
    f = ours.decision_function(x)
    assert abs(L.hinge(y, f).mean() - hinge_loss(y, f)) <= TOL
    assert abs(L.structural_risk(x, y, ours.w, ours.b, "hinge", 0.01) - ours.objective) <= TOL


@pytest.mark.parametrize("loss", ["zero_one", "hinge", "logistic", "exponential", "squared"])
def test_expected_risk_is_exact(loss):
    """core.losses.expected_risk (closed forms, Gauss-Hermite for the logistic) against SciPy's quadrature
    and a large Monte Carlo sample of the page's distribution."""
    w, b = np.array([0.8, -0.3]), 0.4
    fn = L.MARGIN_LOSSES[loss][0]
    s, ref = float(np.linalg.norm(w)), 0.0
    for y in (1.0, -1.0):
        mu = float(w @ L.CENTRE) + y * b
        if loss == "zero_one":  # P(m <= 0)
            ref += 0.5 * stats.norm.cdf(0.0, loc=mu, scale=s)
            continue
        kink = (1.0 - mu) / s  # the hinge's kink
        for lo, hi in ((-40.0, kink), (kink, 40.0)):
            integrand = lambda z, mu=mu: float(fn(1.0, mu + s * z)) * stats.norm.pdf(z)  # noqa: E731
            ref += 0.5 * integrate.quad(integrand, lo, hi, limit=200, epsabs=1e-13, epsrel=1e-12)[0]
    assert abs(L.expected_risk(w, b, loss) - ref) <= 1e-9
    data = L.classification_data(n_train=4, n_test=400_000, seed=3)
    sample = fn(data.y_test, data.x_test @ w + b)
    assert abs(L.expected_risk(w, b, loss) - sample.mean()) <= 4 * sample.std() / math.sqrt(len(sample))


def test_the_training_mean_is_optimistic_on_average():
    gaps = {k: [] for k in L.FIT_LOSSES}
    for seed in range(12):
        data = L.classification_data(n_train=60, n_test=2, seed=seed)
        for k, fit in L.fit_all_classifiers(data, lam=1e-2).items():
            empirical = L.MARGIN_LOSSES[k][0](data.y_train, fit.decision_function(data.x_train)).mean()
            gaps[k].append(L.expected_risk(fit.w, fit.b, k) - empirical)
    for k, values in gaps.items():
        assert np.mean(values) > 0, (k, values)


def test_the_test_error_estimates_the_exact_expected_error():
    data = L.classification_data()
    for k, fit in L.fit_all_classifiers(data, lam=1e-2).items():
        exact = L.expected_risk(fit.w, fit.b, "zero_one")
        assert exact == pytest.approx(
            0.5
            * sum(stats.norm.cdf(-(fit.w @ L.CENTRE + y * fit.b) / np.linalg.norm(fit.w)) for y in (1, -1)),
            abs=1e-14,
        )
        test_error = 1 - L.accuracy(fit, data.x_test, data.y_test)
        se = math.sqrt(exact * (1 - exact) / len(data.y_test))
        assert abs(test_error - exact) <= 3 * se, k
