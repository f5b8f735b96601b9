"""The loss-functions page's live computations, each run once for every visitor through
``ui.compute.shared``: the curves, the fits and the training, each with its checks against torch /
scikit-learn.

No loss arithmetic lives here: every value comes from :mod:`core.losses`; these functions only call it
and the reference libraries. They run on the shared workers, so they read no session state and
translate nothing (their results are the same for every visitor and language).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import losses as L
from ui.losses.state import DIGITS_TRAIN, FIT_LAMBDA, GRID_POINTS, MARGIN_RANGE


def _torch_margin(name: str, y, f):
    import torch
    import torch.nn.functional as F

    return {
        "hinge": lambda: torch.clamp(1 - y * f, min=0),
        "logistic": lambda: F.softplus(-y * f),
        "exponential": lambda: torch.exp(-y * f),
        "squared": lambda: (1 - y * f) ** 2,
    }[name]()


def margin_curves() -> tuple[pd.DataFrame, float]:
    """Every margin loss and its gradient (w.r.t. f, for y = +1) on a grid of margins, and the max
    |diff| against torch autograd (the 0-1 loss, whose gradient is 0, against scikit-learn's
    ``zero_one_loss``)."""
    import torch
    from sklearn.metrics import zero_one_loss

    m = np.linspace(*MARGIN_RANGE, GRID_POINTS)
    y = np.ones_like(m)
    frames, diff = [], 0.0
    for name, (loss, grad) in L.MARGIN_LOSSES.items():
        value, slope = loss(y, m), grad(y, m)
        frames.append(pd.DataFrame({"loss": name, "margin": m, "value": value, "gradient": slope}))
        if name == "zero_one":
            # scikit-learn's zero_one_loss of the predictions sign(f) (a score of 0 predicts -1: an error)
            predicted = np.where(m > 0, 1.0, -1.0)
            diff = max(diff, abs(float(value.mean()) - zero_one_loss(y, predicted)))
            continue
        f = torch.tensor(m, dtype=torch.float64, requires_grad=True)
        ref = _torch_margin(name, torch.tensor(y), f)
        ref.sum().backward()
        diff = max(diff, float(np.abs(value - ref.detach().numpy()).max()))
        diff = max(diff, float(np.abs(slope - f.grad.numpy()).max()))
    return pd.concat(frames, ignore_index=True), diff


def residual_curves(delta: float) -> tuple[pd.DataFrame, float]:
    """Squared, absolute and Huber(delta) loss and gradient against the residual r = y_pred - y_true,
    with the max |diff| against torch's ``mse_loss``, ``l1_loss``, ``huber_loss`` and their autograd."""
    import torch
    import torch.nn.functional as F

    r = np.linspace(*MARGIN_RANGE, GRID_POINTS)
    zero = np.zeros_like(r)
    references = {"squared": F.mse_loss, "absolute": F.l1_loss, "huber": F.huber_loss}
    frames, diff = [], 0.0
    for name, (loss, grad) in L.RESIDUAL_LOSSES.items():
        kwargs = {"delta": delta} if name == "huber" else {}
        value, slope = loss(zero, r, **kwargs), grad(zero, r, **kwargs)
        frames.append(pd.DataFrame({"loss": name, "residual": r, "value": value, "gradient": slope}))
        p = torch.tensor(r, dtype=torch.float64, requires_grad=True)
        ref = references[name](p, torch.zeros_like(p), reduction="none", **kwargs)
        ref.sum().backward()
        diff = max(diff, float(np.abs(value - ref.detach().numpy()).max()))
        diff = max(diff, float(np.abs(slope - p.grad.numpy()).max()))
    return pd.concat(frames, ignore_index=True), diff


#: scikit-learn's SVC as the SVM's reference, at the tolerance the tests use (tests/losses/test_fits.py:
#: within 5e-7 of its tol=1e-10 solution, in 0-3 s a fit instead of 9-15 s). Its iterations are capped:
#: on part of the page's range (label noise 0.15-0.25 with 24-30 outliers, lambda 0.01) libsvm cycles at
#: tol=1e-6 without meeting it (63 million iterations, 25-50 s a fit, measured), while its structural risk
#: is within 2e-6 (relative) of the converged one after 1e5 iterations; 1e6 iterations take 0.3 s.
SVC_TOL = 1e-6
SVC_MAX_ITER = 5_000_000


