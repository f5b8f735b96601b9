r"""Live fits (numpy): what each loss does to a linear model.

- :func:`classification_data`: two Gaussian classes in 2-D, with label noise and outliers on the
  training set and a clean test set.
- :func:`fit_linear_classifier`: the structural risk
  :math:`J(w, b) = \frac1n \sum_i L(y_i, w^\top x_i + b) + \frac\lambda2 \lVert w \rVert^2` for a
  smooth margin loss (Newton's method with backtracking), or for the hinge (subgradient descent, an SVM).
- :func:`fit_svm`: the SVM as L2 + hinge, by subgradient descent.
- :func:`regression_data`, :func:`fit_line`: a 1-D line fitted by squared, absolute or Huber loss.
- :func:`train_softmax_regression`: multinomial logistic regression trained with the right
  cross-entropy and with the common mistake (softmax before ``CrossEntropyLoss``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.errors import InputError
from core.losses._elementwise import MARGIN_LOSSES, huber, sigmoid
from core.losses._entropy import _log_softmax

#: margin losses a linear classifier is fitted with on the page
FIT_LOSSES = ("hinge", "logistic", "exponential", "squared")


# --- data ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassificationData:
    """Training set (noisy labels, outliers) and clean test set; labels in {-1, +1}."""

    x_train: np.ndarray  # (n, 2)
    y_train: np.ndarray  # (n,)
    flipped: np.ndarray  # (n,) bool: label flipped by the noise
    outlier: np.ndarray  # (n,) bool: an added outlier
    x_test: np.ndarray
    y_test: np.ndarray


def _check_fraction(name: str, value: float, high: float) -> float:
    value = float(value)
    if not 0.0 <= value <= high:
        raise InputError(
            "losses.fraction",
            f"{name} must be between 0 and {high:g}; got {value:g}.",
            name=name,
            high=f"{high:g}",
            got=f"{value:g}",
        )
    return value


def _check_count(name: str, value: int, low: int, high: int) -> int:
    if int(value) != value or not low <= value <= high:
        raise InputError(
            "losses.count",
            f"{name} must be a whole number from {low} to {high}; got {value}.",
            name=name,
            low=low,
            high=high,
            got=repr(value),
        )
    return int(value)


def classification_data(
    n_train: int = 200,
    n_test: int = 2000,
    *,
    label_noise: float = 0.0,
    n_outliers: int = 0,
    outlier_distance: float = 8.0,
    seed: int = 0,
) -> ClassificationData:
    r"""Two Gaussian classes, unit variance, centres :math:`\pm(1, 1)`; a fraction ``label_noise`` of the
    training labels flipped, and ``n_outliers`` extra training points labelled -1 placed far on the
    positive side, ``outlier_distance`` from the origin (outliers of the kind AdaBoost is said to fear).
    The test set is drawn from the clean distribution."""
    n_train = _check_count("n_train", n_train, 4, 100_000)
    n_test = _check_count("n_test", n_test, 2, 1_000_000)
    label_noise = _check_fraction("label_noise", label_noise, 0.5)
    n_outliers = _check_count("n_outliers", n_outliers, 0, n_train)
    rng = np.random.default_rng(seed)
    centre = CENTRE

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        x = rng.normal(size=(n, 2)) + y[:, None] * centre
        return x, y

    x, y = draw(n_train)
    # the noise draws come after the data, so the clean points are the same for every noise level
    flip = rng.random(n_train) < label_noise
    y = np.where(flip, -y, y)
    angles = rng.uniform(-0.35, 0.35, size=n_outliers) + np.pi / 4
    radius = outlier_distance + rng.normal(scale=0.5, size=n_outliers)
    x_out = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])
    x_test, y_test = draw(n_test)
    return ClassificationData(
        x_train=np.vstack([x, x_out]),
        y_train=np.concatenate([y, -np.ones(n_outliers)]),
        flipped=np.concatenate([flip, np.zeros(n_outliers, bool)]),
        outlier=np.concatenate([np.zeros(n_train, bool), np.ones(n_outliers, bool)]),
        x_test=x_test,
        y_test=y_test,
    )


# --- linear classifiers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearFit:
    """A linear score :math:`f(x) = w^\top x + b` and how it was reached."""

    w: np.ndarray
    b: float
    objective: float  # J(w, b) at the fit
    grad_norm: float  # max |dJ/dtheta| at the fit (a subgradient for the hinge)
    iterations: int

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) @ self.w + self.b


# second derivative d^2 L / df^2 of the smooth margin losses (y^2 = 1), as functions of the margin m
_CURVATURE = {
    # sigma(m) sigma(-m)
    "logistic": lambda m: sigmoid(m) * sigmoid(-m),
    # exp(-m)
    "exponential": lambda m: np.exp(np.minimum(-m, 700.0)),
    # 2
    "squared": lambda m: np.full_like(m, 2.0),
}


def _check_lambda(lam: float) -> float:
    lam = float(lam)
    if not np.isfinite(lam) or lam <= 0:
        raise InputError(
            "losses.lam",
            f"lam (the L2 strength lambda) must be a positive number; got {lam:g}.",
            got=f"{lam:g}",
        )
    return lam


def structural_risk(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, loss: str, lam: float) -> float:
    r""":math:`J(w, b) = \frac1n\sum_i L(y_i, w^\top x_i + b) + \frac\lambda2\lVert w\rVert^2`: the empirical
    risk (mean loss) plus the L2 term."""
    f = x @ w + b
    return float(MARGIN_LOSSES[loss][0](y, f).mean() + 0.5 * lam * w @ w)


def fit_linear_classifier(
    x: np.ndarray, y: np.ndarray, loss: str, *, lam: float = 1e-2, max_iter: int = 100
) -> LinearFit:
    r"""Minimise :math:`J(w, b) = \frac1n\sum_i L(y_i, w^\top x_i + b) + \frac\lambda2\lVert w\rVert^2`.

    Smooth losses (logistic, exponential, squared): Newton's method with backtracking line search on
    :math:`\theta = (w, b)` (gradient :math:`A^\top g / n + \lambda (w, 0)`, Hessian
    :math:`A^\top \operatorname{diag}(h) A / n + \lambda \operatorname{diag}(1, .., 1, 0)` with
    :math:`A = [X, 1]`), until the gradient is below 1e-10. Hinge: :func:`fit_svm`.
    """
    if loss == "hinge":
        return fit_svm(x, y, lam=lam)
    if loss not in _CURVATURE:
        raise ValueError(f"loss must be one of {', '.join(FIT_LOSSES)}; got {loss!r}.")
    lam = _check_lambda(lam)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = x.shape
    a = np.column_stack([x, np.ones(n)])
    ridge = np.full(d + 1, lam)
    ridge[-1] = 0.0  # the intercept is not penalised
    loss_fn, grad_fn = MARGIN_LOSSES[loss]
    curvature = _CURVATURE[loss]

    def objective(theta: np.ndarray) -> float:
        # mean L(y, A theta) + lam/2 |w|^2
        return float(loss_fn(y, a @ theta).mean() + 0.5 * (ridge * theta * theta).sum())

    theta = np.zeros(d + 1)
    value = objective(theta)
    it = 0
    grad = np.zeros(d + 1)
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        f = a @ theta
        # dJ/dtheta = A^T dL/df / n + lam (w, 0)
        grad = a.T @ grad_fn(y, f) / n + ridge * theta
        if np.abs(grad).max() < 1e-10:
            break
        # H = A^T diag(L'') A / n + lam diag(1, .., 0)
        hess = (a.T * curvature(y * f)) @ a / n + np.diag(ridge)
        step = np.linalg.solve(hess + 1e-12 * np.eye(d + 1), grad)
        t = 1.0
        while True:  # Armijo backtracking: J(theta - t step) <= J(theta) - t/4 <grad, step>
            candidate = theta - t * step
            new = objective(candidate)
            if new <= value - 0.25 * t * grad @ step or t < 1e-12:
                break
            t *= 0.5
        theta, value = candidate, new
    f = a @ theta
    grad = a.T @ grad_fn(y, f) / n + ridge * theta
    return LinearFit(theta[:d], float(theta[d]), value, float(np.abs(grad).max()), it)


def best_intercept(scores: np.ndarray, y: np.ndarray) -> float:
    r"""The exact minimiser in :math:`b` of :math:`\sum_i \max(0, 1 - y_i (s_i + b))` for fixed scores
    :math:`s_i = w^\top x_i`.

    The sum is convex and piecewise linear in :math:`b`, with a kink at :math:`b_i = y_i - s_i` for
    every point; its slope is :math:`-n_+` far left and rises by 1 at each kink, so it is 0 between the
    :math:`n_+`-th and :math:`(n_+ + 1)`-th smallest kinks. Any :math:`b` there is a minimiser; the
    midpoint is returned. :math:`O(n)` (``np.partition``).
    """
    # kinks b_i = y_i - s_i  (1/y_i = y_i for y_i = +-1)
    kinks = y - scores
    k = int(np.count_nonzero(y > 0))
    if k == 0:
        return float(kinks.min())
    if k == kinks.size:
        return float(kinks.max())
    low, high = np.partition(kinks, [k - 1, k])[[k - 1, k]]
    return float(0.5 * (low + high))


def fit_svm(
    x: np.ndarray,
    y: np.ndarray,
    *,
    lam: float = 1e-2,
    steps: int | None = None,
    penalize_intercept: bool = False,
) -> LinearFit:
    r"""Linear SVM as L2 regularisation plus hinge loss, by subgradient descent:

    .. math:: J(w, b) = \frac\lambda2 \lVert w\rVert^2 + \frac1n\sum_i \max(0, 1 - y_i(w^\top x_i + b))

    which is the notes' :math:`\frac12\lVert w\rVert^2 + C\sum_i \xi_i` divided by :math:`C n`, i.e.
    :math:`C = 1/(\lambda n)` (scikit-learn's ``SVC(kernel="linear", C=C)``).

    :math:`w` takes full-batch subgradient steps :math:`w \leftarrow w - \eta_t g_t` with
    :math:`\eta_t = 1/(\lambda t)` (the Pegasos schedule for a :math:`\lambda`-strongly convex objective).
    The unpenalised :math:`b`, in which :math:`J` is not strongly convex (subgradient steps on it crawl
    when :math:`\lambda` is large), is set to its exact minimiser for the current :math:`w` at every step
    (:func:`best_intercept`). The result is the best of: the iterate with the lowest :math:`J` seen, the
    last one, and the average of the second half of the run. The error shrinks like
    :math:`1/(\lambda T)`, so by default the run has :math:`T = \operatorname{clip}(10/\lambda, 1000, 5000)`
    steps; below :math:`\lambda \approx 10^{-3}` (a hard margin) that is not enough on the page's data.

    ``penalize_intercept`` adds :math:`\frac\lambda2 b^2` and moves :math:`b` with :math:`w` by the same
    steps: the problem ``LinearSVC(loss="hinge", intercept_scaling=1)`` solves.
    """
    lam = _check_lambda(lam)
    if steps is None:
        steps = int(np.clip(10.0 / lam, 1000, 5000))
    steps = _check_count("steps", steps, 10, 1_000_000)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = x.shape
    a = np.column_stack([x, np.ones(n)])

    def objective(theta: np.ndarray) -> float:
        # lam/2 |w|^2 (+ lam/2 b^2) + mean max(0, 1 - y f)
        reg = theta @ theta if penalize_intercept else theta[:d] @ theta[:d]
        return float(np.maximum(0.0, 1.0 - y * (a @ theta)).mean() + 0.5 * lam * reg)

    def with_best_b(w: np.ndarray) -> np.ndarray:
        return np.append(w, best_intercept(x @ w, y))

    theta = np.zeros(d + 1)
    total = np.zeros(d + 1)
    half = steps // 2
    best_theta, best_value = theta.copy(), np.inf
    for t in range(1, steps + 1):
        if not penalize_intercept:
            theta[d] = best_intercept(x @ theta[:d], y)
        m = y * (a @ theta)
        # J at this iterate: mean max(0, 1 - m) + lam/2 |w|^2 (+ b^2); the best one is kept
        value = np.maximum(0.0, 1.0 - m).mean() + 0.5 * lam * (
            theta @ theta if penalize_intercept else theta[:d] @ theta[:d]
        )
        if value < best_value:
            best_theta, best_value = theta.copy(), value
        # subgradient: lam w - A^T (y 1[m <= 1]) / n
        g = -(a.T @ np.where(m <= 1.0, y, 0.0)) / n + lam * theta
        if not penalize_intercept:
            g[d] = 0.0
        # eta_t = 1 / (lam t)
        theta = theta - g / (lam * t)
        if t > half:
            total += theta
    candidates = [best_theta, theta, total / (steps - half)]
    if not penalize_intercept:
        candidates = [with_best_b(c[:d]) for c in candidates]
    best = min(candidates, key=objective)
    m = y * (a @ best)
    g = -(a.T @ np.where(m <= 1.0, y, 0.0)) / n + lam * best
    if not penalize_intercept:
        g[d] = 0.0
    return LinearFit(best[:d], float(best[d]), objective(best), float(np.abs(g).max()), steps)


def svm_margin_width(fit: LinearFit) -> float:
    r"""Width of the margin between :math:`f = -1` and :math:`f = +1`: :math:`2 / \lVert w\rVert`."""
    return float(2.0 / np.linalg.norm(fit.w))


def accuracy(fit: LinearFit, x: np.ndarray, y: np.ndarray) -> float:
    """Share of examples whose score has the label's sign (a score of 0 counts as wrong)."""
    return float(np.mean(y * fit.decision_function(x) > 0))


def fit_all_classifiers(data: ClassificationData, lam: float = 1e-2) -> dict[str, LinearFit]:
    """One linear classifier per loss of :data:`FIT_LOSSES` on the training set of ``data``."""
    return {loss: fit_linear_classifier(data.x_train, data.y_train, loss, lam=lam) for loss in FIT_LOSSES}


#: the class centres of :func:`classification_data`: y = +1 around +CENTRE, y = -1 around -CENTRE
CENTRE = np.array([1.0, 1.0])
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(96)  # E[g(Z)], Z ~ N(0, 1): sum(W g(N)) / sqrt(2 pi)


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _expected_margin_loss(loss: str, mu: float, s: float) -> float:
    r""":math:`E[L(m)]` for a margin :math:`m \sim N(\mu, s^2)` (``s = 0``: the loss at :math:`\mu`)."""
    if s == 0.0:
        return float(MARGIN_LOSSES[loss][0](1.0, mu))
    if loss == "zero_one":  # P(m <= 0)
        return _normal_cdf(-mu / s)
    if loss == "hinge":  # E[max(0, 1 - m)] = (1 - mu) Phi(t) + s phi(t), t = (1 - mu) / s
        t = (1.0 - mu) / s
        return (1.0 - mu) * _normal_cdf(t) + s * math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    if loss == "exponential":  # E[exp(-m)] = exp(-mu + s^2 / 2)
        return math.exp(-mu + 0.5 * s * s)
    if loss == "squared":  # E[(1 - m)^2] = (1 - mu)^2 + s^2
        return (1.0 - mu) ** 2 + s * s
    # logistic: no closed form; Gauss-Hermite quadrature of a smooth function
    values = MARGIN_LOSSES[loss][0](1.0, mu + s * _NODES)
    return float(_WEIGHTS @ values / math.sqrt(2.0 * math.pi))


def expected_risk(w: np.ndarray, b: float, loss: str) -> float:
    r"""The expected risk :math:`R(f) = E[L(Y, f(X))]` of the linear score :math:`f(x) = w^\top x + b`
    on the clean distribution of :func:`classification_data` (equal priors, :math:`X \mid Y = y \sim
    N(y c, I)`, :math:`c = (1, 1)`), exactly: the margin :math:`m = y f(x)` is normal,
    :math:`N(w^\top c + y b, \lVert w\rVert^2)` given :math:`y`. ``loss`` is a margin loss
    (``"zero_one"`` gives the error rate). For a trained model this is its generalisation error; a
    test set drawn from the same distribution estimates it."""
    if loss not in MARGIN_LOSSES:
        raise ValueError(f"loss must be one of {', '.join(MARGIN_LOSSES)}; got {loss!r}.")
    w = np.asarray(w, dtype=np.float64)
    s = float(np.linalg.norm(w))
    centre = float(w @ CENTRE)
    return 0.5 * sum(_expected_margin_loss(loss, centre + y * float(b), s) for y in (1.0, -1.0))


# --- regression ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegressionData:
    x: np.ndarray
    y: np.ndarray
    outlier: np.ndarray  # bool


TRUE_SLOPE, TRUE_INTERCEPT = 2.0, 1.0


def regression_data(
    n: int = 60, *, n_outliers: int = 0, outlier_shift: float = 30.0, seed: int = 0
) -> RegressionData:
    r""":math:`y = 2x + 1 + \varepsilon`, :math:`x \sim U(0, 10)`, :math:`\varepsilon \sim N(0, 1)`; the
    last ``n_outliers`` points (the largest x's) are moved up by ``outlier_shift``."""
    n = _check_count("n", n, 3, 100_000)
    n_outliers = _check_count("n_outliers", n_outliers, 0, n - 2)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 10.0, size=n))
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(size=n)
    outlier = np.zeros(n, bool)
    if n_outliers:
        outlier[-n_outliers:] = True
    y = np.where(outlier, y + outlier_shift, y)
    return RegressionData(x, y, outlier)


