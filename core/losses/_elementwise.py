r"""The notes' elementwise losses and their (sub)gradients.

Classification losses take a label :math:`y \in \{-1, +1\}` and a real score :math:`f = f(x)` and depend
only on the margin :math:`m = y f`. Regression losses take a target and a prediction and depend only on
the residual :math:`r = \hat y - y`. Gradients are with respect to the score (or prediction), the
quantity a model's parameters move.
"""

from __future__ import annotations

import numpy as np

from core.errors import InputError

ArrayLike = np.ndarray | float | list


def _labels(y: ArrayLike) -> np.ndarray:
    """``y`` as float64, checked to hold only -1 and +1."""
    y = np.asarray(y, dtype=np.float64)
    bad = ~np.isin(y, (-1.0, 1.0))
    if bad.any():
        value = y[bad].flat[0]
        raise ValueError(f"y must hold only -1 and +1 (margin losses); found {value:g}.")
    return y


def _scores(f: ArrayLike, name: str = "f") -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    if np.isnan(f).any():
        raise ValueError(f"{name} holds NaN; every score must be a number.")
    return f


def margin(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""The margin :math:`m = y f(x)`: positive when the sign of the score is the label."""
    return _labels(y) * _scores(f)


# --- margin losses -------------------------------------------------------------------------------------


def zero_one(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""0-1 loss :math:`L = \mathbb 1[y f \le 0]`: one per misclassified example.

    A score of exactly 0 takes no side and counts as an error. Not convex, discontinuous at 0, and its
    gradient is 0 wherever it exists, so it cannot be minimised by gradient descent.
    """
    # L = 1[m <= 0]
    return (margin(y, f) <= 0).astype(np.float64)


def zero_one_grad(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial f = 0` for :math:`m \ne 0`; undefined (NaN) at :math:`m = 0`."""
    m = margin(y, f)
    # dL/df = 0 away from the jump, undefined on it
    return np.where(m == 0, np.nan, 0.0)


def hinge(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""Hinge loss :math:`L = \max(0, 1 - y f)` (the SVM's)."""
    # L = max(0, 1 - m)
    return np.maximum(0.0, 1.0 - margin(y, f))


def hinge_grad(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""A subgradient: :math:`\partial L / \partial f = -y` where :math:`y f \le 1`, else 0. At the kink
    :math:`y f = 1` any value between :math:`-y` and 0 is a subgradient; :math:`-y` is the one autograd
    gives for ``torch.clamp(1 - y * f, min=0)``."""
    y = _labels(y)
    m = y * _scores(f)
    # dL/df = -y 1[m <= 1]
    return np.where(m <= 1.0, -y, 0.0)


def exponential(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""Exponential loss :math:`L = e^{-y f}` (AdaBoost's). Overflows to ``inf`` for
    :math:`y f < -709.78`, which is its true value in float64; no warning is raised."""
    m = margin(y, f)
    with np.errstate(over="ignore"):
        # L = exp(-m)
        return np.exp(-m)


def exponential_grad(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial f = -y\, e^{-y f}`."""
    y = _labels(y)
    with np.errstate(over="ignore"):
        # dL/df = -y exp(-m)
        return -y * np.exp(-y * _scores(f))


def logistic(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""Logistic loss :math:`L = \log(1 + e^{-y f})` in nats (logistic regression's; the binary
    cross-entropy of :math:`\sigma(f)`), computed as ``logaddexp(0, -m)``: exact for margins of any size.
    """
    # L = log(1 + exp(-m)) = logaddexp(0, -m)
    return np.logaddexp(0.0, -margin(y, f))


def sigmoid(z: ArrayLike) -> np.ndarray:
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})` without overflow: :math:`e^{-|z|}` only."""
    z = np.asarray(z, dtype=np.float64)
    # exp(-|z|) is in (0, 1]: never overflows
    e = np.exp(-np.abs(z))
    # sigma(z) = 1/(1+e) for z >= 0, e/(1+e) for z < 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_nll(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r""":math:`-\ln P(y \mid x)` under the logistic model :math:`P(y = 1 \mid x) = \sigma(f)`,
    :math:`P(y = -1 \mid x) = 1 - \sigma(f)`, taken literally: the probability of the observed label, then
    minus its log (no identity used). Equal to :func:`logistic` (:math:`\ln(1 + e^{-y f})`) up to rounding
    while :math:`1 - \sigma(f)` is representable (inf past :math:`f \approx 37`, where the stable form is
    still exact)."""
    y = _labels(y)
    p = sigmoid(_scores(f))
    # P(y | x) = p if y = +1, 1 - p if y = -1; the loss is -ln of it
    with np.errstate(divide="ignore"):
        return -np.log(np.where(y > 0, p, 1.0 - p))


def logistic_grad(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial f = -y\, \sigma(-y f)`."""
    y = _labels(y)
    # dL/df = -y sigma(-m)
    return -y * sigmoid(-y * _scores(f))


def squared_margin(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r"""Squared loss of a classifier :math:`L = (1 - y f)^2 = (y - f)^2` (as :math:`y^2 = 1`): least
    squares on :math:`\pm 1` targets. It also punishes :math:`y f > 1`, i.e. being right with confidence."""
    m = margin(y, f)
    with np.errstate(over="ignore"):  # |m| > 1.3e154: the square is inf, its true float64 value
        # L = (1 - m)^2
        return (1.0 - m) ** 2


def squared_margin_grad(y: ArrayLike, f: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial f = -2 y (1 - y f)`."""
    y = _labels(y)
    with np.errstate(over="ignore"):
        # dL/df = -2 y (1 - m)
        return -2.0 * y * (1.0 - y * _scores(f))