def _svc(x: np.ndarray, y: np.ndarray, c: float):
    """SVC(kernel="linear", C=c) at :data:`SVC_TOL`, at most :data:`SVC_MAX_ITER` iterations (its
    ConvergenceWarning at the cap is expected: see above)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import SVC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return SVC(kernel="linear", C=c, tol=SVC_TOL, max_iter=SVC_MAX_ITER).fit(x, y)


@dataclass(frozen=True)
class ClassifierFits:
    data: L.ClassificationData
    fits: dict[str, L.LinearFit]
    train_accuracy: dict[str, float]
    test_accuracy: dict[str, float]
    test_scores: dict[str, np.ndarray]
    check_sklearn: float  # logistic vs LogisticRegression, squared vs Ridge (max |diff| of w, b)
    check_torch: float  # max |dJ/dtheta| by torch autograd at the exponential fit
    check_svc: float  # (J_ours - J_SVC) / J_SVC for the hinge fit vs SVC(kernel="linear")


def classifier_fits(noise: float, outliers: int) -> ClassifierFits:
    """One linear classifier per loss on the same noisy training set, and the checks."""
    import torch
    from sklearn.linear_model import LogisticRegression, Ridge

    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    fits = L.fit_all_classifiers(data, lam=FIT_LAMBDA)
    x, y = data.x_train, data.y_train
    n = len(y)
    logistic = LogisticRegression(C=1 / (FIT_LAMBDA * n), tol=1e-12, max_iter=10_000).fit(x, y)
    ridge = Ridge(alpha=FIT_LAMBDA * n / 2).fit(x, y)
    check_sklearn = max(
        _param_diff(fits["logistic"], logistic.coef_[0], logistic.intercept_[0]),
        _param_diff(fits["squared"], ridge.coef_, float(ridge.intercept_)),
    )
    svc = _svc(x, y, 1 / (FIT_LAMBDA * n))
    svc_objective = L.structural_risk(x, y, svc.coef_[0], svc.intercept_[0], "hinge", FIT_LAMBDA)
    check_svc = (fits["hinge"].objective - svc_objective) / svc_objective
    exp_fit = fits["exponential"]
    theta = torch.tensor(np.append(exp_fit.w, exp_fit.b), dtype=torch.float64, requires_grad=True)
    xt, yt = torch.tensor(x), torch.tensor(y)
    objective = torch.exp(-yt * (xt @ theta[:2] + theta[2])).mean() + FIT_LAMBDA / 2 * (theta[:2] ** 2).sum()
    objective.backward()
    return ClassifierFits(
        data=data,
        fits=fits,
        train_accuracy={k: L.accuracy(f, x, y) for k, f in fits.items()},
        test_accuracy={k: L.accuracy(f, data.x_test, data.y_test) for k, f in fits.items()},
        test_scores={k: f.decision_function(data.x_test) for k, f in fits.items()},
        check_sklearn=check_sklearn,
        check_torch=float(theta.grad.abs().max()),
        check_svc=check_svc,
    )


@dataclass(frozen=True)
class Risks:
    """Per fitted classifier (FIT_LOSSES), for its own loss and for the 0-1 loss: the empirical risk
    (mean over the training set), the mean over the clean test set, and the exact expected risk on the
    clean distribution; the structural risk each fit minimised; the check of the expected risks."""

    empirical: dict[str, float]
    structural: dict[str, float]
    test: dict[str, float]
    expected: dict[str, float]
    error_train: dict[str, float]
    error_test: dict[str, float]
    error_expected: dict[str, float]
    check: float  # max |ours - scipy quad| over the expected risks (own loss and 0-1)


def _quad_expected(w: np.ndarray, b: float, loss: str) -> float:
    """The expected risk by scipy: the normal distribution's cdf for the 0-1 loss, adaptive quadrature
    against its density for the others (split at the hinge's kink)."""
    from scipy import integrate, stats

    fn = L.MARGIN_LOSSES[loss][0]
    s, total = float(np.linalg.norm(w)), 0.0
    for y in (1.0, -1.0):
        mu = float(w @ L.CENTRE) + y * b
        if s == 0.0:  # w = 0: the margin is the constant mu
            total += 0.5 * float(fn(1.0, mu))
            continue
        if loss == "zero_one":  # P(m <= 0), by scipy's normal distribution
            total += 0.5 * float(stats.norm.cdf(0.0, loc=mu, scale=s))
            continue
        kink = (1.0 - mu) / s

        def integrand(z, mu=mu):  # the loss at margin mu + s z, times the standard normal density
            return float(fn(1.0, mu + s * z)) * math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)

        total += 0.5 * sum(
            integrate.quad(integrand, lo, hi, limit=200, epsabs=1e-13, epsrel=1e-12)[0]
            for lo, hi in ((-40.0, kink), (kink, 40.0))
        )
    return total


