"""The notes' "LayerNorm/BatchNorm" section, claim by claim (data/notes/claims.json, ids ``norm-*``): each
verdict a number can settle, settled against torch.nn in float64 (and brute force) with explicit
tolerances. The signatures' claims are checked against the installed torch's ``inspect.signature``."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

from core.errors import InputError
from core.normalization import NOTES_SIGNATURES, BatchNorm, compare_signature, compare_with_torch

TIGHT = 1e-12  # float64 against float64: the same formula, reductions in another order


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)


def _brute(x: np.ndarray, axes: tuple[int, ...], eps: float = 1e-5) -> np.ndarray:
    """(x - mean) / sqrt(biased var + eps) over ``axes``: the formula with epsilon inside the root."""
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _run(module: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module.double()(_t(x)).numpy()


def test_layernorm_needs_no_batch_and_batchnorm_does():
    rng = np.random.default_rng(0)
    sample = rng.normal(size=(1, 6))
    batches = [np.concatenate([sample, rng.normal(3.0, 2.0, size=(k, 6))]) for k in (1, 3, 7)]
    ln, bn = torch.nn.LayerNorm(6), torch.nn.BatchNorm1d(6)
    ln_first = [_run(ln, b)[0] for b in batches]
    bn_first = [_run(bn.train(), b)[0] for b in batches]
    # LayerNorm: the sample's output is the same whatever it is batched with, and alone
    for out in ln_first:
        np.testing.assert_allclose(out, _run(ln, sample)[0], rtol=0, atol=TIGHT)
    # BatchNorm in training: it moves with its companions
    assert max(np.abs(o - bn_first[0]).max() for o in bn_first[1:]) > 0.1
    # LayerNorm computes the same in train and eval mode; BatchNorm does not
    np.testing.assert_allclose(_run(ln.train(), batches[1]), _run(ln.eval(), batches[1]), rtol=0, atol=0)
    assert np.abs(_run(bn.train(), batches[1]) - _run(bn.eval(), batches[1])).max() > 0.1


def test_layernorm_takes_normalized_shape_not_num_features():
    ln_params = list(inspect.signature(torch.nn.LayerNorm).parameters)
    assert ln_params[0] == "normalized_shape" and "num_features" not in ln_params
    assert next(iter(inspect.signature(torch.nn.BatchNorm1d).parameters)) == "num_features"
    rng = np.random.default_rng(1)
    # a sequence (N, L, D): normalized_shape = D, one mean per token
    seq = rng.normal(2.0, 3.0, size=(2, 5, 4))
    np.testing.assert_allclose(_run(torch.nn.LayerNorm(4), seq), _brute(seq, (2,)), rtol=0, atol=TIGHT)
    # an image (N, C, H, W): normalized_shape = (C, H, W), which one number cannot say
    img = rng.normal(2.0, 3.0, size=(2, 3, 4, 4))
    ln = torch.nn.LayerNorm((3, 4, 4))
    assert tuple(ln.weight.shape) == (3, 4, 4)
    np.testing.assert_allclose(_run(ln, img), _brute(img, (1, 2, 3)), rtol=0, atol=TIGHT)


def test_which_axes_each_layer_normalizes_over():
    rng = np.random.default_rng(2)
    img = rng.normal(size=(3, 4, 2, 5)) * rng.uniform(0.5, 3, size=(1, 4, 1, 1)) + rng.normal(
        size=(1, 4, 1, 1)
    )
    # BatchNorm2d: per channel, over N and every position (0, 2, 3)
    np.testing.assert_allclose(_run(torch.nn.BatchNorm2d(4), img), _brute(img, (0, 2, 3)), rtol=0, atol=TIGHT)
    seq = rng.normal(1.0, 2.0, size=(2, 6, 3))  # (N, L, D)
    # LayerNorm(D): per token, over its D features (the last axis)
    np.testing.assert_allclose(_run(torch.nn.LayerNorm(3), seq), _brute(seq, (2,)), rtol=0, atol=TIGHT)
    # BatchNorm1d wants the features on axis 1: (N, D, L), then mixes every token of every sentence
    as_channels = seq.transpose(0, 2, 1)
    expected = _brute(as_channels, (0, 2))
    np.testing.assert_allclose(_run(torch.nn.BatchNorm1d(3), as_channels), expected, rtol=0, atol=TIGHT)
    # the two are different normalizations of the same tensor
    assert np.abs(expected.transpose(0, 2, 1) - _brute(seq, (2,))).max() > 0.1


@pytest.mark.parametrize("layer", ["layer", "batch"])
def test_epsilon_is_inside_the_square_root(layer):
    eps = 1e-5
    z = np.random.default_rng(3).normal(size=(8, 16))
    z = (z - z.mean(axis=1, keepdims=True)) / z.std(axis=1, keepdims=True)
    module = torch.nn.LayerNorm(16, eps=eps) if layer == "layer" else torch.nn.BatchNorm1d(8, eps=eps)
    for scale in (1.0, 1e-5, 1e-8):  # ordinary data, then groups that are nearly constant
        x = scale * z  # one group per row, variance scale^2
        rows = x if layer == "layer" else x.T  # BatchNorm1d: (N=16, C=8), a channel per row of x
        out = _run(module, rows)
        out = out if layer == "layer" else out.T
        mu, sd = x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True)
        inside = (x - mu) / np.sqrt(sd**2 + eps)
        outside = (x - mu) / (sd + eps)  # the notes' formula
        np.testing.assert_allclose(out, inside, rtol=0, atol=TIGHT)
        if scale == 1.0:
            assert np.abs(out - outside).max() < 2e-5  # ordinary data: the two agree to about 5 digits
        elif scale == 1e-8:  # variance 1e-16, a nearly constant group: the gain applied to its noise
            # inside the root the gain is capped at 1/sqrt(eps) ~ 316; outside it reaches 1/eps = 1e5
            assert out.std() / x.std() == pytest.approx(1 / np.sqrt(eps), rel=1e-6)
            assert outside.std() / x.std() == pytest.approx(1 / eps, rel=2e-3)


def test_batchnorm_normalizes_with_the_biased_variance_and_stores_the_unbiased_one():
    rng = np.random.default_rng(4)
    x = rng.normal(3.0, 2.0, size=(6, 2))
    bn = torch.nn.BatchNorm1d(2, momentum=0.1, affine=False).double()
    out = _run(bn.train(), x)
    n = x.shape[0]
    biased, unbiased = x.var(axis=0), x.var(axis=0, ddof=1)
    np.testing.assert_allclose(out, (x - x.mean(axis=0)) / np.sqrt(biased + 1e-5), rtol=0, atol=TIGHT)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 * 1.0 + 0.1 * unbiased, rtol=0, atol=TIGHT)
    np.testing.assert_allclose(unbiased, biased * n / (n - 1), rtol=1e-14)
    # eval mode: the running statistics, not the batch's
    y = rng.normal(size=(4, 2))
    expected = (y - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + 1e-5)
    np.testing.assert_allclose(_run(bn.eval(), y), expected, rtol=0, atol=TIGHT)


def test_affine_parameters_have_the_shapes_and_initial_values_said():
    bn, ln = torch.nn.BatchNorm2d(3), torch.nn.LayerNorm((3, 4, 4))
    assert tuple(bn.weight.shape) == tuple(bn.bias.shape) == (3,)
    assert tuple(ln.weight.shape) == tuple(ln.bias.shape) == (3, 4, 4)
    for module in (bn, ln):
        assert torch.equal(module.weight, torch.ones_like(module.weight))
        assert torch.equal(module.bias, torch.zeros_like(module.bias))
    # learned: gamma and beta scale and shift the normalized values
    x = np.random.default_rng(5).normal(size=(4, 3, 2, 2))
    with torch.no_grad():
        bn.weight.fill_(2.0)
        bn.bias.fill_(-1.0)
    np.testing.assert_allclose(_run(bn, x), 2.0 * _brute(x, (0, 2, 3)) - 1.0, rtol=0, atol=TIGHT)


def test_batchnorm_num_features_is_the_size_of_axis_1():
    x = np.random.default_rng(6).normal(size=(2, 3, 4, 4))
    assert _run(torch.nn.BatchNorm2d(x.shape[1]), x).shape == x.shape
    with pytest.raises(RuntimeError):
        _run(torch.nn.BatchNorm2d(4), x)  # C = 3 on axis 1, num_features 4
    with pytest.raises(ValueError, match="channels"):
        BatchNorm(4)(x)  # ours says so too


def test_momentum_is_the_weight_of_the_new_batch():
    rng = np.random.default_rng(7)
    batches = [rng.normal(3.0, 2.0, size=(8, 1)) for _ in range(5)]
    bn = torch.nn.BatchNorm1d(1, momentum=0.1).double().train()
    mxnet_style = 0.0  # moving = momentum * moving + (1 - momentum) * batch, momentum = 0.9
    for b in batches:
        _run(bn, b)
        mxnet_style = 0.9 * mxnet_style + (1 - 0.9) * b.mean()
    assert bn.running_mean.item() == pytest.approx(mxnet_style, abs=TIGHT)
    # after one batch, torch's running mean holds 0.1 of it: the new batch's weight
    one = torch.nn.BatchNorm1d(1, momentum=0.1).double()
    _run(one, batches[0])
    assert one.running_mean.item() == pytest.approx(0.1 * batches[0].mean(), abs=TIGHT)
    # momentum=None: the cumulative average of the batch means
    cumulative = torch.nn.BatchNorm1d(1, momentum=None).double()
    for b in batches:
        _run(cumulative, b)
    assert cumulative.running_mean.item() == pytest.approx(np.mean([b.mean() for b in batches]), abs=TIGHT)


def test_one_value_per_channel_is_refused_but_one_image_is_not():
    rng = np.random.default_rng(8)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        _run(torch.nn.BatchNorm1d(3).train(), rng.normal(size=(1, 3)))
    with pytest.raises(InputError, match="more than 1 value per channel"):
        BatchNorm(3)(rng.normal(size=(1, 3)))
    assert _run(torch.nn.BatchNorm1d(3).eval(), rng.normal(size=(1, 3))).shape == (1, 3)  # eval: fine
    image = rng.normal(3.0, 2.0, size=(1, 3, 4, 4))  # one sample, 16 values per channel
    out = _run(torch.nn.BatchNorm2d(3).train(), image)
    np.testing.assert_allclose(out, _brute(image, (0, 2, 3)), rtol=0, atol=TIGHT)
    assert np.abs(out.var(axis=(0, 2, 3)) - 1).max() < 1e-3  # each channel normalized over its 16 values
    assert compare_with_torch(BatchNorm(3), image) < TIGHT  # ours trains on it too, equal to torch


def test_the_notes_signatures_against_the_installed_torch(notes_section):
    ln = inspect.signature(torch.nn.LayerNorm).parameters
    bn = inspect.signature(torch.nn.BatchNorm2d).parameters
    gluon_only = ("epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "in_channels")
    assert not {*gluon_only, "num_features", "prefix", "params"} & set(ln)
    assert ln["eps"].default == 1e-5 and ln["elementwise_affine"].default is True
    # the BatchNorm line's PyTorch part is torch's, default for default; its last three are not torch's
    defaults = {"eps": 1e-5, "momentum": 0.1, "affine": True, "track_running_stats": True}
    assert {k: bn[k].default for k in defaults} == defaults
    assert not {"in_channels", "prefix", "params"} & set(bn)
    for which, (_, rows) in NOTES_SIGNATURES.items():
        assert compare_signature(which).missing == ()  # every torch parameter the page names exists
        for notes_arg, _, _ in rows:
            assert notes_arg in notes_section, notes_arg  # the page quotes the notes as written


@pytest.fixture(scope="module")
def notes_section() -> str:
    """The notes' LayerNorm/BatchNorm section (skipped without the notes, failed under CI=true)."""
    import os

    from tests.notes.test_catalog import NOTES_PATH

    if not NOTES_PATH.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the notes are missing: {NOTES_PATH}")
        pytest.skip(f"the notes are not beside the project: {NOTES_PATH}")
    text = NOTES_PATH.read_text(encoding="utf-8")
    start = text.index("## LayerNorm/BatchNorm")
    return text[start : text.index("\n#", start + 1)]
