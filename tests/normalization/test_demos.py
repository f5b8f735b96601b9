"""What the normalization page computes (core.normalization), against torch and brute force."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core import normalization as nz
from core.normalization import BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm

TOL = 1e-10


@pytest.mark.parametrize("layout", nz.LAYOUTS)
@pytest.mark.parametrize("kind", nz.KINDS)
def test_explore_normalizes_each_group_and_matches_torch(kind, layout):
    shape = (3, 4, 2, 3) if layout == "image" else (3, 5, 4)
    res = nz.explore(kind, layout, shape, num_groups=2)
    assert res.x.shape == res.y.shape == res.groups.shape == shape
    assert res.torch_diff <= TOL
    n_groups = res.group_mean.size
    assert res.group_size * n_groups == res.x.size
    if kind == "rms":
        np.testing.assert_allclose(res.group_mean_square, 1.0, atol=1e-4)
    else:
        np.testing.assert_allclose(res.group_mean, 0.0, atol=1e-12)
        np.testing.assert_allclose(res.group_var, 1.0, atol=1e-4)


def test_explore_groups_and_shapes_on_images():
    shape = (2, 4, 3, 3)
    expected = {  # kind -> (number of groups, statistics shape, weight shape)
        "batch": (4, (4,), (4,)),
        "layer": (2, (2, 1, 1, 1), (4, 3, 3)),
        "group": (4, (2, 2), (4,)),
        "instance": (8, (2, 4), (4,)),
        "rms": (2, (2, 1, 1, 1), (4, 3, 3)),
    }
    for kind, (groups, stats, params) in expected.items():
        res = nz.explore(kind, "image", shape, num_groups=2)
        assert res.group_mean.size == groups, kind
        assert res.statistics_shape == stats, kind
        assert res.parameter_shape == params, kind
    # statistics shapes as torch's native kernels save them (mean of shape (N, G) for GroupNorm)
    x = torch.randn(shape, dtype=torch.float64)
    _, mean, _ = torch.native_group_norm(x, None, None, 2, 4, 9, 2, 1e-5)
    assert tuple(mean.shape) == (2, 2)


def test_explore_on_sequences_batchnorm_shares_a_feature_across_tokens():
    res = nz.explore("batch", "sequence", (2, 5, 4))
    # one group per feature d (the last axis), over every sentence and position
    assert (res.groups == np.arange(4)[None, None, :]).all()
    layer = nz.explore("layer", "sequence", (2, 5, 4))
    assert (layer.groups == np.arange(10).reshape(2, 5, 1)).all()  # one group per token


def test_explore_refuses_impossible_sizes_with_a_sentence():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nz.explore("batch", "image", (1, 3, 1, 1))
    with pytest.raises(ValueError, match="divisible"):
        nz.explore("group", "image", (2, 3, 2, 2), num_groups=2)
    with pytest.raises(ValueError, match="4 positive sizes"):
        nz.explore("layer", "image", (2, 3, 2))
    with pytest.raises(ValueError, match="kind"):
        nz.explore("weight", "image", (2, 3, 2, 2))


@pytest.mark.parametrize(
    "layer",
    [
        BatchNorm(3, momentum=None),
        InstanceNorm(3, affine=True, track_running_stats=True),
        GroupNorm(3, 3),
        LayerNorm((3, 4), bias=False),
        RMSNorm(4, eps=None),
    ],
    ids=lambda m: type(m).__name__,
)
def test_compare_with_torch_passes_and_leaves_the_layer_alone(layer):
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    before = None if getattr(layer, "running_mean", None) is None else layer.running_mean.copy()
    assert nz.compare_with_torch(layer, x) <= TOL
    if before is not None:
        np.testing.assert_array_equal(layer.running_mean, before)


def test_compare_with_torch_sees_a_difference():
    """The check can fail: a layer whose weight was changed after its twin was built differs."""
    layer = LayerNorm(4)
    x = np.random.default_rng(1).normal(size=(3, 4))
    twin = nz.torch_twin(layer, 2)
    layer.weight = layer.weight * 2
    ours = layer(x)
    theirs = twin(torch.tensor(x)).detach().numpy()
    assert np.abs(ours - theirs).max() > 0.1


def test_epsilon_curves_match_closed_forms():
    eps = 1e-5
    c = nz.epsilon_curves(eps)
    assert c.torch_diff <= TOL
    # torch: std(y) = sqrt(v / (v + eps)); notes: sqrt(v) / (sqrt(v) + eps)
    np.testing.assert_allclose(c.torch_std, np.sqrt(c.variance / (c.variance + eps)), rtol=1e-9)
    np.testing.assert_allclose(c.notes_std, np.sqrt(c.variance) / (np.sqrt(c.variance) + eps), rtol=1e-9)
    # they differ visibly at tiny variances and agree at ordinary ones
    at_eps = np.argmin(np.abs(np.log(c.variance / eps)))
    assert c.torch_std[at_eps] == pytest.approx(np.sqrt(0.5), rel=1e-3)
    assert c.notes_std[at_eps] > 0.99
    assert abs(c.torch_std[-1] - c.notes_std[-1]) < 1e-6


@pytest.mark.parametrize("momentum", [0.1, 1.0, None])
def test_running_statistics_match_torch_and_the_formulas(momentum):
    r = nz.running_statistics(momentum, 30, 5)
    assert r.torch_diff <= TOL
    np.testing.assert_allclose(r.batch_var_unbiased, r.batch_var_biased * 5 / 4, rtol=1e-12)
    # replay the update by hand
    mean, var, if_biased = 0.0, 1.0, 1.0
    for t in range(30):
        m = 1 / (t + 1) if momentum is None else momentum
        mean = (1 - m) * mean + m * r.batch_mean[t]
        var = (1 - m) * var + m * r.batch_var_unbiased[t]
        if_biased = (1 - m) * if_biased + m * r.batch_var_biased[t]
        assert r.running_mean[t] == pytest.approx(mean, abs=1e-12)
        assert r.running_var[t] == pytest.approx(var, abs=1e-12)
        assert r.running_var_if_biased[t] == pytest.approx(if_biased, abs=1e-12)
    if momentum is None:  # the cumulative average is the plain mean of the batch statistics
        assert r.running_mean[-1] == pytest.approx(r.batch_mean.mean(), abs=1e-12)


def test_running_statistics_refuses_a_batch_of_one():
    with pytest.raises(ValueError, match="batch_size"):
        nz.running_statistics(0.1, 10, 1)


def test_train_mode_effect():
    e = nz.train_mode_effect(2)
    # with two values per channel, x_hat = +-(d/2) / sqrt(d^2/4 + eps): inside (-1, 1), close to +-1
    # unless the companion is within ~sqrt(eps) of the sample
    assert np.all(np.abs(e.train_outputs) < 1)
    assert np.median(np.abs(e.train_outputs)) > 0.9999
    assert e.eval_output == pytest.approx(1.0, abs=0.2)  # (5 - ~3) / ~2
    big = nz.train_mode_effect(64)
    assert big.train_outputs.std() < e.train_outputs.std()
    assert "Expected more than 1 value per channel" in e.batch_of_one_error
    assert "Expected more than 1 value per channel" in e.torch_error


def test_padding_effect_layernorm_ignores_companions_batchnorm_does_not():
    p = nz.padding_effect()
    assert p.torch_diff <= TOL
    assert np.all(p.layer_change == 0) and np.all(p.rms_change == 0)
    assert p.batch_change[0] == 0 and np.all(p.batch_change[1:] > 0.1)
    assert p.rms_vs_layer > 0.1  # RMSNorm keeps the mean LayerNorm subtracts