def risks(noise: float, outliers: int) -> Risks:
    """The risks of the fits section's classifiers (see :class:`Risks`), checked against scipy."""
    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    fits = L.fit_all_classifiers(data, lam=FIT_LAMBDA)  # the fits section's, in milliseconds
    out: dict[str, dict[str, float]] = {k: {} for k in Risks.__dataclass_fields__ if k != "check"}
    check = 0.0
    for k, fit in fits.items():
        f_train, f_test = fit.decision_function(data.x_train), fit.decision_function(data.x_test)
        loss = L.MARGIN_LOSSES[k][0]
        out["empirical"][k] = float(loss(data.y_train, f_train).mean())
        out["structural"][k] = fit.objective
        out["test"][k] = float(loss(data.y_test, f_test).mean())
        out["expected"][k] = L.expected_risk(fit.w, fit.b, k)
        out["error_train"][k] = float(L.zero_one(data.y_train, f_train).mean())
        out["error_test"][k] = float(L.zero_one(data.y_test, f_test).mean())
        out["error_expected"][k] = L.expected_risk(fit.w, fit.b, "zero_one")
        for name, value in ((k, out["expected"][k]), ("zero_one", out["error_expected"][k])):
            check = max(check, abs(value - _quad_expected(fit.w, fit.b, name)))
    return Risks(**out, check=check)


def _param_diff(fit: L.LinearFit, w: np.ndarray, b: float) -> float:
    return float(max(np.abs(fit.w - w).max(), abs(fit.b - b)))


@dataclass(frozen=True)
class SvmFit:
    fit: L.LinearFit
    reference: tuple[np.ndarray, float]  # SVC's (w, b)
    reference_objective: float
    c: float
    empirical_risk: float
    regulariser: float
    test_risk: float
    support: np.ndarray  # bool: margin <= 1 (on or inside the margin)
    width: float


def svm_fit(noise: float, outliers: int, lam: float) -> SvmFit:
    """Our subgradient-descent SVM at strength ``lam`` on the fits section's data, beside SVC."""
    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    x, y = data.x_train, data.y_train
    fit = L.fit_svm(x, y, lam=lam)
    c = 1.0 / (lam * len(y))
    svc = _svc(x, y, c)
    w_ref, b_ref = svc.coef_[0], float(svc.intercept_[0])
    empirical = float(L.hinge(y, fit.decision_function(x)).mean())
    return SvmFit(
        fit=fit,
        reference=(w_ref, b_ref),
        reference_objective=L.structural_risk(x, y, w_ref, b_ref, "hinge", lam),
        c=c,
        empirical_risk=empirical,
        regulariser=float(0.5 * lam * fit.w @ fit.w),
        test_risk=float(L.hinge(data.y_test, fit.decision_function(data.x_test)).mean()),
        support=y * fit.decision_function(x) <= 1 + 1e-9,
        width=L.svm_margin_width(fit) if np.linalg.norm(fit.w) > 0 else math.inf,
    )


@dataclass(frozen=True)
class RegressionFits:
    data: L.RegressionData
    lines: dict[str, tuple[float, float]]
    check_lstsq: float  # squared vs numpy.polyfit
    check_lad: float  # mean |r| of ours minus QuantileRegressor's (exact LP)
    check_huber: float  # max |grad| of torch's huber_loss at our line