def regression_risk(x: np.ndarray, y: np.ndarray, slope: float, intercept: float, loss: str, delta=1.0):
    """Mean loss of the line ``slope x + intercept``."""
    pred = slope * x + intercept
    if loss == "squared":
        return float(((y - pred) ** 2).mean())
    if loss == "absolute":
        return float(np.abs(y - pred).mean())
    return float(huber(y, pred, delta).mean())


def fit_line(x: np.ndarray, y: np.ndarray, loss: str, *, delta: float = 1.0) -> tuple[float, float]:
    r"""(slope, intercept) minimising the mean loss of :math:`y \approx a x + c`.

    - ``squared``: least squares, the closed form from ``lstsq``.
    - ``absolute``: least absolute deviations. Some minimiser passes through two data points, so every
      line through a pair is tried (:math:`O(n^3)`, exact; meant for the page's tens of points).
    - ``huber``: iteratively reweighted least squares with weights :math:`\min(1, \delta/|r_i|)`,
      which decreases the Huber risk at every step, until the parameters stop moving (1e-12).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    a = np.column_stack([x, np.ones_like(x)])
    if loss == "squared":
        # argmin |y - A theta|^2
        theta = np.linalg.lstsq(a, y, rcond=None)[0]
        return float(theta[0]), float(theta[1])
    if loss == "absolute":
        if x.size > 400:
            raise ValueError(f"the exact absolute-loss fit tries every pair of points; {x.size} is too many.")
        i, j = np.triu_indices(x.size, 1)
        ok = x[i] != x[j]
        i, j = i[ok], j[ok]
        slope = (y[j] - y[i]) / (x[j] - x[i])
        intercept = y[i] - slope * x[i]
        # mean |y - (a x + c)| of every candidate line, in chunks to bound memory
        chunk = 4096
        risks = np.concatenate(
            [
                np.abs(y - slope[k : k + chunk, None] * x - intercept[k : k + chunk, None]).mean(1)
                for k in range(0, slope.size, chunk)
            ]
        )
        best = int(np.argmin(risks))
        return float(slope[best]), float(intercept[best])
    if loss == "huber":
        delta = float(delta)
        if not np.isfinite(delta) or delta <= 0:
            raise InputError(
                "losses.delta", f"delta must be a positive number; got {delta:g}.", got=f"{delta:g}"
            )
        theta = np.linalg.lstsq(a, y, rcond=None)[0]
        for _ in range(500):
            r = np.abs(y - a @ theta)
            # IRLS weights: 1 inside, delta/|r| outside
            weight = np.minimum(1.0, delta / np.maximum(r, 1e-300))
            new = np.linalg.solve((a.T * weight) @ a, (a.T * weight) @ y)
            done = np.abs(new - theta).max() < 1e-12
            theta = new
            if done:
                break
        return float(theta[0]), float(theta[1])
    raise ValueError(f"loss must be 'squared', 'absolute' or 'huber'; got {loss!r}.")


# --- softmax regression: the right cross-entropy and the softmax-twice mistake -------------------------


@dataclass(frozen=True)
class SoftmaxTraining:
    """Curves per epoch (index 0 = before training) for the right loss and the mistake."""

    loss_right: np.ndarray  # true cross-entropy of the model trained with F.cross_entropy(z)
    loss_mistake: np.ndarray  # true cross-entropy of the model trained with F.cross_entropy(softmax(z))
    reported_mistake: np.ndarray  # the loss value the mistaken training reports to the user
    accuracy_right: np.ndarray  # test accuracy
    accuracy_mistake: np.ndarray
    weights_right: np.ndarray  # final (W, b) stacked as (d + 1, C)
    weights_mistake: np.ndarray


def train_softmax_regression(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 100,
    lr: float = 0.5,
) -> SoftmaxTraining:
    r"""Full-batch gradient descent on a linear softmax model :math:`z = [X, 1]\,\Theta`, twice from zero:
    once on :math:`\mathrm{CE}(z, y)` (right: ``CrossEntropyLoss`` takes logits) and once on
    :math:`\mathrm{CE}(\operatorname{softmax}(z), y)` (the mistake: the softmax is then applied twice).

    Gradients: right :math:`(\operatorname{softmax}(z) - \mathrm{onehot}(y)) / N`; mistake, with
    :math:`p = \operatorname{softmax}(z)` and :math:`g_p = (\operatorname{softmax}(p) - \mathrm{onehot}) / N`,
    :math:`g_z = p \odot (g_p - \langle g_p, p\rangle)` (see :func:`softmax_then_cross_entropy_grad`).
    """
    epochs = _check_count("epochs", epochs, 1, 10_000)
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number; got {lr:g}.")
    a = np.column_stack([x_train, np.ones(len(x_train))])
    a_test = np.column_stack([x_test, np.ones(len(x_test))])
    y_train = np.asarray(y_train, dtype=np.int64)
    n, n_classes = len(y_train), int(max(y_train.max(), np.max(y_test))) + 1
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y_train] = 1.0
    curves = {k: np.empty(epochs + 1) for k in ("lr", "lm", "rm", "ar", "am")}
    right = np.zeros((a.shape[1], n_classes))
    mistake = np.zeros((a.shape[1], n_classes))
    # BLAS threads are the caller's to limit (the server's worker pool runs BLAS on one thread: these
    # products are small, and OpenBLAS's own threads on a shared CPU made each one far slower)
    _descend(a, a_test, y_train, np.asarray(y_test), onehot, right, mistake, curves, epochs, lr)
    return SoftmaxTraining(
        curves["lr"], curves["lm"], curves["rm"], curves["ar"], curves["am"], right, mistake
    )


def _descend(a, a_test, y_train, y_test, onehot, right, mistake, curves, epochs, lr) -> None:
    """The loop of :func:`train_softmax_regression` (updates ``right``, ``mistake``, ``curves`` in place)."""
    n = len(y_train)
    rows = np.arange(n)
    for epoch in range(epochs + 1):
        log_p_r = _log_softmax(a @ right)
        log_p_m = _log_softmax(a @ mistake)
        p_m = np.exp(log_p_m)
        # the mistake's loss: CE of the probabilities taken as logits
        log_q_m = _log_softmax(p_m)
        # mean -log p_{n, y_n}
        curves["lr"][epoch] = -log_p_r[rows, y_train].mean()
        curves["lm"][epoch] = -log_p_m[rows, y_train].mean()
        curves["rm"][epoch] = -log_q_m[rows, y_train].mean()
        curves["ar"][epoch] = np.mean((a_test @ right).argmax(1) == y_test)
        curves["am"][epoch] = np.mean((a_test @ mistake).argmax(1) == y_test)
        if epoch == epochs:
            break
        # right: dJ/dz = (softmax(z) - onehot) / N
        g_r = (np.exp(log_p_r) - onehot) / n
        # mistake: g_p = (softmax(p) - onehot) / N, then g_z = p (g_p - <g_p, p>)
        g_p = (np.exp(log_q_m) - onehot) / n
        g_m = p_m * (g_p - (g_p * p_m).sum(axis=1, keepdims=True))
        # Theta <- Theta - lr A^T dJ/dz
        right -= lr * (a.T @ g_r)
        mistake -= lr * (a.T @ g_m)


def softmax_twice_bounds(n_classes: int) -> tuple[float, float]:
    r"""What the mistaken loss :math:`\mathrm{CE}(\operatorname{softmax}(z), y)` can reach for one example:
    its inputs are probabilities in [0, 1], so even a perfect, certain model (:math:`p = \mathrm{onehot}(y)`)
    pays :math:`\log(e + C - 1) - 1`, and a uniform model :math:`p = 1/C` pays :math:`\log C`. Returns
    (lowest, uniform): the loss is squeezed into a narrow band and its gradients are small.
    """
    n_classes = _check_count("n_classes", n_classes, 2, 100_000)
    # best case: p = onehot(y): -log softmax(onehot)_y = log(e + C - 1) - 1
    lowest = float(np.log(np.e + n_classes - 1) - 1.0)
    return lowest, float(np.log(n_classes))


__all__ = [
    "FIT_LOSSES",
    "ClassificationData",
    "LinearFit",
    "RegressionData",
    "SoftmaxTraining",
    "accuracy",
    "best_intercept",
    "classification_data",
    "fit_all_classifiers",
    "fit_line",
    "fit_linear_classifier",
    "fit_svm",
    "regression_data",
    "regression_risk",
    "softmax_twice_bounds",
    "structural_risk",
    "svm_margin_width",
    "train_softmax_regression",
]
