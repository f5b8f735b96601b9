"""The elementwise losses and gradients of core.losses against torch (autograd) and scikit-learn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import hinge_loss as sk_hinge_loss

from core import losses as L

RNG = np.random.default_rng(0)
# margins away from the kinks (m = 0 for 0-1, m = 1 for hinge), where subgradients are a choice
Y = np.where(RNG.random(400) < 0.5, -1.0, 1.0)
F_SCORES = RNG.normal(scale=3.0, size=400)
F_SCORES[np.isclose(np.abs(F_SCORES), 1.0, atol=1e-6)] += 0.1
TOL = 1e-12


def _autograd(fn, y: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's value of fn(y, f) elementwise and its gradient w.r.t. f."""
    ft = torch.tensor(f, requires_grad=True)
    value = fn(torch.tensor(y), ft)
    value.sum().backward()
    return value.detach().numpy(), ft.grad.numpy()


TORCH_MARGIN = {
    "hinge": lambda y, f: torch.clamp(1 - y * f, min=0),
    "logistic": lambda y, f: F.softplus(-y * f),
    "exponential": lambda y, f: torch.exp(-y * f),
    "squared": lambda y, f: (1 - y * f) ** 2,
}


@pytest.mark.parametrize("name", list(TORCH_MARGIN))
def test_margin_losses_and_gradients_equal_torch_autograd(name):
    loss, grad = L.MARGIN_LOSSES[name]
    ref_value, ref_grad = _autograd(TORCH_MARGIN[name], Y, F_SCORES)
    scale = np.maximum(1.0, np.abs(ref_value))  # the exponential reaches e^10: compare relatively
    np.testing.assert_array_less(np.abs(loss(Y, F_SCORES) - ref_value) / scale, TOL)
    np.testing.assert_array_less(np.abs(grad(Y, F_SCORES) - ref_grad) / np.maximum(1, np.abs(ref_grad)), TOL)


def test_logistic_is_torch_binary_cross_entropy_with_logits():
    target = (Y + 1) / 2
    ref = F.binary_cross_entropy_with_logits(torch.tensor(F_SCORES), torch.tensor(target), reduction="none")
    np.testing.assert_allclose(L.logistic(Y, F_SCORES), ref.numpy(), rtol=0, atol=TOL)


def test_hinge_mean_equals_sklearn_hinge_loss():
    assert abs(L.hinge(Y, F_SCORES).mean() - sk_hinge_loss(Y, F_SCORES)) < TOL


def test_zero_one_counts_errors_and_has_no_useful_gradient():
    f = np.array([-2.0, -0.1, 0.0, 0.1, 3.0])
    y = np.ones(5)
    np.testing.assert_array_equal(L.zero_one(y, f), [1, 1, 1, 0, 0])
    g = L.zero_one_grad(y, f)
    assert np.isnan(g[2]) and np.all(g[[0, 1, 3, 4]] == 0)
    # the mean 0-1 loss is the error rate of sign(f)
    assert L.zero_one(Y, F_SCORES).mean() == pytest.approx(np.mean(np.sign(F_SCORES) != Y))


def test_hinge_subgradient_at_the_kink_is_torch_clamps_choice():
    y, f = np.array([1.0, -1.0]), np.array([1.0, -1.0])  # margin exactly 1
    _, ref = _autograd(TORCH_MARGIN["hinge"], y, f)
    np.testing.assert_array_equal(L.hinge_grad(y, f), ref)