def regression_fits(outliers: int, delta: float) -> RegressionFits:
    import torch
    import torch.nn.functional as F
    from sklearn.linear_model import QuantileRegressor

    data = L.regression_data(n_outliers=outliers)
    lines = {loss: L.fit_line(data.x, data.y, loss, delta=delta) for loss in ("squared", "absolute", "huber")}
    check_lstsq = float(np.abs(np.array(lines["squared"]) - np.polyfit(data.x, data.y, 1)).max())
    ref = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(data.x[:, None], data.y)
    ref_risk = L.regression_risk(data.x, data.y, ref.coef_[0], float(ref.intercept_), "absolute")
    check_lad = abs(L.regression_risk(data.x, data.y, *lines["absolute"], "absolute") - ref_risk)
    theta = torch.tensor(lines["huber"], dtype=torch.float64, requires_grad=True)
    F.huber_loss(theta[0] * torch.tensor(data.x) + theta[1], torch.tensor(data.y), delta=delta).backward()
    return RegressionFits(data, lines, check_lstsq, check_lad, float(theta.grad.abs().max()))


@dataclass(frozen=True)
class DigitsTraining:
    run: L.SoftmaxTraining
    check: float  # |ours - torch| of the final losses (right CE, and the mistake's reported CE)
    n_train: int
    n_test: int


def softmax_training(epochs: int) -> DigitsTraining:
    """Softmax regression on scikit-learn's bundled digits, right vs softmax-twice, checked by torch."""
    import torch
    import torch.nn.functional as F

    from core.datasets import load as load_dataset

    x, y = load_dataset("digits")
    x = x / 16.0  # pixels 0..16 -> [0, 1]
    n = DIGITS_TRAIN
    run = L.train_softmax_regression(x[:n], y[:n], x[n:], y[n:], epochs=epochs, lr=1.0)
    a = torch.tensor(np.column_stack([x[:n], np.ones(n)]))
    target = torch.tensor(y[:n])
    right = F.cross_entropy(a @ torch.tensor(run.weights_right), target).item()
    mistake = F.cross_entropy(F.softmax(a @ torch.tensor(run.weights_mistake), dim=1), target).item()
    check = max(abs(right - run.loss_right[-1]), abs(mistake - run.reported_mistake[-1]))
    return DigitsTraining(run, check, n, len(y) - n)


def binary_vs_categorical() -> tuple[pd.DataFrame, float, float]:
    """BCE-with-logits(z, y) and CE([0, z], y) for y in {0, 1} over z in [-10, 10]; max |diff| between
    the two forms, and of both against torch."""
    import torch
    import torch.nn.functional as F

    z = np.linspace(-10, 10, 401)
    frames, between, vs_torch = [], 0.0, 0.0
    for y in (0, 1):
        target = np.full_like(z, y)
        bce = L.binary_cross_entropy_with_logits(z, target, "none")
        ce = L.cross_entropy(np.column_stack([np.zeros_like(z), z]), target.astype(int), "none")
        between = max(between, float(np.abs(bce - ce).max()))
        ref_bce = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(target), reduction="none")
        ref_ce = F.cross_entropy(
            torch.tensor(np.column_stack([np.zeros_like(z), z])),
            torch.tensor(target.astype(int)),
            reduction="none",
        )
        vs_torch = max(
            vs_torch, float(np.abs(bce - ref_bce.numpy()).max()), float(np.abs(ce - ref_ce.numpy()).max())
        )
        frames.append(pd.DataFrame({"z": z, "y": y, "form": "BCEWithLogits(z, y)", "loss": bce}))
        frames.append(pd.DataFrame({"z": z, "y": y, "form": "CrossEntropy([0, z], y)", "loss": ce}))
    return pd.concat(frames, ignore_index=True), between, vs_torch


@dataclass(frozen=True)
class LogLossChain:
    """The log-loss chain on the fits section's training set and logistic classifier: per example
    -ln P(y|x) (taken literally) and ln(1 + e^{-y f}); their means beside scikit-learn's ``log_loss`` on
    the probabilities sigma(f); our minimiser of the mean plus lambda/2 |w|^2 beside LogisticRegression's."""

    rows: pd.DataFrame  # the first training examples: y, f, P(y|x), -ln P(y|x), ln(1 + e^{-yf})
    nll_vs_logistic: float  # max |-ln P(y|x) - ln(1 + e^{-y f})| over the training set
    mean_logistic: float
    sklearn_log_loss: float
    core_log_loss: float
    log_loss_diff: float  # max |mean ln(1 + e^{-yf}) - log_loss|, ours (core) and scikit-learn's
    ours: tuple[np.ndarray, float]
    sklearn: tuple[np.ndarray, float]
    c: float
    param_diff: float  # max |ours - LogisticRegression| over w and b
    objective_ours: float
    objective_sklearn: float  # our structural risk at sklearn's coefficients
    max_score: float  # max |f| over the training set


