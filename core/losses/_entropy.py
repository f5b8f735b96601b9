r"""Cross-entropy, as PyTorch computes it: ``log_softmax`` -> ``nll_loss``, and the binary forms.

Everything is float64 numpy and stable for logits of any size: the largest logit is subtracted before
exponentiating (log-sum-exp), so ``exp`` never sees a positive number.
"""

from __future__ import annotations

import numpy as np

from core.errors import InputError

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise InputError(
            "losses.reduction",
            f"reduction must be 'mean', 'sum' or 'none'; got {reduction!r}.",
            got=repr(reduction),
        )


def _finite_or_inf(x: np.ndarray, name: str) -> None:
    if np.isnan(x).any():
        raise InputError("losses.logits_nan", f"{name} holds NaN; every logit must be a number.", name=name)


def logsumexp(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\log \sum_j e^{x_j} = M + \log \sum_j e^{x_j - M}` with :math:`M = \max_j x_j` (kept dims)."""
    x = np.asarray(x, dtype=np.float64)
    m = _row_shift(x, axis)
    with np.errstate(divide="ignore"):
        # M + log sum exp(x - M)
        return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _row_shift(x: np.ndarray, axis: int) -> np.ndarray:
    """M = max_j x_j (kept dims); a row of -inf is shifted by 0 instead (its log-sum-exp is -inf)."""
    m = np.max(x, axis=axis, keepdims=True)
    return np.where(np.isfinite(m), m, 0.0)


def _log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """:func:`log_softmax` of a float64 array without its checks (the training loops call it per step)."""
    shifted = x - _row_shift(x, axis)
    with np.errstate(divide="ignore"):
        # (x_i - M) - log sum_j exp(x_j - M), in torch's order of operations
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Log-probabilities :math:`\log \operatorname{softmax}(x)_i = x_i - \log\sum_j e^{x_j}` (torch's
    ``log_softmax``), stable for logits of any size: computed as :math:`(x_i - M) - \log\sum_j
    e^{x_j - M}` with :math:`M = \max_j x_j`, so ``exp`` never sees a positive number."""
    x = np.asarray(x, dtype=np.float64)
    _finite_or_inf(x, "x")
    return _log_softmax(x, axis=axis)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\operatorname{softmax}(x)_i = e^{x_i - M} / \sum_j e^{x_j - M}`, stable."""
    return np.exp(log_softmax(x, axis=axis))


def softmax_naive(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""The textbook :math:`e^{x_i} / \sum_j e^{x_j}` without the shift, to show what goes wrong: a logit
    above ~709.78 makes :math:`e^{x}` overflow to ``inf`` and the ratio ``inf/inf = nan``. Warnings are
    silenced on purpose (this function exists to produce that NaN)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        # p_i = exp(x_i) / sum_j exp(x_j)   (no shift: overflows)
        e = np.exp(x)
        return e / np.sum(e, axis=axis, keepdims=True)


def _class_targets(log_probs: np.ndarray, target: np.ndarray, ignore_index: int) -> np.ndarray:
    """Class-index targets checked against torch's shape rules; returns them as int64."""
    if log_probs.ndim == 0:
        raise InputError(
            "losses.no_class_dimension",
            "input must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...).",
            name="input",
        )
    expected = log_probs.shape[:1] + log_probs.shape[2:] if log_probs.ndim >= 2 else ()
    if target.shape != expected:
        raise InputError(
            "losses.target_shape",
            f"target has shape {target.shape}; for input of shape {log_probs.shape} it must be {expected}.",
            shape=str(target.shape),
            input_shape=str(log_probs.shape),
            expected=str(expected),
        )
    if target.size and not np.all(np.equal(np.mod(target, 1), 0)):
        raise InputError(
            "losses.target_not_whole",
            "target must hold class indices (whole numbers) or class probabilities.",
        )
    target = target.astype(np.int64)
    n_classes = log_probs.shape[1] if log_probs.ndim >= 2 else log_probs.shape[0]
    bad = (target != ignore_index) & ((target < 0) | (target >= n_classes))
    if bad.any():
        got = int(target[bad].flat[0])
        raise InputError(
            "losses.target_class",
            f"target holds class {got}, outside 0..{n_classes - 1} (and not ignore_index={ignore_index}).",
            got=got,
            top=n_classes - 1,
            ignore=ignore_index,
        )
    return target


def _class_weight(weight: np.ndarray | None, n_classes: int) -> np.ndarray:
    if weight is None:
        return np.ones(n_classes)
    weight = np.asarray(weight, dtype=np.float64)
    if weight.shape != (n_classes,):
        raise InputError(
            "losses.weight_shape",
            f"weight has shape {weight.shape}; it must have one value per class, ({n_classes},).",
            shape=str(weight.shape),
            c=n_classes,
        )
    return weight


def _moveaxis_class_last(x: np.ndarray) -> np.ndarray:
    """(C,) stays; (N, C, d1, ...) -> (N, d1, ..., C)."""
    return x if x.ndim == 1 else np.moveaxis(x, 1, -1)


def nll_loss(
    log_probs: np.ndarray,
    target: np.ndarray,
    *,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray | float:
    r"""Negative log-likelihood of class-index targets, as ``torch.nn.functional.nll_loss``:

    .. math:: \ell_n = -w_{y_n} \log p_{n, y_n}, \qquad
              \text{mean} = \frac{\sum_n \ell_n}{\sum_n w_{y_n}}

    over the examples whose target is not ``ignore_index`` (ignored ones contribute 0). With class
    weights the mean divides by the summed weights, not by N. Every example ignored: the mean is NaN, as
    in torch.

    Shape: ``log_probs`` (C,), (N, C) or (N, C, d1, ...); ``target`` (), (N,) or (N, d1, ...).
    """
    _check_reduction(reduction)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    target = _class_targets(log_probs, np.asarray(target), ignore_index)
    n_classes = log_probs.shape[1] if log_probs.ndim >= 2 else log_probs.shape[0]
    w = _class_weight(weight, n_classes)
    keep = target != ignore_index
    safe = np.where(keep, target, 0)
    lp = _moveaxis_class_last(log_probs)
    # pick log p_{n, y_n}
    picked = np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    # w_{y_n}, 0 for ignored examples
    w_n = np.where(keep, w[safe], 0.0)
    # l_n = -w_{y_n} log p_{n, y_n}
    losses = np.where(keep, -w_n * picked, 0.0)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        # sum_n l_n / sum_n w_{y_n}
        return float(losses.sum() / w_n.sum())


def cross_entropy(
    logits: np.ndarray,
    target: np.ndarray,
    reduction: str = "mean",
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> np.ndarray | float:
    r"""``torch.nn.functional.cross_entropy``: softmax, log and NLL in one, computed as
    ``nll_loss(log_softmax(logits))``.

    Class-index targets, with smoothing :math:`\varepsilon` over :math:`C` classes:

    .. math:: \ell_n = (1 - \varepsilon)\,(-w_{y_n} \log p_{n,y_n})
              + \frac{\varepsilon}{C} \sum_c (-w_c \log p_{n,c})

    (the smoothing term is divided by :math:`\sum_n w_{y_n}` under ``mean``, like the NLL term).
    Probability targets (same shape as ``logits``, float): the target is mixed
    :math:`q \leftarrow (1-\varepsilon) q + \varepsilon / C` and
    :math:`\ell_n = -\sum_c w_c q_{n,c} \log p_{n,c}`; ``mean`` divides by N (times d1...), whatever the
    weights, and ``ignore_index`` does not apply.

    Parameters
    ----------
    logits : array, shape (C,), (N, C) or (N, C, d1, ...)
        Unnormalised scores; any size (1e4 and beyond) is fine.
    target : array
        Class indices, shape (), (N,) or (N, d1, ...), or class probabilities of the logits' shape.
    reduction : {"mean", "sum", "none"}
    weight : array of shape (C,), optional
        A weight per class.
    ignore_index : int
        Class-index targets equal to it contribute nothing (and are left out of the mean).
    label_smoothing : float in [0, 1]
    """
    _check_reduction(reduction)
    logits = np.asarray(logits, dtype=np.float64)
    _finite_or_inf(logits, "logits")
    if logits.ndim == 0:
        raise InputError(
            "losses.no_class_dimension",
            "logits must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...).",
            name="logits",
        )
    label_smoothing = float(label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise InputError(
            "losses.label_smoothing",
            f"label_smoothing must be between 0 and 1; got {label_smoothing:g}.",
            got=f"{label_smoothing:g}",
        )
    class_axis = 1 if logits.ndim >= 2 else 0
    n_classes = logits.shape[class_axis]
    w = _class_weight(weight, n_classes)
    # log p = log_softmax(logits) over the class axis
    log_p = log_softmax(logits, axis=class_axis)
    target = np.asarray(target)
    w_shape = [1] * logits.ndim
    w_shape[class_axis] = n_classes
    w_b = w.reshape(w_shape)

    if target.shape == logits.shape and np.issubdtype(target.dtype, np.floating):
        q = target.astype(np.float64)
        if label_smoothing > 0:
            # q <- (1 - eps) q + eps / C
            q = q * (1.0 - label_smoothing) + label_smoothing / n_classes
        # l_n = -sum_c w_c q_nc log p_nc
        losses = -(log_p * q * w_b).sum(axis=class_axis)
        if reduction == "none":
            return losses
        if reduction == "sum":
            return float(losses.sum())
        # mean over N (and d1...): numel / C
        return float(losses.sum() / (log_p.size / n_classes))

    nll = nll_loss(log_p, target, weight=weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    target = _class_targets(log_p, target, ignore_index)
    keep = target != ignore_index
    # smoothing term: -sum_c w_c log p_nc, 0 for ignored examples
    smooth = np.where(keep, -(log_p * w_b).sum(axis=class_axis), 0.0)
    if reduction == "none":
        smooth_red = smooth
    elif reduction == "sum":
        smooth_red = float(smooth.sum())
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            # divided by sum_n w_{y_n} like the NLL term (all ones without weights: the kept count)
            smooth_red = float(smooth.sum() / w[target[keep]].sum())
    # (1 - eps) NLL + eps / C * smooth
    out = (1.0 - label_smoothing) * nll + smooth_red * (label_smoothing / n_classes)
    return out if reduction == "none" else float(out)


def cross_entropy_steps(logits: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray | float]:
    r"""Every intermediate of the unweighted, unsmoothed mean cross-entropy of a batch (N, C):
    the shift :math:`M_n = \max_c z_{n,c}`, :math:`\log\sum_c e^{z_{n,c}}`, the log-softmax, the
    probabilities, the picked :math:`\log p_{n, y_n}`, the per-example losses and their mean."""
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"logits must be a batch of shape (N, C); got shape {logits.shape}.")
    target = _class_targets(logits, np.asarray(target), ignore_index=-100)
    if (target < 0).any():
        raise ValueError("target must hold class indices 0..C-1 here.")
    shift = logits.max(axis=1)
    lse = logsumexp(logits, axis=1)[:, 0]
    log_p = _log_softmax(logits, axis=1)
    picked = log_p[np.arange(len(target)), target]
    return {
        "shift": shift,
        "logsumexp": lse,
        "log_softmax": log_p,
        "softmax": np.exp(log_p),
        "picked": picked,
        "losses": -picked,
        "mean": float(-picked.mean()),
    }


def cross_entropy_grad(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Gradient of the mean cross-entropy over a batch (N, C) w.r.t. the logits:
    :math:`(\operatorname{softmax}(z_n) - \mathrm{onehot}(y_n)) / N`."""
    logits = np.asarray(logits, dtype=np.float64)
    target = np.asarray(target, dtype=np.int64)
    g = softmax(logits, axis=1)
    # softmax - onehot
    g[np.arange(len(target)), target] -= 1.0
    return g / len(target)


def softmax_then_cross_entropy_grad(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Gradient of the common mistake ``cross_entropy(softmax(z), y)`` (softmax applied twice) w.r.t.
    :math:`z`: with :math:`p = \operatorname{softmax}(z)`, :math:`g_p = (\operatorname{softmax}(p) -
    \mathrm{onehot}) / N` and, through the softmax Jacobian, :math:`g_z = p \odot (g_p - \langle g_p, p
    \rangle)`."""
    p = softmax(logits, axis=1)
    g_p = cross_entropy_grad(p, target)
    # softmax Jacobian-vector product: p * (g - <g, p>)
    return p * (g_p - (g_p * p).sum(axis=1, keepdims=True))


def binary_cross_entropy_with_logits(
    z: np.ndarray, y: np.ndarray, reduction: str = "mean"
) -> np.ndarray | float:
    r"""``torch.nn.functional.binary_cross_entropy_with_logits``: the notes' "standard form"
    :math:`-[y \log \sigma(z) + (1-y) \log(1 - \sigma(z))]` computed as
    :math:`\log(1 + e^{z}) - y z` = ``logaddexp(0, z) - y z``, stable for any :math:`z`
    (:math:`y \in [0, 1]`)."""
    _check_reduction(reduction)
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    _finite_or_inf(z, "z")
    if ((y < 0) | (y > 1)).any():
        raise ValueError("y must be a probability in [0, 1] for binary cross-entropy.")
    # softplus(z) - y z
    losses = np.logaddexp(0.0, z) - y * z
    if reduction == "none":
        return losses
    return float(losses.sum() if reduction == "sum" else losses.mean())


def log_loss(y: np.ndarray, p: np.ndarray, *, sample_weight: np.ndarray | None = None) -> float:
    r"""Mean binary cross-entropy of probabilities, as ``sklearn.metrics.log_loss`` for two classes:

    .. math:: -\frac{1}{\sum_n s_n}\sum_n s_n \,[y_n \log p_n + (1-y_n)\log(1-p_n)]

    with :math:`p` and :math:`1 - p` clipped to :math:`[\epsilon, 1-\epsilon]`, :math:`\epsilon` the float64
    machine epsilon (scikit-learn's clipping), so a confident wrong answer costs about 36 nats, not infinity.
    """
    y = np.asarray(y)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"y and p must be 1-D of the same length; got shapes {y.shape} and {p.shape}.")
    if y.size == 0:
        raise ValueError("y is empty: log_loss needs at least one example.")
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(f"y must hold 0/1 labels; found {sorted(values)}.")
    if not np.isfinite(p).all() or ((p < 0) | (p > 1)).any():
        raise ValueError("p must hold probabilities in [0, 1].")
    s = np.ones_like(p) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if s.shape != p.shape or not np.isfinite(s).all() or (s < 0).any() or s.sum() <= 0:
        raise ValueError("sample_weight must hold one finite weight >= 0 per example, not all zero.")
    y = y.astype(np.float64)
    # each example's weight on its positive and its negative side: s y and s (1 - y)
    return weighted_log_loss(p, s * y, s * (1.0 - y))


def weighted_log_loss(p: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> float:
    r"""The one log-loss formula, on probabilities :math:`p_k` each carrying a positive weight
    :math:`w^+_k` and a negative weight :math:`w^-_k` (a row: its weight on one side, 0 on the other;
    an aggregated table: the weights of the rows scored :math:`p_k`):

    .. math:: L = -\frac{\sum_k w^+_k \ln c(p_k) + w^-_k \ln c(1 - p_k)}{\sum_k w^+_k + w^-_k}

    where :math:`c` clips to :math:`[\epsilon, 1 - \epsilon]` (scikit-learn clips both columns
    :math:`[1 - p, p]` of its two-class form). A zero weight times the log of a clipped value is 0, so
    :math:`0 \ln 0` never arises. :func:`log_loss` and ``core.metrics.log_loss`` both call it.
    """
    eps = np.finfo(np.float64).eps
    # -(sum_k w+_k ln p_k + w-_k ln(1 - p_k)) / W, each log of a clipped value
    total = np.dot(positive, np.log(np.clip(p, eps, 1.0 - eps)))
    total += np.dot(negative, np.log(np.clip(1.0 - p, eps, 1.0 - eps)))
    return float(-total / (positive.sum() + negative.sum()))