@pytest.mark.parametrize("name", ["logistic", "exponential", "hinge", "squared"])
def test_margin_losses_do_not_warn_for_huge_scores(name):
    loss, grad = L.MARGIN_LOSSES[name]
    f = np.array([-1e308, -1e4, -800.0, 0.0, 800.0, 1e4, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, g = loss(np.ones_like(f), f), grad(np.ones_like(f), f)
    assert not np.isnan(value).any() and not np.isnan(g).any()
    if name == "logistic":  # exact far out: log(1 + e^{-m}) -> -m, and -> e^{-m} underflowing to 0
        assert value[1] == 1e4 and value[-2] == 0.0 and np.isfinite(value).all()
        np.testing.assert_array_equal(g[:3], -1.0)
    if name == "exponential":  # its true value overflows float64: inf, without a warning
        assert value[1] == np.inf and value[-2] == 0.0


def test_margin_losses_reject_labels_other_than_plus_minus_one():
    with pytest.raises(ValueError, match=r"y must hold only -1 and \+1.*found 0"):
        L.hinge(np.array([0.0, 1.0]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="f holds NaN"):
        L.logistic(np.array([1.0]), np.array([np.nan]))


RESIDUAL_TORCH = {
    "squared": lambda t, p: F.mse_loss(p, t, reduction="none"),
    "absolute": lambda t, p: F.l1_loss(p, t, reduction="none"),
    "huber": lambda t, p, delta=1.0: F.huber_loss(p, t, reduction="none", delta=delta),
}


@pytest.mark.parametrize("name", list(RESIDUAL_TORCH))
@pytest.mark.parametrize("delta", [0.3, 1.0, 4.0])
def test_residual_losses_and_gradients_equal_torch(name, delta):
    y_true = RNG.normal(size=300) * 5
    y_pred = y_true + RNG.normal(size=300) * 4
    y_pred[:3] = y_true[:3]  # the kink of the absolute loss: sign(0) = 0 in both
    loss, grad = L.RESIDUAL_LOSSES[name]
    kwargs = {"delta": delta} if name == "huber" else {}
    p = torch.tensor(y_pred, requires_grad=True)
    ref = RESIDUAL_TORCH[name](torch.tensor(y_true), p, **kwargs)
    ref.sum().backward()
    np.testing.assert_allclose(loss(y_true, y_pred, **kwargs), ref.detach().numpy(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(grad(y_true, y_pred, **kwargs), p.grad.numpy(), rtol=1e-13, atol=1e-13)


def test_huber_bridges_squared_and_absolute():
    r = np.linspace(-5, 5, 101)
    zero = np.zeros_like(r)
    # large delta: half the squared loss
    np.testing.assert_allclose(L.huber(zero, r, delta=1e6), 0.5 * L.squared(zero, r), rtol=1e-15)
    # small delta, divided by delta: the absolute loss (within delta / 2)
    delta = 1e-6
    assert np.abs(L.huber(zero, r, delta=delta) / delta - L.absolute(zero, r)).max() <= delta / 2 + 1e-12
    with pytest.raises(ValueError, match="delta must be a positive number; got 0"):
        L.huber(zero, r, delta=0.0)


def test_residual_losses_reject_mismatched_shapes():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) and y_pred \(2,\)"):
        L.squared(np.zeros(3), np.zeros(2))


def test_logistic_nll_taken_literally_is_the_logistic_loss_and_sklearns_log_loss():
    import torch
    import torch.nn.functional as F
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(3)
    y = np.where(rng.random(500) < 0.5, 1.0, -1.0)
    f = rng.normal(scale=6.0, size=500)
    nll = L.logistic_nll(y, f)
    # the literal 1 - sigma(f) loses digits like eps e^{|f|} (2.5e-10 at f = 12), the stable form none
    np.testing.assert_allclose(nll, L.logistic(y, f), rtol=0, atol=1e-15 * np.exp(np.abs(f)).max())
    reference = F.binary_cross_entropy_with_logits(
        torch.tensor(f), torch.tensor((y > 0).astype(np.float64)), reduction="none"
    ).numpy()
    np.testing.assert_allclose(L.logistic(y, f), reference, rtol=0, atol=1e-12)
    assert abs(L.logistic(y, f).mean() - log_loss((y > 0).astype(int), L.sigmoid(f))) < 1e-12
    # past f ~ 37, 1 - sigma(f) is 0 in float64: the literal form gives inf, the stable one stays exact
    assert np.isinf(L.logistic_nll([-1.0], [40.0])[0])
    assert L.logistic([-1.0], [40.0])[0] == pytest.approx(40.0)