def log_loss_chain(noise: float, outliers: int) -> LogLossChain:
    """The chain -ln P(y|x) = ln(1 + e^{-y f}) = log_loss, and its minimiser = LogisticRegression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    x, y = data.x_train, data.y_train
    n = len(y)
    fit = L.fit_linear_classifier(x, y, "logistic", lam=FIT_LAMBDA)
    f = fit.decision_function(x)
    nll, logistic = L.logistic_nll(y, f), L.logistic(y, f)
    p = L.sigmoid(f)
    y01 = (y > 0).astype(int)
    sk = float(log_loss(y01, p, labels=[0, 1]))
    ours_ll = L.log_loss(y01, p)
    c = 1.0 / (FIT_LAMBDA * n)
    ref = LogisticRegression(C=c, tol=1e-12, max_iter=10_000).fit(x, y)
    w_ref, b_ref = ref.coef_[0], float(ref.intercept_[0])
    head = slice(0, 6)
    rows = pd.DataFrame(
        {
            "y": y[head].astype(int),
            "f": f[head],
            "P(y|x)": np.where(y[head] > 0, p[head], 1.0 - p[head]),
            "nll": nll[head],
            "logistic": logistic[head],
        }
    )
    return LogLossChain(
        rows=rows,
        nll_vs_logistic=float(np.abs(nll - logistic).max()),
        mean_logistic=float(logistic.mean()),
        sklearn_log_loss=sk,
        core_log_loss=ours_ll,
        log_loss_diff=max(abs(float(logistic.mean()) - sk), abs(ours_ll - sk)),
        ours=(fit.w, fit.b),
        sklearn=(w_ref, b_ref),
        c=c,
        param_diff=_param_diff(fit, w_ref, b_ref),
        objective_ours=fit.objective,
        objective_sklearn=L.structural_risk(x, y, w_ref, b_ref, "logistic", FIT_LAMBDA),
        max_score=float(np.abs(f).max()),
    )


@dataclass(frozen=True)
class BoostRun:
    """Our AdaBoost (stagewise exponential loss, stumps) beside scikit-learn's AdaBoostClassifier (SAMME)
    on the fits section's two Gaussians with a share of the training labels flipped."""

    rounds: pd.DataFrame  # per round: exponential loss, train / test error, weighted error
    stumps: pd.DataFrame  # per round: feature, threshold, beta, sklearn's alpha, weighted error
    stump_diff: float  # max |threshold diff| over the rounds (inf if a feature or leaf differs)
    weight_diff: float  # max |our sample weights - scikit-learn's, replayed from its estimators|
    decision_diff: float  # max |2 F_m / sum beta - staged_decision_function| over rounds, test set
    alpha_diff: float  # max |2 beta - estimator_weights_|
    n_rounds: int
    flipped_share: float  # share of the training points whose label was flipped
    flipped_weight: float  # their share of the final sample weights
    top_flipped: float  # share of flipped points among the 10% heaviest
    test_accuracy: float
    train_accuracy: float