# --- regression losses ---------------------------------------------------------------------------------


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = _scores(y_true, "y_true")
    b = _scores(y_pred, "y_pred")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"y_true has shape {a.shape} and y_pred {b.shape}: they must have the same shape."
        ) from None
    return a, b


def absolute(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Absolute loss :math:`L = |y - \hat y|` (torch's ``l1_loss`` with ``reduction="none"``)."""
    a, b = _pair(y_true, y_pred)
    # L = |y - yhat|
    return np.abs(a - b)


def absolute_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial \hat y = \operatorname{sign}(\hat y - y)` (0 at the kink, as torch)."""
    a, b = _pair(y_true, y_pred)
    # dL/dyhat = sign(yhat - y)
    return np.sign(b - a)


def squared(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Squared loss of one example :math:`L = (y - \hat y)^2` (torch's ``mse_loss``, ``reduction="none"``).

    The notes write :math:`\sum_N (Y - f(X))^2`: that sum over the examples is the total, and the
    empirical risk is its mean (what ``mse_loss`` returns by default)."""
    a, b = _pair(y_true, y_pred)
    # L = (y - yhat)^2
    return (a - b) ** 2


def squared_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\partial L / \partial \hat y = 2 (\hat y - y)`."""
    a, b = _pair(y_true, y_pred)
    # dL/dyhat = 2 (yhat - y)
    return 2.0 * (b - a)


def _delta(delta: float) -> float:
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise InputError("losses.delta", f"delta must be a positive number; got {delta:g}.", got=f"{delta:g}")
    return delta


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> np.ndarray:
    r"""Huber loss (torch's ``huber_loss``, ``reduction="none"``): squared near 0, absolute far out,

    .. math:: L_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
              \delta (|r| - \tfrac12 \delta) & |r| > \delta \end{cases}

    Its gradient is the residual clipped to :math:`[-\delta, \delta]`: the bridge between the squared
    loss (:math:`\delta \to \infty`, halved) and the absolute loss (:math:`L_\delta / \delta \to |r|` as
    :math:`\delta \to 0`).
    """
    delta = _delta(delta)
    a, b = _pair(y_true, y_pred)
    r = np.abs(b - a)
    # L = r^2/2 inside, delta (|r| - delta/2) outside
    return np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta))


def huber_grad(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> np.ndarray:
    r""":math:`\partial L / \partial \hat y = \operatorname{clip}(\hat y - y, -\delta, \delta)`."""
    delta = _delta(delta)
    a, b = _pair(y_true, y_pred)
    # dL/dyhat = clip(r, -delta, delta)
    return np.clip(b - a, -delta, delta)


#: the classification losses on the margin, in the order the page draws them: name -> (loss, gradient)
MARGIN_LOSSES = {
    "zero_one": (zero_one, zero_one_grad),
    "hinge": (hinge, hinge_grad),
    "logistic": (logistic, logistic_grad),
    "exponential": (exponential, exponential_grad),
    "squared": (squared_margin, squared_margin_grad),
}
#: the regression losses on the residual: name -> (loss, gradient); Huber takes ``delta`` as well
RESIDUAL_LOSSES = {
    "squared": (squared, squared_grad),
    "absolute": (absolute, absolute_grad),
    "huber": (huber, huber_grad),
}
