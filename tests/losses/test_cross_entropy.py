"""log_softmax, nll_loss, cross_entropy and the binary forms against torch and scikit-learn."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import log_loss as sk_log_loss

from core import losses as L

RNG = np.random.default_rng(1)
TOL = 1e-12


def _t(x):
    return torch.tensor(x, dtype=torch.float64) if np.asarray(x).dtype.kind == "f" else torch.tensor(x)


def _close(ours, ref, tol=TOL):
    ref = ref.detach().numpy() if isinstance(ref, torch.Tensor) else ref
    ours = np.asarray(ours)
    assert ours.shape == np.shape(ref)
    np.testing.assert_allclose(ours, ref, rtol=tol, atol=tol, equal_nan=True)


@pytest.mark.parametrize("scale", [1.0, 1e2, 1e4, 1e8])
def test_log_softmax_equals_torch_for_logits_of_any_size(scale):
    x = RNG.normal(size=(7, 5)) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = L.log_softmax(x, axis=1)
    ref = F.log_softmax(_t(x), dim=1).numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-12 * scale)
    _close(L.log_softmax(x, axis=0), F.log_softmax(_t(x), dim=0), tol=1e-12 * scale)


def test_naive_softmax_overflows_where_the_stable_one_does_not():
    x = np.array([[1000.0, 0.0, -1000.0]])
    assert np.isnan(L.softmax_naive(x)).any()
    np.testing.assert_allclose(L.softmax(x), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(L.softmax_naive(x / 1000), L.softmax(x / 1000), rtol=1e-15)


CASES = list(
    itertools.product(
        ["mean", "sum", "none"],  # reduction
        [False, True],  # class weights
        [-100, 2],  # ignore_index
        [0.0, 0.1, 1.0],  # label_smoothing
    )
)


@pytest.mark.parametrize(("reduction", "weighted", "ignore_index", "smoothing"), CASES)
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5)])
def test_cross_entropy_with_class_indices_equals_torch(shape, reduction, weighted, ignore_index, smoothing):
    logits = RNG.normal(size=shape) * 3
    target_shape = shape[:1] + shape[2:]
    target = RNG.integers(0, shape[1], size=target_shape)
    target.flat[0] = 2  # one example is ignored when ignore_index == 2
    weight = RNG.uniform(0.2, 2.0, size=shape[1]) if weighted else None
    ours = L.cross_entropy(logits, target, reduction, weight, ignore_index, smoothing)
    ref = F.cross_entropy(
        _t(logits),
        _t(target),
        weight=None if weight is None else _t(weight),
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=smoothing,
    )
    _close(ours, ref)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_with_probability_targets_equals_torch(reduction, weighted, smoothing):
    logits = RNG.normal(size=(5, 3)) * 2
    probs = RNG.dirichlet(np.ones(3), size=5)
    weight = RNG.uniform(0.2, 2.0, size=3) if weighted else None
    ours = L.cross_entropy(logits, probs, reduction, weight, label_smoothing=smoothing)
    ref = F.cross_entropy(
        _t(logits),
        _t(probs),
        weight=None if weight is None else _t(weight),
        reduction=reduction,
        label_smoothing=smoothing,
    )
    _close(ours, ref)


def test_cross_entropy_single_example_and_all_ignored():
    z, y = np.array([0.5, -1.0, 2.0]), np.array(2)
    _close(L.cross_entropy(z, y), F.cross_entropy(_t(z), _t(y)))
    logits, target = RNG.normal(size=(3, 4)), np.full(3, -100)
    ours = L.cross_entropy(logits, target)
    assert np.isnan(ours) and torch.isnan(F.cross_entropy(_t(logits), _t(target)))


@pytest.mark.parametrize("scale", [1e4, 1e6, 1e300])
def test_cross_entropy_is_stable_for_huge_logits(scale):
    logits = np.array([[1.0, -1.0, 0.5], [0.2, 0.3, -0.9]]) * scale
    target = np.array([1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = L.cross_entropy(logits, target, reduction="none")
    ref = F.cross_entropy(_t(logits), _t(target), reduction="none").numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert np.isfinite(ours).all()


def test_nll_loss_equals_torch_with_weights_and_ignore_index():
    log_p = F.log_softmax(_t(RNG.normal(size=(8, 5))), dim=1).numpy()
    target = RNG.integers(0, 5, size=8)
    target[3] = -1
    weight = RNG.uniform(0.5, 2, size=5)
    for reduction in ("mean", "sum", "none"):
        ours = L.nll_loss(log_p, target, weight=weight, ignore_index=-1, reduction=reduction)
        ref = F.nll_loss(_t(log_p), _t(target), weight=_t(weight), ignore_index=-1, reduction=reduction)
        _close(ours, ref)


def test_cross_entropy_is_softmax_log_nll():
    """The notes: CrossEntropyLoss = softmax -> log -> NLLLoss."""
    logits, target = RNG.normal(size=(6, 4)) * 5, RNG.integers(0, 4, size=6)
    steps = L.cross_entropy_steps(logits, target)
    composed = L.nll_loss(np.log(L.softmax(logits, axis=1)), target)
    assert steps["mean"] == pytest.approx(L.cross_entropy(logits, target), abs=TOL)
    assert composed == pytest.approx(steps["mean"], abs=TOL)
    np.testing.assert_allclose(steps["softmax"].sum(1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(steps["logsumexp"], torch.logsumexp(_t(logits), 1).numpy(), rtol=1e-15)


def test_cross_entropy_gradients_equal_autograd():
    logits, target = RNG.normal(size=(6, 4)) * 2, RNG.integers(0, 4, size=6)
    z = _t(logits).requires_grad_()
    F.cross_entropy(z, _t(target)).backward()
    _close(L.cross_entropy_grad(logits, target), z.grad)
    z = _t(logits).requires_grad_()
    F.cross_entropy(F.softmax(z, dim=1), _t(target)).backward()
    _close(L.softmax_then_cross_entropy_grad(logits, target), z.grad)


def test_cross_entropy_rejects_bad_input():
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'; got 'avg'"):
        L.cross_entropy(logits, np.array([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match=r"target holds class 3, outside 0..2"):
        L.cross_entropy(logits, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"target has shape \(3,\); for input of shape \(2, 3\) it must be"):
        L.cross_entropy(logits, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"label_smoothing must be between 0 and 1; got 1\.5"):
        L.cross_entropy(logits, np.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"weight has shape \(2,\); it must have one value per class"):
        L.cross_entropy(logits, np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match="logits holds NaN"):
        L.cross_entropy(np.array([[np.nan, 0.0]]), np.array([0]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits_equals_torch_and_two_class_ce(reduction):
    z = np.concatenate([RNG.normal(size=50) * 10, [1e4, -1e4, 800.0, -800.0]])
    y = (RNG.random(z.size) < 0.5).astype(float)
    ours = L.binary_cross_entropy_with_logits(z, y, reduction)
    _close(ours, F.binary_cross_entropy_with_logits(_t(z), _t(y), reduction=reduction))
    # the notes' two forms agree: BCE(z, y) = CE([0, z], y)
    two = np.column_stack([np.zeros_like(z), z])
    _close(ours, L.cross_entropy(two, y.astype(int), reduction=reduction))


def test_log_loss_equals_sklearn():
    y = (RNG.random(200) < 0.4).astype(int)
    p = RNG.random(200)
    p[:4] = [0.0, 1.0, 1.0, 0.0]  # certain answers, two of them wrong: clipped as in scikit-learn
    y[:4] = [1, 0, 1, 0]
    w = RNG.uniform(0.1, 3, size=200)
    assert L.log_loss(y, p) == pytest.approx(sk_log_loss(y, p), rel=1e-13)
    assert L.log_loss(y, p, sample_weight=w) == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-13)
    with pytest.raises(ValueError, match=r"y must hold 0/1 labels; found \[0, 2\]"):
        L.log_loss(np.array([0, 2]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"p must hold probabilities in \[0, 1\]"):
        L.log_loss(np.array([0, 1]), np.array([0.5, 1.5]))


def test_one_log_loss_for_rows_and_aggregated_tables():
    """core.losses.log_loss and core.metrics.log_loss are one formula (weighted_log_loss): equal to each
    other, to scikit-learn (with its clipping) and to torch's binary_cross_entropy away from the clip."""
    from core import metrics

    y = (RNG.random(300) < 0.5).astype(int)
    p = RNG.uniform(0.01, 0.99, size=300)
    w = RNG.uniform(0.1, 3, size=300)
    for weight in (None, w):
        ours = L.log_loss(y, p, sample_weight=weight)
        assert ours == pytest.approx(metrics.log_loss(y, p, sample_weight=weight), rel=1e-13)
        assert ours == pytest.approx(sk_log_loss(y, p, sample_weight=weight), rel=1e-13)
        torch_weight = None if weight is None else _t(weight)
        ref = F.binary_cross_entropy(_t(p), _t(y.astype(float)), weight=torch_weight)
        expected = float(ref) if weight is None else float(ref) * len(y) / w.sum()  # torch divides by N
        assert ours == pytest.approx(expected, rel=1e-13)
    # certain wrong answers cost -ln(eps) each, in both, as in scikit-learn
    y2, p2 = np.array([1, 0, 1]), np.array([0.0, 1.0, 1.0])
    assert L.log_loss(y2, p2) == pytest.approx(metrics.log_loss(y2, p2), rel=1e-15)
    assert L.log_loss(y2, p2) == pytest.approx(sk_log_loss(y2, p2), rel=1e-13)
    with pytest.raises(ValueError, match="sample_weight"):
        L.log_loss(y2, np.array([0.5, 0.5, 0.5]), sample_weight=np.zeros(3))


def test_log_softmax_in_torchs_order_and_softmax_its_exp():
    """The one log_softmax (which the softmax-regression loop calls too) equals torch's for large logits,
    and softmax is its exp."""
    z = RNG.normal(scale=300.0, size=(6, 4))
    np.testing.assert_allclose(L.log_softmax(z), F.log_softmax(_t(z), dim=1).numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.exp(L.log_softmax(z)), L.softmax(z))