def adaboost_run(noise: float, rounds: int) -> BoostRun:
    """``rounds`` rounds of our AdaBoost and of scikit-learn's, compared round by round."""
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier

    data = L.classification_data(label_noise=noise)
    x, y = data.x_train, data.y_train
    ours = L.adaboost(x, y, rounds)
    sk = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=rounds, random_state=0).fit(
        x, y
    )
    k = len(ours.stumps)
    stump_diff = 0.0 if len(sk.estimators_) == k else math.inf
    for stump, tree in zip(ours.stumps, sk.estimators_, strict=False):
        t = tree.tree_
        leaves = tree.classes_[np.argmax(t.value[1:3, 0, :], axis=1)] if t.node_count == 3 else None
        if t.node_count != 3 or t.feature[0] != stump.feature or list(leaves) != [stump.left, stump.right]:
            stump_diff = math.inf
            break
        stump_diff = max(stump_diff, abs(float(t.threshold[0]) - stump.threshold))
    # scikit-learn's sample weights, replayed from its estimators and their weights (its SAMME update)
    w, weight_diff = np.full(len(y), 1.0 / len(y)), 0.0
    for m, (tree, alpha) in enumerate(zip(sk.estimators_[:k], sk.estimator_weights_[:k], strict=True)):
        weight_diff = max(weight_diff, float(np.abs(ours.weights[m] - w).max()))
        w = w * np.exp(alpha * (tree.predict(x) != y))
        w = w / w.sum()
    decision_diff, rows = 0.0, []
    beta_sum = np.cumsum(ours.beta)
    for m, staged in enumerate(sk.staged_decision_function(data.x_test)):
        if m >= k:
            break
        f_test = ours.decision_function(data.x_test, m + 1)
        decision_diff = max(decision_diff, float(np.abs(2 * f_test / beta_sum[m] - staged).max()))
    # F_m on both sets for every m at once: the running sums of beta_k h_k
    f_train_all = np.vstack(
        [
            np.zeros(len(y)),
            np.cumsum([b * s.predict(x) for s, b in zip(ours.stumps, ours.beta, strict=True)], axis=0),
        ]
    )
    f_test_all = np.vstack(
        [
            np.zeros(len(data.y_test)),
            np.cumsum(
                [b * s.predict(data.x_test) for s, b in zip(ours.stumps, ours.beta, strict=True)], axis=0
            ),
        ]
    )
    for m in range(k + 1):
        f_train, f_test = f_train_all[m], f_test_all[m]
        rows.append(
            {
                "round": m,
                "exp_loss": ours.train_loss[m],
                "train_error": float(L.zero_one(y, f_train).mean()),
                "test_error": float(L.zero_one(data.y_test, f_test).mean()),
            }
        )
    stumps = pd.DataFrame(
        {
            "round": np.arange(1, k + 1),
            "feature": [s.feature for s in ours.stumps],
            "threshold": [s.threshold for s in ours.stumps],
            "error": ours.error,
            "beta": ours.beta,
            "alpha": sk.estimator_weights_[:k],
        }
    )
    final = ours.final_weights
    heaviest = np.argsort(-final, kind="stable")[: max(1, len(y) // 10)]
    f_final = ours.decision_function(data.x_test)
    return BoostRun(
        rounds=pd.DataFrame(rows),
        stumps=stumps,
        stump_diff=stump_diff,
        weight_diff=weight_diff,
        decision_diff=decision_diff,
        alpha_diff=float(np.abs(2 * ours.beta - sk.estimator_weights_[:k]).max()),
        n_rounds=k,
        flipped_share=float(data.flipped.mean()),
        flipped_weight=float(final[data.flipped].sum()),
        top_flipped=float(data.flipped[heaviest].mean()),
        test_accuracy=1.0 - float(L.zero_one(data.y_test, f_final).mean()),
        train_accuracy=1.0 - float(L.zero_one(y, ours.decision_function(x)).mean()),
    )


#: the capacity knob's range: the L2 strength of the logistic classifier, 1e-4 to 10
CAPACITY_LAMBDAS = np.logspace(-4, 1, 26)


def capacity_risks(noise: float, outliers: int) -> tuple[pd.DataFrame, float, float]:
    """The regularised logistic classifier's risks over :data:`CAPACITY_LAMBDAS` on the fits section's data;
    the max |diff| of (w, b) against LogisticRegression(C = 1/(lambda n)) at every fifth lambda (lbfgs at
    tol 1e-12 takes 0.1 s a fit), and of the exact expected risks against scipy's quadrature at every one."""
    from sklearn.linear_model import LogisticRegression

    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    path = L.capacity_path(data, CAPACITY_LAMBDAS)
    n = len(data.y_train)
    check_sklearn = check_quad = 0.0
    for i, lam in enumerate(path.lams):
        check_quad = max(check_quad, abs(path.expected[i] - _quad_expected(path.w[i], path.b[i], "logistic")))
        if i % 5:
            continue
        ref = LogisticRegression(C=1.0 / (lam * n), tol=1e-12, max_iter=10_000).fit(
            data.x_train, data.y_train
        )
        diff = max(float(np.abs(path.w[i] - ref.coef_[0]).max()), abs(float(path.b[i] - ref.intercept_[0])))
        check_sklearn = max(check_sklearn, diff)
    frame = pd.DataFrame(
        {
            "lambda": path.lams,
            "empirical": path.empirical,
            "structural": path.structural,
            "held_out": path.held_out,
            "expected": path.expected,
            "gap": path.gap,
        }
    )
    return frame, check_sklearn, check_quad
